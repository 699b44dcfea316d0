"""The teacher's notes written by hand: model answers, discussion prompts, misconceptions.

They live beside the guide, in ``docs/teachers/source/`` (one YAML file per lesson, named after
the notebook, and ``assignments.yaml``), never in the ``course`` package: the student bundle
ships the package, and these files hold model answers.

A lesson file looks like this::

    parts:
      1:
        learn: [what students learn in the part, one line each]
        discuss: [discussion prompts]
        misconceptions:
          - belief: what a student may think
            instead: what the documents show, with quotes
    questions:                 # every written or check-your-understanding question
      - match: 13 or 22 December   # words the question contains (case, quotes, * ignored)
        answer: the model answer, quoting and attributing the documents
        strong: what a strong answer does
        weak: what a weak answer does
    reasons:                   # exercises with a box for reasons, by exercise_id
      01-turning-point: {answer: ..., strong: ..., weak: ...}

``assignments.yaml`` maps each assignment to its hand-graded questions by number, each with
``answer``, ``strong`` and ``weak``.

A question is matched to its model answer by ``match``: the answer belongs to the one question
whose text contains those words. :func:`match_questions` reports questions without an answer
and answers that match no question or several, so that a lesson whose questions change makes
the guide's test fail instead of pairing an answer with the wrong question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from course.paths import REPO_DIR

__all__ = [
    "NOTES_DIR",
    "Answer",
    "LessonNotes",
    "NotesError",
    "PartNotes",
    "load_assignment_notes",
    "load_lesson_notes",
    "match_questions",
    "normal",
]

NOTES_DIR = REPO_DIR / "docs" / "teachers" / "source"

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


class NotesError(ValueError):
    """A notes file is missing, malformed, or does not fit the lesson it is about."""


@dataclass(frozen=True)
class Answer:
    """A model answer with what a strong and a weak answer look like."""

    answer: str
    strong: str
    weak: str
    match: str = ""


@dataclass
class PartNotes:
    """The hand-written notes of one lesson part."""

    learn: list[str] = field(default_factory=list)
    discuss: list[str] = field(default_factory=list)
    misconceptions: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class LessonNotes:
    """Everything written by hand about one lesson."""

    path: Path
    parts: dict[int, PartNotes]
    questions: list[Answer]
    reasons: dict[str, Answer]


def normal(markdown: str) -> str:
    """Text for matching: lower case, straight quotes, no Markdown emphasis, single spaces."""
    plain = markdown.translate(_APOSTROPHES).replace('"', "").replace("`", "")
    plain = re.sub(r"[*_]", "", plain)
    return re.sub(r"\s+", " ", plain).strip().lower()


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise NotesError(f"{path} does not exist: write the teacher's notes for it first")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise NotesError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(loaded, dict):
        raise NotesError(f"{path} should hold a mapping at the top level")
    return loaded


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise NotesError(f"{where} should be non-empty text")
    return value.strip()


def _answer(entry: Any, where: str) -> Answer:
    if not isinstance(entry, dict):
        raise NotesError(f"{where} should be a mapping with answer, strong and weak")
    unknown = set(entry) - {"answer", "strong", "weak", "match"}
    if unknown:
        raise NotesError(f"{where} has unknown keys {sorted(unknown)}")
    return Answer(
        _text(entry.get("answer"), f"{where}.answer"),
        _text(entry.get("strong"), f"{where}.strong"),
        _text(entry.get("weak"), f"{where}.weak"),
        str(entry.get("match", "")).strip(),
    )


def load_lesson_notes(stem: str, folder: Path | None = None) -> LessonNotes:
    """Read ``<folder>/<stem>.yaml`` (default folder: :data:`NOTES_DIR`).

    Raises :class:`NotesError` naming the file and the key of anything missing or malformed.
    """
    path = (folder or NOTES_DIR) / f"{stem}.yaml"
    raw = _read(path)
    unknown = set(raw) - {"parts", "questions", "reasons"}
    if unknown:
        raise NotesError(f"{path}: unknown top-level keys {sorted(unknown)}")
    parts: dict[int, PartNotes] = {}
    for number, entry in (raw.get("parts") or {}).items():
        where = f"{path}: parts.{number}"
        if not isinstance(number, int) or not isinstance(entry, dict):
            raise NotesError(f"{where} should be a part number with a mapping")
        misconceptions = []
        for n, item in enumerate(entry.get("misconceptions") or [], 1):
            if not isinstance(item, dict) or set(item) != {"belief", "instead"}:
                raise NotesError(f"{where}.misconceptions[{n}] needs belief and instead")
            misconceptions.append(
                (
                    _text(item["belief"], f"{where}.misconceptions[{n}].belief"),
                    _text(item["instead"], f"{where}.misconceptions[{n}].instead"),
                )
            )
        parts[number] = PartNotes(
            [_text(x, f"{where}.learn") for x in entry.get("learn") or []],
            [_text(x, f"{where}.discuss") for x in entry.get("discuss") or []],
            misconceptions,
        )
    questions = []
    for n, entry in enumerate(raw.get("questions") or [], 1):
        answer = _answer(entry, f"{path}: questions[{n}]")
        if not answer.match:
            raise NotesError(f"{path}: questions[{n}] needs 'match': words of its question")
        questions.append(answer)
    reasons = {
        str(exercise_id): _answer(entry, f"{path}: reasons.{exercise_id}")
        for exercise_id, entry in (raw.get("reasons") or {}).items()
    }
    return LessonNotes(path, parts, questions, reasons)


def load_assignment_notes(folder: Path | None = None) -> dict[str, dict[int, Answer]]:
    """Read ``assignments.yaml``: {assignment: {question number: Answer}}."""
    path = (folder or NOTES_DIR) / "assignments.yaml"
    raw = _read(path)
    notes: dict[str, dict[int, Answer]] = {}
    for name, questions in raw.items():
        if not isinstance(questions, dict):
            raise NotesError(f"{path}: {name} should map question numbers to answers")
        notes[str(name)] = {
            int(number): _answer(entry, f"{path}: {name}.{number}")
            for number, entry in questions.items()
        }
    return notes


def match_questions(
    questions: list[str], answers: list[Answer]
) -> tuple[dict[int, Answer], list[str]]:
    """Pair each question (by position) with the one answer whose ``match`` it contains.

    Returns ({question position: answer}, problems). A problem is a question with no answer or
    several, or an answer that matches no question.
    """
    paired: dict[int, Answer] = {}
    problems: list[str] = []
    texts = [normal(question) for question in questions]
    used: dict[int, int] = {}
    for position, question in enumerate(texts):
        found = [n for n, answer in enumerate(answers) if normal(answer.match) in question]
        if len(found) == 1:
            paired[position] = answers[found[0]]
            used[found[0]] = used.get(found[0], 0) + 1
        elif not found:
            problems.append(f"no model answer for the question {questions[position][:80]!r}")
        else:
            matches = [answers[n].match for n in found]
            problems.append(f"several model answers ({matches}) fit {questions[position][:80]!r}")
    for n, answer in enumerate(answers):
        count = used.get(n, 0)
        if count == 0 and not any(normal(answer.match) in text for text in texts):
            problems.append(f"the model answer for {answer.match!r} matches no question")
        elif count > 1:
            problems.append(f"the model answer for {answer.match!r} matches {count} questions")
    return paired, problems
