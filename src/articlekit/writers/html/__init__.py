"""The HTML writer: a standalone, validator-clean HTML5 page (or only its ``<article>``).

The page embeds the house style (``html.css``) so it is one self-contained file,
and carries machine-readable metadata in ``<head>``: description, Highwire
``citation_*`` tags (read by Google Scholar and reference managers) and
schema.org JSON-LD with authors, editors and the publication date.
"""

from __future__ import annotations

from ...model import Article
from ...options import WriteOptions
from ...read.citations import CSS as CITATIONS_CSS
from ...render.summary import description
from ...render.templates import render, trusted
from ...styles import read_style
from .article import json_ld, render_article


def to_html(article: Article, options: WriteOptions | None = None) -> str:
    """The article as HTML text: a full page, or the ``<article>`` element in fragment mode."""
    options = options or WriteOptions()
    image_src = article.metadata.image.src if article.metadata.image else None
    body = render_article(article, image_src=image_src)
    if options.fragment:
        return body.strip() + "\n"
    return render(
        "page.html.j2",
        meta=article.metadata,
        description=description(article),
        css=trusted(((CITATIONS_CSS if article.references else "")
                     + read_style("html.css", options.styles_dir, article.styles_dir)).replace("</", "<\\/")),
        json_ld=trusted(json_ld(article)),
        article=trusted(body),
    )


def write(article: Article, options: WriteOptions) -> bytes:
    return to_html(article, options).encode("utf-8")
