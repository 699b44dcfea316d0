"""Numbers the hand-written notes cite, computed from the tables when the guide is written.

A model answer that needs a count or a rate does not type it: it writes a placeholder such as
``{{rate:rebels:bbc_live}}``, and :func:`fill` replaces it with the value computed now. So a
change in the data changes the model answer with it. :data:`FACTS` lists every placeholder
name, what it takes and what it gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from course import data

__all__ = ["FACTS", "PLACEHOLDER", "UnknownFact", "fill"]

PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)((?::[\w.-]+)*)\s*\}\}")


class UnknownFact(KeyError):
    """A placeholder names a fact that does not exist, or gives it the wrong arguments."""


def _count_row(term_id: str, doc_id: str):
    counts = data.framing_counts()
    row = counts[(counts["term_id"] == term_id) & (counts["doc_id"] == doc_id)]
    if row.empty:
        raise UnknownFact(f"no framing count for {term_id!r} in {doc_id!r}")
    return row.iloc[0]


def _phase_events(phase_id: str, doc_id: str = "") -> str:
    events = data.events()
    chosen = events[events["phase_id"] == phase_id]
    if doc_id:
        chosen = chosen[chosen["doc_id"] == doc_id]
    return str(len(chosen))


def _most_events_phase() -> str:
    events, phases = data.events(), data.phases()
    top = events["phase_id"].value_counts().idxmax()
    return str(phases.set_index("phase_id").loc[top, "name"])


def _claimed() -> str:
    from course.lessons import l04_voices

    counts = l04_voices.claimed_statements()["group"].value_counts()
    return "; ".join(f"{group} ({n})" for group, n in counts.items())


def _claimed_total() -> str:
    from course.lessons import l04_voices

    return str(len(l04_voices.claimed_statements()))


def _undated() -> list[str]:
    documents = data.documents()
    return list(documents.loc[documents["published"].isna(), "doc_id"])


def _code_list(names: list[str]) -> str:
    quoted = [f"`{name}`" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


#: Placeholder name → function of its arguments that returns the text to put in its place.
FACTS: dict[str, Callable[..., str]] = {
    "count": lambda term, doc: str(int(_count_row(term, doc)["count"])),
    "rate": lambda term, doc: f"{float(_count_row(term, doc)['per_1000_words']):.1f}",
    "words": lambda doc: f"{int(_count_row('rebels', doc)['words']):,}",
    "phase_events": _phase_events,
    "most_events_phase": _most_events_phase,
    "claimed": _claimed,
    "claimed_total": _claimed_total,
    "undated_count": lambda: str(len(_undated())),
    "undated_docs": lambda: _code_list(_undated()),
}


def fill(text: str) -> str:
    """Replace every ``{{name:arg:…}}`` in ``text`` with the fact it names.

    Raises :class:`UnknownFact` naming the placeholder when the fact is unknown or its
    arguments do not fit.
    """

    def one(match: re.Match[str]) -> str:
        name, args = match.group(1), [a for a in match.group(2).split(":") if a]
        if name not in FACTS:
            raise UnknownFact(f"{match.group(0)}: no such fact; known: {sorted(FACTS)}")
        try:
            return FACTS[name](*args)
        except TypeError as error:
            raise UnknownFact(f"{match.group(0)}: {error}") from error

    return PLACEHOLDER.sub(one, text)
