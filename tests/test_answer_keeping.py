"""Checked answers kept in the notebook file: restored by a new kernel, seen by Validate.

Each "kernel" here is the test process with ``JPY_SESSION_NAME`` pointing at a notebook file, as
jupyter_server sets it, and with the exercises of the previous kernel forgotten. The notebook
files are written the way JupyterLab saves them: widget state in the metadata, and the outputs of
each cell. The real browser paths are in ``tests/test_keeping_in_lab.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from course import records
from course.widgets import (
    Matching,
    MultipleChoice,
    MultiSelect,
    NumericAnswer,
    Ordering,
    SentenceClassifier,
)


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """A fresh kernel for a notebook file: JPY_SESSION_NAME set, no live exercises."""
    path = tmp_path / "work.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(records, "_live", {})
    return path


def restart(monkeypatch) -> None:
    """Forget every live exercise, as a kernel restart does."""
    monkeypatch.setattr(records, "_live", {})


def save(path: Path, *quizzes, widget_state: bool = True, outputs: bool = True) -> None:
    """Write the notebook as JupyterLab saves it: widget state and/or the cells' outputs."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = []
    state = {}
    for number, quiz in enumerate(quizzes):
        cell = nbformat.v4.new_code_cell(f"quiz_{number}")
        if outputs:
            cell.outputs = [
                nbformat.v4.new_output("display_data", data=quiz._record_bundle(), metadata={})
            ]
        nb.cells.append(cell)
        state[quiz.model_id] = {"state": quiz.get_state()}
    nb.metadata.pop("widgets", None)
    if widget_state:
        nb.metadata["widgets"] = {records.WIDGET_STATE: {"state": json.loads(json.dumps(state))}}
    nbformat.write(nb, path)


def _graded_order():
    return Ordering("keep-order", "Order", ["a", "b", "c"], start=["c", "b", "a"], graded=True)


# (factory, an answer)
KINDS = [
    (lambda: MultipleChoice("k-mc", "Q", ["x", "y"], "y"), "y"),
    (lambda: MultiSelect("k-ms", "Q", ["x", "y", "z"], ["x", "z"]), ("x", "z")),
    (_graded_order, ("a", "b", "c")),
    (lambda: SentenceClassifier("k-cl", "Q", ["s1", "s2"], ["p", "q"], ["p", "q"]), ("q", "p")),
    (lambda: Matching("k-ma", "Q", {"i1": "L", "i2": "R"}), ("R", "L")),
    (lambda: NumericAnswer("k-nu", "Q", 11.4, tolerance=0.01), 11.4),
]


@pytest.mark.parametrize(
    ("factory", "answer"), KINDS, ids=["choice", "multi", "order", "classify", "match", "numeric"]
)
def test_a_new_kernel_restores_the_checked_answer_from_the_saved_widget_state(
    kernel, monkeypatch, factory, answer
):
    """After Check, save and a restart, does a new exercise show the value, record and note?"""
    quiz = factory()
    quiz.value = answer
    quiz.submit()
    save(kernel, quiz, outputs=False)
    restart(monkeypatch)
    again = factory()
    assert again.value == quiz.value
    assert again.restored and again.answer_record == quiz.answer_record
    assert again.attempts == 1 and again.correct == quiz.correct
    assert "Your saved answer is filled in" in again.note.value
    assert (
        records.recorded_answer(again.exercise_id)["value"]
        == records.verify(quiz.answer_record)["value"]
    )


def test_a_restored_wrong_answer_counts_as_the_first_wrong_check(kernel, monkeypatch):
    """After a wrong Check, save and a restart, does the next wrong Check name the missing option?

    The student saw the first hint before the restart, so the feedback moves on to names.
    """
    quiz = MultiSelect("k-ms-wrong", "Q", ["x", "y", "z"], ["x", "z"])
    quiz.value = ("x",)
    assert quiz.submit() is False and "'z'" not in quiz.feedback
    save(kernel, quiz, outputs=False)
    restart(monkeypatch)
    again = MultiSelect("k-ms-wrong", "Q", ["x", "y", "z"], ["x", "z"])
    assert again.restored and again.correct is False and again.wrong_checks == 1
    assert again.submit() is False
    assert "You left out 'z'." in again.feedback


