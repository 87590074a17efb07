"""Print tables: which are wide, which go on a landscape page, and how their columns are shared out.

A table's columns are judged from its cells before layout: a token (an
identifier, a version, an option) is never hyphenated and breaks only at its
own break points, a word down to its hyphenation points; a table whose columns
then need more than the text block goes on a landscape page, and one of many
columns gets its widths shared out by what each column needs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from copy import deepcopy
from functools import cache
from typing import Any

import pyphen

from ...tree import inline_children, iter_table_rows
from .breaks import BREAK_HERE, NO_HYPHENS_NEEDED, WORD_JOINER

#: Tables with this many columns or more are set smaller (``table.wide`` in print.css).
WIDE_TABLE_COLUMNS = 6
#: The limits a wide table is shrunk within: no word of up to this many characters is broken
#: (longer ones are hyphenated), at table.wide's type, whose characters and cell padding are about
#: this wide in ems of the body type, in the text block page.py aims at (32 ems; narrower on a small
#: trim, and the writer gives the page's own).  A table whose columns need more goes on a landscape
#: page of its own (``.landscape``, ``@page wide``).
UNBROKEN_WORD = 8
_CHAR_EM, _CELL_EM, MEASURE_EM = 0.37, 0.6, 32.0
#: Widest character of a token (figures are tabular, capitals wide) and of code, and a word's character
#: (the head's are bold) where the column widths are shared out, in ems of the body type.
_TOKEN_CHAR_EM, _CODE_CHAR_EM, _WORD_CHAR_EM = 0.48, 0.4, 0.42
#: A word of fewer characters than this is not hyphenated in a cell, nor closer than this to its ends
#: (``hyphenate-limit-chars`` of th and td in print.css).
_CELL_HYPHEN_WORD, _CELL_HYPHEN_SIDE = 5, 2
#: Where a token in a table cell may break: after / = & ?, after a hyphen between letters or figures
#: ("avx512-64GB"), after a period before a letter ("benchmarks.run"); never inside a number ("13.2").
_TOKEN_BREAK = re.compile(r"(?<=[/=&?])(?=[^\W_])|(?<=[^\W_]-)(?=[^\W_])|(?<=[^\W\d_]\.)(?=[^\W\d_])")
#: The hyphens an option opens with ("-O3", "--suite"): a line may not break after them.
_LEADING_HYPHENS = re.compile(r"(?<!\S)(-+)(?=[^\W_])")
#: Class of a token in a table cell: never hyphenated (print.css).
TOKEN_CLASS = "cell-token"  # noqa: S105 - a class name


def is_token(word: str) -> bool:
    """Whether a word of a table cell is a token, not a word: an identifier, a version, an option.

    It holds a letter and a figure or one of ``_ = / & ?``, or opens with a hyphen
    ("x86_64-zen4", "gcc-13.2", "-flto").  Hyphenating one would put a hyphen in
    it that is not there, and a break at an arbitrary letter would change it.
    """
    return any(ch.isalpha() for ch in word) and (
        word.startswith("-") or any(ch.isdigit() or ch in "_=/&?" for ch in word))


def break_token(text: str) -> str:
    """``text`` with a zero-width space at each of its tokens' break points and none after an opening hyphen."""
    def one(match: re.Match[str]) -> str:
        word = match[0]
        if not is_token(word):
            return word
        word = _LEADING_HYPHENS.sub(lambda m: WORD_JOINER.join(m[1]) + WORD_JOINER, word)
        return _TOKEN_BREAK.sub(BREAK_HERE, word)
    return re.sub(r"\S+", one, text)


@cache
def _hyphenator(lang: str) -> pyphen.Pyphen | None:
    """The hyphenation dictionary WeasyPrint sets ``lang`` with, or None (no hyphenation)."""
    found = pyphen.language_fallback(lang.replace("-", "_")) if lang and lang not in NO_HYPHENS_NEEDED else None
    return pyphen.Pyphen(lang=found, left=_CELL_HYPHEN_SIDE, right=_CELL_HYPHEN_SIDE) if found else None


def _word_part(word: str, lang: str) -> int:
    """How many characters of ``word`` a cell's line must hold: its longest part between hyphens or breaks."""
    dic = _hyphenator(lang)
    widest = 0
    for part in re.split(r"(?<=[^\W\d_]-)(?=[^\W\d_])", word):  # a hard hyphen between letters
        if dic is None or len(part) < _CELL_HYPHEN_WORD:
            widest = max(widest, len(part))
            continue
        cuts = [0, *dic.positions(part), len(part)]
        widest = max(widest, *(end - start + (end < len(part)) for start, end in itertools.pairwise(cuts)))
    return widest


def _cell_needs(inlines: list[Any], lang: str, fit: bool) -> float:
    """How wide (ems of the body type) a cell's content needs its column: its widest part that cannot break.

    With ``fit`` false, the coarse limit the landscape cutoff was set by: a
    word is counted up to :data:`UNBROKEN_WORD` characters.  With ``fit`` true,
    each word to its longest part between hyphenation points, for sharing out
    the columns of a table set upright.
    """
    need = 0.0
    for node in inlines:
        t, c = node.get("t"), node.get("c")
        if t == "Code":
            need = max(need, *(len(part) * _CODE_CHAR_EM for w in c[1].split()
                               for part in break_token(w).replace(WORD_JOINER, "").split(BREAK_HERE)), 0)
            continue
        if t != "Str":
            need = max(need, _cell_needs(inline_children(node) or [], lang, fit))
            continue
        for word in c.split():
            if is_token(word) or any(ch.isdigit() for ch in word):
                # never hyphenated: as wide as its longest part between break points
                parts = break_token(word).replace(WORD_JOINER, "").split(BREAK_HERE)
                need = max(need, *(len(part) * _TOKEN_CHAR_EM for part in parts))
            elif fit:
                need = max(need, _word_part(word, lang) * _WORD_CHAR_EM)
            else:
                need = max(need, min(len(word), UNBROKEN_WORD) * _CHAR_EM)
    return need


