"""What the lessons' checkbox and ordering exercises say to a wrong answer, try after try.

Issue 13 found "You found 10 of 11", which does not say which one is missing. Every exercise of
lessons 00–05 with checkboxes (``MultiSelect``) or Up and Down buttons (``Ordering``) is built
here the way its notebook cell builds it, answered wrongly twice, and its feedback read: the
first wrong Check is a hint that names no answer; the second names the option left out, or the
first item out of place.
"""

from __future__ import annotations

import nbformat
import pytest

from course.guide import exercises as keys_
from course.guide.notebooks import lesson_paths
from course.widgets import MultiSelect, Ordering


def _exercise_cells() -> list[tuple[str, str, str]]:
    """(lesson, exercise cell source, the imports it needs) for every exercise cell."""
    found = []
    for path in lesson_paths():
        nb = nbformat.read(path, as_version=4)
        imports = keys_.course_imports(c.source for c in nb.cells if c.cell_type == "code")
        for cell in nb.cells:
            if "exercise" in cell.get("metadata", {}).get("tags", []):
                found.append((path.stem, cell.source, imports))
    return found


CELLS = [
    (lesson, source, imports)
    for lesson, source, imports in _exercise_cells()
    if isinstance(keys_.build(source, imports), MultiSelect | Ordering)
]


def test_the_lessons_have_checkbox_and_ordering_exercises_to_try():
    """Are there such exercises in lessons 00, 01, 04 and 05 (so the tests below test something)?"""
    assert {lesson[:2] for lesson, _, _ in CELLS} >= {"00", "01", "04", "05"}


@pytest.mark.parametrize(
    ("lesson", "source", "imports"),
    CELLS,
    ids=[f"{c[0][:2]}:{c[1].splitlines()[-1]}" for c in CELLS],
)
def test_the_second_wrong_check_names_what_the_first_only_hints_at(lesson, source, imports):
    """Is the missing option (or the first item out of place) named on the second try only?"""
    quiz = keys_.build(source, imports)
    if isinstance(quiz, Ordering):
        right = list(quiz.items)
        wrong = [right[0], right[2], right[1], *right[3:]] if len(right) > 2 else right[::-1]
        named = right[2]
        quiz.value = tuple(wrong)
    else:
        missing = next(option for option in quiz.options if option in quiz.answers)
        named = missing
        quiz.value = tuple(option for option in quiz.answers if option != missing)
    assert quiz.submit() is False
    assert f"'{named}'" not in quiz.feedback, quiz.feedback
    assert quiz.submit() is False
    assert f"'{named}'" in quiz.feedback, quiz.feedback
