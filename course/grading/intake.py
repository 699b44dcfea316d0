"""Intake: every handed-in file matched to a student and a notebook, or reported and why.

Both roads into grading pass through here: a learning platform's download (read by a
collector plugin from :mod:`course.grading.platforms`, inside ``nbgrader zip_collect``) and
nbgrader's exchange (after ``nbgrader collect``). :func:`resolve` takes the parsed files and
decides, per student:

* the newest submission (platform time, then the platform's own order such as Canvas's
  attachment ids, then the newer download) is graded; older ones are *superseded*, byte-for-byte
  repeats from a second download are *duplicates*;
* within it, the file named like each expected notebook is graded: exactly, or under a
  browser/editor/platform copy suffix (``(1)``, ``-1``, ``-Copy1``), or, failing that, the one
  notebook that holds this assignment's cells;
* every other notebook is *skipped*, with a warning that the work may be in it (how many
  answers it has against the graded file's); non-notebook files are *skipped*; platform
  receipts are *metadata*; ``.DS_Store`` and the like are *ignored*;
* files over ``CourseDirectory.max_file_size`` have their outputs removed (grading re-runs
  every cell, so no output ever counts) and are graded if that brings them under the limit.

:class:`IntakeReport` renders one line per file plus one per roster student with no gradable
submission. Statuses and what they mean for ``course grade``'s exit code are listed in
:data:`STATUSES`.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from course.grading.lms_roster import SAFE_ID, LmsRoster
from course.grading.notebook_files import (
    answered_cells,
    file_digest,
    grade_ids,
    human_size,
    match_notebook,
    strip_outputs,
)

__all__ = [
    "STATUSES",
    "IntakeLine",
    "IntakePlan",
    "IntakeReport",
    "SubmittedFile",
    "apply_plan",
    "duedate_of",
    "lateness",
    "resolve",
]

#: Line statuses. Those marked True need the instructor: they make ``course grade`` exit 3.
STATUSES: dict[str, tuple[bool, str]] = {
    "matched": (False, "graded as the student's notebook"),
    "duplicate": (False, "the same bytes as a file that is graded (e.g. a second download)"),
    "superseded": (False, "an older submission; the student's newer one is graded"),
    "metadata": (False, "the platform's own record (receipt, index, metadata), read for times"),
    "ignored": (False, "not student work (.DS_Store, __MACOSX, checkpoints)"),
    "skipped": (True, "student work that is not graded; the reason says what to do"),
    "no submission": (True, "a roster student with nothing gradable"),
}


@dataclass
class SubmittedFile:
    """One file from a download or the exchange, as the platform's naming describes it.

    ``path`` is relative to the download root; ``role`` is "work", "metadata" or "system";
    ``filename`` the student's own file name (platform prefix removed); ``timestamp`` an aware
    datetime or None; ``late_marker`` the platform's own late flag (None: it gives none);
    ``submission`` groups files handed in together; ``order`` and ``download_rank`` order
    submissions when times are missing (higher is newer); ``note`` is said about the file in
    the report, ``problem`` (when set) is why the file cannot be matched at all.
    """

    path: str
    role: str = "work"
    filename: str = ""
    platform_id: str = ""
    name: str = ""
    email: str = ""
    timestamp: datetime | None = None
    time_source: str = ""
    late_marker: bool | None = None
    submission: str = ""
    order: tuple[int, ...] = ()
    download: str = ""
    download_rank: int = 0
    prefix: str = ""
    co_submitters: list[dict[str, str]] = field(default_factory=list)
    note: str = ""
    problem: str = ""
    fallback_id: str = ""


@dataclass
class IntakeLine:
    """One line of the intake report: a file (or a roster student) and what became of it."""

    status: str
    file: str = ""
    student: str = ""
    name: str = ""
    notebook: str = ""
    detail: str = ""

    def text(self) -> str:
        """The line as printed: ``STATUS  file -> student (name), notebook: detail``."""
        who = self.student + (f" ({self.name})" if self.name and self.name != self.student else "")
        target = ", ".join(x for x in (who, self.notebook) if x)
        subject = self.file or who
        arrow = f" -> {target}" if self.file and target else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.status.upper():<13} {subject}{arrow}{detail}"


@dataclass
class Chosen:
    """The file graded as one student's notebook, with what the report should say about it."""

    source: Path
    notebook: str
    file: SubmittedFile
    stripped: Path | None = None
    also_for: list[str] = field(default_factory=list)


