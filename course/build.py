"""Regenerate every derived file from ``datasets/raw/`` and the hand-curated tables.

``course build`` writes, in ``datasets/derived/``:

* ``paragraphs.csv``, ``sentences.csv``: the cleaned documents split with stable ids and
  character offsets (:mod:`course.text`);
* ``live_entries.csv``: the BBC live page's timestamped entries;
* ``framing_counts.csv``: each framing term counted in each document (:mod:`course.media`),
  with whose words they are there (``voices``);
* ``framing_uses.csv``: every use of every framing term and whose word it is: the document's
  own, a speaker's in quotation marks, or the document's report of a speaker
  (:mod:`course.voices`, from the texts and the attributions table);
* ``validated.json``: the fingerprints of the tables that passed every check
  (:mod:`course.checks`), so that loading them later is fast.

It also renders the field tables of the data card (``datasets/README.md``) from
``datapackage.json``. It validates every table first and writes nothing if any table is
invalid. Output is
deterministic: running it twice, or on another machine, gives byte-identical files, and a test
checks that the committed files are exactly what it produces.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from course import checks, data, media, text, voices
from course.paths import datasets_dir

__all__ = ["BuildError", "build", "derived_files"]


class BuildError(RuntimeError):
    """The curated tables are invalid, so nothing was written."""


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


_FIELDS_BEGIN, _FIELDS_END = "<!-- fields:begin -->", "<!-- fields:end -->"


def _constraint_text(constraints: dict[str, object]) -> str:
    parts = []
    for key, value in constraints.items():
        if key == "required":
            parts.append("required")
        elif key == "unique":
            parts.append("unique")
        elif key == "enum":
            parts.append("one of " + ", ".join(f"`{item}`" for item in value))  # type: ignore[union-attr]
        else:
            parts.append(f"{key} `{value}`")
    return "; ".join(parts)


def data_card_fields() -> str:
    """Render every table's fields from datapackage.json as markdown for the data card."""
    out = []
    for resource in data.package_descriptor()["resources"]:
        schema = resource["schema"]
        out.append(f"### `{resource['name']}` ({resource['path']})\n\n{resource['description']}")
        keys = f"Primary key: `{', '.join(schema['primaryKey'])}`."
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"]["resource"] or resource["name"]
            keys += (
                f" `{', '.join(fk['fields'])}` → `{target}.{', '.join(fk['reference']['fields'])}`."
            )
        out.append(keys + "\n\n| field | type | description | constraints |\n|---|---|---|---|")
        for field in schema["fields"]:
            out.append(
                f"| `{field['name']}` | {field['type']} | {field['description']} | "
                f"{_constraint_text(field.get('constraints', {}))} |"
            )
        out.append("")
    return "\n".join(out)


def _data_card(current: str) -> str:
    head, rest = current.split(_FIELDS_BEGIN, 1)
    _, tail = rest.split(_FIELDS_END, 1)
    return f"{head}{_FIELDS_BEGIN}\n{data_card_fields()}\n{_FIELDS_END}{tail}"


def derived_files() -> dict[str, str]:
    """Compute the derived tables; return {path relative to datasets/: file content}."""
    doc_ids = text.document_ids()
    documents = [text.clean(doc_id) for doc_id in doc_ids]
    paragraphs = [
        [p.para_id, p.doc_id, p.section, p.start, p.end, p.text]
        for doc in documents
        for p in doc.paragraphs
    ]
    sentences = [
        [s.sent_id, s.doc_id, s.para_id, s.start, s.end, s.text]
        for doc in documents
        for s in doc.sentences
    ]
    entries = [
        [
            e.entry_id,
            e.doc_id,
            e.number,
            e.published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            e.title,
            e.start,
            e.end,
        ]
        for doc in documents
        for e in doc.entries
    ]
    lexicon = data.load("framing")
    counts = media.count_terms(lexicon, doc_ids)
    uses = voices.term_uses(lexicon, data.load("attributions"), doc_ids)
    who = voices.used_by(uses).set_index(["term_id", "doc_id"])["voices"]
    pairs = zip(counts.term_id, counts.doc_id, strict=True)
    counts["voices"] = [who.get(pair, "") for pair in pairs]
    card = (datasets_dir() / "README.md").read_text(encoding="utf-8")
    return {
        "README.md": _data_card(card),
        "derived/paragraphs.csv": _csv(
            ["para_id", "doc_id", "section", "start", "end", "text"], paragraphs
        ),
        "derived/sentences.csv": _csv(
            ["sent_id", "doc_id", "para_id", "start", "end", "text"], sentences
        ),
        "derived/live_entries.csv": _csv(
            ["entry_id", "doc_id", "number", "published", "title", "start", "end"], entries
        ),
        "derived/framing_counts.csv": _csv(
            list(counts.columns),
            [
                [
                    row.term_id,
                    row.doc_id,
                    row.count,
                    row.words,
                    f"{row.per_1000_words:.3f}",
                    row.voices,
                ]
                for row in counts.itertuples()
            ],
        ),
        "derived/framing_uses.csv": _csv(
            voices.USE_COLUMNS, uses[voices.USE_COLUMNS].values.tolist()
        ),
    }


def build(progress: Callable[[str], object] = print) -> list[Path]:
    """Validate the curated tables, write the derived files, record fingerprints.

    Returns the paths written. Raises :class:`BuildError` listing every problem, having
    written nothing, when a curated table is invalid.
    """
    root = datasets_dir()
    progress("Checking the curated tables ...")
    problems = {name: checks.table_problems(name) for name in data.CURATED}
    bad = {name: found for name, found in problems.items() if found}
    if bad:
        lines = [
            f"{data.table_path(name)}:\n" + "\n".join(f"  - {p}" for p in found)
            for name, found in bad.items()
        ]
        raise BuildError("Nothing was written; fix these first:\n" + "\n".join(lines))

    progress("Cleaning and splitting the documents, counting framing terms ...")
    written = []
    for relative, content in derived_files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="")
        written.append(path)
        progress(f"  wrote {relative}")

    progress("Checking the derived tables ...")
    for name in data.DERIVED:
        found = checks.table_problems(name)
        if found:
            raise BuildError(
                f"{data.table_path(name)} is invalid:\n" + "\n".join(f"  - {p}" for p in found)
            )

    stamps = {name: checks.fingerprint(name) for name in (*data.CURATED, *data.DERIVED)}
    stamp_path = root / checks.STAMPS
    stamp_path.write_text(json.dumps(stamps, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    written.append(stamp_path)
    progress(f"  wrote {checks.STAMPS}")
    return written
