"""Real JupyterLab in Debian's Chromium, driven by Playwright: the helpers the browser tests use.

The tests start JupyterLab themselves on 127.0.0.1, on a free port, with a random token, and
stop it afterwards whatever happens. Chromium is the system's (``/usr/bin/chromium``, installed
by ``.ci/run`` with apt); Playwright never downloads a browser. Chromium runs headless with a
fresh profile and the flags that keep it off the network.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).is_file():
        return f"Debian's chromium is not installed ({CHROMIUM}); run: apt-get install -y chromium"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """A running JupyterLab server: its URL, token and root folder."""

    def __init__(self, root: Path, port: int, token: str, process: subprocess.Popen) -> None:
        self.root, self.port, self.token, self.process = root, port, token, process

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{separator}token={self.token}"


@contextlib.contextmanager
def jupyterlab(
    root: Path, env: dict[str, str] | None = None, bin_dir: Path | None = None
) -> Iterator[Lab]:
    """Start JupyterLab on ``root`` (from the environment ``bin_dir``, default this one's);
    always stop it on exit."""
    port, token = _free_port(), secrets.token_hex(24)
    bin_dir = bin_dir or Path(sys.executable).parent
    command = [
        str(bin_dir / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
        "--LabApp.news_url=",
        "--ServerApp.allow_remote_access=False",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    environment = {
        **os.environ,
        **(env or {}),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    log = open(root / ".jupyter-server.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        command, cwd=root, env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited: {(root / '.jupyter-server.log').read_text()[-2000:]}"
                )
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            time.sleep(0.3)
        else:
            raise RuntimeError("JupyterLab did not start within 90 seconds")
        yield Lab(root, port, token, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def open_notebook(page, lab: Lab, relative: str) -> None:
    """Open a notebook and wait until its kernel is idle."""
    page.goto(lab.url(f"lab/tree/{relative}?reset"))  # reset: no tabs restored from before
    page.wait_for_selector(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell",
        state="attached",
        timeout=90_000,
    )
    wait_idle(page)


def wait_idle(page, timeout: float = 180_000) -> None:
    """Wait until no cell is queued or running and the kernel reports idle."""
    page.wait_for_function(
        """() => {
            const panel = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt';
            const prompts = [...document.querySelectorAll(panel)];
            const busy = prompts.some(p => p.textContent.includes('*'));
            const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
            const idle = !status || status.getAttribute('data-status') !== 'busy';
            return !busy && idle;
        }""",
        timeout=timeout,
    )


def run_all(page) -> None:
    """Restart the kernel and run all cells (the toolbar's ⏩ button), then wait until done.

    A fresh kernel each time makes the run independent of earlier tests. The wait has two
    steps: first until a cell shows it is running ``[*]``, then until none does.
    """
    page.locator("[data-command='notebook:restart-run-all']").first.click()
    page.locator(".jp-Dialog .jp-mod-accept").click()  # "Restart"
    page.wait_for_function(
        """() => [...document.querySelectorAll(
              '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]
              .some(p => p.textContent.includes('*'))""",
        timeout=120_000,
    )
    wait_idle(page)


def error_outputs(page) -> list[str]:
    """Texts of any error output (tracebacks) in the open notebook."""
    return page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        "nodes => nodes.map(n => n.innerText).filter(t => /Error|Traceback/.test(t))",
    )


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.wait_for_timeout(1500)  # let JupyterLab paint cells scrolled into view
    page.screenshot(path=str(path), full_page=False)
    return path


def expect_feedback(exercise, text: str, timeout: float = 15_000) -> None:
    """Wait until the exercise's feedback area shows ``text``; fail otherwise."""
    exercise.locator(".course-feedback", has_text=text).wait_for(timeout=timeout)
