"""``course grade ASSIGNMENT``: the whole post-deadline pipeline on nbgrader's own commands.

1. Back up the gradebook (nothing is ever lost, whatever a submission does).
2. Collect and account for every file (:mod:`course.grading.collection`): ``nbgrader collect
   --update`` from the exchange, or ``nbgrader zip_collect`` with a learning platform's
   collector plugin (:mod:`course.grading.platforms`) for its download. The intake report says,
   for every file, which student and notebook it was graded as or why not, and lists every
   roster student with nothing gradable (``reports/<assignment>-intake.txt``).
3. Check each submission before grading: a missing notebook, or a file that is not a valid
   notebook, gets a clear message for that student; the class goes on.
4. Autograde in parallel: one worker process per core, each calling nbgrader's
   ``NbGraderAPI.autograde`` for one student at a time. Every notebook runs in a bubblewrap
   sandbox and its test cells in a separate checker (:mod:`course.grading.execute`); grading
   refuses to start without a working sandbox unless ``sandbox=False`` (``--no-sandbox``).
   nbgrader's own per-cell timeout interrupts runaway cells; a crashed kernel or a limit that is
   hit is reported for that student only. Submissions already graded and not changed since are
   skipped, so running the pipeline again double-counts nothing.
5. ``nbgrader generate_feedback --force`` for every page whose sources changed (hidden tests
   removed, see :class:`course.grading.preprocessors.HideHiddenTests`; figures drawn offline,
   see :mod:`course.grading.feedback`), so feedback always shows the gradebook as it is now,
   regrades and hand-graded marks and comments included; one student's failure falls back to
   per-student feedback. Then ``nbgrader export``, annotated with each student's status (a
   student who was not graded has an empty score, never a 0) and, for Canvas and Moodle,
   their import files (:mod:`course.grading.lms_export`).
6. A per-question summary (mean, share of students with full marks) and a histogram of totals.

:attr:`GradeReport.exit_code` is 0 when every file was matched and every student graded, 3
when intake skipped a file or a roster student has nothing gradable, 4 when a student could
not be graded, 5 for both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from course.grading.collection import collect_submissions
from course.grading.intake import IntakeReport
from course.grading.lms_export import (
    annotate_grades,
    canvas_grades_csv,
    feedback_zip,
    moodle_grading_worksheet,
)

__all__ = ["GradeReport", "StudentResult", "grade", "question_summary", "run_nbgrader"]

Progress = Callable[[str], object]


@dataclass
class StudentResult:
    """What happened to one student's submission."""

    student_id: str
    status: str  # graded, skipped (already graded), failed, not graded, no submission
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
    intake: IntakeReport | None = None
    intake_txt: Path | None = None
    platform: str = ""
    exports: list[Path] = field(default_factory=list)

    @property
    def problems(self) -> list[StudentResult]:
        return [r for r in self.results if r.status in {"failed", "not graded"}]

    @property
    def exit_code(self) -> int:
        """0 all accounted for and graded; 3 intake problems; 4 grading problems; 5 both."""
        intake = bool(self.intake and self.intake.problems)
        grading = bool(self.problems)
        return {(False, False): 0, (True, False): 3, (False, True): 4, (True, True): 5}[
            (intake, grading)
        ]


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


