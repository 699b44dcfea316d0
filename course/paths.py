"""Where the course finds its files: the datasets folder and the raw documents in it.

Every other module asks here instead of building paths itself, so that a maintainer who moves
the datasets (or a test that points at a temporary copy) changes one place. The folder is the
first of these that exists:

1. ``$COURSE_DATASETS``, when set: any folder that holds ``datapackage.json`` (a test's copy, or
   the datasets inside a hub's image). A setting that names no such folder is an error, never
   silently skipped.
2. ``datasets/`` of the source tree the package was imported from: a clone or the student
   bundle, installed editable (``pip install -e .``), so that maintainers edit one copy.
3. ``course/datasets/`` inside the installed package: the copy that ``setup.py`` puts into the
   wheel, so that ``pip install aleppo-course`` loads every table with no clone beside it.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PACKAGED_DATASETS", "PACKAGE_DIR", "REPO_DIR", "SOURCE_DATASETS", "datasets_dir"]

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
#: ``datasets/`` beside the package in a clone or bundle (an editable install reads it).
SOURCE_DATASETS = REPO_DIR / "datasets"
#: The copy a built wheel carries inside the package (absent in a source tree).
PACKAGED_DATASETS = PACKAGE_DIR / "datasets"
_MARKER = "datapackage.json"


def _is_source_tree(folder: Path) -> bool:
    # A folder named datasets/ beside an installed package may belong to another distribution
    # (Hugging Face's `datasets` lives in site-packages): only a source tree's counts.
    return (folder / _MARKER).is_file() and (folder.parent / "pyproject.toml").is_file()


def datasets_dir() -> Path:
    """Return the datasets folder: ``$COURSE_DATASETS``, the source tree's, or the packaged copy.

    Raises ``FileNotFoundError`` naming the setting or the folders looked in.
    """
    override = os.environ.get("COURSE_DATASETS")
    if override:
        path = Path(override)
        if not path.is_dir():
            raise FileNotFoundError(
                f"COURSE_DATASETS is set to {path}, which is not a folder. Point it at the "
                f"folder that holds {_MARKER}, or unset it to use the course's own datasets."
            )
        return path
    if _is_source_tree(SOURCE_DATASETS):
        return SOURCE_DATASETS
    if (PACKAGED_DATASETS / _MARKER).is_file():
        return PACKAGED_DATASETS
    raise FileNotFoundError(
        f"The course datasets are missing: neither {SOURCE_DATASETS} (a clone of the repository) "
        f"nor {PACKAGED_DATASETS} (an installed wheel) holds {_MARKER}. Reinstall the package "
        "(pip install aleppo-course), install a clone with pip install -e ., or set "
        f"COURSE_DATASETS to the folder that holds {_MARKER}."
    )
