"""The grading sandbox (bubblewrap): what a submission can and cannot see, reach and use.

These tests run real ``bwrap`` sandboxes (Debian's ``bubblewrap``; ``.ci/run`` installs it),
first around plain Python, then around a real IPython kernel through
``SandboxKernelManager``, the way nbgrader's ``Execute`` starts it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from traitlets.config import Config

from course.grading.execute import SandboxedExecute
from course.grading.kernel import MemoryWatch, SandboxKernelManager
from course.grading.sandbox import GiB, MiB, Sandbox, SandboxUnavailable
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="bubblewrap runs on Linux only")


def _config(course: Path | None = None, exchange: Path | None = None, **limits: object) -> Config:
    config = Config()
    if course is not None:
        config.CourseDirectory.root = str(course)
    if exchange is not None:
        config.Exchange.root = str(exchange)
    for name, value in limits.items():
        setattr(config.Sandbox, name, value)
    return config


def run(
    code: str, *, config: Config | None = None, submission: Path | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """Run Python ``code`` in a sandbox, as a grading kernel would be run."""
    sandbox = Sandbox(config=config or Config())
    launch = sandbox.launch([sys.executable, "-c", code], submission=submission)
    try:
        return subprocess.run(
            launch.argv,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd="/",
            **launch.popen_kwargs(),
        )
    finally:
        launch.close()


def _tree_hash(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        if path.is_file()
        else "dir"
        for path in sorted(folder.rglob("*"))
    }


@pytest.fixture
def course(tmp_path: Path) -> dict[str, Path]:
    """A course folder with every private part, an exchange, and one student's grading folder."""
    root = tmp_path / "course"
    for part in (
        "source/ps1_phases",
        "release/ps1_phases",
        "submitted/other/ps1_phases",
        "autograded/me/ps1_phases",
        "feedback/other/ps1_phases",
    ):
        (root / part).mkdir(parents=True)
    (root / "source/ps1_phases/ps1_phases.ipynb").write_text("### BEGIN HIDDEN TESTS secret")
    (root / "gradebook.db").write_text("grades")
    (root / "submitted/other/ps1_phases/ps1_phases.ipynb").write_text("other's work")
    mine = root / "autograded/me/ps1_phases"
    (mine / "ps1_phases.ipynb").write_text("my work")
    (mine / "data.csv").write_text("a,b\n1,2\n")
    exchange = tmp_path / "exchange"
    (exchange / "aleppo/inbound").mkdir(parents=True)
    return {"root": root, "mine": mine, "exchange": exchange}


# ---------------------------------------------------------------------------------------------
# What it sees


def test_the_sandbox_works_here():
    """Can this machine make a sandbox (the check course grade runs before grading)?"""
    Sandbox().check()


