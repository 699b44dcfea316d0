"""The grading sandbox: every submitted notebook runs in its own bubblewrap (``bwrap``) sandbox.

:class:`SandboxKernelManager` is a Jupyter kernel manager that starts the IPython kernel inside
the sandbox. nbgrader's ``Execute`` preprocessor (an nbclient ``NotebookClient``) takes it as
its ``kernel_manager_class``, so stock ``nbgrader autograde``, formgrader's Autograde button and
``course grade`` all run submissions the same way (see ``autograder/nbgrader_config.py``).

Inside the sandbox a submission

* works in ``/sandbox/submission``, a private, size-limited copy (tmpfs) of its own files: what
  it writes there, symlinks included, never reaches the instructor's disk;
* has a private, empty home (``/home/student``) on the same tmpfs, and a private ``/tmp``;
* sees the Python environment (``sys.prefix``, ``sys.base_prefix``), the installed ``course``
  package and the course's datasets read-only, and nothing else of the machine: not the course
  folder (``source/``, ``release/``, ``gradebook.db``, ``submitted/``, ``autograded/``,
  ``feedback/``), not the exchange, not anyone's home;
* has no network at all, not even loopback to the host (its own network namespace); the kernel
  talks to the grader over Unix sockets (ZeroMQ's ``ipc`` transport) that it makes in a small
  tmpfs of its own, which the grader reaches through ``/proc/<pid>/root``: no folder of the host
  is writable from inside;
* has its own PID namespace: every process it starts, detached or not, is killed when the kernel
  stops or the grader dies;
* runs in its own user namespace (even when the grader is root), so that the kernel's
  ``RLIMIT_NPROC`` applies, and cannot create further user namespaces;
* has limits on memory, processes, file size, disk space and CPU time (:class:`Sandbox`'s
  traitlets). A limit that is hit is reported in plain words, in the cell's output the student
  gets back in feedback and in ``course grade``'s report.

:meth:`Sandbox.check` proves the sandbox works on this machine, or raises
:class:`SandboxUnavailable` with the command that installs bubblewrap.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
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
from traitlets import Bool, DottedObjectName, Float, Instance, Integer, List, Type, Unicode, default
from traitlets.config import LoggingConfigurable

__all__ = [
    "INSTALL_HINT",
    "Launch",
    "Sandbox",
    "SandboxKernelClient",
    "SandboxKernelManager",
    "SandboxUnavailable",
    "explain_limit",
]

GiB, MiB = 1024**3, 1024**2
ROOT = "/sandbox"  # a size-limited tmpfs: the submission's copy and the home folder
WORKDIR = f"{ROOT}/submission"
HOME = "/home/student"
SUBMISSION_SOURCE = "/run/course/submission"
KERNEL_SOCKETS = "/run/kernel"  # a 1 MB tmpfs in the sandbox for the kernel's Unix sockets
INSTALL_HINT = (
    "Install bubblewrap (Debian and Ubuntu: `sudo apt-get install bubblewrap`; Fedora: "
    "`sudo dnf install bubblewrap`), then grade again. On a machine that cannot have it, "
    "`course grade --no-sandbox` grades without the sandbox: only do that for submissions "
    "you trust."
)
_ETC = [
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/mime.types",
    "/etc/fonts",
    "/etc/alternatives",
    "/etc/ssl/certs",
]
_CHECKED: dict[tuple[str, ...], str] = {}  # sandbox set-ups proven to work in this process


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot make a sandbox on this machine (the message says why)."""


def _size(value: int) -> str:
    if value >= GiB:
        return f"{value / GiB:.1f} GB"
    return f"{value / MiB:.0f} MB"


