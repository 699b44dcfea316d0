"""A simulated class through nbgrader's real commands: honest, broken and hostile submissions.

One module-scoped class hands in ps1_phases through a temporary exchange; ``course grade`` (the
parallel pipeline) grades it. Each test then checks one student's outcome, the feedback, the
re-run, the late submission, and the zip path a learning platform uses.
"""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from course import data
from course.grading.pipeline import grade
from tests.answer_keys import hidden_lines
from tests.classroom import (
    RIGHT,
    Student,
    answer_all,
    base_env,
    copy_course,
    fill,
    nbgrader,
    right_order,
    save_widget_answer,
)
from tests.conftest import REPO

pytestmark = pytest.mark.slow
ASSIGNMENT = "ps1_phases"
AUTOGRADED_POINTS = 9.0  # 13 points in all, 4 of them graded by hand


def _set_test_cells(path: Path, source: str, *, delete: bool = False) -> None:
    nb = nbformat.read(path, as_version=4)
    tests = [
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
    ]
    for cell in tests:
        cell.source = source
    if delete:
        nb.cells = [c for c in nb.cells if c not in tests]
    nbformat.write(nb, path)


# What each simulated student does to their notebook before submitting.
STUDENTS = {
    "perfect": answer_all,
    "blank": lambda path: None,
    "partial": lambda path: fill(path, {"q1-answer": RIGHT["q1-answer"]}),
    "edits-tests": lambda path: _set_test_cells(path, "pass  # all good"),
    "deletes-tests": lambda path: _set_test_cells(path, "", delete=True),
    "endless-loop": lambda path: (
        answer_all(path),
        fill(path, {"q1-answer": "while True:\n    pass"}),
    ),
    "kernel-crash": lambda path: fill(path, {"q1-answer": "import os\nos._exit(1)"}),
    "output-flood": lambda path: (
        answer_all(path),
        fill(
            path,
            {
                "q2-answer": (
                    "for i in range(200_000):\n    print('flood', i)\n" + RIGHT["q2-answer"]
                )
            },
        ),
    ),
    "corrupt": lambda path: path.write_text('{"cells": [', encoding="utf-8"),
    "renamed": lambda path: path.rename(path.with_name("ps1_phases (1).ipynb")),
    "missing": lambda path: path.unlink(),
    "deletes-files": lambda path: (
        answer_all(path),
        fill(
            path,
            {
                "q1-answer": (
                    "import os\nfor name in os.listdir('.'):\n    os.remove(name)\n"
                    + RIGHT["q1-answer"]
                )
            },
        ),
    ),
    "tampered": lambda path: (
        answer_all(path),
        save_widget_answer(path, "ps1-order-events", None, token=_tampered_token()),
    ),
}


