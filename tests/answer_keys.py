"""Run students' answers against the assignments' own grade cells, three ways.

* **In the student's kernel** (:class:`StudentKernel`): one Jupyter kernel per assignment, started
  through nbclient as nbgrader's ``Execute`` does, runs the locked setup cell once; then, for each
  answer, the answer's code and the question's grade cells, exactly as they stand in the source
  notebook (hidden tests included).
* **Through a checker** (:class:`Checker`): the names a grade cell reads from the student are
  sent from that kernel as data (Table Schema JSON for pandas objects, plotly JSON for figures,
  JSON otherwise) and the cell runs in a separate namespace built from the locked setup cell, as
  the grading boundary of issue 11 will run it. A grade cell must give the same outcome both ways.
* **Through nbgrader** (:func:`grade_class`): notebooks handed in through the exchange and
  graded by ``course grade``, scores read from nbgrader's gradebook, messages from the
  autograded notebooks and the feedback students receive.

``ANSWER_KEYS_SOURCE`` points the first two at another copy of ``autograder/source`` (for example
the assignments before a change), and ``python -m tests.answer_keys`` prints every outcome as
a Markdown table.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import html
import io
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from course import records
from course.grading.preprocessors import WIDGET_STATE
from tests.answer_variants import QUESTIONS, Question, Tampered, Variant, questions_of
from tests.conftest import REPO

__all__ = [
    "ASSIGNMENTS",
    "QUESTIONS",
    "Checker",
    "Outcome",
    "StudentKernel",
    "autograded_cells",
    "class_of",
    "expected_outcome",
    "grade_class",
    "graded_cells",
    "hidden_lines",
    "try_variant",
]

ASSIGNMENTS = ("ps1_phases", "ps2_sources", "ps3_framing")


def source_dir() -> Path:
    """The nbgrader source folder tried: ``ANSWER_KEYS_SOURCE``, or the repository's."""
    return Path(os.environ.get("ANSWER_KEYS_SOURCE") or REPO / "autograder" / "source")


def source_notebook(assignment: str, source: Path | None = None) -> nbformat.NotebookNode:
    path = (source or source_dir()) / assignment / f"{assignment}.ipynb"
    return nbformat.read(path, as_version=4)


def _grade_id(cell: Any) -> str:
    return str(cell.metadata.get("nbgrader", {}).get("grade_id", ""))


