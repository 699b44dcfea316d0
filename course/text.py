"""Turn the five raw documents into clean text with paragraphs, sentences and live-page entries.

The raw files in ``datasets/raw/`` are never edited. Everything here is computed from them on
demand and cached in memory:

1. :func:`repaired_text` decodes the bytes and repairs mojibake with ftfy (the Wikipedia dump was
   decoded as Mac Roman, so "–" arrived as "‚Äì").
2. A cleaner chosen by the document's ``format`` (a column of ``datasets/documents.csv``)
   removes boilerplate that is not part of the document: markdown markup and the duplicate
   infobox table of the Wikipedia dump, the citation markers of the Wikipedia excerpt, the
   photo credit and the unrelated "Top Stories" tail of the AP story, the Twitter-embed and
   cookie notices of the BBC live page. Every removal is recorded in
   :attr:`CleanDocument.removed`, so a student can see what was taken out and why.
3. The cleaned text is split into paragraphs and sentences with stable ids and character
   offsets into :attr:`CleanDocument.text`; the live page is also split into its timestamped
   entries.

Defects that belong to the content (the 37.16667°W coordinate, "c. undefined", the rewrite's
"second-largest city", "Puitin") are left alone: they are teaching material, listed in
``datasets/defects.csv``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, cached_property
from pathlib import Path

import ftfy
import pysbd
import yaml

from course.paths import datasets_dir

__all__ = [
    "CleanDocument",
    "LiveEntry",
    "Paragraph",
    "Removal",
    "Sentence",
    "clean",
    "collapse_whitespace",
    "document_ids",
    "find_quote",
    "raw_text",
    "repaired_text",
]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a cleaned document: ``text == document.text[start:end]``."""

    doc_id: str
    para_id: str
    section: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    """One sentence inside a paragraph: ``text == document.text[start:end]``."""

    doc_id: str
    sent_id: str
    para_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class LiveEntry:
    """One timestamped post of a live page; ``start``/``end`` cover its title and body."""

    doc_id: str
    entry_id: str
    number: int
    published: datetime
    title: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Removal:
    """A span of the repaired text that cleaning removed, with the reason."""

    reason: str
    text: str


@dataclass
class CleanDocument:
    """A document after repair and cleaning, split into paragraphs and sentences."""

    doc_id: str
    text: str
    paragraphs: list[Paragraph]
    entries: list[LiveEntry] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    infobox: dict[str, str] = field(default_factory=dict)

    @cached_property
    def sentences(self) -> list[Sentence]:
        """The sentences of every paragraph, split by pysbd (computed on first use)."""
        return [sentence for paragraph in self.paragraphs for sentence in _sentences(paragraph)]


# --------------------------------------------------------------------------------------------
# Finding documents


