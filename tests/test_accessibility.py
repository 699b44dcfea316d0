"""axe-core on every lesson's outputs after Run All, in real JupyterLab and Debian's Chromium.

axe-core is the npm package pinned in ``tests/axe/package.json`` (``package-lock.json`` beside
it); the test runs ``npm ci`` there when it is missing, and fails (does not skip) in CI when it
cannot. It is injected with Playwright's ``add_script_tag`` and scoped to the course's own
content: the cells' output areas (exercises, figures, tables, notes), not JupyterLab's interface.
Serious and critical violations fail the test; the counts per lesson are written to
``test-artifacts/axe-<lesson>.json``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_FLAGS,
    chromium_missing_reason,
    jupyterlab,
    open_notebook,
    require_chromium,
    run_all,
)
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.flaky(reruns=1, reruns_delay=2)]

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
LESSONS = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SCOPE = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output"
BLOCKING = {"serious", "critical"}


def _missing() -> str | None:
    reason = chromium_missing_reason()
    if reason:
        return reason
    if AXE.is_file():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed (apt-get install npm); it installs axe-core for this test"
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=AXE_DIR, capture_output=True, text=True
    )
    if result.returncode != 0 or not AXE.is_file():
        return f"npm ci in {AXE_DIR} failed: {result.stderr[-1000:]}"
    return None


require_chromium("accessibility tests", _missing() or "")

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("axe-lab")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    with jupyterlab(root) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the open notebook's output areas; return its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (scope) => {
            const nodes = [...document.querySelectorAll(scope)];
            if (!nodes.length) return [];
            const result = await axe.run({include: nodes}, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 160)),
            }));
        }""",
        SCOPE,
    )


def _render_everything(page) -> None:
    """Scroll through every output so that JupyterLab paints it before axe looks."""
    outputs = page.locator(SCOPE)
    for index in range(outputs.count()):
        outputs.nth(index).scroll_into_view_if_needed()
    page.wait_for_timeout(1000)


@pytest.mark.parametrize("notebook", LESSONS)
def test_lesson_outputs_have_no_serious_accessibility_violation(lab, page, notebook):
    """After Run All, does axe-core find no serious or critical violation in the outputs?"""
    open_notebook(page, lab, f"notebooks/{notebook}")
    run_all(page)
    page.locator(".course-exercise").first.wait_for(state="attached", timeout=120_000)
    _render_everything(page)
    violations = axe_violations(page)
    ARTIFACTS.mkdir(exist_ok=True)
    counts = {"outputs": page.locator(SCOPE).count(), "violations": violations}
    (ARTIFACTS / f"axe-{notebook.removesuffix('.ipynb')}.json").write_text(
        json.dumps(counts, indent=1), encoding="utf-8"
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], json.dumps(blocking, indent=1)


def test_axe_finds_a_planted_violation_in_the_outputs(lab, page):
    """Would the scan catch an unnamed button and an image without text in a lesson's output?"""
    open_notebook(page, lab, "notebooks/00_start_here.ipynb")
    run_all(page)
    page.locator(".course-exercise").first.wait_for(state="attached", timeout=120_000)
    page.evaluate(
        """(scope) => {
            const output = document.querySelector(scope);
            output.insertAdjacentHTML('beforeend',
                '<button class="planted"></button><img class="planted" src="x.png">');
        }""",
        SCOPE,
    )
    found = {v["id"] for v in axe_violations(page) if v["impact"] in BLOCKING}
    assert {"button-name", "image-alt"} <= found
