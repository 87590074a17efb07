"""Justified paragraphs set by the composer in WeasyPrint's box tree, before its one layout.

WeasyPrint breaks lines first-fit.  Before it lays the document out,
:func:`compose_boxes` walks the box tree WeasyPrint has built (every text box
with its computed style, generated content included), and for each justified
paragraph it can model:

1. gives the composer (:mod:`articlekit.compose`) the paragraph's runs, each
   measured with WeasyPrint's own Pango layout of the run's style — the same
   shaper (HarfBuzz), the same font instances, features and tracking that the
   layout and the PDF use, so a width here is the width there;
2. takes the composer's lines and sets them: each line's text boxes get the
   word spacing that brings the line exactly to the measure (its tracking too,
   in the last-resort pass), white space that does not wrap, and a preserved
   line break after them, so WeasyPrint breaks exactly there and nowhere else.

The measure comes from the page rules and the stylesheet: the page's content
width for the paragraph's named page, less every ancestor's margins, borders
and padding, less the first line's ``text-indent``.  A paragraph the composer
cannot model (in a table cell, beside a float, with an inline block, a forced
break, vertical or right-to-left text, white space that is not ``normal``) is
left to WeasyPrint, and counted in :class:`ComposeReport`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout.page import PageType, page_width, resolve_percentages, set_page_type_computed_styles

from ...compose import Atom, Breaking, Item, Params, Run, break_paragraph, finish, paragraph_items
from ...compose.breaking import sparing
from ...compose.material import HARD_HYPHENS, HYPHEN, Costs
from .measure import Shaper, measure_text, shaper

#: Languages set by WeasyPrint's own breaking: Chinese and Japanese break between characters, which the
#: composer's material does not model.  (Korean is spaced between words, its letters joined by word
#: joiners in print, and is set by the composer like any other language without hyphenation.)
_CJK = frozenset({"ja", "zh"})

#: How far (a ratio of their stretch) a tracked line's spaces stretch before the tracking takes the rest:
#: the first pass's usual limit, a gap of 1.575 normal spaces.
TRACKED_SPACES = 1.15

#: Taken off each line's spacing so float rounding never makes a set line a hair too wide.
_SLACK = 0.002


class Unmodelled(Exception):
    """A paragraph whose setting the composer does not model; its message is the reason."""


@dataclass(frozen=True)
class SetParagraph:
    """A paragraph the composer set: its number in the document, its lines, and which end in a hyphen."""

    number: int
    lines: int
    hyphenated: frozenset[int]


@dataclass
class ComposeReport:
    """What the composer did to one document: counts, and the paragraphs it could not set well."""

    composed: int = 0
    #: Paragraphs left to WeasyPrint's own breaking, by reason.
    left: dict[str, int] = field(default_factory=dict)
    #: Paragraphs that needed the emergency (2) or overfull (3) pass: (pass, widest space × normal, opening words).
    strained: list[tuple[int, float, str]] = field(default_factory=list)
    #: Each set paragraph, by its element: its number, how many lines, which of them end in a hyphen.
    set: dict[Any, SetParagraph] = field(default_factory=dict)
    #: Every line set, in order: its text and the width (px) the composer measured it at.
    widths: list[tuple[str, float]] = field(default_factory=list)
    #: Each set paragraph, by its number: what setting it again in the same box tree needs (:func:`set_again`).
    kept: dict[int, _Kept] = field(default_factory=dict, repr=False)

    def leave(self, reason: str) -> None:
        self.left[reason] = self.left.get(reason, 0) + 1


def _length(value: Any, reference: float) -> float:
    """A computed length in px (a percentage of ``reference``); ``auto`` is 0."""
    if value == "auto" or value is None:
        return 0.0
    if isinstance(value, (int, float)):
        return float(value)
    unit = getattr(value, "unit", None)
    if unit == "%":
        return reference * value.value / 100
    if unit == "px":
        return float(value.value)
    raise Unmodelled(f"length {value!r}")


def _edge(style: Any, side: str, reference: float) -> float:
    """Margin, border and padding on one side (``left`` or ``right``)."""
    return (_length(style[f"margin_{side}"], reference) + _length(style[f"padding_{side}"], reference)
            + float(style[f"border_{side}_width"]))


def _horizontal(style: Any, reference: float) -> float:
    """Margins, borders and padding left and right."""
    return _edge(style, "left", reference) + _edge(style, "right", reference)


@dataclass
class _Paragraph:
    block: Any
    line: Any
    width: float
    pieces: list[Run | Atom] = field(default_factory=list)
    #: For each piece: the text box it is, with its parent, or None (an atom).
    owners: list[tuple[Any, Any] | None] = field(default_factory=list)
    styles: list[Any] = field(default_factory=list)
    #: The ``<article>`` element it is in (each of an edition's articles keeps its own share of hyphens).
    part: Any = None

    def add(self, piece: Run | Atom, style: Any, owner: tuple[Any, Any] | None = None) -> None:
        """A piece of the paragraph, in ``style``; ``owner`` is the text box it is, with its parent."""
        self.pieces.append(piece)
        self.owners.append(owner)
        self.styles.append(style)


class _Pages:
    """The content width of each named page (right-hand, not the first), from the page rules."""

    def __init__(self, html: Any, context: Any) -> None:
        self.html = html
        self.context = context
        self.widths: dict[str, float] = {}

    def width(self, name: str) -> float:
        if name not in self.widths:
            page_type = PageType("right", False, name, 1, ((name, 1),) if name else ())
            set_page_type_computed_styles(page_type, self.html, self.context.style_for)
            page = boxes.PageBox(page_type, self.context.style_for(page_type))
            resolve_percentages(page, page.style["size"])
            page_width(page, self.context, page.style["size"][0])
            self.widths[name] = page.width
        return self.widths[name]


def _page_name(style: Any) -> str:
    name = style["page"]
    return "" if name == "auto" else str(name)


def _paragraphs(box: Any, width: float | None, pages: _Pages, report: ComposeReport,
                page: str = "", part: Any = None) -> Iterator[_Paragraph]:
    """The justified paragraphs under ``box``, each with the width of its lines (``None``: not to be set)."""
    for child in getattr(box, "children", None) or ():
        if not isinstance(child, boxes.BlockContainerBox):
            continue
        within = child.element if child.element_tag == "article" else part
        style = child.style
        name = _page_name(style) or page
        inner = width
        if inner is not None and name != page:  # another named page: its content width, less the same margins
            inner += pages.width(name) - pages.width(page)
        if isinstance(child, (boxes.TableCellBox, boxes.InlineBlockBox)) \
                or style["float"] != "none" or style["position"] in ("absolute", "fixed") \
                or style["column_width"] != "auto" or style["column_count"] != "auto":
            inner = None
        if inner is not None:
            try:
                inner = (_length(style["width"], inner) if style["width"] != "auto"
                         else inner - _horizontal(style, inner))
            except Unmodelled:
                inner = None
        lines = [c for c in child.children if isinstance(c, boxes.LineBox)]
        if lines and len(lines) == len(child.children):
            if lines[0].style["text_align_all"] == "justify":
                if inner is None:
                    report.leave("container")
                else:
                    yield _Paragraph(child, lines[0], inner, part=within)
            continue
        yield from _paragraphs(child, inner, pages, report, name, within)


def _flatten(paragraph: _Paragraph, box: Any, shape: Shaper) -> None:
    for child in box.children:
        style = child.style
        if style["direction"] != "ltr":
            raise Unmodelled("direction")
        if isinstance(child, boxes.TextBox):
            if (style["lang"] or "").split("-")[0].lower() in _CJK:
                raise Unmodelled("cjk")
            if style["white_space"] != "normal":
                raise Unmodelled("white-space")
            if any(ch in child.text for ch in "\n\t\r"):
                raise Unmodelled("control character")
            limits = style["hyphenate_limit_chars"]
            paragraph.add(Run(
                child.text, shape.key(style), float(style["font_size"]), style["lang"] or None,
                style["hyphens"], tuple(limits) if isinstance(limits, (tuple, list)) else (5, 2, 2),
                style["hyphenate_character"] or "-"), style, (child, box))
        elif isinstance(child, boxes.InlineReplacedBox):
            if style["float"] != "none" or style["position"] in ("absolute", "fixed"):
                raise Unmodelled("float")
            if not hasattr(style["width"], "unit") or style["width"].unit != "px":
                raise Unmodelled("replaced width")
            paragraph.add(Atom(float(style["width"].value) + _horizontal(style, paragraph.width)), style)
        elif isinstance(child, boxes.InlineBox) and not isinstance(child, boxes.InlineBlockBox):
            if left := _edge(style, "left", paragraph.width):
                paragraph.add(Atom(left), style)
            _flatten(paragraph, child, shape)
            if right := _edge(style, "right", paragraph.width):
                paragraph.add(Atom(right), style)
        else:
            raise Unmodelled(type(child).__name__)


@dataclass(frozen=True)
class _SetLine:
    start: tuple[int, int]
    end: tuple[int, int]
    hyphen: bool
    word_spacing: float
    tracking: float
    last: bool
    #: The line as the composer set it: its text, and its width (px) with its spacing.
    text: str = ""
    width: float = 0.0


def _position(items: list[Any], index: int, pieces: int) -> tuple[int, int]:
    if index >= len(items) or items[index].ref is None:
        return pieces, 0
    piece, char, _kind = items[index].ref
    return piece, char


def _segments(paragraph: _Paragraph, start: tuple[int, int], end: tuple[int, int]) -> Iterator[tuple[int, int, int]]:
    """(piece, from, to) of the text a line holds, and its atoms as (piece, 0, 0)."""
    for p in range(start[0], min(end[0], len(paragraph.pieces) - 1) + 1):
        piece = paragraph.pieces[p]
        if isinstance(piece, Atom):
            if start <= (p, 0) < end:
                yield p, 0, 0
            continue
        a = start[1] if p == start[0] else 0
        b = end[1] if p == end[0] else len(piece.text)
        if b > a:
            yield p, a, b


def _tracked(style: Any, tracking: float) -> Any:
    if not tracking:
        return style
    copy = style.copy()
    copy["letter_spacing"] = tracking * float(style["font_size"])
    return copy


def _line_text(paragraph: _Paragraph, start: tuple[int, int], end: tuple[int, int],
               hyphen: bool) -> list[tuple[int, str]]:
    """The texts (piece, text) and atoms (piece, "") a line holds, a hyphen added to its last text if it ends in one."""
    segments = list(_segments(paragraph, start, end))
    out: list[tuple[int, str]] = []
    for n, (p, a, b) in enumerate(segments):
        piece = paragraph.pieces[p]
        if isinstance(piece, Atom):
            out.append((p, ""))
            continue
        text = piece.text[a:b]
        if hyphen and n == len(segments) - 1:
            text += piece.hyphen
        out.append((p, text))
    return out


def _measured(paragraph: _Paragraph, parts: list[tuple[int, str]], shape: Shaper, tracking: float = 0.0,
              spacing: float = 0.0) -> float:
    """A line's width with its tracking and word spacing applied, measured as the layout will measure it.

    Untracked and unspaced, each part's width comes from the shaper's cache.
    """
    width = 0.0
    for p, text in parts:
        piece = paragraph.pieces[p]
        if isinstance(piece, Atom):
            width += piece.width
        elif not tracking and not spacing:
            width += shape.width(text, piece.key)
        else:
            style = _tracked(paragraph.styles[p], tracking) if tracking else paragraph.styles[p].copy()
            style["word_spacing"] = float(paragraph.styles[p]["word_spacing"]) + spacing
            width += measure_text(text, style)
    return width


def _set_lines(paragraph: _Paragraph, items: list[Any], breaking: Breaking, shape: Shaper,
               widths: list[float], params: Params, space: float) -> list[_SetLine]:
    """Each line's extent and the spacing that brings it to the measure, measured as it will be laid out.

    A line of the last-resort pass is tracked (by up to 1 % of an em) only as
    far as its spaces would otherwise stretch past the tolerance, or shrink
    past their limit: tracking takes the excess, the spaces the rest.
    """
    out = []
    count = len(breaking.lines)
    costs = Costs()
    for k, line in enumerate(breaking.lines):
        start = _position(items, line.start, len(paragraph.pieces))
        end_item = items[line.end]
        last = k == count - 1
        end = (len(paragraph.pieces), 0) if last else _position(items, line.end, len(paragraph.pieces))
        hyphen = not last and end_item.ref is not None and end_item.ref[2] == HYPHEN
        parts = _line_text(paragraph, start, end, hyphen)
        spaces = sum(text.count(" ") + text.count("\u00a0") for _p, text in parts)
        target = widths[min(k, len(widths) - 1)]
        natural = _measured(paragraph, parts, shape)
        tracking = 0.0
        letters = sum(len(text) for _p, text in parts)
        size = max(float(paragraph.styles[p]["font_size"]) for p, _t in parts) if parts else 0.0
        if not last and breaking.tracked:
            loose = target - natural - spaces * space * costs.space_stretch * TRACKED_SPACES
            tight = target - natural + spaces * space * costs.space_shrink
            excess = loose if loose > 0 else (tight if tight < 0 else 0.0)
            if excess and letters > 2 * spaces:
                # Tracking widens every character, the spaces too, and so each gap by twice its amount (the
                # letter before the space and the space itself): of the excess, the letters other than the
                # spaces' neighbours take what the spaces are not to.
                tracking = max(-costs.tracking, min(costs.tracking, excess / (letters - 2 * spaces) / size))
                natural = _measured(paragraph, parts, shape, tracking)
        if not spaces and natural > target and letters:
            # A line within one word (a hash broken anywhere) measured a little wider than its letters did one by
            # one (kerning across them): tracked in, within the same ±1 %, rather than past the text block.
            tracking = max(-costs.tracking, tracking + (target - natural - _SLACK) / letters / size)
            natural = _measured(paragraph, parts, shape, tracking)
        spacing = 0.0 if not spaces else (target - natural) / spaces - _SLACK
        if last:  # the last line keeps its natural spaces, unless it had to be shrunk to fit
            spacing = min(0.0, spacing)
        width = natural
        for _ in range(2 if spacing else 0):
            # Read the line back as it will be laid out: Pango does not always add word spacing linearly
            # (a negative spacing is taken only in part next to some glyphs).
            width = _measured(paragraph, parts, shape, tracking, spacing)
            off = target - _SLACK * spaces - width
            if (last and off > 0) or abs(off) < 0.01:
                break
            spacing += off / spaces
        else:
            if spacing:  # corrected after its last reading: read again
                width = _measured(paragraph, parts, shape, tracking, spacing)
        text = "".join(t for _p, t in parts)
        out.append(_SetLine(start, end, hyphen, spacing, tracking, last, text, width))
    return out


def _newline(box: Any, style: Any) -> Any:
    """A preserved line break, as ``<br>`` is in WeasyPrint's box tree."""
    brk = box.copy_with_text("\n")
    brk.style = style.copy()
    brk.style["white_space"] = "pre-line"
    return brk


