"""The checker: test cells run in a separate process, on data, against a trusted context.

A real checker process is started (in the sandbox, and once without it, as
``course grade --no-sandbox`` runs it) and fed what the grader feeds it: the notebook's locked
cells, the widget answers, and payloads made by ``course.grading.transfer.export``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import plotly.express as px
import pytest
from traitlets.config import Config

from course import records
from course.grading.checker import Checker
from course.grading.names import names_from_user
from course.grading.transfer import export

SETUP = """
import pandas as pd
import plotly.graph_objects as go
from course.grading import answer_value, expect, expect_answer
events = pd.DataFrame({"phase_id": ["a", "a", "b"], "date": [1, 2, 3]})
events.head()
"""
TESTS = {
    "q-type": 'expect(isinstance(counts, pd.Series), "counts should be a Series.")',
    "q-values": (
        'expected = events["phase_id"].value_counts()\n'
        'expect(dict(counts) == dict(expected), "Some counts are wrong.")'
    ),
    "q-fig": (
        'bars = [t for t in fig.data if t.type == "bar"][0]\n'
        'expect(int(sum(bars.y)) == len(events), "The bars should add up to the events.")'
    ),
    "q-widget": 'expect_answer("order", ["x", "y"], "The order is not right.")',
    "q-partial": "len(counts) / 4",
    "q-print": 'print("checked", len(events))',
    "q-loop": "while True:\n    pass",
}
CELLS = [
    {"kind": "trusted", "grade_id": "setup", "source": SETUP},
    *({"kind": "test", "grade_id": g, "source": s} for g, s in TESTS.items()),
]


@pytest.fixture(scope="module", params=[True, False], ids=["sandboxed", "plain"])
def checker(request):
    config = Config()
    config.Sandbox.enabled = request.param
    config.Checker.timeout = 5
    checker = Checker(config=config)
    key, trusted, problems = checker.context(CELLS)
    assert problems == []
    yield checker, key, trusted
    checker.close()


def _check(checker, grade_id: str, namespace: dict) -> list[dict]:
    process, key, trusted = checker
    source = TESTS[grade_id]
    names = names_from_user(source, trusted)
    payload = export(names, namespace=namespace).text if names else None
    return process.check(key, grade_id, source, names, payload)


def _errors(outputs: list[dict]) -> list[str]:
    return [f"{o['ename']}: {o['evalue']}" for o in outputs if o["output_type"] == "error"]


def test_the_trusted_context_names_the_setup_cells_names(checker):
    """Does the context hold what the locked setup cell defines, and nothing of a student's?"""
    _, _, trusted = checker
    assert {"events", "expect", "expect_answer", "answer_value", "pd", "go"} <= set(trusted)
    assert names_from_user(TESTS["q-values"], trusted) == ["counts"]


def test_a_right_answer_passes_and_a_wrong_one_fails_with_its_message(checker):
    """Do checks pass on a right Series and fail, with the test's words, on a wrong one?"""
    right = pd.Series({"a": 2, "b": 1})
    assert _errors(_check(checker, "q-type", {"counts": right})) == []
    assert _errors(_check(checker, "q-values", {"counts": right})) == []
    wrong = pd.Series({"a": 1})
    assert _errors(_check(checker, "q-values", {"counts": wrong})) == [
        "AssertionError: Some counts are wrong."
    ]


def test_a_students_expect_or_events_is_never_used(checker):
    """Are a student's own `expect` and `events`, sent along, ignored in favour of the
    trusted ones?"""
    process, key, trusted = checker
    fake_events = pd.DataFrame({"phase_id": ["a"]})
    payload = export(
        ["counts", "expect", "events"],
        namespace={"counts": pd.Series({"a": 1}), "expect": 1, "events": fake_events},
    ).text
    outputs = process.check(
        key, "q-values", TESTS["q-values"], ["counts", "expect", "events"], payload
    )
    assert _errors(outputs) == ["AssertionError: Some counts are wrong."]


