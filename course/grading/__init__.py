"""Grading with nbgrader: answer records, test-cell helpers, and the post-deadline pipeline.

* :mod:`course.grading.checks` – ``expect``, ``answer_value``, ``expect_answer`` for test cells;
* :mod:`course.grading.preprocessors` – ``ExtractAnswerRecords`` and ``HideHiddenTests``;
* :mod:`course.grading.pipeline` – ``grade()``, behind ``course grade ASSIGNMENT``;
* :mod:`course.grading.collection` – its collect stage: nbgrader's collect or zip_collect, then
  :mod:`course.grading.intake` (every file matched or reported) with the collector plugins of
  :mod:`course.grading.platforms`, :mod:`course.grading.exchange_intake`,
  :mod:`course.grading.lms_roster` and :mod:`course.grading.notebook_files`;
* :mod:`course.grading.repair` – sanitize preprocessors for copied, split and deleted cells;
* :mod:`course.grading.feedback` – figures in feedback, offline;
* :mod:`course.grading.lms_export` – the export annotated, and Canvas and Moodle import files.

The grading boundary (a submission's code on one side, the checks on the other):

* :mod:`course.grading.sandbox` – the bubblewrap sandbox of every grading kernel, its limits;
* :mod:`course.grading.kernel` – the kernel manager that starts a kernel in it, and watches it;
* :mod:`course.grading.names` – which names a test cell reads from the student;
* :mod:`course.grading.transfer` – those values sent as data (JSON), never pickled;
* :mod:`course.grading.checker` – the separate process that runs the test cells;
* :mod:`course.grading.execute` – ``SandboxedExecute``, nbgrader's ``Execute`` using all three.
"""

from __future__ import annotations

from course.grading.checks import answer_value, expect, expect_answer

__all__ = ["answer_value", "expect", "expect_answer"]
