"""Widths of text as WeasyPrint sets it, and the faces a table's cells are set in.

:class:`Shaper` and :func:`measure_text` measure a run of text in a computed
style with WeasyPrint's own Pango layout (HarfBuzz shaping, the same font
instances, features and tracking the layout and the PDF use): the composer sets
its lines with them (:mod:`.paragraphs`), and the print HTML sizes its tables'
columns with them (:mod:`.tables`).

:class:`CellFaces` is what a table's cells are set in, read from the
stylesheets themselves.  The columns are sized while the print HTML is written,
before the document's cascade exists, so a small probe document (a table and a
``table.wide`` whose cells hold text, code, a token, emphasis and strong
emphasis) is given the same stylesheets and only its styles are computed: no
box is laid out.  The sizes, weights, faces, padding and hyphenation limits are
then whatever the stylesheets say, the house ``print.css`` or one that
replaces it; nothing about them is copied here.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from weasyprint.text.line_break import Layout, line_size

#: The computed properties a run's width depends on (the text's own ``lang`` included: hyphenation, shaping).
_FONT_KEYS = (
    "font_family", "font_style", "font_stretch", "font_weight", "font_size", "font_variation_settings",
    "font_language_override", "lang", "font_kerning", "font_variant_ligatures", "font_variant_position",
    "font_variant_caps", "font_variant_numeric", "font_variant_alternates", "font_variant_east_asian",
    "font_feature_settings", "letter_spacing", "word_spacing", "direction",
)


class Shaper:
    """Widths of text in a computed style, measured by Pango as WeasyPrint lays it out (cached per thread)."""

    def __init__(self) -> None:
        self.widths: dict[tuple[Hashable, str], float] = {}
        self.styles: dict[Hashable, Any] = {}
        #: Paragraphs already set, by their runs, measure and constraint: a second layout (or the same
        #: paragraph in an edition and its offprint) takes their lines again instead of breaking them anew.
        self.set: dict[Hashable, tuple[list[Any], int]] = {}
        self._keys: dict[int, tuple[Any, Hashable]] = {}

    def key(self, style: Any) -> Hashable:
        """The key of ``style``'s font properties: styles that set text alike share their widths.

        Made once per style object (kept with the style, so its id is not reused while the key is).
        """
        known = self._keys.get(id(style))
        if known is not None and known[0] is style:
            return known[1]
        key = (id(style.font_config), *(_hashable(style[k]) for k in _FONT_KEYS))
        self.styles.setdefault(key, style)
        if len(self._keys) > 50_000:
            self._keys.clear()
        self._keys[id(style)] = (style, key)
        return key

    def width(self, text: str, key: Hashable) -> float:
        found = self.widths.get((key, text))
        if found is None:
            found = self.widths[key, text] = measure_text(text, self.styles[key])
        return found


def measure_text(text: str, style: Any) -> float:
    """The advance of ``text`` set in ``style``, exactly as WeasyPrint's line layout measures a text box."""
    layout = Layout(style)
    layout.set_text(text)
    line, _ = layout.get_first_line()
    width, _height = line_size(line, style)
    layout.deactivate()
    return width


def _hashable(value: Any) -> Hashable:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


_LOCAL = threading.local()


def shaper() -> Shaper:
    """This thread's shaper (Pango's font maps are not shared between threads)."""
    found: Shaper | None = getattr(_LOCAL, "shaper", None)
    if found is None or len(found.widths) > 200_000:
        found = _LOCAL.shaper = Shaper()
    return found


#: The kinds of text in a cell the probe holds, by the element each is set in (``text``: the cell's own).
KINDS = ("text", "code", "token", "em", "strong")
#: The cells: a head row's (``th`` in ``thead``), a row head's (``th`` in ``tbody``), and a body cell's.
CELLS = ("head", "stub", "body")

_PROBE_CELL = ('<{tag}>x<code>x</code><span class="cell-token">x</span><em>x</em><strong>x</strong></{tag}>')