def _line_ends(paragraph: _Paragraph, lines: list[_SetLine]) -> dict[int, int]:
    """For each line but the last, the piece whose text ends it, where nothing (an atom) follows that text."""
    ends: dict[int, int] = {}
    for k, line in enumerate(lines[:-1]):
        segments = list(_segments(paragraph, line.start, line.end))
        if segments and isinstance(paragraph.pieces[segments[-1][0]], Run):
            ends[k] = segments[-1][0]
    return ends


def _rewrite(paragraph: _Paragraph, lines: list[_SetLine]) -> None:
    """Replace each text box by its lines' parts, each in its line's spacing, with a line break after each line.

    The break is the newline ending the line's last text (set ``white-space: pre``, which keeps it and
    never wraps), so no layout can put it on a line of its own; a line ending in an atom (a formula) is
    followed by a line break of its own.
    """
    ends = _line_ends(paragraph, lines)
    replaced: dict[int, list[Any]] = {}
    for p, owner in enumerate(paragraph.owners):
        if owner is None:
            continue
        box, _parent = owner
        piece = paragraph.pieces[p]
        assert isinstance(piece, Run)
        new: list[Any] = []
        for k, line in enumerate(lines):
            segments = [(a, b) for q, a, b in _segments(paragraph, line.start, line.end) if q == p]
            for n, (a, b) in enumerate(segments):
                text = piece.text[a:b]
                if line.hyphen and line.end == (p, b):
                    text += piece.hyphen
                closing = ends.get(k) == p and n == len(segments) - 1
                part = box.copy_with_text(text + "\n" if closing else text)
                style = _tracked(box.style, line.tracking) if line.tracking else box.style.copy()
                style["word_spacing"] = float(box.style["word_spacing"]) + line.word_spacing
                style["white_space"] = "pre" if closing else "nowrap"
                style["hyphens"] = "manual"
                part.style = style
                new.append(part)
            if not line.last and k not in ends and line.end[0] == p:
                new.append(_newline(box, box.style))
        replaced[id(box)] = new
    parents = {id(owner[1]): owner[1] for owner in paragraph.owners if owner is not None}
    for parent in parents.values():
        parent.children = [n for child in parent.children for n in replaced.get(id(child), [child])]
    line_style = paragraph.line.style.copy()
    line_style["text_align_all"] = line_style["text_align_last"] = "start"
    paragraph.line.style = line_style


