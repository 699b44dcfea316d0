"""Figures of claims: numbers side by side with who claims them, and who is named where."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from course.figures._base import (
    PALETTE,
    SYMBOLS,
    date_text,
    finish,
    listing,
    shared_doc,
    span,
    wrap,
)

__all__ = ["figure_ranges", "presence"]

# How a figures row's unit reads after a number ("2.5 sq km", "40 to 50%").
UNIT_TEXT = {"percent": "%", "sq_km": " sq km", "km2": " km²", "usd": " US dollars"}


def _unit(unit: object) -> str:
    if pd.isna(unit) or not str(unit):
        return ""
    return UNIT_TEXT.get(str(unit), f" {str(unit).replace('_', ' ')}")


def ranges_description(data_frame: pd.DataFrame, *, label: str = "label") -> str:
    """Say in words what :func:`figure_ranges` draws: each claim, its number, hedge and claimant.

    One phrase per row with a number: its ``label``, its value or range with the unit, whether
    the text hedges it ("hedged", drawn hollow), who claims it and the date it refers to when
    the row has one (``as_of`` at ``as_of_precision``).
    """
    phrases = []
    for _, row in data_frame.iterrows():
        if pd.isna(row["low"]) and pd.isna(row["high"]):
            continue
        text = f"{row[label]}: {span(row['low'], row['high'])}{_unit(row.get('unit'))}"
        details = []
        if bool(row.get("approximate", False)):
            details.append("hedged, drawn hollow")
        claimant = row.get("claimant")
        if pd.notna(claimant) and str(claimant) not in str(row[label]):
            details.append(f"claimed by {claimant}")
        as_of = row.get("as_of")
        if pd.notna(as_of) and date_text(as_of) not in str(row[label]):
            precision = row.get("as_of_precision")
            details.append(
                f"as of {date_text(as_of, str(precision) if pd.notna(precision) else 'day')}"
            )
        phrases.append(text + (f" ({', '.join(details)})" if details else ""))
    count = f"{len(phrases)} claim" + ("" if len(phrases) == 1 else "s")
    return f"{count}, each a marker or a segment from low to high. " + "; ".join(phrases) + "."


@shared_doc
def figure_ranges(
    data_frame: pd.DataFrame,
    *,
    label: str = "label",
    title: str = "Numeric claims and who makes them",
    x_title: str = "Value",
    from_zero: bool = False,
    description: str | None = None,
) -> go.Figure:
    """Each claim as a marker (single value) or a segment from low to high (a range).

    ``data_frame`` is rows of ``course.data.figures()`` with an extra ``label`` column (for
    example claimant and date). Colour and marker shape show the claimant type; hollow markers
    mark hedged numbers ("about", "estimated"). ``from_zero`` starts the axis at zero, so that
    distances between claims are not exaggerated. The description gives every claim's number,
    unit, hedge, claimant and date.
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
                customdata=pd.concat([rows[["claimant", "quote"]]] * 2).map(wrap).to_numpy(),
                hovertemplate="%{x:,}<br>%{customdata[0]}<br><i>%{customdata[1]}</i><extra></extra>",
            )
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=",")
    if from_zero:
        fig.update_xaxes(rangemode="tozero")
    return finish(
        fig,
        title=title,
        x_title=x_title,
        y_title="",
        height=160 + 40 * len(data_frame),
        description=description or ranges_description(data_frame, label=label),
    )


@shared_doc
def presence(
    data_frame: pd.DataFrame,
    *,
    title: str = "Who is named in 2012–2016 and in 2024",
    description: str | None = None,
) -> go.Figure:
    """A grid of actors (rows) by conflict (columns); a named actor gets a marked cell.

    ``data_frame`` is a wide table of booleans: index = actor name, columns = conflicts.
    Cells read "named" or "—", so colour is not the only cue. The description names the
    actors named in every column and those named in each column only.
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
    both = listing(data_frame.index[data_frame.all(axis=1)]) or "none"
    only = [
        f"only in {column}: "
        + (listing(data_frame.index[data_frame[column] & (data_frame.sum(axis=1) == 1)]) or "none")
        for column in data_frame.columns
    ]
    default = f"{len(data_frame)} actors; named in every column: {both}; " + "; ".join(only) + "."
    return finish(
        fig,
        title=title,
        x_title="Conflict",
        y_title="Actor",
        height=160 + 26 * len(data_frame),
        description=description or default,
    )