def autograded_cells(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The source of every autograded grade cell (code, ``grade: true``), by grade_id."""
    return {
        _grade_id(cell): cell.source
        for cell in nb.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    }


def grade_cells_of(question: Question, nb: nbformat.NotebookNode) -> dict[str, str]:
    """The grade cells of one question (``q1-test-*`` for ``q1``), in notebook order."""
    prefix = f"{question.number}-test"
    return {gid: src for gid, src in autograded_cells(nb).items() if gid.startswith(prefix)}


def setup_source(nb: nbformat.NotebookNode) -> str:
    """The locked setup cell: the trusted context every grade cell may read."""
    return next(cell.source for cell in nb.cells if _grade_id(cell) == "setup")


# --------------------------------------------------------------------------------------------
# Widget answers, saved where JupyterLab saves them


def _model(exercise_id: str, value: Any, moment: int) -> dict[str, Any]:
    shown = value
    if isinstance(value, Tampered):
        value, shown = value.signed, value.shown
    record = {
        "exercise_id": exercise_id,
        "kind": "test",
        "value": value,
        "correct": None,
        "attempts": moment + 1,
        "justification": "",
        "recorded_at": f"2030-01-01T00:00:{moment:02d}+00:00",
    }
    token = records.sign(record)
    if shown is not value:  # edited in a text editor after it was signed
        envelope = json.loads(token)
        envelope["record"]["value"] = shown
        token = json.dumps(envelope)
    return {
        "model_name": "VBoxModel",
        "model_module": "@jupyter-widgets/controls",
        "model_module_version": "2.0.0",
        "state": {"answer_record": token, "_dom_classes": ["course-exercise"]},
    }


def widget_state(checks: dict[str, list[Any]]) -> dict[str, Any]:
    """Notebook widget metadata for answers checked in order (one widget model per check).

    Each check gets its own model, as after a kernel restart, so the grader must pick the latest.
    """
    state = {
        f"model-{exercise_id}-{moment}": _model(exercise_id, value, moment)
        for exercise_id, values in checks.items()
        for moment, value in enumerate(values)
    }
    return {WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": state}}


def save_checks(path: Path, checks: dict[str, list[Any]]) -> None:
    """Store checked widget answers in a notebook file, as JupyterLab saves them."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["widgets"] = widget_state(checks)
    nbformat.write(nb, path)


def write_answers_file(folder: Path, checks: dict[str, list[Any]]) -> None:
    """Write what ``ExtractAnswerRecords`` would write for a notebook with these checks."""
    saved = records.saved_records({"metadata": {"widgets": widget_state(checks)}})
    (folder / records.ANSWERS_FILE).write_text(json.dumps(saved), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The student's kernel and the checker


@dataclass(frozen=True)
class Outcome:
    """What one grade cell did: passed, or failed with the message a student is shown."""

    passed: bool
    message: str = ""

    def __str__(self) -> str:
        return "pass" if self.passed else f"fail: {self.message}"


_TRANSFER = r'''
def _course_transfer(names):
    """Pack named answers as data: Table Schema JSON, plotly JSON, or plain JSON."""
    import json as _json

    import pandas as _pd
    import plotly.graph_objects as _go

    def plain(value):
        if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
            return value.item()
        if hasattr(value, "tolist"):
            return value.tolist()
        if isinstance(value, (set, tuple)):
            return list(value)
        raise TypeError(type(value).__name__)

    packed = {}
    for name in names:
        if name not in globals():
            continue
        value = globals()[name]
        try:
            if isinstance(value, _go.Figure):
                packed[name] = ["figure", value.to_json()]
            elif isinstance(value, (_pd.Series, _pd.DataFrame)):
                frame = value.to_frame("__value__") if isinstance(value, _pd.Series) else value
                for column in frame.columns[frame.dtypes.map(lambda t: t.kind == "m")]:
                    frame = frame.assign(**{column: frame[column].map(lambda t: t.isoformat())})
                kind = "series" if isinstance(value, _pd.Series) else "frame"
                name_of = value.name if isinstance(value, _pd.Series) else None
                index = [str(level) for level in frame.index.names if level is not None]
                packed[name] = [kind, frame.to_json(orient="table"), name_of, index]
            else:
                packed[name] = ["json", _json.dumps(value, default=plain)]
        except (TypeError, ValueError, NotImplementedError) as error:
            packed[name] = ["unsupported", f"{type(value).__name__}: {error}"]
    print(_json.dumps(packed))
'''


def unpack(packed: dict[str, list[Any]]) -> dict[str, Any]:
    """Rebuild transferred answers on the checker's side; unsupported ones are left out."""
    import pandas as pd
    import plotly.graph_objects as go

    values: dict[str, Any] = {}
    for name, (kind, payload, *rest) in packed.items():
        if kind == "figure":
            values[name] = go.Figure(json.loads(payload))
        elif kind in {"series", "frame"}:
            frame = pd.read_json(io.StringIO(payload), orient="table")
            index = rest[1]
            if index and list(frame.index.names) != index and set(index) <= set(frame.columns):
                frame = frame.set_index(index)  # Table Schema keeps no primary key for duplicates
            values[name] = frame["__value__"].rename(rest[0]) if kind == "series" else frame
        elif kind == "json":
            values[name] = json.loads(payload)
    return values


def names_read(source: str, known: set[str]) -> list[str]:
    """Names a grade cell reads that neither it, the setup cell nor Python defines."""
    tree = ast.parse(source)
    stored = {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)
    }
    stored |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    stored |= {
        arg.arg for node in ast.walk(tree) if isinstance(node, ast.arguments) for arg in node.args
    }
    stored |= {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    loaded = [
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    ]
    builtin = set(dir(builtins))
    return sorted({name for name in loaded if name not in stored | known | builtin})


class StudentKernel:
    """One kernel for one assignment: the setup cell once, then answers and grade cells."""

    def __init__(self, assignment: str, folder: Path, source: Path | None = None) -> None:
        self.assignment, self.folder = assignment, folder
        self.nb = source_notebook(assignment, source)
        folder.mkdir(parents=True, exist_ok=True)
        self._scratch = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
        self.client = NotebookClient(
            self._scratch,
            timeout=120,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(folder)}},
        )
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> StudentKernel:
        self._stack.enter_context(self.client.setup_kernel())
        setup = self.run(setup_source(self.nb))
        if not setup.passed:
            raise RuntimeError(f"{self.assignment}: the setup cell failed: {setup.message}")
        self.run(_TRANSFER + "\n_baseline = set(globals())")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def run(self, source: str) -> Outcome:
        """Execute ``source`` as a notebook cell; report its error as nbgrader's feedback does."""
        cell = nbformat.v4.new_code_cell(source)
        self._scratch.cells[0] = cell
        self.client.execute_cell(cell, 0)
        for output in cell.outputs:
            if output.output_type == "error":
                return Outcome(False, f"{output.ename}: {output.evalue}")
        return Outcome(True)

    def output(self, source: str) -> str:
        cell = nbformat.v4.new_code_cell(source)
        self._scratch.cells[0] = cell
        self.client.execute_cell(cell, 0)
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        errors = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
        if errors:
            raise RuntimeError(errors[0])
        return text

    def reset(self) -> None:
        """Forget every name a previous answer defined."""
        self.run(
            "for _name in [n for n in list(globals()) if n not in _baseline "
            "and not n.startswith('_')]:\n    del globals()[_name]"
        )

    def transfer(self, names: list[str]) -> dict[str, list[Any]]:
        return json.loads(self.output(f"_course_transfer({names!r})"))


