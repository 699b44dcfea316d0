"""Read what a teacher needs from the lesson and assignment notebooks, as they stand.

The teacher's guide is generated from the notebooks so that it cannot drift from them: a
lesson's title, content note and objectives, its parts with their stated times, the exercise
cells in each part and the questions students answer in writing.

The conventions read here are the lessons' own (see ``CONTRIBUTING.md``):

* a part starts with a markdown cell ``## Part N: Title`` that states ``**Time:** about M
  minutes``; everything before the first part belongs to part 1, and a notebook without part
  headings is one part whose time is the opening's ``**Estimated time:** M minutes``;
* exercise cells are code cells tagged ``exercise``; a lesson whose students hand in their
  answers has a code cell that calls ``handin.button(…)``;
* written questions are markdown cells tagged ``written``; a notebook whose *Check your
  understanding* section is an untagged numbered list (``00_start_here``) has one question per
  item of that list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.paths import REPO_DIR

__all__ = [
    "ASSIGNMENTS_DIR",
    "NOTEBOOKS_DIR",
    "ExerciseCell",
    "Lesson",
    "Part",
    "Question",
    "lesson_paths",
    "read_lesson",
    "tags",
]

NOTEBOOKS_DIR = REPO_DIR / "notebooks"
ASSIGNMENTS_DIR = REPO_DIR / "autograder" / "source"

_PART = re.compile(r"^##\s+Part\s+(\d+)\s*:?\s*(.*)$")
_PART_TIME = re.compile(r"\*\*Time:\*\*\s*about\s+(\d+)\s+minutes", re.IGNORECASE)
_LESSON_TIME = re.compile(r"\*\*Estimated time:\*\*\s*(?:about\s+)?(\d+)\s+minutes", re.I)
_TITLE = re.compile(r"^#\s+(.+)$", re.MULTILINE)
_EXERCISE_HEADING = re.compile(r"^#{2,4}\s+(Exercise\s+\d+[^\n]*)$", re.MULTILINE)
_CHECK_HEADING = re.compile(r"^#{2,4}\s+Check your understanding\b.*$", re.MULTILINE | re.I)
_NUMBERED = re.compile(r"^\s*(\d+)\.\s+(.*)$")


@dataclass(frozen=True)
class ExerciseCell:
    """A code cell tagged ``exercise``: its source and the heading that introduces it."""

    index: int
    source: str
    heading: str


@dataclass(frozen=True)
class Question:
    """A question the student answers in writing: its text as the notebook prints it.

    ``tagged`` is ``True`` for a markdown cell tagged ``written`` and ``False`` for an item of
    an untagged *Check your understanding* list.
    """

    index: int
    text: str
    tagged: bool


@dataclass
class Part:
    """One part of a lesson: its number, title, stated time and what it asks of students."""

    number: int
    title: str
    stated_minutes: int | None
    cells: list[int] = field(default_factory=list)
    exercises: list[ExerciseCell] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)


@dataclass
class Lesson:
    """A lesson notebook as the guide reads it."""

    stem: str
    path: Path
    title: str
    content_note: str
    objectives: str
    stated_total: int | None
    parts: list[Part]
    hands_in: bool = False  # does the lesson offer a hand-in box (``handin.button``)?

    @property
    def exercises(self) -> list[ExerciseCell]:
        return [exercise for part in self.parts for exercise in part.exercises]

    @property
    def questions(self) -> list[Question]:
        return [question for part in self.parts for question in part.questions]


def tags(cell: nbformat.NotebookNode) -> set[str]:
    """The cell's ``metadata.tags`` as a set."""
    return set(cell.get("metadata", {}).get("tags", []))


def lesson_paths(folder: Path | None = None) -> list[Path]:
    """The lesson notebooks (``NN_name.ipynb``) in ``folder`` (default: ``notebooks/``), sorted."""
    return sorted((folder or NOTEBOOKS_DIR).glob("[0-9][0-9]_*.ipynb"))


def _block(markdown: str, starts: str) -> str:
    """The paragraph of ``markdown`` that starts with ``starts`` (blockquote marks removed)."""
    for paragraph in re.split(r"\n\s*\n", markdown):
        plain = re.sub(r"^\s*>\s?", "", paragraph, flags=re.MULTILINE).strip()
        if plain.startswith(starts):
            return plain
    return ""


def _objectives(markdown: str) -> str:
    """The objectives: from ``**Learning objectives.**`` to the end of the list after it."""
    start = markdown.find("**Learning objectives.**")
    if start < 0:
        return ""
    lines: list[str] = []
    listed = False
    for line in markdown[start:].splitlines():
        if not line.strip():
            if listed:
                break
            continue
        listed = listed or line.lstrip().startswith("- ")
        lines.append(line)
    return "\n".join(lines).strip()


def _check_list(source: str, index: int) -> list[Question]:
    """The numbered items after a *Check your understanding* heading, one question each."""
    heading = _CHECK_HEADING.search(source)
    if heading is None:
        return []
    found: list[Question] = []
    for line in source[heading.end() :].splitlines():
        if line.startswith("#"):
            break
        match = _NUMBERED.match(line)
        if match:
            found.append(Question(index, f"{match.group(1)}. {match.group(2).strip()}", False))
        elif found and line.startswith("   ") and line.strip():
            last = found.pop()
            found.append(Question(index, f"{last.text} {line.strip()}", False))
    return found


def read_lesson(path: Path) -> Lesson:
    """Read a lesson notebook into a :class:`Lesson`.

    Raises ``FileNotFoundError`` when the file does not exist and ``ValueError`` (naming the
    file) when it is not a notebook.
    """
    try:
        nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise
    except Exception as error:  # nbformat raises several kinds for a broken file
        raise ValueError(f"{path} could not be read as a notebook: {error}") from error
    opening = "\n\n".join(c.source for c in nb.cells[:4] if c.cell_type == "markdown")
    title = _TITLE.search(opening)
    total = _LESSON_TIME.search(opening)
    stated_total = int(total.group(1)) if total else None
    hands_in = any(c.cell_type == "code" and "handin.button(" in c.source for c in nb.cells)
    parts: list[Part] = [Part(1, "The whole lesson", stated_total)]
    seen_part = False
    heading = ""
    for index, cell in enumerate(nb.cells):
        source = cell.source
        first = source.lstrip().splitlines()[0] if source.strip() else ""
        part = _PART.match(first) if cell.cell_type == "markdown" else None
        if part:
            time = _PART_TIME.search(source)
            new = Part(
                int(part.group(1)),
                part.group(2).strip() or f"Part {part.group(1)}",
                int(time.group(1)) if time else None,
            )
            if seen_part:
                parts.append(new)
            else:
                new.cells, parts[0] = parts[0].cells, new
            seen_part = True
        current = parts[-1]
        current.cells.append(index)
        if cell.cell_type == "markdown":
            found = _EXERCISE_HEADING.findall(source)
            if found:
                heading = found[-1].strip().rstrip(".")
            if "written" in tags(cell):
                current.questions.append(Question(index, source.strip(), True))
            else:
                current.questions.extend(_check_list(source, index))
        elif cell.cell_type == "code" and "exercise" in tags(cell):
            current.exercises.append(ExerciseCell(index, source, heading))
            heading = ""
    return Lesson(
        stem=path.stem,
        path=path,
        title=title.group(1).strip() if title else path.stem,
        content_note=_block(opening, "**Content note.**"),
        objectives=_objectives(opening),
        stated_total=stated_total,
        parts=parts,
        hands_in=hands_in,
    )
