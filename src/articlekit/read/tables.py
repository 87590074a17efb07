"""Which of an article's tables are grid tables, whose column widths the author drew.

Pandoc gives every table the same kind of column widths: a grid table's come
from the widths its author drew between the ``+``, a pipe table's from its
dashes once a row passes 72 characters (a rule nobody writes to), and a simple
table's from its dashes too.  The print writer keeps an author's widths (see
:func:`articlekit.writers.pdf.tables.asked_widths`), so the grid tables are told
apart here, from the source: each table's opening line is found in order
(outside code blocks), and when as many are found as pandoc made, each grid
table's ``Table`` is marked with :data:`GRID_KEY`.  When the counts differ (a
table in raw HTML, a syntax not recognised here) nothing is marked: a grid
table is then sized by its content, as any other.
"""

from __future__ import annotations

import re
from typing import Any

from ..tree import iter_blocks

#: The attribute (key, value) a grid table's ``Table`` carries.
GRID_KEY = ("articlekit-widths", "grid")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_GRID = re.compile(r"^ {0,3}\+(?:[-=:]+\+)+\s*$")
_PIPE_RULE = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^ {0,3}\|\s*:?-+:?\s*\|\s*$")
#: A simple table's rule under its head (two or more dash groups), or a multiline or headless table's
#: opening rule (dashes all across); a thematic break (``---``, ``***``) is shorter or spaced.
_SIMPLE_RULE = re.compile(r"^ {0,3}-+(?: +-+)+\s*$")
_FULL_RULE = re.compile(r"^ {0,3}-{10,}\s*$")


def table_kinds(body: str) -> list[str]:
    """The kind of each table the Markdown ``body`` opens, in order: ``grid``, ``pipe`` or ``simple``."""
    lines = body.split("\n")
    kinds: list[str] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            i += 1
            continue
        if opened:
            fence = opened.group(1)
            i += 1
            continue
        kind = None
        if _GRID.match(line):
            kind = "grid"
        elif i + 1 < len(lines) and "|" in line and _PIPE_RULE.match(lines[i + 1]):
            kind = "pipe"
        elif (line.strip() and i + 1 < len(lines) and _SIMPLE_RULE.match(lines[i + 1])) or (
                _FULL_RULE.match(line) and (i == 0 or not lines[i - 1].strip())):
            kind = "simple"
        if kind is None:
            i += 1
            continue
        kinds.append(kind)
        # The table runs to the next blank line (a multiline table's rows hold blank lines: to its closing rule).
        closing = _FULL_RULE.match(line)
        i += 1
        while i < len(lines) and (lines[i].strip() or (closing and not _FULL_RULE.match(lines[i - 1]))):
            i += 1
    return kinds


def mark_grid_tables(body: str, blocks: list[dict[str, Any]]) -> int:
    """Mark each grid table of ``blocks`` (pandoc's parse of ``body``) with :data:`GRID_KEY`; how many were."""
    tables = [b for b in iter_blocks(blocks) if b.get("t") == "Table"]
    kinds = table_kinds(body)
    if len(kinds) != len(tables):
        return 0
    marked = 0
    for table, kind in zip(tables, kinds, strict=True):
        if kind == "grid":
            attr = table["c"][0]
            attr[2] = [*attr[2], list(GRID_KEY)]
            marked += 1
    return marked


__all__ = ["GRID_KEY", "mark_grid_tables", "table_kinds"]
