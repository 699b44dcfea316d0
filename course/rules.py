"""Editorial rules for the curated tables: the tables' own voice, sides and alignments, usage.

:mod:`course.checks` runs these with its other course rules; each yields
:class:`course.package.Problem` objects naming the row and field. They hold the rules written in
the data card (``datasets/README.md``):

* **Own voice.** A table's own prose (descriptions, summaries, claims, measures, notes, phase
  names) uses a loaded word only inside quotation marks or in a sentence that attributes it
  ("according to X", "X said", "X called it …"). Loaded words are the framing lexicon's terms
  whose connotation is not ``descriptive``, plus :data:`OWN_VOICE_WORDS`.
* **Sides.** ``actors.side`` follows ``actors.side_basis``: a side taken from a parent
  (``part_of``) is the parent's side, a side read from an infobox column matches the column that
  lists the actor, and ``not_stated`` goes with ``not_stated``.
* **Alignments.** ``attributions.alignment`` is the camp of the actor the speaker is, belongs to
  or is run by (``attributions.actor_id``), computed by :func:`camp`; a speaker with no such
  actor is ``not_stated`` (or ``both_sides``). The same speaker has the same code in every row.
* **Usage is computed.** No curated table types who uses a label (the framing table has no
  ``used_by`` column; ``course build`` computes it), and in ``wp_battle``, whose attributed
  statements are recorded only where they use a lexicon term, every attributions row does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from course import text, voices
from course.package import Problem, read_raw

__all__ = [
    "ATTRIBUTION_MARKERS",
    "CAMPS",
    "OWN_VOICE_WORDS",
    "PROSE_FIELDS",
    "camp",
    "loaded_words",
    "own_voice_problems",
]

# The fields in which a table speaks in its own voice. Names as printed, places as printed,
# quotes and claimants are the documents' words and are not checked.
PROSE_FIELDS: dict[str, tuple[str, ...]] = {
    "documents": ("note",),
    "defects": ("description", "lesson_use"),
    "phases": ("name", "summary"),
    "actors": ("notes",),
    "events": ("description", "date_note"),
    "figures": ("measure", "note"),
    "attributions": ("claim", "note"),
    "framing": ("note",),
}

# Words outside the lexicon that a table may not use in its own voice, with the reason.
OWN_VOICE_WORDS: dict[str, str] = {
    r"\bindiscriminat\w*": "a judgement about how attacks were aimed",
    r"\bdeliberate(?:ly)?\b": "a claim about intent",
    r"\bbr(?:oke|oken|eak|eaks|eaking)\b(?:\W+\w+){0,3}?\W+siege\b": "a claim that a siege ended",
    r"\bsiege\b(?:\W+\w+){0,8}?\W+(?:had been |was )?broken\b": "a claim that a siege ended",
    # "the fall of eastern Aleppo", and "the fall in December 2016" or "Aleppo's fall" too
    r"\bfall of\b|(?:\bthe|\bits|['’]s)\s+fall\b(?!\s+\d{4})": "tells the story from the side "
    "that held the place",
    r"\bwar crimes?\b": "a legal judgement",
    r"\bcrimes? against humanity\b": "a legal judgement",
    r"\bslaughter\w*": "emotive",
    r"\bbrutal\w*": "emotive",
    r"\bsavage\w*": "emotive",
    r"\bruthless\w*": "emotive",
    r"\bmurder\w*": "a legal judgement",
    r"\bgenocide\b": "a legal judgement",
    r"\burbicide\b": "a charge made by named authors",
}

# Words that attribute what a sentence says to someone; "state" only in lower case, so that
# "the United States" or "Islamic State" attribute nothing.
ATTRIBUTION_MARKERS = re.compile(
    r"\b(?:according to|in (?:the|its|their|his|her) words|"
    r"say|says|said|saying|(?-i:state|states|stated)|claim|claims|claimed|alleg\w*|"
    r"reports|reported|reportedly|accus\w*|call|calls|called|describ\w*|"
    r"warn\w*|declar\w*|announc\w*|wrote|writes|told|tells|den(?:y|ies|ied)|"
    r"condemn\w*|conclud\w*|found that|urg\w*|quot\w*|prais\w*|named|titled|tweet\w*|"
    r"estimat\w*|blam\w*|suggest\w*|compar\w*|"
    r"(?:the )?(?:AP|BBC|Wikipedia|rewrite)'s (?:word|phrase|term)s?)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Ms|Mrs|Dr|St|Gen|Lt|Col|c)\.)$")


def _sentences(prose: str) -> list[tuple[int, int]]:
    """Return the spans of the sentences (and clauses after ';') of ``prose``.

    A full stop after an initial or a title ('U.S.', 'Mr.') does not end a sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for gap in _SENTENCE_END.finditer(prose):
        if _ABBREVIATION.search(prose[start : gap.start()]):
            continue
        spans.append((start, gap.start()))
        start = gap.end()
    spans.append((start, len(prose)))
    return spans


