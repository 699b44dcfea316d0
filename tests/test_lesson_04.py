"""Lesson 4 (media framing): every exercise accepts its right answer and rejects a wrong one.

Each new exercise item also gets a wrong answer whose feedback must point at the real mistake,
and the faults issue 13 found (a word credited to the wrong speaker, a misread comparison of
the AP story with its rewrite) each have a test that holds the whole kind.
"""

from __future__ import annotations

import re

import pytest

from course import data, media, text
from course.lessons import l04_framing as l04
from course.lessons import l04_rewrite, l04_speakers, l04_voices


def _points_at(feedback: str, *numbers: int) -> bool:
    """Does the feedback name the items (by number) that are wrong?"""
    return all(re.search(rf"\b{number}\b", feedback) for number in numbers)


def test_rebels_rate_accepts_the_bbc_rate_and_rejects_the_raw_count():
    """Is the rate of 'rebels' in bbc_live right, and is the raw count of 22 marked wrong?"""
    quiz = l04.rebels_rate()
    row = data.framing_counts().query("term_id == 'rebels' and doc_id == 'bbc_live'").iloc[0]
    quiz.value = float(row["per_1000_words"])
    assert quiz.submit() is True
    quiz.value = float(row["count"])
    assert quiz.submit() is False


# --------------------------------------------------------------------------------------------
# Who used which word


def test_outlet_matching_accepts_the_quoted_labels_and_rejects_a_swap():
    """Does each speaker match the word in its passage, and does a swap fail?"""
    quiz = l04.match_outlet_labels()
    right = tuple(quiz.answers)
    pairs = dict(zip(quiz.items, right, strict=True))
    ministry = next(item for item in pairs if item.startswith("The Russian Defence Ministry"))
    shamy = next(item for item in pairs if item.startswith("Activist Lina Shamy"))
    assert pairs[ministry] == "liberated" and pairs[shamy] == "revolutionaries"
    quiz.value = right
    assert quiz.submit() is True
    quiz.value = (right[1], right[0], *right[2:])
    assert quiz.submit() is False
    assert _points_at(quiz.feedback, 1, 2)


def test_outlet_matching_examines_western_outlets_own_words_critically():
    """Is one of the Western outlets' own words a loaded label (not only praise)?"""
    items = l04.scrutiny_items().query("exercise_id == '04-outlet-labels'")
    western = items[items["party"] == "western_outlets"]
    assert set(western["key"]) == {"fair", "framing"}


def _inside_quotes(doc_id: str, passage: str, word: str) -> bool:
    """Does ``word`` (in ``passage``) stand inside quotation marks in the document itself?"""
    body = text.clean(doc_id).text
    start, _end = text.find_quote(doc_id, passage)
    at = start + passage.lower().index(word.lower())
    paragraph = next(p for p in text.clean(doc_id).paragraphs if p.start <= at < p.end)
    for match in media.QUOTED.finditer(body[paragraph.start : paragraph.end]):
        if paragraph.start + match.start() < at < paragraph.start + match.end():
            return True
    return False


@pytest.mark.parametrize("row", l04._OUTLETS, ids=lambda row: row[0][:40])
def test_every_word_is_credited_to_the_speaker_who_used_it(row):
    """Is a word credited to a speaker inside quotation marks, and a writer's own word outside?

    The BBC credits the Srebrenica comparison to a pro-opposition TV station, but "massacre"
    is the BBC's own word (the name of Srebrenica), outside quotation marks: crediting the
    station with it is the fault this test catches.
    """
    who, doc_id, passage, _party, source = row
    word, _connotation = l04._word_in(passage)
    quoted = _inside_quotes(doc_id, passage, word)
    if source.startswith("document:"):
        assert not quoted, f"{who}: '{word}' is a quoted speaker's word, not the writer's"
    else:
        assert quoted, f"{who}: '{word}' is the writer's word, not the speaker's"


def test_the_credit_rule_catches_the_tv_station_massacre():
    """Would crediting the TV station with 'massacre' fail the credit rule (the old fault)?"""
    passage = "compared the unfolding situation to the Srebrenica massacre"
    assert text.find_quote("bbc_live", passage) is not None
    assert not _inside_quotes("bbc_live", passage, "massacre")
    assert "massacre" not in l04.match_outlet_labels().answers


