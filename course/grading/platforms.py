"""Learning-platform downloads as nbgrader collector plugins: one per platform, configured.

Each class is an nbgrader ``FileNameCollectorPlugin`` for ``nbgrader zip_collect``; its
``named_regexp`` is the platform's real download naming (configurable like any nbgrader
option), and it reads the platform's own records (Blackboard receipts, Gradescope's
``submission_metadata.yml``). On the first file ``zip_collect`` hands it, the plugin reads the
whole download, lets :func:`course.grading.intake.resolve` decide every file, writes the plan to
``downloaded/<assignment>/intake.json`` (which ``course grade`` prints as the intake report),
and from then on answers ``zip_collect`` per file: the student and notebook, or None. So
``zip_collect`` never sees two files for one student ("Duplicate submission file") and never
drops one without a line saying why.

Choose one with ``course grade --platform NAME`` or in ``nbgrader_config.py``::

    c.ZipCollectApp.collector_plugin = "course.grading.platforms.CanvasCollector"
    c.PlatformCollector.roster = "roster.csv"          # platform ids -> usernames (optional)
    c.PlatformCollector.timezone = "Europe/London"     # for times written without a zone

Download namings (sources in ``autograder/README.md``):

========== ==================================================================================
canvas     ``lastfirst[_LATE]_<user id>_<attachment id>_<file>``; ``anon_<id>`` when anonymous
moodle     ``<Full Name>_<participant>_assignsubmission_file_<file>``, flat or as a folder
blackboard ``<Assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>`` + ``.txt`` receipt
brightspace ``<submission>-<user id> - <Name> - <Mon D, YYYY HMM AM> - <file>`` (or a folder)
gradescope ``submission_<id>/<file>`` + ``submission_metadata.yml``
generic    ``<student id>_..._<notebook>.ipynb`` (the course's earlier default)
auto       whichever of the above understands the most files (the course's default)
========== ==================================================================================
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from dateutil import parser as dateparser
from dateutil import tz as dateutil_tz
from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import Unicode

from course.grading.intake import IntakePlan, SubmittedFile, duedate_of, resolve
from course.grading.lms_roster import read_lms_roster
from course.grading.notebook_files import match_notebook

__all__ = [
    "PLATFORMS",
    "AutoCollector",
    "BlackboardCollector",
    "BrightspaceCollector",
    "CanvasCollector",
    "GenericCollector",
    "GradescopeCollector",
    "MoodleCollector",
    "PlatformCollector",
]

_SYSTEM_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
_SYSTEM_PARTS = {"__MACOSX", ".ipynb_checkpoints", "__pycache__"}

# Zone abbreviations seen in Blackboard receipts; others are read in PlatformCollector.timezone.
_ZONES = {
    "UTC": 0, "GMT": 0, "BST": 1, "IST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}  # fmt: skip


class PlatformCollector(FileNameCollectorPlugin):
    """Base of the platform collectors: reads the whole download once, answers per file."""

    platform: ClassVar[str] = "generic"
    label: ClassVar[str] = "a download"

    roster = Unicode(
        "",
        help="CSV roster mapping the platform's ids and names to usernames (see "
        "course.grading.lms_roster). Empty: grade under the platform's own ids.",
    ).tag(config=True)

    timezone = Unicode(
        "",
        help="IANA time zone (e.g. 'Europe/London') of submission times the platform writes "
        "without one (Brightspace file names, Blackboard file names). Empty: this computer's.",
    ).tag(config=True)

    intake_file = Unicode(
        "intake.json",
        help="File, next to the download's archive/ and extracted/ folders, that receives "
        "the intake plan (every file and what became of it).",
    ).tag(config=True)

    _plan: IntakePlan | None = None
    _answers: dict[str, dict[str, Any]]

    # -- what each platform provides ---------------------------------------------------------

    def parse(self, rel: str, context: dict[str, Any]) -> SubmittedFile:
        """Describe one work file from its path relative to the download root."""
        raise NotImplementedError

    def read_metadata(self, root: Path, files: list[str]) -> dict[str, Any]:
        """Read the platform's records (receipts, metadata files); returns a context dict."""
        return {}

    def metadata_note(self, rel: str, context: dict[str, Any]) -> str | None:
        """If ``rel`` is one of the platform's records, say what it is; else None."""
        return None

    # -- shared machinery -------------------------------------------------------------------

    def collect(self, submitted_file: str) -> dict[str, Any] | None:
        """nbgrader's hook: the student and notebook for one extracted file, or None."""
        if self._plan is None:
            self._plan = self._make_plan()
        root = Path(self.parent._format_collect_path(self.parent.extracted_directory))
        return self._answers.get(Path(submitted_file).relative_to(root).as_posix())

    def zone(self) -> Any:
        """The tzinfo for times written without a zone (``timezone``, or this computer's)."""
        if self.timezone:
            found = dateutil_tz.gettz(self.timezone)
            if found is None:
                self.parent.fail(
                    f"PlatformCollector.timezone {self.timezone!r} is not a time zone."
                )
            return found
        return dateutil_tz.tzlocal()

    def zone_name(self) -> str:
        return self.timezone or f"this computer's time zone ({datetime.now().astimezone():%Z})"

    def _make_plan(self) -> IntakePlan:
        self._answers = {}
        app = self.parent
        assignment = app.coursedir.assignment_id
        root = Path(app._format_collect_path(app.extracted_directory))
        rels = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        context = self.read_metadata(root, rels)
        release = Path(app.coursedir.format_path(app.coursedir.release_directory, ".", assignment))
        context["expected"] = sorted(p.name for p in release.glob("*.ipynb"))
        ranks = self._download_ranks(Path(app._format_collect_path(app.archive_directory)), rels)
        described = []
        for rel in rels:
            try:
                item = self._describe(rel, context)
            except Exception as error:  # noqa: BLE001 - one odd file must not stop the class
                item = SubmittedFile(rel, problem=f"could not be read ({error!r}); not graded")
            item.download = rel.split("/")[0] if "/" in rel else ""
            item.download_rank = ranks.get(item.download, 0)
            if not item.submission:
                item.submission = item.download
            described.append(item)
        roster = read_lms_roster(self.roster) if self.roster else None
        plan = resolve(
            described,
            root,
            platform=self.platform,
            release=release,
            roster=roster,
            max_kb=app.coursedir.max_file_size,
            duedate=duedate_of(app.coursedir.db_url, assignment),
            work_dir=None,
        )
        plan.to_json(Path(app._format_collect_path(self.intake_file)))
        for (student, notebook), chosen in plan.chosen.items():
            rel = chosen.source.relative_to(root).as_posix()
            if chosen.source.suffix == ".ipynb":  # zip_collect keeps the source's extension
                stamp = chosen.file.timestamp
                self._answers[rel] = {
                    "student_id": student,
                    "file_id": notebook,
                    "timestamp": stamp.astimezone(UTC).isoformat() if stamp else None,
                }
        for line in plan.lines:
            self.log.info("Intake: %s", line.text())
        return plan

    def _describe(self, rel: str, context: dict[str, Any]) -> SubmittedFile:
        parts = rel.split("/")
        name = unicodedata.normalize("NFC", parts[-1])
        if name in _SYSTEM_NAMES or name.startswith("._") or _SYSTEM_PARTS & set(parts):
            return SubmittedFile(rel, role="system", note="system file, not student work")
        note = self.metadata_note(rel, context)
        if note is not None:
            return SubmittedFile(rel, role="metadata", note=note)
        return self.parse(rel, context)

    @staticmethod
    def _download_ranks(archive: Path, rels: list[str]) -> dict[str, int]:
        """Order downloads by when they were saved: the newest download ranks highest."""
        times = {}
        for folder in {rel.split("/")[0] for rel in rels if "/" in rel}:
            matches = list(archive.glob(f"{glob_escape(folder)}.*")) if archive.is_dir() else []
            times[folder] = max((p.stat().st_mtime for p in matches), default=0.0)
        return {folder: rank for rank, folder in enumerate(sorted(times, key=times.get), 1)}

    def match(self, rel: str) -> dict[str, str] | None:
        """nbgrader's own regular-expression match of ``named_regexp`` on a relative path."""
        found = re.match(self.named_regexp, unicodedata.normalize("NFC", rel))
        return {k: v or "" for k, v in found.groupdict().items()} if found else None

    def unmatched(self, rel: str, naming: str) -> SubmittedFile:
        return SubmittedFile(
            rel,
            filename=rel.split("/")[-1],
            problem=f"the name does not follow {self.label}'s naming ({naming}); not graded. "
            "If this is a student's work, rename it to that pattern and collect again",
        )

    def local_time(self, text: str, fmt: str) -> datetime:
        return datetime.strptime(text, fmt).replace(tzinfo=self.zone())


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]])", r"[\1]", text)


