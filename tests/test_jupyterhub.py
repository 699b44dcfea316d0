"""The course on a real JupyterHub: release, fetch, submit, collect and autograde between users.

One hub serves the whole module (``tests/hub.py``). It is set up by the instructor's own script
(``autograder/jupyterhub/setup-single-server.sh``) and runs the course's own
``jupyterhub_config.py``; only the login (dummy, test-only) and the ports differ. An instructor,
a grader and three students act through the hub's REST API, their own servers and the formgrader
service, with the endpoints nbgrader's JupyterLab extensions call:

* aht-s1 answers part of ps1 and submits once;
* aht-s2 submits a blank notebook, then submits again with every answer right;
* aht-s3 answers everything right but submits after the deadline.

Then 30 more students start servers, run a lesson's code in a kernel and submit at the same
moment (the bounded load check), and the instructor collects them.

Needs root (it creates Unix accounts ``aht-*`` and deletes them afterwards), Node.js with npm,
and a Python 3.11 other users may run. Elsewhere it is skipped, except in CI, where it fails.
"""

from __future__ import annotations

import json
import os
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dateutil.parser import parse as parse_time
from nbgrader.api import Gradebook

from tests.classroom import answer_all, answer_partly
from tests.hub import (
    COURSE_ID,
    REPO,
    HubUnavailable,
    as_user,
    course_hub,
    lesson_code,
    run_class,
)

pytestmark = [pytest.mark.slow, pytest.mark.hub]

ASSIGNMENT = "ps1_phases"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
INSTRUCTOR, GRADER = "aht-instructor", "aht-grader"
STUDENTS = ["aht-s1", "aht-s2", "aht-s3"]
LOAD_STUDENTS = [f"aht-load{i:02d}" for i in range(1, 31)]
LOAD_LESSON = REPO / "notebooks" / "01_phases.ipynb"
LOAD_TIME_LIMIT = 900  # seconds: the load check gives up (and fails) after this


@pytest.fixture(scope="module")
def hub():
    people = {INSTRUCTOR: "instructor", GRADER: "grader"}
    people.update({name: "student" for name in STUDENTS + LOAD_STUDENTS})
    try:
        with course_hub(people) as running:
            yield running
    except HubUnavailable as why:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the JupyterHub test, but {why}")
        pytest.skip(f"cannot run a JupyterHub here: {why}")


@pytest.fixture(scope="module")
def term(hub, tmp_path_factory):
    """One assignment's round trip; returns what each party saw along the way."""
    work = tmp_path_factory.mktemp("hub-notebooks")
    instructor = hub.session(INSTRUCTOR)
    students = {name: hub.session(name) for name in STUDENTS}
    for student in students.values():
        student.start_server()

    for step in ("assign", "release"):  # formgrader's "Generate" and "Release" buttons
        response = instructor.formgrader("POST", f"/assignment/{ASSIGNMENT}/{step}")
        assert response.status_code == 200 and response.json()["success"], response.text

    for student in students.values():
        student.fetch(ASSIGNMENT)
    fetched = {name: student.assignments() for name, student in students.items()}

    s1, s2, s3 = (students[name] for name in STUDENTS)
    s1.edit_notebook(NOTEBOOK, answer_partly, work)
    s1.submit(ASSIGNMENT)
    s2.submit(ASSIGNMENT)  # blank: a first try
    time.sleep(1.1)  # nbgrader's timestamps have microseconds, but keep them visibly apart
    s2.edit_notebook(NOTEBOOK, answer_all, work)
    s2.submit(ASSIGNMENT)

    # The deadline passes: the instructor sets it to now, in formgrader.
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    response = instructor.formgrader(
        "PUT",
        f"/assignment/{ASSIGNMENT}",
        json={
            "duedate_notimezone": due.strftime("%Y-%m-%dT%H:%M:%S"),
            "duedate_timezone": "+0000",
        },
    )
    assert response.status_code == 200, response.text
    time.sleep(2)
    s3.edit_notebook(NOTEBOOK, answer_all, work)
    s3.submit(ASSIGNMENT)

    seen_by_students = {name: student.assignments() for name, student in students.items()}
    inbound = sorted(p.name for p in (hub.exchange / COURSE_ID / "inbound").iterdir())

    response = instructor.formgrader("POST", f"/assignment/{ASSIGNMENT}/collect")
    assert response.status_code == 200 and response.json()["success"], response.text
    for name in STUDENTS:
        response = instructor.formgrader("POST", f"/submission/{ASSIGNMENT}/{name}/autograde")
        assert response.status_code == 200 and response.json()["success"], response.text
    submissions = instructor.formgrader("GET", f"/submissions/{ASSIGNMENT}").json()
    return {
        "fetched": fetched,
        "seen_by_students": seen_by_students,
        "inbound": inbound,
        "submissions": {s["student"]: s for s in submissions},
        "due": due,
        "students": students,
        "instructor": instructor,
    }


