"""Feedback no student text can break: ``HideHiddenTests`` with hostile and odd cells.

``HideHiddenTests`` runs in ``nbgrader generate_feedback`` for every student; if it raised on one
notebook, feedback and export stopped for the whole class. These cells are what a hostile or
careless notebook can hold.
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat import NotebookNode

from course.grading.preprocessors import HideHiddenTests

MARKERS = [
    "### BEGIN HIDDEN TESTS",
    "### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS",
    "### END HIDDEN TESTS\nmy answer",
    "### BEGIN SOLUTION\nx = 1",
    "### END SOLUTION",
    "# BEGIN HIDDEN TESTS BEGIN HIDDEN TESTS END HIDDEN TESTS",
    "\x1b[31m### BEGIN HIDDEN TESTS\x00\u202e",
]


def _cell(source: str, kind: str = "code", **nbgrader: object) -> NotebookNode:
    cell = (
        nbformat.v4.new_code_cell(source)
        if kind == "code"
        else nbformat.v4.new_markdown_cell(source)
    )
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, "grade_id": "id", **nbgrader}
    return cell


def _hide(cell: NotebookNode) -> NotebookNode:
    return HideHiddenTests().preprocess_cell(cell, {}, 0)[0]


@pytest.mark.parametrize("text", MARKERS)
@pytest.mark.parametrize(
    "role",
    [
        {},  # a student's own cell
        {"solution": True, "grade": False, "locked": False},  # an answer cell
        {"solution": True, "grade": True, "locked": False, "points": 2},  # a graded answer
    ],
    ids=["own", "answer", "graded-answer"],
)
def test_a_students_text_with_marker_words_is_shown_as_written(text, role):
    """Is a student's text, marker words and all, left exactly as written, without an error?"""
    for kind in ("code", "markdown"):
        assert _hide(_cell(text, kind, **role)).source == text


@pytest.mark.parametrize("text", [MARKERS[0], MARKERS[5], MARKERS[6]])
def test_an_instructors_unclosed_hidden_region_hides_the_rest(text):
    """Does an unclosed hidden region in a locked cell hide the rest instead of failing?"""
    cell = _hide(_cell(f"visible = 1\n{text}\nsecret = 2", locked=True, grade=True, points=1))
    assert "secret" not in cell.source
    assert cell.source.startswith("visible = 1")


@pytest.mark.parametrize("text", MARKERS)
def test_any_marker_in_an_instructors_cell_never_fails(text):
    """Do nested, stray or solution markers in a locked cell pass without an error?"""
    cell = _hide(_cell(f"{text}\nlast line", "markdown", locked=True, grade=False))
    assert isinstance(cell.source, str)


def test_hidden_tests_are_removed_and_messages_kept():
    """Are a test cell's hidden lines removed, and its error cut to the check's message?"""
    cell = _cell(
        "expect(x, 'visible')\n### BEGIN HIDDEN TESTS\nexpect(y == 42, 'secret check')\n"
        "### END HIDDEN TESTS",
        grade=True,
        locked=True,
        points=1,
    )
    cell.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="AssertionError",
            evalue="y is wrong",
            traceback=["\x1b[31mTraceback", "expect(y == 42, 'secret check')", "AssertionError"],
        )
    ]
    cell = _hide(cell)
    assert "secret" not in cell.source and "expect(x, 'visible')" in cell.source
    assert cell.outputs[0]["traceback"] == ["AssertionError: y is wrong"]


def test_a_huge_or_odd_error_message_is_cut_not_fatal():
    """Is a 1 MB error message cut, and an error output missing its fields still handled?"""
    cell = _cell("check()", grade=True, locked=True, points=1)
    cell.outputs = [
        NotebookNode(output_type="error", ename="E", evalue="x" * 1_000_000, traceback=[]),
        NotebookNode(output_type="error"),
    ]
    cell = _hide(cell)
    assert len(cell.outputs[0]["traceback"][0]) < 3000
    assert cell.outputs[1]["traceback"] == ["Error:"]


def test_a_cell_that_cannot_be_cleaned_is_withheld_not_fatal():
    """If cleaning a cell fails in any way, is its code withheld and the notebook goes on?"""
    cell = _cell("### BEGIN HIDDEN TESTS\nsecret", grade=True, locked=True, points=1)
    cell.source = None  # not text at all
    cell = _hide(cell)
    assert "secret" not in str(cell.source)


# -- SandboxedExecute's output cap: a flood is cut, plotly.js itself is not counted ------------


def _display(data: dict) -> dict:
    return {
        "header": {"msg_type": "display_data"},
        "msg_type": "display_data",
        "parent_header": {"msg_id": "cell"},
        "content": {"data": data, "metadata": {}},
    }


def _capped_outputs(messages: list[dict]) -> list[NotebookNode]:
    from course.grading.execute import SandboxedExecute

    executor = SandboxedExecute()
    executor._output_bytes, executor._message_bytes, executor._cut_cells = {}, {}, set()
    executor.clear_before_next_output = False
    outs: list[NotebookNode] = []
    for message in messages:
        executor.output(outs, message, None, 0)
    return outs


def test_figures_after_plotly_js_embedded_twice_are_kept():
    """init_notebook_mode(connected=False) prints plotly.js (4.7 MB): the figure still counts."""
    from plotly.offline import get_plotlyjs

    library = _display({"text/html": f"<script>{get_plotlyjs()}</script>"})
    figure = _display({"application/vnd.plotly.v1+json": {"data": []}, "text/html": "<div/>"})
    outs = _capped_outputs([library, library, figure])
    assert len(outs) == 3 and "application/vnd.plotly.v1+json" in outs[-1]["data"]


def test_an_output_flood_of_the_same_size_is_cut():
    flood = {
        "header": {"msg_type": "stream"},
        "msg_type": "stream",
        "parent_header": {"msg_id": "cell"},
        "content": {"name": "stdout", "text": "x" * 4_000_000},
    }
    figure = _display({"application/vnd.plotly.v1+json": {"data": []}, "text/html": "<div/>"})
    outs = _capped_outputs([flood, figure])
    assert len(outs) == 1 and "Output cut" in outs[0]["text"]


def test_a_checks_message_quoting_huge_data_is_cut():
    """A check may repeat the student's data in its message: held to the per-cell cap."""
    from course.grading.execute import _capped

    huge = "y" * 5_000_000
    outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=huge),
        nbformat.v4.new_output("error", ename="AssertionError", evalue=huge, traceback=[huge]),
    ]
    capped = _capped(outputs, 2_000_000)
    total = sum(len(o.get("text", "")) + len(o.get("evalue", "")) for o in capped)
    total += sum(len(line) for o in capped for line in o.get("traceback", []))
    assert total < 2_001_000 and "cut" in capped[-1]["evalue"]
    assert capped[-1]["ename"] == "AssertionError"  # the check still fails


def test_a_short_checks_message_is_kept_whole():
    from course.grading.execute import _capped

    outputs = [
        nbformat.v4.new_output(
            "error",
            ename="AssertionError",
            evalue="not sorted",
            traceback=["AssertionError: not sorted"],
        )
    ]
    assert _capped(outputs, 2_000_000)[0]["evalue"] == "not sorted"
