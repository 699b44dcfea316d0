"""Hand in a lesson's work: one box at the end of a lesson writes the answers to a file to upload.

Graded assignments travel through nbgrader, but lesson notebooks are never collected. So that
a lesson's answers can still reach the teacher, the last cell of a lesson shows a
:class:`HandIn` box. The student types their name and presses **Write my answers file**. The
box then gathers:

* every exercise answered in this session: the latest exercise with each ``exercise_id``
  displayed by a cell (IPython's ``Out`` history), read through its public ``exercise_id``,
  ``value``, ``justification`` and ``record()``;
* every answer saved in the notebook file's widget state (:func:`course.records.saved_records`),
  for exercises this session has not answered (after a restart, say);
* the written answers: each markdown cell tagged ``written`` (a question) and the cell tagged
  ``answer`` after it, as the notebook was **last saved**;

and writes them to ``<lesson>-answers-<name>.md`` next to the notebook: a short Markdown file
that any text editor or browser shows. The box offers the file as a download link and says how
to upload it. What the student wrote is put in fenced text blocks, so nothing in it is rendered
as markup when the teacher opens the file.

A lesson adds the box with one folded cell (``metadata.jupyter.source_hidden``)::

    from course import handin; handin.button("04_media_framing")

A lesson split into parts puts one at the end of each part (``handin.button("01_phases",
part=1)``): a Binder session does not survive until the next class, so each stopping point
offers the hand-in. Every box writes the whole lesson so far to the same file name.
"""

from __future__ import annotations

import base64
import html
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import nbformat

from course import records
from course.widgets import Exercise

__all__ = [
    "ANSWER_PLACEHOLDER",
    "HandIn",
    "LessonWork",
    "button",
    "collect",
    "file_name",
    "find_notebook",
    "first_words",
    "render",
    "session_exercises",
]

ANSWER_PLACEHOLDER = "YOUR ANSWER HERE"
_STATUS = '<div role="status" aria-live="polite" class="course-handin-status">{body}</div>'
_HEADING = re.compile(r"^#{1,4}\s+(.*\S)\s*$", re.MULTILINE)
_EXERCISE_HEADING = re.compile(r"(?:^#{2,4}\s+|\*\*)(Exercise\s+\d+[^\n*]*)", re.MULTILINE)
# A lesson part starts with "## Part N: Title" (CONTRIBUTING.md).
_PART_HEADING = re.compile(r"^##\s+Part\s+(\d+)\b")
# What opens a written question before its words: "2." or a bold label such as "**✍ Write.**".
_NUMBER = re.compile(r"^\d+\.\s+")
_LEADING_LABEL = re.compile(r"^\*\*[^*\n]{1,30}\*\*\s*")
_SENTENCE_END = re.compile(r"[.?!][\"”’)]*$")
_SMALL_WORDS = {"a", "an", "the", "of", "or", "and", "to", "in", "on", "by", "for", "with", "as"}
#: A question's first sentence labels it in the hand-in file when it has this many words or
#: fewer; a longer one is cut to :data:`SHORT_WORDS` words.
FIRST_WORDS = 16
SHORT_WORDS = 10
_TAG = re.compile(r"<[^>]+>")
# JupyterLab saves a notebook by writing the file in place (jupyter_server keeps a backup copy
# aside, but a reader can still catch the file empty or half written): read it again a few
# times before giving up.
READ_ATTEMPTS = 8
READ_PAUSE_SECONDS = 0.4


@dataclass
class ExerciseAnswer:
    """One exercise's answer as handed in: where it came from and what it says."""

    exercise_id: str
    record: dict[str, Any]
    source: str  # "this session" or "saved in the notebook"
    title: str = ""
    question: str = ""
    items: list[str] = field(default_factory=list)


@dataclass
class WrittenAnswer:
    """One written question of the lesson and what the student wrote under it."""

    part: str
    question: str
    answer: str  # "" when nothing was written


@dataclass
class LessonWork:
    """Everything a lesson hands in: its exercises, its written answers, and what was missing."""

    lesson: str
    title: str
    exercises: list[ExerciseAnswer]
    written: list[WrittenAnswer]
    notebook: Path | None
    saved_at: datetime | None
    notes: list[str] = field(default_factory=list)


