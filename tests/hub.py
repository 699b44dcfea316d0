"""A real JupyterHub on 127.0.0.1 for the course's hub tests, and clients that talk to it.

:func:`course_hub` prepares the machine with ``autograder/jupyterhub/setup-single-server.sh``
(the script an instructor runs), then starts JupyterHub with the course's own
``jupyterhub_config.py``. The test overlay changes only what a test must: the dummy (test-only)
authenticator, loopback ports, temporary folders, and a driver service whose token may create
users' tokens and start their servers. Every user is a real Unix account with a home of its own,
and every server runs as that account, so file permissions are the real ones.

:class:`Hub` speaks the hub's REST API; :class:`UserSession` speaks to one user's server (and to
the formgrader service) with the endpoints nbgrader's JupyterLab extensions call.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import requests

REPO = Path(__file__).resolve().parents[1]
HUB_DIR = REPO / "autograder" / "jupyterhub"
COURSE_ID = "aleppo"
PREFIX = "aht-"  # every Unix account the tests make starts with this, and is removed after
GRADER_ACCOUNT = f"{PREFIX}grader-{COURSE_ID}"
DRIVER_TOKEN = uuid.uuid4().hex


class HubUnavailable(RuntimeError):
    """This machine cannot run the hub test (not root, no npm, no shared Python 3.11)."""


def shared_python() -> str:
    """A Python 3.11 that every Unix user may run (the course environment is built from it)."""
    candidates = [os.environ.get("COURSE_PYTHON"), "/usr/bin/python3.11", "/usr/bin/python3"]
    for candidate in filter(None, candidates):
        if not Path(candidate).exists():
            continue
        probe = subprocess.run(
            [
                "runuser",
                "-u",
                "nobody",
                "--",
                candidate,
                "-c",
                "import sys, venv; sys.exit(sys.version_info[:2] != (3, 11))",
            ],
            capture_output=True,
        )
        if probe.returncode == 0:
            return candidate
    raise HubUnavailable(
        "no Python 3.11 with venv that other users can run (apt-get install python3-venv)"
    )


def check_machine() -> str:
    """Return the shared Python, or raise :class:`HubUnavailable` saying what is missing."""
    if os.geteuid() != 0:
        raise HubUnavailable("the hub test runs as root: it creates Unix accounts")
    for tool in ("useradd", "userdel", "runuser", "npm", "node"):
        if not shutil.which(tool):
            raise HubUnavailable(f"{tool} is not installed")
    return shared_python()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def remove_test_accounts() -> None:
    """Stop every process of, and delete, each Unix account whose name starts with PREFIX."""
    for entry in pwd.getpwall():
        if entry.pw_name.startswith(PREFIX):
            subprocess.run(["pkill", "-KILL", "-u", entry.pw_name], capture_output=True)
    time.sleep(0.5)
    for entry in pwd.getpwall():
        if entry.pw_name.startswith(PREFIX):
            subprocess.run(["userdel", "--remove", entry.pw_name], capture_output=True)


@dataclass
class Hub:
    """A running hub: its address, folders and the driver service's token."""

    url: str
    root: Path
    exchange: Path
    log: Path
    process: subprocess.Popen
    python: str  # the shared Python 3.11 the course environment was made from

    @property
    def course_dir(self) -> Path:
        return Path(pwd.getpwnam(GRADER_ACCOUNT).pw_dir) / COURSE_ID

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {DRIVER_TOKEN}"}
        return requests.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs
        )

    def token_for(self, name: str) -> str:
        """A token for ``name``, as the hub gives a logged-in user: it carries their roles."""
        response = self.api(
            "POST", f"/users/{name}/tokens", json={"note": "course hub test", "expires_in": 7200}
        )
        response.raise_for_status()
        return response.json()["token"]

    def session(self, name: str) -> UserSession:
        return UserSession(self, name, self.token_for(name))

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class UserSession:
    """One user, with their own token: what their browser would do, through the proxy."""

    hub: Hub
    name: str
    token: str

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(
            method,
            f"{self.hub.url}{path}",
            headers=headers,
            allow_redirects=False,
            timeout=300,
            **kwargs,
        )

    # --- the hub ----------------------------------------------------------------------------
    def start_server(self, *, timeout: float = 180) -> float:
        """Ask the hub for this user's server; wait until it answers. Returns seconds taken."""
        start = time.monotonic()
        while True:
            response = self.request("POST", f"/hub/api/users/{self.name}/server")
            if response.status_code in (201, 202, 400):  # 400: already running
                break
            if response.status_code == 429:  # the hub's concurrent-spawn limit: try again
                time.sleep(float(response.headers.get("Retry-After", 2)))
            else:
                raise AssertionError(f"{self.name}: {response.status_code} {response.text}")
            if time.monotonic() - start > timeout:
                raise TimeoutError(f"{self.name}: the hub kept refusing to start the server")
        while time.monotonic() - start < timeout:
            user = self.hub.api("GET", f"/users/{self.name}").json()
            if user["servers"].get("", {}).get("ready"):
                return time.monotonic() - start
            time.sleep(0.5)
        raise TimeoutError(f"{self.name}: server not ready after {timeout} s")

    # --- the user's own server (nbgrader's assignment list, the contents API) ---------------
    def server(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.request(method, f"/user/{self.name}{path}", **kwargs)

    def assignments(self) -> list[dict]:
        response = self.server("GET", "/assignments", params={"course_id": COURSE_ID})
        response.raise_for_status()
        body = response.json()
        assert body["success"], body
        return body["value"]

    def fetch(self, assignment: str) -> None:
        self._assignment_action("fetch", assignment)

    def submit(self, assignment: str) -> None:
        self._assignment_action("submit", assignment)

    def _assignment_action(self, action: str, assignment: str) -> None:
        response = self.server(
            "POST",
            f"/assignments/{action}",
            data={"course_id": COURSE_ID, "assignment_id": assignment},
        )
        response.raise_for_status()
        body = response.json()
        assert body["success"], f"{self.name} {action} {assignment}: {body.get('value')}"

    def edit_notebook(self, path: str, change, workdir: Path) -> None:
        """Download a notebook, let ``change(local_path)`` answer it, and save it back."""
        response = self.server("GET", f"/api/contents/{path}", params={"content": 1})
        response.raise_for_status()
        local = workdir / f"{self.name}-{Path(path).name}"
        nbformat.write(nbformat.from_dict(response.json()["content"]), local)
        change(local)
        saved = self.server(
            "PUT",
            f"/api/contents/{path}",
            json={
                "type": "notebook",
                "format": "json",
                "content": json.loads(local.read_text(encoding="utf-8")),
            },
        )
        assert saved.status_code in (200, 201), saved.text

    def run_code(self, code: str, *, timeout: float = 300) -> dict:
        """Start a kernel on this user's server, run ``code`` over its websocket, stop it.

        If the websocket drops (JupyterLab would reconnect), the code runs once more in a new
        kernel; ``dropped`` in the result counts the drops, so a report can show them.
        """
        deadline = time.monotonic() + timeout
        dropped = 0
        while True:
            response = self.server("POST", "/api/kernels", json={"name": "python3"})
            assert response.status_code == 201, response.text
            kernel_id = response.json()["id"]
            try:
                result = asyncio.run(_execute(self, kernel_id, code, deadline - time.monotonic()))
                return {**result, "dropped": dropped}
            except ConnectionError:
                dropped += 1
                if dropped > 1:
                    raise
            finally:
                self.server("DELETE", f"/api/kernels/{kernel_id}")

    # --- formgrader, the course's hub service ------------------------------------------------
    def formgrader(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.request(method, f"/services/{COURSE_ID}/formgrader/api{path}", **kwargs)


async def _execute(session: UserSession, kernel_id: str, code: str, timeout: float) -> dict:
    """Send one execute_request over the kernel's websocket; collect its reply and output."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    ws_url = session.hub.url.replace("http", "ws", 1)
    request = HTTPRequest(
        f"{ws_url}/user/{session.name}/api/kernels/{kernel_id}/channels",
        headers={"Authorization": f"token {session.token}"},
        connect_timeout=60,
        request_timeout=timeout,
    )
    connection = await websocket_connect(request)
    msg_id = uuid.uuid4().hex
    connection.write_message(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": session.name,
                    "session": uuid.uuid4().hex,
                    "version": "5.3",
                    "date": "",
                },
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "buffers": [],
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": False,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
            }
        )
    )
    result: dict = {"status": None, "stdout": "", "error": None}
    idle = False  # output arrives on IOPub, which may lag behind the reply on the shell channel
    deadline = time.monotonic() + timeout
    try:
        while result["status"] is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{session.name}: no execute_reply within {timeout} s")
            raw = await asyncio.wait_for(connection.read_message(), left)
            if raw is None:
                raise ConnectionError(
                    f"{session.name}: the kernel websocket closed (code "
                    f"{connection.close_code}, reason {connection.close_reason!r})"
                )
            message = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream" and content.get("name") == "stdout":
                result["stdout"] += content["text"]
            elif kind == "error":
                result["error"] = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
            elif kind == "execute_reply":
                result["status"] = content["status"]
        return result
    finally:
        connection.close()


def write_roster(path: Path, people: dict[str, str]) -> None:
    lines = ["username,role", *(f"{name},{role}" for name, role in people.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@contextmanager
def course_hub(people: dict[str, str], *, progress=print) -> Iterator[Hub]:
    """Set up the machine as the guide says, start the course's JupyterHub, and remove it all.

    ``people`` maps usernames (each starting with PREFIX) to ``instructor``, ``grader`` or
    ``student``. Raises :class:`HubUnavailable` when the machine cannot run a hub.
    """
    python = check_machine()
    assert all(name.startswith(PREFIX) for name in people)
    remove_test_accounts()  # from an earlier run that was killed
    root = Path(tempfile.mkdtemp(prefix="course-hub-"))
    root.chmod(0o755)  # users' servers run the course environment from here
    process = None
    try:
        write_roster(root / "roster.csv", people)
        settings = {
            **os.environ,
            "COURSE_ID": COURSE_ID,
            "COURSE_HOME": str(root / "opt"),
            "COURSE_PYTHON": python,
            "COURSE_ROSTER": str(root / "roster.csv"),
            "NBGRADER_EXCHANGE": str(root / "exchange"),
            "COURSE_GRADER_ACCOUNT": GRADER_ACCOUNT,
            "COURSE_FORMGRADER_PORT": str(free_port()),
        }
        for key in ("PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR"):
            settings.pop(key, None)
        progress("hub test: setting up the machine with setup-single-server.sh ...")
        setup = subprocess.run(
            ["bash", str(HUB_DIR / "setup-single-server.sh")],
            env=settings,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if setup.returncode != 0:
            raise AssertionError(
                f"setup-single-server.sh failed:\n{setup.stdout[-3000:]}\n{setup.stderr[-3000:]}"
            )
        (root / "hub").mkdir()
        port = free_port()
        overlay = root / "hub" / "jupyterhub_config.py"
        overlay.write_text(
            "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(HUB_DIR / 'jupyterhub_config.py')!r})  # noqa: F821\n"
            "# Test-only changes: dummy login, loopback ports, a driver service.\n"
            "c.JupyterHub.authenticator_class = 'dummy'\n"
            f"c.JupyterHub.bind_url = 'http://127.0.0.1:{port}'\n"
            f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{free_port()}'\n"
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'\n"
            "c.JupyterHub.services.append(\n"
            f"    {{'name': 'course-test-driver', 'api_token': {DRIVER_TOKEN!r}}})\n"
            "c.JupyterHub.load_roles.append({'name': 'course-test-driver',\n"
            "    'services': ['course-test-driver'],\n"
            "    'scopes': ['admin:users', 'admin:servers', 'tokens', 'list:services']})\n",
            encoding="utf-8",
        )
        log = root / "hub" / "hub.log"
        progress("hub test: starting JupyterHub ...")
        with open(log, "wb") as handle:
            process = subprocess.Popen(
                [str(root / "opt" / "env" / "bin" / "jupyterhub"), "-f", str(overlay)],
                cwd=root / "hub",
                env=settings,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        hub = Hub(f"http://127.0.0.1:{port}", root, root / "exchange", log, process, python)
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise AssertionError(f"JupyterHub exited:\n{hub.log_tail()}")
            try:
                if hub.api("GET", "/").status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"JupyterHub did not answer in 120 s:\n{hub.log_tail()}")
            time.sleep(0.5)
        yield hub
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # the hub stops every server it started
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        remove_test_accounts()
        if (root / "hub" / "hub.log").exists():  # the hub's and every server's log, for CI
            artifacts = REPO / "test-artifacts"
            artifacts.mkdir(exist_ok=True)
            shutil.copy(root / "hub" / "hub.log", artifacts / "hub.log")
        shutil.rmtree(root, ignore_errors=True)


def lesson_code(path: Path) -> str:
    """A lesson notebook's code cells as one program that prints ``lesson ran`` at the end."""
    notebook = nbformat.read(path, as_version=4)
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    return "\n\n".join(cells) + "\nprint('lesson ran')\n"


class MemorySampler:
    """Samples the resident memory of every test account's processes once a second."""

    def __init__(self) -> None:
        self.peak_total_mb = 0.0
        self.peak_user_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            listing = subprocess.run(
                ["ps", "-eo", "user:32=,rss="], capture_output=True, text=True
            ).stdout
            per_user: dict[str, int] = {}
            for line in listing.splitlines():
                user, rss = line.split()
                if user.startswith(PREFIX) and user != GRADER_ACCOUNT:
                    per_user[user] = per_user.get(user, 0) + int(rss)
            if per_user:
                self.peak_total_mb = max(self.peak_total_mb, sum(per_user.values()) / 1024)
                self.peak_user_mb = max(self.peak_user_mb, max(per_user.values()) / 1024)


def run_class(
    hub: Hub,
    instructor: UserSession,
    names: list[str],
    *,
    code: str,
    assignment: str,
    time_limit: float,
) -> dict:
    """Every student in ``names`` at once: start a server, run ``code`` in a kernel, fetch
    ``assignment``, then all press Submit at the same moment; the instructor collects.

    Returns timings, peak memory and ``missing``: the students whose submission was not
    collected. Raises if a student's step fails or the time limit passes.
    """
    deadline = time.monotonic() + time_limit
    everyone_ready = threading.Barrier(len(names), timeout=time_limit)

    def one_student(name: str) -> dict:
        try:
            session = hub.session(name)
            spawn = session.start_server(timeout=deadline - time.monotonic())
            began = time.monotonic()
            ran = session.run_code(code, timeout=deadline - time.monotonic())
            lesson = time.monotonic() - began
            assert ran["status"] == "ok" and "lesson ran" in ran["stdout"], (name, ran["error"])
            session.fetch(assignment)
        except BaseException:
            everyone_ready.abort()  # the others stop waiting; this student's error is reported
            raise
        everyone_ready.wait()
        submitted_at = time.monotonic()
        session.submit(assignment)
        return {
            "spawn": spawn,
            "lesson": lesson,
            "submit": time.monotonic() - submitted_at,
            "dropped": ran["dropped"],
        }

    start = time.monotonic()
    with MemorySampler() as memory, ThreadPoolExecutor(len(names)) as pool:
        futures = [pool.submit(one_student, name) for name in names]
        errors = [f.exception() for f in futures if f.exception() is not None]
    # Report what went wrong first, not the others' "the barrier was broken".
    errors.sort(key=lambda error: isinstance(error, threading.BrokenBarrierError))
    if errors:
        raise errors[0]
    results = [future.result() for future in futures]
    all_submitted = time.monotonic()
    if all_submitted > deadline:
        raise TimeoutError(f"the class of {len(names)} ran past its {time_limit} s limit")
    response = instructor.formgrader("POST", f"/assignment/{assignment}/collect")
    assert response.status_code == 200 and response.json()["success"], response.text
    collected_at = time.monotonic()
    notebook = Path(assignment) / f"{assignment}.ipynb"
    collected = {
        p.name for p in (hub.course_dir / "submitted").iterdir() if (p / notebook).is_file()
    }
    lessons = sorted(r["lesson"] for r in results)
    return {
        "students": len(names),
        "seconds_until_all_collected": round(collected_at - start, 1),
        "seconds_to_collect": round(collected_at - all_submitted, 2),
        "server_start_seconds_max": round(max(r["spawn"] for r in results), 1),
        "lesson_kernel_seconds_median": round(lessons[len(lessons) // 2], 1),
        "submit_seconds_max": round(max(r["submit"] for r in results), 2),
        "kernel_websockets_dropped_and_retried": sum(r["dropped"] for r in results),
        "peak_memory_mb_all_students": round(memory.peak_total_mb),
        "peak_memory_mb_one_student": round(memory.peak_user_mb),
        "missing": sorted(set(names) - collected),
    }


def as_user(hub: Hub, name: str, code: str) -> subprocess.CompletedProcess[str]:
    """Run Python ``code`` as the Unix account ``name`` (what a user's terminal could do)."""
    return subprocess.run(
        ["runuser", "-u", name, "--", hub.python, "-I", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
    )
