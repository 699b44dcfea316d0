"""Exercises for lesson 05, *Aleppo in 2016 and 2024* (``notebooks/05_aleppo_2016_and_2024.ipynb``).

The lesson sets the insurgents' 2024 offensive, as the AP story (``ap_2024``) reports it, beside
the 2012–2016 battle. Every answer below is read from ``course.data``: who is named in which
conflict from ``actors().conflicts``, who says what from ``attributions()``, and dates from
``events()``. The notebook only calls these functions, so the answers are not shown in its cells.
"""

from __future__ import annotations

import pandas as pd

from course import data, text
from course.widgets import MultipleChoice, MultiSelect, NumericAnswer, Ordering, SentenceClassifier

__all__ = [
    "PRESENCE_ACTORS",
    "named_in_both",
    "order_then_and_now",
    "reasons_for_swift_advance",
    "who_is_speaking",
    "years_between_fall_and_breach",
]

#: The main actors of the presence grid and of the "named in both" exercise, in display order.
#: The choice of actors is the lesson's; what the grid shows about them comes from the data.
PRESENCE_ACTORS = [
    "syrian_government",
    "syrian_armed_forces",
    "syrian_army",
    "russia",
    "iran",
    "hezbollah",
    "iran_linked_groups",
    "turkey",
    "united_states",
    "israel",
    "rebels",
    "al_nusra",
    "hts",
    "ypg",
    "sdf",
    "syrian_kurdish_forces",
    "sohr",
    "syrian_state_media",
    "anadolu",
]

#: Events for the ordering exercise: two from the 2016 siege, two from the fall of eastern
#: Aleppo, one from the aftermath and two from 2024. The right order comes from their dates.
ORDER_EVENTS = ["ev089", "ev095", "ev116", "ev140", "ev154", "ev156", "ev158"]

FALL_EVENT = "ev140"  # 22 December 2016: the evacuation was completed (wp_battle)
BREACH_EVENT = "ev158"  # 29 November 2024: insurgents breached Aleppo (ap_2024)

OWN_VOICE = "The AP's own voice (no source named)"
ANALYST = "A named analyst or monitor"
GOVERNMENT = "A government or its officials"
_LABEL_BY_SPEAKER_TYPE = {
    "expert": ANALYST,
    "monitor": ANALYST,
    "government": GOVERNMENT,
    "foreign_state": GOVERNMENT,
}

#: AP sentences about why the advance was so fast, for the "who is speaking" exercise.
SPEAKER_SENTENCES = [
    "ap_2024-p006-s01",
    "ap_2024-p009-s01",
    "ap_2024-p012-s01",
    "ap_2024-p007-s01",
    "ap_2024-p014-s02",
    "ap_2024-p029-s01",
]


def _events() -> pd.DataFrame:
    return data.events().set_index("event_id")


def _date_text(date: pd.Timestamp, precision: str) -> str:
    """Print a date only as precisely as the source gives it (day, month or year)."""
    formats = {"day": "%d %B %Y", "month": "%B %Y", "year": "%Y"}
    return date.strftime(formats.get(str(precision), "%d %B %Y")).lstrip("0")


def _ap_attribution(attribution_id: str) -> pd.Series:
    table = data.attributions().set_index("attribution_id")
    return table.loc[attribution_id]


def named_in_both() -> MultiSelect:
    """Which of the main actors do the documents name in both conflicts?

    Options are the names of ``PRESENCE_ACTORS``; the answers are those whose ``conflicts``
    value in ``data.actors()`` is ``"2012-2016;2024"``.
    """
    actors = data.actors().set_index("actor_id").loc[PRESENCE_ACTORS]
    both = actors[actors["conflicts"] == "2012-2016;2024"]
    only = actors[actors["conflicts"] != "2012-2016;2024"]
    explanation = (
        "In data.actors(), these rows have conflicts = '2012-2016;2024': "
        + ", ".join(both["name"])
        + ". Named in one conflict only: "
        + "; ".join(
            f"{name} ({when})" for name, when in zip(only["name"], only["conflicts"], strict=True)
        )
        + ". The grid records names as the documents print them; it does not say whether "
        "differently named groups are related."
    )
    return MultiSelect(
        "05-named-in-both",
        "Tick every actor that the documents name both in 2012–2016 and in 2024.",
        list(actors["name"]),
        list(both["name"]),
        explanation=explanation,
    )


def who_is_speaking() -> SentenceClassifier:
    """Who is speaking in each AP sentence about the swift advance?

    The sentences are ``SPEAKER_SENTENCES`` from ``data.sentences()``. A sentence that no row of
    ``data.attributions()`` overlaps is the AP's own voice; otherwise the label follows the
    overlapping row's ``speaker_type`` (expert or monitor, government or foreign state).
    """
    sentences = data.sentences().set_index("sent_id").loc[SPEAKER_SENTENCES]
    attributions = data.attributions()
    attributions = attributions[attributions["doc_id"] == "ap_2024"]
    spans = [
        (text.find_quote("ap_2024", quote), kind)
        for quote, kind in zip(attributions["quote"], attributions["speaker_type"], strict=True)
    ]
    answers, speakers = [], []
    for sentence in sentences.itertuples():
        kinds = [
            kind
            for span, kind in spans
            if span and span[0] < sentence.end and span[1] > sentence.start
        ]
        answers.append(_LABEL_BY_SPEAKER_TYPE[kinds[0]] if kinds else OWN_VOICE)
    for sent_id, answer in zip(SPEAKER_SENTENCES, answers, strict=True):
        speakers.append(f"{sent_id.split('-')[1]}: {answer}")
    return SentenceClassifier(
        "05-who-is-speaking",
        "For each sentence from the AP story (ap_2024), who is speaking?",
        list(sentences["text"]),
        [OWN_VOICE, ANALYST, GOVERNMENT],
        answers,
        explanation=(
            "From data.attributions(): a sentence with no attribution row is the AP's own "
            "voice; the others carry the speaker's words (" + "; ".join(speakers) + "). "
            "Only the own-voice sentences are stated by the AP itself; the rest report what "
            "a named speaker said."
        ),
    )