@dataclass(frozen=True)
class Constraint:
    """What a paragraph set again must keep: its number of lines, and lines that may not end in a hyphen."""

    lines: int
    no_hyphen: frozenset[int]


def compose_boxes(root_box: Any, html: Any, context: Any, params: Params | None = None,
                  constraints: Mapping[int, Constraint] | None = None) -> ComposeReport:
    """Set every justified paragraph of a built box tree that the composer can model; say what was done.

    Paragraphs are numbered in document order (every justified one, set or
    not); ``constraints`` holds, by that number, what a paragraph set again
    after a first layout must keep (see :func:`recto_foot_hyphens`).
    """
    report = ComposeReport()
    shape = shaper()
    pages = _Pages(html, context)
    params = params or Params()
    top = _page_name(root_box.style)
    chosen: dict[int, tuple[list[_SetLine], int]] = {}
    for number, paragraph in enumerate(list(_paragraphs(root_box, pages.width(top), pages, report, top))):
        try:
            _flatten(paragraph, paragraph.line, shape)
        except Unmodelled as reason:
            report.leave(str(reason))
            continue
        if not any(isinstance(p, Run) and p.text.strip() for p in paragraph.pieces):
            continue
        indent = _length(paragraph.block.style["text_indent"], paragraph.width)
        widths = [paragraph.width - indent, paragraph.width]
        if min(widths) <= 0:  # margins nested deeper than the page is wide: no line to compose
            report.leave("no width")
            continue
        # The paragraph's own space: that of the style most of its text is set in (not a code span's).
        runs = [p for p in paragraph.pieces if isinstance(p, Run)]
        weights: dict[Hashable, int] = {}
        for run in runs:
            weights[run.key] = weights.get(run.key, 0) + len(run.text)
        space = shape.width(" ", max(weights, key=weights.__getitem__)) if weights else 1.0
        kept = _Kept(paragraph, widths, space, params, {id(o[1]): (o[1], list(o[1].children))
                                                        for o in paragraph.owners if o is not None},
                     paragraph.line.style)
        report.kept[number] = kept
        chosen[number] = _choose(kept, None, shape)
        report.composed += 1
    parts: dict[int, dict[int, _Kept]] = {}
    for number, kept in report.kept.items():
        parts.setdefault(id(kept.paragraph.part), {})[number] = kept
    for part in parts.values():
        _spare_hyphens(part, chosen, params, shape)
    for number, constraint in (constraints or {}).items():
        if number in report.kept:
            chosen[number] = _choose(report.kept[number], constraint, shape)
    for number, kept in report.kept.items():
        _apply(report, number, kept, *chosen[number])
    return report


