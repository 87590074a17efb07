"""How loose the justified lines of a PDF are: each inter-word gap against the font's normal space.

A gap is measured from the end of the last glyph before a space to the start of
the first glyph after it; the normal space is the advance of the space glyph
itself at that size, which the PDF records.  Only lines that reach the right
edge of the text block count: the last line of a paragraph (or any ragged line)
keeps natural spacing whatever the justification does.

As a script: ``python tests/tools/word_gaps.py file.pdf [--pages 1-3] [--top 10]``
prints the widest gap and the loosest lines.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.pdf_lines import Line, pdf_lines

#: How close to the text block's right edge (points) a line must end to count as justified.
EDGE_TOLERANCE = 1.5


@dataclass(frozen=True)
class Gap:
    """One inter-word gap: its width as a multiple of the normal space, and where it is."""

    ratio: float
    width: float
    page: int
    before: str
    after: str
    line: str


def _right_edges(lines: list[Line]) -> dict[int, float]:
    """Each page's right text edge: where most of its lines end."""
    edges: dict[int, float] = {}
    for page in {line.page for line in lines}:
        ends = Counter(round(line.x1) for line in lines if line.page == page and len(line.words()) > 3)
        if ends:
            edges[page] = float(ends.most_common(1)[0][0])
    return edges


def justified_lines(lines: list[Line]) -> list[Line]:
    """The lines that end at the right edge of the text block (so they were stretched or shrunk)."""
    edges = _right_edges(lines)
    return [line for line in lines if line.page in edges and line.x1 >= edges[line.page] - EDGE_TOLERANCE]


#: A list item's marker ("3.", "b)", "•"): the gap after it is the marker's place, not a space.
_MARKER = re.compile(r"(\d+|[a-zA-Z]|[ivxlcdm]+)[.)]|[\u2022\u25e6\u25aa\u2013\u2014-]")


def line_gaps(line: Line) -> list[Gap]:
    """Every gap at a space in ``line`` that stands between two glyphs of body size.

    The gap after a list item's marker at the start of a line is left out: the
    marker is set outside the item's text, at a distance of its own.
    """
    gaps = []
    chars = line.chars
    words = line.words()
    marker = len(words) > 1 and _MARKER.fullmatch("".join(ch["text"] for ch in words[0])) is not None
    first = next((i for i, c in enumerate(chars) if c["text"].isspace()), -1)
    for i, c in enumerate(chars):
        if not c["text"].isspace() or line.is_small(c) or (marker and i == first):
            continue
        before = next((chars[j] for j in range(i - 1, -1, -1) if not chars[j]["text"].isspace()), None)
        after = next((chars[j] for j in range(i + 1, len(chars)) if not chars[j]["text"].isspace()), None)
        normal = float(c["x1"]) - float(c["x0"])
        if before is None or after is None or normal <= 0:
            continue
        width = float(after["x0"]) - float(before["x1"])
        gaps.append(Gap(width / normal, width, line.page, before["text"], after["text"], line.text))
    return gaps


def gaps(path: Path, pages: tuple[int, int] | None = None) -> list[Gap]:
    """All inter-word gaps of the justified lines of the PDF at ``path``."""
    lines = list(pdf_lines(path, pages))
    return [gap for line in justified_lines(lines) for gap in line_gaps(line)]


def widest(path: Path, pages: tuple[int, int] | None = None) -> Gap:
    """The widest inter-word gap of the justified lines, relative to the normal space."""
    found = gaps(path, pages)
    if not found:
        raise ValueError(f"{path}: no justified line with a space found")
    return max(found, key=lambda g: g.ratio)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--pages", help="first-last, numbered from 1")
    parser.add_argument("--top", type=int, default=8, help="how many of the loosest lines to list")
    args = parser.parse_args(argv)
    pages = tuple(int(p) for p in args.pages.split("-")) if args.pages else None
    found = gaps(args.pdf, pages)  # type: ignore[arg-type]
    if not found:
        print("no justified line found")
        return 1
    ratios = [g.ratio for g in found]
    print(f"{args.pdf}: {len(found)} gaps in justified lines")
    print(f"widest gap: {max(ratios):.2f} x the normal space; median {statistics.median(ratios):.2f};"
          f" over 1.5x: {sum(r > 1.5 for r in ratios)}; over 2x: {sum(r > 2 for r in ratios)}")
    loosest: dict[tuple[int, str], float] = {}
    for g in found:
        key = (g.page, g.line)
        loosest[key] = max(loosest.get(key, 0.0), g.ratio)
    for (page, text), ratio in sorted(loosest.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {ratio:4.2f}  p.{page}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
