"""Exercises for lesson 05, *Aleppo in 2016 and 2024* (``notebooks/05_aleppo_2016_and_2024.ipynb``).

The lesson sets the insurgents' 2024 offensive, as the AP story (``ap_2024``) reports it, beside
the 2012–2016 battle. Every answer below is read from ``course.data``: who is named in which
conflict from ``actors().conflicts``, who says what from ``attributions()``, and dates from
``events()``. The notebook only calls these functions, so the answers are not shown in its cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from course import data, media, text
from course.lessons._scrutiny import Item, items_frame
from course.widgets import (
    Exercise,
    MultipleChoice,
    MultiSelect,
    NumericAnswer,
    Ordering,
    SentenceClassifier,
)

__all__ = [
    "EXERCISES",
    "OBJECTIVE_PARTIES",
    "PRESENCE_ACTORS",
    "ap_words_for_2016",
    "memory_of_2016",
    "named_in_both",
    "naming_in_2024",
    "order_then_and_now",
    "phase_ids",
    "reasons_for_swift_advance",
    "scrutiny_items",
    "voices_in_2024",
    "who_is_speaking",
    "years_between_evacuation_and_breach",
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

#: Events for the ordering exercise: two from the 2016 siege, two from the government offensive
#: on eastern Aleppo and the evacuation, one from the aftermath and two from 2024. The right
#: order comes from their dates.
ORDER_EVENTS = ["ev089", "ev095", "ev116", "ev140", "ev154", "ev156", "ev158"]

EVACUATION_EVENT = "ev140"  # 22 December 2016: the evacuation was completed (wp_battle)
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


#: The AP story's sentences about 2016 rather than 2024: those that mention 2016 or "that year"
#: (section 4 of the lesson finds them with the same pattern).
MEMORY_OF_2016 = r"2016|that year"

#: Events that mark the phases the lesson shows (their phase ids are read from the events table).
PHASE_EVENTS = {
    "siege": "ev089",
    "offensive_2016": EVACUATION_EVENT,
    "aftermath": "ev154",
    "offensive_2024": BREACH_EVENT,
}

_KIND_PHRASE = {
    "state": "a state",
    "government": "a government or one of its bodies",
    "armed_forces": "an army",
    "armed_group": "an armed group",
    "monitor": "a war monitor",
    "media": "a news outlet",
}


def phase_ids() -> dict[str, str]:
    """The phase ids of the 2016 siege, the 2016 government offensive, the aftermath and 2024.

    Read from ``data.events()`` through the events of :data:`PHASE_EVENTS`, so that a renamed
    phase id in the tables does not break the lesson.
    """
    events = _events()
    return {name: str(events.loc[event_id, "phase_id"]) for name, event_id in PHASE_EVENTS.items()}


def memory_of_2016(doc_id: str = "ap_2024") -> pd.DataFrame:
    """The sentences of ``doc_id`` that look back at 2016 (:data:`MEMORY_OF_2016`)."""
    sentences = data.sentences()
    sentences = sentences[sentences["doc_id"] == doc_id]
    return sentences[sentences["text"].str.contains(MEMORY_OF_2016)]


def _labels(name: str, lexicon: pd.DataFrame) -> set[str]:
    return set(media.labels_in(name, lexicon)["term_id"])


def naming_in_2024(doc_id: str = "ap_2024") -> pd.DataFrame:
    """How the AP names each actor of :data:`PRESENCE_ACTORS` when it reports 2024.

    For each actor: ``same_name`` lists its name and the aliases that carry the same framing
    label as the name (or none at all); ``relabels`` the aliases the lexicon files under a
    different label ("insurgents" for the row "rebels"). ``named_2024`` is True when a
    same-name form occurs in a sentence of ``doc_id`` that is not about 2016
    (:func:`memory_of_2016`); ``relabelled_2024`` lists the relabelling aliases that occur
    there. Returns actor_id, name, kind, conflicts, named_2024, relabelled_2024.
    """
    lexicon = data.framing()
    actors = data.actors().set_index("actor_id").loc[PRESENCE_ACTORS]
    sentences = data.sentences()
    about_2024 = sentences[sentences["doc_id"] == doc_id]
    about_2024 = about_2024[~about_2024["text"].str.contains(MEMORY_OF_2016)]
    body = " ".join(about_2024["text"]).replace("’", "'")
    rows = []
    for actor_id, actor in actors.iterrows():
        aliases = str(actor["aliases"]).split(" | ") if pd.notna(actor["aliases"]) else []
        own = _labels(actor["name"], lexicon)
        same, relabels = [actor["name"]], []
        for alias in aliases:
            theirs = _labels(alias, lexicon)
            (relabels if own and theirs and not own & theirs else same).append(alias)

        def occurs(name: str) -> bool:
            stem = name.replace("’", "'").removesuffix("s")
            flags = 0 if name.isupper() else re.IGNORECASE
            return bool(re.search(rf"\b{re.escape(stem)}s?\b", body, flags))

        rows.append(
            {
                "actor_id": actor_id,
                "name": actor["name"],
                "kind": actor["kind"],
                "conflicts": actor["conflicts"],
                "named_2024": any(occurs(name) for name in same),
                "relabelled_2024": ", ".join(alias for alias in relabels if occurs(alias)),
            }
        )
    return pd.DataFrame(rows)


def _quoted_list(names: str) -> str:
    return ", ".join(f"'{name}'" for name in names.split(", ") if name) or "other words"


def named_in_both() -> MultiSelect:
    """Which of the main actors do the documents name, by the same name, in both conflicts?

    Options are the names of ``PRESENCE_ACTORS``. An actor is an answer when its ``conflicts``
    in ``data.actors()`` include 2012-2016 and the AP names it in its report of 2024 by its name
    or an alias with the same framing label (:func:`naming_in_2024`): a row that reaches 2024
    only through an alias such as "insurgents" does not count, as the lesson warns.
    """
    naming = naming_in_2024()
    in_2016 = naming["conflicts"].str.contains("2012-2016")
    both = naming[in_2016 & naming["named_2024"]]
    relabelled = naming[in_2016 & ~naming["named_2024"] & naming["conflicts"].str.contains("2024")]
    one = naming[~naming.index.isin(both.index) & ~naming.index.isin(relabelled.index)]
    kinds = {
        row.name: f"{_KIND_PHRASE.get(row.kind, 'an actor')} that the AP names, by the same "
        "name, in its report of 2024"
        for row in both.itertuples()
    }
    extra = {
        row.name: "the grid shows it in both, but in its report of 2024 the AP calls them "
        + _quoted_list(row.relabelled_2024)
        + "; a different word is not the same name."
        for row in relabelled.itertuples()
    }
    for row in one.itertuples():
        where = "2024" if row.conflicts == "2024" else "2012–2016"
        extra[row.name] = f"the documents name it only in {where} (conflicts = {row.conflicts})."
    return MultiSelect(
        "05-named-in-both",
        "Tick every actor that the documents name, by the same name, both in 2012–2016 and "
        "in the AP's report of the 2024 offensive.",
        list(naming["name"]),
        list(both["name"]),
        missing_kind=kinds,
        extra_hints=extra,
        explanation=(
            "Named by the same name in both: "
            + ", ".join(both["name"])
            + ". "
            + "".join(
                f"The grid also shows '{row.name}' in both, but only through aliases with "
                f"another label: in its report of 2024 the AP writes "
                f"{_quoted_list(row.relabelled_2024)}. "
                for row in relabelled.itertuples()
            )
            + "The grid records names as the documents print them; it does not say whether "
            "differently named groups are related."
        ),
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
    """Put two 2016 siege events, two from the December 2016 phase, one from 2020 and two from
    2024 in order.

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


