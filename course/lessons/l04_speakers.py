"""Lesson 4, Part 3: who speaks, and with which verbs (``notebooks/04_media_framing.ipynb``).

Wikipedia's "claimed", where the BBC page's residents speak from, and the writers' own voice
against their attributions. Answers come from the documents' sentences, the attributions
table and the framing lexicon (:func:`framing_of`), never typed.
"""

from __future__ import annotations

import re

from course import data, media
from course.lessons import l04_voices
from course.lessons._scrutiny import Item
from course.lessons.l04_voices import REPORTING_VERBS, checked, loaded_in
from course.widgets import MultipleChoice, MultiSelect, SentenceClassifier

__all__ = [
    "ATTRIBUTED",
    "LOADED",
    "NEUTRAL",
    "classify_sentences",
    "framing_of",
    "residents_on_the_bbc_page",
    "speaker_items",
    "whose_statements_are_claimed",
]

NEUTRAL, ATTRIBUTED, LOADED = "neutral description", "attributed claim", "loaded label"


def _loaded(passage: str) -> list[str]:
    """Labels used outside quotation marks that the lexicon does not call descriptive."""
    return loaded_in(media.outside_quotes(passage))


def framing_of(doc_id: str, passage: str) -> str:
    """Classify a passage: loaded label, attributed claim or neutral description.

    Loaded: it uses, outside quotation marks, a label the lexicon marks legitimising,
    delegitimising or emotive. Attributed: otherwise, it reports what a source says, with a
    reporting verb (a statement of the attributions table, or a verb such as said, stated,
    accused, confirmed, urged). Neutral: neither.
    """
    if _loaded(passage):
        return LOADED
    rows = data.attributions().query("doc_id == @doc_id")
    for quote, verb in zip(rows["quote"], rows["verb"], strict=True):
        overlaps = passage in quote or quote in passage
        if overlaps and verb.lower() in passage.lower():
            return ATTRIBUTED
    if re.search(REPORTING_VERBS, passage, re.IGNORECASE):
        return ATTRIBUTED
    return NEUTRAL


def whose_statements_are_claimed() -> MultiSelect:
    """Whose statements does Wikipedia's battle article introduce with "claimed"?

    Answers: the groups of ``l04_voices.CLAIM_GROUPS`` found before "claimed" in the article's
    sentences (``claimed_statements``). The hint for a wrongly ticked group lists the reporting
    verbs Wikipedia uses in the sentences that name it (``verbs_for``).
    """
    claimed = l04_voices.claimed_statements()
    answers = [group for group in l04_voices.CLAIM_GROUPS if group in set(claimed["group"])]
    extra = {
        group: "in the sentences that name it, Wikipedia's reporting verbs are "
        + ", ".join(f"'{verb}'" for verb in l04_voices.verbs_for(group))
        + "; never 'claimed'."
        for group in l04_voices.CLAIM_GROUPS
        if group not in answers
    }
    kinds = {
        group: "a group whose statement Wikipedia introduces with 'claimed'" for group in answers
    }
    counts = claimed["group"].value_counts()
    return MultiSelect(
        "04-claimed",
        f"Wikipedia's battle article uses 'claimed' {len(claimed)} times to introduce what "
        "someone said. Whose statements get the word? Tick every one.",
        list(l04_voices.CLAIM_GROUPS),
        answers,
        missing_kind=kinds,
        extra_hints=extra,
        explanation="'Claimed' goes to: "
        + "; ".join(f"{group} ({n})" for group, n in counts.items())
        + ". Never 'claimed': "
        + "; ".join(
            f"{group} ({', '.join(l04_voices.verbs_for(group)[:4])})"
            for group in l04_voices.CLAIM_GROUPS
            if group not in answers
        )
        + ".",
    )


_CLAIMED_ITEM = Item(
    "04-claimed", "Wikipedia's battle article uses 'claimed'", "western_outlets", "framing",
    "document:wp_battle",
)  # fmt: skip


def residents_on_the_bbc_page() -> MultipleChoice:
    """Where do the residents the BBC live page quotes live, according to the page itself?

    The answer follows the counts of ``l04_voices.bbc_residents()["placed"]``.
    """
    residents = l04_voices.bbc_residents()
    placed = residents["placed"].value_counts()
    east, west = int(placed.get("rebel-held east", 0)), int(placed.get("government-held west", 0))
    elsewhere = len(residents) - east - west
    options = {
        "east": "None in the government-held west: those placed in a part of the city are all "
        "in the rebel-held east",
        "both": "Some in the rebel-held east, some in the government-held west",
        "west": "Most of them in the government-held west",
        "unknown": "The page does not say where any of them are",
    }
    if east and not west:
        right = options["east"]
    elif west > east:
        right = options["west"]
    elif east and west:
        right = options["both"]
    else:
        right = options["unknown"]
    hints = {
        options["east"]: f"Look at the 'placed' column: {west} of {len(residents)} statements "
        "come from people the page places in the government-held west.",
        options["both"]: f"Look at the 'placed' column: {west} of {len(residents)} statements "
        "come from people the page places in the government-held west.",
        options["west"]: f"{east} of {len(residents)} statements come from people the page "
        "places in the rebel-held east.",
        options["unknown"]: "The page says where they are: read the 'placed' column and the "
        "quotes ('in eastern Aleppo', 'rebel-held', 'rebel enclave').",
    }
    hints.pop(right)
    return MultipleChoice(
        "04-bbc-residents",
        f"The BBC live page of 14 December 2016 gives {len(residents)} statements to residents "
        "of Aleppo. Where does the page place the people who speak?",
        list(options.values()),
        right,
        hints=hints,
        justify="What does this mean for a reader of the page? (one sentence)",
        explanation=f"{east} in the rebel-held east, {west} in the government-held west, "
        f"{elsewhere} in Aleppo without saying which part. The page also reports statements of "
        "the Russian Defence Ministry, 'government sources', the Syrian government's denial "
        "and a Hezbollah media unit, but no resident of the government-held half of the city "
        "speaks. Wikipedia's 'Media coverage' section says Western reporting was 'outsourced "
        "to local activists linked to the rebels who held the city'. No resident, activist, "
        "rescue worker or journalist on this page is placed in the government-held west.",
    )


