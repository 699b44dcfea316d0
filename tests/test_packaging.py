"""Installs that fit each user: the base package and its extras, a wheel that works with no clone
beside it, the licences of every file, and the citation.

The wheel tests build the sdist and the wheel (``python -m build``: the wheel is built from the
sdist, as a release would be), install the wheel with the base dependencies alone into a fresh
virtual environment in a temporary folder, and use it from there: no source tree, no
``PYTHONPATH``, no instructor tools. They need the package index, as ``make setup`` does.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement

from course import checks, cli, data, paths
from tests.conftest import DATASETS, REPO

BIN = Path(sys.executable).parent
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ALL_TABLES = [*data.CURATED, *data.DERIVED]
NEWS_TERMS = "LicenseRef-News-Classroom-Use"
# documents.csv `licence` → the SPDX identifier of its text in LICENSES/.
LICENCE_IDS = {
    "CC BY-SA 4.0": "CC-BY-SA-4.0",
    "All rights reserved by the rights holders; classroom use": NEWS_TERMS,
}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", Requirement(requirement).name).lower()


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would let a subprocess see the source tree."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COURSE_DATASETS"}}
    return {**env, **extra}


# --------------------------------------------------------------------------------------------
# The dependency sets


def test_base_package_leaves_out_the_instructor_tools():
    """Do the base dependencies leave out nbgrader, frictionless, JupyterLab and nbgitpuller?"""
    base = {_name(r) for r in PROJECT["dependencies"]}
    assert not base & {"nbgrader", "frictionless", "jupyterlab", "nbgitpuller", "jupyterhub"}
    assert {"pandas", "plotly", "ipywidgets", "ipykernel", "ftfy", "pysbd", "pyyaml"} <= base


def test_instructor_extra_is_the_lab_extra_plus_frictionless():
    """Does [instructor] hold every requirement of [lab], with the same range, and frictionless?"""
    extras = PROJECT["optional-dependencies"]
    lab = {_name(r): str(Requirement(r).specifier) for r in extras["lab"]}
    instructor = {_name(r): str(Requirement(r).specifier) for r in extras["instructor"]}
    assert {name: instructor.get(name) for name in lab} == lab
    assert set(instructor) - set(lab) == {"frictionless"}
    assert {"nbgrader", "jupyterlab"} <= set(lab)


def test_test_extra_installs_the_instructor_tools():
    """Does [test] pull in [instructor], which the build, grading and browser tests need?"""
    test = [Requirement(r) for r in PROJECT["optional-dependencies"]["test"]]
    assert any(r.name == "aleppo-course" and r.extras == {"instructor"} for r in test)
    assert {"reuse", "build"} <= {_name(str(r)) for r in test}


# --------------------------------------------------------------------------------------------
# Where the datasets are found


def test_course_datasets_setting_comes_first(datasets_copy):
    """Does $COURSE_DATASETS win over the source tree?"""
    assert paths.datasets_dir() == datasets_copy


def test_a_course_datasets_setting_that_is_no_folder_is_named(monkeypatch, tmp_path):
    """Is a COURSE_DATASETS that names no folder an error naming the setting, not skipped?"""
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="COURSE_DATASETS"):
        paths.datasets_dir()


def test_a_clone_reads_its_own_datasets(monkeypatch):
    """In a clone (an editable install), are the datasets the source tree's, edited in place?"""
    monkeypatch.delenv("COURSE_DATASETS", raising=False)
    assert paths.datasets_dir() == DATASETS


def _fake_install(root: Path, *, packaged: bool, foreign: bool, source: bool) -> Path:
    """A site-packages (or a clone) holding course/paths.py and the chosen datasets folders."""
    package = root / "course"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    shutil.copy(REPO / "course" / "paths.py", package / "paths.py")
    if packaged:
        (package / "datasets").mkdir()
        (package / "datasets" / "datapackage.json").write_text("{}")
    if foreign:  # another distribution's top-level `datasets` package, e.g. Hugging Face's
        (root / "datasets").mkdir()
        (root / "datasets" / "__init__.py").write_text("")
    if source:
        (root / "datasets").mkdir(exist_ok=True)
        (root / "datasets" / "datapackage.json").write_text("{}")
        (root / "pyproject.toml").write_text("")
    return root


