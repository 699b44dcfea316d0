"""Binder and the student bundle: pins that match pyproject, a config repo2docker accepts,
an environment built only from binder/ that runs every lesson and shows students no instructor
tools (checked in real JupyterLab and Chromium), and a bundle with no secrets."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from course import bundle
from tests.classroom import copy_course
from tests.conftest import REPO

BINDER = REPO / "binder"


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return pins


def requirements_of(pyproject: Path, extras: tuple[str, ...] = ()) -> list[Requirement]:
    """The runtime requirements of pyproject plus those of ``extras``, with the project's own
    extras (``aleppo-course[lab]``) expanded in place."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    found = [Requirement(text) for text in project["dependencies"]]
    pending, seen = list(extras), set()
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for text in project["optional-dependencies"][extra]:
            requirement = Requirement(text)
            if requirement.name == project["name"]:
                pending += sorted(requirement.extras)
            else:
                found.append(requirement)
    return found


def pin_problems(pyproject: Path, requirements: Path, extras: tuple[str, ...] = ()) -> list[str]:
    """Every runtime dependency of pyproject (and of ``extras``) that the pins leave out or pin
    outside its range."""
    pins = _pins(requirements)
    problems = []
    for requirement in requirements_of(pyproject, extras):
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        if name not in pins:
            problems.append(f"{requirement.name} is not pinned in {requirements.name}")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{requirement.name}=={pins[name]} is outside {requirement.specifier}")
    return problems


def test_binder_uses_only_files_repo2docker_reads():
    """Does binder/ hold only runtime.txt, requirements.txt, postBuild and the student README?"""
    assert {p.name for p in BINDER.iterdir()} == {
        "runtime.txt",
        "requirements.txt",
        "postBuild",
        "STUDENT_README.md",
    }
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = (BINDER / "postBuild").read_text()
    assert "set -euo pipefail" in post_build
    assert os.access(BINDER / "postBuild", os.X_OK)


def test_every_requirement_is_pinned_exactly():
    """Is every line of requirements.txt an exact pin?"""
    lines = [
        line.split("#", 1)[0].strip()
        for line in (BINDER / "requirements.txt").read_text().splitlines()
    ]
    assert all("==" in line for line in lines if line and not line.startswith("-"))
    assert not any(line.startswith("-") for line in lines if line)  # no local index URLs


# Binder serves students: the base package and the `lab` extra (JupyterLab, nbgrader for
# Validate and the Assignment List, nbgitpuller). Instructors' and the hub's extras stay out.
BINDER_EXTRAS = ("lab",)


def test_pins_satisfy_pyproject_ranges():
    """Does each pin in binder/requirements.txt satisfy pyproject.toml's range?"""
    problems = pin_problems(REPO / "pyproject.toml", BINDER / "requirements.txt", BINDER_EXTRAS)
    assert problems == []


def test_binder_pins_leave_out_what_only_instructors_and_the_hub_use():
    """Are frictionless and JupyterHub (instructor and hub extras only) absent from Binder?"""
    pyproject = REPO / "pyproject.toml"
    student = {r.name for r in requirements_of(pyproject, BINDER_EXTRAS)}
    others = {r.name for r in requirements_of(pyproject, ("instructor", "hub"))} - student
    assert {"frictionless", "jupyterhub"} <= others
    assert not others & set(_pins(BINDER / "requirements.txt"))


HUB_REQUIREMENTS = REPO / "autograder" / "jupyterhub" / "requirements.txt"
# The single-server hub runs the instructor set (its grading account runs nbgrader and the
# `course` commands) plus JupyterHub, for students and staff alike: a superset of Binder's.
HUB_EXTRAS = ("instructor", "hub")
# Pins the single-server hub environment may not share with Binder's: Debian 12's Python is
# 3.11.2, and soupsieve 4.1 needs 3.11.5 or newer.
HUB_MAY_DIFFER = {"soupsieve"}


def test_hub_pins_satisfy_pyproject_ranges_with_jupyterhub():
    """Does the single-server environment pin the instructor set and JupyterHub?"""
    assert pin_problems(REPO / "pyproject.toml", HUB_REQUIREMENTS, extras=HUB_EXTRAS) == []


