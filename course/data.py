"""Load the course tables as typed, validated pandas DataFrames.

This is the only way course code and notebooks read ``datasets/*.csv``. Each table has a loader
named after it (``course.data.events()``) and all of them go through :func:`load`, which

* finds the table in ``datasets/datapackage.json`` (the Frictionless data package that declares
  every field's type, description and constraints);
* validates it (see :mod:`course.checks`) and raises :class:`DatasetError` naming the file, the
  row and the field when anything is wrong; nothing is silently coerced or dropped;
* returns it typed: integers, numbers and booleans as nullable pandas dtypes, enums as ordered
  categoricals, empty cells as ``<NA>``, and dates parsed to timestamps with their precision kept
  in the ``*_precision`` column beside them.

Layers: :mod:`course.package` (descriptor, paths, raw reading) is below this module and
:mod:`course.checks` (validation) sits between them; neither imports this module, so loading a
table goes one way: ``data`` → ``checks`` → ``package``.

Dates such as ``2016-07`` (month precision) parse to the first day of the period, except in end
columns (``end``, ``end_date``, ``period_end``), which parse to the last day, so that a phase
that ends "2016-10" covers all of October.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from course import checks
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

__all__ = [
    "CURATED",
    "DERIVED",
    "DatasetError",
    "Problem",
    "actors",
    "attributions",
    "defects",
    "documents",
    "events",
    "figures",
    "framing",
    "framing_counts",
    "framing_uses",
    "live_entries",
    "load",
    "package_descriptor",
    "paragraphs",
    "parse_date",
    "phases",
    "read_raw",
    "resource_descriptor",
    "sentences",
    "table_path",
]

_END_COLUMNS = {"end", "end_date", "period_end"}


# --------------------------------------------------------------------------------------------
# Loading


def load(name: str, *, validate: bool = True) -> pd.DataFrame:
    """Return table ``name`` as a typed DataFrame, validated unless ``validate=False``.

    Raises ``FileNotFoundError`` naming the missing file, ``KeyError`` listing the valid table
    names, or :class:`DatasetError` listing each problem by row and field.
    """
    path = table_path(name)
    if not path.is_file():
        hint = " Run `course build` to regenerate it." if name in DERIVED else ""
        raise FileNotFoundError(f"Table {name!r} is missing: expected {path}.{hint}")
    fingerprint = checks.fingerprint(name)
    if validate:
        checks.ensure_valid(name, fingerprint)
    return _typed(name, fingerprint).copy()


@cache
def _typed(name: str, fingerprint: str) -> pd.DataFrame:
    descriptor = resource_descriptor(name)
    frame = read_raw(name)
    for field in descriptor["schema"]["fields"]:
        column = field["name"]
        frame[column] = _convert(frame[column], field)
    return frame


def _convert(values: pd.Series, field: dict[str, Any]) -> pd.Series:
    kind = field["type"]
    constraints = field.get("constraints", {})
    empty = values == ""
    if kind == "integer":
        return pd.to_numeric(values.mask(empty)).astype("Int64")
    if kind == "number":
        return pd.to_numeric(values.mask(empty)).astype("Float64")
    if kind == "boolean":
        return values.map({"true": True, "false": False, "": pd.NA}).astype("boolean")
    if kind == "datetime":
        return pd.to_datetime(values.mask(empty), utc=True)
    if "enum" in constraints:
        return pd.Series(
            pd.Categorical(values.mask(empty), categories=constraints["enum"], ordered=True),
            index=values.index,
        )
    if constraints.get("pattern") == DATE_PATTERN:
        return values.map(lambda text: parse_date(text, end=field["name"] in _END_COLUMNS))
    return values.mask(empty).astype("string")


def parse_date(text: str, *, end: bool = False) -> pd.Timestamp:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` to the period's first (or last) day."""
    if not text:
        return pd.NaT
    period = pd.Period(text, freq={4: "Y", 7: "M", 10: "D"}[len(text)])
    return (period.end_time if end else period.start_time).normalize()


# --------------------------------------------------------------------------------------------
# One loader per table


def documents() -> pd.DataFrame:
    """Each row represents one source document kept byte for byte in ``datasets/raw/``.

    Source: curated by hand from the documents themselves. Columns: doc_id, file, sha256,
    format, title, publisher, kind, language, published (+ precision), period_start,
    period_end, derived_from, rights, licence, quote (dating evidence), note.
    """
    return load("documents")


