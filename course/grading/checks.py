"""Helpers for assignment test cells: plain-language checks that feedback can show.

A hidden test written as ``expect(condition, "what went wrong, in words")`` fails with that
message alone, so students see *why* a check failed without seeing the test's code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from course.records import recorded_answer

__all__ = ["answer_value", "expect", "expect_answer"]


def expect(condition: object, message: str) -> None:
    """Fail with ``message`` (and nothing else) unless ``condition`` is true."""
    if not condition:
        raise AssertionError(message)


def answer_value(exercise_id: str) -> Any:
    """Return the value of the learner's checked answer to a widget question.

    Fails with a message a student can act on when there is no answer, or when the saved
    answer was edited after it was recorded.
    """
    record = recorded_answer(exercise_id)
    expect(
        record is not None,
        f"No answer was recorded for the question '{exercise_id}'. "
        "Choose your answer, press Check, then save the notebook before handing it in.",
    )
    expect(
        record.get("status") != "tampered",
        f"The saved answer to '{exercise_id}' was "
        "changed outside the notebook, so it cannot be graded. Answer it again in the "
        "notebook and press Check.",
    )
    return record["value"]


def expect_answer(exercise_id: str, expected: Any, message: str) -> None:
    """Fail with ``message`` unless the recorded answer equals ``expected``.

    Sequences are compared as lists, so a tuple answer matches a list of the same items.
    """
    value = answer_value(exercise_id)
    if isinstance(expected, Sequence) and not isinstance(expected, str):
        expect(list(value or []) == list(expected), message)
    else:
        expect(value == expected, message)
