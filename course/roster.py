"""The course roster for a JupyterHub: who may log in, and as what.

A roster is a CSV file with the columns ``username`` and ``role``; each row is one person, and
``role`` is ``instructor``, ``grader`` or ``student``. ``autograder/jupyterhub/`` reads it twice:
``setup-single-server.sh`` makes a Unix account for each username (``python -m course.roster
FILE`` prints them), and ``jupyterhub_config.py`` turns the roles into groups and permissions.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

__all__ = ["ROLES", "RosterError", "read_roster"]

ROLES = ("instructor", "grader", "student")
#: What a Unix account name may be (useradd's rule, lower case as JupyterHub stores names).
USERNAME = re.compile(r"[a-z_][a-z0-9_.-]{0,31}")


class RosterError(ValueError):
    """A roster row that cannot be used; the message names the file and the line."""


def read_roster(path: str | Path) -> dict[str, list[str]]:
    """Return ``{role: [usernames]}`` for every role, in the roster's order.

    A missing column, a blank or duplicated username, or an unknown role raises
    :class:`RosterError` naming the file and line: a typo must not silently lock a student out.
    """
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"{path}: no roster file here (copy roster.example.csv and edit it).")
    people: dict[str, list[str]] = {role: [] for role in ROLES}
    seen: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"username", "role"} <= set(reader.fieldnames):
            raise RosterError(f"{path}: the roster needs the columns 'username' and 'role'.")
        for line, row in enumerate(reader, start=2):
            name = (row["username"] or "").strip()
            role = (row["role"] or "").strip().lower()
            if not name:
                raise RosterError(f"{path}, line {line}: the username is blank.")
            if not USERNAME.fullmatch(name):
                raise RosterError(
                    f"{path}, line {line}: {name!r} cannot be a Unix account name (use lower-case "
                    "letters, digits, '.', '_' or '-', at most 32 characters)."
                )
            if role not in people:
                raise RosterError(
                    f"{path}, line {line}: role {row['role']!r} for {name!r} is not one of "
                    f"{', '.join(ROLES)}."
                )
            if name in seen:
                raise RosterError(f"{path}, line {line}: {name!r} is already on line {seen[name]}.")
            seen[name] = line
            people[role].append(name)
    return people


def main(argv: list[str] | None = None) -> int:
    """``python -m course.roster FILE``: check the roster and print one username per line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m course.roster ROSTER.csv", file=sys.stderr)
        return 2
    try:
        people = read_roster(args[0])
    except RosterError as error:
        print(error, file=sys.stderr)
        return 1
    for role in ROLES:
        for name in people[role]:
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
