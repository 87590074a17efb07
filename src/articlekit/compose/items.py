"""The material of a paragraph: boxes, glue and penalties (Knuth and Plass, 1981)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: A penalty at least this high forbids a break; one at most its negative forces one.
INFINITY = 10_000


@dataclass(frozen=True, slots=True)
class Box:
    """Something of fixed width that is never broken: a word, a part of a word, a callout, a formula.

    ``stretch`` and ``shrink`` are what tracking may add to or take from it, used
    only by the last-resort pass (see :func:`.breaking.break_paragraph`).
    """

    width: float
    ref: Any = None
    stretch: float = 0.0
    shrink: float = 0.0


@dataclass(frozen=True, slots=True)
class Glue:
    """A space: its natural width, how much it may grow and how much it may give."""

    width: float
    stretch: float
    shrink: float
    ref: Any = None


@dataclass(frozen=True, slots=True)
class Penalty:
    """A place a line may end, at a cost: ``width`` is set only there (a hyphen); ``flagged`` for hyphen breaks.

    A ``last_resort`` break (between two letters inside an address) is taken
    only by the last-resort pass, when every line cannot be kept within its
    limits otherwise.
    """

    width: float
    penalty: float
    flagged: bool = False
    ref: Any = None
    last_resort: bool = False


Item = Box | Glue | Penalty


def finish(items: list[Item]) -> list[Item]:
    """``items`` ended as a paragraph is: no break before the end, a glue that fills the last line, a forced break.

    Trailing glue is removed first, as TeX removes the space before ``\\par``.
    """
    while items and isinstance(items[-1], Glue):
        items.pop()
    return [*items, Penalty(0, INFINITY), Glue(0, 1e9, 0), Penalty(0, -INFINITY)]


__all__ = ["INFINITY", "Box", "Glue", "Item", "Penalty", "finish"]