# Finding the work ----------------------------------------------------------------------------


def find_notebook(lesson: str, folder: str | Path | None = None) -> Path | None:
    """Return the notebook file this kernel belongs to, or ``None`` when it cannot be found.

    JupyterLab tells a kernel its notebook in ``JPY_SESSION_NAME``; a copy renamed by the
    student is found that way. Otherwise ``<lesson>.ipynb`` in ``folder`` (default: the
    kernel's working folder, which is the notebook's folder).
    """
    base = Path(folder) if folder is not None else Path.cwd()
    session = os.environ.get("JPY_SESSION_NAME", "")
    candidates = []
    if session.endswith(".ipynb"):
        named = Path(session)
        candidates += [named] if named.is_absolute() else []
        candidates.append(base / named.name)
    candidates.append(base / f"{lesson}.ipynb")
    return next((path for path in candidates if path.is_file()), None)


def session_exercises() -> list[tuple[Exercise, str]]:
    """The exercises this kernel's cells displayed, latest per ``exercise_id``, with cell sources.

    Read from IPython's ``Out`` and ``In`` history: a lesson's exercise cell ends with the call
    that builds the exercise, so the widget is that cell's result. Outside IPython, none.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipywidgets
        return []
    shell = get_ipython()
    if shell is None:
        return []
    outputs: dict[int, Any] = shell.user_ns.get("Out", {})
    inputs: list[str] = shell.user_ns.get("In", [])
    latest: dict[str, tuple[int, Exercise, str]] = {}
    for count in sorted(outputs):
        result = outputs[count]
        if isinstance(result, Exercise):
            source = inputs[count] if count < len(inputs) else ""
            latest[result.exercise_id] = (count, result, source)
    return [(exercise, source) for _, exercise, source in sorted(latest.values())]


def _touched(record: dict[str, Any]) -> bool:
    """Did the student do anything with this exercise (check it, write reasons, choose)?"""
    if record.get("attempts") or str(record.get("justification") or "").strip():
        return True
    value = record.get("value")
    if record.get("kind") == "ordering":  # an ordering always has a value: its starting order
        return False
    if isinstance(value, list | tuple):
        return any(v is not None for v in value)
    return value not in (None, "")


def _exercise_titles(nb: nbformat.NotebookNode | None) -> dict[str, str]:
    """Map each exercise cell's source to the 'Exercise N: …' heading that introduces it."""
    titles: dict[str, str] = {}
    if nb is None:
        return titles
    current = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = _EXERCISE_HEADING.findall(cell.source)
            if found:
                current = found[-1].strip().rstrip(".")
        elif "exercise" in cell.get("metadata", {}).get("tags", []):
            titles[cell.source.strip()] = current
    return titles


def first_words(question: str) -> str:
    """The opening of a question as plain text, to recognise it by in the hand-in file.

    Its first sentence when that has :data:`FIRST_WORDS` words or fewer (at least five), else
    its first words up to that many, cut after a word that carries meaning and ended with
    ``…`` (and a quotation mark, when the cut falls inside a quotation). Markdown emphasis,
    code marks, a leading number (``2.``) and a leading bold label (``**✍ Write.**``) are
    dropped.
    """
    plain = _LEADING_LABEL.sub("", question.strip())
    words = re.sub(r"[*`]", "", _NUMBER.sub("", plain, count=1)).split()
    for count, word in enumerate(words[:FIRST_WORDS], 1):
        if count >= 5 and _SENTENCE_END.search(word):
            return " ".join(words[:count])
    if len(words) <= FIRST_WORDS:
        return " ".join(words)
    cut = words[:SHORT_WORDS]
    while len(cut) > 1 and cut[-1].lower().strip('"“”,;:') in _SMALL_WORDS:
        cut.pop()
    text = " ".join(cut).rstrip(",;:.")
    return text + "…" + ('"' if text.count('"') % 2 else "")


