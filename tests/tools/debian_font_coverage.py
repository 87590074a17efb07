"""Which code points each Debian font package can draw, read from the packages' own font files.

articlekit names a Debian package when an article holds characters no installed
font can draw (:mod:`articlekit.read.glyphs`).  The hint must name a package that
really has the glyph, so the table it uses is made from the packages
themselves: every font file in each ``.deb`` is opened and its character map
read.  Run it over packages fetched with ``apt-get download``::

    apt-get download fonts-noto-core fonts-noto-color-emoji fonts-noto-cjk
    python tests/tools/debian_font_coverage.py *.deb > src/articlekit/debian-fonts.json

The output maps each package name to its coverage as ``[first, last]`` ranges.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


def ranges(points: set[int]) -> list[list[int]]:
    """Sorted ``[first, last]`` runs of consecutive code points."""
    out: list[list[int]] = []
    for cp in sorted(points):
        if out and cp == out[-1][1] + 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def coverage(deb: Path) -> tuple[str, set[int]]:
    """The package's name and every code point one of its font files maps."""
    name = subprocess.run(["dpkg-deb", "-f", str(deb), "Package"], capture_output=True, text=True,
                          check=True).stdout.strip()
    points: set[int] = set()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        for font in sorted(Path(tmp).rglob("*")):
            if font.suffix.lower() not in FONT_SUFFIXES:
                continue
            faces = (TTCollection(font, lazy=True).fonts if font.suffix.lower() in (".ttc", ".otc")
                     else [TTFont(font, lazy=True)])
            for face in faces:
                points.update(face.getBestCmap() or {})
    return name, points


def main(debs: list[str]) -> None:
    table = {}
    for deb in debs:
        name, points = coverage(Path(deb))
        table[name] = ranges(points)
    json.dump(dict(sorted(table.items())), sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
