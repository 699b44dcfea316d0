"""``course grade ASSIGNMENT``: the whole post-deadline pipeline on nbgrader's own commands.

1. Back up the gradebook (nothing is ever lost, whatever a submission does).
2. Collect: ``nbgrader collect --update`` from the exchange, or ``nbgrader zip_collect`` for a
   zip of notebooks downloaded from a learning platform.
3. Check each submission before grading: a missing or renamed notebook, or a file that is not a
   valid notebook, gets a clear message for that student; the class goes on.
4. Autograde in parallel: one worker process per core, each calling nbgrader's
   ``NbGraderAPI.autograde`` for one student at a time. Every notebook runs in a bubblewrap
   sandbox and its test cells in a separate checker (:mod:`course.grading.execute`); grading
   refuses to start without a working sandbox unless ``sandbox=False`` (``--no-sandbox``).
   nbgrader's own per-cell timeout interrupts runaway cells; a crashed kernel or a limit that is
   hit is reported for that student only. Submissions already graded and not changed since are
   skipped, so running the pipeline again double-counts nothing.
5. ``nbgrader generate_feedback`` (with hidden tests removed, see
   :class:`course.grading.preprocessors.HideHiddenTests`) and ``nbgrader export``.
6. A per-question summary (mean, share of students with full marks) and a histogram of totals.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

__all__ = ["GradeReport", "StudentResult", "grade", "question_summary", "run_nbgrader"]

Progress = Callable[[str], object]


@dataclass
class StudentResult:
    """What happened to one student's submission."""

    student_id: str
    status: str  # graded, skipped (already graded), failed, not graded
    message: str = ""
    seconds: float = 0.0


@dataclass
class GradeReport:
    """The outcome of one run of the pipeline."""

    assignment: str
    results: list[StudentResult] = field(default_factory=list)
    grades_csv: Path | None = None
    histogram_html: Path | None = None
    summary: pd.DataFrame | None = None
    backup: Path | None = None

    @property
    def problems(self) -> list[StudentResult]:
        return [r for r in self.results if r.status in {"failed", "not graded"}]


# --------------------------------------------------------------------------------------------
# nbgrader commands


