"""Total-fit line breaking: the least total demerits over the whole paragraph (Knuth and Plass, 1981).

Every legal break (a glue after a box, a penalty below :data:`~.items.INFINITY`)
is weighed against every earlier break it can follow on one line; the best way
to reach each break is kept per fitness class and hyphen run, so the choice of a
line is made knowing all the lines after it, as TeX makes it.  A first-fit
breaker (a browser's, WeasyPrint's) ends each line as late as it can and leaves
the next line to cope.

Passes, as TeX's: first within :attr:`Params.tolerance`, with no tracking; if no breaking keeps
every line within it, or keeps its hyphens within the house's share, the
last-resort pass climbs a ladder of rungs (:data:`LADDER`): tracking (each box may
be tracked by up to ±1 %, as pdfTeX's font expansion does), then lesser faults,
then looser lines and emergency stretch; if even that finds none (a word wider
than the line), once more allowing overfull lines (:data:`OVERFULL`).  The
result says which pass it took, so the caller can report what it had to allow.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from .items import INFINITY, Box, Glue, Item, Penalty, finish


@dataclass(frozen=True)
class Params:
    """How a paragraph is judged; the defaults are TeX's, with a tolerance for a 1.6× widest space."""

    #: Largest stretch ratio of a line in the first pass (1.15 × a space's stretch of half a space: under 1.6 spaces).
    tolerance: float = 1.15
    #: Added to every line's badness before squaring: fewer lines are better.
    line_penalty: float = 10.0
    #: Two hyphenated lines in a row.
    double_hyphen_demerits: float = 3000.0
    #: Adjacent lines whose fitness classes (tight, decent, loose, very loose) are not neighbours.
    fitness_demerits: float = 3000.0
    #: A hyphen on the last full line, where a rung of the last-resort pass allows one (TeX's is 5000).
    final_hyphen_demerits: float = 1e6
    #: The share of a paragraph's lines (its last aside) that may end in a hyphen before the first pass's
    #: breaking counts as outside the limits, and the tracked rung is tried for one with fewer; the print
    #: writer holds each article to the same share, setting paragraphs again by :func:`sparing`.
    hyphen_share: float = 0.12
    #: Most hyphenated lines in a row (a hard limit, except in the last pass).
    max_hyphen_run: int = 2
    #: What a hyphen's penalty is multiplied by (more than 1 where a document spends fewer hyphens: :data:`SPARING`).
    hyphen_weight: float = 1.0
    #: Whether the first pass may track letters too, as the last-resort pass does (a setting of :data:`SPARING`).
    tracked: bool = False
    #: The widest space (times the normal one) a paragraph set again to spare hyphens (:data:`SPARING`) may have:
    #: under the 2 normal spaces past which a line is reported as loose.
    sparing_gap: float = 1.95
    #: Stretch added to every line in the emergency pass, in the items' unit (TeX's ``\emergencystretch``).
    emergency_stretch: float = 0.0
    #: The power of a line's stretch ratio in its badness in the emergency passes (3, TeX's, in the first): a
    #: steeper one weighs the loosest line more, nearer to making the widest space as narrow as it can be.
    emergency_exponent: float = 5.0


@dataclass(frozen=True)
class Line:
    """One line: items ``start`` … ``end`` - 1, broken at ``end``; ``ratio`` of its glue's stretch (or shrink)."""

    start: int
    end: int
    ratio: float
    hyphenated: bool


@dataclass(frozen=True)
class Breaking:
    """A paragraph's lines, and which pass found them: 1 (within tolerance), 2 (emergency) or 3 (overfull)."""

    lines: tuple[Line, ...]
    passes: int
    demerits: float = 0.0
    #: Whether its lines may be tracked (by up to ±1 %) as well as spaced.
    tracked: bool = False

    @property
    def hyphens(self) -> int:
        """How many of its lines end in a hyphen."""
        return sum(line.hyphenated for line in self.lines)


@dataclass(slots=True)
class _Node:
    position: int
    line: int
    fitness: int
    hyphens: int
    demerits: float
    previous: _Node | None
    ratio: float = 0.0
    hyphenated: bool = False


@dataclass
class _Sums:
    width: list[float] = field(default_factory=list)
    stretch: list[float] = field(default_factory=list)
    shrink: list[float] = field(default_factory=list)
    spaces: list[int] = field(default_factory=list)


def _sums(items: Sequence[Item], tracking: bool) -> _Sums:
    sums = _Sums([0.0], [0.0], [0.0], [0])
    w = y = z = 0.0
    n = 0
    for item in items:
        if isinstance(item, Glue):
            w, y, z, n = w + item.width, y + item.stretch, z + item.shrink, n + 1
        elif isinstance(item, Box):
            w += item.width
            if tracking:
                y, z = y + item.stretch, z + item.shrink
        sums.width.append(w)
        sums.stretch.append(y)
        sums.shrink.append(z)
        sums.spaces.append(n)
    return sums


