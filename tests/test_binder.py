"""Binder and the student bundle: pins that match pyproject, a config repo2docker accepts,
an environment built only from binder/ that runs every lesson, and a bundle with no secrets."""

from __future__ import annotations

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


def pin_problems(pyproject: Path, requirements: Path, extras: tuple[str, ...] = ()) -> list[str]:
    """Every runtime dependency of pyproject (and of ``extras``) that the pins leave out or pin
    outside its range."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    dependencies = list(project["dependencies"])
    for extra in extras:
        dependencies += project["optional-dependencies"][extra]
    pins = _pins(requirements)
    problems = []
    for text in dependencies:
        requirement = Requirement(text)
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


def test_pins_satisfy_pyproject_ranges():
    """Does each pin in binder/requirements.txt satisfy pyproject.toml's range?"""
    assert pin_problems(REPO / "pyproject.toml", BINDER / "requirements.txt") == []


HUB_REQUIREMENTS = REPO / "autograder" / "jupyterhub" / "requirements.txt"
# Pins the single-server hub environment may not share with Binder's: Debian 12's Python is
# 3.11.2, and soupsieve 4.1 needs 3.11.5 or newer.
HUB_MAY_DIFFER = {"soupsieve"}


def test_hub_pins_satisfy_pyproject_ranges_with_jupyterhub():
    """Does the single-server environment pin the course's dependencies and JupyterHub?"""
    assert pin_problems(REPO / "pyproject.toml", HUB_REQUIREMENTS, extras=("hub",)) == []


def test_hub_environment_matches_binder_except_where_python_forces_it():
    """Do the hub and Binder run the same versions of every package they share?"""
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
    problems = pin_problems(pyproject, BINDER / "requirements.txt")
    assert any(problem.startswith("pandas==") for problem in problems)


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
    ]:
        assert (student_bundle / part).is_file(), part
    assert "mybinder.org" in (student_bundle / "README.md").read_text()


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


@pytest.mark.slow
def test_fresh_environment_from_binder_runs_every_notebook(student_bundle, tmp_path):
    """Built only from binder/, does an environment run every lesson and released assignment?"""
    venv = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run(
        [*pip, "-r", str(student_bundle / "binder" / "requirements.txt")], check=True, timeout=1800
    )
    # As binder/postBuild does: editable, so the package finds the datasets beside it.
    subprocess.run([*pip, "--no-deps", "-e", str(student_bundle)], check=True, timeout=600)
    subprocess.run([str(venv / "bin" / "course"), "lab-settings"], check=True)
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
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
    }
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [str(python), "-c", runner, *notebooks, *released],
        cwd=tmp_path,
        env=env,
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