@dataclass
class IntakePlan:
    """The outcome of :func:`resolve`: lines for the report, and the file graded per notebook."""

    platform: str
    lines: list[IntakeLine] = field(default_factory=list)
    chosen: dict[tuple[str, str], Chosen] = field(default_factory=dict)
    students: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self, path: Path) -> None:
        """Write the plan for ``course grade`` to read after ``nbgrader zip_collect``."""
        data = {
            "platform": self.platform,
            "lines": [asdict(line) for line in self.lines],
            "chosen": [
                {
                    "student": s,
                    "notebook": nb,
                    "source": str(c.source),
                    "stripped": str(c.stripped) if c.stripped else "",
                    "also_for": c.also_for,
                    "timestamp": c.file.timestamp.isoformat() if c.file.timestamp else "",
                }
                for (s, nb), c in self.chosen.items()
            ],
            "students": self.students,
        }
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def from_json(cls, path: Path) -> IntakePlan:
        """Read a plan written by :meth:`to_json`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        plan = cls(data["platform"], [IntakeLine(**line) for line in data["lines"]])
        for item in data["chosen"]:
            stamp = datetime.fromisoformat(item["timestamp"]) if item["timestamp"] else None
            plan.chosen[(item["student"], item["notebook"])] = Chosen(
                Path(item["source"]),
                item["notebook"],
                SubmittedFile(path=item["source"], timestamp=stamp),
                Path(item["stripped"]) if item["stripped"] else None,
                item["also_for"],
            )
        plan.students = data["students"]
        return plan


# --------------------------------------------------------------------------------------------
# Deciding


def duedate_of(db_url: str, assignment: str) -> datetime | None:
    """The assignment's due date from the gradebook (aware, UTC), or None if it has none."""
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(db_url) as gradebook:
            due = gradebook.find_assignment(assignment).duedate
    except MissingEntry:
        return None
    return due.replace(tzinfo=UTC) if due else None


