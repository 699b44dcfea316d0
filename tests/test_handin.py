"""Handing in a lesson: the box writes every answer, reason and written answer to one file."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import nbformat
import pytest

from course import handin, records
from course.lessons import l01_phases as l01
from course.lessons import l03_sources as l03
from tests import lesson_load
from tests.conftest import REPO


def _lesson(
    tmp_path: Path, *, answers: dict[str, str] | None = None, saved=(), name="01_phases"
) -> Path:
    """A small lesson notebook: two written questions with answer cells, and saved records."""
    answers = answers or {}
    cell = nbformat.v4.new_markdown_cell
    cells = [
        cell("# Lesson 1: A test lesson\n\nIntro."),
        cell("## Part 1: Phases\n\n**Time:** about 20 minutes"),
        cell("### Exercise 1: Which phase?\n\nMatch them."),
        nbformat.v4.new_code_cell("l01.match_phases()", metadata={"tags": ["exercise"]}),
        cell("1. Why do the phases overlap?", metadata={"tags": ["written"]}),
        cell(answers.get("q1", handin.ANSWER_PLACEHOLDER), metadata={"tags": ["answer"]}),
        cell("## Part 2: Turning points\n\n**Time:** about 20 minutes"),
        cell("2. Which end date would you give?", metadata={"tags": ["written"]}),
        cell(answers.get("q2", handin.ANSWER_PLACEHOLDER), metadata={"tags": ["answer"]}),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    state = {f"m{i}": {"state": {"answer_record": token}} for i, token in enumerate(saved)}
    nb.metadata["widgets"] = {records.WIDGET_STATE: {"state": state}}
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _checked(quiz, value, reasons=""):
    quiz.value = value
    quiz.justification = reasons
    quiz.submit()
    return quiz


def test_collect_takes_session_answers_reasons_and_written_answers(tmp_path):
    """Are a checked exercise with reasons and the written answers all in the hand-in?"""
    path = _lesson(tmp_path, answers={"q1": "Because events do not stop at borders."})
    quiz = l01.pick_turning_point()
    _checked(quiz, quiz.answer, "The lead says the stalemate ended in July 2016 (wp_battle).")
    work = handin.collect("01_phases", notebook=path, live=[(quiz, "l01.pick_turning_point()")])
    text = handin.render(work, "Maria García")
    assert "Student (as typed): Maria García" in text
    assert quiz.answer in text
    assert "The lead says the stalemate ended in July 2016 (wp_battle)." in text
    assert "Checked 1 time; the last Check said: Correct." in text
    assert "Because events do not stop at borders." in text
    assert "### Question 2 (Part 2): Which end date would you give?" in text
    assert "(nothing written)" in text  # question 2 kept its placeholder
    assert handin.ANSWER_PLACEHOLDER not in text


def test_saved_answer_fills_in_for_an_untouched_session_exercise(tmp_path):
    """After a restart, does an exercise's answer saved in the notebook reach the hand-in?"""
    earlier = l01.match_phases()
    _checked(earlier, tuple(earlier.answers))
    path = _lesson(tmp_path, saved=[records.sign(earlier.record())])
    fresh = l01.match_phases()  # Run All after a restart: the widget starts empty
    work = handin.collect("01_phases", notebook=path, live=[(fresh, "l01.match_phases()")])
    (answer,) = work.exercises
    assert answer.source == "saved in the notebook"
    assert answer.record["value"] == list(earlier.answers)
    assert "Correct" in handin.render(work, "A")


def test_session_answer_wins_over_an_older_saved_one(tmp_path):
    """When both exist, is the answer on screen in this session the one handed in?"""
    old = l01.match_phases()
    _checked(old, tuple(reversed(old.answers)))
    path = _lesson(tmp_path, saved=[records.sign(old.record())])
    new = _checked(l01.match_phases(), tuple(old.answers))
    work = handin.collect("01_phases", notebook=path, live=[(new, "l01.match_phases()")])
    (answer,) = work.exercises
    assert answer.source == "this session" and answer.record["correct"] is True
    assert answer.title == "Exercise 1: Which phase?"
    for item, choice in zip(new.items, new.answers, strict=True):
        assert f"{item} → {choice}" in handin.render(work, "A")


def test_untouched_exercise_is_reported_unanswered_not_as_its_starting_order(tmp_path):
    """Is an ordering nobody touched handed in as 'not answered', not as its shuffled start?"""
    path = _lesson(tmp_path)
    quiz = l01.order_events()
    text = handin.render(handin.collect("01_phases", notebook=path, live=[(quiz, "")]), "A")
    assert "(not answered)" in text and "Not checked yet." in text
    assert quiz.items[0] not in text


