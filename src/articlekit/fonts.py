"""Fonts for the print edition: a book face from a pip-installed font package, and fallbacks.

The body face is an OFL family that ships as package data in a ``fontpkg-*``
distribution (``fontpkg-source-serif-4`` is a dependency of articlekit), so the
print edition looks the same wherever articlekit is installed and the face can
be embedded in the PDF.  The files are found through fontpkg's registry, which
reads each font package's ``metadata.json`` with :mod:`importlib.resources`.

No book face covers every script.  Characters the face lacks (Hangul, Han,
Arabic …) fall back to fonts that fontconfig finds on the system; the stack
names the best-suited Noto face for the article's language first.  When no
installed font has a glyph, the PDF writer reports the characters instead of
printing missing-glyph boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

#: OFL book faces, in order of preference, each installable with ``pip install fontpkg-<slug>``.
BOOK_FACES: tuple[str, ...] = ("Source Serif 4", "Literata", "EB Garamond", "Crimson Pro")

#: The (weight, style) pairs the print style uses; each gets an ``@font-face`` rule.
FACES_USED: tuple[tuple[int, str], ...] = (
    (400, "normal"), (600, "normal"), (700, "normal"),
    (400, "italic"), (600, "italic"), (700, "italic"),
)

#: OFL code faces, in order of preference (``fontpkg-source-code-pro`` is a dependency of articlekit).
CODE_FACES: tuple[str, ...] = ("Source Code Pro",)

#: The (weight, style) pairs code is set in: print.css sets code in the code face's regular, and
#: bold or italic code (inside strong or em) takes the matching instance.
CODE_FACES_USED: tuple[tuple[int, str], ...] = ((400, "normal"), (700, "normal"), (400, "italic"))

#: Noto CJK serif faces by language: Han characters differ in shape between regions.
_CJK_BY_LANG = {
    "ko": "Noto Serif CJK KR",
    "ja": "Noto Serif CJK JP",
    "zh": "Noto Serif CJK SC",
    "zh-hant": "Noto Serif CJK TC",
    "zh-tw": "Noto Serif CJK TC",
    "zh-hk": "Noto Serif CJK HK",
    "zh-mo": "Noto Serif CJK HK",
}

#: Families tried after the book face and the language's own face (fontconfig adds the rest).
GENERIC_FALLBACKS: tuple[str, ...] = ("Noto Serif", "DejaVu Serif", "serif")


class BookFaceNotInstalledError(LookupError):
    """None of :data:`BOOK_FACES` is installed."""


@dataclass(frozen=True)
class FontFace:
    """One ``@font-face`` rule: a file that serves a weight and style of a family."""

    family: str
    path: Path
    weight: int
    style: str

    def css(self) -> str:
        return (
            "@font-face {\n"
            f'  font-family: "{self.family}";\n'
            f'  src: url("{self.path.as_uri()}");\n'
            f"  font-weight: {self.weight};\n"
            f"  font-style: {self.style};\n"
            "}\n"
        )


@dataclass(frozen=True)
class BookFace:
    """An installed book face: its family name and the files for the weights the style uses."""

    family: str
    faces: tuple[FontFace, ...]

    @cached_property
    def dirs(self) -> frozenset[Path]:
        """The folders holding the font files: the only font folders the PDF writer may read.

        Resolved once per face (the PDF writer asks several times for every article).
        """
        return frozenset(f.path.resolve().parent for f in self.faces)

    @cached_property
    def _css(self) -> str:
        return "".join(f.css() for f in self.faces)

    def css(self) -> str:
        """``@font-face`` rules pointing at the installed files (``file:`` URLs)."""
        return self._css


@lru_cache(maxsize=8)
def find_book_face(preferred: Sequence[str] = BOOK_FACES) -> BookFace:
    """The first installed face of ``preferred``, with one file per weight and style used.

    A variable font serves every weight from one file (the PDF writer instantiates
    the weights it uses); a static family's nearest weight stands in for a missing one.
    """
    for name in preferred:
        face = _installed_face(name, FACES_USED)
        if face is not None:
            return face
    names = ", ".join(f"fontpkg-{n.lower().replace(' ', '-')}" for n in preferred)
    raise BookFaceNotInstalledError(f"no book face is installed for the print edition: pip install one of {names}")


@lru_cache(maxsize=8)
def find_code_face(preferred: Sequence[str] = CODE_FACES) -> BookFace | None:
    """The first installed monospace face of ``preferred``, or ``None`` (print.css then names system faces).

    Embedded like the book face, so code looks the same wherever the PDF is made
    and every glyph of it has the monospace advance the layout was measured with.
    """
    for name in preferred:
        face = _installed_face(name, CODE_FACES_USED)
        if face is not None:
            return face
    return None


def _installed_face(name: str, used: Sequence[tuple[int, str]]) -> BookFace | None:
    """Family ``name`` with one file per (weight, style) of ``used``, if installed with a regular."""
    import fontpkg

    try:
        family = fontpkg.family(name)
    except fontpkg.FamilyNotInstalled:
        return None
    faces = []
    for weight, style in used:
        try:
            chosen = fontpkg.select_file(family, weight, style, nearest=True)
        except fontpkg.FontpkgError:
            continue
        if chosen.path.is_file():
            faces.append(FontFace(family.name, chosen.path, weight, style))
    if any(f.weight == 400 and f.style == "normal" for f in faces):
        return BookFace(family.name, tuple(faces))
    return None


def language_fallbacks(lang: str) -> tuple[str, ...]:
    """Font families for the article's language, tried after the book face.

    For Chinese, Japanese and Korean the Noto CJK face of that region comes first,
    so shared Han characters take the shapes readers of the language expect.
    """
    tag = lang.lower().replace("_", "-")
    parts = tag.split("-")
    candidates = [tag, "-".join(parts[:2]), parts[0]]
    if parts[0] == "zh" and any(p in ("hant", "tw", "hk", "mo") for p in parts[1:]):
        candidates.insert(0, "zh-hant")
    for key in candidates:
        if key in _CJK_BY_LANG:
            return (_CJK_BY_LANG[key],)
    return ()


def font_stack(book: BookFace, lang: str) -> str:
    """A CSS ``font-family`` value: book face, language fallback, generic fallbacks."""
    families = [book.family, *language_fallbacks(lang), *GENERIC_FALLBACKS]
    return ", ".join(f if f == "serif" else f'"{f}"' for f in dict.fromkeys(families))


__all__ = [
    "BOOK_FACES", "CODE_FACES", "GENERIC_FALLBACKS", "BookFace", "BookFaceNotInstalledError", "FontFace",
    "find_book_face", "find_code_face", "font_stack", "language_fallbacks",
]
