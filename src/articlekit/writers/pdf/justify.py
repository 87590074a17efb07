"""Loose justified lines: found after layout, mended by resetting their paragraph.

WeasyPrint breaks lines one at a time (first fit), so a long word that cannot be
hyphenated ("through") pushed to the next line leaves the spaces of the line
before it stretched wide.  A typesetter resets such a paragraph a little tighter
or looser (tracking within ±1 %, spaces a touch narrower) until its lines even
out.  This module does the same with the layout WeasyPrint has made:

1. :func:`measure` reads each justified line's stretch from the line boxes and
   names the paragraphs whose widest space exceeds :data:`MAX_SPACE` times the
   font's normal space (the last line of a paragraph is ragged and never counts);
2. :class:`Evener` tries each loose paragraph in the house style's alternative
   settings (``print.css``: ``.setting-1`` …), one setting after another until
   one evens it out; a long paragraph that no setting evens out as a whole is
   cut at sentences into parts (``<span class="part-N">``), settled one after
   the other: each part keeps the setting that suits it best while the next is
   tried in each setting in turn;
3. :func:`even_out` runs those searches without a layout per setting: every
   setting a paragraph's current part may still need is laid out at once, each
   in its own copy of the article body (``copy-K`` on the paragraph), so a short
   article needs one trial layout and a long one a trial layout per part of its
   longest paragraph, however many paragraphs and pages it has.  A paragraph's
   lines depend only on its text, its setting and its container, which every
   copy repeats, so each search takes the same path as with one layout per trial;
4. the writer lays out once more with the best setting found for each paragraph.

Every step is deterministic, so the output stays reproducible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
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

#: How many settings of a paragraph's part each trial layout of :func:`even_out` sets: in the first trial
#: layout, the second … (the last number for every later one).  One, the default, lays out only the setting
#: each search asks for next.  Setting more at once saves layouts but sets settings a search never reads, as
#: most paragraphs are evened out by one of their first few: a trial's cost is its lines, not the layout
#: around them, so on the benchmark articles (``benchmarks/bench_pdf.py``) ``(3, 5, 13)`` took half as long
#: again as ``(1,)`` and ``(13,)`` longer still.  The choices are the same whatever the waves.
WAVES: tuple[int, ...] = (1,)

#: Class that numbers each paragraph of the print HTML (``para-12``), so a line box can name its paragraph.
PARAGRAPH_CLASS = "para-"

#: Class prefix of the spans holding the parts of a paragraph set in several settings (``part-2``).
PART_CLASS = "part-"

#: Class prefix numbering the copies of the article body in a trial layout (``copy-3``, see :func:`even_out`).
COPY_CLASS = "copy-"

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


def _numbered(box: Any, prefix: str) -> int | None:
    for cls in _classes(box):
        if cls.startswith(prefix) and cls[len(prefix):].isdigit():
            return int(cls[len(prefix):])
    return None


def _paragraph(box: Any) -> int | None:
    return _numbered(box, PARAGRAPH_CLASS)


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
    return {number: stretch for (_, number), stretch in _measure(document, space_em).items()}


def measure_copies(document: Any, space_em: float) -> dict[tuple[int, int], Stretch]:
    """:func:`measure` for a trial layout of several copies: (copy, paragraph) → stretch."""
    return _measure(document, space_em)


def _measure(document: Any, space_em: float) -> dict[tuple[int, int], Stretch]:
    lines: dict[tuple[int, int], list[tuple[float, int]]] = {}
    for page in document.pages:
        for box in _descendants(page._page_box):
            if type(box).__name__ != "LineBox":
                continue
            number = _paragraph(box)
            if number is None or box.style["text_align_all"] != "justify":
                continue
            boxes = list(_text_boxes(box))
            widest = max((_stretch(b, space_em) for b, _ in boxes), default=1.0)
            key = (_numbered(box, COPY_CLASS) or 0, number)
            lines.setdefault(key, []).append((widest, min((p for _, p in boxes), default=0)))
    out = {}
    for key, found in lines.items():
        body = found[:-1]
        parts = max((p for _, p in found), default=0) + 1
        upto = tuple(max((w for w, first in body if first <= k), default=1.0) for k in range(parts))
        out[key] = Stretch(max((w for w, _ in body), default=1.0), upto)
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

    def candidates(self, number: int) -> list[Setting]:
        """Every setting the current part of paragraph ``number`` may still be tried in, in the order tried.

        The first is the one :meth:`trial` has just asked for; the search stops
        early when one evens the paragraph out, so some may never be asked for.
        """
        search = self.searches[number]
        return [search.config(s) for s in range(self.settings + 1) if s not in search.tried]

    def chosen(self) -> dict[int, Setting]:
        """The best settings found for each paragraph that was loose (all-default ones left out)."""
        out = {}
        for number, search in self.searches.items():
            setting = search.best()
            if any(setting):
                out[number] = setting
        return out


#: Lays out a trial: for each paragraph, the settings to try it in (the K-th in copy K of the body), and returns
#: the stretch of each (copy, paragraph) laid out (see :func:`measure_copies`).
TrialLayout = Callable[[Mapping[int, Sequence[Setting]]], Mapping[tuple[int, int], Stretch]]


def even_out(first: Mapping[int, Stretch], parts: Mapping[int, int], settings: int,
             lay_out: TrialLayout) -> dict[int, Setting]:
    """The best settings of every loose paragraph, found with as few trial layouts as the searches allow.

    Each paragraph is searched by its own :class:`Evener`, exactly as one
    layout per trial would search it: its settings are tried in the same order,
    it stops at the same one and it is held to the same :data:`MAX_TRIALS`.
    Only the layouts are shared: whenever some searches ask for a setting not
    yet laid out, one trial layout sets every setting their current parts may
    still need (:meth:`Evener.candidates`), and the searches read on from it.
    A paragraph a trial does not set (a note's, say) counts as even, as before.
    """
    searches = {number: Evener({number: stretch}, {number: parts.get(number, 1)}, settings)
                for number, stretch in first.items()}
    asked = {number: trial[number] for number, search in searches.items() if (trial := search.trial())}
    results: dict[tuple[int, Setting], Stretch] = {}
    layouts = 0
    while asked:
        wave = WAVES[min(layouts, len(WAVES) - 1)]
        wanted = {number: searches[number].candidates(number)[:wave] for number, config in asked.items()
                  if (number, config) not in results}
        if wanted:
            layouts += 1
            laid_out = lay_out(wanted)
            for number, configs in wanted.items():
                for copy, config in enumerate(configs):
                    results[number, config] = laid_out.get((copy, number), Stretch(1.0))
        for number in list(asked):
            search, config = searches[number], asked[number]
            while (number, config) in results:
                search.record({number: results[number, config]})
                trial = search.trial()
                if trial is None:
                    del asked[number]
                    break
                config = asked[number] = trial[number]
    chosen: dict[int, Setting] = {}
    for search in searches.values():
        chosen.update(search.chosen())
    return chosen


__all__ = ["COPY_CLASS", "MAX_SPACE", "PARAGRAPH_CLASS", "PART_CLASS", "SETTINGS", "Evener", "Setting", "Stretch",
           "TrialLayout", "even_out", "measure", "measure_copies", "settings_in", "space_width"]
