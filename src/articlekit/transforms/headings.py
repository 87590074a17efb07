"""Heading levels: the shallowest heading an author used becomes level 1.

Authors write ``#`` or ``##`` for their top-level sections; writers want one
convention.  Before (an author who starts at ``##``)::

    Header 2 "Why?"   Header 3 "Because"

After::

    Header 1 "Why?"   Header 2 "Because"

Levels are shifted, never reordered; headings nested in block quotes or divs
are shifted too, so relative depth is kept everywhere.
"""

from __future__ import annotations

from ..model import Article
from ..tree import iter_blocks


def normalise(article: Article) -> None:
    headers = [b for b in iter_blocks(article.body) if b["t"] == "Header"]
    if not headers:
        return
    shift = min(h["c"][0] for h in headers) - 1
    for h in headers:
        h["c"][0] -= shift
