"""The exercises of each lesson, built from the datasets so that answers derive from quotes.

One module per lesson notebook (``l01_phases`` for ``notebooks/01_phases.ipynb`` and so on).
Each public function returns a ready exercise widget; the notebook cell only calls it, so the
lesson reads cleanly and the answer is not printed in the cell a student is looking at.
"""
