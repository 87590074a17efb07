"""Byte-identical EPUB containers: ebooklib's zip rewritten in a fixed form.

ebooklib stamps every zip entry with the current time and leaves file
attributes to the platform.  :func:`repack` rewrites the archive so that the
same entries give the same bytes on every run and machine:

* ``mimetype`` first and stored (uncompressed), as the OCF specification requires,
  then ``META-INF/container.xml``, then the other entries in the order written;
* one timestamp for every entry (the book's ``dcterms:modified``, which comes
  from the article or ``SOURCE_DATE_EPOCH``), clamped to what a zip can hold;
* fixed "made by" system, permissions (0644) and deflate level, no extra fields,
  no archive comment.

Entries can be rewritten on the way through (``fix``), which is how the package
document gets the ``xml:lang`` ebooklib does not write.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable

MIMETYPE = "mimetype"
CONTAINER = "META-INF/container.xml"
#: zlib level for every compressed entry.
COMPRESS_LEVEL = 9

_ZIP_MIN = dt.datetime(1980, 1, 1)
_ZIP_MAX = dt.datetime(2107, 12, 31, 23, 59, 58)


def zip_time(moment: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """``moment`` as a zip (MS-DOS) timestamp; zips cannot store dates before 1980 or after 2107."""
    naive = moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment
    naive = min(max(naive, _ZIP_MIN), _ZIP_MAX)
    return (naive.year, naive.month, naive.day, naive.hour, naive.minute, naive.second - naive.second % 2)


def repack(data: bytes, moment: dt.datetime, fix: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """The EPUB ``data`` rewritten deterministically (see the module docstring)."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = [i.filename for i in src.infolist() if not i.is_dir()]
        if MIMETYPE not in names:
            raise ValueError("not an EPUB container: no mimetype entry")
        contents = {name: src.read(name) for name in names}
    ordered = [MIMETYPE] + ([CONTAINER] if CONTAINER in contents else [])
    ordered += [n for n in names if n not in ordered]
    stamp = zip_time(moment)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in ordered:
            body = contents[name]
            if fix is not None:
                body = fix(name, body)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # Unix, whatever machine builds the book
            info.external_attr = 0o100644 << 16
            if name == MIMETYPE:
                info.compress_type = zipfile.ZIP_STORED
                dst.writestr(info, body)
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, body, compresslevel=COMPRESS_LEVEL)
    return out.getvalue()
