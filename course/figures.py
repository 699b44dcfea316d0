"""Plotly figures for the lessons: each takes a DataFrame first and returns a ``go.Figure``.

Figures draw; they do not clean or aggregate. Compute what a figure needs in
:mod:`course.media` or with pandas in the lesson, then pass the frame here.

Every figure uses one template (``"course"``: white background, the colourblind-safe
``plotly.colors.qualitative.Safe`` palette, readable fonts), has a title and axis titles, and
never lets colour alone carry meaning: markers change shape, bars carry text labels. Each
figure also carries a short text description for screen-reader users in
``fig.layout.meta["description"]``; :func:`show` displays the figure with that description
beside it.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import qualitative

__all__ = [
    "PALETTE",
    "describe",
    "figure_ranges",
    "involvement",
    "label_heatmap",
    "presence",
    "show",
    "source_periods",
    "speakers",
    "alignment",
    "timeline",
]

PALETTE = list(qualitative.Safe)
SYMBOLS = ["circle", "diamond", "square", "triangle-up", "x", "star", "cross", "pentagon"]
PRECISION_SYMBOL = {"day": "circle", "month": "diamond", "year": "square"}

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


def _finish(
    fig: go.Figure,
    *,
    title: str,
    x_title: str,
    y_title: str,
    description: str,
    height: int | None = None,
) -> go.Figure:
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


def _wrap(text: str, width: int = 60) -> str:
    import textwrap

    return "<br>".join(textwrap.wrap(str(text), width))


# --------------------------------------------------------------------------------------------


def timeline(
    data_frame: pd.DataFrame,
    phases: pd.DataFrame,
    *,
    actors: list[str] | None = None,
    title: str = "Phases and events of the fighting for Aleppo",
    description: str | None = None,
) -> go.Figure:
    """Events as markers on one row per phase, with each phase's span drawn behind.

    ``data_frame`` is ``course.data.events()`` (or a filtered part of it): date,
    date_precision, phase_id, actors, event_type, description, doc_id. ``phases`` is
    ``course.data.phases()``. Marker shape shows date precision. Click a phase in the legend to
    hide it; the menu highlights the events of one actor (``actors`` lists the menu entries).
    """
    order = list(phases["phase_id"])
    names = dict(zip(phases["phase_id"], phases["name"], strict=True))
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
        fig.add_trace(
            go.Scatter(
                x=rows["date"],
                y=[phase.name] * len(rows),
                mode="markers",
                name=phase.name,
                legendgroup=phase.phase_id,
                marker={
                    "color": colour,
                    "size": 11,
                    "line": {"width": 1, "color": "#333"},
                    "symbol": [
                        PRECISION_SYMBOL.get(str(p), "circle") for p in rows["date_precision"]
                    ],
                },
                customdata=list(
                    zip(
                        rows["date_text"]
                        if "date_text" in rows
                        else rows["date"].dt.strftime("%Y-%m-%d"),
                        rows["description"].map(_wrap),
                        rows["doc_id"],
                        rows["date_precision"].astype(str),
                        strict=True,
                    )
                ),
                hovertemplate="<b>%{customdata[0]}</b> (%{customdata[3]} precision)<br>"
                "%{customdata[1]}<br><i>source: %{customdata[2]}</i><extra></extra>",
            )
        )
    if actors:
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
                    [
                        i
                        for i, listed in enumerate(rows["actors"])
                        if actor in str(listed).split(";")
                    ]
                )
            buttons.append(
                dict(label=actor, method="restyle", args=[{"selectedpoints": picks}, event_traces])
            )
        fig.update_layout(
            updatemenus=[
                dict(
                    buttons=buttons,
                    direction="down",
                    x=1.0,
                    y=1.12,
                    xanchor="right",
                    showactive=True,
                )
            ]
        )
    fig.update_yaxes(categoryorder="array", categoryarray=[names[p] for p in order][::-1])
    fig.update_xaxes(rangebreaks=[{"bounds": ["2020-04-01", "2024-10-01"]}])
    counts = data_frame.groupby("phase_id").size()
    busiest = names.get(counts.idxmax(), "") if len(counts) else ""
    default = (
        f"Timeline of {len(data_frame)} events from "
        f"{data_frame['date'].min():%B %Y} to {data_frame['date'].max():%B %Y}, "
        f"in {len(order)} phases; the phase with most events is {busiest} "
        f"({counts.max() if len(counts) else 0}). The years 2020 to 2024 are cut out. "
        "Circles are events dated to the day, diamonds to the month, squares to the year."
    )
    return _finish(
        fig,
        title=title,
        x_title="Date",
        y_title="Phase",
        description=description or default,
        height=520,
    )


def involvement(
    data_frame: pd.DataFrame,
    *,
    title: str = "Who fought, and from when",
    description: str | None = None,
) -> go.Figure:
    """One horizontal bar per actor from its start to its end of involvement, by side.

    ``data_frame`` needs name, side, start, end (timestamps) and period_text; compute it with
    ``course.media.involvement_periods``. Each side has its own colour and bar pattern.
    """
    fig = go.Figure()
    patterns = ["", "/", ".", "x", "-", "+"]
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
                    "pattern": {"shape": patterns[index % len(patterns)]},
                },
                text=rows["period_text"],
                textposition="inside",
                insidetextanchor="start",
                customdata=rows[["period_text"]],
                hovertemplate="<b>%{y}</b><br>%{customdata[0]}<extra></extra>",
            )
        )
    fig.update_xaxes(type="date")
    fig.update_yaxes(autorange="reversed")
    default = (
        f"Bars for {len(data_frame)} actors, from the start to the end of their "
        "involvement as the infobox prints it; colour and pattern show the side."
    )
    return _finish(
        fig,
        title=title,
        x_title="Year",
        y_title="",
        height=140 + 28 * len(data_frame),
        description=description or default,
    )


def figure_ranges(
    data_frame: pd.DataFrame,
    *,
    label: str = "label",
    title: str = "Numeric claims and who makes them",
    x_title: str = "Value",
    description: str | None = None,
) -> go.Figure:
    """Each claim as a marker (single value) or a segment from low to high (a range).

    ``data_frame`` is rows of ``course.data.figures()`` with an extra ``label`` column (for
    example claimant and date). Colour and marker shape show the claimant type; hollow markers
    mark hedged numbers ("about", "estimated").
    """
    fig = go.Figure()
    types = list(dict.fromkeys(data_frame["claimant_type"].astype(str)))
    for index, kind in enumerate(types):
        rows = data_frame[data_frame["claimant_type"].astype(str) == kind]
        colour, symbol = PALETTE[index % len(PALETTE)], SYMBOLS[index % len(SYMBOLS)]
        low = rows["low"].fillna(rows["high"])
        high = rows["high"].fillna(rows["low"])
        xs, ys = [], []
        for lo, hi, name in zip(low, high, rows[label], strict=True):
            xs += [lo, hi, None]
            ys += [name, name, None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": colour, "width": 4},
                legendgroup=kind,
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=pd.concat([low, high]),
                y=pd.concat([rows[label], rows[label]]),
                mode="markers",
                name=kind.replace("_", " "),
                legendgroup=kind,
                marker={
                    "color": colour,
                    "symbol": [
                        f"{symbol}-open" if a else symbol
                        for a in pd.concat([rows["approximate"]] * 2)
                    ],
                    "size": 12,
                    "line": {"width": 2, "color": colour},
                },
                customdata=pd.concat([rows[["claimant", "quote"]]] * 2).map(_wrap).to_numpy(),
                hovertemplate="%{x:,}<br>%{customdata[0]}<br><i>%{customdata[1]}</i><extra></extra>",
            )
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=",")
    values = ", ".join(
        f"{row[label]}: {row['low']:,g}"
        + (f" to {row['high']:,g}" if pd.notna(row["high"]) and row["high"] != row["low"] else "")
        for _, row in data_frame.iterrows()
        if pd.notna(row["low"])
    )
    default = f"{len(data_frame)} claims compared. {values}."
    return _finish(
        fig,
        title=title,
        x_title=x_title,
        y_title="",
        height=160 + 40 * len(data_frame),
        description=description or default,
    )


def label_heatmap(
    data_frame: pd.DataFrame,
    *,
    title: str = "How often each label appears, per 1,000 words",
    description: str | None = None,
) -> go.Figure:
    """A grid of labels (rows) by documents (columns), each cell printed with its number.

    ``data_frame`` is a wide table: index = term, columns = doc_id, values = rate per 1,000
    words (see ``course.media.label_rates``). Numbers are printed in every cell, so the
    shading is never the only cue.
    """
    fig = go.Figure(
        go.Heatmap(
            z=data_frame.to_numpy(),
            x=list(data_frame.columns),
            y=list(data_frame.index),
            colorscale="Blues",
            text=data_frame.round(2).to_numpy(),
            texttemplate="%{text}",
            hovertemplate="%{y} in %{x}: %{z:.2f} per 1,000 words<extra></extra>",
            colorbar={"title": "per 1,000<br>words"},
        )
    )
    fig.update_yaxes(autorange="reversed")
    top = {doc: data_frame[doc].idxmax() for doc in data_frame.columns}
    default = (
        "Rates of each label per 1,000 words in each document. Most frequent label: "
        + "; ".join(f"{doc}: {term}" for doc, term in top.items())
        + "."
    )
    return _finish(
        fig,
        title=title,
        x_title="Document",
        y_title="Label",
        height=160 + 30 * len(data_frame),
        description=description or default,
    )


def speakers(
    data_frame: pd.DataFrame,
    *,
    color: str = "speaker_type",
    title: str = "Who gets to speak in each text",
    description: str | None = None,
) -> go.Figure:
    """Stacked bars: attributed statements per document, split by ``color`` (speaker type).

    ``data_frame`` is a long table with doc_id, the ``color`` column and count (see
    ``course.media.speaker_counts``). Each segment is labelled with its count.
    """
    fig = go.Figure()
    patterns = ["", "/", ".", "x", "-", "+", "\\", "|"]
    for index, (kind, rows) in enumerate(data_frame.groupby(color, observed=True, sort=False)):
        fig.add_trace(
            go.Bar(
                y=rows["doc_id"],
                x=rows["count"],
                orientation="h",
                name=str(kind).replace("_", " "),
                text=rows["count"],
                textposition="inside",
                marker={
                    "color": PALETTE[index % len(PALETTE)],
                    "pattern": {"shape": patterns[index % len(patterns)]},
                },
                hovertemplate="%{y}: %{x} statements<extra>" + str(kind) + "</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    totals = data_frame.groupby("doc_id")["count"].sum()
    default = (
        "Attributed statements per document: "
        + ", ".join(f"{doc} {total}" for doc, total in totals.items())
        + f". Segments show the {color.replace('_', ' ')}."
    )
    return _finish(
        fig,
        title=title,
        x_title="Attributed statements",
        y_title="Document",
        description=description or default,
        height=380,
    )


def alignment(
    data_frame: pd.DataFrame,
    *,
    title: str = "The AP story and its rewrite, sentence by sentence",
    description: str | None = None,
) -> go.Figure:
    """One bar per AP sentence, its length the similarity of its best match in the rewrite.

    ``data_frame`` is ``course.media.align_articles()``; status (kept, changed, dropped,
    added) is shown by colour, pattern and a text label.
    """
    styles = {"kept": ("", 0), "changed": ("/", 1), "dropped": ("x", 4), "added": (".", 2)}
    fig = go.Figure()
    for status, (pattern, colour) in styles.items():
        rows = data_frame[data_frame["status"] == status]
        if rows.empty:
            continue
        label = rows["source_text"].fillna(rows["rewrite_text"]).map(lambda t: _wrap(t, 80))
        fig.add_trace(
            go.Bar(
                y=rows["position"],
                x=rows["similarity"].fillna(0).clip(lower=0.02),
                orientation="h",
                name=status,
                text=[status] * len(rows),
                textposition="auto",
                marker={"color": PALETTE[colour], "pattern": {"shape": pattern}},
                customdata=label,
                hovertemplate="%{customdata}<extra>" + status + "</extra>",
            )
        )
    fig.update_yaxes(autorange="reversed", title="Sentence (in the AP story's order)")
    fig.update_xaxes(range=[0, 1])
    counts = data_frame["status"].value_counts()
    default = (
        "Sentence alignment of the AP story and the rewrite: "
        + ", ".join(f"{counts.get(s, 0)} {s}" for s in styles)
        + "."
    )
    return _finish(
        fig,
        title=title,
        x_title="Similarity to the best match (0 to 1)",
        y_title="Sentence",
        height=200 + 18 * len(data_frame),
        description=description or default,
    )


def source_periods(
    data_frame: pd.DataFrame,
    *,
    title: str = "What each source covers, and when it was published",
    description: str | None = None,
) -> go.Figure:
    """A bar per document over the period it covers, and a marker at its publication date.

    ``data_frame`` is ``course.data.documents()``. Documents with no known publication date
    get no marker and say so in the hover text.
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
    undated = ", ".join(data_frame.loc[data_frame["published"].isna(), "doc_id"])
    default = (
        "Bars show the period each document covers; stars its publication date. "
        f"No publication date is known for: {undated or 'none'}."
    )
    return _finish(
        fig,
        title=title,
        x_title="Date",
        y_title="Document",
        height=360,
        description=description or default,
    )