def _signature(path: Path) -> tuple[int, int]:
    """Size and modification time: cached results are recomputed when a file changes."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _registry(root: Path) -> dict[str, tuple[Path, str]]:
    path = root / "documents.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: it lists the raw documents and their formats.")
    return _read_registry(path, _signature(path))


@cache
def _read_registry(path: Path, signature: tuple[int, int]) -> dict[str, tuple[Path, str]]:
    root = path.parent
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["doc_id"]: (root / row["file"], row["format"]) for row in rows}


def document_ids() -> list[str]:
    """Return the ids of the documents listed in ``datasets/documents.csv``, in file order."""
    return list(_registry(datasets_dir()))


def _lookup(doc_id: str) -> tuple[Path, str]:
    registry = _registry(datasets_dir())
    if doc_id not in registry:
        raise KeyError(f"Unknown document {doc_id!r}. Known documents: {', '.join(registry)}.")
    return registry[doc_id]


def raw_text(doc_id: str) -> str:
    """Return the raw document decoded as UTF-8, exactly as stored (mojibake and all)."""
    path, _ = _lookup(doc_id)
    if not path.is_file():
        raise FileNotFoundError(f"Raw document {doc_id!r} is missing: expected it at {path}.")
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"Raw document {path} is not valid UTF-8: {error}") from error


def repaired_text(doc_id: str) -> str:
    """Return the raw document with its mojibake repaired and nothing removed."""
    return _repair(raw_text(doc_id))


@cache
def _repair(raw: str) -> str:
    # fix_encoding only undoes wrong decodings (here UTF-8 read as Mac Roman); it leaves curly
    # quotes, ligatures and widths alone, so clean documents come back unchanged.
    return ftfy.fix_encoding(raw)


# --------------------------------------------------------------------------------------------
# Cleaners: each takes the repaired text and yields (section, paragraph) pairs


_Blocks = Iterator[tuple[str, str]]
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_CITATION = re.compile(r"\[\d+\]")


def _strip_markdown(line: str) -> str:
    line = _LINK.sub(r"\1", line)
    line = _BOLD.sub(r"\1", line)
    return _ITALIC.sub(r"\1", line)


def _clean_wikipedia_dump(text: str, removed: list[Removal], infobox: dict[str, str]) -> _Blocks:
    """The dump is YAML front matter (the infobox) followed by the article in markdown."""
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    if not match:
        raise ValueError("expected YAML front matter between '---' lines at the top")
    front = yaml.safe_load(match.group(1))
    for box in front.get("infoboxes", []):
        for name, value in box.items():
            infobox[name] = str(value.get("text", "")).strip()
    for name, value in infobox.items():
        # One paragraph per infobox field, e.g. "strength2: 15,000 fighters (2012) ...".
        body = "\n".join(line.strip() for line in value.splitlines() if line.strip())
        yield "Infobox", f"{name}: {body}"
    removed.append(Removal("front matter other than the infobox (title, summary, image)", ""))

    section = "Introduction"
    for line in text[match.end() :].splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("|"):
            removed.append(Removal("markdown table repeating the infobox", stripped))
        elif stripped.startswith("!["):
            removed.append(Removal("image embed", stripped))
        elif stripped.startswith("#"):
            section = stripped.lstrip("#").strip()
            yield section, section
        else:
            yield section, _strip_markdown(stripped.removeprefix("* ").strip())


def _clean_wikipedia_excerpt(text: str, removed: list[Removal], infobox: dict[str, str]) -> _Blocks:
    """A plain-text excerpt whose lines start with numbered citation markers like "[38][41]"."""
    for line in text.splitlines():
        if not line.strip():
            continue
        for marker in _CITATION.findall(line):
            removed.append(Removal("citation marker", marker))
        yield "Article", re.sub(r" {2,}", " ", _CITATION.sub("", line)).strip()


_PHOTO_CREDIT = re.compile(r"\((?:AP|AFP|Reuters) Photo/[^)]*\)\s*$")
_AP_TAIL = re.compile(r"^\S+ Top Stories$", re.MULTILINE)


def _clean_news_story(text: str, removed: list[Removal], infobox: dict[str, str]) -> _Blocks:
    """A wire story: headline, body, optional contributor line and correction, then site tail."""
    tail = _AP_TAIL.search(text)
    if tail:
        removed.append(
            Removal("unrelated 'Top Stories' tail of the hosting site", text[tail.start() :])
        )
        text = text[: tail.start()]
    section = "Body"
    for number, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if not stripped:
            continue
        if _PHOTO_CREDIT.search(stripped):
            removed.append(Removal("photo caption and credit", stripped))
            continue
        if set(stripped) == {"-"}:
            section = "Contributors"
            continue
        if stripped == "Correction":
            section = "Correction"
            continue
        yield (
            (
                "Headline"
                if number == 0 and section == "Body" and _looks_like_headline(stripped)
                else section
            ),
            stripped,
        )


def _looks_like_headline(line: str) -> bool:
    return not line.endswith((".", '"', "”"))


_TWITTER_START = "This Twitter post cannot be displayed in your browser."
_TWITTER_END = re.compile(r"^End of twitter post(?: \d+)?$")
_ENTRY_HEADER = re.compile(
    r"^(?P<number>\d+)\.\s+(?P<title>.*?)published at (?P<time>\d{2}:\d{2}) Greenwich Mean Time "
    r"(?P<date>\d{1,2} \w+ \d{4})$"
)
_LABELS = {"Image caption,", "Media caption,"}


def _clean_live_page(text: str, removed: list[Removal], infobox: dict[str, str]) -> _Blocks:
    """A live page: a summary of bullet points, then numbered, timestamped entries."""
    section = "Summary"
    in_embed: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if in_embed or stripped.startswith(_TWITTER_START):
            in_embed.append(stripped)
            if _TWITTER_END.match(stripped):
                removed.append(Removal("Twitter embed and cookie notice", "\n".join(in_embed)))
                in_embed = []
            continue
        if stripped in _LABELS:
            removed.append(Removal("caption label", stripped))
            continue
        header = _ENTRY_HEADER.match(stripped)
        if header:
            section = f"Entry {header['number']}"
            yield section, header["title"].strip()
            yield section, f"published at {header['time']} Greenwich Mean Time {header['date']}"
            continue
        if stripped == "Summary" and section == "Summary":
            continue
        yield section, stripped.removeprefix("• ").strip()
    if in_embed:
        raise ValueError("a Twitter embed starts but never ends ('End of twitter post' missing)")


def _clean_plain(text: str, removed: list[Removal], infobox: dict[str, str]) -> _Blocks:
    """Plain text, one paragraph a line; nothing to remove."""
    for line in text.splitlines():
        if line.strip():
            yield "Body", line.strip()


_CLEANERS: dict[str, Callable[[str, list[Removal], dict[str, str]], _Blocks]] = {
    "wikipedia_dump": _clean_wikipedia_dump,
    "wikipedia_excerpt": _clean_wikipedia_excerpt,
    "news_story": _clean_news_story,
    "live_page": _clean_live_page,
    "plain": _clean_plain,
}


# --------------------------------------------------------------------------------------------
# Splitting


@cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _sentences(paragraph: Paragraph) -> list[Sentence]:
    pieces = [piece.strip() for piece in _segmenter().segment(paragraph.text)]
    merged: list[str] = []
    for piece in pieces:
        if merged and len(merged[-1]) < 4:  # pysbd splits after "c." and similar stubs
            merged[-1] = f"{merged[-1]} {piece}"
        elif piece:
            merged.append(piece)
    sentences, cursor = [], 0
    for number, piece in enumerate(merged, start=1):
        first = piece.split(" ", 1)[0]
        begin = paragraph.text.index(first, cursor)
        # Find the exact end: the merged piece may have lost the original spacing.
        end = _match_end(paragraph.text, begin, piece)
        sentences.append(
            Sentence(
                doc_id=paragraph.doc_id,
                sent_id=f"{paragraph.para_id}-s{number:02d}",
                para_id=paragraph.para_id,
                start=paragraph.start + begin,
                end=paragraph.start + end,
                text=paragraph.text[begin:end],
            )
        )
        cursor = end
    return sentences


def _match_end(text: str, begin: int, piece: str) -> int:
    """Return the offset in ``text`` where ``piece`` (whitespace-insensitive) ends."""
    position = begin
    for char in collapse_whitespace(piece):
        if char == " ":
            while position < len(text) and text[position].isspace():
                position += 1
            continue
        while text[position].isspace():
            position += 1
        if text[position] != char:
            raise ValueError(
                f"sentence splitter changed the text near {text[begin : begin + 40]!r}"
            )
        position += 1
    return position


def _live_entries(doc_id: str, text: str, paragraphs: list[Paragraph]) -> list[LiveEntry]:
    by_section: dict[str, list[Paragraph]] = {}
    for paragraph in paragraphs:
        if paragraph.section.startswith("Entry "):
            by_section.setdefault(paragraph.section, []).append(paragraph)
    entries = []
    for section, parts in by_section.items():
        number = int(section.split()[1])
        stamp = parts[1].text.removeprefix("published at ").replace(" Greenwich Mean Time ", " ")
        published = datetime.strptime(stamp, "%H:%M %d %B %Y").replace(tzinfo=UTC)
        start, end = parts[0].start, parts[-1].end
        entries.append(
            LiveEntry(
                doc_id,
                f"{doc_id}-e{number:02d}",
                number,
                published,
                parts[0].text,
                start,
                end,
                text[start:end],
            )
        )
    return entries


@cache
def _clean_cached(doc_id: str, path: Path, fmt: str, signature: tuple[int, int]) -> CleanDocument:
    if fmt not in _CLEANERS:
        raise ValueError(
            f"Document {doc_id!r} has format {fmt!r} in documents.csv; "
            f"known formats: {', '.join(_CLEANERS)}."
        )
    repaired = repaired_text(doc_id)
    removed: list[Removal] = []
    infobox: dict[str, str] = {}
    try:
        blocks = list(_CLEANERS[fmt](repaired, removed, infobox))
    except ValueError as error:
        raise ValueError(f"Cannot clean {path.name} ({doc_id}) as {fmt}: {error}") from error

    parts, paragraphs, offset = [], [], 0
    for number, (section, block) in enumerate(blocks, start=1):
        paragraph = Paragraph(
            doc_id, f"{doc_id}-p{number:03d}", section, offset, offset + len(block), block
        )
        paragraphs.append(paragraph)
        parts.append(block)
        offset += len(block) + 2
    text = "\n\n".join(parts)
    entries = _live_entries(doc_id, text, paragraphs) if fmt == "live_page" else []
    return CleanDocument(doc_id, text, paragraphs, entries, removed, infobox)


def clean(doc_id: str) -> CleanDocument:
    """Return the cleaned document ``doc_id``: repaired, boilerplate removed, split up.

    >>> doc = clean("bbc_live")
    >>> doc.entries[0].title
    "'It's night and warplanes are still flying over'"
    """
    path, fmt = _lookup(doc_id)
    if not path.is_file():
        raise FileNotFoundError(f"Raw document {doc_id!r} is missing: expected it at {path}.")
    return _clean_cached(doc_id, path, fmt, _signature(path))


# --------------------------------------------------------------------------------------------
# Quotes


def collapse_whitespace(text: str) -> str:
    """Replace every run of whitespace with one space and strip the ends."""
    return " ".join(text.split())


@cache
def _collapsed_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """Collapse whitespace and keep, for each output character, its offset in ``text``."""
    out, positions, pending_space = [], [], False
    for index, char in enumerate(text):
        if char.isspace():
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            positions.append(index - 1)
            pending_space = False
        out.append(char)
        positions.append(index)
    return "".join(out), tuple(positions)


def find_quote(doc_id: str, quote: str, *, text: str | None = None) -> tuple[int, int] | None:
    """Return the ``(start, end)`` offsets of ``quote`` in the cleaned document, or ``None``.

    Whitespace is collapsed on both sides before matching; nothing else is normalised, so a
    quote must reproduce the document's spelling, punctuation and quotation marks exactly.
    Pass ``text`` to search another version of the document, such as :func:`repaired_text`.
    """
    haystack = clean(doc_id).text if text is None else text
    collapsed, positions = _collapsed_with_map(haystack)
    needle = collapse_whitespace(quote)
    if not needle:
        return None
    found = collapsed.find(needle)
    if found < 0:
        return None
    return positions[found], positions[found + len(needle) - 1] + 1
