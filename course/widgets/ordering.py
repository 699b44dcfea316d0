"""Put items in order: a list box with Move up / Move down buttons (arrows, Tab, Enter)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import traitlets

from course.widgets._base import Exercise

__all__ = ["Ordering"]


class Ordering(Exercise):
    """Arrange items in the right order (for example events in time).

    ``items`` is the correct order. The learner starts from ``start`` (default: a shuffle fixed
    by the exercise id, never already correct). In a graded exercise ``items`` is simply the
    starting order; the correct order belongs in the assignment's hidden tests. ``value`` is a
    tuple of every item in the learner's current order. Select an item with the arrow keys,
    then press Move up or Move down.
    """

    kind = "ordering"

    def __init__(
        self,
        exercise_id: str,
        prompt: str,
        items: Sequence[str],
        *,
        start: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.items = list(items)
        if len(set(self.items)) != len(self.items) or len(self.items) < 2:
            raise ValueError(f"{exercise_id}: an ordering needs at least two distinct items")
        if start is None and kwargs.get("graded", False):
            start = list(self.items)  # graded: items come in the author's scrambled order
        if start is None:
            start = list(self.items)
            shuffler = random.Random(exercise_id)
            while start == self.items:
                shuffler.shuffle(start)
        self.start = tuple(start)
        super().__init__(exercise_id, prompt, **kwargs)
        self.value = self.start

    def _build_control(self) -> widgets.Widget:
        self.listbox = widgets.Select(
            options=list(self.start),
            rows=len(self.items),
            description="Order",
            layout=widgets.Layout(width="95%"),
        )
        self.up_button = widgets.Button(description="Move up", icon="arrow-up")
        self.down_button = widgets.Button(description="Move down", icon="arrow-down")
        self.up_button.on_click(lambda _button: self.move(-1))
        self.down_button.on_click(lambda _button: self.move(+1))
        return widgets.VBox([self.listbox, widgets.HBox([self.up_button, self.down_button])])

    def move(self, step: int) -> None:
        """Move the selected item one place up (-1) or down (+1), as the buttons do."""
        selected = self.listbox.value
        if selected is None:
            self._show("", "Select an item first, then move it.")
            return
        order = list(self.value)
        index = order.index(selected)
        target = min(max(index + step, 0), len(order) - 1)
        order.insert(target, order.pop(index))
        self.value = tuple(order)
        self.listbox.value = selected

    def _coerce(self, value: Any) -> Any:
        value = tuple(value)
        if sorted(value) != sorted(self.items):
            raise traitlets.TraitError("an order must contain every item exactly once")
        return value

    def _show_value(self, value: Any) -> None:
        selected = self.listbox.value
        self.listbox.options = list(value or self.start)
        if selected in self.listbox.options:
            self.listbox.value = selected

    def _empty_value(self) -> Any:
        return self.start

    def _is_empty(self, value: Any) -> bool:
        return False

    def _evaluate(self, value: tuple[str, ...]) -> tuple[bool, str]:
        right = sum(1 for mine, true in zip(value, self.items, strict=True) if mine == true)
        if right == len(self.items):
            return True, ""
        return False, f"{right} of {len(self.items)} are in the right place."
