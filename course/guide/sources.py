"""Each document as a source: what it is, and what its own text says about when and by whom.

For every row of ``course.data.documents()`` the guide gives the table's facts (title,
publisher, kind, date and its precision, period covered, what it was made from, rights) and
then the evidence the text itself carries, found by rule in the cleaned document: a headline,
a contributor line, a correction, timestamped entries, material the cleaning removed that
carries a date or a credit (a photo caption), and the defects table's rows for the document.
What the table and text do not give is listed as unknown, by rule: no date, no named writer,
no named publisher, and for a document made from another, which version of it.
"""

from __future__ import annotations

import pandas as pd

from course import data, text
from course.guide.timeline import when

__all__ = ["source_profile", "sources_markdown"]

#: Removals that carry a date, a credit or the hosting site: evidence of when and by whom.
_PROVENANCE_REMOVALS = ("credit", "Top Stories")


def _paragraphs(doc_id: str, section: str) -> list[str]:
    paragraphs = data.paragraphs()
    mine = paragraphs[(paragraphs["doc_id"] == doc_id) & (paragraphs["section"] == section)]
    return list(mine["text"])


def source_profile(doc_id: str) -> dict[str, list[str]]:
    """The profile of one document: lists of lines under ``facts``, ``text says``, ``unknown``
    and ``defects``.

    Every line is computed from the documents, paragraphs, live entries and defects tables and
    from :func:`course.text.clean`. Raises ``KeyError`` for an unknown ``doc_id``.
    """
    docs = data.documents().set_index("doc_id")
    row = docs.loc[doc_id]
    cleaned = text.clean(doc_id)
    published = row["published"]
    facts = [
        f"**Title (documents table):** {row['title']}",
        f"**Publisher:** {row['publisher']}; **kind:** {row['kind']}; "
        f"**language:** `{row['language']}`",
        "**Published:** "
        + (
            f"{when(published, str(row['published_precision']))} "
            f"(precision: {row['published_precision']})"
            if not pd.isna(published)
            else "not given (`NaT`)"
        ),
        f"**Events covered:** {row['period_start']:%d %B %Y} to {row['period_end']:%d %B %Y}",
        f"**Rights line:** {row['rights']} (licence: {row['licence']})",
        f"**Documents table's note:** {row['note']}",
    ]
    if not pd.isna(row["derived_from"]):
        facts.append(f"**Made from (`derived_from`):** `{row['derived_from']}`")
    says: list[str] = []
    for section, label in [
        ("Headline", "Headline"),
        ("Contributors", "Contributor line"),
        ("Correction", "Correction note"),
    ]:
        for paragraph in _paragraphs(doc_id, section):
            says.append(f'**{label}:** "{paragraph}"')
    if cleaned.entries:
        stamps = sorted(entry.published for entry in cleaned.entries)
        lines = [line for e in cleaned.entries for line in e.text.splitlines()]
        printed = next((line for line in lines if line.startswith("published at")), "")
        says.append(
            f"**Timestamps:** {len(cleaned.entries)} entries, stamped from "
            f"{stamps[0]:%H:%M} to {stamps[-1]:%H:%M} GMT on {stamps[-1].day} "
            f"{stamps[-1]:%B %Y} ({stamps[-1]:%A})"
            + (f'; each carries a line such as "{printed}"' if printed else "")
        )
    for removal in cleaned.removed:
        if any(marker in removal.reason for marker in _PROVENANCE_REMOVALS):
            shown = removal.text.splitlines()[0]
            says.append(f'**Removed by the cleaning ({removal.reason}):** "{shown}"')
    defects = data.defects()
    known = [
        f"`{defect.defect_id}` ({str(defect.kind).replace('_', ' ')}, "
        f"{str(defect.treatment).replace('_', ' ')}): {defect.description}"
        for defect in defects[defects["doc_id"] == doc_id].itertuples()
    ]
    unknown = []
    if pd.isna(published):
        unknown.append(
            f"When it was written or last revised: the text gives no date. The latest event it "
            f"reports is dated {row['period_end']:%d %B %Y}, so it was written after that."
        )
    if not _paragraphs(doc_id, "Contributors"):
        unknown.append("Who wrote it: the text has no byline and no contributor line.")
    if str(row["publisher"]).lower() == "unknown":
        unknown.append("Who published it, where, and why: the text names no publisher.")
    source = row["derived_from"]
    if not pd.isna(source) and _paragraphs(str(source), "Correction"):
        unknown.append(
            f"Which version of `{source}` it was made from, and by whom: `{source}` carries a "
            "correction, and the documents do not say when this text was made."
        )
    return {"facts": facts, "text says": says, "unknown": unknown, "defects": known}


def sources_markdown() -> str:
    """Every document's profile as Markdown, in the documents table's order."""
    lines = []
    for doc_id in data.documents()["doc_id"]:
        profile = source_profile(doc_id)
        lines += [f"### `{doc_id}`", ""]
        lines += [f"- {fact}" for fact in profile["facts"]]
        lines += ["", "What its own text says about when and by whom:", ""]
        lines += [f"- {line}" for line in profile["text says"]] or ["- Nothing."]
        lines += ["", "Not known from the documents:", ""]
        lines += [f"- {line}" for line in profile["unknown"]] or ["- Nothing listed."]
        lines += ["", "Known defects (defects table; kind, treatment):", ""]
        lines += [f"- {line}" for line in profile["defects"]] or ["- None recorded."]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
