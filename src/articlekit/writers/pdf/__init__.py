"""The print edition: a typeset, tagged PDF made with WeasyPrint.

==============  =============================================================
module          what it holds
==============  =============================================================
``document``    the print HTML: title block, body, notes with reference pages
``breaks``      where a printed line may break and where not (joiners, addresses)
``tables``      which tables are wide or turned, and how wide each column is
``measure``     widths of text as WeasyPrint sets it; the faces table cells are in
``paragraphs``  justified paragraphs set by the composer in the box tree
``press``       the print run both PDFs share: one layout (two where needed),
                faces, stylesheets, tagging, XMP, problems
``spacing``     glyph positions written as exactly as the layout placed them
``instances``   the book face's static instances made by HarfBuzz
``page``        trim sizes, type size, measure and mirrored binding margins
``writer``      the article PDF: its HTML, identity and XMP, through the press
``edition``     the edition's print book, through the same press
``fetcher``     the URL fetcher that loads only what the safety policy allows
``structure``   tagged-PDF repairs: artifacts, link descriptions
``xmp``         the XMP packet (authors, editors, conformance)
==============  =============================================================

WeasyPrint is imported only when a PDF is written, so the command line and the
page-size check stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...model import Article
    from ...options import WriteOptions


def to_pdf(article: Article, options: WriteOptions | None = None) -> bytes:
    """The article as PDF bytes (see :func:`.writer.to_pdf`)."""
    from .writer import to_pdf as _to_pdf

    return _to_pdf(article, options)


def write(article: Article, options: WriteOptions) -> bytes:
    return to_pdf(article, options)
