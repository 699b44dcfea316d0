"""The shared behaviour of every exercise widget: check, feedback, retry, reset, answer record.

An exercise is a ``VBox`` with a prompt, the answer control(s) a subclass builds, a **Check**
button, a **Reset** button and a feedback area. The learner's answer is the ``value`` trait.
Code drives an exercise exactly as a click does::

    quiz.value = "July 2016"
    quiz.submit()          # the same method the Check button calls
    quiz.correct           # True / False
    quiz.record()          # the answer record, a JSON-able dict

Feedback is text first ("Correct." / "Not yet."), never colour alone, and sits in an
``aria-live`` region so that screen readers announce it. Every control is a standard
ipywidgets input with a ``description`` label. Inside JupyterLab the arrow keys belong to the
notebook (they move between cells), so every exercise can be done with Tab, Space and Enter.
"""

from __future__ import annotations

import html
import weakref
from datetime import UTC, datetime
from typing import Any, ClassVar

import ipywidgets as widgets
import traitlets

from course import records

__all__ = ["Exercise"]

_FEEDBACK = '<div role="status" aria-live="polite" class="course-feedback {css}">{body}</div>'


class Exercise(widgets.VBox):
    """Base class: a prompt, a control, Check and Reset, and feedback. Not used directly."""

    kind = "exercise"

    exercise_id = traitlets.Unicode(help="Stable id of the exercise, used in answer records.")
    value = traitlets.Any(None, allow_none=True, help="The learner's current answer.")
    correct = traitlets.Bool(
        None, allow_none=True, help="Whether the last checked answer was right; None before."
    )
    attempts = traitlets.Int(0, help="How many times the learner has pressed Check.")
    feedback = traitlets.Unicode("", help="The feedback text shown after the last check.")
    justification = traitlets.Unicode(
        "", help="The learner's written reasons, when the exercise asks for them."
    )
    answer_record = traitlets.Unicode(
        "",
        help="The signed record of the last checked answer (see course.records). It is "
        "synced to the browser so that JupyterLab saves it inside the notebook.",
    ).tag(sync=True)

    _live: ClassVar[dict[str, weakref.ReferenceType[Exercise]]] = {}

    def __init__(
        self,
        exercise_id: str,
        prompt: str,
        *,
        explanation: str = "",
        justify: str | None = None,
        graded: bool = False,
        **kwargs: Any,
    ) -> None:
        self._updating = False
        self.explanation = explanation
        self.graded = graded
        self.exercise_id = exercise_id
        self.prompt = widgets.HTML(f"<p><strong>{html.escape(prompt)}</strong></p>")
        self.control = self._build_control()
        self.check_button = widgets.Button(
            description="Check",
            button_style="primary",
            icon="check",
            tooltip="Check your answer",
        )
        self.reset_button = widgets.Button(
            description="Reset", icon="undo", tooltip="Clear your answer and start again"
        )
        self.feedback_area = widgets.HTML(_FEEDBACK.format(css="", body=""))
        self.check_button.on_click(lambda _button: self.submit())
        self.reset_button.on_click(lambda _button: self.reset())
        children: list[widgets.Widget] = [self.prompt, self.control]
        self.justify_area = None
        if justify:
            self.justify_area = widgets.Textarea(
                placeholder="Write your reasons here",
                description=justify,
                layout=widgets.Layout(width="95%", height="5em"),
                style={"description_width": "initial"},
            )
            self.justify_area.observe(self._on_justify_area, "value")
            children.append(self.justify_area)
        children += [widgets.HBox([self.check_button, self.reset_button]), self.feedback_area]
        super().__init__(children=children, exercise_id=exercise_id, **kwargs)
        self.add_class("course-exercise")
        self.observe(self._on_value, "value")
        Exercise._live[exercise_id] = weakref.ref(self)

    @classmethod
    def live(cls, exercise_id: str) -> Exercise | None:
        """Return the most recently created exercise with this id, if it still exists."""
        ref = cls._live.get(exercise_id)
        return ref() if ref else None

    # Subclasses implement these three -------------------------------------------------------

    def _build_control(self) -> widgets.Widget:
        raise NotImplementedError

    def _show_value(self, value: Any) -> None:
        """Make the control display ``value`` (called when code sets ``.value``)."""
        raise NotImplementedError

    def _evaluate(self, value: Any) -> tuple[bool, str]:
        """Return (correct, specific feedback) for a non-empty answer (ungraded only)."""
        raise NotImplementedError

    def _coerce(self, value: Any) -> Any:
        """Validate a value set from code; raise ``traitlets.TraitError`` if it cannot be."""
        return value

    @traitlets.validate("value")
    def _validate_value(self, proposal: dict[str, Any]) -> Any:
        return proposal["value"] if proposal["value"] is None else self._coerce(proposal["value"])

    def _is_empty(self, value: Any) -> bool:
        return value is None or value == () or value == ""

    # Shared behaviour ------------------------------------------------------------------------

    def _set_from_control(self, value: Any) -> None:
        """Called by subclasses when the learner changes the control."""
        if not self._updating:
            self.value = value

    def _on_value(self, change: dict[str, Any]) -> None:
        self._updating = True
        try:
            self._show_value(change["new"])
        finally:
            self._updating = False

    def _on_justify_area(self, change: dict[str, Any]) -> None:
        self.justification = change["new"]

    @traitlets.observe("justification")
    def _show_justification(self, change: dict[str, Any]) -> None:
        if self.justify_area is not None and self.justify_area.value != change["new"]:
            self.justify_area.value = change["new"]

    def submit(self) -> bool | None:
        """Check the current ``value`` exactly as the Check button does; return ``correct``.

        In a graded exercise the answer is only recorded (``correct`` stays ``None``): the
        exercise does not know the answer, which lives in the assignment's hidden tests.
        """
        if self._is_empty(self.value):
            self._show("", "Choose an answer first, then press Check.")
            return None
        self.attempts += 1
        if self.graded:
            self.answer_record = records.sign(self.record())
            self._show(
                "recorded",
                "Answer recorded. You can change it and press Check again "
                "until you hand in the notebook; the last answer you checked counts.",
            )
            return None
        correct, specific = self._evaluate(self.value)
        self.correct = correct
        self.answer_record = records.sign(self.record())
        verdict = "Correct." if correct else "Not yet."
        body = f"{verdict} {specific}".strip()
        if correct and self.explanation:
            body += f" {self.explanation}"
        elif not correct:
            body += " Try again, or press Reset to start over."
        self._show("correct" if correct else "incorrect", body)
        return correct

    def _require_answer(self, answer: object) -> None:
        if answer is None and not self.graded:
            raise ValueError(f"{self.exercise_id}: an ungraded exercise needs its answer")

    def reset(self) -> None:
        """Clear the answer, the feedback and the verdict (attempts are kept)."""
        self.value = self._empty_value()
        self.correct = None
        self.justification = ""
        self.answer_record = ""
        self._show("", "")

    def _empty_value(self) -> Any:
        return None

    def _show(self, css: str, text: str) -> None:
        self.feedback = text
        icon = {"correct": "✔ ", "incorrect": "✘ ", "recorded": "✎ "}.get(css, "")
        body = f"{icon}{html.escape(text)}" if text else ""
        self.feedback_area.value = _FEEDBACK.format(css=css, body=body)

    def record(self) -> dict[str, Any]:
        """Return the answer record: what was answered, whether it was right, how often tried."""
        value = self.value
        if isinstance(value, tuple):
            value = list(value)
        return {
            "exercise_id": self.exercise_id,
            "kind": self.kind,
            "value": value,
            "correct": self.correct,
            "attempts": self.attempts,
            "justification": self.justification,
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
