"""The ``course`` command: instructor and maintainer tasks as subcommands.

Each subcommand is a thin layer over a library function (and, for grading, over nbgrader's own
commands), so that everything it does can also be done from Python or a notebook.

    course build          regenerate the derived files and validation fingerprints
    course validate       check every table against the data package and the course rules
    course lab-settings   install the JupyterLab settings the course needs into this environment
    course grade ASSIGNMENT   collect, autograde in parallel, feedback, export, summary
    course bundle DIR     write the student-facing tree, proven free of solutions
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


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
        )
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        print(f"course grade: {error}", file=sys.stderr)
        return 1
    counts = {}
    for result in report.results:
        counts[result.status] = counts.get(result.status, 0) + 1
    print(f"\n{args.assignment}: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    if report.summary is not None and not report.summary.empty:
        print("\nPer question (mean score, share of students with full marks):")
        print(report.summary.to_string(index=False))
    if report.problems:
        print("\nNeeds your attention:")
        for result in report.problems:
            print(f"  {result.student_id}: {result.message}")
    limited = [r for r in report.results if r.status == "graded" and r.message]
    if limited:
        print("\nGraded, with notes:")
        for result in limited:
            print(f"  {result.student_id}: {result.message}")
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from course.bundle import BundleLeak, bundle

    try:
        bundle(args.target, course_dir=args.course_dir, progress=_progress)
    except (BundleLeak, FileExistsError, FileNotFoundError) as error:
        print(f"course bundle: {error}", file=sys.stderr)
        return 1
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
        default=None,
        help="zip of notebooks from a learning platform "
        "(uses nbgrader zip_collect instead of the exchange)",
    )
    grade.add_argument(
        "--workers", type=int, default=None, help="parallel graders (default: one per core)"
    )
    grade.add_argument("--force", action="store_true", help="regrade submissions already graded")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``course`` command with ``argv`` (default: the process arguments)."""
    args = _parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
