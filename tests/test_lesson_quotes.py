"""Lessons 04 and 05: does every phrase the lesson text puts in quotation marks occur in a document?

The lessons quote the documents constantly ("Liberation or massacre?", "reclaim control of the
city"). A quotation that no document contains is a misquotation or an invention; this test
finds every quoted stretch of three words or more in the lessons' markdown and looks for it,
ignoring case and whitespace, in the five cleaned documents.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from course import data, text
from tests.conftest import REPO

LESSONS = ["04_media_framing", "05_aleppo_2016_and_2024"]
#: Quoted phrases that are the lesson's own words, not a document's.
OWN_WORDS = {"if i read 1,000 words of this text, how often would i meet this label?"}
_QUOTE = re.compile(r'"([^"\n]+?)"')
_ITALIC_QUOTE = re.compile(r'\*"(.+?)"\*')  # a quotation set in italics may hold quotes


def _documents() -> str:
    bodies = [text.clean(doc_id).text for doc_id in data.documents()["doc_id"]]
    return re.sub(r"\s+", " ", " ".join(bodies)).lower()


def quoted_fragments(markdown: str) -> list[str]:
    """Every quoted stretch of three or more words, split at ellipses ("…", "...")."""
    flat = re.sub(r"\s+", " ", markdown.replace("> ", " "))
    quotations = _ITALIC_QUOTE.findall(flat)
    quotations += _QUOTE.findall(_ITALIC_QUOTE.sub(" ", flat))
    fragments = []
    for quotation in quotations:
        for piece in re.split(r"…|\.\.\.", quotation):
            piece = piece.strip(" *.,;:'")
            if len(piece.split()) >= 3 and piece.lower() not in OWN_WORDS:
                fragments.append(piece)
    return fragments


@pytest.mark.parametrize("stem", LESSONS)
def test_every_quotation_in_the_lesson_is_in_a_document(stem):
    """Does each phrase the lesson puts in quotation marks occur in one of the documents?"""
    documents = _documents()
    nb = nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4)
    missing = [
        fragment
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for fragment in quoted_fragments(cell.source)
        if fragment.lower() not in documents
    ]
    assert missing == []


def test_a_misquotation_is_caught():
    """Is a quotation the documents do not contain reported (the test can fail)?"""
    documents = _documents()
    fragments = quoted_fragments('The AP wrote that the rebels were "driven out of the city".')
    assert fragments == ["driven out of the city"]
    assert fragments[0] not in documents
