"""Cleaning: mojibake repair, boilerplate removal, splitting, offsets and quote matching."""

from __future__ import annotations

import re

import pytest

from course import text

ALL_DOCS = ["wp_battle", "ap_rewrite", "wp_offensive", "ap_2024", "bbc_live"]


def test_document_ids_come_from_documents_csv():
    """Are the five documents registered, in file order?"""
    assert text.document_ids() == ALL_DOCS


@pytest.mark.parametrize(
    ("mojibake", "repaired"),
    [
        ("19 July 2012 ‚Äì 22 December 2016", "19 July 2012 – 22 December 2016"),
        ("36.21667¬∞N, 37.16667¬∞W", "36.21667°N, 37.16667°W"),
        ("Battle of Aleppo (2012‚Äì2016)", "Battle of Aleppo (2012–2016)"),
        ("Sewsen B√Ærhat", "Sewsen Bîrhat"),
        ("Jacques B√©r√®s", "Jacques Bérès"),
        ("Recep Tayyip Erdoƒüan", "Recep Tayyip Erdoğan"),
    ],
)
def test_mojibake_is_repaired_by_ftfy(mojibake, repaired):
    """Does each Mac Roman mojibake sequence in the raw dump come back as the intended text?"""
    assert mojibake in text.raw_text("wp_battle")
    assert mojibake not in text.repaired_text("wp_battle")
    assert repaired in text.repaired_text("wp_battle")


def test_arabic_title_is_repaired():
    """Is the Arabic name of the battle readable after repair?"""
    assert "مَعْرَكَةُ حَلَبَ" in text.clean("wp_battle").text


@pytest.mark.parametrize("doc_id", ["ap_rewrite", "wp_offensive", "ap_2024", "bbc_live"])
def test_repair_leaves_clean_documents_unchanged(doc_id):
    """Does the repair step leave documents without mojibake byte for byte alone?"""
    assert text.repaired_text(doc_id) == text.raw_text(doc_id)


@pytest.mark.parametrize(
    ("doc_id", "removed"),
    [
        ("bbc_live", "This Twitter post cannot be displayed"),
        ("bbc_live", "cookie"),
        ("bbc_live", "End of twitter post"),
        ("bbc_live", "Skip twitter post"),
        ("bbc_live", "Image caption,"),
        ("ap_2024", "Top Stories"),
        ("ap_2024", "Franklin the tortoise"),
        ("ap_2024", "AP Photo"),
        ("wp_battle", "]("),
        ("wp_battle", "**Iran**"),
        (
            "wp_battle",
            "![",
        ),
        ("wp_battle", "|     "),
        ("wp_offensive", "[38]"),
    ],
)
def test_boilerplate_is_removed(doc_id, removed):
    """Is each kind of boilerplate gone from the cleaned text?"""
    assert removed.lower() in text.repaired_text(doc_id).lower()
    assert removed.lower() not in text.clean(doc_id).text.lower()


@pytest.mark.parametrize(
    ("doc_id", "kept"),
    [
        ("wp_battle", "36.21667°N, 37.16667°W"),
        ("wp_battle", "c. undefined 8,000 fighters (mid-2016)"),
        ("wp_battle", "the second largest city in Syria"),
        ("ap_rewrite", "Syria’s second-largest city"),
        ("bbc_live", "President Vladimir Puitin"),
        (
            "ap_2024",
            "This version corrects that Aleppo is Syria's largest city, not second largest.",
        ),
        ("ap_2024", "Associated Press writers Suzan Fraser in Ankara"),
    ],
)
def test_content_defects_and_corrections_are_kept(doc_id, kept):
    """Do defects that belong to the content survive cleaning as teaching material?"""
    assert kept in text.clean(doc_id).text


def test_every_removal_is_recorded():
    """Can a student see what cleaning removed from the live page, and why?"""
    reasons = {removal.reason for removal in text.clean("bbc_live").removed}
    assert "Twitter embed and cookie notice" in reasons
    embeds = [r for r in text.clean("bbc_live").removed if r.reason.startswith("Twitter")]
    assert len(embeds) == text.raw_text("bbc_live").count("End of twitter post")


def test_live_page_splits_into_twenty_timestamped_entries():
    """Are the BBC entries split with their GMT timestamps, newest first?"""
    entries = text.clean("bbc_live").entries
    assert [entry.number for entry in entries] == list(range(1, 21))
    assert entries[0].published.isoformat() == "2016-12-14T15:35:00+00:00"
    assert entries[-1].published.isoformat() == "2016-12-14T10:52:00+00:00"
    times = [entry.published for entry in entries]
    assert times == sorted(times, reverse=True)
    assert entries[10].title == "Liberation or massacre?"
    assert "Puitin" in entries[15].text


