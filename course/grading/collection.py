"""The collect stage of ``course grade``: nbgrader's collect or zip_collect, then intake.

:func:`collect_submissions` runs nbgrader's own command for the road the work came by (a
learning platform's download through ``zip_collect`` with a platform collector plugin, or the
exchange through ``collect --update``, or nothing with ``--no-collect``), resolves every file
with :mod:`course.grading.intake`, copies what nbgrader could not (outputs-stripped notebooks,
corrected names, group members), resets the grading folder of anyone whose notebook changed
(platforms without submission times would otherwise keep the old grade), and lists every
roster student with nothing gradable. It never stops the class for one student's files.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.grading.exchange_intake import describe_exchange, describe_submitted
from course.grading.intake import (
    IntakeLine,
    IntakePlan,
    IntakeReport,
    apply_plan,
    duedate_of,
    resolve,
)
from course.grading.lms_roster import LmsRoster, read_lms_roster
from course.grading.notebook_files import file_digest
from course.grading.platforms import PLATFORMS

__all__ = ["Collected", "collect_submissions", "course_config"]

Run = Callable[..., Any]
Progress = Callable[[str], object]


@dataclass
class Collected:
    """What the collect stage found: the report, the plan, and who must be graded afresh."""

    intake: IntakeReport
    plan: IntakePlan | None = None
    platform: str = ""
    roster: LmsRoster | None = None
    expected_students: list[tuple[str, str]] = field(default_factory=list)
    reset: list[str] = field(default_factory=list)


def course_config(course_dir: Path) -> Any:
    """The course's nbgrader configuration (``nbgrader_config.py``), as nbgrader reads it."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()


def _notebook_digests(submitted: Path, assignment: str) -> dict[str, dict[str, str]]:
    return {
        folder.parent.name: {p.name: file_digest(p) for p in folder.glob("*.ipynb")}
        for folder in submitted.glob(f"*/{assignment}")
    }


def _gradebook_students(course_dir: Path) -> list[tuple[str, str]]:
    from nbgrader.api import Gradebook

    if not (course_dir / "gradebook.db").is_file():
        return []
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        return [
            (s.id, " ".join(x for x in (s.first_name, s.last_name) if x))
            for s in gradebook.students
        ]


def _duedate(course_dir: Path, assignment: str) -> Any:
    return duedate_of(f"sqlite:///{course_dir / 'gradebook.db'}", assignment)


def collect_submissions(
    course_dir: Path,
    assignment: str,
    *,
    run: Run,
    zip_files: Sequence[str | Path] = (),
    collect: bool = True,
    platform: str | None = None,
    roster: str | Path | None = None,
    timezone: str | None = None,
    student: str | None = None,
    progress: Progress = print,
) -> Collected:
    """Collect ``assignment`` and account for every file; see the module docstring.

    ``run(course_dir, *args)`` runs an nbgrader command. Raises ValueError for a bad zip or an
    unknown platform and :class:`~course.grading.lms_roster.LmsRosterError` for a bad roster,
    before anything is collected.
    """
    roster_obj = read_lms_roster(roster) if roster else None
    if platform and platform not in PLATFORMS:
        raise ValueError(f"Unknown platform {platform!r}; choose from {', '.join(PLATFORMS)}.")
    for path in zip_files:
        if not zipfile.is_zipfile(path):
            raise ValueError(f"{path} is not a zip file.")
    config = course_config(course_dir)
    submitted = course_dir / "submitted"
    release = course_dir / "release" / assignment
    before = _notebook_digests(submitted, assignment)
    duedate = _duedate(course_dir, assignment)
    ignore = list(config.CourseDirectory.get("ignore", [".ipynb_checkpoints", "*.pyc"]))
    max_kb = int(config.CourseDirectory.get("max_file_size", 100000))

    if zip_files:
        plan, source = _from_download(
            course_dir, assignment, zip_files, platform, roster, timezone, run, progress
        )
        chosen_platform = plan.platform if plan else (platform or "download")
    elif collect:
        progress("Collecting from the exchange (nbgrader collect --update) ...")
        run(course_dir, "collect", assignment, "--update")
        exchange = Path(config.Exchange.get("root", "/srv/nbgrader/exchange"))
        course_id = config.CourseDirectory.get("course_id", "")
        root, files = describe_exchange(exchange, course_id, assignment, ignore)
        work = course_dir / "downloaded" / assignment / "exchange-stripped"
        plan = resolve(
            files,
            root,
            platform="exchange",
            release=release,
            roster=roster_obj,
            max_kb=max_kb,
            duedate=duedate,
            work_dir=work,
        )
        source, chosen_platform = f"the exchange ({root})", "exchange"
    else:
        root, files = describe_submitted(submitted, assignment, ignore)
        plan = resolve(
            files,
            root,
            platform="submitted",
            release=release,
            roster=roster_obj,
            max_kb=None,
            duedate=duedate,
            work_dir=course_dir / "downloaded" / assignment / "submitted-stripped",
        )
        source, chosen_platform = "submitted/ (nothing collected)", "submitted"

    report = IntakeReport(assignment, source)
    if plan is not None:
        report.lines = list(plan.lines)
        apply_plan(plan, submitted, assignment)
    collected = Collected(report, plan, chosen_platform, roster_obj)
    if roster_obj is not None:
        collected.expected_students = [(e.username, e.name) for e in roster_obj]
        report.roster_note = f"Roster: {roster} ({len(roster_obj)} students)."
    else:
        collected.expected_students = _gradebook_students(course_dir)
        report.roster_note = (
            f"Roster: the gradebook's {len(collected.expected_students)} students; give "
            "--roster FILE to check against the whole class."
        )
        if chosen_platform == "moodle":
            report.roster_note += (
                " Moodle numbers participants per assignment, so without a roster the same "
                "student has a different id in each assignment."
            )
    if student:
        collected.expected_students = [s for s in collected.expected_students if s[0] == student]
        report.lines = [line for line in report.lines if line.student == student]
    reasons = _reasons(report.lines)
    expected = sorted(p.name for p in release.glob("*.ipynb"))
    have_work = {  # graded before from another download or the exchange: not missing
        folder.parent.name
        for folder in submitted.glob(f"*/{assignment}")
        if any((folder / name).is_file() for name in expected)
    }
    report.add_missing(
        [(who, name) for who, name in collected.expected_students if who not in have_work],
        reasons,
    )

    after = _notebook_digests(submitted, assignment)
    for who, digests in after.items():
        if who in before and before[who] != digests:
            graded = course_dir / "autograded" / who / assignment
            if graded.is_dir():
                shutil.rmtree(graded)  # what `nbgrader autograde --force` does, for this one
                collected.reset.append(who)
    return collected


