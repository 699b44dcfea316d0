"""JupyterLab settings the course depends on, installed as environment-wide overrides.

The most important one makes JupyterLab *save widget state* in the notebook file, which is how
a learner's checked answers travel to the grader (see :mod:`course.records`). The others turn
off JupyterLab's news and update checks, which a classroom (and an offline machine) does not
need. ``course lab-settings`` writes them to ``<prefix>/share/jupyter/lab/settings/
overrides.json``, merging with any overrides already there.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

__all__ = ["COURSE_SETTINGS", "install_settings"]


def _load() -> dict[str, dict[str, object]]:
    text = resources.files("course.jupyter").joinpath("overrides.json").read_text("utf-8")
    return json.loads(text)


COURSE_SETTINGS = _load()


def install_settings(prefix: str | Path | None = None) -> Path:
    """Merge the course's settings into the environment's JupyterLab overrides; return the file."""
    target = (
        Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(target.read_text(encoding="utf-8")) if target.is_file() else {}
    for plugin, settings in COURSE_SETTINGS.items():
        current.setdefault(plugin, {}).update(settings)
    target.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target
