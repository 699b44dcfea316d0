"""The grading sandbox: every submitted notebook runs in its own bubblewrap (``bwrap``) sandbox.

:class:`Sandbox` holds the settings and limits and builds the bwrap command line;
:class:`course.grading.kernel.SandboxKernelManager` starts the IPython kernel inside it.
nbgrader's ``Execute`` preprocessor (an nbclient ``NotebookClient``) takes that manager as its
``kernel_manager_class``, so stock ``nbgrader autograde``, formgrader's Autograde button and
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
* runs in its own user namespace, and cannot create further ones; Linux never applies
  ``RLIMIT_NPROC`` to root, so a root grader's sandboxes run as an unprivileged account
  (:attr:`Sandbox.user`);
* has limits on memory, processes, file size, disk space and CPU time (:class:`Sandbox`'s
  traitlets). A limit that is hit is reported in plain words, in the cell's output the student
  gets back in feedback and in ``course grade``'s report.

:meth:`Sandbox.check` proves the sandbox works on this machine, or raises
:class:`SandboxUnavailable` with the command that installs bubblewrap.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from traitlets import Bool, Float, Integer, List, Unicode
from traitlets.config import LoggingConfigurable

__all__ = [
    "INSTALL_HINT",
    "Launch",
    "Sandbox",
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