# Camps of attributions.alignment that are one actor (or a group of actors): the speaker's
# actor or its nearest ancestor among these decides the camp; otherwise the side decides.
CAMPS: dict[str, str] = {
    "syrian_government": "syrian_government",
    "russia": "russia",
    "iran": "iran",
    "hezbollah": "hezbollah",
    "turkey": "turkey",
    "united_states": "western",
    "united_kingdom": "western",
    "france": "western",
    "german_government": "western",
    "italy": "western",
    "european_union": "western",
    "paris_mayors_office": "western",
    "un": "un",
}
# Otherwise the side decides; an actor on the government side outside the camps above (an
# allied militia, media the documents describe as celebrating the government's victory) is
# coded with the government it sides with.
_CAMP_OF_SIDE = {
    "pro_government": "syrian_government",
    "opposition": "opposition",
    "kurdish": "kurdish",
    "not_stated": "not_stated",
}
_INFOBOX_SIDE = {"1": "pro_government", "2": "opposition", "3": "kurdish"}


def _rows(frame: pd.DataFrame) -> Iterator[tuple[int, pd.Series]]:
    for index, row in frame.iterrows():
        yield int(index) + 2, row


# --------------------------------------------------------------------------------------------
# Own voice


def loaded_words() -> list[tuple[re.Pattern[str], str]]:
    """Return (pattern, why) for every word a table may use only quoted or attributed.

    The framing lexicon's terms whose connotation is not ``descriptive`` come first, then
    :data:`OWN_VOICE_WORDS`. Lexicon patterns that do not compile are skipped (another rule
    reports them).
    """
    words = []
    try:
        lexicon = read_raw("framing")
    except (FileNotFoundError, pd.errors.ParserError):
        lexicon = pd.DataFrame(columns=["term_id", "pattern", "connotation"])
    for row in lexicon.itertuples():
        if row.connotation == "descriptive":
            continue
        try:
            words.append((re.compile(row.pattern, re.IGNORECASE), f"{row.connotation} label"))
        except re.error:
            continue
    words += [(re.compile(p, re.IGNORECASE), why) for p, why in OWN_VOICE_WORDS.items()]
    return words


def _unattributed(prose: str, words: list[tuple[re.Pattern[str], str]]) -> list[str]:
    found = []
    quoted = voices.quoted_spans(prose)
    for start, end in _sentences(prose):
        sentence = prose[start:end]
        attributed = bool(ATTRIBUTION_MARKERS.search(sentence))
        for pattern, why in words:
            for match in pattern.finditer(sentence):
                a, b = start + match.start(), start + match.end()
                if attributed or any(x <= a and b <= y for x, y in quoted):
                    continue
                found.append(f"{match.group(0)!r} ({why})")
    return found


def own_voice_problems(name: str, frame: pd.DataFrame) -> Iterator[Problem]:
    """Flag loaded words in a table's own prose that are neither quoted nor attributed."""
    fields = [field for field in PROSE_FIELDS.get(name, ()) if field in frame]
    if not fields:
        return
    words = loaded_words()
    for number, row in _rows(frame):
        for field in fields:
            found = _unattributed(str(row[field]), words)
            if found:
                yield Problem(
                    name,
                    number,
                    field,
                    f"loaded word(s) in the table's own voice: {', '.join(found)}; "
                    "quote the document's words or attribute them ('according to X', "
                    "'X called it …')",
                )


# --------------------------------------------------------------------------------------------
# Sides and alignments


def _ancestry(actor_id: str, parents: dict[str, str]) -> list[str]:
    chain, seen = [actor_id], {actor_id}
    while parents.get(chain[-1]) and parents[chain[-1]] not in seen:
        chain.append(parents[chain[-1]])
        seen.add(chain[-1])
    return chain


def camp(actor_id: str, actors: pd.DataFrame) -> str:
    """Return the ``attributions.alignment`` code for a speaker who is or speaks for ``actor_id``.

    The first actor in the chain actor → parent → … that is in :data:`CAMPS` gives the camp;
    otherwise the actor's ``side`` does (``opposition``, ``kurdish`` or ``not_stated``).
    ``actors`` is the actors table (raw or typed). Raises ``KeyError`` for an unknown actor and
    ``ValueError`` for a side that has no alignment code (``islamic_state``, ``other``).
    """
    parents = dict(zip(actors["actor_id"], actors["parent_id"].fillna(""), strict=True))
    sides = dict(zip(actors["actor_id"], actors["side"].astype(str), strict=True))
    if actor_id not in sides:
        raise KeyError(f"unknown actor_id {actor_id!r}")
    for ancestor in _ancestry(actor_id, parents):
        if ancestor in CAMPS:
            return CAMPS[ancestor]
    side = sides[actor_id]
    if side not in _CAMP_OF_SIDE:
        raise ValueError(f"actor {actor_id!r} (side {side}) belongs to no alignment camp")
    return _CAMP_OF_SIDE[side]


