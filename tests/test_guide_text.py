"""What the teacher's guide says in its own hand: exact quotations, its own neutral voice, no leaks.

The hand-written parts of the guide (the notes and model answers in ``docs/teachers/source/``
and the pages' text outside their generated regions) are held to the lessons' own rules: every
passage in double quotation marks is word for word in a document, and a loaded label of the
framing lexicon (or a word such as "indiscriminate" or "war crimes") appears only inside a
quotation or in a sentence that attributes it. The model answers must not reach the student
bundle, which ships ``course/``, ``notebooks/``, ``binder/`` and ``datasets/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from course import rules, text, voices
from course.guide import GUIDE_DIR, HAND_WRITTEN
from course.guide.facts import UnknownFact, fill
from course.guide.notes import NOTES_DIR
from tests.conftest import REPO

NOTES = sorted(NOTES_DIR.glob("*.yaml"))
PAGES = [GUIDE_DIR / name for name in HAND_WRITTEN]
#: Words of the lexicon the course uses as names of things: "opposition" is the infobox column
#: and the side code (the lessons' own tests allow it for the same reason).
OWN_VOICE_ALLOWED = {"opposition"}

_REGION = re.compile(r"<!-- guide:([\w-]+) -->.*?<!-- /guide:\1 -->", re.DOTALL)
_CODE = re.compile(r"```.*?```|~~~~.*?~~~~|`[^`\n]*`", re.DOTALL)
_QUOTE = re.compile(r"[\"“]([^\"”\n]+)[\"”]")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _normal(passage: str) -> str:
    return _SPACES.sub(" ", passage.translate(_APOSTROPHES)).strip()


@pytest.fixture(scope="module")
def corpus() -> str:
    return "\n".join(_normal(text.clean(doc_id).text) for doc_id in text.document_ids())


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def hand_written() -> Iterator[tuple[str, str]]:
    """(where, text) for every hand-written passage of the guide, code and regions removed."""
    for path in NOTES:
        for n, passage in enumerate(_strings(yaml.safe_load(path.read_text(encoding="utf-8")))):
            yield f"{path.name} #{n}", _CODE.sub(" ", passage)
    for path in PAGES:
        page = _REGION.sub(" ", path.read_text(encoding="utf-8"))
        for n, paragraph in enumerate(re.split(r"\n\s*\n", _CODE.sub(" ", page))):
            yield f"{path.name} ¶{n}", paragraph


def quotations(passage: str) -> list[str]:
    """Passages in double quotation marks, split at an ellipsis, of two words or more."""
    found = []
    for quoted in _QUOTE.findall(passage):
        for piece in re.split(r"\s*(?:\.\.\.|…)\s*", quoted):
            piece = piece.strip(" *,.;:")
            if len(piece) >= 8 and " " in piece:
                found.append(piece)
    return found


def test_the_hand_written_guide_has_text_to_check():
    """Are the notes of every lesson and the hand-written pages found (so the checks bite)?"""
    assert {path.stem for path in NOTES} >= {
        "00_start_here",
        "01_phases",
        "assignments",
    }
    assert sum(1 for _ in hand_written()) > 100


def test_every_quotation_in_the_hand_written_guide_is_word_for_word_in_a_document(corpus):
    """Is every passage the guide puts in double quotation marks in a document, as written?"""
    missing = [
        f"{where}: {quote!r}"
        for where, passage in hand_written()
        for quote in quotations(passage)
        if _normal(quote) not in corpus
    ]
    assert missing == []


def test_a_misquotation_is_caught(corpus):
    """Is a quotation no document contains reported (the test can fail)?"""
    (quote,) = quotations('The AP wrote that the rebels were "driven out of the whole city".')
    assert _normal(quote) not in corpus
    (real,) = quotations('The AP: "a siege that lasted for weeks".')
    assert _normal(real) in corpus


def loaded_in_own_voice(passage: str) -> list[str]:
    """Loaded words used outside quotation marks in a sentence that attributes nothing."""
    words = rules.loaded_words()
    prose = passage.translate(_APOSTROPHES)
    quoted = voices.quoted_spans(prose)
    found = []
    for sentence_start, sentence in _sentences(prose):
        attributed = bool(rules.ATTRIBUTION_MARKERS.search(sentence))
        for pattern, why in words:
            for match in pattern.finditer(sentence):
                start = sentence_start + match.start()
                end = sentence_start + match.end()
                inside = any(a <= start and end <= b for a, b in quoted)
                if not (attributed or inside or match.group(0).lower() in OWN_VOICE_ALLOWED):
                    found.append(f"{match.group(0)!r} ({why}) in {sentence.strip()[:100]!r}")
    return found


def _sentences(prose: str) -> Iterator[tuple[int, str]]:
    start = 0
    for gap in re.finditer(r"(?<=[.;!?:])\s+|\n", prose):
        yield start, prose[start : gap.start()]
        start = gap.end()
    yield start, prose[start:]


def test_the_hand_written_guide_uses_no_loaded_word_in_its_own_voice():
    """Outside quotations and attributed sentences, does the guide avoid every loaded label?"""
    problems = [
        f"{where}: {problem}"
        for where, passage in hand_written()
        for problem in loaded_in_own_voice(passage)
    ]
    assert problems == []


def test_a_loaded_word_in_the_guides_own_voice_is_caught():
    """Is an unattributed loaded word reported, and a quoted or attributed one let through?"""
    assert loaded_in_own_voice("The regime took the city.")
    assert loaded_in_own_voice("The army recaptured the district.")
    assert not loaded_in_own_voice('Activists called it a "massacre".')
    assert not loaded_in_own_voice("The AP says they were ousted from the east.")


def model_answers() -> list[str]:
    """Every model answer of the notes: written questions, reasons boxes, assignments."""
    found = []
    for path in NOTES:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.stem == "assignments":
            entries = [entry for questions in raw.values() for entry in questions.values()]
        else:
            entries = [*(raw.get("questions") or []), *(raw.get("reasons") or {}).values()]
        found += [entry["answer"] for entry in entries]
    return found


def test_the_model_answers_are_not_in_the_student_bundle_sources():
    """Does no model answer appear in course/, notebooks/, binder/ or datasets/?

    ``course bundle`` copies those folders to the students; the notes live in docs/, which it
    does not copy. A model answer pasted into a lesson or the package would leak.
    """
    answers = [_normal(answer)[:80] for answer in model_answers()]
    shipped = []
    for folder in ("course", "notebooks", "binder", "datasets"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".ipynb", ".md", ".csv", ".json", ".txt"}:
                shipped.append(_normal(path.read_text(encoding="utf-8", errors="replace")))
    leaked = [answer for answer in answers if any(answer in body for body in shipped)]
    assert answers and leaked == []


def test_the_notes_live_in_the_guide_not_in_the_package():
    """Are the hand-written notes under docs/teachers/source/, outside what the bundle ships?"""
    assert NOTES_DIR == GUIDE_DIR / "source"
    assert not any(Path(REPO / "course").rglob("*.yaml"))


@pytest.mark.parametrize(
    ("template", "pattern"),
    [
        ("{{rate:rebels:bbc_live}} per 1,000", r"^\d+\.\d per 1,000$"),
        ("{{count:rebels:wp_battle}} times", r"^\d+ times$"),
        ("{{words:bbc_live}} words", r"^[\d,]+ words$"),
        ("{{phase_events:y2016_fall:bbc_live}}", r"^\d+$"),
        ("no placeholder", r"^no placeholder$"),
    ],
)
def test_placeholders_are_computed_from_the_tables(template, pattern):
    """Is each placeholder of the notes replaced by a value computed from the tables?"""
    assert re.match(pattern, fill(template))


@pytest.mark.parametrize("template", ["{{weather}}", "{{rate:rebels}}", "{{count:nope:bbc_live}}"])
def test_an_unknown_placeholder_is_an_error(template):
    """Is a placeholder that names no fact, or gives it the wrong arguments, refused?"""
    with pytest.raises(UnknownFact):
        fill(template)


def test_the_guide_package_ships_no_solution_and_the_guide_is_kept_out_of_the_bundle():
    """Is course/ (which the bundle ships) free of solution and hidden-test lines, while the
    guide, which quotes them, stays in docs/, a folder `course bundle` does not copy?"""
    from course import bundle

    secrets = bundle.secret_lines(REPO / "autograder" / "source")
    assert bundle.scan(REPO / "course", secrets) == []
    assert bundle.scan(GUIDE_DIR, secrets), "the guide quotes the solutions and rubrics"
    copied = re.findall(r'copytree\(REPO_DIR / "(\w+)"', (REPO / "course/bundle.py").read_text())
    assert copied and "docs" not in copied