def test_a_plotly_figure_is_checked_as_a_figure(checker):
    """Does a px figure sent as data pass a check that sums its bars?"""
    fig = px.bar(x=["a", "b"], y=[2, 1])
    assert _errors(_check(checker, "q-fig", {"fig": fig})) == []


def test_widget_answers_come_from_the_records_given_to_the_checker(checker, tmp_path):
    """Are widget answers read from the checker's own private file, and only from there?"""
    process, key, _ = checker
    process.answers({"order": {"exercise_id": "order", "value": ["x", "y"]}})
    assert _errors(process.check(key, "q-widget", TESTS["q-widget"], [], None)) == []
    process.answers({})
    assert (
        "No answer was recorded"
        in _errors(process.check(key, "q-widget", TESTS["q-widget"], [], None))[0]
    )
    # the grader's own folder never holds the answers file
    assert not (Path.cwd() / records.ANSWERS_FILE).exists()


def test_an_undefined_answer_fails_like_it_would_in_the_notebook(checker):
    """Does a name the student never defined fail with a NameError naming it?"""
    assert _errors(_check(checker, "q-type", {})) == ["NameError: name 'counts' is not defined"]


def test_an_answer_that_is_not_data_fails_with_a_plain_message(checker):
    """Does a lambda where a Series should be fail with words saying why, not a crash?"""
    errors = _errors(_check(checker, "q-type", {"counts": lambda: 3}))
    assert len(errors) == 1 and errors[0].startswith("UnreadableAnswer:")
    assert "`counts`" in errors[0] and "function" in errors[0]


def test_an_oversized_answer_fails_that_check_only(checker):
    """Does a too-big answer fail its own check, and the next check still run?"""
    process, key, trusted = checker
    names = ["counts"]
    payload = export(names, max_bytes=50_000, namespace={"counts": pd.Series(range(20_000))}).text
    errors = _errors(process.check(key, "q-type", TESTS["q-type"], names, payload))
    assert errors and "too big" in errors[0]
    assert _errors(_check(checker, "q-type", {"counts": pd.Series([1])})) == []


def test_results_and_prints_come_back_as_notebook_outputs(checker):
    """Do a last-expression value (nbgrader's partial credit) and prints come back as outputs?"""
    outputs = _check(checker, "q-partial", {"counts": pd.Series([1, 2])})
    assert outputs[-1]["output_type"] == "execute_result"
    assert outputs[-1]["data"]["text/plain"] == "0.5"
    printed = _check(checker, "q-print", {})
    assert printed == [{"output_type": "stream", "name": "stdout", "text": "checked 3\n"}]


def test_a_check_that_runs_too_long_is_stopped(checker):
    """Is a check that never ends stopped with a message, and the checker still usable?"""
    errors = _errors(_check(checker, "q-loop", {}))
    assert errors and errors[0].startswith("TimeoutError:")
    assert _errors(_check(checker, "q-type", {"counts": pd.Series([1])})) == []


def test_the_checker_is_another_process(checker):
    """Does the check run in a process other than the grader's?"""
    process, _, _ = checker
    assert process._process is not None and process._process.pid != os.getpid()


def test_a_checker_that_stopped_starts_again_with_its_context_and_answers(checker):
    """If the checker process dies, does the next check start a new one that still knows the
    trusted context and the notebook's answers?"""
    process, key, _ = checker
    process.answers({"order": {"exercise_id": "order", "value": ["x", "y"]}})
    os.kill(process._process.pid, 9)
    process._process.wait()
    assert _errors(_check(checker, "q-values", {"counts": pd.Series({"a": 2, "b": 1})})) == []
    assert _errors(process.check(key, "q-widget", TESTS["q-widget"], [], None)) == []


def test_a_plain_checker_leaves_no_folder_behind_even_if_the_grader_dies():
    """Outside the sandbox, does the checker's private folder go when the pipe closes?"""
    config = Config()
    config.Sandbox.enabled = False
    checker = Checker(config=config)
    checker.answers({})
    folder, process = Path(checker._folder), checker._process
    assert folder.is_dir()
    process.stdin.close()  # what the checker sees when the grading process dies
    process.wait(timeout=30)
    assert not folder.exists()
    checker.close()