def column_needs(table: list[Any], lang: str = "", fit: bool = False) -> list[float]:
    """How wide (ems of the body type) each column of a table needs to be, cell padding included.

    A word may be hyphenated, so a column needs room for its first
    :data:`UNBROKEN_WORD` characters (with ``fit``, its longest part between
    hyphenation points in ``lang``); a token (see :func:`is_token`) or code is
    broken only at its break points, so a column needs room for its longest part.
    """
    _attr, _caption, colspecs, head, bodies, foot = table
    widest = [0.0] * len(colspecs)
    for _row_attr, cells in iter_table_rows(head, bodies, foot):
        col = 0
        for cell in cells:
            span = cell[3]
            if span == 1 and col < len(widest):
                for block in cell[4]:
                    if block.get("t") in ("Plain", "Para"):
                        widest[col] = max(widest[col], _cell_needs(block["c"], lang, fit))
            col += span
    return [w + _CELL_EM for w in widest]


def needs_landscape(table: list[Any]) -> bool:
    """Whether a table's columns, each as wide as its longest part that cannot break, outgrow the text block."""
    return sum(column_needs(table)) > MEASURE_EM


def shared_widths(needs: Sequence[float], measure: float = MEASURE_EM) -> list[float] | None:
    """Each column's share (percent) of a table set in the text block, or None when equal shares fit every column.

    A column that needs more than an equal share gets what it needs, and the
    room left over is shared out equally.
    """
    if not needs or max(needs) <= measure / len(needs):
        return None
    spare = (measure - sum(needs)) / len(needs)
    return [round(100 * (need + spare) / measure, 2) for need in needs]


def _mark_tokens(inlines: list[Any]) -> list[Any]:
    """A cell's inlines with each token in a ``span.cell-token``, its break points marked; code likewise broken."""
    out: list[Any] = []
    for node in inlines:
        t, c = node.get("t"), node.get("c")
        if t == "Str" and is_token(c):
            node = {"t": "Span", "c": [["", [TOKEN_CLASS], []], [{"t": "Str", "c": break_token(c)}]]}
        elif t == "Code":
            node = {"t": "Code", "c": [c[0], break_token(c[1])]}
        elif t in ("Emph", "Strong", "Underline", "SmallCaps", "Strikeout", "Superscript", "Subscript"):
            node = {"t": t, "c": _mark_tokens(c)}
        elif t == "Span":
            node = {"t": t, "c": [c[0], _mark_tokens(c[1])]}
        out.append(node)
    return out


def mark_tokens(table: list[Any]) -> list[Any]:
    """A copy of a table whose cells' tokens and code may break only at their break points (see :func:`break_token`)."""
    attr, caption, colspecs, head, bodies, foot = deepcopy(table)
    for _row_attr, cells in iter_table_rows(head, bodies, foot):
        for cell in cells:
            cell[4] = [{"t": b["t"], "c": _mark_tokens(b["c"])} if b.get("t") in ("Plain", "Para") else b
                       for b in cell[4]]
    return [attr, caption, colspecs, head, bodies, foot]


def column_groups(needs: Sequence[float], room: float) -> list[list[int]]:
    """The columns of a table too wide for ``room`` (ems), in groups that fit it, each led by the first column."""
    groups: list[list[int]] = []
    current = [0]
    used = needs[0]
    for i in range(1, len(needs)):
        if len(current) > 1 and used + needs[i] > room:
            groups.append(current)
            current, used = [0], needs[0]
        current.append(i)
        used += needs[i]
    groups.append(current)
    return groups


def split_columns(table: list[Any], groups: list[list[int]]) -> list[list[Any]]:
    """``table`` as one table per group of columns (see :func:`column_groups`); ``[]`` if a cell spans.

    Each keeps the head rows (of its columns); the first keeps the caption and
    the table's id, the others follow it as its continuation.
    """
    attr, caption, colspecs, head, bodies, foot = table
    rows = [*head[1], *(r for body in bodies for r in (*body[2], *body[3])), *foot[1]]
    if any(cell[2] != 1 or cell[3] != 1 for _row_attr, cells in rows for cell in cells) or len(groups) < 2:
        return []

    def pick(row_list: list[Any], group: list[int]) -> list[Any]:
        return [[row_attr, [cells[i] for i in group]] for row_attr, cells in row_list]

    parts = []
    for k, group in enumerate(groups):
        part_attr = attr if k == 0 else ["", attr[1], []]
        part_caption = caption if k == 0 else [None, []]
        part_bodies = [[b[0], min(b[1], 1), pick(b[2], group), pick(b[3], group)] for b in bodies]
        parts.append([part_attr, part_caption, [colspecs[i] for i in group], [head[0], pick(head[1], group)],
                      part_bodies, [foot[0], pick(foot[1], group)]])
    return parts


__all__ = ["MEASURE_EM", "TOKEN_CLASS", "UNBROKEN_WORD", "WIDE_TABLE_COLUMNS", "break_token", "column_groups",
           "column_needs", "is_token", "mark_tokens", "needs_landscape", "shared_widths", "split_columns"]
