"""Figure functions: each returns a titled, described, colour-safe go.Figure from real data."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.colors import qualitative

from course import data, figures, media


def _strengths() -> pd.DataFrame:
    rows = data.figures()
    rows = rows[rows["topic"] == "fighters"].head(8).copy()
    rows["label"] = rows["claimant"] + " – " + rows["measure"].str.slice(0, 30)
    return rows


def _presence() -> pd.DataFrame:
    actors = data.actors()
    picked = actors[actors["actor_id"].isin(["russia", "iran", "hezbollah", "turkey", "hts"])]
    return pd.DataFrame(
        {
            "2012–2016": picked["conflicts"].astype(str).str.contains("2012").to_numpy(),
            "2024": picked["conflicts"].astype(str).str.contains("2024").to_numpy(),
        },
        index=picked["name"],
    )


FIGURES = {
    "timeline": lambda: figures.timeline(
        data.events(), data.phases(), actors=["russia", "hezbollah"]
    ),
    "involvement": lambda: figures.involvement(
        media.involvement_periods(data.actors(), until="2016-12-22")
    ),
    "figure_ranges": lambda: figures.figure_ranges(_strengths()),
    "label_heatmap": lambda: figures.label_heatmap(
        media.label_rates(data.framing_counts(), data.framing())
    ),
    "speakers": lambda: figures.speakers(media.speaker_counts(data.attributions())),
    "alignment": lambda: figures.alignment(media.align_articles()),
    "source_periods": lambda: figures.source_periods(data.documents()),
    "presence": lambda: figures.presence(_presence()),
    "label_rate_bars": lambda: figures.label_rate_bars(
        data.framing_counts().query("term_id in ['insurgents', 'rebels']")
    ),
    "events_by_day": lambda: figures.events_by_day(
        data.events().query("phase_id == 'y2024_offensive' and date_precision == 'day'")
    ),
}


@pytest.fixture(params=list(FIGURES))
def figure(request) -> go.Figure:
    return FIGURES[request.param]()


def test_every_figure_function_is_tested():
    """Is each public figure function covered by the table above?"""
    public = {name for name in figures.__all__ if name not in {"PALETTE", "describe", "show"}}
    assert public == set(FIGURES)


def test_returns_a_figure_with_data(figure):
    """Does the function return a go.Figure with at least one trace that serialises?"""
    assert isinstance(figure, go.Figure)
    assert len(figure.data) > 0
    assert figure.to_json()


def test_has_title_axis_titles_and_description(figure):
    """Does every figure have a title, axis titles and a text description?"""
    assert figure.layout.title.text
    assert figure.layout.xaxis.title.text
    assert figure.layout.yaxis.title.text is not None
    assert len(figures.describe(figure)) > 30


def test_uses_the_course_template_and_safe_palette(figure):
    """Is the colourblind-safe template applied?"""
    assert figure.layout.template.layout.colorway == tuple(qualitative.Safe)


def test_timeline_marks_precision_by_shape_and_filters_by_actor():
    """Do marker shapes show date precision, and does the actor menu select that actor's events?"""
    events, phases = data.events(), data.phases()
    fig = figures.timeline(events, phases, actors=["hezbollah"])
    symbols = {s for trace in fig.data if trace.mode == "markers" for s in trace.marker.symbol}
    assert {"circle", "diamond", "square"} <= symbols
    button = fig.layout.updatemenus[0].buttons[1]
    picked = sum(len(p) for p in button.args[0]["selectedpoints"])
    assert picked == events["actors"].str.split(";").map(lambda a: "hezbollah" in a).sum()


def test_figures_do_not_change_their_input():
    """Do figure functions leave the DataFrame they are given untouched?"""
    events = data.events()
    before = events.copy()
    figures.timeline(events, data.phases())
    pd.testing.assert_frame_equal(events, before)


def test_show_displays_figure_and_description(monkeypatch):
    """Does show() display the figure and then its description as text?"""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    fig = figures.source_periods(data.documents())
    figures.show(fig)
    assert shown[0] is fig
    assert figures.describe(fig) in shown[1].data
