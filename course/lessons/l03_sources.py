"""Exercises of lesson 03, *Sources and evidence* (``notebooks/03_sources_and_evidence.ipynb``).

Every answer is derived from the course tables: the documents table (kind, dates, publisher,
``derived_from``), the paragraphs table (the AP's contributor line), the figures table (the
conflicting claims) and the defects table (how each defect was treated).

The lesson's folded cells also call the small lookups below (:func:`phrases_in`,
:func:`enclosing_sentences`, :func:`sections_of`, :func:`encoding_repair`, :func:`removals`,
:func:`live_entry`), so that a cell shows its table without string handling no student is meant
to read.
"""

from __future__ import annotations

import pandas as pd

from course import data, media, text
from course.widgets import Matching, MultipleChoice, NumericAnswer, SentenceClassifier

__all__ = [
    "encoding_repair",
    "enclosing_sentences",
    "live_entry",
    "phrases_in",
    "removals",
    "sections_of",
    "how_each_defect_was_treated",
    "most_of_handarat_for_the_rebels",
    "rate_the_sources",
    "report_the_rebel_held_area",
    "source_profiles",
    "where_the_rewrite_came_from",
]

# The defects used in the treatment exercise (rows of datasets/defects.csv).
TREATMENT_DEFECTS = (
    "wp_battle-mojibake",
    "wp_battle-coordinate",
    "wp_battle-c-undefined",
    "wp_battle-markup",
    "bbc_live-puitin",
    "bbc_live-twitter-embeds",
    "ap_2024-top-stories",
    "ap_rewrite-second-largest",
)


def source_profiles() -> pd.DataFrame:
    """Rate each document on explicit criteria, all computed from the course tables.

    Columns: doc_id, kind, publisher_known (publisher is not "unknown"), names_writers (the
    document has a "Contributors" paragraph), dated (published is known), days_after_events
    (published minus period_end, in days; <NA> when undated) and profile (the three criteria
    in words).
    """
    docs = data.documents()
    paragraphs = data.paragraphs()
    credited = set(paragraphs.loc[paragraphs["section"] == "Contributors", "doc_id"])
    table = pd.DataFrame(
        {
            "doc_id": docs["doc_id"],
            "kind": docs["kind"].astype(str),
            "publisher_known": docs["publisher"].str.lower() != "unknown",
            "names_writers": docs["doc_id"].isin(credited),
            "dated": docs["published"].notna(),
            "days_after_events": (docs["published"] - docs["period_end"]).dt.days.astype("Int64"),
        }
    )
    table["profile"] = [_profile(row) for row in table.itertuples()]
    return table


def _profile(row: object) -> str:
    publisher = "publisher named" if row.publisher_known else "no publisher named"
    writers = "writers named" if row.names_writers else "no writer named"
    if row.dated:
        when = f"dated, published {row.days_after_events} days after the last day it covers"
    else:
        when = "undated, so its distance from the events is unknown"
    return f"{publisher}; {writers}; {when}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def rate_the_sources() -> Matching:
    """Match each document to its rating on publisher, named writers, date and distance.

    The answers are :func:`source_profiles`: publisher and date from the documents table, named
    writers from the AP's "Contributors" paragraph, distance = published − period_end.
    """
    profiles = source_profiles()
    pairs = {f"{row.doc_id} ({row.kind})": row.profile for row in profiles.itertuples(index=False)}
    return Matching(
        "03-rate-sources",
        "Rate each source: which description fits it? (Use the documents table you built above.)",
        pairs,
        explanation="From the documents and paragraphs tables: "
        + "; ".join(f"{row.doc_id}: {row.profile}" for row in profiles.itertuples(index=False))
        + ".",
    )


def where_the_rewrite_came_from() -> MultipleChoice:
    """Ask where the rewrite's content came from; the answer is its ``derived_from`` document.

    Wrong options are the other documents, with hints built from the period each one covers,
    and the tempting "it cannot be traced".
    """
    by_id = data.documents().set_index("doc_id")
    rewrite = by_id.loc["ap_rewrite"]
    source_id = rewrite["derived_from"]
    untraceable = "It cannot be traced: the rewrite names no source, date or author"
    options, hints = [], {}
    for doc_id, row in by_id.drop(index="ap_rewrite").iterrows():
        option = f"{doc_id}: {row['title']}"
        options.append(option)
        if doc_id != source_id:
            hints[option] = (
                f"{doc_id} covers {row['period_start']:%d %B %Y} to {row['period_end']:%d %B %Y}; "
                f"the rewrite covers {rewrite['period_start']:%d %B %Y} to "
                f"{rewrite['period_end']:%d %B %Y}."
            )
    options.append(untraceable)
    hints[untraceable] = (
        "The rewrite itself names no source, but its sentences can be matched with another "
        "document's: compare them with text.find_quote and media.align_articles."
    )
    answer = next(option for option in options if option.startswith(f"{source_id}:"))
    aligned = media.align_articles(source_id, "ap_rewrite")
    matched = int(aligned["rewrite_sent_id"].notna().sum() - (aligned["status"] == "added").sum())
    total = int(aligned["rewrite_sent_id"].notna().sum())
    return MultipleChoice(
        "03-rewrite-origin",
        "The rewrite (ap_rewrite) has no byline or date. Where did its content come from?",
        options,
        answer,
        hints=hints,
        explanation=(
            f"The documents table records derived_from = {source_id}, and the text agrees: "
            f"{matched} of the rewrite's {total} sentences pair with a sentence of {source_id} "
            "in media.align_articles()."
        ),
    )


