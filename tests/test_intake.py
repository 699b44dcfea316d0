"""Intake of learning-platform downloads: every file matched or reported, no one lost.

Small built classes are graded through ``course grade`` (the real command, nbgrader's real
zip_collect): the issue's Canvas cases, then each platform preset with a second download, a
late submission and a resubmission. Each test checks the intake report line by line and that
everyone else is graded and exported. Name and roster tables are in test_intake_names.py.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

import pytest

from course.cli import main
from tests.classroom import base_env
from tests.lms_downloads import (
    ASSIGNMENT,
    AUTOGRADED,
    NOTEBOOK,
    blank,
    exported,
    fresh_course,
    generated_course,
    intake_details,
    intake_rows,
    notebook,
    partial,
    set_duedate,
    write_roster,
    write_zip,
)

EARLIER = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)

# --------------------------------------------------------------------------------------------
# Classes graded through `course grade`


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generated_course(tmp_path_factory.mktemp("generated"))


def run_grade(course_dir: Path, *args: str) -> tuple[int, str]:
    """``course grade ps1_phases --course-dir ... ARGS`` as an instructor runs it."""
    env = base_env(course_dir.parent / "exchange")
    (course_dir.parent / "exchange").mkdir(exist_ok=True)
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        for key, value in env.items():
            patch.setenv(key, value)
        code = main(["grade", ASSIGNMENT, "--course-dir", str(course_dir), "--workers", "2", *args])
    return code, err.getvalue() + out.getvalue()


def graded_scores(course_dir: Path) -> dict[str, float]:
    """Exported raw scores of the students whose status is "graded"."""
    frame = exported(course_dir)
    if "status" in frame:  # the column course grade adds to nbgrader's export
        frame = frame[frame["status"] == "graded"]
    return {student: float(score) for student, score in frame["raw_score"].items()}


@pytest.mark.slow
def test_canvas_zip_with_reupload_and_browser_copy_loses_no_one(generated, tmp_path):
    """Are a Canvas re-upload (-1) and a browser copy ( (1)) graded, with exit status 0?"""
    course_dir = fresh_course(generated, tmp_path / "course")
    download = write_zip(
        tmp_path / "submissions.zip",
        {
            "kaplanada_601_7001_ps1_phases.ipynb": notebook(course_dir),
            "doejane_602_7002_ps1_phases-1.ipynb": notebook(course_dir),
            "smithsam_603_7003_ps1_phases (1).ipynb": notebook(course_dir, partial),
        },
        EARLIER,
    )
    code, printed = run_grade(course_dir, "--zip", str(download))
    assert code == 0, printed
    assert graded_scores(course_dir) == {"601": AUTOGRADED, "602": AUTOGRADED, "603": 3.0}
    assert intake_rows(course_dir) == [
        ("matched", "submissions/kaplanada_601_7001_ps1_phases.ipynb", "601", NOTEBOOK),
        ("matched", "submissions/doejane_602_7002_ps1_phases-1.ipynb", "602", NOTEBOOK),
        ("matched", "submissions/smithsam_603_7003_ps1_phases (1).ipynb", "603", NOTEBOOK),
    ]
    assert "MATCHED       submissions/smithsam_603_7003_ps1_phases (1).ipynb -> 603" in printed


@pytest.mark.slow
def test_two_students_with_one_name_are_graded_apart(generated, tmp_path):
    """Do two Canvas students named Wang Wei both get graded, and an unrelated third too?"""
    course_dir = fresh_course(generated, tmp_path / "course")
    download = write_zip(
        tmp_path / "submissions.zip",
        {
            "wangwei_501_9001_ps1_phases.ipynb": notebook(course_dir),
            "wangwei_502_9002_ps1_phases.ipynb": notebook(course_dir, partial),
            "kaplanada_503_9003_ps1_phases.ipynb": notebook(course_dir, blank),
        },
        EARLIER,
    )
    code, printed = run_grade(course_dir, "--zip", str(download))
    assert code == 0, printed
    assert graded_scores(course_dir) == {"501": AUTOGRADED, "502": 3.0, "503": 0.0}
    assert intake_rows(course_dir) == [
        ("matched", "submissions/wangwei_501_9001_ps1_phases.ipynb", "501", NOTEBOOK),
        ("matched", "submissions/wangwei_502_9002_ps1_phases.ipynb", "502", NOTEBOOK),
        ("matched", "submissions/kaplanada_503_9003_ps1_phases.ipynb", "503", NOTEBOOK),
    ]


# ---- Canvas preset: two downloads, a late re-upload, same names, an extra copy, a PDF -------


@pytest.fixture(scope="module")
def canvas(generated, tmp_path_factory):
    root = tmp_path_factory.mktemp("canvas")
    course_dir = fresh_course(generated, root / "course")
    nb = {
        "full": notebook(course_dir),
        "q1": notebook(course_dir, partial),
        "blank": notebook(course_dir, blank),
    }
    first = {
        "wangwei_501_9001_ps1_phases.ipynb": nb["full"],
        "wangwei_502_9002_ps1_phases.ipynb": nb["q1"],
        "doejane_503_9003_ps1_phases.ipynb": nb["q1"],
        "smithsam_504_9004_ps1_phases (1).ipynb": nb["full"],
        "núñezjosé_505_9005_ps1_phases.ipynb": nb["blank"],
        "núñezjosé_505_9006_ps1_phases-Copy1.ipynb": nb["full"],
        "leeann_506_9007_essay.pdf": b"%PDF-1.4 made-up essay",
    }
    second = dict(first)
    del second["doejane_503_9003_ps1_phases.ipynb"]
    second["doejane_LATE_503_9010_ps1_phases-1.ipynb"] = nb["full"]  # re-uploaded, late
    write_zip(root / "submissions.zip", first, EARLIER)
    write_zip(root / "submissions (1).zip", second, LATER)
    roster = root / "canvas-export.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Problem set 1 (4242)\n"
        "    Points Possible,,,,,13\n"
        '"Wang, Wei",501,,wwei1,A,\n"Wang, Wei",502,,wwei2,A,\n"Doe, Jane",503,,jdoe,A,\n'
        '"Smith, Sam",504,,ssmith,A,\n"Núñez, José",505,,jnunez,A,\n"Lee, Ann",506,,alee,A,\n',
        encoding="utf-8",
    )
    code, printed = run_grade(
        course_dir,
        "--platform=canvas",
        "--zip",
        str(root / "submissions.zip"),
        "--zip",
        str(root / "submissions (1).zip"),
        "--roster",
        str(roster),
        "--lms-assignment",
        "Problem set 1 (4242)",
    )
    return {"dir": course_dir, "code": code, "printed": printed}


CANVAS_LINES = [
    ("duplicate", "submissions/wangwei_501_9001_ps1_phases.ipynb", "wwei1", ""),
    ("matched", "submissions (1)/wangwei_501_9001_ps1_phases.ipynb", "wwei1", NOTEBOOK),
    ("duplicate", "submissions/wangwei_502_9002_ps1_phases.ipynb", "wwei2", ""),
    ("matched", "submissions (1)/wangwei_502_9002_ps1_phases.ipynb", "wwei2", NOTEBOOK),
    ("superseded", "submissions/doejane_503_9003_ps1_phases.ipynb", "jdoe", ""),
    ("matched", "submissions (1)/doejane_LATE_503_9010_ps1_phases-1.ipynb", "jdoe", NOTEBOOK),
    ("duplicate", "submissions/smithsam_504_9004_ps1_phases (1).ipynb", "ssmith", ""),
    ("matched", "submissions (1)/smithsam_504_9004_ps1_phases (1).ipynb", "ssmith", NOTEBOOK),
    ("duplicate", "submissions/núñezjosé_505_9005_ps1_phases.ipynb", "jnunez", ""),
    ("duplicate", "submissions/núñezjosé_505_9006_ps1_phases-Copy1.ipynb", "jnunez", ""),
    ("matched", "submissions (1)/núñezjosé_505_9005_ps1_phases.ipynb", "jnunez", NOTEBOOK),
    ("skipped", "submissions (1)/núñezjosé_505_9006_ps1_phases-Copy1.ipynb", "jnunez", ""),
    ("skipped", "submissions/leeann_506_9007_essay.pdf", "alee", ""),
    ("skipped", "submissions (1)/leeann_506_9007_essay.pdf", "alee", ""),
    ("no submission", "", "alee", ""),
]


@pytest.mark.slow
def test_canvas_intake_report_accounts_for_every_file(canvas):
    """Does the Canvas report have one line per file of both downloads, and one per absentee?"""
    assert sorted(intake_rows(canvas["dir"])) == sorted(CANVAS_LINES)
    assert canvas["code"] == 3  # a file was skipped and a student has nothing gradable
    text = (canvas["dir"] / "reports" / f"{ASSIGNMENT}-intake.txt").read_text(encoding="utf-8")
    assert text.count("\n") >= len(CANVAS_LINES)
    assert "Needs your attention" in canvas["printed"]


@pytest.mark.slow
def test_canvas_late_reupload_is_graded_and_flagged_late(canvas):
    """Is the late re-upload (-1, LATE) from the second download graded and called late?"""
    details = intake_details(canvas["dir"])
    line = details[("matched", "submissions (1)/doejane_LATE_503_9010_ps1_phases-1.ipynb")]
    assert "LATE (the platform marks it late" in line and "'-1'" in line
    assert (
        "newer submissions (1)/doejane_LATE"
        in details[("superseded", "submissions/doejane_503_9003_ps1_phases.ipynb")]
    )
    frame = exported(canvas["dir"])
    assert frame.loc["jdoe", "raw_score"] == AUTOGRADED
    assert frame.loc["jdoe", "late"].startswith("LATE")


@pytest.mark.slow
def test_canvas_everyone_else_is_graded_and_exported(canvas):
    """Are the same-name pair, the browser copy and the blank original all graded?"""
    assert graded_scores(canvas["dir"]) == {
        "wwei1": AUTOGRADED,
        "wwei2": 3.0,
        "jdoe": AUTOGRADED,
        "ssmith": AUTOGRADED,
        "jnunez": 0.0,
    }
    frame = exported(canvas["dir"])
    assert frame.loc["alee", "status"] == "no submission"
    assert frame["raw_score"].isna()["alee"]  # not a 0


@pytest.mark.slow
def test_extra_copy_is_named_and_never_graded(canvas):
    """Is a -Copy1 beside a blank original reported as probably holding the work, ungraded?"""
    detail = intake_details(canvas["dir"])[
        ("skipped", "submissions (1)/núñezjosé_505_9006_ps1_phases-Copy1.ipynb")
    ]
    assert "3 answer(s)" in detail and "the graded file 0" in detail
    assert "The work may be in it" in detail
    graded = canvas["dir"] / "autograded" / "jnunez" / ASSIGNMENT
    assert sorted(p.name for p in graded.glob("*.ipynb")) == [NOTEBOOK]
    assert (canvas["dir"] / "feedback" / "jnunez" / ASSIGNMENT / "ps1_phases.html").is_file()


@pytest.mark.slow
def test_canvas_import_and_feedback_zip_use_canvas_names(canvas):
    """Are the Canvas import CSV and feedback zip in the formats Canvas's importers read?"""
    import csv
    import zipfile

    reports = canvas["dir"] / "reports"
    with (reports / f"{ASSIGNMENT}-canvas-grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Problem set 1 (4242)",
    ]
    assert rows[1][0] == "Points Possible" and rows[1][-1] == "13"
    assert {r[1]: r[-1] for r in rows[2:]} == {
        "501": "9",
        "502": "3",
        "503": "9",
        "504": "9",
        "505": "0",
    }
    assert {r[1]: r[3] for r in rows[2:]}["501"] == "wwei1"  # SIS Login ID from the export
    with zipfile.ZipFile(reports / f"{ASSIGNMENT}-canvas-feedback.zip") as archive:
        names = sorted(archive.namelist())
    assert "doejane_LATE_503_9010_ps1_phases-feedback.html" in names
    assert "wangwei_502_9002_ps1_phases-feedback.html" in names
    assert len(names) == 5


