"""The graded assignments as a teacher reads them: questions, model solutions, checks, rubrics.

Everything here is read from the nbgrader source notebooks (``autograder/source/<name>/``),
never typed: the question text, its points, the solution region of each answer cell, the
messages its visible and hidden checks give a student who gets it wrong, and the grader's
rubric from the hidden region of each hand-graded question. :func:`read_assignment` also runs
the solutions (after the notebook's setup cell, in a fresh namespace) to show what a right
answer produces, and reads the right answer of each widget question from its hidden test,
which it then runs against that answer to prove it.

The source notebooks hold the solutions and hidden tests, so this module must only ever run
in the instructor's repository; the student bundle (``course bundle``) contains neither the
source notebooks nor the guide.
"""

from __future__ import annotations

import ast
import contextlib
import io
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from course.guide.notebooks import ASSIGNMENTS_DIR

__all__ = [
    "Assignment",
    "AssignmentQuestion",
    "Check",
    "assignment_paths",
    "read_assignment",
    "region",
    "without_region",
]

_QUESTION = re.compile(r"^##\s+Question\s+(\d+)\s*\(([^)]*)\)", re.MULTILINE)
_TIME = re.compile(r"\*\*Estimated time:\*\*\s*(?:about\s+)?(\d+)\s+minutes", re.IGNORECASE)
_SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
_HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
_CHECKS = {"expect", "expect_answer"}


@dataclass(frozen=True)
class Check:
    """One graded test cell: its points, whether students see it, and what it tells them."""

    grade_id: str
    points: float
    hidden: bool
    messages: tuple[str, ...]


@dataclass
class AssignmentQuestion:
    """One question of an assignment, with everything the guide shows about it."""

    number: int
    heading: str
    text: str
    points: float
    by_hand: bool
    rubric: str = ""
    solution: str = ""
    result: str = ""
    widget_id: str = ""
    widget_items: list[str] = field(default_factory=list)
    widget_answer: Any = None
    checks: list[Check] = field(default_factory=list)


@dataclass
class Assignment:
    """An nbgrader assignment read from its source notebook."""

    name: str
    path: Path
    title: str
    content_note: str
    objectives: str
    stated_minutes: int | None
    prerequisites: str
    questions: list[AssignmentQuestion]

    @property
    def points(self) -> float:
        return sum(question.points for question in self.questions)


def assignment_paths(folder: Path | None = None) -> list[Path]:
    """The source notebook of every assignment in ``folder`` (default ``autograder/source``)."""
    return sorted((folder or ASSIGNMENTS_DIR).glob("*/*.ipynb"))


def region(source: str, markers: tuple[str, str]) -> str:
    """The lines between ``markers`` (begin, end) in ``source``; ``""`` when there are none."""
    inside, lines = False, []
    for line in source.splitlines():
        if markers[0] in line:
            inside = True
        elif markers[1] in line:
            inside = False
        elif inside:
            lines.append(line)
    return "\n".join(lines).strip()


def without_region(source: str, markers: tuple[str, str]) -> str:
    """``source`` with the lines from ``markers[0]`` to ``markers[1]`` (inclusive) removed."""
    inside, lines = False, []
    for line in source.splitlines():
        if markers[0] in line:
            inside = True
        elif markers[1] in line:
            inside = False
        elif not inside:
            lines.append(line)
    return "\n".join(lines).strip()


def _messages(source: str) -> tuple[str, ...]:
    """The messages of the ``expect``/``expect_answer`` calls in a test cell, in order.

    An f-string message is shown with its expressions in braces.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in _CHECKS:
            message = node.args[-1] if node.args else None
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                found.append(message.value)
            elif isinstance(message, ast.JoinedStr):
                found.append(ast.unparse(message)[2:-1])
    return tuple(found)


def _shown(value: Any) -> str:
    """A short text rendering of a solution's result, the way a notebook would print it."""
    try:
        import plotly.graph_objects as go
    except ImportError:  # pragma: no cover - plotly is a course dependency
        go = None
    if go is not None and isinstance(value, go.Figure):
        layout = value.layout
        traces = ", ".join(sorted({trace.type for trace in value.data})) or "no"
        return (
            f"a plotly figure ({traces} traces); title: {layout.title.text!r}; "
            f"x axis: {layout.xaxis.title.text!r}; y axis: {layout.yaxis.title.text!r}"
        )
    if isinstance(value, pd.DataFrame) and value.shape[1] > 6:
        shown = value.iloc[:5, :4]
        with pd.option_context("display.width", 100, "display.max_colwidth", 40):
            return (
                f"{len(value)} rows and {value.shape[1]} columns; the first rows and columns:\n"
                + shown.to_string()
            )
    if isinstance(value, pd.DataFrame | pd.Series):
        with pd.option_context("display.width", 100, "display.max_colwidth", 60):
            return value.to_string(max_rows=12)
    return repr(value)


class _Asked(Exception):
    """Raised by the capturing ``answer_value``: the hidden test asked for the answer."""


