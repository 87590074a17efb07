"""The words and dates an article's outputs print around the author's own text.

One place for them, so every format says "Editors" and "21 May 2018" the same way.
"""

from __future__ import annotations

import datetime as dt

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def date_text(date: dt.date) -> str:
    """A publication date as readers see it: "21 May 2018"."""
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"
