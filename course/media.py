"""Media analysis: framing-label counts, who speaks, and how a rewrite changed a story.

It also holds the one vocabulary of *parties* (:data:`PARTIES`) whose framing the lessons
examine, and the rule that checks a speaker's party against the attributions and actors tables
(:func:`parties_for`).

Counts are computed from the cleaned texts (:mod:`course.text`) with the lexicon's own regular
expressions, never typed in. ``course build`` stores the result as
``datasets/derived/framing_counts.csv``; lessons read it with ``course.data.framing_counts()``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from course import text

__all__ = [
    "PARTIES",
    "QUOTED",
    "REPORTING_VERBS",
    "actors_named",
    "align_articles",
    "attributed_in",
    "compare_speakers",
    "count_terms",
    "involvement_periods",
    "label_rates",
    "labels_in",
    "loaded_labels",
    "outside_quotes",
    "parties_for",
    "party_of_attribution",
    "quoted_share",
    "speaker_counts",
    "verb_counts",
    "word_count",
]

_WORD = re.compile(r"\b\w[\w'’-]*\b")


def word_count(document_text: str) -> int:
    """Count the words of a text (runs of letters and digits, with inner apostrophes/hyphens)."""
    return len(_WORD.findall(document_text))


def count_terms(lexicon: pd.DataFrame, doc_ids: Iterable[str]) -> pd.DataFrame:
    """Count every lexicon term in every cleaned document.

    ``lexicon`` needs ``term_id`` and ``pattern`` columns (the framing table). Returns one row
    per (term, document): term_id, doc_id, count, words, per_1000_words.
    """
    rows = []
    for doc_id in doc_ids:
        body = text.clean(doc_id).text
        words = word_count(body)
        for term_id, pattern in zip(lexicon["term_id"], lexicon["pattern"], strict=True):
            count = len(re.findall(pattern, body, flags=re.IGNORECASE))
            rows.append(
                {
                    "term_id": term_id,
                    "doc_id": doc_id,
                    "count": count,
                    "words": words,
                    "per_1000_words": round(count / words * 1000, 3),
                }
            )
    return pd.DataFrame(rows, columns=["term_id", "doc_id", "count", "words", "per_1000_words"])


# --------------------------------------------------------------------------------------------
# Label rates, speakers and verbs


def label_rates(counts: pd.DataFrame, lexicon: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pivot framing counts to a term × document table of rates per 1,000 words.

    ``counts`` is ``course.data.framing_counts()``. With ``lexicon`` (the framing table) the
    rows are labelled with the readable term instead of the term id.
    """
    wide = counts.pivot(index="term_id", columns="doc_id", values="per_1000_words")
    wide = wide.astype(float)
    if lexicon is not None:
        wide = wide.rename(index=dict(zip(lexicon["term_id"], lexicon["term"], strict=True)))
    wide.columns.name, wide.index.name = "document", "label"
    return wide


def speaker_counts(attributions: pd.DataFrame, by: str = "speaker_type") -> pd.DataFrame:
    """Count attributed statements per document and ``by`` (speaker_type or alignment).

    Returns a long table: doc_id, ``by``, count, share (of that document's statements).
    """
    counts = (
        attributions.groupby(["doc_id", by], observed=True).size().rename("count").reset_index()
    )
    counts["share"] = (counts["count"] / counts.groupby("doc_id")["count"].transform("sum")).round(
        3
    )
    return counts.sort_values(["doc_id", "count"], ascending=[True, False], ignore_index=True)


def verb_counts(attributions: pd.DataFrame) -> pd.DataFrame:
    """Count each reporting verb (lower-cased, as printed) per document: a verb × doc table."""
    verbs = attributions.assign(verb=attributions["verb"].str.lower())
    return (
        verbs.groupby(["verb", "doc_id"])
        .size()
        .unstack(fill_value=0)
        .sort_values(by=list(verbs["doc_id"].unique()), ascending=False)
    )


# --------------------------------------------------------------------------------------------
# The AP story against its rewrite


def _tokens(sentence: str) -> list[str]:
    return [word.lower().replace("’", "'") for word in _WORD.findall(sentence)]


def _similarity(matcher: object, left: list[str], right: list[str]) -> float:
    if not left or not right:
        return 0.0
    shorter, longer = sorted((left, right), key=len)
    pool = list(longer)
    found = 0
    for word in shorter:
        if word in pool:
            pool.remove(word)
            found += 1
    return (matcher.ratio() + found / len(shorter)) / 2  # type: ignore[attr-defined]


