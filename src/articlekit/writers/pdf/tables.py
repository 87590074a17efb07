"""Print tables: which are wide, which go on a landscape page, and how wide each column is.

A table's columns are sized by what their cells hold, measured in the faces
the cells are set in (:class:`.measure.CellFaces`, HarfBuzz through Pango, as
the layout measures them), the way the automatic table layout of CSS 2.1 does
it:

* a column's *least* width is its widest part that cannot break: a word is
  hyphenated only where the cell's ``hyphenate-limit-chars`` allows (a word
  of fewer than 12 letters not at all in the house style), a token (an
  identifier, a version, an option) and code break only at their own break
  points, never with a hyphen added;
* its *whole* width is its widest word not hyphenated;
* its *most* is its longest cell's text set on one line;
* the text block, less the cells' padding, is shared out: each column gets
  its most if all fit (and the rest in proportion to it); else its whole
  width if all fit, and the rest in proportion to what it lacks of its most;
  else its least, and the rest in proportion to what it lacks of its whole
  width (see :func:`share_out`).

A table of many columns whose least widths outgrow the text block goes on a
landscape page, and one that outgrows even that is split.  The author's
relative widths are kept only where they were asked for (``{width="30%,…"}``) or
drawn (a grid table); pandoc's from a pipe table's dashes are a guess no author made.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...compose.material import dictionary
from ...read.tables import GRID_KEY
from ...tree import inline_children, iter_table_rows, stringify
from .breaks import BREAK_HERE, NO_HYPHENS_NEEDED, WORD_JOINER

if TYPE_CHECKING:
    from .measure import CellFaces

#: Tables with this many columns or more are set smaller (``table.wide`` in print.css).
WIDE_TABLE_COLUMNS = 6
#: The text block of A4, in ems of the body type: the writer gives the page's own.
MEASURE_EM = 32.0
#: Where a token in a table cell may break: after / = & ?, after a hyphen between letters or figures
#: ("avx512-64GB"), after a period before a letter ("benchmarks.run"); never inside a number ("13.2").
_TOKEN_BREAK = re.compile(r"(?<=[/=&?])(?=[^\W_])|(?<=[^\W_]-)(?=[^\W_])|(?<=[^\W\d_]\.)(?=[^\W\d_])")
#: The hyphens an option opens with ("-O3", "--suite"): a line may not break after them.
_LEADING_HYPHENS = re.compile(r"(?<!\S)(-+)(?=[^\W_])")
#: A hard hyphen between letters, after which a line may break.
_HARD_HYPHEN = re.compile(r"(?<=[^\W\d_]-)(?=[^\W\d_])")
#: Class of a token in a table cell: never hyphenated (print.css).
TOKEN_CLASS = "cell-token"  # noqa: S105 - a class name
#: Added to each column's widths (ems): the layout's sums of advances may differ from ours in the last bits,
#: and a column given exactly its widest part would then break it at a letter.
_ALLOWANCE = 0.02
#: Languages whose lines break between characters, not only at spaces.
_BY_CHARACTER = frozenset({"ja", "zh"})


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


@dataclass(frozen=True)
class Column:
    """How wide a column can be, in ems of the body type, its cells' padding and borders included.

    ``least``: its widest part that cannot break; ``whole``: its widest word
    not hyphenated (a token or code still broken at its own break points, a
    compound at its own hyphens); ``most``: its longest cell's text on one line.
    """

    least: float
    whole: float
    most: float


def _runs(inlines: list[Any], kind: str = "text") -> Iterator[tuple[str, str]]:
    """A cell's text as runs of one kind each (see :data:`.measure.KINDS`); a space or line break a run of its own."""
    for node in inlines:
        t, c = node.get("t"), node.get("c")
        if t == "Str":
            yield c, "token" if kind == "text" and is_token(c) else kind
        elif t in ("Space", "SoftBreak"):
            yield " ", kind
        elif t == "LineBreak":
            yield "\n", kind
        elif t == "Code":
            yield c[1], "code"
        elif t in ("Emph", "Strong"):
            yield from _runs(c, kind if kind != "text" else "em" if t == "Emph" else "strong")
        elif t == "Math":
            yield c[1], kind
        else:
            kids = inline_children(node)
            if kids is not None:
                yield from _runs(kids, kind)
            else:
                yield stringify(node), kind


