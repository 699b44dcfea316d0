"""The feedback line of an exercise: one persistent live region that screen readers announce.

ipywidgets' ``HTML`` widget replaces its whole content on every update, so an ``aria-live``
element inside it is a new element each time, and screen readers may not announce it. This
widget (built with anywidget, whose front end ships with the package) creates its
``role="status"`` element once and afterwards changes only its text. It also carries the
exercises' style sheet, so that every front end that shows an exercise gets it, and keeps
JupyterLab's notebook shortcuts away from the keys typed into an exercise's lists.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["LiveRegion"]

_ESM = """
function render({ model, el }) {
  const region = document.createElement("div");
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.setAttribute("aria-atomic", "true");
  el.appendChild(region);
  const update = () => {
    const tone = model.get("tone");
    region.className = "course-feedback" + (tone ? " course-feedback-" + tone : "");
    region.textContent = model.get("text");
  };
  update();
  model.on("change:text", update);
  model.on("change:tone", update);
  model.on("change:serial", update);
  guardLists(el);
}

// JupyterLab counts a focused <select> as command mode (it is not ":read-write"), so typing
// the first letters of a choice would run notebook shortcuts ("a" inserts a cell, "d d"
// deletes one) and move the focus away. Lumino skips shortcuts for keys whose target carries
// data-lm-suppress-shortcuts, so the exercise's lists get it when they receive the focus.
function guardLists(el) {
  let tries = 0;
  const attach = () => {
    const root = el.closest(".course-exercise");
    if (!root) {
      if (tries++ < 200) requestAnimationFrame(attach);
      return;
    }
    root.addEventListener("focusin", (event) => {
      if (event.target instanceof HTMLSelectElement) {
        event.target.setAttribute("data-lm-suppress-shortcuts", "true");
      }
    });
  };
  attach();
}
export default { render };
"""

# Labels of per-item dropdowns wrap above the list instead of being cut off with an ellipsis.
# Icons are drawn with an empty alternative text (`content: X / ""`), so that a button's
# accessible name is its words (or, for Ordering's arrows, its tooltip), not an icon glyph.
_CSS = """
.course-move .fa-arrow-up::before { content: "\\f062" / ""; }
.course-move .fa-arrow-down::before { content: "\\f063" / ""; }
.course-exercise .jupyter-button .fa-check::before { content: "\\f00c" / ""; }
.course-exercise .jupyter-button .fa-undo::before { content: "\\f0e2" / ""; }
.course-feedback { min-height: 1.5em; padding: 2px 0; line-height: 1.5; }
.course-feedback-correct, .course-feedback-incorrect, .course-feedback-recorded {
  font-weight: 600;
}
.course-note { color: var(--jp-ui-font-color1); }
.course-item-choice.widget-dropdown { flex-wrap: wrap; height: auto; }
.course-item-choice.widget-dropdown > .widget-label {
  flex: 1 1 100%; white-space: normal; text-align: left; overflow: visible; height: auto;
  line-height: 1.4; margin-bottom: 2px;
}
.course-item-choice.widget-dropdown > select { flex: 0 1 20em; max-width: 100%; }
"""


class LiveRegion(anywidget.AnyWidget):
    """A ``role="status"`` element created once, whose text changes in place."""

    _esm = _ESM
    _css = _CSS
    text = traitlets.Unicode("", help="The feedback text, read out by screen readers.").tag(
        sync=True
    )
    tone = traitlets.Unicode(
        "", help="'correct', 'incorrect', 'recorded' or '' (a CSS class; never the only cue)."
    ).tag(sync=True)
    serial = traitlets.Int(
        0, help="Counts updates, so that the same text checked twice is announced twice."
    ).tag(sync=True)

    def say(self, text: str, tone: str = "") -> None:
        """Show ``text`` in the region (announced by screen readers)."""
        with self.hold_sync():
            self.text, self.tone = text, tone
            self.serial += 1

    @property
    def value(self) -> str:
        """The text shown, for code that reads feedback like an ``HTML`` widget's value."""
        return self.text
