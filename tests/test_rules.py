"""The editorial rules: the tables' own voice, sides and alignments by one rule, and the facts
the documents give that the tables once lacked."""

from __future__ import annotations

import pandas as pd
import pytest

from course import data, rules, text


@pytest.fixture(scope="module")
def words():
    return rules.loaded_words()


@pytest.mark.parametrize(
    ("prose", "flagged"),
    [
        ("Rebels took the district.", []),
        ("Government forces recaptured the district.", ["recaptured"]),
        ('Government forces "recaptured" the district, in Wikipedia\'s word.', []),
        ("According to Wikipedia, the army recaptured the district.", []),
        ("The AP says the rebels were ousted in 2016.", []),
        ("The rebels were ousted in 2016.", ["ousted"]),
        ("Fall of eastern Aleppo and evacuation", ["Fall of"]),
        ("One may argue for July 2016 or for the fall in December 2016.", ["the fall"]),
        ("In the autumn, the army advanced; rain began to fall in November.", []),
        ("A rebel counter-offensive briefly broke the siege.", ["broke the siege"]),
        ("Rebels announced that the siege had been broken.", []),
        ("The army indiscriminately shelled the east.", ["indiscriminately"]),
        ("The report reveals atrocities by the government.", ["atrocities"]),
        ("Water was deliberately cut.", ["deliberately"]),
        ("Kurdish forces fought Islamic State militants.", ["militants"]),
        ("The United States condemned Islamic State militants.", []),
        ("The regime fell; the BBC called it a 'massacre'.", ["regime"]),
        ("Iran's foreign minister accused the U.S. and the regime in Israel.", []),
        ("Opposition forces advanced.", ["Opposition"]),
        ('The station the BBC calls "pro-opposition" spoke.', []),
    ],
)
def test_own_voice_rule_flags_only_unquoted_unattributed_loaded_words(prose, flagged, words):
    """Is a loaded word flagged in a table's own prose unless it is quoted or attributed?"""
    found = rules._unattributed(prose, words)
    assert [item.split("'")[1] for item in found] == flagged


@pytest.mark.parametrize("table", list(rules.PROSE_FIELDS))
def test_the_committed_tables_pass_the_own_voice_rule(table):
    """Does every row of every curated table keep loaded words quoted or attributed?"""
    assert list(rules.own_voice_problems(table, data.read_raw(table))) == []


def test_the_issue_examples_are_gone_from_the_tables():
    """Are 'indiscriminate', 'deliberately', 'ousted', 'reveals atrocities' and 'Fall of' gone?"""
    prose = []
    for table, fields in rules.PROSE_FIELDS.items():
        frame = data.read_raw(table)
        prose += [text for field in fields for text in frame[field]]
    joined = "\n".join(prose)
    assert "Fall of eastern Aleppo" not in joined
    assert "briefly broke the siege" not in joined
    assert "reveal atrocities" not in joined
    assert "Opposition forces were ousted" not in joined
    names = data.phases().set_index("phase_id")["name"]
    assert not names.str.contains("Fall", case=False).any()


# --------------------------------------------------------------------------------------------
# Sides and alignments


@pytest.fixture(scope="module")
def actors() -> pd.DataFrame:
    return data.actors()


@pytest.fixture(scope="module")
def attributions() -> pd.DataFrame:
    return data.attributions()


def test_every_alignment_is_the_camp_of_the_speakers_actor(actors, attributions):
    """Is each row's alignment exactly the camp computed from its actor (or not_stated)?"""
    for row in attributions.itertuples():
        if pd.notna(row.actor_id):
            assert row.alignment == rules.camp(row.actor_id, actors), row.attribution_id
        else:
            assert row.alignment in ("not_stated", "both_sides"), row.attribution_id


def test_the_same_speaker_has_the_same_code_everywhere(attributions):
    """Does every speaker (and every actor) have one alignment across all rows?"""
    speakers = attributions.assign(who=attributions["speaker"].str.replace("’", "'").str.lower())
    assert (speakers.groupby("who")["alignment"].nunique() == 1).all()
    by_actor = attributions.dropna(subset=["actor_id"]).groupby("actor_id")["alignment"]
    assert (by_actor.nunique() == 1).all()


