"""How long a lesson takes a careful reader who does not program, and how much code it shows.

The rule, from reading the course the way a history or journalism teacher would:

* reading: every word of the part's markdown, at :data:`WORDS_PER_MINUTE`;
* one minute per code cell (run it, read its output), hidden or not;
* :data:`EXERCISE_MINUTES` per exercise (a cell tagged ``exercise``);
* :data:`WRITTEN_MINUTES` per written question (a markdown cell tagged ``written``).

A lesson is split into **parts**, each a markdown cell that starts with ``## Part N`` and states
its time as ``**Time:** about M minutes``. A notebook with no part heading is one part, whose
time is the ``**Estimated time:** M minutes`` of its opening. Everything before the first part
heading (title, objectives, content note) belongs to the first part.

Cell tags (``cell.metadata.tags``) used here and by the lessons:

* ``exercise``: a code cell that shows an exercise widget;
* ``written``: a markdown cell that asks a written question;
* ``try-it``: a code cell the learner is invited to change and run again;
* machinery cells carry ``metadata.jupyter.source_hidden = true`` (JupyterLab collapses them).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

WORDS_PER_MINUTE = 100
CODE_CELL_MINUTES = 1.0
EXERCISE_MINUTES = 4.0
WRITTEN_MINUTES = 5.0
CLASS_PERIOD_MINUTES = 50

PART_HEADING = re.compile(r"^##\s+Part\s+(\d+)\b", re.MULTILINE)
STATED_PART_TIME = re.compile(r"\*\*Time:\*\*\s*about\s+(\d+)\s+minutes", re.IGNORECASE)
STATED_LESSON_TIME = re.compile(r"\*\*Estimated time:\*\*\s*(?:about\s+)?(\d+)\s+minutes", re.I)
_MARKUP = re.compile(r"[`*_>#|\[\]()]")


@dataclass
class Part:
    """One part of a lesson: what it holds and how long it should take."""

    number: int
    title: str
    stated_minutes: int | None
    words: int = 0
    code_cells: int = 0
    exercises: int = 0
    written: int = 0
    visible_code_lines: int = 0
    cells: list[int] = field(default_factory=list)

    @property
    def estimated_minutes(self) -> float:
        return (
            self.words / WORDS_PER_MINUTE
            + self.code_cells * CODE_CELL_MINUTES
            + self.exercises * EXERCISE_MINUTES
            + self.written * WRITTEN_MINUTES
        )

    @property
    def rounded_estimate(self) -> int:
        """The estimate rounded up to the next 5 minutes, as a lesson would state it."""
        return int(5 * math.ceil(self.estimated_minutes / 5))


def tags(cell: nbformat.NotebookNode) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def is_hidden(cell: nbformat.NotebookNode) -> bool:
    return bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))


def words(markdown: str) -> int:
    return len(_MARKUP.sub(" ", markdown).split())


def parts(path: Path) -> list[Part]:
    """Split the notebook at ``path`` into its parts and measure each."""
    nb = nbformat.read(path, as_version=4)
    found: list[Part] = []
    opening_time = None
    for cell in nb.cells[:4]:
        if cell.cell_type == "markdown" and (match := STATED_LESSON_TIME.search(cell.source)):
            opening_time = int(match.group(1))
    current = Part(1, "whole lesson", opening_time)
    seen_heading = False
    for index, cell in enumerate(nb.cells):
        heading = PART_HEADING.search(cell.source) if cell.cell_type == "markdown" else None
        if heading and cell.source.lstrip().startswith("## Part"):
            stated = STATED_PART_TIME.search(cell.source)
            title = cell.source.strip().splitlines()[0].lstrip("# ").strip()
            if not seen_heading:
                # the opening cells belong to the first part
                current.number, current.title = int(heading.group(1)), title
                current.stated_minutes = int(stated.group(1)) if stated else None
                seen_heading = True
            else:
                found.append(current)
                current = Part(
                    int(heading.group(1)), title, int(stated.group(1)) if stated else None
                )
        current.cells.append(index)
        if cell.cell_type == "markdown":
            current.words += words(cell.source)
            current.written += "written" in tags(cell)
        elif cell.cell_type == "code":
            current.code_cells += 1
            current.exercises += "exercise" in tags(cell)
            if not is_hidden(cell):
                current.visible_code_lines += len(
                    [line for line in cell.source.splitlines() if line.strip()]
                )
    found.append(current)
    return found


def stated_total(path: Path) -> int | None:
    """The lesson's ``**Estimated time:**`` from its opening cells."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells[:4]:
        if cell.cell_type == "markdown" and (match := STATED_LESSON_TIME.search(cell.source)):
            return int(match.group(1))
    return None


def table(notebooks: list[Path]) -> str:
    """A Markdown table of every part: stated time, the rule's estimate, and what it counts."""
    rows = [
        "| lesson | part | stated | rule | words | code cells | exercises | written "
        "| visible code lines |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for path in notebooks:
        for part in parts(path):
            rows.append(
                f"| {path.stem} | {part.number}: {part.title} | {part.stated_minutes} "
                f"| {part.estimated_minutes:.0f} | {part.words} | {part.code_cells} "
                f"| {part.exercises} | {part.written} | {part.visible_code_lines} |"
            )
    return "\n".join(rows)


if __name__ == "__main__":  # pragma: no cover
    repo = Path(__file__).resolve().parents[1]
    print(table(sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))))
