"""articlekit: one canonical article source, four publication formats.

Read a source into an :class:`Article` with :func:`load`; write it with
:func:`to_html`, :func:`to_jats`, :func:`to_epub` or :func:`to_pdf`; or build
whole folders with :func:`build`, as the ``articlekit`` command does.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .api import ArticleResult, BuildReport, build, check, load, to_epub, to_html, to_jats, to_pdf
from .errors import ArticleError, ArticleErrors, ArticlekitError
from .model import Article, Copyright, Image, Metadata, Note, Person
from .options import WriteOptions

try:
    __version__ = version("articlekit")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"

__all__ = [
    "Article", "ArticleError", "ArticleErrors", "ArticleResult", "ArticlekitError", "BuildReport", "Copyright",
    "Image", "Metadata", "Note", "Person", "WriteOptions", "__version__", "build", "check", "load",
    "to_epub", "to_html", "to_jats", "to_pdf",
]
