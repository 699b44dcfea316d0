"""A short background timeline of the wider war, written from the phases and events tables.

The phases table gives the backbone: each phase's name, dates (as precise as its source) and
summary, with the quote it rests on. :data:`WIDER_WAR` picks the events of the events table
that concern Syria beyond the city of Aleppo, or the outside powers and bodies in the war;
their dates, descriptions and quotes are read from the table, so the timeline says nothing the
documents do not.
"""

from __future__ import annotations

import pandas as pd

from course import data

__all__ = ["WIDER_WAR", "span", "timeline_markdown", "when"]

#: Events of the wider war, by ``event_id``: the choice is editorial, the words are the table's.
WIDER_WAR = (
    "ev001",  # nationwide protests, March 2011
    "ev004",  # UN General Assembly resolution, February 2012
    "ev007",  # Iran's Supreme National Security Council head meets Assad, July 2012
    "ev023",  # rebels reject the new Syrian National Coalition, November 2012
    "ev033",  # Operation Northern Storm with Hezbollah fighters, June 2013
    "ev045",  # Russia and China veto the ICC referral, May 2014
    "ev053",  # UN Resolution 2139 on barrel bombs, 2014
    "ev062",  # Second Battle of Idlib, March 2015
    "ev063",  # IS offensive in central Syria, March 2015
    "ev075",  # first Russian air attacks in Syria, September 2015
    "ev079",  # rebels against the SDF in Aleppo province, November 2015
    "ev094",  # Turkish policy change moves rebel fighters north, August 2016
    "ev138",  # UN Security Council approves monitoring of the evacuation, December 2016
    "ev147",  # UN Commission of Inquiry documents violations, March 2017
    "ev149",  # YPG hands districts of Aleppo to the government, February 2018
    "ev152",  # 2019 agreement of Russia, Turkiye and Iran
    "ev155",  # government forces seize areas in northwestern Syria, 2020
    "ev171",  # ceasefire in Hezbollah's war with Israel, 27 November 2024
    "ev158",  # insurgents breach Aleppo, 29 November 2024
)


def when(date: pd.Timestamp, precision: str) -> str:
    """A date as precisely as its source gives it: '19 July 2012', 'July 2016' or '2013'."""
    if pd.isna(date):
        return "date not given"
    if precision == "day":
        return f"{date.day} {date:%B %Y}"
    if precision == "month":
        return f"{date:%B %Y}"
    return f"{date:%Y}"


def span(row: object) -> str:
    """An event's date, and its end date when the table gives one: '7 June 2013 to 14 June 2013'.

    ``row`` is an events row (a Series or a named tuple with date, date_precision, end_date and
    end_date_precision).
    """
    get = row.get if hasattr(row, "get") else lambda name: getattr(row, name)
    start = when(get("date"), str(get("date_precision")))
    end_date = get("end_date")
    if end_date is None or pd.isna(end_date):
        return start
    return f"{start} to {when(end_date, str(get('end_date_precision')))}"


def _phases_markdown(phases: pd.DataFrame, events: pd.DataFrame) -> list[str]:
    counts = events.groupby("phase_id", observed=True).size()
    lines = []
    for row in phases.sort_values("order").itertuples():
        start = when(row.start, str(row.start_precision))
        end = when(row.end, str(row.end_precision))
        span = start if start == end else f"{start} to {end}"
        lines += [
            f"### {row.order}. {row.name}",
            "",
            f"*{span}; {int(counts.get(row.phase_id, 0))} events in the events table.*",
            "",
            f"{row.summary} (phases table, from `{row.doc_id}`)",
            "",
            f'> "{row.quote}" (`{row.doc_id}`)',
            "",
        ]
    return lines


def timeline_markdown(
    phases: pd.DataFrame | None = None, events: pd.DataFrame | None = None
) -> str:
    """The timeline as Markdown: the phases, then the events of :data:`WIDER_WAR` by date.

    Raises ``KeyError`` naming any event of :data:`WIDER_WAR` that the events table lacks.
    """
    phases = data.phases() if phases is None else phases
    events = data.events() if events is None else events
    by_id = events.set_index("event_id")
    missing = sorted(set(WIDER_WAR) - set(by_id.index))
    if missing:
        raise KeyError(f"events not in the events table: {missing}")
    names = dict(zip(phases["phase_id"], phases["name"], strict=True))
    chosen = by_id.loc[list(WIDER_WAR)].sort_values("date", kind="stable")
    lines = ["## The phases", "", *_phases_markdown(phases, events), "## The wider war", ""]
    lines += [
        "| when | what the events table says | phase | source and quote |",
        "|---|---|---|---|",
    ]
    for event_id, row in chosen.iterrows():
        quote = str(row["quote"]).replace("|", "\\|")
        description = str(row["description"]).replace("|", "\\|")
        lines.append(
            f"| {span(row)} | {description} | "
            f'{names.get(row["phase_id"], "")} | `{row["doc_id"]}` ({event_id}): "{quote}" |'
        )
    return "\n".join(lines).rstrip() + "\n"
