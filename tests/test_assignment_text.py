"""What the graded assignments say in their own words: exact quotations and a neutral voice.

The lessons' rule (``tests/test_lesson_text.py``) applies to every markdown cell of the three
assignments, the rubrics in their hidden-tests regions included: a passage in double quotation
marks is word for word in a document, and a loaded word (a non-descriptive label of the framing
lexicon, or a word of ``course.rules.OWN_VOICE_WORDS`` such as "the fall of") appears only inside
a quotation or a code name. Students read the opening and the questions; teachers read the
rubrics, and copy their words into feedback.
"""

from __future__ import annotations

import nbformat
import pytest

from tests.conftest import REPO
from tests.test_lesson_text import _documents, _missing_quotations, loaded_in_own_voice

ASSIGNMENTS = sorted((REPO / "autograder" / "source").glob("*/*.ipynb"))


@pytest.fixture(scope="module")
def corpus() -> str:
    return _documents()


def _markdown(path):
    nb = nbformat.read(path, as_version=4)
    return [(index, cell) for index, cell in enumerate(nb.cells) if cell.cell_type == "markdown"]


def test_there_are_three_assignments_to_read():
    """Are the three assignments found (so the tests below read something)?"""
    assert [path.stem for path in ASSIGNMENTS] == ["ps1_phases", "ps2_sources", "ps3_framing"]


@pytest.mark.parametrize("path", ASSIGNMENTS, ids=lambda p: p.stem)
def test_the_assignment_never_uses_a_loaded_word_in_its_own_voice(path):
    """Outside quotations and code names, do the opening, questions and rubrics avoid them?"""
    hits = [
        f"cell {index} ({cell.metadata.get('nbgrader', {}).get('grade_id', '')}): {hit}"
        for index, cell in _markdown(path)
        for hit in loaded_in_own_voice(cell.source)
    ]
    assert hits == []


@pytest.mark.parametrize("path", ASSIGNMENTS, ids=lambda p: p.stem)
def test_every_quotation_in_the_assignment_is_word_for_word_in_a_document(path, corpus):
    """Is every passage the assignment puts in quotation marks found, as written, in a document?"""
    missing = [
        quote for _, cell in _markdown(path) for quote in _missing_quotations(cell.source, corpus)
    ]
    assert missing == []
