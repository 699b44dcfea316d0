"""The kernel of a submission, started in its sandbox, and the grader's watch over it.

* :class:`SandboxKernelManager`: jupyter_client's ``AsyncKernelManager``, starting the kernel in
  a :class:`course.grading.sandbox.Sandbox`. The kernel's working folder (nbclient's ``cwd``,
  the notebook's folder in ``autograded/``) is copied into the sandbox; the kernel never sees
  the folder itself. It makes its ZeroMQ sockets in a small tmpfs of its own, which the grader
  reaches through ``/proc/<pid>/root``, so no folder of the host is writable from inside.
* :class:`MemoryWatch`: stops a sandbox whose processes together hold more memory than its limit.
* :class:`SandboxKernelClient`: the client, without jupyter_client's idle waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty
from typing import Any

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async
from traitlets import DottedObjectName, Instance, Type, default

from course.grading.sandbox import KERNEL_SOCKETS, Launch, MiB, Sandbox, explain_limit

__all__ = ["MemoryWatch", "SandboxKernelClient", "SandboxKernelManager", "process_tree"]


# --------------------------------------------------------------------------------------------
# Watching a sandbox from outside


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, parents first (from ``/proc``)."""
    tree, queue = [], [pid]
    while queue:
        current = queue.pop(0)
        tree.append(current)
        queue += _children(current)
    return tree


def _memory(pid: int) -> int:
    """Proportional set size in bytes (resident size if smaps_rollup is not there)."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path) as handle:
                for line in handle:
                    if line.startswith(key):
                        return int(line.split()[1]) * 1024
        except OSError:
            continue
    return 0


class MemoryWatch(threading.Thread):
    """Stop a sandbox (SIGKILL to bwrap) when all its processes together exceed ``limit``.

    RLIMIT_AS bounds each process; this bounds their sum, which no rlimit can.
    """

    def __init__(self, pid: int, limit: int, interval: float) -> None:
        super().__init__(daemon=True, name=f"memory watch {pid}")
        self.pid, self.limit, self.interval = pid, limit, interval
        self.exceeded = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            if not os.path.exists(f"/proc/{self.pid}"):
                return
            total = sum(_memory(pid) for pid in process_tree(self.pid))
            if total > self.limit:
                self.exceeded = total
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except OSError:
                    pass
                return

    def stop(self) -> None:
        self._stop_event.set()


# --------------------------------------------------------------------------------------------
# The kernel manager


MAX_MESSAGE_BYTES = 64 * MiB
_CONTEXT: tuple[int, zmq.asyncio.Context] | None = None


def _grading_context() -> zmq.asyncio.Context:
    """This process's ZeroMQ context for grading kernels (a new one after a fork).

    A kernel that sends a message bigger than :data:`MAX_MESSAGE_BYTES` is disconnected
    instead of filling the grader's memory; its cell then times out.
    """
    global _CONTEXT
    if _CONTEXT is None or _CONTEXT[0] != os.getpid() or _CONTEXT[1].closed:
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        _CONTEXT = (os.getpid(), context)
    return _CONTEXT[1]


class SandboxKernelClient(AsyncKernelClient):
    """jupyter_client's client, without the idle wait at the end of ``wait_for_ready``.

    jupyter_client's version, once the kernel has answered and its IOPub channel is proven
    connected, waits 0.2 s for more IOPub messages before it returns: a fifth of a second per
    student in which a grading worker does nothing. This one takes what is already there.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                reply = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # an IOPub message proves the channel is connected (no output lost)
                    await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0.005))
            except Empty:
                return

    wait_for_ready = _async_wait_for_ready  # type: ignore[assignment]


