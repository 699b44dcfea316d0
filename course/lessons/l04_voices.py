"""The voices of lesson 4: every party's words as the five documents print them.

:data:`VOICES` is the catalogue the lesson's "same test for every party" table is built from:
for each party of ``course.media.PARTIES`` some of its statements, each an exact passage of a
cleaned document (checked with ``course.text.find_quote``), the row of the attributions or
actors table that records the speaker, and whose words the passage holds:

* ``"quoted"``: the words inside quotation marks are the speaker's own (as printed: in English);
* ``"all"``: the whole passage is the speaker's own text (a document's own voice);
* ``"none"``: the reporter's paraphrase; any quoted words in it belong to someone else.

Everything else (which labels each speaker's words use, which parties the documents never
quote) is computed from the catalogue, the framing lexicon and the documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from course import data, media, text

__all__ = [
    "CLAIM_GROUPS",
    "REPORTING_VERBS",
    "VOICES",
    "Voice",
    "bbc_residents",
    "checked",
    "claimed_statements",
    "labels_in",
    "loaded_in",
    "party_shares",
    "unheard_parties",
    "verbs_for",
    "voices",
]


@dataclass(frozen=True)
class Voice:
    """One statement by one speaker, as a document prints it."""

    speaker: str
    party: str
    doc_id: str
    passage: str
    source: str
    words: str = "quoted"  # "quoted", "all" or "none": whose words the passage holds

    @property
    def own_words(self) -> str:
        """The speaker's own words in the passage ("" when the passage is a paraphrase)."""
        if self.words == "all":
            return media.outside_quotes(self.passage)
        if self.words == "quoted":
            return " … ".join(
                match.strip("\"“”'‘’") for match in media.QUOTED.findall(self.passage)
            )
        return ""