# --------------------------------------------------------------------------------------------


class GenericCollector(PlatformCollector):
    """``<student id>_..._ps1_phases.ipynb`` or ``<student id>_ps1_phases.ipynb``."""

    platform = "generic"
    label = "the generic LMS naming"
    named_regexp = Unicode(
        r"^(?:.*/)?(?P<student_id>[^/_]+)_(?P<rest>[^/]+)$",
        help="Regular expression on the path inside the download; needs the named groups "
        "student_id and rest (the rest must end with the notebook's name).",
    ).tag(config=True)

    def parse(self, rel: str, context: dict[str, Any]) -> SubmittedFile:
        found = self.match(rel)
        if not found:
            return self.unmatched(rel, "<student id>_<notebook>.ipynb")
        pieces = found["rest"].split("_")
        filename = found["rest"]
        for start in range(len(pieces)):
            tail = "_".join(pieces[start:])
            if match_notebook(tail, context["expected"]).notebook:
                filename = tail
                break
        return SubmittedFile(
            rel, filename=filename, platform_id=found["student_id"], prefix=rel[: -len(filename)]
        )


class CanvasCollector(PlatformCollector):
    """Canvas "Download Submissions": ``lastfirst[_LATE]_<user id>_<attachment id>_<file>``.

    Canvas compacts the sortable name ("Wang, Wei" -> ``wangwei``) so names are not unique:
    the user id is. It gives no submission time, only its ``LATE`` marker; a re-upload of a
    file with the same name gets ``-1``, ``-2`` ... before the extension. Attachment ids only
    grow, so the higher one is the newer submission.
    """

    platform = "canvas"
    label = "Canvas"
    named_regexp = Unicode(
        r"^(?:.*/)?(?:(?P<name>[^/]+?)_)??(?:(?P<late>LATE|late)_)?"
        r"(?P<platform_id>\d+|anon_[A-Za-z0-9]+)_(?P<attachment_id>\d+)_(?P<filename>[^/]+)$",
        help="Canvas's download naming; groups name, late, platform_id, attachment_id, filename.",
    ).tag(config=True)

    def parse(self, rel: str, context: dict[str, Any]) -> SubmittedFile:
        found = self.match(rel)
        if not found:
            if re.search(r"_\d+_(text|link)\.html$", rel):
                return SubmittedFile(
                    rel, filename=rel, problem="a Canvas text entry or link, not a notebook"
                )
            return self.unmatched(rel, "lastfirst_userid_attachmentid_file")
        late = bool(found["late"]) or found["name"] in {"LATE", "late"}
        name = "" if found["name"] in {"LATE", "late"} else found["name"]
        return SubmittedFile(
            rel,
            filename=found["filename"],
            platform_id=found["platform_id"],
            name=name,
            late_marker=late,
            order=(int(found["attachment_id"]),),
            prefix=rel.split("/")[-1][: -len(found["filename"])],
        )


