"""Errors that articlekit reports to its users.

Every problem with an input is an :class:`ArticleError` carrying the file and,
where known, the line (and column).  ``str()`` gives the one line the CLI prints:
``path:line: message`` (``path:line:col: message`` when the column is known).

Exit codes are a property of the error class: 2 for a problem with a source, an
option or the output folder (:class:`ArticlekitError`), 1 for a fault inside
articlekit itself (:class:`InternalError`).  Messages are always printed on one
line: control characters (a newline inside a YAML key, a terminal escape in a
file name) are shown escaped, never passed to the terminal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

# C0 and C1 controls, DEL, and the bidirectional overrides that can make a
# printed line read differently from what it contains.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """``text`` with every control character shown as an escape, so it prints as one line."""
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class ArticlekitError(Exception):
    """Base class of all errors articlekit reports as a user-facing message."""

    exit_code = 2

    def __str__(self) -> str:
        return one_line(super().__str__())


class ArticleError(ArticlekitError):
    """A problem in one input file, located by line (1-based) and column where known."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, col: int | None = None) -> None:
        self.path = Path(path)
        self.message = message
        self.line = line
        self.col = col
        super().__init__(message)

    def __str__(self) -> str:
        return located(self.path, self.line, self.col, self.message)


def located(path: Path, line: int | None, col: int | None, message: str) -> str:
    """``path:line:col: message`` (less what is not known), as one printable line."""
    where = str(path)
    if line is not None:
        where += f":{line}"
        if col is not None:
            where += f":{col}"
    return one_line(f"{where}: {message}")


class ArticleErrors(ArticlekitError):
    """Several problems found in one file; each is reported on its own line.

    ``errors`` holds the :class:`ArticleError` items sorted by line (those
    without a line last); iterating over the exception yields them too, and
    ``str()`` is their lines joined by newlines.
    """

    def __init__(self, errors: list[ArticleError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.line is None, e.line or 0, e.col or 0))
        super().__init__("\n".join(str(e) for e in self.errors))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)

    def __iter__(self) -> Iterator[ArticleError]:
        return iter(self.errors)

    def __len__(self) -> int:
        return len(self.errors)


#: Every warning's stable code, with what it means.  A code never changes once published: ``--strict``,
#: the ``--report`` JSON and ``[warnings] ignore`` in ``articlekit.toml`` name warnings by it.
WARNING_CODES: dict[str, str] = {
    "note-unreferenced": "a note is defined but never referenced",
    "no-permissions": "neither license nor copyright is stated, so the JATS has no <permissions>",
    "link-no-anchor": "a link to #anchor names no anchor of the article; its words are kept as text",
    "link-malformed": "a link's address is not a valid address; its words are kept as text",
    "glyph-missing": "no installed font can draw some characters, so the PDF cannot be made",
    "image-no-alt": "an image has no alt text, which a tagged PDF needs",
    "language-unsupported": "articlekit has no words for the article's language; its labels are in English",
    "source-changed": "a source changed while it was being built; the next build makes its outputs again",
    "loose-line": "a justified line of the PDF could be set no tighter than its words allow; its widest space is named",
}


@dataclass(frozen=True)
class ArticleWarning:
    """A problem that does not stop a build, as a value: where it is, its stable code, and its message.

    Like pandoc's ``LogMessage``: the library returns warnings (``Article.warnings``,
    a batch's results, an edition's report) and never prints them; the command
    line does, ``--strict`` turns them into errors (:meth:`as_error`) and a house
    silences a code in ``articlekit.toml``.  ``str()`` is the located line
    ``path:line:col: message``, as for an :class:`ArticleError`.
    """

    path: Path
    line: int | None
    column: int | None
    code: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in WARNING_CODES:
            raise ValueError(f"unknown warning code {self.code!r}")

    def __str__(self) -> str:
        return located(self.path, self.line, self.column, self.message)

    def as_error(self) -> ArticleError:
        """The same problem as an error, for ``--strict``."""
        return ArticleError(self.path, self.message, self.line, self.column)

    def as_dict(self) -> dict[str, object]:
        """The warning for programs (``--report report.json``)."""
        return {"code": self.code, "path": str(self.path), "line": self.line, "column": self.column,
                "message": self.message}


def by_place(warnings: Iterable[ArticleWarning]) -> list[ArticleWarning]:
    """``warnings`` in the order of the source: by line, then column, those without a line last."""
    return sorted(warnings, key=lambda w: (w.line is None, w.line or 0, w.column or 0))


class UnsupportedFormatError(ArticlekitError):
    """A requested output format that articlekit does not write."""


class OutputError(ArticlekitError):
    """The output folder or file cannot be written, or may not be overwritten."""


class InternalError(ArticlekitError):
    """A fault inside articlekit (a bug), reported as one line instead of a traceback."""

    exit_code = 1


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn ``a`` into ``b``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _abbreviates(short: str, word: str) -> bool:
    """``short`` is ``word`` with letters left out and the same first letter (``src`` of ``source``)."""
    if len(short) < 3 or len(short) >= len(word) or short[0] != word[0]:
        return False
    rest = iter(word)
    return all(ch in rest for ch in short)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` is most likely a misspelling of, or ``None`` when none is close.

    Close means one edit for a word of up to five letters, two for a longer one
    (``editrs``, ``autors``, ``licence``, ``keyword``), or a choice that is the
    word shortened (``source`` for ``src``).  Unlike a ratio of common letters,
    this gives no hint for a different word that merely shares an ending
    (``collection`` is not ``section``).
    """
    options = list(dict.fromkeys(choices))
    key = word.lower()
    budget = 1 if len(key) <= 5 else 2
    # Lengths further apart than the budget cannot be close: skip them unmeasured.
    scored = sorted((edit_distance(key, c.lower()), i) for i, c in enumerate(options)
                    if abs(len(c) - len(key)) <= budget)
    if scored and scored[0][0] <= budget:
        return options[scored[0][1]]
    short = [c for c in options if _abbreviates(c.lower(), key)]
    return short[0] if len(short) == 1 else None


def flatten(error: ArticlekitError) -> list[ArticlekitError]:
    """The individual problems inside ``error``, one per reported line."""
    if isinstance(error, ArticleErrors):
        return list(error.errors)
    return [error]

_FOUND: ContextVar[list[ArticleWarning] | None] = ContextVar("articlekit_found_warnings", default=None)


@contextmanager
def collecting_warnings() -> Iterator[list[ArticleWarning]]:
    """Gather the warnings a writer finds while it writes (see :func:`found`), in a list the caller reports."""
    gathered: list[ArticleWarning] = []
    token = _FOUND.set(gathered)
    try:
        yield gathered
    finally:
        _FOUND.reset(token)


def found(warning: ArticleWarning) -> None:
    """A writer's warning: into the innermost :func:`collecting_warnings`, or else the ``articlekit`` log."""
    gathered = _FOUND.get()
    if gathered is None:
        logging.getLogger("articlekit").warning("%s [%s]", warning, warning.code)
    else:
        gathered.append(warning)

