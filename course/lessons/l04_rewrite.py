"""Lesson 4, Part 4: the AP story against its unattributed rewrite, and choosing the words.

The exercises compare AP passages with what the rewrite (``ap_rewrite``) made of them. What
changed is decided by a fixed rule (:func:`change_between`) from the framing lexicon, the actors
table's names and the attributions' speakers and verbs, never typed as an answer.
"""

from __future__ import annotations

from course import data, media
from course.lessons._scrutiny import Item
from course.lessons.l04_voices import checked, labels_in, loaded_in
from course.widgets import MultipleChoice, SentenceClassifier

__all__ = [
    "LABEL_ADDED",
    "LABEL_REMOVED",
    "SAME_FRAME",
    "SAME_SPEAKER",
    "VERB_CHANGED",
    "WHO_LEFT_OUT",
    "change_between",
    "most_neutral_wording",
    "rewrite_changes",
    "rewrite_items",
]

#: One name per speaker for the AP story and its rewrite, which spell some speakers differently.
SAME_SPEAKER = {
    "Syria’s armed forces": "Syria's armed forces",
    "Syrian armed forces": "Syria's armed forces",
    "Russia’s Kremlin": "Kremlin",
    "Syrian Observatory": "Syrian Observatory for Human Rights",
    "Anadolu": "Anadolu Agency",
    "Syrian state media": "Syria's state media",
    "Witnesses in Aleppo": "witnesses in Aleppo",
    # the same source in other words: the rewrite adds "local", and puts "were seen as" in the
    # present tense (lesson 04 says so)
    "local fighters": "fighters",
    "unnamed ('are seen as')": "unnamed ('were seen as')",
}


def _loaded(passage: str) -> list[str]:
    """Labels used outside quotation marks that the lexicon does not call descriptive."""
    return loaded_in(media.outside_quotes(passage))


SAME_FRAME = "the same frame in other words"
LABEL_ADDED = "a loaded label added"
LABEL_REMOVED = "a loaded label removed"
WHO_LEFT_OUT = "who did it, or who said it, left out"
VERB_CHANGED = "a reporting verb changed"

# (AP passage, rewrite passage, party, source): the answer comes from _change_between
_REWRITE_PAIRS = [
    ("Russia and Iran and its allied groups helped Syrian government forces reclaim control of "
     "the city that year after a gruelling military campaign and a siege that lasted for weeks.",
     "when Russian and Iranian-backed government forces recaptured the entire city after a "
     "prolonged siege", "western_outlets", "document:ap_2024"),
    ("since 2020, when government forces seized areas previously controlled by the opposition",
     "since 2020, when government forces recaptured territories from opposition control",
     "rewrite", "document:ap_rewrite"),
    ("Turkiye, which has backed Syrian opposition groups, failed in its diplomatic efforts to "
     "prevent the government attacks, which were seen as a violation of a 2019 agreement "
     "sponsored by Russia, Turkiye and Iran to freeze the line of the conflict.",
     "Turkey, which supports Syrian opposition groups, failed to prevent the attacks, which are "
     "seen as a violation of a 2019 agreement aimed at de-escalating the conflict.",
     "rewrite", "document:ap_rewrite"),
    ("Syria's armed forces said in a statement Friday that they clashed with insurgents in the "
     "countryside around Aleppo and Idlib, destroying drones and heavy weaponry.",
     "Syria’s armed forces reported ongoing clashes with insurgents in the areas surrounding "
     "Aleppo and Idlib, claiming to have destroyed drones and heavy weaponry.",
     "rewrite", "document:ap_rewrite"),
    ("Aleppo has not been attacked by opposition forces since they were ousted from eastern "
     "neighbourhoods in 2016",
     "This marks the first time since 2016 that opposition forces have attacked Aleppo",
     "rewrite", "document:ap_rewrite"),
    ("Turkiye's state-run Anadolu Agency reported that the insurgents entered the city centre "
     "Friday",
     "Turkish news agency Anadolu reported that opposition forces had entered Aleppo’s city "
     "center", "rewrite", "document:ap_rewrite"),
    ("Hezbollah was \"the main force\" in the government's control of Aleppo, said Rami "
     "Abdurrahman, head of the Observatory.",
     "Hezbollah was the main force supporting government control of Aleppo, according to the "
     "Observatory.", "rewrite", "document:ap_rewrite"),
    ("Syria's state media reported that projectiles from insurgents landed in student "
     "accommodations at Aleppo's university in the city centre, killing four people, including "
     "two students.",
     "Syrian state media also reported that insurgent projectiles hit student housing at Aleppo "
     "University, killing four people, including two students.",
     "rewrite", "document:ap_rewrite"),
    ("In a phone call with his Syrian counterpart, Iranian Foreign Minister Abbas Araghchi "
     "described the insurgent attacks in Syria \"as a plot orchestrated by the U.S. and the "
     "Zionist regime following the regime's defeat in Lebanon and Palestine.\"",
     "In a phone call with his Syrian counterpart, Iran’s Foreign Minister Abbas Araghchi accused "
     "the U.S. and Israel of orchestrating the insurgent attacks, linking them to the defeat of "
     "the regime in Lebanon and Palestine.", "rewrite", "document:ap_rewrite"),
]  # fmt: skip


