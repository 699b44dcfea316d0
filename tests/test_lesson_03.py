"""Lesson 03 (sources and evidence): each exercise accepts its answer and rejects a wrong one."""

from __future__ import annotations

import pytest

from course import data
from course.lessons import l03_sources as l03


def test_source_profiles_follow_the_documents_table():
    """Are dates, distances and named writers read from the tables, not typed in?"""
    profiles = l03.source_profiles().set_index("doc_id")
    docs = data.documents().set_index("doc_id")
    assert profiles["dated"].to_dict() == docs["published"].notna().to_dict()
    assert profiles.loc["ap_2024", "days_after_events"] == 0
    assert profiles["days_after_events"].isna().sum() == docs["published"].isna().sum()
    assert profiles["names_writers"].sum() == 1 and profiles.loc["ap_2024", "names_writers"]
    assert not profiles.loc["ap_rewrite", "publisher_known"]


def test_rating_the_sources_accepts_the_profiles_and_rejects_a_swap():
    """Does the rating exercise accept each document's own profile and reject a swapped pair?"""
    quiz = l03.rate_the_sources()
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True
    wrong = list(quiz.answers)
    ap, bbc = quiz.items.index("ap_2024 (wire story)"), quiz.items.index("bbc_live (live blog)")
    wrong[ap], wrong[bbc] = wrong[bbc], wrong[ap]
    quiz.value = tuple(wrong)
    assert quiz.submit() is False


def test_rewrite_origin_is_the_derived_from_document():
    """Is the rewrite traced to the document its derived_from names, and not to 'untraceable'?"""
    quiz = l03.where_the_rewrite_came_from()
    source = data.documents().set_index("doc_id").loc["ap_rewrite", "derived_from"]
    assert quiz.answer.startswith(f"{source}:")
    quiz.value = quiz.answer
    assert quiz.submit() is True
    quiz.value = next(option for option in quiz.options if option.startswith("It cannot"))
    assert quiz.submit() is False
    assert "find_quote" in quiz.feedback


def test_handarat_leaves_the_rebels_at_most_what_the_army_did_not_claim():
    """Is the most the rebels could hold 100% minus the Army source's share, and 40% wrong?"""
    quiz = l03.most_of_handarat_for_the_rebels()
    figures = data.figures()
    army = figures.loc[figures["claim_group"] == "handarat_army_control_mar_2015", "low"].iloc[0]
    quiz.value = 100 - army
    assert quiz.submit() is True
    quiz.value = 40
    assert quiz.submit() is False


def test_rebel_held_area_answer_reports_both_attributed_claims():
    """Does the right answer name both claimants, and is picking one number marked wrong?"""
    quiz = l03.report_the_rebel_held_area()
    assert "Russian Defence Ministry" in quiz.answer and "de Mistura" in quiz.answer
    assert quiz.justify_area is not None
    quiz.value = quiz.answer
    assert quiz.submit() is True
    for option in quiz.options:
        if option != quiz.answer:
            quiz.value = option
            assert quiz.submit() is False
            assert quiz.feedback.startswith("Not yet.")


def test_defect_treatments_come_from_the_defects_table():
    """Are the defect treatments those of the defects table, and is 'all kept' rejected?"""
    quiz = l03.how_each_defect_was_treated()
    table = data.defects().set_index("defect_id")
    assert quiz.answers == [str(table.loc[d, "treatment"]) for d in l03.TREATMENT_DEFECTS]
    quiz.value = tuple(quiz.answers)
    assert quiz.submit() is True
    quiz.value = ("kept",) * len(quiz.items)
    assert quiz.submit() is False


def test_rate_the_sources_explanation_is_the_profiles_read_from_the_tables():
    """Does the explanation give every document's computed profile, not typed text?"""
    quiz = l03.rate_the_sources()
    for row in l03.source_profiles().itertuples(index=False):
        assert f"{row.doc_id}: {row.profile}" in quiz.explanation


# The lookups of the folded cells -------------------------------------------------------------


