"""Lesson 05 (Aleppo in 2016 and 2024): every exercise takes its answer and rejects a wrong one."""

from __future__ import annotations

from course import data, media
from course.lessons import l05_then_and_now as l05


def test_named_in_both_accepts_the_actors_named_alike_in_both_conflicts():
    """Does ticking exactly the actors named by the same name in both conflicts count as right?"""
    quiz = l05.named_in_both()
    naming = l05.naming_in_2024()
    same = naming[naming["conflicts"].str.contains("2012-2016") & naming["named_2024"]]
    quiz.value = tuple(same["name"])
    assert quiz.submit() is True
    assert {"Russia", "Iran", "Hezbollah", "Turkey"} <= set(quiz.value)


def test_named_in_both_does_not_count_rebels_through_the_alias_insurgents():
    """Is 'rebels' left out of the key, since the AP's 2024 word is 'insurgents' (the old fault)?"""
    naming = l05.naming_in_2024().set_index("actor_id")
    assert not naming.loc["rebels", "named_2024"]
    assert "insurgents" in naming.loc["rebels", "relabelled_2024"]
    quiz = l05.named_in_both()
    assert "rebels" not in quiz.answers
    quiz.value = (*quiz.answers, "rebels")
    assert quiz.submit() is False
    assert "'rebels' does not belong" in quiz.feedback and "insurgents" in quiz.feedback


def test_named_in_both_says_the_kind_first_and_the_name_on_the_second_try():
    """Does leaving out Russia first get 'a state', and only on a second try 'Russia'?"""
    quiz = l05.named_in_both()
    quiz.value = tuple(answer for answer in quiz.answers if answer != "Russia")
    assert quiz.submit() is False
    assert "a state" in quiz.feedback and "Russia" not in quiz.feedback
    assert quiz.submit() is False
    assert "You left out 'Russia'" in quiz.feedback


def test_named_in_both_rejects_groups_named_in_one_conflict_only():
    """Is adding HTS (named only in 2024) or al-Nusra (only 2012-2016) marked wrong, with why?"""
    quiz = l05.named_in_both()
    quiz.value = tuple(quiz.answers | {"Hayat Tahrir al-Sham", "al-Nusra Front"})
    assert quiz.submit() is False
    assert "only in 2024" in quiz.feedback and "only in 2012–2016" in quiz.feedback
    quiz.value = ("Russia", "Iran")
    assert quiz.submit() is False


def test_naming_rule_reads_the_ap_s_2024_sentences_only():
    """Does a name found only in the AP's sentences about 2016 not count for 2024?"""
    memory = " ".join(l05.memory_of_2016()["text"])
    assert "rebel fighters" in memory  # the AP's one 'rebel', in its sentence about 2016


def test_voices_in_2024_finds_quoted_paraphrased_and_absent_parties():
    """Are Peskov's Russia quoted, Syria's armed forces paraphrased and Kurdish forces absent?"""
    quiz = l05.voices_in_2024()
    answers = dict(zip(quiz.items, quiz.answers, strict=True))
    assert answers[media.PARTIES["russian_officials"]] == l05.QUOTED_OWN
    assert answers[media.PARTIES["syrian_government"]] == l05.PARAPHRASED
    assert answers[media.PARTIES["kurdish"]] == l05.NO_STATEMENT
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True


def test_voices_in_2024_rejects_giving_the_kurdish_forces_a_statement():
    """Is 'only the AP's paraphrase' for the Kurdish forces marked wrong, naming that item?"""
    quiz = l05.voices_in_2024()
    kurdish = quiz.items.index(media.PARTIES["kurdish"])
    wrong = list(quiz.answers)
    wrong[kurdish] = l05.PARAPHRASED
    quiz.value = tuple(wrong)
    assert quiz.submit() is False
    assert str(kurdish + 1) in quiz.feedback


def test_ap_words_for_2016_are_ousted_and_reclaim_control():
    """Are the AP's 'ousted' and 'reclaim control' the loaded words, by the lexicon?"""
    quiz = l05.ap_words_for_2016()
    assert quiz.answers == {"ousted", "reclaim control"}
    quiz.value = ("ousted", "reclaim control")
    assert quiz.submit() is True


def test_ap_words_for_2016_explains_a_word_the_lexicon_does_not_list():
    """Does ticking 'gruelling' fail with a hint that the lexicon does not list it?"""
    quiz = l05.ap_words_for_2016()
    quiz.value = ("ousted", "reclaim control", "gruelling")
    assert quiz.submit() is False
    assert "not in the lexicon" in quiz.feedback
    quiz.value = ("ousted",)
    assert quiz.submit() is False
    assert "loaded" in quiz.feedback


def test_phase_ids_are_read_from_the_events_table():
    """Are the lesson's phases those of its marker events in the events table?"""
    events = data.events().set_index("event_id")
    phases = l05.phase_ids()
    assert phases["offensive_2024"] == events.loc[l05.BREACH_EVENT, "phase_id"]
    assert set(phases.values()) <= set(data.phases()["phase_id"])


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
    quiz = l05.years_between_evacuation_and_breach()
    quiz.value = 7.9
    assert quiz.submit() is True


def test_years_between_rejects_the_naive_difference_of_years():
    """Is 8 (2024 minus 2016, ignoring the months) rejected with the 'too high' hint?"""
    quiz = l05.years_between_evacuation_and_breach()
    quiz.value = 8
    assert quiz.submit() is False
    assert "months" in quiz.feedback


def test_the_siege_claims_the_lesson_sets_side_by_side_are_one_claim_group():
    """Does the figures table hold the AP's 'weeks' with Wikipedia's and the rewrite's claims?"""
    figures = data.figures()
    claims = figures[figures["claim_group"] == "aleppo_siege_duration"].set_index("doc_id")
    assert set(claims.index) == {"ap_2024", "wp_battle", "ap_rewrite"}
    assert "lasted for weeks" in claims.loc["ap_2024", "quote"]
    assert "four-year siege and battle" in claims.loc["wp_battle", "quote"]
    assert "a prolonged siege" in claims.loc["ap_rewrite", "quote"]


def test_the_lesson_names_phases_by_their_ids_not_by_the_old_fall():
    """Are the lesson's phase keys free of the old phase name's 'fall'?"""
    assert "fall" not in l05.phase_ids()
    events = data.events().set_index("event_id")
    assert l05.phase_ids()["offensive_2016"] == events.loc[l05.EVACUATION_EVENT, "phase_id"]