# ---- Moodle preset: flat download, then folders; same names; accents; online text ----------


@pytest.fixture(scope="module")
def moodle(generated, tmp_path_factory):
    root = tmp_path_factory.mktemp("moodle")
    course_dir = fresh_course(generated, root / "course")
    full, q1 = notebook(course_dir), notebook(course_dir, partial)
    flat = {
        "José Núñez_101_assignsubmission_file_ps1_phases.ipynb": q1,
        "Wang Wei_102_assignsubmission_file_ps1_phases.ipynb": full,
        "Wang Wei_103_assignsubmission_file_ps1_phases (1).ipynb": q1,
    }
    folders = {
        "José Núñez_101_assignsubmission_file_/ps1_phases.ipynb": full,  # resubmitted
        "Wang Wei_102_assignsubmission_file_/ps1_phases.ipynb": full,
        "Wang Wei_103_assignsubmission_file_/ps1_phases (1).ipynb": q1,
        "Ana Lima_104_assignsubmission_onlinetext_/onlinetext.html": b"<p>My answers</p>",
    }
    write_zip(root / "PS1-12-flat.zip", flat, EARLIER)
    write_zip(root / "PS1-12-folders.zip", folders, LATER)
    roster = write_roster(
        root / "roster.csv",
        [
            {"username": "jnunez", "platform_id": "", "name": "José Núñez", "email": ""},
            {"username": "wwei1", "platform_id": "102", "name": "Wang Wei", "email": ""},
            {"username": "wwei2", "platform_id": "103", "name": "Wang Wei", "email": ""},
            {"username": "alima", "platform_id": "104", "name": "Ana Lima", "email": ""},
        ],
    )
    code, printed = run_grade(
        course_dir,
        "--platform=moodle",
        "--zip",
        str(root / "PS1-12-flat.zip"),
        "--zip",
        str(root / "PS1-12-folders.zip"),
        "--roster",
        str(roster),
    )
    return {"dir": course_dir, "code": code, "printed": printed}