def test_state_media_take_their_states_camp(actors, attributions):
    """Does every outlet the documents call state-run or state media belong to its state?"""
    media = actors[actors["kind"] == "media"]
    state_run = media[
        media["quote"].str.contains("state-run|state media", case=False)
        | media["notes"].str.contains("state-run|state media", case=False)
    ]
    assert set(state_run["actor_id"]) >= {"anadolu", "syrian_state_media"}
    parents = actors.set_index("actor_id")
    for row in state_run.itertuples():
        assert pd.notna(row.parent_id), row.actor_id
        assert row.side == parents.loc[row.parent_id, "side"], row.actor_id
    codes = attributions.set_index("attribution_id")["alignment"]
    assert codes["ap_2024-a24"] == "turkey"  # "Turkiye's state-run Anadolu Agency"
    assert codes["ap_2024-a25"] == "syrian_government"  # "Syria's state media"


def test_outlets_whose_owner_is_not_stated_are_not_guessed(attributions):
    """Are RIA, Interfax, Al Mayadeen and Reuters not_stated, as the documents say nothing?"""
    codes = attributions.set_index("attribution_id")["alignment"]
    for attribution_id in ("bbc_live-a44", "bbc_live-a11", "bbc_live-a23", "bbc_live-a47"):
        assert codes[attribution_id] == "not_stated", attribution_id


def test_media_described_by_camp_are_coded_alike(attributions):
    """Are Syrian and Iranian media and the pro-opposition station both given their camp?"""
    codes = attributions.set_index("attribution_id")["alignment"]
    assert codes["bbc_live-a26"] == "syrian_government"  # "some media in Syria and Iran"
    assert codes["bbc_live-a27"] == "opposition"  # "a Syrian pro-opposition TV station"


def test_monitors_called_pro_opposition_are_on_that_side(actors, attributions):
    """Do the SOHR and SNHR, which Wikipedia calls pro-opposition, have that side everywhere?"""
    sides = actors.set_index("actor_id")["side"]
    assert sides["sohr"] == sides["snhr"] == "opposition"
    sohr = attributions[attributions["actor_id"] == "sohr"]
    assert set(sohr["alignment"].astype(str)) == {"opposition"}


def test_no_code_claims_independence_the_documents_never_state(attributions):
    """Are 'independent' and 'unknown' gone, replaced by not_stated?"""
    assert not set(attributions["alignment"].astype(str)) & {"independent", "unknown"}


def test_voices_inside_the_enclave_are_located_there(attributions):
    """Does the BBC page place its enclave voices in rebel-held Aleppo, whatever their camp?"""
    bbc = attributions[attributions["doc_id"] == "bbc_live"]
    inside = bbc[bbc["location"] == "rebel_held_aleppo"]
    assert {"Zouhir al-Shimale", "Lina Shamy", "Oum Mudar", "Fatemeh"} <= set(inside["speaker"])


@pytest.mark.parametrize(
    ("actor_id", "camp"),
    [
        ("syrian_air_force", "syrian_government"),
        ("kremlin", "russia"),
        ("irgc", "iran"),
        ("hezbollah_media_unit", "hezbollah"),
        ("anadolu", "turkey"),
        ("french_foreign_ministry", "western"),
        ("ohchr", "un"),
        ("fsa", "opposition"),
        ("ypg", "kurdish"),
        ("iraqi_shia_militias", "syrian_government"),
        ("reuters", "not_stated"),
    ],
)
def test_camp_follows_the_parent_chain_then_the_side(actors, actor_id, camp):
    """Is an actor's camp its nearest named ancestor's, or else its side's?"""
    assert rules.camp(actor_id, actors) == camp


def test_camp_refuses_sides_without_a_camp(actors):
    """Does asking for the camp of the Islamic State or Israel raise instead of guessing?"""
    for actor_id in ("isil", "israel"):
        with pytest.raises(ValueError, match=actor_id):
            rules.camp(actor_id, actors)


# --------------------------------------------------------------------------------------------
# Facts the documents give that the tables lacked


def _events_quoting(doc_id: str, words: str) -> pd.DataFrame:
    events = data.events()
    return events[(events["doc_id"] == doc_id) & events["quote"].str.contains(words, regex=False)]