def years_between_evacuation_and_breach() -> NumericAnswer:
    """How many years passed between the completed evacuation (Dec 2016) and the 2024 breach?

    Both dates come from ``data.events()`` (``EVACUATION_EVENT`` and ``BREACH_EVENT``); the answer
    is the number of days between them divided by 365.25, accepted to one decimal place.
    """
    events = _events()
    evacuated, breach = events.loc[EVACUATION_EVENT, "date"], events.loc[BREACH_EVENT, "date"]
    days = (breach - evacuated).days
    return NumericAnswer(
        "05-years-between",
        "How many years passed between the day the evacuation of eastern Aleppo was completed "
        f"({EVACUATION_EVENT}) and the day insurgents breached the city ({BREACH_EVENT})? "
        "Compute the days with pandas, divide by 365.25 and give one decimal place.",
        days / 365.25,
        tolerance=0.05,
        unit="years",
        too_low="Too low. Check that you subtract the earlier date from the later one.",
        too_high=(
            "Too high. Subtracting the years (2024 - 2016) ignores the months: the breach "
            "falls earlier in the year than the completed evacuation."
        ),
        explanation=(
            f"{evacuated:%d %B %Y} ({EVACUATION_EVENT}, "
            f"{events.loc[EVACUATION_EVENT, 'doc_id']}) to {breach:%d %B %Y}"
            f" ({BREACH_EVENT}, {events.loc[BREACH_EVENT, 'doc_id']}) is {days:,} days, or "
            f"{days / 365.25:.1f} years."
        ),
    )


