"""`course build`: reproducible derived files, and nothing written when the inputs are bad."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course import build, checks, data
from tests.conftest import DATASETS


def _snapshot(root: Path) -> dict[str, bytes]:
    files = [root / "README.md", *sorted((root / "derived").glob("*"))]
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def test_build_reproduces_the_committed_files_byte_for_byte(datasets_copy):
    """Does regenerating every derived file give exactly the committed bytes?"""
    committed = _snapshot(DATASETS)
    for path in (datasets_copy / "derived").glob("*"):
        path.unlink()
    build.build(progress=lambda message: None)
    assert _snapshot(datasets_copy) == committed


def test_build_twice_gives_identical_output(datasets_copy):
    """Is the build deterministic from one run to the next?"""
    build.build(progress=lambda message: None)
    first = _snapshot(datasets_copy)
    build.build(progress=lambda message: None)
    assert _snapshot(datasets_copy) == first


def test_build_writes_nothing_when_a_curated_table_is_invalid(datasets_copy):
    """Does a broken curated table stop the build before any derived file changes?"""
    before = _snapshot(datasets_copy)
    events = datasets_copy / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace(",day,", ",hour,", 1), encoding="utf-8"
    )
    with pytest.raises(build.BuildError, match=r"events.csv[\s\S]*date_precision"):
        build.build(progress=lambda message: None)
    assert _snapshot(datasets_copy) == before


def test_build_reports_progress(datasets_copy):
    """Does the build tell the user what it is doing, file by file?"""
    messages: list[str] = []
    build.build(progress=messages.append)
    assert messages[0].startswith("Checking the curated tables")
    assert "  wrote derived/framing_counts.csv" in messages


def test_fingerprints_cover_every_table():
    """Does validated.json record a fingerprint for every table, matching the files?"""
    stamps = checks._stamps()
    assert set(stamps) == {*data.CURATED, *data.DERIVED}
    assert all(stamps[name] == checks.fingerprint(name) for name in stamps)


def _course(*args: str, env_root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COURSE_DATASETS": str(env_root)}
    return subprocess.run(
        [sys.executable, "-m", "course.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_course_validate_passes_on_the_committed_data():
    """Does `course validate` exit 0 and report every table valid?"""
    result = _course("validate", env_root=DATASETS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "13 of 13 tables valid." in result.stdout


def test_course_validate_fails_and_names_the_problem(datasets_copy):
    """Does `course validate` exit 1 and print the file's row and field on bad data?"""
    figures = datasets_copy / "figures.csv"
    frame = data.read_raw("figures")
    frame.loc[0, "topic"] = "fatalities"  # not in the topic enum
    frame.to_csv(figures, index=False)
    result = _course("validate", env_root=datasets_copy)
    assert result.returncode == 1
    assert "row 2, field 'topic'" in result.stdout


def test_course_build_shows_progress_and_succeeds(datasets_copy):
    """Does `course build` print progress to stderr and succeed on good data?"""
    result = _course("build", env_root=datasets_copy)
    assert result.returncode == 0, result.stderr
    assert "Checking the curated tables" in result.stderr
    assert "wrote derived/sentences.csv" in result.stderr