def test_hub_environment_matches_binder_except_where_python_forces_it():
    """Does the hub hold every package Binder has, at the same version (a student meets the
    same course on both), apart from what Debian's Python forces?"""
    binder, hub = _pins(BINDER / "requirements.txt"), _pins(HUB_REQUIREMENTS)
    differ = {name for name in binder.keys() & hub.keys() if binder[name] != hub[name]}
    assert differ <= HUB_MAY_DIFFER, {name: (binder[name], hub[name]) for name in differ}
    assert set(binder) <= set(hub)


def test_drifted_pins_are_caught(tmp_path):
    """Would the check fail if pyproject's ranges and the pins drifted apart?"""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        (REPO / "pyproject.toml").read_text().replace('"pandas>=2.2"', '"pandas>=2.2,<3"')
    )
    problems = pin_problems(pyproject, BINDER / "requirements.txt", BINDER_EXTRAS)
    assert any(problem.startswith("pandas==") for problem in problems)


def test_an_extra_left_unpinned_is_caught(tmp_path):
    """Would the check fail if Binder's extra gained a package the pins leave out?"""
    pyproject = tmp_path / "pyproject.toml"
    last = '"nbgitpuller>=1.2",\n]'  # the end of the `lab` extra, the first one listed
    added = '"nbgitpuller>=1.2",\n    "frictionless>=5.17,<6",\n]'
    pyproject.write_text((REPO / "pyproject.toml").read_text().replace(last, added, 1))
    problems = pin_problems(pyproject, BINDER / "requirements.txt", BINDER_EXTRAS)
    assert problems == ["frictionless is not pinned in requirements.txt"]


def test_repo2docker_accepts_the_binder_folder():
    """Does repo2docker, without building, accept binder/ and write a Dockerfile?"""
    command = Path(sys.executable).with_name("repo2docker")
    if not command.exists():
        pytest.skip("jupyter-repo2docker is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [str(command), "--no-build", "--no-run", "--debug", str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert "requirements.txt" in output and "postBuild" in output


@pytest.fixture(scope="module")
def student_bundle(tmp_path_factory) -> Path:
    course_dir = copy_course(tmp_path_factory.mktemp("course"))
    target = tmp_path_factory.mktemp("out") / "bundle"
    return bundle.bundle(target, course_dir=course_dir, progress=lambda message: None)


def test_bundle_holds_what_students_need(student_bundle):
    """Are the lessons, released assignments, datasets, binder/ and a student README there?"""
    for part in [
        "notebooks/00_start_here.ipynb",
        "assignments/ps1_phases/ps1_phases.ipynb",
        "datasets/datapackage.json",
        "binder/requirements.txt",
        "README.md",
        "course/__init__.py",
        "pyproject.toml",
        "LICENSES/MIT.txt",
        "LICENSES/CC-BY-SA-4.0.txt",
        "LICENSES/LicenseRef-News-Classroom-Use.txt",
        "REUSE.toml",
        "CITATION.cff",
    ]:
        assert (student_bundle / part).is_file(), part
    assert "mybinder.org" in (student_bundle / "README.md").read_text()


def test_bundle_gives_the_rights_of_every_file(student_bundle):
    """Is the student bundle REUSE-compliant: every file's licence stated, every text there?"""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("reuse")), "--root", str(student_bundle), "lint"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_bundle_holds_nothing_for_instructors(student_bundle):
    """No source/, gradebook, feedback, autograded work, tests, guide or checkpoints?"""
    names = {p.name for p in student_bundle.rglob("*")}
    assert not names & {
        "source",
        "gradebook.db",
        "feedback",
        "autograded",
        "submitted",
        "tests",
        "nbgrader_config.py",
        ".ipynb_checkpoints",
    }
    assert not list(student_bundle.rglob("autograder*"))


def test_bundle_contains_no_solution_or_hidden_test_line(student_bundle):
    """Is no solution or hidden-test line of autograder/source in any file of the bundle?"""
    secrets = bundle.secret_lines(REPO / "autograder" / "source")
    assert len(secrets) > 30
    assert bundle.scan(student_bundle, secrets) == []


@pytest.mark.parametrize("where", ["cell", "metadata", "checkpoint"])
def test_scan_finds_a_planted_leak(student_bundle, tmp_path, where):
    """Does the scan catch a solution line planted in a cell, in metadata, or in a checkpoint?"""
    copy = tmp_path / "bundle"
    shutil.copytree(student_bundle, copy)
    secret = sorted(bundle.secret_lines(REPO / "autograder" / "source"))[0]
    path = copy / "assignments" / "ps1_phases" / "ps1_phases.ipynb"
    nb = nbformat.read(path, as_version=4)
    if where == "cell":
        nb.cells[-1].source += "\n" + secret
        nbformat.write(nb, path)
    elif where == "metadata":
        nb.metadata["scratch"] = {"note": secret}
        nbformat.write(nb, path)
    else:
        checkpoint = path.parent / ".ipynb_checkpoints" / "ps1_phases-checkpoint.ipynb"
        checkpoint.parent.mkdir()
        checkpoint.write_text(secret)
    assert bundle.scan(copy, {secret})


