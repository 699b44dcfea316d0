"""Stock serial ``nbgrader autograde`` against ``course grade`` on the same 60-submission class.

Builds a temporary course with ps1_phases, puts N complete submissions in ``submitted/`` (as
``nbgrader collect`` would leave them), then grades the class from a fresh gradebook three ways:

1. **stock serial**: ``nbgrader autograde ps1_phases``, one student after another, with
   nbgrader's own ``Execute`` (no sandbox, test cells in the student's kernel), as the course
   graded before the sandbox;
2. **course grade**: ``course grade ps1_phases --no-collect --no-feedback --force``, one worker
   per core, with everything on: each notebook in a bubblewrap sandbox, each test cell in the
   checker;
3. **course grade --no-sandbox**: the same without the sandbox (the checker still on), to
   measure the sandbox's own cost.

It also times raw execution of the same notebook with nbclient, and the start of a kernel with
and without the sandbox (start, first reply, stop: the sandbox's own cost, apart from the rest).
Every run must give every submission its 9 autograded points, or the benchmark stops. Figures
are wall times, to be read as ratios within one run; the load average before and after each run
says how busy the machine was. Where it can (root, with cgroup v1's ``cpuacct`` controller), it
also counts the CPU seconds each run used, sandboxed processes included: a figure that other
work on a shared machine disturbs far less than wall time.

    python benchmarks/autograde.py [--students 60] [--workers N]
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
AUTOGRADED_POINTS = 9.0
# The course's autograde preprocessors before the sandbox: nbgrader's own Execute.
STOCK = [
    "course.grading.preprocessors.ExtractAnswerRecords",
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str, float | None]:
    """Run ``command``; return its wall seconds, the load average before and after, and the
    CPU seconds it and everything it started used (None where that cannot be counted)."""
    group = CPUACCT / f"course-benchmark-{os.getpid()}-{time.monotonic_ns()}"
    try:
        group.mkdir()
    except OSError:
        group = None

    def join() -> None:  # in the child, before it runs: all it starts is counted too
        if group is not None:
            (group / "cgroup.procs").write_text(str(os.getpid()))

    load = os.getloadavg()[0]
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, preexec_fn=join
    )
    wall = time.perf_counter() - start
    cpu = None
    if group is not None:
        cpu = int((group / "cpuacct.usage").read_text()) / 1e9
        for _ in range(50):  # processes that are still exiting leave the group in a moment
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{result.stderr[-3000:]}")
    return wall, f"{load:.1f} -> {os.getloadavg()[0]:.1f}", cpu


def _kernel_start(sandboxed: bool, folder: str, times: int = 5) -> float:
    """Median seconds to start a kernel, get its first reply and stop it."""
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from traitlets.config import Config

    from course.grading.kernel import SandboxKernelManager

    config = Config()
    config.Sandbox.enabled = sandboxed
    manager_class = SandboxKernelManager if sandboxed else AsyncKernelManager
    seconds = []
    for _ in range(times):
        start = time.perf_counter()
        manager = manager_class(kernel_name="python3", config=config)
        run_sync(manager.start_kernel)(cwd=folder)
        client = manager.client()
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=120)
        client.stop_channels()
        run_sync(manager.shutdown_kernel)(now=True)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def _check_scores(course: Path, env: dict[str, str], n: int) -> None:
    csv = course / "scores.csv"
    subprocess.run(
        [str(BIN / "nbgrader"), "export", "--to", str(csv)],
        cwd=course,
        env=env,
        check=True,
        capture_output=True,
    )
    import pandas as pd

    scores = pd.read_csv(csv)
    scores = scores[scores["assignment"] == ASSIGNMENT]
    wrong = scores[scores["raw_score"] != AUTOGRADED_POINTS]
    if len(scores) != n or not wrong.empty:
        raise SystemExit(f"not every submission got {AUTOGRADED_POINTS} points:\n{wrong}")


def _fresh(course: Path, pristine: Path) -> None:
    shutil.rmtree(course / "autograded", ignore_errors=True)
    shutil.copy(pristine, course / "gradebook.db")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=60, help="submissions (default 60)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="course grade's workers"
    )
    args = parser.parse_args()
    n, workers = args.students, args.workers
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        shutil.copy(REPO / "autograder" / "nbgrader_config.py", course)
        shutil.copytree(REPO / "autograder" / "source", course / "source")
        gen = [str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"]
        _run(gen, course, env)
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
        plain_start = _kernel_start(False, tmp)
        sandboxed_start = _kernel_start(True, tmp)

        for number in range(n):
            folder = course / "submitted" / f"student{number:03d}" / ASSIGNMENT
            folder.mkdir(parents=True)
            shutil.copy(answered, folder / f"{ASSIGNMENT}.ipynb")
            (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
        pristine = Path(tmp) / "gradebook.db"
        shutil.copy(course / "gradebook.db", pristine)

        stock_command = [
            str(BIN / "nbgrader"),
            "autograde",
            ASSIGNMENT,
            "--force",
            f"--Autograde.autograde_preprocessors={STOCK!r}",
        ]
        stock = _run(stock_command, course, env)
        _check_scores(course, env, n)
        grade = [
            str(BIN / "course"),
            "grade",
            ASSIGNMENT,
            "--no-collect",
            "--no-feedback",
            "--force",
            f"--workers={workers}",
        ]
        _fresh(course, pristine)
        sandboxed = _run(grade, course, env)
        _check_scores(course, env, n)
        _fresh(course, pristine)
        unsandboxed = _run([*grade, "--no-sandbox"], course, env)
        _check_scores(course, env, n)

    print(f"submissions: {n}, cores: {os.cpu_count()}, course grade workers: {workers}")
    print(f"raw notebook execution (nbclient):        {raw_seconds:6.2f} s per notebook")
    print(
        f"kernel start and stop, median of 5:        {plain_start:6.2f} s plain, "
        f"{sandboxed_start:.2f} s sandboxed ({sandboxed_start - plain_start:+.2f} s)"
    )
    rows = [
        ("stock nbgrader autograde (serial)", stock),
        (f"course grade ({workers} workers)", sandboxed),
        ("course grade --no-sandbox", unsandboxed),
    ]
    for label, (wall, load, cpu) in rows:
        used = f", CPU {cpu:6.1f} s ({cpu / n:.2f} s each)" if cpu is not None else ""
        print(f"{label:36s} {wall:7.1f} s ({wall / n:.2f} s each){used}, load {load}")
    print(f"wall-time ratio stock serial / course grade:  {stock[0] / sandboxed[0]:6.2f}x")
    print(f"wall-time ratio stock serial / --no-sandbox:  {stock[0] / unsandboxed[0]:6.2f}x")
    if stock[2] and sandboxed[2] and unsandboxed[2]:
        print(f"CPU ratio stock serial / course grade:        {stock[2] / sandboxed[2]:6.2f}x")
        print(
            f"sandbox's own CPU per submission:            "
            f"{(sandboxed[2] - unsandboxed[2]) / n:+.2f} s"
        )
    overhead = (sandboxed[0] - unsandboxed[0]) * workers / n
    print(
        f"sandbox's own overhead per submission:       {overhead:+.2f} s of worker time "
        f"({overhead / (unsandboxed[0] * workers / n):+.0%})"
    )


if __name__ == "__main__":
    main()
