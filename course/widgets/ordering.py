"""Put items in order: each item has its own Up and Down buttons (Tab, then Enter or Space)."""

from __future__ import annotations

import html
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
    tuple of every item in the learner's current order. Each item has its own Up and Down
    buttons.
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
        # One row per item with its own Up and Down buttons: Tab reaches every button and
        # Enter or Space presses it (JupyterLab keeps the arrow keys for moving between cells).
        self.rows = widgets.VBox()
        self._render(self.start)
        return self.rows

    def _render(self, order: tuple[str, ...] | list[str]) -> None:
        rows = []
        for position, item in enumerate(order):
            up = widgets.Button(
                description="Up",
                icon="arrow-up",
                tooltip=f"Move up: {item}",
                layout=widgets.Layout(width="auto"),
                disabled=position == 0,
            )
            down = widgets.Button(
                description="Down",
                icon="arrow-down",
                tooltip=f"Move down: {item}",
                layout=widgets.Layout(width="auto"),
                disabled=position == len(order) - 1,
            )
            up.on_click(lambda _b, i=position: self.move(i, -1))
            down.on_click(lambda _b, i=position: self.move(i, +1))
            label = widgets.HTML(
                f"<span>{position + 1}. {html.escape(item)}</span>",
                layout=widgets.Layout(flex="1 1 auto"),
            )
            rows.append(widgets.HBox([up, down, label]))
        self.rows.children = rows

    def move(self, position: int, step: int) -> None:
        """Move the item at ``position`` one place up (-1) or down (+1), as its buttons do."""
        order = list(self.value)
        target = min(max(position + step, 0), len(order) - 1)
        order.insert(target, order.pop(position))
        self.value = tuple(order)

    def _coerce(self, value: Any) -> Any:
        value = tuple(value)
        if sorted(value) != sorted(self.items):
            raise traitlets.TraitError("an order must contain every item exactly once")
        return value

    def _show_value(self, value: Any) -> None:
        self._render(tuple(value or self.start))

    def _empty_value(self) -> Any:
        return self.start

    def _is_empty(self, value: Any) -> bool:
        return False

    def _evaluate(self, value: tuple[str, ...]) -> tuple[bool, str]:
        right = sum(1 for mine, true in zip(value, self.items, strict=True) if mine == true)
        if right == len(self.items):
            return True, ""
        return False, f"{right} of {len(self.items)} are in the right place."
