"""Loading: typed DataFrames, and clear errors for malformed, edited or missing files."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from course import data
from tests.conftest import TEST_DATA

ALL_TABLES = [*data.CURATED, *data.DERIVED]


@pytest.fixture(params=ALL_TABLES)
def table(request) -> str:
    return request.param


def test_every_table_loads_with_every_row(table):
    """Does each table load with exactly the rows stored in its file (nothing dropped)?"""
    frame = data.load(table)
    raw = data.read_raw(table)
    assert len(frame) == len(raw) > 0
    assert list(frame.columns) == [
        f["name"] for f in data.resource_descriptor(table)["schema"]["fields"]
    ]


def test_every_table_has_a_named_loader_with_a_row_docstring(table):
    """Is there a loader named after each table whose docstring says what a row is?"""
    loader = getattr(data, table)
    assert loader.__doc__.startswith("Each row represents")
    assert len(loader()) == len(data.read_raw(table))


def test_enums_become_categoricals_and_numbers_get_types():
    """Are enum fields categorical and numeric fields numeric, with empty cells as NA?"""
    figures = data.figures()
    assert isinstance(figures["topic"].dtype, pd.CategoricalDtype)
    assert str(figures["low"].dtype) == "Float64"
    assert str(figures["approximate"].dtype) == "boolean"
    assert figures["low"].isna().any()  # words such as "dozens" have no number
    events = data.events()
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert set(events["date_precision"].dropna()) <= {"day", "month", "year"}


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2016-12-14", False, "2016-12-14"),
        ("2016-07", False, "2016-07-01"),
        ("2016-07", True, "2016-07-31"),
        ("2016", False, "2016-01-01"),
        ("2016", True, "2016-12-31"),
        ("2016-02", True, "2016-02-29"),
    ],
)
def test_dates_parse_to_the_start_or_end_of_their_period(text, end, expected):
    """Does a month- or year-precision date cover its whole period?"""
    assert data.parse_date(text, end=end) == pd.Timestamp(expected)


def test_phase_ends_cover_their_last_month():
    """Does a phase that ends '2016-10' run to 31 October?"""
    phases = data.phases().set_index("phase_id")
    assert phases.loc["y2016_siege", "end"] == pd.Timestamp("2016-10-31")
    assert phases.loc["y2016_siege", "end_precision"] == "month"


def test_unknown_table_error_lists_the_tables():
    """Does asking for a table that does not exist name the valid ones?"""
    with pytest.raises(KeyError, match="events"):
        data.load("battles")


@pytest.mark.parametrize("table", ["events", "paragraphs"])
def test_missing_table_error_names_the_file(datasets_copy, table):
    """Does a deleted table give an error naming its file (and how to rebuild a derived one)?"""
    path = datasets_copy / data.resource_descriptor(table)["path"]
    path.unlink()
    with pytest.raises(FileNotFoundError, match=path.name):
        data.load(table)


@pytest.mark.parametrize(
    "table", ["events", "figures", "attributions", "actors", "phases", "framing"]
)
def test_valid_sample_files_load(datasets_copy, table):
    """Do the small valid sample files in tests/data pass every check?"""
    shutil.copy(TEST_DATA / f"{table}-valid.csv", datasets_copy / f"{table}.csv")
    assert len(data.load(table)) == len(pd.read_csv(TEST_DATA / f"{table}-valid.csv"))


@pytest.mark.parametrize(
    ("table", "row", "field", "words"),
    [
        ("events", 3, "date", "2016-13-14"),
        ("events", 4, "date_precision", "month precision"),
        ("events", 5, "phase_id", "foreign-key"),
        ("events", 6, "actors", "atlantis_army"),
        ("events", 7, "quote", "not found"),
        ("events", 8, "event_type", "constraint"),
        ("events", 9, "description", "constraint"),
        ("events", 10, "event_id", "unique"),
        ("events", 10, "end_date", "comes before"),
        ("figures", 3, "high", "below low"),
        ("figures", 4, "low", "minimum"),
        ("figures", 5, "unit", "constraint"),
        ("figures", 5, "approximate", "type"),
        ("figures", 6, "low", "type"),
        ("figures", 7, "doc_id", "foreign-key"),
        ("events", 11, "description", "own voice"),
        ("figures", 8, "measure", "own voice"),
        ("attributions", 3, "alignment", "breaks the rule"),
        ("attributions", 4, "alignment", "needs the actor"),
        ("attributions", 5, "alignment", "constraint"),
        ("attributions", 6, "alignment", "same speaker"),
        ("attributions", 7, "quote", "lexicon term"),
        ("attributions", 8, "claim", "own voice"),
        ("attributions", 9, "actor_id", "unknown actor"),
        ("actors", 4, "side", "differs from its parent"),
        ("actors", 5, "side_basis", "needs a parent_id"),
        ("actors", 6, "side_basis", "no infobox column lists it"),
        ("actors", 7, "side", "infobox lists it in combatant1"),
        ("actors", 8, "side", "both be 'not_stated'"),
        ("actors", 9, "side", "constraint"),
        ("actors", 10, "notes", "own voice"),
        ("phases", 3, "name", "own voice"),
        ("phases", 4, "summary", "own voice"),
        ("phases", 5, "summary", "own voice"),
        ("framing", 3, "note", "own voice"),
    ],
)
def test_invalid_sample_names_file_row_and_field(datasets_copy, table, row, field, words):
    """Does each defect in an invalid sample raise an error naming the file, row and field?"""
    shutil.copy(TEST_DATA / f"{table}-invalid.csv", datasets_copy / f"{table}.csv")
    with pytest.raises(data.DatasetError) as caught:
        data.load(table)
    error = caught.value
    assert str(datasets_copy / f"{table}.csv") in str(error)
    matching = [p for p in error.problems if p.row == row and p.field == field]
    assert matching, f"no problem reported at row {row}, field {field}: {error}"
    assert any(words in p.message for p in matching), matching
    assert f"row {row}, field '{field}'" in str(error)


@pytest.mark.parametrize(
    ("table", "valid_rows"),
    [("events", {2}), ("attributions", {2}), ("actors", {2, 3}), ("phases", {2})],
)
def test_valid_rows_of_an_invalid_file_are_not_blamed(datasets_copy, table, valid_rows):
    """Are the valid rows of an invalid sample left out of the error?"""
    shutil.copy(TEST_DATA / f"{table}-invalid.csv", datasets_copy / f"{table}.csv")
    with pytest.raises(data.DatasetError) as caught:
        data.load(table)
    assert valid_rows.isdisjoint({p.row for p in caught.value.problems})


def test_a_typed_used_by_column_is_named(datasets_copy):
    """Does the invalid lexicon sample, with a typed used_by column, name that column?"""
    shutil.copy(TEST_DATA / "framing-invalid.csv", datasets_copy / "framing.csv")
    with pytest.raises(data.DatasetError) as caught:
        data.load("framing")
    assert any(p.field == "used_by" and "computed" in p.message for p in caught.value.problems)


def test_edited_raw_document_fails_its_checksum(datasets_copy):
    """Does changing one byte of a raw document make the documents table invalid?"""
    path = datasets_copy / "raw" / "ap_insurgents_breach_aleppo_2024.txt"
    path.write_bytes(path.read_bytes().replace(b"largest city", b"biggest city", 1))
    with pytest.raises(data.DatasetError, match="row 5, field 'sha256'"):
        data.load("documents")


def test_an_edit_is_validated_even_though_fingerprints_were_recorded(datasets_copy):
    """Does a recorded fingerprint stop covering a table as soon as one cell changes?"""
    path = datasets_copy / "phases.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",day,", ",week,", 1), encoding="utf-8"
    )
    with pytest.raises(data.DatasetError, match="phases.csv"):
        data.load("phases")


def test_corrupt_csv_is_reported_not_crashed(datasets_copy):
    """Does a CSV with a broken row give a DatasetError naming the file?"""
    path = datasets_copy / "framing.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'broken,"unterminated\n', encoding="utf-8")
    with pytest.raises(data.DatasetError, match="framing.csv"):
        data.load("framing")


def test_loading_returns_a_copy_that_callers_may_change():
    """Can a lesson modify a loaded table without affecting the next load?"""
    first = data.events()
    first.loc[0, "description"] = "changed"
    assert data.events().loc[0, "description"] != "changed"
