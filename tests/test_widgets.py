"""Exercise widgets, driven from code exactly as a mouse or keyboard would drive them."""

from __future__ import annotations

import json

import pytest
import traitlets

from course import records
from course.widgets import (
    Matching,
    MultipleChoice,
    MultiSelect,
    NumericAnswer,
    Ordering,
    SentenceClassifier,
    parse_number,
    read_number,
)


def _choice():
    return MultipleChoice(
        "mc",
        "When did the siege close?",
        ["February 2016", "July 2016"],
        "July 2016",
        explanation="The last supply line was cut in July.",
        hints={"February 2016": "That cut the northern route only."},
    )


def _multi():
    return MultiSelect(
        "ms", "Which backed the government?", ["Russia", "Iran", "Qatar"], ["Russia", "Iran"]
    )


def _order():
    return Ordering("or", "Put in order", ["2012", "2014", "2016"])


def _classify():
    return SentenceClassifier(
        "cl",
        "Label",
        ["A said X.", "The regime fell."],
        ["attributed", "loaded"],
        ["attributed", "loaded"],
    )


def _match():
    return Matching("ma", "Match", {"Hezbollah": "pro-government", "Fatah Halab": "opposition"})


def _numeric():
    return NumericAnswer("nu", "Midpoint of 2,000–4,000?", 3000, tolerance=0, unit="fighters")


# (factory, a right value, a wrong value)
CASES = [
    (_choice, "July 2016", "February 2016"),
    (_multi, ("Russia", "Iran"), ("Russia", "Qatar")),
    (_order, ("2012", "2014", "2016"), ("2016", "2014", "2012")),
    (_classify, ("attributed", "loaded"), ("loaded", "loaded")),
    (_match, ("pro-government", "opposition"), ("opposition", "opposition")),
    (_numeric, 3000.0, 2500.0),
]
IDS = ["choice", "multi", "order", "classify", "match", "numeric"]


@pytest.mark.parametrize(("factory", "right", "wrong"), CASES, ids=IDS)
def test_right_answer_is_marked_correct(factory, right, wrong):
    """Does setting a right value and submitting give 'Correct.' feedback?"""
    quiz = factory()
    quiz.value = right
    assert quiz.submit() is True
    assert quiz.correct is True
    assert quiz.feedback.startswith("Correct.")
    assert "Correct." in quiz.feedback_area.text


@pytest.mark.parametrize(("factory", "right", "wrong"), CASES, ids=IDS)
def test_wrong_answer_gets_feedback_and_can_be_retried(factory, right, wrong):
    """Does a wrong answer say 'Not yet.', and does a retry then succeed?"""
    quiz = factory()
    quiz.value = wrong
    assert quiz.submit() is False
    assert quiz.feedback.startswith("Not yet.")
    assert "✘" in quiz.feedback_area.text  # a symbol and words, not colour alone
    quiz.value = right
    assert quiz.submit() is True
    assert quiz.attempts == 2


@pytest.mark.parametrize(("factory", "right", "wrong"), CASES, ids=IDS)
def test_reset_clears_answer_and_feedback(factory, right, wrong):
    """Does Reset clear the answer and the verdict, and replace the feedback with a plain note?"""
    quiz = factory()
    quiz.value = right
    quiz.submit()
    quiz.reset_button.click()
    assert quiz.correct is None
    assert quiz.feedback.startswith("Your answer is cleared")
    assert quiz.value == quiz._empty_value()


@pytest.mark.parametrize(("factory", "right", "wrong"), CASES, ids=IDS)
def test_check_button_click_behaves_like_submit(factory, right, wrong):
    """Is clicking Check exactly the same as calling submit()?"""
    by_code, by_click = factory(), factory()
    by_code.value = by_click.value = wrong
    by_code.submit()
    by_click.check_button.click()
    assert (by_code.correct, by_code.feedback, by_code.attempts) == (
        by_click.correct,
        by_click.feedback,
        by_click.attempts,
    )


@pytest.mark.parametrize(("factory", "right", "wrong"), CASES, ids=IDS)
def test_answer_record_is_json_and_complete(factory, right, wrong):
    """Does the answer record carry id, kind, value, verdict and attempts, as JSON?"""
    quiz = factory()
    quiz.value = right
    quiz.submit()
    record = json.loads(json.dumps(quiz.record()))
    assert record["exercise_id"] == quiz.exercise_id
    assert record["kind"] == quiz.kind
    assert record["correct"] is True and record["attempts"] == 1
    assert record["value"] == (list(right) if isinstance(right, tuple) else right)


