"""The one reader of answers saved in a notebook's widget state (``course.records``)."""

from __future__ import annotations

import json

from course import records


def _record(exercise_id: str, value: object, recorded_at: str) -> dict:
    return {
        "exercise_id": exercise_id,
        "kind": "test",
        "value": value,
        "correct": None,
        "attempts": 1,
        "justification": "",
        "recorded_at": recorded_at,
    }


def _notebook(*tokens: str) -> dict:
    state = {
        f"model-{number}": {"model_name": "VBoxModel", "state": {"answer_record": token}}
        for number, token in enumerate(tokens)
    }
    return {"metadata": {"widgets": {records.WIDGET_STATE: {"state": state}}}, "cells": []}


def test_the_latest_checked_record_wins_whatever_its_place_in_the_state():
    """Does the record with the latest recorded_at win, not the one saved last?"""
    newer = records.sign(_record("q", "second", "2026-11-30T10:05:00+00:00"))
    older = records.sign(_record("q", "first", "2026-11-30T10:00:00+00:00"))
    assert records.saved_records(_notebook(newer, older))["q"]["value"] == "second"
    assert records.saved_records(_notebook(older, newer))["q"]["value"] == "second"


def test_an_edited_record_is_reported_as_tampered_unless_a_valid_one_exists():
    """Is an edited record marked tampered, and does a valid record of the same question win?"""
    good = records.sign(_record("q", "right", "2026-11-30T10:00:00+00:00"))
    envelope = json.loads(good)
    envelope["record"]["value"] = "forged"
    edited = json.dumps(envelope)
    assert records.saved_records(_notebook(edited))["q"]["status"] == "tampered"
    assert records.saved_records(_notebook(edited, good))["q"]["value"] == "right"
    assert records.saved_records(_notebook(good, edited))["q"]["value"] == "right"


def test_a_notebook_without_widget_state_or_with_junk_has_no_records():
    """Do missing, empty or malformed widget states give no records instead of an error?"""
    assert records.saved_records({"metadata": {}, "cells": []}) == {}
    assert records.saved_records({"metadata": {"widgets": "junk"}}) == {}
    junk = {"metadata": {"widgets": {records.WIDGET_STATE: {"state": {"m": 5, "n": {"state": 3}}}}}}
    assert records.saved_records(junk) == {}
    assert records.saved_records(_notebook("not json"))["unknown"]["status"] == "tampered"


# Every place a record is kept, and the latest-record-wins rule across them ------------------


def _output_cell(token: str) -> dict:
    """A code cell whose record output is kept as JupyterLab saves outputs."""
    data = {records.RECORD_MIME: {"exercise_id": "q", "answer_record": token}, "text/plain": ""}
    return {
        "cell_type": "code",
        "source": "quiz",
        "metadata": {},
        "outputs": [{"output_type": "display_data", "data": data, "metadata": {}}],
    }


def test_records_are_read_from_outputs_and_metadata_as_well_as_widget_state():
    """Is a record found in a cell output alone, and in the grader's metadata alone?"""
    token = records.sign(_record("q", "in output", "2026-11-30T10:00:00+00:00"))
    in_output = {"metadata": {}, "cells": [_output_cell(token)]}
    assert records.saved_records(in_output)["q"]["value"] == "in output"
    in_metadata = {"metadata": {records.METADATA_KEY: {"answer_records": [token]}}, "cells": []}
    assert records.saved_records(in_metadata)["q"]["value"] == "in output"


def test_the_latest_record_wins_across_places_to_the_microsecond():
    """Do two checks in the same second order by microseconds, whichever place holds each?"""
    first = records.sign(_record("q", "first", "2026-11-30T10:00:00.100000+00:00"))
    second = records.sign(_record("q", "second", "2026-11-30T10:00:00.200000+00:00"))
    notebook = _notebook(second)
    notebook["cells"] = [_output_cell(first)]
    assert records.saved_records(notebook)["q"]["value"] == "second"
    notebook = _notebook(first)
    notebook["cells"] = [_output_cell(second)]
    assert records.saved_records(notebook)["q"]["value"] == "second"


def test_timestamps_are_strictly_increasing():
    """Does every call give a later recorded_at, even many calls within one microsecond?"""
    stamps = [records.timestamp() for _ in range(2000)]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert "." in stamps[0]  # microseconds


def test_a_reset_record_hides_older_answers_but_not_newer_ones():
    """Does a cleared record make the question unanswered, until a later check?"""
    answer = records.sign(_record("q", "a", "2026-11-30T10:00:00+00:00"))
    cleared = records.sign({**_record("q", None, "2026-11-30T10:01:00+00:00"), "cleared": True})
    again = records.sign(_record("q", "b", "2026-11-30T10:02:00+00:00"))
    assert records.saved_records(_notebook(answer, cleared)) == {}
    assert records.saved_records(_notebook(again, cleared, answer))["q"]["value"] == "b"
