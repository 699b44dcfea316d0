"""Build hook: a wheel carries the datasets inside the package, as ``course/datasets/``.

Everything else about the package is declared in ``pyproject.toml``. In a clone the datasets
live once, in ``datasets/`` beside ``course/``; an editable install reads them there (see
:mod:`course.paths`), so nothing is copied for it. A built wheel has no clone beside it, so
``build_py`` copies the folder into the build tree under the package, where the loaders find it
after ``pip install aleppo-course``. The sdist carries ``datasets/`` itself (``MANIFEST.in``),
so a wheel built from the sdist gets the same copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATASETS = HERE / "datasets"
# Never part of the data: editor and notebook leftovers.
IGNORE = shutil.ignore_patterns(".*", "__pycache__", "*.pyc", "*~")


class BuildPyWithDatasets(build_py):
    """``build_py`` that also copies ``datasets/`` to ``<build>/course/datasets/``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads datasets/ in the source tree
            return
        if not (DATASETS / "datapackage.json").is_file():
            raise SystemExit(
                f"{DATASETS} has no datapackage.json: build the wheel from a clone of the "
                "repository (or from its sdist), which holds the datasets."
            )
        target = Path(self.build_lib) / "course" / "datasets"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(DATASETS, target, ignore=IGNORE)


setup(cmdclass={"build_py": BuildPyWithDatasets})