def test_spot_loaded_words_wants_exactly_the_non_descriptive_labels():
    """Are 'regime', 'conquest', 'carnage' and 'atrocities' right, and is 'Russia' extra?"""
    quiz = l04.spot_loaded_words()
    quiz.value = ("regime", "conquest", "carnage", "atrocities")
    assert quiz.submit() is True
    quiz.value = ("regime", "conquest", "carnage", "atrocities", "Russia")
    assert quiz.submit() is False
    quiz.value = ("regime",)
    assert quiz.submit() is False


# --------------------------------------------------------------------------------------------
# The same test for every party; translation and paraphrase


def test_same_test_marks_plain_statements_from_every_camp():
    """Are Mekdad's, Peskov's, Mousavi's, Rubin's and Erdoğan's words free of loaded labels?"""
    quiz = l04.same_test_for_every_party()
    answers = dict(zip(l04.SAME_TEST_SPEAKERS, quiz.answers, strict=True))
    assert answers["Syrian government minister Faisal Mekdad"] == l04.NO_LOADED
    assert answers["Former US State Department official James Rubin"] == l04.NO_LOADED
    assert answers["Foreign Minister Abbas Araghchi (2024)"] == l04.USES_LOADED
    assert answers["FSA commander Zaher al-Saket"] == l04.USES_LOADED
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True


def test_same_test_rejects_calling_a_plain_western_statement_loaded():
    """Is calling Rubin's words loaded marked wrong, with the sentence named in the feedback?"""
    quiz = l04.same_test_for_every_party()
    wrong = list(quiz.answers)
    rubin = l04.SAME_TEST_SPEAKERS.index("Former US State Department official James Rubin")
    wrong[rubin] = l04.USES_LOADED
    quiz.value = tuple(wrong)
    assert quiz.submit() is False
    assert _points_at(quiz.feedback, rubin + 1)


def test_how_it_reached_us_separates_paraphrase_from_quoted_words():
    """Are RIA and the YPG commander paraphrased, and Erdogan's "delicate" a few quoted words?"""
    quiz = l04.how_it_reached_us()
    by_who = {row[2]: answer for row, answer in zip(l04._REACHED, quiz.answers, strict=True)}
    assert by_who["Russia's RIA news agency, in the BBC"] == l04.PARAPHRASE
    assert by_who["a YPG commander, in Wikipedia"] == l04.PARAPHRASE
    assert by_who["Turkey's President Erdogan, in the BBC"] == l04.FEW_WORDS
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True
    quiz.value = (l04.FEW_WORDS,) * len(quiz.items)
    assert quiz.submit() is False
    paraphrased = [n for n, a in enumerate(quiz.answers, 1) if a == l04.PARAPHRASE]
    assert _points_at(quiz.feedback, *paraphrased)


def test_how_it_reached_us_refuses_a_passage_that_is_mostly_quoted():
    """Is a full quotation refused, rather than forced into 'a few words' or 'paraphrase'?"""
    with pytest.raises(ValueError, match="quoted"):
        l04._reached_answer('"Of course, this is a violation of Syria\'s sovereignty," he said.')


def test_unheard_parties_are_kurdish_forces_and_russian_news_agencies():
    """Are the parties never quoted in their own words exactly the Kurdish and RIA voices?"""
    assert set(l04_voices.unheard_parties()) == {"kurdish", "russian_media"}
    quiz = l04.unheard_parties()
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True


def test_unheard_parties_hint_quotes_the_words_of_a_wrongly_ticked_party():
    """Does ticking the Turkish officials get a hint that quotes Turkish words?"""
    quiz = l04.unheard_parties()
    quiz.value = (*quiz.answers, media.PARTIES["turkish"])
    assert quiz.submit() is False
    assert "Turkish officials and outlets' does not belong" in quiz.feedback
    assert "limited" in quiz.feedback


def test_unheard_parties_names_the_kind_first_and_the_party_on_the_second_try():
    """Does a missing party get its kind on the first try and its name on the second?"""
    quiz = l04.unheard_parties()
    kurdish = media.PARTIES["kurdish"]
    quiz.value = tuple(answer for answer in quiz.answers if answer != kurdish)
    assert quiz.submit() is False
    assert "only in the reporter's words" in quiz.feedback and kurdish not in quiz.feedback
    assert quiz.submit() is False
    assert f"You left out '{kurdish}'" in quiz.feedback


# --------------------------------------------------------------------------------------------
# Verbs, sourcing and the writers' own voice


