"""Install time and size of the Binder environment against a bare install of the five libraries.

Builds two fresh virtual environments with pip, one after the other: one from
``binder/requirements.txt`` plus the course package (what the Binder image holds), one from
``jupyterlab nbgrader pandas plotly ipywidgets`` alone. Prints each one's wall time and size on
disk, and the ratios. pip's cache is shared, so both measure installing, not downloading.

    python benchmarks/binder_env.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BARE = ["jupyterlab", "nbgrader", "pandas", "plotly", "ipywidgets"]


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _build(folder: Path, *install: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    for arguments in install:
        subprocess.run(
            [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", *arguments],
            check=True,
        )
    return time.perf_counter() - start, _size_mb(folder)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        course_time, course_size = _build(
            Path(tmp) / "binder",
            ["-r", str(REPO / "binder" / "requirements.txt")],
            ["--no-deps", str(REPO)],
        )
        bare_time, bare_size = _build(Path(tmp) / "bare", BARE)
    print(f"binder environment:  {course_time:6.1f} s  {course_size:7.0f} MB")
    print(f"bare five libraries: {bare_time:6.1f} s  {bare_size:7.0f} MB")
    print(
        f"ratio (binder / bare): time {course_time / bare_time:.2f}x, "
        f"size {course_size / bare_size:.2f}x"
    )


if __name__ == "__main__":
    main()
