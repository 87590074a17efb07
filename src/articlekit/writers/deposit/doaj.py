"""A DOAJ article record (``doajArticles.xsd``): ``<records>`` of one ``<record>`` per article.

Each record, in the order the schema requires: ``language``, ``publisher``,
``journalTitle``, ``issn`` (print) and ``eissn`` (electronic), ``publicationDate``,
``volume``, ``issue``, ``startPage``, ``endPage``, ``doi``, ``title`` (with its
``language``), ``authors`` (name, ``affiliationId`` …, ``orcid_id``),
``affiliationsList``, ``abstract``, ``fullTextUrl format="html"`` and
``keywords``.  Languages are ISO 639-2/B codes (:mod:`.languages`).  An edition's
record file holds every article, with its pages in print.

The record needs the journal's title and ISSN and the article's address on the
web (``base_url``); a DOI is written when the article has one (DOAJ finds an
updated record by it).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from ...errors import ArticlekitError
from ...model import Article, Deposit
from ...model.edition import ArticlePages, Edition, with_pages
from ...options import WriteOptions
from ..elements import Element
from . import issns, journal_title, require, require_all, resource_url
from .languages import iso_639_2b


def _sub(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    el = etree.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def record(article: Article) -> Element:
    """One ``<record>``."""
    m = article.metadata
    rec = etree.Element("record")
    lang = iso_639_2b(m.lang)
    lang_attr = {"language": lang} if lang else {}
    if lang:
        _sub(rec, "language", lang)
    publisher = (m.journal.publisher if m.journal else None) or m.publisher
    if publisher:
        _sub(rec, "publisher", publisher)
    _sub(rec, "journalTitle", journal_title(m))
    for issn, media in issns(m):
        _sub(rec, "issn" if media == "print" else "eissn", issn)
    _sub(rec, "publicationDate", m.date.isoformat())
    for tag, value in (("volume", m.volume), ("issue", m.issue), ("startPage", m.fpage), ("endPage", m.lpage)):
        if value is not None:
            _sub(rec, tag, str(value))
    if m.fpage is None and m.elocation:
        _sub(rec, "startPage", m.elocation)
    if m.doi:
        _sub(rec, "doi", m.doi)
    title = m.title_text + (f": {m.subtitle_text}" if m.subtitle_text else "")
    _sub(rec, "title", " ".join(title.split()), **lang_attr)
    affiliations: dict[str, str] = {}
    if m.authors:
        authors = _sub(rec, "authors")
        for p in m.authors:
            author = _sub(authors, "author")
            _sub(author, "name", p.name)
            if p.affiliation:
                _sub(author, "affiliationId", affiliations.setdefault(p.affiliation, str(len(affiliations) + 1)))
            if p.orcid:
                _sub(author, "orcid_id", f"https://orcid.org/{p.orcid}")
    if affiliations:
        listed = _sub(rec, "affiliationsList")
        for name, ident in affiliations.items():
            _sub(listed, "affiliationName", name, affiliationId=ident)
    if m.abstract_text:
        _sub(rec, "abstract", " ".join(m.abstract_text.split()), **lang_attr)
    _sub(rec, "fullTextUrl", resource_url(article), format="html")
    if m.keywords:
        keywords = _sub(rec, "keywords", **lang_attr)
        for kw in m.keywords:
            _sub(keywords, "keyword", kw)
    return rec


def records(articles: Sequence[Article]) -> bytes:
    root = etree.Element("records")
    for article in articles:
        root.append(record(article))
    etree.indent(root, space="  ")  # every element holds either elements or text, never both
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def to_doaj(article: Article, deposit: Deposit | None = None) -> bytes:
    """The DOAJ record of one article (refused, with every missing fact, when one is missing)."""
    require(article, "doaj", deposit)
    return records([article])


def edition_to_doaj(edition: Edition, pages: Sequence[ArticlePages], deposit: Deposit | None = None) -> bytes:
    """The DOAJ records of an edition's articles, each with the edition's volume, issue and its pages."""
    placed = [with_pages(item.article, edition, p) for item, p in zip(edition.articles, pages, strict=True)]
    if not placed:
        raise ArticlekitError(f"{edition.path}: the edition has no articles to list")
    require_all(placed, "doaj", deposit)
    return records(placed)


def write(article: Article, options: WriteOptions) -> bytes:
    return to_doaj(article)


__all__ = ["edition_to_doaj", "record", "records", "to_doaj", "write"]
