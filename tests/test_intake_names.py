"""Reading what students hand in: file names, rosters, platform namings, times, sizes.

Table tests of :mod:`course.grading.notebook_files`, :mod:`course.grading.lms_roster`, the
platform collector plugins' naming (:mod:`course.grading.platforms`) and the intake's words
about lateness, with no grading run. The classes graded through ``course grade`` are in
``tests/test_intake.py``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import nbformat
import pytest

from course.grading.intake import lateness
from course.grading.lms_roster import LmsRosterError, read_lms_roster
from course.grading.notebook_files import match_notebook, strip_outputs
from course.grading.platforms import (
    BlackboardCollector,
    BrightspaceCollector,
    CanvasCollector,
    GenericCollector,
    MoodleCollector,
)
from tests.lms_downloads import NOTEBOOK, write_roster

EARLIER = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "graded_as", "how"),
    [
        ("ps1_phases.ipynb", "ps1_phases.ipynb", "exact"),
        ("PS1_Phases.ipynb", "ps1_phases.ipynb", "case"),
        ("ps1_phases (1).ipynb", "ps1_phases.ipynb", "suffix"),
        ("ps1_phases(2).ipynb", "ps1_phases.ipynb", "suffix"),
        ("ps1_phases-1.ipynb", "ps1_phases.ipynb", "suffix"),
        ("ps1_phases-Copy1.ipynb", "ps1_phases.ipynb", "suffix"),
        ("ps1_phases copy.ipynb", "ps1_phases.ipynb", "suffix"),
        ("ps1_phases-1 (2).ipynb", "ps1_phases.ipynb", "suffix"),
        ("ps1_phases.ipynb.txt", "", ""),
        ("ps2_sources.ipynb", "", ""),
        ("essay.pdf", "", ""),
    ],
)
def test_handed_in_names_are_read_through_copy_suffixes(name, graded_as, how):
    """Is each browser, editor and platform copy suffix read as the notebook it copies?"""
    found = match_notebook(name, [NOTEBOOK])
    assert (found.notebook, found.how) == (graded_as, how)


def test_roster_reads_course_hub_and_canvas_formats(tmp_path):
    """Are the course roster, the hub roster and Canvas's gradebook export all read?"""
    course = write_roster(
        tmp_path / "course.csv",
        [{"username": "jnunez", "platform_id": "505", "name": "Núñez, José", "email": "j@x.edu"}],
    )
    hub = tmp_path / "hub.csv"
    hub.write_text("username,role\nteach,instructor\namira,student\n", encoding="utf-8")
    canvas = tmp_path / "canvas.csv"
    canvas.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,ps1 (77)\n"
        "    Points Possible,,,,,13\n"
        '"Wang, Wei",501,S1,wwei1,A,\n'
        '"Wang, Wei",502,S2,wwei2,A,\n',
        encoding="utf-8",
    )
    roster = read_lms_roster(course)
    assert roster.find(name="José Núñez")[0].username == "jnunez"
    assert roster.find(name="núñezjosé")[0].username == "jnunez"  # Canvas's compacted form
    assert [e.username for e in read_lms_roster(hub)] == ["amira"]
    both = read_lms_roster(canvas)
    assert [e.username for e in both] == ["wwei1", "wwei2"]
    assert both.find(platform_id="502")[0].username == "wwei2"
    entry, why = both.find(name="Wang, Wei")
    assert entry is None and "2 students on the roster are named" in why


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("username,platform_id\n,5\n", "line 2: the username is blank"),
        ("username\nada\nada\n", "line 3: 'ada' is already on line 2"),
        ("username,platform_id\nada,5\nbob,5\n", "line 3: platform id '5' is already on line 2"),
        ("username\n../etc\n", "line 2: '../etc' cannot be a student id"),
        ("login,grade\nada,1\n", "unknown roster header login, grade"),
    ],
)
def test_a_bad_roster_is_named_by_file_and_line(tmp_path, text, words):
    """Does each roster mistake raise an error naming the file, the line and the problem?"""
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LmsRosterError, match="roster.csv") as error:
        read_lms_roster(path)
    assert words in str(error.value)


def _parse(cls, rel, **context):
    plugin = cls(timezone="UTC")
    return plugin.parse(rel, {"expected": [NOTEBOOK], **context})


