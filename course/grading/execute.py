"""``SandboxedExecute``: nbgrader's ``Execute``, with the student's code and the checks apart.

It takes the place of nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``
(``autograder/nbgrader_config.py``) and changes three things:

1. **The kernel runs in a sandbox.** Its ``kernel_manager_class`` is
   :class:`course.grading.kernel.SandboxKernelManager`.
2. **Test cells run in the checker** (:mod:`course.grading.checker`), never in the student's
   kernel. For each autograded test cell, the names it reads are fetched from the student's
   kernel as data (:mod:`course.grading.names`, :mod:`course.grading.transfer`); the checker
   runs the test against its own trusted context and the submission's widget answers, and the
   outputs it returns become the cell's outputs. What is a test cell, and its code, is taken
   from nbgrader's gradebook, not from the submitted file.
3. **Nothing a cell does stops the notebook.** A kernel that dies (a crash, a limit) or ignores
   an interrupt is restarted for the remaining cells (``max_kernel_restarts``), and the cell
   says what happened in plain words. Outputs are capped while they arrive
   (``max_output_bytes``), before nbgrader's ``LimitOutput`` trims them further.

Every limit that is hit, and every restart, is also logged as ``Reported to the student: ...``,
which ``course grade`` puts in its report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Enum, Integer

from course.grading.checker import CheckerError, shared_checker
from course.grading.feedback import is_plotly_loader
from course.grading.kernel import SandboxKernelManager
from course.grading.names import METADATA_KEY, names_from_user
from course.grading.sandbox import explain_limit
from course.records import saved_records

__all__ = ["LIMIT_LOG", "SandboxedExecute"]

LIMIT_LOG = "Reported to the student"
_TRANSFER = "__import__('course.grading.transfer', fromlist=['export']).export({names!r}, {limit})"
_LIMIT_ERRORS = [
    ("memory", re.compile(r"^MemoryError$")),
    ("processes", re.compile(r"Resource temporarily unavailable|can't start new thread|EAGAIN")),
    ("disk", re.compile(r"No space left on device|\[Errno 28\]")),
    ("file size", re.compile(r"File too large|\[Errno 27\]")),
]
_SOURCE_CACHE: dict[tuple[str, float], dict[str, list[str]]] = {}
_ROLES: dict[tuple, dict[str, dict]] = {}  # cell roles by notebook and assignment version


def _overrides(path: Path) -> dict[str, list[str]]:
    """``names_from_user`` overrides by grade_id, from the instructor's source notebook."""
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        return {}
    if key not in _SOURCE_CACHE:
        found: dict[str, list[str]] = {}
        try:
            notebook = nbformat.read(path, as_version=4)
            for cell in notebook.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                names = cell.metadata.get("course", {}).get(METADATA_KEY)
                if grade_id and isinstance(names, list):
                    found[grade_id] = [str(name) for name in names]
        except Exception:  # noqa: BLE001 - no overrides if the source cannot be read
            found = {}
        _SOURCE_CACHE[key] = found
    return _SOURCE_CACHE[key]


