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
    #: Built only when asked for by name (``-t crossref``), never by default: a registry record
    #: needs facts (a DOI, a depositor) that a house that does not register has no reason to state.
    on_request: bool = False


#: Every format articlekit knows, in the order a build writes them.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("html", ".html", "articlekit.writers.html", "clean HTML5 page for the web"),
        Format("jats", ".xml", "articlekit.writers.jats", "JATS 1.3 XML for archives and indexers"),
        Format("epub", ".epub", "articlekit.writers.epub", "EPUB 3 ebook"),
        Format("pdf", ".pdf", "articlekit.writers.pdf", "print-ready tagged PDF"),
        Format("crossref", ".crossref.xml", "articlekit.writers.deposit.crossref",
               "Crossref deposit (DOI registration), asked for by name", on_request=True),
        Format("doaj", ".doaj.xml", "articlekit.writers.deposit.doaj",
               "DOAJ article record, asked for by name", on_request=True),
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
    """The formats a build writes when none is named: those this installation can write, in build order,
    less those built only on request (the registry records)."""
    return [name for name, fmt in FORMATS.items()
            if not fmt.on_request and importlib.util.find_spec(fmt.module) is not None]


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