def align_articles(
    source_id: str = "ap_2024",
    rewrite_id: str = "ap_rewrite",
    *,
    threshold: float = 0.35,
    kept_at: float = 0.85,
) -> pd.DataFrame:
    """Align the sentences of a story and its rewrite by word overlap.

    Each rewrite sentence is paired with the source sentence it matches best, best pairs
    first, each sentence used once. The similarity of two sentences is the mean of difflib's
    ratio over their lower-cased words (which rewards the same words in the same order) and
    the share of the shorter sentence's words found in the longer one (which still matches a
    sentence the rewrite split in two). A pair
    scoring at least ``kept_at`` is *kept*, at least ``threshold`` *changed*; source sentences
    left unpaired are *dropped* and rewrite sentences left unpaired are *added*.

    Returns one row per source sentence (in source order) plus one per added sentence:
    position, status, similarity, source_sent_id, source_text, rewrite_sent_id, rewrite_text.
    """
    from difflib import SequenceMatcher

    source = [s for s in text.clean(source_id).sentences]
    rewrite = [s for s in text.clean(rewrite_id).sentences]
    source_tokens = [_tokens(s.text) for s in source]
    rewrite_tokens = [_tokens(s.text) for s in rewrite]
    scores = []
    for i, left in enumerate(source_tokens):
        for j, right in enumerate(rewrite_tokens):
            ratio = _similarity(SequenceMatcher(None, left, right, autojunk=False), left, right)
            if ratio >= threshold:
                scores.append((ratio, i, j))
    pairs: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for ratio, i, j in sorted(scores, reverse=True):
        if i not in pairs and j not in used:
            pairs[i] = (j, ratio)
            used.add(j)
    rows = []
    for i, sentence in enumerate(source):
        if i in pairs:
            j, ratio = pairs[i]
            rows.append(
                {
                    "status": "kept" if ratio >= kept_at else "changed",
                    "similarity": round(ratio, 3),
                    "source_sent_id": sentence.sent_id,
                    "source_text": sentence.text,
                    "rewrite_sent_id": rewrite[j].sent_id,
                    "rewrite_text": rewrite[j].text,
                }
            )
        else:
            rows.append(
                {
                    "status": "dropped",
                    "similarity": None,
                    "source_sent_id": sentence.sent_id,
                    "source_text": sentence.text,
                    "rewrite_sent_id": None,
                    "rewrite_text": None,
                }
            )
    for j, sentence in enumerate(rewrite):
        if j not in used:
            rows.append(
                {
                    "status": "added",
                    "similarity": None,
                    "source_sent_id": None,
                    "source_text": None,
                    "rewrite_sent_id": sentence.sent_id,
                    "rewrite_text": sentence.text,
                }
            )
    aligned = pd.DataFrame(rows)
    aligned.insert(0, "position", range(1, len(aligned) + 1))
    aligned["similarity"] = aligned["similarity"].astype("Float64")
    return aligned


def compare_speakers(
    attributions: pd.DataFrame, source_id: str = "ap_2024", rewrite_id: str = "ap_rewrite"
) -> pd.DataFrame:
    """List each speaker with how often each of two documents quotes or cites them.

    Returns speaker, speaker_type, and one count column per document; speakers named in the
    source but absent from the rewrite have a 0 in the rewrite's column.
    """
    both = attributions[attributions["doc_id"].isin([source_id, rewrite_id])].copy()
    # The rewrite uses curly apostrophes ("Syria’s armed forces"): compare names without them.
    both["speaker"] = both["speaker"].astype(str).str.replace("’", "'", regex=False)
    table = (
        both.groupby(["speaker", "doc_id"], observed=True)
        .size()
        .unstack(fill_value=0)
        .reindex(columns=[source_id, rewrite_id], fill_value=0)
    )
    kinds = both.drop_duplicates("speaker").set_index("speaker")["speaker_type"]
    table.insert(0, "speaker_type", kinds.reindex(table.index))
    return table.sort_values([source_id, rewrite_id], ascending=False).reset_index()


# --------------------------------------------------------------------------------------------
# Actors over time


def involvement_periods(actors: pd.DataFrame, *, until: str) -> pd.DataFrame:
    """Turn the actors' printed involvement into start/end timestamps for a bar chart.

    Keeps actors with a printed start; an open-ended period ("from 2013") runs to ``until``
    (for example the battle's last day, "2016-12-22", from the infobox date). Returns name,
    side, start, end, period_text.
    """
    from course.data import parse_date

    rows = actors[actors["involvement_start"].notna()].copy()
    rows["start"] = rows["involvement_start"].astype(str).map(parse_date)
    rows["end"] = [
        parse_date(str(end), end=True) if pd.notna(end) else pd.Timestamp(until)
        for end in rows["involvement_end"]
    ]
    rows["period_text"] = rows["involvement"].fillna("")
    return rows[["name", "side", "start", "end", "period_text"]].sort_values(
        ["side", "start"], ignore_index=True
    )


# --------------------------------------------------------------------------------------------
# Parties: one vocabulary for whose framing an exercise examines

