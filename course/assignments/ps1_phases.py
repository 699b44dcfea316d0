"""Widget questions of assignment ps1_phases (the phases of the battle)."""

from __future__ import annotations

from course import data
from course.widgets import Ordering

__all__ = ["ORDER_EVENTS", "order_events"]

ORDER_EVENTS = ("ev006", "ev047", "ev061", "ev106")


def order_events() -> Ordering:
    """Order four events of 2013–2016 by date (graded: the answer is in the hidden test)."""
    events = data.events().set_index("event_id").loc[list(ORDER_EVENTS)]
    items = [f"{row.place or 'Aleppo'}: {row.description}" for row in events.itertuples()]
    start = [items[i] for i in (2, 0, 3, 1)]
    return Ordering(
        "ps1-order-events",
        "Put these events in the order they happened, "
        "earliest first. Then press Check and save the notebook.",
        start,
        start=start,
        graded=True,
    )
