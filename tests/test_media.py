"""Media analysis: label counts, speakers, and the alignment of the AP story with its rewrite."""

from __future__ import annotations

import pandas as pd
import pytest

from course import data, media


@pytest.mark.parametrize(
    ("pattern", "doc_id", "expected"),
    [
        (r"\binsurgents?\b", "ap_2024", 17),
        (r"\binsurgents?\b", "ap_rewrite", 10),
        (r"\bregime\b", "ap_2024", 4),
        (r"\bliberat(?:e|ed|ion)\b", "bbc_live", 4),
        (r"\bterrorists?\b", "bbc_live", 1),
        (r"\bPuitin\b", "bbc_live", 1),
        (r"\bsecond-largest\b", "ap_rewrite", 1),
        (r"\btwitter\b", "bbc_live", 0),  # the embeds are cleaned away before counting
    ],
)
def test_count_terms_counts_matches_in_the_clean_text(pattern, doc_id, expected):
    """Does each pattern count what a reader would count in the cleaned text?"""
    lexicon = pd.DataFrame({"term_id": ["t"], "pattern": [pattern]})
    counts = media.count_terms(lexicon, [doc_id])
    assert counts.loc[0, "count"] == expected
    assert counts.loc[0, "per_1000_words"] == round(expected / counts.loc[0, "words"] * 1000, 3)


def test_label_rates_is_a_term_by_document_table():
    """Is every lexicon term a row and every document a column?"""
    rates = media.label_rates(data.framing_counts(), data.framing())
    assert rates.shape == (len(data.framing()), 5)
    assert rates.loc["insurgents", "ap_2024"] > rates.loc["insurgents", "wp_battle"]


def test_speaker_shares_sum_to_one_per_document():
    """Do the shares of each document's speakers add up to 1?"""
    counts = media.speaker_counts(data.attributions())
    assert counts.groupby("doc_id")["share"].sum().round(2).eq(1.0).all()


def test_alignment_finds_dropped_changed_and_added_sentences():
    """Does the alignment show what the rewrite dropped, kept, changed and added?"""
    aligned = media.align_articles()
    by_source = aligned.set_index("source_text", drop=False)
    ford = [t for t in aligned["source_text"].dropna() if t.startswith("Robert Ford")]
    assert by_source.loc[ford[0], "status"] == "dropped"
    araghchi = aligned[aligned["source_text"].fillna("").str.contains("Araghchi")]
    assert araghchi["status"].iloc[0] == "changed"
    assert "Araghchi" in araghchi["rewrite_text"].iloc[0]
    lead = aligned[aligned["rewrite_text"].fillna("").str.contains("second-largest")]
    assert lead["status"].iloc[0] == "added"
    assert set(aligned["status"]) <= {"kept", "changed", "dropped", "added"}


def test_alignment_uses_each_sentence_once():
    """Is each sentence of either text in exactly one row?"""
    aligned = media.align_articles()
    for column in ["source_sent_id", "rewrite_sent_id"]:
        ids = aligned[column].dropna()
        assert ids.is_unique


def test_compare_speakers_shows_who_the_rewrite_dropped():
    """Does the comparison show speakers the AP quotes and the rewrite does not?"""
    table = media.compare_speakers(data.attributions()).set_index("speaker")
    assert table.loc["Robert Ford", "ap_rewrite"] == 0
    assert table.loc["Dareen Khalifa", "ap_2024"] > 0


def test_involvement_periods_use_only_printed_periods():
    """Are open periods ended at the given date and printed text kept?"""
    periods = media.involvement_periods(data.actors(), until="2016-12-22").set_index("name")
    assert periods.loc["Russia", "start"] == pd.Timestamp("2015-09-01")
    assert periods.loc["Russia", "end"] == pd.Timestamp("2016-12-22")
    assert periods.loc["Russia", "period_text"] == "(from September 2015)"