def _tampered_token() -> str:
    from course import records

    token = records.sign(
        {
            "exercise_id": "ps1-order-events",
            "kind": "ordering",
            "value": list(reversed(right_order())),
            "correct": None,
            "attempts": 1,
            "justification": "",
            "recorded_at": "x",
        }
    )
    # A student opens the .ipynb in a text editor and pastes in the right order.
    wrong = list(reversed(right_order()))
    import json

    envelope = json.loads(token)
    assert envelope["record"]["value"] == wrong
    envelope["record"]["value"] = right_order()
    return json.dumps(envelope)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Release ps1_phases, let every student hand in, set a due date, and grade the class."""
    root = tmp_path_factory.mktemp("class")
    course_dir = copy_course(root / "course")
    exchange = root / "exchange"
    exchange.mkdir()
    env = base_env(exchange)
    env["COURSE_CELL_TIMEOUT"] = "8"
    nbgrader("generate_assignment", ASSIGNMENT, "--force", cwd=course_dir, env=env)
    nbgrader("release_assignment", ASSIGNMENT, cwd=course_dir, env=env)

    students = {}
    for name, action in STUDENTS.items():
        student = Student(name, root / "home" / name, exchange)
        student.fetch(ASSIGNMENT)
        action(student.notebook(ASSIGNMENT))
        student.submit(ASSIGNMENT)
        students[name] = student

    time.sleep(1.1)
    due = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    time.sleep(1.1)
    nbgrader("db", "assignment", "add", ASSIGNMENT, f"--duedate={due}", cwd=course_dir, env=env)
    late = Student("late", root / "home" / "late", exchange)
    late.fetch(ASSIGNMENT)
    answer_all(late.notebook(ASSIGNMENT))
    late.submit(ASSIGNMENT)

    messages: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        report = grade(ASSIGNMENT, course_dir=course_dir, workers=2, progress=messages.append)
    scores = pd.read_csv(report.grades_csv).set_index("student_id")
    return {
        "dir": course_dir,
        "env": env,
        "report": report,
        "scores": scores,
        "messages": messages,
        "exchange": exchange,
        "due": due,
    }


def _result(course, name):
    return {r.student_id: r for r in course["report"].results}[name]


def _score(course, name) -> float:
    return float(course["scores"].loc[name, "raw_score"])


def test_correct_submission_gets_every_autograded_point(course):
    """Does a fully correct notebook, widget answer included, earn all autograded points?"""
    assert _result(course, "perfect").status == "graded"
    assert _score(course, "perfect") == AUTOGRADED_POINTS


def test_blank_submission_gets_zero(course):
    """Does an untouched notebook earn nothing?"""
    assert _score(course, "blank") == 0


def test_partly_right_submission_gets_partial_credit(course):
    """Does answering only question 1 earn exactly question 1's three points?"""
    assert _score(course, "partial") == 3


@pytest.mark.parametrize("name", ["edits-tests", "deletes-tests"])
def test_editing_or_deleting_test_cells_gains_nothing(course, name):
    """Are edited or deleted test cells restored from the source, so they earn nothing?"""
    assert _result(course, name).status == "graded"
    assert _score(course, name) == 0


def test_endless_loop_costs_only_its_own_points(course):
    """Is a runaway cell interrupted, losing only question 1, while the rest is graded?"""
    assert _result(course, "endless-loop").status == "graded"
    assert _score(course, "endless-loop") == AUTOGRADED_POINTS - 3


def test_output_flood_is_cut_and_graded(course):
    """Is a cell that prints 200,000 lines graded normally, its output trimmed?"""
    assert _score(course, "output-flood") == AUTOGRADED_POINTS
    graded = nbformat.read(
        course["dir"] / "autograded" / "output-flood" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        as_version=4,
    )
    lines = sum(
        len(o.get("text", "").splitlines()) for c in graded.cells for o in c.get("outputs", [])
    )
    assert lines < 1000


def test_kernel_crash_is_reported_for_that_student(course):
    """Does os._exit in a notebook give that student a clear message, and nobody else?

    Python is restarted for the remaining cells, so the notebook is still graded and the
    student's feedback says what happened.
    """
    result = _result(course, "kernel-crash")
    assert result.status == "graded"
    assert "Your code ended Python" in result.message
    feedback = (
        course["dir"] / "feedback" / "kernel-crash" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    ).read_text(encoding="utf-8")
    assert "Your code ended Python (exit status 1)" in feedback
    assert _score(course, "kernel-crash") == 0
    others = [r for r in course["report"].results if r.student_id != "kernel-crash"]
    assert not any("ended Python" in r.message for r in others)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("corrupt", "not a valid notebook"),
        ("missing", "contains no notebook"),
    ],
)
def test_unreadable_or_missing_notebook_gets_a_clear_message(course, name, words):
    """Is a damaged or missing notebook named in a message, and left ungraded?"""
    result = _result(course, name)
    assert result.status == "not graded"
    assert words in result.message


def test_browser_copy_of_the_notebook_is_graded_and_said(course):
    """Is "ps1_phases (1).ipynb" graded as ps1_phases.ipynb, the intake line saying why?"""
    assert _result(course, "renamed").status == "graded"
    line = next(
        line
        for line in course["report"].intake.lines
        if line.student == "renamed" and line.file.endswith("ps1_phases (1).ipynb")
    )
    assert line.status == "matched" and "browser's copy suffix" in line.detail