def test_a_tampered_saved_answer_is_noted_not_handed_in(tmp_path):
    """Is an answer record edited outside JupyterLab left out, with a note saying so?"""
    quiz = _checked(l03.most_of_handarat_for_the_rebels(), 20)
    token = records.sign(quiz.record()).replace('"value": 20', '"value": 99')
    path = _lesson(tmp_path, saved=[token])
    work = handin.collect("01_phases", notebook=path, live=[])
    assert work.exercises == []
    assert any("03-handarat-most" in note for note in work.notes)


def test_student_text_is_fenced_so_it_cannot_become_markup(tmp_path):
    """Can written text with backticks and HTML break out of its block in the file?"""
    hostile = "```\n<script>alert(1)</script>\n![x](http://example.invalid/t.png)\n````"
    path = _lesson(tmp_path, answers={"q1": hostile})
    text = handin.render(handin.collect("01_phases", notebook=path, live=[]), "<b>Eve</b>")
    block = re.search(r"(`{5,})text\n(.*?)\n\1", text, re.DOTALL)
    assert block and block.group(2) == hostile
    assert "<b>" not in text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Maria García", "01_phases-answers-Maria-García.md"),
        ("../../etc/passwd", "01_phases-answers-etc-passwd.md"),
        ("  Ali  ", "01_phases-answers-Ali.md"),
    ],
)
def test_file_name_keeps_only_letters_digits_and_hyphens(typed, expected):
    """Is the file named after the lesson and the name, with no path in it?"""
    assert handin.file_name("01_phases", typed) == expected


def test_file_name_refuses_an_empty_name():
    """Does a name with no letter or digit get a message that says what to do?"""
    with pytest.raises(ValueError, match="Type your name"):
        handin.file_name("01_phases", " ./ ")


def test_box_writes_the_file_and_offers_the_same_text_for_download(tmp_path):
    """Does pressing the button write the file and put the same text in the download link?"""
    _lesson(tmp_path, answers={"q1": "My answer."})
    box = handin.HandIn("01_phases", folder=tmp_path)
    box.name_box.value = "Sam Lee"
    path = box.write()
    assert path == tmp_path / "01_phases-answers-Sam-Lee.md"
    assert "My answer." in path.read_text(encoding="utf-8")
    status = box.status.value
    assert 'role="status"' in status and 'aria-live="polite"' in status
    encoded = re.search(r"base64,([A-Za-z0-9+/=]+)", status).group(1)
    assert base64.b64decode(encoded).decode() == path.read_text(encoding="utf-8")
    assert 'download="01_phases-answers-Sam-Lee.md"' in status


def test_box_without_a_name_says_so_and_writes_nothing(tmp_path):
    """Does pressing the button with no name ask for one and write no file?"""
    box = handin.HandIn("01_phases", folder=tmp_path)
    assert box.write() is None
    assert "Type your name" in box.status.value
    assert list(tmp_path.iterdir()) == []


def test_box_without_the_notebook_still_hands_in_and_says_what_is_missing(tmp_path):
    """With no notebook file, is a file still written, with a note naming what is missing?"""
    box = handin.HandIn("01_phases", folder=tmp_path)
    box.name_box.value = "Sam"
    path = box.write()
    assert path is not None and "01_phases.ipynb) was not found" in path.read_text()
    assert "was not found" in box.status.value


def test_find_notebook_prefers_the_session_name(tmp_path, monkeypatch):
    """Is a renamed copy found through JPY_SESSION_NAME, and the lesson's name otherwise?"""
    _lesson(tmp_path)
    copy = _lesson(tmp_path, name="01_phases-Copy1")
    monkeypatch.setenv("JPY_SESSION_NAME", str(copy))
    assert handin.find_notebook("01_phases", tmp_path) == copy
    monkeypatch.delenv("JPY_SESSION_NAME")
    assert handin.find_notebook("01_phases", tmp_path) == tmp_path / "01_phases.ipynb"
    assert handin.find_notebook("02_combatants", tmp_path) is None


@pytest.mark.slow
def test_in_a_kernel_the_box_finds_the_exercises_the_cells_displayed(tmp_path):
    """In a real kernel, does the box find an exercise answered in an earlier cell?"""
    from nbclient import NotebookClient

    path = _lesson(tmp_path, answers={"q1": "Written in the notebook."})
    code = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(
        cells=[
            code("from course import handin\nfrom course.lessons import l03_sources as l03"),
            code("l03.most_of_handarat_for_the_rebels()"),
            code("_.value = 20\n_.justification = 'Only the rest is left.'\n_.submit()"),
            code(
                "box = handin.HandIn('01_phases')\nbox.name_box.value = 'Kim'\n"
                "print(box.write().read_text())"
            ),
        ]
    )
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "03-handarat-most" in printed
    assert "Only the rest is left." in printed and "Correct" in printed
    assert "Written in the notebook." in printed


