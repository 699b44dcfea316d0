"""Plotly figures for the lessons: each takes a DataFrame first and returns a ``go.Figure``.

Figures draw; they do not clean or aggregate. Compute what a figure needs in
:mod:`course.media` or with pandas in the lesson, then pass the frame here.

Every figure uses one template (``"course"``: white background, the colourblind-safe
``plotly.colors.qualitative.Safe`` palette, readable fonts), has a title and axis titles, and
never lets colour alone carry meaning: markers change shape, bars carry patterns or text labels.
Each figure also carries a short text description for screen-reader users in
``fig.layout.meta["description"]``, written by the figure function from the data it draws
(never typed in a lesson cell); :func:`show` displays the figure with that description under it.

* :mod:`course.figures.timelines` – :func:`timeline`, :func:`involvement`, :func:`stances`,
  :func:`source_periods`, :func:`events_by_day`
* :mod:`course.figures.counts` – :func:`bars`, :func:`label_heatmap`, :func:`speakers`,
  :func:`alignment`
* :mod:`course.figures.claims` – :func:`figure_ranges`, :func:`presence`
"""

from __future__ import annotations

from course.figures._base import PALETTE, describe, show
from course.figures.claims import figure_ranges, presence
from course.figures.counts import alignment, bars, label_heatmap, speakers
from course.figures.timelines import events_by_day, involvement, source_periods, stances, timeline

__all__ = [
    "PALETTE",
    "alignment",
    "bars",
    "describe",
    "events_by_day",
    "figure_ranges",
    "involvement",
    "label_heatmap",
    "presence",
    "show",
    "source_periods",
    "speakers",
    "stances",
    "timeline",
]
