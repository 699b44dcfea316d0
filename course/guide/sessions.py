"""Ways to teach the course in 2, 4 or 6 class sessions, with times read from the notebooks.

A plan is a list of :class:`Slot`: a class session, homework between sessions, or the
optional work at the end. Each slot names lesson parts (``"01_phases/2"``) and assignments
(``"ps1_phases"``); their minutes are the times the notebooks state, never typed here, so a
plan's totals follow the lessons. :func:`plan_problems` holds every plan to its rules:

* every lesson part and every assignment appears exactly once (in class, as homework, or
  optional), so the plan's minutes add up to the course's;
* a class session fits :data:`SESSION_MINUTES`, and homework between two sessions stays within
  :data:`HOMEWORK_MINUTES`;
* the parts of a lesson that are taken (in class or as homework) come in their order, and
  lesson ``00_start_here`` comes first, all of it before the first graded assignment (its last
  part says how to hand one in).
"""

from __future__ import annotations

from dataclasses import dataclass

from course.guide.assignments import Assignment
from course.guide.notebooks import Lesson

__all__ = [
    "HOMEWORK_MINUTES",
    "PLANS",
    "SESSION_MINUTES",
    "Slot",
    "minutes",
    "plan_markdown",
    "plan_problems",
]

#: The length of a class session the plans assume (the lessons' parts fit one each).
SESSION_MINUTES = 50
#: The most homework a plan sets between two sessions.
HOMEWORK_MINUTES = 60
#: How a plan names a lesson that is not split into parts.
WHOLE_LESSON = "the whole lesson"


@dataclass(frozen=True)
class Slot:
    """One step of a plan: ``kind`` is "class", "homework" or "optional"."""

    label: str
    kind: str
    items: tuple[str, ...]


def _plan(*slots: tuple[str, str, tuple[str, ...]]) -> tuple[Slot, ...]:
    return tuple(Slot(label, kind, items) for label, kind, items in slots)


_OPTIONAL_TWO = (
    "01_phases/1", "01_phases/2", "02_combatants/1", "02_combatants/2",
    "03_sources_and_evidence/2", "03_sources_and_evidence/3", "04_media_framing/3",
    "04_media_framing/4", "05_aleppo_2016_and_2024/1", "05_aleppo_2016_and_2024/2",
    "ps1_phases", "ps2_sources", "ps3_framing",
)  # fmt: skip

_START = ("00_start_here/1", "00_start_here/2")  # running cells, the sources, every control

#: The plans, by number of class sessions. Lesson 00's first two parts (running a notebook, the
#: exercises) are homework before the first session; its third (keeping answers, handing in) is
#: taken in class, in the first session with ten minutes to spare before the first graded
#: assignment, so that the teacher can show the class its own way of handing in.
PLANS: dict[int, tuple[Slot, ...]] = {
    2: _plan(
        ("Before session 1", "homework", _START),
        ("Session 1", "class", ("00_start_here/3", "03_sources_and_evidence/1")),
        ("Between sessions 1 and 2", "homework", ("04_media_framing/1",)),
        ("Session 2", "class", ("04_media_framing/2",)),
        ("Optional", "optional", _OPTIONAL_TWO),
    ),
    4: _plan(
        ("Before session 1", "homework", _START),
        ("Session 1", "class", ("01_phases/1",)),
        ("Session 2", "class", ("00_start_here/3", "03_sources_and_evidence/1")),
        ("Between sessions 2 and 3", "homework", ("04_media_framing/1",)),
        ("Session 3", "class", ("04_media_framing/2",)),
        ("Between sessions 3 and 4", "homework", ("ps3_framing",)),
        ("Session 4", "class", ("05_aleppo_2016_and_2024/1",)),
        (
            "Optional",
            "optional",
            (
                "01_phases/2",
                "02_combatants/1",
                "02_combatants/2",
                "03_sources_and_evidence/2",
                "03_sources_and_evidence/3",
                "04_media_framing/3",
                "04_media_framing/4",
                "05_aleppo_2016_and_2024/2",
                "ps1_phases",
                "ps2_sources",
            ),
        ),  # fmt: skip
    ),
    6: _plan(
        ("Before session 1", "homework", _START),
        ("Session 1", "class", ("01_phases/1",)),
        ("Session 2", "class", ("01_phases/2",)),
        ("Session 3", "class", ("00_start_here/3", "03_sources_and_evidence/1")),
        ("Between sessions 3 and 4", "homework", ("ps1_phases",)),
        ("Session 4", "class", ("03_sources_and_evidence/2",)),
        ("Between sessions 4 and 5", "homework", ("04_media_framing/1",)),
        ("Session 5", "class", ("04_media_framing/2",)),
        ("Between sessions 5 and 6", "homework", ("ps3_framing",)),
        ("Session 6", "class", ("05_aleppo_2016_and_2024/1",)),
        ("After session 6", "homework", ("05_aleppo_2016_and_2024/2",)),
        (
            "Optional",
            "optional",
            (
                "02_combatants/1",
                "02_combatants/2",
                "03_sources_and_evidence/3",
                "04_media_framing/3",
                "04_media_framing/4",
                "ps2_sources",
            ),
        ),  # fmt: skip
    ),
}


