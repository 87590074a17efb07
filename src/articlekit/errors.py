"""Errors that articlekit reports to its users.

Every problem with an input is an :class:`ArticleError` carrying the file and,
where known, the line (and column).  ``str()`` gives the one line the CLI prints:
``path:line: message``.  The CLI maps every :class:`ArticlekitError` to exit
code 2; anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class ArticlekitError(Exception):
    """Base class of all errors articlekit reports as a user-facing message."""

    exit_code = 2


class ArticleError(ArticlekitError):
    """A problem in one input file, located by line (1-based) and column where known."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, col: int | None = None) -> None:
        self.path = Path(path)
        self.message = message
        self.line = line
        self.col = col
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.message}"


class ArticleErrors(ArticlekitError):
    """Several problems found in one file; each is reported on its own line."""

    def __init__(self, errors: list[ArticleError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class UnsupportedFormatError(ArticlekitError):
    """A requested output format that articlekit does not write."""


class OutputError(ArticlekitError):
    """The output folder or file cannot be written."""


def flatten(error: ArticlekitError) -> list[ArticlekitError]:
    """The individual problems inside ``error``, one per reported line."""
    if isinstance(error, ArticleErrors):
        return list(error.errors)
    return [error]
