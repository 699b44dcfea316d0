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
  It reads markers only in the instructor's locked cells (restored from the gradebook at
  autograde); a student's own text, marker words included, is shown as written and can never
  make it fail. An instructor's unbalanced marker hides the rest of the cell instead of failing.

In the sandboxed grading path (:mod:`course.grading.execute`) the answer records go to the
checker instead, never into a file the student's code could rewrite; ``ExtractAnswerRecords``
remains for nbgrader's stock ``Execute`` (``course grade --no-sandbox`` does not use it either).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Integer, Unicode

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

    max_message = Integer(
        2000,
        help="Most characters of a failed check's message shown in feedback; longer ones are cut.",
    ).tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict]:
        if "nbgrader" not in cell.metadata:
            return cell, resources  # a student's own cell: shown as written
        try:
            self._hide(cell)
        except Exception as error:  # noqa: BLE001 - one odd cell must not stop anyone's feedback
            self.log.warning(
                "Cell %d could not be cleaned (%s); its code is withheld", index, error
            )
            cell.source = self.placeholder
            if cell.cell_type == "code":
                cell.outputs = [
                    NotebookNode(
                        output_type="error",
                        ename="Hidden",
                        evalue="This cell's output is withheld.",
                        traceback=["This cell's output is withheld."],
                    )
                ]
        return cell, resources

    def _hide(self, cell: NotebookNode) -> None:
        instructor = utils.is_locked(cell) and not utils.is_solution(cell)
        markers = ClearHiddenTests(parent=self)
        begin, end = markers.begin_test_delimeter, markers.end_test_delimeter
        if instructor and _remove_hidden_regions(cell, begin, end):
            cell.source = (cell.source.rstrip() + "\n" + self.placeholder).lstrip()
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = _ANSI.sub(
                        "", f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    ).strip()
                    if len(message) > self.max_message:
                        message = message[: self.max_message] + " [...]"
                    output["traceback"] = [message]


def _remove_hidden_regions(cell: NotebookNode, begin: str, end: str) -> bool:
    """Remove every ``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS`` region of ``cell``.

    Unlike nbgrader's ``ClearHiddenTests``, it never raises: an unclosed region hides the rest of
    the cell, a nested ``BEGIN`` continues the region, and a stray ``END`` line is dropped.
    Returns whether anything was removed.
    """
    kept: list[str] = []
    hiding = removed = False
    for line in str(cell.source).split("\n"):
        if begin in line:
            hiding = removed = True
        elif end in line:
            removed = removed or hiding
            hiding = False
        elif not hiding:
            kept.append(line)
    cell.source = "\n".join(kept)
    return removed