def most_of_handarat_for_the_rebels() -> NumericAnswer:
    """Ask the most of Handarat the rebels could hold if the Army source's 80% were right.

    Answer: 100 minus the Army source's share (claim_group handarat_army_control_mar_2015);
    the explanation compares it with the opposition sources' lowest share captured.
    """
    figures = data.figures()
    army = figures[figures["claim_group"] == "handarat_army_control_mar_2015"].iloc[0]
    opposition = figures[figures["claim_group"] == "handarat_control_mar_2015"]
    lowest = opposition["low"].min()
    answer = 100 - army["low"]
    return NumericAnswer(
        "03-handarat-most",
        f"{_upper_first(army['claimant'])} said the Army still controlled {army['low']:.0f}% of "
        "Handarat. If that were right, what is the largest share of the village the rebels "
        "could have held?",
        answer,
        unit="%",
        too_high=f"The Army source claims {army['low']:.0f}%; only the rest is left for "
        "anyone else.",
        too_low="The question asks for the most the rebels could hold: everything the Army "
        "did not claim.",
        explanation=(
            f"At most {answer:.0f}%. {_upper_first(opposition['claimant'].iloc[0])} said the "
            f"rebels had captured at least {lowest:.0f}%, so the two claims cannot both be right: "
            "each side's figure is a claim, and wp_battle reports each as its side's claim."
        ),
    )


def report_the_rebel_held_area() -> MultipleChoice:
    """Ask how to report the conflicting areas of rebel-held Aleppo in December 2016.

    The figures come from claim_group rebel_held_area_dec_2016 (and the 5% share from
    rebel_share_of_city_dec_2016). The defensible answer reports both attributed claims with
    their dates; the learner explains why in a text box.
    """
    figures = data.figures()
    area = figures[figures["claim_group"] == "rebel_held_area_dec_2016"].sort_values("as_of")
    share = figures[figures["claim_group"] == "rebel_share_of_city_dec_2016"].iloc[0]
    first, second = area.iloc[0], area.iloc[1]

    def amount(row: pd.Series) -> str:
        if row["low"] == row["high"]:
            return f"{row['low']:g} sq km"
        return f"{row['low']:g}–{row['high']:g} sq km"

    def claim(row: pd.Series) -> str:
        return f"{amount(row)} according to the {row['claimant']} ({row['as_of']:%d %B})"

    later = f"{amount(second)}: it is the later figure, so it replaces the earlier one"
    official = f"{amount(first)}: a UN envoy's figure can be taken as the true one"
    midpoint = ((first["low"] + first["high"]) / 2 + second["low"]) / 2
    average = f"{midpoint:g} sq km: the average of the two claims"
    hedge = ", who said 'probably'" if "probably" in first["quote"] else ""
    both = f"Both, each with its source and date: {claim(second)}; {claim(first)}{hedge}"
    gap = (second["as_of"] - first["as_of"]).days
    days = f"{gap} day" if gap == 1 else f"{gap} days"
    percent = f"{share['low']:g}%: {share['doc_id']} settles it"
    said = ["the Russian Defence Ministry has said", "Staffan de Mistura told reporters"]
    for words in said:
        if text.find_quote("bbc_live", words) is None:
            raise ValueError(f"bbc_live no longer says {words!r}")
    options = [later, official, average, both, percent]
    hints = {
        later: f"It is {days} later, so give the date. But the page checks neither "
        "number; dropping a claim hides a disagreement.",
        official: "The envoy hedges ('probably') and the page checks his number no more than "
        "the ministry's. An official title does not turn a claim into a measurement.",
        average: "Nobody claimed this number. Averaging invents a figure and hides who said what.",
        percent: f"{share['low']:g}% is a share of the city's original territory, not an area, "
        f"and {share['doc_id']} gives it without naming a source ({share['claimant']}).",
    }
    return MultipleChoice(
        "03-rebel-area",
        "You are writing one sentence about how much of Aleppo rebels still held in mid-"
        "December 2016, using the BBC live page. What do you report?",
        options,
        both,
        hints=hints,
        justify="Why? Say who makes each claim, when, and whether it is hedged.",
        explanation=f"The BBC attributes each number ('{said[0]}'; '{said[1]}') and gives no "
        f"check of either; the two were given {days} apart.",
    )


