"""The print edition: a typeset, tagged PDF made with WeasyPrint.

Steps: build the print HTML from the :class:`~articlekit.model.Article`
(:mod:`.document`), put the computed page geometry and the
book face's ``@font-face`` rules before the house ``print.css``, let WeasyPrint
lay it out with a restricted URL fetcher, then finish the PDF: mark the running
heads and folios as artifacts, complete the table structure (header scopes, the
id tree), replace the XMP packet with a complete one, and write it with fixed
dates and identifiers so the same input gives the same bytes.

Variants: ``pdf/ua-1`` (default; tagged, with ``pdfuaid`` in the XMP),
``pdf/a-3a`` (tagged PDF/A-3 with an sRGB output intent, also identified as
PDF/UA-1) and ``plain`` (untagged).  Problems WeasyPrint would only log (an
image it could not load, text no installed font can draw) are raised as errors
instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from ... import __version__
from ...citations import CSS as CITATIONS_CSS
from ...errors import ArticleError, ArticlekitError
from ...fonts import BookFace, BookFaceNotInstalledError, describe_missing, find_book_face, find_code_face, font_stack
from ...model import Article
from ...options import WriteOptions
from ...render.html_body import _letter
from ...render.identity import identity_uuid
from ...render.labels import labels_for
from ...safety import Policy
from ...styles import default_styles_dir, find_style
from ...tree import iter_blocks, stringify
from .document import PrintDocument, print_document
from .fetcher import RestrictedFetcher
from .instances import pinned_instances
from .page import PageGeometry, page_geometry, parse_page_size
from .press import render
from .spacing import exact_adjustments
from .structure import complete_tagging
from .xmp import XmpData, instance_uuid, xmp_packet

#: ``--pdf-variant`` values and the WeasyPrint variant each maps to.
VARIANTS: dict[str, str | None] = {"pdf/ua-1": "pdf/ua-1", "pdf/a-3a": "pdf/a-3a", "plain": None}

_NOTDEF = ".notdef glyph rendered"


class PdfVariantError(ArticlekitError):
    """An unknown ``--pdf-variant``."""


def _variant(name: str) -> str | None:
    try:
        return VARIANTS[name]
    except KeyError:
        raise PdfVariantError(f"unknown PDF variant {name!r}: choose from {', '.join(VARIANTS)}") from None


def build_time(article: Article) -> dt.datetime:
    """The timestamp stamped into the PDF: ``SOURCE_DATE_EPOCH`` if set, else the article's date at 00:00 UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ArticlekitError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from None
    return dt.datetime.combine(article.metadata.date, dt.time(0, 0), tzinfo=dt.UTC)