class Checker:
    """Grade cells run apart from the student: trusted setup, answers received as data."""

    def __init__(self, assignment: str, source: Path | None = None) -> None:
        self.nb = source_notebook(assignment, source)
        self.context: dict[str, Any] = {"__name__": "__checker__"}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(setup_source(self.nb), f"<{assignment} setup>", "exec"), self.context)
        self.known = set(self.context)

    def run(self, source: str, answers: dict[str, Any], folder: Path) -> Outcome:
        namespace = {**self.context, **answers}
        with contextlib.chdir(folder), contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(source, "<grade cell>", "exec"), namespace)
            except Exception as error:  # noqa: BLE001 - any error is a failed check, as in nbgrader
                return Outcome(False, f"{type(error).__name__}: {error}")
        return Outcome(True)


@dataclass(frozen=True)
class Tried:
    """One variant's outcome in every grade cell of its question, both ways."""

    kernel: dict[str, Outcome]
    checker: dict[str, Outcome | None]  # None: the answer could not be sent as data


def try_variant(
    kernel: StudentKernel, checker: Checker, question: Question, variant: Variant
) -> Tried:
    """Run one variant in the student's kernel, then its grade cells both ways."""
    kernel.reset()
    checks = {question.answer: variant.checks()} if question.widget else {}
    write_answers_file(kernel.folder, checks)
    if question.given:
        given = kernel.run(question.given)
        assert given.passed, f"the given code failed: {given.message}"
    if not question.widget:
        answered = kernel.run(variant.code)
        assert answered.passed, f"the variant's own code failed: {answered.message}"
    cells = grade_cells_of(question, kernel.nb)
    in_kernel = {gid: kernel.run(src) for gid, src in cells.items()}
    in_checker: dict[str, Outcome | None] = {}
    for gid, src in cells.items():
        names = names_read(src, checker.known)
        packed = kernel.transfer(names)
        if any(kind == "unsupported" for kind, *_ in packed.values()):
            in_checker[gid] = None
            continue
        in_checker[gid] = checker.run(src, unpack(packed), kernel.folder)
    return Tried(in_kernel, in_checker)


def expected_outcome(variant: Variant, grade_id: str, outcome: Outcome) -> str | None:
    """Why ``outcome`` is not what ``variant`` should get in ``grade_id`` (None if it is)."""
    pattern = variant.fails.get(grade_id)
    if pattern is None:
        return None if outcome.passed else f"should pass, but {outcome}"
    if outcome.passed:
        return f"should fail with /{pattern}/, but passed"
    if not re.search(pattern, outcome.message, flags=re.DOTALL):
        return f"should fail with /{pattern}/, but says: {outcome.message}"
    if not outcome.message.startswith("AssertionError: "):
        return f"fails with an error, not a check's message: {outcome.message}"
    return None


# --------------------------------------------------------------------------------------------
# A small class graded through nbgrader


def class_of(assignment: str) -> dict[str, dict[str, Variant]]:
    """Who hands in what: each student picks one variant per question.

    ``correct-1`` and ``correct-2`` hand in the first and second correct variants everywhere;
    ``near-1`` and ``near-2`` the first and second near misses of every question.
    """
    questions = questions_of(assignment)
    return {
        "correct-1": {q.number: q.correct[0] for q in questions},
        "correct-2": {q.number: q.correct[1] for q in questions},
        "near-1": {q.number: q.near_misses[0] for q in questions},
        "near-2": {q.number: q.near_misses[min(1, len(q.near_misses) - 1)] for q in questions},
    }