def _written(nb: nbformat.NotebookNode | None) -> list[WrittenAnswer]:
    """Pair each question cell (tag ``written``) with the answer cell (tag ``answer``) after it.

    Each question's ``part`` is the lesson part it stands in (``Part 2``, from the last ``##
    Part N: Title`` heading before it; ``""`` in a lesson without parts): the summary and the
    last questions of a lesson belong to its last part.
    """
    found: list[WrittenAnswer] = []
    if nb is None:
        return found
    part, question = "", None
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        heading = _PART_HEADING.match(
            cell.source.strip().splitlines()[0] if cell.source.strip() else ""
        )
        if heading:
            part = f"Part {heading.group(1)}"
        if "written" in tags:
            if question is not None:
                found.append(WrittenAnswer(part, question, ""))
            question = cell.source.strip()
        elif "answer" in tags and question is not None:
            answer = cell.source.replace(ANSWER_PLACEHOLDER, "").strip()
            found.append(WrittenAnswer(part, question, answer))
            question = None
    if question is not None:
        found.append(WrittenAnswer(part, question, ""))
    return found


def _plain(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup)).strip()


def collect(
    lesson: str,
    *,
    notebook: str | Path | None = None,
    live: Iterable[tuple[Exercise, str]] | None = None,
) -> LessonWork:
    """Gather a lesson's work: exercises from this session and the notebook, written answers.

    ``notebook`` is the lesson's ``.ipynb`` (default: :func:`find_notebook`); ``live`` is the
    session's exercises with their cell sources (default: :func:`session_exercises`). An
    exercise answered in this session wins over the record saved in the notebook; one left
    untouched in this session (for example after a restart) is taken from the notebook.
    """
    path = Path(notebook) if notebook is not None else find_notebook(lesson)
    notes: list[str] = []
    nb, saved_at = None, None
    if path is None:
        notes.append(
            f"The notebook file ({lesson}.ipynb) was not found next to this kernel, so written "
            "answers and answers saved in the notebook are not included."
        )
    else:
        try:
            nb = _read_notebook(path)
            saved_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except Exception as error:  # noqa: BLE001 - a broken file must not stop the hand-in
            notes.append(
                f"The notebook file {path.name} could not be read ({error}), so written answers "
                "and answers saved in the notebook are not included. Save it and try again."
            )
    title = _lesson_title(nb) or lesson
    titles = _exercise_titles(nb)
    saved = records.saved_records(nb) if nb is not None else {}
    answers: dict[str, ExerciseAnswer] = {}
    for exercise, source in live if live is not None else session_exercises():
        record = exercise.record()
        if not _touched(record) and exercise.exercise_id in saved:
            continue
        items = getattr(exercise, "items", None)
        prompt = getattr(exercise, "prompt", None)
        answers[exercise.exercise_id] = ExerciseAnswer(
            exercise.exercise_id,
            record,
            "this session",
            titles.get(source.strip(), ""),
            _plain(getattr(prompt, "value", "")) if prompt is not None else "",
            [str(i) for i in items] if isinstance(items, list) else [],
        )
    for exercise_id, record in saved.items():
        if exercise_id in answers:
            continue
        if record.get("status") == "tampered":
            notes.append(f"The saved answer to {exercise_id} was changed outside JupyterLab.")
            continue
        answers[exercise_id] = ExerciseAnswer(exercise_id, record, "saved in the notebook")
    return LessonWork(lesson, title, list(answers.values()), _written(nb), path, saved_at, notes)


def _read_notebook(path: Path, attempts: int | None = None) -> nbformat.NotebookNode:
    """Read a notebook that JupyterLab may be saving at this moment (see :data:`READ_ATTEMPTS`)."""
    attempts = attempts or READ_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return nbformat.read(path, as_version=4)
        except (nbformat.reader.NotJSONError, ValueError, OSError):
            if attempt == attempts:
                raise
            time.sleep(READ_PAUSE_SECONDS)
    raise AssertionError("unreachable")  # pragma: no cover


def _lesson_title(nb: nbformat.NotebookNode | None) -> str:
    for cell in nb.cells if nb is not None else []:
        if cell.cell_type == "markdown" and (match := _HEADING.search(cell.source)):
            return match.group(1).strip()
    return ""


# Writing the file ----------------------------------------------------------------------------


