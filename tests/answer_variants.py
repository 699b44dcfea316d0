"""Answers a class would hand in, question by question: right ones written differently, near misses.

For every autograded question of the three assignments this table lists correct answers written
the ways students write them (a boolean mask or ``.query``, ``groupby().size()`` or
``value_counts()``, one trace or several, px or go, titles through ``update_layout``...) and the
most common near misses. A correct variant must earn every point of its question. A near miss
names, in ``fails``, each grade cell that must fail and a regular expression that the message
shown to the student must match; every other grade cell of the question must pass.

Nothing here states an expected result: the hidden tests derive those from the course tables.
Widget answers that depend on the data (an order of events, a document title) are computed from
the tables too; the sentence labels of ps3 are the teacher's reading of four fixed sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["QUESTIONS", "Question", "Tampered", "Variant", "questions_of"]


@dataclass(frozen=True)
class Tampered:
    """A widget answer signed as ``signed`` and then edited to ``shown`` in a text editor."""

    signed: Any
    shown: Any


@dataclass(frozen=True)
class Variant:
    """One student's answer to one question.

    ``code`` replaces the question's solution cell; ``checks`` (for widget questions) returns
    the answers the student checked, oldest first. ``fails`` maps each grade cell that must fail
    to a regular expression for its message; empty for a correct answer. ``sendable`` is False
    for an answer that cannot be sent to a checker as Table Schema JSON (columns in two levels).
    """

    name: str
    code: str = ""
    checks: Callable[[], list[Any]] | None = None
    fails: dict[str, str] = field(default_factory=dict)
    sendable: bool = True  # False: the answer has no Table Schema JSON form (see answer_keys)

    @property
    def correct(self) -> bool:
        return not self.fails


@dataclass(frozen=True)
class Question:
    """An autograded question: its answer cell (or widget) and the answers tried on it.

    ``number`` is the prefix of its grade cells (``q1`` covers ``q1-test-*``). ``given`` runs
    before each variant: what earlier questions must have defined (a right ``phase_counts`` for
    the chart question), so that a variant is judged on its own question alone.
    """

    assignment: str
    number: str
    answer: str  # grade_id of the solution cell, or the widget's exercise_id
    correct: tuple[Variant, ...]
    near_misses: tuple[Variant, ...]
    given: str = ""
    widget: bool = False

    @property
    def variants(self) -> tuple[Variant, ...]:
        return self.correct + self.near_misses


# --------------------------------------------------------------------------------------------
# Widget answers computed from the course tables


def _order() -> list[str]:
    from tests.classroom import right_order

    return right_order()


def _swapped() -> list[str]:
    order = _order()
    return [order[1], order[0], *order[2:]]


def _titles() -> dict[str, str]:
    from course import data

    documents = data.documents().set_index("doc_id")
    return {
        "source": str(documents.loc[documents.loc["ap_rewrite", "derived_from"], "title"]),
        "rewrite": str(documents.loc["ap_rewrite", "title"]),
        "battle": str(documents.loc["wp_battle", "title"]),
    }


# The teacher's reading of ps3's four sentences (course/assignments/ps3_framing.py): the Interfax
# statement and the witnesses are reported speech; "Islamic extremists" is Wikipedia's own
# voice; the diverted traffic is plain description.
LABELS = [
    "attributed claim",
    "attributed claim",
    "loaded label in the writer's own voice",
    "neutral description",
]
NONE_RECORDED = "No answer was recorded for the question"

# --------------------------------------------------------------------------------------------
# ps1_phases

_SIEGE = 'events[events["phase_id"] == "y2016_siege"]'
_BAR = (
    'fig = px.bar(x=phase_counts.index, y=phase_counts.values, title="Events per phase",\n'
    '             labels={"x": "Phase", "y": "Number of events"})'
)

PS1 = (
    Question(
        "ps1_phases",
        "q1",
        "q1-answer",
        correct=(
            Variant("boolean mask", f'siege_events = {_SIEGE}.sort_values("date")'),
            Variant(
                ".query, reset index",
                "siege_events = (events.query(\"phase_id == 'y2016_siege'\")\n"
                '                .sort_values(by="date", ascending=True).reset_index(drop=True))',
            ),
            Variant(
                "sorted first, then .isin",
                'ordered = events.sort_values(["date", "event_id"])\n'
                'siege_events = ordered[ordered.phase_id.isin(["y2016_siege"])]',
            ),
            Variant(
                ".loc with .eq, stable sort",
                'siege_events = events.loc[events["phase_id"].eq("y2016_siege")]'
                '.sort_values("date", kind="stable")',
            ),
            Variant(
                "phase_id moved into the index",
                'siege_events = events.set_index("phase_id").loc[["y2016_siege"]]'
                '.sort_values("date")',
            ),
            Variant(
                "groupby().get_group()",
                'siege_events = events.groupby("phase_id").get_group("y2016_siege")'
                '.sort_values("date")',
            ),
        ),
        near_misses=(
            Variant(
                "phase id misspelt",
                'siege_events = events[events["phase_id"] == "2016_siege"].sort_values("date")',
                fails={
                    "q1-test-phase": r"siege_events is empty: check the spelling",
                    "q1-test-complete": r"has 0 of the \d+ events .*spelling",
                    "q1-test-sorted": r"is empty, so it cannot be sorted",
                },
            ),
            Variant(
                "latest first",
                f'siege_events = {_SIEGE}.sort_values("date", ascending=False)',
                fails={"q1-test-sorted": r"runs latest first.*without ascending=False"},
            ),
            Variant(
                "kept only .head()",
                f'siege_events = {_SIEGE}.sort_values("date").head()',
                fails={"q1-test-complete": r"has 5 of the \d+ events.*\.head\(\) shows only"},
            ),
            Variant(
                "the filter, not the rows",
                'siege_events = events["phase_id"] == "y2016_siege"',
                fails={
                    "q1-test-phase": r"True/False values: that is the filter",
                    "q1-test-complete": r"should be a DataFrame.*True/False values, the filter",
                    "q1-test-sorted": r"should be a DataFrame.*True/False values, the filter",
                },
            ),
            Variant(
                "no filter",
                'siege_events = events.sort_values("date")',
                fails={
                    "q1-test-phase": r"also holds events of other phases",
                    "q1-test-complete": r"has \d+ rows from outside the phase",
                },
            ),
            Variant(
                "columns dropped",
                f'siege_events = {_SIEGE}.sort_values("date")[["event_id", "date", "description"]]',
                fails={"q1-test-phase": r"no phase_id column: keep every column"},
            ),
        ),
    ),
    Question(
        "ps1_phases",
        "q2",
        "q2-answer",
        correct=(
            Variant("groupby().size()", 'phase_counts = events.groupby("phase_id").size()'),
            Variant("value_counts()", 'phase_counts = events["phase_id"].value_counts()'),
            Variant(
                "count of ids, as floats",
                'phase_counts = events.groupby("phase_id")["event_id"].count().astype(float)',
            ),
            Variant(
                "every phase, unsorted, zeros kept",
                'phase_counts = events.value_counts("phase_id", sort=False)'
                '.reindex(phases["phase_id"], fill_value=0)',
            ),
            Variant(
                "collections.Counter",
                "from collections import Counter\n"
                'phase_counts = pd.Series(Counter(events["phase_id"]))',
            ),
        ),
        near_misses=(
            Variant(
                "counted by document",
                'phase_counts = events.groupby("doc_id").size()',
                fails={
                    "q2-test-type": r"index holds .*count the events by phase_id",
                    "q2-test-values": r"labelled by .*not by phase_id",
                },
            ),
            Variant(
                "counted a column with gaps",
                'phase_counts = events.groupby("phase_id")["end_date"].count()',
                fails={"q2-test-values": r"Some counts are wrong: .*skips its empty cells"},
            ),
            Variant(
                "DataFrame from .count()",
                'phase_counts = events.groupby("phase_id").count()',
                fails={
                    "q2-test-type": r"type DataFrame.*\.count\(\) gives a column per column",
                    "q2-test-values": r"one number per phase.*\.size\(\)",
                },
            ),
            Variant(
                "first rows only",
                'phase_counts = events["phase_id"].value_counts().head()',
                fails={"q2-test-values": r"missing \d+ of the \d+ phases"},
            ),
            Variant(
                "shares",
                'phase_counts = events["phase_id"].value_counts(normalize=True)',
                fails={"q2-test-values": r"shares that add up to 1.*normalize=True"},
            ),
            Variant(
                "phase_id moved to a column",
                'phase_counts = events.groupby("phase_id").size().reset_index(name="events")',
                fails={"q2-test-type": r"reset_index\(\) moves phase_id out of the index"},
            ),
            Variant(
                "a dictionary, not a Series",
                'phase_counts = events["phase_id"].value_counts().to_dict()',
                fails={"q2-test-type": r"yours is of type dict"},
            ),
            Variant(
                "counted the phases table",
                'phase_counts = phases["phase_id"].value_counts()',
                fails={"q2-test-values": r"counted once: count the rows of events"},
            ),
        ),
    ),
    Question(
        "ps1_phases",
        "q3",
        "q3-answer",
        given='phase_counts = events.groupby("phase_id").size()',
        correct=(
            Variant("px.bar with labels", _BAR),
            Variant(
                "coloured by phase, one trace per phase (lesson 01)",
                'table = phase_counts.rename("events").reset_index()\n'
                'fig = px.bar(table, x="phase_id", y="events", color="phase_id",\n'
                '             template="course",\n'
                '             title="Events in each phase",\n'
                '             labels={"phase_id": "Phase", "events": "Number of events"})',
            ),
            Variant(
                "horizontal, phase names, titles by update_layout",
                'named = phases.merge(phase_counts.rename("events"), left_on="phase_id", '
                "right_index=True)\n"
                'fig = px.bar(named, x="events", y="name", orientation="h")\n'
                'fig.update_layout(title="How many events each phase has",\n'
                '                  xaxis_title="Number of events", yaxis_title="Phase")',
            ),
            Variant(
                "graph_objects",
                "fig = go.Figure(go.Bar(x=list(phase_counts.index), y=list(phase_counts.values)))\n"
                'fig.update_layout(title_text="Events per phase")\n'
                'fig.update_xaxes(title_text="Phase")\n'
                'fig.update_yaxes(title_text="Number of events")',
            ),
            Variant(
                "stacked by document (lesson 01)",
                'per_document = events.groupby(["phase_id", "doc_id"]).size()'
                '.reset_index(name="events")\n'
                'fig = px.bar(per_document, x="phase_id", y="events", color="doc_id",\n'
                '             title="Events per phase, by document",\n'
                '             labels={"phase_id": "Phase", "events": "Events",\n'
                '                     "doc_id": "Document"})',
            ),
            Variant(
                "the Series straight into px.bar",
                'fig = px.bar(phase_counts, title="Events per phase",\n'
                '             labels={"value": "Number of events", "phase_id": "Phase"})',
            ),
            Variant(
                "one horizontal go.Bar per phase, titles as dictionaries",
                "fig = go.Figure()\n"
                "for phase, n in phase_counts.items():\n"
                '    fig.add_trace(go.Bar(x=[n], y=[phase], orientation="h", name=phase))\n'
                'fig.update_layout(title={"text": "Events per phase"},\n'
                '                  xaxis={"title": {"text": "Events"}}, yaxis_title="Phase")',
            ),
        ),
        near_misses=(
            Variant(
                "stored what .show() returns",
                _BAR + ".show()",
                fails={
                    "q3-test-bars": r"fig is None: \.show\(\)",
                    "q3-test-labels": r"fig is None, .*\.show\(\) returns nothing",
                },
            ),
            Variant(
                "plotly's default axis titles",
                "fig = px.bar(x=phase_counts.index, y=phase_counts.values, "
                'title="Events per phase")',
                fails={"q3-test-labels": r"x axis title is plotly's default, 'x'"},
            ),
            Variant(
                "no title",
                "fig = px.bar(x=phase_counts.index, y=phase_counts.values,\n"
                '             labels={"x": "Phase", "y": "Number of events"})',
                fails={"q3-test-labels": r"needs a title"},
            ),
            Variant(
                "histogram of the events",
                'fig = px.histogram(events, x="phase_id", title="Events per phase",\n'
                '                   labels={"phase_id": "Phase"})',
                fails={
                    "q3-test-bars": r"is a histogram, which counts the rows",
                    "q3-test-labels": r"should be a plotly bar chart",
                },
            ),
            Variant(
                "a line chart",
                _BAR.replace("px.bar", "px.line"),
                fails={
                    "q3-test-bars": r"should contain bars, but it has scatter traces",
                    "q3-test-labels": r"should be a plotly bar chart",
                },
            ),
            Variant(
                "first five phases",
                "top = phase_counts.head()\n" + _BAR.replace("phase_counts", "top"),
                fails={"q3-test-labels": r"shows 5 phases, but the events fall in \d+"},
            ),
            Variant(
                "shares",
                "shares = phase_counts / phase_counts.sum()\n"
                + _BAR.replace("phase_counts", "shares"),
                fails={"q3-test-labels": r"shares that add up to 1"},
            ),
        ),
    ),
    Question(
        "ps1_phases",
        "q4",
        "ps1-order-events",
        widget=True,
        correct=(
            Variant("checked once", checks=lambda: [_order()]),
            Variant(
                "a wrong try, then the right order",
                checks=lambda: [list(reversed(_order())), _order()],
            ),
        ),
        near_misses=(
            Variant(
                "never checked",
                checks=lambda: [],
                fails={"q4-test-answered": NONE_RECORDED, "q4-test-order": NONE_RECORDED},
            ),
            Variant(
                "two events swapped",
                checks=lambda: [_swapped()],
                fails={"q4-test-order": r"2 of 4 events are in the right place.*look up its date"},
            ),
            Variant(
                "latest first",
                checks=lambda: [list(reversed(_order()))],
                fails={"q4-test-order": r"latest first: order them as they happened"},
            ),
            Variant(
                "edited in a text editor",
                checks=lambda: [Tampered(list(reversed(_order())), _order())],
                fails={
                    "q4-test-answered": r"changed outside the notebook",
                    "q4-test-order": r"changed outside the notebook",
                },
            ),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# ps2_sources

_DATED = 'dated = documents[documents["published"].notna()].set_index("doc_id")\n'
_AREA = 'figures_table[figures_table["claim_group"] == "rebel_held_area_dec_2016"]'
_DEATHS = 'figures_table["claim_group"] == "battle_total_deaths"'

PS2 = (
    Question(
        "ps2_sources",
        "q1",
        "q1-answer",
        correct=(
            Variant(
                ".dt.days",
                _DATED + 'distance_days = (dated["published"] - dated["period_start"]).dt.days',
            ),
            Variant(
                "dropna, divided by one day (floats)",
                'dated = documents.dropna(subset=["published"]).set_index("doc_id")\n'
                'distance_days = (dated["published"] - dated["period_start"])'
                " / pd.Timedelta(days=1)",
            ),
            Variant(
                "a dictionary of days",
                "distance_days = pd.Series({row.doc_id: (row.published - row.period_start).days\n"
                "                           for row in documents.itertuples() "
                "if pd.notna(row.published)})",
            ),
            Variant(
                "apply, then dropna",
                'distance_days = (documents.set_index("doc_id")\n'
                '                 .apply(lambda row: (row["published"] - row["period_start"]).days,'
                " axis=1)\n"
                "                 .dropna().astype(int))",
            ),
        ),
        near_misses=(
            Variant(
                "no doc_id index (issue 13)",
                'dated = documents[documents["published"].notna()]\n'
                'distance_days = (dated["published"] - dated["period_start"]).dt.days',
                fails={"q1-test-type": r"should have doc_id as its index .*set_index\('doc_id'\)"},
            ),
            Variant(
                "time spans, not days",
                _DATED + 'distance_days = dated["published"] - dated["period_start"]',
                fails={"q1-test-values": r"holds time spans or text.*\.dt\.days"},
            ),
            Variant(
                "from the end of the period",
                _DATED + 'distance_days = (dated["published"] - dated["period_end"]).dt.days',
                fails={"q1-test-values": r"from the end of the period \(period_end\)"},
            ),
            Variant(
                "subtracted the wrong way round",
                _DATED + 'distance_days = (dated["period_start"] - dated["published"]).dt.days',
                fails={"q1-test-values": r"negative: subtract period_start from published"},
            ),
            Variant(
                "undated documents kept",
                'documents_by_id = documents.set_index("doc_id")\n'
                'distance_days = (documents_by_id["published"] - '
                'documents_by_id["period_start"]).dt.days',
                fails={"q1-test-type": r"Leave out documents with no publication date"},
            ),
            Variant(
                "a one-column DataFrame",
                _DATED + 'distance_days = pd.DataFrame({"days": (dated["published"] - '
                'dated["period_start"]).dt.days})',
                fails={"q1-test-type": r"yours is of type DataFrame: subtract one column"},
            ),
        ),
    ),
    Question(
        "ps2_sources",
        "q2",
        "q2-answer",
        correct=(
            Variant(
                "mask, list of columns, sort_values",
                f'area_claims = {_AREA}[["claimant", "low", "high", "as_of"]].sort_values("low")',
            ),
            Variant(
                ".query, .loc, another column order",
                "area_claims = (figures_table"
                ".query(\"claim_group == 'rebel_held_area_dec_2016'\")\n"
                '               .loc[:, ["as_of", "claimant", "high", "low"]]'
                '.sort_values("low", ignore_index=True))',
            ),
            Variant(
                "sorted first, then .isin",
                'ordered = figures_table.sort_values("low")\n'
                'area_claims = ordered[ordered["claim_group"].isin(["rebel_held_area_dec_2016"])]'
                '[["claimant", "low", "high", "as_of"]].reset_index(drop=True)',
            ),
            Variant(
                "claimant moved into the index",
                f'area_claims = {_AREA}.set_index("claimant")[["low", "high", "as_of"]]'
                '.sort_values("low")',
            ),
        ),
        near_misses=(
            Variant(
                "one column (a Series)",
                f'area_claims = {_AREA}["low"].sort_values()',
                fails={
                    "q2-test-columns": r"should be a DataFrame; yours is of type Series",
                    "q2-test-rows": r"should be a DataFrame before its rows can be checked",
                    "q2-test-sorted": r"should be a DataFrame before its order can be checked",
                },
            ),
            Variant(
                "largest first",
                f'area_claims = {_AREA}[["claimant", "low", "high", "as_of"]]'
                '.sort_values("low", ascending=False)',
                fails={"q2-test-sorted": r"not sorted by low, smallest first: it runs largest"},
            ),
            Variant(
                "an extra column",
                f'area_claims = {_AREA}[["figure_id", "claimant", "low", "high", "as_of"]]'
                '.sort_values("low")',
                fails={"q2-test-columns": r"keeps columns it should not \(figure_id\)"},
            ),
            Variant(
                "as_of left out",
                f'area_claims = {_AREA}[["claimant", "low", "high"]].sort_values("low")',
                fails={"q2-test-columns": r"lacks the column as_of"},
            ),
            Variant(
                "claim group misspelt",
                'area_claims = figures_table[figures_table["claim_group"] == '
                '"rebel_held_area_2016"][["claimant", "low", "high", "as_of"]].sort_values("low")',
                fails={
                    "q2-test-rows": r"is empty: check the spelling of the claim group",
                    "q2-test-sorted": r"is empty, so it cannot be sorted",
                },
            ),
            Variant(
                "no filter",
                'area_claims = figures_table[["claimant", "low", "high", "as_of"]]'
                '.sort_values("low")',
                fails={"q2-test-rows": r"has \d+ rows, but the claim group .* has 2"},
            ),
        ),
    ),
    Question(
        "ps2_sources",
        "q3",
        "q3-answer",
        correct=(
            Variant(
                "sorted ints of unique()",
                "tolls = sorted(int(v) for v in figures_table.loc["
                + _DEATHS
                + ', "low"].dropna().unique())',
            ),
            Variant(
                "a set of ints",
                "tolls = sorted(set(figures_table.query(\"claim_group == 'battle_total_deaths'\")"
                '["low"].dropna().astype(int)))',
            ),
            Variant(
                "drop_duplicates().tolist()",
                f'tolls = figures_table.loc[{_DEATHS}, "low"].drop_duplicates().sort_values()'
                ".astype(int).tolist()",
            ),
            Variant(
                "whole numbers kept as floats",
                f'tolls = sorted(figures_table.loc[{_DEATHS}, "low"].dropna().unique().tolist())',
            ),
        ),
        near_misses=(
            Variant(
                "a Series, not a list",
                f'tolls = figures_table.loc[{_DEATHS}, "low"].drop_duplicates().sort_values()',
                fails={"q3-test-type": r"should be a list; yours is of type Series.*\.tolist\(\)"},
            ),
            Variant(
                "largest first",
                f'tolls = sorted((int(v) for v in figures_table.loc[{_DEATHS}, "low"].unique()),'
                " reverse=True)",
                fails={"q3-test-values": r"not sorted smallest first: it runs largest first"},
            ),
            Variant(
                "no filter",
                'tolls = sorted(int(v) for v in figures_table["low"].dropna().unique())',
                fails={"q3-test-values": r"which is not a low value of the claim group"},
            ),
            Variant(
                "low and high together",
                f'tolls = sorted(int(v) for v in figures_table.loc[{_DEATHS}, ["low", "high"]]'
                ".stack())",
                fails={"q3-test-values": r"more than once: keep each distinct total once"},
            ),
            Variant(
                "text, not numbers",
                f'tolls = sorted(str(int(v)) for v in figures_table.loc[{_DEATHS}, "low"]'
                ".unique())",
                fails={"q3-test-values": r"holds text such as '\d+', not numbers"},
            ),
        ),
    ),
    Question(
        "ps2_sources",
        "q4",
        "ps2-rewrite-origin",
        widget=True,
        correct=(
            Variant("checked once", checks=lambda: [_titles()["source"]]),
            Variant(
                "a wrong try, then the right document",
                checks=lambda: [_titles()["battle"], _titles()["source"]],
            ),
        ),
        near_misses=(
            Variant(
                "never checked",
                checks=lambda: [],
                fails={"q4-test-answered": NONE_RECORDED, "q4-test-origin": NONE_RECORDED},
            ),
            Variant(
                "the rewrite itself",
                checks=lambda: [_titles()["rewrite"]],
                fails={"q4-test-origin": r"You chose the rewrite itself"},
            ),
            Variant(
                "the Wikipedia battle article",
                checks=lambda: [_titles()["battle"]],
                fails={"q4-test-origin": r"It covers .* 20\d\d, but the rewrite reports"},
            ),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# ps3_framing

_TERM = 'counts[counts["term_id"] == "insurgents"]'
_ROWS = f'rows = {_TERM}.set_index("doc_id")\n'

PS3 = (
    Question(
        "ps3_framing",
        "q1",
        "q1-answer",
        correct=(
            Variant(
                "mask, set_index, sort_values",
                f'insurgent_rate = {_TERM}.set_index("doc_id")["per_1000_words"]'
                ".sort_values(ascending=False)",
            ),
            Variant(
                "pivot",
                'insurgent_rate = counts.pivot(index="doc_id", columns="term_id", '
                'values="per_1000_words")["insurgents"].sort_values(ascending=False)',
            ),
            Variant(
                "computed from count and words",
                _ROWS + 'insurgent_rate = (rows["count"] / rows["words"] * 1000)'
                ".sort_values(ascending=False)",
            ),
            Variant(
                "rounded to two decimals",
                f'insurgent_rate = {_TERM}.set_index("doc_id")["per_1000_words"]'
                ".sort_values(ascending=False).round(2)",
            ),
        ),
        near_misses=(
            Variant(
                "term misspelt",
                'insurgent_rate = counts[counts["term_id"] == "insurgent"].set_index("doc_id")'
                '["per_1000_words"].sort_values(ascending=False)',
                fails={
                    "q1-test-values": r"is empty: check the spelling of the term_id",
                    "q1-test-sorted": r"fewer than two rates",
                },
            ),
            Variant(
                "no doc_id index",
                f'insurgent_rate = {_TERM}["per_1000_words"].sort_values(ascending=False)',
                fails={"q1-test-type": r"should have doc_id as its index"},
            ),
            Variant(
                "lowest first",
                _ROWS + 'insurgent_rate = rows["per_1000_words"].sort_values()',
                fails={"q1-test-sorted": r"it runs lowest first"},
            ),
            Variant(
                "raw counts",
                _ROWS + 'insurgent_rate = rows["count"].sort_values(ascending=False)',
                fails={"q1-test-values": r"These are raw counts"},
            ),
            Variant(
                "per word, not per 1,000",
                _ROWS
                + 'insurgent_rate = (rows["count"] / rows["words"]).sort_values(ascending=False)',
                fails={"q1-test-values": r"These rates are per word: multiply by 1,000"},
            ),
            Variant(
                "documents with a rate of 0 left out",
                'rows = counts[(counts["term_id"] == "insurgents") & (counts["count"] > 0)]'
                '.set_index("doc_id")\n'
                'insurgent_rate = rows["per_1000_words"].sort_values(ascending=False)',
                fails={"q1-test-values": r"keep the documents where the rate is 0"},
            ),
            Variant(
                "every term",
                'insurgent_rate = counts.set_index("doc_id")["per_1000_words"]'
                ".sort_values(ascending=False)",
                fails={"q1-test-values": r"several rates for the same document"},
            ),
        ),
    ),
    Question(
        "ps3_framing",
        "q2",
        "q2-answer",
        correct=(
            Variant(
                "groupby, size, unstack",
                'speakers_by_type = attributions.groupby(["doc_id", "speaker_type"], '
                "observed=True).size().unstack(fill_value=0)",
            ),
            Variant(
                "crosstab",
                'speakers_by_type = pd.crosstab(attributions["doc_id"], '
                'attributions["speaker_type"])',
            ),
            Variant(
                "pivot_table",
                'speakers_by_type = attributions.pivot_table(index="doc_id",'
                ' columns="speaker_type", values="attribution_id",\n'
                '                                            aggfunc="count", fill_value=0)',
            ),
            Variant(
                "every document and speaker type, floats",
                'speakers_by_type = (attributions.groupby("doc_id")["speaker_type"].value_counts()'
                ".unstack()\n"
                '                    .reindex(counts["doc_id"].unique()).fillna(0))',
            ),
            Variant(
                "DataFrame.value_counts()",
                'speakers_by_type = attributions.value_counts(["doc_id", "speaker_type"])'
                ".unstack(fill_value=0)",
            ),
        ),
        near_misses=(
            Variant(
                "alignment, not speaker type",
                'speakers_by_type = attributions.groupby(["doc_id", "alignment"], observed=True)'
                ".size().unstack(fill_value=0)",
                fails={
                    "q2-test-shape": r"columns should be speaker types",
                    "q2-test-counts": r"columns of speakers_by_type \(.*\) are not speaker types",
                },
            ),
            Variant(
                "distinct speakers, not statements",
                'speakers_by_type = attributions.groupby(["doc_id", "speaker_type"], '
                'observed=True)["speaker"].nunique().unstack(fill_value=0)',
                fails={
                    "q2-test-counts": r"Some counts are wrong: .*your table says",
                    "q2-test-total": r"counts \d+ of the \d+ attributed statements.*nunique",
                },
            ),
            Variant(
                "empty cells left NaN",
                'speakers_by_type = attributions.groupby(["doc_id", "speaker_type"], '
                "observed=True).size().unstack()",
                fails={"q2-test-counts": r"empty \(NaN\).*fill_value=0"},
            ),
            Variant(
                "the wrong way round",
                'speakers_by_type = attributions.groupby(["doc_id", "speaker_type"], '
                "observed=True).size().unstack(level=0, fill_value=0)",
                fails={"q2-test-shape": r"wrong way round.*\.T"},
            ),
            Variant(
                "not unstacked",
                'speakers_by_type = attributions.groupby(["doc_id", "speaker_type"], '
                "observed=True).size()",
                fails={"q2-test-shape": r"Series with two index levels: unstack"},
            ),
            Variant(
                "doc_id as a column",
                'speakers_by_type = attributions.groupby(["doc_id", "speaker_type"], '
                "observed=True).size().unstack(fill_value=0).reset_index()",
                fails={"q2-test-shape": r"doc_id should be the index .*not a column"},
            ),
            Variant(
                ".count() of every column",
                'speakers_by_type = attributions.groupby(["doc_id", "speaker_type"], observed=True)'
                ".count().unstack(fill_value=0)",
                fails={
                    "q2-test-shape": r"two levels of column names: \.count\(\) counts every column",
                    "q2-test-counts": r"two levels of column names",
                    "q2-test-total": r"two levels of column names",
                },
                sendable=False,
            ),
            Variant(
                "totals kept (margins=True)",
                'speakers_by_type = pd.crosstab(attributions["doc_id"],'
                ' attributions["speaker_type"], margins=True)',
                fails={"q2-test-shape": r"row or column of totals \(All\): leave out margins=True"},
            ),
        ),
    ),
    Question(
        "ps3_framing",
        "q3",
        "ps3-classify-sentences",
        widget=True,
        correct=(
            Variant("checked once", checks=lambda: [LABELS]),
            Variant(
                "a wrong try, then the right labels",
                checks=lambda: [["neutral description"] * 4, LABELS],
            ),
        ),
        near_misses=(
            Variant(
                "never checked",
                checks=lambda: [],
                fails={"q3-test-answered": NONE_RECORDED, "q3-test-labels": NONE_RECORDED},
            ),
            Variant(
                "the writer's label taken for a quote",
                checks=lambda: [[*LABELS[:2], "attributed claim", LABELS[3]]],
                fails={
                    "q3-test-labels": r"3 of 4 sentences are labelled right\. Look again at "
                    r"sentence 3 \(wp_battle\): .*own voice"
                },
            ),
            Variant(
                "one sentence left unlabelled",
                checks=lambda: [[LABELS[0], None, *LABELS[2:]]],
                fails={"q3-test-labels": r"Sentence 2 has no label yet"},
            ),
            Variant(
                "everything neutral",
                checks=lambda: [["neutral description"] * 4],
                fails={"q3-test-labels": r"1 of 4 sentences are labelled right.*sentence 1"},
            ),
        ),
    ),
)

QUESTIONS: tuple[Question, ...] = PS1 + PS2 + PS3


def questions_of(assignment: str) -> tuple[Question, ...]:
    """The questions of one assignment, in notebook order."""
    return tuple(question for question in QUESTIONS if question.assignment == assignment)