#: The parties whose framing the media lessons examine: id -> label shown to students. Every
#: exercise item that examines someone's framing names one of these ids (see
#: ``course.lessons._scrutiny.Item``); ``tests/test_scrutiny.py`` counts the items per party.
PARTIES: dict[str, str] = {
    "syrian_government": "Syrian government and armed forces",
    "russian_officials": "Russian officials",
    "iranian_officials": "Iranian officials and clerics",
    "syrian_iranian_media": "Syrian and Iranian media",
    "russian_media": "Russian news agencies",
    "opposition": "opposition fighters and activists",
    "opposition_media": "pro-opposition outlets and monitors",
    "western_officials": "Western officials",
    "western_outlets": "Western outlets (AP, BBC, Wikipedia)",
    "turkish": "Turkish officials and outlets",
    "kurdish": "Kurdish forces and their spokesmen",
    "rewrite": "the unattributed rewrite of the AP story",
}

_PRO_GOVERNMENT = frozenset(
    {
        "syrian_government",
        "russian_officials",
        "iranian_officials",
        "syrian_iranian_media",
        "russian_media",
    }
)
# attributions.alignment -> the parties a speaker with that alignment can belong to. Values not
# listed (unknown, independent, un, ...) decide nothing; hezbollah fits no party of the list.
_BY_ALIGNMENT: dict[str, frozenset[str]] = {
    "syrian_government": frozenset({"syrian_government", "syrian_iranian_media"}),
    "pro_government": _PRO_GOVERNMENT,
    "russia": frozenset({"russian_officials", "russian_media"}),
    "iran": frozenset({"iranian_officials", "syrian_iranian_media"}),
    "hezbollah": frozenset(),
    "turkey": frozenset({"turkish"}),
    "opposition": frozenset({"opposition", "opposition_media"}),
    "pro_opposition": frozenset({"opposition", "opposition_media"}),
    "western": frozenset({"western_officials", "western_outlets"}),
    "kurdish": frozenset({"kurdish"}),
}
# actors.side -> parties (supporters of the opposition, such as Turkey or the US, share its side)
_BY_SIDE: dict[str, frozenset[str]] = {
    "pro_government": _PRO_GOVERNMENT,
    "opposition": frozenset({"opposition", "opposition_media", "turkish", "western_officials"}),
    "kurdish": frozenset({"kurdish"}),
}
_MEDIA_KINDS = {"media", "monitor"}
_ACTOR_KINDS = {
    "government",
    "foreign_state",
    "state",
    "armed_forces",
    "armed_group",
    "coalition",
    "militia",
    "unit",
    "opposition",
    "political_body",
}
_MEDIA_ONLY = frozenset({"syrian_iranian_media", "russian_media", "opposition_media", "rewrite"})


_MEDIA_PARTIES = frozenset(
    {"syrian_iranian_media", "russian_media", "opposition_media", "western_outlets", "turkish"}
)


def _narrow(parties: frozenset[str], kind: str) -> frozenset[str]:
    if kind in _MEDIA_KINDS:
        return parties & _MEDIA_PARTIES
    if kind in _ACTOR_KINDS:
        return parties - _MEDIA_ONLY - {"western_outlets"}
    return parties


def parties_for(source: str) -> frozenset[str]:
    """The parties of :data:`PARTIES` that the tables allow for one speaker.

    ``source`` names the row that records the speaker: ``"attribution:<attribution_id>"``
    (its ``alignment`` and ``speaker_type``), ``"actor:<actor_id>"`` (its ``side`` and
    ``kind``), or ``"document:<doc_id>"`` for a document's own voice (a named publisher is a
    Western outlet; the rewrite, whose publisher is unknown, is ``"rewrite"``). Where the table
    does not decide (alignment ``unknown``, side ``none``), every party is allowed.

    Raises ``ValueError`` naming the source when the row does not exist.
    """
    from course import data

    table_name, _, key = source.partition(":")
    everything = frozenset(PARTIES) - {"rewrite"}  # only a document can be the rewrite
    if table_name == "document":
        documents = data.documents().set_index("doc_id")
        if key not in documents.index:
            raise ValueError(f"{source}: no document {key!r}; known: {sorted(documents.index)}")
        publisher = str(documents.loc[key, "publisher"])
        return frozenset({"rewrite"}) if publisher == "unknown" else frozenset({"western_outlets"})
    if table_name == "attribution":
        rows = data.attributions().set_index("attribution_id")
        if key not in rows.index:
            raise ValueError(f"{source}: no such row in attributions.csv")
        row = rows.loc[key]
        parties = _BY_ALIGNMENT.get(str(row["alignment"]), everything)
        return _narrow(parties, str(row["speaker_type"]))
    if table_name == "actor":
        rows = data.actors().set_index("actor_id")
        if key not in rows.index:
            raise ValueError(f"{source}: no such row in actors.csv")
        row = rows.loc[key]
        return _narrow(_BY_SIDE.get(str(row["side"]), everything), str(row["kind"]))
    raise ValueError(f"{source!r}: expected 'attribution:', 'actor:' or 'document:' and an id")


