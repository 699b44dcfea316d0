"""Do the autograded checks accept every correct answer, and point each near miss at its mistake?

Every variant in ``tests/answer_variants.py`` runs against the grade cells of its question as they
stand in ``autograder/source`` (or ``ANSWER_KEYS_SOURCE``): in a kernel as nbgrader runs them,
and again with the answers sent as data to a separate checker namespace. A small class per
assignment is then handed in through nbgrader's exchange and graded by ``course grade``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.answer_keys import (
    ASSIGNMENTS,
    QUESTIONS,
    Checker,
    StudentKernel,
    autograded_cells,
    class_of,
    expected_outcome,
    feedback_text,
    grade_cells_of,
    grade_class,
    graded_cells,
    hidden_lines,
    source_notebook,
    try_variant,
)
from tests.answer_variants import questions_of


def _question_of(assignment: str, grade_id: str):
    return next(
        (q for q in questions_of(assignment) if grade_id.startswith(f"{q.number}-test")), None
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_grade_cell_has_two_correct_answers_and_a_near_miss(assignment):
    """Is every autograded cell tried with two correct answers and a near miss that fails it?"""
    for grade_id in autograded_cells(source_notebook(assignment)):
        question = _question_of(assignment, grade_id)
        assert question is not None, f"{assignment}: no answers are tried on {grade_id}"
        assert len(question.correct) >= 2, grade_id
        assert any(grade_id in v.fails for v in question.near_misses), grade_id
        for variant in question.near_misses:
            unknown = set(variant.fails) - set(
                grade_cells_of(question, source_notebook(assignment))
            )
            assert not unknown, f"{variant.name}: no such grade cell {unknown}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_graded_class_fails_every_grade_cell_at_least_once(assignment):
    """Does the class graded through nbgrader hand in a near miss for every grade cell?"""
    failed = {
        gid for picks in class_of(assignment).values() for v in picks.values() for gid in v.fails
    }
    assert set(autograded_cells(source_notebook(assignment))) <= failed


@pytest.fixture(scope="module")
def kernels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, StudentKernel]]:
    """One running kernel per assignment, started on first use, with its setup cell run."""
    started: dict[str, StudentKernel] = {}

    class Lazy(dict):
        def __missing__(self, assignment: str) -> StudentKernel:
            folder = tmp_path_factory.mktemp(assignment)
            started[assignment] = StudentKernel(assignment, folder).__enter__()
            self[assignment] = started[assignment]
            return started[assignment]

    yield Lazy()
    for kernel in started.values():
        kernel.__exit__(None, None, None)


@pytest.fixture(scope="module")
def checkers() -> dict[str, Checker]:
    class Lazy(dict):
        def __missing__(self, assignment: str) -> Checker:
            self[assignment] = Checker(assignment)
            return self[assignment]

    return Lazy()


VARIANTS = [
    pytest.param(q, v, id=f"{q.assignment}-{q.number}-{'right' if v.correct else 'near'}-{v.name}")
    for q in QUESTIONS
    for v in q.variants
]


@pytest.mark.slow
@pytest.mark.parametrize(("question", "variant"), VARIANTS)
def test_answer_gets_what_it_deserves(kernels, checkers, question, variant):
    """Does each grade cell pass this answer, or fail it with a message naming its real mistake?

    Both in the student's kernel and in a checker that receives the answer as data.
    """
    tried = try_variant(
        kernels[question.assignment], checkers[question.assignment], question, variant
    )
    problems = {}
    for grade_id, outcome in tried.kernel.items():
        problem = expected_outcome(variant, grade_id, outcome)
        if problem:
            problems[f"{grade_id} (kernel)"] = problem
        remote = tried.checker[grade_id]
        assert (remote is not None) == variant.sendable, f"{grade_id}: sent as data: {remote}"
        problem = remote and expected_outcome(variant, grade_id, remote)
        if problem:
            problems[f"{grade_id} (checker)"] = problem
    assert not problems, problems


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_class_graded_through_nbgrader(tmp_path: Path, assignment: str):
    """Graded by nbgrader, do right answers earn every point and near misses lose exactly theirs?

    Each failed cell's message must reach the student's feedback, and no hidden test code may.
    """
    course_dir = grade_class(assignment, tmp_path)
    hidden = hidden_lines(assignment)
    problems = []
    for student, picks in class_of(assignment).items():
        cells = graded_cells(course_dir, assignment, student)
        feedback = feedback_text(course_dir, assignment, student)
        own = {
            line.strip()
            for q in questions_of(assignment)
            for v in (picks[q.number],)
            for line in f"{q.given}\n{v.code}".splitlines()
        }  # a student's own code is theirs to see
        problems += [
            f"{student}: feedback shows hidden line {line!r}"
            for line in hidden
            if line in feedback and line not in own
        ]
        for question in questions_of(assignment):
            variant = picks[question.number]
            for grade_id in grade_cells_of(question, source_notebook(assignment)):
                cell, pattern = cells[grade_id], variant.fails.get(grade_id)
                where = f"{student} {grade_id} ({variant.name})"
                if pattern is None:
                    if cell.score != cell.max_score:
                        problems.append(f"{where}: {cell.score}/{cell.max_score}, {cell.message}")
                    continue
                if cell.score != 0 or not re.search(pattern, cell.message, flags=re.DOTALL):
                    problems.append(f"{where}: {cell.score} points, message {cell.message!r}")
                elif cell.message.split(": ", 1)[-1][:80] not in feedback:
                    problems.append(f"{where}: the message is not in the feedback")
    assert not problems, "\n".join(problems)