def _env() -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)  # nbgrader calls alembic from the same env
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_nbgrader(course_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader command in ``course_dir``; raise with its error output if it fails."""
    command = [str(Path(sys.executable).parent / "nbgrader"), *args]
    result = subprocess.run(command, cwd=course_dir, env=_env(), text=True, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


def _source_notebooks(course_dir: Path, assignment: str) -> list[str]:
    source = course_dir / "source" / assignment
    if not source.is_dir():
        known = sorted(p.name for p in (course_dir / "source").iterdir() if p.is_dir())
        raise FileNotFoundError(
            f"No assignment {assignment!r} in {source.parent}. Assignments: {', '.join(known)}."
        )
    return sorted(p.name for p in source.glob("*.ipynb"))


# --------------------------------------------------------------------------------------------
# Checking submissions before grading


def _check_submission(folder: Path, expected: list[str]) -> str:
    """Return a message for the student if the submission cannot be graded, else ''."""
    present = {p.name for p in folder.glob("*.ipynb")}
    missing = [name for name in expected if name not in present]
    if missing:
        others = sorted(present - set(expected))
        found = (
            f" It contains {', '.join(others)} instead: was it renamed?"
            if others
            else (" It contains no notebook at all.")
        )
        return (
            f"The submission has no {', '.join(missing)}.{found} Rename the file to "
            f"{missing[0]} (or ask the student to resubmit), then grade again."
        )
    for name in expected:
        try:
            nbformat.validate(nbformat.read(folder / name, as_version=4))
        except Exception as error:  # noqa: BLE001 - any parse failure is reported the same way
            return (
                f"{name} is not a valid notebook ({type(error).__name__}: "
                f"{str(error).splitlines()[0][:200]}). The file may be damaged; ask the "
                "student to download it again from JupyterLab and resubmit."
            )
    return ""


# --------------------------------------------------------------------------------------------
# Parallel autograde

_API: Any = None


def _load_config(course_dir: Path) -> Any:
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()


def check_sandbox(course_dir: Path, progress: Progress = print) -> None:
    """Prove the grading sandbox works here, or raise ``SandboxUnavailable`` saying how."""
    from course.grading.sandbox import Sandbox

    sandbox = Sandbox(config=_load_config(course_dir))
    if not sandbox.enabled:
        raise RuntimeError(
            "The sandbox is switched off in nbgrader_config.py (Sandbox.enabled = False). "
            "Switch it on, or pass --no-sandbox to grade trusted submissions without it."
        )
    sandbox.check()
    progress(
        f"Sandbox: bubblewrap; per submission at most {sandbox.memory_limit / 1024**3:.1f} GB "
        f"of memory, {sandbox.process_limit} processes, {sandbox.cpu_time_limit} s of CPU, "
        f"{sandbox.disk_limit / 1024**2:.0f} MB of disk; no network"
    )


def _worker_init(course_dir: str, sandbox: bool = True) -> None:
    global _API
    os.chdir(course_dir)
    os.environ.update(_env())
    # Kernels inherit this process's stderr; their start-up chatter would bury the progress
    # lines. Each student's log comes back in the result instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = _load_config(Path(course_dir))
    config.Sandbox.enabled = sandbox
    _API = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _autograde_one(assignment: str, student: str, force: bool) -> dict[str, Any]:
    start = time.perf_counter()
    for attempt in range(4):
        result = _API.autograde(assignment, student, force=force, create=True)
        text = f"{result.get('error', '')}\n{result.get('log', '')}"
        if result.get("success") or "database is locked" not in text or attempt == 3:
            break
        time.sleep(0.5 * (attempt + 1))  # another worker is writing the gradebook
    result["seconds"] = time.perf_counter() - start
    result["student"] = student
    from course.grading.execute import LIMIT_LOG

    result["limits"] = [
        line.split(f"{LIMIT_LOG}: ", 1)[1].split(": ", 1)[-1]
        for line in result.get("log", "").splitlines()
        if f"{LIMIT_LOG}: " in line
    ]
    return result


def _explain_failure(result: dict[str, Any]) -> str:
    text = f"{result.get('error', '')}\n{result.get('log', '')}"
    if "SandboxUnavailable" in text:
        from course.grading.sandbox import INSTALL_HINT

        return f"The grading sandbox could not start. {INSTALL_HINT}"
    if "DeadKernelError" in text or "Kernel died" in text:
        return (
            "The notebook's kernel stopped while grading (the code may call os._exit, "
            "crash Python, or use too much memory). Nothing was graded automatically; "
            "grade it by hand in formgrader or ask the student to fix and resubmit."
        )
    if "CellTimeoutError" in text or "Timeout" in text:
        return "A cell ran past the time limit and grading could not finish."
    last = [line for line in text.strip().splitlines() if line.strip()][-1:] or ["unknown"]
    return f"Autograding failed: {last[0][:300]}"


def _was_skipped(result: dict[str, Any]) -> bool:
    return "Skipping existing assignment" in result.get("log", "")


def _restore_deleted_files(course_dir: Path, assignment: str, report: GradeReport) -> None:
    """Put back files a student's code deleted from its grading folder (e.g. timestamp.txt).

    A notebook runs in ``autograded/<student>/<assignment>/``; code that deletes files there
    must not break feedback for the whole class. The submitted copy is never touched.
    """
    for result in report.results:
        if result.status not in {"graded", "skipped"}:
            continue
        source = course_dir / "submitted" / result.student_id / assignment
        target = course_dir / "autograded" / result.student_id / assignment
        if not target.is_dir():
            continue
        for path in source.rglob("*"):
            copy = target / path.relative_to(source)
            if path.is_file() and not copy.exists():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, copy)
                result.message = (result.message + " " if result.message else "") + (
                    f"Its code deleted {copy.name} while running; restored from the submission."
                )


# --------------------------------------------------------------------------------------------
# Summary and histogram


def question_summary(course_dir: Path, assignment: str) -> pd.DataFrame:
    """Per question: points, mean score, and the share of students with full marks."""
    import warnings

    from nbgrader.api import Gradebook

    rows = []
    with (
        warnings.catch_warnings(),
        Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook,
    ):
        warnings.simplefilter("ignore")  # SQLAlchemy session notices from nbgrader's models
        for submission in gradebook.assignment_submissions(assignment):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    rows.append(
                        {
                            "question": grade.name,
                            "student": submission.student_id,
                            "score": grade.score,
                            "max_score": grade.max_score,
                            "needs_manual_grade": grade.needs_manual_grade,
                        }
                    )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(
            columns=["question", "points", "mean", "full_marks_share", "awaiting_manual_grade"]
        )
    grouped = frame.groupby("question", sort=False)
    return pd.DataFrame(
        {
            "points": grouped["max_score"].first(),
            "mean": grouped["score"].mean().round(2),
            "full_marks_share": grouped.apply(
                lambda g: round(float((g["score"] >= g["max_score"]).mean()), 2),
                include_groups=False,
            ),
            "awaiting_manual_grade": grouped["needs_manual_grade"].sum().astype(int),
        }
    ).reset_index()


def _histogram(grades: pd.DataFrame, assignment: str, path: Path) -> Path:
    import plotly.express as px

    import course.figures  # noqa: F401 - registers the "course" template

    fig = px.histogram(
        grades,
        x="score",
        nbins=int(max(grades["max_score"].max(), 1)) + 1,
        template="course",
        title=f"{assignment}: total scores",
        labels={"score": "Total score", "count": "Students"},
    )
    fig.update_layout(
        yaxis_title="Students",
        meta={
            "description": (
                f"Histogram of {len(grades)} students' totals; "
                f"mean {grades['score'].mean():.1f} of {grades['max_score'].max():g}."
            )
        },
    )
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    return path


# --------------------------------------------------------------------------------------------
# The pipeline


def grade(
    assignment: str,
    *,
    course_dir: str | Path = "autograder",
    zip_file: str | Path | None = None,
    workers: int | None = None,
    force: bool = False,
    collect: bool = True,
    feedback: bool = True,
    sandbox: bool = True,
    progress: Progress = print,
) -> GradeReport:
    """Run the post-deadline pipeline for ``assignment``; see the module docstring.

    ``sandbox=False`` grades without the bubblewrap sandbox (the checks still run in the
    checker); otherwise ``SandboxUnavailable`` is raised before anything is done if no sandbox
    can be made on this machine.
    """
    course_dir = Path(course_dir).resolve()
    expected = _source_notebooks(course_dir, assignment)
    if sandbox:
        check_sandbox(course_dir, progress)
    else:
        progress("WARNING: grading WITHOUT the sandbox (--no-sandbox): only for trusted work.")
    report = GradeReport(assignment)
    reports = course_dir / "reports"
    reports.mkdir(exist_ok=True)

    database = course_dir / "gradebook.db"
    if database.is_file():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        report.backup = reports / f"gradebook-{stamp}.db"
        shutil.copy2(database, report.backup)
        progress(f"Backed up the gradebook to {report.backup.relative_to(course_dir)}")

    if not (course_dir / "release" / assignment).is_dir():
        progress(f"Generating {assignment} (nbgrader generate_assignment) ...")
        run_nbgrader(course_dir, "generate_assignment", assignment, "--force")

    if zip_file is not None:
        archive = course_dir / "downloaded" / assignment / "archive"
        archive.mkdir(parents=True, exist_ok=True)
        if not zipfile.is_zipfile(zip_file):
            raise ValueError(f"{zip_file} is not a zip file.")
        shutil.copy2(zip_file, archive / Path(zip_file).name)
        progress(f"Collecting from {Path(zip_file).name} (nbgrader zip_collect) ...")
        run_nbgrader(course_dir, "zip_collect", assignment, "--force")
    elif collect:
        progress("Collecting from the exchange (nbgrader collect --update) ...")
        run_nbgrader(course_dir, "collect", assignment, "--update")

    submitted = course_dir / "submitted"
    students = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())
    progress(f"{len(students)} submission(s) of {assignment}")
    gradable = []
    for student in students:
        message = _check_submission(submitted / student / assignment, expected)
        if message:
            report.results.append(StudentResult(student, "not graded", message))
            progress(f"  {student}: NOT GRADED - {message}")
        else:
            gradable.append(student)

    workers = workers or os.cpu_count() or 1
    progress(f"Autograding {len(gradable)} submission(s) with {workers} worker(s) ...")
    done = 0
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_worker_init, initargs=(str(course_dir), sandbox)
    ) as pool:
        futures = [pool.submit(_autograde_one, assignment, s, force) for s in gradable]
        for future in as_completed(futures):
            result = future.result()
            done += 1
            student = result["student"]
            if result.get("success") and _was_skipped(result):
                outcome = StudentResult(
                    student, "skipped", "already graded and unchanged", result["seconds"]
                )
            elif result.get("success"):
                limits = " ".join(dict.fromkeys(result.get("limits", [])))
                message = f"Told the student in feedback: {limits}"
                outcome = StudentResult(
                    student, "graded", message if limits else "", result["seconds"]
                )
            else:
                outcome = StudentResult(
                    student, "failed", _explain_failure(result), result["seconds"]
                )
            report.results.append(outcome)
            note = f" - {outcome.message}" if outcome.message else ""
            progress(
                f"  [{done}/{len(gradable)}] {student}: {outcome.status} "
                f"({outcome.seconds:.1f} s){note}"
            )

    _restore_deleted_files(course_dir, assignment, report)

    if feedback:
        progress("Generating feedback without hidden tests (nbgrader generate_feedback) ...")
        run_nbgrader(course_dir, "generate_feedback", assignment)
    report.grades_csv = reports / f"{assignment}-grades.csv"
    run_nbgrader(course_dir, "export", "--to", str(report.grades_csv))
    progress(f"Grades exported to {report.grades_csv.relative_to(course_dir)}")

    grades = pd.read_csv(report.grades_csv)
    grades = grades[grades["assignment"] == assignment]
    if not grades.empty:
        report.histogram_html = _histogram(
            grades, assignment, reports / f"{assignment}-totals.html"
        )
        progress(f"Histogram of totals: {report.histogram_html.relative_to(course_dir)}")
    report.summary = question_summary(course_dir, assignment)
    return report
