"""Sections: each top-level heading and the blocks after it become one section.

Before::

    Para "intro"  Header 1 #why "Why?"  Para  Header 2 #how "How?"  Para  Header 1 #then …

After (pandoc's own convention for sections, so the tree stays a pandoc tree)::

    Para "intro"
    Div #why .section.level1 [Header 1 "Why?", Para,
                              Div #how .section.level2 [Header 2 "How?", Para]]
    Div #then .section.level1 [...]

The section takes the heading's identifier, so links to ``#why`` still land on it.
Text before the first heading stays outside any section (the article's lede).
"""

from __future__ import annotations

from ..model import Article, Block


def _wrap(blocks: list[Block], level: int) -> list[Block]:
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b["t"] == "Header" and b["c"][0] == level:
            j = i + 1
            while j < len(blocks) and not (blocks[j]["t"] == "Header" and blocks[j]["c"][0] <= level):
                j += 1
            ident, classes, attrs = b["c"][1]
            header = {"t": "Header", "c": [level, ["", classes, attrs], b["c"][2]]}
            inner = _wrap(blocks[i + 1 : j], level + 1)
            out.append({"t": "Div", "c": [[ident, ["section", f"level{level}"], []], [header, *inner]]})
            i = j
        elif b["t"] == "Header" and b["c"][0] > level:
            # A deeper heading before any heading of this level: wrap at its own level.
            j = i + 1
            while j < len(blocks) and not (blocks[j]["t"] == "Header" and blocks[j]["c"][0] <= level):
                j += 1
            out.extend(_wrap(blocks[i:j], level + 1))
            i = j
        else:
            out.append(b)
            i += 1
    return out


def wrap(article: Article) -> None:
    article.body = _wrap(article.body, 1)