def hand_in(path: Path, assignment: str, picks: dict[str, Variant]) -> None:
    """Answer a released notebook with the picked variants (code and widget checks)."""
    from tests.classroom import fill

    questions = questions_of(assignment)
    fill(
        path,
        {
            q.answer: "\n".join(part for part in (q.given, picks[q.number].code) if part)
            for q in questions
            if not q.widget
        },
    )
    save_checks(path, {q.answer: picks[q.number].checks() for q in questions if q.widget})


@dataclass(frozen=True)
class GradedCell:
    score: float
    max_score: float
    message: str  # the error the autograded notebook shows for the cell ("" if none)


def graded_cells(course_dir: Path, assignment: str, student: str) -> dict[str, GradedCell]:
    """Per grade cell: nbgrader's score (gradebook) and the message in the autograded notebook."""
    from nbgrader.api import Gradebook

    autograded = course_dir / "autograded" / student / assignment / f"{assignment}.ipynb"
    messages = {}
    for cell in nbformat.read(autograded, as_version=4).cells:
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            messages[_grade_id(cell)] = f"{errors[0]['ename']}: {errors[0]['evalue']}"
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(assignment, assignment, student)
        return {
            grade.name: GradedCell(
                float(grade.score), float(grade.max_score), messages.get(grade.name, "")
            )
            for grade in submission.grades
            if grade.cell_type == "code"
        }


def feedback_text(course_dir: Path, assignment: str, student: str) -> str:
    """The feedback page a student receives, as plain text."""
    page = course_dir / "feedback" / student / assignment / f"{assignment}.html"
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def hidden_lines(assignment: str, source: Path | None = None) -> list[str]:
    """Every line of hidden test code (and hidden rubric) that students never see elsewhere.

    A hidden line that also stands in a visible cell (the same normalisation in a visible test,
    say) is public already, so it is left out.
    """
    hidden: list[str] = []
    public: set[str] = set()
    for cell in source_notebook(assignment, source).cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 12:
                hidden.append(line.strip())
            elif not inside:
                public.add(line.strip())
    return [line for line in hidden if line not in public]


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def grade_class(assignment: str, root: Path, source: Path | None = None) -> Path:
    """Release ``assignment``, let :func:`class_of` hand it in, and grade it with ``course grade``.

    Returns the course directory (gradebook, autograded notebooks, feedback).
    """
    from course.grading.pipeline import grade
    from tests.classroom import Student, base_env, nbgrader

    course_dir = root / "course"
    course_dir.mkdir(parents=True)
    shutil.copy(REPO / "autograder" / "nbgrader_config.py", course_dir)
    shutil.copytree(source or source_dir(), course_dir / "source")
    exchange = root / "exchange"
    exchange.mkdir()
    env = base_env(exchange)
    env["COURSE_CELL_TIMEOUT"] = "60"
    nbgrader("generate_assignment", assignment, "--force", cwd=course_dir, env=env)
    nbgrader("release_assignment", assignment, cwd=course_dir, env=env)
    for name, picks in class_of(assignment).items():
        student = Student(name, root / "home" / name, exchange)
        student.fetch(assignment)
        hand_in(student.notebook(assignment), assignment, picks)
        student.submit(assignment)
    with _environment(env):
        report = grade(assignment, course_dir=course_dir, workers=2, progress=lambda m: None)
    problems = [f"{r.student_id}: {r.status} {r.message}" for r in report.problems]
    assert not problems, problems
    return course_dir


# --------------------------------------------------------------------------------------------
# python -m tests.answer_keys: every outcome as a Markdown table


def main(argv: list[str]) -> int:
    """Print, per assignment, each variant's outcome in each grade cell of its question."""
    import tempfile

    source = Path(argv[0]) if argv else None
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in ASSIGNMENTS:
            print(f"\n### {assignment}\n")
            print("| grade cell | variant | expected | kernel | checker |")
            print("|---|---|---|---|---|")
            checker = Checker(assignment, source)
            with StudentKernel(assignment, Path(tmp) / assignment, source) as kernel:
                for question in questions_of(assignment):
                    for variant in question.variants:
                        tried = try_variant(kernel, checker, question, variant)
                        for gid, outcome in tried.kernel.items():
                            want = "fail" if gid in variant.fails else "pass"
                            other = tried.checker[gid]
                            print(
                                f"| {gid} | {variant.name} | {want} | {_cell(outcome)} | "
                                f"{_cell(other) if other else 'not sent'} |"
                            )
    return 0


def _cell(outcome: Outcome) -> str:
    return str(outcome).replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
