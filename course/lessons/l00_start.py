"""Practice exercises for ``00_start_here``: learn how the exercise widgets work."""

from __future__ import annotations

from course import data
from course.widgets import MultipleChoice, Ordering

__all__ = ["practice_choice", "practice_order"]


def practice_choice() -> MultipleChoice:
    """Which of the five documents is a live blog? The answer comes from documents.kind."""
    documents = data.documents()
    live = documents.loc[documents["kind"] == "live blog", "title"].iloc[0]
    return MultipleChoice(
        "00-practice-live-blog",
        "Practice: which of the five documents is a live blog, updated entry by entry?",
        list(documents["title"]),
        live,
        explanation="The documents table lists its kind as 'live blog': twenty timestamped "
        "entries, newest first.",
        hints={
            title: "Look at the 'kind' column of the table above."
            for title in documents["title"]
            if title != live
        },
    )


def practice_order() -> Ordering:
    """Put the documents in order of the last day they cover (documents.period_end)."""
    documents = data.documents().sort_values(["period_end", "doc_id"])
    documents = documents.drop_duplicates("period_end")
    return Ordering(
        "00-practice-order",
        "Practice: put these documents in order of the last day they cover, earliest first. "
        "Use the Up and Down buttons beside each title.",
        list(documents["title"]),
        explanation="The 'period_end' column of the documents table gives the order.",
    )