@pytest.mark.slow
def test_moodle_flat_then_folders_line_by_line(moodle):
    """Does the Moodle preset read both layouts, newest first, with every file on a line?"""
    assert sorted(intake_rows(moodle["dir"])) == sorted(
        [
            (
                "superseded",
                "PS1-12-flat/José Núñez_101_assignsubmission_file_ps1_phases.ipynb",
                "jnunez",
                "",
            ),
            (
                "matched",
                "PS1-12-folders/José Núñez_101_assignsubmission_file_/ps1_phases.ipynb",
                "jnunez",
                NOTEBOOK,
            ),
            (
                "duplicate",
                "PS1-12-flat/Wang Wei_102_assignsubmission_file_ps1_phases.ipynb",
                "wwei1",
                "",
            ),
            (
                "matched",
                "PS1-12-folders/Wang Wei_102_assignsubmission_file_/ps1_phases.ipynb",
                "wwei1",
                NOTEBOOK,
            ),
            (
                "duplicate",
                "PS1-12-flat/Wang Wei_103_assignsubmission_file_ps1_phases (1).ipynb",
                "wwei2",
                "",
            ),
            (
                "matched",
                "PS1-12-folders/Wang Wei_103_assignsubmission_file_/ps1_phases (1).ipynb",
                "wwei2",
                NOTEBOOK,
            ),
            (
                "skipped",
                "PS1-12-folders/Ana Lima_104_assignsubmission_onlinetext_/onlinetext.html",
                "alima",
                "",
            ),
            ("no submission", "", "alima", ""),
        ]
    )
    assert moodle["code"] == 3