def _datasets_dir_in(root: Path) -> subprocess.CompletedProcess:
    code = "from course.paths import datasets_dir; print(datasets_dir())"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env=_clean_env(PYTHONPATH=str(root)),
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ({"packaged": True, "foreign": False, "source": False}, "course/datasets"),
        ({"packaged": True, "foreign": True, "source": False}, "course/datasets"),
        ({"packaged": True, "foreign": False, "source": True}, "datasets"),
        ({"packaged": False, "foreign": False, "source": True}, "datasets"),
        ({"packaged": False, "foreign": True, "source": False}, None),
    ],
    ids=["wheel", "wheel-beside-another-datasets", "clone-with-a-build", "clone", "nothing"],
)
def test_datasets_are_found_in_order_source_tree_then_packaged_copy(tmp_path, layout, expected):
    """Source tree first, then the packaged copy; a foreign datasets/ never; none: a named error?"""
    root = _fake_install(tmp_path / "site", **layout)
    result = _datasets_dir_in(root)
    if expected is None:
        assert result.returncode != 0
        assert "The course datasets are missing" in result.stderr
        assert "COURSE_DATASETS" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert Path(result.stdout.strip()) == root / expected


# --------------------------------------------------------------------------------------------
# Loading without frictionless (the base install)


@pytest.fixture
def without_frictionless(monkeypatch):
    """This process as a base install sees it: importing frictionless fails."""
    monkeypatch.setitem(sys.modules, "frictionless", None)  # import raises ImportError
    monkeypatch.setattr(checks, "_validated", set())  # forget tables checked earlier
    with pytest.raises(ImportError):
        import frictionless  # noqa: F401


def test_every_table_loads_without_frictionless(without_frictionless):
    """Do all tables load from their recorded fingerprints, with no validator installed?"""
    for name in ALL_TABLES:
        assert len(data.load(name)) > 0, name


@pytest.mark.parametrize("table", ["events", "documents", "sentences"])
def test_a_changed_table_is_not_trusted_without_frictionless(
    datasets_copy, without_frictionless, table
):
    """Does a table that no longer matches its fingerprint fail by name, not load unchecked?"""
    path = datasets_copy / data.resource_descriptor(table)["path"]
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # one more line
    with pytest.raises(data.DatasetError) as raised:
        data.load(table)
    message = str(raised.value)
    assert str(path) in message
    assert "pip install 'aleppo-course[instructor]'" in message


def test_a_changed_raw_document_is_not_trusted_without_frictionless(
    datasets_copy, without_frictionless
):
    """Does a changed raw document make the tables that quote it fail, not load unchecked?"""
    raw = datasets_copy / "raw" / "bbc_live_aleppo_2016_12_14.txt"
    raw.write_bytes(raw.read_bytes().replace(b"Aleppo", b"Alepo", 1))
    with pytest.raises(data.DatasetError, match="aleppo-course"):
        data.load("attributions")


# --------------------------------------------------------------------------------------------
# The `course` command from a base install


@pytest.mark.parametrize(
    ("argv", "missing"),
    [
        (["validate"], "frictionless"),
        (["build"], "frictionless"),
        (["grade", "ps1_phases"], "nbgrader"),
        (["bundle", "out"], "nbgrader"),
    ],
)
def test_instructor_commands_say_which_extra_to_install(monkeypatch, capsys, argv, missing):
    """Run without the instructor tools, does each command name the extra and stop cleanly?"""
    real = cli.importlib.util.find_spec
    monkeypatch.setattr(
        cli.importlib.util, "find_spec", lambda name: None if name == missing else real(name)
    )
    assert cli.main(argv) == 2
    error = capsys.readouterr().err
    assert f"course {argv[0]} is an instructor command" in error
    assert missing in error
    assert "pip install 'aleppo-course[instructor]'" in error