def _check_submission(folder: Path, expected: list[str], intake_notes: str = "") -> str:
    """Return a message for the student if the submission cannot be graded, else ''.

    ``intake_notes`` (what intake skipped for this student, and why) is added to a message
    about a missing notebook, so that the reason is the real one (e.g. over the size limit).
    """
    present = {p.name for p in folder.glob("*.ipynb")}
    missing = [name for name in expected if name not in present]
    if missing:
        others = sorted(present - set(expected))
        found = (
            f" It contains {', '.join(others)} instead: was it renamed?"
            if others
            else (" It contains no notebook.")
        )
        why = f" Intake: {intake_notes}." if intake_notes else ""
        return (
            f"The submission has no {', '.join(missing)}.{found}{why} Rename the file to "
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


def _duplicated_ids(folder: Path, expected: list[str]) -> str:
    """Name the grade_ids that appear in more than one cell (copied or split cells), if any."""
    notes = []
    for name in expected:
        path = folder / name
        try:
            cells = nbformat.read(path, as_version=4).cells
        except Exception:  # noqa: BLE001 - unreadable files are reported by _check_submission
            continue
        seen: dict[str, int] = {}
        for cell in cells:
            grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id")
            if grade_id:
                seen[grade_id] = seen.get(grade_id, 0) + 1
        doubled = [f"'{g}' ({n} cells)" for g, n in seen.items() if n > 1]
        if doubled:
            notes.append(
                f"{name} has copied or split cells: {', '.join(doubled)}. All copies ran; the "
                "last copy of each was graded."
            )
    return " ".join(notes)


def _explain_notebook_fault(text: str) -> str:
    """A message naming the cell, for failures caused by a notebook's own structure."""
    import re

    doubled = sorted(set(re.findall(r"Cell with id '([^']+)' exists multiple times", text)))
    if doubled and ("old version" in text or "nbgrader update" in text):
        return (
            f"The notebook has more than one cell with the id {', '.join(doubled)} (a copied "
            "or split cell) and could not be graded. Delete the extra copy, keeping the "
            "student's answer, then run course grade --student again."
        )
    missing = sorted(set(re.findall(r"KeyError: '([^']+)'", text)))
    if missing and "add_missing" in text:
        return (
            f"A deleted cell could not be restored (near {', '.join(missing)}); grade this "
            "notebook by hand or ask the student to download the assignment again."
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
    known = _explain_notebook_fault(text)
    if known:
        return known
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


def _restore_deleted_files(
    course_dir: Path, assignment: str, report: GradeReport, expected: list[str]
) -> None:
    """Keep each grading folder fit for feedback, whatever the student's code did in it.

    A notebook runs in ``autograded/<student>/<assignment>/``. Files its code deleted there
    (e.g. ``timestamp.txt``) are put back from the submission, except notebooks: nbgrader
    writes the graded ones itself, and any other notebook there (an extra copy the student
    handed in, one the code wrote, one an earlier run left) would make ``generate_feedback``
    fail for the whole class, so it is removed. The submitted copy is never touched.
    """
    for result in report.results:
        if result.status not in {"graded", "skipped"}:
            continue
        source = course_dir / "submitted" / result.student_id / assignment
        target = course_dir / "autograded" / result.student_id / assignment
        if not target.is_dir():
            continue
        notes = []
        for path in sorted(target.rglob("*.ipynb")):
            if path.parent == target and path.name in expected:
                continue
            if ".ipynb_checkpoints" in path.parts:
                continue
            path.unlink()
            notes.append(
                f"Removed {path.relative_to(target)} from its grading folder: not one of "
                "this assignment's notebooks, so it is not graded."
            )
        for path in source.rglob("*"):
            copy = target / path.relative_to(source)
            if path.is_file() and path.suffix != ".ipynb" and not copy.exists():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, copy)
                notes.append(
                    f"Its code deleted {copy.name} while running; restored from the submission."
                )
        if notes:
            result.message = " ".join([result.message, *notes]).strip()


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
    zip_file: str | Path | Sequence[str | Path] | None = None,
    workers: int | None = None,
    force: bool = False,
    collect: bool = True,
    feedback: bool = True,
    sandbox: bool = True,
    progress: Progress = print,
    platform: str | None = None,
    roster: str | Path | None = None,
    only_student: str | None = None,
    timezone: str | None = None,
    lms_assignment: str | None = None,
) -> GradeReport:
    """Run the post-deadline pipeline for ``assignment``; see the module docstring.

    ``zip_file`` is one or more learning-platform downloads, read with the collector of
    ``platform`` (canvas, moodle, blackboard, brightspace, gradescope, generic; default: the
    one in nbgrader_config.py); ``roster`` a CSV of the class (see
    :mod:`course.grading.lms_roster`); ``only_student`` grades that student only; ``timezone`` reads
    zone-less platform times; ``lms_assignment`` heads the Canvas import column.
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

    zips = [zip_file] if isinstance(zip_file, str | Path) else list(zip_file or [])
    collected = collect_submissions(
        course_dir,
        assignment,
        run=run_nbgrader,
        zip_files=zips,
        collect=collect,
        platform=platform,
        roster=roster,
        timezone=timezone,
        student=only_student,
        progress=progress,
    )
    report.intake, report.platform = collected.intake, collected.platform
    report.intake_txt, _ = report.intake.write(reports)
    progress(report.intake.text().rstrip())
    progress(f"Intake report written to {report.intake_txt.relative_to(course_dir)}")
    for who in collected.reset:
        progress(f"  {who}: the handed-in notebook changed since it was graded; grading again")

    submitted = course_dir / "submitted"
    students = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())
    if only_student is not None:
        if only_student not in students:
            raise FileNotFoundError(
                f"No submission of {assignment} by {only_student!r} in {submitted}. "
                f"Students with one: {', '.join(students) or 'none'}."
            )
        students = [only_student]
    progress(f"{len(students)} submission(s) of {assignment}")
    skipped_by_student: dict[str, list[str]] = {}
    for line in report.intake.problems:
        if line.student and line.file:
            skipped_by_student.setdefault(line.student, []).append(f"{line.file}: {line.detail}")
    notes: dict[str, str] = {}
    gradable = []
    for who in students:
        folder = submitted / who / assignment
        message = _check_submission(folder, expected, "; ".join(skipped_by_student.get(who, [])))
        if message:
            report.results.append(StudentResult(who, "not graded", message))
            progress(f"  {who}: NOT GRADED - {message}")
        else:
            gradable.append(who)
            notes[who] = _duplicated_ids(folder, expected)

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

    for result in report.results:
        if notes.get(result.student_id) and result.status in {"graded", "skipped"}:
            result.message = " ".join(x for x in (result.message, notes[result.student_id]) if x)
    _restore_deleted_files(course_dir, assignment, report, expected)
    for line in report.intake.lines:
        if line.status == "no submission":
            report.results.append(StudentResult(line.student, "no submission", line.detail))

    if feedback:
        _generate_feedback(course_dir, assignment, report, only_student, force, progress)
    report.grades_csv = reports / f"{assignment}-grades.csv"
    run_nbgrader(course_dir, "export", "--to", str(report.grades_csv))
    grades = _export(course_dir, assignment, report, collected, lms_assignment, progress)
    progress(f"Grades exported to {report.grades_csv.relative_to(course_dir)}")

    graded = grades[grades["status"] == "graded"]
    if not graded.empty:
        report.histogram_html = _histogram(
            graded, assignment, reports / f"{assignment}-totals.html"
        )
        progress(f"Histogram of totals: {report.histogram_html.relative_to(course_dir)}")
    report.summary = question_summary(course_dir, assignment)
    return report


# --------------------------------------------------------------------------------------------
# Feedback and export


def _generate_feedback(
    course_dir: Path,
    assignment: str,
    report: GradeReport,
    student: str | None,
    force: bool,
    progress: Progress,
) -> None:
    """Write every feedback page that no longer shows the gradebook; one failure stops no one.

    nbgrader keeps a page until the submission's time changes, so after a regrade, or marks
    and comments given by hand, it showed the old score. Here every page whose sources changed
    (:func:`course.grading.feedback.stale_pages`), or all with ``force``, is written again with
    ``generate_feedback --force``: for the class in one run when all are stale, else student by
    student. Students whose page still fails are named.
    """
    from course.grading.feedback import record_pages, stale_pages

    graded = sorted(
        r.student_id
        for r in report.results
        if r.status in {"graded", "skipped"}
        and (course_dir / "autograded" / r.student_id / assignment).is_dir()
    )
    stale, digests = stale_pages(course_dir, assignment, graded)
    if force:
        stale = [who for who in graded if who in digests]
    if not stale:
        progress(f"Feedback is up to date for all {len(graded)} graded student(s)")
        return
    progress(
        f"Generating feedback without hidden tests for {len(stale)} of {len(graded)} "
        "student(s) (nbgrader generate_feedback --force) ..."
    )
    args = ["generate_feedback", assignment, "--force"]
    if len(stale) == len(graded) and student is None:
        try:
            run_nbgrader(course_dir, *args)
            record_pages(course_dir, assignment, {who: digests[who] for who in stale})
            return
        except RuntimeError:
            progress("  Feedback failed for the class as a whole; trying each student alone ...")
    for who in stale:
        try:
            run_nbgrader(course_dir, *args, f"--student={who}")
            record_pages(course_dir, assignment, {who: digests[who]})
        except RuntimeError as error:
            _feedback_failed(report, who, str(error))
            progress(f"  {who}: no feedback - {_last_error(str(error))}")


def _last_error(text: str) -> str:
    """The most telling line of an nbgrader error log: the last exception, else the last line."""
    import re

    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[\w.]*(Error|Exception|Entry)\b", line):
            return line[:300]
    return (lines[-1] if lines else "unknown")[:300]


def _feedback_failed(report: GradeReport, student: str, error: str) -> None:
    for result in report.results:
        if result.student_id == student:
            why = f"Feedback could not be made: {_last_error(error)}"
            result.message = " ".join(x for x in (result.message, why) if x)


def _export(
    course_dir: Path,
    assignment: str,
    report: GradeReport,
    collected: Any,
    lms_assignment: str | None,
    progress: Progress,
) -> pd.DataFrame:
    """Annotate nbgrader's export and write the platform's import files; return this run's rows."""
    outcomes = {r.student_id: (r.status, r.message) for r in report.results}
    plan = collected.plan
    students = plan.students if plan is not None else {}
    late = {who: info.get("late", "") for who, info in students.items()}
    grades = annotate_grades(
        report.grades_csv, assignment, outcomes, late, collected.expected_students
    )
    reports = course_dir / "reports"
    if report.platform == "canvas":
        path = canvas_grades_csv(
            grades,
            students,
            reports / f"{assignment}-canvas-grades.csv",
            column=lms_assignment or assignment,
            roster=collected.roster,
        )
        report.exports.append(path)
    if report.platform == "moodle":
        path, left_out = moodle_grading_worksheet(
            grades, students, reports / f"{assignment}-moodle-grading-worksheet.csv"
        )
        report.exports.append(path)
        if left_out:
            progress(
                f"  Not in the Moodle worksheet (no participant number): {', '.join(left_out)}"
            )
    if report.platform in {"canvas", "moodle"}:
        path, left_out = feedback_zip(
            report.platform,
            students,
            course_dir / "feedback",
            assignment,
            reports / f"{assignment}-{report.platform}-feedback.zip",
        )
        report.exports.append(path)
        if left_out:
            progress(f"  No feedback page to upload for: {', '.join(left_out)}")
    for path in report.exports:
        progress(f"For {report.platform}: {path.relative_to(course_dir)}")
    return grades
