"""A Jupyter course on the Battle of Aleppo (2012–2016) and the 2024 offensive.

The package turns five source documents into validated tables and gives lessons and
assignments the tools they share:

* :mod:`course.text`   – repair, clean and split the raw documents;
* :mod:`course.data`   – load the curated and derived tables as typed DataFrames;
* :mod:`course.checks` – validate the tables (Frictionless plus the course's rules);
* :mod:`course.media`  – framing-label counts and other media analysis;
* :mod:`course.build`  – regenerate the derived files (``course build``).
"""

from __future__ import annotations

from course.data import DatasetError, load

__all__ = ["DatasetError", "load"]
__version__ = "0.1.0"