def test_submitting_nothing_asks_for_an_answer():
    """Does Check with no answer prompt the learner instead of marking it wrong?"""
    quiz = _choice()
    assert quiz.submit() is None
    assert quiz.attempts == 0
    assert "Choose an answer first" in quiz.feedback


def test_hint_explains_a_specific_wrong_option():
    """Does a wrong option's hint appear in the feedback?"""
    quiz = _choice()
    quiz.value = "February 2016"
    quiz.submit()
    assert "northern route" in quiz.feedback


def test_option_buttons_set_value_like_a_click_or_keypress():
    """Does choosing an option button (click, or Space on it) update value, and vice versa?"""
    quiz = _choice()
    quiz.control.value = "July 2016"
    assert quiz.value == "July 2016"
    quiz.value = "February 2016"
    assert quiz.control.value == "February 2016"


def test_ticking_checkboxes_sets_value_in_option_order():
    """Does ticking boxes (Space on each) give the ticked options in listed order?"""
    quiz = _multi()
    quiz.boxes[1].value = True
    quiz.boxes[0].value = True
    assert quiz.value == ("Russia", "Iran")
    quiz.value = ("Qatar",)
    assert [box.value for box in quiz.boxes] == [False, False, True]


def test_up_and_down_buttons_reorder_items():
    """Do each item's Up and Down buttons (Enter on them) move that item?"""
    quiz = Ordering("or", "Order", ["a", "b", "c"], start=["c", "a", "b"])
    quiz.down_buttons[0].click()
    quiz.down_buttons[1].click()
    assert quiz.value == ("a", "b", "c")
    assert quiz.submit() is True
    quiz.up_buttons[2].click()
    assert quiz.value == ("a", "c", "b")
    assert quiz.up_buttons[0].disabled  # nothing above the first item
    assert quiz.down_buttons[2].disabled


def test_moving_an_item_keeps_the_rows_and_moves_focus_with_the_item(monkeypatch):
    """Are the rows updated in place, and does focus follow the moved item to its new row?"""
    quiz = Ordering("or-focus", "Order", ["a", "b", "c", "d"], start=["a", "b", "c", "d"])
    rows = [id(row) for row in quiz.rows.children]
    focused = []
    monkeypatch.setattr(type(quiz.up_buttons[0]), "focus", lambda self: focused.append(self))
    quiz.up_buttons[2].click()  # "c" moves from place 3 to place 2
    assert quiz.value == ("a", "c", "b", "d")
    assert [id(row) for row in quiz.rows.children] == rows  # no row was rebuilt
    assert focused == [quiz.up_buttons[1]]  # the Up button now beside "c"
    assert "c" in quiz.labels[1].value and "Move up: c" in quiz.up_buttons[1].tooltip
    quiz.up_buttons[1].click()  # "c" reaches the top, where Up is disabled
    assert focused[-1] is quiz.down_buttons[0]
    quiz.down_buttons[2].click()  # "b" moves to the bottom, where Down is disabled
    assert focused[-1] is quiz.up_buttons[3]


def test_every_ordering_button_is_named_by_its_item():
    """Does each Up and Down button's accessible name (its tooltip) say which item it moves?"""
    quiz = Ordering("or-names", "Order", ["first event", "second event"], start=None)
    for position, item in enumerate(quiz.value):
        assert quiz.up_buttons[position].description == ""  # an arrow: the tooltip names it
        assert quiz.up_buttons[position].tooltip.startswith(f"Move up: {item}")
        assert quiz.down_buttons[position].tooltip.startswith(f"Move down: {item}")


def test_ordering_never_starts_solved():
    """Does the default start order differ from the answer?"""
    for exercise_id in ["a", "b", "c", "d", "e"]:
        quiz = Ordering(exercise_id, "Order", ["1", "2"])
        assert quiz.value != ("1", "2")


def test_dropdowns_set_one_choice_per_sentence():
    """Does choosing from each sentence's dropdown build the value tuple?"""
    quiz = _classify()
    quiz.dropdowns[1].value = "loaded"
    assert quiz.value == (None, "loaded")
    quiz.dropdowns[0].value = "attributed"
    assert quiz.submit() is True


def test_partly_right_classification_names_the_sentences_to_revisit():
    """Does the feedback say which sentences to look at again?"""
    quiz = _classify()
    quiz.value = ("loaded", "loaded")
    quiz.submit()
    assert "1 of 2 right" in quiz.feedback and "sentence 1" in quiz.feedback


# What a wrong answer's feedback names: a hint first, the items themselves from the second try


def _four_backers(**hints):
    return MultiSelect(
        "ms-names",
        "Which backed the government?",
        ["Russia", "Iran", "Qatar", "Hezbollah", "Turkey"],
        ["Russia", "Iran", "Hezbollah"],
        **hints,
    )