def test_claimed_is_read_from_wikipedia_and_the_rule_is_applied_to_it():
    """Are the groups before Wikipedia's five 'claimed' the answers, and SOHR's verbs listed?"""
    claimed = l04_voices.claimed_statements()
    assert len(claimed) == 5 and (claimed["group"] != "").all()
    quiz = l04.whose_statements_are_claimed()
    assert set(quiz.answers) == set(claimed["group"])
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True
    quiz.value = (*quiz.answers, "the Syrian Observatory for Human Rights")
    assert quiz.submit() is False
    assert "'confirmed'" in quiz.feedback and "never 'claimed'" in quiz.feedback


def test_claimed_names_a_missed_group_after_the_second_try():
    """Is 'Syrian state media' left out named only after a second wrong try?"""
    quiz = l04.whose_statements_are_claimed()
    quiz.value = tuple(answer for answer in quiz.answers if answer != "Syrian state media")
    quiz.submit()
    assert "Syrian state media" not in quiz.feedback
    quiz.submit()
    assert "You left out 'Syrian state media'" in quiz.feedback


def test_bbc_residents_speak_from_the_rebel_held_east_and_none_from_the_west():
    """Does the BBC page place its residents in the rebel-held east, and none in the west?"""
    residents = l04_voices.bbc_residents()
    placed = residents["placed"].value_counts()
    assert len(residents) >= 5 and placed.get("rebel-held east", 0) >= 5
    assert "government-held west" not in placed
    quiz = l04.residents_on_the_bbc_page()
    assert quiz.answer.startswith("None in the government-held west")
    quiz.value = quiz.answer
    assert quiz.submit() is True
    both = next(option for option in quiz.options if option.startswith("Some in"))
    quiz.value = both
    assert quiz.submit() is False
    assert f"0 of {len(residents)}" in quiz.feedback


def test_a_resident_placed_in_the_west_would_change_the_answer(monkeypatch):
    """Would the answer follow the data if the page placed a resident in the west?"""
    residents = l04_voices.bbc_residents()
    residents.loc[0, "placed"] = "government-held west"
    monkeypatch.setattr(l04_voices, "bbc_residents", lambda: residents)
    quiz = l04.residents_on_the_bbc_page()
    assert quiz.answer.startswith("Some in the rebel-held east")


def test_classifier_separates_loaded_attributed_and_neutral_passages():
    """Are the writers' own labels loaded, the reported statements attributed, the rest neutral?"""
    quiz = l04.classify_sentences()
    expected = [l04.LOADED] * 2 + [l04.ATTRIBUTED] * 5 + [l04.NEUTRAL]
    assert quiz.answers == expected
    quiz.value = tuple(expected)
    assert quiz.submit() is True
    quiz.value = tuple([l04.NEUTRAL] + expected[1:])
    assert quiz.submit() is False
    assert _points_at(quiz.feedback, 1)


def test_classifier_keeps_quoted_labels_out_of_the_writer_s_voice():
    """Does a label inside quotation marks (BBC's "liberation") not count as the BBC's own?"""
    passage = 'some media are celebrating the "liberation" of Aleppo'
    assert l04.labels_in(passage, skip_quoted=True).empty
    assert "legitimising" in set(l04.labels_in(passage)["connotation"])


@pytest.mark.parametrize(
    ("passage", "expected"),
    [
        ("Rebel commanders said their main aim was to capture the city center.", l04.ATTRIBUTED),
        ("Fighting started up again on Wednesday morning.", l04.NEUTRAL),
        ("Islamic extremists joined the battle.", l04.LOADED),
        ('Officials denied that the "terrorists" had left.', l04.ATTRIBUTED),
    ],
)
def test_framing_rule_table(passage, expected):
    """Does the classification rule give each kind of passage its label?"""
    assert l04_speakers.framing_of("wp_battle", passage) == expected


# --------------------------------------------------------------------------------------------
# The AP story against its rewrite


def test_rewrite_changes_accepts_the_rule_s_answers_and_rejects_all_same():
    """Is the rule's answer accepted, and 'the same frame' for every pair marked wrong?"""
    quiz = l04.rewrite_changes()
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True
    quiz.value = (l04_rewrite.SAME_FRAME,) * len(quiz.items)
    assert quiz.submit() is False
    changed = [n for n, a in enumerate(quiz.answers, 1) if a != l04_rewrite.SAME_FRAME]
    assert _points_at(quiz.feedback, *changed)