def _spare_hyphens(kept: Mapping[int, _Kept], chosen: dict[int, tuple[list[_SetLine], int]], params: Params,
                   shape: Shaper) -> None:
    """Set paragraphs again with fewer hyphens until an article's share of hyphenated lines is the house's.

    Each paragraph is first set as well as it can be on its own (its spaces the
    tightest its words allow); where more than :attr:`.Params.hyphen_share` of
    the article's justified lines (every line but each paragraph's last) then
    end in a hyphen, the paragraphs that would lose the most hyphens are set
    again by the first setting of :func:`.compose.breaking.sparing` (a hyphen
    weighed more), one at a time until the share is met, then by the next one
    (looser lines allowed too).  So the spaces are loosened in as few
    paragraphs, and as little, as the share needs; a document within it is set
    as before.  A paragraph keeps its sparing setting in ``kept`` (a page
    ending it in a hyphen sets it again under the same).
    """
    lines = sum(len(chosen[n][0]) - 1 for n in kept)
    hyphens = sum(_hyphens(chosen[n][0]) for n in kept)
    allowed = int(params.hyphen_share * lines)
    for setting in sparing(params):
        if hyphens <= allowed:
            return
        gains = []
        for number, one in kept.items():
            before = _hyphens(chosen[number][0])
            if not before:
                continue
            again = _choose(one, None, shape, setting)
            fewer, wide = _hyphens(again[0]), _widest(one, again[0])
            if fewer < before and wide <= params.sparing_gap:
                gains.append((before - fewer, -wide, number, again))
        for gain, _wide, number, again in sorted(gains, reverse=True):
            if hyphens <= allowed:
                return
            kept[number].params = setting
            chosen[number] = again
            hyphens -= gain


