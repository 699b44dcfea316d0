"""The lesson notebooks: stored clean, built to the course's template, and run without errors."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LESSONS = [nb for nb in NOTEBOOKS if not nb.name.startswith("00_")]
EXPECTED = [
    "00_start_here",
    "01_phases",
    "02_combatants",
    "03_sources_and_evidence",
    "04_media_framing",
    "05_aleppo_2016_and_2024",
]
WIDGET_CALL = re.compile(r"\b(l\d\d\w*|l\d\d)\.\w+\(")


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _code(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_all_six_notebooks_exist():
    """Are the six numbered notebooks there, and nothing else numbered?"""
    assert [nb.stem for nb in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    """Is the notebook stored with no outputs and no execution counts?"""
    for cell in _read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opens_with_objectives_time_prerequisites_and_content_note(path):
    """Does the lesson open with objectives, time, prerequisites and a content note?"""
    opening = "\n".join(c.source for c in _read(path).cells[:4] if c.cell_type == "markdown")
    for words in ["Learning objectives", "Estimated time", "Prerequisites", "Content note"]:
        assert words.lower() in opening.lower(), words


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_closes_with_summary_and_check_your_understanding(path):
    """Does the lesson end with a summary and a 'check your understanding' section?"""
    text = _markdown(_read(path)).lower()
    assert "## summary" in text
    assert "check your understanding" in text.split("## summary", 1)[1]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_has_a_figure_and_at_least_two_exercises(path):
    """Does every lesson show a plotly figure (with its description) and two exercises?"""
    nb = _read(path)
    code = _code(nb)
    assert "figures.show(" in code
    exercise_cells = [c for c in nb.cells if c.cell_type == "code" and WIDGET_CALL.search(c.source)]
    assert len(exercise_cells) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_import_from_course_instead_of_defining_machinery(path):
    """Do cells use course's modules rather than defining classes or widgets themselves?"""
    code = _code(_read(path))
    assert "from course" in code or "import course" in code
    assert not re.search(r"^\s*class \w+", code, re.MULTILINE)
    assert "ipywidgets" not in code
    assert "read_csv(" not in code  # tables are read through course.data


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_executes_headless_in_a_fresh_kernel(path):
    """Does the whole notebook run top to bottom in a fresh kernel with no error output?"""
    from nbclient import NotebookClient

    nb = _read(path)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
        or (o.output_type == "stream" and o.name == "stderr" and "Traceback" in o.text)
    ]
    assert errors == []
    figures_shown = sum(
        "application/vnd.plotly.v1+json" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    if path in LESSONS:
        assert figures_shown >= 1