def how_each_defect_was_treated() -> SentenceClassifier:
    """Classify defects by treatment: kept, repaired in code or removed in code.

    Items and answers come from the defects table (columns quote, description, treatment) for
    the defects in :data:`TREATMENT_DEFECTS`.
    """
    defects = data.defects().set_index("defect_id").loc[list(TREATMENT_DEFECTS)]
    labels = list(data.defects()["treatment"].cat.categories)
    sentences = [
        f"{row.doc_id}: {row.description} (e.g. “{row.quote}”)"
        for row in defects.itertuples(index=False)
    ]
    return SentenceClassifier(
        "03-defect-treatment",
        "How does the course treat each defect: kept as it is, repaired in code, or removed "
        "in code?",
        sentences,
        labels,
        [str(treatment) for treatment in defects["treatment"]],
        explanation=(
            "Errors in what a document says are kept, because they are evidence about the "
            "source; broken encoding is repaired; material that is not part of the document "
            "(site lists, markup, embed notices) is removed, and every removal is listed in "
            "text.clean(doc_id).removed."
        ),
    )


# Lookups for the lesson's folded cells ---------------------------------------------------------


def phrases_in(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """For each ``(doc_id, phrase)``, where the phrase is in the cleaned document, if anywhere.

    Returns doc_id, phrase, found (bool) and position ((start, end) or ``None``), from
    :func:`course.text.find_quote`: spelling, punctuation and apostrophes must match exactly.
    """
    rows = []
    for doc_id, phrase in pairs:
        position = text.find_quote(doc_id, phrase)
        rows.append(
            {
                "doc_id": doc_id,
                "phrase": phrase,
                "found": position is not None,
                "position": position,
            }
        )
    return pd.DataFrame(rows, columns=["doc_id", "phrase", "found", "position"])


def enclosing_sentences(doc_id: str, phrase: str) -> pd.DataFrame:
    """The rows of ``data.sentences()`` of ``doc_id`` whose span holds ``phrase``.

    Raises ``ValueError`` when the phrase is not in the document.
    """
    position = text.find_quote(doc_id, phrase)
    if position is None:
        raise ValueError(f"{phrase!r} is not in {doc_id}")
    start, end = position
    sentences = data.sentences()
    mine = sentences[sentences["doc_id"] == doc_id]
    return mine[(mine["start"] <= start) & (mine["end"] >= end)][["sent_id", "text"]]


def sections_of(doc_id: str, phrases: list[str]) -> pd.DataFrame:
    """The section of ``doc_id`` (from ``data.paragraphs()``) that holds each phrase."""
    paragraphs = data.paragraphs()
    mine = paragraphs[paragraphs["doc_id"] == doc_id]
    rows = []
    for phrase in phrases:
        position = text.find_quote(doc_id, phrase)
        if position is None:
            raise ValueError(f"{phrase!r} is not in {doc_id}")
        start, end = position
        holder = mine[(mine["start"] <= start) & (mine["end"] >= end)]
        rows.append({"phrase": phrase, "section": holder["section"].iloc[0]})
    return pd.DataFrame(rows, columns=["phrase", "section"])


def encoding_repair(doc_id: str = "wp_battle", anchor: str = "19 July 2012") -> pd.DataFrame:
    """The line holding ``anchor`` in the raw file and after repair, and how often "‚Äì" occurs.

    "‚Äì" is what an en dash becomes when UTF-8 is read as Mac Roman (see the defects row
    ``wp_battle-mojibake``). Returns one row per version: text, line, count of "‚Äì".
    """
    rows = []
    for version, body in [("raw", text.raw_text(doc_id)), ("repaired", text.repaired_text(doc_id))]:
        at = body.find(anchor)
        line = body[at:].split("\n")[0] if at >= 0 else ""
        rows.append({"text": version, "line": line, "count of ‚Äì": body.count("‚Äì")})
    return pd.DataFrame(rows)


def removals() -> pd.DataFrame:
    """How many spans cleaning removed from each document, and why (one row per reason)."""
    rows = [
        {"doc_id": doc_id, "reason": removal.reason}
        for doc_id in text.document_ids()
        for removal in text.clean(doc_id).removed
    ]
    table = pd.DataFrame(rows, columns=["doc_id", "reason"])
    return table.groupby(["doc_id", "reason"]).size().rename("removals").reset_index()


def live_entry(doc_id: str, title_start: str) -> str:
    """The text of the live page entry whose title starts with ``title_start``."""
    for entry in text.clean(doc_id).entries:
        if entry.title.startswith(title_start):
            return entry.text
    raise ValueError(f"{doc_id} has no entry whose title starts with {title_start!r}")
