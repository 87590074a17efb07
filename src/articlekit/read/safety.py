"""The one place that decides which files and URLs an article may make articlekit read.

Sources are untrusted.  An article may use files inside its own folder (after
resolving ``..`` and symbolic links) and the styles folders; nothing else on the
disk, no ``file:`` URL and, unless the caller opts in with ``allow_remote``, no
network resource at all.

Everything that reads a resource goes through here:

* :func:`resolve_resource` checks a reference from a source (an image);
* :func:`read_resource` reads it (again checking, so a file swapped after the
  check is still caught), with a size limit, and cleans SVG;
* :func:`url_fetcher` gives WeasyPrint a fetcher with the same rules;
* :func:`parse_xml` is the only XML parser for untrusted XML (entities are not
  expanded, no DTD or network is loaded), and :func:`clean_svg` removes what an
  SVG image must not carry (scripts, event handlers, external references).
"""

from __future__ import annotations

import mimetypes
import re
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..styles import default_styles_dir

if TYPE_CHECKING:  # pragma: no cover
    from weasyprint.urls import URLFetcher

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: URL schemes a link (not a resource) may use in any output.
SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto", "doi", "ftp", "tel"})
#: Largest image or stylesheet articlekit reads, local or remote (bytes).
MAX_RESOURCE_BYTES = 50 * 1024 * 1024
#: Seconds to wait for a remote server (only with ``allow_remote``).
REMOTE_TIMEOUT = 20
#: Image types every output format can carry, by their first bytes.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


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


@dataclass(frozen=True)
class Resource:
    """The bytes of an image or stylesheet, and its media type."""

    data: bytes
    media_type: str
    #: The local file it came from (``None`` for a remote resource).
    path: Path | None = None


def is_remote(ref: str) -> bool:
    return urlsplit(ref).scheme.lower() in ("http", "https")


def safe_link(url: str) -> bool:
    """Whether ``url`` may appear as a link target: relative, fragment, or a safe scheme."""
    url = url.strip()
    if not _SCHEME.match(url):
        return True
    return urlsplit(url).scheme.lower() in SAFE_LINK_SCHEMES


def _inside(target: Path, roots: Iterable[Path]) -> bool:
    return any(target == root or root in target.parents for root in roots)


def resolve_resource(ref: str, policy: Policy) -> Path | str:
    """Check a resource reference (image, stylesheet) against ``policy``.

    Returns the resolved local :class:`Path`, or the URL itself for an allowed
    remote resource.  Raises :class:`AccessDenied` otherwise.
    """
    if not ref.strip():
        raise AccessDenied("empty resource reference")
    try:
        parts = urlsplit(ref)
    except ValueError:
        raise AccessDenied(f"{ref!r} is not a valid URL or path") from None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not policy.allow_remote:
            raise AccessDenied(f"remote resource {ref!r} refused (pass --allow-remote to fetch it)")
        return ref
    if scheme == "file":
        raise AccessDenied(f"file: URL {ref!r} refused: refer to files relative to the source")
    if scheme and len(scheme) > 1:
        raise AccessDenied(f"{scheme}: URL {ref!r} refused")
    if parts.netloc:
        raise AccessDenied(f"{ref!r} names another host: refer to files relative to the source")
    rel = unquote(parts.path) if len(scheme) != 1 else ref  # "C:\\x" is a path, not a scheme
    candidate = Path(rel)
    if candidate.is_absolute():
        raise AccessDenied(f"absolute path {ref!r} refused: refer to files relative to the source")
    try:
        target = (policy.source_dir / candidate).resolve()
        inside = _inside(target, policy.roots())
        exists = inside and target.is_file()
    except (OSError, ValueError, RuntimeError):  # NUL byte, name too long, symlink loop
        raise AccessDenied(f"{ref!r} is not a usable file name") from None
    if not inside:
        raise AccessDenied(f"{ref!r} points outside the source's folder")
    if not exists:
        raise AccessDenied(f"{ref!r} does not exist")
    return target


# ---------------------------------------------------------------------------
# Reading resources


def sniff_image(data: bytes, name: str = "") -> str | None:
    """The media type of an image articlekit accepts (PNG, JPEG, GIF, WebP, SVG), else ``None``."""
    for magic, media in _MAGIC:
        if data.startswith(magic):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if name.lower().endswith(".svg") or head.startswith((b"<?xml", b"<svg", b"<!doctype svg")):
        return "image/svg+xml"
    return None


