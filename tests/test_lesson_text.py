"""What lessons 01–03 say: exact quotations, the course's own neutral voice, and work that reaches
the teacher.

These tests read the notebooks' markdown. They hold three promises of the course: every
quotation is word for word in a document; the course's own voice uses no loaded label of the
framing lexicon (a loaded word appears only inside a quotation or a code name); and a student who
never opens a folded cell can follow the lesson, answer every written question in a box, pick up
a part in a new session, and hand the work in.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from course import data, text
from tests import lesson_load
from tests.conftest import REPO

LESSONS = ["01_phases", "02_combatants", "03_sources_and_evidence"]
PATHS = {name: REPO / "notebooks" / f"{name}.ipynb" for name in LESSONS}

_CODE = re.compile(r"`[^`]*`")
_QUOTE = re.compile(r"[\"“]([^\"”]+)[\"”]")
_BLOCKQUOTE = re.compile(r"^\s*>\s?", re.MULTILINE)
_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
# Labels the course itself uses as names of things: the lexicon's "opposition" is also the name
# of the infobox column and of the actors table's side code, which the lessons explain as such.
OWN_VOICE_ALLOWED = {"opposition"}


def _normal(passage: str) -> str:
    return _SPACES.sub(" ", passage.translate(_APOSTROPHES)).strip()


def _documents() -> str:
    return "\n".join(_normal(text.clean(doc_id).text) for doc_id in text.document_ids())


def _cells(name: str) -> list[nbformat.NotebookNode]:
    return nbformat.read(PATHS[name], as_version=4).cells


def _quotations(markdown: str) -> list[str]:
    """Quoted passages in lesson prose: words in double quotes, split at an ellipsis."""
    found = []
    for passage in _QUOTE.findall(_CODE.sub(" ", _BLOCKQUOTE.sub("", markdown))):
        for piece in re.split(r"\s*(?:\.\.\.|…)\s*", passage):
            piece = piece.strip(" *,.;:")
            if len(piece) >= 8 and " " in piece:
                found.append(piece)
    return found


@pytest.mark.parametrize("name", LESSONS)
def test_every_quotation_in_the_lesson_is_word_for_word_in_a_document(name):
    """Is every passage the lesson puts in quotation marks found, as written, in a document?"""
    corpus = _documents()
    missing = [
        quote
        for cell in _cells(name)
        if cell.cell_type == "markdown"
        for quote in _quotations(cell.source)
        if _normal(quote) not in corpus
    ]
    assert missing == []


def _own_voice(markdown: str) -> str:
    """The lesson's own words: quotations and code names left out, one space between words."""
    prose = _QUOTE.sub(" ", _CODE.sub(" ", _BLOCKQUOTE.sub("", markdown)))
    return _SPACES.sub(" ", prose)


@pytest.mark.parametrize("name", LESSONS)
def test_the_course_never_uses_a_loaded_label_in_its_own_voice(name):
    """Outside quotations and code names, does the lesson avoid every non-descriptive label?"""
    lexicon = data.framing()
    loaded = lexicon[
        (lexicon["connotation"].astype(str) != "descriptive")
        & ~lexicon["term_id"].isin(OWN_VOICE_ALLOWED)
    ]
    hits = []
    for index, cell in enumerate(_cells(name)):
        if cell.cell_type != "markdown":
            continue
        prose = _own_voice(cell.source)
        for term_id, pattern in zip(loaded["term_id"], loaded["pattern"], strict=True):
            for match in re.finditer(pattern, prose, flags=re.IGNORECASE):
                around = prose[max(0, match.start() - 40) : match.end() + 20]
                hits.append(f"cell {index}: {term_id}: …{around}…")
    assert hits == []


@pytest.mark.parametrize("name", LESSONS)
def test_every_written_question_has_an_answer_box_after_it(name):
    """Is each written question followed by a markdown cell tagged 'answer' to write in?"""
    cells = _cells(name)
    written = [i for i, c in enumerate(cells) if "written" in lesson_load.tags(c)]
    assert written, f"{name} asks no written question"
    for index in written:
        following = cells[index + 1]
        assert following.cell_type == "markdown" and "answer" in lesson_load.tags(following)


@pytest.mark.parametrize("name", LESSONS)
def test_every_part_ends_with_the_hand_in_box_and_later_parts_say_how_to_pick_up(name):
    """Does each part end by handing in, and each later part open with where we stopped?"""
    cells = _cells(name)
    for part in lesson_load.parts(PATHS[name]):
        last_code = [cells[i] for i in part.cells if cells[i].cell_type == "code"][-1]
        assert f'handin.button("{name}"' in last_code.source, part.title
        assert lesson_load.is_hidden(last_code)
        if part.number > 1:
            opening = "\n".join(cells[i].source for i in part.cells[:2])
            assert "Where we stopped" in opening and "Run All" in opening, part.title


@pytest.mark.parametrize("name", LESSONS)
def test_narration_points_only_at_code_the_student_can_see(name):
    """When the text speaks of 'the cell below' or 'the code below', is that cell open?"""
    cells = _cells(name)
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        if re.search(r"\b(?:cell|code) below\b|\bthis code\b", cell.source, re.IGNORECASE):
            following = next(c for c in cells[index + 1 :] if c.cell_type == "code")
            assert not lesson_load.is_hidden(following), f"cell {index}: {cell.source[:60]!r}"


@pytest.mark.parametrize("name", LESSONS)
def test_machinery_cells_are_folded_and_exercises_are_among_them(name):
    """Are exercise and hand-in cells folded, so that only the taught analysis shows?"""
    for cell in _cells(name):
        if cell.cell_type == "code" and (
            "exercise" in lesson_load.tags(cell) or "handin" in cell.source
        ):
            assert lesson_load.is_hidden(cell), cell.source[:60]


def test_lesson_one_promises_no_pandas_and_explains_every_open_cell():
    """Lesson 01 says no pandas is assumed: does each open cell say in words what it does?"""
    cells = _cells("01_phases")
    opening = "\n".join(c.source for c in cells[:4] if c.cell_type == "markdown")
    assert "No programming and no pandas is assumed" in opening
    for cell in cells:
        if cell.cell_type == "code" and not lesson_load.is_hidden(cell):
            comment = cell.source.splitlines()[0]
            assert comment.startswith("# ") and comment.endswith(".")
