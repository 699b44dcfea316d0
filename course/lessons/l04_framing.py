"""Exercises for lesson 4, "Words at war" (``notebooks/04_media_framing.ipynb``).

The lesson compares the labels, speakers and reporting verbs of the five documents and gives
every party the same scrutiny. Every passage used here is checked against the cleaned document
with ``course.text.find_quote``, and every answer is derived from the framing lexicon
(``course.data.framing()``), the label counts, the attributions, actors or events table, or the
documents' sentences: the rule is written in code, not typed as an answer.

Each exercise item that examines someone's framing is declared with its party and key
(:class:`course.lessons._scrutiny.Item`); :func:`scrutiny_items` lists them all, and
``tests/test_scrutiny.py`` counts them per party. This module holds Parts 1 and 2 and re-exports
the rest: Part 3 (who speaks, with which verbs) is :mod:`course.lessons.l04_speakers`, Part 4
(the AP story and its rewrite) :mod:`course.lessons.l04_rewrite`, and the voices and tables the
lesson shows :mod:`course.lessons.l04_voices`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from course import data, media
from course.lessons import l04_voices
from course.lessons._scrutiny import Item, items_frame
from course.lessons.l04_rewrite import (
    SAME_SPEAKER,
    most_neutral_wording,
    rewrite_changes,
    rewrite_items,
)
from course.lessons.l04_speakers import (
    ATTRIBUTED,
    LOADED,
    NEUTRAL,
    classify_sentences,
    residents_on_the_bbc_page,
    speaker_items,
    whose_statements_are_claimed,
)
from course.lessons.l04_voices import (
    checked,
    labels_in,
    loaded_in,
)
from course.widgets import (
    Exercise,
    Matching,
    MultiSelect,
    NumericAnswer,
    SentenceClassifier,
)

__all__ = [
    "ATTRIBUTED",
    "KEY_LABELS",
    "LOADED",
    "NEUTRAL",
    "OBJECTIVE_PARTIES",
    "SAME_SPEAKER",
    "classify_sentences",
    "how_it_reached_us",
    "labels_in",
    "match_outlet_labels",
    "most_neutral_wording",
    "outside_quotes",
    "rebels_rate",
    "residents_on_the_bbc_page",
    "rewrite_changes",
    "same_test_for_every_party",
    "scrutiny_items",
    "spot_loaded_words",
    "unheard_parties",
    "whose_statements_are_claimed",
]

outside_quotes = media.outside_quotes

#: The parties the lesson's objectives promise to examine (every key of ``media.PARTIES``
#: except the rewrite, which the lesson treats as a document rather than a party).
OBJECTIVE_PARTIES = [party for party in media.PARTIES if party != "rewrite"]

#: The labels of the raw-count grid in Part 1, in display order.
KEY_LABELS = [
    "insurgents",
    "rebels",
    "opposition",
    "fighters",
    "militants",
    "terrorists",
    "regime",
    "government",
    "liberation",
    "massacre",
    "fall",
    "recapture",
]


def _key_for(connotation_loaded: bool) -> str:
    return "framing" if connotation_loaded else "fair"


# ============================================================================================
# Part 1: counting labels fairly


def rebels_rate() -> NumericAnswer:
    """Ask for the rate of 'rebels' per 1,000 words in bbc_live (from framing_counts)."""
    counts = data.framing_counts().query("term_id == 'rebels'").set_index("doc_id")
    bbc, wp = counts.loc["bbc_live"], counts.loc["wp_battle"]
    return NumericAnswer(
        "04-rebels-rate",
        f"The BBC live page (bbc_live) uses 'rebels' {int(bbc['count'])} times. Find its number "
        "of words in the table above, then work out: how many times per 1,000 words does "
        "bbc_live use 'rebels'? (count ÷ words × 1,000, to one decimal place)",
        answer=float(bbc["per_1000_words"]),
        tolerance=0.1,
        unit="per 1,000 words",
        too_low="Too low. Did you divide by 1,000 instead of multiplying by it?",
        too_high="Too high. Divide the count by the number of words before multiplying by 1,000.",
        explanation=(
            f"{int(bbc['count'])} ÷ {int(bbc['words']):,} × 1,000 = "
            f"{bbc['per_1000_words']:.1f}. Wikipedia's battle article uses 'rebels' "
            f"{int(wp['count'])} times, but in {int(wp['words']):,} words: "
            f"{wp['per_1000_words']:.1f} per 1,000. The raw counts differ "
            f"{wp['count'] / bbc['count']:.1f}-fold; the rates are close. Raw counts mostly "
            "measure how long a document is."
        ),
    )


# ============================================================================================
# Part 2: the same test for every party

# (who, what the word names; doc_id; passage; party; source). The passage holds exactly one
# lexicon label, or else exactly one quoted word: that word, as spelled, is the answer.
_OUTLETS = [
    ("Some media in Syria and Iran (BBC Monitoring), for the rebels", "bbc_live",
     'defeated the "terrorists"', "syrian_iranian_media", "attribution:bbc_live-a26"),
    ("The Russian Defence Ministry (a statement quoted by Interfax), for an advance", "bbc_live",
     "liberated the Sukkari district", "russian_officials", "attribution:bbc_live-a12"),
    ("Ayatollah Mohammad Emami Kashani, for the losing side", "wp_battle",
     '"defeat of the infidels"', "iranian_officials", "actor:iran"),
    ("President Bashar al-Assad, for his army's fight", "wp_battle",
     "crucial and heroic battle", "syrian_government", "actor:syrian_government"),
    ("Activist Lina Shamy, for the fighters in east Aleppo", "bbc_live",
     "Revolutionaries will fight", "opposition", "attribution:bbc_live-a18"),
    ("US ambassador Samantha Power, for the government's advance", "wp_battle",
     "behind the conquest of", "western_officials", "actor:united_states"),
    ("Turkish security officials (AP), for the 2024 offensive", "ap_2024",
     'long-planned "limited" offensive', "turkish", "attribution:ap_2024-a13"),
    ("The AP in its own words, for the HTS-led forces of 2024", "ap_2024",
     "Insurgents breached Syria's", "western_outlets", "document:ap_2024"),
    ("Wikipedia in its own words, for how the battle ended", "wp_battle",
     "resulted in the recapture of all of Aleppo", "western_outlets", "document:wp_battle"),
]  # fmt: skip


def _word_in(passage: str) -> tuple[str, str]:
    """The one label a passage uses, and its connotation ("not in the lexicon" if quoted only)."""
    lexicon = data.framing()
    found = lexicon[lexicon["pattern"].map(lambda p: bool(re.search(p, passage, re.I)))]
    if len(found) == 1:
        word = re.search(found["pattern"].iloc[0], passage, re.IGNORECASE).group(0).lower()
        return word, str(found["connotation"].iloc[0])
    quoted = media.QUOTED.findall(passage)
    if found.empty and len(quoted) == 1 and len(quoted[0].split()) == 1:
        return quoted[0].strip("\"“”'‘’").lower(), "not in the lexicon"
    raise ValueError(f"{passage!r} should hold exactly one lexicon label or one quoted word")


def _outlet_items() -> list[Item]:
    items = []
    for who, doc_id, passage, party, source in _OUTLETS:
        _word, connotation = _word_in(passage)
        key = "fair" if connotation == "descriptive" else "framing"
        items.append(Item("04-outlet-labels", f"{who} ({doc_id})", party, key, source))
    return items


def match_outlet_labels() -> Matching:
    """Match each speaker or writer to the word it used (passages in bbc_live, wp_battle, AP).

    Each passage is checked against its document and must contain exactly one lexicon label
    (or, for a word the lexicon does not list, exactly one quoted word): that word, spelled as
    in the passage, is the answer.
    """
    pairs, lines = {}, []
    for who, doc_id, passage, _party, _source in _OUTLETS:
        checked(doc_id, passage)
        word, connotation = _word_in(passage)
        pairs[f"{who} ({doc_id})"] = word
        lines.append(f"{who.split(',')[0]}: ‘{passage}’ ({connotation})")
    return Matching(
        "04-outlet-labels",
        "Match each speaker or writer to the word it used for what is named after the comma. "
        "Every party here chose a word; the first two reach us through the BBC, in English.",
        pairs,
        explanation="The passages, with the lexicon's connotation of each word: "
        + " | ".join(lines)
        + ". Officials and media on the government side, an opposition activist, a US "
        "ambassador, Turkish officials and the two Western outlets' own voices all chose "
        "words. 'Limited' is not in the lexicon, but it frames the offensive as restrained; "
        "the AP keeps it in quotation marks as the officials' word. The AP's 'insurgents' is "
        "the one word the lexicon calls descriptive, and it is still a choice.",
    )


_POWER = (
    "to the Assad regime, Russia, and Iran—three Member States behind the conquest of and "
    "carnage in Aleppo—you bear responsibility for these atrocities."
)
_POWER_OPTIONS = (
    "Assad|regime|Russia|Member States|conquest|carnage|responsibility|atrocities|Aleppo"
).split("|")
_POWER_ITEM = Item(
    "04-spot-loaded", "US ambassador Samantha Power", "western_officials", "framing",
    "actor:united_states",
)  # fmt: skip


def spot_loaded_words() -> MultiSelect:
    """Tick the loaded words in Samantha Power's UN speech as quoted in wp_battle.

    Answers: the options that match a lexicon pattern whose connotation is not descriptive.
    """
    checked("wp_battle", _POWER)
    lexicon = data.framing()
    answers, notes = [], []
    for option in _POWER_OPTIONS:
        hits = lexicon[lexicon["pattern"].map(lambda p, o=option: bool(re.search(p, o, re.I)))]
        hits = hits[hits["connotation"] != "descriptive"]
        if not hits.empty:
            answers.append(option)
            notes.append(f"'{option}' ({hits['connotation'].iloc[0]})")
    return MultiSelect(
        "04-spot-loaded",
        "US ambassador Samantha Power told the UN Security Council (as quoted in wp_battle): "
        f'"{_POWER}" Tick every word that the framing lexicon treats as loaded (legitimising, '
        "delegitimising or emotive), not descriptive.",
        _POWER_OPTIONS,
        answers,
        explanation="Loaded: "
        + ", ".join(notes)
        + ". The lexicon judges every camp's words by the same test: compare 'liberated' "
        "(the Russian Defence Ministry), 'heroic' (President Assad) and 'infidels' (an "
        "Iranian cleric) in the table of voices.",
    )


USES_LOADED, NO_LOADED = "uses a loaded label", "no loaded label"

#: Speakers (as named in l04_voices.VOICES) whose own words the "same test" exercise shows.
SAME_TEST_SPEAKERS = [
    "Syrian government minister Faisal Mekdad",
    "Russian Foreign Ministry",
    "Kremlin spokesperson Dmitry Peskov (2024)",
    "Mir-Hossein Mousavi, former Iranian Foreign Ministry official",
    "Foreign Minister Abbas Araghchi (2024)",
    "FSA commander Zaher al-Saket",
    "Head of the Syrian Network for Human Rights",
    "Former US State Department official James Rubin",
    "Turkish Prime Minister Erdoğan (2012)",
]


def _same_test_voices() -> list[l04_voices.Voice]:
    by_speaker = {voice.speaker: voice for voice in l04_voices.VOICES}
    return [by_speaker[speaker] for speaker in SAME_TEST_SPEAKERS]


def _same_test_items() -> list[Item]:
    return [
        Item(
            "04-same-test", voice.speaker, voice.party,
            _key_for(bool(loaded_in(voice.own_words))), voice.source,
        )
        for voice in _same_test_voices()
    ]  # fmt: skip


def same_test_for_every_party() -> SentenceClassifier:
    """Does each speaker's own (quoted) statement use a label the lexicon marks as loaded?

    The answer for each is whether ``loaded_in`` finds a non-descriptive lexicon label in the
    words inside the quotation marks.
    """
    items, answers, reasons = [], [], []
    voices = _same_test_voices()
    for voice in voices:
        checked(voice.doc_id, voice.passage)
        loaded = loaded_in(voice.own_words)
        items.append(f"“{voice.own_words}” [{voice.speaker}, {voice.doc_id}]")
        answers.append(USES_LOADED if loaded else NO_LOADED)
        reasons.append(f"{voice.speaker}: {', '.join(loaded) if loaded else 'none'}")
    return SentenceClassifier(
        "04-same-test",
        "The same test for every party: does each speaker's own statement (the words inside "
        "the quotation marks) use a label that the framing lexicon marks legitimising, "
        "delegitimising or emotive?",
        items,
        [USES_LOADED, NO_LOADED],
        answers,
        explanation="Loaded labels, by the lexicon: "
        + "; ".join(reasons)
        + ". "
        + " ".join(
            f"{verdict}: "
            + ", ".join(
                sorted(
                    {
                        media.PARTIES[v.party]
                        for v, a in zip(voices, answers, strict=True)
                        if a == answer
                    }
                )
            )
            + "."
            for answer, verdict in [
                (USES_LOADED, "Loaded words here come from"),
                (NO_LOADED, "Plain statements from"),
            ]
        )
        + " No camp owns either.",
    )


PARAPHRASE = "only the reporter's words (paraphrase)"
FEW_WORDS = "a few of the speaker's words, in quotation marks"

#: (doc_id, passage, who, party, source): statements that reach the reader through a reporter.
_REACHED = [
    ("bbc_live", "The Kremlin has confirmed that a call between Mr Erdogan and President "
     "Vladimir Puitin is scheduled for later, Russia's RIA news agency reports.",
     "Russia's RIA news agency, in the BBC", "russian_media", "attribution:bbc_live-a44"),
    ("bbc_live", "Rebel fighters now control just 2.5 sq km (one sq mile) of eastern Aleppo, it "
     "said in a statement.", "the Russian Defence Ministry, in the BBC", "russian_officials",
     "attribution:bbc_live-a10"),
    ("bbc_live", 'In Syria and Iran, some media are celebrating the "liberation" of Aleppo, '
     'saying the government has defeated the "terrorists".',
     "media in Syria and Iran, in the BBC", "syrian_iranian_media", "attribution:bbc_live-a26"),
    ("wp_battle", "According to Syrian state television, this decision was made to reinforce "
     "positions around the region of Afrin, and to halt Turkey's offensive.",
     "Syrian state television, in Wikipedia", "syrian_iranian_media",
     "actor:syrian_state_media"),
    ("bbc_live", "But a Syrian pro-opposition TV station has compared the unfolding situation to "
     "the Srebrenica massacre", "a pro-opposition TV station, in the BBC", "opposition_media",
     "attribution:bbc_live-a27"),
    ("ap_2024", "Turkiye's state-run Anadolu Agency reported that the insurgents entered the city "
     "centre Friday and now control about 70 locations in Aleppo and Idlib provinces.",
     "Turkey's Anadolu Agency, in the AP", "turkish", "attribution:ap_2024-a24"),
    ("bbc_live", 'He said the situation was "delicate" and "fragile", and that he would speak '
     "with his Russian counterpart about it later on Wednesday.",
     "Turkey's President Erdogan, in the BBC", "turkish", "attribution:bbc_live-a42"),
    ("wp_battle", "A YPG commander later stated that Kurdish fighters had shifted to Afrin to help "
     "repel a Turkish assault.", "a YPG commander, in Wikipedia", "kurdish", "actor:ypg"),
]  # fmt: skip


def _reached_answer(passage: str) -> str:
    share = media.quoted_share(passage)
    if share == 0:
        return PARAPHRASE
    if share <= 0.3:
        return FEW_WORDS
    raise ValueError(f"{passage!r}: {share:.0%} quoted is neither a paraphrase nor a few words")


def how_it_reached_us() -> SentenceClassifier:
    """For each statement, does the reader get any of the speaker's own words?

    The answer is computed from the share of the passage's words inside quotation marks
    (``media.quoted_share``): none is a paraphrase, up to 30 % a few words; a passage in
    between or above is refused when the exercise is built.
    """
    items, answers, notes = [], [], []
    for doc_id, passage, who, _party, _source in _REACHED:
        checked(doc_id, passage)
        items.append(f"{passage}  [{who}]")
        answers.append(_reached_answer(passage))
        quoted = media.QUOTED.findall(passage)
        notes.append(f"{who}: {', '.join(quoted) if quoted else 'no words of its own'}")
    return SentenceClassifier(
        "04-how-it-reached-us",
        "All five documents are in English. For each statement, what does the reader get of "
        "the speaker's own words?",
        items,
        [PARAPHRASE, FEW_WORDS],
        answers,
        explanation="Quoted words: "
        + "; ".join(notes)
        + ". In a paraphrase every word is the reporter's: 'Turkish assault', 'Turkey's "
        "offensive' and 'insurgents' are Wikipedia's and the AP's words, not the speakers'. "
        "Where a few words are quoted, the reporter chose which ones to show, and no document "
        "says who translated them.",
    )


def _reached_items() -> list[Item]:
    return [
        Item("04-how-it-reached-us", who, party, "unseen", source)
        for _doc, _passage, who, party, source in _REACHED
    ]


# What the documents do give of a party they never quote (shown only if the party is unheard).
_UNHEARD_NOTES = {
    "kurdish": "Wikipedia reports the YPG's and the SDF's accusations, denials and statements "
    "only in its own words, and the AP mentions Syrian Kurdish forces in 2024 without a "
    "statement from them.",
    "russian_media": "Russia's RIA news agency appears once, passing on a Kremlin statement.",
}


def unheard_parties() -> MultiSelect:
    """Which parties do the documents never quote in their own words?

    Answers: the parties of :data:`OBJECTIVE_PARTIES` none of whose voices in
    ``l04_voices.VOICES`` has words of its own in quotation marks (``unheard_parties``). The
    hint for a wrongly ticked party quotes words of its own from the catalogue.
    """
    unheard = set(l04_voices.unheard_parties())
    options = [media.PARTIES[party] for party in OBJECTIVE_PARTIES]
    answers = [media.PARTIES[party] for party in OBJECTIVE_PARTIES if party in unheard]
    example = {}
    for voice in l04_voices.VOICES:
        if voice.party not in unheard and voice.own_words and voice.party not in example:
            example[voice.party] = f'"{voice.own_words}" ({voice.speaker}, {voice.doc_id})'
    extra = {media.PARTIES[p]: f"the documents quote it: {w}." for p, w in example.items()}
    kinds = {
        label: "a party whose statements the documents report only in the reporter's words"
        for label in answers
    }
    return MultiSelect(
        "04-unheard",
        "Which of these parties do the five documents never quote in their own words: not "
        "even one word of theirs inside quotation marks? (Use the table of voices.)",
        options,
        answers,
        missing_kind=kinds,
        extra_hints=extra,
        explanation="Never quoted: "
        + ", ".join(answers)
        + ". "
        + " ".join(_UNHEARD_NOTES.get(party, "") for party in OBJECTIVE_PARTIES if party in unheard)
        + " What these parties called the events, the documents do not let you see.",
    )


def _unheard_items() -> list[Item]:
    by_party = {voice.party: voice for voice in l04_voices.VOICES}
    return [
        Item("04-unheard", media.PARTIES[party], party, "unseen", by_party[party].source)
        for party in l04_voices.unheard_parties()
    ]


# ============================================================================================
# Equal scrutiny: every item that examines a party's framing

#: Every exercise of the lesson, in lesson order.
EXERCISES: list[Callable[[], Exercise]] = [
    rebels_rate,
    match_outlet_labels,
    spot_loaded_words,
    same_test_for_every_party,
    how_it_reached_us,
    unheard_parties,
    whose_statements_are_claimed,
    residents_on_the_bbc_page,
    classify_sentences,
    rewrite_changes,
    most_neutral_wording,
]


def scrutiny_items() -> pd.DataFrame:
    """Every exercise item that examines a party's framing, with its party and key.

    Built from the same definitions the exercises are built from (``_OUTLETS``,
    ``SAME_TEST_SPEAKERS``, ``_REACHED``, ``_SENTENCES``, ``_REWRITE_PAIRS``…). Keys that follow
    from an answer are computed from it (a loaded label is ``framing``). Returns the columns of
    ``course.lessons._scrutiny.items_frame``.
    """
    return items_frame(
        [
            *_outlet_items(),
            _POWER_ITEM,
            *_same_test_items(),
            *_reached_items(),
            *_unheard_items(),
            *speaker_items(),
            *rewrite_items(),
        ]
    )