def reasons_for_swift_advance() -> MultipleChoice:
    """Which option reports, with its source, a reason the AP story gives for the swift advance?

    The right option is the claim of attribution ``ap_2024-a11`` (Dareen Khalifa). The hints
    quote what the wrongly named speakers did say, from the same table.
    """
    khalifa = _ap_attribution("ap_2024-a11")
    ford = _ap_attribution("ap_2024-a07")
    abdurrahman = _ap_attribution("ap_2024-a27")
    kremlin = _ap_attribution("ap_2024-a16")
    army = _ap_attribution("ap_2024-a18")
    army_accused = _ap_attribution("ap_2024-a20")
    right = khalifa["claim"]
    no_pushback = data.sentences().set_index("sent_id").loc["ap_2024-p006-s01", "text"]
    russia_left = (
        "The AP reports, in its own voice, that Russia had withdrawn its forces from Syria."
    )
    army_said = "Syria's armed forces said their allies had failed to come to their aid."
    ford_said = 'Robert Ford said Hezbollah was "the main force" in the fight for Aleppo.'
    hints = {
        russia_left: (
            "The story never says that Russia withdrew. In its own voice it says: "
            f'"{no_pushback}" That the Russians were "distracted and bogged down in Ukraine" '
            "is Dareen Khalifa's assessment, and the Kremlin's own statement is about "
            f"something else: {kremlin['claim']}"
        ),
        army_said: (
            f"Not in the story. What the AP reports from the army is: {army['claim']} "
            f"{army_accused['claim']}"
        ),
        ford_said: (
            f'"The main force" is not Ford\'s phrase. {abdurrahman["claim"]} '
            "(The AP calls him 'head of the Observatory'.) "
            f"What Ford did say: {ford['claim']}"
        ),
    }
    return MultipleChoice(
        "05-reasons-for-swift-advance",
        "The AP story reports several explanations for the insurgents' fast advance. Which "
        "statement gives one of them accurately, with the person who made it?",
        [russia_left, right, army_said, ford_said],
        right,
        hints=hints,
        explanation=(
            f"attributions row ap_2024-a11 ({khalifa['speaker']}, {khalifa['verb']}): "
            f"{khalifa['quote']} It is her assessment, reported by the AP, not a fact the AP "
            "establishes."
        ),
        justify="Why is this an assessment rather than an established fact?",
    )


def order_then_and_now() -> Ordering:
    """Put two 2016 siege events, two from the fall, one from 2020 and two from 2024 in order.

    Items are the ``description`` (with ``doc_id``) of ``ORDER_EVENTS``; the right order is
    their order by ``date`` in ``data.events()``.
    """
    rows = _events().loc[ORDER_EVENTS].sort_values("date", kind="stable")
    items = [f"{row.description} ({row.doc_id})" for row in rows.itertuples()]
    dates = [
        f"{row.Index}: {_date_text(row.date, row.date_precision)}" for row in rows.itertuples()
    ]
    return Ordering(
        "05-order-then-and-now",
        "Put these events in the order in which they happened, earliest first.",
        items,
        explanation="The order of the date column in data.events(): " + "; ".join(dates) + ".",
    )


def years_between_fall_and_breach() -> NumericAnswer:
    """How many years passed between the completed evacuation (Dec 2016) and the 2024 breach?

    Both dates come from ``data.events()`` (``FALL_EVENT`` and ``BREACH_EVENT``); the answer
    is the number of days between them divided by 365.25, accepted to one decimal place.
    """
    events = _events()
    fall, breach = events.loc[FALL_EVENT, "date"], events.loc[BREACH_EVENT, "date"]
    days = (breach - fall).days
    return NumericAnswer(
        "05-years-between",
        "How many years passed between the day the evacuation of eastern Aleppo was completed "
        f"({FALL_EVENT}) and the day insurgents breached the city ({BREACH_EVENT})? Compute the "
        "days with pandas, divide by 365.25 and give one decimal place.",
        days / 365.25,
        tolerance=0.05,
        unit="years",
        too_low="Too low. Check that you subtract the earlier date from the later one.",
        too_high=(
            "Too high. Subtracting the years (2024 - 2016) ignores the months: the breach "
            "falls earlier in the year than the completed evacuation."
        ),
        explanation=(
            f"{events.loc[FALL_EVENT, 'date']:%d %B %Y} ({FALL_EVENT}, "
            f"{events.loc[FALL_EVENT, 'doc_id']}) to {events.loc[BREACH_EVENT, 'date']:%d %B %Y}"
            f" ({BREACH_EVENT}, {events.loc[BREACH_EVENT, 'doc_id']}) is {days:,} days, or "
            f"{days / 365.25:.1f} years."
        ),
    )
