"""Lesson 02 exercises: each accepts its right answer, rejects a wrong one, and reads the data."""

from __future__ import annotations

import pandas as pd

from course import data
from course.lessons import l02_combatants as l02


def test_classify_sides_accepts_the_actors_sides_and_rejects_a_swap():
    """Does the matching accept the actors table's sides and reject two swapped answers?"""
    quiz = l02.classify_sides()
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True
    wrong = list(quiz.answers)
    first = wrong.index("pro-government")
    second = wrong.index("Kurdish forces")
    wrong[first], wrong[second] = wrong[second], wrong[first]
    quiz.value = tuple(wrong)
    assert quiz.submit() is False


def test_classify_sides_answers_come_from_the_actors_table():
    """Is each expected side the readable form of the actor's side in the actors table?"""
    quiz = l02.classify_sides()
    sides = data.actors().set_index("name")["side"].astype(str)
    for name, answer in zip(quiz.items, quiz.answers, strict=True):
        assert l02.SIDE_LABELS[sides[name]] == answer


def test_classify_sides_places_the_kurdish_saladin_brigade_with_the_opposition():
    """Is a Kurdish group that worked with the opposition classed by whom it fought alongside?"""
    quiz = l02.classify_sides()
    answers = dict(zip(quiz.items, quiz.answers, strict=True))
    assert answers["Saladin Ayubi Brigade"] == "opposition"
    quiz.value = tuple(
        "Kurdish forces" if item == "Saladin Ayubi Brigade" else answer
        for item, answer in answers.items()
    )
    assert quiz.submit() is False


def test_hezbollah_range_accepts_the_width_and_rejects_an_end_of_the_range():
    """Is 2,000 (4,000 − 2,000) accepted, and the midpoint or an end of the range refused?"""
    quiz = l02.hezbollah_range_width()
    quiz.value = 2000
    assert quiz.submit() is True
    for wrong in (3000, 4000):
        quiz.value = wrong
        assert quiz.submit() is False


def test_hezbollah_range_prompt_quotes_the_row_it_is_computed_from():
    """Does the question print the range exactly as the figures row quotes the infobox?"""
    row = data.figures().set_index("claim_group").loc["lebanese_hezbollah_strength"]
    printed = f"{int(row['low']):,}–{int(row['high']):,} Lebanese Hezbollah fighters"
    assert printed in row["quote"]
    assert printed in l02.hezbollah_range_width().prompt.value


def test_hezbollah_range_answer_is_high_minus_low_of_its_figures_row():
    """Is the expected answer computed from the figures row for Lebanese Hezbollah?"""
    figures = data.figures()
    row = figures[figures["claim_group"] == "lebanese_hezbollah_strength"].iloc[0]
    assert l02.hezbollah_range_width().answer == row["high"] - row["low"]


def test_c_undefined_accepts_the_approximate_reading_only():
    """Is 'about 8,000, undefined is a template defect' right, and 'unknown' or 'exactly' wrong?"""
    quiz = l02.read_c_undefined()
    quiz.value = quiz.answer
    assert quiz.submit() is True
    for wrong in quiz.options:
        if wrong != quiz.answer:
            quiz.value = wrong
            assert quiz.submit() is False
            assert quiz.feedback != "Not yet. Try again, or press Reset to start over."


def test_opposition_supporters_places_the_six_states_under_supported_by():
    """Are exactly the six 'Supported by' states matched there, and Iran there refused?"""
    quiz = l02.opposition_supporters()
    answers = dict(zip(quiz.items, quiz.answers, strict=True))
    supporter = l02.WHERE_LISTED["supporter"]
    assert {name for name, where in answers.items() if where == supporter} == {
        "Saudi Arabia",
        "Qatar",
        "Turkey",
        "France",
        "United States",
        "United Kingdom",
    }
    assert answers["Iran"] == answers["Russia"] == l02.WHERE_LISTED["government"]
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True
    wrong = [supporter if name == "Iran" else where for name, where in answers.items()]
    quiz.value = tuple(wrong)
    assert quiz.submit() is False
    assert f"match {quiz.items.index('Iran') + 1}" in quiz.feedback


def test_ypg_stances_follow_the_note_in_order_within_the_battle():
    """Are the four YPG stances in the note's order, dated within the battle's dates?"""
    stances = l02.ypg_stances()
    assert list(stances["side"]) == [
        "neutral",
        "semi-allied with the rebels",
        "neutral",
        "semi-allied with the Syrian Army",
    ]
    assert stances["start"].min() == pd.Timestamp("2012-07-19")
    assert stances["end"].max() == pd.Timestamp("2016-12-22")
    assert (stances["start"] <= stances["end"]).all()
    assert stances["start"].is_monotonic_increasing


# What the lesson's text says about the tables, checked against them --------------------------


def test_lesson_text_on_foreign_backing_holds_for_the_tables():
    """Are Iran and Russia combatant states in combatant1 (forces in units1), six supporters?"""
    actors = data.actors().set_index("actor_id")
    infobox = l02._infobox()
    for state, forces in [("iran", "Iranian Armed Forces"), ("russia", "Russian Armed Forces")]:
        row = actors.loc[state]
        assert (row["side"], row["kind"], row["role"]) == ("pro_government", "state", "combatant")
        assert row["name"] in infobox["combatant1"] and forces in infobox["units1"]
    states = actors[actors["kind"] == "state"]
    assert ((states["side"] == "opposition") & (states["role"] == "supporter")).sum() == 6
    assert actors.loc["ypg", "parent_id"] == "pyd"


def test_lesson_text_on_missing_dates_holds_for_the_tables():
    """Do the Kurdish parties, the Syrian Army, the FSA and the supporters lack printed dates?"""
    actors = data.actors()
    parties = actors[
        actors["conflicts"].astype(str).str.contains("2012-2016")
        & actors["role"].isin(["combatant", "supporter"])
    ]
    assert parties.loc[parties["side"] == "kurdish", "involvement"].isna().all()
    supporters = parties[(parties["role"] == "supporter") & (parties["kind"] == "state")]
    assert supporters["involvement"].isna().all()
    named = actors.set_index("actor_id")
    assert named.loc[["syrian_army", "fsa"], "involvement"].isna().all()


def test_lesson_text_on_rebel_strength_and_c_undefined_holds_for_the_tables():
    """Is the article's highest 2012 figure under half the infobox's, and f007 dated to a year?"""
    figures = data.figures().set_index("figure_id")
    infobox, article = figures.loc["f005"], figures.loc["f018"]
    assert infobox["low"] == infobox["high"] == 15000
    assert article["high"] - article["low"] == 1000 and article["high"] < infobox["low"] / 2
    assert figures.loc["f007", "as_of_precision"] == "year" and figures.loc["f007", "approximate"]
