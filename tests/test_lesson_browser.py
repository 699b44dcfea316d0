"""Lessons 01–05 as students meet them in JupyterLab: folded machinery and handing in work.

Real JupyterLab in Debian's Chromium, driven by Playwright (see :mod:`tests.browser`). Skipped
with a visible reason when Chromium is missing, except in CI, where that is a failure.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest

from tests import lesson_load
from tests.browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    expect_feedback,
    jupyterlab,
    open_notebook,
    require_chromium,
    run_all,
    screenshot,
)
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.flaky(reruns=2, reruns_delay=2)]

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402

LESSONS = [
    "01_phases",
    "02_combatants",
    "03_sources_and_evidence",
    "04_media_framing",
    "05_aleppo_2016_and_2024",
]
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lessons")
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
    context = browser.new_context(viewport={"width": 1400, "height": 950}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.mark.parametrize("name", LESSONS)
def test_folded_cells_open_folded_showing_their_sentence(lab, page, name):
    """On opening, is every cell marked source_hidden folded, showing its one plain sentence?"""
    cells = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4).cells
    code = [i for i, cell in enumerate(cells) if cell.cell_type == "code"]
    open_notebook(page, lab, f"notebooks/{name}.ipynb")
    # JupyterLab renders a long notebook's cells a few at a time: wait until all are there.
    page.wait_for_function(
        f"document.querySelectorAll('{PANEL} .jp-CodeCell').length >= {len(code)}"
    )
    shown = page.eval_on_selector_all(
        f"{PANEL} .jp-CodeCell",
        """nodes => nodes.map(n => ({
            index: Number(n.dataset.windowedListIndex),
            folded: !!n.querySelector('.jp-InputPlaceholder'),
            text: (n.querySelector('.jp-PlaceholderText') || {}).textContent || ''}))""",
    )
    assert sorted(cell["index"] for cell in shown) == code  # every code cell is on the page
    for cell in shown:
        source = cells[cell["index"]]
        assert cell["folded"] == lesson_load.is_hidden(source), source.source[:60]
        if cell["folded"]:
            assert cell["text"].strip() == source.source.splitlines()[0].strip()


def test_lesson_work_reaches_the_teacher_by_keyboard(lab, page):
    """Answer, write, save, then hand in by keyboard: does the downloaded file hold it all?"""
    open_notebook(page, lab, "notebooks/01_phases.ipynb")
    run_all(page)
    # Exercise 3: choose July 2016 and give reasons, as a student does.
    exercise = page.locator(f"{PANEL} .course-exercise").nth(2)
    exercise.scroll_into_view_if_needed()
    exercise.locator(".widget-toggle-buttons button", has_text="July 2016").click()
    exercise.locator("textarea").fill("The lead says the stalemate ended in July 2016.")
    exercise.locator("button", has_text="Check").click()
    expect_feedback(exercise, "Correct.")
    # The first written question: write in its answer box and save the notebook.
    answer = (
        page.locator(f"{PANEL} .jp-MarkdownCell")
        .filter(has=page.get_by_text("YOUR ANSWER HERE", exact=True))
        .first
    )
    answer.scroll_into_view_if_needed()
    answer.dblclick()
    answer.locator(".cm-content").click()  # put the cursor in the box's editor
    page.keyboard.press("Control+A")
    page.keyboard.insert_text("The live page adds many rows for one day.")
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Control+S")
    expect(page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty")).to_have_count(0)
    # The hand-in box at the end of the lesson, by keyboard only.
    box = page.locator(f"{PANEL} .course-handin").last
    box.scroll_into_view_if_needed()
    box.locator("input[type='text']").focus()
    page.keyboard.type("Kim Lee")
    page.keyboard.press("Tab")
    expect(box.locator("button", has_text="Write my answers file")).to_be_focused()
    page.keyboard.press("Enter")
    status = box.locator("[role='status'][aria-live='polite']")
    expect(status).to_contain_text("Written:", timeout=30_000)
    link = status.locator("a[download]")
    expect(link).to_have_attribute("download", "01_phases-answers-Kim-Lee.md")
    link.focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    handed_in = download.value.path().read_text(encoding="utf-8")
    screenshot(page, "hand-in-box")
    assert "Student (as typed): Kim Lee" in handed_in
    assert "The lead says the stalemate ended in July 2016." in handed_in
    assert "Checked 1 time; the last Check said: Correct." in handed_in
    assert "The live page adds many rows for one day." in handed_in
    on_disk = lab.root / "notebooks" / "01_phases-answers-Kim-Lee.md"
    assert on_disk.read_text(encoding="utf-8") == handed_in
