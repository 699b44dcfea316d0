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
