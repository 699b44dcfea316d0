"""The answer key of every lesson exercise, computed by building the exercise itself.

A lesson's exercise cell only calls a function of ``course.lessons`` (``l01.match_phases()``),
and that function derives the answer from the tables. The guide therefore never types an
answer: :func:`build` runs the cell's call, and :func:`key` reads the exercise's own answer,
explanation and hints. :func:`key` also checks the answer the way a student's click would
(``value`` set, then ``submit()``): an exercise whose answer its own ``_evaluate`` rejects is an
error, not a key.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from course.widgets import (
    Exercise,
    Matching,
    MultipleChoice,
    MultiSelect,
    NumericAnswer,
    Ordering,
    SentenceClassifier,
)

__all__ = ["ExerciseKey", "build", "course_imports", "key"]

_KINDS = {
    "multiple_choice": "one answer",
    "multi_select": "tick every right option",
    "ordering": "put in order",
    "classify": "a label for each sentence",
    "matching": "match each item",
    "numeric": "a number",
}


@dataclass
class ExerciseKey:
    """What a teacher needs to know about one exercise: the question and its right answer.

    ``rows`` are (item, right answer) pairs for per-item exercises, or the options with a
    mark for choice exercises; ``answer`` is the right answer in words; ``hints`` maps a wrong
    answer to the feedback the exercise gives for it; ``retry`` says what the feedback names
    from the second wrong Check on, where that differs from the first.
    """

    exercise_id: str
    kind: str
    prompt: str
    answer: str
    explanation: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    hints: list[tuple[str, str]] = field(default_factory=list)
    reasons_box: str = ""
    retry: str = ""

    @property
    def kind_label(self) -> str:
        return _KINDS.get(self.kind, self.kind)


def course_imports(sources: Iterable[str]) -> str:
    """The ``from course… import …`` and ``import course…`` statements of some code cells.

    These are all an exercise cell needs to run (``l01`` is
    ``from course.lessons import l01_phases as l01``); nothing else of the notebook is run.
    """
    found: list[str] = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            module = (
                node.module
                if isinstance(node, ast.ImportFrom)
                else node.names[0].name
                if isinstance(node, ast.Import)
                else ""
            )
            if module and module.split(".")[0] == "course":
                found.append(ast.unparse(node))
    return "\n".join(dict.fromkeys(found))


def build(source: str, imports: str) -> Exercise:
    """Run an exercise cell's ``source`` after ``imports`` and return the exercise it shows.

    Raises ``ValueError`` when the cell's last statement does not produce an exercise.
    """
    namespace: dict[str, Any] = {}
    exec(compile(imports, "<lesson imports>", "exec"), namespace)  # noqa: S102 - course code
    tree = ast.parse(source)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        raise ValueError(f"the exercise cell does not end with a call: {source!r}")
    body = ast.Module(body=tree.body[:-1], type_ignores=[])
    exec(compile(body, "<exercise cell>", "exec"), namespace)  # noqa: S102
    last = ast.Expression(body=tree.body[-1].value)
    exercise = eval(compile(last, "<exercise cell>", "eval"), namespace)  # noqa: S307
    if not isinstance(exercise, Exercise):
        raise ValueError(f"the cell {source!r} shows {type(exercise).__name__}, not an exercise")
    return exercise


def _prompt(exercise: Exercise) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", exercise.prompt.value)).strip()


def _right_value(exercise: Exercise) -> Any:
    if isinstance(exercise, Ordering):
        return tuple(exercise.items)
    if isinstance(exercise, SentenceClassifier | Matching):
        return tuple(exercise.answers)
    if isinstance(exercise, MultiSelect):
        return tuple(option for option in exercise.options if option in exercise.answers)
    if isinstance(exercise, MultipleChoice | NumericAnswer):
        return exercise.answer
    raise TypeError(f"{exercise.exercise_id}: no key for {type(exercise).__name__}")


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def key(exercise: Exercise) -> ExerciseKey:
    """Read the answer key of ``exercise`` and prove it: the right value must check as correct.

    Raises ``AssertionError`` naming the exercise when its own check rejects its answer.
    """
    right = _right_value(exercise)
    exercise.value = right
    if exercise.submit() is not True:
        raise AssertionError(
            f"{exercise.exercise_id}: its own answer does not check as correct "
            f"({exercise.feedback!r})"
        )
    explanation = exercise.explanation
    result = ExerciseKey(
        exercise.exercise_id,
        exercise.kind,
        _prompt(exercise),
        "",
        explanation,
        reasons_box=exercise.justify_area.description if exercise.justify_area else "",
    )
    if isinstance(exercise, Ordering):
        result.rows = [(str(n), item) for n, item in enumerate(exercise.items, 1)]
        result.answer = "the order in the table below, earliest first"
        result.retry = (
            "The first wrong Check gives how many items are in the right place (or says that "
            "the order is upside down); from the second wrong Check on, it also names the first "
            "item out of place."
        )
    elif isinstance(exercise, SentenceClassifier | Matching):
        result.rows = list(zip(exercise.items, exercise.answers, strict=True))
        result.answer = "the right-hand column of the table below"
    elif isinstance(exercise, MultiSelect):
        chosen = set(right)
        result.rows = [(option, "yes" if option in chosen else "no") for option in exercise.options]
        result.answer = "; ".join(right)
        result.hints = [
            (option, exercise.extra_hints[option])
            for option in exercise.options
            if option in exercise.extra_hints
        ]
        result.hints += [
            (f"{option} (left out)", f"You left out {exercise.missing_kind[option]}.")
            for option in exercise.options
            if option in exercise.missing_kind
        ]
        found = ["how many right options were found"]
        if exercise.missing_kind:
            found.append("the kind of each one left out")
        if exercise.extra_hints:
            found.append("the reason above for each wrong option ticked")
        if set(exercise.options) - exercise.answers - set(exercise.extra_hints):
            other = " other" if exercise.extra_hints else ""
            found.append(f"how many{other} ticks are wrong")
        listed = ", ".join(found[:-1]) + f" and {found[-1]}" if len(found) > 1 else found[0]
        result.retry = (
            f"The first wrong Check gives {listed}; from the second wrong Check on, it names "
            "every option left out and every option ticked wrongly."
        )
    elif isinstance(exercise, MultipleChoice):
        result.rows = [
            (option, "right" if option == exercise.answer else "") for option in exercise.options
        ]
        result.answer = exercise.answer
        result.hints = [
            (option, exercise.hints[option])
            for option in exercise.options
            if option in exercise.hints and option != exercise.answer
        ]
    elif isinstance(exercise, NumericAnswer):
        unit = f" {exercise.unit}" if exercise.unit else ""
        result.answer = f"{_number(exercise.answer)}{unit}"
        if exercise.tolerance:
            result.answer += f" (accepted within ±{_number(exercise.tolerance)})"
        result.hints = [
            (label, hint)
            for label, hint in [("too low", exercise.too_low), ("too high", exercise.too_high)]
            if hint
        ]
    exercise.reset()
    return result
