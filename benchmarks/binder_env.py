"""Install time and size of the course's environments against a bare install of five libraries.

Builds fresh virtual environments with pip, one after the other:

* ``binder``: ``binder/requirements.txt`` plus the course package (what the Binder image holds:
  the student set and JupyterLab with nbgrader's student tools);
* ``base``: the course package with its base dependencies only (``pip install aleppo-course``,
  what a student's kernel needs; no JupyterLab, no instructor tools);
* ``bare``: ``jupyterlab nbgrader pandas plotly ipywidgets`` alone.

Prints each one's wall time, size on disk and package count, and the ratios to the first one
listed. pip's cache is shared, so every build measures installing, not downloading.

    python benchmarks/binder_env.py [--envs binder,base,bare]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BARE = ["jupyterlab", "nbgrader", "pandas", "plotly", "ipywidgets"]
ENVIRONMENTS = {
    "binder": (["-r", str(REPO / "binder" / "requirements.txt")], ["--no-deps", str(REPO)]),
    "base": ([str(REPO)],),
    "bare": (BARE,),
}


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _build(folder: Path, *install: list[str]) -> tuple[float, float, int]:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = str(folder / "bin" / "python")
    for arguments in install:
        subprocess.run([python, "-m", "pip", "install", "--quiet", *arguments], check=True)
    seconds = time.perf_counter() - start
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze"], check=True, capture_output=True
    )
    return seconds, _size_mb(folder), len(listed.stdout.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--envs",
        default="binder,base,bare",
        help=f"comma-separated, from {', '.join(ENVIRONMENTS)}; ratios are to the first",
    )
    args = parser.parse_args()
    names = [name.strip() for name in args.envs.split(",") if name.strip()]
    unknown = set(names) - set(ENVIRONMENTS)
    if unknown or not names:
        raise SystemExit(f"--envs takes names from {', '.join(ENVIRONMENTS)}, not {args.envs!r}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            results[name] = _build(Path(tmp) / name, *ENVIRONMENTS[name])
    first = names[0]
    print(f"{'environment':12} {'install':>9} {'size':>9} {'packages':>9}")
    for name, (seconds, size, packages) in results.items():
        print(f"{name:12} {seconds:8.1f}s {size:6.0f} MB {packages:9d}")
    for name in names[1:]:
        seconds, size, packages = results[name]
        print(
            f"ratio ({name} / {first}): time {seconds / results[first][0]:.2f}x, "
            f"size {size / results[first][1]:.2f}x, packages {packages / results[first][2]:.2f}x"
        )


if __name__ == "__main__":
    main()
