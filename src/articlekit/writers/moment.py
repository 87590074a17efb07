"""When an output says it was made: never the clock, so the same inputs give the same bytes."""

from __future__ import annotations

import datetime as dt
import os

from ..errors import ArticlekitError


def reproducible_moment(date: dt.date) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention), else midnight UTC of ``date``.

    ``date`` is an article's, an edition's or a record's own date.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ArticlekitError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp (whole seconds since 1970)") from None
    return dt.datetime.combine(date, dt.time(0, 0), tzinfo=dt.UTC)


__all__ = ["reproducible_moment"]
