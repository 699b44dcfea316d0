"""Exercises for lesson 01, "The battle for Aleppo, phase by phase (2012–2016)".

Every answer is read from the course tables (``course.data``) or checked against a quote in the
cleaned documents, so that a change in the data changes the exercise rather than leaving a
stale answer behind. The notebook ``notebooks/01_phases.ipynb`` only calls these functions.
"""

from __future__ import annotations

import pandas as pd

from course import data, text
from course.widgets import Matching, MultipleChoice, Ordering

__all__ = ["ceasefire_blame", "match_phases", "order_events", "pick_turning_point"]

# The lead of wp_battle, quoted: the documents' own statement of the turning points.
LEAD_STALEMATE = (
    "A stalemate that had been in place for four years finally ended in July 2016, when Syrian "
    "government troops closed the rebels' last supply line into Aleppo with the support of "
    "Russian airstrikes."
)
LEAD_WIDER_WAR = (
    "The Syrian government victory was widely seen as a turning point in Syria's civil war."
)


def _quoted(doc_id: str, quote: str) -> str:
    """Return ``quote`` after checking that it occurs in the cleaned document ``doc_id``."""
    if text.find_quote(doc_id, quote) is None:
        raise ValueError(f"quote not found in {doc_id}: {quote!r}")
    return quote


def _when(date: pd.Timestamp, precision: str) -> str:
    """Format a date only as precisely as the source gives it (day, month or year)."""
    if precision == "day":
        return f"{date.day} {date:%B %Y}"
    if precision == "month":
        return f"{date:%B %Y}"
    return f"{date:%Y}"


def _events(event_ids: list[str]) -> pd.DataFrame:
    """Return the events rows with these ids (in the given order), each with a ``when`` text."""
    events = data.events().set_index("event_id")
    missing = set(event_ids) - set(events.index)
    if missing:
        raise KeyError(f"events not in the table: {sorted(missing)}")
    rows = events.loc[event_ids].reset_index()
    rows["when"] = [
        _when(d, str(p)) for d, p in zip(rows["date"], rows["date_precision"], strict=True)
    ]
    return rows


def order_events() -> Ordering:
    """Put six day-dated events from six different phases in time order.

    The correct order is the events table sorted by date; the explanation lists each date.
    """
    ids = ["ev140", "ev047", "ev095", "ev006", "ev106", "ev061"]
    rows = _events(ids)
    if set(rows["date_precision"].astype(str)) != {"day"}:
        raise ValueError("the ordering exercise needs events dated to the day")
    if rows["phase_id"].nunique() != len(rows):
        raise ValueError("the ordering exercise needs one event per phase")
    rows = rows.sort_values("date")
    return Ordering(
        "01-order-events",
        "Put these events in the order in which they happened (earliest at the top).",
        list(rows["description"]),
        explanation="In date order: "
        + "; ".join(f"{w}: {d}" for w, d in zip(rows["when"], rows["description"], strict=True))
        + " (events table).",
    )


def pick_turning_point() -> MultipleChoice:
    """Which moment ended the four-year stalemate in the battle? Justify with a quote.

    Options are events rows; the answer is the July 2016 closing of the last supply line,
    which the lead of wp_battle names as the end of the stalemate.
    """
    rows = _events(["ev025", "ev047", "ev075", "ev089", "ev140", "ev141"]).set_index("event_id")

    def option(*event_ids: str) -> str:
        first = rows.loc[event_ids[0]]
        return f"{first['when']}: " + " ".join(rows.loc[i, "description"] for i in event_ids)

    answer = option("ev089")
    divided = text.clean("wp_battle").infobox["result"].split("\n")[1].strip("* ").strip()
    hints = {
        option("ev025"): "This isolated government forces further, but the infobox 'result' "
        f"says: '{divided}' (wp_battle).",
        option("ev047"): "Rebel-held Aleppo was still not surrounded months later: "
        f"'{_events(['ev049']).loc[0, 'quote']}' (wp_battle).",
        option("ev075"): "Russian airstrikes do appear in the lead, but as support for "
        "another moment. Read the lead's sentence on the stalemate again.",
        option("ev140", "ev141"): "This is how the battle ended. The lead calls the "
        f"government victory a turning point in the wider war: '{LEAD_WIDER_WAR}' Within the "
        "battle, which earlier moment does it say ended the stalemate?",
    }
    return MultipleChoice(
        "01-turning-point",
        "Which of these moments was the turning point of the battle itself, the moment at "
        "which the lead of wp_battle says the four-year stalemate ended?",
        [option("ev025"), option("ev047"), option("ev075"), answer, option("ev140", "ev141")],
        answer,
        hints=hints,
        justify="Your reasons (quote a sentence and give its doc_id):",
        explanation=f"wp_battle's lead: '{_quoted('wp_battle', LEAD_STALEMATE)}' It adds: "
        f"'{_quoted('wp_battle', LEAD_WIDER_WAR)}' So July 2016 turned the battle; the "
        "December victory is described as a turning point of the whole war.",
    )