def _hyphens(lines: list[_SetLine]) -> int:
    """How many of ``lines`` end in a hyphen, added at the break or a word's own after a letter (``well-`` |
    ``known``; not an identifier's after a figure, ``0000-0002-`` | ``1825``)."""
    return sum(line.hyphen or bool(_OWN_HYPHEN.search(line.text.rstrip("\u200b\u2060 "))) for line in lines[:-1])


_OWN_HYPHEN = re.compile(rf"[^\W\d_][{HARD_HYPHENS}]$")


def _widest(kept: _Kept, lines: list[_SetLine]) -> float:
    """The widest space of a paragraph's justified lines, times its normal space: spacing and tracking (which
    widens a space by its own and the letter's before it) together."""
    size = float(kept.line_style["font_size"])
    return 1 + max((line.word_spacing + 2 * line.tracking * size for line in lines[:-1]), default=0.0) / kept.space


@dataclass
class _Kept:
    """A set paragraph as it was before it was set: enough to set it again in place."""

    paragraph: _Paragraph
    widths: list[float]
    space: float
    params: Params
    children: dict[int, tuple[Any, list[Any]]]  #: each parent of its text boxes, and its children before
    line_style: Any
    span: tuple[int, int] = (0, 0)  #: its lines in :attr:`ComposeReport.widths`
    strained: tuple[int, float, str] | None = None
    #: Its boxes, glue and penalties, made the first time it is set (whatever the settings, they are the same).
    items: list[Item] | None = field(default=None, repr=False)


