"""Odd notebooks handed in through nbgrader's exchange: graded, or named precisely.

A class hands in ps1_phases through a temporary exchange (nbgrader's real fetch and submit)
with the notebooks students really produce: copied and split answer cells, deleted cells, a
9.9 MB file holding plotly.js twice, a file too big even without outputs, an extra copy
beside a blank original, nbformat 3, Colab and VS Code files, and plotly figures. ``course
grade`` (the real command) grades them; each test checks one student's outcome, the intake
report's line for it, and that everyone else is still graded and exported. A last class checks
a regrade: a hidden test fixed, ``--force``, and feedback that shows the new score and the
grader's comment.
"""

from __future__ import annotations

import html
import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from course.cli import main
from tests.classroom import (
    RIGHT,
    Student,
    answer_all,
    base_env,
    copy_course,
    fill,
    nbgrader,
)
from tests.lms_downloads import (
    ASSIGNMENT,
    AUTOGRADED,
    NOTEBOOK,
    copied_cell,
    deleting,
    exported,
    feedback_page,
    intake_details,
    intake_rows,
    split_cell,
    with_embedded_plotlyjs,
)

pytestmark = pytest.mark.slow


def _plotly_figures_twice(path: Path) -> None:
    """Everything right; question 3 calls init_notebook_mode(connected=False) and shows twice."""
    answer_all(path)
    fill(
        path,
        {
            "q3-answer": "import plotly.offline as po\npo.init_notebook_mode(connected=False)\n"
            + RIGHT["q3-answer"]
            + "\nfig.show()\npo.init_notebook_mode(connected=False)\nfig"
        },
    )


def _too_big_without_outputs(path: Path) -> None:
    """A markdown cell of 6 MB: too big for the 5 MB limit with or without outputs."""
    answer_all(path)
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("x" * 6_000_000))
    nbformat.write(nb, path)


