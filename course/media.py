"""Media analysis: framing-label counts, who speaks, and how a rewrite changed a story.

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
    "align_articles",
    "compare_speakers",
    "count_terms",
    "involvement_periods",
    "label_rates",
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