_BBC_ITEM = Item(
    "04-bbc-residents", "The BBC live page", "western_outlets", "framing",
    "document:bbc_live",
)  # fmt: skip


# (doc_id, passage, who, party, source) — the answers come from _framing_of
_SENTENCES = [
    ("wp_battle", "Islamic extremists and foreign fighters, many of whom were experienced and "
     "came from the ongoing insurgency in neighboring Iraq, joined the battle.",
     "Wikipedia, in its own voice", "western_outlets", "document:wp_battle"),
    ("ap_2024", "Russia and Iran and its allied groups helped Syrian government forces reclaim "
     "control of the city that year after a gruelling military campaign and a siege that lasted "
     "for weeks.", "the AP, in its own voice", "western_outlets", "document:ap_2024"),
    ("bbc_live", "Turkey's President Recep Tayyip Erdogan has accused the Syrian government of "
     "breaking the ceasefire deal in Aleppo - something it denies", "the BBC",
     "western_outlets", "document:bbc_live"),
    ("wp_battle", "A spokesman for the US-supported SDF also accused the rebels of causing 1,000 "
     "civilian deaths and injuries, through shelling of Sheikh Maqsood.",
     "Wikipedia, reporting the SDF", "kurdish", "actor:sdf"),
    ("wp_battle", "the SOHR confirmed bodies had been found in the streets but could not verify "
     "how they were killed.", "Wikipedia, reporting the Syrian Observatory", "opposition_media",
     "actor:sohr"),
    ("wp_battle", "Rebel commanders said their main aim was to capture the city center.",
     "Wikipedia, reporting rebel commanders", "opposition", "actor:rebels"),
    ("bbc_live", "Meanwhile President Erdogan, whose government brokered yesterday's ceasefire, "
     "urged all sides in the conflict to stick to the agreement.",
     "the BBC, reporting Turkey's president", "turkish", "attribution:bbc_live-a15"),
    ("bbc_live", "Fighting started up again on Wednesday morning, scuppering plans for the "
     "evacuation of civilians and rebels.", "the BBC, in its own voice", "western_outlets",
     "document:bbc_live"),
]  # fmt: skip
# What an attributed item says about its party: a charge against an enemy is framing.
_CHARGES = re.compile(r"\baccused\b|\bclaimed\b", re.I)


def _sentence_items() -> list[Item]:
    items = []
    for doc_id, passage, who, party, source in _SENTENCES:
        label = framing_of(doc_id, passage)
        if label == LOADED:
            key = "framing"
        elif label == ATTRIBUTED and party != "western_outlets" and _CHARGES.search(passage):
            key = "framing"
        else:
            key = "fair"
        items.append(Item("04-classify-framing", f"{passage}  [{who}]", party, key, source))
    return items


def classify_sentences() -> SentenceClassifier:
    """Label eight real passages as neutral description, attributed claim or loaded label.

    The answer for each passage follows the rule in :func:`_framing_of` (lexicon connotation
    of the words outside quotation marks, then attribution).
    """
    items, answers = [], []
    for doc_id, passage, who, _party, _source in _SENTENCES:
        checked(doc_id, passage)
        items.append(f"{passage}  [{who}]")
        answers.append(framing_of(doc_id, passage))
    reasons = [
        f"{n}: {label}" + (f" ({', '.join(_loaded(p))})" if label == LOADED else "")
        for n, ((_doc, p, *_rest), label) in enumerate(zip(_SENTENCES, answers, strict=True), 1)
    ]
    return SentenceClassifier(
        "04-classify-framing",
        "Classify each passage by its own words. Loaded label: it uses, outside quotation "
        "marks, a word the lexicon marks legitimising, delegitimising or emotive. Attributed "
        "claim: it reports, with a reporting verb (said, accused, confirmed, urged…), what a "
        "named source says, and keeps any loaded word in quotation marks. Neutral "
        "description: it states what happened in words the lexicon marks descriptive. "
        "Brackets say whose words they are.",
        items,
        [NEUTRAL, ATTRIBUTED, LOADED],
        answers,
        explanation="; ".join(reasons)
        + ". Wikipedia's 'extremists' and the AP's 'reclaim' are the writers' own labels, with "
        "no speaker to attribute them to. The attributed passages let you weigh each claim as "
        "its speaker's: the SDF's charge against the rebels, the Observatory's 'could not "
        "verify', Erdogan's accusation with the government's denial beside it.",
    )


def speaker_items() -> list[Item]:
    """The Part 3 items that examine a party's framing (see ``l04_framing.scrutiny_items``)."""
    return [_CLAIMED_ITEM, _BBC_ITEM, *_sentence_items()]