def presence(
    data_frame: pd.DataFrame,
    *,
    title: str = "Who is named in 2012–2016 and in 2024",
    description: str | None = None,
) -> go.Figure:
    """A grid of actors (rows) by conflict (columns); a named actor gets a marked cell.

    ``data_frame`` is a wide table of booleans: index = actor name, columns = conflicts.
    Cells read "named" or "—", so colour is not the only cue.
    """
    z = data_frame.astype(int).to_numpy()
    text = [["named" if cell else "—" for cell in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(data_frame.columns),
            y=list(data_frame.index),
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#f2f2f2"], [1, PALETTE[2]]],
            showscale=False,
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed")
    both = data_frame.index[data_frame.all(axis=1)]
    default = f"{len(data_frame)} actors; named in both conflicts: {', '.join(both) or 'none'}."
    return _finish(
        fig,
        title=title,
        x_title="Conflict",
        y_title="Actor",
        height=160 + 26 * len(data_frame),
        description=description or default,
    )


# --------------------------------------------------------------------------------------------
# Lessons 04 and 05: label rates side by side, and a few days of events
# (kept together and self-contained; each builds its own text description)


def label_rate_bars(
    data_frame: pd.DataFrame,
    *,
    x: str = "doc_id",
    color: str = "term_id",
    x_order: list[str] | None = None,
    color_order: list[str] | None = None,
    title: str = "Labels per 1,000 words",
    x_title: str = "Document",
    description: str | None = None,
) -> go.Figure:
    """Grouped bars of label rates: one group per ``x`` value, one bar per ``color`` value.

    ``data_frame`` is a long table such as ``course.data.framing_counts()`` filtered to a few
    labels and documents: ``x``, ``color``, per_1000_words and count. Each bar prints its raw
    count and carries its own pattern, so colour is never the only cue. The description lists
    every rate.
    """
    x_order = x_order or list(dict.fromkeys(data_frame[x]))
    color_order = color_order or list(dict.fromkeys(data_frame[color]))
    patterns = ["", "/", ".", "x", "-", "+", "\\", "|"]
    fig = go.Figure()
    for index, value in enumerate(color_order):
        rows = data_frame[data_frame[color] == value].set_index(x).reindex(x_order)
        fig.add_trace(
            go.Bar(
                x=x_order,
                y=rows["per_1000_words"],
                name=str(value),
                text=rows["count"].fillna(0).astype(int),
                textposition="outside",
                marker={
                    "color": PALETTE[index % len(PALETTE)],
                    "pattern": {"shape": patterns[index % len(patterns)]},
                },
                hovertemplate="%{x}, " + str(value) + ": %{y:.2f} per 1,000 words "
                "(count %{text})<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", legend_title_text=color.replace("_", " "))
    fig.update_xaxes(categoryorder="array", categoryarray=x_order)
    listed = (
        data_frame.set_index([x, color])["per_1000_words"]
        .reindex([(a, b) for a in x_order for b in color_order])
        .dropna()
    )
    default = (
        "Rates per 1,000 words (bar labels give the raw count): "
        + "; ".join(f"{a} {b} {rate:.1f}" for (a, b), rate in listed.items())
        + "."
    )
    return _finish(
        fig,
        title=title,
        x_title=x_title,
        y_title="Per 1,000 words",
        description=description or default,
        height=440,
    )


def events_by_day(
    data_frame: pd.DataFrame,
    *,
    title: str = "Events day by day",
    description: str | None = None,
) -> go.Figure:
    """Events as markers on a day axis, one row per event type, each labelled with its id.

    ``data_frame`` is ``course.data.events()`` filtered to events dated to the day: event_id,
    date, event_type, description. Each event type has its own marker shape. The description
    counts the events on each day.
    """
    fig = go.Figure()
    for index, (kind, rows) in enumerate(data_frame.groupby("event_type", sort=True)):
        fig.add_trace(
            go.Scatter(
                x=rows["date"],
                y=[kind] * len(rows),
                mode="markers+text",
                name=str(kind),
                text=rows["event_id"],
                textposition="top center",
                marker={
                    "size": 13,
                    "symbol": SYMBOLS[index % len(SYMBOLS)],
                    "color": PALETTE[index % len(PALETTE)],
                    "line": {"width": 1, "color": "#333"},
                },
                customdata=rows["description"].map(_wrap),
                hovertemplate="%{x|%a %d %b %Y}<br>%{customdata}<extra>%{text}</extra>",
            )
        )
    fig.update_xaxes(dtick=86_400_000, tickformat="%a %d %b")
    fig.update_layout(showlegend=False)
    per_day = data_frame.groupby("date").size()
    default = (
        f"{len(data_frame)} events dated to the day: "
        + "; ".join(f"{day:%A %d %B %Y}: {n}" for day, n in per_day.items())
        + ". Each marker is labelled with its event id; rows are event types."
    )
    return _finish(
        fig,
        title=title,
        x_title="Date",
        y_title="Type of event",
        description=description or default,
        height=380,
    )


__all__ += ["events_by_day", "label_rate_bars"]