def _parts(text: str, kind: str, faces: CellFaces, wide: bool, cell: str, lang: str,
           hyphenate: bool = True) -> Iterator[str]:
    """The parts of a word (no space in it) a line cannot break, each as it is set (a hyphen after one it ends).

    With ``hyphenate`` false, the parts it has if it is not hyphenated.
    """
    if faces.breaks_anywhere(wide, cell, kind) or (kind != "code" and lang.split("-")[0] in _BY_CHARACTER):
        yield from text
        return
    if kind in ("code", "token") or any(ch.isdigit() for ch in text):
        yield from break_token(text).replace(WORD_JOINER, "").split(BREAK_HERE)
        return
    limits = faces.hyphenation(wide, cell, kind) if hyphenate else None
    hyphen = faces.styles[wide, cell, kind]["hyphenate_character"]
    for part in _HARD_HYPHEN.split(text):
        start = next((i for i, ch in enumerate(part) if ch.isalpha()), len(part))
        end = len(part) - next((i for i, ch in enumerate(reversed(part)) if ch.isalpha()), len(part))
        core = part[start:end]
        dic = dictionary(lang, limits[1], limits[2]) if limits and len(core) >= limits[0] else None
        if dic is None or lang.split("-")[0] in NO_HYPHENS_NEEDED:
            yield part
            continue
        cuts = [0, *(start + p for p in dic.positions(core)), len(part)]
        for i in range(len(cuts) - 1):
            yield part[cuts[i]:cuts[i + 1]] + (hyphen if i < len(cuts) - 2 else "")


