"""Media analysis: how often each framing label occurs in each document.

Counts are computed from the cleaned texts (:mod:`course.text`) with the lexicon's own regular
expressions, never typed in. ``course build`` stores the result as
``datasets/derived/framing_counts.csv``; lessons read it with ``course.data.framing_counts()``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from course import text

__all__ = ["count_terms", "word_count"]

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
