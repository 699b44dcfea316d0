"""The ``course`` command: instructor and maintainer tasks as subcommands.

Each subcommand is a thin layer over a library function (and, for grading, over nbgrader's own
commands), so that everything it does can also be done from Python or a notebook.

    course build          regenerate the derived files and validation fingerprints
    course validate       check every table against the data package and the course rules
    course lab-settings   install the JupyterLab settings the course needs into this environment
    course grade ASSIGNMENT   collect, autograde in parallel, feedback, export, summary
    course bundle DIR     write the student-facing tree, proven free of solutions
    course guide          write the teacher's guide (docs/teachers/); --check: is it up to date?

``course grade`` exits 0 when every handed-in file was matched and every student graded; 3
when intake skipped a file or a roster student has nothing gradable; 4 when a student could
not be graded; 5 for both (everyone else is still graded, given feedback and exported); 1 when
the run itself could not go on (a bad roster, an unknown assignment, nbgrader failing); 2 for
a usage error.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

# What each command needs beyond the base package; the instructor extra brings all of it. A
# command missing from this table that meets one of these modules missing gets the same message.
NEEDS = {
    "build": ("frictionless",),
    "validate": ("frictionless",),
    "grade": ("nbgrader",),
    "bundle": ("nbgrader",),
}
INSTRUCTOR_MODULES = {"frictionless", "nbgrader", "nbformat", "nbclient", "jupyterlab"}
INSTALL_INSTRUCTOR = "pip install 'aleppo-course[instructor]'"


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _build(args: argparse.Namespace) -> int:
    from course.build import BuildError, build

    try:
        written = build(progress=_progress)
    except BuildError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Built {len(written)} files.")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from course.checks import validate_all

    results = validate_all(progress=lambda name: _progress(f"checking {name} ..."))
    failed = 0
    for name, problems in results.items():
        if problems:
            failed += 1
            print(f"{name}: {len(problems)} problem(s)")
            for problem in problems:
                print(f"  - {problem}")
        else:
            print(f"{name}: ok")
    print(f"{len(results) - failed} of {len(results)} tables valid.")
    return 1 if failed else 0


def _lab_settings(args: argparse.Namespace) -> int:
    from course.lab import install_settings

    path = install_settings(args.prefix)
    print(f"JupyterLab settings written to {path}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from course.grading.lms_roster import LmsRosterError
    from course.grading.pipeline import grade

    try:
        course_dir = args.course_dir or (
            "." if Path("nbgrader_config.py").is_file() else "autograder"
        )
        report = grade(
            args.assignment,
            course_dir=course_dir,
            zip_file=args.zip,
            workers=args.workers,
            force=args.force,
            collect=not args.no_collect,
            feedback=not args.no_feedback,
            sandbox=not args.no_sandbox,
            progress=_progress,
            platform=args.platform,
            roster=args.roster,
            only_student=args.student,
            timezone=args.timezone,
            lms_assignment=args.lms_assignment,
        )
    except (FileNotFoundError, ValueError, RuntimeError, LmsRosterError) as error:
        print(f"course grade: {error}", file=sys.stderr)
        return 1
    counts = {}
    for result in report.results:
        counts[result.status] = counts.get(result.status, 0) + 1
    print(f"\n{args.assignment}: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    if report.summary is not None and not report.summary.empty:
        print("\nPer question (mean score, share of students with full marks):")
        print(report.summary.to_string(index=False))
    intake_problems = report.intake.problems if report.intake else []
    if report.problems or intake_problems:
        print("\nNeeds your attention:")
        for result in report.problems:
            print(f"  {result.student_id}: {result.message}")
        for line in intake_problems:
            print(f"  {line.text()}")
    limited = [r for r in report.results if r.status == "graded" and r.message]
    if limited:
        print("\nGraded, with notes:")
        for result in limited:
            print(f"  {result.student_id}: {result.message}")
    if report.problems or intake_problems:
        print(f"(intake report: {report.intake_txt}; exit status {report.exit_code})")
    return report.exit_code


def _bundle(args: argparse.Namespace) -> int:
    from course.bundle import BundleLeak, bundle

    try:
        bundle(args.target, course_dir=args.course_dir, progress=_progress)
    except (BundleLeak, FileExistsError, FileNotFoundError) as error:
        print(f"course bundle: {error}", file=sys.stderr)
        return 1
    return 0


def _guide(args: argparse.Namespace) -> int:
    from course.guide import GuideError, stale_files, write_guide
    from course.guide.notes import NotesError

    try:
        if args.check:
            stale = stale_files()
            for path in stale:
                print(f"out of date: {path}")
            print("The teacher's guide is up to date." if not stale else "Run `course guide`.")
            return 1 if stale else 0
        written = write_guide(progress=_progress)
    except (GuideError, NotesError, FileNotFoundError, ValueError) as error:
        print(f"course guide: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {len(written)} file(s) of the teacher's guide.")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser("build", help="regenerate every derived file from the sources")
    build.set_defaults(handler=_build)
    validate = commands.add_parser("validate", help="check every table; exit 1 on any problem")
    validate.set_defaults(handler=_validate)
    lab = commands.add_parser(
        "lab-settings", help="make JupyterLab save widget answers inside notebooks"
    )
    lab.add_argument("--prefix", default=None, help="environment prefix (default: this one)")
    lab.set_defaults(handler=_lab_settings)
    grade = commands.add_parser("grade", help="collect, autograde, give feedback and export")
    grade.add_argument("assignment", help="assignment name, e.g. ps1_phases")
    grade.add_argument(
        "--course-dir",
        default=None,
        help="nbgrader course folder (default: "
        "this folder if it has nbgrader_config.py, else ./autograder)",
    )
    grade.add_argument(
        "--zip",
        action="append",
        default=None,
        help="a learning platform's download of the submissions (nbgrader zip_collect instead "
        "of the exchange); repeat for several downloads; earlier ones are kept and compared",
    )
    grade.add_argument(
        "--platform",
        choices=["auto", "canvas", "moodle", "blackboard", "brightspace", "gradescope", "generic"],
        default=None,
        help="the download's layout (default: c.ZipCollectApp.collector_plugin in "
        "nbgrader_config.py, which recognises it)",
    )
    grade.add_argument(
        "--roster",
        default=None,
        help="CSV of the class: username[,platform_id,name,email], the hub roster, or "
        "Canvas's gradebook export; lists students who handed in nothing",
    )
    grade.add_argument("--student", default=None, help="grade this student only")
    grade.add_argument(
        "--timezone",
        default=None,
        help="time zone of platform times written without one (e.g. Europe/London)",
    )
    grade.add_argument(
        "--lms-assignment",
        default=None,
        help="the assignment's column in the Canvas import, e.g. 'Problem set 1 (12345)'",
    )
    grade.add_argument(
        "--workers", type=int, default=None, help="parallel graders (default: one per core)"
    )
    grade.add_argument(
        "--force",
        action="store_true",
        help="regrade submissions already graded and rewrite every feedback page",
    )
    grade.add_argument("--no-collect", action="store_true", help="grade what is in submitted/")
    grade.add_argument("--no-feedback", action="store_true", help="skip generate_feedback")
    grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="grade without the bubblewrap sandbox, on a machine that cannot have one: only for "
        "trusted submissions (test cells still run in the separate checker)",
    )
    grade.set_defaults(handler=_grade)
    bundle = commands.add_parser("bundle", help="write the student bundle for Binder")
    bundle.add_argument("target", help="new folder to write the bundle to")
    bundle.add_argument(
        "--course-dir",
        default=None,
        help="nbgrader course folder (default: autograder/ in the repository)",
    )
    bundle.set_defaults(handler=_bundle)
    guide = commands.add_parser("guide", help="write the teacher's guide in docs/teachers/")
    guide.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file is out of date"
    )
    guide.set_defaults(handler=_guide)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``course`` command with ``argv`` (default: the process arguments)."""
    args = _parser().parse_args(argv)
    missing = [name for name in NEEDS.get(args.command, ()) if not importlib.util.find_spec(name)]
    if missing:
        return _needs_instructor_tools(args.command, missing)
    try:
        return args.handler(args)
    except ModuleNotFoundError as error:
        if error.name not in INSTRUCTOR_MODULES:
            raise
        return _needs_instructor_tools(args.command, [error.name])


def _needs_instructor_tools(command: str, missing: list[str]) -> int:
    print(
        f"course {command} is an instructor command: it needs {', '.join(missing)}, which this "
        f"installation does not have. Install the instructor tools with\n    {INSTALL_INSTRUCTOR}\n"
        "(in a clone of the repository: pip install -e '.[instructor]').",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
