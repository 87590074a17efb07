"""articlekit: one canonical article source, four publication formats.

Read a source into an :class:`Article` with :func:`load`; write it with
:func:`to_html`, :func:`to_jats`, :func:`to_epub` or :func:`to_pdf`; register it
with :func:`to_crossref` (a Crossref deposit) and :func:`to_doaj` (a DOAJ
record), for one article or a whole edition; or build
whole folders with :func:`build` (the same function as :func:`build_many`), on
every core or any :class:`concurrent.futures.Executor`, as the ``articlekit``
command does.  The batch machinery is imported on first use, so that
``import articlekit`` stays fast.

The package is built in floors, each importing only from itself and the floors
below (ARCHITECTURE.md; an import-linter contract in pyproject.toml holds it):
``cli``; ``batch``, ``editions``, ``importers``; ``api``; ``writers``;
``render``; ``transforms``; ``read``; ``notemarks``, ``manifest``, ``labels``;
and the ground floor — ``model``, ``errors``, ``options``, ``output``, ``tree``,
``fonts``, ``styles``, ``cpus``, ``_version``.
"""

from __future__ import annotations

from typing import Any

from ._version import __version__
from .api import ArticleResult, BuildReport, check, load, to_crossref, to_doaj, to_epub, to_html, to_jats, to_pdf
from .errors import ArticleError, ArticleErrors, ArticlekitError, ArticleWarning
from .model import Article, Copyright, Deposit, Image, Metadata, Note, Person
from .options import WriteOptions

#: Names served by :mod:`articlekit.batch`, imported when first asked for.
_BATCH_NAMES = {"build": "build_many", "build_many": "build_many", "BatchReport": "BatchReport",
                "BatchResult": "BatchResult"}


def __getattr__(name: str) -> Any:
    if name in ("import_file", "ImportReport"):  # pandoc and lxml are imported only when a file is
        from . import importers

        return getattr(importers, name)
    if name in _BATCH_NAMES:
        from . import batch

        return getattr(batch, _BATCH_NAMES[name])
    if name in ("build_edition", "load_edition"):  # editions: one print book and one ebook of many articles
        from . import editions
        from .editions import loader

        return getattr(editions, name) if name == "build_edition" else loader.load_edition
    raise AttributeError(f"module 'articlekit' has no attribute {name!r}")


__all__ = [
    "Article", "ArticleError", "ArticleErrors", "ArticleResult", "ArticleWarning", "ArticlekitError", "BatchReport",
    "BatchResult", "BuildReport", "Copyright", "Deposit", "Image", "ImportReport", "Metadata", "Note", "Person",
    "WriteOptions", "__version__", "build", "build_many", "check", "import_file", "load", "to_crossref", "to_doaj",
    "to_epub", "to_html", "to_jats", "to_pdf",
]
