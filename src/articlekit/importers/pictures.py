"""Pictures an imported file names, taken beside the source only when the build could read them too.

An input is as untrusted as a source: a saved page's ``<img src="../../etc/passwd">``
or a post's ``![](/proc/self/environ)`` must not make the import read, let
alone copy, a file outside the input's folder.  So every picture is resolved as
a canonical source's images are (:func:`articlekit.read.safety.resolve_resource`:
real paths, symbolic links followed before the check) under the input's folder,
or a site's root that a preset names; its size is checked before a byte is read;
and only a PNG, JPEG, GIF, WebP or SVG picture is taken, under a name whose
extension says what it is, so it can never stand in for a source (``x.md``).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from ..read import safety
from .report import ImportReport, megabytes

#: Largest picture an import copies (the build reads none larger).
MAX_PICTURE_BYTES = safety.MAX_RESOURCE_BYTES
#: The extension a picture is saved under, by its media type.
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
              "image/svg+xml": ".svg"}
_SAME = {".jpeg": ".jpg"}


def take(ref: str, folder: Path, report: ImportReport, line: int | None, *,
         roots: tuple[Path, ...] = (), written: str | None = None) -> tuple[bytes, str] | None:
    """The bytes of the picture ``ref`` names relative to ``folder``, and its extension; ``None``
    (an error reported at ``line``) when it is outside ``folder`` and ``roots``, missing, too big
    or no picture.  ``written`` is the reference as the input gives it, for the messages."""
    written = written or ref
    policy = safety.Policy(folder, extra_dirs=roots)
    try:
        target = safety.resolve_resource(ref, policy)
        if isinstance(target, str):  # a remote address: the callers drop those before
            raise safety.AccessDenied(f"remote resource {ref!r} refused")
        size = target.stat().st_size
        if size > MAX_PICTURE_BYTES:
            report.error(f"image {written!r} is {size / 1048576:.1f} MB, over the {megabytes(MAX_PICTURE_BYTES)} "
                         "limit for a picture (a build reads none larger: make it smaller)", line)
            return None
        data = safety.read_resource(ref, policy).data  # resolved again: a file swapped since is caught
    except safety.AccessDenied as e:
        others = [str(r) for r in roots if r.resolve() != folder.resolve()]
        where = f" or {', '.join(others)}" if others else ""
        report.error(f"image {written!r} refused: {e} (an import reads pictures only inside {folder}{where})",
                     line)
        return None
    except OSError as e:
        report.error(f"image {written!r} cannot be read: {e.strerror or e}", line)
        return None
    media = safety.sniff_image(data, target.name)
    if media is None:
        report.error(f"image {written!r} is not a PNG, JPEG, GIF, WebP or SVG picture", line)
        return None
    return data, EXTENSIONS[media]


def picture_name(name: str, extension: str) -> str:
    """``name`` as a safe file name ending in ``extension``: never a path, never a source (``x.md``)."""
    stem = re.sub(r"[^\w.-]+", "-", PurePosixPath(name).name).strip(".-") or "image"
    suffix = PurePosixPath(stem).suffix.lower()
    if _SAME.get(suffix, suffix) == extension:
        return stem
    return f"{stem}{extension}"
