"""Finding the house style: the CSS files the writers use.

Lookup order: the folder given by the caller (``--styles DIR``), the folder an
``articlekit.toml`` names, then the style that ships with articlekit.  A folder
need not hold every file; a missing one falls back to the shipped file.
"""

from __future__ import annotations

from pathlib import Path

#: The house-style files and what each styles.
STYLE_FILES = {
    "html.css": "the web page (HTML writer)",
    "epub.css": "the ebook (EPUB writer), for e-readers",
    "print.css": "the print edition (PDF writer)",
    "print-edition.css": "an edition as one print book, after print.css (articlekit edition)",
}


def default_styles_dir() -> Path:
    """The shipped house style: inside the installed package, or ``styles/`` in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "styles"
    if (packaged / "html.css").is_file():
        return packaged
    return here.parent.parent / "styles"


def find_style(name: str, *dirs: Path | None) -> Path:
    """The first ``name`` found in ``dirs`` (skipping ``None``), else the shipped one."""
    for d in dirs:
        if d is not None and (d / name).is_file():
            return d / name
    return default_styles_dir() / name


def read_style(name: str, *dirs: Path | None) -> str:
    return find_style(name, *dirs).read_text(encoding="utf-8")
