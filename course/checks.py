"""Validate the course tables: Frictionless for the Table Schema, plus the course's own rules.

Two layers, both reported as :class:`course.package.Problem` objects that name the row and field:

1. **Table Schema** (types, ``required``, ``unique``, ``enum``, ``pattern``, ``minimum``, primary
   and foreign keys) is checked by frictionless against ``datasets/datapackage.json``.
2. **Course rules** that a schema cannot express: every ``quote`` occurs in its document, every
   actor in ``events.actors`` exists, a date's text matches its precision, ranges run forwards,
   a raw file still has its recorded checksum, a framing pattern matches its own example; and
   the editorial rules of :mod:`course.rules`: loaded words only quoted or attributed in a
   table's own prose, sides and alignments by the written rule, usage computed, never typed.

Validation is a pure function of the files, so :func:`ensure_valid` remembers a table's
*fingerprint* (a hash of its CSV, its schema and every file its rules read) once the table has
passed, and ``course build`` records the fingerprints of the committed tables in
``datasets/derived/validated.json``. A table whose fingerprint is recorded there is not checked
again; any edit changes the fingerprint, and the next load validates it in full.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from course import rules, text
from course.package import (
    CURATED,
    DATE_PATTERN,
    DERIVED,
    DatasetError,
    Problem,
    package_descriptor,
    read_raw,
    resource_descriptor,
    table_path,
)
from course.paths import datasets_dir

__all__ = ["ensure_valid", "fingerprint", "table_problems", "validate_all"]

STAMPS = "derived/validated.json"
_PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}
_validated: set[str] = set()
MISSING_VALIDATOR = (
    "checking this table needs frictionless, which only the instructor tools install: "
    "pip install 'aleppo-course[instructor]'. Without it, a table loads only while it is "
    f"exactly as recorded in datasets/{STAMPS}; restore the table or install the tools."
)


# --------------------------------------------------------------------------------------------
# Fingerprints


def _dependencies(name: str) -> list[str]:
    """Tables whose content the rules for ``name`` read (foreign keys, documents)."""
    schema = resource_descriptor(name)["schema"]
    deps = {fk["reference"]["resource"] or name for fk in schema.get("foreignKeys", [])}
    if name in ("events", "attributions"):
        deps.add("actors")  # events.actors and attributions.actor_id name actors
    if name in rules.PROSE_FIELDS or name == "attributions":
        deps.add("framing")  # the lexicon's loaded terms; wp_battle attributions use a term
    if any(field["name"] in {"doc_id", "example_doc_id"} for field in schema["fields"]):
        deps.add("documents")
    deps.discard(name)
    return sorted(deps)


def fingerprint(name: str) -> str:
    """Hash of everything that decides whether table ``name`` is valid."""
    digest = hashlib.sha256()
    digest.update(json.dumps(resource_descriptor(name), sort_keys=True).encode())
    for table in [name, *_dependencies(name)]:
        path = table_path(table)
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    if name == "documents" or "documents" in _dependencies(name):
        for raw in sorted((datasets_dir() / "raw").glob("*")):
            digest.update(raw.name.encode() + raw.read_bytes())
    return digest.hexdigest()


def _stamps() -> dict[str, str]:
    path = datasets_dir() / STAMPS
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def ensure_valid(name: str, known_fingerprint: str | None = None) -> None:
    """Raise :class:`DatasetError` unless table ``name`` passes every check."""
    current = known_fingerprint or fingerprint(name)
    if current in _validated or _stamps().get(name) == current:
        return
    problems = table_problems(name)
    if problems:
        raise DatasetError(table_path(name), problems)
    _validated.add(current)


# --------------------------------------------------------------------------------------------
# Layer 1: Table Schema through frictionless


def _schema_problems(name: str) -> list[Problem]:
    try:
        from frictionless import Package  # imported here: it costs about a second
    except ImportError as error:  # a base install: only recorded fingerprints are trusted
        problem = Problem(name, None, None, MISSING_VALIDATOR)
        raise DatasetError(table_path(name), [problem]) from error

    package = Package(package_descriptor(), basepath=str(datasets_dir()))
    report = package.get_resource(name).validate()
    problems = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            if field is None and error.type == "foreign-key":
                named = re.search(r'for "([^"]+)"', error.note)  # e.g. for "phase_id": values ...
                field = named.group(1) if named else None
            cell = getattr(error, "cell", None)
            shown = f" (value {cell!r})" if cell not in (None, "") else ""
            problems.append(Problem(name, row, field, f"{error.type}: {error.note}{shown}"))
    for error in report.errors:
        problems.append(Problem(name, None, None, f"{error.type}: {error.note}"))
    return problems


# --------------------------------------------------------------------------------------------
# Layer 2: course rules, one function per rule; each yields Problems

_Rule = Callable[[str, pd.DataFrame], Iterator[Problem]]


def _rows(frame: pd.DataFrame) -> Iterator[tuple[int, pd.Series]]:
    for index, row in frame.iterrows():
        yield int(index) + 2, row  # +1 for the header, +1 to count from one


def _quotes_found(name: str, frame: pd.DataFrame) -> Iterator[Problem]:
    doc_column, quote_column = (
        ("example_doc_id", "example_quote") if name == "framing" else ("doc_id", "quote")
    )
    if quote_column not in frame:
        return
    known = set(text.document_ids())
    for number, row in _rows(frame):
        doc_id, quote = row[doc_column], row[quote_column]
        if doc_id not in known or not quote:
            continue  # the schema layer reports unknown documents and empty quotes
        haystack = None
        if name == "documents":
            haystack = text.repaired_text(doc_id)
        elif name == "defects" and row["text_version"] == "raw":
            haystack = text.raw_text(doc_id)
        if text.find_quote(doc_id, quote, text=haystack) is None:
            version = {"documents": "repaired", "defects": row.get("text_version")}.get(name)
            where = f"the {version} text of" if version else ""
            yield Problem(
                name,
                number,
                quote_column,
                f"quote not found in {where or 'document'} {doc_id!r}: {quote[:80]!r}",
            )


def _dates_match_precision(name: str, frame: pd.DataFrame) -> Iterator[Problem]:
    schema = resource_descriptor(name)["schema"]
    for field in schema["fields"]:
        column = field["name"]
        if field["constraints"].get("pattern") != DATE_PATTERN:
            continue
        precision_column = f"{column}_precision" if f"{column}_precision" in frame else None
        for number, row in _rows(frame):
            value = row[column]
            if not value:
                if precision_column and row[precision_column] not in ("", "unknown"):
                    yield Problem(name, number, precision_column, "precision given for no date")
                continue
            try:
                pd.Period(value, freq={4: "Y", 7: "M", 10: "D"}[len(value)])
            except (ValueError, KeyError):
                yield Problem(name, number, column, f"{value!r} is not a calendar date")
                continue
            expected = _PRECISION_BY_LENGTH[len(value)]
            if precision_column and row[precision_column] != expected:
                yield Problem(
                    name,
                    number,
                    precision_column,
                    f"{value!r} has {expected} precision, not {row[precision_column]!r}",
                )


def _ranges_forward(name: str, frame: pd.DataFrame) -> Iterator[Problem]:
    pairs = {
        "events": ("date", "end_date"),
        "phases": ("start", "end"),
        "documents": ("period_start", "period_end"),
        "actors": ("involvement_start", "involvement_end"),
    }
    if name == "figures":
        low, high = (
            pd.to_numeric(frame["low"], errors="coerce"),
            pd.to_numeric(frame["high"], errors="coerce"),
        )
        for number, (lo, hi) in zip(frame.index + 2, zip(low, high, strict=True), strict=True):
            if lo > hi:  # False when either is missing or not a number (the schema reports those)
                yield Problem(name, int(number), "high", f"high {hi:g} is below low {lo:g}")
        return
    if name not in pairs:
        return
    first, last = pairs[name]
    for number, row in _rows(frame):
        if row[first] and row[last] and row[last][: len(row[first])] < row[first][: len(row[last])]:
            yield Problem(name, number, last, f"{row[last]!r} comes before {first} {row[first]!r}")


def _event_actors_exist(name: str, frame: pd.DataFrame) -> Iterator[Problem]:
    if name != "events":
        return
    known = set(read_raw("actors")["actor_id"])
    for number, row in _rows(frame):
        missing = [actor for actor in row["actors"].split(";") if actor and actor not in known]
        if missing:
            yield Problem(
                name,
                number,
                "actors",
                f"unknown actor id(s) {', '.join(missing)}; "
                "add them to actors.csv or fix the spelling",
            )


def _checksums_match(name: str, frame: pd.DataFrame) -> Iterator[Problem]:
    if name != "documents":
        return
    for number, row in _rows(frame):
        path = datasets_dir() / row["file"]
        if not path.is_file():
            yield Problem(name, number, "file", f"raw document {path} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != row["sha256"]:
            yield Problem(
                name,
                number,
                "sha256",
                f"{path.name} has changed since it was recorded; "
                "raw documents must stay byte for byte as received",
            )


def _patterns_work(name: str, frame: pd.DataFrame) -> Iterator[Problem]:
    if name != "framing":
        return
    for number, row in _rows(frame):
        try:
            pattern = re.compile(row["pattern"], re.IGNORECASE)
        except re.error as error:
            yield Problem(name, number, "pattern", f"not a valid regular expression: {error}")
            continue
        if not pattern.search(row["example_quote"]):
            yield Problem(name, number, "pattern", "does not match its own example_quote")


RULES: tuple[_Rule, ...] = (
    _quotes_found,
    _dates_match_precision,
    _ranges_forward,
    _event_actors_exist,
    _checksums_match,
    _patterns_work,
    rules.own_voice_problems,
    rules.side_problems,
    rules.alignment_problems,
    rules.usage_problems,
)


def _rule_problems(name: str) -> list[Problem]:
    frame = read_raw(name)
    return [problem for rule in RULES for problem in rule(name, frame)]


def table_problems(name: str) -> list[Problem]:
    """Every problem with table ``name``: schema first, then course rules."""
    problems = _schema_problems(name)
    try:
        problems += _rule_problems(name)
    except (KeyError, FileNotFoundError, pd.errors.ParserError) as error:
        problems.append(Problem(name, None, None, f"cannot apply course rules: {error}"))
    return problems


def validate_all(*, progress: Callable[[str], Any] | None = None) -> dict[str, list[Problem]]:
    """Check every table, ignoring recorded fingerprints; return problems by table name."""
    results = {}
    for name in (*CURATED, *DERIVED):
        if progress:
            progress(name)
        if not table_path(name).is_file():
            results[name] = [Problem(name, None, None, f"{table_path(name)} is missing")]
            continue
        results[name] = table_problems(name)
    return results
