"""The checker: a separate, trusted process that runs an assignment's test cells.

A student's code runs in a sandboxed kernel (:mod:`course.grading.sandbox`); the code of every
autograded test cell, hidden or visible, runs here instead, in a process the student's code
cannot reach. Modelled on PrairieLearn's Python grader. For each test cell the checker gets:

* the **trusted context** it builds itself, once per class: the notebook's locked, non-solution
  code cells (the setup cell with its imports, ``events = data.events()`` and ``expect``), run
  here in notebook order, with the source that nbgrader's gradebook holds. A name the trusted
  context defines always comes from here, never from the student, which is what defeats a
  student who rebinds ``expect`` or ``events``;
* the **widget answers** of the submission, taken by the grader from the notebook with
  :func:`course.records.saved_records` and written to :data:`course.records.ANSWERS_FILE` in the
  checker's own private folder, where ``answer_value``/``expect_answer`` read them;
* the **student's values** of the names the test reads (:mod:`course.grading.names`), sent as
  data by the student's kernel (:mod:`course.grading.transfer`).

It returns the cell's outputs in nbformat form (streams, results, and an ``error`` output with
``ename``/``evalue``/``traceback`` when a check fails), so nbgrader's ``SaveAutoGrades``,
formgrader and feedback work unchanged.

The process speaks length-prefixed JSON on its stdin and stdout (``python -m
course.grading.checker``); :class:`Checker` is the grader's side. One checker serves every
notebook a grading process handles, and keeps each trusted context it has built.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import copy
import hashlib
import io
import json
import linecache
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any, BinaryIO

from traitlets import Integer
from traitlets.config import LoggingConfigurable

from course.grading.transfer import DEFAULT_MAX_BYTES, Unreadable, load_payload

__all__ = ["Checker", "CheckerError", "context_key", "run_cell", "serve"]

_HEADER = struct.Struct(">Q")
_FOLDER = "COURSE_CHECKER_FOLDER"  # the plain checker's private folder, removed when it ends
MAX_FRAME = 256 * 1024 * 1024


class CheckerError(RuntimeError):
    """The checker process failed, stopped or did not answer in time."""


# --------------------------------------------------------------------------------------------
# Framing


def _send(stream: BinaryIO, message: dict[str, Any]) -> None:
    data = json.dumps(message, allow_nan=True).encode("utf-8")
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO) -> dict[str, Any] | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise CheckerError(f"message of {size} bytes is over the limit")
    data = stream.read(size)
    if len(data) < size:
        return None
    return json.loads(data)


# --------------------------------------------------------------------------------------------
# Running one cell (checker side)


class _Outputs(io.TextIOBase):
    """A stand-in for sys.stdout or sys.stderr that records nbformat stream outputs."""

    def __init__(self, outputs: list[dict[str, Any]], name: str) -> None:
        self.outputs, self.name = outputs, name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.outputs and self.outputs[-1].get("name") == self.name:
            self.outputs[-1]["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": self.name, "text": text})
        return len(text)


def _mimebundle(value: Any) -> dict[str, str]:
    data = {"text/plain": repr(value)}
    html = getattr(value, "_repr_html_", None)
    if callable(html):
        with contextlib.suppress(Exception):
            rendered = html()
            if isinstance(rendered, str):
                data["text/html"] = rendered
    return data


def _python(source: str) -> str:
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - the cell is compiled as written, and fails there
        return source


def _traceback(error: BaseException, filename: str) -> list[str]:
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == filename or "course/grading/checks" in frame.filename
    ]
    lines = ["Traceback (most recent call last):"]
    lines += [line.rstrip("\n") for line in traceback.format_list(frames)]
    lines += [line.rstrip("\n") for line in traceback.format_exception_only(error)]
    return lines


def run_cell(source: str, namespace: dict[str, Any], filename: str) -> list[dict[str, Any]]:
    """Run ``source`` like IPython would (the last expression becomes the result).

    Returns the outputs in nbformat form; an exception becomes an ``error`` output.
    """
    outputs: list[dict[str, Any]] = []
    code = _python(source)
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)

    def display(*objects: Any, **_: Any) -> None:
        for value in objects:
            outputs.append(
                {"output_type": "display_data", "data": _mimebundle(value), "metadata": {}}
            )

    namespace.setdefault("display", display)
    with (
        contextlib.redirect_stdout(_Outputs(outputs, "stdout")),
        contextlib.redirect_stderr(_Outputs(outputs, "stderr")),
    ):
        try:
            tree = ast.parse(code, filename)
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 - trusted test code
            if last is not None:
                value = eval(compile(last, filename, "eval"), namespace)  # noqa: S307
                if value is not None:
                    outputs.append(
                        {
                            "output_type": "execute_result",
                            "data": _mimebundle(value),
                            "metadata": {},
                            "execution_count": None,
                        }
                    )
        except BaseException as error:  # noqa: BLE001 - every failure is the cell's outcome
            if isinstance(error, _CheckTimeout):
                error = TimeoutError(
                    "This check took too long and was stopped. Check that your answer is "
                    "the size the question asks for."
                )
            elif isinstance(error, SystemExit | KeyboardInterrupt):
                error = RuntimeError(f"the check stopped with {type(error).__name__}")
            outputs.append(
                {
                    "output_type": "error",
                    "ename": type(error).__name__,
                    "evalue": str(error),
                    "traceback": _traceback(error, filename),
                }
            )
    return outputs


class _CheckTimeout(KeyboardInterrupt):
    pass


def _copy_namespace(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A namespace for one check: trusted tables copied, so no check can change the next."""
    namespace = dict(snapshot)
    pd = sys.modules.get("pandas")
    for name, value in snapshot.items():
        if pd is not None and isinstance(value, pd.DataFrame | pd.Series):
            namespace[name] = value.copy(deep=True)
        elif isinstance(value, list | dict | set):
            with contextlib.suppress(Exception):
                namespace[name] = copy.deepcopy(value)
    return namespace