@pytest.mark.slow
def test_moodle_resubmission_graded_and_missing_times_said(moodle):
    """Is the resubmitted notebook graded, and is Moodle's missing submission time said?"""
    assert graded_scores(moodle["dir"]) == {"jnunez": AUTOGRADED, "wwei1": AUTOGRADED, "wwei2": 3.0}
    details = intake_details(moodle["dir"])
    line = details[
        ("matched", "PS1-12-folders/José Núñez_101_assignsubmission_file_/ps1_phases.ipynb")
    ]
    assert "no submission time in the download, so lateness is not checked" in line
    assert exported(moodle["dir"]).loc["jnunez", "late"].startswith("no submission time")


@pytest.mark.slow
def test_moodle_worksheet_and_feedback_zip(moodle):
    """Are Moodle's grading worksheet and feedback-zip names the ones Moodle imports?"""
    import csv
    import zipfile

    reports = moodle["dir"] / "reports"
    with (reports / f"{ASSIGNMENT}-moodle-grading-worksheet.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["Identifier"]: r["Grade"] for r in rows} == {
        "Participant 101": "9.00",
        "Participant 102": "9.00",
        "Participant 103": "3.00",
    }
    assert all(r["Last modified (grade)"] for r in rows)
    with zipfile.ZipFile(reports / f"{ASSIGNMENT}-moodle-feedback.zip") as archive:
        assert "José Núñez_101_assignfeedback_file_ps1_phases.html" in archive.namelist()


