"""What a student can plant in nbgrader's exchange, beside or inside their own submission.

Every student can write to the exchange's ``inbound/`` folder, and their own submission
folder stays writable after ``nbgrader submit``. Found by an attacker's review of sandboxed
grading: stock ``nbgrader collect`` copied symbolic links as the grader (the solution notebook
and ``/etc/shadow`` reached one student's feedback), let one student hand in under another's
name dated 2099 (the victim scored 0), and copied a folder for the id ``evil,comma`` whose
unquoted row broke the export for the whole class. Each is handed in here through a real
exchange and graded with ``course grade``; the unit tests cover the kind around each case.
"""

from __future__ import annotations

import io
import os
import pwd
import shutil
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from course.cli import main
from course.grading.exchange_guard import CLOCK_SLACK, inbound_problem, link_problem
from tests.classroom import Student, answer_all, base_env, copy_course, nbgrader
from tests.lms_downloads import (
    ASSIGNMENT,
    AUTOGRADED,
    exported,
    feedback_page,
    intake_details,
    intake_rows,
)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def _folder(inbound: Path, student: str, when: datetime, suffix: str = "A1B2C3D4") -> Path:
    folder = inbound / f"{student}+{ASSIGNMENT}+{_stamp(when)}+{suffix}"
    folder.mkdir(parents=True)
    return folder


def _someone_else() -> str:
    """A Unix account that is not the one running the tests."""
    me = os.geteuid()
    for name in ("daemon", "bin", "sys", "nobody"):
        try:
            if pwd.getpwnam(name).pw_uid != me:
                return name
        except KeyError:
            continue
    pytest.skip("no other Unix account on this machine")


# -- the kind: every way an inbound folder can lie ---------------------------------------------


def test_an_honest_folder_passes(tmp_path):
    assert inbound_problem(_folder(tmp_path, "amira", datetime.now(UTC))) == ""


@pytest.mark.parametrize(
    "offset, refused",
    [
        (timedelta(0), False),
        (CLOCK_SLACK / 2, False),
        (CLOCK_SLACK * 2, True),
        (timedelta(days=365 * 70), True),
    ],
)
def test_a_folder_dated_in_the_future_is_refused(tmp_path, offset, refused):
    problem = inbound_problem(_folder(tmp_path, "amira", datetime.now(UTC) + offset))
    assert bool(problem) == refused, problem
    if refused:
        assert "in the future" in problem


@pytest.mark.parametrize("student", ["evil,comma", "..", "-rf", 'evil"quote', "evil\nline", ""])
def test_a_folder_with_an_unsafe_id_is_refused(tmp_path, student):
    folder = tmp_path / f"{student}+{ASSIGNMENT}+{_stamp(datetime.now(UTC))}+X"
    folder.mkdir()
    assert "not safe" in inbound_problem(folder)


def test_a_folder_with_an_unreadable_time_is_refused(tmp_path):
    folder = tmp_path / f"amira+{ASSIGNMENT}+yesterday+X"
    folder.mkdir()
    assert "cannot be read" in inbound_problem(folder)


def test_a_folder_that_is_a_link_is_refused(tmp_path):
    real = _folder(tmp_path / "elsewhere", "amira", datetime.now(UTC))
    link = tmp_path / "inbound" / real.name
    link.parent.mkdir()
    link.symlink_to(real, target_is_directory=True)
    assert "symbolic link" in inbound_problem(link)


def test_a_folder_made_by_another_account_is_refused(tmp_path):
    victim = _someone_else()  # a real account; the folder is made by the account running this
    problem = inbound_problem(_folder(tmp_path, victim, datetime.now(UTC)))
    assert f"under {victim}'s name" in problem and "chown" in problem


def test_a_student_without_a_unix_account_is_not_refused_for_its_owner(tmp_path):
    """On hubs where every server runs as one account (jovyan), owners cannot be checked."""
    assert inbound_problem(_folder(tmp_path, "no-such-account-7f3a", datetime.now(UTC))) == ""


def test_links_and_special_files_are_never_copied(tmp_path):
    (tmp_path / "plain.txt").write_text("mine")
    (tmp_path / "to-file").symlink_to("/etc/hostname")
    (tmp_path / "to-dir").symlink_to("/etc", target_is_directory=True)
    (tmp_path / "dangling").symlink_to(tmp_path / "nothing")
    os.mkfifo(tmp_path / "pipe")
    assert link_problem(tmp_path / "plain.txt") == ""
    for name in ("to-file", "to-dir", "dangling"):
        assert "symbolic link" in link_problem(tmp_path / name)
    assert "not a plain file" in link_problem(tmp_path / "pipe")