class _Server:
    def __init__(self) -> None:
        self.contexts: dict[str, dict[str, Any]] = {}

    def context(self, message: dict[str, Any]) -> dict[str, Any]:
        key = message["key"]
        if key not in self.contexts:
            namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
            snapshots: dict[str, dict[str, Any]] = {}
            problems: list[str] = []
            for cell in message["cells"]:
                if cell["kind"] == "test":
                    snapshots[cell["grade_id"]] = dict(namespace)
                    continue
                outputs = run_cell(cell["source"], namespace, f"<setup cell {cell['grade_id']}>")
                problems += [
                    f"{cell['grade_id']}: {o['ename']}: {o['evalue']}"
                    for o in outputs
                    if o["output_type"] == "error"
                ]
            namespace.pop("display", None)
            trusted = sorted(n for n in namespace if not n.startswith("__"))
            self.contexts[key] = {"snapshots": snapshots, "final": namespace, "trusted": trusted}
            self.contexts[key]["problems"] = problems
        context = self.contexts[key]
        return {"trusted": context["trusted"], "problems": context["problems"]}

    def answers(self, message: dict[str, Any]) -> dict[str, Any]:
        from course.records import ANSWERS_FILE

        Path(ANSWERS_FILE).write_text(json.dumps(message["answers"]), encoding="utf-8")
        return {}

    def check(self, message: dict[str, Any]) -> dict[str, Any]:
        context = self.contexts[message["key"]]
        snapshot = context["snapshots"].get(message["grade_id"], context["final"])
        namespace = _copy_namespace(snapshot)
        trusted = set(context["trusted"])
        unreadable: list[Unreadable] = []
        problem = message.get("problem")
        # the time limit covers reading the student's data as well as running the test
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(max(1, int(message["timeout"])))
        try:
            if message.get("payload") is not None:
                try:
                    values = load_payload(message["payload"], int(message["max_bytes"]))
                except ValueError as error:
                    values, problem = {}, str(error)
                for name, value in values.items():
                    if name in trusted or name not in message["names"]:
                        continue  # the trusted context wins; nothing unasked-for gets in
                    namespace[name] = value
                    if isinstance(value, Unreadable):
                        unreadable.append(value)
            outputs = run_cell(message["source"], namespace, f"<test cell {message['grade_id']}>")
        except _CheckTimeout:
            outputs = [
                {
                    "output_type": "error",
                    "ename": "TimeoutError",
                    "evalue": "Reading your answers took too long.",
                    "traceback": ["TimeoutError: Reading your answers took too long."],
                }
            ]
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        failed = any(o["output_type"] == "error" for o in outputs)
        if failed and (unreadable or problem):
            reasons = [value.message for value in unreadable]
            if problem:
                reasons.append(
                    f"The grader could not get your answers from the notebook: {problem}"
                )
            error = next(o for o in outputs if o["output_type"] == "error")
            error.update(
                ename="UnreadableAnswer",
                evalue=" ".join(reasons),
                traceback=[f"UnreadableAnswer: {' '.join(reasons)}"],
            )
        return {"outputs": outputs}


def _alarm(signum: int, frame: Any) -> None:
    raise _CheckTimeout("the check took too long")


def serve(reader: BinaryIO, writer: BinaryIO) -> None:
    """Answer requests until the grader closes the pipe (the checker's main loop)."""
    server = _Server()
    handlers = {"context": server.context, "answers": server.answers, "check": server.check}
    while True:
        message = _receive(reader)
        if message is None:
            return
        try:
            reply = handlers[message["op"]](message)
            reply["ok"] = True
        except Exception as error:  # noqa: BLE001 - reported to the grader, which goes on
            reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        _send(writer, reply)


def _main() -> None:
    # The protocol owns the original stdin and stdout; stray prints go to stderr.
    reader = os.fdopen(os.dup(0), "rb")
    writer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.stdout = sys.stderr
    # Outside a sandbox the grader gives the checker a private folder of its own, which the
    # checker removes when the grader closes the pipe (also when the grader died).
    folder = os.environ.get(_FOLDER)
    try:
        serve(reader, writer)
    finally:
        if folder and Path(folder).name.startswith("course-checker-"):
            shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# The grader's side


def context_key(cells: list[dict[str, str]]) -> str:
    """A key naming one trusted context: the same cells give the same key, for every student."""
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()