def test_a_command_that_meets_a_missing_instructor_module_names_the_extra(monkeypatch, capsys):
    """A command not in the table that imports nbgrader: does it still get the plain message?"""

    def handler(args):
        raise ModuleNotFoundError("No module named 'nbgrader'", name="nbgrader")

    monkeypatch.setattr(cli, "_lab_settings", handler)
    assert cli.main(["lab-settings"]) == 2
    assert "pip install 'aleppo-course[instructor]'" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# The wheel, installed with the base dependencies only, somewhere with no clone


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel built from it, as a release would build them."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


@pytest.fixture(scope="module")
def base_env(dist, tmp_path_factory) -> dict[str, Path]:
    """A fresh venv with the wheel and the base dependencies, and nothing else of the course."""
    root = tmp_path_factory.mktemp("base-install")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(dist["wheel"])],
        check=True,
        timeout=1800,
        env=_clean_env(),
    )
    away = root / "elsewhere"  # a working folder with no source tree in it or above it
    away.mkdir()
    return {"venv": venv, "python": python, "cwd": away}


def _run_in(env: dict[str, Path], code: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(env["python"]), "-c", code],
        cwd=env["cwd"],
        env=_clean_env(**extra),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_wheel_carries_every_table_document_and_licence(dist):
    """Does the wheel hold every declared table, the raw documents, the fingerprints, the data
    card and the licence texts, with the licence expression in its metadata?"""
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(wheel.read(metadata_name).decode())
    package = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
    expected = {f"course/datasets/{r['path']}" for r in package["resources"]}
    expected |= {f"course/datasets/raw/{p.name}" for p in (DATASETS / "raw").iterdir()}
    expected |= {
        "course/datasets/datapackage.json",
        "course/datasets/README.md",
        f"course/datasets/{checks.STAMPS}",
    }
    assert expected <= names, sorted(expected - names)
    assert metadata["License-Expression"] == PROJECT["license"]
    licences = {p.name for p in (REPO / "LICENSES").glob("*.txt")}
    assert {Path(f).name for f in metadata.get_all("License-File")} >= licences
    dist_info = metadata_name.rsplit("/", 1)[0]
    for name in licences:
        assert f"{dist_info}/licenses/LICENSES/{name}" in names
    # Nothing for instructors in the package's requirements.
    required = [r for r in metadata.get_all("Requires-Dist") if "extra ==" not in r]
    assert not {_name(r) for r in required} & {"nbgrader", "frictionless", "jupyterlab"}


@pytest.mark.slow
def test_base_install_has_no_instructor_tools(base_env):
    """Does the base install leave out nbgrader, frictionless and JupyterLab?"""
    code = (
        "import importlib.util as u\n"
        "print([m for m in ('nbgrader', 'frictionless', 'jupyterlab', 'notebook') "
        "if u.find_spec(m)])"
    )
    result = _run_in(base_env, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
def test_base_install_loads_every_table_from_the_packaged_copy(base_env):
    """With no clone beside it, does the wheel load every table, each checked against the
    fingerprint that `course build` recorded (frictionless is not installed)?"""
    code = (
        "import json, course, course.paths\n"
        "from course import checks, data\n"
        "stamps = json.loads((course.paths.datasets_dir() / checks.STAMPS).read_text())\n"
        "rows = {}\n"
        "for name in (*data.CURATED, *data.DERIVED):\n"
        "    assert checks.fingerprint(name) == stamps[name], name\n"
        "    rows[name] = len(data.load(name))\n"
        "print(json.dumps({'file': course.__file__,\n"
        "                  'datasets': str(course.paths.datasets_dir()), 'rows': rows}))\n"
    )
    result = _run_in(base_env, code)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    site = str(base_env["venv"])
    assert found["file"].startswith(site) and found["datasets"].startswith(site)
    assert found["datasets"].endswith("site-packages/course/datasets")
    assert found["rows"] == {name: len(data.read_raw(name)) for name in ALL_TABLES}


@pytest.mark.slow
def test_base_install_refuses_a_changed_table_by_name(base_env, tmp_path):
    """In a base install, does a changed table fail with a DatasetError that names the extra?"""
    copy = tmp_path / "datasets"
    shutil.copytree(DATASETS, copy)
    events = copy / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("Aleppo", "Alepo", 1))
    code = (
        "from course import data\n"
        "data.load('phases')\n"  # unchanged: trusted
        "try:\n"
        "    data.load('events')\n"
        "except data.DatasetError as error:\n"
        "    print(error)\n"
        "else:\n"
        "    raise SystemExit('a changed table loaded unchecked')\n"
    )
    result = _run_in(base_env, code, COURSE_DATASETS=str(copy))
    assert result.returncode == 0, result.stderr
    assert str(events) in result.stdout
    assert "pip install 'aleppo-course[instructor]'" in result.stdout


