"""The class list that intake checks a download against: who should have handed in, and as whom.

A learning platform names each download after its own ids (Canvas user ids, Moodle participant
numbers, Brightspace user ids, Gradescope SIDs) and the student's name. A roster maps those to
the usernames the course grades under, and lists everyone, so that a student who handed in
nothing is reported rather than silently absent.

:func:`read_lms_roster` reads three kinds of CSV file, told apart by their header:

* the course's own roster: ``username`` (required) and any of ``platform_id``, ``name``,
  ``email``, ``section``, ``sis_user_id``; one row per student;
* the JupyterHub roster (``username,role``, see :mod:`course.roster`): its ``student`` rows;
* a Canvas gradebook export (Grades → Export): ``Student, ID, SIS User ID, SIS Login ID,
  Section``; the username is the SIS Login ID (or the Canvas ID when that is blank), the
  ``platform_id`` the Canvas ID. Its "Points Possible" row is skipped.

Every problem raises :class:`LmsRosterError` naming the file and line.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SAFE_ID",
    "LmsRoster",
    "LmsRosterError",
    "RosterEntry",
    "normalize_name",
    "read_lms_roster",
]

#: What a student id may be: it names folders under submitted/ and autograded/, so no path
#: separators, no leading dot, and no "+" (nbgrader's exchange separates fields with it).
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")

COURSE_COLUMNS = ("username", "platform_id", "name", "email", "section", "sis_user_id")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


class LmsRosterError(ValueError):
    """A roster that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class RosterEntry:
    """One student on the roster.

    ``username`` is the nbgrader student id; ``platform_id`` the id the learning platform puts
    in file names (empty when unknown); ``name`` as the platform shows it.
    """

    username: str
    platform_id: str = ""
    name: str = ""
    email: str = ""
    section: str = ""
    sis_user_id: str = ""


def normalize_name(name: str) -> str:
    """A person's name reduced for comparison: NFC, case-folded, spaces collapsed.

    "Núñez,  José" and "núñez, josé" compare equal; accents are kept, so "Nunez" does not.
    """
    name = unicodedata.normalize("NFC", name or "")
    return " ".join(name.replace(",", " ").split()).casefold()


class LmsRoster:
    """Lookups over a list of :class:`RosterEntry`: by username, platform id, name or email."""

    def __init__(self, entries: Iterable[RosterEntry], source: str = "") -> None:
        self.entries = list(entries)
        self.source = source
        self._by_username = {e.username: e for e in self.entries}
        self._by_platform = {e.platform_id: e for e in self.entries if e.platform_id}
        self._by_email = {e.email.casefold(): e for e in self.entries if e.email}
        self._by_name: dict[str, list[RosterEntry]] = {}
        for entry in self.entries:
            for key in _name_keys(entry.name):
                self._by_name.setdefault(key, []).append(entry)

    def __iter__(self) -> Iterator[RosterEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, username: object) -> bool:
        return username in self._by_username

    def get(self, username: str) -> RosterEntry | None:
        """The entry with this username, or None."""
        return self._by_username.get(username)

    def find(
        self, *, platform_id: str = "", name: str = "", email: str = ""
    ) -> tuple[RosterEntry | None, str]:
        """Find one student: by platform id, then email, then a name no one else has.

        Returns ``(entry, how)``: ``how`` says which key matched ("platform id", "email",
        "name"), or, when ``entry`` is None, why none did ("not on the roster", or "2 students
        on the roster are named ..." when a name is shared).
        """
        if platform_id and platform_id in self._by_platform:
            return self._by_platform[platform_id], "platform id"
        if platform_id and platform_id in self._by_username:
            return self._by_username[platform_id], "username"
        if email and email.casefold() in self._by_email:
            return self._by_email[email.casefold()], "email"
        for key in _name_keys(name):
            found = self._by_name.get(key, [])
            if len(found) == 1:
                return found[0], "name"
            if len(found) > 1:
                who = ", ".join(e.username for e in found)
                return None, (
                    f"{len(found)} students on the roster are named {name!r} ({who}); add a "
                    "platform_id column to the roster to tell them apart"
                )
        return None, "not on the roster"


