"""What ``nbgrader collect`` may take from the exchange's ``inbound`` folder, and what it must not.

Every student can write to the exchange's ``inbound/`` folder (nbgrader makes it so, for
``nbgrader submit``), and ``nbgrader submit`` leaves each submission folder writable by its
student. Stock ``nbgrader collect`` then trusts what it finds there: it follows symbolic links
when it copies (so a link to ``source/`` or ``/etc/shadow`` is copied, as the grading account,
into ``submitted/`` and from there into the student's feedback), it believes the student id
and the time in a folder's name (so one student can hand in under another's name, dated in
2099, and that folder wins over every real resubmission), and it only logs a warning when a
folder's owner is not the student it names.

:func:`inbound_problem` says why an inbound submission folder must not be collected;
:class:`SafeExchangeCollect` is nbgrader's own ``ExchangeCollect`` with those folders left
out and symbolic links and special files never copied. It is installed through nbgrader's
extension point, ``c.ExchangeFactory.collect`` (``autograder/nbgrader_config.py``), so
``nbgrader collect``, formgrader's Collect button and ``course grade`` all use it.
:mod:`course.grading.exchange_intake` reports the same folders and links, file by file.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import ignore_patterns, parse_utc

from course.grading.lms_roster import SAFE_ID

__all__ = ["CLOCK_SLACK", "SafeExchangeCollect", "inbound_problem", "link_problem"]

#: How far in the future a submission's time may be (clocks differ a little) before it is
#: treated as forged.
CLOCK_SLACK = timedelta(minutes=10)


def _unix_uid(username: str) -> int | None:
    try:
        return pwd.getpwnam(username).pw_uid
    except KeyError:
        return None


def _account(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def inbound_problem(folder: Path, *, now: datetime | None = None) -> str:
    """Why the inbound submission ``folder`` must not be collected, or "" if it may be.

    ``folder`` is ``<exchange>/<course>/inbound/<student>+<assignment>+<time>[+<random>]``.
    Refused: a folder that is a symbolic link or not a folder; a student id that is not safe as
    a folder name (:data:`course.grading.lms_roster.SAFE_ID`); a time that cannot be read or
    lies more than :data:`CLOCK_SLACK` in the future; a folder whose owner is not the Unix
    account of the student it names, when that student has a Unix account (on hubs where every
    student's server runs as one account, such as ``jovyan``, owners cannot be checked).
    """
    now = now or datetime.now(UTC)
    pieces = folder.name.rsplit("+", 3)
    if len(pieces) < 3:
        return f"the folder name {folder.name!r} is not nbgrader's <student>+<assignment>+<time>"
    student, _assignment, when = pieces[0], pieces[1], pieces[2]
    if folder.is_symlink() or not folder.is_dir():
        return "a symbolic link or a file, not a submission folder: not collected"
    if not SAFE_ID.fullmatch(student) or student in {".", ".."}:
        return f"the student id {student!r} is not safe to use as a folder: not collected"
    try:
        stamp = parse_utc(when).replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return f"the submission time {when!r} cannot be read: not collected"
    if stamp > now + CLOCK_SLACK:
        return (
            f"dated {stamp:%Y-%m-%d %H:%M} UTC, in the future: a forged folder or a wrong clock; "
            "not collected"
        )
    expected = _unix_uid(student)
    owner = folder.lstat().st_uid
    if expected is not None and owner != expected:
        return (
            f"handed in under {student}'s name but made by the account {_account(owner)}: "
            f"not collected (if you put it there yourself, `chown -R {student}` it)"
        )
    return ""


def link_problem(path: Path) -> str:
    """Why the entry ``path`` of a submission folder is never copied, or "" for a plain file."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return f"a symbolic link (to {os.readlink(path)!r}): never copied"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "not a plain file (a device, pipe or socket): never copied"
    return ""


class SafeExchangeCollect(ExchangeCollect):
    """nbgrader's ``ExchangeCollect``, leaving out what :func:`inbound_problem` refuses.

    Of each student's acceptable folders the newest is collected, as nbgrader does; refused
    folders are logged and left in the exchange. Symbolic links and special files inside a
    folder are never copied, and a folder over ``CourseDirectory.max_dir_size`` is left out
    for that student alone instead of stopping the collection of the class.
    """

    def init_src(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        student_id = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        records = []
        for path in sorted(glob.glob(pattern)):
            problem = inbound_problem(Path(path))
            if problem:
                self.log.warning("Not collecting %s: %s", path, problem)
                continue
            records.append(self._path_to_record(path))
        usergroups = groupby(records, lambda item: item["username"])
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for group in usergroups.values():
            ordered = self._sort_by_timestamp(group)
            if self.duedate is not None and self.before_duedate:
                on_time = [r for r in ordered if r["timestamp"] <= self.duedate]
                ordered = on_time or ordered
            self.src_records.append(ordered[0])

    def do_copy(self, src, dest, log=None) -> None:
        size = self.get_size(src)  # nbgrader's own measure: links are not counted
        if size > 1000 * self.coursedir.max_dir_size:
            self.log.error(
                "Not collecting %s: %d bytes, over CourseDirectory.max_dir_size (%d kB)",
                src,
                size,
                self.coursedir.max_dir_size,
            )
            return
        stock = ignore_patterns(
            exclude=self.coursedir.ignore,
            include=self.coursedir.include,
            max_file_size=self.coursedir.max_file_size,
            log=self.log,
        )

        def ignore(directory: str, names: list[str]) -> list[str]:
            left_out = set(stock(directory, names))
            for name in names:
                problem = link_problem(Path(directory) / name)
                if problem:
                    self.log.warning("Not copying %s: %s", os.path.join(directory, name), problem)
                    left_out.add(name)
            return sorted(left_out)

        shutil.copytree(src, dest, ignore=ignore)