class SandboxedExecute(Execute):
    """Execute a submission in a sandboxed kernel and its test cells in the checker."""

    max_kernel_restarts = Integer(
        2,
        help="How many times Python is restarted in one notebook after it stopped (a crash or "
        "a limit) or ignored an interrupt. Later cells then run without the earlier cells' "
        "results; after the last restart the remaining cells are not run.",
    ).tag(config=True)

    max_output_bytes = Integer(
        2_000_000,
        help="Most bytes of output kept per cell while it runs; more is dropped with a note. "
        "(LimitOutput then keeps at most its max_lines.)",
    ).tag(config=True)

    shutdown_kernel = Enum(
        ["graceful", "immediate"],
        default_value="immediate",
        help="How the kernel stops after the last cell. A grading kernel has nothing to save, "
        "and stopping its sandbox kills all it started, so it is stopped at once instead of "
        "asked and waited for.",
    ).tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)

    # ----------------------------------------------------------------------------------------
    # Whole notebook

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, km: Any = None
    ) -> tuple[NotebookNode, dict[str, Any]]:
        resources = resources if resources is not None else {}
        self._restarts = 0
        self._output_bytes: dict[int, int] = {}
        self._message_bytes: dict[int, int] = {}
        self._cut_cells: set[int] = set()
        self._roles = self._cell_roles(nb, resources)
        self._checker = shared_checker(self)
        self._context_key = ""
        self._trusted: list[str] = []
        try:
            cells = self._context_cells(nb)
            self._context_key, self._trusted, problems = self._checker.context(cells)
            for problem in problems:
                self.log.warning("A locked cell failed in the checker: %s", problem)
            answers = saved_records(nb)
            for exercise, record in answers.items():
                if record.get("status") == "tampered":
                    self.log.warning(
                        "Answer record for %s rejected: %s", exercise, record["message"]
                    )
            self.log.info("Recorded widget answers found: %s", ", ".join(sorted(answers)) or "none")
            self._checker.answers(answers)
        except CheckerError as error:
            # the grader's fault, not the student's: fail this notebook, listed with the reason
            raise RuntimeError(f"The checker could not start: {error}") from None
        return super().preprocess(nb, resources, km=km)

    def _cell_roles(self, nb: NotebookNode, resources: dict[str, Any]) -> dict[str, dict]:
        """Each graded or locked cell's role and trusted source, from nbgrader's gradebook.

        Read once per grading process for each notebook of an assignment, and again whenever
        the assignment is generated anew (its source or released notebook changes).
        """
        info = resources.get("nbgrader", {})
        if not (info.get("db_url") and info.get("assignment") and info.get("notebook")):
            self._override_path = None
            return self._roles_from_metadata(nb)
        self._override_path = self._source_path(info)
        key = (info["db_url"], info["assignment"], info["notebook"], *self._versions(info))
        if key[3:] and key in _ROLES:
            return _ROLES[key]
        from nbgrader.api import Gradebook

        roles: dict[str, dict] = {}
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            graded = {cell.name: cell for cell in notebook.grade_cells}
            solutions = {cell.name for cell in notebook.solution_cells}
            for cell in notebook.source_cells:
                if cell.cell_type != "code" or cell.name in solutions:
                    continue
                if cell.name in graded:
                    roles[cell.name] = {
                        "kind": "test",
                        "source": cell.source,
                        "points": float(graded[cell.name].max_score),
                    }
                elif cell.locked:
                    roles[cell.name] = {"kind": "trusted", "source": cell.source}
        if key[3:]:
            _ROLES[key] = roles
        return roles

    def _versions(self, info: dict[str, Any]) -> tuple:
        """When the assignment's source and released notebook last changed (empty if unknown)."""
        try:
            from nbgrader.coursedir import CourseDirectory

            course = CourseDirectory(parent=self)
            versions = []
            for folder in (course.source_directory, course.release_directory):
                path = Path(course.format_path(folder, ".", info["assignment"]))
                stat = (path / f"{info['notebook']}.ipynb").stat()
                versions += [stat.st_mtime_ns, stat.st_size]
            return tuple(versions)
        except Exception:  # noqa: BLE001 - then the gradebook is read every time
            return ()

    @staticmethod
    def _roles_from_metadata(nb: NotebookNode) -> dict[str, dict]:
        """Outside nbgrader (no gradebook): the notebook's own metadata says what is a test."""
        roles: dict[str, dict] = {}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or meta.get("solution") or not meta.get("grade_id"):
                continue
            if meta.get("grade"):
                roles[meta["grade_id"]] = {"kind": "test", "source": cell.source}
            elif meta.get("locked"):
                roles[meta["grade_id"]] = {"kind": "trusted", "source": cell.source}
        return roles

    def _source_path(self, info: dict[str, Any]) -> Path | None:
        try:
            from nbgrader.coursedir import CourseDirectory

            course = CourseDirectory(parent=self)
            folder = course.format_path(course.source_directory, ".", info["assignment"])
            return Path(folder) / f"{info['notebook']}.ipynb"
        except Exception:  # noqa: BLE001 - overrides are optional
            return None

    def _role(self, cell: NotebookNode) -> dict | None:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        return self._roles.get(grade_id) if grade_id and cell.cell_type == "code" else None

    def _context_cells(self, nb: NotebookNode) -> list[dict[str, str]]:
        cells = []
        for cell in nb.cells:
            role = self._role(cell)
            if role is not None:
                grade_id = cell.metadata.nbgrader.grade_id
                cells.append({"kind": role["kind"], "grade_id": grade_id, "source": role["source"]})
        return cells

    # ----------------------------------------------------------------------------------------
    # One cell

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        role = self._role(cell)
        if role is not None and role["kind"] == "test":
            self._check(cell, index, role)
            return cell, self.resources
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, self.resources
        if self._restarts > self.max_kernel_restarts:
            cell.outputs = [
                _error(
                    "NotRun",
                    "This cell was not run: Python stopped too many times in this notebook.",
                )
            ]
            return cell, self.resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, CellTimeoutError) as error:
            self._recover(cell, index, error)
        self._explain_limits(cell, index)
        return cell, self.resources

    def _recover(self, cell: NotebookNode, index: int, error: Exception) -> None:
        """The kernel died or would not stop: say why in the cell, and start a fresh one."""
        reason = None
        km = self.km
        if isinstance(km, SandboxKernelManager) and km.sandboxed:
            reason = km.stop_reason()
        if isinstance(error, CellTimeoutError):
            message = (
                f"This cell ran past the time limit ({self.timeout} seconds) and did not stop "
                "when interrupted, so the grader restarted Python."
            )
        else:
            message = f"Python stopped while running this cell. {reason or ''}".strip()
        message += (
            " Later cells ran in a fresh Python, without the results of the cells above."
            if self._restarts < self.max_kernel_restarts
            else ""
        )
        cell.outputs = [*cell.get("outputs", [])[:20], _error("KernelStopped", message)]
        self.log.warning("%s: cell %d: %s", LIMIT_LOG, index, message)
        self._restart_kernel()

    def _restart_kernel(self) -> None:
        """Stop the current kernel at once and, unless too many restarts, start a fresh one."""
        self._restarts += 1
        graceful, self.shutdown_kernel = self.shutdown_kernel, "immediate"
        try:
            if self.km is not None:
                self._cleanup_kernel()
        except Exception as error:  # noqa: BLE001 - the old kernel is gone either way
            self.log.debug("Cleaning up a stopped kernel: %s", error)
        finally:
            self.shutdown_kernel = graceful
        self.kc = None
        self.km = self.create_kernel_manager()  # nbclient's cleanup at the end needs one
        if self._restarts > self.max_kernel_restarts:
            return
        self.start_new_kernel()
        self.start_new_kernel_client()
        self.wait_for_reply(self.kc.kernel_info())

    def _explain_limits(self, cell: NotebookNode, index: int) -> None:
        km = self.km
        if not (isinstance(km, SandboxKernelManager) and km.sandboxed):
            return
        for output in list(cell.get("outputs", [])):
            if output.get("output_type") != "error":
                continue
            text = f"{output.get('ename', '')}: {output.get('evalue', '')}"
            for kind, pattern in _LIMIT_ERRORS:
                if pattern.search(output.get("ename", "") if kind == "memory" else text):
                    message = explain_limit(kind, km.sandbox)
                    cell.outputs.append(
                        nbformat.v4.new_output("stream", name="stderr", text=message + "\n")
                    )
                    self.log.warning("%s: cell %d: %s", LIMIT_LOG, index, message)
                    return

    # ----------------------------------------------------------------------------------------
    # A test cell, in the checker

    def _check(self, cell: NotebookNode, index: int, role: dict) -> None:
        grade_id = cell.metadata.nbgrader.grade_id
        cell.source = role["source"]  # the gradebook's code, whatever the file held
        cell.metadata.nbgrader["grade"] = True
        cell.metadata.nbgrader["solution"] = False
        if "points" in role:
            cell.metadata.nbgrader["points"] = role["points"]
        self.code_cells_executed += 1
        cell.execution_count = self.code_cells_executed
        override = _overrides(self._override_path).get(grade_id) if self._override_path else None
        names = names_from_user(role["source"], self._trusted, override)
        payload, problem = self._fetch(names, index)
        try:
            outputs = self._checker.check(
                self._context_key, grade_id, role["source"], names, payload, problem
            )
            cell.outputs = _capped([nbformat.from_dict(o) for o in outputs], self.max_output_bytes)
        except CheckerError as error:
            # this check's data stopped or stalled the checker: the check fails, with the
            # reason; the checker starts again, with its contexts and answers, for the next
            self.log.error("Check %s failed to run: %s", grade_id, error)
            cell.outputs = [_error("CheckerError", f"The check could not run: {error}")]

    def _fetch(self, names: list[str], index: int) -> tuple[str | None, str | None]:
        """Ask the student's kernel for ``names`` as data; return (payload, problem)."""
        if not names:
            return None, None
        if self.kc is None or self._restarts > self.max_kernel_restarts:
            return None, "Python had stopped."
        expression = _TRANSFER.format(names=list(names), limit=self._checker.max_bytes)
        try:
            msg_id = self.kc.execute(
                "", silent=True, store_history=False, user_expressions={"answers": expression}
            )
            reply = self.wait_for_reply(msg_id)
        except DeadKernelError:
            self._restart_kernel()
            return None, "Python stopped before the check."
        if reply is None:
            return None, "your notebook was still busy when the check ran."
        result = reply.get("content", {}).get("user_expressions", {}).get("answers", {})
        if not isinstance(result, dict) or result.get("status") != "ok":
            ename = result.get("ename", "an error") if isinstance(result, dict) else "an error"
            return None, f"reading your variables failed with {ename}."
        text = result.get("data", {}).get("text/plain")
        if not isinstance(text, str):
            return None, "your notebook sent something other than data."
        if len(text) > self._checker.max_bytes:
            return None, (
                f"your answers are too big to send ({len(text) / 1e6:.1f} MB; the limit for "
                f"one check is {self._checker.max_bytes / 1e6:.1f} MB)."
            )
        return text, None

    # ----------------------------------------------------------------------------------------
    # Output caps while outputs arrive

    def process_message(
        self, msg: dict[str, Any], cell: NotebookNode, cell_index: int
    ) -> NotebookNode | None:
        # Widget messages and updates are not outputs; bound every message a cell may send
        # (10 times max_output_bytes), keeping the ones that end the cell or report its error.
        if msg.get("msg_type") not in ("status", "error", "execute_input"):
            used = self._message_bytes.get(cell_index, 0) + _size(msg.get("content"))
            used += sum(len(buffer) for buffer in msg.get("buffers") or [])
            self._message_bytes[cell_index] = used
            if used > 10 * self.max_output_bytes:
                self._cut(cell.outputs, cell_index)
                return None
        return super().process_message(msg, cell, cell_index)

    def _cut(self, outs: list[NotebookNode], cell_index: int) -> None:
        """Say once, at the end of the cell's outputs, that the rest was dropped."""
        if cell_index in self._cut_cells:
            return
        self._cut_cells.add(cell_index)
        note = f"\n[Output cut: this cell printed more than {self.max_output_bytes // 1000} kB.]\n"
        outs.append(nbformat.v4.new_output("stream", name="stdout", text=note))

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> NotebookNode | None:
        used = self._output_bytes.get(cell_index, 0)
        if used > self.max_output_bytes:
            self._cut(outs, cell_index)
            return None
        content = msg.get("content", {})
        if is_plotly_loader(content.get("data") or {}):
            # plotly.js itself (init_notebook_mode(connected=False)), about 4.7 MB: kept, not
            # counted, so the figures after it are not cut; the message bound still holds.
            return super().output(outs, msg, display_id, cell_index)
        size = len(content.get("text", "")) + len(content.get("evalue", ""))
        size += sum(len(line) for line in content.get("traceback", []))
        size += sum(
            len(value) if isinstance(value, str) else len(json.dumps(value))
            for value in content.get("data", {}).values()
        )
        used += size
        self._output_bytes[cell_index] = used
        if used > self.max_output_bytes:
            self._cut(outs, cell_index)
            return None
        return super().output(outs, msg, display_id, cell_index)


