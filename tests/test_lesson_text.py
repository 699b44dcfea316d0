"""What lessons 00–05 say: exact quotations, the course's own neutral voice, and work that reaches
the teacher.

These tests read the notebooks' markdown and hold every lesson to one standard. Every quotation
is word for word in a document; the course's own voice uses no loaded word (a non-descriptive
label of the framing lexicon, or one of the words the data card keeps out of the tables' own
voice, ``course.rules.OWN_VOICE_WORDS``) except inside a quotation or a code name; and a student
who never opens a folded cell can follow the lesson, answer every written question in a box,
pick up a part in a new session, and hand the work in.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from course import data, handin, rules, text
from tests import lesson_load
from tests.conftest import REPO

LESSONS = [
    "01_phases",
    "02_combatants",
    "03_sources_and_evidence",
    "04_media_framing",
    "05_aleppo_2016_and_2024",
]
#: Lessons whose words are checked: 00 too, which has no written questions or hand-in box.
TEXTS = ["00_start_here", *LESSONS]
PATHS = {name: REPO / "notebooks" / f"{name}.ipynb" for name in TEXTS}

_CODE = re.compile(r"`[^`]*`")
# A quotation set in italics may hold quotation marks of its own (a quote within a quote).
_ITALIC_QUOTE = re.compile(r"\*[\"“](.+?)[\"”]\*")
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


def _flat(markdown: str) -> str:
    """The markdown with code names blanked, blockquote marks removed, on one line."""
    return _SPACES.sub(" ", _CODE.sub(" ", _BLOCKQUOTE.sub("", markdown)))


def _quoted(markdown: str) -> tuple[list[str], str]:
    """The passages in quotation marks, and the text around them (the lesson's own words).

    Italic quotations (``*"…"*``) are taken whole first, so that the quotation marks inside
    them do not pair up with each other; then every other pair of double quotation marks.
    """
    flat = _flat(markdown)
    passages = _ITALIC_QUOTE.findall(flat)
    rest = _ITALIC_QUOTE.sub(" ", flat)
    passages += _QUOTE.findall(rest)
    return passages, _QUOTE.sub(" ", rest)


def quotations(markdown: str) -> list[str]:
    """Quoted passages in lesson prose, split at an ellipsis; pieces of two words or more."""
    found = []
    for passage in _quoted(markdown)[0]:
        for piece in re.split(r"\s*(?:\.\.\.|…)\s*", passage):
            piece = piece.strip(" *,.;:")
            if len(piece) >= 8 and " " in piece:
                found.append(piece)
    return found


def _missing_quotations(markdown: str, corpus: str) -> list[str]:
    return [quote for quote in quotations(markdown) if _normal(quote) not in corpus]


@pytest.fixture(scope="module")
def corpus() -> str:
    return _documents()


@pytest.mark.parametrize("name", TEXTS)
def test_every_quotation_in_the_lesson_is_word_for_word_in_a_document(name, corpus):
    """Is every passage the lesson puts in quotation marks found, as written, in a document?

    Word for word means with the document's capitals and words: only apostrophes, quotation
    marks and spacing are normalised.
    """
    missing = [
        quote
        for cell in _cells(name)
        if cell.cell_type == "markdown"
        for quote in _missing_quotations(cell.source, corpus)
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("markdown", "missing"),
    [
        ('The AP wrote that the rebels were "driven out of the city".', ["driven out of the city"]),
        ('The AP wrote "Insurgents breached syria\'s largest city".',
         ["Insurgents breached syria's largest city"]),
        ('*"In Syria and Iran, some media are celebrating the "liberation" of Aleppo, saying the '
         'government has defeated the "terrorists"."*', []),
        ('The AP: "reclaim control of the city … a siege that lasted for weeks".', []),
    ],
)  # fmt: skip
def test_a_misquotation_is_caught_and_a_nested_quotation_is_not(markdown, missing, corpus):
    """Is a quotation no document holds (or with a changed capital) reported, and only that?"""
    assert _missing_quotations(markdown, corpus) == missing


def own_voice(markdown: str) -> str:
    """The lesson's own words: quotations and code names left out, one space between words."""
    return _SPACES.sub(" ", _quoted(markdown)[1])


def _loaded_words() -> list[tuple[str, str]]:
    """(name, pattern) of every word the course keeps out of its own voice."""
    lexicon = data.framing()
    loaded = lexicon[
        (lexicon["connotation"].astype(str) != "descriptive")
        & ~lexicon["term_id"].isin(OWN_VOICE_ALLOWED)
    ]
    words = list(zip(loaded["term_id"], loaded["pattern"], strict=True))
    return words + [(why, pattern) for pattern, why in rules.OWN_VOICE_WORDS.items()]


def loaded_in_own_voice(markdown: str) -> list[str]:
    prose = own_voice(markdown)
    hits = []
    for name, pattern in _loaded_words():
        for match in re.finditer(pattern, prose, flags=re.IGNORECASE):
            around = prose[max(0, match.start() - 40) : match.end() + 20]
            hits.append(f"{name}: …{around}…")
    return hits


@pytest.mark.parametrize("name", TEXTS)
def test_the_course_never_uses_a_loaded_word_in_its_own_voice(name):
    """Outside quotations and code names, does the lesson avoid every loaded word?"""
    hits = [
        f"cell {index}: {hit}"
        for index, cell in enumerate(_cells(name))
        if cell.cell_type == "markdown"
        for hit in loaded_in_own_voice(cell.source)
    ]
    assert hits == []


@pytest.mark.parametrize(
    ("markdown", "flagged"),
    [
        ("After the fall of eastern Aleppo, the army recaptured the colleges.", 2),
        ('The AP writes "reclaim control" and Wikipedia `recapture`.', 0),
        ('*"some media are celebrating the "liberation" of Aleppo"*', 0),
        ("Both camps accused the other of war crimes.", 1),
        ("Either earns full marks: July 2016, or the fall in December 2016.", 1),
        ("Aleppo's fall, and words such as 'massacre' and 'liberation'.", 3),
        ('Words such as "massacre" and "liberation".', 0),
    ],
)
def test_a_loaded_word_in_the_course_s_voice_is_caught(markdown, flagged):
    """Are loaded words outside quotation marks found, and quoted ones left alone?"""
    assert len(loaded_in_own_voice(markdown)) == flagged


@pytest.mark.parametrize("name", LESSONS)
def test_every_written_question_has_an_answer_box_after_it(name):
    """Is each written question followed by a markdown cell tagged 'answer' to write in?"""
    cells = _cells(name)
    written = [i for i, c in enumerate(cells) if "written" in lesson_load.tags(c)]
    assert written, f"{name} asks no written question"
    for index in written:
        following = cells[index + 1]
        assert following.cell_type == "markdown" and "answer" in lesson_load.tags(following)
        assert following.source.strip() == handin.ANSWER_PLACEHOLDER


@pytest.mark.parametrize("name", LESSONS)
def test_every_part_ends_with_the_hand_in_box_and_later_parts_say_how_to_pick_up(name):
    """Does each part end by handing in, and each later part open with where we stopped?"""
    cells = _cells(name)
    for part in lesson_load.parts(PATHS[name]):
        last_code = [cells[i] for i in part.cells if cells[i].cell_type == "code"][-1]
        assert f'handin.button("{name}", part={part.number})' in last_code.source, part.title
        assert lesson_load.is_hidden(last_code)
        if part.number > 1:
            opening = "\n".join(cells[i].source for i in part.cells[:2])
            assert "Where we stopped" in opening and "Run All" in opening, part.title


@pytest.mark.parametrize("name", LESSONS)
def test_no_part_says_its_work_is_not_collected(name):
    """Now that every part hands in, does no lesson still tell students their work is kept?"""
    prose = " ".join(c.source for c in _cells(name) if c.cell_type == "markdown")
    assert not re.search(r"does not (?:check or )?collect|not collected by", prose)


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


@pytest.mark.parametrize("name", LESSONS)
def test_every_folded_cell_shows_a_sentence_that_says_what_it_does(name):
    """Does each folded cell open with a one-sentence comment, the line JupyterLab shows?"""
    for index, cell in enumerate(_cells(name)):
        if cell.cell_type == "code" and lesson_load.is_hidden(cell):
            first = cell.source.splitlines()[0]
            assert first.startswith("# ") and first.endswith("."), f"cell {index}: {first!r}"


@pytest.mark.parametrize("name", LESSONS)
def test_every_exercise_has_a_numbered_heading_the_hand_in_file_can_name(name):
    """Is each exercise introduced by its own 'Exercise N' heading, numbered in order?"""
    nb = nbformat.read(PATHS[name], as_version=4)
    titles = handin._exercise_titles(nb)
    shown = [c.source.strip() for c in nb.cells if "exercise" in lesson_load.tags(c)]
    numbers = [int(re.match(r"Exercise (\d+)", titles.get(s, "") or "Exercise 0").group(1))
               for s in shown]  # fmt: skip
    assert numbers == list(range(1, len(shown) + 1)), [titles.get(s) for s in shown]


def test_lesson_one_promises_no_pandas_and_explains_every_open_cell():
    """Lesson 01 says no pandas is assumed: does each open cell say in words what it does?"""
    cells = _cells("01_phases")
    opening = "\n".join(c.source for c in cells[:4] if c.cell_type == "markdown")
    assert "No programming and no pandas is assumed" in opening
    for cell in cells:
        if cell.cell_type == "code" and not lesson_load.is_hidden(cell):
            comment = cell.source.splitlines()[0]
            assert comment.startswith("# ") and comment.endswith(".")
