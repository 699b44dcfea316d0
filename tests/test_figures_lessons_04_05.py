"""The figures lessons 04 and 05 draw: their descriptions are built from the data they show."""

from __future__ import annotations

from course import data, figures
from course.figures._base import number as figures_number


def test_rate_bars_describe_every_rate_and_never_rely_on_colour():
    """Do lesson 04's rate bars list each document's rate of each label, each with a pattern?"""
    counts = data.framing_counts()
    three = counts[counts["term_id"].isin(["insurgents", "rebels", "opposition"])]
    fig = figures.bars(three, x="doc_id", y="per_1000_words", color="term_id", text="count")
    description = figures.describe(fig)
    for row in three.itertuples():
        assert f"{row.term_id} {figures_number(row.per_1000_words)}" in description
    assert len({trace.marker.pattern.shape for trace in fig.data}) == len(fig.data)
    assert all(trace.text is not None for trace in fig.data)  # raw counts printed on bars


def test_rate_bars_follow_the_order_they_are_given():
    """Are lesson 05's groups and bars in the order the lesson asks for?"""
    counts = data.framing_counts()
    two = counts[
        counts["term_id"].isin(["rebels", "insurgents"])
        & counts["doc_id"].isin(["bbc_live", "ap_2024"])
    ]
    fig = figures.bars(
        two,
        x="term_id",
        y="per_1000_words",
        color="doc_id",
        category_orders={"term_id": ["rebels", "insurgents"], "doc_id": ["bbc_live", "ap_2024"]},
    )
    assert [trace.name for trace in fig.data] == ["bbc_live", "ap_2024"]
    description = figures.describe(fig)
    assert description.index("rebels:") < description.index("insurgents:")