def _starts(items: Sequence[Item]) -> list[int]:
    """Where a line starts after a break at each position (and, last, at the paragraph's start).

    The glue and penalties after a break are dropped, as TeX drops them: a line
    starts at the next box, or at a forced break.
    """
    n = len(items)
    starts = [n] * (n + 1)
    following = n
    for i in range(n - 1, -1, -1):
        starts[i] = following  # the start after a break at i
        item = items[i]
        if isinstance(item, Box) or (isinstance(item, Penalty) and item.penalty <= -INFINITY):
            following = i
    starts[n] = following  # the paragraph's first line
    return starts


def break_paragraph(items: Sequence[Item], widths: Sequence[float], params: Params | None = None,
                    no_hyphen_lines: Collection[int] = (), lines: int | None = None) -> Breaking:
    """The best lines for ``items`` (ended by :func:`.items.finish`) in lines ``widths[k]`` wide.

    ``widths`` gives the width of line ``k`` (the last one serves every later
    line).  ``no_hyphen_lines`` are the numbers (from 0) of lines that must not
    end with a hyphen (say, one that falls at the foot of a recto).  With
    ``lines``, the best breaking into exactly that many lines is taken where
    one exists (so a paragraph set again keeps the pages it fell on).
    """
    params = params or Params()
    barred = frozenset(no_hyphen_lines)
    if len(items) > WINDOW:
        # Past a window, constraints that keep every line's number apart would cost too much: a paragraph that
        # long is broken window by window, and keeps its hyphen at a recto's foot if it has one there.
        return _windowed(items, widths, params)
    return _best(items, widths, params, barred, lines)


def _best(items: Sequence[Item], widths: Sequence[float], params: Params, barred: frozenset[int],
          lines: int | None) -> Breaking:
    first = _run(items, widths, params, Rung(1, params.tolerance, tracking=params.tracked), barred, lines)
    if first is not None:
        if first.hyphens <= params.hyphen_share * (len(first.lines) - 1):
            return first
        # More hyphens than the house allows: the breaking is not within every limit, so the first tracked
        # rung is tried, and taken if it needs fewer.
        tracked = _run(items, widths, params, LADDER[0], barred, lines)
        return tracked if tracked is not None and tracked.hyphens < first.hyphens else first
    for rung in (*LADDER, OVERFULL):
        found = _run(items, widths, params, rung, barred, lines)
        if found is not None:
            return found
    raise AssertionError("the overfull pass always finds a breaking")  # pragma: no cover


#: A paragraph of more items than this (some 1,500 words) is broken a window at a time (see :func:`_windowed`).
WINDOW = 4000