def _widget_answer(
    source: str, namespace: dict[str, Any], exercise_id: str, items: Sequence[str] = ()
) -> Any:
    """The right answer of a graded widget question, read from its hidden test cell.

    The hidden test is run with ``expect_answer`` replaced by a recorder of its ``expected``
    argument and ``answer_value`` stopping the cell; failing that, the value the test bound to
    ``expected`` before asking for the student's answer is the right one; failing that, the one
    answer among the widget's ``items`` (a choice) or their orders (an ordering of up to six)
    that the hidden test passes. Raises ``ValueError`` when none is found.
    """
    captured: dict[str, Any] = {}

    def expect_answer(asked: str, expected: Any, message: str) -> None:
        captured[asked] = expected

    def answer_value(asked: str) -> Any:
        raise _Asked(asked)

    scope = {**namespace, "expect_answer": expect_answer, "answer_value": answer_value}
    with contextlib.suppress(_Asked):
        exec(compile(source, f"<hidden test {exercise_id}>", "exec"), scope)  # noqa: S102
    if exercise_id in captured:
        return captured[exercise_id]
    if "expected" in scope and scope["expected"] is not namespace.get("expected"):
        return scope["expected"]
    candidates: list[Any] = list(items)
    if 1 < len(items) <= 6:
        candidates += [list(order) for order in itertools.permutations(items)]
    passing = []
    for candidate in candidates:
        try:
            _prove(source, namespace, exercise_id, candidate)
        except AssertionError:
            continue
        passing.append(candidate)
    if len(passing) == 1:
        return passing[0]
    raise ValueError(f"the hidden test of {exercise_id} names no expected answer")


def _prove(source: str, namespace: dict[str, Any], exercise_id: str, answer: Any) -> None:
    """Run the hidden test with ``answer`` as the student's; it must pass."""
    from course.grading import checks

    def answer_value(asked: str) -> Any:
        if asked != exercise_id:
            raise AssertionError(f"the hidden test asks for {asked}, not {exercise_id}")
        return answer

    def expect_answer(asked: str, expected: Any, message: str) -> None:
        value = answer_value(asked)
        if isinstance(expected, list | tuple):
            checks.expect(list(value) == list(expected), message)
        else:
            checks.expect(value == expected, message)

    scope = {
        **namespace,
        "expect": checks.expect,
        "answer_value": answer_value,
        "expect_answer": expect_answer,
    }
    exec(compile(source, f"<hidden test {exercise_id}>", "exec"), scope)  # noqa: S102


def _run(source: str, namespace: dict[str, Any], where: str) -> Any:
    """Run a code cell in ``namespace`` and return the value of its last expression, if any."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(tree, where, "exec"), namespace)  # noqa: S102
        if last is None:
            return None
        return eval(compile(ast.Expression(last.value), where, "eval"), namespace)  # noqa: S307


def _meta(cell: nbformat.NotebookNode) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def read_assignment(path: Path, *, run: bool = True) -> Assignment:
    """Read an assignment's source notebook; with ``run``, compute results and widget answers.

    Raises ``ValueError`` naming the notebook when it has no question headings, or when a
    solution or hidden test does not run.
    """
    nb = nbformat.read(path, as_version=4)
    intro = nb.cells[0].source if nb.cells else ""
    title = re.search(r"^#\s+(.+)$", intro, re.MULTILINE)
    note = re.search(r"^>\s*(\*\*Content note\.\*\*.*)$", intro, re.MULTILINE)
    objectives = re.search(r"\*\*Learning objectives\.\*\*\s*(.*)$", intro, re.MULTILINE)
    prerequisites = re.search(r"\*\*Prerequisites:\*\*\s*([^\n]*)", intro)
    time = _TIME.search(intro)
    namespace: dict[str, Any] = {}
    questions: list[AssignmentQuestion] = []
    step: Callable[[str, str], Any] = (
        (lambda source, where: _run(source, namespace, where)) if run else (lambda *_: None)
    )
    for index, cell in enumerate(nb.cells):
        meta, source = _meta(cell), cell.source
        where = f"{path.name} cell {index}"
        heading = _QUESTION.search(source) if cell.cell_type == "markdown" else None
        if meta.get("grade_id") == "setup":
            step(source, where)
        elif heading:
            points_text = heading.group(2)
            points = re.search(r"([\d.]+)\s+points?", points_text)
            text = without_region(source, _HIDDEN)
            text = text[heading.end() :].strip() if text.startswith("##") else text
            stated = float(points.group(1)) if points else 0.0
            questions.append(
                AssignmentQuestion(
                    number=int(heading.group(1)),
                    heading=source[heading.start() : heading.end()].lstrip("# ").strip(),
                    text=text,
                    points=float(meta["points"]) if meta.get("task") else stated,
                    by_hand="by hand" in points_text,
                    rubric=region(source, _HIDDEN),
                )
            )
        elif not questions or cell.cell_type != "code":
            continue
        elif meta.get("solution"):
            question = questions[-1]
            question.solution = region(source, _SOLUTION)
            try:
                question.result = _shown(step(source, where)) if run else ""
            except Exception as error:
                raise ValueError(f"{where}: the solution does not run: {error}") from error
        elif meta.get("grade"):
            hidden = _HIDDEN[0] in source
            questions[-1].checks.append(
                Check(meta["grade_id"], float(meta.get("points", 0)), hidden, _messages(source))
            )
            question = questions[-1]
            if hidden and question.widget_id and run:
                body = region(source, _HIDDEN)
                question.widget_answer = _widget_answer(
                    body, namespace, question.widget_id, question.widget_items
                )
                _prove(body, namespace, question.widget_id, question.widget_answer)
        else:
            shown = step(source, where)
            exercise_id = getattr(shown, "exercise_id", "")
            if exercise_id:
                questions[-1].widget_id = exercise_id
                items = getattr(shown, "items", None) or getattr(shown, "options", None) or []
                questions[-1].widget_items = [str(item) for item in items]
    for question in questions:
        if question.checks:
            question.points = sum(check.points for check in question.checks)
    if not questions:
        raise ValueError(f"{path} has no '## Question N (P points)' headings")
    return Assignment(
        name=path.parent.name,
        path=path,
        title=title.group(1).strip() if title else path.stem,
        content_note=note.group(1).strip() if note else "",
        objectives=objectives.group(1).strip() if objectives else "",
        stated_minutes=int(time.group(1)) if time else None,
        prerequisites=prerequisites.group(1).strip().rstrip(".") if prerequisites else "",
        questions=questions,
    )
