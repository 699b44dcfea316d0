"""Exercises where the learner picks options: one (toggle buttons) or several (checkboxes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import traitlets

from course.widgets._base import Exercise

__all__ = ["MultipleChoice", "MultiSelect"]


class MultipleChoice(Exercise):
    """One correct option among several, shown as a row of toggle buttons.

    ``value`` is the chosen option (a string) or ``None``. ``hints`` maps a wrong option to the
    feedback that explains why it is wrong. Pass ``justify="Why?"`` to add a text box for
    reasons, kept in ``justification`` and in the answer record (graded by a person).
    """

    kind = "multiple_choice"

    def __init__(
        self,
        exercise_id: str,
        prompt: str,
        options: Sequence[str],
        answer: str | None = None,
        *,
        hints: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.options = list(options)
        self.graded = kwargs.get("graded", False)
        self.exercise_id = exercise_id
        self._require_answer(answer)
        if answer is not None and answer not in self.options:
            raise ValueError(f"{exercise_id}: answer {answer!r} is not one of the options")
        self.answer = answer
        self.hints = dict(hints or {})
        super().__init__(exercise_id, prompt, **kwargs)

    def _build_control(self) -> widgets.Widget:
        # Toggle buttons rather than radio buttons: inside JupyterLab the arrow keys belong to
        # the notebook (they move between cells), while Tab, Space and Enter reach buttons.
        toggles = widgets.ToggleButtons(
            options=self.options,
            value=None,
            description="Answer",
            tooltips=self.options,
            style={"button_width": "auto"},
            layout=widgets.Layout(display="flex", flex_flow="row wrap"),
        )
        toggles.observe(lambda change: self._set_from_control(change["new"]), "value")
        return toggles

    def _coerce(self, value: Any) -> Any:
        if value not in self.options:
            raise traitlets.TraitError(f"{value!r} is not one of the options {self.options}")
        return value

    def _show_value(self, value: Any) -> None:
        self.control.value = value

    def _evaluate(self, value: str) -> tuple[bool, str]:
        return value == self.answer, "" if value == self.answer else self.hints.get(value, "")


class MultiSelect(Exercise):
    """Several correct options, shown as checkboxes (Tab to move, Space to tick).

    ``value`` is a tuple of the ticked options, in the order they are listed.

    A wrong answer's feedback says what is wrong, not only how much. The first wrong Check
    gives the count found, the *kind* of each option left out (``missing_kind`` maps a right
    option to a description of its kind, such as "a state that the AP names") and why each
    option ticked wrongly does not belong (``extra_hints`` maps a wrong option to that
    reason); a wrong tick without a reason is only counted. From the second wrong Check on, it
    names every option left out and every option ticked wrongly.
    """

    kind = "multi_select"

    def __init__(
        self,
        exercise_id: str,
        prompt: str,
        options: Sequence[str],
        answers: Sequence[str] | None = None,
        *,
        missing_kind: Mapping[str, str] | None = None,
        extra_hints: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.options = list(options)
        self.graded = kwargs.get("graded", False)
        self.exercise_id = exercise_id
        self._require_answer(answers)
        missing = set(answers or ()) - set(self.options)
        if missing:
            raise ValueError(f"{exercise_id}: answers {sorted(missing)} are not options")
        self.answers = set(answers or ())
        self.missing_kind = dict(missing_kind or {})
        self.extra_hints = dict(extra_hints or {})
        unknown = (set(self.missing_kind) - self.answers) | (
            set(self.extra_hints) - (set(self.options) - self.answers)
        )
        if unknown:
            raise ValueError(
                f"{exercise_id}: hints for options that are not right answers (missing_kind) "
                f"or not wrong options (extra_hints): {sorted(unknown)}"
            )
        super().__init__(exercise_id, prompt, **kwargs)

    def _build_control(self) -> widgets.Widget:
        self.boxes = [
            widgets.Checkbox(
                value=False,
                description=option,
                indent=False,
                layout=widgets.Layout(width="max-content"),
            )
            for option in self.options
        ]
        for box in self.boxes:
            box.observe(lambda _change: self._set_from_control(self._ticked()), "value")
        return widgets.VBox(self.boxes)

    def _ticked(self) -> tuple[str, ...]:
        return tuple(box.description for box in self.boxes if box.value)

    def _coerce(self, value: Any) -> Any:
        chosen = set(value)
        unknown = chosen - set(self.options)
        if unknown:
            raise traitlets.TraitError(f"{sorted(unknown)} are not among the options")
        return tuple(option for option in self.options if option in chosen)

    def _show_value(self, value: Any) -> None:
        chosen = set(value or ())
        for box in self.boxes:
            box.value = box.description in chosen

    def _empty_value(self) -> Any:
        return ()

    def _evaluate(self, value: tuple[str, ...]) -> tuple[bool, str]:
        chosen = set(value)
        if chosen == self.answers:
            return True, ""
        extra = [option for option in self.options if option in chosen - self.answers]
        missed = [option for option in self.options if option in self.answers - chosen]
        parts = [f"You found {len(chosen & self.answers)} of {len(self.answers)}."]
        unexplained = [option for option in extra if not self.extra_hints.get(option, "").strip()]
        parts += [
            f"'{option}' does not belong: {self.extra_hints[option].strip()}"
            for option in extra
            if option not in unexplained
        ]
        if unexplained and self._naming:
            verb = "does" if len(unexplained) == 1 else "do"
            parts.append(f"{_listed(unexplained)} {verb} not belong.")
        elif unexplained:
            verb = "does" if len(unexplained) == 1 else "do"
            also = " also" if len(extra) > len(unexplained) else ""
            parts.append(f"{len(unexplained)} of your choices{also} {verb} not belong.")
        kinds = {option: self.missing_kind.get(option, "").strip().rstrip(".") for option in missed}
        if self._naming:
            parts += [
                f"You left out '{option}': {kinds[option]}." for option in missed if kinds[option]
            ]
            plain = [option for option in missed if not kinds[option]]
            if plain:
                parts.append(f"You left out {_listed(plain)}.")
        else:
            counted: dict[str, int] = {}
            for option in missed:
                if kinds[option]:
                    counted[kinds[option]] = counted.get(kinds[option], 0) + 1
            parts += [
                f"You left out {kind}" + (f" ({count} of them)." if count > 1 else ".")
                for kind, count in counted.items()
            ]
        return False, " ".join(parts)


def _listed(options: Sequence[str]) -> str:
    """'a'; 'a' and 'b'; 'a', 'b' and 'c'."""
    quoted = [f"'{option}'" for option in options]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
