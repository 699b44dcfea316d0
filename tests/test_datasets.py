"""The committed datasets: every quote checks out, and the coverage the course needs is there."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import checks, data, text
from tests.conftest import DATASETS, REPO

SEEDS = REPO.parent / "shared" / "seeds"


def test_every_table_passes_every_check_without_fingerprints():
    """Does every table pass frictionless and every course rule when checked from scratch?"""
    results = checks.validate_all()
    assert {name: [str(p) for p in found] for name, found in results.items() if found} == {}


def test_frictionless_cli_validates_the_data_package():
    """Does `frictionless validate datasets/datapackage.json` pass, foreign keys included?"""
    cli = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(cli), "validate", "datapackage.json"],
        cwd=DATASETS,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.parametrize(
    "table", ["phases", "events", "actors", "figures", "attributions", "defects"]
)
def test_every_quote_is_found_in_its_document(table):
    """Is each row's quote an exact excerpt (whitespace aside) of its document?"""
    frame = data.read_raw(table)
    for doc_id, quote, version in zip(
        frame["doc_id"],
        frame["quote"],
        frame.get("text_version", ["clean"] * len(frame)),
        strict=True,
    ):
        haystack = text.raw_text(doc_id) if version == "raw" else None
        assert text.find_quote(doc_id, quote, text=haystack), (table, doc_id, quote)


def test_raw_documents_are_the_seeds_byte_for_byte():
    """Are the raw files identical to the five seed documents they were copied from?"""
    if not SEEDS.is_dir():
        pytest.skip(f"seed folder {SEEDS} not present on this machine")
    seeds = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
    assert set(data.read_raw("documents")["sha256"]) == seeds


def test_events_cover_2011_to_2024_with_at_least_100_rows():
    """Are there at least 100 dated events, from the 2011 protests to the 2024 offensive?"""
    events = data.events()
    assert len(events) >= 100
    assert events["date"].min().year == 2011
    assert events["date"].max().year == 2024
    assert set(events["date_precision"].astype(str)) == {"day", "month", "year"}


def test_every_phase_has_events_inside_its_dates():
    """Does each phase have events, and does each event's date fall inside its phase?"""
    events, phases = data.events(), data.phases().set_index("phase_id")
    assert set(events["phase_id"]) == set(phases.index)
    for row in events.itertuples():
        phase = phases.loc[row.phase_id]
        precision_end = data.parse_date(
            data.read_raw("events").set_index("event_id").loc[row.event_id, "date"], end=True
        )
        assert precision_end >= phase["start"] and row.date <= phase["end"], row.event_id


def test_phases_cover_the_periods_the_course_teaches():
    """Are the required phases present, in order?"""
    assert list(data.phases()["phase_id"]) == [
        "prelude",
        "y2012_initial_attack",
        "y2013_advances",
        "y2014_encirclement",
        "y2015_attrition",
        "y2016_siege",
        "y2016_rebel_offensive",
        "y2016_fall",
        "aftermath",
        "y2024_offensive",
    ]


def test_resolved_dates_explain_themselves():
    """Does every event dated from a weekday or 'the next day' say how in date_note?"""
    events = data.read_raw("events")
    relative = re.compile(
        r"\b(next day|following (day|month)|Monday|Tuesday|Wednesday|Thursday|"
        r"Friday|Saturday|Sunday|two days later)\b"
    )
    for row in events.itertuples():
        if relative.search(row.quote) and not re.search(r"\d{4}", row.quote):
            assert row.date_note, row.event_id


def test_actors_cover_every_infobox_combatant_and_the_ypg_stance():
    """Are the infobox's states and groups in actors, and is the YPG's shifting stance noted?"""
    actors = data.actors().set_index("actor_id")
    for actor_id in [
        "syrian_government",
        "iran",
        "russia",
        "hezbollah",
        "liwa_al_quds",
        "iraqi_shia_militias",
        "fsa",
        "al_nusra",
        "army_of_conquest",
        "fatah_halab",
        "saudi_arabia",
        "qatar",
        "turkey",
        "france",
        "united_states",
        "united_kingdom",
        "ypg",
        "ypj",
        "army_of_revolutionaries",
        "hts",
    ]:
        assert actor_id in actors.index, actor_id
    assert "semi-allied with the Syrian Army" in actors.loc["ypg", "notes"]
    assert actors.loc["russia", "involvement"] == "(from September 2015)"
    assert str(actors.loc["russia", "involvement_start"]) == "2015-09"


