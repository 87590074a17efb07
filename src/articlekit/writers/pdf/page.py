"""Page geometry of the print edition: trim size, type size, measure and binding margins.

``--page-size`` names a trim (``a4``, ``letter``, ``a5`` …) or gives two
lengths (``6in 9in``).  From the trim, :func:`page_geometry` derives the
body type size and a text block of about 65–70 characters a line, then splits
the rest of the width into an inner (binding) and a wider outer margin, mirrored
on left and right pages.  The result is a small stylesheet placed *before* the
house ``print.css``, which stays free of absolute sizes and may still override
any of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import ArticlekitError
from ...fonts import BookFace, font_stack

_MM = 72 / 25.4

#: Named trims (width, height) in points, portrait.
NAMED_SIZES: dict[str, tuple[float, float]] = {
    "a3": (297 * _MM, 420 * _MM),
    "a4": (210 * _MM, 297 * _MM),
    "a5": (148 * _MM, 210 * _MM),
    "a6": (105 * _MM, 148 * _MM),
    "b5": (176 * _MM, 250 * _MM),
    "letter": (8.5 * 72, 11 * 72),
    "legal": (8.5 * 72, 14 * 72),
}

#: Points per unit for custom trims.
UNITS: dict[str, float] = {"mm": _MM, "cm": 10 * _MM, "in": 72.0, "pt": 1.0, "pc": 12.0}

#: Smallest and largest trim side accepted, in points (2 in … 48 in).
MIN_SIDE, MAX_SIDE = 144.0, 3456.0

_LENGTH = re.compile(r"^(\d+(?:\.\d+)?)(mm|cm|in|pt|pc)$")


class PageSizeError(ArticlekitError):
    """A ``--page-size`` that names no known trim and gives no two lengths."""


@dataclass(frozen=True)
class PageSize:
    """A trim size in points, with the name it was given by."""

    width: float
    height: float
    name: str


def parse_page_size(value: str) -> PageSize:
    """Parse ``a4``, ``letter``, ``a5 landscape``, ``6in 9in``, ``148mm 210mm`` …

    Raises :class:`PageSizeError` with the accepted forms for anything else.
    """
    words = value.strip().lower().split()
    orientation = None
    if words and words[-1] in ("portrait", "landscape"):
        orientation = words.pop()
    size: tuple[float, float] | None = None
    if len(words) == 1 and words[0] in NAMED_SIZES:
        size = NAMED_SIZES[words[0]]
    elif len(words) == 2 and orientation is None:
        lengths = [_LENGTH.match(w) for w in words]
        if all(lengths):
            size = tuple(float(m[1]) * UNITS[m[2]] for m in lengths if m)  # type: ignore[assignment]
    if size is None:
        raise PageSizeError(
            f"page size {value!r} not understood: use one of {', '.join(NAMED_SIZES)} "
            "(optionally followed by 'landscape'), or a width and height such as '6in 9in' "
            f"(units: {', '.join(UNITS)})"
        )
    width, height = size
    if orientation == "landscape":
        width, height = max(size), min(size)
    if not all(MIN_SIDE <= side <= MAX_SIDE for side in (width, height)):
        raise PageSizeError(f"page size {value!r} out of range: each side must be between 2in and 48in")
    return PageSize(width, height, value.strip())


@dataclass(frozen=True)
class PageGeometry:
    """Type size and margins (all in points) for one trim."""

    page: PageSize
    font_size: float
    inner: float
    outer: float
    top: float
    bottom: float

    @property
    def measure(self) -> float:
        """Width of the text block."""
        return self.page.width - self.inner - self.outer

    def css(self) -> str:
        """The geometry as CSS: ``@page`` size and mirrored margins, and the root type size."""

        def pt(x: float) -> str:
            return f"{x:.2f}pt"

        return (
            f"@page {{ size: {pt(self.page.width)} {pt(self.page.height)};"
            f" margin-top: {pt(self.top)}; margin-bottom: {pt(self.bottom)}; }}\n"
            f"@page :right {{ margin-left: {pt(self.inner)}; margin-right: {pt(self.outer)}; }}\n"
            f"@page :left {{ margin-left: {pt(self.outer)}; margin-right: {pt(self.inner)}; }}\n"
            # The same trim turned, for a table too wide for the text block (``.landscape``): the
            # inner margin on both sides, top and bottom scaled to its height like the upright page's.
            f"@page wide {{ size: {pt(self.wide_size[0])} {pt(self.wide_size[1])};"
            f" margin-top: {pt(self.wide_top)}; margin-bottom: {pt(self.wide_bottom)}; }}\n"
            f"@page wide:left, wide:right {{ margin-left: {pt(self.inner)}; margin-right: {pt(self.inner)}; }}\n"
            f"html {{ font-size: {pt(self.font_size)}; }}\n"
        )

    @property
    def wide_size(self) -> tuple[float, float]:
        """Width and height of a landscape page (``@page wide``): the trim's long side across."""
        return max(self.page.width, self.page.height), min(self.page.width, self.page.height)

    @property
    def wide_top(self) -> float:
        """Top margin of a landscape page."""
        return max(self.wide_size[1] * 0.085, 16 * _MM)

    @property
    def wide_bottom(self) -> float:
        """Bottom margin of a landscape page."""
        return max(self.wide_size[1] * 0.105, 18 * _MM)

    @property
    def wide_measure(self) -> float:
        """Width of the text block on a landscape page."""
        return self.wide_size[0] - 2 * self.inner


def page_geometry(page: PageSize) -> PageGeometry:
    """Derive type size and margins from the trim.

    The body is set at 11 pt on pages as wide as A4 or Letter, smaller on smaller
    trims.  The text block aims at about 32 ems (roughly 66 characters of a
    book face) and never takes more than 72 % of the width; of the remaining
    width the inner margin gets 42 %, the outer 58 % (the outer margins of a
    spread are seen one at a time, the inner ones together, and the gutter
    loses a few millimetres to the binding).
    """
    w, h = page.width, page.height
    font_size = 11.0 if w >= 540 else 10.0 if w >= 380 else 9.0
    measure = min(32 * font_size, 0.72 * w)
    side = w - measure
    inner = max(side * 0.42, 15 * _MM if w >= 380 else 12 * _MM)
    outer = max(side - inner, 12 * _MM)
    measure = w - inner - outer
    return PageGeometry(
        page=page,
        font_size=font_size,
        inner=inner,
        outer=outer,
        top=max(h * 0.085, 16 * _MM),
        bottom=max(h * 0.105, 18 * _MM),
    )


def base_stylesheet(book: BookFace, geometry: PageGeometry, lang: str, code: BookFace | None = None) -> str:
    """What goes before ``print.css``: the book and code faces, the page geometry and the font stack."""
    faces = book.css() + (code.css() if code else "")
    return f"{faces}{geometry.css()}html {{ font-family: {font_stack(book, lang)}; }}\n"


__all__ = ["NAMED_SIZES", "UNITS", "PageGeometry", "PageSize", "PageSizeError", "base_stylesheet", "page_geometry",
           "parse_page_size"]