def party_of_attribution(attribution_id: str) -> str | None:
    """The one party an attributed statement's speaker belongs to, or ``None`` if undecided.

    Decided by :func:`parties_for` from the row's ``alignment`` and ``speaker_type``: for
    example alignment ``russia`` with speaker type ``media`` is ``"russian_media"``.
    """
    parties = parties_for(f"attribution:{attribution_id}")
    return next(iter(parties)) if len(parties) == 1 else None


# --------------------------------------------------------------------------------------------
# Quotation and paraphrase

# Double quotes (straight or curly), and single quotes that open after a non-letter and close
# before one (so the apostrophe in "Syria's" is left alone).
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|(?<!\w)'[^']+'(?!\w)|(?<!\w)‘[^’]+’(?!\w)")


def outside_quotes(passage: str) -> str:
    """Return ``passage`` with every quoted stretch ("…", “…”, '…') removed."""
    return QUOTED.sub(" ", passage)


def quoted_share(passage: str) -> float:
    """The share of a passage's words (0 to 1) that stand inside quotation marks."""
    total = word_count(passage)
    inside = sum(word_count(match) for match in QUOTED.findall(passage))
    return inside / total if total else 0.0


# --------------------------------------------------------------------------------------------
# Labels, names and verbs in one passage

#: Reporting verbs that introduce what a source says (as printed in the five documents).
REPORTING_VERBS = (
    r"\b(?:said|says|stated|claimed|accused|reported|reporting|reports|according to|"
    r"told|warned|warns|denied|denies|urged|confirmed|concluded|concluding|described|"
    r"registered|alleged|condemned|appealed|wrote|quoted)\b"
)


def labels_in(passage: str, lexicon: pd.DataFrame, *, skip_quoted: bool = False) -> pd.DataFrame:
    """The rows of ``lexicon`` (the framing table) whose pattern occurs in ``passage``.

    With ``skip_quoted=True`` only the words outside quotation marks count: the labels that
    are the writer's own rather than a quoted speaker's. Returns the matching lexicon rows.
    """
    body = outside_quotes(passage) if skip_quoted else passage
    found = lexicon["pattern"].map(lambda pattern: bool(re.search(pattern, body, re.IGNORECASE)))
    return lexicon.loc[found]


def loaded_labels(passage: str, lexicon: pd.DataFrame, *, skip_quoted: bool = False) -> list[str]:
    """The terms of the labels in ``passage`` whose connotation is not ``descriptive``."""
    found = labels_in(passage, lexicon, skip_quoted=skip_quoted)
    return found.loc[found["connotation"] != "descriptive", "term"].astype(str).tolist()


def _plain(passage: str) -> str:
    return passage.replace("’", "'")


def actors_named(passage: str, actors: pd.DataFrame) -> set[str]:
    """The ``actor_id`` of every actor whose name or alias occurs in ``passage``.

    ``actors`` is the actors table. Curly and straight apostrophes match each other, and a
    name matches with or without a final "s" ("insurgent projectiles" names the insurgents) or
    as its adjective ("Russian and Iranian-backed" names Russia and Iran).
    """
    body = _plain(passage)
    found = set()
    for actor_id, name, aliases in zip(
        actors["actor_id"], actors["name"], actors["aliases"], strict=True
    ):
        names = [name] + (str(aliases).split(" | ") if pd.notna(aliases) else [])
        for one in names:
            stem = _plain(one).removesuffix("s")
            if len(stem) > 2 and re.search(rf"\b{re.escape(stem)}(?:s|n|ns|ian|ians)?\b", body):
                found.add(actor_id)
                break
    return found


def attributed_in(
    passage: str, attributions: pd.DataFrame, same_speaker: dict[str, str] | None = None
) -> tuple[set[str], set[str]]:
    """The speakers and reporting verbs of the attributions whose quote overlaps ``passage``.

    ``attributions`` holds the rows of one document. ``same_speaker`` maps spellings of a
    speaker to one name. A verb is reduced to its main word ("also reported" is "reported").
    Returns (speakers, verbs).
    """
    same_speaker = same_speaker or {}
    speakers, verbs = set(), set()
    for quote, speaker, verb in zip(
        attributions["quote"], attributions["speaker"], attributions["verb"], strict=True
    ):
        if quote in passage or passage in quote:
            speakers.add(same_speaker.get(speaker, speaker))
            words = re.sub(r"\b(?:also|has|have)\b", " ", str(verb).lower()).split()
            verbs.add(words[0] if words else str(verb))
    return speakers, verbs
