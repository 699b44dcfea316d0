"""Helpers for the tests of kept answers: a released ps1_phases, Validate and autograde for real.

``answered_notebook`` writes a student's ps1_phases the way JupyterLab saves it, with the
widget question's signed record in its cell output only (the widget state dropped, as in
ipywidgets#3888), or in no place at all. ``validate`` and ``autograde`` run nbgrader's own
commands; ``widget_points`` reads the widget question's two grades from the gradebook.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat

from course import records
from tests.classroom import RIGHT, base_env, copy_course, fill, nbgrader, right_order

ASSIGNMENT = "ps1_phases"
WIDGET_CELL = "q4-widget"
WIDGET_GRADES = ("q4-test-answered", "q4-test-order")
EXERCISE = "ps1-order-events"


def released_course(root: Path) -> tuple[Path, dict[str, str]]:
    """An nbgrader course in ``root`` with ps1_phases generated; returns (course dir, env)."""
    course_dir = copy_course(root / "course")
    exchange = root / "exchange"
    exchange.mkdir(exist_ok=True)
    env = base_env(exchange)
    nbgrader("generate_assignment", ASSIGNMENT, "--force", cwd=course_dir, env=env)
    return course_dir, env


def answered_notebook(course_dir: Path, target: Path, *, widget: bool = True) -> Path:
    """Copy the released notebook to ``target``, answer the code questions and (optionally)
    the widget question, with its record kept only in the widget cell's output."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(course_dir / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", target)
    fill(target, RIGHT)
    if widget:
        nb = nbformat.read(target, as_version=4)
        token = records.sign(
            {
                "exercise_id": EXERCISE,
                "kind": "ordering",
                "value": right_order(),
                "correct": None,
                "attempts": 1,
                "justification": "",
                "recorded_at": records.timestamp(),
            }
        )
        data = {records.RECORD_MIME: {"exercise_id": EXERCISE, "answer_record": token}}
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == WIDGET_CELL:
                cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata={})]
        nbformat.write(nb, target)
    return target


def validate(path: Path, env: dict[str, str]) -> str:
    """Run ``nbgrader validate`` on a notebook in its folder; return what it printed."""
    result = subprocess.run(
        [str(Path(env["PATH"].split(":")[0]) / "nbgrader"), "validate", path.name],
        cwd=path.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.stdout + result.stderr


def autograde(course_dir: Path, env: dict[str, str], student: str, notebook: Path) -> None:
    """Hand ``notebook`` in as ``student`` and run ``nbgrader autograde`` for that student."""
    submitted = course_dir / "submitted" / student / ASSIGNMENT
    submitted.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, submitted / f"{ASSIGNMENT}.ipynb")
    (submitted / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
    nbgrader("autograde", ASSIGNMENT, f"--student={student}", "--force", cwd=course_dir, env=env)


def widget_points(course_dir: Path, student: str) -> float:
    """The autograded points the student earned on the widget question (2 at most)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return sum(g.score for g in notebook.grades if g.name in WIDGET_GRADES)


def total_points(course_dir: Path, student: str) -> float:
    """Every autograded point the student earned (9 for a right answer to everything)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return sum(g.score for g in notebook.grades if g.auto_score is not None)