def test_ap_story_sections():
    """Are the AP headline, body, contributors and correction told apart?"""
    sections = [p.section for p in text.clean("ap_2024").paragraphs]
    assert sections[0] == "Headline"
    assert sections[-2:] == ["Contributors", "Correction"]


@pytest.mark.parametrize("doc_id", ALL_DOCS)
def test_paragraph_and_sentence_offsets_point_into_the_text(doc_id):
    """Does every paragraph and sentence sit exactly at its offsets, inside its paragraph?"""
    doc = text.clean(doc_id)
    by_id = {p.para_id: p for p in doc.paragraphs}
    assert len(by_id) == len(doc.paragraphs)
    for paragraph in doc.paragraphs:
        assert doc.text[paragraph.start : paragraph.end] == paragraph.text
        assert re.fullmatch(rf"{doc_id}-p\d{{3}}", paragraph.para_id)
    for sentence in doc.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text
        parent = by_id[sentence.para_id]
        assert parent.start <= sentence.start < sentence.end <= parent.end
    assert len({s.sent_id for s in doc.sentences}) == len(doc.sentences)


def test_sentence_splitter_keeps_abbreviations_together():
    """Is 'U.S.' or 'c.' not treated as the end of a sentence?"""
    sentences = [s.text for s in text.clean("ap_2024").sentences]
    assert any(s.startswith("Robert Ford, who was the last U.S. ambassador") for s in sentences)
    wp = [s.text for s in text.clean("wp_battle").sentences]
    assert any("c. undefined 8,000 fighters" in s for s in wp)


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("Insurgents breached Syria's largest city Friday", True),
        ("Insurgents   breached\nSyria's largest city Friday", True),  # whitespace collapses
        ("Insurgents breached Syria’s largest city Friday", False),  # curly apostrophe differs
        ("insurgents breached Syria's largest city Friday", False),  # case matters
        ("Insurgents breached Syria's second-largest city", False),  # the rewrite's wording
        ("   ", False),
    ],
)
def test_find_quote_collapses_only_whitespace(quote, found):
    """Does quote matching forgive whitespace and nothing else?"""
    assert (text.find_quote("ap_2024", quote) is not None) is found


def test_find_quote_returns_offsets_in_the_clean_text():
    """Do the returned offsets cut the quote out of the cleaned text?"""
    doc = text.clean("bbc_live")
    start, end = text.find_quote("bbc_live", "President Vladimir\n   Puitin")
    assert doc.text[start:end] == "President Vladimir Puitin"


def test_unknown_document_error_lists_known_ids():
    """Does asking for a document that does not exist name the valid ones?"""
    with pytest.raises(KeyError, match="wp_battle"):
        text.clean("nonexistent")


def test_missing_raw_file_error_names_the_file(datasets_copy):
    """Does a deleted raw document give an error naming the file?"""
    (datasets_copy / "raw" / "bbc_live_aleppo_2016_12_14.txt").unlink()
    with pytest.raises(FileNotFoundError, match="bbc_live_aleppo_2016_12_14.txt"):
        text.clean("bbc_live")


def test_non_utf8_raw_file_error_names_the_file(datasets_copy):
    """Does a raw file that is not UTF-8 give an error naming the file?"""
    (datasets_copy / "raw" / "ap_insurgents_breach_aleppo_2024.txt").write_bytes(b"caf\xe9 \xff")
    with pytest.raises(ValueError, match="ap_insurgents_breach_aleppo_2024.txt"):
        text.clean("ap_2024")


def test_truncated_twitter_embed_is_an_error_naming_the_document(datasets_copy):
    """Does a live page whose embed never ends fail loudly instead of swallowing the rest?"""
    path = datasets_copy / "raw" / "bbc_live_aleppo_2016_12_14.txt"
    raw = path.read_text(encoding="utf-8")
    path.write_text(raw[: raw.rindex("End of twitter post")], encoding="utf-8")
    with pytest.raises(ValueError, match="bbc_live.*never ends"):
        text.clean("bbc_live")


def test_wikipedia_dump_without_front_matter_is_an_error(datasets_copy):
    """Does a dump that lost its YAML infobox give an error naming the document?"""
    path = datasets_copy / "raw" / "wikipedia_battle_of_aleppo_2012_2016.txt"
    path.write_text("no front matter here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="wp_battle.*front matter"):
        text.clean("wp_battle")
