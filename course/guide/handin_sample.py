"""A sample of the file a lesson's hand-in box writes, made by the box's own code.

The guide shows teachers what they will receive. Rather than describe the file, it renders
one with :func:`course.handin.render` from the real lesson: two exercises of lesson 01 answered
(one right, one wrong with reasons), the first written question answered and the others left
empty, at a fixed time so that the sample is the same on every build.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from course import handin
from course.guide.notebooks import NOTEBOOKS_DIR

__all__ = ["SAMPLE_TIME", "sample_handin"]

#: The fixed time the sample says it was written (and its notebook saved).
SAMPLE_TIME = datetime(2025, 3, 4, 10, 15, tzinfo=UTC)
_STUDENT = "Sample Student"
_WRITTEN = (
    "The December 2016 phase has the most events, but much of it comes from bbc_live, a live "
    "page that covers one day, 14 December 2016. More rows mean the documents say more."
)
_REASONS = "The lead of wp_battle says the stalemate ended in July 2016 (wp_battle)."


def sample_handin(lesson: str = "01_phases") -> str:
    """The Markdown a student of ``lesson`` would hand in at the end of Part 1 (see above)."""
    from course.lessons import l01_phases as l01

    path = NOTEBOOKS_DIR / f"{lesson}.ipynb"
    phases = l01.match_phases()
    phases.value = tuple(phases.answers)
    phases.submit()
    turning = l01.pick_turning_point()
    turning.value = turning.options[-1]
    turning.justification = _REASONS
    turning.submit()
    live = [(phases, "# Show Exercise 1.\nl01.match_phases()"),
            (turning, "# Show Exercise 3.\nl01.pick_turning_point()")]  # fmt: skip
    work = handin.collect(lesson, notebook=path, live=live)
    written = [replace(work.written[0], answer=_WRITTEN), *work.written[1:]]
    work = replace(work, written=written, notebook=Path(path.name), saved_at=SAMPLE_TIME)
    return handin.render(work, _STUDENT, part=1, now=SAMPLE_TIME)
