"""The words and dates an article's outputs print around the author's own text, in its language.

One place for them, so every format says "Editors" and "21 May 2018" the same way, and a
French article says "Éditeurs" and "30 janvier 2023" in every format.  The words come from
``labels.toml`` (one table per language), a house may override any of them in
``articlekit.toml`` (see :mod:`articlekit.read.config`), and the dates from Babel's CLDR data.
A language the catalogue does not know gets the English words, marked as English.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list

if TYPE_CHECKING:
    from .model import Article

#: The language of the words used when the article's language has none in the catalogue.
LABELS_LANG = "en"


@cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every language's words, by primary language subtag ("fr") and key ("notes")."""
    data = tomllib.loads(resources.files(__package__).joinpath("labels.toml").read_text(encoding="utf-8"))
    return MappingProxyType({lang: MappingProxyType(words) for lang, words in data.items()})


#: The keys every language gives: the title block's labels, the book's navigation words,
#: the notes heading, the links' names and the print edition's page abbreviations.
KEYS: tuple[str, ...] = tuple(catalogue()[LABELS_LANG])

#: The scholarly apparatus' words (reference list, figures and tables, corresponding author,
#: acknowledgements, data availability, funding, history dates), added after houses had made their own languages
#: supported: a house's table for a language the catalogue lacks need not give them (see
#: :data:`REQUIRED_KEYS`), and an article that uses none of them prints none.
APPARATUS_KEYS: frozenset[str] = frozenset({
    "references", "figure", "table", "corresponding", "acknowledgements", "data_availability", "funding",
    "received", "revised", "accepted",
})

#: The keys a house's table must give to make a language the catalogue lacks a supported one.
REQUIRED_KEYS: tuple[str, ...] = tuple(k for k in KEYS if k not in APPARATUS_KEYS)

#: The English words, by key.
LABELS: Mapping[str, str] = catalogue()[LABELS_LANG]


def primary(lang: str) -> str:
    """The primary language subtag of a BCP 47 tag, lower case ("pt-BR" → "pt")."""
    return lang.split("-")[0].lower()


@cache
def _babel_locale(lang: str) -> Locale | None:
    if primary(lang) == "en" and "-" not in lang:
        lang = "en-GB"  # the house spelling ("Licence") and its date order: "21 May 2018"
    for tag in (lang, primary(lang)):
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return None


def date_text(date: dt.date, lang: str = LABELS_LANG) -> str:
    """A publication date as readers of ``lang`` see it: "21 May 2018", "30 janvier 2023"."""
    locale = _babel_locale(lang) or _babel_locale(LABELS_LANG)
    return format_date(date, format="long", locale=locale)


#: Stands for an item while a list pattern is read; a private-use character no name holds.
_ITEM = "\ue000"


def list_separators(count: int, lang: str = LABELS_LANG) -> tuple[str, ...]:
    """What comes before each of ``count`` items of a list in ``lang``, by its CLDR list pattern.

    ``("", ", ", " and ")`` in English, ``("", ", ", ", dan ")`` in Indonesian, ``("", "、", "和")``
    in Chinese: Babel's :func:`~babel.lists.format_list` on stand-ins, read back apart, so a
    writer can wrap each name in its own element.
    """
    if count < 2:
        return ("",) * count
    locale = _babel_locale(lang) or _babel_locale(LABELS_LANG)
    parts = format_list([_ITEM] * count, locale=locale).split(_ITEM)
    # CLDR's patterns put nothing before the first item or after the last.
    return ("", *parts[1:-1])


@dataclass(frozen=True)
class Labels:
    """The words for one article: in its language where known, else in English."""

    #: The article's language (BCP 47).
    article_lang: str
    #: The language the words are in: the article's, or :data:`LABELS_LANG` as a fallback.
    lang: str
    words: Mapping[str, str] = field(repr=False)

    def __getitem__(self, key: str) -> str:
        return self.words[key]

    @property
    def foreign(self) -> bool:
        """Whether the words are in another language than the article (so must be marked as such)."""
        return primary(self.lang) != primary(self.article_lang)

    @property
    def mark(self) -> str | None:
        """The ``lang`` to mark the words with, or None when they are in the article's language."""
        return self.lang if self.foreign else None

    def date(self, date: dt.date) -> str:
        """``date`` in the article's language where Babel knows it (else in the words' language)."""
        return date_text(date, self.date_lang)

    @property
    def date_lang(self) -> str:
        """The language of dates and lists: the article's where Babel knows it, else the words'."""
        return self.article_lang if _babel_locale(self.article_lang) else self.lang

    def separators(self, names: Sequence[str]) -> tuple[str, ...]:
        """What comes before each name of a list of people: the language's list pattern.

        When a name holds a comma ("Atin Prabandari, MA(IR)") the pattern's commas become
        semicolons, so the names stay apart: "A, MA; B, PhD and C".
        """
        found = list_separators(len(names), self.date_lang)
        if any("," in n or "\u060c" in n for n in names):
            found = tuple(s.replace(",", ";").replace("\u060c", "\u061b") for s in found)
        return found

    @property
    def date_mark(self) -> str | None:
        """The ``lang`` to mark a date with, or None when it is in the article's language."""
        return self.date_lang if primary(self.date_lang) != primary(self.article_lang) else None

    def note(self, number: int) -> str:
        """A note's name: "Note 3"."""
        return self.words["note"].format(number=number)

    def numbering(self, volume: str | None, issue: str | None) -> str | None:
        """An edition's place in its series: "Volume 4 · Issue 2", "제4권 · 제2호"; None without either.

        A house's word without ``{number}`` ("Vol.") is followed by the number.
        """

        def one(key: str, number: str) -> str:
            word = self.words[key]
            return word.format(number=number) if "{number}" in word else f"{word} {number}"

        parts = [one(k, v) for k, v in (("volume", volume), ("issue", issue)) if v]
        return " \u00b7 ".join(parts) or None

    def back_to_reference(self, number: int, letter: str | None = None, *, parenthesised: bool = False) -> str:
        """A back-link's name: "Back to reference 3", "… 3, b" (or "… 3 (b)" with ``parenthesised``)."""
        text = self.words["back_to_reference"].format(number=number)
        if letter:
            text += f" ({letter})" if parenthesised else f", {letter}"
        return text


def labels_for_lang(lang: str, overrides: Mapping[str, str] | None = None) -> Labels:
    """The words for an article in ``lang``, with a house's ``overrides`` (already chosen for ``lang``)."""
    known = primary(lang) in catalogue()
    words = dict(catalogue()[primary(lang) if known else LABELS_LANG])
    words.update(overrides or {})
    # A house that gives every word for a language the catalogue lacks has made it a supported one.
    own = known or set(REQUIRED_KEYS) <= set(overrides or {})
    return Labels(article_lang=lang, lang=lang if own else LABELS_LANG, words=MappingProxyType(words))


def labels_for(article: Article) -> Labels:
    """The words for ``article``: its language's, with its house's overrides."""
    return labels_for_lang(article.metadata.lang, article.label_overrides)


def house_words(lang: str, house: Mapping[str, object]) -> dict[str, str]:
    """The overrides a house's ``[labels]`` table gives an article in ``lang``.

    Plain keys apply to every language; a ``[labels.<lang>]`` table to that language only, and
    wins.  The table for the primary subtag ("pt") applies to every region, the full tag's
    ("pt-BR") wins over it.
    """
    words = {k: v for k, v in house.items() if isinstance(v, str)}
    for tag in (primary(lang), lang.lower()):
        for name, table in house.items():
            if isinstance(table, dict) and name.lower() == tag:
                words.update(table)
    return words
