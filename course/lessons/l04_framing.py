"""Exercises for lesson 4, "Words at war" (``notebooks/04_media_framing.ipynb``).

The lesson compares the labels, speakers and reporting verbs of the five documents. Every
passage used here is checked against the cleaned document with ``course.text.find_quote``,
and every answer is derived from the framing lexicon (``course.data.framing()``), the label
counts (``course.data.framing_counts()``), the attributions or the events table: the rule is
written in code, not typed as an answer.

Two helpers are shared with the notebook: :func:`outside_quotes` removes quoted words from a
passage, and :func:`labels_in` lists the lexicon labels a passage uses.
"""

from __future__ import annotations

import re

import pandas as pd

from course import data, text
from course.widgets import Matching, MultipleChoice, MultiSelect, NumericAnswer, SentenceClassifier

# Double quotes (straight or curly), and single quotes that open after a non-letter and close
# before one (so the apostrophe in "Syria's" is left alone).
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|(?<!\w)'[^']+'(?!\w)|(?<!\w)‘[^’]+’(?!\w)")

NEUTRAL, ATTRIBUTED, LOADED = "neutral description", "attributed claim", "loaded label"


def outside_quotes(passage: str) -> str:
    """Return ``passage`` with every quoted stretch ("…", “…”, '…') removed."""
    return _QUOTED.sub(" ", passage)


def labels_in(passage: str, *, skip_quoted: bool = False) -> pd.DataFrame:
    """List the lexicon labels that ``passage`` uses, with their connotation and note.

    With ``skip_quoted=True`` only the words outside quotation marks count: the labels that
    are the writer's own rather than a speaker's.
    """
    lexicon = data.framing()
    body = outside_quotes(passage) if skip_quoted else passage
    found = lexicon["pattern"].map(lambda pattern: bool(re.search(pattern, body, re.IGNORECASE)))
    columns = ["term", "connotation", "used_by", "note"]
    return lexicon.loc[found, columns].astype(str).reset_index(drop=True)


def _checked(doc_id: str, quote: str) -> str:
    """Return ``quote`` after making sure it occurs in the cleaned document."""
    if text.find_quote(doc_id, quote) is None:
        raise ValueError(f"not found in {doc_id}: {quote!r}")
    return quote


def _loaded(passage: str) -> list[str]:
    """Labels used outside quotation marks that the lexicon does not call descriptive."""
    found = labels_in(passage, skip_quoted=True)
    return found.loc[found["connotation"] != "descriptive", "term"].tolist()


def _framing_of(doc_id: str, passage: str) -> str:
    """Classify a passage: loaded label, attributed claim or neutral description.

    Loaded: it uses, outside quotation marks, a label the lexicon marks legitimising,
    delegitimising or emotive. Attributed: otherwise, it contains a statement listed in the
    attributions table, reporting verb included. Neutral: neither.
    """
    if _loaded(passage):
        return LOADED
    rows = data.attributions().query("doc_id == @doc_id")
    for quote, verb in zip(rows["quote"], rows["verb"], strict=True):
        overlaps = passage in quote or quote in passage
        if overlaps and verb.lower() in passage.lower():
            return ATTRIBUTED
    return NEUTRAL


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


# (outlet or speaker, what the label names; doc_id; a passage holding exactly one lexicon label)
_OUTLETS = [
    ("Some media in Syria and Iran, for the rebels", "bbc_live", 'defeated the "terrorists"'),
    ("A Syrian pro-opposition TV station, for events in Aleppo", "bbc_live", "Srebrenica massacre"),
    ("The Russian Defence Ministry, for an advance", "bbc_live", "liberated the Sukkari district"),
    ("Activist Lina Shamy, for fighters in east Aleppo", "bbc_live", "Revolutionaries will fight"),
    ("US ambassador Samantha Power, for an advance", "wp_battle", "behind the conquest of"),
    ("The AP in its own words, for HTS-led forces", "ap_2024", "Insurgents breached Syria's"),
]


