"""What each lesson shows that may distress a student, found in the lessons themselves.

Three things a teacher needs before class, all read from the course rather than typed:

* every lesson's and assignment's **content note**, as the notebook prints it;
* a **concordance** of each lesson part's distressing passages: every sentence of its text and
  of its exercises (prompts, items, options and explanations) that mentions one of the
  :data:`THEMES` (deaths, sieges, bombardment, chemical weapons, executions and torture as
  alleged, massacres and war crimes as alleged, children, flight and evacuation), so a teacher
  sees exactly what a student will read;
* the rows of the events table that describe such events (:func:`sensitive_events`), which a
  lesson's tables and timelines can show.

The themes are search patterns over the documents' own words; they do not judge the events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import nbformat
import pandas as pd

from course import data
from course.guide.assignments import Assignment
from course.guide.notebooks import Lesson
from course.guide.timeline import span

__all__ = [
    "THEMES",
    "Passage",
    "concordance",
    "concordance_markdown",
    "content_notes_markdown",
    "sensitive_events",
    "sensitive_events_markdown",
]

#: Theme → pattern (case-insensitive) of words that signal it in the documents' language.
THEMES: dict[str, str] = {
    "deaths and killing": r"\b(?:kill\w*|dead|deaths?|died|bodies|death tolls?|casualt\w*|"
    r"killed|murder\w*|lives)\b",
    "sieges and hunger": r"\b(?:siege\w*|besieg\w*|starv\w*|hunger|food|bakery|doctors|"
    r"hospitals?)\b",
    "bombardment": r"\b(?:bomb\w*|shell\w*|air ?strikes?|barrel|cluster|rockets?|missiles?|"
    r"projectiles?|artillery|warplanes)\b",
    "chemical weapons (alleged or reported)": r"\b(?:chemical|chlorine|gas)\b",
    "executions, torture and detention (alleged)": r"\b(?:execut\w*|tortur\w*|(?-i:prisons?)|"
    r"detain\w*|detention|hostage\w*|abduct\w*)\b",
    "massacres and war crimes (alleged or compared)": r"\b(?:massacres?|war crimes?|"
    r"atrocit\w*|carnage|Srebrenica|Halabja|Rwanda|genocide|hell)\b",
    "children": r"\b(?:child\w*|students?)\b",
    "flight, evacuation and refugees": r"\b(?:evacuat\w*|displac\w*|refugee\w*|fled|flee\w*|"
    r"convoys?)\b",
}
_COMPILED = {theme: re.compile(pattern, re.IGNORECASE) for theme, pattern in THEMES.items()}
_SENTENCE = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[A-Z\"“*_(])")
_MARKUP = re.compile(r"[*`>#]+")


@dataclass(frozen=True)
class Passage:
    """One sentence of a lesson part that touches a theme, and where it is."""

    part: int
    where: str
    themes: tuple[str, ...]
    sentence: str


_ITEM = re.compile(r"^\s*(?:[-*]|\d+\.)\s+")


def _items(block: str) -> Iterable[str]:
    """The list items, table rows or paragraph of a Markdown block, each as one line."""
    current: list[str] = []
    for line in block.splitlines():
        if line.lstrip().startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not all(set(cell) <= set("-: ") for cell in cells):
                yield " | ".join(cells)
            continue
        if _ITEM.match(line) and current:
            yield " ".join(current)
            current = []
        current.append(_ITEM.sub("", line).strip())
    if current:
        yield " ".join(current)


def _sentences(textual: str) -> Iterable[str]:
    for block in re.split(r"\n\s*\n", textual):
        for item in _items(block):
            flat = _MARKUP.sub("", item).strip()
            for sentence in _SENTENCE.split(flat):
                if sentence.strip():
                    yield sentence.strip()


def _themes(sentence: str) -> tuple[str, ...]:
    return tuple(theme for theme, pattern in _COMPILED.items() if pattern.search(sentence))


def _exercise_text(key: object) -> str:
    rows = getattr(key, "rows", [])
    hints = getattr(key, "hints", [])
    parts = [
        getattr(key, "prompt", ""),
        *[item for item, _ in rows],
        getattr(key, "explanation", ""),
    ]
    parts += [hint for _, hint in hints]
    return "\n\n".join(str(part) for part in parts if part)


def concordance(lesson: Lesson, keys: dict[str, object] | None = None) -> list[Passage]:
    """Every sentence of ``lesson`` (markdown cells and exercises) that touches a theme.

    ``keys`` maps an exercise cell's source to its :class:`course.guide.exercises.ExerciseKey`,
    whose prompt, items, explanation and hints are searched too. A sentence is listed once per
    part, with every theme it touches.
    """
    nb = nbformat.read(lesson.path, as_version=4)
    found: list[Passage] = []
    seen: set[tuple[int, str]] = set()
    for part in lesson.parts:
        for index in part.cells:
            cell = nb.cells[index]
            if cell.cell_type == "markdown":
                where, body = "lesson text", cell.source
            elif keys and cell.source in keys:
                key = keys[cell.source]
                where, body = f"exercise `{key.exercise_id}`", _exercise_text(key)
            else:
                continue
            for sentence in _sentences(body):
                themes = _themes(sentence)
                if themes and (part.number, sentence) not in seen:
                    seen.add((part.number, sentence))
                    found.append(Passage(part.number, where, themes, sentence))
    return found


def sensitive_events(events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The events rows whose description touches a theme other than flight and evacuation.

    Returns event_id, date, date_precision, when (the dates as precise as the table gives them),
    phase_id, themes (joined with '; '), description and doc_id, in date order.
    """
    events = data.events() if events is None else events
    rows = []
    for row in events.sort_values(["date", "event_id"]).itertuples():
        themes = [t for t in _themes(str(row.description)) if not t.startswith("flight")]
        if themes:
            rows.append(
                {
                    "event_id": row.event_id,
                    "date": row.date,
                    "date_precision": str(row.date_precision),
                    "when": span(row),
                    "phase_id": row.phase_id,
                    "themes": "; ".join(themes),
                    "description": row.description,
                    "doc_id": row.doc_id,
                }
            )
    return pd.DataFrame(rows)


