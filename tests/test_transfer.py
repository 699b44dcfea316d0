"""Answers as data: what crosses from the student's kernel to the checker, and what cannot.

``course.grading.transfer`` encodes a student's named values as JSON (never pickle) and the
checker rebuilds them; ``course.grading.names`` decides which names a test cell asks for.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest

from course import data
from course.grading.names import names_from_user, names_read
from course.grading.transfer import TransferError, Unreadable, decode, export, load_payload


def _roundtrip(value: object, name: str = "answer") -> object:
    text = export([name], namespace={name: value}).text
    json.loads(text)  # plain JSON (NaN aside), nothing else
    return load_payload(text)[name]


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return data.events()


def test_dataframe_keeps_index_dtypes_and_values(events):
    """Does a filtered, sorted events table arrive with its index, dtypes and values intact?"""
    siege = events[events["phase_id"] == "y2016_siege"].sort_values("date")
    back = _roundtrip(siege)
    pd.testing.assert_frame_equal(back, siege, check_exact=True)
    assert list(back.index) == list(siege.index)  # the original row labels, not 0..n


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({1: [1, 2], 2: [3.5, np.nan]}),
        pd.DataFrame({"t": pd.date_range("2016-07-01", periods=3, tz="Asia/Damascus")}),
        pd.DataFrame({"d": pd.to_timedelta([1, 2], unit="D")}),
        pd.DataFrame(
            {"n": pd.array([1, None], dtype="Int64"), "b": pd.array([True, None], "boolean")}
        ),
        pd.DataFrame({"s": ["rebels", None], "o": pd.Series([[1, 2], {"a": 1}], dtype=object)}),
        pd.DataFrame(
            {"x": [1, 2]}, index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", "n"])
        ),
        pd.DataFrame(columns=["a", "b"]),
    ],
    ids=[
        "int-columns",
        "time-zone",
        "durations",
        "nullable",
        "strings-objects",
        "multiindex",
        "empty",
    ],
)
def test_awkward_frames_round_trip(frame):
    """Do frames with non-string columns, zones, durations, nullables or a MultiIndex survive?"""
    pd.testing.assert_frame_equal(_roundtrip(frame), frame, check_exact=True)


def test_grouped_counts_and_categorical_columns_round_trip(events):
    """Do a groupby Series and an unstacked table with categorical columns arrive unchanged?"""
    counts = events.groupby("phase_id").size()
    pd.testing.assert_series_equal(_roundtrip(counts), counts, check_exact=True)
    attributions = data.attributions()
    table = (
        attributions.groupby(["doc_id", "speaker_type"], observed=True).size().unstack(fill_value=0)
    )
    pd.testing.assert_frame_equal(_roundtrip(table), table, check_exact=True)
    spans = events.groupby("phase_id").agg({"date": ["min", "max"]})  # MultiIndex columns
    pd.testing.assert_frame_equal(_roundtrip(spans), spans, check_exact=True)


def test_plotly_figure_arrives_as_a_figure_with_the_same_numbers(events):
    """Is a px bar chart rebuilt as a go.Figure whose bars still add up (no int8 overflow)?"""
    counts = events.groupby("phase_id").size()
    fig = px.bar(x=counts.index, y=counts.values, title="Events", labels={"x": "Phase", "y": "N"})
    back = _roundtrip(fig)
    assert isinstance(back, go.Figure)
    assert back.layout.title.text == "Events" and back.layout.xaxis.title.text == "Phase"
    bars = [trace for trace in back.data if trace.type == "bar"][0]
    assert int(sum(bars.y)) == len(events)  # plotly's JSON stores these counts as int8
    assert list(bars.x) == list(counts.index)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        7,
        2**80,
        2.5,
        float("inf"),
        "Aleppo",
        [1, "two", None],
        (1, 2),
        {"a": 1, 2: "b", "$tuple": 3},
        {1, 2},
        frozenset({3}),
        range(3),
        b"\x00\xff",
        1 + 2j,
        decimal.Decimal("1.10"),
        dt.date(2016, 12, 22),
        dt.datetime(2016, 12, 22, 10, 30),
        dt.timedelta(days=2),
        pd.Timestamp("2016-12-22", tz="UTC"),
        pd.Timedelta("3h"),
        np.int64(163),
        np.float32(0.5),
        np.bool_(True),
        np.array([[1, 2], [3, 4]]),
        np.array(["a", "bc"]),
        pd.Index(["x", "y"], name="doc_id"),
    ],
    ids=repr,
)
def test_scalars_and_containers_keep_their_type(value):
    """Does each plain value arrive equal to itself and of the same type?"""
    back = _roundtrip(value)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and (back == value).all()
    elif isinstance(value, pd.Index):
        pd.testing.assert_index_equal(back, value, exact=True)
    else:
        assert back == value


def test_missing_values_stay_missing():
    """Do NaN, NaT and NA arrive as themselves?"""
    assert np.isnan(_roundtrip(float("nan")))
    assert _roundtrip(pd.NaT) is pd.NaT
    assert _roundtrip(pd.NA) is pd.NA


def test_an_undefined_name_is_left_undefined():
    """Is a name the student never defined absent, so the check sees a NameError as before?"""
    text = export(["siege_events"], namespace={}).text
    assert load_payload(text) == {}


class _Figure:
    """Stands for a matplotlib figure (matplotlib is not a course dependency)."""


_Figure.__module__ = "matplotlib.figure"
_Figure.__qualname__ = "Figure"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (lambda rows: rows, "function"),
        (_Figure(), "plotly express"),
        (np, "module"),
        ((i for i in range(3)), "generator"),
        (open, "builtin_function_or_method"),
    ],
    ids=["lambda", "matplotlib", "module", "generator", "builtin"],
)
def test_what_is_not_data_is_unreadable_with_a_plain_reason(value, words):
    """Is a function, module or matplotlib figure refused with a reason a student can act on?"""
    back = _roundtrip(value, "fig")
    assert isinstance(back, Unreadable)
    assert words in back.message and "`fig`" in back.message


def test_an_oversized_answer_is_refused_without_sending_it():
    """Is an answer over the size limit refused with its size, while small ones still go?"""
    big = pd.DataFrame({"x": np.arange(400_000)})
    text = export(["big", "small"], max_bytes=1_000_000, namespace={"big": big, "small": 3}).text
    assert len(text) < 10_000
    values = load_payload(text, max_bytes=1_000_000)
    assert isinstance(values["big"], Unreadable) and "too big" in values["big"].reason
    assert values["small"] == 3


def test_a_payload_over_the_limit_is_rejected_whole():
    """Does the checker refuse a payload bigger than its limit before parsing it?"""
    with pytest.raises(TransferError, match="too big"):
        load_payload("x" * 2000, max_bytes=1000)


def test_nesting_and_self_reference_are_refused():
    """Are deeply nested and self-containing lists refused instead of crashing the kernel?"""
    loop: list = []
    loop.append(loop)
    assert isinstance(_roundtrip(loop), Unreadable)


@pytest.mark.parametrize(
    "forged",
    [
        {"$frame": {"index": {"range": [0, 2, 1]}, "columns": {"range": [0, 1, 1]}, "data": []}},
        {
            "$series": {
                "index": {"range": [0, 1, 1]},
                "values": {"dtype": "V99999999", "values": []},
            }
        },
        {
            "$series": {
                "index": {"range": [0, 1, 1]},
                "values": {
                    "dtype": "category",
                    "codes": [9],
                    "ordered": False,
                    "categories": {"values": {"dtype": "int64", "values": [1]}},
                },
            }
        },
        {"$ndarray": {"shape": [10**9, 10**9], "values": {"dtype": "int64", "values": [1]}}},
        {"$pickle": "gASVAAAAAAAAAAA="},
        {"$tuple": 5},
        {"a": 1, "b": 2},
    ],
    ids=["shape", "void-dtype", "bad-codes", "huge-shape", "pickle", "bad-tuple", "two-keys"],
)
def test_forged_payloads_fail_cleanly_in_the_checker(forged):
    """Does a hand-made payload with bad shapes, dtypes or tags fail as unreadable, not crash?"""
    with pytest.raises(TransferError):
        decode(forged)
    text = json.dumps({"format": "course-answers/1", "values": {"fig": forged}})
    assert isinstance(load_payload(text)["fig"], Unreadable)


# ---------------------------------------------------------------------------------------------
# Which names a test cell reads


def test_names_are_the_free_names_of_the_test_code():
    """Are names bound in the cell, builtins and trusted names left out, in first-use order?"""
    source = (
        'expected = events["phase_id"].value_counts()\n'
        "expect({str(k): int(v) for k, v in phase_counts.items()} == dict(expected), 'x')\n"
        "bars = [t for t in fig.data if t.type == 'bar']\n"
    )
    assert names_read(source)[:3] == ["events", "expect", "str"]
    trusted = {"events", "expect", "pd"}
    assert names_from_user(source, trusted) == ["phase_counts", "fig"]


def test_names_from_user_override_replaces_the_derived_names():
    """Does a names_from_user override from the source notebook replace the analysis?"""
    assert names_from_user("expect(eval('answer') == 3, 'x')", {"expect"}, ["answer"]) == ["answer"]
    # even an override cannot ask the student for a trusted name or a builtin
    assert names_from_user("", {"expect"}, ["expect", "len", "answer"]) == ["answer"]


def test_magics_and_bad_code_do_not_break_the_analysis():
    """Are IPython magics understood, and does a cell that is not Python ask for nothing?"""
    assert names_from_user("%matplotlib inline\nexpect(fig, 'x')", {"expect"}) == ["fig"]
    assert names_from_user("this is not python (", set()) == []
