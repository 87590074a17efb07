"""The one place that decides which files and URLs an article may make articlekit read.

Sources are untrusted.  An article may use files inside its own folder (after
resolving ``..`` and symbolic links) and the styles folder; nothing else on the
disk, no ``file:`` URL and, unless the caller opts in with ``allow_remote``, no
network resource at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: URL schemes a link (not a resource) may use in any output.
SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto", "doi", "ftp", "tel"})


class AccessDenied(Exception):
    """A resource that an article may not use; the message says why."""


@dataclass(frozen=True)
class Policy:
    """Where an article's resources may come from."""

    source_dir: Path
    extra_dirs: tuple[Path, ...] = ()
    allow_remote: bool = False

    def roots(self) -> tuple[Path, ...]:
        return (self.source_dir.resolve(), *(d.resolve() for d in self.extra_dirs))


def is_remote(ref: str) -> bool:
    return urlsplit(ref).scheme.lower() in ("http", "https")


def safe_link(url: str) -> bool:
    """Whether ``url`` may appear as a link target: relative, fragment, or a safe scheme."""
    url = url.strip()
    if not _SCHEME.match(url):
        return True
    return urlsplit(url).scheme.lower() in SAFE_LINK_SCHEMES


def resolve_resource(ref: str, policy: Policy) -> Path | str:
    """Check a resource reference (image, stylesheet) against ``policy``.

    Returns the resolved local :class:`Path`, or the URL itself for an allowed
    remote resource.  Raises :class:`AccessDenied` otherwise.
    """
    parts = urlsplit(ref)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not policy.allow_remote:
            raise AccessDenied(f"remote resource {ref!r} refused (pass --allow-remote to fetch it)")
        return ref
    if scheme == "file":
        raise AccessDenied(f"file: URL {ref!r} refused: refer to files relative to the source")
    if scheme and len(scheme) > 1:
        raise AccessDenied(f"{scheme}: URL {ref!r} refused")
    if not ref.strip():
        raise AccessDenied("empty resource reference")
    rel = unquote(parts.path) if not (len(scheme) == 1) else ref  # "C:\\x" is a path, not a scheme
    candidate = Path(rel)
    if candidate.is_absolute():
        raise AccessDenied(f"absolute path {ref!r} refused: refer to files relative to the source")
    target = (policy.source_dir / candidate).resolve()
    if not any(target == root or root in target.parents for root in policy.roots()):
        raise AccessDenied(f"{ref!r} points outside the source's folder")
    if not target.is_file():
        raise AccessDenied(f"{ref!r} does not exist")
    return target
