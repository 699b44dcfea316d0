"""Reading handed-in notebook files without trusting them: names, answers, size, outputs.

Students hand in whatever their browser and editor produced: ``ps1_phases (1).ipynb`` from a
second download, ``ps1_phases-Copy1.ipynb`` from JupyterLab's Duplicate, ``ps1_phases-1.ipynb``
from Canvas's renaming of a re-upload, nbformat 3 files from old tools, 10 MB files holding
plotly.js twice. These helpers look at such files as data (JSON), never run them.

* :func:`match_notebook` — which expected notebook a file name stands for, and why;
* :func:`answered_cells` — how many solution cells differ from the released notebook;
* :func:`strip_outputs` — the same notebook with every output removed (grading re-runs every
  cell, so outputs never count towards a grade), for files over the size limit.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "NameMatch",
    "answered_cells",
    "file_digest",
    "grade_ids",
    "human_size",
    "match_notebook",
    "strip_outputs",
]

# Suffixes that browsers, editors and platforms add to a file name, outermost first.
_SUFFIXES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?P<stem>.+?)-Copy(?P<n>\d*)$"), "a copy made in JupyterLab ('-Copy{n}')"),
    (re.compile(r"^(?P<stem>.+?) ?\((?P<n>\d+)\)$"), "the browser's copy suffix ' ({n})'"),
    (re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)$"), "the suffix '-{n}' (a re-upload or a copy)"),
    (re.compile(r"^(?P<stem>.+?) copy(?: (?P<n>\d+))?$", re.I), "a copy made by the file manager"),
    (re.compile(r"^(?P<stem>.+?)_(?P<n>\d+)$"), "the suffix '_{n}'"),
    (re.compile(r"^(?P<stem>.+?) (?P<n>\d+)$"), "the copy suffix ' {n}'"),
]


@dataclass(frozen=True)
class NameMatch:
    """How a handed-in file name relates to an expected notebook name.

    ``notebook`` is the expected name ("ps1_phases.ipynb"), or "" when the name matches none.
    ``how`` is "exact", "case", "suffix" or ""; ``note`` says it in words; ``rank`` is the
    highest copy number seen (0 for none), so ``-2`` outranks ``-1``.
    """

    notebook: str
    how: str
    note: str = ""
    rank: int = 0


def match_notebook(filename: str, expected: list[str]) -> NameMatch:
    """Return which of ``expected`` the handed-in ``filename`` stands for.

    ``ps1_phases.ipynb`` matches exactly; ``PS1_Phases.ipynb`` by case; ``ps1_phases (1).ipynb``,
    ``ps1_phases-1.ipynb``, ``ps1_phases-Copy1.ipynb``, ``ps1_phases copy.ipynb`` and stacked
    forms such as ``ps1_phases-1 (2).ipynb`` by suffix. Anything else returns an empty match.
    """
    name = unicodedata.normalize("NFC", filename)
    by_stem = {Path(e).stem.casefold(): e for e in expected}
    if name in expected:
        return NameMatch(name, "exact")
    stem, ext = (name[: -len(".ipynb")], ".ipynb") if name.lower().endswith(".ipynb") else ("", "")
    if not ext:
        return NameMatch("", "")
    if stem.casefold() in by_stem:
        return NameMatch(by_stem[stem.casefold()], "case", "its name differs only in case")
    notes, rank = [], 0
    for _ in range(4):  # suffixes can stack: "ps1_phases-1 (2)"
        for pattern, words in _SUFFIXES:
            found = pattern.match(stem)
            if found:
                stem = found["stem"].rstrip()
                n = found.groupdict().get("n") or ""
                notes.append(words.format(n=n))
                rank = max(rank, int(n) if n.isdigit() else 1)
                break
        else:
            break
        if stem.casefold() in by_stem:
            return NameMatch(
                by_stem[stem.casefold()], "suffix", "its name carries " + " and ".join(notes), rank
            )
    return NameMatch("", "")


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (hex), to tell copies from different files."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def human_size(size: int) -> str:
    """Bytes as a short figure with a unit: 9.9 MB, 41 KB (decimal units, as nbgrader's limit)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} KB"
    return f"{size} bytes"


def _cells(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    if notebook.get("nbformat", 4) < 4:  # nbformat 3: cells live in worksheets
        return [c for ws in notebook.get("worksheets", []) for c in ws.get("cells", [])]
    return list(notebook.get("cells", []))


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", cell.get("input", ""))
    return "".join(source) if isinstance(source, list) else str(source or "")


def _load(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def grade_ids(path: Path) -> dict[str, str]:
    """``{grade_id: source}`` of every nbgrader cell in a notebook; {} if it cannot be read."""
    notebook = _load(path)
    if notebook is None:
        return {}
    found = {}
    for cell in _cells(notebook):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if isinstance(meta, dict) and meta.get("grade_id"):
            found.setdefault(str(meta["grade_id"]), _source(cell))
    return found


def answered_cells(path: Path, released: Path) -> int | None:
    """How many of the released notebook's solution cells ``path`` has changed (None: unreadable).

    A blank hand-in scores 0; a copy holding the student's work scores the number of answers.
    Solution cells are found by their nbgrader ``grade_id`` in the released notebook.
    """
    notebook, release = _load(path), _load(released)
    if notebook is None or release is None:
        return None
    blank = {
        meta["grade_id"]: _source(cell).strip()
        for cell in _cells(release)
        if (meta := (cell.get("metadata") or {}).get("nbgrader") or {}).get("solution")
    }
    changed = set()
    for cell in _cells(notebook):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if grade_id in blank and _source(cell).strip() != blank[grade_id]:
            changed.add(grade_id)
    return len(changed)


def strip_outputs(path: Path, destination: Path) -> int | None:
    """Write ``path`` to ``destination`` with every cell output removed; return the new size.

    Notebook and cell metadata (including saved widget answers) are kept; nbformat 3 and 4
    keep their own format. Returns None, writing nothing, if ``path`` is not a readable
    notebook.
    """
    notebook = _load(path)
    if notebook is None or not isinstance(notebook.get("cells", notebook.get("worksheets")), list):
        return None
    for cell in _cells(notebook):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            if "execution_count" in cell:
                cell["execution_count"] = None
            cell.pop("prompt_number", None)
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    destination.write_text(text, encoding="utf-8")
    return destination.stat().st_size
