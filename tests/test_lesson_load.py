"""Honest timings and a no-code path: every lesson part fits a class period and says so.

The rule is in :mod:`tests.lesson_load`. Run ``python -m tests.lesson_load`` for the table.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from tests import lesson_load
from tests.conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_VISIBLE_CODE_LINES = 40
EXERCISE_CALL = re.compile(r"\bl\d\d\w*\.\w+\(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_part_states_a_time_that_the_rule_supports(path):
    """Does each part state a time no shorter than the rule's estimate, within one period?"""
    for part in lesson_load.parts(path):
        where = f"{path.stem} part {part.number} ({part.title})"
        assert part.stated_minutes is not None, f"{where} states no time"
        assert part.stated_minutes >= part.rounded_estimate, (
            f"{where} states {part.stated_minutes} min; the rule gives "
            f"{part.estimated_minutes:.0f} ({part.words} words, {part.code_cells} code cells, "
            f"{part.exercises} exercises, {part.written} written questions)"
        )
        assert part.stated_minutes <= part.rounded_estimate + 10, (
            f"{where} states {part.stated_minutes} min, far above the rule's "
            f"{part.estimated_minutes:.0f}"
        )
        assert part.stated_minutes <= lesson_load.CLASS_PERIOD_MINUTES, (
            f"{where} is longer than a {lesson_load.CLASS_PERIOD_MINUTES}-minute class period"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_lesson_time_is_the_sum_of_its_parts(path):
    """Does the opening's estimated time equal the sum of the parts' times?"""
    parts = lesson_load.parts(path)
    assert lesson_load.stated_total(path) == sum(p.stated_minutes or 0 for p in parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_lesson_shows_at_most_forty_lines_of_code(path):
    """Are machinery cells collapsed, so that a lesson shows at most about 40 lines of code?"""
    visible = sum(p.visible_code_lines for p in lesson_load.parts(path))
    assert visible <= MAX_VISIBLE_CODE_LINES, f"{path.stem} shows {visible} lines of code"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_visible_code_cell_says_what_it_does(path):
    """Does every visible code cell open with a one-sentence comment, and try-it cells say so?"""
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or lesson_load.is_hidden(cell):
            continue
        first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        assert first.startswith("# ") and len(first) > 12, f"{path.stem} cell {index}: {first!r}"
        if "try-it" in lesson_load.tags(cell):
            assert first.lower().startswith("# try it"), f"{path.stem} cell {index}: {first!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_cells_are_tagged(path):
    """Is every cell that shows a lesson exercise tagged 'exercise', and only those?"""
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        calls = bool(EXERCISE_CALL.search(cell.source))
        tagged = "exercise" in lesson_load.tags(cell)
        assert calls == tagged, f"{path.stem} cell {index}: {cell.source[:80]!r}"


#: The sections that close a lesson after its last part (they count in that part's time).
CLOSING_SECTIONS = {"Summary", "Check your understanding", "Hand in your work"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_section_of_a_lesson_is_a_part_or_a_closing_section(path):
    """Is every `## ` heading a part or a closing section, never a stray numbered section?

    A leftover "## 4. Handing in graded work" after Part 3 of lesson 00 repeated, differently,
    what Part 3 says; a heading that is not a part also escapes the parts' stated times.
    """
    nb = nbformat.read(path, as_version=4)
    headings = [
        line[3:].strip()
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]
    strays = [h for h in headings if not h.startswith("Part ") and h not in CLOSING_SECTIONS]
    assert strays == []


def test_the_rule_can_fail(tmp_path):
    """Does a part that states too little time for its content fail the rule?"""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# L\n\n**Estimated time:** 10 minutes"),
        nbformat.v4.new_markdown_cell("## Part 1: all of it\n\n**Time:** about 10 minutes"),
        *[nbformat.v4.new_code_cell("# Show a table.\nx = 1") for _ in range(20)],
    ]
    path = tmp_path / "99_test.ipynb"
    nbformat.write(nb, path)
    (part,) = lesson_load.parts(path)
    assert part.code_cells == 20 and part.visible_code_lines == 40
    assert part.stated_minutes == 10 < part.rounded_estimate
