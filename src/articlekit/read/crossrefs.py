"""Numbered figures and tables, and references to them: Quarto's ``@fig-map`` and ``@tbl-trade``.

A figure with an id ``fig-…`` (``![Caption](map.png){#fig-map}``) and a table
whose caption ends with ``{#tbl-…}`` are numbered in reading order, each kind
on its own ("Figure 1", "Table 1", in the article's language).  Each
``@fig-map`` in the text becomes a link to the figure whose words are its
number; the caption starts with the same words, in a ``Span.figure-label``
(``table-label``) that the JATS writer turns into ``<label>``.  A reference to a
label the article does not have is an error with a did-you-mean.

Nothing happens in an article that references no figure or table, so an
article written before cross-references were known is read exactly as before.

Runs in the reader, before citeproc: with a bibliography, pandoc reads
``@fig-map`` as a citation, which is taken here; without one it is text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ArticleError, closest
from ..tree import all_lists, all_nodes
from .backmatter import words as _words

#: What each prefix numbers, and the label's key in the catalogue.
KINDS = {"fig-": "figure", "tbl-": "table"}
_IN_TEXT = re.compile(r"(?<![\w.])@((?:fig|tbl)-[\w-]*\w)")
#: Class of the placeholder a reference becomes until the numbers are known.
_REF_CLASS = "articlekit-crossref"


def _kind(label: str) -> str | None:
    return next((kind for prefix, kind in KINDS.items() if label.startswith(prefix)), None)


def _placeholder(label: str) -> dict[str, Any]:
    return {"t": "Span", "c": [["", [_REF_CLASS], [["label", label]]], []]}


def _mark(tree: Any) -> None:
    """Turn every ``@fig-…``/``@tbl-…`` (a Cite, or text) into a placeholder, in place."""
    for item in all_lists(tree):
        out: list[Any] = []
        changed = False
        for node in item:
            if not isinstance(node, dict):
                out.append(node)
                continue
            if node.get("t") == "Cite" and all(_kind(c["citationId"]) for c in node["c"][0]):
                for i, c in enumerate(node["c"][0]):
                    if i:
                        out += [{"t": "Str", "c": ","}, {"t": "Space"}]
                    out += [*c["citationPrefix"], _placeholder(c["citationId"]), *c["citationSuffix"]]
                changed = True
                continue
            if node.get("t") == "Str" and _IN_TEXT.search(node["c"]):
                pos = 0
                for m in _IN_TEXT.finditer(node["c"]):
                    if m.start() > pos:
                        out.append({"t": "Str", "c": node["c"][pos:m.start()]})
                    out.append(_placeholder(m.group(1)))
                    pos = m.end()
                if pos < len(node["c"]):
                    out.append({"t": "Str", "c": node["c"][pos:]})
                changed = True
                continue
            out.append(node)
        if changed:
            item[:] = out


def number(path: Path, text: str, body_start: int, tree: Any,
           word: Callable[[str, int], str]) -> list[ArticleError]:
    """Number the figures and tables and resolve every reference to them; the problems found.

    ``word(kind, n)`` gives the words for figure or table ``n`` ("Figure 1").
    """
    _mark(tree)
    refs = [n for n in all_nodes(tree) if n["t"] == "Span" and _REF_CLASS in n["c"][0][1]]
    if not refs:
        return []
    counts = dict.fromkeys(KINDS.values(), 0)
    numbers: dict[str, str] = {}
    for node in all_nodes(tree):
        if node["t"] not in ("Figure", "Table"):
            continue
        ident = node["c"][0][0]
        kind = _kind(ident)
        if kind is None or kind != ("figure" if node["t"] == "Figure" else "table"):
            continue
        counts[kind] += 1
        numbers[ident] = word(kind, counts[kind])
        caption = node["c"][1][1]
        label = {"t": "Span", "c": [["", [f"{kind}-label"], []], _words(numbers[ident])]}
        if caption and caption[0]["t"] in ("Plain", "Para"):
            caption[0]["c"][:0] = [label, {"t": "Str", "c": "."}, {"t": "Space"}]
        else:
            caption.insert(0, {"t": "Plain", "c": [label]})
    errors: list[ArticleError] = []
    pos = body_start
    for node in refs:
        label = dict(node["c"][0][2])["label"]
        found = text.find(f"@{label}", pos)
        where = (text.count("\n", 0, found) + 1, found - (text.rfind("\n", 0, found) + 1) + 1) if found >= 0 else ()
        pos = found + 1 if found >= 0 else pos
        if label not in numbers:
            hint = closest(label, numbers)
            kind = "figure" if label.startswith("fig-") else "table"
            errors.append(ArticleError(path, f"@{label}: the article has no {kind} with that id" + (
                f" (did you mean @{hint}?)" if hint else f"; give the {kind} {{#{label}}}"), *where))
            continue
        node.clear()
        node.update({"t": "Link", "c": [["", ["crossref"], []], _words(numbers[label]), [f"#{label}", ""]]})
    return errors