def _submitted_times(listing: list[dict]) -> list[datetime]:
    """The timestamps of a student's own submissions, as their assignment list shows them."""
    return sorted(
        parse_time(submission["timestamp"])
        for entry in listing
        if entry["status"] == "submitted" and entry["assignment_id"] == ASSIGNMENT
        for submission in entry["submissions"]
    )


def test_every_student_fetches_the_released_assignment(term):
    for name, listing in term["fetched"].items():
        fetched = [e for e in listing if e["assignment_id"] == ASSIGNMENT]
        assert [e["status"] for e in fetched] == ["fetched"], (name, listing)
        assert fetched[0]["notebooks"][0]["path"] == NOTEBOOK


def test_every_submission_reaches_the_exchange(term):
    per_student = {
        name: sum(entry.startswith(f"{name}+{ASSIGNMENT}+") for entry in term["inbound"])
        for name in STUDENTS
    }
    assert per_student == {"aht-s1": 1, "aht-s2": 2, "aht-s3": 1}


def test_collected_submission_keeps_the_students_timestamp(term):
    for name in STUDENTS:
        latest = _submitted_times(term["seen_by_students"][name])[-1]
        collected = parse_time(term["submissions"][name]["timestamp"])
        assert collected.replace(tzinfo=None) == latest.replace(tzinfo=None), name


def test_second_submission_replaces_the_first(term):
    times = _submitted_times(term["seen_by_students"]["aht-s2"])
    assert len(times) == 2 and times[0] < times[1]
    assert term["submissions"]["aht-s2"]["score"] == 9.0  # the blank first try scored nothing


def test_late_submission_is_flagged_late_and_others_are_not(hub, term):
    with Gradebook(f"sqlite:///{hub.course_dir / 'gradebook.db'}") as gradebook:
        late = {
            name: gradebook.find_submission(ASSIGNMENT, name).total_seconds_late
            for name in STUDENTS
        }
    assert late["aht-s3"] > 0
    assert late["aht-s1"] == late["aht-s2"] == 0


def test_autograded_scores_match_the_answers(term):
    scores = {name: term["submissions"][name]["score"] for name in STUDENTS}
    # 9 autograded points of 13; the written answer waits for a grader.
    assert scores == {"aht-s1": 3.0, "aht-s2": 9.0, "aht-s3": 9.0}
    assert all(term["submissions"][name]["needs_manual_grade"] for name in STUDENTS)


def test_a_student_cannot_list_the_inbound_submissions(hub, term):
    inbound = hub.exchange / COURSE_ID / "inbound"
    result = as_user(hub, "aht-s2", f"import os; print(os.listdir({str(inbound)!r}))")
    assert result.returncode != 0 and "PermissionError" in result.stderr
    # Each submission's folder name ends in a random part, so it cannot be guessed either.
    assert all(
        len(name.split("+")) == 4 and len(name.split("+")[3]) >= 12 for name in term["inbound"]
    )