def check_image(path: Path) -> str:
    """Check that a local image is one articlekit can carry; return its media type.

    Raises :class:`AccessDenied` with the reason (not an image, SVG that is not
    well-formed XML or not SVG at all).
    """
    size = path.stat().st_size
    if size > MAX_RESOURCE_BYTES:
        raise AccessDenied(f"is {size / 1048576:.1f} MB, over the {MAX_RESOURCE_BYTES // 1048576} MB image limit")
    data = path.read_bytes()
    media = sniff_image(data, path.name)
    if media is None:
        raise AccessDenied("is not a PNG, JPEG, GIF, WebP or SVG image")
    if media == "image/svg+xml":
        clean_svg(data)  # raises AccessDenied when the SVG is unusable
    else:
        check_pixels(data)
    return media


#: Most pixels in one picture: Pillow's own bound against decompression bombs (about 89.5 million, such as
#: 10,000 × 8,950), past which the PDF writer would refuse it without a reason; a picture this large holds
#: about 360 MB once decoded.
MAX_PIXELS = 89_478_485


def check_pixels(data: bytes) -> None:
    """Refuse a raster picture of more than :data:`MAX_PIXELS` pixels, or one whose header cannot be read,
    read from its header alone (nothing is decoded)."""
    import io
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's warning about large pictures: the bound below is ours
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
    except Image.DecompressionBombError as e:  # past twice Pillow's bound, it gives the pixels, not the size
        found = re.search(r"\((\d+) pixels\)", str(e))
        size = f"{int(found.group(1)) / 1e6:.0f} million pixels" if found else "more than twice that"
        raise AccessDenied(f"is {size}, over the {MAX_PIXELS / 1e6:.1f} million pixel limit for a picture; make it "
                           "smaller") from None
    except Exception as e:  # whatever Pillow finds wrong with a header, the picture is unusable
        raise AccessDenied(f"cannot be read as a picture: {str(e).splitlines()[0] if str(e) else type(e).__name__}"
                           ) from None
    if width * height > MAX_PIXELS:
        raise AccessDenied(f"is {width} × {height} pixels ({width * height / 1e6:.0f} million), over the "
                           f"{MAX_PIXELS / 1e6:.1f} million pixel limit for a picture; make it smaller")