def minutes(lessons: list[Lesson], assignments: list[Assignment]) -> dict[str, tuple[int, str]]:
    """Every item a plan can name, with its stated minutes and a title.

    Parts are ``"<lesson>/<part>"``; assignments by name. A part or assignment that states no
    time counts as 0 minutes (and fails the lessons' own timing tests).
    """
    found: dict[str, tuple[int, str]] = {}
    for lesson in lessons:
        for part in lesson.parts:
            title = part.title if len(lesson.parts) > 1 else WHOLE_LESSON
            found[f"{lesson.stem}/{part.number}"] = (part.stated_minutes or 0, title)
    for assignment in assignments:
        found[assignment.name] = (assignment.stated_minutes or 0, assignment.title)
    return found


def plan_problems(plan: tuple[Slot, ...], available: dict[str, tuple[int, str]]) -> list[str]:
    """Everything wrong with ``plan`` under the rules in the module docstring."""
    problems: list[str] = []
    named = [item for slot in plan for item in slot.items]
    unknown = sorted(set(named) - set(available))
    if unknown:
        problems.append(f"names unknown parts or assignments: {unknown}")
    twice = sorted({item for item in named if named.count(item) > 1})
    if twice:
        problems.append(f"names these more than once: {twice}")
    missing = sorted(set(available) - set(named))
    if missing:
        problems.append(f"leaves out: {missing}")
    for slot in plan:
        total = sum(available.get(item, (0, ""))[0] for item in slot.items)
        if slot.kind == "class" and total > SESSION_MINUTES:
            problems.append(f"{slot.label} needs {total} minutes, more than {SESSION_MINUTES}")
        if slot.kind == "homework" and total > HOMEWORK_MINUTES:
            problems.append(f"{slot.label} sets {total} minutes of homework")
    taken = [item for slot in plan if slot.kind != "optional" for item in slot.items if "/" in item]
    if taken and not taken[0].startswith("00_"):
        problems.append("lesson 00_start_here should come first")
    in_order = [item for slot in plan if slot.kind != "optional" for item in slot.items]
    graded = [n for n, item in enumerate(in_order) if "/" not in item]
    late = [item for item in in_order[graded[0] :] if item.startswith("00_")] if graded else []
    if late:
        problems.append(f"{late} (how to hand in) should come before the first assignment")
    last: dict[str, int] = {}
    for item in taken:
        lesson, part = item.split("/")
        if int(part) <= last.get(lesson, 0):
            problems.append(f"{item} comes after a later part of {lesson}")
        last[lesson] = int(part)
    kinds = [slot.kind for slot in plan]
    if "optional" in kinds and set(kinds[kinds.index("optional") :]) != {"optional"}:
        problems.append("optional work belongs at the end of the plan")
    return problems


def plan_markdown(sessions: int, available: dict[str, tuple[int, str]]) -> str:
    """One plan as a Markdown table, with its minutes in class, as homework and optional."""
    plan = PLANS[sessions]
    lines = [
        f"### {sessions} sessions",
        "",
        "| when | what | minutes |",
        "|---|---|---|",
    ]
    totals = {"class": 0, "homework": 0, "optional": 0}
    for slot in plan:
        for item in slot.items:
            stated, title = available[item]
            lesson, _, part = item.partition("/")
            name = f"`{lesson}` part {part}" if part and title != WHOLE_LESSON else f"`{lesson}`"
            kind = {"homework": " (homework)", "optional": " (optional)"}.get(slot.kind, "")
            kind = "" if slot.kind in slot.label.lower() else kind
            lines.append(f"| {slot.label}{kind} | {name}: {title} | {stated} |")
            totals[slot.kind] += stated
    everything = sum(stated for stated, _ in available.values())
    lines += [
        "",
        f"In class: {totals['class']} minutes in {sessions} sessions of at most "
        f"{SESSION_MINUTES}. Homework: {totals['homework']} minutes. Optional: "
        f"{totals['optional']} minutes. Together: {sum(totals.values())} minutes, the "
        f"{everything} minutes the notebooks state for every lesson part and assignment.",
        "",
    ]
    return "\n".join(lines)
