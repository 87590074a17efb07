"""The in-memory edition: an issue, a yearbook or an anthology of articles.

An :class:`Edition` is read once from ``editions/<slug>.yaml`` by
:mod:`articlekit.editions.loader`; every article in it is an ordinary, fully
transformed :class:`~articlekit.model.Article` (numbered notes, normalised
headings), exactly as :func:`articlekit.load` returns it.  The edition writers
(print and ebook) are pure functions of an ``Edition`` plus the house style, as
the article writers are of an ``Article``; they never re-read a source.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ArticleWarning
from . import Article, Journal, Person


@dataclass(frozen=True)
class FrontPiece:
    """A page of the edition's own, written in Markdown: a foreword, an editorial, an imprint."""

    #: "foreword" (printed after the contents, listed in them) or "imprint" (the colophon page
    #: on the back of the title page, not listed).
    kind: str
    title: str
    #: The piece rendered as an HTML fragment that is also well-formed XML (for EPUB).
    html: str


@dataclass(frozen=True)
class EditionArticle:
    """One article in its place in the edition."""

    slug: str
    article: Article

    @property
    def source(self) -> Path:
        return self.article.path


@dataclass(frozen=True)
class EditionSection:
    """A group of articles under a title ("Commentary", "Research"); ``title`` is None for
    articles listed without a section."""

    title: str | None
    articles: tuple[EditionArticle, ...]


@dataclass(frozen=True)
class Edition:
    """A validated edition file with its articles loaded, in reading order."""

    path: Path
    title: str
    date: _dt.date
    sections: tuple[EditionSection, ...]
    subtitle: str | None = None
    volume: str | None = None
    issue: str | None = None
    issn: str | None = None
    isbn: str | None = None
    publisher: str | None = None
    editors: tuple[Person, ...] = ()
    #: The cover image, a file inside the edition file's folder tree.
    cover: Path | None = None
    lang: str = "en"
    front: tuple[FrontPiece, ...] = ()
    styles_dir: Path | None = None
    warnings: list[ArticleWarning] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The file stem, which names every output of the edition."""
        return self.path.stem

    @property
    def articles(self) -> list[EditionArticle]:
        """Every article in reading order, across sections."""
        return [a for s in self.sections for a in s.articles]


@dataclass(frozen=True)
class ArticlePages:
    """Where one article falls in the printed edition (1-based page numbers)."""

    slug: str
    first: int
    last: int


def with_pages(article: Article, edition: Edition, pages: ArticlePages) -> Article:
    """A copy of ``article`` that knows where the edition printed it.

    Volume, issue and pages always come from the edition; its ISSN and publisher
    fill in what the article itself does not state.  The journal is the edition's
    (its title and publisher; the house's ``journal`` table when it names the same
    title, for its ids and typed ISSNs); an article that names no section of its
    own takes the edition's section it is printed in.
    """
    m = article.metadata
    journal = m.journal
    if journal is None or journal.title != edition.title:
        journal = Journal(title=edition.title, publisher=edition.publisher)
    elif journal.publisher is None:
        journal = dataclasses.replace(journal, publisher=edition.publisher)
    section = next((s.title for s in edition.sections for a in s.articles if a.article is article), None)
    meta = dataclasses.replace(
        m, volume=edition.volume, issue=edition.issue, fpage=pages.first, lpage=pages.last,
        issn=m.issn or edition.issn, publisher=m.publisher or edition.publisher,
        journal=journal, section=m.section or section,
    )
    return dataclasses.replace(article, metadata=meta)