@pytest.mark.slow
def test_packaged_tables_pass_full_validation(base_env):
    """Do the tables inside the installed wheel pass every check, frictionless included?

    Validation in full runs with the instructor tools of this test environment against the
    packaged copy (``course validate`` with COURSE_DATASETS), not against the clone."""
    site = base_env["venv"] / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    packaged = site / "site-packages" / "course" / "datasets"
    result = subprocess.run(
        [str(BIN / "course"), "validate"],
        env=_clean_env(COURSE_DATASETS=str(packaged)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(ALL_TABLES)} of {len(ALL_TABLES)} tables valid." in result.stdout


@pytest.mark.slow
def test_base_install_commands_name_the_instructor_extra(base_env, tmp_path):
    """From a base install, do the instructor commands say which extra to install, while
    `course lab-settings` (which Binder runs) works?"""
    course = base_env["venv"] / "bin" / "course"
    for argv in (["validate"], ["build"], ["grade", "ps1_phases"], ["bundle", str(tmp_path / "b")]):
        result = subprocess.run(
            [str(course), *argv], cwd=base_env["cwd"], env=_clean_env(), capture_output=True
        )
        assert result.returncode == 2, argv
        assert b"pip install 'aleppo-course[instructor]'" in result.stderr, argv
    result = subprocess.run(
        [str(course), "lab-settings", "--prefix", str(tmp_path)], env=_clean_env()
    )
    assert result.returncode == 0


@pytest.fixture(scope="module")
def base_kernel(base_env) -> str:
    """A Jupyter kernel that runs in the base install (registered inside that venv only)."""
    name = "aleppo-base"
    subprocess.run(
        [str(base_env["python"]), "-m", "ipykernel", "install", "--prefix", str(base_env["venv"])]
        + ["--name", name],
        check=True,
        capture_output=True,
        env=_clean_env(),
    )
    return name


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_base_install_runs_every_lesson(base_env, base_kernel, lesson, monkeypatch):
    """Does each lesson run top to bottom in a kernel of the base install, away from any clone,
    reading the packaged tables?"""
    from nbclient import NotebookClient

    monkeypatch.setenv("JUPYTER_PATH", str(base_env["venv"] / "share" / "jupyter"))
    folder = base_env["cwd"] / "notebooks"
    folder.mkdir(exist_ok=True)
    nb = nbformat.read(lesson, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell("import course.paths\nprint(course.paths.datasets_dir())")
    )
    NotebookClient(
        nb, timeout=300, kernel_name=base_kernel, resources={"metadata": {"path": str(folder)}}
    ).execute(env=_clean_env())
    errors = [
        f"{o.ename}: {o.evalue}"
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors == []
    where = nb.cells[-1].outputs[0]["text"].strip()
    assert where.startswith(str(base_env["venv"])) and where.endswith("course/datasets")


# --------------------------------------------------------------------------------------------
# Licences: REUSE, the rights statement, and every file that quotes a source document


def test_reuse_lint_is_clean():
    """Does `reuse lint` find every file's copyright and licence, and every licence's text?"""
    result = subprocess.run(
        [str(BIN / "reuse"), "--root", str(REPO), "lint"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "compliant with version" in result.stdout


def _tracked_copy(target: Path) -> Path:
    """The repository's files (tracked and new, not ignored), copied to ``target``."""
    listing = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout.decode()
    for relative in filter(None, listing.split("\0")):
        source = REPO / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    return target


@pytest.mark.parametrize("break_it", ["licence text removed", "annotations removed"])
def test_reuse_lint_catches_a_gap(tmp_path, break_it):
    """Would the lint fail if a licence text went missing, or a file lost its licence?"""
    copy = _tracked_copy(tmp_path / "repo")
    if break_it == "licence text removed":
        (copy / "LICENSES" / "MIT.txt").unlink()
    else:
        (copy / "REUSE.toml").unlink()
    result = subprocess.run(
        [str(BIN / "reuse"), "--root", str(copy), "lint"], capture_output=True, text=True
    )
    assert result.returncode != 0
    if break_it == "licence text removed":
        assert "Missing licenses: MIT" in result.stdout
    else:
        assert "Files with license information: 0 /" in result.stdout


def reuse_licences(root: Path) -> dict[str, set[str]]:
    """Each file's licence identifiers as `reuse spdx` reports them, by path from ``root``."""
    report = subprocess.run(
        [str(BIN / "reuse"), "--root", str(root), "spdx"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    licences: dict[str, set[str]] = {}
    current = None
    for line in report.splitlines():
        if line.startswith("FileName: "):
            current = line.removeprefix("FileName: ./")
            licences[current] = set()
        elif line.startswith("LicenseInfoInFile: ") and current:
            licences[current].add(line.removeprefix("LicenseInfoInFile: "))
    return licences


def _documents() -> list[dict[str, str]]:
    with open(DATASETS / "documents.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _words(text: str) -> list[str]:
    return re.sub(r"\s+", " ", text).strip().split(" ")


SHINGLE = 8  # words in a row that count as a quotation


def _runs(words: list[str]) -> list[str]:
    return [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def document_shingles() -> dict[str, set[str]]:
    """For each run of eight words of a cleaned source document, the documents it occurs in.

    Runs inside a document's title are left out: naming a headline cites it, as CITATION.cff
    and the data card do; it does not quote the text."""
    from course import text

    titles = {run for row in _documents() for run in _runs(_words(row["title"]))}
    shingles: dict[str, set[str]] = {}
    for row in _documents():
        for run in _runs(_words(text.clean(row["doc_id"]).text)):
            if run not in titles:
                shingles.setdefault(run, set()).add(row["doc_id"])
    return shingles


def quoted_documents(content: str, shingles: dict[str, set[str]]) -> set[str]:
    """The documents that ``content`` quotes eight or more words of, in a row."""
    found: set[str] = set()
    for run in _runs(_words(content.replace("\\n", " ").replace('\\"', '"'))):
        found |= shingles.get(run, set())
    return found


def uncovered_quotes(
    licences: dict[str, set[str]], quotes: dict[str, set[str]], terms: dict[str, str]
) -> dict[str, list[str]]:
    """Files whose licence leaves out the terms of a document they quote: file → doc_ids."""
    gaps = {}
    for path, doc_ids in quotes.items():
        missing = sorted(d for d in doc_ids if terms[d] not in licences.get(path, set()))
        if missing:
            gaps[path] = missing
    return gaps


def _document_terms() -> dict[str, str]:
    terms = {}
    for row in _documents():
        assert row["licence"] in LICENCE_IDS, f"no SPDX identifier for {row['licence']!r}"
        terms[row["doc_id"]] = LICENCE_IDS[row["licence"]]
    return terms


def test_every_file_quoting_a_source_document_carries_its_terms():
    """Does each file that quotes eight words in a row of a source document carry that
    document's licence (CC BY-SA 4.0, or the news rights statement) in REUSE?"""
    licences = reuse_licences(REPO)
    shingles = document_shingles()
    quotes = {}
    for path in licences:
        if path.startswith(("LICENSES/", "datasets/raw/")):
            continue
        content = (REPO / path).read_bytes().decode("utf-8", errors="replace")
        found = quoted_documents(content, shingles)
        if found:
            quotes[path] = found
    assert len(quotes) >= 10  # the lessons, assignments, tables and tests quote the documents
    assert uncovered_quotes(licences, quotes, _document_terms()) == {}


def test_the_quote_check_reports_a_file_that_quotes_under_the_wrong_terms():
    """Would a code file under MIT alone that quotes the BBC page be reported?"""
    shingles = document_shingles()
    from course import text

    passage = " ".join(_words(text.clean("bbc_live").text)[40:60])
    quotes = {"course/new_module.py": quoted_documents(f'NOTE = "{passage}"', shingles)}
    assert quotes["course/new_module.py"] == {"bbc_live"}
    gaps = uncovered_quotes({"course/new_module.py": {"MIT"}}, quotes, _document_terms())
    assert gaps == {"course/new_module.py": ["bbc_live"]}


def test_each_source_document_carries_the_licence_its_row_records():
    """Does REUSE give each raw document exactly the licence documents.csv records for it?"""
    licences = reuse_licences(REPO)
    for row in _documents():
        assert licences[f"datasets/{row['file']}"] == {LICENCE_IDS[row["licence"]]}, row["doc_id"]


def test_news_rights_statement_repeats_the_data_card_word_for_word():
    """Does the LicenseRef text give the data card's rights for each news text, verbatim?"""
    statement = (REPO / "LICENSES" / f"{NEWS_TERMS}.txt").read_text(encoding="utf-8")
    card = (DATASETS / "README.md").read_text(encoding="utf-8")
    news = [row for row in _documents() if LICENCE_IDS[row["licence"]] == NEWS_TERMS]
    assert news
    for row in news:
        line = next(line for line in card.splitlines() if line.startswith(f"| `{row['doc_id']}`"))
        rights = line.strip("|").split("|")[-1].strip()
        assert rights in statement, row["doc_id"]
        assert f"datasets/{row['file']}" in statement
        assert row["licence"] in " ".join(_words(statement))
    paragraph = card[card.index("The raw files are kept") : card.index("Wikipedia text is")]
    assert " ".join(_words(paragraph)) in " ".join(_words(statement))


def test_package_licence_expression_names_every_licence_text():
    """Does pyproject's licence expression name exactly the licences in LICENSES/?"""
    named = set(re.split(r"\s+AND\s+", PROJECT["license"]))
    assert named == {p.stem for p in (REPO / "LICENSES").glob("*.txt")}
    assert named == set().union(*reuse_licences(REPO).values())


# --------------------------------------------------------------------------------------------
# CITATION.cff


def _citation() -> dict:
    return yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_matches_the_package_and_its_sources():
    """Does CITATION.cff give the package's version and licences, no invented people, and one
    reference per source document with its title?"""
    citation = _citation()
    assert citation["version"] == PROJECT["version"]
    assert set(citation["license"]) == set(re.split(r"\s+AND\s+", PROJECT["license"])) - {
        NEWS_TERMS
    }
    people = [a for a in citation["authors"] if "family-names" in a or "given-names" in a]
    assert people == []  # the project knows its contributors only as a group
    documents = _documents()
    assert [r["title"] for r in citation["references"]] == [d["title"] for d in documents]
    for reference, document in zip(citation["references"], documents, strict=True):
        assert document["file"] in reference["notes"]
        if document["published"]:
            assert str(reference["date-published"]) == document["published"]


@pytest.fixture(scope="module")
def cffconvert(tmp_path_factory) -> Path:
    """cffconvert from PyPI, in a venv of its own (it needs jsonschema<4, Jupyter needs 4)."""
    venv = tmp_path_factory.mktemp("cffconvert") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "cffconvert>=2,<3"],
        check=True,
        timeout=600,
    )
    return venv / "bin" / "cffconvert"


@pytest.mark.slow
def test_citation_is_valid_cff_1_2_0(cffconvert):
    """Does cffconvert find CITATION.cff valid against the CFF 1.2.0 schema?"""
    result = subprocess.run(
        [str(cffconvert), "--validate", "-i", str(REPO / "CITATION.cff")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid according to schema version 1.2.0" in result.stdout


@pytest.mark.slow
def test_cff_validation_rejects_a_broken_citation(cffconvert, tmp_path):
    """Would the validation fail on a citation that names no author?"""
    broken = tmp_path / "CITATION.cff"
    citation = _citation()
    citation["authors"] = []
    broken.write_text(yaml.safe_dump(citation, allow_unicode=True), encoding="utf-8")
    result = subprocess.run(
        [str(cffconvert), "--validate", "-i", str(broken)], capture_output=True, text=True
    )
    assert result.returncode != 0
