"""Figures on a time axis: the phase timeline, who was involved when, stances, sources, days."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from course.figures._base import (
    PALETTE,
    PATTERNS,
    PRECISION_SHAPE,
    PRECISION_SYMBOL,
    SYMBOLS,
    date_text,
    finish,
    listing,
    shared_doc,
    wrap,
)

__all__ = ["events_by_day", "involvement", "source_periods", "stances", "timeline"]

# The axis of the timeline skips the quiet years between the last event of 2020 and the 2024
# offensive; the description says so only when the events drawn lie on both sides of the cut.
AXIS_BREAK = ("2020-04-01", "2024-10-01")


def _events_trace(rows: pd.DataFrame, name: str, colour: str, group: str) -> go.Scatter:
    return go.Scatter(
        x=rows["date"],
        y=[name] * len(rows),
        mode="markers",
        name=name,
        legendgroup=group,
        marker={
            "color": colour,
            "size": 11,
            "line": {"width": 1, "color": "#333"},
            "symbol": [PRECISION_SYMBOL.get(str(p), "circle") for p in rows["date_precision"]],
        },
        customdata=list(
            zip(
                rows["date_text"] if "date_text" in rows else rows["date"].dt.strftime("%Y-%m-%d"),
                rows["description"].map(wrap),
                rows["doc_id"],
                rows["date_precision"].astype(str),
                strict=True,
            )
        ),
        hovertemplate="<b>%{customdata[0]}</b> (%{customdata[3]} precision)<br>"
        "%{customdata[1]}<br><i>source: %{customdata[2]}</i><extra></extra>",
    )


def _actor_menu(data_frame: pd.DataFrame, order: list[str], actors: list[str]) -> dict:
    event_traces = list(range(1, 2 * len(order), 2))
    buttons = [
        dict(
            label="All actors",
            method="restyle",
            args=[{"selectedpoints": [None] * len(event_traces)}, event_traces],
        )
    ]
    for actor in actors:
        picks = []
        for phase_id in order:
            rows = data_frame[data_frame["phase_id"] == phase_id].reset_index(drop=True)
            picks.append(
                [i for i, listed in enumerate(rows["actors"]) if actor in str(listed).split(";")]
            )
        buttons.append(
            dict(label=actor, method="restyle", args=[{"selectedpoints": picks}, event_traces])
        )
    return dict(buttons=buttons, direction="down", x=1.0, y=1.12, xanchor="right", showactive=True)


def timeline_description(data_frame: pd.DataFrame, phases: pd.DataFrame) -> str:
    """Say in words what :func:`timeline` draws: how many events, when, per phase, how dated."""
    if data_frame.empty:
        return f"Timeline with no events, in {len(phases)} phases."
    per_phase = data_frame.groupby("phase_id").size()
    counts = [
        f"{name}: {int(per_phase.get(phase_id, 0))}"
        for phase_id, name in zip(phases["phase_id"], phases["name"], strict=True)
    ]
    dates = data_frame["date"]
    text = (
        f"Timeline of {len(data_frame)} events in {len(phases)} phases, from "
        f"{dates.min():%B %Y} to {dates.max():%B %Y}. Events per phase: {'; '.join(counts)}."
    )
    if (dates < AXIS_BREAK[0]).any() and (dates > AXIS_BREAK[1]).any():
        text += f" The years {AXIS_BREAK[0][:4]} to {AXIS_BREAK[1][:4]} are cut out of the axis."
    precision = data_frame["date_precision"].astype(str).value_counts()
    shapes = [
        f"{shape} are events dated to the {level} ({int(precision[level])})"
        for level, shape in PRECISION_SHAPE.items()
        if level in precision
    ]
    return text + f" {listing(shapes).capitalize()}."


@shared_doc
def timeline(
    data_frame: pd.DataFrame,
    phases: pd.DataFrame,
    *,
    actors: list[str] | None = None,
    drop_empty: bool = False,
    title: str = "Phases and events of the fighting for Aleppo",
    description: str | None = None,
) -> go.Figure:
    """Events as markers on one row per phase, with each phase's span drawn behind.

    ``data_frame`` is ``course.data.events()`` (or a filtered part of it): date,
    date_precision, phase_id, actors, description, doc_id. ``phases`` is
    ``course.data.phases()``; with ``drop_empty=True`` only the phases that hold one of the
    events are drawn. Marker shape shows date precision. Click a phase in the legend to hide
    it; the menu highlights the events of one actor (``actors`` lists the menu entries). The
    description counts the events per phase and per date precision.
    """
    if drop_empty:
        phases = phases[phases["phase_id"].isin(data_frame["phase_id"])]
    order = list(phases["phase_id"])
    fig = go.Figure()
    for index, phase in enumerate(phases.itertuples()):
        colour = PALETTE[index % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=[phase.start, phase.end],
                y=[phase.name, phase.name],
                mode="lines",
                line={"color": colour, "width": 14},
                opacity=0.25,
                hoverinfo="skip",
                legendgroup=phase.phase_id,
                showlegend=False,
            )
        )
        rows = data_frame[data_frame["phase_id"] == phase.phase_id]
        fig.add_trace(_events_trace(rows, phase.name, colour, phase.phase_id))
    if actors:
        fig.update_layout(updatemenus=[_actor_menu(data_frame, order, actors)])
    fig.update_yaxes(categoryorder="array", categoryarray=list(phases["name"])[::-1])
    fig.update_xaxes(rangebreaks=[{"bounds": list(AXIS_BREAK)}])
    return finish(
        fig,
        title=title,
        x_title="Date",
        y_title="Phase",
        description=description
        or timeline_description(data_frame[data_frame["phase_id"].isin(order)], phases),
        height=max(320, 160 + 40 * len(order)),
    )


def _bars_over_time(data_frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for index, (side, rows) in enumerate(data_frame.groupby("side", observed=True, sort=False)):
        fig.add_trace(
            go.Bar(
                y=rows["name"],
                x=(rows["end"] - rows["start"]).dt.days * 86_400_000,
                base=rows["start"],
                orientation="h",
                name=str(side).replace("_", " "),
                marker={
                    "color": PALETTE[index % len(PALETTE)],
                    "pattern": {"shape": PATTERNS[index % len(PATTERNS)]},
                },
                text=rows["period_text"],
                textposition="inside",
                insidetextanchor="start",
                customdata=rows[["period_text"]],
                hovertemplate="<b>%{y}</b><br>%{customdata[0]}<extra></extra>",
            )
        )
    fig.update_xaxes(type="date")
    # one row per bar, top to bottom in the order of the data
    fig.update_yaxes(
        categoryorder="array", categoryarray=list(data_frame["name"]), autorange="reversed"
    )
    return fig


@shared_doc
def involvement(
    data_frame: pd.DataFrame,
    *,
    title: str = "Who fought, and from when",
    description: str | None = None,
) -> go.Figure:
    """One horizontal bar per actor from its start to its end of involvement, by side.

    ``data_frame`` needs name, side, start, end (timestamps) and period_text; compute it with
    ``course.media.involvement_periods``. Bars run top to bottom in the frame's order; each
    side has its own colour and bar pattern. The description lists every actor with its side
    and its period as printed.
    """
    fig = _bars_over_time(data_frame)
    sides = [
        f"{side.replace('_', ' ')}: "
        + listing(_with_period(row.name, row.period_text) for row in rows.itertuples())
        for side, rows in data_frame.assign(side=data_frame["side"].astype(str)).groupby(
            "side", sort=False
        )
    ]
    default = (
        f"Bars for {len(data_frame)} actors, each from the start to the end of its "
        f"involvement as printed in brackets; colour and pattern show the side. "
        + "; ".join(sides)
        + "."
    )
    return finish(
        fig,
        title=title,
        x_title="Year",
        y_title="",
        height=140 + 28 * len(data_frame),
        description=description or default,
    )


def _with_period(name: str, printed: object) -> str:
    """'Iran (from 2013)': a name with its period as printed, bracketed once."""
    period = str(printed).strip().strip("()") if pd.notna(printed) else ""
    return f"{name} ({period})" if period else str(name)


def _span_of_days(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start == end:
        return date_text(start)
    return f"{date_text(start)} to {date_text(end)}"


def _period(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start:%Y}"
    return f"from {date_text(start)} to {date_text(end)}"


@shared_doc
def stances(
    data_frame: pd.DataFrame,
    *,
    actor: str = "the YPG",
    title: str = "The YPG's stance during the battle, as the infobox note prints it",
    description: str | None = None,
) -> go.Figure:
    """One bar per stance of one actor, in the order a source prints them, overlaps and all.

    ``data_frame`` is one row per stance: name (the bar's label), side (the stance), start,
    end and period_text (the period as printed); see ``course.lessons.l02_combatants``'s
    ``ypg_stances``. The description gives each stance with its printed period and names every
    pair of bars that overlap, with the overlap as drawn.
    """
    fig = _bars_over_time(data_frame)
    rows = list(data_frame.itertuples(index=False))
    overlaps = []
    for i, first in enumerate(rows):
        for j in range(i + 1, len(rows)):
            second = rows[j]
            start, end = max(first.start, second.start), min(first.end, second.end)
            if start <= end:
                overlaps.append(f"bars {i + 1} and {j + 1} overlap {_period(start, end)}")
    default = (
        f"{len(rows)} bars for {actor}'s stances, in the order the source prints them: "
        + "; ".join(f"{n}. {row.side}, {row.period_text}" for n, row in enumerate(rows, 1))
        + ". "
        + (f"As drawn, {listing(overlaps)}." if overlaps else "No two bars overlap.")
    )
    return finish(
        fig,
        title=title,
        x_title="Year",
        y_title="",
        height=140 + 40 * len(data_frame),
        description=description or default,
    )


@shared_doc
def source_periods(
    data_frame: pd.DataFrame,
    *,
    title: str = "What each source covers, and when it was published",
    description: str | None = None,
) -> go.Figure:
    """A bar per document over the period it covers, and a marker at its publication date.

    ``data_frame`` is ``course.data.documents()``. Documents with no known publication date
    get no marker, and the description names them.
    """
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=data_frame["doc_id"],
            base=data_frame["period_start"],
            x=(data_frame["period_end"] - data_frame["period_start"]).dt.days * 86_400_000
            + 86_400_000,
            orientation="h",
            name="period covered",
            marker={"color": PALETTE[0]},
            hovertemplate="%{y}: covers %{base|%d %b %Y} onwards<extra></extra>",
        )
    )
    dated = data_frame[data_frame["published"].notna()]
    fig.add_trace(
        go.Scatter(
            x=dated["published"],
            y=dated["doc_id"],
            mode="markers",
            name="published",
            marker={"symbol": "star", "size": 16, "color": PALETTE[1], "line": {"width": 1}},
            hovertemplate="%{y}: published %{x|%d %b %Y}<extra></extra>",
        )
    )
    fig.update_xaxes(type="date")
    covers = [
        f"{row.doc_id} covers {_span_of_days(row.period_start, row.period_end)}"
        + (f", published {date_text(row.published)}" if pd.notna(row.published) else "")
        for row in data_frame.itertuples()
    ]
    undated = listing(data_frame.loc[data_frame["published"].isna(), "doc_id"])
    default = (
        "Bars show the period each document covers; stars its publication date. "
        + "; ".join(covers)
        + f". No publication date is known for: {undated or 'none'}."
    )
    return finish(
        fig,
        title=title,
        x_title="Date",
        y_title="Document",
        height=360,
        description=description or default,
    )


def _tally(values: pd.Series) -> str:
    """'offensive, capture and statement ×2': each value once, with its count when above one."""
    counts = values.astype(str).value_counts(sort=False)
    return listing(f"{value} ×{n}" if n > 1 else value for value, n in counts.items())


@shared_doc
def events_by_day(
    data_frame: pd.DataFrame,
    *,
    y: str = "event_type",
    label: str = "event_id",
    y_title: str = "Type of event",
    title: str = "Events day by day",
    description: str | None = None,
) -> go.Figure:
    """One marker per event dated to the day: the day across, the ``y`` column up.

    ``data_frame`` is rows of ``course.data.events()`` dated to the day (date, the ``y``
    column, the ``label`` column, description, doc_id). Each ``y`` value has its own marker
    shape and each marker is labelled with its ``label``, so colour is never needed. The
    description gives the number of events on each day and their ``y`` values.
    """
    fig = go.Figure()
    values = list(dict.fromkeys(data_frame[y].astype(str)))
    for index, value in enumerate(values):
        rows = data_frame[data_frame[y].astype(str) == value]
        fig.add_trace(
            go.Scatter(
                x=rows["date"],
                y=[value] * len(rows),
                mode="markers+text",
                name=value,
                text=rows[label],
                textposition="top center",
                marker={
                    "symbol": SYMBOLS[index % len(SYMBOLS)],
                    "size": 13,
                    "color": PALETTE[index % len(PALETTE)],
                    "line": {"width": 1, "color": "#333"},
                },
                customdata=rows["description"].map(wrap),
                hovertemplate="<b>%{text}</b> %{x|%A %d %B %Y}<br>%{customdata}<extra></extra>",
            )
        )
    fig.update_xaxes(dtick=86_400_000, tickformat="%a %d %b")  # one tick per day (in ms)
    fig.update_layout(showlegend=False)
    days = [
        f"{day:%A} {date_text(day)}: {len(rows)} ({_tally(rows[y])})"
        for day, rows in data_frame.sort_values("date").groupby("date")
    ]
    default = (
        f"{len(data_frame)} events dated to the day. "
        + "; ".join(days)
        + f". Each marker is labelled with its {label.replace('_', ' ')}."
    )
    return finish(
        fig,
        title=title,
        x_title="Date",
        y_title=y_title,
        height=380,
        description=description or default,
    )