# ---- Blackboard preset: receipts, a username with "_", two attempts (the second late) -------


@pytest.fixture(scope="module")
def blackboard(generated, tmp_path_factory):
    root = tmp_path_factory.mktemp("blackboard")
    course_dir = fresh_course(generated, root / "course")
    set_duedate(course_dir, datetime(2027, 3, 2, 12, 0, tzinfo=UTC))
    full, q1 = notebook(course_dir), notebook(course_dir, partial)

    def attempt(user, name, stamp, data, receipt=True):
        base = f"Problem Set 1_{user}_attempt_{stamp:%Y-%m-%d-%H-%M-%S}"
        files = {f"{base}_ps1_phases.ipynb": data}
        if receipt:
            files[f"{base}.txt"] = (
                f"Name: {name} ({user})\nAssignment: Problem Set 1\n"
                f"Date Submitted: {stamp:%A, %d %B %Y %H:%M:%S} o'clock GMT\n"
                "Current Grade: Needs Grading\n\nSubmission Field:\nThere is no student "
                "submission text data for this assignment.\n\nComments:\nThere are no student "
                "comments for this assignment.\n\nFiles:\n\tOriginal filename: ps1_phases.ipynb\n"
                f"\tFilename: {base}_ps1_phases.ipynb\n"
            ).encode()
        return files

    first = {
        **attempt("jane_doe", "Jane Doe", datetime(2027, 3, 2, 10, 5), full),
        **attempt("bkaplan", "Ben Kaplan", datetime(2027, 3, 2, 11, 0), q1),
    }
    second = {
        **first,
        **attempt("bkaplan", "Ben Kaplan", datetime(2027, 3, 2, 14, 30), full),  # late
        **attempt("cruiz", "Cara Ruiz", datetime(2027, 3, 2, 9, 0), full, receipt=False),
    }
    write_zip(root / "gradebook_PS1.zip", first, EARLIER)
    write_zip(root / "gradebook_PS1 (1).zip", second, LATER)
    code, printed = run_grade(
        course_dir,
        "--platform=blackboard",
        "--timezone=UTC",
        "--zip",
        str(root / "gradebook_PS1.zip"),
        "--zip",
        str(root / "gradebook_PS1 (1).zip"),
    )
    return {"dir": course_dir, "code": code, "printed": printed}


@pytest.mark.slow
def test_blackboard_attempts_receipts_and_lateness(blackboard):
    """Are receipts read, the newest attempt graded, and the late one timed against the due date?"""
    rows = intake_rows(blackboard["dir"])
    statuses = sorted((s, f.split("/")[-1], who) for s, f, who, _ in rows)
    a1 = "Problem Set 1_bkaplan_attempt_2027-03-02-11-00-00"
    a2 = "Problem Set 1_bkaplan_attempt_2027-03-02-14-30-00"
    jd = "Problem Set 1_jane_doe_attempt_2027-03-02-10-05-00"
    cr = "Problem Set 1_cruiz_attempt_2027-03-02-09-00-00"
    assert statuses == sorted(
        [
            ("metadata", f"{jd}.txt", ""),
            ("metadata", f"{jd}.txt", ""),
            ("duplicate", f"{jd}_ps1_phases.ipynb", "jane_doe"),
            ("matched", f"{jd}_ps1_phases.ipynb", "jane_doe"),
            ("metadata", f"{a1}.txt", ""),
            ("metadata", f"{a1}.txt", ""),
            ("duplicate", f"{a1}_ps1_phases.ipynb", "bkaplan"),
            ("superseded", f"{a1}_ps1_phases.ipynb", "bkaplan"),
            ("metadata", f"{a2}.txt", ""),
            ("matched", f"{a2}_ps1_phases.ipynb", "bkaplan"),
            ("matched", f"{cr}_ps1_phases.ipynb", "cruiz"),
        ]
    )
    details = {f.split("/")[-1] + s: d for (s, f), d in intake_details(blackboard["dir"]).items()}
    assert "LATE by 2 h 30 min" in details[f"{a2}_ps1_phases.ipynbmatched"]
    assert "Blackboard receipt" in details[f"{a2}_ps1_phases.ipynbmatched"]
    assert "no receipt" in details[f"{cr}_ps1_phases.ipynbmatched"]
    assert graded_scores(blackboard["dir"]) == {
        "jane_doe": AUTOGRADED,
        "bkaplan": AUTOGRADED,
        "cruiz": AUTOGRADED,
    }
    frame = exported(blackboard["dir"])
    assert str(frame.loc["bkaplan", "timestamp"]).startswith("2027-03-02 14:30")  # nbgrader's
    assert frame.loc["bkaplan", "late"].startswith("LATE by 2 h 30 min")
    assert blackboard["code"] == 0, blackboard["printed"]


