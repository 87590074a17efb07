"""Heading levels: the shallowest heading an author used becomes level 1.

Authors write ``#`` or ``##`` for their top-level sections; writers want one
convention.  Before (an author who starts at ``##``)::

    Header 2 "Why?"   Header 3 "Because"

After::

    Header 1 "Why?"   Header 2 "Because"

A level the author skipped is closed up, so the outline and the HTML heading
order have no gap (``#`` then ``###`` is a section and its subsection)::

    Header 1 "A"   Header 3 "B"   Header 3 "C"   Header 2 "D"
    Header 1 "A"   Header 2 "B"   Header 2 "C"   Header 2 "D"

A heading is one level below the nearest earlier heading the author wrote
shallower than it, so headings are never reordered and siblings stay siblings;
headings nested in block quotes or divs are numbered in the same run.
"""

from __future__ import annotations

from ..model import Article
from ..tree import iter_blocks


def normalise(article: Article) -> None:
    # (level the author wrote, level given) of each open heading, shallowest first.
    open_: list[tuple[int, int]] = []
    for h in (b for b in iter_blocks(article.body) if b["t"] == "Header"):
        written = h["c"][0]
        while open_ and open_[-1][0] >= written:
            open_.pop()
        given = open_[-1][1] + 1 if open_ else 1
        open_.append((written, given))
        h["c"][0] = given
