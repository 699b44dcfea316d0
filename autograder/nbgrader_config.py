"""nbgrader configuration for the Aleppo course (the instructor's course directory).

Run nbgrader commands from this folder (``cd autograder``), or use ``course grade``.
Environment variables let one file serve a laptop, a JupyterHub and the tests:

* ``NBGRADER_EXCHANGE``   the exchange folder shared by instructor and students
                          (default ``/srv/nbgrader/exchange``);
* ``COURSE_ID``           the course id (default ``aleppo``);
* ``COURSE_CELL_TIMEOUT`` seconds a single cell may run while grading (default 30);
  a cell that runs longer is interrupted and only the points that depend on it are lost.

Every submission runs in a bubblewrap sandbox and its test cells run in a separate checker
(``course.grading.execute.SandboxedExecute``); see "What the sandbox protects against" in
``README.md``. Its limits are the ``Sandbox.*`` options below.
"""

import os

from course.grading.execute import SandboxedExecute
from course.grading.feedback import TEMPLATE_BASEDIRS, EmbedPlotlyFigures, OfflineFeedbackExporter
from course.grading.preprocessors import HideHiddenTests, KeepAnswerRecords
from course.grading.repair import DeduplicateCells, RestoreMissingCells
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor, ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteKernelspec,
    SaveAutoGrades,
)

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "aleppo")
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
# Collect trusts nothing a student can write in the exchange: folders handed in under another
# student's name, dated in the future or with unsafe ids are left out and reported, and
# symbolic links are never followed (course/grading/exchange_guard.py).
c.ExchangeFactory.collect = "course.grading.exchange_guard.SafeExchangeCollect"

# Students hand in one notebook per assignment; nothing else is graded or copied back.
c.CourseDirectory.max_file_size = 5_000  # kilobytes; bigger files are not collected
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            ".course_answers.json"]

# Execution limits: a runaway cell is interrupted and the notebook goes on.
c.Execute.timeout = int(os.environ.get("COURSE_CELL_TIMEOUT", "30"))
c.Execute.interrupt_on_timeout = True
c.Execute.execute_retries = 0

# The sandbox of every grading kernel (bubblewrap) and its limits; the defaults suit a 2-core,
# 24 GB machine grading two notebooks at once. A limit that is hit is reported to the student.
c.Sandbox.enabled = True  # `course grade --no-sandbox` turns it off for trusted submissions
c.Sandbox.memory_limit = 2 * 1024**3  # bytes, per submission
c.Sandbox.process_limit = 64  # processes and threads
c.Sandbox.file_size_limit = 64 * 1024**2  # bytes, largest file written
c.Sandbox.disk_limit = 256 * 1024**2  # bytes written in all (working folder, home, /tmp)
c.Sandbox.cpu_time_limit = 120  # seconds of CPU per process
c.Checker.timeout = 60  # seconds one test cell may run in the checker
c.Checker.max_bytes = 16 * 1024**2  # bytes of data a kernel may send for one test cell
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40

# Rubrics for written answers sit in a hidden region of the question's task cell: students never
# receive them, autograde restores them, and formgrader shows them to graders beside the answer.
c.ClearHiddenTests.enforce_metadata = False

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# The student's cells run in the sandboxed kernel; the test cells run in the checker, with the
# widget answers saved in the notebook (never in a file the student's code could reach).
c.Autograde.autograde_preprocessors = [
    SandboxedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# Cells a student deleted are put back from the source (the widget question's visible test, a
# written question with its rubric); copied or split cells are graded instead of failing.
# Widget answers travel in the notebook (widget state and the exercise cells' outputs):
# KeepAnswerRecords keeps them in the metadata before nbgrader's ClearOutput.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    KeepAnswerRecords,
    ClearOutput,
    DeduplicateCells,
    OverwriteKernelspec,
    RestoreMissingCells,
    CheckCellMetadata,
]

# Feedback tells students which check failed and why, without showing hidden test code; it
# shows their plotly figures and opens with no network (no MathJax or plotly.js CDN).
c.GenerateFeedback.preprocessors = [
    GetGrades,
    HideHiddenTests,
    EmbedPlotlyFigures,
    CSSHTMLHeaderPreprocessor,
]
c.GenerateFeedback.exporter_class = OfflineFeedbackExporter
c.OfflineFeedbackExporter.template_name = "course_feedback"
c.OfflineFeedbackExporter.extra_template_basedirs = TEMPLATE_BASEDIRS

# zip_collect (a learning platform's download): one collector plugin per platform, see
# course/grading/platforms.py and autograder/README.md. `course grade --platform NAME` picks
# one for a run; by default the layout is recognised from the download's names and records
# (Canvas, Moodle, Blackboard, Brightspace, Gradescope, else "<student id>_..._ps1_phases.ipynb").
c.ZipCollectApp.collector_plugin = "course.grading.platforms.AutoCollector"
# c.PlatformCollector.roster = "roster.csv"        # platform ids and names -> usernames
# c.PlatformCollector.timezone = "Europe/London"   # for times a platform writes without a zone

# The grades export quotes its fields (nbgrader's own CSV breaks on a name with a comma).
c.ExportApp.plugin_class = "course.grading.csv_export.QuotedCsvExportPlugin"

# Late submissions keep their timestamp and are flagged in the gradebook and the export; the
# course applies no automatic penalty ("zero" would give late work no points).
c.LateSubmissionPlugin.penalty_method = "none"
