"""The teacher's guide (``docs/teachers/``), generated from the lessons, the code and the tables.

``course guide`` writes it; ``course guide --check`` says which files are out of date. Two
kinds of file make up the guide:

* **generated pages**: one per lesson (``docs/teachers/lessons/<notebook>.md``) and one for the
  graded assignments (``docs/teachers/assignments.md``), written whole by
  :mod:`course.guide.pages` from the notebooks, the exercises' own answer keys and the
  hand-written notes in ``docs/teachers/source/`` (:mod:`course.guide.notes`);
* **hand-written pages** (the guide's README, sessions, safeguarding, glossary, background,
  handing in), whose regions between ``<!-- guide:NAME -->`` and ``<!-- /guide:NAME -->`` are
  written by :data:`REGIONS`: the session plans, the content notes, the glossary from the
  actors table, the timeline, the documents as sources and a sample hand-in file.

Generation is deterministic: run twice, it writes the same bytes, and the tests check that the
committed guide is exactly what it produces.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from course.guide import glossary, safeguarding, sessions, sources, timeline
from course.guide.assignments import Assignment, assignment_paths, read_assignment
from course.guide.handin_sample import sample_handin
from course.guide.notebooks import Lesson, lesson_paths, read_lesson
from course.guide.notes import load_assignment_notes, load_lesson_notes
from course.guide.pages import assignments_page, exercise_keys, lesson_page
from course.paths import REPO_DIR

__all__ = [
    "GUIDE_DIR",
    "HAND_WRITTEN",
    "REGIONS",
    "Course",
    "GuideError",
    "fill_regions",
    "guide_files",
    "stale_files",
    "write_guide",
]

GUIDE_DIR = REPO_DIR / "docs" / "teachers"
_REGION = re.compile(r"<!-- guide:([\w-]+) -->\n.*?<!-- /guide:\1 -->", re.DOTALL)


class GuideError(RuntimeError):
    """The guide could not be written: a page lacks a region, or a region is unknown."""


@dataclass
class Course:
    """The lessons and assignments the guide is written from, read once."""

    notebooks: Path | None = None
    assignments_dir: Path | None = None

    @cached_property
    def lessons(self) -> list[Lesson]:
        return [read_lesson(path) for path in lesson_paths(self.notebooks)]

    @cached_property
    def assignments(self) -> list[Assignment]:
        return [read_assignment(path) for path in assignment_paths(self.assignments_dir)]

    @cached_property
    def keys(self) -> dict[str, dict]:
        return {lesson.stem: exercise_keys(lesson) for lesson in self.lessons}

    @cached_property
    def minutes(self) -> dict[str, tuple[int, str]]:
        return sessions.minutes(self.lessons, self.assignments)


def _overview(course: Course) -> str:
    lines = [
        "| lesson | title | parts (stated minutes) | total | exercises | written questions |",
        "|---|---|---|---|---|---|",
    ]
    for lesson in course.lessons:
        parts = ", ".join(f"{p.number}: {p.stated_minutes}" for p in lesson.parts)
        lines.append(
            f"| [`{lesson.stem}`](lessons/{lesson.stem}.md) | {lesson.title} | {parts} | "
            f"{lesson.stated_total} | {len(lesson.exercises)} | {len(lesson.questions)} |"
        )
    lines += [
        "",
        "| assignment | title | after | stated minutes | points |",
        "|---|---|---|---|---|",
    ]
    for assignment in course.assignments:
        lines.append(
            f"| [`{assignment.name}`](assignments.md) | {assignment.title} | "
            f"{assignment.prerequisites} | {assignment.stated_minutes} | {assignment.points:g} |"
        )
    return "\n".join(lines) + "\n"


#: Region name → what writes it, from the course.
REGIONS: dict[str, Callable[[Course], str]] = {
    "overview": _overview,
    "plans": lambda c: "\n".join(sessions.plan_markdown(n, c.minutes) for n in sessions.PLANS),
    "content-notes": lambda c: safeguarding.content_notes_markdown(c.lessons, c.assignments),
    "concordance": lambda c: safeguarding.concordance_markdown(c.lessons, c.keys),
    "sensitive-events": lambda c: safeguarding.sensitive_events_markdown(),
    "glossary": lambda c: glossary.glossary_markdown(),
    "timeline": lambda c: timeline.timeline_markdown(),
    "sources": lambda c: sources.sources_markdown(),
    "handin-sample": lambda c: "~~~~markdown\n" + sample_handin() + "~~~~\n",
}

#: The hand-written pages and the regions each must hold.
HAND_WRITTEN = {
    "README.md": ("overview",),
    "sessions.md": ("plans",),
    "safeguarding.md": ("content-notes", "concordance", "sensitive-events"),
    "glossary.md": ("glossary",),
    "background.md": ("timeline", "sources"),
    "handing-in.md": ("handin-sample",),
}


def fill_regions(page: str, course: Course, *, where: str = "page") -> str:
    """Rewrite every ``<!-- guide:NAME -->`` region of ``page`` from :data:`REGIONS`.

    Raises :class:`GuideError` naming ``where`` and the region when a region is unknown.
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in REGIONS:
            raise GuideError(f"{where}: unknown region {name!r}; known: {sorted(REGIONS)}")
        return f"<!-- guide:{name} -->\n{REGIONS[name](course).rstrip()}\n<!-- /guide:{name} -->"

    return _REGION.sub(fill, page)


def guide_files(course: Course | None = None, guide_dir: Path | None = None) -> dict[Path, str]:
    """Every file of the guide with the content it should have: {path: Markdown}.

    Raises :class:`GuideError` when a hand-written page is missing or lacks one of its regions,
    and :class:`course.guide.notes.NotesError` when a notes file is missing or malformed.
    """
    course = course or Course()
    guide_dir = guide_dir or GUIDE_DIR
    files: dict[Path, str] = {}
    for lesson in course.lessons:
        notes = load_lesson_notes(lesson.stem, guide_dir / "source")
        page = lesson_page(lesson, notes, course.keys[lesson.stem], course.assignments)
        files[guide_dir / "lessons" / f"{lesson.stem}.md"] = page
    notes_dir = guide_dir / "source"
    files[guide_dir / "assignments.md"] = assignments_page(
        course.assignments, load_assignment_notes(notes_dir), notes_dir / "assignments.yaml"
    )
    for name, regions in HAND_WRITTEN.items():
        path = guide_dir / name
        if not path.is_file():
            raise GuideError(f"{path} is missing: it is written by hand, around its regions")
        current = path.read_text(encoding="utf-8")
        absent = [r for r in regions if f"<!-- guide:{r} -->" not in current]
        if absent:
            raise GuideError(f"{path} lacks the region(s) {absent}")
        files[path] = fill_regions(current, course, where=str(path))
    return files


def stale_files(course: Course | None = None, guide_dir: Path | None = None) -> list[Path]:
    """The guide's files whose content differs from what :func:`guide_files` produces."""
    return [
        path
        for path, content in guide_files(course, guide_dir).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != content
    ]


def write_guide(
    course: Course | None = None,
    guide_dir: Path | None = None,
    progress: Callable[[str], object] = print,
) -> list[Path]:
    """Write every file of the guide that changed; return the paths written."""
    written = []
    for path, content in guide_files(course, guide_dir).items():
        if path.is_file() and path.read_text(encoding="utf-8") == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="\n")
        written.append(path)
        progress(f"  wrote {path.relative_to(REPO_DIR) if path.is_relative_to(REPO_DIR) else path}")
    return written