def test_the_answer_survives_a_save_that_dropped_the_widget_state(kernel, monkeypatch):
    """ipywidgets#3888: saved with no widget state, only outputs: is the answer restored?"""
    quiz = _graded_order()
    quiz.value = ("a", "b", "c")
    quiz.submit()
    save(kernel, quiz, widget_state=False)
    assert "widgets" not in nbformat.read(kernel, as_version=4).metadata
    restart(monkeypatch)
    assert _graded_order().value == ("a", "b", "c")


def test_restart_after_restart_keeps_the_answer(kernel, monkeypatch):
    """Restart, run (the restored widget is saved), restart again: is the answer still there?"""
    quiz = _graded_order()
    quiz.value = ("a", "b", "c")
    quiz.submit()
    save(kernel, quiz)
    for _ in range(3):
        restart(monkeypatch)
        quiz = _graded_order()
        save(kernel, quiz)  # the restored exercise is what the next save writes
    assert quiz.value == ("a", "b", "c")
    assert records.saved_records(nbformat.read(kernel, as_version=4))["keep-order"]["value"] == [
        "a",
        "b",
        "c",
    ]


def test_the_second_checked_answer_is_the_one_restored(kernel, monkeypatch):
    """Answer, Check, change, Check again, save with both records present: does the second win?"""
    old = _graded_order()
    old.value = ("b", "a", "c")
    old.submit()
    new = _graded_order()  # the cell was run again in the same kernel; both models are saved
    new.value = ("a", "b", "c")
    new.submit()
    save(kernel, new, old)
    restart(monkeypatch)
    assert _graded_order().value == ("a", "b", "c")


def test_reset_clears_the_saved_answer_for_the_next_kernel(kernel, monkeypatch):
    """After Reset and save, does a new kernel restore nothing, even with an old record left?"""
    old = _graded_order()
    old.value = ("a", "b", "c")
    old.submit()
    new = _graded_order()
    assert new.value == ("a", "b", "c")  # restored from the live exercise of this kernel
    new.reset()
    save(kernel, old, new)  # the old model still holds its record
    restart(monkeypatch)
    fresh = _graded_order()
    assert fresh.value == fresh.start and not fresh.restored
    assert records.recorded_answer("keep-order") is None


def test_an_edited_saved_answer_is_not_restored_and_says_why(kernel, monkeypatch):
    """Is a record changed in a text editor left out, with a note to answer again?"""
    quiz = _graded_order()
    quiz.value = ("a", "b", "c")
    quiz.submit()
    save(kernel, quiz)
    kernel.write_text(kernel.read_text().replace('[\\"a\\", \\"b\\"', '[\\"b\\", \\"a\\"'))
    restart(monkeypatch)
    again = _graded_order()
    assert not again.restored and "changed outside the notebook" in again.note.value


def test_without_a_notebook_path_a_graded_exercise_says_answers_may_not_be_saved(monkeypatch):
    """In an editor that does not say which file it runs (VS Code, Colab), is the student told?"""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("VSCODE_PID", "1234")
    quiz = _graded_order()
    assert "In VS Code, widget answers may not be saved" in quiz.note.value
    assert "JupyterLab" in quiz.note.value and "Validate" in quiz.note.value
    monkeypatch.delenv("VSCODE_PID")
    assert "cannot find the notebook file" in _graded_order().note.value
    lesson = MultipleChoice("ungraded", "Q", ["x", "y"], "y")
    assert lesson.note.value == ""  # lesson exercises are not graded: no warning


