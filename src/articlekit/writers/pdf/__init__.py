"""The print edition: a typeset, tagged PDF made with WeasyPrint.

=============  ==============================================================
module         what it holds
=============  ==============================================================
``document``   the print HTML: title block, body, notes with reference pages
``page``       trim sizes, type size, measure and mirrored binding margins
``writer``     WeasyPrint run, problems raised as errors, reproducible bytes
``fetcher``    the URL fetcher that loads only what the safety policy allows
``structure``  tagged-PDF repairs: artifacts, link descriptions
``xmp``        the XMP packet (authors, editors, conformance)
=============  ==============================================================

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
