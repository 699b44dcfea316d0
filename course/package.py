"""The data package: ``datasets/datapackage.json``, its resources, their files, and their errors.

This is the bottom layer of the course's data code. It knows where each table lives and what
its schema declares, reads a table's CSV exactly as stored, and defines the error every layer
above reports with. It imports no other course module except :mod:`course.paths`.

The layers above it, each importing only those below, so that data flows one way::

    course.package   descriptor, resource paths, raw CSV reading, Problem and DatasetError
    course.checks    validation: Table Schema (frictionless) and the course rules
    course.data      loading: validated, typed DataFrames, one loader per table

Nothing here imports frictionless or pandas' heavier parts at import time beyond pandas itself.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from course.paths import datasets_dir

__all__ = [
    "CURATED",
    "DATE_PATTERN",
    "DERIVED",
    "DatasetError",
    "Problem",
    "package_descriptor",
    "read_raw",
    "resource_descriptor",
    "table_path",
]

CURATED = (
    "documents",
    "defects",
    "phases",
    "actors",
    "events",
    "figures",
    "attributions",
    "framing",
)
DERIVED = ("paragraphs", "sentences", "live_entries", "framing_counts", "framing_uses")
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class Problem:
    """One thing wrong with a table: where (row, field) and what.

    ``row`` counts the header as row 1, as a spreadsheet shows it; ``None`` means the whole
    table. ``field`` is a column name, or ``None`` for a problem with a whole row or table.
    """

    def __init__(self, table: str, row: int | None, field: str | None, message: str) -> None:
        self.table, self.row, self.field, self.message = table, row, field, message

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where) or 'table'}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self.table!r}, {self.row!r}, {self.field!r}, {self.message!r})"


class DatasetError(ValueError):
    """A table breaks its schema or a course rule. The message names file, rows and fields.

    Row numbers count the header as row 1, as a spreadsheet shows them.
    """

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path, self.problems = path, problems
        shown = "\n".join(f"  - {problem}" for problem in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{path} is not valid ({len(problems)} problem(s)):\n{shown}{more}")


@cache
def _package(path: Path, mtime: float) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        problem = Problem("datapackage", None, None, f"invalid JSON: {error}")
        raise DatasetError(path, [problem]) from error


def package_descriptor() -> dict[str, Any]:
    """Return ``datasets/datapackage.json`` as a dict (re-read when the file changes).

    Raises ``FileNotFoundError`` naming the file when it is missing, and :class:`DatasetError`
    when it is not valid JSON.
    """
    path = datasets_dir() / "datapackage.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: it declares every course table.")
    return _package(path, path.stat().st_mtime)


def resource_descriptor(name: str) -> dict[str, Any]:
    """Return the data-package resource ``name``; the ``KeyError`` lists the valid names."""
    resources = {resource["name"]: resource for resource in package_descriptor()["resources"]}
    if name not in resources:
        raise KeyError(f"No table named {name!r}. Tables: {', '.join(resources)}.")
    return resources[name]


def table_path(name: str) -> Path:
    """Return the CSV file of table ``name`` (which may not exist yet)."""
    return datasets_dir() / resource_descriptor(name)["path"]


def read_raw(name: str) -> pd.DataFrame:
    """Return table ``name`` exactly as stored: every cell a string, empty cells as ``""``."""
    return pd.read_csv(table_path(name), dtype=str, keep_default_na=False, encoding="utf-8")
