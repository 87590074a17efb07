"""The output formats: one module per format, each ``write(article, options) -> bytes``.

A writer is a pure function of the :class:`~articlekit.model.Article` and the
:class:`~articlekit.options.WriteOptions`: it never reads the source again, and
it prints the note numbers it is given.  Modules are imported on first use, so
building HTML never loads WeasyPrint.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import UnsupportedFormatError
from ..model import Article
from ..options import WriteOptions

Writer = Callable[[Article, WriteOptions], bytes]


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    module: str
    description: str


#: Every format articlekit knows, in the order a build writes them.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("html", ".html", "articlekit.writers.html", "clean HTML5 page for the web"),
        Format("jats", ".xml", "articlekit.writers.jats", "JATS 1.3 XML for archives and indexers"),
        Format("epub", ".epub", "articlekit.writers.epub", "EPUB 3 ebook"),
        Format("pdf", ".pdf", "articlekit.writers.pdf", "print-ready tagged PDF"),
    )
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise UnsupportedFormatError(
            f"unknown format {name!r}: choose from {', '.join(FORMATS)}"
        ) from None


def available_formats() -> list[str]:
    """The formats this installation can write, in build order."""
    return [name for name, fmt in FORMATS.items() if importlib.util.find_spec(fmt.module) is not None]


def get_writer(name: str) -> Writer:
    """The ``write`` function of format ``name``; a format not built yet is refused, never faked."""
    fmt = get_format(name)
    try:
        module = importlib.import_module(fmt.module)
    except ModuleNotFoundError as e:
        if e.name == fmt.module:
            raise UnsupportedFormatError(f"format {name!r} is not available in this version of articlekit") from None
        raise
    return module.write
