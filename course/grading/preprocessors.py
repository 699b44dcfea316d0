"""nbgrader preprocessors for the course: answer records in, hidden test code out.

* :class:`KeepAnswerRecords` runs first in ``autograde``'s sanitize step, before nbgrader's
  ``ClearOutput``. Exercises keep their signed records in cell outputs as well as in the widget
  state (see :mod:`course.records`); this copies every record into the notebook's metadata
  (``metadata["aleppo_course"]["answer_records"]``), where ``ClearOutput`` leaves it, so that
  :func:`course.records.saved_records` finds it after sanitizing.
* :class:`ExtractAnswerRecords` runs in ``autograde`` just before execution. It reads the
  signed answer records that JupyterLab saved in the notebook's widget state, verifies each,
  and writes them to :data:`course.records.ANSWERS_FILE` in the folder where the notebook is
  executed, so that the assignment's tests can read them with ``recorded_answer``.
* :class:`HideHiddenTests` runs in ``generate_feedback``. Stock feedback copies hidden tests
  word for word into the HTML that students receive (nbgrader issues #917 and #1363). This
  preprocessor removes the hidden region from every test cell and cuts tracebacks down to the
  check's own message, so a student learns which check failed and why, not how it checks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Unicode

from course.records import (  # WIDGET_STATE: imported from here by tests.classroom
    ANSWERS_FILE,
    METADATA_KEY,
    WIDGET_STATE,  # noqa: F401
    record_tokens,
    saved_records,
)

__all__ = ["ExtractAnswerRecords", "HideHiddenTests", "KeepAnswerRecords"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class KeepAnswerRecords(NbGraderPreprocessor):
    """Copy the answer records kept in cell outputs and widget state into notebook metadata."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict]:
        tokens = list(dict.fromkeys(record_tokens(nb)))  # every place, in order, no duplicates
        if tokens:
            kept = nb.metadata.setdefault(METADATA_KEY, {})
            if not isinstance(kept, dict):
                nb.metadata[METADATA_KEY] = kept = {}
            kept["answer_records"] = tokens
        self.log.info("Answer records kept through sanitizing: %d", len(tokens))
        return nb, resources


class ExtractAnswerRecords(NbGraderPreprocessor):
    """Copy the signed widget answers saved in the notebook to a file the tests can read."""

    answers_file = Unicode(
        ANSWERS_FILE,
        help="Name of the file, next to the executed notebook, that receives the answer records.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict]:
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        answers = saved_records(nb)
        for exercise, record in answers.items():
            if record.get("status") == "tampered":
                self.log.warning("Answer record for %s rejected: %s", exercise, record["message"])
        if not answers:
            self.log.info("No answer records in the notebook: widget questions are unanswered")
        (folder / self.answers_file).write_text(json.dumps(answers, indent=1), encoding="utf-8")
        self.log.info("Recorded widget answers found: %s", ", ".join(sorted(answers)) or "none")
        return nb, resources


class HideHiddenTests(NbGraderPreprocessor):
    """Strip hidden test code, hidden rubrics and tracebacks from feedback; keep messages."""

    placeholder = Unicode(
        "# Further checks ran here. Their code is hidden; their messages are below.",
        help="Line shown where hidden test code was removed.",
    ).tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict]:
        if "nbgrader" not in cell.metadata:
            return cell, resources  # a student's own cell: shown as written
        clearer = ClearHiddenTests(parent=self, enforce_metadata=False)
        if clearer._remove_hidden_test_region(cell):
            cell.source = (cell.source.rstrip() + "\n" + self.placeholder).lstrip()
        if cell.cell_type == "code" and utils.is_grade(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = _ANSI.sub(
                        "", f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    ).strip()
                    output["traceback"] = [message]
        return cell, resources