def lateness(timestamp: datetime | None, duedate: datetime | None, marker: bool | None) -> str:
    """Say, in words, whether a submission was late and how the report knows.

    ``timestamp`` and ``duedate`` are aware datetimes (or None); ``marker`` is the platform's
    own late flag. Never returns "" for a late submission.
    """
    if timestamp is not None and duedate is not None:
        if timestamp > duedate:
            minutes = int((timestamp - duedate).total_seconds() // 60)
            return f"LATE by {minutes // 60} h {minutes % 60:02d} min"
        return "on time"
    if marker:
        return (
            "LATE (the platform marks it late; it gives no time, so nbgrader cannot say how late)"
        )
    if marker is False and timestamp is None:
        return "on time (the platform's own marker; it gives no submission time)"
    if timestamp is None:
        return "no submission time in the download, so lateness is not checked"
    return "no due date in the gradebook, so lateness is not checked"


def resolve(
    files: Iterable[SubmittedFile],
    root: Path,
    *,
    platform: str,
    release: Path,
    roster: LmsRoster | None = None,
    max_kb: int | None = None,
    duedate: datetime | None = None,
    work_dir: Path | None = None,
) -> IntakePlan:
    """Decide, for every file, which student and notebook it is graded as, or why it is not.

    ``files`` are relative to ``root``; ``release`` is the released assignment folder (the
    expected notebooks and their blank answers); ``roster`` maps platform ids and names to
    usernames; ``max_kb`` is ``CourseDirectory.max_file_size``; oversized notebooks have their
    outputs stripped into ``work_dir``, or in place when it is None (only for a scratch copy
    such as nbgrader's ``extracted/``). ``duedate`` (aware) lets the report say what was late.
    """
    expected = sorted(p.name for p in release.glob("*.ipynb"))
    plan = IntakePlan(platform)
    by_student: dict[str, list[SubmittedFile]] = {}
    for item in files:
        if item.role == "system":
            plan.lines.append(IntakeLine("ignored", item.path, detail=item.note))
            continue
        if item.role == "metadata":
            plan.lines.append(IntakeLine("metadata", item.path, detail=item.note))
            continue
        if item.problem:
            who = _student_id(item, roster)[0] if item.platform_id else ""
            plan.lines.append(IntakeLine("skipped", item.path, who, item.name, "", item.problem))
            continue
        student, how = _student_id(item, roster)
        if not student:
            plan.lines.append(IntakeLine("skipped", item.path, name=item.name, detail=how))
            continue
        if how:
            item.note = how
        entry = roster.get(student) if roster is not None else None
        if entry is not None and entry.name:
            item.name = entry.name
        by_student.setdefault(student, []).append(item)
        plan.students.setdefault(
            student,
            {
                "name": item.name,
                "platform_id": item.platform_id,
                "email": item.email,
                "prefix": item.prefix,
                "timestamp": "",
                "late": "",
                "notes": [],
            },
        )
    for student, items in sorted(by_student.items()):
        _resolve_student(plan, student, items, root, expected, release, max_kb, duedate, work_dir)
    _group_members(plan, roster)
    return plan


def _student_id(item: SubmittedFile, roster: LmsRoster | None) -> tuple[str, str]:
    """(student id, note) for a file; ("", reason) when it cannot be given one safely."""
    fallback = item.fallback_id or item.platform_id
    if roster is not None:
        entry, how = roster.find(platform_id=item.platform_id, name=item.name, email=item.email)
        if entry is not None:
            return entry.username, ""
        note = (
            f"{how}: graded as {fallback!r}; add them to the roster"
            if how == "not on the roster"
            else f"{how}; graded as {fallback!r}"
        )
    else:
        note = ""
    if not SAFE_ID.fullmatch(fallback or "") or fallback in {".", ".."}:
        return "", f"the student id {fallback!r} from the file name is not safe to use as a folder"
    return fallback, note


def _order(item: SubmittedFile) -> tuple[Any, ...]:
    stamp = item.timestamp.timestamp() if item.timestamp else float("-inf")
    return (stamp, item.order, item.download_rank)


def _resolve_student(
    plan: IntakePlan,
    student: str,
    items: list[SubmittedFile],
    root: Path,
    expected: list[str],
    release: Path,
    max_kb: int | None,
    duedate: datetime | None,
    work_dir: Path | None,
) -> None:
    name = plan.students[student]["name"]

    def line(status: str, item: SubmittedFile, notebook: str = "", detail: str = "") -> None:
        notes = "; ".join(x for x in (detail, item.note) if x)
        plan.lines.append(IntakeLine(status, item.path, student, name, notebook, notes))

    notebooks = []
    for item in items:
        if item.filename.lower().endswith(".ipynb"):
            notebooks.append(item)
        else:
            kind = Path(item.filename).suffix or "no extension"
            line("skipped", item, detail=f"not a notebook ({kind}); not graded")
    # Byte-for-byte repeats (a second download of the same submission): keep the newest.
    digests: dict[str, SubmittedFile] = {}
    for item in sorted(notebooks, key=_order, reverse=True):
        digest = file_digest(root / item.path)
        if digest in digests:
            line("duplicate", item, detail=f"same bytes as {digests[digest].path}")
        else:
            digests[digest] = item
    notebooks = list(digests.values())
    if not notebooks:
        return
    submissions: dict[str, list[SubmittedFile]] = {}
    for item in notebooks:
        submissions.setdefault(item.submission, []).append(item)
    ranked = sorted(submissions.values(), key=lambda group: max(map(_order, group)), reverse=True)
    newest, older = ranked[0], [i for group in ranked[1:] for i in group]
    newest_label = newest[0].path
    for item in older:
        line("superseded", item, detail=f"an older submission; the newer {newest_label} is graded")

    left = list(newest)
    for notebook in expected:
        candidates = []
        for item in left:
            found = match_notebook(Path(item.filename).name, [notebook])
            if found.notebook:
                candidates.append((found, item))
        how = ""
        if candidates:
            candidates.sort(key=lambda c: (c[0].how == "exact", c[0].rank, _order(c[1])))
            found, chosen = candidates[-1]
            how = found.note
        else:
            chosen = _by_content(left, root, release / notebook)
            if chosen is None:
                continue
            how = f"renamed {Path(chosen.filename).name!r}, but it holds this assignment's cells"
        left.remove(chosen)
        detail = _accept(plan, student, notebook, chosen, root, max_kb, work_dir)
        if detail.startswith("SKIP:"):
            line("skipped", chosen, notebook, detail[5:])
            continue
        stamp = (
            f"submitted {chosen.timestamp.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
            f" ({chosen.time_source})"
            if chosen.timestamp
            else ""
        )
        late = lateness(chosen.timestamp, duedate, chosen.late_marker)
        line("matched", chosen, notebook, "; ".join(x for x in (how, stamp, late, detail) if x))
        info = plan.students[student]
        info["timestamp"] = chosen.timestamp.isoformat() if chosen.timestamp else ""
        info["late"] = late
        info["prefix"] = chosen.prefix or info["prefix"]
    graded = {nb: c for (s, nb), c in plan.chosen.items() if s == student}
    for item in left:
        line("skipped", item, detail=_extra_warning(item, root, graded, release, student))


def _by_content(items: list[SubmittedFile], root: Path, released: Path) -> SubmittedFile | None:
    """The one notebook among ``items`` holding at least half of ``released``'s nbgrader cells."""
    wanted = set(grade_ids(released))
    holding = [
        item
        for item in items
        if item.filename.lower().endswith(".ipynb")
        and wanted
        and len(wanted & set(grade_ids(root / item.path))) * 2 >= len(wanted)
    ]
    return holding[0] if len(holding) == 1 else None


def _accept(
    plan: IntakePlan,
    student: str,
    notebook: str,
    item: SubmittedFile,
    root: Path,
    max_kb: int | None,
    work_dir: Path | None,
) -> str:
    """Record ``item`` as graded; strip its outputs if it is over the limit ("SKIP:..." if not)."""
    source = root / item.path
    size = source.stat().st_size
    stripped = None
    detail = ""
    if max_kb and size > max_kb * 1000:
        limit = f"the {human_size(max_kb * 1000)} limit (CourseDirectory.max_file_size = {max_kb})"
        if work_dir is None:  # a scratch copy (nbgrader's extracted/): strip it where it is
            target = source
            kept = "the original is kept in the download archive"
        else:
            work_dir.mkdir(parents=True, exist_ok=True)
            target = work_dir / f"{student}-{notebook}"
            kept = "the original is kept where it was handed in"
        before = target.read_bytes() if target == source else None
        new_size = strip_outputs(source, target)
        if new_size is None:
            return f"SKIP:{human_size(size)} is over {limit} and it is not a readable notebook"
        if new_size > max_kb * 1000:
            if before is not None:
                target.write_bytes(before)
            else:
                target.unlink()
            return (
                f"SKIP:{human_size(size)} is over {limit}, and still {human_size(new_size)} "
                "without its outputs; raise the limit or ask the student to clear large cells"
            )
        stripped = None if target == source else target
        detail = (
            f"{human_size(size)} is over {limit}; its outputs were removed, leaving "
            f"{human_size(new_size)} (grading re-runs every cell, so no output counts; {kept})"
        )
    plan.chosen[(student, notebook)] = Chosen(source, notebook, item, stripped)
    return detail


def _extra_warning(
    item: SubmittedFile, root: Path, graded: dict[str, Chosen], release: Path, student: str
) -> str:
    """Why an extra notebook is not graded, and whether the work seems to be in it."""
    if not graded:
        return (
            f"{Path(item.filename).name!r} is not one of this assignment's notebooks "
            f"({', '.join(p.name for p in release.glob('*.ipynb'))}) and holds too few of its "
            "cells to be graded as one; not graded. Ask the student which file is their work"
        )
    notebook, chosen = next(iter(graded.items()))
    released = release / notebook
    extra = answered_cells(root / item.path, released)
    main = answered_cells(chosen.stripped or chosen.source, released)
    text = f"extra notebook {Path(item.filename).name!r} handed in with {notebook}; not graded"
    if extra is not None and main is not None:
        text += (
            f" (it has {extra} answer(s) changed from the blank assignment, the graded file {main})"
        )
        if extra > main:
            text += (
                f". The work may be in it: check it, and if so copy it over "
                f"submitted/{student}/{release.name}/{notebook} and run course grade "
                f"{release.name} --no-collect --force --student {student}"
            )
    return text


def _group_members(plan: IntakePlan, roster: LmsRoster | None) -> None:
    """Give every member of a group submission (Gradescope) the group's graded file."""
    for (student, notebook), chosen in list(plan.chosen.items()):
        for member in chosen.file.co_submitters:
            probe = SubmittedFile(
                path=chosen.file.path,
                platform_id=member.get("platform_id", ""),
                name=member.get("name", ""),
                email=member.get("email", ""),
                fallback_id=member.get("fallback_id", ""),
            )
            other, _ = _student_id(probe, roster)
            if other and other != student and (other, notebook) not in plan.chosen:
                chosen.also_for.append(other)
                plan.students.setdefault(other, dict(plan.students[student], name=probe.name))
                plan.lines.append(
                    IntakeLine(
                        "matched",
                        chosen.file.path,
                        other,
                        probe.name,
                        notebook,
                        f"group submission with {student}: graded for each member",
                    )
                )


# --------------------------------------------------------------------------------------------
# Applying


def apply_plan(plan: IntakePlan, submitted: Path, assignment: str) -> list[str]:
    """Make ``submitted/<student>/<assignment>/<notebook>`` hold each chosen file.

    ``nbgrader zip_collect`` (or ``collect``) has copied most files already; this copies what
    they could not: outputs-stripped copies of oversized notebooks, notebooks graded under a
    corrected name, and group members' copies. Returns the students whose files it wrote.
    """
    written = []
    for (student, notebook), chosen in plan.chosen.items():
        source = chosen.stripped or chosen.source
        for who in [student, *chosen.also_for]:
            folder = submitted / who / assignment
            target = folder / notebook
            if target.is_file() and file_digest(target) == file_digest(source):
                continue
            if (
                who != student
                and (submitted / student / assignment).is_dir()
                and not folder.exists()
            ):
                shutil.copytree(submitted / student / assignment, folder)
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            stamp = folder / "timestamp.txt"
            if chosen.file.timestamp and not stamp.exists():
                stamp.write_text(f"{chosen.file.timestamp.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f %Z}")
            written.append(who)
    return written


# --------------------------------------------------------------------------------------------
# Reporting


@dataclass
class IntakeReport:
    """All intake lines of one run, with the roster students who have nothing gradable."""

    assignment: str
    source: str
    lines: list[IntakeLine] = field(default_factory=list)
    roster_note: str = ""

    @property
    def problems(self) -> list[IntakeLine]:
        """Lines that need the instructor (see :data:`STATUSES`)."""
        return [line for line in self.lines if STATUSES.get(line.status, (True, ""))[0]]

    def add_missing(self, roster: Iterable[tuple[str, str]], reasons: dict[str, str]) -> None:
        """Add a line for every ``(username, name)`` on the roster without a matched file."""
        matched = {line.student for line in self.lines if line.status == "matched"}
        for username, name in roster:
            if username not in matched:
                detail = reasons.get(username) or f"nothing for this student in {self.source}"
                self.lines.append(IntakeLine("no submission", "", username, name, "", detail))

    def text(self) -> str:
        """The report as printed and written to ``reports/<assignment>-intake.txt``."""
        counts: dict[str, int] = {}
        for line in self.lines:
            counts[line.status] = counts.get(line.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "no files"
        head = [f"Intake report: {self.assignment}, from {self.source}", summary]
        if self.roster_note:
            head.append(self.roster_note)
        return "\n".join([*head, "", *(line.text() for line in self.lines)]) + "\n"

    def write(self, reports: Path) -> tuple[Path, Path]:
        """Write ``<assignment>-intake.txt`` and ``-intake.csv`` to ``reports``; return both."""
        text_path = reports / f"{self.assignment}-intake.txt"
        text_path.write_text(self.text(), encoding="utf-8")
        csv_path = reports / f"{self.assignment}-intake.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(asdict(IntakeLine("x"))))
            writer.writeheader()
            writer.writerows(asdict(line) for line in self.lines)
        return text_path, csv_path
