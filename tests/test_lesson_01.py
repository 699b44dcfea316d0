"""Lesson 01 exercises: each accepts its right answer, rejects a wrong one, and reads the data."""

from __future__ import annotations

from course import data
from course.lessons import l01_phases as l01


def test_order_events_accepts_date_order_and_rejects_another():
    """Does the ordering accept the events in date order and reject them reversed?"""
    quiz = l01.order_events()
    quiz.value = tuple(quiz.items)
    assert quiz.submit() is True
    quiz.value = tuple(reversed(quiz.items))
    assert quiz.submit() is False


def test_order_events_follows_the_events_table():
    """Is the expected order the order of the events table's dates, one event per phase?"""
    quiz = l01.order_events()
    events = data.events().set_index("description")
    rows = events.loc[quiz.items]
    assert rows["date"].is_monotonic_increasing
    assert rows["phase_id"].nunique() == len(quiz.items)
    assert set(rows["date_precision"].astype(str)) == {"day"}


def test_order_events_does_not_start_solved():
    """Does the learner start from an order that is not already correct?"""
    quiz = l01.order_events()
    assert quiz.value != tuple(quiz.items)


def test_turning_point_accepts_july_2016_and_rejects_december():
    """Is July 2016 accepted as the end of the stalemate, and the December victory refused?"""
    quiz = l01.pick_turning_point()
    quiz.value = quiz.answer
    assert quiz.submit() is True
    december = next(option for option in quiz.options if option.startswith("22 December 2016"))
    quiz.value = december
    assert quiz.submit() is False
    assert "civil war" in quiz.feedback


def test_turning_point_answer_is_the_supply_line_event():
    """Is the answer built from the events row on the last supply line, dated July 2016?"""
    quiz = l01.pick_turning_point()
    row = data.events().set_index("event_id").loc["ev089"]
    assert quiz.answer == f"July 2016: {row['description']}"
    assert "last rebel supply line" in row["quote"]


def test_turning_point_has_a_hint_for_every_wrong_option_and_a_reasons_box():
    """Does every wrong option explain itself, and is there a box for the learner's reasons?"""
    quiz = l01.pick_turning_point()
    assert set(quiz.hints) == set(quiz.options) - {quiz.answer}
    assert quiz.justify_area is not None


def test_match_phases_accepts_the_events_phases_and_rejects_a_shift():
    """Does the matching accept each event's own phase and reject the phases shifted by one?"""
    quiz = l01.match_phases()
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True
    quiz.value = tuple(quiz.answers[1:] + quiz.answers[:1])
    assert quiz.submit() is False


def test_match_phases_answers_are_phase_names_from_the_tables():
    """Is each answer the name of the phase that the events table gives the event?"""
    quiz = l01.match_phases()
    events = data.events()
    names = dict(zip(data.phases()["phase_id"], data.phases()["name"], strict=True))
    for item, answer in zip(quiz.items, quiz.answers, strict=True):
        description = item.split(": ", 1)[1]
        phase_id = events.loc[events["description"] == description, "phase_id"].item()
        assert names[phase_id] == answer


def test_ceasefire_blame_accepts_each_speakers_side_and_names_a_wrong_one():
    """Are Erdogan and Shamy matched to blaming the government, and does a slip name its item?"""
    quiz = l01.ceasefire_blame()
    answers = dict(zip(quiz.items, quiz.answers, strict=True))
    government = l01.BLAME_CHOICES["the Syrian government"]
    assert [item for item, whom in answers.items() if whom == government] == [
        "Turkish President Recep Tayyip Erdogan",
        "Activist Lina Shamy, in a video from the rebel enclave",
    ]
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True
    russian = next(i for i, item in enumerate(quiz.items) if "Russian Defence Ministry" in item)
    wrong = list(quiz.answers)
    wrong[russian] = government
    quiz.value = tuple(wrong)
    assert quiz.submit() is False
    assert f"match {russian + 1}" in quiz.feedback


def test_ceasefire_blame_speakers_are_the_attribution_rows_speakers():
    """Is every speaker of the exercise the speaker of the attributions row it rests on?"""
    attributions = data.attributions().set_index("attribution_id")
    for event_id, (attribution_id, _, _) in l01._BLAME.items():
        assert attributions.loc[attribution_id, "speaker"] in l01._SPEAKERS[event_id]
        assert attributions.loc[attribution_id, "doc_id"] == "bbc_live"


# What the lesson's text says about the tables, checked against them --------------------------


def test_lesson_text_on_overlapping_2016_phases_holds_for_the_phase_table():
    """Does the offensive start before the siege phase ends, and the last phase before it ends?"""
    phases = data.phases().set_index("phase_id")
    siege, offensive, last = (
        phases.loc[p] for p in ["y2016_siege", "y2016_rebel_offensive", "y2016_fall"]
    )
    assert offensive["start"] < siege["end"] and last["start"] < offensive["end"]


def test_lesson_text_on_the_siege_in_summer_2016_holds_for_the_events_table():
    """Was the siege closed in July 2016, announced broken in August, re-imposed on 4 September?"""
    events = data.events().set_index("event_id")
    assert f"{events.loc['ev089', 'date']:%Y-%m}" == "2016-07"
    assert f"{events.loc['ev092', 'date']:%Y-%m}" == "2016-08"
    assert "announced" in events.loc["ev092", "quote"]
    assert f"{events.loc['ev095', 'date']:%Y-%m-%d}" == "2016-09-04"


def test_lesson_text_on_loose_and_exact_matching_holds_for_the_events_table():
    """Does a loose match on 'russia' find rows that an exact match on the id list does not?"""
    actors = data.events()["actors"]
    loose = actors.str.contains("russia")
    exact = actors.str.split(";").map(lambda ids: "russia" in ids)
    assert (loose & ~exact).any()
