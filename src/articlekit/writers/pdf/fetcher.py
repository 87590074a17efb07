"""The only way WeasyPrint may read anything while it typesets an article.

WeasyPrint asks its URL fetcher for every image, stylesheet and ``@font-face``
file.  This one allows:

* files under the source's folder and the style folders, by the rules of
  :func:`articlekit.read.safety.resolve_resource` (no ``..`` or symbolic link out);
* font files in the folders of the installed book face (a pip font package);
* ``http(s):`` only when the caller passed ``allow_remote``; ``data:`` (it
  reads nothing).

Everything else (another ``file:``, ``ftp:``, …) is refused, and each refusal
is recorded so the writer can report it instead of printing a page with a hole.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ...read.safety import AccessDenied, Policy, clean_svg, resolve_resource

#: The folder an article PDF's HTML is based on, whatever folder its source is in: WeasyPrint names each
#: picture by the address it loaded it from, so a real folder there made the same source give other bytes
#: elsewhere (another checkout, a cluster worker's temporary folder).  The fetcher maps it back.
SOURCE_ROOT = "/articlekit-source/"

#: Suffixes of font files the fetcher serves from font package folders.
FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".woff", ".woff2"})


class RestrictedFetcher(URLFetcher):
    """A :class:`weasyprint.urls.URLFetcher` that serves only what an article may use."""

    def __init__(self, policy: Policy, font_dirs: Iterable[Path] = (), portable: bool = False) -> None:
        protocols = ("file", "data", "http", "https") if policy.allow_remote else ("file", "data")
        super().__init__(timeout=20, allowed_protocols=protocols, allow_redirects=policy.allow_remote)
        self.policy = policy
        self.font_dirs = tuple(d.resolve() for d in font_dirs)
        #: Whether addresses under :data:`SOURCE_ROOT` name files of the policy's source folder.
        self.portable = portable
        #: Why each refused URL was refused, in the order asked.
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url, headers)
        except AccessDenied as e:
            self.refused.append(str(e))
            raise

    def _fetch(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            path = self._allowed_file(url)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            body = path.read_bytes()
            if mime == "image/svg+xml":
                body = clean_svg(body)  # no script, entity or outside reference reaches WeasyPrint
            return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": mime})
        if scheme == "data" or (scheme in ("http", "https") and self.policy.allow_remote):
            return super().fetch(url, headers)
        if scheme in ("http", "https"):
            raise AccessDenied(f"remote resource {url!r} refused (pass --allow-remote to fetch it)")
        raise AccessDenied(f"{scheme or 'relative'} URL {url!r} refused")

    def _allowed_file(self, url: str) -> Path:
        """The local file ``url`` names, if a font of the book face or a file the policy allows."""
        path = Path(url2pathname(urlsplit(url).path))
        if self.portable and path.as_posix().startswith(SOURCE_ROOT):
            path = self.policy.source_dir / path.as_posix()[len(SOURCE_ROOT):]
        resolved = path.resolve()
        in_font_dir = any(resolved.parent == d for d in self.font_dirs)
        if in_font_dir and resolved.suffix.lower() in FONT_SUFFIXES and resolved.is_file():
            return resolved
        source_dir = self.policy.source_dir.resolve()
        relative = os.path.relpath(path, source_dir)
        try:
            target = resolve_resource(Path(relative).as_posix(), self.policy)
        except AccessDenied as e:
            if "outside" in str(e):
                raise AccessDenied(f"{path} is outside the article's folder, the styles folders and the font"
                                   " packages") from None
            raise AccessDenied(f"{path}: {e}") from None
        if not isinstance(target, Path):  # pragma: no cover - a relative path never resolves to a URL
            raise AccessDenied(f"{url!r} refused")
        return target
