"""The glossary of groups, units, states and acronyms, written from the actors table.

Every row of ``course.data.actors()`` becomes one entry: its name and aliases, what kind of
actor it is and what role it played, the body it is listed under, its side with the reason
the table gives for that side (``side_basis``), the conflicts the documents involve it in, the
table's notes and the quote the row rests on. Nothing is typed here but the plain-language
labels of the table's codes.
"""

from __future__ import annotations

import re

import pandas as pd

from course import data

__all__ = ["SIDE_LABELS", "SIDE_BASIS", "acronyms", "glossary_markdown"]

#: Plain-language labels for ``actors.side`` (the data card's codes).
SIDE_LABELS = {
    "pro_government": "government side",
    "opposition": "opposition side",
    "kurdish": "Kurdish forces",
    "islamic_state": "Islamic State",
    "other": "in the war, on none of the three sides",
    "not_stated": "no side stated",
}

#: What each ``actors.side_basis`` code means (the data card's rule, in short).
SIDE_BASIS = {
    "infobox": "a column of the wp_battle infobox lists it",
    "stated": "a document says whom it fights for, backs, works with or is run by",
    "described": "a document describes it with a camp word (such as 'pro-opposition')",
    "part_of": "it takes the side of the body it belongs to",
    "not_stated": "no document ties it to a side",
}

_ACRONYM = re.compile(r"[A-Z][A-Z0-9-]+")


def _aliases(value: object) -> list[str]:
    if value is None or pd.isna(value):
        return []
    return [alias.strip() for alias in str(value).split("|") if alias.strip()]


def acronyms(actors: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """Every acronym among the actors' names and aliases, with the name it stands for.

    An acronym is a name or alias written in capitals (``FSA``, ``SOHR``); it is paired with
    the row's name, or with a longer alias when the name is itself the acronym (``YPG``); an
    acronym with no longer form in the table (``AFP``) is left out. Returns (acronym, name)
    pairs sorted by acronym.
    """
    actors = data.actors() if actors is None else actors
    pairs = set()
    for row in actors.itertuples():
        names = [str(row.name), *_aliases(row.aliases)]
        longer = [name for name in names if not _ACRONYM.fullmatch(name)]
        for name in names:
            if _ACRONYM.fullmatch(name) and longer:
                pairs.add((name, longer[0]))
    return sorted(pairs, key=lambda pair: (pair[0].lower(), pair[1]))


def _cell(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value).replace("|", "\\|")


def glossary_markdown(actors: pd.DataFrame | None = None) -> str:
    """The glossary as Markdown: the acronyms, then one entry per actor, A to Z.

    ``actors`` defaults to ``course.data.actors()``. Each entry is headed by the actor's name
    and lists its ``actor_id``, so that a test can find every row.
    """
    actors = data.actors() if actors is None else actors
    names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    lines = [
        "## Acronyms",
        "",
        "| acronym | stands for |",
        "|---|---|",
        *[f"| {short} | {_cell(full)} |" for short, full in acronyms(actors)],
        "",
        "## By side",
        "",
        "The actors table's `side` codes which infobox column or document places an actor; it is",
        "a sorting code, not a judgement (data card, *Sides and alignments*).",
        "",
    ]
    for side, label in SIDE_LABELS.items():
        members = sorted(
            actors.loc[actors["side"].astype(str) == side, "name"], key=lambda n: n.lower()
        )
        if members:
            lines.append(f"- **{label}** ({len(members)}): " + ", ".join(members))
    lines += ["", "## A to Z", ""]
    ordered = actors.assign(_key=actors["name"].str.lower()).sort_values(["_key", "actor_id"])
    letter = ""
    for row in ordered.itertuples():
        first = row.name[0].upper() if row.name[0].isalpha() else "#"
        if first != letter:
            letter = first
            lines += [f"### {letter}", ""]
        side, basis = str(row.side), str(row.side_basis)
        parent = "" if pd.isna(row.parent_id) else names.get(row.parent_id, row.parent_id)
        why = SIDE_BASIS.get(basis, basis)
        if basis == "part_of" and parent:
            why = f"it takes the side of {parent}, which it belongs to"
        kind = str(row.kind).replace("_", " ")
        what = f"{kind}, {str(row.role).replace('_', ' ')}"
        if parent:
            what += f"; listed under {parent}"
        conflicts = str(row.conflicts).replace(";", " and ").replace("-", "–")
        lines.append(f"#### {row.name}")
        lines.append("")
        lines.append(f"- **Id:** `{row.actor_id}`")
        aliases = _aliases(row.aliases)
        if aliases:
            lines.append("- **Also called:** " + "; ".join(aliases))
        lines.append(f"- **What it is:** {what}")
        lines.append(f"- **Side:** {SIDE_LABELS.get(side, side)} (`{side}`), because {why}")
        lines.append(f"- **Named in:** {conflicts}")
        if not pd.isna(row.involvement):
            lines.append(f"- **Involvement as printed:** {row.involvement}")
        if not pd.isna(row.notes):
            lines.append(f"- **Notes (actors table):** {row.notes}")
        lines.append(f'- **Source:** `{row.doc_id}`: "{row.quote}"')
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
