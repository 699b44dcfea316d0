"""Every benchmark keeps running: each script in benchmarks/ runs at its smallest size.

A smoke test checks only that the script finishes and prints its figures (numbers where the
script prints numbers); it never checks a timing. Speed is read from the scripts' output by
people, as ratios within one run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

BENCHMARKS = REPO / "benchmarks"
NUMBER = r"[-+]?\d+(?:\.\d+)?"

# script → (arguments for its smallest run, the lines its figures appear on, extra markers).
SMOKE = {
    "load_tables.py": (
        ["--repeat", "1"],
        [
            rf"fresh interpreter importing pandas\s+{NUMBER} s",
            rf"ratio course\.data / pandas\.read_csv, whole process: {NUMBER}x",
            rf"ratio re-validating / course\.data, whole process:\s+{NUMBER}x",
        ],
        [pytest.mark.slow],
    ),
    "lessons.py": (
        ["--repeat", "1", "--lesson", "00"],
        [rf"00_start_here\s+{NUMBER}s\s+{NUMBER}s\s+{NUMBER}x\s+{NUMBER}s"],
        [pytest.mark.slow],
    ),
    "memory.py": (
        ["--lesson", "00"],
        [rf"00_start_here\s+{NUMBER} MB\s+{NUMBER} MB\s+{NUMBER}x"],
        [pytest.mark.slow],
    ),
    "binder_env.py": (
        ["--envs", "base,binder"],
        [
            rf"base\s+{NUMBER}s\s+{NUMBER} MB\s+\d+",
            rf"binder\s+{NUMBER}s\s+{NUMBER} MB\s+\d+",
            rf"ratio \(binder / base\): time {NUMBER}x, size {NUMBER}x, packages {NUMBER}x",
        ],
        [pytest.mark.slow],
    ),
    "autograde.py": (
        ["--students", "2"],
        [
            rf"kernel start and stop, median of 5:\s+{NUMBER} s plain, {NUMBER} s sandboxed",
            rf"stock nbgrader autograde \(serial\)\s+{NUMBER} s",
            rf"wall-time ratio stock serial / course grade:\s+{NUMBER}x",
            rf"wall-time ratio stock serial / --no-sandbox:\s+{NUMBER}x",
            rf"sandbox's own overhead per submission:\s+{NUMBER} s of worker time \({NUMBER}%\)",
        ],
        [pytest.mark.slow],
    ),
    # Needs root, npm and a real JupyterHub with Unix accounts: run with `-m hub`.
    "hub_load.py": (
        ["--students", "1"],
        [rf"wall time, 1 at once / 1 alone: {NUMBER}x", r"submissions lost: \d+"],
        [pytest.mark.slow, pytest.mark.hub],
    ),
}


def test_every_benchmark_has_a_smoke_test():
    """Is every script in benchmarks/ run by a smoke test here, and no script missing?"""
    assert set(SMOKE) == {p.name for p in BENCHMARKS.glob("*.py")}


def figures_missing(output: str, patterns: list[str]) -> list[str]:
    """The figure lines (as patterns) that ``output`` does not contain."""
    return [pattern for pattern in patterns if not re.search(pattern, output)]


def test_a_run_that_prints_no_figures_is_reported():
    """Would the smoke test notice a run whose figure lines are missing or hold no numbers?"""
    patterns = SMOKE["load_tables.py"][1]
    printed = "ratio course.data / pandas.read_csv, whole process: nanx\n"
    assert figures_missing(printed, patterns) == patterns
    good = (
        "fresh interpreter importing pandas           0.512 s\n"
        "ratio course.data / pandas.read_csv, whole process: 1.31x\n"
        "ratio re-validating / course.data, whole process:   4.02x\n"
    )
    assert figures_missing(good, patterns) == []


@pytest.mark.parametrize(
    "script",
    [pytest.param(name, marks=marks) for name, (_, _, marks) in SMOKE.items()],
)
def test_benchmark_runs_at_its_smallest_size_and_prints_its_figures(script):
    """Does the benchmark finish at its smallest size and print each of its figures?"""
    arguments, patterns, _ = SMOKE[script]
    if script == "hub_load.py" and os.geteuid() != 0:
        pytest.skip("hub_load.py creates Unix accounts: it needs root")
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    shown = f"\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    assert result.returncode == 0, shown
    assert figures_missing(result.stdout, patterns) == [], shown
    print(result.stdout)  # the figures, for whoever reads the test log


def test_benchmarks_refuse_an_unknown_lesson():
    """Does a lesson filter that matches nothing stop with a message, not print an empty table?"""
    for script in ("lessons.py", "memory.py"):
        result = subprocess.run(
            [sys.executable, str(BENCHMARKS / script), "--lesson", "99"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0
        assert "No lesson starts with" in result.stderr


def test_binder_env_refuses_an_unknown_environment():
    """Does binder_env.py name the environments it knows when given another?"""
    result = subprocess.run(
        [sys.executable, str(Path(BENCHMARKS / "binder_env.py")), "--envs", "conda"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "binder, base, bare" in result.stderr
