"""Unique ids: no id from the source collides with another or with one articlekit makes.

The source's ids (pandoc's identifiers for headings, ``{#id}`` attributes) share
each output with ids articlekit writes itself: ``notes``, ``notes-heading``,
``fn1``, ``fnref1-2``, ``title-heading`` …  A heading called "Notes" gets the id
``notes`` from pandoc; ``{#fn1}`` names a note's id.  This pass, the only place
ids are changed, prefixes such an id with what the element is (``sec-notes``;
then a number, ``sec-notes-2``, if that is taken too), as the JATS writer names
its ids, and points the links that used it at the new id.  An id the source
gives twice keeps its first holder; later ones are renamed the same way, and
links keep going to the first, as in a browser.  Ids in raw HTML the source
holds (``<a id="fn1"></a>``), which the HTML writers keep, are renamed alike.  Every writer can then write the
ids it is given.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ..model import Article
from ..tree import all_nodes

#: Ids articlekit writes in its HTML, EPUB, print or JATS outputs.
RESERVED = frozenset({
    "notes", "notes-heading", "title-heading", "abstract-heading", "toc", "toc-heading",
    "landmarks", "landmarks-heading", "lead-image",
})
#: Families of generated ids: notes, references to them, JATS affiliations.
_RESERVED_PATTERN = re.compile(r"fn\d+|fnref\d+(?:-\d+)?|aff\d+")

#: Where each node type keeps its ``[id, classes, attributes]``, and the prefix a renamed id takes.
_ATTR_INDEX = {"Div": 0, "Span": 0, "Code": 0, "CodeBlock": 0, "Image": 0, "Link": 0, "Table": 0,
               "Figure": 0, "Header": 1}
_PREFIX = {"Div": "div", "Span": "span", "Code": "code", "CodeBlock": "code", "Image": "img", "Link": "link",
           "Table": "table", "Figure": "fig", "Header": "sec"}


#: An ``id`` attribute inside a tag of raw HTML, its value quoted or not.
_RAW_ID = re.compile(r"""(<[A-Za-z][^<>]*?\sid\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")


def is_reserved(ident: str) -> bool:
    """Whether articlekit itself may write ``ident`` in some output."""
    return ident in RESERVED or _RESERVED_PATTERN.fullmatch(ident) is not None


def _nodes(article: Article) -> list[dict[str, Any]]:
    return all_nodes([article.body, [n.blocks for n in article.notes], article.notes_title or []])


def _prefix(node: dict[str, Any]) -> str:
    if node["t"] == "Div" and "section" in node["c"][0][1]:
        return "sec"
    return _PREFIX[node["t"]]


def _fresh(ident: str, prefix: str, taken: set[str]) -> str:
    """``sec-notes``, else ``sec-notes-2``, ``sec-notes-3`` …: the first neither taken nor reserved."""
    base = ident if ident.startswith(f"{prefix}-") else f"{prefix}-{ident}"
    value, n = base, 2
    while value in taken or is_reserved(value):
        value, n = f"{base}-{n}", n + 1
    return value


def _raw_value(m: re.Match[str]) -> str:
    return html.unescape(next(g for g in m.groups()[1:] if g is not None))


def unique(article: Article) -> None:
    """Rename every source id that is reserved or already taken; retarget links to renamed reserved ids."""
    nodes = _nodes(article)
    raw = [n for n in nodes if n["t"] in ("RawInline", "RawBlock") and n["c"][0] == "html"]
    raw_keys = {id(n) for n in raw}
    taken = {n["c"][_ATTR_INDEX[n["t"]]][0] for n in nodes if n["t"] in _ATTR_INDEX}
    taken |= {_raw_value(m) for n in raw for m in _RAW_ID.finditer(n["c"][1])}
    seen: set[str] = set()
    renamed: dict[str, str] = {}

    def settle(ident: str, prefix: str) -> str:
        """The id an element the source calls ``ident`` gets: its own, the first time and when free."""
        if ident not in seen and not is_reserved(ident):
            seen.add(ident)
            return ident
        fresh = _fresh(ident, prefix, taken)
        taken.add(fresh)
        seen.add(fresh)
        if is_reserved(ident):  # the source's links meant this element
            renamed.setdefault(ident, fresh)
        return fresh

    for node in nodes:
        if node["t"] in _ATTR_INDEX:
            attr = node["c"][_ATTR_INDEX[node["t"]]]
            if attr[0]:
                attr[0] = settle(attr[0], _prefix(node))
        elif id(node) in raw_keys:
            # Raw HTML the sanitiser keeps, with its ids (<a id="fn1"></a>): renamed the same way.
            node["c"][1] = _RAW_ID.sub(
                lambda m: f'{m.group(1)}"{html.escape(settle(_raw_value(m), "html"))}"', node["c"][1])
    for node in nodes:
        if node["t"] == "Link":
            target = node["c"][2][0]
            if target.startswith("#") and target[1:] in renamed:
                node["c"][2][0] = f"#{renamed[target[1:]]}"