class MoodleCollector(PlatformCollector):
    """Moodle "Download all submissions", flat or "Download submissions in folders".

    Moodle writes ``<Full Name>_<participant>_assignsubmission_file_`` (underscores in names
    become spaces), then the file, or a folder of that name holding it. The participant number
    is per assignment; the download gives no submission time and no late marker.
    """

    platform = "moodle"
    label = "Moodle"
    named_regexp = Unicode(
        r"^(?:.*/)?(?P<name>[^/_]+)_(?P<platform_id>\d+)_assignsubmission_(?P<plugin>[a-z]+)"
        r"(?:_/|/|_)(?:.*/)?(?P<filename>[^/]+)$",
        help="Moodle's download naming; groups name, platform_id, plugin, filename.",
    ).tag(config=True)

    def parse(self, rel: str, context: dict[str, Any]) -> SubmittedFile:
        found = self.match(rel)
        if not found:
            return self.unmatched(rel, "Full Name_participant_assignsubmission_file_file")
        item = SubmittedFile(
            rel,
            filename=found["filename"],
            platform_id=found["platform_id"],
            name=found["name"],
            prefix=f"{found['name']}_{found['platform_id']}_",
        )
        if found["plugin"] != "file":
            item.problem = f"Moodle's {found['plugin']} submission, not a file; not graded"
        return item