# -- the class: the three attacks, handed in through a real exchange and graded -------------


def _grade(course_dir: Path, env: dict[str, str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        for key, value in env.items():
            patch.setenv(key, value)
        code = main(["grade", ASSIGNMENT, "--course-dir", str(course_dir), "--workers", "2"])
    return code, err.getvalue() + out.getvalue()


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = tmp_path_factory.mktemp("planted")
    course_dir = copy_course(root / "course")
    exchange = root / "exchange"
    exchange.mkdir()
    env = base_env(exchange)
    inbound = exchange / "aleppo" / "inbound"
    nbgrader("generate_assignment", ASSIGNMENT, "--force", cwd=course_dir, env=env)
    nbgrader("release_assignment", ASSIGNMENT, cwd=course_dir, env=env)
    students = {
        name: Student(name, root / "home" / name, exchange)
        for name in ("victim", "linker", "forger")
    }
    for name, student in students.items():
        student.fetch(ASSIGNMENT)
        if name != "forger":
            answer_all(student.notebook(ASSIGNMENT))
        student.submit(ASSIGNMENT)
    blank = students["forger"].notebook(ASSIGNMENT)
    # 1. links added to the linker's own submission folder after submitting
    own = next(inbound.glob(f"linker+{ASSIGNMENT}+*"))
    (own / "notes.txt").symlink_to(course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (own / "passwd.txt").symlink_to("/etc/passwd")
    (own / "srcdir").symlink_to(course_dir / "source", target_is_directory=True)
    # 2. a blank notebook handed in under the victim's name, dated 2099
    forged = _folder(inbound, "victim", datetime(2099, 1, 1, tzinfo=UTC), "AAAAAAAA")
    shutil.copy(blank, forged / f"{ASSIGNMENT}.ipynb")
    (forged / "timestamp.txt").write_text(_stamp(datetime(2099, 1, 1, tzinfo=UTC)))
    # 3. a folder for an id that breaks an unquoted CSV row
    unsafe = _folder(inbound, "evil,comma", datetime.now(UTC), "BBBBBBBB")
    shutil.copy(blank, unsafe / f"{ASSIGNMENT}.ipynb")
    code, printed = _grade(course_dir, env)
    return {
        "dir": course_dir,
        "code": code,
        "printed": printed,
        "forged": forged.name,
        "unsafe": unsafe.name,
        "own": own.name,
    }


@pytest.mark.slow
def test_the_class_is_graded_and_exported_and_the_run_says_what_needs_attention(planted):
    assert planted["code"] == 3, planted["printed"]  # skipped files, everyone graded
    frame = exported(planted["dir"])
    assert set(frame.index) == {"victim", "linker", "forger"}
    assert (frame["status"] == "graded").all(), frame


@pytest.mark.slow
def test_a_folder_in_the_victims_name_changes_nothing_for_the_victim(planted):
    assert exported(planted["dir"]).loc["victim", "raw_score"] == AUTOGRADED
    details = intake_details(planted["dir"])
    line = details[("skipped", f"{planted['forged']}/{ASSIGNMENT}.ipynb")]
    assert "in the future" in line
    real = [r for r in intake_rows(planted["dir"]) if r[0] == "matched" and r[2] == "victim"]
    assert len(real) == 1 and "2099" not in real[0][1]


@pytest.mark.slow
def test_links_in_a_submission_are_never_copied_or_shown(planted):
    course_dir = planted["dir"]
    for folder in ("submitted", "autograded"):
        kept = {p.name for p in (course_dir / folder / "linker" / ASSIGNMENT).iterdir()}
        assert not kept & {"notes.txt", "passwd.txt", "srcdir"}, (folder, kept)
    page = feedback_page(course_dir, "linker")
    assert "BEGIN HIDDEN TESTS" not in page and "root:x:0:0" not in page
    details = intake_details(course_dir)
    for name in ("notes.txt", "passwd.txt", "srcdir"):
        assert "symbolic link" in details[("skipped", f"{planted['own']}/{name}")]


@pytest.mark.slow
def test_an_unsafe_id_is_never_collected_and_export_goes_on(planted):
    course_dir = planted["dir"]
    assert not (course_dir / "submitted" / "evil,comma").exists()
    details = intake_details(course_dir)
    assert "not safe" in details[("skipped", f"{planted['unsafe']}/{ASSIGNMENT}.ipynb")]
    assert (course_dir / "reports" / f"{ASSIGNMENT}-grades.csv").is_file()
