"""Practice exercises for ``00_start_here``: one of each kind of control the course uses.

Lessons 01–05 and the assignments use six exercise classes. Lesson 00 practises each kind of
control they are built from, on the table of the five documents (every answer is computed from
``documents.csv``):

* option buttons (:class:`MultipleChoice`), with a box for written reasons (``justify=``);
* checkboxes (:class:`MultiSelect`);
* one list per item (:class:`Matching`; :class:`SentenceClassifier` uses the same lists);
* a number box (:class:`NumericAnswer`);
* Up and Down buttons (:class:`Ordering`).
"""

from __future__ import annotations

from course import data
from course.widgets import Matching, MultipleChoice, MultiSelect, NumericAnswer, Ordering

__all__ = [
    "practice_choice",
    "practice_kinds",
    "practice_number",
    "practice_order",
    "practice_publishers",
]


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
        justify="Why? Name the column that told you (one sentence):",
    )


def practice_publishers() -> MultiSelect:
    """Tick every document published by Wikipedia (documents.publisher)."""
    documents = data.documents()
    wikipedia = documents.loc[documents["publisher"] == "Wikipedia", "title"]
    return MultiSelect(
        "00-practice-wikipedia",
        "Practice: tick every document whose publisher is Wikipedia. "
        "Tab to each box and press Space to tick or untick it.",
        list(documents["title"]),
        list(wikipedia),
        explanation="The 'publisher' column gives Wikipedia for "
        + " and ".join(f"'{title}'" for title in wikipedia)
        + ".",
    )


def practice_kinds() -> Matching:
    """Choose each document's kind from a list (documents.kind)."""
    documents = data.documents()
    return Matching(
        "00-practice-kinds",
        "Practice: choose the kind of each document from the list under its title. "
        "Tab to a list and press Space or Enter to open it.",
        dict(zip(documents["title"], documents["kind"], strict=True)),
        explanation="Each document's kind is in the 'kind' column of the table above.",
    )


def practice_number() -> NumericAnswer:
    """How many documents give no publication date (documents.published is empty)?"""
    documents = data.documents()
    missing = documents["published"].isna()
    undated = int(missing.sum())
    return NumericAnswer(
        "00-practice-undated",
        "Practice: how many of the five documents give no publication date? "
        "Type the number in the box.",
        undated,
        unit="documents",
        too_low="Count the NaT entries in the 'published' column.",
        too_high="Count the NaT entries in the 'published' column.",
        explanation="The 'published' column is empty (NaT) for "
        + ", ".join(documents.loc[missing, "doc_id"])
        + ": the documents themselves give no date.",
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
