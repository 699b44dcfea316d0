"""Widget questions of assignment ps3_framing (labels and attribution)."""

from __future__ import annotations

from course.widgets import SentenceClassifier

__all__ = ["LABELS", "SENTENCES", "classify_sentences"]

LABELS = ("neutral description", "attributed claim", "loaded label in the writer's own voice")

# (doc_id, exact sentence) – the hidden test derives each sentence's label from the tables: a
# sentence quoted in an attribution row is an attributed claim; otherwise one with a non-descriptive
# framing term is a loaded label in the writer's own voice; otherwise a neutral description.
SENTENCES = (
    (
        "bbc_live",
        "A statement quoted by the Interfax news agency said government forces had "
        '"crossed the canal from the east and liberated the Sukkari district."',
    ),
    (
        "ap_2024",
        "Residents fled neighbourhoods on the city's edge because of missiles and "
        "gunfire, according to witnesses in Aleppo.",
    ),
    (
        "wp_battle",
        "Islamic extremists and foreign fighters, many of whom were experienced and "
        "came from the ongoing insurgency in neighboring Iraq, joined the battle.",
    ),
    ("ap_2024", "Syrian government authorities diverted traffic from that highway Thursday."),
)


def classify_sentences() -> SentenceClassifier:
    """Label four real sentences by their framing (graded: answers in the hidden test)."""
    return SentenceClassifier(
        "ps3-classify-sentences",
        "For each sentence, choose how it frames what it reports. Press Check, then save.",
        [f"{sentence} ({doc_id})" for doc_id, sentence in SENTENCES],
        list(LABELS),
        graded=True,
    )