# ---- Brightspace preset: flat then folders, a later (late) submission, index.html ----------


@pytest.fixture(scope="module")
def brightspace(generated, tmp_path_factory):
    root = tmp_path_factory.mktemp("brightspace")
    course_dir = fresh_course(generated, root / "course")
    set_duedate(course_dir, datetime(2027, 3, 2, 12, 0, tzinfo=UTC))
    full, q1 = notebook(course_dir), notebook(course_dir, partial)
    first = {
        "PS1/39786-640693 - Zoë Ångström - Mar 2, 2027 1022 AM - ps1_phases.ipynb": q1,
        "PS1/39787-640694 - Kaplan, Ada - Mar 2, 2027 1130 AM - ps1_phases-1.ipynb": full,
        "PS1/index.html": b"<html>index</html>",
    }
    second = {
        **{k: v for k, v in first.items() if "Zo" not in k},
        "PS1/39790-640693 - Zoë Ångström - Mar 2, 2027 915 PM/ps1_phases.ipynb": full,
        "PS1/.DS_Store": b"\0",
    }
    write_zip(root / "PS1 Download Mar 2, 2027 1200 PM.zip", first, EARLIER)
    write_zip(root / "PS1 Download Mar 3, 2027 900 AM.zip", second, LATER)
    code, printed = run_grade(
        course_dir,
        "--platform=brightspace",
        "--timezone=UTC",
        "--zip",
        str(root / "PS1 Download Mar 2, 2027 1200 PM.zip"),
        "--zip",
        str(root / "PS1 Download Mar 3, 2027 900 AM.zip"),
    )
    return {"dir": course_dir, "code": code, "printed": printed}


@pytest.mark.slow
def test_brightspace_second_download_and_lateness(brightspace):
    """Is the later Brightspace submission graded and late by its own time, file by file?"""
    d1, d2 = "PS1 Download Mar 2, 2027 1200 PM/PS1", "PS1 Download Mar 3, 2027 900 AM/PS1"
    assert sorted(intake_rows(brightspace["dir"])) == sorted(
        [
            (
                "superseded",
                f"{d1}/39786-640693 - Zoë Ångström - Mar 2, 2027 1022 AM - ps1_phases.ipynb",
                "640693",
                "",
            ),
            (
                "matched",
                f"{d2}/39790-640693 - Zoë Ångström - Mar 2, 2027 915 PM/ps1_phases.ipynb",
                "640693",
                NOTEBOOK,
            ),
            (
                "duplicate",
                f"{d1}/39787-640694 - Kaplan, Ada - Mar 2, 2027 1130 AM - ps1_phases-1.ipynb",
                "640694",
                "",
            ),
            (
                "matched",
                f"{d2}/39787-640694 - Kaplan, Ada - Mar 2, 2027 1130 AM - ps1_phases-1.ipynb",
                "640694",
                NOTEBOOK,
            ),
            ("metadata", f"{d1}/index.html", "", ""),
            ("metadata", f"{d2}/index.html", "", ""),
            ("ignored", f"{d2}/.DS_Store", "", ""),
        ]
    )
    details = intake_details(brightspace["dir"])
    late = details[
        ("matched", f"{d2}/39790-640693 - Zoë Ångström - Mar 2, 2027 915 PM/ps1_phases.ipynb")
    ]
    assert "LATE by 9 h 15 min" in late and "Brightspace file name, read as UTC" in late
    assert (
        "on time"
        in details[
            (
                "matched",
                f"{d2}/39787-640694 - Kaplan, Ada - Mar 2, 2027 1130 AM - ps1_phases-1.ipynb",
            )
        ]
    )
    assert graded_scores(brightspace["dir"]) == {"640693": AUTOGRADED, "640694": AUTOGRADED}
    assert brightspace["code"] == 0, brightspace["printed"]


