"""Who uses each framing label: computed from the texts and the attributions, never typed."""

from __future__ import annotations

import pandas as pd
import pytest

from course import data, text, voices
from course.package import read_raw


@pytest.mark.parametrize(
    ("passage", "quoted"),
    [
        ('He said "the regime crumbled" today.', ["the regime crumbled"]),
        ("She said “liberated” twice.", ["liberated"]),
        ("Russia says pro-Syria forces 'liberate' another district", ["liberate"]),
        (
            "'It's night and warplanes are still flying over'",
            ["It's night and warplanes are still flying over"],
        ),
        ("Syria's armed forces and the rebels' route", []),
        ("Aleppo rescue worker: 'Everyone will be executed'", ["Everyone will be executed"]),
        ('one "a" line\nand "b" another', ["a", "b"]),
        ('an "unclosed quote\ncarries on"', []),
    ],
)
def test_quoted_spans_find_quotation_marks_not_apostrophes(passage, quoted):
    """Are stretches in quotation marks found, and apostrophes ('Syria's') left alone?"""
    assert [passage[a:b] for a, b in voices.quoted_spans(passage)] == quoted


@pytest.fixture(scope="module")
def uses() -> pd.DataFrame:
    return data.framing_uses()


@pytest.fixture(scope="module")
def lexicon() -> pd.DataFrame:
    return data.framing().set_index("term_id")


def test_uses_are_computed_from_the_texts_and_attributions(uses):
    """Does recomputing every use from the texts give exactly the committed framing_uses?"""
    fresh = voices.term_uses(read_raw("framing"), read_raw("attributions"), text.document_ids())
    committed = data.read_raw("framing_uses")
    fresh = fresh.astype(str).reset_index(drop=True)
    pd.testing.assert_frame_equal(fresh, committed.astype(str), check_dtype=False)


def test_uses_add_up_to_the_counts(uses):
    """Does each term's number of uses in a document equal its framing count there?"""
    counts = data.framing_counts().set_index(["term_id", "doc_id"])["count"]
    per_doc = uses.groupby(["term_id", "doc_id"], observed=True).size()
    assert (per_doc == counts[counts > 0].reindex(per_doc.index)).all()
    assert int(per_doc.sum()) == int(counts.sum())


def test_every_quoted_use_has_a_speaker(uses):
    """Is every lexicon word inside quotation marks covered by an attributed statement?"""
    assert voices.unattributed_quotes(uses).empty


def _speakers(lexicon: pd.DataFrame, term_id: str) -> str:
    return str(lexicon.loc[term_id, "used_by"])


def test_regime_and_massacre_name_no_french_official(lexicon):
    """Does used_by leave out French officials, who never say 'regime' or 'massacre'?"""
    for term_id in ("regime", "massacre"):
        assert "French" not in _speakers(lexicon, term_id)
        assert "France" not in _speakers(lexicon, term_id)


def test_used_by_names_the_speakers_who_do_use_a_term(lexicon):
    """Does used_by list the ICG analyst and Iran's foreign minister for 'regime'?"""
    regime = _speakers(lexicon, "regime")
    assert "Dareen Khalifa, quoted" in regime
    assert "Abbas Araghchi, quoted" in regime
    assert "Samantha Power, quoted" in regime


def test_used_by_lists_only_documents_that_use_the_term(lexicon):
    """Do 'capture' and 'fighters' list only the documents that contain them?"""
    counts = data.framing_counts()
    for term_id in ("capture", "fighters"):
        listed = {part.split(":")[0] for part in _speakers(lexicon, term_id).split(" | ")}
        used = counts[(counts["term_id"] == term_id) & (counts["count"] > 0)]["doc_id"]
        assert listed == set(used.astype(str))
    assert "bbc_live" not in _speakers(lexicon, "capture")
    assert "wp_offensive" not in _speakers(lexicon, "fighters")


def test_no_opposition_side_speaker_says_terrorists(uses):
    """Is 'terrorists' used by no speaker the attributions table ties to the opposition?"""
    attributions = data.attributions().set_index("attribution_id")
    spoken = uses[(uses["term_id"] == "terrorists") & (uses["voice"] != "own")]
    ids = {i for joined in spoken["attribution_id"] for i in str(joined).split(";")}
    assert ids
    assert "opposition" not in set(attributions.loc[sorted(ids), "alignment"].astype(str))


def test_a_speakers_introduction_is_the_documents_word(uses):
    """Are the BBC's words for a speaker ('a Syrian pro-opposition TV station') its own voice?"""
    bbc = uses[(uses["doc_id"] == "bbc_live") & (uses["term_id"] == "opposition")]
    body = text.clean("bbc_live").text
    voice = {
        body[s - 10 : e + 12]: v for s, e, v in zip(bbc.start, bbc.end, bbc.voice, strict=True)
    }
    assert voice[" a Syrian pro-opposition TV station "] == "own"
    assert voice["ttees, an opposition activist ne"] == "own"
    assert voice["ill under opposition control pro"] == "reported"  # de Mistura's estimate


def test_used_by_changes_when_an_attribution_changes(datasets_copy):
    """Is used_by computed: does recoding who said a sentence change it after a build?"""
    from course import build

    path = datasets_copy / "attributions.csv"
    frame = read_raw("attributions")
    frame.loc[frame["attribution_id"] == "ap_2024-a28", "speaker"] = "Someone Else"
    frame.to_csv(path, index=False)
    build.build(progress=lambda message: None)
    regime = data.framing().set_index("term_id").loc["regime", "used_by"]
    assert "Someone Else, quoted ×2" in regime
    assert "ap_2024: Dareen Khalifa, quoted ×2; Someone Else" in regime


def test_typing_used_by_into_the_lexicon_fails_validation(datasets_copy):
    """Does a hand-typed used_by column in framing.csv make the table invalid, by name?"""
    path = datasets_copy / "framing.csv"
    frame = read_raw("framing")
    frame["used_by"] = "All five documents"
    frame.to_csv(path, index=False)
    with pytest.raises(data.DatasetError) as caught:
        data.load("framing")
    assert any(p.field == "used_by" and "computed" in p.message for p in caught.value.problems)


def test_counts_and_lexicon_share_only_the_term_id():
    """Can a lesson merge framing_counts with the lexicon on term_id alone (no clashing column)?"""
    shared = set(data.framing_counts().columns) & set(data.framing().columns)
    assert shared == {"term_id"}