@pytest.mark.parametrize(
    ("cls", "rel", "fields"),
    [
        (
            CanvasCollector,
            "submissions/obrienliam_LATE_507_9011_ps1_phases-1.ipynb",
            {"platform_id": "507", "name": "obrienliam", "late_marker": True, "order": (9011,)},
        ),
        (
            CanvasCollector,
            "submissions/o_brienliam_508_9012_ps1_phases.ipynb",  # "_" inside the name
            {"platform_id": "508", "name": "o_brienliam", "filename": NOTEBOOK},
        ),
        (
            CanvasCollector,
            "submissions/LATE_anon_Ab12c_9013_ps1_phases.ipynb",  # anonymous grading
            {"platform_id": "anon_Ab12c", "late_marker": True},
        ),
        (
            MoodleCollector,
            "dl/José Núñez_101_assignsubmission_file_ps1_phases (1).ipynb",
            {"platform_id": "101", "name": "José Núñez", "filename": "ps1_phases (1).ipynb"},
        ),
        (
            MoodleCollector,
            "dl/Zoë Ångström_102_assignsubmission_file_/ps1_phases.ipynb",
            {"platform_id": "102", "name": "Zoë Ångström", "filename": NOTEBOOK},
        ),
        (
            MoodleCollector,
            "dl/Zoë Ångström_102_assignsubmission_file/ps1_phases.ipynb",  # Moodle 4.1+
            {"platform_id": "102", "filename": NOTEBOOK},
        ),
        (
            BrightspaceCollector,
            "dl/39786-640693 - Zoë Ångström - Oct 10, 2025 1022 AM - ps1_phases.ipynb",
            {
                "platform_id": "640693",
                "name": "Zoë Ångström",
                "timestamp": datetime(2025, 10, 10, 10, 22, tzinfo=UTC),
            },
        ),
        (
            BrightspaceCollector,
            "dl/39790-640693 - Ångström, Zoë - Oct 12, 2025 915 PM/ps1_phases.ipynb",
            {"order": (39790,), "timestamp": datetime(2025, 10, 12, 21, 15, tzinfo=UTC)},
        ),
        (
            GenericCollector,
            "dl/binderstudent_12345_ps1_phases.ipynb",
            {"platform_id": "binderstudent", "filename": NOTEBOOK},
        ),
    ],
)
def test_each_platform_reads_its_own_naming(cls, rel, fields):
    """Does each preset read ids with "_", names with spaces and accents, times and markers?"""
    item = _parse(cls, rel)
    assert not item.problem
    for key, value in fields.items():
        assert getattr(item, key) == value, key


def test_blackboard_receipt_settles_username_and_time(tmp_path):
    """Does the Blackboard receipt give the username (with "_") and the submission time?"""
    stem = "Problem Set 1_jane_doe_attempt_2027-03-02-10-05-00"
    (tmp_path / f"{stem}.txt").write_text(
        "Name: Jane Doe (jane_doe)\nAssignment: Problem Set 1\n"
        "Date Submitted: Tuesday, 2 March 2027 10:05:00 o'clock GMT\n"
        "Current Grade: Needs Grading\n\nFiles:\n\tOriginal filename: ps1_phases.ipynb\n"
        f"\tFilename: {stem}_ps1_phases.ipynb\n",
        encoding="utf-8",
    )
    plugin = BlackboardCollector(timezone="UTC")
    context = plugin.read_metadata(tmp_path, [f"{stem}.txt"])
    item = plugin.parse(f"{stem}_ps1_phases.ipynb", {"expected": [NOTEBOOK], **context})
    assert (item.platform_id, item.name, item.filename) == ("jane_doe", "Jane Doe", NOTEBOOK)
    assert item.timestamp == datetime(2027, 3, 2, 10, 5, tzinfo=UTC)
    assert item.time_source == "Blackboard receipt"


@pytest.mark.parametrize(
    ("stamp", "due", "marker", "words"),
    [
        (LATER, EARLIER, None, "LATE by 48 h 00 min"),
        (EARLIER, LATER, None, "on time"),
        (None, EARLIER, True, "LATE (the platform marks it late"),
        (None, EARLIER, False, "on time (the platform's own marker"),
        (None, EARLIER, None, "no submission time in the download"),
        (LATER, None, None, "no due date in the gradebook"),
    ],
)
def test_lateness_is_never_silent(stamp, due, marker, words):
    """Is late work called late, and is a missing time or due date said, never hidden?"""
    assert lateness(stamp, due, marker).startswith(words)


def test_stripping_outputs_keeps_answers_widget_state_and_format(tmp_path):
    """Does removing outputs keep sources, metadata (widget answers) and nbformat 3 as 3?"""
    v4 = nbformat.v4.new_notebook(metadata={"widgets": {"state": 1}})
    v4.cells = [
        nbformat.v4.new_code_cell(
            "x = 1", outputs=[nbformat.v4.new_output("stream", text="x" * 10_000)]
        )
    ]
    nbformat.write(v4, tmp_path / "v4.ipynb")
    size = strip_outputs(tmp_path / "v4.ipynb", tmp_path / "v4-out.ipynb")
    out = json.loads((tmp_path / "v4-out.ipynb").read_text())
    assert size < 1000 and out["cells"][0]["outputs"] == [] and out["metadata"]["widgets"]
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [
            {"cells": [{"cell_type": "code", "input": "1", "outputs": [{"text": "1"}]}]}
        ],
    }
    (tmp_path / "v3.ipynb").write_text(json.dumps(v3))
    strip_outputs(tmp_path / "v3.ipynb", tmp_path / "v3-out.ipynb")
    out = json.loads((tmp_path / "v3-out.ipynb").read_text())
    assert out["nbformat"] == 3 and out["worksheets"][0]["cells"][0]["outputs"] == []