def _reasons(lines: list[IntakeLine]) -> dict[str, str]:
    """For each student, why nothing of theirs is gradable (their skipped files' reasons)."""
    reasons: dict[str, list[str]] = {}
    for line in lines:
        if line.status == "skipped" and line.student:
            reasons.setdefault(line.student, []).append(f"{line.file}: {line.detail}")
    return {who: "only skipped files - " + " | ".join(why) for who, why in reasons.items()}


def _from_download(
    course_dir: Path,
    assignment: str,
    zip_files: Sequence[str | Path],
    platform: str | None,
    roster: str | Path | None,
    timezone: str | None,
    run: Run,
    progress: Progress,
) -> tuple[IntakePlan | None, str]:
    downloaded = course_dir / "downloaded" / assignment
    archive = downloaded / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    for path in zip_files:
        shutil.copy2(path, archive / Path(path).name)  # keeps the download's own time
    plan_file = downloaded / "intake.json"
    plan_file.unlink(missing_ok=True)
    args = ["zip_collect", assignment, "--force"]
    if platform:
        args.append(f"--collector={PLATFORMS[platform].__module__}.{PLATFORMS[platform].__name__}")
    if roster:
        args.append(f"--PlatformCollector.roster={Path(roster).resolve()}")
    if timezone:
        args.append(f"--PlatformCollector.timezone={timezone}")
    names = ", ".join(p.name for p in sorted(archive.iterdir()))
    progress(
        f"Collecting from {names} (nbgrader zip_collect, {platform or 'configured'} layout) ..."
    )
    result = run(course_dir, *args)
    source = f"{names} in {archive.relative_to(course_dir)}"
    if plan_file.is_file():
        return IntakePlan.from_json(plan_file), source
    return _plan_from_log(course_dir, assignment, result), source


def _plan_from_log(course_dir: Path, assignment: str, result: Any) -> IntakePlan:
    """Intake lines from nbgrader's own log, for a collector that is not a course plugin."""
    log = f"{getattr(result, 'stdout', '')}\n{getattr(result, 'stderr', '')}"
    extracted = course_dir / "downloaded" / assignment / "extracted"
    skipped = set(re.findall(r"Skipped submission with no match information provided: (.+)", log))
    copied = dict(re.findall(r"Copying from: (.+)\n.*Copying to: (.+)", log))
    plan = IntakePlan("configured collector")
    for path in sorted(p for p in extracted.rglob("*") if p.is_file()):
        rel = path.relative_to(extracted).as_posix()
        if str(path) in skipped:
            plan.lines.append(
                IntakeLine("skipped", rel, detail="nbgrader's collector did not match the name")
            )
        elif str(path) in copied:
            dest = Path(copied[str(path)])
            who = dest.relative_to(course_dir / "submitted").parts[0]
            plan.lines.append(IntakeLine("matched", rel, who, "", dest.name))
        else:
            plan.lines.append(IntakeLine("skipped", rel, detail="not collected by nbgrader"))
    return plan