def _cell(value: object) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def content_notes_markdown(lessons: list[Lesson], assignments: list[Assignment]) -> str:
    """Every lesson's and assignment's content note, as the notebooks print them."""
    lines = []
    for lesson in lessons:
        note = lesson.content_note or "*(This lesson prints no content note.)*"
        lines += [f"### `{lesson.stem}`: {lesson.title}", ""]
        lines += [f"> {line}" if line.strip() else ">" for line in note.splitlines()]
        lines.append("")
    for assignment in assignments:
        note = assignment.content_note or "*(This assignment prints no content note.)*"
        lines += [f"### `{assignment.name}`: {assignment.title}", "", f"> {note}", ""]
    return "\n".join(lines).rstrip() + "\n"


def concordance_markdown(lessons: list[Lesson], keys: dict[str, dict[str, object]]) -> str:
    """Per lesson: a table of themes by part, then every passage in a folded list.

    ``keys`` maps a lesson's stem to its exercise keys (see :func:`concordance`).
    """
    lines = []
    for lesson in lessons:
        passages = concordance(lesson, keys.get(lesson.stem))
        lines += [f"### `{lesson.stem}`", ""]
        if not passages:
            lines += ["No passage touches these themes.", ""]
            continue
        numbers = [part.number for part in lesson.parts]
        lines += ["| theme | " + " | ".join(f"part {n}" for n in numbers) + " |"]
        lines += ["|---|" + "---|" * len(numbers)]
        for theme in THEMES:
            counts = [
                sum(1 for p in passages if p.part == n and theme in p.themes) for n in numbers
            ]
            if any(counts):
                lines.append(f"| {theme} | " + " | ".join(str(c) for c in counts) + " |")
        lines += ["", "<details><summary>Every passage, as students read it</summary>", ""]
        for passage in passages:
            lines.append(
                f"- Part {passage.part}, {passage.where} ({'; '.join(passage.themes)}): "
                f"{_cell(passage.sentence)}"
            )
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"


def sensitive_events_markdown(events: pd.DataFrame | None = None) -> str:
    """The events rows of :func:`sensitive_events` as a Markdown table, in date order."""
    table = sensitive_events(events)
    lines = ["| when | event (events table) | themes | phase | source |", "|---|---|---|---|---|"]
    for row in table.itertuples():
        lines.append(
            f"| {row.when} | {_cell(row.description)} | "
            f"{row.themes} | `{row.phase_id}` | `{row.doc_id}` ({row.event_id}) |"
        )
    return "\n".join(lines) + "\n"
