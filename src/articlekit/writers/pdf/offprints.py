"""Offprints: an article's pages of the laid-out edition, written as a PDF of its own.

An offprint is not laid out again.  The edition is laid out once
(:func:`.press.press_pdf`), and each article's offprint is that article's pages
of the same layout (as WeasyPrint's ``Document.copy`` takes them), so its
lines, page breaks, running heads and folios are the edition's, and the same
tagging, XMP and problems apply.  What makes it a PDF of its own:

- the article's document information (:func:`article_metadata`: title,
  authors, description, keywords, language), as its own PDF would have them;
- an outline of its own pages only, opening on the article's title (the part
  title printed over the first article of a section is left out of it);
- no link to a place outside its pages: such a link is dropped, not left
  pointing nowhere.
"""

from __future__ import annotations

import copy

import weasyprint
from weasyprint.document import Page
from weasyprint.pdf.metadata import DocumentMetadata

from ..._version import __version__
from ...model import Article
from .document import HYPHEN, PrintDocument


def article_metadata(article: Article, doc: PrintDocument, created: str) -> DocumentMetadata:
    """What the article's own print HTML tells WeasyPrint about it (see :func:`.document.print_document`)."""
    m = article.metadata

    def plain(text: str) -> str:
        return text.replace(HYPHEN, "-")

    keywords = [k.strip() for k in plain(", ".join(m.keywords)).split(",") if k.strip()]
    return DocumentMetadata(
        title=plain(doc.title), authors=[plain(p.name) for p in m.authors],
        description=plain(doc.description) or None, keywords=list(dict.fromkeys(keywords)),
        generator=f"articlekit {__version__}", created=created, modified=created, lang=m.lang)


def _page(page: Page, anchors: set[str], title: str | None) -> Page:
    """A copy of a laid-out page without the links that leave ``anchors``, and, on the first page,
    without the bookmarks before the one named ``title``."""
    own = copy.copy(page)
    own.links = []
    for link in page.links:
        kind, target, _rectangle, box = link
        if kind == "internal" and target not in anchors:
            # Its annotation from the edition's PDF would otherwise be tagged into this one.
            box.link_annotation = None
            continue
        own.links.append(link)
    if title is not None:
        labels = [label for _level, label, _position, _state in page.bookmarks]
        if title in labels:
            own.bookmarks = page.bookmarks[labels.index(title):]
    return own


def offprint(document: weasyprint.Document, first: int, last: int, metadata: DocumentMetadata,
             title: str | None = None) -> weasyprint.Document:
    """Pages ``first`` to ``last`` (numbered from 1) of a laid-out document, as a document of their own
    described by ``metadata``, its outline starting at the bookmark ``title`` (if on the first page)."""
    pages = document.pages[first - 1:last]
    anchors = {anchor for page in pages for anchor in page.anchors}
    own = [_page(page, anchors, title if i == 0 else None) for i, page in enumerate(pages)]
    return weasyprint.Document(own, metadata, document.url_fetcher, document.font_config, document.color_profiles,
                               document.output_intent)


__all__ = ["article_metadata", "offprint"]
