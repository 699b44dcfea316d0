"""Lesson 4 (media framing): every exercise accepts its right answer and rejects a wrong one."""

from __future__ import annotations

import pytest

from course import data
from course.lessons import l04_framing as l04


def test_rebels_rate_accepts_the_bbc_rate_and_rejects_the_raw_count():
    """Is the rate of 'rebels' in bbc_live right, and is the raw count of 22 marked wrong?"""
    quiz = l04.rebels_rate()
    row = data.framing_counts().query("term_id == 'rebels' and doc_id == 'bbc_live'").iloc[0]
    quiz.value = float(row["per_1000_words"])
    assert quiz.submit() is True
    quiz.value = float(row["count"])
    assert quiz.submit() is False


def test_outlet_matching_accepts_the_quoted_labels_and_rejects_a_swap():
    """Does each outlet match the label in its quoted passage, and does a swap fail?"""
    quiz = l04.match_outlet_labels()
    right = tuple(quiz.answers)
    pairs = dict(zip(quiz.items, right, strict=True))
    assert pairs["The Russian Defence Ministry, for an advance (bbc_live)"] == "liberated"
    assert pairs["Activist Lina Shamy, for fighters in east Aleppo (bbc_live)"] == "revolutionaries"
    quiz.value = right
    assert quiz.submit() is True
    quiz.value = (right[1], right[0], *right[2:])
    assert quiz.submit() is False


def test_spot_loaded_words_wants_exactly_the_non_descriptive_labels():
    """Are 'regime', 'conquest', 'carnage' and 'atrocities' right, and is 'Russia' extra?"""
    quiz = l04.spot_loaded_words()
    quiz.value = ("regime", "conquest", "carnage", "atrocities")
    assert quiz.submit() is True
    quiz.value = ("regime", "conquest", "carnage", "atrocities", "Russia")
    assert quiz.submit() is False
    quiz.value = ("regime",)
    assert quiz.submit() is False


def test_classifier_separates_loaded_attributed_and_neutral_passages():
    """Are the four camps' quotes loaded, the reported statements attributed, the rest neutral?"""
    quiz = l04.classify_sentences()
    expected = [l04.LOADED] * 4 + [l04.ATTRIBUTED] * 3 + [l04.NEUTRAL] * 2
    assert quiz.answers == expected
    quiz.value = tuple(expected)
    assert quiz.submit() is True
    quiz.value = tuple([l04.NEUTRAL] + expected[1:])
    assert quiz.submit() is False


def test_classifier_keeps_quoted_labels_out_of_the_writer_s_voice():
    """Does a label inside quotation marks (BBC's "liberation") not count as the BBC's own?"""
    passage = 'some media are celebrating the "liberation" of Aleppo'
    assert l04.labels_in(passage, skip_quoted=True).empty
    assert "legitimising" in set(l04.labels_in(passage)["connotation"])


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
