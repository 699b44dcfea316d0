"""The guide's session plans and assignment keys: times that add up, answers that are right.

The plans' minutes are the notebooks' stated times, so these tests also fail when a lesson is
re-timed in a way that breaks a plan (a part grows beyond a session, homework beyond an hour).
The widget answers of the assignments are read from their hidden tests and proved against them.
"""

from __future__ import annotations

import re

import pytest

from course.guide import GUIDE_DIR, Course
from course.guide.assignments import _prove, _widget_answer, read_assignment, region
from course.guide.sessions import (
    HOMEWORK_MINUTES,
    PLANS,
    SESSION_MINUTES,
    Slot,
    plan_markdown,
    plan_problems,
)
from tests import lesson_load
from tests.conftest import REPO


@pytest.fixture(scope="module")
def course() -> Course:
    return Course()


def test_plans_exist_for_two_four_and_six_sessions():
    """Does the guide plan the course for 2, 4 and 6 class sessions, with that many sessions?"""
    assert sorted(PLANS) == [2, 4, 6]
    for sessions, plan in PLANS.items():
        assert sum(1 for slot in plan if slot.kind == "class") == sessions


@pytest.mark.parametrize("sessions", sorted(PLANS))
def test_each_plan_keeps_its_rules(sessions, course):
    """Does the plan name every part and assignment once, fit its sessions and keep order?"""
    assert plan_problems(PLANS[sessions], course.minutes) == []


@pytest.mark.parametrize("sessions", sorted(PLANS))
def test_each_plans_minutes_add_up_to_the_notebooks_times(sessions, course):
    """Do class, homework and optional minutes add up to the times the notebooks state?

    The expected total is read with the timing rule's own parser (tests/lesson_load.py) and
    from the assignments' openings, independently of the guide's reader.
    """
    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    lessons = sum(p.stated_minutes or 0 for path in notebooks for p in lesson_load.parts(path))
    assignments = sum(a.stated_minutes or 0 for a in course.assignments)
    text = plan_markdown(sessions, course.minutes)
    numbers = re.search(
        r"In class: (\d+) minutes .*? Homework: (\d+) minutes\. Optional: (\d+) minutes\. "
        r"Together: (\d+) minutes",
        text,
    )
    assert numbers, text
    in_class, homework, optional, together = map(int, numbers.groups())
    assert in_class + homework + optional == together == lessons + assignments
    assert in_class <= sessions * SESSION_MINUTES
    rows = re.findall(r"^\| .*? \| (\d+) \|$", text, re.MULTILINE)
    assert sum(map(int, rows)) == together


def test_the_sessions_page_carries_the_plans():
    """Does docs/teachers/sessions.md show each plan?"""
    page = (GUIDE_DIR / "sessions.md").read_text(encoding="utf-8")
    for sessions in PLANS:
        assert f"### {sessions} sessions" in page


def _slot(label: str, kind: str, *items: str) -> Slot:
    return Slot(label, kind, items)


_OPTIONAL_H = _slot("x", "optional", "h")


@pytest.mark.parametrize(
    ("plan", "problem"),
    [
        ((_slot("S1", "class", "a/1", "a/2"),), "needs 80 minutes"),
        ((_slot("S1", "class", "a/1"),), "leaves out: ['a/2', 'h']"),
        ((_slot("S1", "class", "a/2"), _slot("S2", "class", "a/1"), _OPTIONAL_H), "a/1 comes"),
        ((_slot("S1", "class", "a/1", "a/1"), _slot("x", "optional", "a/2", "h")), "than once"),
        ((_slot("H", "homework", "h", "a/1"), _slot("S1", "class", "a/2")), "sets 100 minutes"),
        ((_OPTIONAL_H, _slot("S1", "class", "a/1"), _slot("S2", "class", "a/2")), "at the end"),
        ((_slot("S1", "class", "a/1", "zz/9"), _slot("S2", "class", "a/2", "h")), "unknown"),
    ],
)
def test_a_plan_that_breaks_a_rule_is_reported(plan, problem):
    """Are a long session, a missing, doubled or reordered part and too much homework caught?"""
    available = {"a/1": (40, "one"), "a/2": (40, "two"), "h": (60, "homework")}
    assert any(problem in found for found in plan_problems(plan, available))
    assert SESSION_MINUTES == 50 and HOMEWORK_MINUTES == 60


