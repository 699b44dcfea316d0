"""What nbgrader's exchange (or ``submitted/``) holds, described file by file for intake.

``nbgrader collect`` copies each student's newest ``inbound/<student>+<assignment>+<time>+<id>``
folder to ``submitted/``, silently leaving out files over ``CourseDirectory.max_file_size`` and
files matching ``CourseDirectory.ignore``, and (through
:class:`course.grading.exchange_guard.SafeExchangeCollect`) folders and links it must not
trust. :func:`describe_exchange` lists every file of every
inbound folder of the assignment, so that :func:`course.grading.intake.resolve` can say what
became of each; :func:`describe_submitted` does the same for ``submitted/`` when nothing is
collected (``course grade --no-collect``).
"""

from __future__ import annotations

import fnmatch
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.utils import parse_utc

from course.grading.exchange_guard import inbound_problem, link_problem
from course.grading.intake import SubmittedFile

__all__ = ["NBGRADER_FILES", "describe_exchange", "describe_submitted"]

#: Files ``nbgrader submit`` adds to every submission, and what they are.
NBGRADER_FILES = {
    "timestamp.txt": "nbgrader's record of the submission time",
    "submission_secret.txt": "nbgrader's secret for releasing this student's feedback",
}


def _describe(
    rel: str, *, user: str, record: str, stamp: datetime | None, ignore: list[str], source: str
) -> SubmittedFile:
    name = rel.split("/")[-1]
    parts = rel.split("/")
    pattern = next((g for g in ignore if any(fnmatch.fnmatch(p, g) for p in parts[1:])), None)
    if pattern is not None:
        return SubmittedFile(
            rel, role="system", note=f"matches CourseDirectory.ignore pattern {pattern!r}"
        )
    if name in NBGRADER_FILES and len(parts) == 2:
        return SubmittedFile(rel, role="metadata", note=NBGRADER_FILES[name])
    return SubmittedFile(
        rel,
        filename="/".join(parts[1:]),
        platform_id=user,
        timestamp=stamp,
        time_source=source,
        late_marker=None,
        submission=record,
    )


def describe_exchange(
    inbound: Path, course_id: str, assignment: str, ignore: list[str]
) -> tuple[Path, list[SubmittedFile]]:
    """Every file of every inbound submission of ``assignment``; paths relative to the root.

    Returns ``(root, files)`` where ``root`` is the course's ``inbound`` folder.
    """
    root = inbound / course_id / "inbound"
    files = []
    for record in sorted(root.glob(f"*+{assignment}+*")) if root.is_dir() else []:
        pieces = record.name.rsplit("+", 3)
        if len(pieces) < 3:
            continue
        refused = inbound_problem(record)
        if refused:  # left in the exchange by SafeExchangeCollect: every file says why
            entries = [record] if record.is_symlink() or not record.is_dir() else []
            entries += sorted(p for p in record.rglob("*") if p.is_symlink() or p.is_file())
            for path in entries or [record]:
                files.append(
                    SubmittedFile(
                        path.relative_to(root).as_posix(),
                        platform_id=pieces[0],
                        submission=record.name,
                        problem=f"in the exchange folder {record.name}, {refused}",
                    )
                )
            continue
        try:
            stamp = parse_utc(pieces[2]).replace(tzinfo=UTC)
        except ValueError:
            stamp = None
        for path in sorted(p for p in record.rglob("*") if p.is_symlink() or p.is_file()):
            rel = path.relative_to(root).as_posix()
            item = _describe(
                rel,
                user=pieces[0],
                record=record.name,
                stamp=stamp,
                ignore=ignore,
                source="nbgrader submit",
            )
            linked = link_problem(path)
            if linked:
                item.role, item.problem = "work", linked
            files.append(item)
    return root, files


def describe_submitted(
    submitted: Path, assignment: str, ignore: list[str]
) -> tuple[Path, list[SubmittedFile]]:
    """Every file in ``submitted/<student>/<assignment>/``; paths relative to ``submitted``."""
    files = []
    for folder in sorted(submitted.glob(f"*/{assignment}")):
        user = folder.parent.name
        stamp_file = folder / "timestamp.txt"
        stamp = None
        if stamp_file.is_file():
            try:
                stamp = parse_utc(stamp_file.read_text().strip()).replace(tzinfo=UTC)
            except ValueError:
                stamp = None
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = path.relative_to(submitted).as_posix()
            item = _describe(
                rel,
                user=user,
                record=f"{user}/{assignment}",
                stamp=stamp,
                ignore=ignore,
                source="timestamp.txt",
            )
            if len(rel.split("/")) == 3 and path.name in NBGRADER_FILES:
                item.role, item.note = "metadata", NBGRADER_FILES[path.name]
            elif item.role == "work":
                item.filename = "/".join(rel.split("/")[2:])
            files.append(item)
    return submitted, files