# fmt: off
VOICES: list[Voice] = [
    # Syrian government and armed forces
    Voice("President Bashar al-Assad", "syrian_government", "wp_battle",
          '"the army is engaged in a crucial and heroic battle ... on which the destiny of the '
          'nation and its people rests ..."', "actor:syrian_government"),
    Voice("Syrian government minister Faisal Mekdad", "syrian_government", "wp_battle",
          '"All our strategic planning now is to keep the way open to Aleppo to allow our forces '
          'to defend it"', "actor:syrian_government"),
    Voice("Syria's armed forces (2024)", "syrian_government", "ap_2024",
          "Syria's armed forces said in a statement Friday that they clashed with insurgents in "
          "the countryside around Aleppo and Idlib, destroying drones and heavy weaponry.",
          "attribution:ap_2024-a18", "none"),
    # Russian officials
    Voice("Russian Defence Ministry statement", "russian_officials", "bbc_live",
          'said government forces had "crossed the canal from the east and liberated the Sukkari '
          'district."', "attribution:bbc_live-a12"),
    Voice("Russian Foreign Ministry", "russian_officials", "wp_battle",
          '"We firmly condemn the terrorist acts which claim the lives of innocent people"',
          "actor:russian_foreign_ministry"),
    Voice("Kremlin spokesperson Dmitry Peskov (2024)", "russian_officials", "ap_2024",
          "\"Of course, this is a violation of Syria's sovereignty in this region,\"",
          "attribution:ap_2024-a17"),
    # Iranian officials and clerics
    Voice("Ayatollah Mohammad Emami Kashani", "iranian_officials", "wp_battle",
          'praised the "Aleppo triumph" as a "defeat of the infidels"', "actor:iran"),
    Voice("Saeed Jalili, Iran's Supreme National Security Council", "iranian_officials",
          "wp_battle",
          '"Iran will not allow the axis of resistance, of which it considers Syria to be an '
          'essential part, to be broken in any way"',
          "actor:iran_supreme_national_security_council"),
    Voice("Mir-Hossein Mousavi, former Iranian Foreign Ministry official", "iranian_officials",
          "wp_battle",
          "\"nothing but a two nights' joy and Tehran will be worrying for the next 30 years "
          'about it."', "actor:iran"),
    Voice("Foreign Minister Abbas Araghchi (2024)", "iranian_officials", "ap_2024",
          '"as a plot orchestrated by the U.S. and the Zionist regime following the regime\'s '
          'defeat in Lebanon and Palestine."', "attribution:ap_2024-a28"),
    # Syrian and Iranian media
    Voice("Some media in Syria and Iran (BBC Monitoring)", "syrian_iranian_media", "bbc_live",
          'some media are celebrating the "liberation" of Aleppo, saying the government has '
          'defeated the "terrorists"', "attribution:bbc_live-a26"),
    Voice("Syrian state television", "syrian_iranian_media", "wp_battle",
          "According to Syrian state television, this decision was made to reinforce positions "
          "around the region of Afrin, and to halt Turkey's offensive.",
          "actor:syrian_state_media", "none"),
    Voice("Syria's state media (2024)", "syrian_iranian_media", "ap_2024",
          "Syria's state media reported that projectiles from insurgents landed in student "
          "accommodations at Aleppo's university", "attribution:ap_2024-a25", "none"),
    # Russian news agencies
    Voice("Russia's RIA news agency", "russian_media", "bbc_live",
          "The Kremlin has confirmed that a call between Mr Erdogan and President Vladimir Puitin "
          "is scheduled for later, Russia's RIA news agency reports.",
          "attribution:bbc_live-a44", "none"),
    # Opposition fighters and activists
    Voice("Activist Lina Shamy, in east Aleppo", "opposition", "bbc_live",
          '"Revolutionaries will fight till the last breath protecting the civilians here in the '
          'city," she warns.', "attribution:bbc_live-a18"),
    Voice("FSA commander Zaher al-Saket", "opposition", "wp_battle",
          '"learned not to trust the [Bashar al-] Assad regime because they are cunning and only '
          'want to buy time"', "actor:fsa"),
    Voice("Army of Conquest, naming its offensive", "opposition", "wp_offensive",
          'named the "Battle of the Hero Martyr Abu Omar Saraqib" by the Army of Conquest',
          "attribution:wp_offensive-a02"),
    Voice("An insurgent commander (2024)", "opposition", "ap_2024",
          "An insurgent commander posted a recorded message on social media calling on Aleppo "
          "residents to cooperate with the advancing forces.", "attribution:ap_2024-a23", "none"),
    # Pro-opposition outlets and monitors
    Voice("A Syrian pro-opposition TV station (BBC Monitoring)", "opposition_media", "bbc_live",
          "But a Syrian pro-opposition TV station has compared the unfolding situation to the "
          "Srebrenica massacre", "attribution:bbc_live-a27", "none"),
    Voice("Head of the Syrian Network for Human Rights", "opposition_media", "wp_battle",
          '"sometimes the Russians exceed the regime in some kinds of violations"', "actor:snhr"),
    Voice("Rami Abdurrahman, head of the Observatory (2024)", "opposition_media", "ap_2024",
          "Hezbollah was \"the main force\" in the government's control of Aleppo",
          "attribution:ap_2024-a27"),
    # Western officials
    Voice("US ambassador to the UN Samantha Power", "western_officials", "wp_battle",
          '"to the Assad regime, Russia, and Iran—three Member States behind the conquest of and '
          'carnage in Aleppo—you bear responsibility for these atrocities."',
          "actor:united_states"),
    Voice("The United States", "western_officials", "wp_battle",
          "\"This is the concern: that we will see a massacre in Aleppo and that's what the regime "
          'appears to be lining up for"', "actor:united_states"),
    Voice("British Foreign Minister William Hague", "western_officials", "wp_battle",
          '"the world must speak out to avert a massacre in Aleppo"', "actor:united_kingdom"),
    Voice("Former US State Department official James Rubin", "western_officials", "bbc_live",
          '"The willingness, the political will, the lack of wherewithal as a group to act in '
          'Syria is unfortunately part of the story,"', "attribution:bbc_live-a06"),
    # Western outlets, in their own voice
    Voice("The BBC, in its own summary", "western_outlets", "bbc_live",
          "Deal agreed after pro-government forces took almost all of east Aleppo back from "
          "rebels", "document:bbc_live", "all"),
    Voice("The AP, in its own voice (2024)", "western_outlets", "ap_2024",
          "Russia and Iran and its allied groups helped Syrian government forces reclaim control "
          "of the city that year", "document:ap_2024", "all"),
    Voice("Wikipedia, in its own voice", "western_outlets", "wp_battle",
          "Islamic extremists and foreign fighters, many of whom were experienced and came from "
          "the ongoing insurgency in neighboring Iraq, joined the battle.",
          "document:wp_battle", "all"),
    # Turkish officials and outlets
    Voice("Turkish security officials (2024)", "turkish", "ap_2024",
          'Syrian opposition groups initially launched a long-planned "limited" offensive toward '
          "Aleppo, where attacks targeting civilians originated", "attribution:ap_2024-a13"),
    Voice("Turkish President Erdogan", "turkish", "bbc_live",
          'He said the situation was "delicate" and "fragile"', "attribution:bbc_live-a42"),
    Voice("Turkish Prime Minister Erdoğan (2012)", "turkish", "wp_battle",
          'saying it was not possible "to remain a spectator" to the government offensive on '
          "Aleppo", "actor:turkey"),
    Voice("Turkiye's state-run Anadolu Agency (2024)", "turkish", "ap_2024",
          "Turkiye's state-run Anadolu Agency reported that the insurgents entered the city "
          "centre Friday and now control about 70 locations in Aleppo and Idlib provinces.",
          "attribution:ap_2024-a24", "none"),
    # Kurdish forces and their spokesmen
    Voice("The YPG", "kurdish", "wp_battle",
          "while the YPG accused the rebels of shelling the neighborhood", "actor:ypg", "none"),
    Voice("YPG spokesman Nouri Mahmoud", "kurdish", "wp_battle",
          "YPG spokesman Nouri Mahmoud however denied this claim.", "actor:ypg", "none"),
    Voice("A YPG commander", "kurdish", "wp_battle",
          "A YPG commander later stated that Kurdish fighters had shifted to Afrin to help repel "
          "a Turkish assault.", "actor:ypg", "none"),
    Voice("A spokesman for the SDF", "kurdish", "wp_battle",
          "A spokesman for the US-supported SDF also accused the rebels of causing 1,000 "
          "civilian deaths and injuries, through shelling of Sheikh Maqsood.", "actor:sdf",
          "none"),
]
# fmt: on


