"""Answer records: how a checked widget answer is kept in the notebook file and read back.

When a learner presses Check, the exercise signs a *record* of the answer (:func:`sign`) and keeps
it in **two places inside the notebook**, so that the ``.ipynb`` file alone carries the answer
through a download from Binder and an upload to a learning platform:

* the exercise's synced ``answer_record`` trait, which JupyterLab saves with the widget state
  in ``metadata.widgets`` (the course turns "Save Widget State Automatically" on);
* an output of the exercise's own cell, of MIME type :data:`RECORD_MIME`, updated on every
  Check. Outputs are saved by every notebook editor and survive the path where the widget state
  is dropped on save (a notebook reopened without a kernel and saved: ipywidgets#3888).

A third place, ``metadata["aleppo_course"]["answer_records"]`` (:data:`METADATA_KEY`), is
written by the grader (:class:`course.grading.preprocessors.KeepAnswerRecords`) before nbgrader
clears the outputs, so that records survive nbgrader's sanitize step.

:func:`saved_records` is the one reader of all three: the record with the latest
``recorded_at`` (microseconds, UTC) wins, wherever it is kept. Reset signs a *cleared* record,
so a reset answer stays unanswered even where an older record lingers.

:func:`recorded_answer` is what an assignment's test cell calls. During grading it reads
:data:`ANSWERS_FILE` (written by :class:`course.grading.ExtractAnswerRecords`); in a live session
it reads the exercise on screen (the live-answer lookup, kept here: :func:`register_live`);
when neither exists, as under ``nbgrader validate``, it reads the notebook file in the working
folder. Exercises call :func:`notebook_path` and :func:`file_records` to restore the last
checked answer from the saved notebook when they are created.

This module sits below :mod:`course.widgets`: widgets write and restore records through it, and
it never imports them.

The signature is an HMAC over the record. It stops a learner from changing a saved answer by
editing the notebook file in a text editor: an edited record fails verification and counts as
unanswered. It cannot stop someone who reads this package's code and signs a record
themselves, because the key must live in the learner's own kernel. The instructor guide says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import weakref
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

__all__ = [
    "ANSWERS_FILE",
    "METADATA_KEY",
    "RECORD_MIME",
    "WIDGET_STATE",
    "RecordError",
    "file_records",
    "latest",
    "live_owner",
    "live_tokens",
    "notebook_path",
    "pick_latest",
    "record_tokens",
    "recorded_answer",
    "register_live",
    "saved_records",
    "sign",
    "timestamp",
    "verify",
    "working_notebook",
]

ANSWERS_FILE = ".course_answers.json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"  # JupyterLab's saved widget state
RECORD_MIME = "application/vnd.aleppo-course.answer-record+json"  # the record in a cell output
METADATA_KEY = "aleppo_course"  # notebook metadata: {"answer_records": [token, ...]}
_KEY = hashlib.sha256(b"aleppo-course answer records, version 1").digest()
_OLDEST = datetime.min.replace(tzinfo=UTC)


class RecordError(ValueError):
    """A saved answer record is malformed or was edited after it was signed."""


# Signing ------------------------------------------------------------------------------------


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
    if not isinstance(record, dict):
        raise RecordError("not an answer record: the record is not an object")
    expected = hmac.new(_key(), _canonical(record), hashlib.sha256).hexdigest()
    if not isinstance(signature, str) or not hmac.compare_digest(signature, expected):
        exercise = record.get("exercise_id", "?")
        raise RecordError(f"the record for {exercise!r} was changed after it was saved")
    return record


_clock_lock = threading.Lock()
_last_stamp = _OLDEST


def timestamp() -> str:
    """Return the current UTC time for ``recorded_at``, to the microsecond.

    Within one kernel every call returns a strictly later time than the one before, so two
    checks in the same second (or microsecond) are still ordered.
    """
    global _last_stamp
    with _clock_lock:
        now = datetime.now(UTC)
        if now <= _last_stamp:
            now = _last_stamp + timedelta(microseconds=1)
        _last_stamp = now
    return now.isoformat(timespec="microseconds")


def _when(record: dict[str, Any]) -> datetime:
    try:
        moment = datetime.fromisoformat(str(record.get("recorded_at", "")))
    except ValueError:
        return _OLDEST
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# Reading records wherever they are kept -----------------------------------------------------


def _exercise_of(token: str) -> str:
    try:
        return str(json.loads(token)["record"]["exercise_id"])
    except (ValueError, KeyError, TypeError):
        return "unknown"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def record_tokens(notebook: Any) -> Iterator[str]:
    """Yield every signed record stored in a notebook, wherever it is kept.

    ``notebook`` is a notebook as read by ``nbformat`` (or its JSON as a dict). The places are
    the saved widget state (``answer_record`` of each model), outputs of type
    :data:`RECORD_MIME`, and ``metadata[METADATA_KEY]["answer_records"]``. Malformed parts of
    the notebook are skipped, never raised.
    """
    metadata = _dict(_dict(notebook).get("metadata"))
    state = _dict(_dict(_dict(metadata.get("widgets")).get(WIDGET_STATE)).get("state"))
    for model in state.values():
        token = _dict(_dict(model).get("state")).get("answer_record")
        if isinstance(token, str) and token:
            yield token
    cells = _dict(notebook).get("cells")
    for cell in cells if isinstance(cells, list) else ():
        outputs = _dict(cell).get("outputs")
        for output in outputs if isinstance(outputs, list) else ():
            token = _dict(_dict(_dict(output).get("data")).get(RECORD_MIME)).get("answer_record")
            if isinstance(token, str) and token:
                yield token
    kept = _dict(metadata.get(METADATA_KEY)).get("answer_records")
    for token in kept if isinstance(kept, list) else ():
        if isinstance(token, str) and token:
            yield token


def latest(tokens: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Return the latest record per exercise among ``tokens``, cleared records included.

    A verified record beats a tampered one; among verified records the latest ``recorded_at``
    wins. An exercise with only tampered records maps to ``{"status": "tampered", "message"}``.
    A record of a Reset carries ``"cleared": True``.
    """
    answers: dict[str, dict[str, Any]] = {}
    for token in tokens:
        try:
            record = verify(token)
        except RecordError as error:
            exercise = _exercise_of(token)
            answers.setdefault(exercise, {"status": "tampered", "message": str(error)})
            continue
        exercise = str(record.get("exercise_id", "unknown"))
        previous = answers.get(exercise)
        if (
            previous is None
            or previous.get("status") == "tampered"
            or _when(record) >= _when(previous)
        ):
            answers[exercise] = record
    return answers


