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

import pytest

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


def require_chromium(what: str = "browser tests", reason: str | None = None) -> None:
    """At a test module's import: skip it without Chromium, or fail it in CI (``CI`` set).

    ``reason`` is why the module cannot run (default :func:`chromium_missing_reason`).
    """
    reason = reason if reason is not None else chromium_missing_reason()
    if reason and os.environ.get("CI"):
        pytest.fail(f"the {what} must run in CI: {reason}", pytrace=False)
    if reason:
        pytest.skip(reason, allow_module_level=True)


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


def save_notebook(page, path: Path, timeout: float = 30.0) -> None:
    """Press Ctrl+S and wait until JupyterLab has written ``path`` (its mtime changes)."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_mtime_ns != before:
            time.sleep(0.5)  # let the write finish
            return
        time.sleep(0.2)
    raise AssertionError(f"JupyterLab did not save {path} within {timeout} s")


def menu(page, top: str, item: str) -> None:
    """Choose ``item`` from JupyterLab's ``top`` menu (File, Run, Kernel, ...)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def run_all_cells(page) -> None:
    """Run → Run All Cells in the kernel as it is (no restart), then wait until done."""
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        """() => [...document.querySelectorAll(
              '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]
              .some(p => p.textContent.includes('*'))""",
        timeout=120_000,
    )
    wait_idle(page)


def focused(page) -> dict[str, str]:
    """What has the keyboard focus: its tag, type, title and text."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return el ? {tag: el.tagName.toLowerCase(), type: el.type || '',
                         title: el.title || '', text: (el.innerText || '').trim(),
                         label: (el.labels && el.labels[0] ? el.labels[0].innerText : '')}
                      : {};
        }"""
    )


def _ordering_labels(exercise, count: int, timeout: float = 60.0) -> list[str]:
    """The item texts of an Ordering's rows, once all ``count`` rows have rendered."""
    rows = exercise.locator(".widget-hbox .widget-html")
    deadline = time.monotonic() + timeout
    while True:
        labels = [t.split(". ", 1)[-1].strip() for t in rows.all_inner_texts()]
        if len([t for t in labels if t]) >= count or time.monotonic() > deadline:
            return labels
        time.sleep(0.2)


def order_items(page, exercise, wanted: list[str], *, keyboard: bool = False) -> None:
    """Put an Ordering exercise into the order ``wanted`` with its Up buttons.

    With ``keyboard``, each move is an Enter on the focused button, and the test checks that
    the focus moved with the item (to its Up button, or its Down button at the top).
    """
    for position, item in enumerate(wanted):
        labels = _ordering_labels(exercise, len(wanted))
        if item not in labels:
            raise AssertionError(f"{item!r} is not among the Ordering's rows: {labels}")
        current = labels.index(item)
        if current == position:
            continue
        up = exercise.locator(f"button[title^='Move up: {item} (now {current + 1} of']")
        if keyboard:
            up.focus()
        for step in range(current - position):
            place = current - step
            if keyboard:
                page.keyboard.press("Enter")
                arrow = "up" if place - 1 > 0 else "down"
                expect_focus_title(page, f"Move {arrow}: {item} (now {place} of")
            else:
                exercise.locator(f"button[title^='Move up: {item} (now {place + 1} of']").click()
                exercise.locator(
                    f"button[title^='Move down: {item} (now {place} of']"
                ).first.wait_for(state="attached")


def expect_focus_title(page, prefix: str, timeout: float = 10.0) -> None:
    """Wait until the focused element's title starts with ``prefix``; fail otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if focused(page).get("title", "").startswith(prefix):
            return
        time.sleep(0.1)
    raise AssertionError(f"focus is on {focused(page)}, not on {prefix!r}")
