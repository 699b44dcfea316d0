"""Widget questions of assignment ps2_sources (weighing sources)."""

from __future__ import annotations

from course import data
from course.widgets import MultipleChoice

__all__ = ["rewrite_origin"]


def rewrite_origin() -> MultipleChoice:
    """Which document did the unattributed rewrite come from? (graded: answer in hidden test)"""
    titles = list(data.documents()["title"])
    return MultipleChoice(
        "ps2-rewrite-origin",
        "The rewrite (ap_rewrite) names no author and no source. Which document was it made "
        "from? Compare the texts, choose, press Check, then save the notebook.",
        titles,
        graded=True,
    )
