"""The exercises of each lesson, and the tables its folded cells show, built from the datasets.

One module per lesson notebook (``l01_phases`` for ``notebooks/01_phases.ipynb`` and so on).
Lesson 04 is split by part: ``l04_framing`` (Parts 1 and 2, and the lesson's list of exercises),
``l04_speakers`` (Part 3), ``l04_rewrite`` (Part 4) and ``l04_voices`` (the voices and tables the
lesson shows); ``_scrutiny`` holds what lessons 04 and 05 share to count exercise items per party.

Two kinds of public function:

* **exercises** return a ready exercise widget (``course.widgets``); the notebook cell only calls
  the function, so the lesson reads cleanly and the answer is not printed in the cell a student
  is looking at;
* **lookups** return what a folded cell shows, usually a ``pandas.DataFrame`` computed from
  ``course.data`` or the cleaned documents (for example ``l02_combatants.ypg_stances``,
  ``l03_sources.phrases_in``, ``l04_voices.voices``, ``l05_then_and_now.naming_in_2024``).

Every answer is read from the tables or checked against a quote in a document, so that a change
in the data changes the exercise rather than leaving a stale answer behind.
"""
