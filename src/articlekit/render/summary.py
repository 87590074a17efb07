"""A one-paragraph summary of an article, for descriptions in every format's metadata."""

from __future__ import annotations

from ..model import Article
from ..tree import stringify


def description(article: Article, limit: int = 300) -> str:
    """A one-paragraph summary: the abstract, else the lede's opening text."""
    text = article.metadata.abstract_text
    if not text:
        first = next((b for b in article.body if b["t"] == "Para"), None)
        text = stringify(first["c"]) if first else ""
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"
    return text