def test_a_plan_that_sets_an_assignment_before_lesson_00_is_finished_is_reported():
    """Is an assignment set before lesson 00's part on handing in caught, and the fix accepted?"""
    available = {"00_s/1": (40, "start"), "00_s/2": (10, "hand in"), "a/1": (40, "one"),
                 "h": (60, "homework")}  # fmt: skip
    early = (_slot("H", "homework", "00_s/1"), _slot("S1", "class", "a/1"),
             _slot("H2", "homework", "h"), _slot("S2", "class", "00_s/2"))  # fmt: skip
    assert any("before the first assignment" in p for p in plan_problems(early, available))
    fixed = (_slot("H", "homework", "00_s/1"), _slot("S1", "class", "00_s/2", "a/1"),
             _slot("H2", "homework", "h"))  # fmt: skip
    assert plan_problems(fixed, available) == []


# Assignment keys -------------------------------------------------------------------------------


def test_every_widget_question_has_a_right_answer_that_passes_its_hidden_test(course):
    """Is each assignment's widget answer read from its hidden test, and does it pass it?"""
    widgets = [q for a in course.assignments for q in a.questions if q.widget_id]
    assert {q.widget_id for q in widgets} == {
        "ps1-order-events",
        "ps2-rewrite-origin",
        "ps3-classify-sentences",
    }
    for question in widgets:
        assert question.widget_answer, question.widget_id


@pytest.mark.parametrize("name", ["ps1_phases", "ps3_framing"])
def test_a_wrong_widget_answer_fails_the_hidden_test(name):
    """Does the proof fail for a wrong answer (the right one reversed), so it can fail?"""
    import nbformat

    path = REPO / "autograder" / "source" / name / f"{name}.ipynb"
    assignment = read_assignment(path)
    (question,) = [q for q in assignment.questions if q.widget_id]
    nb = nbformat.read(path, as_version=4)
    namespace: dict = {}
    exec(nb.cells[1].source, namespace)  # the setup cell
    hidden = next(
        region(c.source, ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))
        for c in nb.cells
        if question.widget_id in c.source and "BEGIN HIDDEN TESTS" in c.source
    )
    right = _widget_answer(hidden, namespace, question.widget_id)
    assert right == question.widget_answer
    _prove(hidden, namespace, question.widget_id, right)
    with pytest.raises(AssertionError):
        _prove(hidden, namespace, question.widget_id, list(reversed(right)))


def test_every_assignment_question_is_on_the_assignments_page(course):
    """Does the assignments page show every question, solution and rubric of every assignment?"""
    page = (GUIDE_DIR / "assignments.md").read_text(encoding="utf-8")
    for assignment in course.assignments:
        for question in assignment.questions:
            assert f"### {question.heading}" in page
            if question.solution:
                assert question.solution in page
            if question.by_hand:
                assert question.rubric.splitlines()[-1] in page


def test_each_hand_graded_model_answer_keeps_to_the_questions_word_range(course):
    """Does each model answer have as many words as its question asks (e.g. 100–150)?

    The student's text of a model answer is in italics, or after *Why:* when the question asks
    for a sentence and then an explanation of so many words.
    """
    from course.guide.notes import load_assignment_notes

    notes = load_assignment_notes()
    checked = 0
    for assignment in course.assignments:
        for question in assignment.questions:
            limits = re.search(r"(\d+)–(\d+) words", question.text)
            if not (question.by_hand and limits):
                continue
            answer = notes[assignment.name][question.number].answer
            if "*Why:*" in answer:
                words = len(answer.split("*Why:*", 1)[1].split())
            else:
                words = sum(len(span.split()) for span in re.findall(r"\*([^*]+)\*", answer))
            low, high = map(int, limits.groups())
            assert low <= words <= high, f"{assignment.name} Q{question.number}: {words} words"
            checked += 1
    assert checked == 3