def _name_keys(name: str) -> list[str]:
    """Keys a name may be written under: as given, and "Last, First" turned round."""
    if not name:
        return []
    keys = [normalize_name(name)]
    if "," in name:
        last, _, first = name.partition(",")
        keys.append(normalize_name(f"{first} {last}"))
    # Canvas compacts "Wang, Wei" to "wangwei" in file names; match that form too.
    keys.append(re.sub(r"\W", "", normalize_name(name)))
    return list(dict.fromkeys(k for k in keys if k))


def read_lms_roster(path: str | Path) -> LmsRoster:
    """Read a roster CSV (course format, hub roster, or Canvas gradebook export).

    Raises :class:`LmsRosterError` for a missing file, an unknown header, a blank, unsafe or
    repeated username, or a repeated platform id; each message names the file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise LmsRosterError(f"{path}: no roster file here.")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        if "username" in header and "role" in header and "platform_id" not in header:
            rows = _hub_rows(reader)
        elif "username" in header:
            rows = _course_rows(reader)
        elif set(CANVAS_COLUMNS[:2]) <= set(header):
            rows = _canvas_rows(reader)
        else:
            raise LmsRosterError(
                f"{path}: unknown roster header {', '.join(header) or '(empty)'}. Use the "
                f"columns {', '.join(COURSE_COLUMNS)} (only username is required), the hub "
                "roster (username,role), or Canvas's gradebook export."
            )
        entries: list[RosterEntry] = []
        seen: dict[str, int] = {}
        seen_platform: dict[str, int] = {}
        for line, entry in rows:
            where = f"{path}, line {line}"
            if not entry.username:
                raise LmsRosterError(f"{where}: the username is blank.")
            if not SAFE_ID.fullmatch(entry.username):
                raise LmsRosterError(
                    f"{where}: {entry.username!r} cannot be a student id (use letters, digits, "
                    "'.', '_', '-' or '@', starting with a letter or digit, at most 64)."
                )
            if entry.username in seen:
                raise LmsRosterError(
                    f"{where}: {entry.username!r} is already on line {seen[entry.username]}."
                )
            if entry.platform_id and entry.platform_id in seen_platform:
                raise LmsRosterError(
                    f"{where}: platform id {entry.platform_id!r} is already on line "
                    f"{seen_platform[entry.platform_id]}."
                )
            seen[entry.username] = line
            if entry.platform_id:
                seen_platform[entry.platform_id] = line
            entries.append(entry)
    return LmsRoster(entries, source=str(path))


def _clean(row: dict[str, str | None], key: str) -> str:
    return unicodedata.normalize("NFC", (row.get(key) or "").strip())


def _course_rows(reader: csv.DictReader) -> Iterator[tuple[int, RosterEntry]]:
    for line, row in enumerate(reader, start=2):
        yield line, RosterEntry(*(_clean(row, column) for column in COURSE_COLUMNS))


def _hub_rows(reader: csv.DictReader) -> Iterator[tuple[int, RosterEntry]]:
    for line, row in enumerate(reader, start=2):
        if _clean(row, "role").lower() == "student":
            yield line, RosterEntry(_clean(row, "username"))


def _canvas_rows(reader: csv.DictReader) -> Iterator[tuple[int, RosterEntry]]:
    for line, row in enumerate(reader, start=2):
        student = _clean(row, "Student")
        if student in {"Points Possible", "Student, Test"} or not _clean(row, "ID"):
            continue  # Canvas's points row and its built-in test student
        canvas_id = _clean(row, "ID")
        yield (
            line,
            RosterEntry(
                username=_clean(row, "SIS Login ID") or canvas_id,
                platform_id=canvas_id,
                name=student,
                section=_clean(row, "Section"),
                sis_user_id=_clean(row, "SIS User ID"),
            ),
        )
