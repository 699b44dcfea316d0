"""The single-server jupyterhub_config.py refuses a bad set-up with a message that names it.

These load the configuration file the way JupyterHub does (a ``get_config`` in its globals),
without starting a hub; ``tests/test_jupyterhub.py`` runs it for real.
"""

from __future__ import annotations

import pwd
import runpy
import shutil

import pytest
from traitlets.config import Config

from tests.conftest import REPO

CONFIG = REPO / "autograder" / "jupyterhub" / "jupyterhub_config.py"


def _load(monkeypatch, **settings) -> Config:
    for key, value in settings.items():
        monkeypatch.setenv(key, str(value))
    config = Config()
    runpy.run_path(str(CONFIG), init_globals={"get_config": lambda: config})
    return config


def test_a_bad_roster_stops_the_hub_naming_file_and_line(tmp_path, monkeypatch):
    roster = tmp_path / "roster.csv"
    roster.write_text("username,role\nada,teacher\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"roster.csv, line 2: role 'teacher'"):
        _load(monkeypatch, COURSE_ROSTER=roster)


def test_a_missing_grading_account_is_named(tmp_path, monkeypatch):
    roster = tmp_path / "roster.csv"
    roster.write_text("username,role\nada,student\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="'no-such-grader-account'.*does not exist"):
        _load(monkeypatch, COURSE_ROSTER=roster, COURSE_GRADER_ACCOUNT="no-such-grader-account")


def test_a_missing_course_directory_is_named(tmp_path, monkeypatch):
    roster = tmp_path / "roster.csv"
    roster.write_text("username,role\nada,student\n", encoding="utf-8")
    account = pwd.getpwuid(0).pw_name  # an account that exists, whose home has no course
    home = pwd.getpwuid(0).pw_dir
    with pytest.raises(SystemExit, match=f"{home}/no-such-course/nbgrader_config.py is missing"):
        _load(
            monkeypatch,
            COURSE_ROSTER=roster,
            COURSE_GRADER_ACCOUNT=account,
            COURSE_ID="no-such-course",
        )


def test_roster_roles_become_groups_and_roles(tmp_path, monkeypatch):
    roster = tmp_path / "roster.csv"
    roster.write_text("username,role\nprof,instructor\nta,grader\nada,student\n", encoding="utf-8")
    account = pwd.getpwuid(0).pw_name
    course = tmp_path / "home" / "aleppo"
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("")
    monkeypatch.setattr(
        pwd,
        "getpwnam",
        lambda name: pwd.struct_passwd((account, "x", 0, 0, "", str(tmp_path / "home"), "/bin/sh")),
    )
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")  # npm ci not yet run
    c = _load(
        monkeypatch,
        COURSE_ROSTER=roster,
        NBGRADER_EXCHANGE=tmp_path / "exchange",
        COURSE_HOME=tmp_path / "opt",
    )
    assert c.JupyterHub.load_groups == {
        "formgrade-aleppo": {"users": ["prof", "ta"]},
        "nbgrader-aleppo": {"users": ["ada"]},
    }
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    assert roles["aleppo-instructor"]["users"] == ["prof"]
    assert "access:services!service=aleppo" in roles["formgrade-aleppo"]["scopes"]
    assert not any("admin" in scope for scope in roles["user"]["scopes"])
    service = c.JupyterHub.services[0]
    assert service["name"] == "aleppo" and service["cwd"] == str(course)
    assert c.Authenticator.allowed_users == {"prof", "ta", "ada"}
