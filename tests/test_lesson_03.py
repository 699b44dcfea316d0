"""Lesson 03 (sources and evidence): each exercise accepts its answer and rejects a wrong one."""

from __future__ import annotations

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
