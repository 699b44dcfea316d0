"""A number typed by the learner, checked against an answer with a tolerance."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import traitlets

from course.widgets._base import Exercise

__all__ = ["NumericAnswer", "parse_number"]


def parse_number(text: str) -> float | None:
    """Read '2,500', '2500', ' 4.5 ' or '-3' as a number; return None for anything else."""
    cleaned = text.strip().replace(",", "").replace("\u202f", "").replace(" ", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


class NumericAnswer(Exercise):
    """Type a number; it is right when within ``tolerance`` of ``answer``.

    ``value`` is the number (a float) or ``None``. ``unit`` is shown after the box. Commas are
    accepted as thousands separators.
    """

    kind = "numeric"

    def __init__(
        self,
        exercise_id: str,
        prompt: str,
        answer: float | None = None,
        *,
        tolerance: float = 0.0,
        unit: str = "",
        too_low: str = "",
        too_high: str = "",
        **kwargs: Any,
    ) -> None:
        self.graded = kwargs.get("graded", False)
        self.exercise_id = exercise_id
        self._require_answer(answer)
        self.answer = float(answer) if answer is not None else None
        self.tolerance, self.unit = float(tolerance), unit
        self.too_low, self.too_high = too_low, too_high
        super().__init__(exercise_id, prompt, **kwargs)

    def _build_control(self) -> widgets.Widget:
        self.box = widgets.Text(
            placeholder="type a number", description="Answer", continuous_update=True
        )
        self.box.observe(
            lambda change: self._set_from_control(parse_number(change["new"])), "value"
        )
        return widgets.HBox([self.box, widgets.Label(self.unit)])

    def _coerce(self, value: Any) -> Any:
        try:
            return float(value)
        except (TypeError, ValueError) as error:
            raise traitlets.TraitError(f"{value!r} is not a number") from error

    def _show_value(self, value: Any) -> None:
        if value is None:
            self.box.value = ""
        elif parse_number(self.box.value) != value:
            self.box.value = f"{value:g}"

    def submit(self) -> bool | None:
        if self.value is None and self.box.value.strip():
            self._show("", f"{self.box.value!r} is not a number. Type digits, like 2500.")
            return None
        return super().submit()

    def _evaluate(self, value: float) -> tuple[bool, str]:
        if abs(value - self.answer) <= self.tolerance:
            return True, ""
        hint = self.too_low if value < self.answer else self.too_high
        return False, hint or ("Too low." if value < self.answer else "Too high.")
