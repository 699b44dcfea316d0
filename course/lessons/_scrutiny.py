"""Equal scrutiny: what every exercise item says about whose framing it examines.

Each item of a lesson exercise that examines someone's framing is declared as an
:class:`Item`: the text shown, the **party** (a key of ``course.media.PARTIES``), the row that
records the speaker (checked with ``course.media.parties_for``), and the **key**: what the right
answer says about that party's words. ``tests/test_scrutiny.py`` counts the items per party.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

from course import media

__all__ = ["KEYS", "Item", "items_frame"]

#: What the right answer of an item says about the examined party's words.
KEYS: dict[str, str] = {
    "framing": "the words or choices shape the story: a loaded label, a doubtful or accusing "
    "verb, a one-sided charge, a source or an agent left out",
    "fair": "the words report plainly, or attribute what others say",
    "unseen": "the party's own words are not in the documents: paraphrase or absence",
    "quoted": "the party's own words are in the documents, in quotation marks",
}


@dataclass(frozen=True)
class Item:
    """One exercise item that examines one party's framing.

    ``source`` is ``"attribution:<id>"``, ``"actor:<id>"`` or ``"document:<doc_id>"`` (see
    ``course.media.parties_for``); ``party`` must be one the tables allow for it.
    """

    exercise_id: str
    text: str
    party: str
    key: str
    source: str

    def __post_init__(self) -> None:
        if self.party not in media.PARTIES:
            raise ValueError(f"{self.exercise_id}: unknown party {self.party!r}")
        if self.key not in KEYS:
            raise ValueError(f"{self.exercise_id}: unknown key {self.key!r}")


def items_frame(items: Iterable[Item]) -> pd.DataFrame:
    """A table of items: exercise_id, text, party, party_label, key, source."""
    frame = pd.DataFrame(
        [asdict(item) for item in items],
        columns=["exercise_id", "text", "party", "key", "source"],
    )
    frame.insert(3, "party_label", frame["party"].map(media.PARTIES))
    return frame