def test_a_first_wrong_tick_gives_counts_and_the_second_names_what_is_missing_and_extra():
    """Does the first wrong Check give counts only, and the second name each option?"""
    quiz = _four_backers()
    quiz.value = ("Russia", "Qatar")
    assert quiz.submit() is False
    first = quiz.feedback
    assert "You found 1 of 3." in first and "1 of your choices does not belong." in first
    assert not any(name in first for name in ["Iran", "Hezbollah", "Qatar"])
    assert quiz.submit() is False
    assert "'Qatar' does not belong." in quiz.feedback
    assert "You left out 'Iran' and 'Hezbollah'." in quiz.feedback


def test_missing_kinds_are_named_first_and_the_option_itself_after():
    """With missing_kind, does the first try name the kind (counted) and the second the option?"""
    quiz = _four_backers(
        missing_kind={"Iran": "a state", "Russia": "a state", "Hezbollah": "an armed group"},
        extra_hints={"Turkey": "it backed rebel forces."},
    )
    quiz.value = ("Hezbollah", "Turkey")
    assert quiz.submit() is False
    assert "You left out a state (2 of them)." in quiz.feedback
    assert "'Turkey' does not belong: it backed rebel forces." in quiz.feedback  # at once
    assert "Russia" not in quiz.feedback and "Iran" not in quiz.feedback
    assert quiz.submit() is False
    assert "You left out 'Russia': a state." in quiz.feedback
    assert "You left out 'Iran': a state." in quiz.feedback


def test_hints_for_options_that_cannot_be_missed_or_extra_are_refused():
    """Is a kind for a wrong option, or a reason for a right one, refused at creation?"""
    with pytest.raises(ValueError, match="Qatar"):
        _four_backers(missing_kind={"Qatar": "a state"})
    with pytest.raises(ValueError, match="Russia"):
        _four_backers(extra_hints={"Russia": "no"})


def test_an_ordering_names_the_first_item_out_of_place_from_the_second_try():
    """Does the first wrong order give a count, and the second the first item out of place?"""
    quiz = Ordering("or-names", "Order", ["2012", "2013", "2014", "2016"])
    quiz.value = ("2012", "2014", "2013", "2016")
    assert quiz.submit() is False
    assert "2 of 4 are in the right place." in quiz.feedback and "'2014'" not in quiz.feedback
    assert quiz.submit() is False
    assert "Place 1 is right." in quiz.feedback
    assert "The first one out of place is '2014', now in place 2" in quiz.feedback


def test_an_ordering_upside_down_is_told_so():
    """Is the right order reversed (latest first) recognised as such?"""
    quiz = Ordering("or-rev", "Order", ["2012", "2014", "2016"])
    quiz.value = ("2016", "2014", "2012")
    assert quiz.submit() is False
    assert "upside down" in quiz.feedback


def test_a_right_check_between_two_wrong_ones_does_not_reset_the_count():
    """Is it the number of wrong Checks, not of Checks, that lets the feedback name items?"""
    quiz = _four_backers()
    quiz.value = ("Russia", "Iran", "Hezbollah")
    assert quiz.submit() is True
    quiz.value = ("Russia", "Iran")
    assert quiz.submit() is False
    assert "Hezbollah" not in quiz.feedback  # the first wrong Check: a hint
    assert quiz.submit() is False
    assert "You left out 'Hezbollah'." in quiz.feedback


@pytest.mark.parametrize(
    "factory",
    [
        lambda: MultiSelect("g-ms", "Q", ["a", "b", "c"], graded=True),
        lambda: Ordering("g-or", "Q", ["a", "b", "c"], graded=True),
    ],
    ids=["multi", "order"],
)
def test_a_graded_exercise_names_nothing_however_often_it_is_checked(factory):
    """In an assignment, do repeated Checks only record, never judge or name an item?"""
    quiz = factory()
    quiz.value = ("b",) if isinstance(quiz, MultiSelect) else ("c", "b", "a")
    for _ in range(3):
        assert quiz.submit() is None
        assert quiz.feedback.startswith("Answer recorded.")
        assert "'" not in quiz.feedback and "place" not in quiz.feedback
    assert quiz.wrong_checks == 0 and quiz.correct is None


def test_typed_number_with_thousands_separators_is_read():
    """Is '3 000' or '3,000,000'-style grouping typed in the box read as a number?"""
    quiz = _numeric()
    quiz.box.value = "3 000"
    assert quiz.value == 3000.0
    assert quiz.submit() is True


