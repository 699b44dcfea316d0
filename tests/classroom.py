"""A simulated class for the grading tests: students who fetch, answer and submit for real.

Each student is a home folder and a student id. They run nbgrader's own commands
(``fetch_assignment``, and ``submit --student ID``, nbgrader's option for naming the submitting
student on a shared machine) against a temporary exchange, and "answer" a notebook by filling
its solution cells and saving widget answers into the notebook's widget state, exactly where
JupyterLab saves them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from course import records
from course.grading.preprocessors import WIDGET_STATE

BIN = Path(sys.executable).parent


def copy_course(course_dir: Path) -> Path:
    """Copy the instructor's nbgrader course (config and source/) into ``course_dir``."""
    from tests.conftest import REPO

    course_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "autograder" / "nbgrader_config.py", course_dir)
    shutil.copytree(REPO / "autograder" / "source", course_dir / "source")
    return course_dir


def nbgrader(
    *args: str, cwd: Path, env: dict[str, str], check: bool = True, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """Run a real ``nbgrader`` command."""
    result = subprocess.run(
        [str(BIN / "nbgrader"), *args],
        cwd=cwd,
        env=env,
        text=True,
        capture_output=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def base_env(exchange: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["NBGRADER_EXCHANGE"] = str(exchange)
    env["COURSE_CELL_TIMEOUT"] = env.get("COURSE_CELL_TIMEOUT", "10")
    return env


class Student:
    """One student: a home folder, a user name, and nbgrader's student commands."""

    def __init__(self, name: str, home: Path, exchange: Path) -> None:
        self.name, self.home, self.exchange = name, home, exchange
        home.mkdir(parents=True, exist_ok=True)
        self.env = {**base_env(exchange), "USER": name, "LOGNAME": name, "HOME": str(home)}
        self.flags = ["--course", "aleppo", f"--Exchange.root={exchange}"]

    def fetch(self, assignment: str) -> Path:
        nbgrader("fetch_assignment", assignment, *self.flags, cwd=self.home, env=self.env)
        return self.home / assignment

    def submit(self, assignment: str, *, check: bool = True) -> subprocess.CompletedProcess[str]:
        return nbgrader(
            "submit",
            assignment,
            *self.flags,
            f"--student={self.name}",
            cwd=self.home,
            env=self.env,
            check=check,
        )

    def notebook(self, assignment: str) -> Path:
        return self.home / assignment / f"{assignment}.ipynb"


def fill(path: Path, solutions: dict[str, str]) -> None:
    """Replace the source of solution cells (by grade_id) with the student's code."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            cell.source = solutions[grade_id]
    nbformat.write(nb, path)


def save_widget_answer(
    path: Path, exercise_id: str, value: object, *, token: str | None = None
) -> None:
    """Store a checked widget answer in the notebook's widget state, as JupyterLab does."""
    nb = nbformat.read(path, as_version=4)
    record = {
        "exercise_id": exercise_id,
        "kind": "test",
        "value": value,
        "correct": None,
        "attempts": 1,
        "justification": "",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    state = nb.metadata.setdefault("widgets", {}).setdefault(
        WIDGET_STATE, {"version_major": 2, "version_minor": 0, "state": {}}
    )["state"]
    state[f"model-{exercise_id}"] = {
        "model_name": "VBoxModel",
        "model_module": "@jupyter-widgets/controls",
        "model_module_version": "2.0.0",
        "state": {
            "answer_record": token or records.sign(record),
            "_dom_classes": ["course-exercise"],
        },
    }
    nbformat.write(nb, path)


# ps1_phases answered right: every autograded point (9 of 13; 4 are graded by hand).
RIGHT = {
    "q1-answer": 'siege_events = events[events["phase_id"] == "y2016_siege"].sort_values("date")',
    "q2-answer": 'phase_counts = events.groupby("phase_id").size()',
    "q3-answer": (
        'fig = px.bar(x=phase_counts.index, y=phase_counts.values, title="Events",\n'
        '             labels={"x": "Phase", "y": "Events"})'
    ),
}


def right_order() -> list[str]:
    """The right answer to ps1's ordering widget, from the events table."""
    from course import data
    from course.assignments import ps1_phases as ps1

    chosen = data.events().set_index("event_id").loc[list(ps1.ORDER_EVENTS)].sort_values("date")
    return [f"{row.place or 'Aleppo'}: {row.description}" for row in chosen.itertuples()]


def answer_all(path: Path) -> None:
    """Answer every autograded question of ps1_phases right."""
    fill(path, RIGHT)
    save_widget_answer(path, "ps1-order-events", right_order())


def answer_partly(path: Path) -> None:
    """Answer only ps1's first question (3 autograded points)."""
    fill(path, {"q1-answer": RIGHT["q1-answer"]})


def read_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))
