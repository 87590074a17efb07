"""Characters no installed font can draw, found before the PDF is made.

WeasyPrint draws a character with the book face, or else with any font
fontconfig knows; when none has it, the PDF writer refuses to print a box.  So
that ``articlekit check`` finds the same problem first, with its place, the
reader looks up every distinct character of the source: in the book face's own
character map first, then in the union of what fontconfig reports for the
installed fonts (``fc-list``'s charsets, read once per process).  Whitespace,
format characters and variation selectors are never drawn and not looked up.

Each warning names the Debian package that has the missing glyphs.  The table
(``debian-fonts.json``) is read from the packages' own font files by
``tests/tools/debian_font_coverage.py``, so a hint never names a package that
lacks the character.  Without ``fc-list`` the installed fonts cannot be known
and nothing is reported; the PDF writer still refuses what it cannot draw.
"""

from __future__ import annotations

import bisect
import json
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from ..errors import ArticleWarning, by_place
from ..fonts import BookFaceNotInstalledError, find_book_face

#: Debian packages in the order a hint prefers them: colour emoji for emoji, the
#: core Noto set for the world's scripts, CJK, then the extra weights and faces.
PACKAGES: tuple[str, ...] = ("fonts-noto-color-emoji", "fonts-noto-core", "fonts-noto-cjk", "fonts-noto-extra")

Ranges = tuple[tuple[int, ...], tuple[int, ...]]  # starts, ends (inclusive), sorted and disjoint


def _merge(pairs: Iterable[tuple[int, int]]) -> Ranges:
    starts: list[int] = []
    ends: list[int] = []
    for a, b in sorted(pairs):
        if ends and a <= ends[-1] + 1:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return tuple(starts), tuple(ends)


def _covers(ranges: Ranges, cp: int) -> bool:
    starts, ends = ranges
    i = bisect.bisect_right(starts, cp) - 1
    return i >= 0 and cp <= ends[i]


def parse_charset(text: str) -> list[tuple[int, int]]:
    """fontconfig's charset notation (``20-7e a0 …``, hexadecimal) as ``(first, last)`` pairs."""
    pairs = []
    for item in text.split():
        first, _, last = item.partition("-")
        try:
            pairs.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    return pairs


@lru_cache(maxsize=1)
def installed_coverage() -> Ranges | None:
    """Every code point some font fontconfig knows can draw, or ``None`` without ``fc-list``."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, "--format", "%{charset}\n"], capture_output=True, text=True,
                             timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return _merge(parse_charset(out))


@lru_cache(maxsize=4)
def _face_coverage(paths: tuple[Path, ...]) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in paths:
        with TTFont(path, lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def book_coverage() -> frozenset[int] | None:
    """The code points the book face maps, or ``None`` when none is installed."""
    try:
        book = find_book_face()
    except BookFaceNotInstalledError:
        return None
    return _face_coverage(tuple(sorted({f.path for f in book.faces})))


@lru_cache(maxsize=1)
def debian_packages() -> dict[str, Ranges]:
    """What each Debian font package can draw (see the module's docstring)."""
    table = json.loads(files("articlekit").joinpath("debian-fonts.json").read_text(encoding="utf-8"))
    return {name: _merge((a, b) for a, b in table[name]) for name in PACKAGES if name in table}


def package_for(cp: int) -> str | None:
    """The Debian package a hint names for ``cp``: the first of :data:`PACKAGES` that has it."""
    return next((name for name, ranges in debian_packages().items() if _covers(ranges, cp)), None)


def _never_drawn(ch: str) -> bool:
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")
            or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)


def undrawable(text: str) -> list[int] | None:
    """The code points in ``text`` no installed font can draw, in order of first use.

    ``None`` when the installed fonts cannot be known (no book face or no ``fc-list``).
    """
    book = book_coverage()
    chars = {ch for ch in set(text) if ord(ch) > 0x7E and not _never_drawn(ch)}
    outside = [ch for ch in chars if book is None or ord(ch) not in book]
    if not outside:
        return []
    if book is None:
        return None
    installed = installed_coverage()
    if installed is None:
        return None
    missing = {ch for ch in outside if not _covers(installed, ord(ch))}
    return [ord(ch) for ch in dict.fromkeys(ch for ch in text if ch in missing)]


def describe_missing(codepoints: Iterable[int]) -> str:
    """A readable list of characters no font could draw, grouped by script, with a remedy."""
    points = sorted(set(codepoints))
    by_script: dict[str, list[str]] = {}
    for cp in points:
        name = unicodedata.name(chr(cp), "")
        script = name.split(" ")[0] if name else "UNASSIGNED"
        by_script.setdefault(script, []).append(f"U+{cp:04X} {chr(cp)!r}")
    parts = []
    for script, chars in by_script.items():
        shown = ", ".join(chars[:8]) + (f" and {len(chars) - 8} more" if len(chars) > 8 else "")
        parts.append(f"{script.title()}: {shown}")
    packages = list(dict.fromkeys(p for cp in points if (p := package_for(cp))))
    remedy = (
        f"install a font covering them (Debian: {', '.join(packages)})" if packages
        else "no Debian font package covers them; install a font that does"
    )
    return f"no installed font has glyphs for {'; '.join(parts)}; {remedy}"


def _describe(cp: int) -> str:
    name = unicodedata.name(chr(cp), "")
    return f"U+{cp:04X} {chr(cp)!r}" + (f" {name}" if name else "")


def _place(text: str, pos: int) -> tuple[int, int]:
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


def missing_glyph_warnings(path: Path, text: str) -> list[ArticleWarning]:
    """One warning (``glyph-missing``) per package that would draw them, at the first such character.

    The PDF cannot be made while they stay; the other formats leave drawing to the reader's fonts.
    """
    missing = undrawable(text)
    if not missing:
        return []
    groups: dict[str | None, list[int]] = {}
    for cp in missing:
        groups.setdefault(package_for(cp), []).append(cp)
    wanted = {chr(cp) for cp in missing}
    lines_of: dict[str, set[int]] = {}
    for number, line in enumerate(text.split("\n"), 1):
        for ch in wanted.intersection(line):
            lines_of.setdefault(ch, set()).add(number)
    warnings: list[ArticleWarning] = []
    for package, cps in groups.items():
        shown = ", ".join(_describe(cp) for cp in cps[:6]) + (f" and {len(cps) - 6} more" if len(cps) > 6 else "")
        lines = sorted(set().union(*(lines_of[chr(cp)] for cp in cps)))
        on = f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(map(str, lines[:10]))}"
        on += ", …" if len(lines) > 10 else ""
        remedy = (f"install a font that has them (Debian: {package})" if package
                  else "no Debian font package has them; remove them or install a font that has them")
        message = f"the PDF cannot be made: no installed font can draw {shown} ({on}); {remedy}"
        line, col = _place(text, text.index(chr(cps[0])))  # cps are in order of first use
        warnings.append(ArticleWarning(path, line, col, "glyph-missing", message))
    return by_place(warnings)
