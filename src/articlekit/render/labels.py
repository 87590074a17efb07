"""The words and dates an article's outputs print around the author's own text.

One place for them, so every format says "Editors" and "21 May 2018" the same way
(and a translation of them has one place to go).
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


#: The words articlekit itself prints around the article's own text, by key, in every format:
#: the title block's labels, the book's navigation words, the notes heading.  They are English
#: (:data:`LABELS_LANG`); an output whose article is in another language marks them as English.
LABELS: dict[str, str] = {
    "by": "By",
    "and": "and",
    "editor": "Editor",
    "editors": "Editors",
    "reviewer": "Reviewer",
    "reviewers": "Reviewers",
    "translated_by": "Translated by",
    "picture": "Picture",
    "orcid": "ORCID",
    "license": "Licence",
    "keywords": "Keywords",
    "abstract": "Abstract",
    "notes": "Notes",
    "contents": "Contents",
    "landmarks": "Landmarks",
    "cover": "Cover",
    "title_page": "Title page",
    "start": "Start of text",
}

#: The language of :data:`LABELS`.
LABELS_LANG = "en"


def labels_foreign_to(article_lang: str) -> bool:
    """Whether the labels are in another language than the article (so must be marked as such)."""
    return article_lang.split("-")[0].lower() != LABELS_LANG
