"""``nbgrader export`` that writes a CSV any reader can parse: every field quoted as needed.

nbgrader's own ``CsvExportPlugin`` joins fields with commas and quotes nothing, so one name or
id with a comma or a line break (``García, Ana`` from a roster) shifts that row's columns, and
reading the export fails for the whole class. :class:`QuotedCsvExportPlugin` writes the same
columns, rows and values through :mod:`csv`; it is installed with nbgrader's extension point
``c.ExportApp.plugin_class`` in ``autograder/nbgrader_config.py``.
"""

from __future__ import annotations

import csv

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins.export import CsvExportPlugin

__all__ = ["COLUMNS", "QuotedCsvExportPlugin"]

#: The columns of nbgrader's CSV export, in its order.
COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
]


class QuotedCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export (same columns, same rows, same values), written by :mod:`csv`."""

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or "grades.csv"
        students = {str(s) for s in self.student}
        assignments = {str(a) for a in self.assignment}
        self.log.info("Exporting grades to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    row = {
                        "assignment": assignment.name,
                        "duedate": assignment.duedate,
                        "student_id": student.id,
                        "last_name": student.last_name,
                        "first_name": student.first_name,
                        "email": student.email,
                        "max_score": assignment.max_score,
                    }
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:  # nbgrader's convention: no submission scores 0.0
                        row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0)
                        row["score"] = 0.0
                    else:
                        penalty = submission.late_submission_penalty
                        row["timestamp"] = submission.timestamp
                        row["raw_score"] = submission.score
                        row["late_submission_penalty"] = penalty
                        row["score"] = max(0.0, submission.score - penalty)
                    writer.writerow({k: "" if v is None else str(v) for k, v in row.items()})