def _fence(text: str) -> str:
    """Put ``text`` in a fenced block longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _value_lines(answer: ExerciseAnswer) -> list[str]:
    value = answer.record.get("value")
    if not _touched(answer.record):
        return ["(not answered)"]
    if isinstance(value, list):
        numbered = answer.record.get("kind") == "ordering"
        if answer.items and len(answer.items) == len(value) and not numbered:
            pairs = zip(answer.items, value, strict=True)
            return [f"{item} → {choice or '(none)'}" for item, choice in pairs]
        return [f"{n}. {v}" if numbered else f"- {v}" for n, v in enumerate(value, 1)]
    return [str(value)]


def _verdict(record: dict[str, Any]) -> str:
    attempts = int(record.get("attempts") or 0)
    if not attempts:
        return "Not checked yet."
    tries = "1 time" if attempts == 1 else f"{attempts} times"
    said = {True: "Correct", False: "Not yet"}.get(record.get("correct"), "recorded")
    return f"Checked {tries}; the last Check said: {said}."


def _safe_name(student: str) -> str:
    """The name as typed, without anything that could be markup or a control character."""
    return re.sub(r"[^\w .'’-]+", "", student, flags=re.UNICODE).strip()


def render(
    work: LessonWork, student: str, *, part: int | None = None, now: datetime | None = None
) -> str:
    """Return the hand-in file's Markdown for ``work`` by ``student``.

    ``part`` is the lesson part whose end the box stands at (the file always holds the whole
    lesson: every part's answers so far).
    """
    now = now or datetime.now(UTC)
    lines = [
        f"# {work.title}: answers handed in",
        "",
        f"- Student (as typed): {_safe_name(student)}",
        f"- Lesson: {work.lesson}",
        f"- Written: {now:%Y-%m-%d %H:%M} UTC",
    ]
    if part is not None:
        lines.append(f"- Handed in at the end of Part {part} (the file holds every part so far)")
    if work.notebook is not None and work.saved_at is not None:
        lines.append(
            f"- Written answers read from {work.notebook.name}, last saved "
            f"{work.saved_at:%Y-%m-%d %H:%M} UTC"
        )
    lines += ["", "## Exercises", ""]
    if not work.exercises:
        lines += ["No exercise was answered.", ""]
    for number, answer in enumerate(work.exercises, 1):
        heading = answer.title or f"Exercise {number}"
        lines += [f"### {heading} ({answer.exercise_id})", ""]
        if answer.question:
            lines += [f"Question: {answer.question}", ""]
        lines += ["Answer:", "", _fence("\n".join(_value_lines(answer))), ""]
        lines += [f"{_verdict(answer.record)} (Answer {answer.source}.)", ""]
        reasons = str(answer.record.get("justification") or "").strip()
        if reasons:
            lines += ["Reasons:", "", _fence(reasons), ""]
    lines += ["## Written questions", ""]
    if not work.written:
        lines += ["This lesson has no written questions to hand in.", ""]
    for number, item in enumerate(work.written, 1):
        where = f" ({item.part})" if item.part else ""
        label = first_words(item.question)
        lines += [f"### Question {number}{where}: {label}", "", item.question, "", "Answer:", ""]
        lines += [_fence(item.answer) if item.answer else "(nothing written)", ""]
    if work.notes:
        lines += ["## Notes", "", *[f"- {note}" for note in work.notes], ""]
    return "\n".join(lines).rstrip() + "\n"


def file_name(lesson: str, student: str) -> str:
    """``<lesson>-answers-<name>.md``, the name cut to letters, digits and hyphens.

    Raises ``ValueError`` when the name has no letter or digit in it.
    """
    slug = re.sub(r"[^\w]+", "-", student, flags=re.UNICODE).strip("-_")[:60]
    if not slug:
        raise ValueError("Type your name (letters or digits) in the box first.")
    return f"{lesson}-answers-{slug}.md"


# The box -------------------------------------------------------------------------------------


_INSTRUCTIONS = """
<div class="course-handin-instructions">
<p><strong>Hand in this lesson's answers.</strong> Your teacher reads your exercise answers,
your reasons and your written answers from one small file.</p>
<ol>
<li>Save the notebook first (<kbd>Ctrl</kbd> + <kbd>S</kbd>, or File → Save Notebook): the
written answers are read from the saved file.</li>
<li>Type your name in the box, then press <strong>Write my answers file</strong>.</li>
<li>Press the <strong>Download</strong> link that appears, and upload the file where your
teacher asks (your learning platform, or as your teacher says). On a JupyterHub the file also
stays next to this notebook.</li>
</ol>
<p>You can press the button again at any time; the file is written afresh each time.</p>
</div>
"""


class HandIn(widgets.VBox):
    """A name box, a button and a status line that write a lesson's answers to a file.

    Code drives it as a click does: set ``name_box.value`` and call :meth:`write`. After a
    successful write, ``path`` is the file and ``text`` its contents; the status (an
    ``aria-live`` region) says what was written and offers the download.
    """

    def __init__(
        self, lesson: str, *, part: int | None = None, folder: str | Path | None = None
    ) -> None:
        self.lesson, self.part = lesson, part
        self.folder = Path(folder) if folder is not None else None
        self.path: Path | None = None
        self.text = ""
        # continuous_update=False: the name reaches the kernel when the box loses focus (Tab, or
        # a click on the button), before the button's click; typed keys never race the click.
        self.name_box = widgets.Text(
            description="Your name",
            continuous_update=False,
            placeholder="First and last name",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="28em"),
        )
        self.write_button = widgets.Button(
            description="Write my answers file",
            button_style="primary",
            icon="file-text",
            tooltip="Write this lesson's answers to a file you can download and upload",
            layout=widgets.Layout(width="auto"),
        )
        self.status = widgets.HTML(_STATUS.format(body=""))
        self.write_button.on_click(lambda _button: self.write())
        super().__init__(
            children=[
                widgets.HTML(_INSTRUCTIONS),
                widgets.HBox([self.name_box, self.write_button]),
                self.status,
            ]
        )
        self.add_class("course-handin")

    def _say(self, body: str) -> None:
        self.status.value = _STATUS.format(body=body)

    def write(self) -> Path | None:
        """Gather the work, write the file and offer it for download; return its path."""
        student = self.name_box.value  # read once: the file's name and its header must agree
        try:
            name = file_name(self.lesson, student)
        except ValueError as error:
            self._say(f"<p>✘ {html.escape(str(error))}</p>")
            return None
        try:
            folder = self.folder or Path.cwd()
            work = collect(self.lesson, notebook=find_notebook(self.lesson, folder))
            self.text = render(work, student, part=self.part)
            link = (
                f'<a download="{html.escape(name)}" href="data:text/markdown;charset=utf-8;'
                f'base64,{base64.b64encode(self.text.encode()).decode()}">'
                f"Download {html.escape(name)}</a>"
            )
            try:
                self.path = folder / name
                self.path.write_text(self.text, encoding="utf-8")
                where = f"It is also saved next to this notebook as {html.escape(name)}."
            except OSError as error:
                self.path = None
                where = f"It could not be saved in this folder ({html.escape(str(error))})."
            answered = sum(1 for a in work.exercises if _touched(a.record))
            written = sum(1 for w in work.written if w.answer)
            notes = "".join(f"<br>Note: {html.escape(n)}" for n in work.notes)
            self._say(
                f"<p>✔ Written: {answered} of {len(work.exercises)} exercise answer(s) and "
                f"{written} of {len(work.written)} written answer(s). {link}. {where} "
                f"Upload it where your teacher asks.{notes}</p>"
            )
            return self.path
        except Exception as error:  # noqa: BLE001 - the student must see a message, not a trace
            self._say(
                f"<p>✘ The file could not be written ({html.escape(type(error).__name__)}: "
                f"{html.escape(str(error))}). Your answers are still in this notebook: save it "
                "and tell your teacher.</p>"
            )
            return None


def button(lesson: str, part: int | None = None) -> HandIn:
    """The hand-in box for ``lesson`` (the notebook's name without ``.ipynb``).

    A lesson in parts puts one box at the end of each part (``part=1``, ``part=2``…), so that a
    class that stops there can hand in; every box writes the whole lesson's answers so far.
    """
    return HandIn(lesson, part=part)
