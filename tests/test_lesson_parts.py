"""Lessons 04 and 05 are taught in parts: can a class start any part in a fresh session?"""

from __future__ import annotations

import nbformat
import pytest

from tests import lesson_load
from tests.conftest import REPO

SPLIT_LESSONS = ["04_media_framing", "05_aleppo_2016_and_2024"]


def _parts(stem: str) -> list[tuple[str, lesson_load.Part]]:
    path = REPO / "notebooks" / f"{stem}.ipynb"
    return [(stem, part) for part in lesson_load.parts(path)]


@pytest.mark.parametrize(
    ("stem", "part"),
    [pair for stem in SPLIT_LESSONS for pair in _parts(stem)],
    ids=lambda value: value if isinstance(value, str) else f"part{value.number}",
)
def test_each_part_opens_with_a_collapsed_setup_cell(stem, part):
    """Is the first code cell of each part a collapsed cell that loads what the part needs?"""
    nb = nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4)
    first = next(nb.cells[i] for i in part.cells if nb.cells[i].cell_type == "code")
    assert lesson_load.is_hidden(first)
    assert "from course import data" in first.source


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stem", "part"),
    [pair for stem in SPLIT_LESSONS for pair in _parts(stem) if pair[1].number > 1],
    ids=lambda value: value if isinstance(value, str) else f"part{value.number}",
)
def test_each_part_runs_on_its_own_in_a_fresh_kernel(stem, part):
    """Does a part run without error when its cells alone are executed in a new kernel?"""
    from nbclient import NotebookClient

    path = REPO / "notebooks" / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells = [nb.cells[i] for i in part.cells]
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