def _choose(kept: _Kept, constraint: Constraint | None, shape: Shaper,
            params: Params | None = None) -> tuple[list[_SetLine], int]:
    """A paragraph's lines (under ``constraint``, by ``params`` or its own), set and measured, and the composer's
    pass that found them."""
    paragraph, widths, space = kept.paragraph, kept.widths, kept.space
    params = params or kept.params
    memo = (tuple(paragraph.pieces), tuple(widths), params, constraint)
    if memo in shape.set:
        return shape.set[memo]
    if kept.items is None:
        kept.items = finish(paragraph_items(paragraph.pieces, shape.width, paragraph.width))
    items = kept.items
    breaking = break_paragraph(
        items, widths, dataclasses.replace(params, emergency_stretch=params.emergency_stretch or space),
        no_hyphen_lines=constraint.no_hyphen if constraint else (),
        lines=constraint.lines if constraint else None)
    lines = _set_lines(paragraph, items, breaking, shape, widths, params, space)
    if len(shape.set) > 20_000:
        shape.set.clear()
    shape.set[memo] = lines, breaking.passes
    return lines, breaking.passes


def _apply(report: ComposeReport, number: int, kept: _Kept, lines: list[_SetLine], passes: int) -> None:
    """Rewrite a paragraph's boxes as ``lines``, and note it in ``report``."""
    paragraph, space = kept.paragraph, kept.space
    _rewrite(paragraph, lines)
    start = len(report.widths)
    report.widths.extend((line.text, line.width) for line in lines)
    kept.span = start, len(report.widths)
    report.set[paragraph.block.element] = SetParagraph(
        number, len(lines), frozenset(k for k, line in enumerate(lines) if line.hyphen))
    kept.strained = None
    if passes > 1:
        widest = 1 + max((line.word_spacing for line in lines[:-1]), default=0.0) / space
        words = " ".join(" ".join(p.text.split()) for p in paragraph.pieces if isinstance(p, Run))
        kept.strained = passes, widest, words[:60]
        report.strained.append(kept.strained)


