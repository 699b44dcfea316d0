"""Shared fixtures: a private copy of the datasets that a test may break without harm."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO / "datasets"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def datasets_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of datasets/ that the course reads instead of the real one (via COURSE_DATASETS)."""
    copy = tmp_path / "datasets"
    shutil.copytree(DATASETS, copy)
    monkeypatch.setenv("COURSE_DATASETS", str(copy))
    return copy