def match_phases() -> Matching:
    """Match six events to the phase the events table puts them in.

    Each event's date falls inside exactly one phase's start–end span, so the phase table is
    enough to answer; the answer is the events table's ``phase_id``.
    """
    rows = _events(["ev130", "ev037", "ev069", "ev010", "ev087", "ev050"])
    phases = data.phases()
    battle = phases[(phases["start"] >= "2012-07-01") & (phases["end"] <= "2016-12-31")]
    names = dict(zip(battle["phase_id"], battle["name"], strict=True))
    for row in rows.itertuples():
        inside = battle[(battle["start"] <= row.date) & (battle["end"] >= row.date)]
        if list(inside["phase_id"]) != [row.phase_id]:
            raise ValueError(f"{row.event_id} does not fall in exactly its own phase")
    return Matching(
        "01-which-phase",
        "Use the phase table to match each event to its phase.",
        {
            f"{w}: {d}": names[p]
            for w, d, p in zip(rows["when"], rows["description"], rows["phase_id"], strict=True)
        },
        choices=list(battle["name"]),
        explanation="Each date lies between the start and end of exactly one phase in "
        "data.phases(); the events table records the same phase in its phase_id column.",
    )


# Who the BBC page reports blaming whom for the breakdown of the 13 December ceasefire: the
# event row, the attribution row that gives the speaker, whom the speaker blames, and the words of
# the event's quote that show it.
_BLAME = {
    "ev121": ("bbc_live-a40", "the Syrian government", "accused the Syrian government of breaking"),
    "ev125": (
        "bbc_live-a17",
        "the Syrian government",
        "the government and its ally Iran is responsible",
    ),
    "ev128": ("bbc_live-a13", "the rebels", 'rebels "regrouped and resumed combat activities"'),
    "ev118": ("bbc_live-a51", "nobody", "probably only amounted to four to five square kilometres"),
}
_BEFORE = (
    "Before the clashes resumed, the UN special envoy to Syria said the situation inside "
    'rebel-held Aleppo was "very concerning".'
)
# How each speaker is introduced to the learner; the name must be the attribution row's speaker.
_SPEAKERS = {
    "ev121": "Turkish President Recep Tayyip Erdogan",
    "ev125": "Activist Lina Shamy, in a video from the rebel enclave",
    "ev128": "The Russian Defence Ministry, in a statement quoted by Interfax",
    "ev118": "UN envoy Staffan de Mistura, speaking on the night of 13 December",
}
BLAME_CHOICES = {
    "the Syrian government": "blamed the Syrian government or its ally",
    "the rebels": "blamed the rebels",
    "nobody": "blamed no one in what the page reports",
}


def ceasefire_blame() -> Matching:
    """Whom did each of four speakers on the BBC page blame for the ceasefire's breakdown?

    Items are the speakers of four bbc_live events rows, each checked against its attribution
    row; each row's quote is checked for the words that show whom the speaker blames
    (``_BLAME``). A matching, so that the feedback names the speakers to look at again.
    """
    rows = _events(list(_BLAME)).set_index("event_id")
    attributions = data.attributions().set_index("attribution_id")
    for event_id, (attribution_id, _, words) in _BLAME.items():
        if words not in rows.loc[event_id, "quote"]:
            raise ValueError(f"{event_id}: the quote no longer says {words!r}")
        speaker = str(attributions.loc[attribution_id, "speaker"])
        if speaker not in _SPEAKERS[event_id]:
            raise ValueError(f"{attribution_id}: the speaker is {speaker!r}, not in the option")
    both = _events(["ev119"]).loc[0, "quote"]
    return Matching(
        "01-ceasefire-blame",
        "The 13 December 2016 ceasefire broke down the next day. According to the BBC live "
        "page (bbc_live), whom did each speaker blame?",
        {_SPEAKERS[i]: BLAME_CHOICES[whom] for i, (_, whom, _) in _BLAME.items()},
        choices=list(BLAME_CHOICES.values()),
        explanation=" ".join(
            f"{_SPEAKERS[i]}: '{rows.loc[i, 'quote']}'" for i in _BLAME if i != "ev118"
        )
        + f" De Mistura spoke earlier: '{_quoted('bbc_live', _BEFORE)}' (bbc_live). "
        f"wp_battle sums up: '{both}'",
    )
