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


def _arrow(direction: str, disabled: bool) -> widgets.Button:
    # An arrow icon and no text. The course's style sheet gives the icon an empty alternative
    # text, so the button's accessible name is its tooltip, which names the item it moves.
    button = widgets.Button(
        icon=f"arrow-{direction}", disabled=disabled, layout=widgets.Layout(width="2.6em")
    )
    button.add_class("course-move")
    return button


class Ordering(Exercise):
    """Arrange items in the right order (for example events in time).

    ``items`` is the correct order. The learner starts from ``start`` (default: a shuffle fixed
    by the exercise id, never already correct). In a graded exercise ``items`` is simply the
    starting order; the correct order belongs in the assignment's hidden tests. ``value`` is a
    tuple of every item in the learner's current order. Each item has its own Up and Down
    buttons.

    A wrong order's first Check says how many items are in the right place (or that the order
    is upside down); from the second wrong Check on, it also names the first item out of place
    (the places above it are right, so it belongs further down).
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

    def _initial_value(self) -> Any:
        return self.start

    def _build_control(self) -> widgets.Widget:
        # One row per place, built once: moving an item rewrites the rows' texts in place and
        # moves the keyboard focus to the button of the moved item, so a keyboard user can press
        # Enter again to keep moving it. The buttons show an arrow; their accessible name (the
        # tooltip) says which item they move: "Move up: <item> (now 3 of 5)".
        self.labels: list[widgets.HTML] = []
        self.up_buttons: list[widgets.Button] = []
        self.down_buttons: list[widgets.Button] = []
        rows = []
        last = len(self.start) - 1
        for position in range(len(self.start)):
            up = _arrow("up", disabled=position == 0)
            down = _arrow("down", disabled=position == last)
            up.on_click(lambda _b, i=position: self._press(i, -1))
            down.on_click(lambda _b, i=position: self._press(i, +1))
            label = widgets.HTML(layout=widgets.Layout(flex="1 1 auto"))
            self.up_buttons.append(up)
            self.down_buttons.append(down)
            self.labels.append(label)
            rows.append(widgets.HBox([up, down, label]))
        self.rows = widgets.VBox(rows)
        self._show_value(self.start)
        return self.rows

    def _press(self, position: int, step: int) -> None:
        target = self.move(position, step)
        buttons = self.up_buttons if step < 0 else self.down_buttons
        button = buttons[target]
        if button.disabled:  # moved to the top or bottom: the other button of that row
            button = (self.down_buttons if step < 0 else self.up_buttons)[target]
        button.focus()

    def move(self, position: int, step: int) -> int:
        """Move the item at ``position`` one place up (-1) or down (+1), as its buttons do.

        Returns the item's new position.
        """
        order = list(self.value)
        target = min(max(position + step, 0), len(order) - 1)
        order.insert(target, order.pop(position))
        self.value = tuple(order)
        return target

    def _coerce(self, value: Any) -> Any:
        value = tuple(value)
        if sorted(value) != sorted(self.items):
            raise traitlets.TraitError("an order must contain every item exactly once")
        return value

    def _show_value(self, value: Any) -> None:
        order = tuple(value or self.start)
        total = len(order)
        for position, item in enumerate(order):
            place = f"(now {position + 1} of {total})"
            self.labels[position].value = f"<span>{position + 1}. {html.escape(item)}</span>"
            self.up_buttons[position].tooltip = f"Move up: {item} {place}"
            self.down_buttons[position].tooltip = f"Move down: {item} {place}"

    def _empty_value(self) -> Any:
        return self.start

    def _is_empty(self, value: Any) -> bool:
        return False

    def _evaluate(self, value: tuple[str, ...]) -> tuple[bool, str]:
        total = len(self.items)
        right = sum(1 for mine, true in zip(value, self.items, strict=True) if mine == true)
        if right == total:
            return True, ""
        if list(value) == self.items[::-1]:
            return False, "Your order is the right one upside down: turn it round."
        counted = f"{right} of {total} are in the right place."
        if not self._naming:
            return False, counted
        place, item = next(
            (n, mine) for n, (mine, true) in enumerate(zip(value, self.items, strict=True))
            if mine != true
        )  # fmt: skip
        # Every place above it is right, so the item that stands there belongs further down.
        above = {0: "", 1: "Place 1 is right. "}.get(place, f"Places 1 to {place} are right. ")
        return False, (
            f"{counted} {above}The first one out of place is '{item}', now in place "
            f"{place + 1}: it belongs further down."
        )
