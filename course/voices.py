"""Who uses each framing label, and in whose voice: computed from the texts, never typed.

A label in a news text is either the writer's own word or someone else's. This module finds
every match of every lexicon pattern in every cleaned document and decides whose word it is:

* ``quoted``   – inside quotation marks ("…", “…”, '…', ‘…’) within the quote of an
  attributed statement: the speaker's own word, as the document prints it;
* ``reported`` – outside quotation marks but within the quote of an attributed statement: the
  document's words for what the speaker said (a paraphrase). The words before the reporting
  verb with which the document introduces a speaker ("a Syrian pro-opposition TV station has
  compared …") are its own;
* ``own``      – neither: the document's own voice.

A match inside quotation marks that no attributed statement covers is ``quoted`` with no
speaker; :func:`unattributed_quotes` lists those so that the attributions table can be
completed (a test requires it to be empty).

``course build`` writes the result to ``datasets/derived/framing_uses.csv`` (one row per
match) and summarises it per term and document in the ``voices`` column of
``framing_counts.csv``; ``course.data.framing()`` joins those summaries into the lexicon's
``used_by`` column. Nobody types who uses a label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from course import text

__all__ = [
    "USE_COLUMNS",
    "VOICES",
    "quoted_spans",
    "term_uses",
    "unattributed_quotes",
    "used_by",
]

VOICES = ("own", "reported", "quoted")
USE_COLUMNS = [
    "term_id",
    "doc_id",
    "start",
    "end",
    "form",
    "voice",
    "speaker",
    "attribution_id",
]

_OPENING_SINGLE = re.compile(r"(?:^|(?<=[\s(\[—–-]))'(?=\S)")
_CLOSING_SINGLE = re.compile(r"(?<=\S)'(?=$|[\s.,;:!?)\]—–-])")


def quoted_spans(passage: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of every stretch of ``passage`` inside quotation marks.

    Quotation marks pair up within a paragraph (a line of the cleaned text): straight double
    quotes alternate, curly ones open and close, and a straight single quote opens only after
    a space or bracket and closes only before a space or punctuation, so that the apostrophes
    of "Syria's" or "rebels'" are not mistaken for quotation marks. Offsets exclude the marks.
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in passage.split("\n"):
        spans += [(offset + a, offset + b) for a, b in _line_spans(line)]
        offset += len(line) + 1
    return sorted(spans)


def _line_spans(line: str) -> list[tuple[int, int]]:
    spans = []
    opened = None
    for position, char in enumerate(line):
        if char == '"':
            if opened is None:
                opened = position
            else:
                spans.append((opened + 1, position))
                opened = None
        elif char == "“" and opened is None:
            opened = position
        elif char == "”" and opened is not None:
            spans.append((opened + 1, position))
            opened = None
    single_open = None
    for position, char in enumerate(line):
        if char == "‘" and single_open is None:
            single_open = position
        elif char == "’" and single_open is not None and _closes(line, position):
            spans.append((single_open + 1, position))
            single_open = None
        elif char == "'":
            if single_open is None and _OPENING_SINGLE.match(line, position):
                single_open = position
            elif single_open is not None and _CLOSING_SINGLE.match(line, position):
                spans.append((single_open + 1, position))
                single_open = None
    return spans


def _closes(line: str, position: int) -> bool:
    after = line[position + 1 : position + 2]
    return after == "" or not after.isalnum()


def _inside(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def term_uses(
    lexicon: pd.DataFrame, attributions: pd.DataFrame, doc_ids: Iterable[str]
) -> pd.DataFrame:
    """Find every use of every lexicon term and say whose word it is.

    ``lexicon`` needs term_id and pattern (the framing table); ``attributions`` needs
    attribution_id, doc_id, speaker, direct_quote and quote (the attributions table, raw or
    typed). Returns one row per match, in document order: term_id, doc_id, start, end (offsets
    in the cleaned text), form (the matched words), voice (own, reported or quoted), speaker and
    attribution_id (empty for the document's own voice and for unattributed quotations).

    Where several attributed statements cover a match, a direct quotation wins over a paraphrase
    and then the shorter quote wins (the one that pins the words down most closely); statements
    that tie (one sentence reporting two speakers) share the match: their speakers are joined
    with " / " and their attribution ids with ";".
    """
    rows = []
    for doc_id in doc_ids:
        body = text.clean(doc_id).text
        quotes = quoted_spans(body)
        statements = []
        for row in attributions[attributions["doc_id"] == doc_id].itertuples():
            found = text.find_quote(doc_id, str(row.quote))
            if found is None:
                continue  # the checks report quotes that are not in their document
            direct = str(row.direct_quote).lower() == "true"
            intro = _introduction(body, found, str(row.speaker), str(row.verb))
            statements.append((found, direct, row.attribution_id, str(row.speaker), intro))
        for term_id, pattern in zip(lexicon["term_id"], lexicon["pattern"], strict=True):
            for match in re.finditer(pattern, body, flags=re.IGNORECASE):
                start, end = match.span()
                quoted = _inside(quotes, start, end)
                covering = [
                    s
                    for s in statements
                    if s[0][0] <= start
                    and end <= s[0][1]
                    and (quoted or not (s[4][0] <= start and end <= s[4][1]))
                ]
                rank = [(not s[1], s[0][1] - s[0][0]) for s in covering]
                best = [s for s, r in zip(covering, rank, strict=True) if r == min(rank)]
                best.sort(key=lambda s: s[2])
                if best:
                    attribution_id = ";".join(s[2] for s in best)
                    speaker = " / ".join(dict.fromkeys(s[3] for s in best))
                    voice = "quoted" if quoted else "reported"
                else:
                    attribution_id, speaker = "", ""
                    voice = "quoted" if quoted else "own"
                rows.append(
                    {
                        "term_id": term_id,
                        "doc_id": doc_id,
                        "start": start,
                        "end": end,
                        "form": match.group(0),
                        "voice": voice,
                        "speaker": speaker,
                        "attribution_id": attribution_id,
                    }
                )
    uses = pd.DataFrame(rows, columns=USE_COLUMNS)
    order = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    uses["_doc"] = uses["doc_id"].map(order)
    uses = uses.sort_values(["_doc", "start", "term_id"], kind="stable").drop(columns="_doc")
    return uses.reset_index(drop=True)


_SENTENCE_BREAK = re.compile(r"[.!?][\"”’']?\s+|\n")


def _introduction(body: str, span: tuple[int, int], speaker: str, verb: str) -> tuple[int, int]:
    """Return the span in which the document introduces the speaker, or ``(0, 0)``.

    In "In a video from the rebel enclave, activist Lina Shamy says …" or "a Syrian
    pro-opposition TV station has compared …" the words of the sentence up to the reporting
    verb are the document's framing of the speaker, not what the speaker said. Only a sentence
    that names the speaker before the verb and goes on after it has such a span (not "…, the
    agency reported."); words in quotation marks are never in it.
    """
    quote = body[span[0] : span[1]].replace("’", "'")
    name = speaker.replace("’", "'").lower()
    at = quote.lower().find(name) if name else -1
    if at < 0 or not verb.strip():
        return (0, 0)
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(quote)]
    begin = max([b for b in breaks if b <= at], default=0)
    finish = min([b for b in breaks if b > at], default=len(quote))
    verb_at = quote.find(verb.replace("’", "'"), at + len(name), finish)
    if verb_at < 0:
        return (0, 0)
    rest = quote[verb_at + len(verb) : finish].strip()
    if not rest or rest[0] in ".!?":
        return (0, 0)
    return (span[0] + begin, span[0] + verb_at)


def unattributed_quotes(uses: pd.DataFrame) -> pd.DataFrame:
    """Return the uses inside quotation marks that no attributed statement covers."""
    return uses[(uses["voice"] == "quoted") & (uses["attribution_id"].fillna("") == "")]


def _times(n: int) -> str:
    return f" ×{n}" if n > 1 else ""


def used_by(uses: pd.DataFrame) -> pd.DataFrame:
    """Summarise who uses each term in each document, for ``framing_counts.voices``.

    Returns one row per (term_id, doc_id) that has uses, with ``voices`` such as
    ``"own voice ×3; Dareen Khalifa, quoted ×2; Turkish security officials, reported"``: the
    document's own voice first, then each speaker in order of first use; "×n" when more than
    once.
    """
    rows = []
    for (term_id, doc_id), group in uses.groupby(["term_id", "doc_id"], sort=False):
        parts = []
        own = int((group["voice"] == "own").sum())
        if own:
            parts.append("own voice" + _times(own))
        others = group[group["voice"] != "own"]
        keys = others[["speaker", "voice"]].drop_duplicates().itertuples(index=False)
        for speaker, voice in keys:
            n = int(((others["speaker"] == speaker) & (others["voice"] == voice)).sum())
            who = speaker or "unattributed quotation"
            parts.append(f"{who}, {voice}{_times(n)}")
        rows.append({"term_id": term_id, "doc_id": doc_id, "voices": "; ".join(parts)})
    return pd.DataFrame(rows, columns=["term_id", "doc_id", "voices"])
