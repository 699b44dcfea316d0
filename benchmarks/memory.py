"""Peak memory of each lesson's kernel, to compare with mybinder's 1-2 GB per user.

Each notebook runs headless in a fresh kernel with one extra cell at the end that prints the
kernel's peak resident memory (``ru_maxrss``). The imports-only twin of each lesson (the same
import lines, nothing else) gives the baseline, so the lesson's own share shows as a ratio.

    python benchmarks/memory.py [--lesson 01 ...]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
IMPORT = re.compile(r"^\s*(import \S+|from \S+ import .+)$", re.MULTILINE)
PEAK = "import resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def _peak_mb(nb: nbformat.NotebookNode) -> float:
    nb.cells.append(nbformat.v4.new_code_cell(PEAK))
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    return int(nb.cells[-1].outputs[0]["text"].strip()) / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lesson",
        action="append",
        default=None,
        help="only the lessons whose name starts with this (e.g. 01); repeatable; default all",
    )
    args = parser.parse_args()
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    paths = [p for p in paths if not args.lesson or p.name.startswith(tuple(args.lesson))]
    if not paths:
        raise SystemExit(f"No lesson starts with {args.lesson}")
    print(f"{'notebook':32} {'imports only':>12} {'lesson':>9} {'ratio':>7}")
    for path in paths:
        lesson = nbformat.read(path, as_version=4)
        lines = [
            m.group(1)
            for c in lesson.cells
            if c.cell_type == "code"
            for m in IMPORT.finditer(c.source)
        ]
        twin = nbformat.v4.new_notebook(metadata=lesson.metadata)
        twin.cells = [nbformat.v4.new_code_cell("\n".join(dict.fromkeys(lines)))]
        base, full = _peak_mb(twin), _peak_mb(lesson)
        print(f"{path.stem:32} {base:9.0f} MB {full:6.0f} MB {full / base:6.2f}x")


if __name__ == "__main__":
    main()