def _colab(path: Path) -> None:
    """Everything right, saved as Google Colab saves: its metadata, its cell ids."""
    answer_all(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"]["colab"] = {"provenance": [], "name": NOTEBOOK}
    nb["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    for cell in nb["cells"]:
        cell["metadata"]["id"] = cell.get("id", "x")
    path.write_text(json.dumps(nb), encoding="utf-8")


def _vscode(path: Path) -> None:
    """Everything right, saved as VS Code saves: interpreter metadata, another kernel name."""
    answer_all(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"]["vscode"] = {"interpreter": {"hash": "0" * 64}}
    nb["metadata"]["kernelspec"] = {"name": "venv", "display_name": ".venv (Python 3.11.7)"}
    path.write_text(json.dumps(nb, indent=4), encoding="utf-8")


def _nbformat3(path: Path) -> None:
    """Everything right, saved as an nbformat 3 notebook (an old tool)."""
    answer_all(path)
    old = nbformat.convert(nbformat.read(path, as_version=4), 3)
    path.write_text(nbformat.writes(old, version=3), encoding="utf-8")


STUDENTS = {
    "perfect": answer_all,
    "copycell": copied_cell,
    "splitcell": split_cell,
    "delwidget": deleting("q4-test-answered"),
    "deltask": deleting("q5-task", answer_cell_after="q5-task"),
    "bigplot": with_embedded_plotlyjs(2),
    "toobig": _too_big_without_outputs,
    "figures": _plotly_figures_twice,
    "colab": _colab,
    "vscode": _vscode,
    "nbformat3": _nbformat3,
}


def hand_in(root: Path, actions: dict, course_dir: Path, env: dict[str, str]) -> None:
    exchange = Path(env["NBGRADER_EXCHANGE"])
    nbgrader("generate_assignment", ASSIGNMENT, "--force", cwd=course_dir, env=env)
    nbgrader("release_assignment", ASSIGNMENT, cwd=course_dir, env=env)
    for name, action in actions.items():
        student = Student(name, root / "home" / name, exchange)
        student.fetch(ASSIGNMENT)
        action(student.notebook(ASSIGNMENT))
        student.submit(ASSIGNMENT)


def run_grade(course_dir: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        for key, value in env.items():
            patch.setenv(key, value)
        code = main(["grade", ASSIGNMENT, "--course-dir", str(course_dir), "--workers", "2", *args])
    return code, err.getvalue() + out.getvalue()


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd")
    course_dir = copy_course(root / "course")
    (root / "exchange").mkdir()
    env = base_env(root / "exchange")
    hand_in(root, STUDENTS, course_dir, env)
    code, printed = run_grade(course_dir, env)
    return {"dir": course_dir, "code": code, "printed": printed, "env": env}


def _line(course_dir: Path, student: str) -> tuple[str, str]:
    """(status, detail) of the intake line for ``student``'s notebook."""
    rows = [r for r in intake_rows(course_dir) if r[2] == student and r[1].endswith(".ipynb")]
    assert len(rows) == 1, rows
    status, file, _, _ = rows[0]
    return status, intake_details(course_dir)[(status, file)]


def _exchange_rows(course_dir: Path) -> dict[str, set[tuple[str, str, str, str]]]:
    """The intake report's lines per inbound submission: {owner: {(status, file, who, nb)}}."""
    found: dict[str, set[tuple[str, str, str, str]]] = {}
    for status, file, who, nb in intake_rows(course_dir):
        record, name = file.split("/", 1)
        found.setdefault(record.split("+")[0], set()).add((status, name, who, nb))
    return found


def _handed_in(student: str, status: str = "matched", *extra) -> set[tuple[str, str, str, str]]:
    """What nbgrader submit hands in for one student, as intake lines."""
    return {
        ("metadata", "timestamp.txt", "", ""),
        ("metadata", "submission_secret.txt", "", ""),
        (status, NOTEBOOK, student, NOTEBOOK),
        *extra,
    }


def _score(course_dir: Path, student: str) -> float:
    """The student's exported raw score (the student must be in the export)."""
    frame = exported(course_dir)
    assert student in frame.index, f"{student} is not in the export"
    return float(frame.loc[student, "raw_score"])


def _graded(course_dir: Path, student: str) -> float:
    """The exported raw score of a student whose status is "graded"."""
    score = _score(course_dir, student)
    assert exported(course_dir).loc[student, "status"] == "graded"
    return score


def test_exchange_intake_report_line_by_line(odd):
    """Does every file in the exchange get its line: each notebook, time record and secret?"""
    expected = {name: _handed_in(name) for name in STUDENTS}
    expected["toobig"] = _handed_in("toobig", "skipped")
    assert _exchange_rows(odd["dir"]) == expected
    assert len(intake_rows(odd["dir"])) == 3 * len(STUDENTS)


def test_everyone_who_can_be_graded_is_graded_and_exported(odd):
    """Are all ten gradable students graded and exported, and the too-big one not as 0?"""
    frame = exported(odd["dir"])
    graded = sorted(frame.index[frame["status"] == "graded"])
    assert graded == sorted(set(STUDENTS) - {"toobig"})
    assert frame.loc["toobig", "status"] == "not graded"
    assert frame["raw_score"].isna()["toobig"]
    assert odd["code"] == 5  # a skipped file (toobig) and a student not graded


@pytest.mark.parametrize("name", ["copycell", "splitcell"])
def test_copied_and_split_cells_are_graded_and_named(odd, name):
    """Is a notebook with a copied or split answer cell graded, naming the grade_id?"""
    assert _score(odd["dir"], name) == AUTOGRADED
    assert _graded(odd["dir"], name) == AUTOGRADED
    note = exported(odd["dir"]).loc[name, "note"]
    assert "'q1-answer' (2 cells)" in note
    assert _line(odd["dir"], name)[0] == "matched"


def test_deleted_widget_test_cell_is_restored_and_scored(odd):
    """Is the widget question's deleted visible test put back, earning its point?"""
    assert _score(odd["dir"], "delwidget") == AUTOGRADED
    graded = nbformat.read(
        odd["dir"] / "autograded" / "delwidget" / ASSIGNMENT / NOTEBOOK, as_version=4
    )
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in graded.cells]
    assert ids.index("q4-test-answered") == ids.index("q4-widget") + 1


def test_deleted_written_question_comes_back_with_its_rubric(odd):
    """Does a deleted written question return, with question and rubric, for graders?"""
    from nbgrader.api import Gradebook

    graded = nbformat.read(odd["dir"] / "autograded" / "deltask" / ASSIGNMENT / NOTEBOOK, 4)
    tasks = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q5-task"]
    assert len(tasks) == 1, "the written question was not restored"
    assert "Question 5" in tasks[0].source and "Rubric for graders" in tasks[0].source
    with Gradebook(f"sqlite:///{odd['dir'] / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("q5-task", ASSIGNMENT, ASSIGNMENT, "deltask")
        assert grade.needs_manual_grade and grade.max_score == 4
    assert _score(odd["dir"], "deltask") == AUTOGRADED


def test_notebook_with_plotlyjs_twice_is_graded_without_its_outputs(odd):
    """Is the 9.9 MB notebook graded after its outputs are removed, sizes and limit said?"""
    assert _score(odd["dir"], "bigplot") == AUTOGRADED
    status, detail = _line(odd["dir"], "bigplot")
    assert status == "matched"
    assert re.search(
        r"\d+\.\d MB is over the 5\.0 MB limit \(CourseDirectory\.max_file_size = 5000\)", detail
    )
    assert "outputs were removed, leaving" in detail
    inbound = list((Path(odd["env"]["NBGRADER_EXCHANGE"]) / "aleppo" / "inbound").glob("bigplot+*"))
    assert (inbound[0] / NOTEBOOK).stat().st_size > 9_000_000  # the original is kept


def test_notebook_too_big_even_without_outputs_is_named_with_sizes(odd):
    """Is a notebook over the limit without outputs skipped, with both sizes and the limit?"""
    printed = next(line for line in odd["printed"].splitlines() if "toobig: NOT GRADED" in line)
    assert re.search(r"6\.\d MB is over the 5\.0 MB limit", printed), printed
    status, detail = _line(odd["dir"], "toobig")
    assert status == "skipped"
    assert re.search(
        r"6\.\d MB is over the 5\.0 MB limit .* still 6\.\d MB without its outputs", detail
    )
    assert "6." in exported(odd["dir"]).loc["toobig", "note"]


@pytest.mark.parametrize("name", ["colab", "vscode", "nbformat3"])
def test_colab_vscode_and_nbformat3_notebooks_keep_working(odd, name):
    """Are notebooks saved by Colab, VS Code or an nbformat 3 tool graded as before?"""
    assert _score(odd["dir"], name) == AUTOGRADED


class _Fetches(HTMLParser):
    """Every URL a browser would fetch to show the page (scripts, styles, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "img": "src", "iframe": "src", "link": "href", "source": "src",
                  "video": "src", "audio": "src", "embed": "src", "object": "data"}  # fmt: skip
        for key, value in attrs:
            if key == wanted.get(tag) and value:
                self.urls.append(value)


def _network_fetches(page: str) -> list[str]:
    parser = _Fetches()
    parser.feed(page)
    styles = re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)
    css_urls = [u for s in styles for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", s)]
    css_urls += [u for s in styles for u in re.findall(r"@import\s+['\"]([^'\"]+)", s)]
    return [u for u in parser.urls + css_urls if re.match(r"(https?:)?//", u.strip())]


def test_feedback_shows_plotly_figures_offline_with_plotlyjs_once(odd):
    """Does feedback draw the student's figures, embed plotly.js once, and fetch nothing?"""
    from plotly.offline import get_plotlyjs

    page = feedback_page(odd["dir"], "figures")
    library = get_plotlyjs()
    assert page.count(library[:2000]) == 1  # init_notebook_mode's two copies dropped, one added
    assert page.count("Plotly.newPlot(") == 2  # fig.show() and fig
    assert "Number of events" in html.unescape(page) or "Events" in page
    assert _network_fetches(page) == []
    for student in set(STUDENTS) - {"toobig"}:
        assert _network_fetches(feedback_page(odd["dir"], student)) == [], student


def test_offline_check_would_catch_the_stock_mathjax_cdn(odd):
    """Does the network check find the MathJax CDN script that stock feedback loads?"""
    stock = '<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js"></script>'
    assert _network_fetches(stock) != []


# ---- An extra copy beside a blank original, through the exchange ---------------------------


def _blank_plus_copy(path: Path) -> None:
    """The work saved as ps1_phases-Copy1.ipynb; the original handed in blank beside it."""
    copy = path.with_name("ps1_phases-Copy1.ipynb")
    copy.write_bytes(path.read_bytes())
    answer_all(copy)


def test_extra_copy_never_reaches_grading_or_stops_feedback(tmp_path):
    """Does a blank original plus a -Copy1 leave the class graded, with the copy named?"""
    course_dir = copy_course(tmp_path / "course")
    (tmp_path / "exchange").mkdir()
    env = base_env(tmp_path / "exchange")
    hand_in(tmp_path, {"copier": _blank_plus_copy, "perfect": answer_all}, course_dir, env)
    code, printed = run_grade(course_dir, env)
    assert code == 3, printed  # the copy is a skipped file; no crash
    assert _score(course_dir, "perfect") == AUTOGRADED
    assert _graded(course_dir, "copier") == 0
    copy = ("skipped", "ps1_phases-Copy1.ipynb", "copier", "")
    assert _exchange_rows(course_dir) == {
        "copier": _handed_in("copier", "matched", copy),
        "perfect": _handed_in("perfect"),
    }
    details = intake_details(course_dir)
    detail = next(d for (s, f), d in details.items() if f.endswith("ps1_phases-Copy1.ipynb"))
    assert "The work may be in it" in detail
    graded = course_dir / "autograded" / "copier" / ASSIGNMENT
    assert sorted(p.name for p in graded.glob("*.ipynb")) == [NOTEBOOK]
    assert (course_dir / "feedback" / "perfect" / ASSIGNMENT / "ps1_phases.html").is_file()
    again, printed = run_grade(course_dir, env)  # no longer stuck on a second run
    assert again == 3, printed


# ---- Regrade: a hidden test fixed, --force, manual marks and comments kept -------------------


def _set_hidden_test(source: Path, grade_id: str, old: str, new: str) -> None:
    nb = nbformat.read(source, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    nbformat.write(nb, source)


def test_regrade_reaches_feedback_with_new_score_and_comment(tmp_path):
    """Do hand-given marks, then a fixed hidden test and --force, reach students' feedback?"""
    from nbgrader.api import Gradebook

    course_dir = copy_course(tmp_path / "course")
    source = course_dir / "source" / ASSIGNMENT / NOTEBOOK
    right, wrong = (  # a bug in a hidden test: it fails every answer
        "### BEGIN HIDDEN TESTS\n",
        '### BEGIN HIDDEN TESTS\nexpect(False, "Some counts are wrong (a bug in this check).")\n',
    )
    _set_hidden_test(source, "q2-test-values", right, wrong)  # a bug in a hidden test
    (tmp_path / "exchange").mkdir()
    env = base_env(tmp_path / "exchange")
    hand_in(tmp_path, {"amira": answer_all, "ben": answer_all}, course_dir, env)
    code, printed = run_grade(course_dir, env)
    assert code == 0, printed
    assert "(Score: 8.0 / 13.0)" in feedback_page(course_dir, "amira")
    assert "Some counts are wrong" in feedback_page(course_dir, "amira")

    comment_text = "Well argued from the July 2016 row; cite the second event too."
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("q5-task", ASSIGNMENT, ASSIGNMENT, "amira")
        grade.manual_score = 3
        comment = gradebook.find_comment("q5-task", ASSIGNMENT, ASSIGNMENT, "amira")
        comment.manual_comment = comment_text
        gradebook.db.commit()
    code, printed = run_grade(course_dir, env, "--no-collect")  # after grading by hand
    assert code == 0, printed
    assert "for 1 of 2 student(s)" in printed  # only the page that changed is written
    page = html.unescape(feedback_page(course_dir, "amira"))
    assert "(Score: 11.0 / 13.0)" in page and comment_text in page

    _set_hidden_test(source, "q2-test-values", wrong, right)  # the instructor fixes it
    nbgrader("generate_assignment", ASSIGNMENT, "--force", cwd=course_dir, env=env)
    code, printed = run_grade(course_dir, env, "--force")
    assert code == 0, printed
    page = html.unescape(feedback_page(course_dir, "amira"))
    assert "(Score: 12.0 / 13.0)" in page  # 9 autograded + 3 by hand
    assert comment_text in page
    assert "Some counts are wrong" not in page
    assert "(Score: 9.0 / 13.0)" in feedback_page(course_dir, "ben")
    frame = exported(course_dir)
    assert frame.loc["amira", "raw_score"] == 12 and frame.loc["ben", "raw_score"] == AUTOGRADED
    assert _exchange_rows(course_dir) == {"amira": _handed_in("amira"), "ben": _handed_in("ben")}

    code, printed = run_grade(course_dir, env, "--student", "ben", "--force")  # one student
    assert code == 0, printed
    assert "[1/1] ben: graded" in printed
