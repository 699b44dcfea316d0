"""Grades and feedback back to the learning platform, in the files its import expects.

* :func:`annotate_grades` rewrites ``nbgrader export``'s CSV for one assignment: a ``status``
  column (graded, skipped = already graded, failed, not graded, no submission), a ``late``
  column in words, a ``note``; and an empty score for every student who was not graded, so a
  failure is never read as a real 0. Roster students with nothing gradable get a row.
* :func:`canvas_grades_csv` writes Canvas's gradebook import (Grades → Import): the header
  ``Student, ID, SIS User ID, SIS Login ID, Section, <assignment>`` and a ``Points Possible``
  row, as Canvas's own export has them. Only graded students get a row, so Canvas leaves
  everyone else's grade as it is.
* :func:`moodle_grading_worksheet` writes the assignment's "grading worksheet" (Upload grading
  worksheet): ``Identifier`` ("Participant <n>"), ``Grade`` and ``Last modified (grade)``, the
  three columns Moodle's importer requires, with the others its download has.
* :func:`feedback_zip` names each feedback page for the platform's bulk upload: Canvas's
  "Re-upload submissions" finds the student and the submission from the user id and
  attachment id in the name; Moodle's "Upload multiple feedback files in a zip" from
  ``<Full Name>_<participant>_assignfeedback_file_``.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "FEEDBACK_PLATFORMS",
    "annotate_grades",
    "canvas_grades_csv",
    "feedback_zip",
    "moodle_grading_worksheet",
]

#: Platforms whose bulk feedback upload names files in a documented way.
FEEDBACK_PLATFORMS = ("canvas", "moodle")


def annotate_grades(
    grades_csv: Path,
    assignment: str,
    outcomes: Mapping[str, tuple[str, str]],
    late: Mapping[str, str],
    roster: list[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Add ``status``, ``late`` and ``note`` to ``nbgrader export``'s CSV, in place.

    ``outcomes`` maps student id to (status, message) from this run; ``late`` maps student id to
    the intake's words about lateness; ``roster`` lists (username, name) of everyone expected.
    Scores of students whose status is not graded/skipped are emptied; students of
    ``outcomes`` or ``roster`` missing from nbgrader's export (never graded, so not in the
    gradebook) get a row with their status and an empty score. Returns the rows of
    ``assignment``.
    """
    frame = pd.read_csv(grades_csv, dtype={"student_id": str})
    mine = frame["assignment"] == assignment
    status = frame.loc[mine, "student_id"].map(lambda s: outcomes.get(s, ("graded", ""))[0])
    note = frame.loc[mine, "student_id"].map(lambda s: outcomes.get(s, ("", ""))[1])
    frame["status"] = ""
    frame["late"] = ""
    frame["note"] = ""
    frame.loc[mine, "status"] = status.replace({"skipped": "graded"})
    frame.loc[mine, "note"] = note
    frame.loc[mine, "late"] = frame.loc[mine, "student_id"].map(lambda s: late.get(s, ""))
    ungraded = mine & ~frame["status"].isin(["graded"])
    for column in ("raw_score", "late_submission_penalty", "score"):
        if column in frame:
            frame[column] = frame[column].astype("object")
            frame.loc[ungraded, column] = None
    exported = set(frame.loc[mine, "student_id"])
    names = dict(roster or [])
    missing = [(who, names.get(who, "")) for who in outcomes if who not in exported]
    missing += [(who, name) for who, name in roster or [] if who not in exported | set(outcomes)]
    if missing:
        extra = pd.DataFrame(
            {
                "assignment": assignment,
                "student_id": [u for u, _ in missing],
                "last_name": [n for _, n in missing],
                "status": [outcomes.get(u, ("no submission", ""))[0] for u, _ in missing],
                "note": [outcomes.get(u, ("", "nothing handed in"))[1] for u, _ in missing],
            }
        )
        frame = pd.concat([frame, extra], ignore_index=True)
    frame.to_csv(grades_csv, index=False)
    return frame[frame["assignment"] == assignment]


