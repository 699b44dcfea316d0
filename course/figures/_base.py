"""What every course figure shares: the template, the palette, titles, and the text description.

A figure's text description is the figure told in words, for a screen-reader user and for
print. It is written here, in code, from the data the figure draws, never typed in a lesson
cell: the helpers below turn numbers and lists into short phrases, and :func:`finish` stores
the description in ``fig.layout.meta["description"]``, where :func:`describe` and
:func:`show` find it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from numbers import Number

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import qualitative

__all__ = ["PALETTE", "describe", "show"]

PALETTE = list(qualitative.Safe)
SYMBOLS = ["circle", "diamond", "square", "triangle-up", "x", "star", "cross", "pentagon"]
PATTERNS = ["", "/", ".", "x", "-", "+", "\\", "|"]
PRECISION_SYMBOL = {"day": "circle", "month": "diamond", "year": "square"}
PRECISION_SHAPE = {"day": "circles", "month": "diamonds", "year": "squares"}

# Shared parameter documentation, written once (as plotly's ``_doc.py`` does) and appended to
# the docstring of every figure function that takes these parameters.
SHARED_PARAMETERS = """
    ``title`` is the figure's title. ``description`` replaces the text description that the
    function otherwise writes from the data; leave it out unless the data cannot say what the
    figure shows. The figure uses the course template and colourblind-safe palette, and
    :func:`course.figures.show` prints its description under it.
    """

pio.templates["course"] = go.layout.Template(
    layout=go.Layout(
        colorway=PALETTE,
        font={"family": "Arial, Helvetica, sans-serif", "size": 14, "color": "#222"},
        title={"x": 0.0, "xanchor": "left", "font": {"size": 18}},
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis={
            "showgrid": True,
            "gridcolor": "#e5e5e5",
            "linecolor": "#888",
            "ticks": "outside",
            "automargin": True,
        },
        yaxis={
            "showgrid": True,
            "gridcolor": "#e5e5e5",
            "linecolor": "#888",
            "ticks": "outside",
            "automargin": True,
        },
        hoverlabel={"font": {"size": 13}},
        legend={"bgcolor": "rgba(255,255,255,0.8)"},
        margin={"l": 10, "r": 10, "t": 70, "b": 60},
    )
)


def shared_doc(function):
    """Append :data:`SHARED_PARAMETERS` to a figure function's docstring."""
    function.__doc__ = (function.__doc__ or "").rstrip() + "\n" + SHARED_PARAMETERS
    return function


def finish(
    fig: go.Figure,
    *,
    title: str,
    x_title: str,
    y_title: str,
    description: str,
    height: int | None = None,
) -> go.Figure:
    """Give ``fig`` the course template, its title, axis titles and text description."""
    fig.update_layout(
        template="course",
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        meta={"description": description},
    )
    if height:
        fig.update_layout(height=height)
    return fig


def describe(fig: go.Figure) -> str:
    """Return the figure's text description (for screen readers and for print)."""
    meta = fig.layout.meta or {}
    return meta.get("description", "") if isinstance(meta, dict) else ""


def show(fig: go.Figure) -> None:
    """Display a figure followed by its text description."""
    from IPython.display import Markdown, display

    display(fig)
    display(Markdown(f"*Figure description:* {describe(fig)}"))


def wrap(text: object, width: int = 60) -> str:
    """Break a long hover text into lines of about ``width`` characters."""
    return "<br>".join(textwrap.wrap(str(text), width))


# Words from data ------------------------------------------------------------------------------


def number(value: object) -> str:
    """A number as a reader would write it: 31,183; 2.5; 0.52 (never 2.5000 or 31183.0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "no number"
    if isinstance(value, Number) and not isinstance(value, bool):
        if float(value).is_integer():
            return f"{int(value):,}"
        return f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return str(value)


def span(low: object, high: object) -> str:
    """'2.5' for a single number, '4 to 5' for a range (either end may be missing)."""
    if pd.isna(high) or (not pd.isna(low) and low == high):
        return number(low)
    if pd.isna(low):
        return number(high)
    return f"{number(low)} to {number(high)}"


def listing(phrases: Iterable[str], *, last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(p) for p in phrases if str(p)]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def label_of(column: str | None, labels: dict[str, str] | None) -> str:
    """The readable name of a column: from ``labels`` if given, else the column name."""
    if column is None:
        return ""
    return (labels or {}).get(column, column.replace("_", " "))


def date_text(value: pd.Timestamp, precision: str = "day") -> str:
    """A date only as precisely as it is known: '14 December 2016', 'July 2016', '2016'."""
    if pd.isna(value):
        return "no date"
    if precision == "year":
        return f"{value:%Y}"
    if precision == "month":
        return f"{value:%B %Y}"
    return f"{value.day} {value:%B %Y}"