def _capped(outputs: list[NotebookNode], limit: int) -> list[NotebookNode]:
    """A check's outputs held to ``limit`` characters in all, as a student's cell is.

    A check's message may quote the student's data (up to ``Checker.max_bytes``); the texts,
    error values and traceback lines are cut where the budget runs out, with a note.
    """
    left = limit
    note = f" [cut: the check's message was longer than {limit // 1000} kB]"

    def cut(text: str) -> str:
        nonlocal left
        if len(text) <= left:
            left -= len(text)
            return text
        kept, left = text[: max(left, 0)], 0
        return kept + note

    for output in outputs:
        if isinstance(output.get("text"), str):
            output["text"] = cut(output["text"])
        if isinstance(output.get("evalue"), str):
            output["evalue"] = cut(output["evalue"])
        if isinstance(output.get("traceback"), list):
            output["traceback"] = [cut(str(line)) for line in output["traceback"]]
        for mime, value in list(output.get("data", {}).items()):
            if isinstance(value, str):
                output["data"][mime] = cut(value)
    return outputs


def _size(value: Any, depth: int = 0) -> int:
    """Roughly how many bytes a message's content holds (its strings, at any depth)."""
    if isinstance(value, str | bytes):
        return len(value)
    if depth > 20:
        return 0
    if isinstance(value, dict):
        return sum(len(str(key)) + _size(item, depth + 1) for key, item in value.items())
    if isinstance(value, list | tuple):
        return sum(_size(item, depth + 1) for item in value)
    return 8


def _error(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )
