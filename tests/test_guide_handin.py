"""The guide's way to collect lesson work on a JupyterHub, run with nbgrader's own commands.

``docs/teachers/handing-in.md`` tells a teacher to release a lesson as an nbgrader assignment
with no graded cells, so that the hand-in box writes its file into the fetched folder and
**Submit** carries it to the instructor. This test does exactly that, through a temporary
exchange and the course's own ``nbgrader_config.py``: generate, release, fetch, write the
hand-in file with the box, submit, collect, and find the file in ``submitted/``.
"""

from __future__ import annotations

import shutil

import pytest

from course import handin
from tests.classroom import Student, base_env, nbgrader
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_a_lesson_hand_in_file_reaches_the_instructor_through_the_exchange(tmp_path):
    """Does a hand-in file written in a fetched lesson reach submitted/ through Submit?"""
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    env = base_env(exchange)
    course_dir = tmp_path / "course"
    (course_dir / "source" / "lesson01").mkdir(parents=True)
    shutil.copy(REPO / "autograder" / "nbgrader_config.py", course_dir)
    shutil.copy(REPO / "notebooks" / "01_phases.ipynb", course_dir / "source" / "lesson01")
    nbgrader("generate_assignment", "lesson01", "--force", cwd=course_dir, env=env)
    nbgrader("release_assignment", "lesson01", cwd=course_dir, env=env)

    student = Student("ada", tmp_path / "home" / "ada", exchange)
    folder = student.fetch("lesson01")
    assert (folder / "01_phases.ipynb").is_file()
    box = handin.HandIn("01_phases", part=1, folder=folder)
    box.name_box.value = "Ada Lovelace"
    written = box.write()
    assert written == folder / "01_phases-answers-Ada-Lovelace.md"
    student.submit("lesson01")

    nbgrader("collect", "lesson01", cwd=course_dir, env=env)
    collected = course_dir / "submitted" / "ada" / "lesson01" / written.name
    assert collected.read_text(encoding="utf-8") == box.text
    assert "Student (as typed): Ada Lovelace" in box.text
    assert "### Question 1 (Part 1): Which phase has the most events in the bar chart" in box.text