def read_resource(ref: str, policy: Policy) -> Resource:
    """Read an image or stylesheet the article names, checked against ``policy``.

    SVG is returned cleaned (:func:`clean_svg`).  Remote resources are fetched
    only when the policy allows it, with a timeout and the size limit.
    """
    target = resolve_resource(ref, policy)
    if isinstance(target, str):
        data, media = fetch_remote(target)
        path = None
    else:
        path = target
        data = _read_capped(target)
        media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    sniffed = sniff_image(data, urlsplit(ref).path)
    if sniffed == "image/svg+xml" or media == "image/svg+xml":
        return Resource(clean_svg(data), "image/svg+xml", path)
    return Resource(data, sniffed or media, path)


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as f:
        data = f.read(MAX_RESOURCE_BYTES + 1)
    if len(data) > MAX_RESOURCE_BYTES:
        raise AccessDenied(f"{path.name!r} is over the {MAX_RESOURCE_BYTES // 1048576} MB resource limit")
    return data


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s) URLs, and at most five."""

    max_redirections = 5

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise AccessDenied(f"redirect to {newurl!r} refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_remote(url: str, timeout: float = REMOTE_TIMEOUT) -> tuple[bytes, str]:
    """Fetch an http(s) URL (only ever called when the policy allows remote resources)."""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise AccessDenied(f"{url!r} is not an http(s) URL")
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(), _HttpOnlyRedirects(),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    request = urllib.request.Request(url, headers={"User-Agent": "articlekit"})
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read(MAX_RESOURCE_BYTES + 1)
            media = response.headers.get_content_type()
    except AccessDenied:
        raise
    except Exception as e:  # every network failure is the same to the user: not fetched
        raise AccessDenied(f"cannot fetch {url!r}: {e}") from None
    if len(data) > MAX_RESOURCE_BYTES:
        raise AccessDenied(f"{url!r} is over the {MAX_RESOURCE_BYTES // 1048576} MB resource limit")
    return data, media


# ---------------------------------------------------------------------------
# XML


def xml_parser() -> etree.XMLParser:
    """An lxml parser for untrusted XML: no entity expansion, no DTD, no network, no huge trees."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML (an SVG image, an imported file) safely; return the root element.

    Entity references stay unexpanded nodes (an XXE payload is inert), no DTD
    or other file is read, nothing is fetched.  Raises ``lxml.etree.XMLSyntaxError``
    (which carries ``.lineno``) for XML that is not well-formed.
    """
    return etree.fromstring(data, xml_parser())


_SVG_DROP = frozenset({"script", "foreignObject", "handler", "listener", "iframe", "object", "embed"})
_URL_IN_CSS = re.compile(r"url\(|@import|expression\(", re.IGNORECASE)
_SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);", re.IGNORECASE)


def clean_svg(data: bytes) -> bytes:
    """An SVG image with everything active or external removed.

    Removed: the DOCTYPE and entity references, processing instructions (an
    ``xml-stylesheet`` would load CSS), ``script``, ``foreignObject`` and the
    like, ``on*`` event attributes, styles that load anything (``url()``,
    ``@import``), and every link that is not a fragment (``#id``) or an inline
    raster image.  Raises :class:`AccessDenied` for XML that is not well-formed
    or is not SVG.
    """
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as e:
        raise AccessDenied(f"is not well-formed XML (line {e.lineno}): {e.msg}") from None
    if etree.QName(root).localname != "svg":
        raise AccessDenied("is not an SVG image (its root element is not <svg>)")
    doomed: list[Any] = []
    for node in root.iter():
        if isinstance(node, etree._Entity | etree._ProcessingInstruction):
            doomed.append(node)
            continue
        if not isinstance(node.tag, str):
            continue  # comments
        name = etree.QName(node).localname
        if name in _SVG_DROP or (name == "style" and _URL_IN_CSS.search(node.text or "")):
            doomed.append(node)
            continue
        for attr in list(node.attrib):
            local = etree.QName(attr).localname
            value = node.attrib[attr].strip()
            if (
                local.lower().startswith("on")
                or (local == "style" and _URL_IN_CSS.search(value))
                or (local in ("href", "src") and not (value.startswith("#") or _SAFE_DATA_IMAGE.match(value)))
            ):
                del node.attrib[attr]
    for node in doomed:
        _remove_keeping_tail(node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _remove_keeping_tail(node: Any) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail:
        prev = node.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


# ---------------------------------------------------------------------------
# WeasyPrint


def url_fetcher(policy: Policy, styles_dirs: Iterable[Path | None] = ()) -> URLFetcher:
    """A WeasyPrint URL fetcher (``HTML(..., url_fetcher=...)``) that enforces ``policy``.

    Allowed: ``file:`` URLs inside the source's folder, the policy's extra
    folders, ``styles_dirs`` (house style, fonts) and the shipped style;
    ``data:`` URLs (decoded locally); ``http(s):`` only when the policy allows
    remote resources.  Everything else is refused: WeasyPrint then leaves the
    resource out and logs a warning, and the URL is added to the fetcher's
    ``refused`` list so the caller can report it.  SVG is served cleaned.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = (*policy.roots(), *(Path(d).resolve() for d in styles_dirs if d is not None),
             default_styles_dir().resolve())

    class PolicyFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(timeout=REMOTE_TIMEOUT, allowed_protocols=("file", "data", "http", "https"),
                             allow_redirects=False, fail_on_errors=False)
            self.refused: list[str] = []

        def refuse(self, url: str, why: str) -> AccessDenied:
            self.refused.append(url)
            return AccessDenied(f"{url}: {why}")

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme in ("http", "https"):
                if not policy.allow_remote:
                    raise self.refuse(url, "remote resources are refused (see --allow-remote)")
                data, media = fetch_remote(url)
            elif scheme == "file":
                try:
                    path = Path(urllib.request.url2pathname(unquote(urlsplit(url).path))).resolve()
                    allowed = _inside(path, roots) and path.is_file()
                except (OSError, ValueError, RuntimeError):
                    allowed = False
                if not allowed:
                    raise self.refuse(url, "outside the source's and the styles' folders, or missing")
                data = _read_capped(path)
                media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            else:
                raise self.refuse(url, f"{scheme}: URLs are refused")
            if media == "image/svg+xml" or sniff_image(data, urlsplit(url).path) == "image/svg+xml":
                data, media = clean_svg(data), "image/svg+xml"
            return URLFetcherResponse(url, data, {"Content-Type": media})

    return PolicyFetcher()
