"""The hub roster: who may log in and as what; a bad row is refused with its file and line."""

from __future__ import annotations

import pytest

from course.roster import RosterError, main, read_roster
from tests.conftest import REPO


def _roster(tmp_path, text: str):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_roster_gives_every_role():
    people = read_roster(REPO / "autograder" / "jupyterhub" / "roster.example.csv")
    assert people == {
        "instructor": ["instructor1"],
        "grader": ["grader1"],
        "student": ["student001", "student002"],
    }


def test_roles_are_read_case_and_space_insensitively(tmp_path):
    path = _roster(tmp_path, "username,role\n ada , Student\nbo,INSTRUCTOR\n")
    assert read_roster(path) == {"instructor": ["bo"], "grader": [], "student": ["ada"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("username,role\nada,teacher\n", "line 2: role 'teacher' for 'ada'"),
        ("username,role\nada,student\nada,grader\n", "line 3: 'ada' is already on line 2"),
        ("username,role\n,student\n", "line 2: the username is blank"),
        ("username,role\nAda Lovelace,student\n", "line 2: 'Ada Lovelace' cannot be a Unix"),
        ("username,role\n-rf,student\n", "line 2: '-rf' cannot be a Unix"),
        ("name,kind\nada,student\n", "needs the columns 'username' and 'role'"),
    ],
)
def test_a_bad_row_is_refused_naming_the_file_and_line(tmp_path, text, message):
    path = _roster(tmp_path, text)
    with pytest.raises(RosterError, match="roster.csv") as error:
        read_roster(path)
    assert message in str(error.value)


def test_a_missing_roster_is_named(tmp_path):
    with pytest.raises(RosterError, match="no roster file here"):
        read_roster(tmp_path / "absent.csv")


def test_command_prints_usernames_or_the_problem(tmp_path, capsys):
    good = _roster(tmp_path, "username,role\nada,student\nbo,grader\n")
    assert main([str(good)]) == 0
    assert capsys.readouterr().out.split() == ["bo", "ada"]
    bad = _roster(tmp_path, "username,role\nada,teacher\n")
    assert main([str(bad)]) == 1
    assert "line 2" in capsys.readouterr().err
