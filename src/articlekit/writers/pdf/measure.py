"""Widths of text as WeasyPrint sets it.

:class:`Shaper` and :func:`measure_text` measure a run of text in a computed
style with WeasyPrint's own Pango layout (HarfBuzz shaping, the same font
instances, features and tracking the layout and the PDF use): the composer sets
its lines with them (:mod:`.paragraphs`).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
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

    def key(self, style: Any) -> Hashable:
        key = (id(style.font_config), *(_hashable(style[k]) for k in _FONT_KEYS))
        self.styles.setdefault(key, style)
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


__all__ = ["Shaper", "measure_text", "shaper"]
