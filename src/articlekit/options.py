"""Options that change what a writer produces (not what an article says)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WriteOptions:
    """Options for the writers; each writer reads the fields that concern it."""

    #: Folder of house-style CSS overriding the article's and the shipped style.
    styles_dir: Path | None = None
    #: HTML: only the ``<article>`` element, for pasting into a CMS.
    fragment: bool = False
    #: May the writers fetch remote resources (images) the source names?
    allow_remote: bool = False
    #: PDF: page size, a CSS ``size`` value ("a4", "letter", "a5", "6in 9in").
    page_size: str = "a4"
    #: PDF: "pdf/ua-1" (tagged, accessible), "pdf/a-3a" (archival) or "plain".
    pdf_variant: str = "pdf/ua-1"
    #: Crossref: the deposit schema ("5.3.1" or "5.4.0"); None takes the ``[deposit]`` table's (else 5.3.1).
    crossref_schema: str | None = None
