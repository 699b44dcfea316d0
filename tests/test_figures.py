"""Figure functions: each returns a titled, described, colour-safe go.Figure from real data."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.colors import qualitative

from course import data, figures, media
from course.lessons.l02_combatants import ypg_stances
from tests.conftest import REPO


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


def _events_per_phase() -> pd.DataFrame:
    counts = data.events().groupby(["phase_id", "doc_id"]).size().reset_index(name="events")
    return counts.merge(data.phases()[["phase_id", "order", "name"]]).sort_values("order")


def _days_2024() -> pd.DataFrame:
    events = data.events()
    return events[(events["phase_id"] == "y2024_offensive") & (events["date_precision"] == "day")]


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
    "bars": lambda: figures.bars(
        _events_per_phase(), x="events", y="name", color="doc_id", orientation="h"
    ),
    "stances": lambda: figures.stances(ypg_stances()),
    "events_by_day": lambda: figures.events_by_day(_days_2024()),
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


# Descriptions are written from the data ------------------------------------------------------


def test_description_carries_numbers_from_the_data(figure):
    """Does every figure function's description carry numbers read from its data?"""
    assert figures.describe(figure) != ""
    assert any(ch.isdigit() for ch in figures.describe(figure)), figures.describe(figure)


def test_bars_description_gives_every_bar_and_follows_the_numbers():
    """Does the bar chart's description give each category's numbers, and change with them?"""
    counts = pd.DataFrame(
        {
            "year": [2012, 2012, 2013],
            "side": ["pro-government", "opposition", "opposition"],
            "events": [7, 3, 11],
        }
    )
    fig = figures.bars(counts, x="year", y="events", color="side", labels={"events": "events"})
    text = figures.describe(fig)
    assert text.startswith("Events for each year, by side.")
    assert "2012: pro-government 7 and opposition 3; 2013: opposition 11." in text
    counts.loc[2, "events"] = 12
    assert "2013: opposition 12." in figures.describe(
        figures.bars(counts, x="year", y="events", color="side")
    )


def test_bars_description_totals_stacked_bars_and_reads_bar_labels():
    """Are stacked categories totalled, and bar labels given in brackets?"""
    rates = pd.DataFrame(
        {"doc": ["a", "a"], "term": ["rebels", "insurgents"], "rate": [1.5, 0.25], "n": [3, 1]}
    )
    stacked = figures.describe(
        figures.bars(rates, x="doc", y="rate", color="term", text="n", barmode="stack")
    )
    assert "a: rebels 1.5 (n 3) and insurgents 0.25 (n 1), total 1.75." in stacked


def test_bars_horizontal_puts_the_first_category_on_top_and_describes_it_first():
    """With orientation 'h', is the category on y, read top to bottom in the given order?"""
    counts = _events_per_phase()
    order = list(data.phases()["name"])
    fig = figures.bars(
        counts, x="events", y="name", orientation="h", category_orders={"name": order}
    )
    first = order[0]
    assert figures.describe(fig).split(". ", 1)[1].startswith(first)
    with pytest.raises(ValueError, match="orientation"):
        figures.bars(counts, x="events", y="name", orientation="sideways")


def test_timeline_description_counts_events_per_phase_and_per_precision():
    """Does the timeline's description give the events per phase and per date precision?"""
    events, phases = data.events(), data.phases()
    text = figures.describe(figures.timeline(events, phases))
    for phase_id, name in zip(phases["phase_id"], phases["name"], strict=True):
        assert f"{name}: {(events['phase_id'] == phase_id).sum()}" in text
    for level, count in events["date_precision"].astype(str).value_counts().items():
        assert f"dated to the {level} ({count})" in text
    assert "cut out of the axis" in text


def test_timeline_drop_empty_draws_and_describes_only_phases_with_events():
    """With drop_empty, are only the selection's phases drawn, and the axis cut left unsaid?"""
    events, phases = data.events(), data.phases()
    chosen = events[events["phase_id"] == "y2016_siege"]
    fig = figures.timeline(chosen, phases, drop_empty=True)
    assert [t.name for t in fig.data if t.mode == "markers"] == list(
        phases.loc[phases["phase_id"] == "y2016_siege", "name"]
    )
    text = figures.describe(fig)
    assert f"Timeline of {len(chosen)} events in 1 phases" in text
    assert "cut out" not in text


def test_stances_description_names_each_stance_and_the_overlaps_as_drawn():
    """Does the stance chart say each stance with its printed period, and which bars overlap?"""
    stances = ypg_stances()
    text = figures.describe(figures.stances(stances))
    for row in stances.itertuples():
        assert f"{row.side}, {row.period_text}" in text
    assert "bars 1 and 2 overlap" in text and "bars 3 and 4 overlap" in text
    apart = stances.iloc[[0, 2]].reset_index(drop=True)
    assert "No two bars overlap." in figures.describe(figures.stances(apart))


def test_figure_ranges_description_gives_number_unit_hedge_claimant_and_date():
    """Does each claim appear with its number or range, unit, hedge, claimant and date?"""
    rows = data.figures()
    area = rows[rows["claim_group"] == "rebel_held_area_dec_2016"].copy()
    area["label"] = area["figure_id"]
    text = figures.describe(figures.figure_ranges(area))
    for row in area.itertuples():
        amount = f"{row.low:g}" if row.low == row.high else f"{row.low:g} to {row.high:g}"
        assert f"{row.figure_id}: {amount} sq km" in text
        assert f"claimed by {row.claimant}" in text
        assert (f"{row.figure_id}: {amount} sq km (hedged" in text) == bool(row.approximate)


def test_events_by_day_description_counts_each_day():
    """Does the day-by-day chart's description give the number of events on each day?"""
    days = _days_2024()
    text = figures.describe(figures.events_by_day(days))
    assert text.startswith(f"{len(days)} events dated to the day.")
    for day, count in days.groupby("date").size().items():
        assert f"{day:%A} {day.day} {day:%B %Y}: {count} (" in text


def test_involvement_description_lists_each_actor_with_its_printed_period():
    """Does the involvement chart name every actor with the period the infobox prints?"""
    periods = media.involvement_periods(data.actors(), until="2016-12-22")
    text = figures.describe(figures.involvement(periods))
    for row in periods.itertuples():
        assert f"{row.name} ({row.period_text.strip('()')})" in text


# No cell writes a figure's description itself ------------------------------------------------

_INLINE_DESCRIPTION = re.compile(r"""["']description["']\s*:|\bdescription\s*=\s*(?!None\b)""")
_NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
    (REPO / "autograder" / "source").glob("*/*.ipynb")
)


@pytest.mark.parametrize("path", _NOTEBOOKS, ids=lambda p: p.stem)
def test_no_cell_writes_a_figure_description_itself(path):
    """Does every figure get its text description from course.figures, never from a cell?"""
    cells = nbformat.read(path, as_version=4).cells
    inline = [
        f"cell {index}: {cell.source[:60]!r}"
        for index, cell in enumerate(cells)
        if cell.cell_type == "code" and _INLINE_DESCRIPTION.search(cell.source)
    ]
    assert inline == []