def test_a_decimal_comma_is_read_as_a_decimal():
    """Is '11,4' read as 11.4 (not 114), and checked as such?"""
    quiz = NumericAnswer("nu-dec", "Share in percent?", 11.4, tolerance=0.05)
    quiz.box.value = "11,4"
    assert quiz.value == 11.4
    assert quiz.submit() is True


@pytest.mark.parametrize(("text", "small", "large"), [("2.000", 2, 2000), ("3,000", 3, 3000)])
def test_an_ambiguous_number_is_asked_about_not_guessed(text, small, large):
    """Does '2.000' lead to a question with both readings instead of a guess and a verdict?"""
    quiz = _numeric()
    quiz.box.value = text
    assert quiz.value is None
    assert quiz.submit() is None and quiz.attempts == 0  # no verdict on a guess
    assert f"could mean {small} or {large}" in quiz.feedback
    assert quiz.meaning.layout.display != "none"
    assert [value for _, value in quiz.meaning.options] == [small, large]
    quiz.meaning.value = float(large)  # the learner answers the question (Tab, Space)
    assert quiz.value == large and quiz.meaning.layout.display == "none"
    assert quiz.submit() is (large == 3000)


def test_text_that_is_not_a_number_is_explained():
    """Does typing words in a number box explain what to type?"""
    quiz = _numeric()
    quiz.box.value = "three thousand"
    assert quiz.submit() is None
    assert "not a number" in quiz.feedback


@pytest.mark.parametrize(
    ("text", "number"),
    [
        (" 4.5 ", 4.5),
        ("-3", -3.0),
        ("1 500", 1500.0),
        ("2500", 2500.0),
        ("11,4", 11.4),
        ("0,5", 0.5),
        ("0,500", 0.5),
        ("1234,567", 1234.567),
        ("1,500,000", 1500000.0),
        ("1.500.000", 1500000.0),
        ("1,500.5", 1500.5),
        ("1.500,5", 1500.5),
        ("\u22122,5", -2.5),
        ("2,500", None),  # ambiguous: 2.5 or 2500
        ("2.000", None),  # ambiguous: 2 or 2000
        ("1,50,0", None),
        ("1.2.3", None),
        ("abc", None),
        ("", None),
    ],
)
def test_parse_number(text, number):
    """Are decimal commas and thousands separators read, and junk and ambiguity refused?"""
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["2.000", "1,500", "999,999", "-7.250"])
def test_read_number_offers_both_readings_of_an_ambiguous_number(text):
    """Does one separator before exactly three digits give both readings, smaller first?"""
    reading = read_number(text)
    assert reading.value is None and reading.ambiguous
    (small, _), (large, _) = reading.choices
    assert abs(large) == pytest.approx(abs(small) * 1000)


@pytest.mark.parametrize(
    ("factory", "bad"),
    [
        (_choice, "March 2016"),
        (_multi, ("Russia", "China")),
        (_order, ("2012", "2014")),
        (_classify, ("attributed",)),
        (_numeric, "lots"),
    ],
    ids=["choice", "multi", "order", "classify", "numeric"],
)
def test_impossible_values_are_refused(factory, bad):
    """Does setting a value that is not a possible answer raise a clear error?"""
    with pytest.raises(traitlets.TraitError):
        factory().value = bad


def test_misconfigured_exercise_fails_at_creation():
    """Does an answer that is not among the options fail when the lesson is built?"""
    with pytest.raises(ValueError, match="not one of the options"):
        MultipleChoice("x", "Q", ["a", "b"], "c")


def test_graded_mode_records_without_knowing_the_answer():
    """In an assignment, does Check record a signed answer without judging it?"""
    quiz = MultipleChoice("g", "Q", ["a", "b"], graded=True)
    quiz.value = "a"
    assert quiz.submit() is None
    assert "recorded" in quiz.feedback.lower()
    assert "Not yet" not in quiz.feedback and "Correct" not in quiz.feedback
    assert quiz.correct is None
    record = records.verify(quiz.answer_record)
    assert record["value"] == "a" and record["correct"] is None


@pytest.mark.parametrize(
    "factory",
    [
        lambda: MultipleChoice("u1", "Q", ["a", "b"]),
        lambda: MultiSelect("u2", "Q", ["a", "b"]),
        lambda: SentenceClassifier("u3", "Q", ["s"], ["x", "y"]),
        lambda: NumericAnswer("u4", "Q"),
    ],
    ids=["choice", "multi", "classify", "numeric"],
)
def test_ungraded_exercise_without_an_answer_is_refused(factory):
    """Does a lesson exercise that forgot its answer fail when it is built?"""
    with pytest.raises(ValueError, match="needs its answer"):
        factory()