def match_outlet_labels() -> Matching:
    """Match each outlet or speaker to the label it used (passages in bbc_live, wp_battle, AP).

    Each passage is checked against its document, and must contain exactly one lexicon label:
    that label, spelled as in the passage, is the answer.
    """
    pairs, lines = {}, []
    for who, doc_id, passage in _OUTLETS:
        _checked(doc_id, passage)
        lexicon = data.framing()
        found = lexicon[lexicon["pattern"].map(lambda p, q=passage: bool(re.search(p, q, re.I)))]
        if len(found) != 1:
            raise ValueError(f"{passage!r} should hold exactly one lexicon label")
        word = re.search(found["pattern"].iloc[0], passage, re.IGNORECASE).group(0).lower()
        pairs[f"{who} ({doc_id})"] = word
        lines.append(f"{who.split(',')[0]}: ‘{passage}’ ({found['connotation'].iloc[0]})")
    return Matching(
        "04-outlet-labels",
        "Match each outlet or speaker to the label it used for what is named after the comma. "
        "(The first two come from the BBC entry 'Liberation or massacre?', bbc_live entry 11.)",
        pairs,
        explanation="The passages, with the lexicon's connotation of each label: "
        + " | ".join(lines)
        + ". Syrian and Iranian media, the opposition side, Russia and the US each used a word "
        "the lexicon marks as loaded. The AP's 'insurgents' is the one it calls descriptive, "
        "but it is still a choice, made instead of 'rebels' or 'opposition'.",
    )


_POWER = (
    "to the Assad regime, Russia, and Iran—three Member States behind the conquest of and "
    "carnage in Aleppo—you bear responsibility for these atrocities."
)
_POWER_OPTIONS = (
    "Assad|regime|Russia|Member States|conquest|carnage|responsibility|atrocities|Aleppo"
).split("|")


def spot_loaded_words() -> MultiSelect:
    """Tick the loaded words in Samantha Power's UN speech as quoted in wp_battle.

    Answers: the options that match a lexicon pattern whose connotation is not descriptive.
    """
    _checked("wp_battle", _POWER)
    lexicon = data.framing()
    answers, notes = [], []
    for option in _POWER_OPTIONS:
        hits = lexicon[lexicon["pattern"].map(lambda p, o=option: bool(re.search(p, o, re.I)))]
        hits = hits[hits["connotation"] != "descriptive"]
        if not hits.empty:
            answers.append(option)
            notes.append(f"'{option}' ({hits['connotation'].iloc[0]})")
    others = lexicon.set_index("term_id").loc[["liberation", "victory", "infidels"]]
    return MultiSelect(
        "04-spot-loaded",
        "US ambassador Samantha Power told the UN Security Council (as quoted in wp_battle): "
        f'"{_POWER}" Tick every word that the framing lexicon treats as loaded (legitimising, '
        "delegitimising or emotive), not descriptive.",
        _POWER_OPTIONS,
        answers,
        explanation="Loaded: "
        + ", ".join(notes)
        + ". The lexicon judges other camps' words by the same test: "
        + "; ".join(
            f"'{row.term}' is {row.connotation} ({row.used_by})" for row in others.itertuples()
        )
        + ".",
    )


# (doc_id, passage, whose words or which text) — the answers come from _framing_of
_SENTENCES = [
    (
        "wp_battle",
        "This is the concern: that we will see a massacre in Aleppo and that's what the regime "
        "appears to be lining up for",
        "the United States, quoted in wp_battle",
    ),
    (
        "bbc_live",
        "Revolutionaries will fight till the last breath protecting the civilians here in the city",
        "activist Lina Shamy, quoted in bbc_live",
    ),
    (
        "bbc_live",
        "crossed the canal from the east and liberated the Sukkari district.",
        "a Russian Defence Ministry statement, quoted in bbc_live",
    ),
    (
        "wp_battle",
        "the army is engaged in a crucial and heroic battle ... on which the destiny of the "
        "nation and its people rests ...",
        "President Bashar al-Assad, quoted in wp_battle",
    ),
    (
        "bbc_live",
        'In Syria and Iran, some media are celebrating the "liberation" of Aleppo, saying the '
        'government has defeated the "terrorists".',
        "BBC Monitoring in bbc_live",
    ),
    (
        "bbc_live",
        "Turkey's President Recep Tayyip Erdogan has accused the Syrian government of breaking "
        "the ceasefire deal in Aleppo - something it denies",
        "the BBC in bbc_live",
    ),
    (
        "ap_2024",
        "Syria's armed forces said in a statement Friday that they clashed with insurgents in "
        "the countryside around Aleppo and Idlib, destroying drones and heavy weaponry.",
        "the AP in ap_2024",
    ),
    (
        "ap_2024",
        "Syrian government authorities diverted traffic from that highway Thursday.",
        "the AP in ap_2024",
    ),
    (
        "bbc_live",
        "Fighting started up again on Wednesday morning, scuppering plans for the evacuation of "
        "civilians and rebels.",
        "the BBC in bbc_live",
    ),
]


