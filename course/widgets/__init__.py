"""Exercise widgets with instant feedback, usable by mouse, keyboard and code.

Every exercise has a ``value`` trait (the learner's answer), ``submit()`` (what the Check
button does), ``reset()``, a ``feedback`` text and ``record()`` (the answer record).

* :class:`MultipleChoice` – one option, radio buttons
* :class:`MultiSelect` – several options, checkboxes
* :class:`Ordering` – put items in order
* :class:`SentenceClassifier` – a label for each sentence
* :class:`Matching` – a partner for each item
* :class:`NumericAnswer` – a number within a tolerance (decimal comma accepted; an ambiguous
  number such as "2.000" is asked about, not guessed)

Checked answers are kept in the notebook file and restored from it (see :mod:`course.records`).
"""

from __future__ import annotations

from course.widgets._base import Exercise
from course.widgets.choice import MultipleChoice, MultiSelect
from course.widgets.classify import Matching, SentenceClassifier
from course.widgets.numeric import NumericAnswer, parse_number, read_number
from course.widgets.ordering import Ordering

__all__ = [
    "Exercise",
    "Matching",
    "MultiSelect",
    "MultipleChoice",
    "NumericAnswer",
    "Ordering",
    "SentenceClassifier",
    "parse_number",
    "read_number",
]