def test_phrases_in_needs_exact_apostrophes():
    """Is a phrase found only with the document's own apostrophe?"""
    found = l03.phrases_in(
        [("ap_rewrite", "Syria’s second-largest city"), ("ap_rewrite", "Syria's second-largest")]
    )
    assert list(found["found"]) == [True, False]
    assert found.loc[0, "position"] is not None and found.loc[1, "position"] is None


def test_enclosing_sentences_and_sections_find_where_a_phrase_sits():
    """Are the sentence and the section holding a phrase found, and a missing phrase refused?"""
    (sentence,) = l03.enclosing_sentences("ap_2024", "at the western edge of Aleppo")["text"]
    assert "detonated two car bombs" in sentence
    sections = l03.sections_of(
        "wp_battle", ["the second largest city in Syria", "In 2011, Aleppo was Syria's largest"]
    )
    assert list(sections["section"]) == ["Introduction", "Background"]
    with pytest.raises(ValueError, match="not in"):
        l03.enclosing_sentences("ap_2024", "no such words anywhere")


def test_encoding_repair_shows_the_garbled_dash_gone_after_repair():
    """Is the garbled dash counted in the raw file and absent after repair?"""
    table = l03.encoding_repair().set_index("text")
    assert table.loc["raw", "count of ‚Äì"] > 0 and table.loc["repaired", "count of ‚Äì"] == 0
    assert "‚Äì" in table.loc["raw", "line"] and "–" in table.loc["repaired", "line"]


def test_removals_and_live_entry_read_the_cleaning_record():
    """Do the removals total what cleaning removed, and does the entry end without its tweet?"""
    from course import text

    total = sum(len(text.clean(doc_id).removed) for doc_id in text.document_ids())
    assert l03.removals()["removals"].sum() == total
    assert l03.live_entry("bbc_live", "UK drones").rstrip().endswith("tweets:")


# What the lesson's text says about the tables, checked against them --------------------------


def test_lesson_text_on_the_rewrites_speakers_holds_for_compare_speakers():
    """Do Ford, Khalifa, Peskov and Abdurrahman vanish, and do renamed speakers count as new?"""
    from course import media

    table = media.compare_speakers(data.attributions()).set_index("speaker")
    for gone in ["Robert Ford", "Dareen Khalifa", "Dmitry Peskov", "Rami Abdurrahman"]:
        assert table.loc[gone, "ap_2024"] > 0 and table.loc[gone, "ap_rewrite"] == 0
    renamed = {
        "Russia's Kremlin": "Kremlin",
        "Syrian Observatory": "Syrian Observatory for Human Rights",
        "local fighters": "fighters",
        "unnamed ('are seen as')": "unnamed ('were seen as')",
        "Witnesses in Aleppo": "witnesses in Aleppo",
    }
    for new, old in renamed.items():
        assert table.loc[new, "ap_2024"] == 0 and table.loc[new, "ap_rewrite"] > 0
        assert table.loc[old, "ap_2024"] > 0
        if old != "Syrian Observatory for Human Rights":  # the rewrite also uses the full name
            assert table.loc[old, "ap_rewrite"] == 0
    assert table.loc["Syria's armed forces", "ap_rewrite"] > 0  # curly apostrophes merged


def test_lesson_text_on_tracing_the_rewrite_holds_for_the_documents():
    """Are exactly four of the six phrases in both texts, and is the AP unnamed in the rewrite?"""
    phrases = [
        "The Syrian Observatory for Human Rights",
        "detonated two car bombs",
        "at the western edge of Aleppo",
        "control of Saraqeb",
        "reported that insurgents detonated",
        "said the insurgents detonated",
    ]
    found = l03.phrases_in([(d, p) for p in phrases for d in ["ap_rewrite", "ap_2024"]])
    in_both = found.groupby("phrase")["found"].all()
    assert in_both.sum() == 4
    assert l03.phrases_in([("ap_rewrite", "Associated Press")])["found"].item() is False