def probe_html(lang: str, html_class: str, token_class: str) -> str:
    """The probe document: a table of each kind (upright and ``wide``), three columns, a head row and two body rows.

    Its tables are marked ``measured`` as the writer marks its own, and nested
    as an article's body is, so the same rules of the stylesheets reach them.
    """
    def cells(tags: Sequence[str]) -> str:
        return "".join(_PROBE_CELL.format(tag=t).replace("cell-token", token_class) for t in tags)
    tables = "".join(
        f'<table class="{cls}"><thead><tr>{cells(["th"] * 3)}</tr></thead>'
        f'<tbody><tr>{cells(["td"] * 3)}</tr><tr>{cells(["th", "td", "td"])}</tr></tbody></table>'
        for cls in ("measured", "wide measured"))
    return (f'<!DOCTYPE html><html lang="{escape(lang)}" class="{escape(html_class)}"><body><article class="article">'
            f'<div class="article-body">{tables}</div></article></body></html>')


@dataclass
class CellFaces:
    """The computed styles a table's cells are set in, read from a probe (see :func:`probe_html`).

    ``styles`` holds, by (wide, cell, kind), the computed style of that text;
    ``edges`` by (wide, position) the padding and borders left and right of a
    cell (px) at the ``first``, ``middle`` or ``last`` column; ``root`` the root
    element's font size (px), the "body type" the writer's measures are in ems of.
    """

    root: float
    styles: dict[tuple[bool, str, str], Any]
    edges: dict[tuple[bool, str], float]

    def width(self, text: str, wide: bool, cell: str, kind: str) -> float:
        """The advance of ``text`` in that cell's kind of text, in ems of the body type."""
        if not text:
            return 0.0
        shape = shaper()
        return shape.width(text, shape.key(self.styles[wide, cell, kind])) / self.root

    def edge(self, wide: bool, column: int, columns: int) -> float:
        """Padding and borders of a cell in column ``column`` of ``columns``, in ems of the body type."""
        position = "first" if column == 0 else "last" if column == columns - 1 else "middle"
        if columns == 1:
            return (self.edges[wide, "first"] + self.edges[wide, "last"] - self.edges[wide, "middle"]) / self.root
        return self.edges[wide, position] / self.root

    def hyphenation(self, wide: bool, cell: str, kind: str) -> tuple[int, int, int] | None:
        """The cell's ``hyphenate-limit-chars`` (word, before, after) where it hyphenates (``hyphens: auto``)."""
        style = self.styles[wide, cell, kind]
        if style["hyphens"] != "auto":
            return None
        total, left, right = style["hyphenate_limit_chars"]
        return int(total), int(left), int(right)

    def breaks_anywhere(self, wide: bool, cell: str, kind: str) -> bool:
        """Whether a word may break at any letter (``word-break: break-all`` or ``overflow-wrap: anywhere``)."""
        style = self.styles[wide, cell, kind]
        return style["word_break"] == "break-all" or style["overflow_wrap"] == "anywhere"


def read_faces(html: Any, style_for: Any) -> CellFaces:
    """The cells' faces of a probe document (:func:`probe_html`) whose styles ``style_for`` computed."""
    root = html.etree_element
    tables = list(root.iter("table"))
    styles: dict[tuple[bool, str, str], Any] = {}
    edges: dict[tuple[bool, str], float] = {}
    for wide, table in zip((False, True), tables, strict=True):
        rows = list(table.iter("tr"))
        for cell, element in (("head", rows[0][0]), ("stub", rows[2][0]), ("body", rows[1][0])):
            styles[wide, cell, "text"] = style_for(element)
            for child, kind in zip(element, KINDS[1:], strict=True):
                styles[wide, cell, kind] = style_for(child)
        for position, element in zip(("first", "middle", "last"), rows[1], strict=True):
            style = style_for(element)
            edges[wide, position] = sum(
                _px(style[f"padding_{side}"]) + float(style[f"border_{side}_width"])
                for side in ("left", "right"))
    return CellFaces(root=float(style_for(root)["font_size"]), styles=styles, edges=edges)


def _px(value: Any) -> float:
    """A computed padding in px (a percentage, of a width not known here, counted as none)."""
    unit = getattr(value, "unit", None)
    if unit == "px":
        return float(value.value)
    return 0.0


__all__ = ["CELLS", "KINDS", "CellFaces", "Shaper", "measure_text", "probe_html", "read_faces", "shaper"]
