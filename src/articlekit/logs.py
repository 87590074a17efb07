"""Where the libraries' log records go: to the debug log, never to the terminal.

WeasyPrint logs a warning for every CSS rule it ignores, and the font library under
the formulas logs through the root logger, which makes Python attach a handler
printing every later record on stderr (``WARNING:weasyprint:Ignored …``).  What
matters to an author articlekit reports itself, located, as an error or a
warning; the libraries' records are shown only with ``ARTICLEKIT_DEBUG=1``.
"""

from __future__ import annotations

import logging
import os


def libraries_to_debug() -> None:
    """In a process articlekit runs (the command, its workers): keep library records off the terminal.

    A handler on the root logger stops :func:`logging.basicConfig` from adding its own; with
    ``ARTICLEKIT_DEBUG`` set every record, from debug up, goes to stderr marked ``debug:``.
    """
    root = logging.getLogger()
    if os.environ.get("ARTICLEKIT_DEBUG"):
        if not any(getattr(h, "articlekit", False) for h in root.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("debug: %(name)s: %(message)s"))
            handler.articlekit = True  # type: ignore[attr-defined]
            root.addHandler(handler)
        root.setLevel(logging.DEBUG)
    elif not root.handlers:
        root.addHandler(logging.NullHandler())


__all__ = ["libraries_to_debug"]
