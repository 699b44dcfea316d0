"""Stock serial ``nbgrader autograde`` against ``course grade`` on the same 60-submission class.

Builds a temporary course with ps1_phases, puts 60 complete submissions in ``submitted/``
(as ``nbgrader collect`` would leave them), then grades the class twice from a fresh gradebook:
once with ``nbgrader autograde ps1_phases`` (one student after another) and once with
``course grade ps1_phases --no-collect --no-feedback --force`` (one worker per core). It also
times raw execution of the same notebook with nbclient, and prints:

* the wall-time ratio serial / parallel;
* the per-submission overhead beyond raw execution: (wall × workers / n − raw) / raw.

    python benchmarks/autograde.py [--students 60]
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

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course.grading.preprocessors import ExtractAnswerRecords  # noqa: E402
from tests.classroom import RIGHT, fill, right_order, save_widget_answer  # noqa: E402

ASSIGNMENT = "ps1_phases"
BIN = Path(sys.executable).parent


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=60)
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        shutil.copy(REPO / "autograder" / "nbgrader_config.py", course)
        shutil.copytree(REPO / "autograder" / "source", course / "source")
        _run([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], course, env)
        answered = Path(tmp) / f"{ASSIGNMENT}.ipynb"
        shutil.copy(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", answered)
        fill(answered, RIGHT)
        save_widget_answer(answered, "ps1-order-events", right_order())

        raw = []
        for _ in range(3):
            nb = nbformat.read(answered, as_version=4)
            # what autograde does first: hand the saved widget answers to the kernel
            ExtractAnswerRecords().preprocess(nb, {"metadata": {"path": tmp}})
            start = time.perf_counter()
            NotebookClient(
                nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": tmp}}
            ).execute()
            raw.append(time.perf_counter() - start)
        raw_seconds = statistics.median(raw)

        for number in range(args.students):
            folder = course / "submitted" / f"student{number:03d}" / ASSIGNMENT
            folder.mkdir(parents=True)
            shutil.copy(answered, folder / f"{ASSIGNMENT}.ipynb")
            (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
        pristine = Path(tmp) / "gradebook.db"
        shutil.copy(course / "gradebook.db", pristine)

        serial = _run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"], course, env)
        shutil.rmtree(course / "autograded")
        shutil.copy(pristine, course / "gradebook.db")
        parallel = _run(
            [
                str(BIN / "course"),
                "grade",
                ASSIGNMENT,
                "--no-collect",
                "--no-feedback",
                "--force",
                f"--workers={workers}",
            ],
            course,
            env,
        )

    n = args.students
    print(f"submissions: {n}, cores: {workers}")
    print(f"raw notebook execution (nbclient):   {raw_seconds:6.2f} s per notebook")
    print(f"stock nbgrader autograde (serial):   {serial:6.1f} s  ({serial / n:.2f} s each)")
    print(
        f"course grade ({workers} workers):           {parallel:6.1f} s  "
        f"({parallel / n:.2f} s each, wall)"
    )
    print(f"wall-time ratio serial / parallel:   {serial / parallel:6.2f}x")
    per_submission = parallel * workers / n
    print(
        f"per-submission overhead beyond raw execution, course grade: "
        f"{(per_submission - raw_seconds) / raw_seconds:+.0%}"
    )
    print(
        f"per-submission overhead beyond raw execution, stock serial: "
        f"{(serial / n - raw_seconds) / raw_seconds:+.0%}"
    )


if __name__ == "__main__":
    main()