def _windowed(items: Sequence[Item], widths: Sequence[float], params: Params) -> Breaking:
    """A very long paragraph's lines, chosen over windows of :data:`WINDOW` items, in time linear in its length.

    Total fit keeps every break of the last line's width active, so its time
    grows with the paragraph times the breaks a line may hold: in Python, a
    minute for a paragraph of 12,000 words.  Past :data:`WINDOW` items, the
    paragraph is broken a window at a time: the best lines of the window (as
    if it ended there) are kept up to its middle, and the next window starts
    at the last line kept, so every line is still chosen knowing the lines that
    follow it for half a window.
    """
    chosen: list[Line] = []
    start, first, passes, total, tracked = 0, True, 1, 0.0, False
    while True:
        last = start + WINDOW >= len(items)
        window = list(items[start:]) if last else finish(list(items[start:start + WINDOW]))
        found = _best(window, widths if first else widths[-1:], params, frozenset(), None)
        passes, total, tracked = max(passes, found.passes), total + found.demerits, tracked or found.tracked
        keep = list(found.lines) if last else [line for line in found.lines if line.end < WINDOW // 2]
        if not keep:
            keep = list(found.lines[:1])
        chosen.extend(Line(line.start + start, line.end + start, line.ratio, line.hyphenated) for line in keep)
        if last:
            return Breaking(tuple(chosen), passes, total, tracked)
        start, first = start + keep[-1].end + 1, False


#: The largest stretch ratio the emergency pass first allows (with its extra stretch and tracking).
EMERGENCY_TOLERANCE = 4.0


@dataclass(frozen=True)
class Rung:
    """One try at a paragraph: its pass, its tolerance, and what it allows beyond the first pass."""

    passes: int
    #: The largest stretch ratio of a line; from the second pass on, of the spaces' stretch and the
    #: letters' tracking together.
    tolerance: float
    #: Emergency stretch added to every line's stretch where its badness is weighed.
    emergency: bool = False
    #: A hyphen on the paragraph's last full line (at :attr:`Params.final_hyphen_demerits`).
    final_hyphen: bool = False
    #: Breaks marked as last-resort (:attr:`.items.Penalty.last_resort`: a letter inside an address).
    last_resort: bool = False
    #: Whether each box may be tracked (by its stretch and shrink); by default from the second pass on.
    tracking: bool | None = None


#: The last-resort pass climbs this ladder, so the widest space is the least the words allow: tracking
#: first, within the first pass's limit (with a tolerance of 1.05 the spaces stay within 1.15 of their
#: stretch, under 1.6 normal spaces, and tracking takes the rest, unless a line holds more tracking
#: than twice its spaces' stretch); then, as lesser faults than a space past
#: that, a hyphen on the last full line; then looser lines (spaces up to about 1.75 normal ones); then, as
#: a lesser fault than spaces wider still, a break inside an address between two letters; then emergency
#: stretch within a generous tolerance (which bounds how many breaks become active,
#: and so the pass's time), and at last without one.
LADDER = (
    Rung(2, 1.05), Rung(2, 1.05, final_hyphen=True), Rung(2, 1.3, final_hyphen=True),
    Rung(2, 1.3, final_hyphen=True, last_resort=True), Rung(2, 1.5, final_hyphen=True, last_resort=True),
    Rung(2, EMERGENCY_TOLERANCE, emergency=True, last_resort=True),
    Rung(2, float("inf"), emergency=True, last_resort=True),
)
#: The pass that allows an overfull line, when nothing else can (a word wider than the line).
OVERFULL = Rung(3, float("inf"), emergency=True, final_hyphen=True, last_resort=True)


#: How a paragraph is set with fewer hyphens, in turn, where a document has more than its share of
#: hyphenated lines (see :func:`sparing`): each setting (a tolerance, what a hyphen's penalty is multiplied by,
#: whether letters may be tracked) weighs a hyphen more than the one before, and the later ones allow
#: tracking and looser lines, so a text of long words (German, Indonesian) at a narrow measure trades
#: hyphens for space only as far as it must.  Whoever sets paragraphs by them checks the spaces they give
#: (the print writer holds them under :attr:`Params.sparing_gap`).
SPARING = ((1.15, 2.0, False), (1.05, 3.0, True), (1.35, 4.0, True), (1.6, 5.0, True))


def sparing(params: Params) -> tuple[Params, ...]:
    """The settings :data:`SPARING` makes of ``params``, each sparing hyphens more than the one before."""
    return tuple(replace(params, tolerance=tolerance, hyphen_weight=weight, tracked=tracked)
                 for tolerance, weight, tracked in SPARING)


def _word_widths(items: Sequence[Item], sum_width: Sequence[float]) -> list[float]:
    """For each item, the width of the run of items between the glues around it (its word, and what is tied to it)."""
    n = len(items)
    widths = [0.0] * n
    start = 0
    for i in range(n + 1):
        if i == n or isinstance(items[i], Glue):
            width = sum_width[i] - sum_width[start]
            for k in range(start, i):
                widths[k] = width
            start = i + 1
    return widths


def _run(items: Sequence[Item], widths: Sequence[float], params: Params, rung: Rung,
         no_hyphen_lines: frozenset[int], lines: int | None = None) -> Breaking | None:
    passes, tolerance, final_hyphen, last_resort = rung.passes, rung.tolerance, rung.final_hyphen, rung.last_resort
    tracking = passes >= 2 if rung.tracking is None else rung.tracking
    sums = _sums(items, tracking)
    sum_width, sum_stretch, sum_shrink, sum_spaces = sums.width, sums.stretch, sums.shrink, sums.spaces
    starts = _starts(items)
    extra = params.emergency_stretch if rung.emergency else 0.0
    strict = passes < 3
    numbered = bool(no_hyphen_lines) or lines is not None
    last_width = len(widths) - 1
    horizon = (lines + 1) if lines is not None else max(no_hyphen_lines, default=0) + 1
    max_run = params.max_hyphen_run
    line_penalty = params.line_penalty
    hyphen_weight = params.hyphen_weight
    active: list[_Node] = [_Node(-1, 0, 1, 0, 0.0, None)]
    line_starts = {-1: starts[-1]}
    final = len(items) - 1
    # A break at a penalty that adds no hyphen (an address's, a long identifier's): a line between two such
    # breaks with no space in it is set flush left (see below).
    plain = [isinstance(item, Penalty) and not item.flagged for item in items]
    # The width of the word each item is in (from the space before it to the space after it): a line within a word
    # is set flush left only where the word is wider than a line, and could not be set whole.
    word = _word_widths(items, sum_width)

    for b, item in enumerate(items):
        if isinstance(item, Box):
            continue
        if isinstance(item, Glue):
            if b == 0 or not isinstance(items[b - 1], Box):
                continue
            penalty, width, flagged = 0.0, 0.0, False
        else:
            if item.penalty >= INFINITY or (item.last_resort and not last_resort):
                continue
            penalty, width, flagged = item.penalty, item.width, item.flagged
        forced = penalty <= -INFINITY
        is_final = b == final
        plain_here = plain[b]
        best: dict[tuple[int, int, int], _Node] = {}
        survivors: list[_Node] = []
        lone = len(active) == 1
        for node in active:
            start = line_starts[node.position]
            line = node.line
            target = widths[line if line < last_width else last_width]
            natural = sum_width[b] - sum_width[start] + width
            spaceless = (plain_here and node.position >= 0 and plain[node.position]
                         and sum_spaces[b] == sum_spaces[start] and natural <= target and word[b] > target)
            if spaceless:
                # A line within one word, begun and ended at its unhyphenated breaks (an address or an
                # identifier longer than the line), has no space to stretch: it is set flush left, and
                # costs what it leaves empty.
                ratio = 0.0
            elif natural < target:
                stretch = sum_stretch[b] - sum_stretch[start] + extra
                ratio = (target - natural) / stretch if stretch > 0 else (0.0 if target - natural < 1e-6 else 1e6)
            elif natural > target:
                shrink = sum_shrink[b] - sum_shrink[start]
                ratio = (target - natural) / shrink if shrink > 0 else -1e6
            else:
                ratio = 0.0
            overfull = ratio < -1
            if overfull and (strict or not lone or best):
                continue  # this line can only get longer: the node is done
            survivors.append(node)
            if ratio > tolerance:
                continue
            hyphens = node.hyphens + 1 if flagged else 0
            if strict:
                if hyphens > max_run:
                    continue
                if is_final and node.hyphenated and not final_hyphen:
                    continue  # no hyphen on the last full line
                if flagged and line in no_hyphen_lines:
                    continue
            if spaceless:
                badness = 1000 * (target - natural) / target
            elif overfull:
                badness = 1e7
            else:
                badness = 100 * (ratio if ratio > 0 else -ratio) ** (3 if passes == 1 else params.emergency_exponent)
                if badness > 1e7:
                    badness = 1e7
            demerits = (line_penalty + badness) ** 2
            if penalty > 0:
                demerits += (penalty * hyphen_weight) ** 2 if flagged else penalty * penalty
            elif penalty < 0 and not forced:
                demerits -= penalty * penalty
            if flagged and node.hyphenated:
                demerits += params.double_hyphen_demerits
            if is_final and node.hyphenated:
                demerits += params.final_hyphen_demerits
            fitness = 0 if ratio < -0.5 else 1 if ratio <= 0.5 else 2 if ratio <= 1.0 else 3
            if fitness - node.fitness > 1 or node.fitness - fitness > 1:
                demerits += params.fitness_demerits
            if not strict and (hyphens > max_run or (is_final and node.hyphenated) or overfull):
                demerits += 1e9
            total = node.demerits + demerits
            following = line + 1
            line_key = (following if following < horizon else horizon) if numbered else \
                (following if following < last_width else last_width)
            key = (fitness, hyphens if hyphens <= max_run else max_run + 1, line_key)
            found = best.get(key)
            if found is None or total < found.demerits:
                best[key] = _Node(b, following, fitness, hyphens, total, node, ratio, flagged)
        active = [] if forced else survivors
        if best:
            line_starts[b] = starts[b]
            active.extend(best.values())
        if not active:
            return None
    ends = [node for node in active if node.position == final]
    if lines is not None and any(node.line == lines for node in ends):
        ends = [node for node in ends if node.line == lines]
    if not ends:
        return None
    node: _Node | None = min(ends, key=lambda n: n.demerits)
    best_total = node.demerits
    chosen: list[Line] = []
    while node is not None and node.previous is not None:
        previous = node.previous
        start = line_starts[previous.position]
        chosen.append(Line(start, node.position, node.ratio, node.hyphenated))
        node = previous
    return Breaking(tuple(reversed(chosen)), passes, best_total, tracking)


__all__ = ["LADDER", "OVERFULL", "SPARING", "Breaking", "Line", "Params", "Rung", "break_paragraph", "sparing"]
