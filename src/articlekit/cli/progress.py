"""What a batch tells the person watching it: the command line's display, fed by build_many's callbacks.

On a terminal: a live progress bar (tqdm) with count, rate and time left, with
problems printed above it as they come.  Anywhere else (a CI log, a pipe): one
plain line per article, no escape codes.  ``quiet`` keeps only problems and the
closing summary.
"""

from __future__ import annotations

import sys
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..batch import BatchReport, BatchResult
    from ..errors import ArticleWarning


def warning_line(warning: ArticleWarning) -> str:
    """How the command line prints a warning: ``warning: path:line: message [code]``."""
    return f"warning: {warning} [{warning.code}]"


class Progress:
    """Reports a batch's results as they arrive; call :meth:`start`, :meth:`update`, :meth:`finish`."""

    def __init__(self, *, quiet: bool = False, out: IO[str] | None = None, err: IO[str] | None = None,
                 tty: bool | None = None) -> None:
        self.quiet = quiet
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.tty = self.err.isatty() if tty is None else tty
        self.total = 0
        self.done = 0
        self._bar: Any = None

    def start(self, total: int) -> None:
        self.total = total
        if self.tty and not self.quiet and total > 1:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="article", file=self.err, dynamic_ncols=True,
                             bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, {rate_fmt}]")

    def _say(self, text: str, *, err: bool) -> None:
        if self._bar is not None:
            self._bar.write(text, file=self.err if err else self.out)
        else:
            print(text, file=self.err if err else self.out, flush=True)

    def update(self, result: BatchResult) -> None:
        """One article is done: print its problems, then advance the bar or print its line.

        The plain line is ``[3/16] sources/a.md: wrote dist/a.html, dist/a.pdf``
        (or ``up to date``, or what failed); an article that failed as a whole
        prints only its problems, on stderr.
        """
        self.done += 1
        for w in result.warnings:
            self._say(warning_line(w), err=True)
        for e in result.errors:
            self._say(str(e), err=True)
        if self._bar is not None:
            self._bar.update(1)
            return
        if self.quiet or (result.status == "failed" and not result.outputs):
            return
        count = f"[{self.done:>{len(str(self.total))}}/{self.total}] " if self.total > 1 else ""
        if result.skipped:
            self._say(f"{count}{result.source}: up to date", err=False)
            return
        line = f"{count}{result.source}: wrote {', '.join(str(p) for p in result.outputs)}"
        failed = [name for name, f in result.formats.items() if f.status == "failed"]
        if failed:
            line += f"; {', '.join(failed)} failed"
        self._say(line, err=False)

    def finish(self, report: BatchReport) -> None:
        """Close the bar; for a batch, print the summary (built, failed, skipped, time, rate)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if len(report.results) > 1 and not self.quiet:
            self._say(report.summary(), err=False)


__all__ = ["Progress", "warning_line"]
