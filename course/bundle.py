"""``course bundle DIR``: the student-facing tree, proven free of solutions and hidden tests.

The bundle holds what Binder (or a JupyterHub) serves to students: the lessons, the released
assignments (``nbgrader generate_assignment`` output, which has no solutions and no hidden
tests), the datasets, the ``course`` package without its instructor tools' data, ``binder/``,
the licence texts (``LICENSES/``, ``REUSE.toml``), ``CITATION.cff`` and a student README with
the Binder badge. It never holds ``autograder/source``, the
gradebook, feedback, instructor notes or checkpoints.

After writing the tree, :func:`scan` reads every file in it and looks for every solution line
and every hidden-test line of ``autograder/source``; the bundle is refused if any is found.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat

from course.grading.pipeline import run_nbgrader
from course.paths import REPO_DIR

__all__ = ["BundleLeak", "bundle", "secret_lines", "scan"]

_EXCLUDE = shutil.ignore_patterns(
    ".ipynb_checkpoints",
    "__pycache__",
    "*.pyc",
    "*.egg-info",
    ".course_answers.json",
    ".jupyter-server.log",
)
_IMPORT = re.compile(r"^(?:import [\w., ]+|from [\w.]+ import [\w., ]+)$")
_REGIONS = (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))


class BundleLeak(RuntimeError):
    """A bundle file contains a solution or hidden-test line from the instructor's source."""


def secret_lines(source_dir: Path, *, minimum: int = 8) -> set[str]:
    """Every line inside a solution or hidden-test region of the source notebooks.

    Lines shorter than ``minimum`` characters (``)``, ``else:``), import statements
    (``import base64``) and lines that also stand outside every region (a visible test may
    share a line with a hidden one) are too common to be evidence of a leak and are left out.
    """
    secrets: set[str] = set()
    public: set[str] = set()
    for path in sorted(source_dir.rglob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                if any(begin in line for begin, _ in _REGIONS):
                    inside = True
                elif any(end in line for _, end in _REGIONS):
                    inside = False
                elif len(line.strip()) >= minimum and not _IMPORT.match(line.strip()):
                    (secrets if inside else public).add(line.strip())
    return secrets - public


def _texts(root: Path) -> Iterable[tuple[Path, str]]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes().decode("utf-8", errors="replace")


def scan(root: Path, secrets: set[str]) -> list[tuple[Path, str]]:
    """Return (file, line) for every secret line found anywhere in ``root``.

    Notebooks are searched in their cell sources, outputs and metadata alike, because the raw
    JSON of every file is read; JSON escapes are undone for the comparison.
    """
    found = []
    for path, text in _texts(root):
        unescaped = text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        for line in secrets:
            if line in text or line in unescaped:
                found.append((path, line))
    return found


def bundle(
    target: str | Path,
    *,
    course_dir: str | Path | None = None,
    progress: Callable[[str], object] = print,
) -> Path:
    """Write the student bundle to ``target`` (which must not exist yet); return its path."""
    target = Path(target).resolve()
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new folder for the bundle.")
    course_dir = Path(course_dir or REPO_DIR / "autograder").resolve()
    source = course_dir / "source"
    assignments = sorted(p.name for p in source.iterdir() if p.is_dir())

    progress(f"Generating {len(assignments)} assignment(s) with nbgrader ...")
    for assignment in assignments:
        run_nbgrader(course_dir, "generate_assignment", assignment, "--force")

    progress(f"Writing {target} ...")
    target.mkdir(parents=True)
    shutil.copytree(REPO_DIR / "notebooks", target / "notebooks", ignore=_EXCLUDE)
    shutil.copytree(course_dir / "release", target / "assignments", ignore=_EXCLUDE)
    shutil.copytree(REPO_DIR / "datasets", target / "datasets", ignore=_EXCLUDE)
    shutil.copytree(REPO_DIR / "course", target / "course", ignore=_EXCLUDE)
    shutil.copytree(REPO_DIR / "binder", target / "binder", ignore=_EXCLUDE)
    shutil.copytree(REPO_DIR / "LICENSES", target / "LICENSES", ignore=_EXCLUDE)
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "REUSE.toml", "CITATION.cff"):
        shutil.copy(REPO_DIR / name, target / name)  # the package, its licences and citation
    shutil.copy(REPO_DIR / "binder" / "STUDENT_README.md", target / "README.md")

    progress("Scanning every file for solution and hidden-test lines ...")
    leaks = scan(target, secret_lines(source))
    if leaks:
        shutil.rmtree(target)
        shown = "\n".join(f"  {path}: {line[:80]}" for path, line in leaks[:10])
        raise BundleLeak(
            f"The bundle would reveal {len(leaks)} secret line(s); nothing was written:\n{shown}"
        )
    progress(f"Bundle ready: {target} (no solution or hidden-test line found)")
    return target
