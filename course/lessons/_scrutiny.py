"""Equal scrutiny: what every exercise item says about whose framing it examines.

Each item of a lesson exercise that examines someone's framing is declared as an
:class:`Item`: the text shown, the **party** (a key of ``course.media.PARTIES``), the row that
records the speaker (checked with ``course.media.parties_for``), and the **key**: what the right
answer says about that party's words. ``tests/test_scrutiny.py`` counts the items per party.

This module also holds :class:`HintedMultiSelect`, a ``MultiSelect`` whose feedback names the
kind of option a learner missed or added, and after a second try the option itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from course import media
from course.widgets import MultiSelect

__all__ = ["KEYS", "HintedMultiSelect", "Item", "items_frame"]

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


class HintedMultiSelect(MultiSelect):
    """A ``MultiSelect`` whose feedback says what is wrong, not only how much.

    ``missing_kind`` maps each right option to a description of its kind ("an outlet the
    documents only paraphrase"); ``extra_hints`` maps each wrong option to why it does not
    belong. On the first wrong check the feedback names the *kind* of option missed and
    explains any wrong option ticked; from the second wrong check on it names the missed
    option itself.
    """

    def __init__(
        self,
        exercise_id: str,
        prompt: str,
        options: Sequence[str],
        answers: Sequence[str],
        *,
        missing_kind: Mapping[str, str],
        extra_hints: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        self.missing_kind = dict(missing_kind)
        self.extra_hints = dict(extra_hints)
        unknown = (set(self.missing_kind) - set(answers)) | (set(self.extra_hints) - set(options))
        if unknown:
            raise ValueError(f"{exercise_id}: hints for unknown options {sorted(unknown)}")
        super().__init__(exercise_id, prompt, options, answers, **kwargs)

    def _evaluate(self, value: tuple[str, ...]) -> tuple[bool, str]:
        correct, counted = super()._evaluate(value)
        if correct:
            return True, counted
        chosen = set(value)
        parts = [counted]
        for option in self.options:
            if option in chosen and option not in self.answers:
                parts.append(f"'{option}' does not belong: {self.extra_hints.get(option, '')}")
        missed = [option for option in self.options if option in self.answers - chosen]
        for option in missed:
            kind = self.missing_kind.get(option, "an option").rstrip(".")
            if self.attempts >= 2:
                parts.append(f"You left out '{option}': {kind}.")
            else:
                parts.append(f"You left out {kind}.")
        return False, " ".join(part.strip() for part in parts if part.strip())
