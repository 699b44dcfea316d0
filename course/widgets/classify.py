"""One choice per item: classify sentences by label, or match items on the left to the right."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import traitlets

from course.widgets._base import Exercise

__all__ = ["Matching", "SentenceClassifier"]

_UNSET = "(choose)"


class _PerItemChoice(Exercise):
    """Shared by SentenceClassifier and Matching: a labelled dropdown under each item.

    ``value`` is a tuple with one choice per item (``None`` where none is chosen yet).
    """

    item_label = "Item"

    def __init__(
        self,
        exercise_id: str,
        prompt: str,
        items: Sequence[str],
        choices: Sequence[str],
        answers: Sequence[str | None] | None = None,
        **kwargs: Any,
    ) -> None:
        self.graded = kwargs.get("graded", False)
        self.exercise_id = exercise_id
        if answers is not None and all(answer is None for answer in answers):
            answers = None
        self._require_answer(answers)
        self.items, self.choices = list(items), list(choices)
        self.answers = list(answers) if answers is not None else [None] * len(self.items)
        if len(self.answers) != len(self.items):
            raise ValueError(f"{exercise_id}: give exactly one answer per item")
        wrong = {answer for answer in self.answers if answer is not None} - set(self.choices)
        if wrong:
            raise ValueError(f"{exercise_id}: answers {sorted(wrong)} are not among the choices")
        super().__init__(exercise_id, prompt, **kwargs)

    def _initial_value(self) -> Any:
        return self._empty_value()

    def _build_control(self) -> widgets.Widget:
        # The item's full text is the dropdown's visible label (its <label for=...>), so a
        # screen reader names each list by its item: "2. The regime fell." (not "Sentence 2").
        # The course's style sheet lets the label wrap above the list instead of being cut off.
        self.dropdowns = []
        for number, item in enumerate(self.items, start=1):
            dropdown = widgets.Dropdown(
                options=[(_UNSET, None)] + [(choice, choice) for choice in self.choices],
                value=None,
                description=f"{number}. {item}",
                style={"description_width": "initial"},
                layout=widgets.Layout(width="100%"),
            )
            dropdown.add_class("course-item-choice")
            dropdown.observe(lambda _change: self._set_from_control(self._chosen()), "value")
            self.dropdowns.append(dropdown)
        return widgets.VBox(self.dropdowns)

    def _chosen(self) -> tuple[str | None, ...]:
        return tuple(dropdown.value for dropdown in self.dropdowns)

    def _coerce(self, value: Any) -> Any:
        value = tuple(value)
        if len(value) != len(self.items):
            raise traitlets.TraitError(f"give {len(self.items)} choices, one per item")
        unknown = {choice for choice in value if choice is not None} - set(self.choices)
        if unknown:
            raise traitlets.TraitError(f"{sorted(unknown)} are not among the choices")
        return value

    def _show_value(self, value: Any) -> None:
        for dropdown, choice in zip(self.dropdowns, value or self._empty_value(), strict=True):
            dropdown.value = choice

    def _empty_value(self) -> Any:
        return (None,) * len(self.items)

    def _is_empty(self, value: Any) -> bool:
        return value is None or all(choice is None for choice in value)

    def _evaluate(self, value: tuple[str | None, ...]) -> tuple[bool, str]:
        wrong = [
            str(number)
            for number, (mine, true) in enumerate(zip(value, self.answers, strict=True), start=1)
            if mine != true
        ]
        if not wrong:
            return True, ""
        right = len(self.items) - len(wrong)
        return False, (
            f"{right} of {len(self.items)} right. Look again at "
            f"{self.item_label.lower()} {', '.join(wrong)}."
        )


class SentenceClassifier(_PerItemChoice):
    """Label each sentence, for example as neutral, loaded or attributed framing.

    ``sentences`` are shown in order, each with a dropdown of ``labels``; ``answers`` gives the
    right label per sentence. ``value`` is a tuple of the chosen labels.
    """

    kind = "classify"
    item_label = "Sentence"

    def __init__(
        self,
        exercise_id: str,
        prompt: str,
        sentences: Sequence[str],
        labels: Sequence[str],
        answers: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(exercise_id, prompt, sentences, labels, answers, **kwargs)


class Matching(_PerItemChoice):
    """Match each item on the left to one on the right (for example actor to side).

    ``pairs`` maps each left item to its right partner (``None`` in a graded exercise, which
    then needs ``choices``); ``choices`` defaults to the distinct right-hand values, sorted.
    ``value`` is a tuple of the chosen partners, in left order.
    """

    kind = "matching"
    item_label = "Match"

    def __init__(
        self,
        exercise_id: str,
        prompt: str,
        pairs: Mapping[str, str],
        *,
        choices: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        choices = list(choices) if choices is not None else sorted(set(pairs.values()))
        super().__init__(exercise_id, prompt, list(pairs), choices, list(pairs.values()), **kwargs)