def _words(runs: list[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    """The runs of each word: what lies between two spaces or line breaks."""
    word: list[tuple[str, str]] = []
    for text, kind in runs:
        pieces = re.split(r"([ \n])", text)
        for piece in pieces:
            if piece in (" ", "\n"):
                if word:
                    yield word
                word = []
            elif piece:
                word.append((piece, kind))
    if word:
        yield word


def _merged(runs: Iterator[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs of the same kind next to each other made one."""
    out: list[tuple[str, str]] = []
    for text, kind in runs:
        if out and out[-1][1] == kind:
            out[-1] = (out[-1][0] + text, kind)
        else:
            out.append((text, kind))
    return out


def _cell(blocks: list[Any], faces: CellFaces, wide: bool, cell: str, lang: str) -> tuple[float, float, float]:
    """A cell's widest part that cannot break, its widest word not hyphenated and its longest line unbroken (ems)."""
    least = whole = most = 0.0
    for block in blocks:
        if block.get("t") not in ("Plain", "Para"):
            continue
        runs = _merged(_runs(block["c"]))
        line = 0.0
        for text, kind in runs:
            for k, piece in enumerate(text.split("\n")):
                if k:
                    most, line = max(most, line), 0.0
                line += faces.width(piece, wide, cell, kind)
        most = max(most, line)
        for word in _words(runs):
            if len(word) > 1 and sum(len(text) for text, _kind in word) < (
                    (faces.hyphenation(wide, cell, "text") or (0,))[0]):
                # A short word of mixed kinds ("(", a word in italics, ")"): whole
                width = sum(faces.width(text, wide, cell, kind) for text, kind in word)
                least, whole = max(least, width), max(whole, width)
                continue
            for text, kind in word:
                least = max(least, *(faces.width(part, wide, cell, kind)
                                     for part in _parts(text, kind, faces, wide, cell, lang)))
                whole = max(whole, *(faces.width(part, wide, cell, kind)
                                     for part in _parts(text, kind, faces, wide, cell, lang, hyphenate=False)))
    return least, max(least, whole), max(least, whole, most)


def _rows(head: list[Any], bodies: list[Any], foot: list[Any]) -> Iterator[tuple[list[Any], str, int]]:
    """Each row's cells, with the kind of cell most of them are (``head``, ``body``) and how many are row heads."""
    for _attr, cells in head[1]:
        yield cells, "head", 0
    for body in bodies:
        for _attr, cells in body[2]:
            yield cells, "head", 0
        for _attr, cells in body[3]:
            yield cells, "body", body[1]
    for _attr, cells in foot[1]:
        yield cells, "body", 0


def measure_columns(table: list[Any], faces: CellFaces, wide: bool, lang: str) -> list[Column]:
    """How narrow and how wide each column of ``table`` can be (see :class:`Column`), set as ``wide`` or not.

    A cell spanning columns is left out: its columns are sized by the others.
    """
    _attr, _caption, colspecs, head, bodies, foot = table
    n = len(colspecs)
    least, whole, most = [0.0] * n, [0.0] * n, [0.0] * n
    for cells, kind, stubs in _rows(head, bodies, foot):
        col = 0
        for k, cell in enumerate(cells):
            span = cell[3]
            if span == 1 and col < n:
                low, mid, high = _cell(cell[4], faces, wide, "stub" if k < stubs else kind, lang)
                least[col], whole[col], most[col] = max(least[col], low), max(whole[col], mid), max(most[col], high)
            col += span
    edges = [faces.edge(wide, i, n) + _ALLOWANCE for i in range(n)]
    return [Column(lo + e, mid + e, hi + e) for lo, mid, hi, e in zip(least, whole, most, edges, strict=True)]


def asked_widths(table: list[Any]) -> list[float] | None:
    """The author's relative column widths, where asked for with ``{width="30%,20%,50%"}``, as fractions; else None.

    Pandoc's own colspecs are not asked for: a pipe table gets them from its
    dashes once a row is longer than 72 characters.  A grid table's are (the
    author drew them): the reader marks those tables (:mod:`articlekit.read.tables`).
    """
    attr, colspecs = table[0], table[2]
    given = dict(attr[2]).get("width") or dict(attr[2]).get("widths")
    if not given and dict(attr[2]).get(GRID_KEY[0]) == GRID_KEY[1]:
        # A grid table: the widths its author drew between the +, as pandoc read them.
        drawn = [spec[1].get("c") if spec[1].get("t") == "ColWidth" else None for spec in colspecs]
        if drawn and all(isinstance(w, (int, float)) and w > 0 for w in drawn):
            return [w / sum(drawn) for w in drawn]
        return None
    if not given:
        return None
    try:
        numbers = [float(w.strip().rstrip("%")) for w in re.split(r"[,\s]+", given.strip()) if w.strip()]
    except ValueError:
        return None
    if len(numbers) != len(colspecs) or min(numbers) <= 0:
        return None
    return [w / sum(numbers) for w in numbers]


def share_out(columns: Sequence[Column], room: float, asked: Sequence[float] | None = None) -> list[float]:
    """Each column's width (ems) in a table ``room`` wide, sharing the room out as CSS 2.1's automatic layout does.

    If every column can have its most, it does, and the rest of the room is
    shared in proportion to it.  Else, as a typesetter hyphenates only where
    the room asks for it, a step between least and most: if every column can
    hold its words whole, it does, and the rest is shared in proportion to
    what each lacks of its most; else each has its least, and the rest is
    shared in proportion to what each lacks of its whole words.  If even the
    leasts do not fit, each has a share in proportion to its least.
    ``asked`` (fractions of the room) is kept where no column is then narrower
    than its least.
    """
    least = [c.least for c in columns]
    whole = [c.whole for c in columns]
    most = [c.most for c in columns]
    if asked and all(a * room >= lo - 1e-9 for a, lo in zip(asked, least, strict=True)):
        return [a * room for a in asked]
    if sum(most) <= room:
        return [m + (room - sum(most)) * m / sum(most) for m in most]
    for low, high in ((whole, most), (least, whole)):
        if sum(low) <= room:
            lack = [hi - lo for hi, lo in zip(high, low, strict=True)]
            return [lo + (room - sum(low)) * d / sum(lack) for lo, d in zip(low, lack, strict=True)]
    return [room * lo / sum(least) for lo in least]


def percentages(widths: Sequence[float]) -> list[float]:
    """Widths as percentages of their sum, to two places (the ``col`` widths print.css lays a table out by)."""
    total = sum(widths)
    shares = [round(100 * w / total, 2) for w in widths]
    widest = shares.index(max(shares))
    shares[widest] = round(shares[widest] + 100 - sum(shares), 2)  # the rounding taken up by the widest: 100 in all
    return shares


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


__all__ = ["MEASURE_EM", "TOKEN_CLASS", "WIDE_TABLE_COLUMNS", "Column", "asked_widths", "break_token",
           "column_groups", "is_token", "mark_tokens", "measure_columns", "percentages", "share_out", "split_columns"]
