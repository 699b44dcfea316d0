"""Each lesson's execution time next to a notebook that only imports the same libraries.

For every notebook in notebooks/, the script builds a twin notebook holding just the lesson's
import lines, executes both headless in fresh kernels (alternating, ``--repeat`` times) and
prints the median times and their ratio. The difference is the lesson's own work: loading
tables, building figures and widgets. Nothing is asserted; read the ratios.

    python benchmarks/lessons.py [--repeat 3] [--lesson 01 ...]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
IMPORT = re.compile(r"^\s*(import \S+|from \S+ import .+)$", re.MULTILINE)


def _imports_only(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    lines = [
        m.group(1) for c in nb.cells if c.cell_type == "code" for m in IMPORT.finditer(c.source)
    ]
    twin = nbformat.v4.new_notebook(metadata=nb.metadata)
    twin.cells = [nbformat.v4.new_code_cell("\n".join(dict.fromkeys(lines)))]
    return twin


def _run(nb: nbformat.NotebookNode) -> float:
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    return time.perf_counter() - start


def lessons(prefixes: list[str] | None) -> list[Path]:
    """The lesson notebooks, or those whose name starts with one of ``prefixes``."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    chosen = [p for p in paths if not prefixes or p.name.startswith(tuple(prefixes))]
    if not chosen:
        raise SystemExit(f"No lesson starts with {prefixes}: {', '.join(p.stem for p in paths)}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each notebook (median)")
    parser.add_argument(
        "--lesson",
        action="append",
        default=None,
        help="only the lessons whose name starts with this (e.g. 01); repeatable; default all",
    )
    args = parser.parse_args()
    print(f"{'notebook':32} {'imports only':>12} {'lesson':>9} {'ratio':>7} {'own work':>9}")
    for path in lessons(args.lesson):
        lesson = nbformat.read(path, as_version=4)
        base_times, lesson_times = [], []
        for _ in range(args.repeat):
            base_times.append(_run(_imports_only(lesson)))
            lesson_times.append(_run(nbformat.read(path, as_version=4)))
        base, full = statistics.median(base_times), statistics.median(lesson_times)
        print(f"{path.stem:32} {base:11.2f}s {full:8.2f}s {full / base:6.2f}x {full - base:8.2f}s")


if __name__ == "__main__":
    main()
