"""Loose justified lines: found after layout, mended by resetting their paragraph.

WeasyPrint breaks lines one at a time (first fit), so a long word that cannot be
hyphenated ("through") pushed to the next line leaves the spaces of the line
before it stretched wide.  A typesetter resets such a paragraph a little tighter
or looser (tracking within ±1 %, spaces a touch narrower) until its lines even
out.  This module does the same with the layout WeasyPrint has made:

1. :func:`measure` reads each justified line's stretch from the line boxes and
   names the paragraphs whose widest space exceeds :data:`MAX_SPACE` times the
   font's normal space (the last line of a paragraph is ragged and never counts);
2. :class:`Evener` tries each loose paragraph, alone in a quick trial layout,
   in the house style's alternative settings (``print.css``: ``.setting-1`` …);
   a long paragraph that no setting evens out as a whole is split at a sentence
   near its middle, its first part kept in the setting that suits it best and its
   second part (``<span class="tail">``) tried in each setting in turn;
3. the writer lays out once more with the best setting found for each paragraph.

Every step is deterministic, so the output stays reproducible.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

#: Widest space allowed in a justified line, as a multiple of the font's normal space.
MAX_SPACE = 2.0

#: Most alternative settings tried (``print.css`` classes ``setting-1`` … ``setting-N``).
SETTINGS = 12

#: Most trial layouts spent on evening out one article.
MAX_TRIALS = 48

#: Class that numbers each paragraph of the print HTML (``para-12``), so a line box can name its paragraph.
PARAGRAPH_CLASS = "para-"

#: Class prefix of the spans holding the parts of a paragraph set in several settings (``part-2``).
PART_CLASS = "part-"

#: A paragraph's settings, one per part (0: the house default).
Setting = tuple[int, ...]


def settings_in(css: str) -> int:
    """How many alternative settings a house stylesheet defines: ``.setting-1`` … ``.setting-N``, in a row."""
    count = 0
    while count < SETTINGS and re.search(rf"\.setting-{count + 1}(?![\w-])", css):
        count += 1
    return count


@lru_cache(maxsize=4)
def space_width(font_path: Path) -> float:
    """The advance of the space in the book face, in ems."""
    from fontTools.ttLib import TTFont

    font = TTFont(font_path, lazy=True)
    try:
        glyph = font.getBestCmap().get(0x20)
        return font["hmtx"][glyph][0] / font["head"].unitsPerEm if glyph else 0.25
    finally:
        font.close()


def _descendants(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", None) or ():
        yield child
        yield from _descendants(child)


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def _paragraph(box: Any) -> int | None:
    for cls in _classes(box):
        if cls.startswith(PARAGRAPH_CLASS) and cls[len(PARAGRAPH_CLASS):].isdigit():
            return int(cls[len(PARAGRAPH_CLASS):])
    return None


def _part(box: Any) -> int | None:
    for cls in _classes(box):
        if cls.startswith(PART_CLASS) and cls[len(PART_CLASS):].isdigit():
            return int(cls[len(PART_CLASS):])
    return None


def _text_boxes(box: Any, part: int = 0) -> Iterator[tuple[Any, int]]:
    """The text boxes under ``box``, each with the paragraph part it belongs to."""
    for child in getattr(box, "children", None) or ():
        inner = _part(child) if type(child).__name__ == "InlineBox" and _part(child) is not None else part
        if getattr(child, "text", None) is not None:
            yield child, inner
        yield from _text_boxes(child, inner)


def _stretch(box: Any, space_em: float) -> float:
    """The widest space of a text box, as a multiple of the normal space of its text."""
    if " " not in box.text.strip():
        return 1.0
    extra = getattr(box, "justification_spacing", 0) or 0
    word_spacing = box.style["word_spacing"]
    word_spacing = 0 if word_spacing == "normal" else word_spacing
    normal = space_em * box.style["font_size"]
    return 1 + (extra + word_spacing) / normal if normal > 0 else 1.0


@dataclass(frozen=True)
class Stretch:
    """The widest space of a paragraph's lines (the last excepted), overall and up to the end of each part."""

    widest: float
    upto: tuple[float, ...] = ()

    def up_to(self, part: int) -> float:
        """The widest space of the lines holding text of parts ``0 … part``."""
        return self.upto[part] if part < len(self.upto) else self.widest


