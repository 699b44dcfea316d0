"""Equal scrutiny: do the media lessons give every party in their objectives the same tests?

The exercise items are read from the exercise definitions (``scrutiny_items()`` of
``course.lessons.l04_framing`` and ``l05_then_and_now``), each with a party from one vocabulary
(``course.media.PARTIES``) checked against the attributions and actors tables, and a key
(``course.lessons._scrutiny.KEYS``): what its right answer says about that party's words.
"""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from course import data, media
from course.lessons import l04_framing as l04
from course.lessons import l04_voices
from course.lessons import l05_then_and_now as l05
from tests.conftest import REPO

LESSONS = {
    "04_media_framing": l04,
    "05_aleppo_2016_and_2024": l05,
}


def _markdown(stem: str) -> list[str]:
    nb = nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "markdown"]


def per_party(items: pd.DataFrame) -> pd.DataFrame:
    """Items per party and key, every key a column, for the failure messages and the report."""
    return items.groupby(["party", "key"]).size().unstack(fill_value=0)


@pytest.mark.parametrize("stem", LESSONS)
def test_every_party_in_the_objectives_has_an_exercise_item(stem):
    """Does every party the lesson's objectives list get at least one exercise item?"""
    module = LESSONS[stem]
    items = module.scrutiny_items()
    missing = [p for p in module.OBJECTIVE_PARTIES if p not in set(items["party"])]
    assert not missing, f"no item for {missing}\n{per_party(items)}"


@pytest.mark.parametrize("stem", LESSONS)
def test_the_objectives_name_every_party_the_lesson_examines(stem):
    """Does the objectives cell name each party of OBJECTIVE_PARTIES, as the students see it?"""
    opening = "\n".join(_markdown(stem)[:4]).replace("\n", " ")
    if stem.startswith("04"):
        for party in LESSONS[stem].OBJECTIVE_PARTIES:
            assert media.PARTIES[party] in opening, party
    else:  # lesson 05 names them in running text
        for word in ["Syrian government", "Russian", "Iranian", "Turkish", "insurgents", "Kurdish"]:
            assert word in opening, word


def test_no_party_in_lesson_04_is_keyed_only_one_way():
    """Is every party examined in at least two ways, and the Western outlets critically too?

    Every party needs items with at least two different keys. A party the documents never
    quote in its own words (``unheard_parties``) may instead be examined only through that
    absence, but needs at least one ``unseen`` item saying so. The Western outlets need at
    least one item where their own framing is what is examined critically.
    """
    items = l04.scrutiny_items()
    unheard = set(l04_voices.unheard_parties())
    table = per_party(items)
    for party in l04.OBJECTIVE_PARTIES:
        keys = set(items.loc[items["party"] == party, "key"])
        if party in unheard:
            assert "unseen" in keys, f"{party} is never quoted, yet no item says so\n{table}"
        else:
            assert len(keys) >= 2, f"{party} is keyed only {keys}\n{table}"
    western = set(items.loc[items["party"] == "western_outlets", "key"])
    assert {"fair", "framing"} <= western, f"Western outlets keyed only {western}"


def test_the_balance_rule_fails_when_western_outlets_are_only_praised():
    """Would the rule fail if the Western outlets' critical items were keyed as good practice?"""
    items = l04.scrutiny_items()
    praised = items.assign(key=items["key"].where(items["party"] != "western_outlets", "fair"))
    keys = set(praised.loc[praised["party"] == "western_outlets", "key"])
    assert len(keys) == 1  # the rule above would reject this


@pytest.mark.parametrize("stem", LESSONS)
def test_every_item_s_party_is_one_the_tables_allow(stem):
    """Is each item's party consistent with the attributions or actors row of its speaker?"""
    items = LESSONS[stem].scrutiny_items()
    for item in items.itertuples():
        allowed = media.parties_for(item.source)
        assert item.party in allowed, f"{item.text[:60]}: {item.party} not in {sorted(allowed)}"


@pytest.mark.parametrize("stem", LESSONS)
def test_every_item_is_in_the_exercise_students_see(stem):
    """Does each counted item appear in the widget its exercise builds (no separate list)?"""
    module = LESSONS[stem]
    shown = {}
    for build in module.EXERCISES:
        quiz = build()
        parts = [getattr(quiz.prompt, "value", "")]
        parts += list(getattr(quiz, "items", []) or []) + list(getattr(quiz, "options", []) or [])
        shown[quiz.exercise_id] = "\n".join(parts)
    for item in module.scrutiny_items().itertuples():
        assert item.exercise_id in shown, item.exercise_id
        assert item.text in shown[item.exercise_id].replace("&#x27;", "'"), item.text[:80]


def test_parties_never_quoted_are_named_as_such_in_the_lesson():
    """Does lesson 04 say plainly which parties the documents never quote, and no others?"""
    unheard = {media.PARTIES[p] for p in l04_voices.unheard_parties()}
    cell = next(c for c in _markdown("04_media_framing") if "never speak in their own words" in c)
    named = set(re.findall(r"\*\*(.+?)\.\*\*", cell))
    assert {name.lower() for name in named} == {name.lower() for name in unheard}


# Sentences that name a never-quoted party and hold a quotation, with whose words it holds.
_QUOTES_OF_OTHERS = {
    "wp_battle-p030-s03": "the author Diana Darke, on the Kurds among Aleppo's residents",
    "wp_battle-p113-s01": "the Syrian Network for Human Rights, via Amnesty",
    "bbc_live-p032-s01": "the Russian Defence Ministry, via Interfax",
}


def _names(actor_ids: list[str]) -> list[str]:
    actors = data.actors().set_index("actor_id").loc[actor_ids]
    found = list(actors["name"])
    for aliases in actors["aliases"].dropna():
        found += [alias.strip() for alias in str(aliases).split("|")]
    return found


@pytest.mark.parametrize(
    ("party", "names"),
    [
        ("kurdish", lambda: _names(list(data.actors().query("side == 'kurdish'")["actor_id"]))),
        ("russian_media", lambda: _names(["ria", "interfax"])),
    ],
)
def test_a_party_called_never_quoted_has_no_quotation_in_any_document(party, names):
    """Does every sentence naming a never-quoted party hold no quotation of its own words?"""
    assert party in l04_voices.unheard_parties()
    pattern = r"\b(?:" + "|".join(re.escape(n) for n in names()) + r"|Kurd\w*)\b"
    sentences = data.sentences()
    for sentence in sentences.itertuples():
        if re.search(pattern, sentence.text) and media.QUOTED.search(sentence.text):
            assert sentence.sent_id in _QUOTES_OF_OTHERS, sentence.text


def test_items_per_party_table_for_the_report():
    """Can the items per party be tabulated for both lessons (the closing note's table)?"""
    both = pd.concat(
        [l04.scrutiny_items().assign(lesson="04"), l05.scrutiny_items().assign(lesson="05")]
    )
    table = both.groupby(["party_label", "lesson"]).size().unstack(fill_value=0)
    assert (table.sum(axis=1) > 0).all()
    assert set(l04.OBJECTIVE_PARTIES) <= set(both["party"])
