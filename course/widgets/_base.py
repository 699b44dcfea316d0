"""The shared behaviour of every exercise widget: check, feedback, retry, reset, answer record.

An exercise is a ``VBox`` with a prompt, a note, the answer control(s) a subclass builds, a
**Check** button, a **Reset** button and a feedback line. The learner's answer is the ``value``
trait. Code drives an exercise exactly as a click does::

    quiz.value = "July 2016"
    quiz.submit()          # the same method the Check button calls
    quiz.correct           # True / False
    quiz.record()          # the answer record, a JSON-able dict

The first wrong Check gives a hint, so that an exercise stays an exercise; from the second
wrong Check on (:attr:`Exercise.wrong_checks`), an exercise may name what is wrong: the option
left out, the item out of place. A graded exercise never judges, so it never names anything.

Feedback is text first ("Correct." / "Not yet."), never colour alone, and sits in one
persistent ``role="status"`` region (:class:`~course.widgets._live.LiveRegion`) that screen
readers announce. Every control is a standard ipywidgets input whose accessible name includes
its item's text. Inside JupyterLab the arrow keys belong to the notebook (they move between
cells), so every exercise can be done with Tab, Space and Enter.

Answers are kept in the notebook file (see :mod:`course.records`): on Check the signed record
goes into the synced ``answer_record`` trait (saved with the widget state) and into an output of
the exercise's cell (saved with the outputs). When an exercise is created in a kernel that
belongs to a notebook, it restores the last checked answer from the saved file and says so.
"""

from __future__ import annotations

import html
import os
import sys
import uuid
from datetime import datetime
from typing import Any

import ipywidgets as widgets
import traitlets

from course import records
from course.widgets._live import LiveRegion

__all__ = ["Exercise"]

_ICONS = {"correct": "✔ ", "incorrect": "✘ ", "recorded": "✎ "}


def _editor() -> str | None:
    """Name the editor this kernel runs under, when it can be told (VS Code, Colab)."""
    if "google.colab" in sys.modules:
        return "Google Colab"
    if os.environ.get("VSCODE_PID") or os.environ.get("VSCODE_CWD"):
        return "VS Code"
    return None


def _human_time(record: dict[str, Any]) -> str:
    try:
        moment = datetime.fromisoformat(str(record.get("recorded_at", "")))
    except ValueError:
        return "an unknown time"
    return moment.strftime("%H:%M:%S UTC on %d %B %Y").lstrip("0")


