"""course.media: the parties vocabulary, quotation and paraphrase, names and verbs in a passage."""

from __future__ import annotations

import pandas as pd
import pytest

from course import data, media


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("attribution:ap_2024-a24", {"turkish"}),  # Anadolu: alignment turkey, media
        ("attribution:ap_2024-a25", {"syrian_iranian_media"}),  # Syria's state media
        ("attribution:ap_2024-a18", {"syrian_government"}),  # Syria's armed forces
        ("attribution:ap_2024-a28", {"iranian_officials"}),  # Abbas Araghchi
        ("actor:ypg", {"kurdish"}),
        ("document:bbc_live", {"western_outlets"}),
        ("document:ap_rewrite", {"rewrite"}),
    ],
)
def test_parties_for_reads_the_tables(source, expected):
    """Does each speaker's row decide its party where its alignment or side is clear?"""
    assert media.parties_for(source) == expected


def test_parties_for_narrows_an_outlet_to_the_media_parties():
    """Is Russia's RIA news agency, a media speaker, allowed only among outlets?"""
    allowed = media.parties_for("attribution:bbc_live-a44")
    assert "russian_media" in allowed and "russian_officials" not in allowed


def test_parties_for_leaves_an_unknown_alignment_undecided_but_never_the_rewrite():
    """Does alignment 'unknown' allow every party except the rewrite, which only a document is?"""
    allowed = media.parties_for("attribution:ap_2024-a05")  # "unnamed reports", unknown
    assert "rewrite" not in allowed and "kurdish" in allowed


@pytest.mark.parametrize("source", ["actor:nobody", "attribution:x-a99", "document:x", "ypg"])
def test_parties_for_names_a_missing_row(source):
    """Is a source that names no row refused with an error that names it?"""
    with pytest.raises(ValueError, match=source.split(":")[-1]):
        media.parties_for(source)


def test_party_of_attribution_is_none_when_the_table_does_not_decide():
    """Is a statement whose speaker the tables cannot place given no party?"""
    assert media.party_of_attribution("ap_2024-a17") == "russian_officials"  # Peskov
    assert media.party_of_attribution("ap_2024-a01") is None  # "a war monitor"


@pytest.mark.parametrize(
    ("passage", "share"),
    [
        ("The Kremlin has confirmed a call, Russia's RIA news agency reports.", 0.0),
        ('He said the situation was "delicate" and "fragile".', 2 / 8),
        ('"We are terrified," she says.', 3 / 5),
        ("Syria's army said so.", 0.0),  # an apostrophe is not a quotation mark
        ("“Curly quotes count too”, he wrote.", 4 / 6),
    ],
)
def test_quoted_share_counts_the_words_inside_quotation_marks(passage, share):
    """Is the share of quoted words computed for straight, curly and no quotation marks?"""
    assert media.quoted_share(passage) == pytest.approx(share)


@pytest.mark.parametrize(
    ("passage", "named"),
    [
        ("Russian and Iranian-backed government forces", {"russia", "iran"}),
        ("projectiles from insurgents", {"rebels"}),
        ("insurgent projectiles hit student housing", {"rebels"}),
        ("Syria’s armed forces reported", {"syrian_armed_forces"}),
        ("Turkiye failed", {"turkey"}),
    ],
)
def test_actors_named_matches_names_aliases_and_their_forms(passage, named):
    """Are actors found by name or alias, singular or plural, adjective or curly apostrophe?"""
    assert named <= media.actors_named(passage, data.actors())


def test_attributed_in_reduces_verbs_and_unifies_speakers():
    """Are 'also reported' and 'reported' one verb, and spellings of a speaker one name?"""
    rows = pd.DataFrame(
        {
            "quote": ["Syrian state media also reported that four people died."],
            "speaker": ["Syrian state media"],
            "verb": ["also reported"],
        }
    )
    speakers, verbs = media.attributed_in(
        "Syrian state media also reported that four people died.",
        rows,
        {"Syrian state media": "Syria's state media"},
    )
    assert speakers == {"Syria's state media"} and verbs == {"reported"}


def test_loaded_labels_skip_quoted_words_when_asked():
    """Is a label inside quotation marks the speaker's, not the writer's?"""
    lexicon = data.framing()
    passage = 'some media are celebrating the "liberation" of Aleppo'
    assert media.loaded_labels(passage, lexicon, skip_quoted=True) == []
    assert media.loaded_labels(passage, lexicon) != []
