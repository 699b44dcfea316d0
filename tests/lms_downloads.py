"""Small built inputs for the intake tests: a generated course, notebooks, platform downloads.

Names are made up. Each download is written as the platform writes it (see the naming table
in ``course/grading/platforms.py`` and the sources in ``autograder/README.md``); the zip's
modification time is set, so that "the newer download" is well defined.
"""

from __future__ import annotations

import copy
import csv
import os
import shutil
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pandas as pd

from tests.classroom import RIGHT, answer_all, base_env, copy_course, fill, nbgrader

ASSIGNMENT = "ps1_phases"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
AUTOGRADED = 9.0  # every autograded point of ps1_phases


def generated_course(root: Path) -> Path:
    """A course with ps1_phases generated (release/ and the gradebook), made once per session."""
    course_dir = copy_course(root / "course")
    env = base_env(root / "exchange")
    (root / "exchange").mkdir(exist_ok=True)
    nbgrader("generate_assignment", ASSIGNMENT, "--force", cwd=course_dir, env=env)
    return course_dir


def fresh_course(generated: Path, target: Path) -> Path:
    """A private copy of the generated course."""
    shutil.copytree(generated, target)
    return target


def set_duedate(course_dir: Path, due: datetime) -> None:
    """Give ps1_phases a due date in the gradebook (nbgrader stores it as naive UTC)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_assignment(
            ASSIGNMENT, duedate=due.astimezone(UTC).replace(tzinfo=None)
        )


def notebook(course_dir: Path, action: Callable[[Path], object] = answer_all) -> bytes:
    """The released ps1_phases after ``action`` (a student's work), as bytes."""
    work = course_dir / ".work.ipynb"
    shutil.copy(course_dir / "release" / ASSIGNMENT / NOTEBOOK, work)
    action(work)
    data = work.read_bytes()
    work.unlink()
    return data


def blank(path: Path) -> None:
    """Hand in the assignment untouched."""


def partial(path: Path) -> None:
    """Answer question 1 only (3 points)."""
    fill(path, {"q1-answer": RIGHT["q1-answer"]})


def _cells_of(path: Path, grade_id: str) -> tuple[nbformat.NotebookNode, int]:
    nb = nbformat.read(path, as_version=4)
    index = next(
        i
        for i, c in enumerate(nb.cells)
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )
    return nb, index


def copied_cell(path: Path) -> None:
    """Everything right, with question 1's answer cell duplicated (Edit → Copy, Paste)."""
    answer_all(path)
    nb, index = _cells_of(path, "q1-answer")
    twin = copy.deepcopy(nb.cells[index])
    twin.id = "copied-q1"
    nb.cells.insert(index, twin)
    nbformat.write(nb, path)


def split_cell(path: Path) -> None:
    """Everything right, with question 1's answer split in two cells keeping the metadata."""
    answer_all(path)
    nb, index = _cells_of(path, "q1-answer")
    top, bottom = copy.deepcopy(nb.cells[index]), copy.deepcopy(nb.cells[index])
    top.source, bottom.source = RIGHT["q1-answer"], "siege_events.head()"
    bottom.id = "split-q1"
    nb.cells[index : index + 1] = [top, bottom]
    nbformat.write(nb, path)


def deleting(*grade_ids: str, answer_cell_after: str | None = None) -> Callable[[Path], None]:
    """Everything right, then the cells with ``grade_ids`` deleted (and the answer cell)."""

    def action(path: Path) -> None:
        answer_all(path)
        nb = nbformat.read(path, as_version=4)
        drop = set()
        for i, cell in enumerate(nb.cells):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in grade_ids:
                drop.add(i)
                if grade_id == answer_cell_after and i + 1 < len(nb.cells):
                    drop.add(i + 1)
        nb.cells = [c for i, c in enumerate(nb.cells) if i not in drop]
        nbformat.write(nb, path)

    return action


def with_plotly_figure(path: Path) -> None:
    """Everything right, question 3 ending with ``fig`` so the chart is displayed."""
    answer_all(path)
    fill(path, {"q3-answer": RIGHT["q3-answer"] + "\nfig"})


def with_embedded_plotlyjs(copies: int = 2) -> Callable[[Path], None]:
    """Everything right, saved with plotly.js in outputs ``copies`` times (9.9 MB for 2).

    What ``plotly.offline.init_notebook_mode(connected=False)`` leaves in a notebook each time
    it is run: a display_data output holding the whole library.
    """

    def action(path: Path) -> None:
        from plotly.offline import get_plotlyjs

        answer_all(path)
        nb = nbformat.read(path, as_version=4)
        library = f'<script type="text/javascript">{get_plotlyjs()}</script>'
        setup = next(
            c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"
        )
        setup.outputs = [
            nbformat.v4.new_output("display_data", data={"text/html": library})
            for _ in range(copies)
        ]
        nbformat.write(nb, path)

    return action


def write_zip(path: Path, entries: dict[str, bytes], when: datetime) -> Path:
    """A zip with ``entries`` (name → bytes), its modification time set to ``when``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def write_roster(path: Path, rows: list[dict[str, str]]) -> Path:
    """A roster CSV with the columns of the first row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def intake_rows(course_dir: Path) -> list[tuple[str, str, str, str]]:
    """The intake report's lines as (status, file, student, notebook), in report order."""
    with (course_dir / "reports" / f"{ASSIGNMENT}-intake.csv").open(encoding="utf-8") as handle:
        return [
            (r["status"], r["file"], r["student"], r["notebook"]) for r in csv.DictReader(handle)
        ]


def intake_details(course_dir: Path) -> dict[tuple[str, str], str]:
    """``{(status, file or student): detail}`` of the intake report."""
    with (course_dir / "reports" / f"{ASSIGNMENT}-intake.csv").open(encoding="utf-8") as handle:
        return {
            (r["status"], r["file"] or r["student"]): r["detail"] for r in csv.DictReader(handle)
        }


def exported(course_dir: Path) -> pd.DataFrame:
    """This assignment's rows of the grades export, indexed by student id."""
    frame = pd.read_csv(
        course_dir / "reports" / f"{ASSIGNMENT}-grades.csv", dtype={"student_id": str}
    )
    return frame[frame["assignment"] == ASSIGNMENT].set_index("student_id")


def feedback_page(course_dir: Path, student: str) -> str:
    return (course_dir / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(
        encoding="utf-8"
    )