def _left_out(ap: str, rewrite: str, actors, lexicon) -> set[str]:
    """Actors and side labels of the AP passage that the rewrite no longer names.

    An actor whose name holds a side label ("Syrian government") still counts as named when
    the rewrite keeps that label ("government forces").
    """
    sides = lexicon[lexicon["category"] == "sides"]
    rw_sides = set(media.labels_in(rewrite, sides)["term_id"])
    missing = set(media.labels_in(ap, sides)["term_id"]) - rw_sides
    names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    for actor_id in media.actors_named(ap, actors) - media.actors_named(rewrite, actors):
        if not set(media.labels_in(names[actor_id], sides)["term_id"]) & rw_sides:
            missing.add(actor_id)
    return missing


def change_between(ap: str, rewrite: str) -> str:
    """What the rewrite did to an AP passage, by a fixed order of tests.

    1. a loaded label (lexicon, outside quotation marks) in the rewrite that the AP passage does
       not use: added; 2. one in the AP passage that the rewrite drops: removed; 3. an actor, a
       side or a named speaker of the AP passage missing from the rewrite: left out; 4. the
       attributions' reporting verbs differ: verb changed; 5. otherwise the same frame.
    """
    lexicon, actors, attributions = data.framing(), data.actors(), data.attributions()
    ap_loaded = set(media.loaded_labels(ap, lexicon, skip_quoted=True))
    rw_loaded = set(media.loaded_labels(rewrite, lexicon, skip_quoted=True))
    if rw_loaded - ap_loaded:
        return LABEL_ADDED
    if ap_loaded - rw_loaded:
        return LABEL_REMOVED
    ap_speakers, ap_verbs = media.attributed_in(
        ap, attributions[attributions["doc_id"] == "ap_2024"], SAME_SPEAKER
    )
    rw_speakers, rw_verbs = media.attributed_in(
        rewrite, attributions[attributions["doc_id"] == "ap_rewrite"], SAME_SPEAKER
    )
    if _left_out(ap, rewrite, actors, lexicon) or (ap_speakers - rw_speakers):
        return WHO_LEFT_OUT
    if ap_verbs != rw_verbs:
        return VERB_CHANGED
    return SAME_FRAME


def _shown(ap: str, rewrite: str) -> str:
    return f"AP: {ap}  →  Rewrite: {rewrite}"


def rewrite_items() -> list[Item]:
    items = []
    for ap, rewrite, party, source in _REWRITE_PAIRS:
        change = change_between(ap, rewrite)
        key = "fair" if change == SAME_FRAME and party == "rewrite" else "framing"
        items.append(Item("04-rewrite-changes", _shown(ap, rewrite), party, key, source))
    return items


def rewrite_changes() -> SentenceClassifier:
    """For each AP passage and its rewrite, what did the rewrite change?

    The answer follows :func:`_change_between`: the lexicon's loaded labels, the actors table's
    names, the attributions' speakers and verbs. Every passage is checked against its document.
    """
    items, answers, notes = [], [], []
    for ap, rewrite, _party, _source in _REWRITE_PAIRS:
        checked("ap_2024", ap)
        checked("ap_rewrite", rewrite)
        change = change_between(ap, rewrite)
        items.append(_shown(ap, rewrite))
        answers.append(change)
        added = sorted(set(_loaded(rewrite)) - set(_loaded(ap)))
        removed = sorted(set(_loaded(ap)) - set(_loaded(rewrite)))
        detail = ", ".join(added or removed)
        notes.append(f"{len(notes) + 1}: {change}" + (f" ({detail})" if detail else ""))
    return SentenceClassifier(
        "04-rewrite-changes",
        "Each pair is an AP passage and what the rewrite made of it. What did the rewrite "
        "change? Use the lexicon for labels (outside quotation marks), and look for actors, "
        "named speakers and reporting verbs that differ. If several things changed, choose the "
        "first in this order: label added, label removed, who left out, verb changed.",
        items,
        [SAME_FRAME, LABEL_ADDED, LABEL_REMOVED, WHO_LEFT_OUT, VERB_CHANGED],
        answers,
        explanation="; ".join(notes)
        + ". The rewrite's 'recaptured' for 2016 is not new: the AP itself wrote 'reclaim "
        "control', the same legitimising label. Its 'recaptured' for 2020 is new (the AP wrote "
        "'seized'). And 'the government attacks, which were seen as a violation' became 'the "
        "attacks': who broke the 2019 agreement, and who sponsored it, is gone.",
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
    bbc = checked(
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
