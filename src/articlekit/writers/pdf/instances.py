"""Variable fonts made static by HarfBuzz in the subsetting call, not by fontTools afterwards.

WeasyPrint embeds a variable font (the book face, Source Serif 4, is one) by
subsetting it with HarfBuzz, variations kept, and then turning the subset into a
static instance at the weight and optical size used with fontTools' instancer,
once per face and size used: a dozen instancings per article, written in
Python, about a second of every PDF.  HarfBuzz (6.0 or newer) can pin the axes
while it subsets, natively, in milliseconds, and gives the same outlines and
advances (``tests/test_pdf_fonts.py`` compares them glyph by glyph).

:func:`pinned_instances` makes WeasyPrint's font cleaning do that, for the PDFs
articlekit writes only (a :class:`~contextvars.ContextVar` scopes it to the
current thread's rendering): the axes are pinned at exactly the values
WeasyPrint would instantiate (``wght`` at the weight, ``opsz`` at the font size,
``slnt`` and ``ital`` from the style, an axis not named at its default), and
everything else WeasyPrint does to a font is left to it.  Where HarfBuzz cannot
(no ``hb_subset_input_pin_axis_location``, an unusable axis, a failed subset),
WeasyPrint's own way is taken.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import cffi
from fontTools.ttLib import TTFont
from weasyprint.pdf import fonts as weasy_fonts
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

_PIN = "hb_bool_t hb_subset_input_pin_axis_location (hb_subset_input_t *input, hb_face_t *face, " \
       "hb_tag_t axis_tag, float axis_value);"

#: Whether the fonts of the PDF being written in this context are pinned by HarfBuzz.
_ACTIVE: ContextVar[bool] = ContextVar("articlekit_pinned_instances", default=False)

_original_clean = weasy_fonts.Font.clean


def _declare() -> bool:
    """Whether this HarfBuzz can pin axes while subsetting (declared to WeasyPrint's cffi once)."""
    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(6, 0, 0):
        return False
    try:
        return bool(harfbuzz_subset.hb_subset_input_pin_axis_location)
    except AttributeError:
        pass
    try:
        ffi.cdef(_PIN)
        return bool(harfbuzz_subset.hb_subset_input_pin_axis_location)
    except (AttributeError, cffi.CDefError, cffi.FFIError):  # an older or stripped library: WeasyPrint's own way then
        return False


AVAILABLE = _declare()


def axis_locations(font: Any) -> dict[str, float] | None:
    """Where WeasyPrint would instantiate each axis of ``font`` (a :class:`weasyprint.pdf.fonts.Font`).

    The same rules as ``Font.clean``: ``wght`` at the weight, ``opsz`` at the
    font size, ``slnt`` for an oblique or italic style, ``ital`` for italic,
    unless the ``font-variation-settings`` named the axis; an axis it names
    nowhere is pinned at its default.  ``None`` for a font without axes.
    """
    ttfont = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
    try:
        if "fvar" not in ttfont:
            return None
        axes = {axis.axisTag: axis for axis in ttfont["fvar"].axes}
    finally:
        ttfont.close()
    variations = dict(font.variations)
    if "wght" in axes and "wght" not in variations:
        variations["wght"] = font.weight
    if "opsz" in axes and "opsz" not in variations:
        variations["opsz"] = font.font_size
    if "slnt" in axes and "slnt" not in variations:
        slnt = 0.0
        if font.style == 1:
            slnt = axes["slnt"].minValue if axes["slnt"].maxValue == 0 else axes["slnt"].maxValue
        variations["slnt"] = slnt
    if "ital" in axes and "ital" not in variations:
        variations["ital"] = int(font.style == 2)
    # fontTools clamps a value to its axis, as HarfBuzz does; an axis not named stays at its default.
    return {tag: min(max(float(variations.get(tag, axis.defaultValue)), axis.minValue), axis.maxValue)
            for tag, axis in axes.items()}


def _subset(face: Any, glyphs: tuple[int, ...], flags: int, drop: tuple[bytes, ...] = (),
            pins: dict[str, float] | None = None) -> Any:
    """One HarfBuzz subsetting call: keep ``glyphs``, drop the tables ``drop``, pin the axes ``pins``."""
    hb_subset = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    gid_set = harfbuzz_subset.hb_subset_input_glyph_set(hb_subset)
    harfbuzz.hb_set_add_sorted_array(gid_set, ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs))
    harfbuzz_subset.hb_subset_input_set_flags(hb_subset, flags)
    if drop:
        drop_set = harfbuzz_subset.hb_subset_input_set(hb_subset, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
        tags = tuple(harfbuzz.hb_tag_from_string(name, -1) for name in drop)
        harfbuzz.hb_set_add_sorted_array(drop_set, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    for tag, value in (pins or {}).items():
        if not harfbuzz_subset.hb_subset_input_pin_axis_location(
                hb_subset, face, harfbuzz.hb_tag_from_string(tag.encode(), -1), value):
            return ffi.NULL
    return ffi.gc(harfbuzz_subset.hb_subset_or_fail(face, hb_subset), harfbuzz.hb_face_destroy)


def pinned_subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> bytes | None:
    """``font`` subset to the glyphs used and made static, as WeasyPrint's two HarfBuzz calls, axes pinned.

    ``None`` when the font has no axes or HarfBuzz fails: the caller then lets
    WeasyPrint subset and instantiate it.
    """
    pins = axis_locations(font)
    if not pins:
        return None
    used = tuple(sorted(to_unicode))
    missing = harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE if font.missing else 0
    # WeasyPrint's first call: the glyphs used, at their ids, without the tables a PDF does not need.
    keep = harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    face = _subset(font.hb_face, used, harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS | keep | missing,
                   (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT",
                    b"SVG "), pins)
    if not face:
        return None
    # Its second: the empty glyphs after the last one used dropped, hinting as asked.
    flags = keep
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    face = _subset(face, tuple(range(max(used) + 1)), flags | missing)
    if not face:
        return None
    data = weasy_fonts.get_hb_object_data(face)
    return data or None


def _clean(self: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
    """``Font.clean``, with a variable font subset and made static in one HarfBuzz call when active."""
    if _ACTIVE.get() and AVAILABLE and to_unicode and "fvar" in self.tables \
            and not (self.png or self.svg or self.colr):
        data = pinned_subset(self, to_unicode, hinting)
        if data is not None:
            self.file_content = data
            return
    _original_clean(self, to_unicode, hinting)


weasy_fonts.Font.clean = _clean


@contextmanager
def pinned_instances() -> Iterator[None]:
    """While active (in this thread or task), variable fonts are made static by HarfBuzz as they are subset."""
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


__all__ = ["AVAILABLE", "axis_locations", "pinned_instances", "pinned_subset"]