def test_it_sees_its_own_files_the_environment_and_the_datasets(course):
    """Does a submission see a copy of its own files (even in a private folder), Python, the
    course package and the data?"""
    course["mine"].chmod(0o700)
    (course["mine"] / "data.csv").chmod(0o600)
    code = (
        "import os, sys\n"
        "from course import data\n"
        "print(os.getcwd(), sorted(os.listdir('.')), len(data.events()) > 100,\n"
        "      open('data.csv').read().strip() == 'a,b\\n1,2', os.environ['HOME'],\n"
        "      os.listdir(os.environ['HOME']))\n"
    )
    result = run(code, config=_config(course["root"]), submission=course["mine"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "/sandbox/submission",
        "['data.csv',",
        "'ps1_phases.ipynb']",
        "True",
        "True",
        "/home/student",
        "[]",
    ]


def test_it_sees_nothing_of_the_course_folder_the_exchange_or_the_host(course):
    """Are source/, gradebook.db, others' work, the exchange, the repository's own instructor
    files, the grader's home and /etc/shadow all absent?"""
    private = [
        course["root"],
        course["root"] / "source",
        course["root"] / "gradebook.db",
        course["root"] / "submitted" / "other",
        course["root"] / "feedback",
        course["exchange"],
        REPO / "autograder" / "source",
        REPO / "autograder" / "nbgrader_config.py",
        Path.home() / ".bashrc",
        Path.home() / ".ssh",
        Path("/etc/shadow"),
        Path("/etc/passwd"),
        Path("/var"),
    ]
    code = f"import os\nprint([p for p in {[str(p) for p in private]!r} if os.path.exists(p)])"
    result = run(
        code, config=_config(course["root"], course["exchange"]), submission=course["mine"]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    # a folder on the way to the Python environment shows only that way, nothing beside it
    for folder in (REPO, Path.home()):
        bound = [p for p in Sandbox().read_only() if folder in p.parents]
        allowed = {p.parts[len(folder.parts)] for p in bound}
        listing = run(
            f"import os; print(sorted(os.listdir({str(folder)!r})) if "
            f"os.path.isdir({str(folder)!r}) else [])"
        )
        assert set(eval(listing.stdout)) <= allowed  # noqa: S307


def test_writes_stay_in_the_sandbox_and_the_environment_is_read_only(course):
    """Do files and symlinks a submission writes vanish with it, and are Python and the course
    package, the root and /dev read-only?"""
    before = _tree_hash(course["root"])
    import course as course_package

    package = Path(course_package.__file__).parent
    code = (
        "import os, sys\n"
        "open('ps1_phases.ipynb', 'w').write('overwritten')\n"
        "os.remove('data.csv')\n"
        f"os.symlink({str(course['root'])!r}, 'escape')\n"
        "failed = []\n"
        f"for path in [{str(package / 'grading' / 'checks.py')!r}, sys.prefix + '/evil.pth',\n"
        "             '/evil', '/dev/evil', '/etc/evil']:\n"
        "    try:\n"
        "        open(path, 'a').write('# tampered')\n"
        "    except OSError:\n"
        "        failed.append(path)\n"
        "print(len(failed))\n"
    )
    result = run(code, config=_config(course["root"]), submission=course["mine"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "5"
    assert _tree_hash(course["root"]) == before
    assert not (course["mine"] / "escape").exists()


def test_it_refuses_to_show_a_path_that_holds_the_course_folder(course, tmp_path):
    """Does the sandbox refuse a read-only path that would expose the course folder?"""
    sandbox = Sandbox(config=_config(course["root"], read_only_paths=[str(tmp_path)]))
    with pytest.raises(SandboxUnavailable, match="course folder"):
        sandbox.launch([sys.executable, "-c", "pass"])


def test_a_missing_bubblewrap_gives_the_install_command():
    """Without bwrap, does the check fail with the command that installs it?"""
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        Sandbox(bwrap="no-such-bwrap").check()


# ---------------------------------------------------------------------------------------------
# What it reaches


@pytest.fixture
def listener():
    """A socket listening on every interface of the host, and the addresses to reach it by."""
    server = socket.socket()
    server.bind(("0.0.0.0", 0))
    server.listen(5)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    addresses = ["127.0.0.1"]
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # no packet is sent; this picks the host's address
        addresses.append(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    yield server, port, addresses
    server.close()


def _accepted(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _ = server.accept()
        except (TimeoutError, OSError):
            return count
        connection.close()
        count += 1


def test_no_network_not_even_loopback_to_the_host(listener):
    """Can a submission reach neither the host's loopback nor its other addresses nor outside?"""
    server, port, addresses = listener
    code = (
        "import socket\n"
        "reached = []\n"
        f"for host in {addresses + ['1.1.1.1']!r}:\n"
        "    try:\n"
        f"        socket.create_connection((host, {port}), timeout=2).close()\n"
        "        reached.append(host)\n"
        "    except OSError:\n"
        "        pass\n"
        "print(reached)\n"
    )
    result = run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert _accepted(server) == 0
    # the same code outside the sandbox does reach the listener: the test can fail
    subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert _accepted(server) >= 1


def _marked_processes(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(int(entry))
    return found


def test_detached_processes_die_with_the_sandbox():
    """Are a new-session child and a double-forked daemon killed when the sandbox ends?"""
    marker = f"hostile-{uuid.uuid4().hex}"
    code = (
        "import os, subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', {marker!r}],\n"
        "                 start_new_session=True)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(60)',"
        f" {marker!r}])\n"
        "    os._exit(0)\n"
        "time.sleep(1)\n"
        "print(os.getpid())\n"
    )
    try:
        result = run(code)
        assert result.returncode == 0, result.stderr
        assert int(result.stdout) <= 3  # its own PID namespace
        time.sleep(0.5)
        assert _marked_processes(marker) == []
    finally:
        for pid in _marked_processes(marker):
            os.kill(pid, 9)


def test_nested_user_namespaces_are_refused():
    """Can a submission not make a user namespace of its own (to escape the process limit)?"""
    result = run(
        "import subprocess\nprint(subprocess.run(['unshare', '--user', 'true']).returncode)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() != "0"


# ---------------------------------------------------------------------------------------------
# Limits


def test_memory_limit_per_process():
    """Does allocating past the memory limit raise MemoryError instead of taking the machine?"""
    result = run(
        "try:\n    block = bytearray(3 * 1024**3)\n    print('allocated')\n"
        "except MemoryError:\n    print('MemoryError')\n",
        config=_config(memory_limit=int(1.5 * GiB)),
    )
    assert result.stdout.strip() == "MemoryError", result.stderr


def test_memory_limit_for_all_processes_together():
    """Is a sandbox stopped when several processes, each under the limit, together exceed it?"""
    sandbox = Sandbox(config=_config(memory_limit=1 * GiB))
    code = (
        "import os, time\n"
        "for _ in range(3):\n"
        "    if os.fork() == 0:\n"
        "        block = bytearray(450 * 1024**2)\n"  # zero-filled: really resident
        "        time.sleep(30)\n"
        "        os._exit(0)\n"
        "time.sleep(30)\n"
    )
    launch = sandbox.launch([sys.executable, "-c", code])
    process = subprocess.Popen(launch.argv, cwd="/", **launch.popen_kwargs())
    launch.close()
    watch = MemoryWatch(process.pid, sandbox.memory_limit, 0.1)
    watch.start()
    try:
        assert process.wait(timeout=25) == -9
    finally:
        process.kill()
        watch.stop()
    assert watch.exceeded > sandbox.memory_limit


def test_process_limit_applies_even_as_root():
    """Does a fork bomb stop at the process limit (RLIMIT_NPROC in the sandbox's namespace)?"""
    code = (
        "import os, time\n"
        "started = 0\n"
        "try:\n"
        "    for _ in range(200):\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(3)\n"
        "            os._exit(0)\n"
        "        started += 1\n"
        "except BlockingIOError:\n"
        "    print('refused', end=' ')\n"
        "print(started)\n"
    )
    result = run(code, config=_config(process_limit=20))
    words = result.stdout.split()
    assert words[0] == "refused", result.stderr
    assert int(words[1]) < 20


def test_file_size_and_disk_limits():
    """Do a too-big file and a disk filled past its limit fail with their usual errors?"""
    code = (
        "import errno, os\n"
        "def write(path, megabytes):\n"
        "    try:\n"
        "        with open(path, 'wb') as handle:\n"
        "            handle.write(b'x' * megabytes * 1024**2)\n"
        "        return 'ok'\n"
        "    except OSError as error:\n"
        "        return errno.errorcode[error.errno]\n"
        "print(write('big', 3))\n"
        "print([write(f'part{n}', 1) for n in range(12)][-1])\n"
        "print([write(f'/tmp/part{n}', 1) for n in range(12)][-1])\n"
        "print([write(f'/dev/shm/part{n}', 1) for n in range(12)][-1])\n"
    )
    result = run(code, config=_config(file_size_limit=2 * MiB, disk_limit=8 * MiB))
    assert result.stdout.split() == ["EFBIG", "ENOSPC", "ENOSPC", "ENOSPC"], result.stderr


def test_cpu_time_limit():
    """Is a process that computes past its CPU time stopped (SIGXCPU)?"""
    started = time.monotonic()
    result = run("while True:\n    pass\n", config=_config(cpu_time_limit=1))
    assert result.returncode == 128 + 24  # bwrap reports the signal as 128 + SIGXCPU
    assert time.monotonic() - started < 30


# ---------------------------------------------------------------------------------------------
# A real kernel in the sandbox


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def _text(cell: nbformat.NotebookNode) -> str:
    return "".join(
        output.get("text", "") or f"{output.get('ename', '')}: {output.get('evalue', '')}"
        for output in cell.outputs
    )


def test_a_kernel_runs_in_the_sandbox_and_survives_an_interrupt(course):
    """Does nbclient's kernel run sandboxed, and is a runaway cell interrupted, not killed?"""
    nb = _notebook(
        "import os, socket\nx = 41\nprint(os.getcwd(), socket.gethostname(), os.getpid())",
        "import time\ntime.sleep(60)",
        "print(x + 1)",
    )
    client = NotebookClient(
        nb,
        timeout=5,
        kernel_manager_class=SandboxKernelManager,
        allow_errors=True,
        interrupt_on_timeout=True,
        config=_config(course["root"]),
        resources={"metadata": {"path": str(course["mine"])}},
    )
    client.execute()
    assert _text(nb.cells[0]).split()[:2] == ["/sandbox/submission", "grading"]
    assert "KeyboardInterrupt" in _text(nb.cells[1]) or "CellTimeoutError" in _text(nb.cells[1])
    assert _text(nb.cells[2]).strip() == "42"  # the same kernel, still alive


def test_no_folder_of_the_host_is_writable_from_a_kernel(course):
    """Can a kernel change neither its connection file nor the host folder that holds it (it
    talks over sockets in a tmpfs of its own)?"""
    from jupyter_core.utils import run_sync

    manager = SandboxKernelManager(kernel_name="python3")
    run_sync(manager.start_kernel)(cwd=str(course["mine"]))
    client = manager.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=120)
        folder = manager._socket_dir
        before = _tree_hash(folder)
        code = (
            "import os\n"
            "words = open('/proc/self/cmdline').read().split('\\0')\n"
            "connection = words[words.index('-f') + 1]\n"
            "try:\n"
            "    open(connection, 'a').write('x')\n"
            "except OSError as error:\n"
            "    print('refused', error.errno)\n"
            "open(os.path.join(os.path.dirname(connection), 'planted'), 'w').write('x')\n"
            "print(sorted(os.listdir('/run/kernel')))"
        )
        reply = run_sync(client.execute_interactive)(code, timeout=60, output_hook=lambda m: None)
        assert reply["content"]["status"] == "ok"
        assert _tree_hash(folder) == before  # 'planted' went to the sandbox's own /tmp
        assert sorted(p.name for p in folder.iterdir()) == ["kernel.json"]
    finally:
        client.stop_channels()
        run_sync(manager.shutdown_kernel)(now=True)


def test_a_kernel_that_cannot_start_leaves_nothing_behind(course, monkeypatch):
    """If the sandbox ends before the kernel runs in it, is there a clear error and no folder
    left behind?"""
    from jupyter_core.utils import run_sync

    from course.grading.sandbox import Launch

    manager = SandboxKernelManager(kernel_name="python3")
    manager.sandbox.check()  # proven (and remembered) before bwrap is replaced by `false`
    monkeypatch.setattr(
        type(manager.sandbox), "launch", lambda self, argv, **kw: Launch(["false"], None)
    )
    with pytest.raises(RuntimeError, match="stopped before the kernel started"):
        run_sync(manager.start_kernel)(cwd=str(course["mine"]))
    assert manager._socket_dir is None


def test_processes_a_kernel_started_die_with_it(course):
    """When the kernel stops, is the detached process it started gone too?"""
    marker = f"hostile-{uuid.uuid4().hex}"
    nb = _notebook(
        "import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', {marker!r}],"
        " start_new_session=True)"
    )
    try:
        NotebookClient(
            nb,
            timeout=30,
            kernel_manager_class=SandboxKernelManager,
            resources={"metadata": {"path": str(course["mine"])}},
        ).execute()
        time.sleep(0.5)
        assert _marked_processes(marker) == []
    finally:
        for pid in _marked_processes(marker):
            os.kill(pid, 9)


def test_a_stopped_kernel_is_explained_and_the_notebook_goes_on(course):
    """After os._exit and after a memory limit, does the cell say why, and do later cells run?"""
    nb = _notebook(
        "x = 1",
        "import os\nos._exit(3)",
        "print('after', 'x' in globals())",
        "block = bytearray(5 * 1024**3)",
        "print('still here')",
    )
    SandboxedExecute(timeout=60).preprocess(nb, {"metadata": {"path": str(course["mine"])}})
    assert "Your code ended Python (exit status 3)" in _text(nb.cells[1])
    assert _text(nb.cells[2]).strip() == "after False"  # a fresh kernel
    assert "MemoryError" in _text(nb.cells[3])
    assert "used more memory than a graded notebook may use" in _text(nb.cells[3])
    assert _text(nb.cells[4]).strip() == "still here"


def test_output_is_capped_while_it_arrives(course):
    """Is a flood of printed text and images cut while it arrives, with a note, not stored?"""
    nb = _notebook(
        "for _ in range(3000):\n    print('flood ' * 100)",
        "import base64\npicture = base64.b64encode(b'x' * 300_000).decode()\n"
        "for _ in range(20):\n    display({'image/png': picture, 'text/plain': 'x'}, raw=True)",
    )
    SandboxedExecute(timeout=60, max_output_bytes=100_000).preprocess(
        nb, {"metadata": {"path": str(course["mine"])}}
    )
    for cell in nb.cells:
        assert len(nbformat.writes(nbformat.v4.new_notebook(cells=[cell]))) < 600_000
        assert "[Output cut: this cell printed more than 100 kB.]" in _text(cell)


def test_the_kernel_is_not_sandboxed_when_switched_off(course):
    """With Sandbox.enabled = False, is the kernel an ordinary one (for --no-sandbox)?"""
    nb = _notebook("import os\nprint(os.getcwd())")
    NotebookClient(
        nb,
        timeout=30,
        kernel_manager_class=SandboxKernelManager,
        config=_config(enabled=False),
        resources={"metadata": {"path": str(course["mine"])}},
    ).execute()
    assert _text(nb.cells[0]).strip() == str(course["mine"])


def test_a_kernel_leaves_nothing_behind(course):
    """Does a sandboxed kernel's socket folder disappear when the kernel stops?"""
    from jupyter_core.utils import run_sync

    manager = SandboxKernelManager(kernel_name="python3")
    run_sync(manager.start_kernel)(cwd=str(course["mine"]))
    folder = manager._socket_dir
    assert folder is not None and folder.is_dir()
    client = manager.client()
    client.start_channels()
    run_sync(client.wait_for_ready)(timeout=120)
    client.stop_channels()
    assert manager.kernel_pid() is not None
    run_sync(manager.shutdown_kernel)(now=True)
    assert not folder.exists()


# ---------------------------------------------------------------------------------------------
# course grade and the sandbox


@pytest.mark.slow
def test_course_grade_refuses_without_a_sandbox_and_grades_with_no_sandbox(tmp_path, capsys):
    """Does course grade stop, saying how to install bubblewrap, before touching anything when
    no sandbox can be made, and grade with --no-sandbox?"""
    from course.cli import main
    from tests.classroom import answer_all, base_env, copy_course, nbgrader

    course_dir = copy_course(tmp_path / "course")
    config = course_dir / "nbgrader_config.py"
    config.write_text(config.read_text() + '\nc.Sandbox.bwrap = "no-such-bwrap"\n')
    env = base_env(tmp_path / "exchange")
    nbgrader("generate_assignment", "ps1_phases", "--force", cwd=course_dir, env=env)
    folder = course_dir / "submitted" / "ada" / "ps1_phases"
    folder.mkdir(parents=True)
    shutil.copy(course_dir / "release" / "ps1_phases" / "ps1_phases.ipynb", folder)
    answer_all(folder / "ps1_phases.ipynb")
    (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
    before = sorted(p.relative_to(course_dir) for p in course_dir.rglob("*"))
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        refused = main(["grade", "ps1_phases", "--course-dir", str(course_dir), "--no-collect"])
        message = capsys.readouterr().err
        assert refused == 1
        assert "apt-get install bubblewrap" in message and "--no-sandbox" in message
        assert sorted(p.relative_to(course_dir) for p in course_dir.rglob("*")) == before
        graded = main(
            ["grade", "ps1_phases", "--course-dir", str(course_dir), "--no-collect", "--no-sandbox"]
        )
    assert graded == 0
    output = capsys.readouterr()
    assert "WITHOUT the sandbox" in output.err
    assert "1 graded" in output.out
