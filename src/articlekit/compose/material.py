"""A paragraph's runs of text turned into boxes, glue and penalties.

The caller gives the paragraph as :class:`Run` (text in one style) and
:class:`Atom` (something unbreakable of known width: a formula, an inline box's
padding) pieces, and a function that measures a text in a run's style.  Here the
text is cut into words and spaces, words into the parts between their break
points, each measured:

* a space (U+0020) is glue; a no-break space (U+00A0) is glue no line may end at;
* a word may end a line after a hyphenation point of its language's dictionary
  (the run's ``hyphens: auto``, at its ``hyphenate-limit-chars``), at a soft
  hyphen (U+00AD), after a hard hyphen between letters or figures, or after a
  dash (each a flagged or unflagged penalty);
* a zero-width space (U+200B) is a break without a hyphen (the writer puts
  them in addresses after / . ? & = #); so is the place after / . _ ? & = # -
  inside a long identifier or address that has none (:data:`TOKEN_LENGTH`);
* a word joiner (U+2060) forbids a break on either side of it;
* a word wider than the line may end a line anywhere, as CSS
  ``overflow-wrap: anywhere`` allows (a hash, a base64 blob).

Every break's ``ref`` is ``(piece, index, kind)``: the line ends before
``text[index]`` of that piece (a space is dropped, ``kind`` says whether a hyphen
is added).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cache

import pyphen

from .items import INFINITY, Box, Glue, Item, Penalty

WORD_JOINER = "\u2060"
ZERO_WIDTH_SPACE = "\u200b"
SOFT_HYPHEN = "\u00ad"
NO_BREAK_SPACE = "\u00a0"
HARD_HYPHENS = "-\u2010"
DASHES = "\u2013\u2014"

#: How a line ends at a break (a ``LETTER`` break is a plain one the last-resort pass alone may take).
SPACE, HYPHEN, PLAIN, LETTER = "space", "hyphen", "plain", "letter"
#: Inside an address or another word no dictionary hyphenates, a run of at least this many letters and
#: figures may, as a last resort, end a line between two of them, at least :data:`ADDRESS_SIDE` from either
#: end of the run.
ADDRESS_PART, ADDRESS_SIDE = 8, 3
_ADDRESS_LETTERS = re.compile(rf"[^\W_]{{{ADDRESS_PART},}}")
#: A DOI (``10.1016/…``): a name cited as printed, broken only after its own marks, never between letters.
_DOI = re.compile(r"(?<![\w.])10\.\u200b?\d{4,9}\u200b?/")

#: A word holding one of these is an address, an identifier or a number, never hyphenated by the dictionary.
_TOKEN_MARKS = re.compile(r"[\u200b/@_\d]|\w\.\w")
#: A word at least this long, holding / . _ ? & = # or a hyphen, may break after them (an address, a path).
TOKEN_LENGTH = 16
_TOKEN_BREAK = re.compile(r"(?:(?<=[/_?&=#])|(?<=[^\W\d_]\.)|(?<=\w-))(?=[\w%~])")


@dataclass(frozen=True)
class Costs:
    """What each kind of break costs, and how far a space may stretch and shrink (times its width)."""

    hyphen: float = 300.0
    hard_hyphen: float = 150.0
    dash: float = 50.0
    address: float = 30.0
    token: float = 80.0
    anywhere: float = 900.0
    space_stretch: float = 0.5
    space_shrink: float = 1 / 3
    #: Tracking the last-resort pass may use, in ems per character (pdfTeX-like ±1 %).
    tracking: float = 0.01


@dataclass(frozen=True)
class Run:
    """Text in one style: ``key`` names the style for :func:`paragraph_items`'s measure."""

    text: str
    key: Hashable
    font_size: float
    lang: str | None = None
    hyphens: str = "manual"
    limits: tuple[int, int, int] = (5, 2, 3)
    hyphen: str = "-"


@dataclass(frozen=True)
class Atom:
    """Something of fixed width, never broken, and no break beside it unless a space is there."""

    width: float


Piece = Run | Atom
Measure = Callable[[str, Hashable], float]


@cache
def dictionary(lang: str, left: int, right: int) -> pyphen.Pyphen | None:
    """The hyphenation dictionary for ``lang`` (Pyphen's, the one WeasyPrint uses), or None."""
    found = pyphen.language_fallback(lang.replace("-", "_")) if lang else None
    return pyphen.Pyphen(lang=found, left=left, right=right) if found else None


def hyphenation_points(word: str, run: Run) -> list[int]:
    """Where ``word`` (letters, maybe with punctuation around) may be hyphenated, as indices into it."""
    if run.hyphens != "auto" or not run.lang or _TOKEN_MARKS.search(word):
        return []
    total, left, right = run.limits
    dic = dictionary(run.lang, max(left, 1), max(right, 1))
    if dic is None:
        return []
    points: list[int] = []
    for m in re.finditer(r"[^\W\d_]+", word):
        core = m.group()
        if len(core) >= max(total, 2) and WORD_JOINER not in core:
            points.extend(m.start() + p for p in dic.positions(core))
    return points