@contextmanager
def _fixed_clock(moment: dt.datetime) -> Iterator[None]:
    """Make fontTools stamp ``moment`` into the fonts it rewrites.

    WeasyPrint turns variable fonts into static instances with fontTools, which
    writes the current time into each font's ``head`` table unless
    ``SOURCE_DATE_EPOCH`` is set.  The variable is set for the duration of the
    rendering and restored afterwards.
    """
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(max(0, int(moment.timestamp())))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _w3c(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _style_dirs(article: Article, options: WriteOptions) -> tuple[Path, ...]:
    dirs = [d for d in (options.styles_dir, article.styles_dir) if d is not None]
    dirs.append(default_styles_dir())
    return tuple(dict.fromkeys(d.resolve() for d in dirs))


def _dir_url(path: Path) -> str:
    return path.resolve().as_uri() + "/"


def base_stylesheet(book: BookFace, geometry: PageGeometry, lang: str, code: BookFace | None = None) -> str:
    """What goes before ``print.css``: the book and code faces, the page geometry and the font stack."""
    faces = book.css() + (code.css() if code else "")
    return f"{faces}{geometry.css()}html {{ font-family: {font_stack(book, lang)}; }}\n"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _weasyprint_problems() -> Iterator[list[logging.LogRecord]]:
    """Collect WeasyPrint's warnings and errors while it renders."""
    handler = _Collect()
    weasyprint.LOGGER.addHandler(handler)
    try:
        yield handler.records
    finally:
        weasyprint.LOGGER.removeHandler(handler)


def _raise_problems(article: Article, records: list[logging.LogRecord], fetcher: RestrictedFetcher,
                    variant: str | None) -> None:
    """Turn what WeasyPrint logged into a located error: never ship a PDF with boxes or holes."""
    missing = [r.args[1] for r in records if _NOTDEF in str(r.msg) and isinstance(r.args, tuple) and len(r.args) > 1]
    problems: list[str] = []
    if missing:
        problems.append(describe_missing(int(cp) for cp in missing))
    problems.extend(f"resource refused: {reason}" for reason in dict.fromkeys(fetcher.refused))
    for r in records:
        message = r.getMessage()
        if r.levelno < logging.ERROR or "AccessDenied" in message:  # refusals are reported above
            continue
        if "has no required alt description" in message:
            message += (
                f" (a tagged PDF ({variant}) needs alt text: describe the image in the source,"
                " or build with --pdf-variant plain)"
            )
        problems.append(message)
    if problems:
        raise ArticleError(article.path, "PDF: " + "; ".join(dict.fromkeys(problems)))


def _xmp(article: Article, doc: PrintDocument, created: str, conformance: dict[str, str],
         document_id: str, instance_id: str) -> bytes:
    m = article.metadata
    return xmp_packet(XmpData(
        title=doc.title,
        authors=tuple(p.name for p in m.authors),
        # dc:contributor: everyone who contributed besides the authors (editors, reviewers, translators).
        editors=tuple(p.name for p in (*m.editors, *m.reviewers, *m.translators)),
        description=doc.description,
        keywords=tuple(m.keywords),
        lang=m.lang,
        published=m.date.isoformat(),
        created=created,
        creator_tool=f"articlekit {__version__}",
        producer=f"WeasyPrint {weasyprint.__version__}",
        document_id=document_id,
        instance_id=instance_id,
        conformance=conformance,
        publisher=m.publisher or (m.journal.publisher if m.journal else None),
        rights=m.license,
        identifier=f"doi:{m.doi}" if m.doi else None,
    ))


def link_labels(article: Article) -> dict[str, str]:
    """What each internal link target is, in words: notes, references and headings."""
    labels: dict[str, str] = {}
    words = labels_for(article)
    for note in article.notes:
        labels[note.id] = words.note(note.number)
        many = len(note.ref_ids) > 1
        for i, ref in enumerate(note.ref_ids):
            labels[ref] = words.back_to_reference(note.number, _letter(i) if many else None, parenthesised=True)
    for block in iter_blocks(article.body):
        if block["t"] == "Header" and block["c"][1][0]:
            labels[block["c"][1][0]] = stringify(block["c"][2])
    return labels


def _conformance(variant: str | None) -> dict[str, str]:
    if variant == "pdf/ua-1":
        return {"pdfuaid:part": "1"}
    if variant == "pdf/a-3a":
        # Tagged and finished exactly as pdf/ua-1, so the archival file claims PDF/UA-1 too.
        return {"pdfaid:part": "3", "pdfaid:conformance": "A", "pdfuaid:part": "1"}
    return {}


def _install_xmp(pdf: object, packet: bytes) -> None:
    """Replace the packet WeasyPrint wrote (or add one, for plain PDFs), uncompressed."""
    catalog = pdf.catalog  # type: ignore[attr-defined]
    if "Metadata" in catalog:
        number = int(bytes(catalog["Metadata"]).split()[0])
        stream = pdf.objects[number]  # type: ignore[attr-defined]
        stream.stream = [packet]
        stream.compress = False
    else:
        stream = pydyf.Stream([packet], {"Type": "/Metadata", "Subtype": "/XML"}, compress=False)
        pdf.add_object(stream)  # type: ignore[attr-defined]
        catalog["Metadata"] = stream.reference


def reference_pages(document: weasyprint.Document) -> dict[str, int]:
    """Each anchor of a laid-out document and the page (numbered from 1) it fell on."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def shares_a_page(article: Article, pages: dict[str, int]) -> bool:
    """Whether some note has two references on one page (so its back-links would repeat a page)."""
    for note in article.notes:
        on = [pages.get(ref) for ref in note.ref_ids]
        if len(on) != len(set(on)):
            return True
    return False


_SHARED = threading.local()


def shared_faces(faces: str, font_dirs: frozenset[Path]) -> tuple[FontConfiguration, weasyprint.CSS]:
    """One WeasyPrint font configuration, and the ``@font-face`` rules of the book and code faces, per thread.

    A :class:`~weasyprint.text.fonts.FontConfiguration` loads fontconfig's whole
    configuration when it is made and keeps each ``@font-face`` file it is
    given: made afresh for every article, it cost a worker time and about
    1.5 MiB that was never given back, article after article.  The rules name
    only the installed faces' files, so one configuration and one stylesheet
    serve every article of the process (of the thread: Pango's font maps are not
    to be shared between threads); the rest of the base stylesheet (page, font
    stack) is still made per article.
    """
    cache: dict[str, tuple[FontConfiguration, weasyprint.CSS]] = _SHARED.__dict__.setdefault("faces", {})
    if faces not in cache:
        fetcher = RestrictedFetcher(Policy(next(iter(sorted(font_dirs)), Path.cwd())), font_dirs=font_dirs)
        font_config = FontConfiguration()
        cache[faces] = font_config, weasyprint.CSS(string=faces, url_fetcher=fetcher, font_config=font_config)
    return cache[faces]


def to_pdf(article: Article, options: WriteOptions | None = None) -> bytes:
    """The article as PDF bytes; raises :class:`ArticlekitError` for a bad option or an unprintable text."""
    options = options or WriteOptions()
    variant = _variant(options.pdf_variant)
    geometry = page_geometry(parse_page_size(options.page_size))
    try:
        book = find_book_face()
    except BookFaceNotInstalledError as e:
        raise ArticlekitError(str(e)) from None
    m = article.metadata
    moment = build_time(article)
    created = _w3c(moment)
    image_src = m.image.src if m.image and m.image.src else None
    measure_em = geometry.measure / geometry.font_size
    doc = print_document(article, created=created, image_src=image_src, measure_em=measure_em)
    style_dirs = _style_dirs(article, options)
    house_path = find_style("print.css", options.styles_dir, article.styles_dir)
    code_face = find_code_face()
    base_css = base_stylesheet(book, geometry, m.lang, code_face)
    if m.fpage is not None:  # an offprint from an edition: its pages keep the edition's numbers
        base_css += f"@page :first {{ counter-reset: page {m.fpage}; }}\n"
    house_css = house_path.read_text(encoding="utf-8")
    if article.references:
        base_css += CITATIONS_CSS

    policy = Policy(article.source_dir, extra_dirs=style_dirs, allow_remote=options.allow_remote)
    fetcher = RestrictedFetcher(policy, font_dirs=book.dirs | (code_face.dirs if code_face else frozenset()))
    document_id = f"uuid:{identity_uuid(article)}"  # the EPUB's identifier comes from the same key
    instance_id = instance_uuid(
        document_id, doc.html.encode(), base_css.encode(), house_css.encode(),
        (options.pdf_variant or "").encode(), weasyprint.__version__.encode(), __version__.encode(),
    )
    labels = link_labels(article)
    packet = _xmp(article, doc, created, _conformance(variant), document_id, instance_id)

    def finish(_document: object, pdf: object) -> None:
        if variant is not None:
            complete_tagging(pdf, labels, {tex.strip() for _display, tex in article.formulas})
        _install_xmp(pdf, packet)
        if "Outlines" in pdf.catalog:  # type: ignore[attr-defined]
            pdf.catalog["PageMode"] = "/UseOutlines"  # type: ignore[attr-defined]

    faces = book.css() + (code_face.css() if code_face else "")
    with _weasyprint_problems() as records, _fixed_clock(moment):
        font_config, faces_sheet = shared_faces(faces, book.dirs | (code_face.dirs if code_face else frozenset()))
        html = weasyprint.HTML(string=doc.html, base_url=_dir_url(article.source_dir), url_fetcher=fetcher)
        stylesheets = [
            faces_sheet,
            weasyprint.CSS(string=base_css.removeprefix(faces), base_url=_dir_url(article.source_dir),
                           url_fetcher=fetcher, font_config=font_config),
            weasyprint.CSS(string=house_css, base_url=_dir_url(house_path.parent), url_fetcher=fetcher,
                           font_config=font_config),
        ]
        render_options = {
            "stylesheets": stylesheets,
            "pdf_variant": variant,
            "pdf_identifier": hashlib.md5(document_id.encode(), usedforsecurity=False).hexdigest().encode(),
            "pdf_tags": variant is not None,
            "optimize_images": False,
        }

        document, _set = render(html, font_config, **render_options)
        pages = reference_pages(document)
        if shares_a_page(article, pages):
            # The notes follow every reference, so listing each page once cannot move a reference.
            again = print_document(article, created=created, image_src=image_src, ref_pages=pages,
                                   measure_em=measure_em)
            document, _set = render(weasyprint.HTML(string=again.html, base_url=_dir_url(article.source_dir),
                                                    url_fetcher=fetcher), font_config, **render_options)
        # The book face's instances made by HarfBuzz as it subsets; glyphs placed where the layout put them.
        with pinned_instances(), exact_adjustments():
            data = document.write_pdf(finisher=finish, **render_options)
    _raise_problems(article, records, fetcher, options.pdf_variant)
    return data



__all__ = ["VARIANTS", "PdfVariantError", "base_stylesheet", "build_time", "reference_pages", "shared_faces",
           "shares_a_page", "to_pdf"]