class BlackboardCollector(PlatformCollector):
    """Blackboard Learn "Assignment File Download" with its ``.txt`` receipt per attempt.

    ``<Assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>``; the receipt names the
    student ("Name: Jane Doe (jdoe)") and the time ("Date Submitted: ..."), and lists every
    file, which settles usernames that contain "_".
    """

    platform = "blackboard"
    label = "Blackboard"
    named_regexp = Unicode(
        r"^(?:.*/)?(?P<assignment>.+)_(?P<platform_id>[^/]+?)_attempt_"
        r"(?P<stamp>\d{4}(?:-\d{2}){5})_(?P<filename>[^/]+)$",
        help="Blackboard's download naming; groups assignment, platform_id, stamp, filename.",
    ).tag(config=True)

    _RECEIPT = re.compile(r"^(?:.*/)?(?P<stem>.+_attempt_\d{4}(?:-\d{2}){5})\.txt$")

    def read_metadata(self, root: Path, files: list[str]) -> dict[str, Any]:
        receipts = {}
        for rel in files:
            found = self._RECEIPT.match(rel)
            if not found:
                continue
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
            name = re.search(r"^Name:\s*(?P<name>.*?)\s*\((?P<user>[^()]+)\)\s*$", text, re.M)
            date = re.search(r"^Date Submitted:\s*(?P<date>.+?)\s*$", text, re.M)
            stem = rel[: -len(".txt")]
            receipts[stem] = {
                "rel": rel,
                "name": name["name"] if name else "",
                "user": name["user"] if name else "",
                "date": self._receipt_time(date["date"]) if date else None,
                "files": re.findall(r"^\s*Filename:\s*(.+?)\s*$", text, re.M),
            }
        return {"receipts": receipts}

    def _receipt_time(self, text: str) -> tuple[datetime, str] | None:
        cleaned = text.replace("o'clock", "").strip()
        abbreviation = cleaned.split()[-1] if cleaned.split() else ""
        zones = {k: v * 3600 for k, v in _ZONES.items()}
        try:
            stamp = dateparser.parse(cleaned, tzinfos=zones)
        except (ValueError, OverflowError):
            return None
        if stamp.tzinfo is None:
            return stamp.replace(tzinfo=self.zone()), (
                f"Blackboard receipt; zone {abbreviation!r} unknown, read as {self.zone_name()}"
            )
        return stamp, "Blackboard receipt"

    def metadata_note(self, rel: str, context: dict[str, Any]) -> str | None:
        receipt = context["receipts"].get(rel[: -len(".txt")]) if rel.endswith(".txt") else None
        if receipt is None:
            return None
        when = receipt["date"][0].isoformat(" ") if receipt["date"] else "no readable date"
        return f"Blackboard receipt: {receipt['name']} ({receipt['user']}), submitted {when}"

    def parse(self, rel: str, context: dict[str, Any]) -> SubmittedFile:
        found = self.match(rel)
        if not found:
            return self.unmatched(rel, "Assignment_username_attempt_date_file")
        receipt = next(
            (r for stem, r in context["receipts"].items() if rel.startswith(stem + "_")), None
        )
        user, filename = found["platform_id"], found["filename"]
        if receipt is not None:
            stem = receipt["rel"][: -len(".txt")]
            filename = rel[len(stem) + 1 :]
            user = receipt["user"] or user
        if receipt and receipt["date"]:
            stamp, source = receipt["date"]
        else:
            stamp = self.local_time(found["stamp"], "%Y-%m-%d-%H-%M-%S")
            source = f"Blackboard file name, read as {self.zone_name()}; no receipt"
        return SubmittedFile(
            rel,
            filename=filename,
            platform_id=user,
            name=receipt["name"] if receipt else "",
            timestamp=stamp,
            time_source=source,
            submission=f"attempt {found['stamp']}",
            prefix=rel.split("/")[-1][: -len(filename)],
        )