def test_code_that_deletes_its_folder_hurts_only_itself(course):
    """Does deleting files in the grading folder leave its own and everyone else's work intact?

    The notebook runs on a private copy of its folder, so nothing it deletes is gone.
    """
    result = _result(course, "deletes-files")
    assert result.status == "graded"
    graded = course["dir"] / "autograded" / "deletes-files" / ASSIGNMENT
    assert (graded / "timestamp.txt").is_file() and (graded / f"{ASSIGNMENT}.ipynb").is_file()
    assert (course["dir"] / "submitted" / "perfect" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert _score(course, "perfect") == AUTOGRADED_POINTS


def test_hand_edited_widget_answer_earns_nothing(course):
    """Does pasting the right answer into the saved record, without answering, earn nothing?"""
    assert _score(course, "tampered") == AUTOGRADED_POINTS - 2  # both checks of the order question
    feedback = (
        course["dir"] / "feedback" / "tampered" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    ).read_text(encoding="utf-8")
    assert "changed outside the notebook" in feedback


def test_everyone_else_is_graded_despite_the_broken_ones(course):
    """Are all honest submissions graded although others crashed or were unreadable?"""
    graded = {r.student_id for r in course["report"].results if r.status == "graded"}
    assert {"perfect", "blank", "partial", "late", "output-flood"} <= graded


def test_progress_is_reported_per_student(course):
    """Does the pipeline report each student as it goes?"""
    lines = [m for m in course["messages"] if re.search(r"\[\d+/\d+\]", m)]
    assert len(lines) == len([r for r in course["report"].results if r.status != "not graded"])


def test_per_question_summary_and_histogram(course):
    """Is there a per-question summary with mean and full-mark share, and a histogram file?"""
    summary = course["report"].summary.set_index("question")
    assert {"mean", "full_marks_share", "points"} <= set(summary.columns)
    assert 0 < summary.loc["q1-test-phase", "full_marks_share"] < 1
    assert course["report"].histogram_html.is_file()
    assert "plotly" in course["report"].histogram_html.read_text(encoding="utf-8")[:200_000]


def _leaks(page: Path, hidden: list[str]) -> list[str]:
    import html as html_module

    text = html_module.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    return [line for line in hidden if line in text]


def test_feedback_shows_messages_but_no_hidden_test_code(course):
    """Does released feedback say which check failed, without any hidden test line?"""
    hidden = hidden_lines(ASSIGNMENT, REPO / "autograder" / "source")
    assert len(hidden) > 10
    nbgrader("release_feedback", ASSIGNMENT, cwd=course["dir"], env=course["env"])
    released = list((course["exchange"] / "aleppo" / "feedback").rglob("*.html"))
    assert len(released) >= 5
    for page in released:
        assert _leaks(page, hidden) == [], page
    blank = course["dir"] / "feedback" / "blank" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert "No answer was recorded" in blank.read_text(encoding="utf-8")
    assert "siege_events should be a DataFrame" in blank.read_text(encoding="utf-8")


def test_leak_scan_fails_on_stock_nbgrader_feedback(course, tmp_path):
    """Does the same scan find hidden tests in feedback made with nbgrader's stock settings?"""
    copy = tmp_path / "course"
    shutil.copytree(course["dir"], copy)
    stock = "['nbgrader.preprocessors.GetGrades']"
    nbgrader(
        "generate_feedback",
        ASSIGNMENT,
        "--student=blank",
        "--force",
        f"--GenerateFeedback.preprocessors={stock}",
        cwd=copy,
        env=course["env"],
    )
    page = copy / "feedback" / "blank" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    # the stock page copies hidden tests word for word
    assert _leaks(page, hidden_lines(ASSIGNMENT, REPO / "autograder" / "source"))


def test_running_again_loses_nothing_and_counts_nothing_twice(course):
    """Does a second run skip graded work and leave every score and timestamp unchanged?"""
    before = course["scores"]
    with pytest.MonkeyPatch.context() as patch:
        for key, value in course["env"].items():
            patch.setenv(key, value)
        again = grade(ASSIGNMENT, course_dir=course["dir"], workers=2, progress=lambda m: None)
    after = pd.read_csv(again.grades_csv).set_index("student_id")
    statuses = {r.student_id: r.status for r in again.results}
    assert statuses["perfect"] == "skipped"
    assert len(after) == len(before)
    pd.testing.assert_series_equal(
        after["raw_score"].sort_index(), before["raw_score"].sort_index()
    )
    pd.testing.assert_series_equal(
        after["timestamp"].sort_index(), before["timestamp"].sort_index()
    )
    assert again.backup is not None and again.backup.is_file()


def test_late_submission_keeps_its_timestamp(course):
    """Is the late submission's own timestamp kept, after the due date, and flagged late?"""
    stamp = (course["dir"] / "submitted" / "late" / ASSIGNMENT / "timestamp.txt").read_text()
    scores = course["scores"]
    exported = pd.Timestamp(scores.loc["late", "timestamp"]).tz_localize("UTC")  # export is UTC
    assert exported == pd.Timestamp(stamp.strip())
    assert exported > pd.Timestamp(course["due"])
    assert pd.Timestamp(scores.loc["perfect", "timestamp"]).tz_localize("UTC") < pd.Timestamp(
        course["due"]
    )


def test_lms_zip_is_collected_with_zip_collect(course, tmp_path):
    """Can notebooks downloaded from a learning platform be graded from one zip file?"""
    course_dir = course["dir"]
    perfect = course_dir / "submitted" / "perfect" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    archive = tmp_path / "lms-download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(perfect, f"binderstudent_12345_{ASSIGNMENT}.ipynb")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in course["env"].items():
            patch.setenv(key, value)
        report = grade(
            ASSIGNMENT, course_dir=course_dir, zip_file=archive, workers=1, progress=lambda m: None
        )
    statuses = {r.student_id: r.status for r in report.results}
    assert statuses["binderstudent"] == "graded"
    scores = pd.read_csv(report.grades_csv).set_index("student_id")
    assert scores.loc["binderstudent", "raw_score"] == AUTOGRADED_POINTS


WIDGET_ANSWERS = {
    "ps1_phases": lambda: {"ps1-order-events": right_order()},
    "ps2_sources": lambda: {
        "ps2-rewrite-origin": data.documents().set_index("doc_id").loc["ap_2024", "title"]
    },
    "ps3_framing": lambda: {
        "ps3-classify-sentences": [
            "attributed claim",
            "attributed claim",
            "loaded label in the writer's own voice",
            "neutral description",
        ]
    },
}


def _max_autograded(source: Path) -> float:
    nb = nbformat.read(source, as_version=4)
    return sum(
        c.metadata["nbgrader"].get("points", 0)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
    )


@pytest.mark.parametrize("assignment", sorted(WIDGET_ANSWERS))
def test_model_solutions_earn_every_autograded_point(tmp_path, assignment):
    """Does the instructor's own solution, handed in through the exchange, get full marks?"""
    course_dir = copy_course(tmp_path / "course")
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    env = base_env(exchange)
    nbgrader("generate_assignment", assignment, "--force", cwd=course_dir, env=env)
    nbgrader("release_assignment", assignment, cwd=course_dir, env=env)
    source = course_dir / "source" / assignment / f"{assignment}.ipynb"
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nbformat.read(source, as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    student = Student("teacher", tmp_path / "home", exchange)
    student.fetch(assignment)
    notebook = student.notebook(assignment)
    fill(notebook, solutions)
    for exercise_id, value in WIDGET_ANSWERS[assignment]().items():
        save_widget_answer(notebook, exercise_id, value)
    student.submit(assignment)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        report = grade(assignment, course_dir=course_dir, workers=1, progress=lambda m: None)
    scores = pd.read_csv(report.grades_csv).set_index("student_id")
    assert scores.loc["teacher", "raw_score"] == _max_autograded(source)