def _set(report: ComposeReport, number: int, kept: _Kept, constraint: Constraint | None, shape: Shaper) -> None:
    """Set one paragraph (under ``constraint``), rewrite its boxes, and note it in ``report``."""
    _apply(report, number, kept, *_choose(kept, constraint, shape))


def set_again(report: ComposeReport, constraints: Mapping[int, Constraint]) -> None:
    """Set the paragraphs numbered in ``constraints`` again, under them, in the box tree they were set in.

    Each paragraph's boxes are put back as they were built and set anew, as
    :func:`compose_boxes` would set them given these constraints; ``report``
    then says what it would have said (its lines, widths and strained
    paragraphs in document order).
    """
    shape = shaper()
    for number in sorted(constraints, reverse=True):  # the later spans first: the earlier stay where they are
        kept = report.kept[number]
        for parent, children in kept.children.values():
            parent.children = list(children)
        kept.paragraph.line.style = kept.line_style
        start, end = kept.span
        again = ComposeReport()
        _set(again, number, kept, constraints[number], shape)
        report.widths[start:end] = again.widths
        report.set.update(again.set)
        offset = len(again.widths) - (end - start)
        for other in report.kept.values():
            if other.span[0] >= end:
                other.span = other.span[0] + offset, other.span[1] + offset
        kept.span = start, start + len(again.widths)
    report.strained = [k.strained for _, k in sorted(report.kept.items()) if k.strained is not None]


def _flow_lines(box: Any) -> Iterator[Any]:
    """The line boxes of a page's flow in order (its margin boxes and footnote area left out)."""
    for child in getattr(box, "children", None) or ():
        if isinstance(child, boxes.LineBox):
            yield child
        elif not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            yield from _flow_lines(child)


def recto_foot_hyphens(pages: Iterable[Any], report: ComposeReport) -> dict[int, Constraint]:
    """The set paragraphs that end a right-hand page with a hyphen, and what setting them again must keep.

    A word broken at the foot of a recto is finished overleaf, out of the
    reader's sight: such a line is barred from ending in a hyphen, and the
    paragraph keeps its number of lines, so that the pages do not move.
    """
    seen: dict[Any, int] = {}
    found: dict[int, Constraint] = {}
    for page_box in pages:  # the laid-out page boxes: they tell where lines fell
        last = None
        for line in _flow_lines(page_box):
            if line.element in report.set:
                seen[line.element] = seen.get(line.element, 0) + 1
            last = line
        if last is None or page_box.page_type.side != "right" or last.element not in report.set:
            continue
        paragraph = report.set[last.element]
        index = seen[last.element] - 1
        if index in paragraph.hyphenated:
            before = found.get(paragraph.number)
            barred = (before.no_hyphen if before else frozenset()) | {index}
            found[paragraph.number] = Constraint(paragraph.lines, barred)
    return found


__all__ = ["ComposeReport", "Constraint", "SetParagraph", "Shaper", "compose_boxes", "measure_text",
           "recto_foot_hyphens", "set_again", "shaper"]