class BrightspaceCollector(PlatformCollector):
    """Brightspace (D2L) "Download" of an assignment's submissions, with its ``index.html``.

    ``<submission id>-<user id> - <Name> - <Mon D, YYYY HMM AM> - <file>``, or a folder named
    up to the time holding the files. Times carry no zone: they are read in ``timezone``.
    """

    platform = "brightspace"
    label = "Brightspace"
    named_regexp = Unicode(
        r"^(?:.*/)?(?P<submission_id>\d+)-(?P<platform_id>\d+) - (?P<name>.+?) - "
        r"(?P<date>[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:?\d{2} [AP]M)(?: - |/(?:.*/)?)"
        r"(?P<filename>[^/]+)$",
        help="Brightspace's download naming; groups submission_id, platform_id, name, date, "
        "filename.",
    ).tag(config=True)

    def metadata_note(self, rel: str, context: dict[str, Any]) -> str | None:
        if rel.split("/")[-1] == "index.html" and self.match(rel) is None:
            return "Brightspace's index of the download"
        return None

    def parse(self, rel: str, context: dict[str, Any]) -> SubmittedFile:
        found = self.match(rel)
        if not found:
            return self.unmatched(rel, "subid-userid - Name - Mon D, YYYY HMM AM - file")
        date = found["date"].replace(":", "")
        day, clock, half = date.rsplit(" ", 2)
        stamp = self.local_time(f"{day} {clock[:-2]}:{clock[-2:]} {half}", "%b %d, %Y %I:%M %p")
        return SubmittedFile(
            rel,
            filename=found["filename"],
            platform_id=found["platform_id"],
            name=found["name"],
            timestamp=stamp,
            time_source=f"Brightspace file name, read as {self.zone_name()}",
            submission=f"submission {found['submission_id']}",
            order=(int(found["submission_id"]),),
        )