def test_bundle_refuses_to_write_a_leaking_tree(tmp_path, monkeypatch):
    """Does course bundle delete the tree and fail when the scan finds a leak?"""
    course_dir = copy_course(tmp_path / "course")
    monkeypatch.setattr(bundle, "secret_lines", lambda source: {"Aleppo"})  # in every lesson
    with pytest.raises(bundle.BundleLeak):
        bundle.bundle(tmp_path / "out", course_dir=course_dir, progress=lambda message: None)
    assert not (tmp_path / "out").exists()


def _clean_env(venv: Path, **extra: str) -> dict[str, str]:
    """The environment of a Binder user: the venv first on PATH, nothing of this checkout."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COURSE_DATASETS"}}
    return {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", **extra}


@pytest.fixture(scope="module")
def binder_env(student_bundle, tmp_path_factory) -> Path:
    """An environment built as repo2docker builds it, from the bundle's binder/ alone:
    requirements.txt installed, then postBuild run in the bundle's folder."""
    venv = tmp_path_factory.mktemp("binder") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        + ["-r", str(student_bundle / "binder" / "requirements.txt")],
        check=True,
        timeout=1800,
        env=_clean_env(venv),
    )
    result = subprocess.run(
        ["bash", str(student_bundle / "binder" / "postBuild")],
        cwd=student_bundle,
        env=_clean_env(venv),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return venv


@pytest.mark.slow
def test_binder_environment_has_no_instructor_only_tools(binder_env):
    """Does the Binder environment leave out frictionless, yet have nbgrader for Validate?"""
    code = "import importlib.util as u; print(sorted(m for m in ('frictionless', 'nbgrader', "
    code += "'jupyterhub', 'jupyterlab') if u.find_spec(m)))"
    result = subprocess.run(
        [str(binder_env / "bin" / "python"), "-c", code],
        env=_clean_env(binder_env),
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "['jupyterlab', 'nbgrader']", result.stderr


@pytest.mark.slow
def test_binder_turns_off_the_instructor_server_extensions(binder_env, tmp_path):
    """After postBuild, is formgrader's (and the course list's) server extension off for the
    whole environment, while the students' ones stay on?"""
    result = subprocess.run(
        [str(binder_env / "bin" / "jupyter"), "server", "extension", "list"],
        env=_clean_env(binder_env, JUPYTER_CONFIG_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
    )
    listing = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # no colours
    state = dict(re.findall(r"(nbgrader\.server_extensions\.\w+) (enabled|disabled)", listing))
    assert state == {
        "nbgrader.server_extensions.formgrader": "disabled",
        "nbgrader.server_extensions.course_list": "disabled",
        "nbgrader.server_extensions.assignment_list": "enabled",
        "nbgrader.server_extensions.validate_assignment": "enabled",
    }, listing


@pytest.mark.slow
def test_fresh_environment_from_binder_runs_every_notebook(student_bundle, binder_env, tmp_path):
    """Built only from binder/, does an environment run every lesson and released assignment?"""
    python = binder_env / "bin" / "python"
    runner = (
        "import sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "for path in sys.argv[1:]:\n"
        "    nb = nbformat.read(path, as_version=4)\n"
        "    folder = str(__import__('pathlib').Path(path).parent)\n"
        "    NotebookClient(nb, timeout=300, kernel_name='python3', allow_errors=True,\n"
        "                   resources={'metadata': {'path': folder}}).execute()\n"
        "    errors = [o.ename for c in nb.cells if c.cell_type == 'code' for o in c.outputs\n"
        "              if o.output_type == 'error']\n"
        "    print(path + '\\t' + ','.join(errors))\n"
    )
    notebooks = sorted(str(p) for p in (student_bundle / "notebooks").glob("*.ipynb"))
    released = sorted(str(p) for p in (student_bundle / "assignments").rglob("*.ipynb"))
    result = subprocess.run(
        [str(python), "-c", runner, *notebooks, *released],
        cwd=tmp_path,
        env=_clean_env(binder_env),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split("\t", 1) for line in result.stdout.strip().splitlines())
    for path in notebooks:
        assert lines[path] == "", (path, lines[path])
    for path in released:
        # A released assignment, unanswered, stops only at its "YOUR CODE HERE" cells and at
        # the checks of unanswered questions.
        errors = set(lines[path].split(",")) - {""}
        assert errors <= {"NotImplementedError", "NameError", "AssertionError"}, (path, errors)


# --------------------------------------------------------------------------------------------
# What a student sees: JupyterLab started as Binder starts it, in Debian's Chromium


INSTRUCTOR_PLUGINS = ("course-list", "create-assignment", "formgrader")


def _nbgrader_menu(page) -> list[str]:
    """The entries of JupyterLab's Nbgrader menu, or [] when there is no such menu."""
    menu = page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader")
    if menu.count() == 0:
        return []
    menu.first.click()
    items = page.locator(".lm-Menu-content .lm-Menu-itemLabel")
    items.first.wait_for()
    labels = [label.strip() for label in items.all_inner_texts() if label.strip()]
    page.keyboard.press("Escape")
    return labels


@pytest.fixture(scope="module")
def chromium():
    from tests.browser import CHROMIUM, CHROMIUM_FLAGS, chromium_missing_reason

    reason = chromium_missing_reason()
    if reason and os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason}", pytrace=False)
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


def _student_view(chromium, lab, notebook: str) -> dict[str, object]:
    """What the student's JupyterLab shows: the Nbgrader menu, the Create Assignment sidebar,
    formgrader's page, and what Validate does on an assignment notebook."""
    from tests.browser import open_notebook, screenshot

    context = chromium.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_notebook(page, lab, notebook)
        toolbar = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar")
        validate = toolbar.get_by_text("Validate")
        validate.first.wait_for()
        config = json.loads(page.locator("#jupyter-config-data").text_content())
        view = {
            "menu": _nbgrader_menu(page),
            "create_assignment": page.locator("[title='Nbgrader Create Assignment']").count(),
            "locked": sorted(config.get("lockedExtensions", [])),
        }
        validate.first.click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=180_000)  # Validate runs the whole notebook first
        view["validate_dialog"] = dialog.locator(".jp-Dialog-header").inner_text().strip()
        view["validate_error"] = "error running the validate command" in dialog.inner_text()
        screenshot(page, f"binder-{lab.name}")
        page.locator(".jp-Dialog .jp-mod-accept").click()
        view["formgrader_status"] = page.request.get(lab.url("formgrader")).status
    finally:
        context.close()
    return view


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("where", ["binder", "stock nbgrader"])
def test_students_binder_shows_no_instructor_tools_but_validate_works(
    where, student_bundle, binder_env, chromium, tmp_path
):
    """Started as Binder starts it, does the student's JupyterLab show no Formgrader entry, no
    Create Assignment sidebar and no formgrader page, while Validate still checks an assignment?
    (Stock nbgrader, started the same way without postBuild's settings, shows them all: the
    control that proves the checks can see the tools.)"""
    from tests.browser import jupyterlab

    bin_dir = binder_env / "bin" if where == "binder" else Path(sys.executable).parent
    # A fresh user, as on mybinder.org: no settings of this machine's user.
    env = {
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "PYTHONPATH": "",
    }
    root = tmp_path / "repo"
    shutil.copytree(student_bundle, root)
    with jupyterlab(root, env=env, bin_dir=bin_dir) as lab:
        lab.name = where.replace(" ", "-")
        view = _student_view(chromium, lab, "assignments/ps1_phases/ps1_phases.ipynb")
    assert view["validate_dialog"] == "Validation Results", view
    assert view["validate_error"] is False, view
    assert "Assignment List" in view["menu"], view
    if where == "binder":
        assert not {"Formgrader", "Course List"} & set(view["menu"]), view
        assert view["create_assignment"] == 0, view
        assert view["formgrader_status"] == 404, view
        # ... and the plugin manager cannot turn them back on.
        assert view["locked"] == [f"@jupyter/nbgrader:{p}" for p in INSTRUCTOR_PLUGINS], view
    else:
        assert "Formgrader" in view["menu"], view
        assert view["create_assignment"] >= 1, view
        assert view["formgrader_status"] != 404, view
        assert view["locked"] == [], view