def test_a_renamed_notebook_is_found_in_the_working_folder(kernel, monkeypatch):
    """After a rename (JPY_SESSION_NAME still has the old name), is the answer restored?"""
    quiz = _graded_order()
    quiz.value = ("a", "b", "c")
    quiz.submit()
    save(kernel, quiz)
    kernel.rename(kernel.with_name("renamed.ipynb"))
    restart(monkeypatch)
    assert _graded_order().value == ("a", "b", "c")


def test_validate_without_a_live_answer_reads_the_notebook_in_the_working_folder(
    kernel, monkeypatch
):
    """With no records file and no answer on screen, is the answer read from the .ipynb?"""
    quiz = _graded_order()
    quiz.value = ("a", "b", "c")
    quiz.submit()
    save(kernel, quiz)
    restart(monkeypatch)
    monkeypatch.delenv("JPY_SESSION_NAME")  # nbgrader validate: a plain kernel in the folder
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    blank = _graded_order()  # validate runs the widget cell: no restore, an empty widget
    assert not blank.answer_record
    assert records.recorded_answer("keep-order")["value"] == ["a", "b", "c"]
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # grading reads only its own file
    assert records.recorded_answer("keep-order") is None


def test_validate_picks_the_notebook_whose_cells_it_ran(tmp_path, monkeypatch):
    """With a copy beside the notebook, is the answer read from the notebook being run?"""
    answered = tmp_path / "ps.ipynb"
    copy = tmp_path / "ps-Copy1.ipynb"
    token = records.sign(
        {"exercise_id": "q", "value": "mine", "recorded_at": "2026-11-30T10:00:00+00:00"}
    )
    for path, source, tokens in [(answered, "x = 1", [token]), (copy, "x = 2", [])]:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nb.metadata[records.METADATA_KEY] = {"answer_records": tokens}
        nbformat.write(nb, path)
    monkeypatch.setattr(records, "_executed_sources", lambda: ["x = 1"])
    assert records.working_notebook(tmp_path) == answered
    monkeypatch.setattr(records, "_executed_sources", lambda: ["x = 2"])
    assert records.working_notebook(tmp_path) == copy


# nbgrader's real commands ------------------------------------------------------------------


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    from tests.keeping import released_course

    return released_course(tmp_path_factory.mktemp("keeping"))


@pytest.mark.slow
def test_validate_is_clean_on_a_correctly_answered_notebook(released, tmp_path):
    """Does `nbgrader validate` pass a notebook whose widget answer is saved in the file?"""
    from tests.keeping import answered_notebook, validate

    course_dir, env = released
    path = answered_notebook(course_dir, tmp_path / "student" / "ps1_phases.ipynb")
    output = validate(path, env)
    assert "Success! Your notebook passes all the tests." in output, output


@pytest.mark.slow
def test_validate_names_the_unanswered_widget_question(released, tmp_path):
    """Does `nbgrader validate` name the widget question when no answer was checked?"""
    from tests.keeping import EXERCISE, answered_notebook, validate

    course_dir, env = released
    path = answered_notebook(course_dir, tmp_path / "student" / "ps1_phases.ipynb", widget=False)
    output = validate(path, env)
    assert (
        "VALIDATION FAILED" in output
        and f"No answer was recorded for the question '{EXERCISE}'" in output
    )


@pytest.mark.slow
def test_autograde_counts_a_record_kept_only_in_the_cell_output(released, tmp_path):
    """Does a record that lives only in an output survive nbgrader's sanitize (ClearOutput)?"""
    from tests.keeping import answered_notebook, autograde, total_points, widget_points

    course_dir, env = released
    path = answered_notebook(course_dir, tmp_path / "hand-in" / "ps1_phases.ipynb")
    assert "widgets" not in nbformat.read(path, as_version=4).metadata
    autograde(course_dir, env, "outputonly", path)
    assert widget_points(course_dir, "outputonly") == 2
    assert total_points(course_dir, "outputonly") == 9