class Checker(LoggingConfigurable):
    """The grader's handle on a checker process (started on first use, kept for reuse).

    When ``Sandbox.enabled`` is true the checker runs in a bubblewrap sandbox too (read-only
    environment, no network, private folder), as defence in depth: it only ever runs the
    instructor's code, but on the student's data.
    """

    timeout = Integer(
        60,
        help="Seconds one test cell may run in the checker. A check that takes longer fails "
        "with a message; the checker is then restarted.",
    ).tag(config=True)

    max_bytes = Integer(
        DEFAULT_MAX_BYTES,
        help="Most bytes of data (JSON text) a student's kernel may send for one test cell. A "
        "bigger answer fails its check with a plain message.",
    ).tag(config=True)

    _process: subprocess.Popen[bytes] | None = None
    _folder: str | None = None
    _known: dict[str, list[dict[str, str]]]
    _answers: dict[str, Any] | None = None
    _lock: threading.Lock

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._known = {}
        self._lock = threading.Lock()

    def _start(self) -> None:
        from course.grading.sandbox import Sandbox

        sandbox = Sandbox(parent=self)
        argv = [sys.executable, "-m", "course.grading.checker"]
        launch = None
        if sandbox.enabled:
            sandbox.check()
            launch = sandbox.launch(argv)
            command, cwd, env = launch.argv, "/", sandbox.environment()
            extra = launch.popen_kwargs()
        else:
            self._folder = tempfile.mkdtemp(prefix="course-checker-")
            command, cwd, extra = argv, self._folder, {}
            env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", _FOLDER: self._folder}
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=cwd,
                env=env,
                start_new_session=True,
                **extra,
            )
        finally:
            if launch is not None:
                launch.close()

    def close(self) -> None:
        """Stop the checker process (it also stops by itself when the grader exits)."""
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(Exception):
                process.stdin.close()  # type: ignore[union-attr]
                process.wait(timeout=5)
            if process.poll() is None:
                process.kill()
                process.wait()
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one request and wait for its reply; raise :class:`CheckerError` on failure.

        A checker that stopped (or was stopped after it did not answer) is started again, and
        given the trusted contexts and the answers it had before.
        """
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self.close()
                self._start()
                for key, cells in self._known.items():
                    self._exchange({"op": "context", "key": key, "cells": cells}, self.timeout * 4)
                if self._answers is not None:
                    self._exchange({"op": "answers", "answers": self._answers}, self.timeout)
            return self._exchange(message, timeout)

    def _exchange(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        process = self._process
        assert process is not None and process.stdin and process.stdout
        reply: dict[str, Any] | None = None
        done = threading.Event()

        def read() -> None:
            nonlocal reply
            with contextlib.suppress(Exception):
                reply = _receive(process.stdout)  # type: ignore[arg-type]
            done.set()

        try:
            _send(process.stdin, message)
        except OSError as error:
            self.close()
            raise CheckerError(f"the checker stopped ({error})") from None
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        if not done.wait(timeout) or reply is None:
            self.close()
            raise CheckerError("the checker did not answer in time, or stopped")
        if not reply.get("ok"):
            raise CheckerError(reply.get("error", "the checker failed"))
        return reply

    def context(self, cells: list[dict[str, str]]) -> tuple[str, list[str], list[str]]:
        """Build (or reuse) the trusted context of these cells; return key, names, problems."""
        key = context_key(cells)
        reply = self.request(
            {"op": "context", "key": key, "cells": cells}, timeout=self.timeout * 4
        )
        self._known[key] = cells
        return key, reply["trusted"], reply["problems"]

    def answers(self, answers: dict[str, Any]) -> None:
        """Give the checker the widget answers of the notebook about to be checked."""
        self._answers = answers
        self.request({"op": "answers", "answers": answers}, timeout=self.timeout)

    def check(
        self,
        key: str,
        grade_id: str,
        source: str,
        names: list[str],
        payload: str | None,
        problem: str | None = None,
    ) -> list[dict[str, Any]]:
        """Run one test cell; return its outputs in nbformat form."""
        reply = self.request(
            {
                "op": "check",
                "key": key,
                "grade_id": grade_id,
                "source": source,
                "names": names,
                "payload": payload,
                "problem": problem,
                "max_bytes": self.max_bytes,
                "timeout": self.timeout,
            },
            timeout=self.timeout + 15,
        )
        return reply["outputs"]


_SHARED: dict[tuple[Any, ...], Checker] = {}


def shared_checker(parent: Any) -> Checker:
    """The checker of this grading process for ``parent``'s configuration (started once)."""
    from course.grading.sandbox import Sandbox

    probe = Checker(parent=parent)
    sandbox = Sandbox(parent=parent)
    key = (
        probe.timeout,
        probe.max_bytes,
        sandbox.enabled,
        tuple(sandbox.limits().items()),
        tuple(sandbox.read_only_paths),
    )
    if key not in _SHARED:
        _SHARED[key] = probe
    return _SHARED[key]


@atexit.register
def _close_all() -> None:
    for checker in _SHARED.values():
        checker.close()


if __name__ == "__main__":
    _main()