def test_conflicting_figures_are_kept_side_by_side_and_attributed():
    """Do the disputed quantities keep every version, each with its own claimant?"""
    figures = data.figures()
    area = figures[figures["claim_group"] == "rebel_held_area_dec_2016"]
    assert {"Russian Defence Ministry"} <= set(area["claimant"])
    assert area["claimant"].str.contains("de Mistura").any()
    deaths = figures[figures["claim_group"] == "battle_total_deaths"]
    assert {31000, 31183, 31275} <= set(deaths["low"].dropna().astype(int))
    handarat = figures[figures["claim_group"].str.startswith("handarat_")]
    assert set(handarat["claimant_type"].astype(str)) == {"opposition", "government"}
    assert figures["claimant"].notna().all()


def test_attributions_cover_the_news_texts_and_every_speaker_type():
    """Are the three news documents and the 2016 excerpt covered, with all required types?

    wp_battle is covered too, but only for statements that use a framing-lexicon term.
    """
    rows = data.attributions()
    assert set(rows["doc_id"]) == {"ap_2024", "ap_rewrite", "bbc_live", "wp_offensive", "wp_battle"}
    required = {
        "government",
        "opposition",
        "foreign_state",
        "monitor",
        "un",
        "journalist",
        "expert",
        "resident",
    }
    assert required <= set(rows["speaker_type"].astype(str))
    for verb, quote in zip(rows["verb"], rows["quote"], strict=True):
        assert verb in quote, (verb, quote)


def test_framing_lexicon_has_the_core_labels():
    """Does the lexicon cover the labels the media lesson compares?"""
    terms = set(data.framing()["term_id"])
    assert {
        "insurgents",
        "rebels",
        "opposition",
        "terrorists",
        "militants",
        "regime",
        "government",
        "liberation",
        "fall",
    } <= terms


def test_framing_counts_are_computed_from_the_texts(datasets_copy):
    """Do the counts change when the text changes, i.e. are they computed, not typed in?"""
    from course import media

    lexicon = data.framing()
    before = media.count_terms(lexicon, ["ap_2024"]).set_index("term_id")["count"]
    raw = datasets_copy / "raw" / "ap_insurgents_breach_aleppo_2024.txt"
    edited = raw.read_text(encoding="utf-8").replace("Insurgents", "Rebels")
    raw.write_text(edited, encoding="utf-8")
    after = media.count_terms(lexicon, ["ap_2024"]).set_index("term_id")["count"]
    assert after["insurgents"] < before["insurgents"]
    assert after["rebels"] > before["rebels"]
    committed = data.framing_counts().set_index(["term_id", "doc_id"])["count"]
    assert committed.loc[("insurgents", "ap_2024")] == before["insurgents"]


def test_documents_record_the_rewrite_and_the_rights():
    """Does the documents table say the rewrite derives from the AP story, and give licences?"""
    documents = data.documents().set_index("doc_id")
    assert documents.loc["ap_rewrite", "derived_from"] == "ap_2024"
    assert documents.loc["wp_battle", "licence"] == "CC BY-SA 4.0"
    assert documents["rights"].notna().all()


def test_known_defects_are_recorded():
    """Are the teaching defects listed, with how the course treats each?"""
    defects = data.defects().set_index("defect_id")
    for defect_id in [
        "wp_battle-coordinate",
        "wp_battle-c-undefined",
        "ap_rewrite-second-largest",
        "bbc_live-puitin",
        "wp_battle-mojibake",
    ]:
        assert defect_id in defects.index
    assert defects.loc["wp_battle-mojibake", "treatment"] == "repaired_in_code"
    assert defects.loc["bbc_live-puitin", "treatment"] == "kept"


def test_datasets_folder_copies_cleanly(tmp_path):
    """Is datasets/ self-contained, so a bundle can ship it alone?"""
    shutil.copytree(DATASETS, tmp_path / "d")
    assert (tmp_path / "d" / "datapackage.json").is_file()
