"""Lesson 05 (Aleppo in 2016 and 2024): every exercise takes its answer and rejects a wrong one."""

from __future__ import annotations

from course import data
from course.lessons import l05_then_and_now as l05


def test_named_in_both_accepts_the_actors_listed_for_both_conflicts():
    """Does ticking exactly the actors whose conflicts are '2012-2016;2024' count as right?"""
    quiz = l05.named_in_both()
    actors = data.actors().set_index("actor_id").loc[l05.PRESENCE_ACTORS]
    quiz.value = tuple(actors.loc[actors["conflicts"] == "2012-2016;2024", "name"])
    assert quiz.submit() is True
    assert {"Russia", "Iran", "Hezbollah", "Turkey"} <= set(quiz.value)


def test_named_in_both_rejects_groups_named_in_one_conflict_only():
    """Is adding HTS (named only in 2024) or al-Nusra (only 2012-2016) marked wrong?"""
    quiz = l05.named_in_both()
    quiz.value = tuple(quiz.answers | {"Hayat Tahrir al-Sham", "al-Nusra Front"})
    assert quiz.submit() is False
    quiz.value = ("Russia", "Iran")
    assert quiz.submit() is False


def test_who_is_speaking_separates_the_aps_voice_from_its_sources():
    """Are the two unattributed sentences the AP's own voice, and Khalifa's quote an analyst's?"""
    quiz = l05.who_is_speaking()
    assert quiz.answers[:3] == [l05.OWN_VOICE, l05.OWN_VOICE, l05.ANALYST]
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True


def test_who_is_speaking_rejects_calling_every_sentence_the_aps_own_voice():
    """Is labelling Khalifa's and the officials' words as the AP's own voice marked wrong?"""
    quiz = l05.who_is_speaking()
    quiz.value = (l05.OWN_VOICE,) * len(quiz.items)
    assert quiz.submit() is False


def test_reasons_for_swift_advance_accepts_khalifas_attributed_assessment():
    """Is the option quoting Dareen Khalifa's 'bogged down' assessment the right one?"""
    quiz = l05.reasons_for_swift_advance()
    assert quiz.answer.startswith("Dareen Khalifa said")
    quiz.value = quiz.answer
    assert quiz.submit() is True


def test_reasons_for_swift_advance_rejects_a_misattributed_quote_with_a_hint():
    """Does giving Rami Abdurrahman's 'the main force' to Robert Ford fail, with a hint?"""
    quiz = l05.reasons_for_swift_advance()
    wrong = next(option for option in quiz.options if option.startswith("Robert Ford"))
    quiz.value = wrong
    assert quiz.submit() is False
    assert "Rami Abdurrahman" in quiz.hints[wrong]


def test_order_then_and_now_follows_the_event_dates():
    """Is the order of the dates in the events table accepted, and starts in 2016?"""
    quiz = l05.order_then_and_now()
    quiz.value = tuple(quiz.items)
    assert quiz.submit() is True
    assert quiz.items[0].startswith("Syrian government forces cut the last rebel supply line")
    assert quiz.items[-1].startswith("According to a war monitor and fighters")


def test_order_then_and_now_rejects_the_reverse_order():
    """Is the reverse order (2024 first) marked wrong?"""
    quiz = l05.order_then_and_now()
    quiz.value = tuple(reversed(quiz.items))
    assert quiz.submit() is False


def test_years_between_accepts_seven_point_nine():
    """Is 7.9 years (22 December 2016 to 29 November 2024) accepted?"""
    quiz = l05.years_between_fall_and_breach()
    quiz.value = 7.9
    assert quiz.submit() is True


def test_years_between_rejects_the_naive_difference_of_years():
    """Is 8 (2024 minus 2016, ignoring the months) rejected with the 'too high' hint?"""
    quiz = l05.years_between_fall_and_breach()
    quiz.value = 8
    assert quiz.submit() is False
    assert "months" in quiz.feedback