# --------------------------------------------------------------------------------------------
# Whose voices the 2024 story carries

QUOTED_OWN = "some of its own words, in quotation marks"
PARAPHRASED = "only the AP's paraphrase"
NO_STATEMENT = "no statement in the story"

#: The parties the lesson's objectives name, in the order the "voices in 2024" exercise lists them.
OBJECTIVE_PARTIES = [
    "syrian_government",
    "syrian_iranian_media",
    "russian_officials",
    "iranian_officials",
    "turkish",
    "opposition",
    "opposition_media",
    "kurdish",
    "western_outlets",
]
_VOICE_PARTIES = [party for party in OBJECTIVE_PARTIES if party != "western_outlets"]


def _actor_of(party: str) -> str:
    """A 2024 actor of the presence grid that belongs to ``party`` ("actor:<id>").

    Prefers an actor whose table row places it in that party alone (for the Kurdish forces,
    the row "Syrian Kurdish forces"), then one whose row allows it.
    """
    actors = data.actors().set_index("actor_id").loc[PRESENCE_ACTORS]
    in_2024 = [f"actor:{a}" for a in actors.index[actors["conflicts"].str.contains("2024")]]
    exact = [source for source in in_2024 if media.parties_for(source) == {party}]
    allowed = [source for source in in_2024 if party in media.parties_for(source)]
    if not (exact or allowed):
        raise ValueError(f"no 2024 actor of the presence grid belongs to {party!r}")
    return (exact or allowed)[0]


def _voices_2024() -> pd.DataFrame:
    """One row per party of the exercise: its statements in ap_2024 and the answer."""
    attributions = data.attributions()
    rows = attributions[attributions["doc_id"] == "ap_2024"].copy()
    rows["party"] = rows["attribution_id"].map(media.party_of_attribution)
    found = []
    for party in _VOICE_PARTIES:
        theirs = rows[rows["party"] == party]
        if theirs.empty:
            answer, source = NO_STATEMENT, _actor_of(party)
        elif theirs["direct_quote"].astype(bool).any():
            answer = QUOTED_OWN
            source = theirs[theirs["direct_quote"].astype(bool)]["attribution_id"].iloc[0]
        else:
            answer, source = PARAPHRASED, theirs["attribution_id"].iloc[0]
        found.append(
            {
                "party": party,
                "statements": len(theirs),
                "speakers": ", ".join(dict.fromkeys(theirs["speaker"])),
                "answer": answer,
                "source": source if source.startswith("actor:") else f"attribution:{source}",
            }
        )
    return pd.DataFrame(found)


def voices_in_2024() -> SentenceClassifier:
    """For each party, what does the AP's 2024 story give the reader of its own words?

    From ``data.attributions()`` for ap_2024: a party (``media.party_of_attribution``) with a
    ``direct_quote`` statement has some of its own words quoted; one with statements but no
    direct quotation is paraphrased only; one with no row has no statement.
    """
    table = _voices_2024()
    notes = [
        f"{media.PARTIES[row.party]}: {row.statements} statement(s)"
        + (f" ({row.speakers})" if row.speakers else "")
        for row in table.itertuples()
    ]
    return SentenceClassifier(
        "05-voices-2024",
        "What does the AP's 2024 story give the reader of each party's own words? Use the "
        "table of attributed statements (speaker and direct_quote).",
        [media.PARTIES[party] for party in table["party"]],
        [QUOTED_OWN, PARAPHRASED, NO_STATEMENT],
        list(table["answer"]),
        explanation="From data.attributions(): "
        + "; ".join(notes)
        + ". "
        + " ".join(
            f"{verdict[0].upper()}{verdict[1:]}: "
            + ", ".join(media.PARTIES[p] for p in table.loc[table["answer"] == answer, "party"])
            + "."
            for answer, verdict in [
                (PARAPHRASED, "heard only in the AP's words"),
                (NO_STATEMENT, "not heard at all"),
            ]
            if (table["answer"] == answer).any()
        )
        + " A party that speaks only through a paraphrase reaches the reader in the AP's "
        "words, including the AP's labels.",
    )


