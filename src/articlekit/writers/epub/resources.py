"""The images an EPUB carries: found in the article, read through the safety policy, typed by content.

Every image is read through :func:`articlekit.read.safety.resolve_resource`, so an
article can only bring in files from its own folder (or, when the caller allows
remote resources, an http(s) image that is downloaded once and packed into the
book: EPUB forbids remote images).  The media type comes from the bytes, not the
file name, and only the EPUB core image types are accepted; anything else would
need a fallback chain that an article has no use for.
"""

from __future__ import annotations

import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from lxml import etree

from ...errors import ArticleError
from ...model import Article
from ...read.safety import AccessDenied, Policy, resolve_resource
from ...tree import iter_inlines

#: Largest image accepted (bytes); a bigger one is almost certainly a mistake in an article.
MAX_IMAGE_BYTES = 40 * 1024 * 1024
#: Seconds to wait for a remote image.
FETCH_TIMEOUT = 30

#: File extension for each accepted media type.
EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
}

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


@dataclass(frozen=True)
class ImageResource:
    """One image file in the book."""

    src: str
    #: Path inside the EPUB's content folder, e.g. ``images/figure.png``.
    href: str
    media_type: str
    data: bytes


def sniff_media_type(data: bytes) -> str | None:
    """The image media type the bytes begin with, if it is one EPUB readers must support."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return "image/svg+xml"
    return None


def check_svg(data: bytes) -> str | None:
    """Why an SVG cannot go into the book (scripts, event handlers, outside references), or None."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError as e:
        return f"is not well-formed SVG ({e})"
    if root.tag != f"{{{_SVG_NS}}}svg":
        return "is not an SVG image"
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local in ("script", "foreignObject"):
            return f"contains <{local}>, which an ebook image may not"
        for name, value in el.attrib.items():
            if etree.QName(name).localname.lower().startswith("on"):
                return "contains an event-handler attribute"
            if (name == _XLINK_HREF or name == "href") and not value.startswith("#"):
                return f"refers to another resource ({value!r})"
    return None


def image_sources(article: Article) -> list[str]:
    """Every image the book needs, once each, in the order first met: lead image, body, notes."""
    found: list[str] = []
    m = article.metadata
    if m.image and m.image.src:
        found.append(m.image.src)
    blocks = list(article.body)
    for note in article.notes:
        blocks.extend(note.blocks)
    if m.abstract:
        blocks.extend(m.abstract)
    for node in iter_inlines(blocks):
        if node["t"] == "Image":
            found.append(node["c"][2][0])
    return list(dict.fromkeys(found))


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "articlekit"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
        data = response.read(MAX_IMAGE_BYTES + 1)
    return data


def _read(src: str, policy: Policy, article: Article) -> bytes:
    try:
        where = resolve_resource(src, policy)
    except AccessDenied as e:
        raise ArticleError(article.path, f"image {e}") from None
    try:
        if isinstance(where, Path):
            if where.stat().st_size > MAX_IMAGE_BYTES:
                raise ArticleError(article.path, f"image {src!r} is larger than {MAX_IMAGE_BYTES // 1048576} MB")
            return where.read_bytes()
        data = _fetch(where)
    except OSError as e:
        raise ArticleError(article.path, f"image {src!r} cannot be read: {getattr(e, 'reason', None) or e}") from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ArticleError(article.path, f"image {src!r} is larger than {MAX_IMAGE_BYTES // 1048576} MB")
    return data


def _file_stem(src: str) -> str:
    name = PurePosixPath(urlsplit(src).path).stem if "://" in src else PurePosixPath(src.replace("\\", "/")).stem
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower()
    return stem or "image"


def collect_images(article: Article, *, allow_remote: bool = False) -> dict[str, ImageResource]:
    """Read, check and name every image the article uses; keyed by the ``src`` the source wrote."""
    policy = Policy(article.source_dir, allow_remote=allow_remote)
    images: dict[str, ImageResource] = {}
    taken: set[str] = set()
    for src in image_sources(article):
        data = _read(src, policy, article)
        media_type = sniff_media_type(data)
        if media_type is None:
            raise ArticleError(
                article.path, f"image {src!r} is not PNG, JPEG, GIF, WebP or SVG, the image types every e-reader shows"
            )
        if media_type == "image/svg+xml":
            problem = check_svg(data)
            if problem:
                raise ArticleError(article.path, f"image {src!r} {problem}")
        stem, n = _file_stem(src), 1
        href = f"images/{stem}{EXTENSIONS[media_type]}"
        while href in taken:
            n += 1
            href = f"images/{stem}-{n}{EXTENSIONS[media_type]}"
        taken.add(href)
        images[src] = ImageResource(src=src, href=href, media_type=media_type, data=data)
    return images
