"""Exercises for lesson 02, "Who fought whom, and when", and the YPG stance table it draws.

Sides, supporters and strength figures are read from ``course.data`` (actors, figures, defects)
and checked against the infobox of ``wp_battle`` (``course.text.clean("wp_battle").infobox``).
The notebook ``notebooks/02_combatants.ipynb`` only calls these functions.
"""

from __future__ import annotations

import pandas as pd

from course import data, text
from course.widgets import Matching, MultipleChoice, NumericAnswer

__all__ = [
    "SIDE_LABELS",
    "WHERE_LISTED",
    "classify_sides",
    "hezbollah_range_width",
    "opposition_supporters",
    "read_c_undefined",
    "ypg_stances",
]

# Readable names for the actors table's side codes (labels only, not facts).
SIDE_LABELS = {
    "pro_government": "pro-government",
    "opposition": "opposition",
    "kurdish": "Kurdish forces",
    "islamic_state": "Islamic State",
}

# The YPG note of the infobox, cut into its four stances: (stance, period as printed, first and
# last period for the chart). "Late 2016" is drawn as November–December 2016, the offensive the
# note itself points to ("see November–December 2016 Aleppo offensive").
_STANCES = [
    ("neutral", "at the start of the battle in 2012", "2012", "2012"),
    ("semi-allied with the rebels", "2012–2014", "2012", "2014"),
    ("neutral", "2015–2016", "2015", "2016"),
    (
        "semi-allied with the Syrian Army",
        "during the final offensive in late 2016",
        "2016-11",
        "2016-12",
    ),
]


def _infobox() -> dict[str, str]:
    return text.clean("wp_battle").infobox


def ypg_stances() -> pd.DataFrame:
    """The YPG's stances as the infobox note prints them, one row per stance.

    Returns name, side (the stance), start, end and period_text, ready for
    ``figures.involvement``. Periods are clipped to the battle's dates in the infobox; each
    stance and its printed period are checked against the note, and overlaps are left as the
    note prints them.
    """
    infobox = _infobox()
    note = infobox["notes"]
    first, last = (pd.Timestamp(part.strip()) for part in infobox["date"].split("–"))
    if "November–December 2016" not in note:
        raise ValueError("the YPG note no longer points to the November–December 2016 offensive")
    rows = []
    for number, (stance, printed, begin, end) in enumerate(_STANCES, start=1):
        if f"{stance} {printed}" not in note:
            raise ValueError(f"the YPG note no longer says {stance!r} {printed!r}")
        rows.append(
            {
                "name": f"{number}. {stance}",
                "side": stance,
                "start": max(data.parse_date(begin), first),
                "end": min(data.parse_date(end, end=True), last),
                "period_text": printed,
            }
        )
    return pd.DataFrame(rows)


def classify_sides() -> Matching:
    """Match seven armed groups to their side; the answers are the actors table's ``side``.

    The side follows the data card's written rule (``side_basis``): the infobox column that lists
    a group, else what a document says. The Saladin Ayubi Brigade is a Kurdish group that
    "worked with the opposition": its side is about whom it worked with, not about who its
    fighters were.
    """
    ids = [
        "hezbollah",
        "fatah_halab",
        "army_of_revolutionaries",
        "liwa_fatemiyoun",
        "saladin_ayubi_brigade",
        "ahrar_al_sham",
        "isil",
    ]
    actors = data.actors().set_index("actor_id").loc[ids]
    infobox = _infobox()
    columns = {
        "the government's column": infobox["combatant1"] + infobox["units1"],
        "the opposition's column": infobox["combatant2"] + infobox["units2"],
        "the Kurdish column": infobox["combatant3"] + infobox["units3"],
    }

    def evidence(row) -> str:
        listed = [column for column, names in columns.items() if row.name in names]
        if listed:
            return f"{row.name} is listed in {listed[0]} of the infobox."
        return f"{row.name}: '{row.quote}' ({row.doc_id})."

    return Matching(
        "02-classify-sides",
        "On which side does the course's actors table place each group in 2012–2016?",
        {row.name: SIDE_LABELS[str(row.side)] for row in actors.itertuples()},
        choices=list(SIDE_LABELS.values()),
        explanation=" ".join(evidence(row) for row in actors.itertuples())
        + " The actors table's side follows those columns where the infobox lists a group "
        "(combatant1 and units1 for the government and its allies, combatant2 and units2 for the "
        "opposition, combatant3 and units3 for the Kurdish forces); otherwise it follows what a "
        "document says about whom the group fought for or worked with (side_basis 'stated').",
    )