def labels_in(passage: str, *, skip_quoted: bool = False) -> pd.DataFrame:
    """List the lexicon labels that ``passage`` uses, with their connotation and note.

    With ``skip_quoted=True`` only the words outside quotation marks count: the labels that
    are the writer's own rather than a speaker's. Returns term, connotation, used_by (when the
    lexicon has it) and note, as strings.
    """
    found = media.labels_in(passage, data.framing(), skip_quoted=skip_quoted)
    columns = [c for c in ["term", "connotation", "used_by", "note"] if c in found.columns]
    return found[columns].astype(str).reset_index(drop=True)


def loaded_in(words: str) -> list[str]:
    """The lexicon labels in ``words`` whose connotation is not descriptive."""
    return media.loaded_labels(words, data.framing()) if words.strip() else []


def checked(doc_id: str, quote: str) -> str:
    """Return ``quote`` after making sure it occurs in the cleaned document."""
    if text.find_quote(doc_id, quote) is None:
        raise ValueError(f"not found in {doc_id}: {quote!r}")
    return quote


def voices() -> pd.DataFrame:
    """The catalogue as a table, one row per voice.

    Columns: party (its label), speaker, doc_id, passage, found (the passage occurs in the
    cleaned document), own words quoted (the passage holds the speaker's own words), own words,
    loaded labels (those in the speaker's own words, by the lexicon).
    """
    rows = []
    for voice in VOICES:
        own = voice.own_words
        rows.append(
            {
                "party": media.PARTIES[voice.party],
                "speaker": voice.speaker,
                "doc_id": voice.doc_id,
                "passage": voice.passage,
                "found": text.find_quote(voice.doc_id, voice.passage) is not None,
                "own words quoted": bool(own.strip()),
                "own words": own,
                "loaded labels": ", ".join(loaded_in(own)),
            }
        )
    return pd.DataFrame(rows)


def unheard_parties() -> list[str]:
    """Party ids (of those in :data:`VOICES`) none of whose voices has its own words printed."""
    heard = {voice.party for voice in VOICES if voice.own_words.strip()}
    return [party for party in media.PARTIES if party in {v.party for v in VOICES} - heard]


# --------------------------------------------------------------------------------------------
# Wikipedia's "claimed"

#: Groups whose statements Wikipedia's battle article reports, and how to recognise each in the
#: words before a reporting verb. The answers are read from the article, not typed.
CLAIM_GROUPS: dict[str, str] = {
    "the rebels": r"\brebels?\b",
    "Russian military and defence officials": r"\bRussian (?:General Staff|defence ministry)\b",
    "Syrian state media": r"\bSyrian state media\b",
    "some of Aleppo's Armenians": r"\bArmenians\b",
    "the Syrian Observatory for Human Rights": r"\bSOHR\b|\bSyrian Observatory\b",
    "Amnesty International": r"\bAmnesty\b",
    "the United States": r"\bUnited States\b",
    "Kurdish forces (YPG, SDF)": r"\bYPG\b|\bSDF\b",
}
REPORTING_VERBS = media.REPORTING_VERBS


