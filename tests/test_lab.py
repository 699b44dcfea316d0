"""JupyterLab settings: the course turns on saving widget state, which carries the answers."""

from __future__ import annotations

import json

from course.lab import install_settings


def test_settings_turn_on_widget_state_saving(tmp_path):
    """Does the installed override make JupyterLab save widget state in notebooks?"""
    path = install_settings(tmp_path)
    settings = json.loads(path.read_text(encoding="utf-8"))
    assert settings["@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True
    assert path == tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def test_existing_overrides_are_kept(tmp_path):
    """Are an environment's own overrides kept when the course adds its settings?"""
    path = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}})
    )
    install_settings(tmp_path)
    settings = json.loads(path.read_text(encoding="utf-8"))
    assert settings["@jupyterlab/apputils-extension:themes"]["theme"] == "JupyterLab Dark"
    assert settings["@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True