def _normal(speaker: str) -> str:
    return speaker.replace("’", "'").strip().lower()


def alignment_problems(name: str, frame: pd.DataFrame) -> Iterator[Problem]:
    """Check ``attributions.alignment`` against the written rule (see the module docstring)."""
    if name != "attributions" or "actor_id" not in frame:
        return
    actors = read_raw("actors")
    known = set(actors["actor_id"])
    first_code: dict[str, tuple[str, int]] = {}
    for number, row in _rows(frame):
        code, actor_id = row["alignment"], row["actor_id"]
        if actor_id:
            if actor_id not in known:
                yield Problem(name, number, "actor_id", f"unknown actor {actor_id!r}")
                continue
            try:
                expected = camp(actor_id, actors)
            except ValueError as error:
                yield Problem(name, number, "actor_id", str(error))
                continue
            if code != expected:
                yield Problem(
                    name,
                    number,
                    "alignment",
                    f"{code!r} breaks the rule: the speaker's actor {actor_id!r} gives "
                    f"{expected!r}",
                )
        elif code not in ("not_stated", "both_sides"):
            yield Problem(
                name,
                number,
                "alignment",
                f"{code!r} needs the actor it comes from: name it in actor_id (the party the "
                "speaker is, belongs to or is run by), or code the speaker 'not_stated'",
            )
        key = _normal(row["speaker"])
        if key in first_code and first_code[key][0] != code:
            yield Problem(
                name,
                number,
                "alignment",
                f"speaker {row['speaker']!r} is {code!r} here but {first_code[key][0]!r} in row "
                f"{first_code[key][1]}; the same speaker has the same code in every row",
            )
        first_code.setdefault(key, (code, number))


def side_problems(name: str, frame: pd.DataFrame) -> Iterator[Problem]:
    """Check ``actors.side`` against ``actors.side_basis`` (see the module docstring)."""
    if name != "actors" or "side_basis" not in frame:
        return
    sides = dict(zip(frame["actor_id"], frame["side"], strict=True))
    infobox = text.clean("wp_battle").infobox if "wp_battle" in text.document_ids() else {}
    for number, row in _rows(frame):
        basis, side, parent = row["side_basis"], row["side"], row["parent_id"]
        if (basis == "not_stated") != (side == "not_stated"):
            yield Problem(
                name, number, "side", "side and side_basis must both be 'not_stated' or neither"
            )
        if basis == "part_of":
            if not parent:
                yield Problem(name, number, "side_basis", "'part_of' needs a parent_id")
            elif parent in sides and sides[parent] != side:
                yield Problem(
                    name,
                    number,
                    "side",
                    f"{side!r} differs from its parent {parent!r} ({sides[parent]!r}); "
                    "a side taken from the parent is the parent's",
                )
        if basis == "infobox":
            names = [row["name"], *[a.strip() for a in row["aliases"].split("|") if a.strip()]]
            columns = [
                key
                for key, value in infobox.items()
                if key[:-1] in ("combatant", "units", "commander")
                and any(
                    re.search(rf"(?<!\w){re.escape(n)}(?!\w)", value, re.IGNORECASE) for n in names
                )
            ]
            listed = {_INFOBOX_SIDE[key[-1]] for key in columns}
            if not listed:
                yield Problem(
                    name, number, "side_basis", "'infobox', but no infobox column lists it"
                )
            elif side not in listed:
                yield Problem(
                    name,
                    number,
                    "side",
                    f"{side!r}, but the infobox lists it in {', '.join(sorted(columns))}",
                )


# --------------------------------------------------------------------------------------------
# Usage is computed


def usage_problems(name: str, frame: pd.DataFrame) -> Iterator[Problem]:
    """No typed usage in the lexicon; wp_battle attributions each cover a lexicon term."""
    if name == "framing" and "used_by" in frame:
        yield Problem(
            name,
            None,
            "used_by",
            "used_by is computed by `course build` from the texts and the attributions table "
            "(derived/framing_uses.csv); delete the column instead of typing it",
        )
    if name == "attributions":
        try:
            lexicon = read_raw("framing")
            patterns = [re.compile(p, re.IGNORECASE) for p in lexicon["pattern"]]
        except (FileNotFoundError, re.error, KeyError):
            return
        for number, row in _rows(frame):
            if row["doc_id"] == "wp_battle" and not any(p.search(row["quote"]) for p in patterns):
                yield Problem(
                    name,
                    number,
                    "quote",
                    "wp_battle's attributed statements are recorded only where they use a "
                    "framing-lexicon term, and this quote uses none",
                )
    if name == "framing_uses" and "voice" in frame:
        for number, row in _rows(frame):
            if row["voice"] == "quoted" and not row["attribution_id"]:
                yield Problem(
                    name,
                    number,
                    "attribution_id",
                    f"{row['form']!r} in {row['doc_id']} (offset {row['start']}) is inside "
                    "quotation marks but no attributions row covers it; add one",
                )