# ---- Gradescope preset: metadata, a group, a newer (late) submission in a second export ----


def _gradescope_yaml(entries: dict[str, tuple[list[tuple[str, str, str]], str]]) -> bytes:
    lines = []
    for folder, (people, created) in entries.items():
        lines.append(f"{folder}:\n  :submitters:")
        for name, sid, email in people:
            lines.append(f"  - :name: {name}\n    :sid: '{sid}'\n    :email: {email}")
        lines.append(f"  :created_at: {created}\n  :score: 0.0\n  :status: processed")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def gradescope(generated, tmp_path_factory):
    root = tmp_path_factory.mktemp("gradescope")
    course_dir = fresh_course(generated, root / "course")
    set_duedate(course_dir, datetime(2027, 3, 2, 12, 0, tzinfo=UTC))
    full, q1 = notebook(course_dir), notebook(course_dir, partial)
    ada = [("Ada Kaplan", "S_100", "ada@example.edu")]
    pair = [("Bo Li", "S_200", "bo@example.edu"), ("Ana Lima", "S_201", "ana@example.edu")]
    first = {
        "assignment_77_export/submission_1/ps1_phases.ipynb": q1,
        "assignment_77_export/submission_2/ps1_phases.ipynb": full,
        "assignment_77_export/submission_metadata.yml": _gradescope_yaml(
            {
                "submission_1": (ada, "2027-03-02 02:00:00.123456000 -08:00"),
                "submission_2": (pair, "2027-03-02 03:00:00.000000000 -08:00"),
            }
        ),
    }
    second = {
        "assignment_77_export/submission_2/ps1_phases.ipynb": full,
        "assignment_77_export/submission_9/ps1_phases.ipynb": full,
        "assignment_77_export/submission_metadata.yml": _gradescope_yaml(
            {
                "submission_2": (pair, "2027-03-02 03:00:00.000000000 -08:00"),
                "submission_9": (ada, "2027-03-02 06:45:00.000000000 -08:00"),
            }
        ),
    }
    write_zip(root / "submissions_77.zip", first, EARLIER)
    write_zip(root / "submissions_77 (1).zip", second, LATER)
    code, printed = run_grade(
        course_dir,
        "--platform=gradescope",
        "--zip",
        str(root / "submissions_77.zip"),
        "--zip",
        str(root / "submissions_77 (1).zip"),
    )
    return {"dir": course_dir, "code": code, "printed": printed}


@pytest.mark.slow
def test_gradescope_metadata_groups_and_resubmission(gradescope):
    """Are SIDs with "_" used, both group members graded, and the late resubmission timed?"""
    e1, e2 = "submissions_77/assignment_77_export", "submissions_77 (1)/assignment_77_export"
    assert sorted(intake_rows(gradescope["dir"])) == sorted(
        [
            ("metadata", f"{e1}/submission_metadata.yml", "", ""),
            ("metadata", f"{e2}/submission_metadata.yml", "", ""),
            ("superseded", f"{e1}/submission_1/ps1_phases.ipynb", "S_100", ""),
            ("matched", f"{e2}/submission_9/ps1_phases.ipynb", "S_100", NOTEBOOK),
            ("duplicate", f"{e1}/submission_2/ps1_phases.ipynb", "S_200", ""),
            ("matched", f"{e2}/submission_2/ps1_phases.ipynb", "S_200", NOTEBOOK),
            ("matched", f"{e2}/submission_2/ps1_phases.ipynb", "S_201", NOTEBOOK),
        ]
    )
    details = intake_details(gradescope["dir"])
    assert "LATE by 2 h 45 min" in details[("matched", f"{e2}/submission_9/ps1_phases.ipynb")]
    assert graded_scores(gradescope["dir"]) == {
        "S_100": AUTOGRADED,
        "S_200": AUTOGRADED,
        "S_201": AUTOGRADED,
    }
    assert gradescope["code"] == 0, gradescope["printed"]