@pytest.mark.parametrize(
    ("doc_id", "words"),
    [
        ("ap_2024", "seize control of Saraqeb"),
        ("ap_2024", "with drones early Friday, destroying a helicopter"),
        ("ap_2024", "seized heavy weapons and military vehicles"),
        ("ap_2024", "were seen as a violation of a 2019 agreement"),
        ("ap_2024", "the insurgents are violating a 2019 agreement"),
        ("bbc_live", "Rebels have blocked evacuations from two pro-government towns"),
        ("bbc_live", "Buses carrying people from east Aleppo have been fired on"),
        ("wp_battle", "all flights were suspended on 1 January 2013"),
        ("wp_battle", "City divided between a government-held west and rebel-held east"),
    ],
)
def test_facts_the_issue_found_missing_have_an_event(doc_id, words):
    """Does each fact the review found missing now have an events row quoting it?"""
    assert len(_events_quoting(doc_id, words)) == 1


def test_the_2019_agreement_breach_is_attributed_both_ways(attributions):
    """Are both claims of who broke the 2019 agreement recorded, each with its speaker?"""
    ap = attributions[attributions["doc_id"] == "ap_2024"].set_index("attribution_id")
    assert "violating a 2019 agreement" in ap.loc["ap_2024-a26", "quote"]
    assert ap.loc["ap_2024-a26", "alignment"] == "syrian_government"
    assert "seen as a violation" in ap.loc["ap_2024-a32", "quote"]
    assert ap.loc["ap_2024-a32", "alignment"] == "not_stated"  # the AP does not say who


def test_the_blocked_evacuations_and_the_buses_are_attributed(attributions):
    """Are the BBC's blocked evacuations and fired-on buses attributed as the page does?"""
    bbc = attributions.set_index("attribution_id")
    assert bbc.loc["bbc_live-a01", "speaker"] == "government sources"
    assert bbc.loc["bbc_live-a02", "alignment"] == "both_sides"


def test_the_airport_closure_a_phase_summary_relies_on_is_an_event():
    """Is the 1 January 2013 closure, which the 2013 summary opens with, dated in events?"""
    events = data.events().set_index("event_id")
    assert events.loc["ev164", "date"] == pd.Timestamp("2013-01-01")
    summary = data.phases().set_index("phase_id").loc["y2013_advances", "summary"]
    assert "1 January 2013" in summary


def test_the_siege_length_conflict_is_a_claim_group():
    """Do the AP's 'weeks' and Wikipedia's four years sit side by side as one claim group?"""
    figures = data.figures()
    siege = figures[figures["claim_group"] == "aleppo_siege_duration"].set_index("doc_id")
    assert set(siege.index) == {"ap_2024", "wp_battle", "ap_rewrite"}
    assert siege.loc["ap_2024", "unit"] == "weeks" and pd.isna(siege.loc["ap_2024", "low"])
    assert siege.loc["wp_battle", "low"] == 4 and siege.loc["wp_battle", "unit"] == "years"
    assert "lasted for weeks" in siege.loc["ap_2024", "quote"]
    assert "four-year siege" in siege.loc["wp_battle", "quote"]


def test_every_phase_summary_date_has_an_event():
    """Is every day-precise date a phase summary names (e.g. '4 September') an event date?"""
    import re

    events = data.events()
    days = set(events.loc[events["date_precision"] == "day", "date"].dt.strftime("%-d %B"))
    days |= set(events.loc[events["end_date_precision"] == "day", "end_date"].dt.strftime("%-d %B"))
    for phase in data.phases().itertuples():
        for day in re.findall(
            r"\b(\d{1,2} (?:January|February|March|April|May|June|July|"
            r"August|September|October|November|December))\b",
            phase.summary,
        ):
            assert day in days, (phase.phase_id, day)


def test_jabhat_fateh_al_sham_is_not_silently_al_nusra():
    """Is the group the documents never link to al-Nusra kept as its own actor?"""
    actors = data.actors().set_index("actor_id")
    assert "Jabhat Fateh al-Sham" not in str(actors.loc["al_nusra", "aliases"])
    events = data.events().set_index("event_id")
    assert "jabhat_fateh_al_sham" in events.loc["ev142", "actors"]


def test_infobox_sides_match_the_infobox():
    """Is every actor whose side comes from the infobox listed in a column of that side?"""
    infobox = text.clean("wp_battle").infobox
    actors = data.actors()
    listed = actors[actors["side_basis"] == "infobox"]
    assert len(listed) > 90
    assert list(rules.side_problems("actors", data.read_raw("actors"))) == []
    assert "Syrian Arab Republic" in infobox["combatant1"]
