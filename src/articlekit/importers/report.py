"""What an import did with one file: mapped, guessed, dropped, and what it could not read.

Every entry carries the input line it concerns (``None`` where the input has no
lines, such as a Word document).  Guesses are warnings (errors with
``strict``); what cannot be read is an error, and a file with errors gives no
source.  The report prints as ``path:line: message`` lines and as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The stable code of each kind of guess an import makes, shown with it and in the JSON report.
GUESS_CODES: dict[str, str] = {
    "guessed-heading": "a short line that does not end as a sentence taken for a section heading",
    "people-split": "a list of people split where it seemed to separate them",
    "degrees-split": "a name's degrees split from it",
    "weekday-mismatch": "a date whose weekday is not that date's; the date kept",
    "title-from-page": "a web page's <title> taken for the title",
    "title-block-date": "a date in a web page's title block that cannot be read as a date",
    "title-block-differs": "a web page's title block differs from its metadata; the metadata's kept",
    "abstract-from-properties": "a Word document's comments property taken for the abstract",
    "date-from-properties": "a Word document's creation date taken for the date",
    "change-accepted": "a tracked change in a Word document accepted",
    "image-no-alt": "an image without alt text",
    "template-removed": "a Liquid tag or Hugo shortcode removed",
    "attribute-list-removed": "a kramdown attribute list removed",
    "first-of-many": "the first of several values taken for a key that holds one",
    "dropped": "a part dropped that no table said to drop",
}


@dataclass(frozen=True)
class Entry:
    """One thing the import did or could not do, at one input line; a guess carries its code."""

    message: str
    line: int | None = None
    code: str | None = None

    def where(self, path: Path) -> str:
        return f"{path}:{self.line}: {self.message}" if self.line is not None else f"{path}: {self.message}"


@dataclass
class ImportReport:
    """The import of one file: what went where, and why."""

    path: Path
    #: The kind of input: "plaintext", "docx", "html" or "markdown".
    kind: str = ""
    output: Path | None = None
    mapped: list[Entry] = field(default_factory=list)
    guessed: list[Entry] = field(default_factory=list)
    dropped: list[Entry] = field(default_factory=list)
    errors: list[Entry] = field(default_factory=list)
    strict: bool = False
    #: The slug the input names for itself (a ``slug:`` key), if any.
    slug: str | None = None
    #: Files to write beside the source (images taken out of a Word document), by relative path.
    media: dict[str, bytes] = field(default_factory=dict)
    #: The input, or its metadata, could not be read at all (so what it lacks is not known either).
    unread: bool = False
    #: Words of the input's running text, counted apart from its parser (``None``: not counted), and
    #: those dropped with a report (see :mod:`.words`).
    words_in: int | None = None
    words_dropped: int = 0

    def map(self, message: str, line: int | None = None) -> None:
        self.mapped.append(Entry(message, line))

    def guess(self, code: str, message: str, line: int | None = None) -> None:
        """A guess (a warning, an error with ``strict``), by its code in :data:`GUESS_CODES`."""
        if code not in GUESS_CODES:
            raise ValueError(f"unknown guess code {code!r}")
        self.guessed.append(Entry(message, line, code))

    def drop(self, message: str, line: int | None = None, *, guessed: bool = False, words: int = 0) -> None:
        """A dropped part; ``guessed`` when no table said to drop it, which makes it a warning too;
        ``words``, the words of running text it held, which the message then gives."""
        if words and not message.startswith(f"{words} words"):
            message += f" ({words} word{'s' if words > 1 else ''})"
        self.dropped.append(Entry(message, line))
        self.words_dropped += words
        if guessed:
            self.guess("dropped", f"dropped {message}", line)

    def error(self, message: str, line: int | None = None, *, unread: bool = False) -> None:
        """What cannot be read; ``unread`` when it leaves the whole input, or its metadata, unread."""
        self.errors.append(Entry(message, line))
        self.unread = self.unread or unread

    @property
    def ok(self) -> bool:
        return not self.errors and not (self.strict and self.guessed)

    def warning_lines(self) -> list[str]:
        """Each guess as printed: ``warning: path:line: message [code]`` (an error line with ``strict``)."""
        if self.strict:
            return [e.where(self.path) for e in sorted(self.guessed, key=_order)]
        return [f"warning: {e.where(self.path)} [{e.code}]" for e in sorted(self.guessed, key=_order)]

    def error_lines(self) -> list[str]:
        return [e.where(self.path) for e in sorted(self.errors, key=_order)]

    def to_dict(self) -> dict[str, Any]:
        def entries(items: list[Entry]) -> list[dict[str, Any]]:
            return [{"line": e.line, "message": e.message, **({"code": e.code} if e.code else {})}
                    for e in sorted(items, key=_order)]

        return {
            "path": str(self.path), "kind": self.kind, "output": str(self.output) if self.output else None,
            "media": sorted(self.media),
            "ok": self.ok, "mapped": entries(self.mapped), "guessed": entries(self.guessed),
            "dropped": entries(self.dropped), "errors": entries(self.errors),
        }


def megabytes(n: int) -> str:
    """A limit in bytes as a user gives it to ``--max-size``: ``0.1 MB``, ``20 MB``."""
    return f"{round(n / 1048576, 2):g} MB"


def _order(e: Entry) -> tuple[int, str]:
    return (e.line if e.line is not None else 0, e.message)
