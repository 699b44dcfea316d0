"""The grades export survives names and ids with commas, quotes and line breaks.

nbgrader's own CSV export quotes nothing; a roster name such as ``García, Ana`` shifted its
row and reading the export failed for the whole class. The course's plugin writes the same
columns and values through :mod:`csv`.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from nbgrader.api import Gradebook
from nbgrader.plugins.export import CsvExportPlugin

from course.grading.csv_export import COLUMNS, QuotedCsvExportPlugin


@pytest.fixture(autouse=True)
def _alembic_on_path(monkeypatch):
    """nbgrader's Gradebook runs alembic from PATH: the one beside this Python."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")


NAMES = [
    ("plain", "Haddad", "Omar"),
    ("comma", "García, Jr.", "Ana"),
    ("quote", 'O"Neil', "Sam"),
    ("newline", "Line\nBreak", "Lee"),
]


@pytest.fixture
def gradebook(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url, "aleppo") as gb:
        gb.add_assignment("ps1_phases", duedate=datetime(2026, 12, 1, 12))
        for student_id, last, first in NAMES:
            gb.add_student(student_id, last_name=last, first_name=first, email=f"{student_id}@x")
    return url


def _export(plugin_class, url, path):
    with Gradebook(url, "aleppo") as gb:
        plugin_class(to=str(path)).export(gb)
    return path


def test_every_row_reads_back_with_its_own_values(gradebook, tmp_path):
    frame = pd.read_csv(
        _export(QuotedCsvExportPlugin, gradebook, tmp_path / "g.csv"), keep_default_na=False
    )
    assert list(frame.columns) == COLUMNS
    assert sorted(tuple(r) for r in frame[["student_id", "last_name", "first_name"]].values) == (
        sorted(NAMES)
    )


def test_stock_export_breaks_on_the_same_names(gradebook, tmp_path):
    """The case the plugin exists for: nbgrader's own export cannot be read back."""
    path = _export(CsvExportPlugin, gradebook, tmp_path / "stock.csv")
    try:
        frame = pd.read_csv(path, keep_default_na=False)
    except pd.errors.ParserError:
        return
    assert sorted(tuple(r) for r in frame[["student_id", "last_name", "first_name"]].values) != (
        sorted(NAMES)
    )


def test_plain_names_export_as_nbgrader_does(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url, "aleppo") as gb:
        gb.add_assignment("ps1_phases")
        gb.add_student("omar", last_name="Haddad", first_name="Omar")
    ours = pd.read_csv(_export(QuotedCsvExportPlugin, url, tmp_path / "a.csv"), dtype=str)
    stock = pd.read_csv(_export(CsvExportPlugin, url, tmp_path / "b.csv"), dtype=str)
    pd.testing.assert_frame_equal(ours, stock)