def _rows(grades: pd.DataFrame) -> list[dict[str, Any]]:
    graded = grades[(grades["status"] == "graded") & grades["score"].notna()]
    return graded.to_dict("records")


def canvas_grades_csv(
    grades: pd.DataFrame,
    students: Mapping[str, Mapping[str, str]],
    path: Path,
    *,
    column: str,
    roster: Any = None,
) -> Path:
    """Write Canvas's gradebook import for the graded students of ``grades``.

    ``students`` maps student id to the intake's platform details (``platform_id`` = Canvas
    user id, ``name``); ``column`` is the assignment's column header, "Title" or
    "Title (<canvas assignment id>)"; ``roster`` (an LmsRoster) supplies names and SIS ids.
    """
    rows = _rows(grades)
    points = grades["max_score"].dropna().max() if not grades.empty else ""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
        writer.writerow(["Points Possible", "", "", "", "", _number(points)])
        for row in rows:
            username = row["student_id"]
            info = students.get(username, {})
            entry = roster.get(username) if roster is not None else None
            canvas_id = (entry.platform_id if entry else "") or info.get("platform_id", "")
            name = (entry.name if entry else "") or info.get("name", "") or username
            sis_login = username if entry is not None or not canvas_id else ""
            writer.writerow(
                [
                    name,
                    canvas_id,
                    entry.sis_user_id if entry else "",
                    sis_login,
                    entry.section if entry else "",
                    _number(row["score"]),
                ]
            )
    return path


def moodle_grading_worksheet(
    grades: pd.DataFrame,
    students: Mapping[str, Mapping[str, str]],
    path: Path,
    *,
    now: datetime | None = None,
) -> tuple[Path, list[str]]:
    """Write Moodle's grading worksheet for the graded students with a participant number.

    Returns the path and the graded students left out because the download gave no
    participant number for them (they did not come from a Moodle download).
    """
    stamp = (now or datetime.now()).strftime("%A, %d %B %Y, %I:%M %p")
    left_out = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Identifier",
                "Full name",
                "Email address",
                "Status",
                "Grade",
                "Maximum Grade",
                "Grade can be changed",
                "Last modified (submission)",
                "Last modified (grade)",
            ]
        )
        for row in _rows(grades):
            info = students.get(row["student_id"], {})
            if not info.get("platform_id"):
                left_out.append(row["student_id"])
                continue
            writer.writerow(
                [
                    f"Participant {info['platform_id']}",
                    info.get("name", ""),
                    info.get("email", ""),
                    "",
                    f"{float(row['score']):.2f}",
                    f"{float(row['max_score']):.2f}",
                    "Yes",
                    "",
                    stamp,
                ]
            )
    return path, left_out


def feedback_zip(
    platform: str,
    students: Mapping[str, Mapping[str, str]],
    feedback_dir: Path,
    assignment: str,
    path: Path,
) -> tuple[Path, list[str]]:
    """Zip every student's feedback pages under the names the platform's bulk upload reads.

    Returns the zip and the students left out (no feedback page, or no platform prefix).
    Raises ValueError for a platform without a documented bulk feedback upload.
    """
    if platform not in FEEDBACK_PLATFORMS:
        raise ValueError(
            f"{platform} has no bulk feedback upload with a documented file naming; give each "
            f"student their page from feedback/<student>/{assignment}/."
        )
    left_out = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for student, info in sorted(students.items()):
            pages = sorted((feedback_dir / student / assignment).glob("*.html"))
            prefix = info.get("prefix", "")
            if not pages or not prefix:
                left_out.append(student)
                continue
            for page in pages:
                if platform == "canvas":
                    name = f"{prefix}{page.stem}-feedback.html"
                else:  # moodle: <Full Name>_<participant>_assignfeedback_file_<file>
                    name = f"{info['name']}_{info['platform_id']}_assignfeedback_file_{page.name}"
                archive.write(page, name)
    return path, left_out


def _number(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return f"{number:g}"
