"""Where the course finds its files: the datasets folder and the raw documents in it.

Every other module asks here instead of building paths itself, so that a maintainer who moves
the datasets (or a test that points at a temporary copy) changes one place. Set the
``COURSE_DATASETS`` environment variable to use a datasets folder other than the one that ships
next to the package.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def datasets_dir() -> Path:
    """Return the datasets folder: ``$COURSE_DATASETS`` if set, else ``<repo>/datasets``."""
    override = os.environ.get("COURSE_DATASETS")
    path = Path(override) if override else REPO_DIR / "datasets"
    if not path.is_dir():
        raise FileNotFoundError(
            f"The course datasets folder {path} does not exist. "
            "Run the course from a clone of the repository, or set COURSE_DATASETS to the "
            "folder that holds datapackage.json."
        )
    return path