def test_a_student_cannot_read_another_students_work(hub, term):
    other = Path("/home/aht-s1") / NOTEBOOK
    result = as_user(hub, "aht-s2", f"open({str(other)!r}).read()")
    assert result.returncode != 0 and "PermissionError" in result.stderr
    # Nor through the web: aht-s2's token does not open aht-s1's server.
    response = term["students"]["aht-s2"].request("GET", f"/user/aht-s1/api/contents/{NOTEBOOK}")
    assert response.status_code == 403


def test_a_student_cannot_read_the_instructors_source_or_grades(hub, term):
    for path in (
        hub.course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        hub.course_dir / "gradebook.db",
        hub.course_dir / "submitted" / "aht-s1" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
    ):
        assert path.exists(), path
        result = as_user(hub, "aht-s3", f"open({str(path)!r}, 'rb').read()")
        assert result.returncode != 0 and "PermissionError" in result.stderr, path
    student = term["students"]["aht-s3"]
    assert student.formgrader("GET", "/assignments").status_code == 403
    # Their own server has no formgrader either (it is turned off for students).
    assert student.server("GET", "/formgrader/api/assignments").status_code == 404


def test_released_assignment_holds_no_solution(hub, term):
    released = hub.exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    text = released.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    result = as_user(hub, "aht-s1", f"print(len(open({str(released)!r}).read()))")
    assert result.returncode == 0  # students may read what was released


def test_a_grader_can_grade_but_not_manage_people(hub, term):
    grader = hub.session(GRADER)
    assert grader.formgrader("GET", f"/submissions/{ASSIGNMENT}").status_code == 200
    assert grader.request("GET", "/hub/api/users").status_code == 403
    instructor = term["instructor"]
    assert instructor.request("GET", "/hub/api/users").status_code == 200
    enrol = instructor.request(
        "POST", f"/hub/api/groups/nbgrader-{COURSE_ID}/users", json={"users": ["aht-s3"]}
    )
    assert enrol.status_code == 200, enrol.text


def test_thirty_students_start_run_a_lesson_and_submit_at_once(hub, term, capsys):
    """The bounded load check: 30 servers, 30 lesson kernels, 30 simultaneous submissions."""
    report = run_class(
        hub,
        term["instructor"],
        LOAD_STUDENTS,
        code=lesson_code(LOAD_LESSON),
        assignment=ASSIGNMENT,
        time_limit=LOAD_TIME_LIMIT,
    )
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "hub_load.json").write_text(json.dumps(report, indent=2) + "\n")
    with capsys.disabled():
        print(f"\nJupyterHub load check: {json.dumps(report)}")
    assert report["missing"] == [], f"submissions lost: {report['missing']}"


def test_student_kernels_talk_to_their_server_over_private_sockets(term):
    """Kernels use Unix sockets in the student's home, not TCP ports other users can race for."""
    ran = term["students"]["aht-s1"].run_code(
        "import json\nfrom ipykernel.connect import get_connection_file\n"
        "info = json.load(open(get_connection_file()))\n"
        "print(info['transport'], info['ip'])"
    )
    transport, ip = ran["stdout"].split()
    assert transport == "ipc"
    assert ip.startswith("/home/aht-s1/.jupyter-run/") and len(ip) + 2 <= 107


def _disabled_lab_plugins(session) -> list[str]:
    """The plugins JupyterLab's page tells the browser to skip (its jupyter-config-data)."""
    page = session.server("GET", "/lab")
    assert page.status_code == 200, page.status_code
    data = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page.text, re.S
    )
    assert data, "no jupyter-config-data in the lab page"
    return json.loads(data.group(1)).get("disabledExtensions", [])


def test_students_jupyterlab_hides_the_instructor_tools_and_staff_keep_them(hub, term):
    tools = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"}
    assert tools <= set(_disabled_lab_plugins(term["students"]["aht-s1"]))
    instructor = term["instructor"]
    instructor.start_server()
    assert not tools & set(_disabled_lab_plugins(instructor))
