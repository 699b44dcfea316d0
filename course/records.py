"""Answer records: how a widget answer travels inside the submitted notebook to the grader.

When a learner presses Check, the exercise puts a *signed record* of the answer into its
``answer_record`` trait. That trait is synced to JupyterLab, which saves every widget's state
into the notebook's metadata when the notebook is saved (the course turns JupyterLab's "Save
Widget State Automatically" setting on). So the answer is inside the ``.ipynb`` itself: it
survives a download from Binder and an upload to a learning platform, with no separate file.

At grading time, nbgrader executes the notebook from scratch in a fresh kernel, where every
widget starts empty. The preprocessor :class:`course.grading.ExtractAnswerRecords` reads the
records from the saved widget state before execution and writes them to
:data:`ANSWERS_FILE` in the grading folder; :func:`recorded_answer` reads them from there
(or, in a live session, from the widget on screen).

The signature is an HMAC over the record. It stops a learner from changing the saved answer by
editing the notebook file in a text editor: an edited record fails verification and counts as
unanswered. It cannot stop someone who reads this package's code and signs a record
themselves, because the key must live in the learner's own kernel. The instructor guide says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

__all__ = [
    "ANSWERS_FILE",
    "WIDGET_STATE",
    "RecordError",
    "recorded_answer",
    "saved_records",
    "sign",
    "verify",
]

ANSWERS_FILE = ".course_answers.json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"  # JupyterLab's saved widget state
_KEY = hashlib.sha256(b"aleppo-course answer records, version 1").digest()


class RecordError(ValueError):
    """A saved answer record is malformed or was edited after it was signed."""


def _key() -> bytes:
    extra = os.environ.get("COURSE_RECORD_KEY", "")
    return hmac.new(_KEY, extra.encode(), hashlib.sha256).digest() if extra else _KEY


def _canonical(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(record: dict[str, Any]) -> str:
    """Return the record and its signature as one JSON string, ready to be stored."""
    signature = hmac.new(_key(), _canonical(record), hashlib.sha256).hexdigest()
    return json.dumps(
        {"record": record, "signature": signature}, ensure_ascii=False, sort_keys=True
    )


def verify(token: str) -> dict[str, Any]:
    """Return the record inside ``token``; raise :class:`RecordError` if it was altered."""
    try:
        envelope = json.loads(token)
        record, signature = envelope["record"], envelope["signature"]
    except (json.JSONDecodeError, TypeError, KeyError) as error:
        raise RecordError(f"not an answer record: {error}") from error
    expected = hmac.new(_key(), _canonical(record), hashlib.sha256).hexdigest()
    if not isinstance(signature, str) or not hmac.compare_digest(signature, expected):
        exercise = record.get("exercise_id", "?") if isinstance(record, dict) else "?"
        raise RecordError(f"the record for {exercise!r} was changed after it was saved")
    return record


def _exercise_of(token: str) -> str:
    try:
        return str(json.loads(token)["record"]["exercise_id"])
    except (ValueError, KeyError, TypeError):
        return "unknown"


def saved_records(notebook: Any) -> dict[str, dict[str, Any]]:
    """Return the checked answers saved in a notebook's widget state, one per exercise.

    ``notebook`` is a notebook as read by ``nbformat`` (or its JSON as a dict). Every widget
    model whose state carries an ``answer_record`` is verified. Where one exercise has several
    records (an old widget and a new one, after a restart), the latest ``recorded_at`` wins; a
    verified record beats a tampered one. A record that fails verification is returned as
    ``{"status": "tampered", "message": ...}``. This is the one reader of saved answers, used
    by the grader and by a learner's own checks.
    """
    metadata = notebook.get("metadata", {}) if isinstance(notebook, dict) else {}
    widgets = metadata.get("widgets", {}) if isinstance(metadata, dict) else {}
    state = widgets.get(WIDGET_STATE, {}) if isinstance(widgets, dict) else {}
    models = state.get("state", {}) if isinstance(state, dict) else {}
    answers: dict[str, dict[str, Any]] = {}
    for model in models.values() if isinstance(models, dict) else ():
        inner = model.get("state", {}) if isinstance(model, dict) else {}
        token = inner.get("answer_record") if isinstance(inner, dict) else None
        if not token or not isinstance(token, str):
            continue
        try:
            record = verify(token)
        except RecordError as error:
            exercise = _exercise_of(token)
            if exercise not in answers:
                answers[exercise] = {"status": "tampered", "message": str(error)}
            continue
        exercise = str(record.get("exercise_id", "unknown"))
        previous = answers.get(exercise)
        if (
            previous is None
            or previous.get("status") == "tampered"
            or str(record.get("recorded_at", "")) >= str(previous.get("recorded_at", ""))
        ):
            answers[exercise] = record
    return answers


def recorded_answer(exercise_id: str, *, folder: str | Path = ".") -> dict[str, Any] | None:
    """Return the learner's record for ``exercise_id``, or ``None`` if there is none.

    During grading the records come from :data:`ANSWERS_FILE` (written by the grader from the
    submitted notebook). In a live session, with no such file, the answer comes from the
    exercise on screen, so that the learner's own checks (and nbgrader's Validate) work too.
    A record that failed verification is reported as ``{"status": "tampered", ...}``.
    """
    path = Path(folder) / ANSWERS_FILE
    if path.is_file():
        saved = json.loads(path.read_text(encoding="utf-8"))
        return saved.get(exercise_id)
    from course.widgets._base import Exercise

    live = Exercise.live(exercise_id)
    if live is None or not live.answer_record:
        return None
    return verify(live.answer_record)