def classify_sentences() -> SentenceClassifier:
    """Label nine real passages as neutral description, attributed claim or loaded label.

    The answer for each passage follows the rule in :func:`_framing_of` (lexicon connotation
    of the words outside quotation marks, then the attributions table).
    """
    items, answers = [], []
    for doc_id, passage, who in _SENTENCES:
        _checked(doc_id, passage)
        items.append(f"{passage}  [{who}]")
        answers.append(_framing_of(doc_id, passage))
    reasons = [
        f"{n}: {label}" + (f" ({', '.join(_loaded(p))})" if label == LOADED else "")
        for n, ((_doc, p, _who), label) in enumerate(zip(_SENTENCES, answers, strict=True), 1)
    ]
    return SentenceClassifier(
        "04-classify-framing",
        "Classify each passage by its own words. Loaded label: it uses, outside quotation "
        "marks, a word the lexicon marks legitimising, delegitimising or emotive. Attributed "
        "claim: it reports, with a reporting verb (said, accused, saying…), what a named "
        "source says, and keeps any loaded word in quotation marks. Neutral description: it "
        "states what happened in words the lexicon marks descriptive. Brackets say whose words "
        "they are.",
        items,
        [NEUTRAL, ATTRIBUTED, LOADED],
        answers,
        explanation="; ".join(reasons)
        + ". The loaded passages come from four camps: a US statement, an opposition activist, "
        "the Russian Defence Ministry and the Syrian president.",
    )


# Constructed wordings of one event in the events table (ev127, the Sukkari district)
_WORDINGS = [
    "Government forces liberated the Sukkari district.",
    "Regime forces seized the Sukkari district.",
    "Government forces recaptured the Sukkari district.",
    "Loyalist troops took the Sukkari district.",
    "Pro-government forces took the Sukkari district.",
    "Pro-government forces took the Sukkari district, the Russian Defence Ministry said.",
]


def most_neutral_wording() -> MultipleChoice:
    """Pick the most neutral wording of event ev127 (bbc_live: Sukkari district, 14 Dec 2016).

    The answer is the only wording whose labels are all descriptive in the lexicon and that
    names the source of the claim, as the events table does ("According to a Russian Defence
    Ministry statement…"). Hints quote the lexicon note of each loaded label.
    """
    event = data.events().set_index("event_id").loc["ev127"]
    source = "Russian Defence Ministry"
    if source not in event["description"]:
        raise ValueError("ev127 no longer names the Russian Defence Ministry")
    hints, neutral = {}, []
    for wording in _WORDINGS:
        found = labels_in(wording)
        loaded = found[found["connotation"] != "descriptive"]
        if not loaded.empty:
            row = loaded.iloc[0]
            hints[wording] = f"'{row['term']}' is {row['connotation']}: {row['note']}"
        elif source not in wording:
            hints[wording] = (
                "The words are descriptive, but the claim is one party's: the "
                f"{source}'s. Without attribution the text vouches for it itself."
            )
        else:
            neutral.append(wording)
    if len(neutral) != 1:
        raise ValueError(f"expected one neutral, attributed wording, found {neutral}")
    bbc = _checked(
        "bbc_live",
        "Syrian pro-government forces have taken another district in Aleppo, the Russian "
        "Defence Ministry has said.",
    )
    return MultipleChoice(
        "04-neutral-wording",
        f"The events table (ev127, {event['date']:%d %B %Y}, {event['doc_id']}) records: "
        f'"{event["description"]}" Which wording of this event is the most neutral?',
        _WORDINGS,
        neutral[0],
        hints=hints,
        justify="Why? (one sentence)",
        explanation=(
            "'Pro-government' is descriptive in the lexicon, 'took' is in none of its loaded "
            "labels, and the claim is attributed to the "
            f'party that made it. The BBC reported it this way: "{bbc}" (bbc_live).'
        ),
    )
