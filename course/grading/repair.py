"""Sanitize-stage preprocessors that grade damaged notebooks instead of failing on them.

nbgrader's ``autograde`` first *sanitizes* a submission against the gradebook's copy of the
source. Two of its steps break on notebooks students really hand in (nbgrader 0.9.6):

* :class:`DeduplicateCells` replaces ``DeduplicateIds``. A copied or split cell leaves two cells
  with one ``grade_id``; nbgrader keeps the last and sets the others' metadata to ``{}``, which
  then fails its own schema check ("... use an old version ... run nbgrader update"), so the
  whole notebook went ungraded. Here the earlier copies become ordinary student cells: every
  copy still runs, the last one keeps the id, and the log names the duplicated ``grade_id``.
* :class:`RestoreMissingCells` replaces ``OverwriteCells`` with ``add_missing_cells`` working:
  nbgrader places a deleted cell after the previous *grade or solution* cell and raises
  ``KeyError`` when the previous source cell is only locked (the widget question's visible
  test follows the locked widget cell). Here a deleted cell goes back after the nearest earlier
  cell that is still there, task cells too (nbgrader appends those at the end), each with a
  note saying it was restored, and each with a cell id as nbformat 4.5 requires.
"""

from __future__ import annotations

import re
from typing import Any

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import DeduplicateIds, OverwriteCells

__all__ = ["DeduplicateCells", "RestoreMissingCells"]


class DeduplicateCells(DeduplicateIds):
    """Keep the last cell of each ``grade_id``; earlier copies become the student's own cells."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], cell_index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        if not (utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell)):
            return cell, resources
        grade_id = cell.metadata.nbgrader["grade_id"]
        if grade_id in self.grade_ids:
            self.log.warning(
                "Cell with id '%s' exists multiple times (a copied or split cell): the earlier "
                "copy runs as the student's own cell; the last one is graded.",
                grade_id,
            )
            del cell.metadata["nbgrader"]
        else:
            self.grade_ids.add(grade_id)
        return cell, resources


class RestoreMissingCells(OverwriteCells):
    """``OverwriteCells`` whose ``add_missing_cells`` puts deleted cells back where they were."""

    def _position(self, nb: NotebookNode, grade_id: str) -> int | None:
        for index, cell in enumerate(nb.cells):
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return index
        return None

    def _restore(self, nb: NotebookNode, cell_id: str, cell: NotebookNode, earlier: list[str]):
        anchor = next(
            (p for p in (self._position(nb, g) for g in reversed(earlier)) if p is not None), -1
        )
        if nb.get("nbformat", 4) == 4 and nb.get("nbformat_minor", 0) >= 5:
            cell["id"] = re.sub(r"[^A-Za-z0-9_-]", "-", f"restored-{cell_id}")[:64]
        nb.cells.insert(anchor + 1, cell)
        self.log.warning(
            "Cell %s was missing from the submission; restored from the source.", cell_id
        )

    def add_missing_grade_cells(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        return self._add_missing(nb, resources, tasks=False)

    def add_missing_task_cells(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        return self._add_missing(nb, resources, tasks=True)

    def _add_missing(
        self, nb: NotebookNode, resources: dict[str, Any], *, tasks: bool
    ) -> tuple[NotebookNode, dict[str, Any]]:
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source_nb.source_cells]
        source = {cell.name: cell for cell in source_nb.source_cells}
        wanted = source_nb.task_cells if tasks else source_nb.grade_cells
        solutions = {cell.name for cell in source_nb.solution_cells}
        missing = [c for c in wanted if self._position(nb, c.name) is None and c.name in source]
        for graded in sorted(missing, key=lambda c: order.index(c.name)):
            cell = self.missing_cell_transform(
                source[graded.name],
                graded.max_score,
                is_solution=graded.name in solutions,
                is_task=tasks,
            )
            self._restore(nb, graded.name, cell, order[: order.index(graded.name)])
        return nb, resources
