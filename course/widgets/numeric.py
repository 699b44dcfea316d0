"""A number typed by the learner, checked against an answer with a tolerance.

Students write numbers in many ways: ``2500``, ``2,500``, ``2 500``, ``2.500`` (thousands
separated by a point) or ``11,4`` (a decimal comma). :func:`read_number` reads every form whose
meaning is clear, and reports a number such as ``2.000`` or ``1,500`` (one separator followed
by exactly three digits), which is a thousand times larger in one convention than in the other,
as *ambiguous* with both readings. The exercise then asks which was meant instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import traitlets

from course.widgets._base import Exercise

__all__ = ["NumberReading", "NumericAnswer", "parse_number", "read_number"]

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"[+-]?[0-9.,]+")


@dataclass(frozen=True)
class NumberReading:
    """What a typed text means as a number.

    ``value`` is the number when the text has one clear meaning, else ``None``.
    ``choices`` holds the possible readings of an ambiguous text (smaller first, each with a
    short explanation), and is empty otherwise.
    """

    value: float | None
    choices: tuple[tuple[float, str], ...] = ()

    @property
    def ambiguous(self) -> bool:
        return bool(self.choices)


def _grouped(digits: str, sep: str) -> bool:
    """Is ``digits`` grouped in threes by ``sep``, as in 1,500,000?"""
    return re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(sep)}[0-9]{{3}})+", digits) is not None


def read_number(text: str) -> NumberReading:
    """Read a typed number; see the module docstring for the forms accepted.

    * spaces (also thin and non-breaking) and apostrophes separate thousands: ``1 500``;
    * both ``.`` and ``,`` present: the last one is the decimal mark (``1,500.5``, ``1.500,5``);
    * one kind repeated (``1,500,000``, ``1.500.000``): thousands separators;
    * one separator not followed by exactly three digits (``11,4``, ``0.75``): decimal mark;
    * one separator followed by exactly three digits, after 1–3 digits that do not start with
      0 (``2.000``, ``1,500``): ambiguous, both readings returned in ``choices``.

    Anything else (words, two signs) gives ``NumberReading(None)``.
    """
    cleaned = _SPACES.sub("", text.strip()).replace("\u2212", "-")
    if not cleaned or not _NUMBER.fullmatch(cleaned):
        return NumberReading(None)
    sign = -1.0 if cleaned.startswith("-") else 1.0
    digits = cleaned.lstrip("+-")
    points, commas = digits.count("."), digits.count(",")

    def number(whole: str, fraction: str = "") -> float | None:
        whole = whole.replace(".", "").replace(",", "")
        if not (whole or fraction) or not (whole + fraction).isdigit():
            return None
        return sign * float(f"{whole or '0'}.{fraction or '0'}")

    if points and commas:
        mark = "." if digits.rfind(".") > digits.rfind(",") else ","
        whole, _, fraction = digits.rpartition(mark)
        other = "," if mark == "." else "."
        if mark in whole or (whole and not _grouped(whole, other)):
            return NumberReading(None)
        return NumberReading(number(whole, fraction))
    if points + commas == 0:
        return NumberReading(number(digits))
    sep = "." if points else ","
    if points + commas > 1:
        return NumberReading(number(digits) if _grouped(digits, sep) else None)
    whole, _, fraction = digits.partition(sep)
    if len(fraction) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0"):
        small, large = number(whole, fraction), number(whole + fraction)
        name = "point" if sep == "." else "comma"
        return NumberReading(
            None,
            (
                (small, f"the {name} marks decimals"),
                (large, f"the {name} separates thousands"),
            ),
        )
    return NumberReading(number(whole, fraction))


def parse_number(text: str) -> float | None:
    """Return the number in ``text`` when its meaning is clear, else ``None``.

    ``'2500'``, ``'2 500'``, ``'1,500,000'``, ``' 4.5 '``, ``'11,4'`` (decimal comma) and
    ``'-3'`` are read; ``'2.000'`` and ``'1,500'`` are ambiguous (see :func:`read_number`) and
    give ``None``, like words.
    """
    return read_number(text).value


def _show(number: float) -> str:
    return f"{number:.10g}"


class NumericAnswer(Exercise):
    """Type a number; it is right when within ``tolerance`` of ``answer``.

    ``value`` is the number (a float) or ``None``. ``unit`` is shown after the box. A decimal
    comma is accepted; where the number typed could mean two things ("2.000"), the exercise
    shows both readings as buttons and asks which was meant.
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
            placeholder="type a number",
            description=f"Your answer ({self.unit})" if self.unit else "Your answer",
            style={"description_width": "initial"},
            continuous_update=True,
        )
        self.box.observe(self._on_text, "value")
        self.meaning = widgets.ToggleButtons(
            options=[],
            value=None,
            description="Which did you mean?",
            style={"description_width": "initial", "button_width": "auto"},
            layout=widgets.Layout(display="none"),
        )
        self.meaning.observe(self._on_meaning, "value")
        return widgets.VBox([widgets.HBox([self.box, widgets.Label(self.unit)]), self.meaning])

    def _on_text(self, change: dict[str, Any]) -> None:
        reading = read_number(change["new"])
        if reading.ambiguous:
            self.meaning.options = [
                (f"{_show(number)} ({why})", number) for number, why in reading.choices
            ]
            self.meaning.value = None
            self.meaning.layout.display = "flex"
        else:
            self.meaning.layout.display = "none"
        self._set_from_control(reading.value)

    def _on_meaning(self, change: dict[str, Any]) -> None:
        if change["new"] is not None and not self._updating:
            self.value = change["new"]
            self.meaning.layout.display = "none"
            self._show("", f"Read as {_show(change['new'])}. Press Check when you are ready.")

    def _coerce(self, value: Any) -> Any:
        try:
            return float(value)
        except (TypeError, ValueError) as error:
            raise traitlets.TraitError(f"{value!r} is not a number") from error

    def _show_value(self, value: Any) -> None:
        if value is None:
            if parse_number(self.box.value) is not None:
                self.box.value = ""
        elif read_number(self.box.value).value != value:
            if value not in {number for number, _ in read_number(self.box.value).choices}:
                self.box.value = _show(value)

    def submit(self) -> bool | None:
        reading = read_number(self.box.value)
        if self.value is None and reading.ambiguous:
            (small, _), (large, _) = reading.choices
            self._show(
                "",
                f"{self.box.value.strip()!r} could mean {_show(small)} or {_show(large)}. "
                "Choose one of the buttons under the box, or type the number without the "
                f"separator (like {_show(large)}).",
            )
            return None
        if self.value is None and self.box.value.strip():
            self._show("", f"{self.box.value!r} is not a number. Type digits, like 2500.")
            return None
        return super().submit()

    def reset(self) -> None:
        """Clear the box too (it may hold text that is not a number), then reset as usual."""
        self.box.value = ""
        self.meaning.layout.display = "none"
        super().reset()

    def _evaluate(self, value: float) -> tuple[bool, str]:
        if abs(value - self.answer) <= self.tolerance:
            return True, ""
        hint = self.too_low if value < self.answer else self.too_high
        return False, hint or ("Too low." if value < self.answer else "Too high.")