def measure(document: Any, space_em: float) -> dict[int, Stretch]:
    """For each numbered, justified paragraph of a laid-out document, how wide its widest spaces are."""
    lines: dict[int, list[tuple[float, int]]] = {}
    for page in document.pages:
        for box in _descendants(page._page_box):
            if type(box).__name__ != "LineBox":
                continue
            number = _paragraph(box)
            if number is None or box.style["text_align_all"] != "justify":
                continue
            boxes = list(_text_boxes(box))
            widest = max((_stretch(b, space_em) for b, _ in boxes), default=1.0)
            lines.setdefault(number, []).append((widest, min((p for _, p in boxes), default=0)))
    out = {}
    for number, found in lines.items():
        body = found[:-1]
        parts = max((p for _, p in found), default=0) + 1
        upto = tuple(max((w for w, first in body if first <= k), default=1.0) for k in range(parts))
        out[number] = Stretch(max((w for w, _ in body), default=1.0), upto)
    return out


@dataclass
class _Search:
    """The search for one paragraph: its parts are settled one after the other."""

    parts: int
    fixed: list[int] = field(default_factory=list)  # settings chosen for the first parts
    tried: dict[int, float] = field(default_factory=dict)  # setting of the current part → widest up to it
    results: list[tuple[float, Setting]] = field(default_factory=list)
    done: bool = False

    def config(self, setting: int) -> Setting:
        return (*self.fixed, setting, *([0] * (self.parts - len(self.fixed) - 1)))

    def best(self) -> Setting:
        return min(self.results, key=lambda r: r[0])[1] if self.results else (0,) * self.parts


class Evener:
    """Chooses settings for each loose paragraph, one trial layout at a time."""

    def __init__(self, first: Mapping[int, Stretch], parts: Mapping[int, int], settings: int = SETTINGS) -> None:
        self.settings = settings
        self.searches: dict[int, _Search] = {}
        for number, stretch in first.items():
            if stretch.widest > MAX_SPACE and settings:
                search = _Search(parts.get(number, 1))
                search.results.append((stretch.widest, (0,) * search.parts))
                if search.parts == 1:  # measured as it stands; a paragraph in parts needs its parts' spans first
                    search.tried[0] = stretch.widest
                self.searches[number] = search
        self.trials = 0
        self.current: dict[int, Setting] = {}

    def trial(self) -> dict[int, Setting] | None:
        """The settings of the next trial layout (paragraphs still searching), or ``None`` when done."""
        if self.trials >= MAX_TRIALS:
            return None
        following: dict[int, Setting] = {}
        for number, search in self.searches.items():
            while not search.done:
                untried = [s for s in range(self.settings + 1) if s not in search.tried]
                if untried:
                    following[number] = search.config(untried[0])
                    break
                # Every setting of this part tried: keep its best and go on to the next part.
                search.fixed.append(min(sorted(search.tried), key=lambda s: search.tried[s]))
                search.tried = {}
                search.done = len(search.fixed) == search.parts
        self.trials += 1
        self.current = following
        return following or None

    def record(self, measured: Mapping[int, Stretch]) -> None:
        """Take in the trial layout of :meth:`trial`'s settings."""
        for number, config in self.current.items():
            search = self.searches[number]
            result = measured.get(number, Stretch(1.0))
            part = len(search.fixed)
            search.results.append((result.widest, config))
            search.tried[config[part]] = result.up_to(part)
            if result.widest <= MAX_SPACE:
                search.done = True
            elif result.up_to(part) <= MAX_SPACE and part + 1 < search.parts:
                # This part is even: keep it and go on with the next, whose default has just been seen.
                search.fixed.append(config[part])
                search.tried = {0: result.up_to(part + 1)}

    def chosen(self) -> dict[int, Setting]:
        """The best settings found for each paragraph that was loose (all-default ones left out)."""
        out = {}
        for number, search in self.searches.items():
            setting = search.best()
            if any(setting):
                out[number] = setting
        return out


__all__ = ["MAX_SPACE", "PARAGRAPH_CLASS", "PART_CLASS", "SETTINGS", "Evener", "Setting", "Stretch", "measure",
           "settings_in", "space_width"]