class Exercise(widgets.VBox):
    """Base class: a prompt, a control, Check and Reset, and feedback. Not used directly."""

    kind = "exercise"

    exercise_id = traitlets.Unicode(help="Stable id of the exercise, used in answer records.")
    value = traitlets.Any(None, allow_none=True, help="The learner's current answer.")
    correct = traitlets.Bool(
        None, allow_none=True, help="Whether the last checked answer was right; None before."
    )
    attempts = traitlets.Int(0, help="How many times the learner has pressed Check.")
    wrong_checks = traitlets.Int(
        0,
        help="How many Checks found the answer wrong (a wrong answer restored from the notebook "
        "counts as one). The first wrong Check gives a hint; from the second on, an exercise's "
        "feedback may name what is wrong (see _naming).",
    )
    feedback = traitlets.Unicode("", help="The feedback text shown after the last check.")
    justification = traitlets.Unicode(
        "", help="The learner's written reasons, when the exercise asks for them."
    )
    answer_record = traitlets.Unicode(
        "",
        help="The signed record of the last checked answer, or of a Reset (see course.records). "
        "It is synced to the browser so that JupyterLab saves it inside the notebook.",
    ).tag(sync=True)
    restored = traitlets.Bool(
        False, help="True when the answer was restored from the saved notebook file."
    )

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
        self._record_display_id = f"course-record-{exercise_id}-{uuid.uuid4().hex}"
        self._record_shown = False
        self.explanation = explanation
        self.graded = graded
        self.exercise_id = exercise_id
        self.prompt_text = prompt
        self.prompt = widgets.HTML(f"<p><strong>{html.escape(prompt)}</strong></p>")
        self.note = widgets.HTML("")
        self.note.add_class("course-note")
        self.control = self._build_control()
        self.check_button = widgets.Button(
            description="Check",
            button_style="primary",
            icon="check",
            tooltip="Check your answer and save it in this notebook",
        )
        self.reset_button = widgets.Button(
            description="Reset",
            icon="undo",
            tooltip="Clear your answer, including the answer saved in this notebook",
        )
        self.feedback_area = LiveRegion()
        self.check_button.on_click(lambda _button: self.submit())
        self.reset_button.on_click(lambda _button: self.reset())
        children: list[widgets.Widget] = [self.prompt, self.note, self.control]
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
        initial = self._initial_value()
        if initial is not None:
            self.value = initial
        records.register_live(exercise_id, self)
        self._restore()

    @classmethod
    def live(cls, exercise_id: str) -> Exercise | None:
        """Return the most recently created exercise with this id, if it still exists."""
        owner = records.live_owner(exercise_id)
        return owner if isinstance(owner, cls) else None

    # Subclasses implement these -------------------------------------------------------------

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

    def _initial_value(self) -> Any:
        """The value a new exercise starts with (``None``: nothing chosen)."""
        return None

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
            self._keep(records.sign(self.record()))
            self._show(
                "recorded",
                "Answer recorded. You can change it and press Check again until you hand in; "
                "the last answer you checked counts. Save the notebook (Ctrl + S) to keep it.",
            )
            return None
        correct, specific = self._evaluate(self.value)
        self.correct = correct
        if not correct:
            self.wrong_checks += 1
        self._keep(records.sign(self.record()))
        verdict = "Correct." if correct else "Not yet."
        body = f"{verdict} {specific}".strip()
        if correct and self.explanation:
            body += f" {self.explanation}"
        elif not correct:
            body += " Try again, or press Reset to start over."
        self._show("correct" if correct else "incorrect", body)
        return correct

    @property
    def _naming(self) -> bool:
        """Whether the Check being judged may name what is wrong: from the second wrong one on.

        Read inside :meth:`_evaluate`, before this Check is counted in ``wrong_checks``.
        """
        return self.wrong_checks >= 1

    def _require_answer(self, answer: object) -> None:
        if answer is None and not self.graded:
            raise ValueError(f"{self.exercise_id}: an ungraded exercise needs its answer")

    def reset(self) -> None:
        """Clear the answer, the verdict, the feedback and the saved answer (attempts are kept).

        The saved answer is replaced by a signed record of the Reset, so the question counts as
        unanswered even where an older record of it is still kept in the notebook.
        """
        self.value = self._empty_value()
        self.correct = None
        self.justification = ""
        self.restored = False
        self.note.value = ""
        self._keep(records.sign(self.record(cleared=True)))
        self._show(
            "",
            "Your answer is cleared, and so is the answer saved in this notebook: this "
            "question now counts as unanswered. Choose an answer and press Check to record a "
            "new one.",
        )

    def _empty_value(self) -> Any:
        return None

    def _show(self, css: str, text: str) -> None:
        self.feedback = text
        self.feedback_area.say(f"{_ICONS.get(css, '')}{text}" if text else "", css)

    def record(self, *, cleared: bool = False) -> dict[str, Any]:
        """Return the answer record: what was answered, whether it was right, how often tried.

        ``cleared=True`` gives the record of a Reset: no value, ``"cleared": True``.
        """
        value = None if cleared else self.value
        if isinstance(value, tuple):
            value = list(value)
        record = {
            "exercise_id": self.exercise_id,
            "kind": self.kind,
            "value": value,
            "correct": None if cleared else self.correct,
            "attempts": self.attempts,
            "justification": "" if cleared else self.justification,
            "recorded_at": records.timestamp(),
        }
        if cleared:
            record["cleared"] = True
        return record

    # Keeping the record in the notebook ------------------------------------------------------

    def _keep(self, token: str) -> None:
        """Store a signed record in the synced trait and in the cell's record output."""
        self.answer_record = token
        if self._record_shown:
            from IPython.display import update_display

            update_display(self._record_bundle(), raw=True, display_id=self._record_display_id)

    def _record_bundle(self) -> dict[str, Any]:
        token = self.answer_record
        record = records.latest([token]).get(self.exercise_id, {}) if token else {}
        if not token:
            text = ""
        elif record.get("status") == "tampered":
            text = "The saved answer to this question was changed outside the notebook."
        elif record.get("cleared"):
            text = f"No answer saved: you pressed Reset at {_human_time(record)}."
        else:
            text = (
                f"Saved in this notebook: the answer you checked at {_human_time(record)}. "
                "Save the notebook to keep it."
            )
        return {
            records.RECORD_MIME: {"exercise_id": self.exercise_id, "answer_record": token},
            "text/markdown": f"<small>{html.escape(text)}</small>" if text else "",
            "text/plain": text,
        }

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        if os.environ.get("NBGRADER_EXECUTION"):  # graded copies and feedback: the prompt only
            bundle["text/plain"] = f"Exercise: {self.prompt_text}"
            return bundle
        bundle["text/plain"] = (
            f"Exercise: {self.prompt_text}\n"
            "This exercise is an interactive widget. If you see this text instead of answer "
            "buttons, open the notebook in JupyterLab (the course's Binder link or your "
            "school's JupyterHub) and run the cell."
        )
        return bundle

    def _ipython_display_(self) -> None:
        """Show the exercise, then its record output (kept up to date on every Check)."""
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)
        if os.environ.get("NBGRADER_EXECUTION"):
            return  # nbgrader runs the notebook: the answer comes from the submitted file
        display(self._record_bundle(), raw=True, display_id=self._record_display_id)
        self._record_shown = True

    # Restoring from the saved notebook -------------------------------------------------------

    def _restore(self) -> None:
        """Fill in the last checked answer saved in this kernel's notebook file, and say so."""
        if os.environ.get("NBGRADER_EXECUTION"):
            return
        path = records.notebook_path()
        if path is None:
            if self.graded:
                self._warn_unsaved()
            return
        try:
            saved = records.file_records(path).get(self.exercise_id)
        except (OSError, ValueError) as error:
            self.note.value = self._note_html(
                f"⚠ Your saved answer could not be read from {path.name} ({error}). "
                "Answer this question again and press Check."
            )
            return
        live = records.latest(records.live_tokens(self.exercise_id)).get(self.exercise_id)
        newest = records.pick_latest(saved, live)
        if newest is None or newest.get("cleared"):
            return
        if newest.get("status") == "tampered":
            self.note.value = self._note_html(
                "⚠ The answer saved in this notebook for this question was changed outside "
                "the notebook, so it cannot count. Answer it again and press Check."
            )
            return
        try:
            self.value = newest.get("value")
        except traitlets.TraitError:
            self.note.value = self._note_html(
                "⚠ Your saved answer no longer fits this question (the question changed). "
                "Answer it again and press Check."
            )
            return
        self.attempts = int(newest.get("attempts") or 0)
        self.wrong_checks = 1 if newest.get("correct") is False else 0
        self.justification = str(newest.get("justification") or "")
        self.correct = newest.get("correct")
        self.answer_record = records.sign(newest)
        self.restored = True
        self.note.value = self._note_html(
            f"↺ Your saved answer is filled in: the answer you last checked, at "
            f"{_human_time(newest)}, read from {path.name}. Change it and press Check again, "
            "or press Reset to clear it."
        )

    def _warn_unsaved(self) -> None:
        where = _editor()
        first = (
            f"In {where}, widget answers may not be saved in the notebook file."
            if where
            else "This exercise cannot find the notebook file it belongs to, so it cannot "
            "check that your answer is saved in it."
        )
        self.note.value = self._note_html(
            f"⚠ {first} Answer the widget questions in JupyterLab (the course's Binder link "
            "or your school's JupyterHub): press Check, save the notebook, and press Validate "
            "before you hand it in."
        )

    @staticmethod
    def _note_html(text: str) -> str:
        return f"<p>{html.escape(text)}</p>"