def _word_breaks(word: str, run: Run, costs: Costs,
                 wide: tuple[tuple[int, int], ...] = ()) -> list[tuple[int, str, float]]:
    """Break points inside a word: (index, kind, cost), the line ending before ``word[index]``."""
    breaks: dict[int, tuple[str, float]] = {}
    if SOFT_HYPHEN in word:
        for m in re.finditer(SOFT_HYPHEN, word):
            breaks[m.end()] = (HYPHEN, costs.hyphen)
    else:
        for p in hyphenation_points(word, run):
            breaks[p] = (HYPHEN, costs.hyphen)
    for i, ch in enumerate(word[:-1]):
        if ch in HARD_HYPHENS and i > 0 and word[i - 1].isalnum() and word[i + 1].isalnum():
            breaks[i + 1] = (PLAIN, costs.hard_hyphen)
        elif ch in DASHES and i > 0 and word[i + 1] not in ",.;:!?)]}\"”’":
            breaks[i + 1] = (PLAIN, costs.dash)
        elif ch == ZERO_WIDTH_SPACE and i > 0:
            breaks[i + 1] = (PLAIN, costs.address)
    if len(word) >= TOKEN_LENGTH and ZERO_WIDTH_SPACE not in word:
        for m in _TOKEN_BREAK.finditer(word):
            breaks.setdefault(m.start(), (PLAIN, costs.token))
    if not _DOI.search(word) and (ZERO_WIDTH_SPACE in word or (len(word) >= TOKEN_LENGTH and (
            _TOKEN_BREAK.search(word) or _TOKEN_MARKS.search(word) or run.hyphens != "auto"))):
        # An address, an identifier, a hash, a long name in code (none hyphenated by the dictionary): a long
        # part may end a line between two letters, as a last resort (rather than leave the line before it
        # loose), never with a hyphen added.
        for m in _ADDRESS_LETTERS.finditer(word):
            for i in range(m.start() + ADDRESS_SIDE, m.end() - ADDRESS_SIDE + 1):
                breaks.setdefault(i, (LETTER, costs.anywhere))
    for start, end in wide:  # parts wider than the line: anywhere inside them
        for i in range(start + 1, end):
            breaks.setdefault(i, (PLAIN, costs.anywhere))
    # Never next to a word joiner, never at either end.
    return sorted((i, kind, cost) for i, (kind, cost) in breaks.items()
                  if 0 < i < len(word) and word[i - 1] != WORD_JOINER and word[i] != WORD_JOINER)



def paragraph_items(pieces: Sequence[Piece], measure: Measure, line_width: float,
                    costs: Costs | None = None) -> list[Item]:
    """The boxes, glue and penalties of a paragraph (not yet ended: see :func:`.items.finish`)."""
    costs = costs or Costs()
    items: list[Item] = []
    for p, piece in enumerate(pieces):
        if isinstance(piece, Atom):
            items.append(Box(piece.width, (p, 0, None)))
            continue
        _run_items(items, p, piece, measure, line_width, costs)
    return items


def _run_items(items: list[Item], p: int, run: Run, measure: Measure, line_width: float, costs: Costs) -> None:
    text = run.text
    space = None
    track = costs.tracking * run.font_size
    for m in re.finditer(r"[ \u00a0]|[^ \u00a0]+", text):
        chunk = m.group()
        if chunk == " " or chunk == NO_BREAK_SPACE:
            if space is None:
                space = measure(" ", run.key)
            if chunk == NO_BREAK_SPACE:
                items.append(Penalty(0, INFINITY))
            items.append(Glue(space, space * costs.space_stretch, space * costs.space_shrink, (p, m.start(), SPACE)))
            continue
        breaks = _word_breaks(chunk, run, costs)
        bounds = [0, *(i for i, _k, _c in breaks), len(chunk)]
        wide = tuple((a, b) for a, b in itertools.pairwise(bounds)
                     if b - a > 1 and measure(chunk[a:b], run.key) > line_width)
        if wide:
            breaks = _word_breaks(chunk, run, costs, wide)
        if not breaks:
            whole = measure(chunk, run.key)
            items.append(Box(whole, (p, m.start(), None), track * len(chunk), track * len(chunk)))
            continue
        hyphen_width = measure(run.hyphen, run.key) if any(k == HYPHEN for _, k, _c in breaks) else 0.0
        start = 0
        for index, kind, cost in breaks:
            part = chunk[start:index]
            items.append(Box(measure(part, run.key), (p, m.start() + start, None), track * len(part),
                             track * len(part)))
            items.append(Penalty(hyphen_width if kind == HYPHEN else 0.0, cost, kind == HYPHEN or (
                kind == PLAIN and chunk[index - 1] in HARD_HYPHENS), (p, m.start() + index, kind),
                last_resort=kind == LETTER))
            start = index
        part = chunk[start:]
        items.append(Box(measure(part, run.key), (p, m.start() + start, None), track * len(part), track * len(part)))


__all__ = ["Atom", "Costs", "Measure", "Piece", "Run", "dictionary", "hyphenation_points", "paragraph_items"]