def test_the_rewrite_s_recaptured_for_2016_is_the_ap_s_own_frame():
    """Is 'recaptured' for 2016 the same frame as the AP's own 'reclaim control' (not new)?"""
    ap, rewrite, *_ = l04_rewrite._REWRITE_PAIRS[0]
    assert "reclaim control" in ap and "recaptured" in rewrite
    assert l04_rewrite.change_between(ap, rewrite) == l04_rewrite.SAME_FRAME


def test_the_rewrite_drops_who_broke_the_2019_agreement():
    """Is 'the government attacks' becoming 'the attacks' found as an agent left out?"""
    ap, rewrite, *_ = next(p for p in l04_rewrite._REWRITE_PAIRS if "2019 agreement" in p[0])
    assert "the government attacks" in ap and "prevent the attacks" in rewrite
    assert l04_rewrite.change_between(ap, rewrite) == l04_rewrite.WHO_LEFT_OUT


def test_the_lessons_account_of_the_2019_agreement_sentence_holds():
    """Does the rewrite keep 'government strikes' one sentence before, as the lesson now says?"""
    rewrite = text.clean("ap_rewrite").text
    before, after = rewrite.split("failed to prevent the attacks", 1)
    assert "government strikes on opposition-held areas" in before.rsplit("\n", 1)[-1]
    assert "government" not in after.split(".", 1)[0]


def test_the_speakers_the_lesson_says_the_rewrite_leaves_out_are_left_out():
    """After one name per speaker, are Ford, Khalifa, Peskov and Abdurrahman left out, and the
    AP's 'fighters' and unnamed 'were seen as' (reworded, not dropped) not?"""
    attributions = data.attributions()
    clean = attributions.assign(speaker=attributions["speaker"].replace(l04.SAME_SPEAKER))
    speakers = media.compare_speakers(clean).set_index("speaker")
    left_out = set(speakers.index[(speakers["ap_2024"] > 0) & (speakers["ap_rewrite"] == 0)])
    named = {"Robert Ford", "Dareen Khalifa", "Dmitry Peskov", "Rami Abdurrahman"}
    assert named | {"Turkish security officials"} <= left_out
    assert not {"fighters", "unnamed ('were seen as')"} & left_out


@pytest.mark.parametrize(
    ("ap", "rewrite", "expected"),
    [
        ("government forces took the city", "government forces liberated the city", "added"),
        ("rebels were ousted from the east", "rebels left the east", "removed"),
        ("Russia helped government forces", "forces advanced", "who"),
        ("Syrian government forces advanced", "government forces advanced", "same"),
        ("insurgent projectiles hit the city", "projectiles from insurgents hit it", "same"),
        ("Russian and Iranian-backed forces", "forces backed by Russia and Iran", "same"),
    ],
)
def test_change_rule_table(ap, rewrite, expected):
    """Does the change rule find added and removed labels, dropped agents and mere rewording?"""
    answer = {
        "added": l04_rewrite.LABEL_ADDED,
        "removed": l04_rewrite.LABEL_REMOVED,
        "who": l04_rewrite.WHO_LEFT_OUT,
        "same": l04_rewrite.SAME_FRAME,
    }[expected]
    assert l04_rewrite.change_between(ap, rewrite) == answer


def test_neutral_wording_is_the_attributed_descriptive_one():
    """Is the attributed 'pro-government forces took' wording right, and 'liberated' wrong?"""
    quiz = l04.most_neutral_wording()
    quiz.value = (
        "Pro-government forces took the Sukkari district, the Russian Defence Ministry said."
    )
    assert quiz.submit() is True
    quiz.value = "Government forces liberated the Sukkari district."
    assert quiz.submit() is False
    assert "legitimising" in quiz.feedback


@pytest.mark.parametrize(
    "wording",
    [
        "Regime forces seized the Sukkari district.",
        "Pro-government forces took the Sukkari district.",
    ],
)
def test_neutral_wording_rejects_a_loaded_or_unattributed_version(wording):
    """Are a 'regime' wording and an unattributed wording both marked wrong?"""
    quiz = l04.most_neutral_wording()
    quiz.value = wording
    assert quiz.submit() is False


def test_every_passage_of_every_exercise_is_in_its_document():
    """Does every passage the exercises and the table of voices use occur in its document?"""
    for voice in l04_voices.VOICES:
        assert text.find_quote(voice.doc_id, voice.passage), voice.speaker
    for exercise in l04.EXERCISES:
        exercise()  # each builder checks its passages and raises if one is missing