def test_answer_record_is_synced_so_jupyterlab_saves_it():
    """Is the signed record part of the widget state that JupyterLab writes into the file?"""
    quiz = _choice()
    quiz.value = "July 2016"
    quiz.submit()
    state = quiz.get_state()
    assert records.verify(state["answer_record"])["value"] == "July 2016"
    quiz.reset()
    cleared = records.verify(quiz.get_state()["answer_record"])
    assert cleared["cleared"] is True and cleared["value"] is None


def test_reset_says_it_clears_the_saved_answer_and_outranks_older_records():
    """Does Reset say it clears the saved answer, and does its record beat the older answer?"""
    quiz = MultipleChoice("reset-saved", "Q", ["a", "b"], graded=True)
    quiz.value = "a"
    quiz.submit()
    older = quiz.answer_record
    quiz.reset_button.click()
    assert "saved in this notebook" in quiz.feedback and "unanswered" in quiz.feedback
    assert "saved in this notebook" in quiz.reset_button.tooltip
    notebook = {"cells": [], "metadata": {}}
    notebook["metadata"][records.METADATA_KEY] = {"answer_records": [quiz.answer_record, older]}
    assert records.saved_records(notebook) == {}
    assert records.recorded_answer("reset-saved", folder=".") is None


def test_feedback_lives_in_one_persistent_status_region():
    """Is feedback the text of one role=status element that is created once, not new HTML?"""
    quiz = _choice()
    region = quiz.feedback_area
    quiz.value = "February 2016"
    quiz.submit()
    quiz.submit()
    assert quiz.feedback_area is region and region.serial == 2  # same widget, announced twice
    assert 'setAttribute("role", "status")' in region._esm
    assert 'setAttribute("aria-live", "polite")' in region._esm
    assert "textContent" in region._esm and "innerHTML" not in region._esm


def test_typing_into_a_list_is_kept_from_jupyterlab_shortcuts():
    """Do the exercise's lists ask Lumino to leave their keys alone (type-ahead, arrows)?"""
    esm = _classify().feedback_area._esm
    assert 'setAttribute("data-lm-suppress-shortcuts", "true")' in esm
    assert "HTMLSelectElement" in esm


def test_dropdowns_are_named_by_their_items_full_text():
    """Is each dropdown's label (its accessible name) the full text of its sentence or item?"""
    quiz = _classify()
    assert [d.description for d in quiz.dropdowns] == ["1. A said X.", "2. The regime fell."]
    match = _match()
    assert [d.description for d in match.dropdowns] == ["1. Hezbollah", "2. Fatah Halab"]


def test_edited_record_fails_verification():
    """Does changing the saved answer by hand break the signature?"""
    quiz = MultipleChoice("t", "Q", ["a", "b"], graded=True)
    quiz.value = "a"
    quiz.submit()
    edited = quiz.answer_record.replace('"value": "a"', '"value": "b"')
    assert edited != quiz.answer_record
    with pytest.raises(records.RecordError, match="changed"):
        records.verify(edited)


def test_recorded_answer_reads_the_live_widget_or_the_grading_file(tmp_path):
    """Does recorded_answer find the on-screen answer, and the grader's file when present?"""
    quiz = MultipleChoice("live-1", "Q", ["a", "b"], graded=True)
    assert records.recorded_answer("live-1", folder=tmp_path) is None
    quiz.value = "b"
    quiz.submit()
    assert records.recorded_answer("live-1", folder=tmp_path)["value"] == "b"
    (tmp_path / records.ANSWERS_FILE).write_text('{"live-1": {"value": "a"}}', encoding="utf-8")
    assert records.recorded_answer("live-1", folder=tmp_path) == {"value": "a"}


def test_justification_box_is_kept_in_the_record():
    """Are written reasons stored in the answer record?"""
    quiz = MultipleChoice("j", "Q", ["a", "b"], "b", justify="Why?")
    quiz.justify_area.value = "Because the text says so."
    assert quiz.record()["justification"] == "Because the text says so."


def test_every_control_has_a_visible_label():
    """Does every input carry a description, so screen readers can name it?"""
    for factory, _, _ in CASES:
        quiz = factory()
        labelled = [
            w
            for w in _walk(quiz)
            if hasattr(w, "description")
            and type(w).__name__
            in {"RadioButtons", "Checkbox", "Select", "Dropdown", "Text", "Button"}
        ]
        assert labelled, factory.__name__
        for control in labelled:  # a visible label, or an icon button named by its tooltip
            assert control.description or (control.icon and control.tooltip), factory.__name__


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)