def defects() -> pd.DataFrame:
    """Each row represents one known defect of a source document and how the course treats it.

    Columns: defect_id, doc_id, kind, text_version (raw or clean), quote, description,
    treatment (kept, repaired_in_code, removed_in_code), lesson_use.
    """
    return load("defects")


def phases() -> pd.DataFrame:
    """Each row represents one phase of the fighting, from the 2011 protests to 2024.

    Columns: phase_id, order, name, start, start_precision, end, end_precision, summary,
    doc_id, quote.
    """
    return load("phases").sort_values("order", ignore_index=True)


def actors() -> pd.DataFrame:
    """Each row represents one state, force, unit, armed group or organisation in the texts.

    Columns: actor_id, name, aliases, side, kind, role, parent_id, conflicts, involvement (as
    printed), involvement_start, involvement_end, notes, doc_id, quote.
    """
    return load("actors")


def events() -> pd.DataFrame:
    """Each row represents one dated event from 2011 to 2024, with the quote that reports it.

    Columns: event_id, date, date_precision, end_date, end_date_precision, phase_id, actors
    (actor_ids separated by ';'), place, event_type, description, date_note, doc_id, quote.
    """
    return load("events").sort_values(["date", "event_id"], ignore_index=True)


def figures() -> pd.DataFrame:
    """Each row represents one numeric claim (deaths, fighters, area, cost ...) and who makes it.

    Rows measuring the same quantity share a ``claim_group``, so conflicting versions sit side
    by side. Columns: figure_id, claim_group, topic, measure, low, high, unit, approximate,
    as_of, as_of_precision, claimant, claimant_type, doc_id, quote, note.
    """
    return load("figures")


def attributions() -> pd.DataFrame:
    """Each row represents one attributed statement in the news texts and the 2016 excerpt.

    Columns: attribution_id, doc_id, speaker, speaker_type, alignment, verb (as printed),
    direct_quote, claim, quote.
    """
    return load("attributions")


def framing() -> pd.DataFrame:
    """Each row represents one label (or family of labels) in the framing lexicon.

    Columns: term_id, term, pattern (case-insensitive regex), category, connotation, note,
    example_doc_id, example_quote, and used_by: who uses the label, document by document, in
    whose voice, documents in alphabetical order ("ap_2024: own voice ×2; Dareen Khalifa,
    quoted ×2 | bbc_live: …"). used_by is
    not typed anywhere: ``course build`` computes it from the texts and the attributions table
    (``framing_counts.voices``, from ``framing_uses``), and this loader joins it in.
    """
    lexicon = load("framing")
    counts = load("framing_counts")
    used = counts[counts["count"] > 0].dropna(subset=["voices"])
    used = used.assign(_doc=used["doc_id"].astype(str)).sort_values("_doc", kind="stable")
    joined = (
        used.assign(part=used["doc_id"].astype(str) + ": " + used["voices"].astype(str))
        .groupby("term_id", sort=False)["part"]
        .agg(" | ".join)
    )
    lexicon["used_by"] = lexicon["term_id"].astype(str).map(joined).astype("string")
    return lexicon


def paragraphs() -> pd.DataFrame:
    """Each row represents one paragraph of a cleaned document (derived by ``course build``).

    Columns: para_id, doc_id, section, start, end, text.
    """
    return load("paragraphs")


def sentences() -> pd.DataFrame:
    """Each row represents one sentence of a cleaned document (derived by ``course build``).

    Columns: sent_id, doc_id, para_id, start, end, text.
    """
    return load("sentences")


def live_entries() -> pd.DataFrame:
    """Each row represents one timestamped entry of the BBC live page (derived).

    Columns: entry_id, doc_id, number, published (UTC), title, start, end.
    """
    return load("live_entries")


def framing_counts() -> pd.DataFrame:
    """Each row represents the count of one framing term in one document (derived, computed).

    Columns: term_id, doc_id, count, words, per_1000_words, voices (who uses it in that
    document and in whose voice; empty when the count is 0).
    """
    return load("framing_counts")


def framing_uses() -> pd.DataFrame:
    """Each row represents one use of a framing term in a document and whose word it is (derived).

    Columns: term_id, doc_id, start, end (offsets in the cleaned text), form (as printed),
    voice (own, reported or quoted), speaker and attribution_id (empty for the document's own
    voice). Computed by ``course build`` (:mod:`course.voices`).
    """
    return load("framing_uses")
