"""Figures of counts and rates: bars of any counted table, label rates, speakers, a rewrite."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from course.figures._base import (
    PALETTE,
    PATTERNS,
    finish,
    label_of,
    listing,
    number,
    shared_doc,
    wrap,
)

__all__ = ["alignment", "bars", "label_heatmap", "speakers"]


def bars_description(
    data_frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    color: str | None = None,
    text: str | None = None,
    labels: dict[str, str] | None = None,
    order: list | None = None,
    color_order: list | None = None,
    totals: bool = False,
    heading_first: bool = True,
) -> str:
    """Say in words what :func:`bars` draws: every bar's value, category by category.

    For each value of ``category`` (in ``order``, else in the order of the frame): the
    ``value`` of each ``color`` group (in ``color_order``, else in the order of the frame),
    with the ``text`` column in brackets when bars carry a label, and the category's total
    when ``totals`` is set (stacked bars). With ``heading_first=False`` the opening sentence
    (what is counted, by what) is left out.
    """
    names = {c: label_of(c, labels) for c in (category, value, color, text) if c}
    seen = list(dict.fromkeys(data_frame[category]))
    categories = [c for c in (order or []) if c in seen] + [
        c for c in seen if c not in (order or [])
    ]
    rank = {c: i for i, c in enumerate(color_order or [])}
    parts = []
    for key in categories:
        rows = data_frame[data_frame[category] == key]
        if color and rank:
            places = [rank.get(c, len(rank)) for c in rows[color]]
            rows = rows.iloc[sorted(range(len(rows)), key=places.__getitem__)]

        def one(row: pd.Series) -> str:
            bracket = f" ({names[text]} {number(row[text])})" if text and text != value else ""
            lead = f"{row[color]} " if color else ""
            return f"{lead}{number(row[value])}{bracket}"

        phrase = f"{key}: {listing(one(row) for _, row in rows.iterrows())}"
        if totals and color and len(rows) > 1:
            phrase += f", total {number(rows[value].sum())}"
        parts.append(phrase)
    split = f", by {names[color]}" if color else ""
    heading = f"{names[value].capitalize()} for each {names[category]}{split}."
    return f"{heading} {'; '.join(parts)}." if heading_first else f"{'; '.join(parts)}."


@shared_doc
def bars(
    data_frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    color: str | None = None,
    text: str | None = None,
    orientation: str = "v",
    barmode: str = "group",
    category_orders: dict[str, list] | None = None,
    labels: dict[str, str] | None = None,
    title: str = "",
    description: str | None = None,
) -> go.Figure:
    """Bars of a counted table, as ``plotly.express.bar`` draws them, described in words.

    ``data_frame`` is a long table that already holds the numbers (count with ``groupby``
    first): ``x`` and ``y`` are its columns, the value on the axis that runs along the bars
    (``y`` when ``orientation="v"``, ``x`` when ``"h"``). ``color`` splits the bars by a
    column, with a pattern as well as a colour so that colour never carries meaning alone;
    ``text`` prints a column on each bar. ``barmode`` is "group" or "stack";
    ``category_orders`` and ``labels`` are passed to plotly express. Categories keep the order
    of the frame (left to right, or top to bottom) unless ``category_orders`` says otherwise.
    The description gives every bar's number, category by category (and each category's total
    when stacked).
    """
    if orientation not in {"v", "h"}:
        raise ValueError(f"orientation must be 'v' or 'h', not {orientation!r}")
    category, value = (y, x) if orientation == "h" else (x, y)
    category_orders = dict(category_orders or {})
    category_orders.setdefault(category, list(dict.fromkeys(data_frame[category])))
    fig = px.bar(
        data_frame,
        x=x,
        y=y,
        color=color,
        pattern_shape=color,
        text=text,
        orientation=orientation,
        barmode=barmode,
        category_orders=category_orders,
        labels=labels,
        template="course",
    )
    default = bars_description(
        data_frame,
        category=category,
        value=value,
        color=color,
        text=text,
        labels=labels,
        order=category_orders[category],
        color_order=category_orders.get(color) if color else None,
        totals=barmode == "stack",
    )
    return finish(
        fig,
        title=title or f"{label_of(value, labels).capitalize()} per {label_of(category, labels)}",
        x_title=label_of(x, labels),
        y_title=label_of(y, labels),
        description=description or default,
        height=max(360, 120 + 34 * data_frame[category].nunique()) if orientation == "h" else None,
    )


@shared_doc
def label_heatmap(
    data_frame: pd.DataFrame,
    *,
    title: str = "How often each label appears, per 1,000 words",
    description: str | None = None,
) -> go.Figure:
    """A grid of labels (rows) by documents (columns), each cell printed with its number.

    ``data_frame`` is a wide table: index = term, columns = doc_id, values = rate per 1,000
    words (see ``course.media.label_rates``). Numbers are printed in every cell, so the
    shading is never the only cue. The description names each document's most frequent label.
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
    top = {
        doc: f"{data_frame[doc].idxmax()} ({number(data_frame[doc].max())})"
        for doc in data_frame.columns
    }
    default = (
        "Rates of each label per 1,000 words in each document. Most frequent label: "
        + "; ".join(f"{doc}: {term}" for doc, term in top.items())
        + "."
    )
    return finish(
        fig,
        title=title,
        x_title="Document",
        y_title="Label",
        height=160 + 30 * len(data_frame),
        description=description or default,
    )


@shared_doc
def speakers(
    data_frame: pd.DataFrame,
    *,
    color: str = "speaker_type",
    title: str = "Who gets to speak in each text",
    description: str | None = None,
) -> go.Figure:
    """Stacked bars: attributed statements per document, split by ``color`` (speaker type).

    ``data_frame`` is a long table with doc_id, the ``color`` column and count (see
    ``course.media.speaker_counts``). Each segment is labelled with its count; the
    description gives every document's total and its segments.
    """
    fig = go.Figure()
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
                    "pattern": {"shape": PATTERNS[index % len(PATTERNS)]},
                },
                hovertemplate="%{y}: %{x} statements<extra>" + str(kind) + "</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    default = f"Attributed statements per document, stacked by {label_of(color, None)}. "
    default += bars_description(
        data_frame.assign(**{color: data_frame[color].astype(str).str.replace("_", " ")}),
        category="doc_id",
        value="count",
        color=color,
        totals=True,
        heading_first=False,
    )
    return finish(
        fig,
        title=title,
        x_title="Attributed statements",
        y_title="Document",
        description=description or default,
        height=380,
    )


@shared_doc
def alignment(
    data_frame: pd.DataFrame,
    *,
    title: str = "The AP story and its rewrite, sentence by sentence",
    description: str | None = None,
) -> go.Figure:
    """One bar per AP sentence, its length the similarity of its best match in the rewrite.

    ``data_frame`` is ``course.media.align_articles()``; status (kept, changed, dropped,
    added) is shown by colour, pattern and a text label. The description counts each status.
    """
    styles = {"kept": ("", 0), "changed": ("/", 1), "dropped": ("x", 4), "added": (".", 2)}
    fig = go.Figure()
    for status, (pattern, colour) in styles.items():
        rows = data_frame[data_frame["status"] == status]
        if rows.empty:
            continue
        label = rows["source_text"].fillna(rows["rewrite_text"]).map(lambda t: wrap(t, 80))
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
    return finish(
        fig,
        title=title,
        x_title="Similarity to the best match (0 to 1)",
        y_title="Sentence",
        height=200 + 18 * len(data_frame),
        description=description or default,
    )