def claimed_statements(doc_id: str = "wp_battle") -> pd.DataFrame:
    """Every sentence of ``doc_id`` that uses "claimed", with whose claim it reports.

    The speaker is the text before "claimed"; ``group`` is the first :data:`CLAIM_GROUPS`
    entry whose pattern it matches ("" if none). Returns sent_id, speaker, group, text.
    """
    sentences = data.sentences()
    sentences = sentences[sentences["doc_id"] == doc_id]
    rows = []
    for sentence in sentences.itertuples():
        match = re.search(r"\bclaimed\b", sentence.text)
        if not match:
            continue
        speaker = sentence.text[: match.start()].strip(" ,")
        group = next(
            (name for name, pattern in CLAIM_GROUPS.items() if re.search(pattern, speaker, re.I)),
            "",
        )
        rows.append(
            {"sent_id": sentence.sent_id, "speaker": speaker, "group": group, "text": sentence.text}
        )
    return pd.DataFrame(rows, columns=["sent_id", "speaker", "group", "text"])


def verbs_for(group: str, doc_id: str = "wp_battle") -> list[str]:
    """The reporting verbs in the sentences of ``doc_id`` that name ``group`` (in text order)."""
    sentences = data.sentences()
    sentences = sentences[sentences["doc_id"] == doc_id]
    verbs: list[str] = []
    for sentence in sentences["text"]:
        if re.search(CLAIM_GROUPS[group], sentence, re.I):
            for verb in re.findall(REPORTING_VERBS, sentence):
                if verb not in verbs:
                    verbs.append(verb)
    return verbs


# --------------------------------------------------------------------------------------------
# Where the BBC page's residents speak from

EAST = re.compile(r"\beast(?:ern)? Aleppo\b|\brebel-held\b|\brebel enclave\b", re.I)
WEST = re.compile(r"\bwest(?:ern)? Aleppo\b|\bgovernment-held\b", re.I)


#: How the attributions table's ``location`` codes read in the lesson.
PLACES = {
    "rebel_held_aleppo": "rebel-held east",
    "aleppo": "Aleppo, part not said",
    "not_stated": "not said",
}


def bbc_residents() -> pd.DataFrame:
    """The BBC live page's statements by residents, and where the page places each speaker.

    Rows are ``attributions`` of ``bbc_live`` with speaker_type ``resident``. ``placed`` is the
    table's ``location`` where it has one (see :data:`PLACES`); without that column it is read
    from the statement's passage and the text of its entry ("rebel-held east" for east Aleppo,
    rebel-held or rebel enclave). Either way a passage or entry that says west Aleppo or
    government-held makes it "government-held west". Returns attribution_id, speaker, entry,
    placed, quote.
    """
    attributions = data.attributions()
    rows = attributions[
        (attributions["doc_id"] == "bbc_live") & (attributions["speaker_type"] == "resident")
    ]
    entries = text.clean("bbc_live").entries
    found = []
    for _index, row in rows.iterrows():
        span = text.find_quote("bbc_live", row["quote"])
        entry = next((e for e in entries if span and e.start <= span[0] < e.end), None)
        context = f"{row['quote']} {entry.text if entry else ''}"
        if WEST.search(context):
            placed = "government-held west"
        elif "location" in rows.columns:
            placed = PLACES.get(str(row["location"]), str(row["location"]))
        elif EAST.search(context):
            placed = "rebel-held east"
        else:
            placed = "not said"
        found.append(
            {
                "attribution_id": row["attribution_id"],
                "speaker": row["speaker"],
                "entry": entry.number if entry else None,
                "placed": placed,
                "quote": row["quote"],
            }
        )
    return pd.DataFrame(found, columns=["attribution_id", "speaker", "entry", "placed", "quote"])


def party_shares(attributions: pd.DataFrame, doc_ids: list[str]) -> pd.DataFrame:
    """Attributed statements per party in each of ``doc_ids``, with each party's share.

    The party of a statement is ``course.media.party_of_attribution`` (from the row's
    alignment and speaker type); statements it cannot place are "not placed". Returns a wide
    table: index = party label, columns = (statements, share) per document.
    """
    rows = attributions[attributions["doc_id"].isin(doc_ids)].copy()
    rows["party"] = [
        media.PARTIES.get(media.party_of_attribution(a) or "", "not placed")
        for a in rows["attribution_id"]
    ]
    counts = rows.groupby(["party", "doc_id"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=doc_ids, fill_value=0)
    shares = (counts / counts.sum()).round(2)
    return pd.concat({"statements": counts, "share": shares}, axis=1).sort_values(
        ("statements", doc_ids[0]), ascending=False
    )