def hezbollah_range_width() -> NumericAnswer:
    """How wide is the range '2,000–4,000 Lebanese Hezbollah fighters'? Answer: high − low."""
    figures = data.figures()
    row = figures[figures["claim_group"] == "lebanese_hezbollah_strength"].iloc[0]
    low, high = int(row["low"]), int(row["high"])
    printed = f"{low:,}–{high:,} Lebanese Hezbollah fighters"
    if printed not in row["quote"]:
        raise ValueError(f"the figures row no longer quotes {printed!r}")
    return NumericAnswer(
        "02-hezbollah-range",
        f"The infobox gives '{printed}'. Two reporters both cite it: one writes the lowest "
        "number it allows, the other the highest. How many fighters apart are their two "
        "numbers?",
        high - low,
        unit="fighters",
        too_low="Subtract the low end of the range from the high end.",
        too_high="That is more than the range allows: subtract its low end from its high end.",
        explanation=f"{high:,} − {low:,} = {high - low:,}. The source supports any number from "
        f"{low:,} to {high:,}: 'at least {low:,}' is safe, a single number is not, and the high "
        f"end is {high / low:g} times the low end. The figures row gives no date and no claimant "
        f"beyond the encyclopedia: '{row['note']}'",
    )


def read_c_undefined() -> MultipleChoice:
    """What can you safely say about 'c. undefined 8,000 fighters (mid-2016)'?

    Backed by the defects row ``wp_battle-c-undefined`` and figures row for the mid-2016 rebel
    strength (approximate, sub-item of 1,000 al-Nusra fighters).
    """
    defect = data.defects().set_index("defect_id").loc["wp_battle-c-undefined"]
    figures = data.figures().set_index("claim_group")
    row = figures.loc["rebel_fighters_mid_2016"]
    nusra = figures.loc["al_nusra_fighters_2016"]
    nusra = nusra[nusra["quote"] == row["quote"]].iloc[0]
    if not (bool(row["approximate"]) and defect["quote"] in _infobox()["strength2"]):
        raise ValueError("the mid-2016 rebel strength is no longer printed as 'c. undefined'")
    answer = (
        "About 8,000 rebel fighters in mid-2016. 'c.' means approximately; 'undefined' is "
        "left over from a broken template and is not part of the claim."
    )
    exact = "Exactly 8,000 rebel fighters in mid-2016."
    unknown = "The number of rebel fighters in mid-2016 was unknown ('undefined')."
    nusra_option = "About 8,000 al-Nusra Front fighters in mid-2016."
    government = "About 8,000 fighters on the government side in mid-2016."
    return MultipleChoice(
        "02-c-undefined",
        "The infobox's strength2 field prints 'c. undefined 8,000 fighters (mid-2016)'. Which "
        "reading does the source support?",
        [exact, unknown, answer, nusra_option, government],
        answer,
        hints={
            exact: "Look at the 'c.' before the number: the figures table marks this row as "
            "approximate.",
            unknown: f"A number is printed. The defects table explains the word: "
            f"'{defect['description']}'",
            nusra_option: f"The al-Nusra Front is a sub-item under that line, with "
            f"{int(nusra['low']):,} fighters.",
            government: "strength2 is the second column of the infobox, the opposition's "
            "(combatant2); the government side is strength1.",
        },
        explanation=f"Defects table: '{defect['description']}' Figures table: '{row['note']}'",
    )


# Where the infobox can list a state, as the choices of the supporters exercise.
WHERE_LISTED = {
    "supporter": "under 'Supported by' in the opposition's column (combatant2)",
    "government": "in the government's column (combatant1)",
    "text only": "not in the infobox (only in the article's text)",
}


def opposition_supporters() -> Matching:
    """Where does the infobox list each of ten states: supporters, government column, nowhere?

    The six supporters are the actors rows with side opposition, role supporter and kind state,
    checked against the 'Supported by' line of the infobox's combatant2 field; Iran and Russia
    are checked against combatant1; China and Armenia against the article's text and their
    absence from the infobox. A matching, so that the feedback names the states to look at again.
    """
    actors = data.actors()
    states = actors[actors["kind"] == "state"]
    supporters = states[(states["side"] == "opposition") & (states["role"] == "supporter")]
    infobox = _infobox()
    supported_by = infobox["combatant2"].split("Supported by:")[1]
    combatants = " ".join(infobox[f"combatant{n}"] for n in (1, 2, 3))
    article = text.clean("wp_battle").text.split("notes:", 1)[1]
    where = {name: "supporter" for name in supporters["name"]}
    where |= {"Iran": "government", "Russia": "government", "China": "text only"}
    where["Armenia"] = "text only"
    for name, place in where.items():
        listed = {
            "supporter": name in supported_by,
            "government": name in infobox["combatant1"],
            "text only": name not in combatants and name in article,
        }[place]
        if not listed or (place == "supporter" and len(supporters) != 6):
            raise ValueError(f"the infobox no longer lists {name} as {WHERE_LISTED[place]!r}")
    return Matching(
        "02-opposition-supporters",
        "Where does the wp_battle infobox list each of these states? Use the printout of the "
        "three columns above.",
        {name: WHERE_LISTED[where[name]] for name in sorted(where)},
        choices=list(WHERE_LISTED.values()),
        explanation=f"The infobox prints: 'Supported by:{supported_by.rstrip()}'. Iran and Russia "
        "are listed in the government's column (combatant1); China and Armenia appear only in "
        "the article's text (a UN veto, humanitarian aid). The infobox does not say what kind of "
        "support each state gave.",
    )
