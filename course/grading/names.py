"""Which names a test cell reads from the student: PrairieLearn's ``names_from_user``, derived.

An assignment author declares nothing: the grader parses the test cell's code and takes its
*free names*, those it reads before (or without) binding them itself. Names that the trusted
context defines (the setup cell's ``events``, ``expect``, ``pd`` …) and Python's builtins are
never taken from the student, whatever the student's kernel holds under those names.

Where the analysis cannot see a name (``eval``, ``globals()[...]``), the author lists the names
in the test cell's metadata, in the source notebook::

    "metadata": {"course": {"names_from_user": ["fig", "phase_counts"]}}

The list replaces the derived names for that cell. It is read from the instructor's source
notebook, never from the submission.
"""

from __future__ import annotations

import ast
import builtins
import re
import symtable
from collections.abc import Iterable

__all__ = ["METADATA_KEY", "names_from_user", "names_read"]

METADATA_KEY = "names_from_user"
# Names IPython defines in every kernel; the checker provides its own display and get_ipython.
_IPYTHON = re.compile(r"^(_+|_i+|_\d+|_i\d+|_ih|_oh|_dh|In|Out|get_ipython|display|exit|quit)$")


def _python_source(source: str) -> str:
    """The cell as plain Python: IPython's magics and shell escapes become function calls."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - fall back to the cell as written
        return source


def _globals_read(table: symtable.SymbolTable) -> set[str]:
    """Names that nested scopes (functions, lambdas, comprehensions) read from the module."""
    found: set[str] = set()
    for child in table.get_children():
        for symbol in child.get_symbols():
            if symbol.is_referenced() and symbol.is_global():
                found.add(symbol.get_name())
        found |= _globals_read(child)
    return found


def names_read(source: str) -> list[str]:
    """Return the names ``source`` reads before binding them, in the order they first appear.

    Statements are taken one at a time: a name counts if a statement reads it and no earlier
    statement bound it. (A statement that both reads and binds a name, ``x = x + 1``, counts as
    reading it.) Raises ``SyntaxError`` if the cell is not Python.
    """
    tree = ast.parse(_python_source(source))
    bound: set[str] = set()
    found: dict[str, None] = {}
    for statement in tree.body:
        code = ast.unparse(statement)
        table = symtable.symtable(code, "<test cell>", "exec")
        reads = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
        reads |= _globals_read(table)
        uses = sorted(
            (node.lineno, node.col_offset, node.id)
            for node in ast.walk(statement)
            if isinstance(node, ast.Name) and node.id in reads
        )
        order = [name for _, _, name in uses]
        for name in order:
            if name not in bound:
                found.setdefault(name, None)
        for symbol in table.get_symbols():
            if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace():
                bound.add(symbol.get_name())
    return list(found)


def names_from_user(
    source: str, trusted: Iterable[str], override: Iterable[str] | None = None
) -> list[str]:
    """Return the names to ask the student's kernel for, for one test cell.

    ``trusted`` holds the names the checker's trusted context defines; they, the builtins and
    IPython's own names are never asked for. ``override`` (from the source notebook's cell
    metadata) replaces the derived names. A cell that is not Python asks for nothing (its check
    fails in the checker with the ``SyntaxError``, as it would have in the kernel).
    """
    trusted = set(trusted)
    if override is not None:
        names = [str(name) for name in override]
    else:
        try:
            names = names_read(source)
        except SyntaxError:
            return []
    return [
        name
        for name in names
        if name.isidentifier()
        and name not in trusted
        and not hasattr(builtins, name)
        and not _IPYTHON.match(name)
        and not name.startswith("__")
    ]
