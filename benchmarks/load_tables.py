"""How much does validated, typed loading cost on top of reading the CSVs with pandas?

Runs each variant in a fresh interpreter (as a notebook kernel would meet it) several times and
prints the median wall time and the ratio of course.data to plain pandas.read_csv. No timing is
asserted anywhere; the issue's target is that loading every table takes well under a second.

    python benchmarks/load_tables.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = (
    "documents defects phases actors events figures attributions framing paragraphs "
    "sentences live_entries framing_counts"
).split()

PLAIN = f"""
import pandas as pd
from course.data import table_path
for name in {TABLES!r}:
    pd.read_csv(table_path(name), dtype=str, keep_default_na=False)
"""

COURSE = f"""
from course import data
for name in {TABLES!r}:
    data.load(name)
"""

BASELINE = "import pandas, course.paths"


def _median_seconds(code: str, repeat: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    baseline = _median_seconds(BASELINE, args.repeat)
    plain = _median_seconds(PLAIN, args.repeat)
    course = _median_seconds(COURSE, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        # Without recorded fingerprints every table is validated in full by frictionless and
        # the course rules: what a student meets after editing a table.
        copy = Path(tmp) / "datasets"
        shutil.copytree(Path(__file__).resolve().parents[1] / "datasets", copy)
        (copy / "derived" / "validated.json").unlink()
        unstamped = _median_seconds(
            COURSE, args.repeat, {**os.environ, "COURSE_DATASETS": str(copy)}
        )
    print(f"fresh interpreter importing pandas          {baseline:6.3f} s")
    print(
        f"+ read all 12 tables with pandas.read_csv   {plain:6.3f} s  (+{plain - baseline:.3f} s)"
    )
    print(
        f"+ load all 12 with course.data (committed)  {course:6.3f} s  (+{course - baseline:.3f} s)"
    )
    print(
        f"+ load all 12, every table re-validated     {unstamped:6.3f} s"
        f"  (+{unstamped - baseline:.3f} s)"
    )
    print(f"ratio course.data / pandas.read_csv, whole process: {course / plain:.2f}x")
    print(f"ratio re-validating / course.data, whole process:   {unstamped / course:.2f}x")


if __name__ == "__main__":
    main()