def _voices_items() -> list[Item]:
    table = _voices_2024()
    return [
        Item(
            "05-voices-2024",
            media.PARTIES[row.party],
            row.party,
            "quoted" if row.answer == QUOTED_OWN else "unseen",
            row.source,
        )
        for row in table.itertuples()
    ]


#: Words of the AP's two sentences about 2016, for the "words for 2016" exercise.
WORDS_FOR_2016 = [
    "ousted",
    "gruelling",
    "turning point",
    "rebel fighters",
    "reclaim control",
    "siege",
    "Syrian government forces",
]


def ap_words_for_2016() -> MultiSelect:
    """Which words of the AP's sentences about 2016 does the framing lexicon mark as loaded?

    Options are :data:`WORDS_FOR_2016`, each checked to occur in :func:`memory_of_2016`. The
    answers are those with a lexicon label that is not descriptive; the hint for any other
    names its label and connotation, or says it is not in the lexicon.
    """
    lexicon = data.framing()
    memory = " ".join(memory_of_2016()["text"])
    answers, extra, kinds = [], {}, {}
    for word in WORDS_FOR_2016:
        if word not in memory:
            raise ValueError(f"{word!r} is not in the AP's sentences about 2016")
        found = media.labels_in(word, lexicon)
        loaded = found[found["connotation"] != "descriptive"]
        if not loaded.empty:
            answers.append(word)
            kinds[word] = "a word the lexicon marks as loaded"
        elif found.empty:
            extra[word] = (
                "it is not in the lexicon. You may argue that it is loaded; then apply the same "
                "rule to every document's words."
            )
        else:
            labels = ", ".join(
                f"'{term}' ({connotation})"
                for term, connotation in zip(found["term"], found["connotation"], strict=True)
            )
            extra[word] = f"the lexicon files it under {labels}."
    notes = []
    for word in answers:
        row = media.labels_in(word, lexicon).iloc[0]
        notes.append(f"'{word}' ({row['term']}: {row['connotation']})")
    return MultiSelect(
        "05-ap-words-2016",
        "In its sentences about 2016, which of these words does the AP use that the framing "
        "lexicon marks as loaded (legitimising, delegitimising or emotive)?",
        WORDS_FOR_2016,
        answers,
        missing_kind=kinds,
        extra_hints=extra,
        explanation="Loaded by the lexicon: "
        + ", ".join(notes)
        + ". The AP uses them in its own voice, not in a quotation. The lexicon's notes: "
        + " | ".join(
            f"{media.labels_in(word, lexicon).iloc[0]['term']}: "
            f"{media.labels_in(word, lexicon).iloc[0]['note']}"
            for word in answers
        ),
    )


_WORDS_ITEM = Item(
    "05-ap-words-2016",
    "In its sentences about 2016",
    "western_outlets",
    "framing",
    "document:ap_2024",
)


def _who_is_speaking_items() -> list[Item]:
    quiz = who_is_speaking()
    items = []
    for sentence, answer in zip(quiz.items, quiz.answers, strict=True):
        if answer == OWN_VOICE:
            items.append(
                Item("05-who-is-speaking", sentence, "western_outlets", "fair", "document:ap_2024")
            )
    return items


#: Every exercise of the lesson, in lesson order.
EXERCISES: list[Callable[[], Exercise]] = [
    voices_in_2024,
    named_in_both,
    who_is_speaking,
    reasons_for_swift_advance,
    ap_words_for_2016,
    order_then_and_now,
    years_between_evacuation_and_breach,
]


def scrutiny_items() -> pd.DataFrame:
    """Every exercise item of lesson 05 that examines a party's framing, with party and key."""
    return items_frame([*_voices_items(), *_who_is_speaking_items(), _WORDS_ITEM])
