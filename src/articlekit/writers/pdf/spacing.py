"""Glyph positions written to the PDF as exactly as the layout placed them.

WeasyPrint draws a run of text as one ``TJ`` operator: each glyph's font width,
adjusted by the difference between that width and the advance Pango gave it.
It writes that adjustment truncated to a whole thousandth of an em
(``int(kerning)`` in ``weasyprint.draw.text``).  With no tracking the
adjustments are fractions and vanish; but a tracked line (the composer tracks a
line by up to ±1 % of an em when nothing else evens it out, :mod:`.paragraphs`)
adjusts every glyph, always truncated towards zero, so the line drawn drifts
from the line laid out by about half a thousandth of an em a glyph: 0.6 pt over
a line of sixty-odd letters, enough to miss the text block's edge.

:func:`exact_adjustments` makes those adjustments keep three decimals while an
articlekit PDF is written (a :class:`~contextvars.ContextVar` scopes it to the
current thread's writing, as :mod:`.instances` does): ``int`` in that module is
replaced by a function whose result is the same whole number for every other
use (the layout width handed to Pango) and prints with its decimals inside the
``TJ`` string.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from weasyprint.draw import text as weasy_text

_ACTIVE: ContextVar[bool] = ContextVar("articlekit_exact_adjustments", default=False)


class _Adjustment(int):
    """A whole number that prints as the exact value it was made from (to three decimals).

    Made by :func:`_int`, once for every glyph of a tracked line: ``int.__new__``
    truncates a float as ``int()`` does, without a ``__new__`` of its own to call.
    """

    exact: float

    def __format__(self, spec: str) -> str:
        if spec:
            return builtins.format(builtins.int(self), spec)
        text = f"{self.exact:.3f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text


_new_int = builtins.int.__new__


def _int(value: Any = 0, *args: Any) -> int:
    if args or not isinstance(value, float) or not _ACTIVE.get():
        return builtins.int(value, *args)
    made = _new_int(_Adjustment, value)
    made.exact = float(value)
    return made


weasy_text.int = _int  # type: ignore[attr-defined]


@contextmanager
def exact_adjustments() -> Iterator[None]:
    """Within this block, the PDF written in this thread places each glyph where the layout put it."""
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


__all__ = ["exact_adjustments"]