class SandboxKernelManager(AsyncKernelManager):
    """A Jupyter kernel manager whose kernels run in a :class:`Sandbox`.

    The kernel's working folder (nbclient's ``cwd``, the notebook's folder in
    ``autograded/``) is copied into the sandbox; the kernel never sees the folder itself.
    With ``Sandbox.enabled = False`` this is jupyter_client's own ``AsyncKernelManager``.
    """

    sandbox = Instance(Sandbox, help="The sandbox settings (configure them as Sandbox.*).")

    @default("sandbox")
    def _sandbox_default(self) -> Sandbox:
        return Sandbox(parent=self)

    _socket_dir: Path | None = None
    _watch: MemoryWatch | None = None
    _root_fd: int | None = None
    _launch: Launch | None = None

    @property
    def sandboxed(self) -> bool:
        return bool(self.sandbox.enabled)

    # One ZeroMQ context for every kernel of this grading process: jupyter_client otherwise
    # makes two per kernel and waits for each to close (about 0.1 s apiece, every student).
    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        self._created_context = False
        return _grading_context()

    client_class = DottedObjectName("course.grading.kernel.SandboxKernelClient")
    client_factory = Type(SandboxKernelClient, klass=AsyncKernelClient)

    def client(self, **kwargs: Any) -> Any:
        kwargs.setdefault("context", self.context)
        return super().client(**kwargs)

    async def _async_wait(self, pollinterval: float = 0.01) -> None:
        # jupyter_client polls every 0.1 s for a killed kernel to be gone; it is gone at once
        await super()._async_wait(pollinterval=pollinterval)

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if not self.sandboxed:
            return await super()._async_pre_start_kernel(**kw)
        self.sandbox.check()
        submission = kw.get("cwd")
        if self._socket_dir is None:  # holds the connection file, which the kernel only reads
            self._socket_dir = Path(tempfile.mkdtemp(prefix="course-kernel-"))
        self.transport = "ipc"
        self.cache_ports = False
        self.ip = f"{KERNEL_SOCKETS}/kernel"  # as the kernel sees it; see _async_launch_kernel
        self.connection_file = str(self._socket_dir / "kernel.json")
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        connection = Path(self.connection_file)
        launch = self.sandbox.launch(cmd, submission=submission, files=[connection])
        if launch.account is not None:  # the kernel, as that account, must read its connection
            os.chown(connection, *launch.account)
        self._launch = launch
        cmd = launch.argv
        kw["cwd"] = str(self._socket_dir)
        kw["env"] = self.sandbox.environment()
        # The kernel's own stdout and stderr are the student's to fill: never the grader's.
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        return cmd, kw

    pre_start_kernel = _async_pre_start_kernel  # type: ignore[assignment]

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        await super()._async_launch_kernel(kernel_cmd, **kw)
        if not (self.sandboxed and self.provisioner is not None):
            return
        self._watch = MemoryWatch(
            self.provisioner.pid,  # type: ignore[attr-defined]
            self.sandbox.memory_limit,
            self.sandbox.memory_check_interval,
        )
        self._watch.start()
        # The kernel's sockets are inside the sandbox; reach them through its root directory,
        # held open so that the path cannot come to mean another process's if the PID is reused.
        try:
            pid = await self._kernel_started()
        except BaseException:
            # nothing will clean up a kernel that never started: stop it, remove its folder
            with contextlib.suppress(Exception):
                await self._async_kill_kernel()
            with contextlib.suppress(Exception):
                await self._async_cleanup_resources()
            raise
        finally:
            if self._launch is not None:
                self._launch.close()  # the kernel has its own copy by now
                self._launch = None
        self._root_fd = os.open(f"/proc/{pid}/root", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        self.ip = f"/proc/self/fd/{self._root_fd}{KERNEL_SOCKETS}/kernel"

    _launch_kernel = _async_launch_kernel  # type: ignore[assignment]

    async def _kernel_started(self, timeout: float = 120) -> int:
        """Wait until the kernel process runs in its sandbox; return its host PID."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self.kernel_pid()
            if pid is not None:
                return pid
            process = getattr(self.provisioner, "process", None)
            if process is not None and process.poll() is not None:
                raise RuntimeError(
                    f"The grading sandbox stopped before the kernel started (exit status "
                    f"{process.returncode}). Run `course grade` to see whether the sandbox works."
                )
            await asyncio.sleep(0.02)
        raise RuntimeError(f"The sandboxed kernel did not start within {timeout:.0f} s.")

    def kernel_pid(self) -> int | None:
        """The host PID of the kernel itself: bwrap → (bwrap →) bwrap's init → the kernel."""
        pid = getattr(self.provisioner, "pid", None)
        while pid is not None:
            try:
                words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                return None
            if words[1:3] == [b"-m", b"ipykernel_launcher"]:
                return pid
            children = _children(pid)
            pid = children[0] if children else None
        return None

    async def _async_interrupt_kernel(self) -> None:
        # A signal to bwrap's process group would stop bwrap, and the sandbox with it.
        if self.sandboxed and self.has_kernel:
            pid = self.kernel_pid()
            if pid is not None:
                try:
                    os.kill(pid, signal.SIGINT)
                except OSError:
                    pass
                return
        await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel  # type: ignore[assignment]

    def stop_reason(self) -> str | None:
        """Why the sandboxed kernel stopped, in plain words (None if it is running or unknown)."""
        if self._watch is not None and self._watch.exceeded:
            return explain_limit("memory", self.sandbox)
        process = getattr(self.provisioner, "process", None)
        code = process.poll() if process is not None else None
        if code is None:
            return None
        # bwrap passes on the kernel's exit status, and 128 + N for a kernel killed by signal N
        signum = -code if code < 0 else code - 128 if code > 128 else 0
        try:
            name = signal.Signals(signum).name if signum else ""
        except ValueError:
            name = ""
        if signum == signal.SIGXCPU:
            return explain_limit("cpu", self.sandbox)
        if signum == signal.SIGKILL:
            return (
                "The grader stopped Python: it used more computing time or memory than a graded "
                "notebook may."
            )
        if signum == signal.SIGXFSZ:
            return explain_limit("file size", self.sandbox)
        if name:
            return f"Python stopped with the signal {name}."
        return f"Your code ended Python (exit status {code})."

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        if self._watch is not None:
            self._watch.stop()
        await super()._async_cleanup_resources(restart=restart)
        if self._root_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._root_fd)
            self._root_fd = None
        if not restart and self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None

    cleanup_resources = _async_cleanup_resources  # type: ignore[assignment]
