"""Feedback pages that show students' figures and open with no network.

* :class:`EmbedPlotlyFigures` runs in ``generate_feedback``. Since plotly 6, a figure is saved
  only as plotly's JSON (``application/vnd.plotly.v1+json``), which nbconvert cannot show: the
  feedback page had no output where the student's chart should be (plotly.py #5365). This
  preprocessor adds a self-contained HTML rendition of each figure, embeds plotly.js once per
  page (``plotly.offline.get_plotlyjs()``, inline, no CDN), and drops the copies of plotly.js
  that ``init_notebook_mode(connected=False)`` or the ``notebook`` renderer left in outputs
  (4.8 MB each), and their CDN loaders.
* :class:`OfflineFeedbackExporter` is nbgrader's feedback exporter with the course's template
  (``templates/course_feedback``): nbgrader's feedback page without the MathJax CDN script.
  It keeps its own config section, so formgrader's HTML views are unaffected.
* :func:`stale_pages` says whose feedback page no longer shows the gradebook: nbgrader keeps a
  page until the submission's time changes, so a regrade or marks and comments given by hand
  never reached students. A page is stale when the digest of what it is made from (the graded
  notebook, every score and comment, the submission time, ``nbgrader_config.py``) differs
  from the one recorded when it was written (``reports/.feedback-<assignment>.json``).

``autograder/nbgrader_config.py`` installs both.
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path
from typing import Any

import nbgrader
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

__all__ = [
    "TEMPLATE_BASEDIRS",
    "EmbedPlotlyFigures",
    "OfflineFeedbackExporter",
    "record_pages",
    "stale_pages",
]

PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: Template folders: the course's (``course_feedback``) and nbgrader's (``feedback``).
TEMPLATE_BASEDIRS = [
    str(Path(__file__).resolve().parent / "templates"),
    str(
        Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"
    ),
]


def is_plotly_loader(data: dict[str, Any]) -> bool:
    """Is this output only plotly.js (or a loader for it), with no figure of its own?"""
    text = data.get("text/html", "")
    if isinstance(text, list):
        text = "".join(text)
    if PLOTLY_MIME in data or not text:
        return False
    return (
        "plotly.js v" in text[:2000]  # init_notebook_mode(connected=False): the library itself
        or ("cdn.plot.ly" in text and "require.config" in text)  # connected=True: a CDN loader
        or ("define('plotly'" in text and "Plotly.newPlot" not in text)
    )


class EmbedPlotlyFigures(Preprocessor):
    """Give every plotly figure output an HTML rendition that works offline."""

    enabled = Bool(True, help="Run this preprocessor (nbconvert's default is off).").tag(
        config=True
    )

    include_plotlyjs = Bool(
        True,
        help="Embed plotly.js (about 4.7 MB) once in each page that has a figure, so figures "
        "draw with no network. False: leave it out (the page must then get it elsewhere).",
    ).tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        self._library_done = False
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if is_plotly_loader(data):
                    continue
                if PLOTLY_MIME in data:
                    data["text/html"] = self._render(data[PLOTLY_MIME])
                kept.append(output)
            cell.outputs = kept
        return nb, resources

    def _render(self, figure: dict[str, Any]) -> str:
        import plotly.io as pio

        include = self.include_plotlyjs and not self._library_done
        try:
            page = pio.to_html(
                figure,
                include_plotlyjs=include,
                include_mathjax=False,
                full_html=False,
                validate=False,
                config={"displaylogo": False, "responsive": True},
            )
        except Exception as error:  # noqa: BLE001 - a malformed figure must not stop feedback
            self.log.warning("A plotly figure could not be drawn: %s", error)
            return f"<p><em>This figure could not be drawn ({html.escape(str(error))}).</em></p>"
        self._library_done = self._library_done or include
        title = (
            ((figure.get("layout") or {}).get("title") or {}) if isinstance(figure, dict) else {}
        )
        label = title.get("text") if isinstance(title, dict) else title
        caption = html.escape(str(label)) if label else "A plotly figure"
        return f'<figure role="group" aria-label="{caption}">{page}</figure>'


class OfflineFeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter, set in nbgrader_config.py to the offline template."""


def _state_file(course_dir: Path, assignment: str) -> Path:
    return course_dir / "reports" / f".feedback-{assignment}.json"


def stale_pages(
    course_dir: Path, assignment: str, students: list[str]
) -> tuple[list[str], dict[str, str]]:
    """Which of ``students`` need their feedback page written again, and the digests to record.

    Returns ``(stale, digests)``; a student is stale when their page is missing or their
    digest differs from the recorded one.
    """
    from nbgrader.api import Gradebook, MissingEntry

    state = _state_file(course_dir, assignment)
    recorded = json.loads(state.read_text(encoding="utf-8")) if state.is_file() else {}
    config = (course_dir / "nbgrader_config.py").read_bytes()
    digests: dict[str, str] = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for student in students:
            digest = hashlib.sha256(config)
            for path in sorted((course_dir / "autograded" / student / assignment).glob("*.ipynb")):
                digest.update(path.name.encode() + path.read_bytes())
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                continue
            parts = [str(submission.timestamp), str(submission.score)]
            for notebook in submission.notebooks:
                parts += [
                    repr((g.name, g.auto_score, g.manual_score, g.extra_credit))
                    for g in notebook.grades
                ]
                parts += [
                    repr((c.name, c.auto_comment, c.manual_comment)) for c in notebook.comments
                ]
            digest.update("\n".join(parts).encode())
            digests[student] = digest.hexdigest()
    pages = course_dir / "feedback"
    stale = [
        student
        for student, digest in digests.items()
        if recorded.get(student) != digest
        or not list((pages / student / assignment).glob("*.html"))
    ]
    return stale, digests


def record_pages(course_dir: Path, assignment: str, digests: dict[str, str]) -> None:
    """Record the digests of pages just written (see :func:`stale_pages`)."""
    state = _state_file(course_dir, assignment)
    recorded = json.loads(state.read_text(encoding="utf-8")) if state.is_file() else {}
    recorded.update(digests)
    state.write_text(json.dumps(recorded, indent=1, sort_keys=True), encoding="utf-8")