def explain_limit(kind: str, sandbox: Sandbox | None = None) -> str:
    """Say in plain words which limit a notebook hit: ``memory``, ``processes``, ``file size``,
    ``disk``, ``cpu`` or ``output``."""
    box = sandbox or Sandbox()
    return {
        "memory": (
            f"Your code used more memory than a graded notebook may use "
            f"({_size(box.memory_limit)}), so the grader stopped it. Work with smaller data, or "
            "avoid making many copies of a table."
        ),
        "processes": (
            f"Your code started more processes or threads than a graded notebook may "
            f"({box.process_limit}), so the grader refused to start more."
        ),
        "file size": (
            f"Your code wrote a file bigger than a graded notebook may write "
            f"({_size(box.file_size_limit)})."
        ),
        "disk": (
            f"Your code filled the disk space a graded notebook has ({_size(box.disk_limit)})."
        ),
        "cpu": (
            f"Your code used more computing time than a graded notebook may "
            f"({box.cpu_time_limit} seconds of CPU in all), so the grader stopped it."
        ),
    }[kind]


class Sandbox(LoggingConfigurable):
    """How a grading kernel (and the checker) is sandboxed with bubblewrap, and its limits.

    The defaults suit a 2-core, 24 GB machine grading with one worker per core: at most
    ``memory_limit`` plus ``disk_limit`` per submission at once, whatever it does.
    """

    enabled = Bool(
        True,
        help="Run every grading kernel in a bubblewrap sandbox. Turn off only on a machine that "
        "cannot have one and only for trusted submissions (`course grade --no-sandbox`).",
    ).tag(config=True)

    bwrap = Unicode(
        "bwrap", help="The bubblewrap program: a name looked up on PATH, or a full path."
    ).tag(config=True)

    memory_limit = Integer(
        2 * GiB,
        help="Bytes of memory one submission may use: each process's address space is limited "
        "to this (RLIMIT_AS), and the sandbox is stopped when all its processes together hold "
        "more than this. An honest assignment needs under 1 GB.",
    ).tag(config=True)

    process_limit = Integer(
        64,
        help="Processes and threads a submission may run at once (RLIMIT_NPROC, counted in the "
        "sandbox's own user namespace). The kernel itself uses about a dozen threads.",
    ).tag(config=True)

    file_size_limit = Integer(
        64 * MiB, help="Largest file a submission may write, in bytes (RLIMIT_FSIZE)."
    ).tag(config=True)

    disk_limit = Integer(
        256 * MiB,
        help="Bytes a submission may write: its working folder and home share one tmpfs of this "
        "size, /tmp is another (and /dev/shm a third, of at most 64 MB). They live in memory "
        "and disappear with the sandbox.",
    ).tag(config=True)

    cpu_time_limit = Integer(
        120,
        help="Seconds of CPU time each process of a submission may use (RLIMIT_CPU). The "
        "per-cell time limit (Execute.timeout) stops runaway cells first; this stops code that "
        "ignores interrupts.",
    ).tag(config=True)

    read_only_paths = List(
        Unicode(),
        help="Further folders or files the sandbox may read (for example a shared data folder). "
        "They may not contain the course folder or the exchange.",
    ).tag(config=True)

    user = Unicode(
        "nobody",
        help="When the grader runs as root, the account (name or number) its sandboxes run as. "
        "Linux never applies the process limit to root, not even in a user namespace.",
    ).tag(config=True)

    memory_check_interval = Float(
        0.25, help="Seconds between checks of a sandbox's total memory."
    ).tag(config=True)

    # ----------------------------------------------------------------------------------------
    # What the sandbox sees

    def executable(self) -> str:
        """The bwrap program's path; raise :class:`SandboxUnavailable` if there is none."""
        found = shutil.which(self.bwrap)
        if not found:
            raise SandboxUnavailable(f"bubblewrap ({self.bwrap}) is not installed. {INSTALL_HINT}")
        return found

    def read_only(self) -> list[Path]:
        """Folders bound read-only: the Python environment, the course package and datasets."""
        import course
        from course.paths import datasets_dir

        paths = [
            Path(sys.prefix),
            Path(sys.exec_prefix),
            Path(sys.base_prefix),
            Path(sys.base_exec_prefix),
            Path(course.__file__).resolve().parent,
            datasets_dir().resolve(),
            *(Path(p) for p in self.read_only_paths),
        ]
        kept: list[Path] = []
        for path in sorted({p.resolve() for p in paths if p.exists()}, key=lambda p: len(p.parts)):
            if not any(path == k or k in path.parents for k in kept):
                kept.append(path)
        # symlinked environments (a venv's bin/python) must resolve inside the sandbox too
        for link in (Path(sys.prefix) / "bin").glob("python*"):
            target = link.resolve()
            if target.exists() and not any(target == k or k in target.parents for k in kept):
                kept.append(target.parent)
        return kept

    def protected(self) -> list[Path]:
        """Paths a sandbox must never see: the course folder's private parts and the exchange."""
        course_config = self.config.get("CourseDirectory", {})
        root = Path(course_config.get("root") or os.getcwd()).resolve()
        names = {
            course_config.get("source_directory", "source"),
            course_config.get("release_directory", "release"),
            course_config.get("submitted_directory", "submitted"),
            course_config.get("autograded_directory", "autograded"),
            course_config.get("feedback_directory", "feedback"),
            "downloaded",
            "reports",
            "gradebook.db",
        }
        exchange = self.config.get("Exchange", {}).get("root") or "/srv/nbgrader/exchange"
        return [root, *(root / name for name in sorted(names)), Path(exchange).resolve()]

    def _check_exposure(self, paths: list[Path]) -> None:
        root, *private = self.protected()
        for path in paths:
            if path == root or path in root.parents:
                raise SandboxUnavailable(
                    f"The sandbox would show {path}, which holds the course folder {root}. "
                    "Keep the course folder outside the Python environment and the course package."
                )
            for secret in private:
                if path == secret or secret in path.parents or path in secret.parents:
                    raise SandboxUnavailable(
                        f"The sandbox would show {path}, which holds or is inside {secret}. "
                        "Move the Python environment, the datasets or Sandbox.read_only_paths "
                        "out of the course folder's private parts and the exchange."
                    )

    def environment(self) -> dict[str, str]:
        """The environment of a sandboxed process: nothing of the grader's but what it needs."""
        from course.paths import datasets_dir

        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": HOME,
            "USER": "student",
            "LOGNAME": "student",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TMPDIR": "/tmp",
            "COURSE_DATASETS": str(datasets_dir().resolve()),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "MPLBACKEND": "agg",
            "MALLOC_ARENA_MAX": "2",  # fewer reserved malloc arenas: less address space used
        }
        # one thread per numeric library: parallelism comes from the grader's workers
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = "1"
        env["NUMEXPR_MAX_THREADS"] = "1"
        return env

    def limits(self) -> dict[str, int]:
        """The resource limits set inside the sandbox, by ``resource`` name (bytes, seconds)."""
        return {
            "AS": int(self.memory_limit),
            "NPROC": int(self.process_limit),
            "FSIZE": int(self.file_size_limit),
            "CPU": int(self.cpu_time_limit),
            "CORE": 0,
        }

    def account(self) -> tuple[int, int] | None:
        """The (uid, gid) the sandbox runs as when the grader is root, else None (the grader's).

        Linux never applies RLIMIT_NPROC to root (user ID 0 on the host), not even inside a
        user namespace, so a root grader's sandboxes run as :attr:`user`.
        """
        if os.geteuid() != 0:
            return None
        import pwd

        try:
            entry = pwd.getpwnam(self.user) if not self.user.isdigit() else None
            uid = entry.pw_uid if entry else int(self.user)
            gid = entry.pw_gid if entry else int(self.user)
        except (KeyError, ValueError):
            raise SandboxUnavailable(
                f"The grader runs as root but the account Sandbox.user = {self.user!r} does not "
                "exist; name an unprivileged account for the sandbox to run as."
            ) from None
        if uid == 0:
            raise SandboxUnavailable("Sandbox.user must not be root: limits do not bind root.")
        return uid, gid

    def launch(
        self,
        argv: list[str],
        *,
        submission: str | Path | None = None,
        files: list[Path] = (),  # type: ignore[assignment]
        workdir: str = WORKDIR,
    ) -> Launch:
        """Wrap ``argv`` in bwrap; return the command line and how to start it.

        ``submission``: a host folder whose files are copied into the private working folder
        before ``argv`` starts (bound read-only at ``/run/course/submission`` for the copy).
        ``files``: host files bound read-only at the same path (the kernel's connection file).
        Nothing of the host is writable from inside: the kernel makes its sockets in
        :data:`KERNEL_SOCKETS`, a small tmpfs of its own, which the grader reaches through
        ``/proc/<pid>/root`` (see :class:`SandboxKernelManager`).

        An ordinary grading account runs one bwrap. A root grader runs two: an outer bwrap, as
        root, that only builds the file system the sandbox may see (root can reach an
        environment below ``/root``), then, as :attr:`user`, the same inner bwrap an ordinary
        account would run, so that the process limit binds (:meth:`account`).
        """
        read_only = self.read_only()
        self._check_exposure(read_only)
        account = self.account()
        bwrap = self.executable()
        submission = Path(submission).resolve() if submission is not None else None
        staged = None
        if account is not None and submission is not None:
            # the sandbox's account may not read the grader's folders: give it its own copy
            staged = Path(tempfile.mkdtemp(prefix="course-submission-"))
            submission = _stage(submission, staged / "files", account)
        spec: dict[str, Any] = {"limits": self.limits()}
        if submission is not None:
            spec["copy"] = [SUBMISSION_SOURCE, workdir]
        init = Path(__file__).with_name("sandbox_init.py")
        inner = [bwrap, *self._namespaces(), *self._system()]
        for path in read_only:
            if str(path) != "/usr" and Path("/usr") not in path.parents:
                inner += ["--ro-bind", str(path), str(path)]
        if submission is not None:
            inner += ["--ro-bind", str(submission), SUBMISSION_SOURCE]
        for path in files:
            inner += ["--ro-bind", str(path), str(path)]
        # Only the sandbox's own environment (jupyter_client adds JPY_PARENT_PID, which inside a
        # PID namespace would make the kernel believe its parent had died).
        inner.append("--clearenv")
        for name, value in self.environment().items():
            inner += ["--setenv", name, value]
        inner += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", workdir, "--"]
        inner += [sys.executable, "-I", "-S", str(init), json.dumps(spec), "--", *argv]
        if account is None:
            return Launch(inner, None)
        visible = [*read_only, *files] + ([submission] if submission is not None else [])
        # the outer layer needs a /proc the inner bwrap may mount over, a /dev and a /tmp (where
        # the inner bwrap builds its root)
        outer = [bwrap, "--die-with-parent", "--dev-bind", "/proc", "/proc", "--dev", "/dev"]
        outer += ["--size", str(MiB), "--tmpfs", "/tmp"]
        ancestors = sorted(
            {str(parent) for path in visible + [Path(p) for p in _ETC] for parent in path.parents}
            - {"/", "/usr", "/proc", "/dev", "/tmp"},
            key=lambda text: text.count("/"),
        )
        for folder in ancestors:
            if not Path(folder).is_symlink():
                outer += ["--perms", "0755", "--dir", folder]
        outer += self._system()
        for path in visible:
            if str(path) != "/usr" and Path("/usr") not in path.parents:
                outer += ["--ro-bind", str(path), str(path)]
        drop = (
            "import os, sys; uid, gid = int(sys.argv[1]), int(sys.argv[2]); os.setgroups([]); "
            "os.setresgid(gid, gid, gid); os.setresuid(uid, uid, uid); "
            "os.execv(sys.argv[4], sys.argv[4:])"
        )
        outer += ["--", sys.executable, "-I", "-S", "-c", drop, *map(str, account), "--", *inner]
        return Launch(outer, account, staged)

    def _namespaces(self) -> list[str]:
        return [
            "--unshare-user",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--disable-userns",
            "--die-with-parent",
            "--hostname",
            "grading",
            "--uid",
            "1000",
            "--gid",
            "1000",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--size",
            str(min(self.disk_limit, 64 * MiB)),
            "--tmpfs",
            "/dev/shm",
            "--size",
            str(self.disk_limit),
            "--tmpfs",
            "/tmp",
            "--size",
            str(self.disk_limit),
            "--tmpfs",
            ROOT,
            "--dir",
            f"{ROOT}/home",
            "--dir",
            WORKDIR,
            "--symlink",
            f"{ROOT}/home",
            HOME,
            "--size",
            str(MiB),
            "--tmpfs",
            KERNEL_SOCKETS,
        ]

    @staticmethod
    def _system() -> list[str]:
        """The operating system's read-only part: /usr, its symlinks and a few /etc files."""
        args = ["--ro-bind", "/usr", "/usr"]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            host = Path("/") / name
            if host.is_symlink():
                args += ["--symlink", os.readlink(host), str(host)]
            elif host.is_dir():
                args += ["--ro-bind", str(host), str(host)]
        for path in _ETC:
            args += ["--ro-bind-try", path, path]
        return args

    def check(self) -> None:
        """Prove that a sandbox can be made here: run Python in one and check what it sees.

        Raises :class:`SandboxUnavailable` with the reason and :data:`INSTALL_HINT`. The result
        is remembered for the life of the process.
        """
        key = (self.executable(), *map(str, self.read_only()), *map(str, self.protected()))
        if key in _CHECKED:
            if _CHECKED[key]:
                raise SandboxUnavailable(_CHECKED[key])
            return
        probe = (
            "import os, socket, resource, time\n"
            "assert os.getpid() <= 3, os.getpid()\n"
            "s = socket.socket()\n"
            "try:\n"
            "    s.connect(('1.1.1.1', 53))\n"
            "    raise SystemExit('network reachable')\n"
            "except OSError:\n"
            "    pass\n"
            "resource.setrlimit(resource.RLIMIT_NPROC, (2, 2))\n"
            "try:\n"
            "    for _ in range(4):\n"
            "        if os.fork() == 0:\n"
            "            time.sleep(1)\n"
            "            os._exit(0)\n"
            "    raise SystemExit('the process limit does not apply')\n"
            "except BlockingIOError:\n"
            "    pass\n"
            "print('ok')\n"
        )
        launch = None
        try:
            launch = self.launch([sys.executable, "-I", "-S", "-c", probe])
            result = subprocess.run(
                launch.argv,
                capture_output=True,
                text=True,
                timeout=60,
                cwd="/",
                **launch.popen_kwargs(),
            )
            problem = (
                ""
                if result.returncode == 0 and result.stdout.strip() == "ok"
                else (
                    "bubblewrap is installed but could not make a sandbox here "
                    f"({(result.stderr or result.stdout).strip()[-300:]}). User namespaces may be "
                    "disabled (sysctl kernel.unprivileged_userns_clone=1, or "
                    "user.max_user_namespaces > 0), or a container may forbid them. " + INSTALL_HINT
                )
            )
        except SandboxUnavailable as error:
            problem = str(error)
        except (OSError, subprocess.SubprocessError) as error:
            problem = f"bubblewrap failed to start ({error}). {INSTALL_HINT}"
        finally:
            if launch is not None:
                launch.close()
        _CHECKED[key] = problem
        if problem:
            raise SandboxUnavailable(problem)


def _stage(source: Path, target: Path, account: tuple[int, int]) -> Path:
    """Copy ``source`` to ``target``, owned by ``account``; files it cannot read are left out."""
    try:
        shutil.copytree(source, target, symlinks=True, ignore_dangling_symlinks=True)
    except shutil.Error:
        pass  # copied what could be read
    except OSError:
        target.mkdir(parents=True, exist_ok=True)
    for path in [target, *target.rglob("*")]:
        with contextlib.suppress(OSError):
            os.lchown(path, *account)
    return target


class Launch:
    """A bwrap command line and the account it starts as (see :meth:`Sandbox.launch`)."""

    def __init__(
        self, argv: list[str], account: tuple[int, int] | None, staged: Path | None = None
    ) -> None:
        self.argv, self.account, self.staged = argv, account, staged

    def popen_kwargs(self) -> dict[str, Any]:
        """Further ``subprocess.Popen`` arguments (none: kept for callers' symmetry)."""
        return {}

    def close(self) -> None:
        """Remove the staged copy of the submission (once the sandbox has copied it)."""
        if self.staged is not None:
            shutil.rmtree(self.staged, ignore_errors=True)
            self.staged = None


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

    client_class = DottedObjectName("course.grading.sandbox.SandboxKernelClient")
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