class GradescopeCollector(PlatformCollector):
    """Gradescope "Export Submissions": ``submission_<id>/`` folders and their metadata file.

    ``submission_metadata.yml`` gives each folder's submitters (name, SID, email) and
    ``:created_at:`` time. A group submission is graded for every member.
    """

    platform = "gradescope"
    label = "Gradescope"
    named_regexp = Unicode(
        r"^(?:.*/)?(?P<submission>submission_\d+)/(?:.*/)?(?P<filename>[^/]+)$",
        help="Gradescope's export naming; groups submission, filename.",
    ).tag(config=True)

    def read_metadata(self, root: Path, files: list[str]) -> dict[str, Any]:
        import yaml

        folders: dict[str, dict[str, Any]] = {}
        problems = {}
        for rel in files:
            if rel.split("/")[-1] != "submission_metadata.yml":
                continue
            base = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
            try:
                data = yaml.safe_load((root / rel).read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as error:
                problems[rel] = f"Gradescope metadata that cannot be read: {error}"
                continue
            for key, value in data.items():
                folders[base + str(key)] = value or {}
        return {"folders": folders, "problems": problems}

    def metadata_note(self, rel: str, context: dict[str, Any]) -> str | None:
        if rel.split("/")[-1] == "submission_metadata.yml":
            return context["problems"].get(rel, "Gradescope's submission metadata")
        return None

    def parse(self, rel: str, context: dict[str, Any]) -> SubmittedFile:
        found = self.match(rel)
        if not found:
            return self.unmatched(rel, "submission_<id>/<file>")
        folder = rel[: rel.index(found["submission"]) + len(found["submission"])]
        meta = context["folders"].get(folder)
        if not meta:
            return SubmittedFile(
                rel,
                filename=found["filename"],
                problem=f"{folder} is not in submission_metadata.yml, so its student is unknown",
            )
        people = [
            {
                "platform_id": str(p.get(":sid") or p.get(":email") or ""),
                "name": str(p.get(":name") or ""),
                "email": str(p.get(":email") or ""),
                "fallback_id": str(p.get(":sid") or p.get(":email") or ""),
            }
            for p in meta.get(":submitters") or []
        ]
        if not people:
            return SubmittedFile(rel, filename=found["filename"], problem="no submitter listed")
        stamp = meta.get(":created_at")
        if isinstance(stamp, str):
            stamp = dateparser.parse(stamp)
        if isinstance(stamp, datetime) and stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        first = people[0]
        return SubmittedFile(
            rel,
            filename=found["filename"],
            platform_id=first["platform_id"],
            name=first["name"],
            email=first["email"],
            timestamp=stamp if isinstance(stamp, datetime) else None,
            time_source="Gradescope metadata",
            submission=folder,
            order=(int(found["submission"].split("_")[1]),),
            co_submitters=people[1:],
        )


class AutoCollector(PlatformCollector):
    """Recognise the download's platform from its names and records, then act as that one.

    Each platform's collector reads the download; the one that understands the most files
    (its own records count double) is used, the generic layout when none understands any.
    The intake report's first line names the layout found.
    """

    platform = "auto"
    label = "the detected layout"
    candidates: ClassVar[tuple[type[PlatformCollector], ...]] = ()

    def _make_plan(self) -> IntakePlan:
        app = self.parent
        root = Path(app._format_collect_path(app.extracted_directory))
        rels = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        release = Path(
            app.coursedir.format_path(
                app.coursedir.release_directory, ".", app.coursedir.assignment_id
            )
        )
        expected = sorted(p.name for p in release.glob("*.ipynb"))
        best: tuple[int, type[PlatformCollector]] = (0, GenericCollector)
        for cls in self.candidates:
            probe = cls(parent=app)
            context = probe.read_metadata(root, rels)
            context["expected"] = expected
            score = 0
            for rel in rels:
                item = probe._describe(rel, context)
                if item.role == "metadata":
                    score += 2
                elif item.role == "work" and not item.problem:
                    score += 1
            if score > best[0]:
                best = (score, cls)
        chosen = best[1](parent=app)
        self.log.info("Download layout detected: %s", chosen.label)
        plan = chosen._make_plan()
        self._answers = chosen._answers
        return plan


AutoCollector.candidates = (
    CanvasCollector,
    MoodleCollector,
    BlackboardCollector,
    BrightspaceCollector,
    GradescopeCollector,
)

PLATFORMS: dict[str, type[PlatformCollector]] = {
    cls.platform: cls
    for cls in (
        AutoCollector,
        CanvasCollector,
        MoodleCollector,
        BlackboardCollector,
        BrightspaceCollector,
        GradescopeCollector,
        GenericCollector,
    )
}