def test_a_checked_ordering_and_reasons_without_a_choice_count_as_answered(tmp_path):
    """Is an ordering the student checked handed in, and reasons written before choosing?"""
    path = _lesson(tmp_path)
    order = _checked(l01.order_events(), tuple(l01.order_events().items))
    reasons = l01.pick_turning_point()
    reasons.justification = "Still deciding: the lead names July 2016."
    live = [(order, ""), (reasons, "")]
    text = handin.render(handin.collect("01_phases", notebook=path, live=live), "A")
    assert f"1. {order.items[0]}" in text
    assert "Still deciding: the lead names July 2016." in text


def test_a_notebook_caught_mid_save_is_read_once_jupyterlab_has_written_it(tmp_path):
    """If the file is empty while JupyterLab saves it, is it read again once written?"""
    import threading

    ready = tmp_path / "ready"
    ready.mkdir()
    source = _lesson(ready)
    path = tmp_path / "01_phases.ipynb"
    path.write_text("", encoding="utf-8")  # JupyterLab writes the file in place
    timer = threading.Timer(0.5, lambda: path.write_bytes(source.read_bytes()))
    timer.start()
    try:
        work = handin.collect("01_phases", notebook=path, live=[])
    finally:
        timer.join()
    assert work.notes == [] and len(work.written) == 2


def test_a_notebook_that_stays_broken_is_named_in_a_note(tmp_path, monkeypatch):
    """Does a notebook that never becomes readable give a note that says what to do?"""
    monkeypatch.setattr(handin, "READ_PAUSE_SECONDS", 0.01)
    path = tmp_path / "01_phases.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    work = handin.collect("01_phases", notebook=path, live=[])
    assert work.written == []
    assert "01_phases.ipynb could not be read" in work.notes[0] and "Save it" in work.notes[0]


# The written questions' labels, in every lesson ----------------------------------------------

LESSONS = ["01_phases", "02_combatants", "03_sources_and_evidence", "04_media_framing",
           "05_aleppo_2016_and_2024"]  # fmt: skip
_LABEL = re.compile(r"^### Question (\d+)(?: \((Part \d+)\))?: (.+)$", re.MULTILINE)


def _plain(markdown: str) -> str:
    return " ".join(re.sub(r"[*`]", "", markdown).split())


@pytest.mark.parametrize("name", LESSONS)
def test_each_written_question_is_labelled_by_its_part_and_its_own_first_words(name):
    """Does the hand-in file label each question by the part it stands in and its own words?

    A teacher must recognise the question from its heading alone: the part is the one the
    timing rule's own parser (tests/lesson_load.py) puts the question's cell in, never a
    "Summary" or "Check your understanding" heading; the words are the question's own opening,
    different for every question of the lesson; and a question the notebook numbers keeps its
    number.
    """
    path = REPO / "notebooks" / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    part_of = {i: part.number for part in lesson_load.parts(path) for i in part.cells}
    questions = [(i, c.source) for i, c in enumerate(nb.cells) if "written" in lesson_load.tags(c)]
    text = handin.render(handin.collect(name, notebook=path, live=[]), "A")
    labels = _LABEL.findall(text)
    assert len(labels) == len(questions)
    for (number, part, words), (index, question) in zip(labels, questions, strict=True):
        assert part == f"Part {part_of[index]}", words
        opening = words.rstrip('"').removesuffix("…")
        body = _plain(re.sub(r"^(\d+\.\s+|\*\*[^*]+\*\*\s*)", "", question.strip()))
        assert len(opening.split()) >= 4 and body.startswith(_plain(opening)), (words, body)
        own_number = re.match(r"\s*(\d+)\.\s", question)
        if own_number:
            assert number == own_number.group(1)
    assert len({words for _, _, words in labels}) == len(labels)


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("2. Which end date would you give?", "Which end date would you give?"),
        ("**✍ Write.** Why is a paraphrase of Turkish officials or of a YPG commander no evidence "
         "of the words they used?", "Why is a paraphrase of Turkish officials…"),
        ('1. The lead speaks of rebel *"counteroffensives in September and October"*, while its '
         "2016 section dates the rebels' first counter-attack to late July.",
         'The lead speaks of rebel "counteroffensives in September and October"…'),
        ("4. What does *semi-allied* leave open? Which events show it?",
         "What does semi-allied leave open?"),
        ("Apply the rule. Count `wp_battle`'s verbs by side, and compare them with the verbs it "
         "uses for the others.",
         "Apply the rule. Count wp_battle's verbs by side, and compare…"),
        ('The AP writes that Aleppo "has not been attacked by opposition forces since they were '
         'ousted from eastern neighbourhoods in 2016".',
         'The AP writes that Aleppo "has not been attacked…"'),
    ],
)  # fmt: skip
def test_first_words_are_plain_and_cut_where_a_reader_can_follow(question, label):
    """Is a label the first sentence, or its first words cut after a word that means something?"""
    assert handin.first_words(question) == label