def pick_latest(*candidates: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return the latest of several records of one exercise by the rules of :func:`latest`."""
    best: dict[str, Any] | None = None
    for record in candidates:
        if record is None:
            continue
        if (
            best is None
            or best.get("status") == "tampered"
            or (record.get("status") != "tampered" and _when(record) >= _when(best))
        ):
            best = record
    return best


def saved_records(notebook: Any) -> dict[str, dict[str, Any]]:
    """Return the checked answers saved in a notebook, one per exercise.

    ``notebook`` is a notebook as read by ``nbformat`` (or its JSON as a dict). Records are
    read from every place :func:`record_tokens` knows. Where one exercise has several records
    (an old widget and a new one after a restart, or the widget state and the cell output), the
    latest ``recorded_at`` wins; a verified record beats a tampered one. An exercise whose latest
    record is a Reset is left out (unanswered). A record that fails verification is returned as
    ``{"status": "tampered", "message": ...}``. This is the one reader of saved answers, used by
    the grader, by ``nbgrader validate`` and by the exercises themselves.
    """
    return {
        exercise: record
        for exercise, record in latest(record_tokens(notebook)).items()
        if not record.get("cleared")
    }


_file_cache: dict[Path, tuple[tuple[int, int], dict[str, dict[str, Any]]]] = {}


def file_records(path: str | Path) -> dict[str, dict[str, Any]]:
    """Return :func:`latest` of the notebook file at ``path`` (cleared records included).

    The file is read as JSON and cached until its size or modification time changes, so that a
    lesson with many exercises reads it once. Raises ``OSError`` or ``ValueError`` (with the
    path) if the file cannot be read as a notebook.
    """
    path = Path(path)
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _file_cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a readable notebook: {error}") from error
    found = latest(record_tokens(notebook))
    _file_cache[path] = (stamp, found)
    return found


# Which notebook file this kernel belongs to -------------------------------------------------


def notebook_path() -> Path | None:
    """Return the notebook file this kernel was started for, or ``None`` if it is not known.

    jupyter_server starts a notebook's kernel with ``JPY_SESSION_NAME`` set to the notebook's
    path (``SessionManager.get_kernel_env``: the kernel's folder joined with the file name, or
    the API path relative to the server root). The kernel keeps it across restarts, but not
    across a rename, so a missing file is looked for in the working folder
    (:func:`working_notebook`). VS Code, Colab and other editors do not set it.
    """
    name = os.environ.get("JPY_SESSION_NAME", "")
    if not name:
        return None
    for candidate in (Path(name), Path.cwd() / name, Path.cwd() / Path(name).name):
        if candidate.suffix == ".ipynb" and candidate.is_file():
            return candidate
    return working_notebook(Path.cwd())


def _executed_sources() -> list[str]:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with every Jupyter kernel
        return []
    shell = get_ipython()
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None) or []
    return [source.strip() for source in history[1:] if source.strip()]


def _starts_with(path: Path, executed: list[str]) -> bool:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    sources = []
    for cell in _dict(notebook).get("cells") or []:
        if _dict(cell).get("cell_type") == "code":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            if source.strip():
                sources.append(source.strip())
    return sources[: len(executed)] == executed


def working_notebook(folder: str | Path = ".") -> Path | None:
    """Return the notebook in ``folder`` that this kernel is running, as far as it can be told.

    One notebook in the folder: that one. Several: those whose code cells begin with the cells
    this kernel has executed (``nbgrader validate`` runs a notebook from the top in its folder),
    and among them the one saved last; if none match, the one saved last. ``None`` if the
    folder holds no notebook.
    """
    notebooks = sorted(p for p in Path(folder).glob("*.ipynb") if p.is_file())
    if len(notebooks) <= 1:
        return notebooks[0] if notebooks else None
    executed = _executed_sources()
    matching = [p for p in notebooks if executed and _starts_with(p, executed)]
    return max(matching or notebooks, key=lambda p: p.stat().st_mtime_ns)


# Live answers: the exercises on screen in this kernel ---------------------------------------

_live: dict[str, list[weakref.ReferenceType[Any]]] = {}


def register_live(exercise_id: str, owner: Any) -> None:
    """Register an object with an ``answer_record`` attribute as a live answer to an exercise."""
    refs = [ref for ref in _live.get(exercise_id, []) if ref() is not None]
    refs.append(weakref.ref(owner))
    _live[exercise_id] = refs


def _live_owners(exercise_id: str) -> list[Any]:
    return [owner for ref in _live.get(exercise_id, []) if (owner := ref()) is not None]


def live_owner(exercise_id: str) -> Any | None:
    """Return the most recently registered live owner of ``exercise_id``, if it still exists."""
    owners = _live_owners(exercise_id)
    return owners[-1] if owners else None


def live_tokens(exercise_id: str) -> list[str]:
    """Return the non-empty records held by every live owner of ``exercise_id``."""
    tokens = (getattr(owner, "answer_record", "") for owner in _live_owners(exercise_id))
    return [token for token in tokens if token]


def recorded_answer(exercise_id: str, *, folder: str | Path = ".") -> dict[str, Any] | None:
    """Return the learner's record for ``exercise_id``, or ``None`` if there is none.

    In order:

    1. during grading, :data:`ANSWERS_FILE` in ``folder`` (written by the grader from the
       submitted notebook) is the only source;
    2. in a live session, the latest record of the exercises on screen (a Reset there means
       unanswered);
    3. otherwise (``nbgrader validate``, or a kernel where the exercise was not shown), the
       notebook file in ``folder`` (:func:`working_notebook`), read with the same rules as
       :func:`saved_records`. Not during ``nbgrader autograde``, which has step 1.

    A record that failed verification is reported as ``{"status": "tampered", ...}``.
    """
    path = Path(folder) / ANSWERS_FILE
    if path.is_file():
        saved = json.loads(path.read_text(encoding="utf-8"))
        return saved.get(exercise_id)
    live = live_tokens(exercise_id)
    if live:
        record = latest(live).get(exercise_id)
        return None if record is None or record.get("cleared") else record
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        return None
    session = notebook_path()  # a live kernel knows its notebook; nbgrader validate does not
    same_folder = session is not None and session.parent.resolve() == Path(folder).resolve()
    notebook = session if same_folder else working_notebook(folder)
    if notebook is None:
        return None
    try:
        record = file_records(notebook).get(exercise_id)
    except (OSError, ValueError):
        return None
    return None if record is None or record.get("cleared") else record
