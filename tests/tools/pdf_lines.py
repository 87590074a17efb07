"""The lines of a PDF as poppler-independent geometry, read with pdfplumber.

Characters are grouped into lines by baseline.  A raised, smaller run (a note
callout set as a superscript) has its own baseline a little above the line it
belongs to, so it is merged into the line whose baseline lies just below it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber

#: A run smaller than this share of its line's type size is a superscript (or subscript).
SMALL = 0.8


@dataclass
class Line:
    """The characters of one typeset line, left to right, with its main type size and baseline."""

    page: int
    baseline: float
    size: float
    chars: list[dict[str, Any]] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(c["x0"] for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c["x1"] for c in self.chars)

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    def is_small(self, char: dict[str, Any]) -> bool:
        """Whether ``char`` is set smaller than the line's text (a callout, a superscript)."""
        return char["size"] < SMALL * self.size

    def words(self) -> list[list[dict[str, Any]]]:
        """The line's characters split at spaces."""
        words: list[list[dict[str, Any]]] = [[]]
        for c in self.chars:
            if c["text"].isspace():
                if words[-1]:
                    words.append([])
            else:
                words[-1].append(c)
        return [w for w in words if w]


def page_lines(page: Any, number: int) -> list[Line]:
    """The lines of one pdfplumber page, top to bottom."""
    height = float(page.height)
    groups: dict[float, list[dict[str, Any]]] = {}
    for c in page.chars:
        if not c.get("upright", True):
            continue
        base = round(height - float(c["matrix"][5]), 1)
        groups.setdefault(base, []).append(c)
    # Merge baselines within a tenth of a point (rounding) first.
    bases = sorted(groups)
    lines: list[Line] = []
    for base in bases:
        chars = groups[base]
        size = max(float(c["size"]) for c in chars)
        if lines and abs(base - lines[-1].baseline) < 0.2:
            lines[-1].chars.extend(chars)
            lines[-1].size = max(lines[-1].size, size)
            continue
        lines.append(Line(number, base, size, list(chars)))
    # A small run raised above a line joins the line below it.
    merged: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if (nxt is not None and line.size < SMALL * nxt.size and 0 < nxt.baseline - line.baseline < 0.6 * nxt.size):
            nxt.chars.extend(line.chars)
        else:
            merged.append(line)
        i += 1
    for line in merged:
        line.chars.sort(key=lambda c: (float(c["x0"]), float(c["x1"])))
    return merged


def pdf_lines(path: Path, pages: tuple[int, int] | None = None) -> Iterator[Line]:
    """Every line of the PDF at ``path`` (pages numbered from 1, ``pages`` inclusive)."""
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if pages and not pages[0] <= number <= pages[1]:
                continue
            yield from page_lines(page, number)
