"""Grading with nbgrader: answer records, test-cell helpers, and the post-deadline pipeline.

* :mod:`course.grading.checks` – ``expect``, ``answer_value``, ``expect_answer`` for test cells;
* :mod:`course.grading.preprocessors` – ``ExtractAnswerRecords`` and ``HideHiddenTests``;
* :mod:`course.grading.pipeline` – ``grade()``, behind ``course grade ASSIGNMENT``.
"""

from __future__ import annotations

from course.grading.checks import answer_value, expect, expect_answer

__all__ = ["answer_value", "expect", "expect_answer"]
