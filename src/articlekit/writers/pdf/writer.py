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

import dataclasses
import datetime as dt
import functools
from pathlib import Path

import weasyprint

from ..._version import __version__
from ...errors import ArticlekitError
from ...fonts import BookFaceNotInstalledError, find_book_face, find_code_face
from ...labels import labels_for
from ...model import Article
from ...options import WriteOptions
from ...read.citations import CSS as CITATIONS_CSS
from ...read.safety import Policy
from ...render.html_body import ref_letter as _letter
from ...render.identity import identity_uuid
from ...styles import default_styles_dir, find_style
from ...tree import iter_blocks, stringify
from ..moment import reproducible_moment
from .document import PrintDocument, print_document, text_setting
from .page import base_stylesheet, page_geometry, parse_page_size
from .press import PressJob, Stylesheet, cell_faces, press_pdf, reference_pages
from .xmp import XmpData, instance_uuid, xmp_packet

#: ``--pdf-variant`` values and the WeasyPrint variant each maps to.
VARIANTS: dict[str, str | None] = {"pdf/ua-1": "pdf/ua-1", "pdf/a-3a": "pdf/a-3a", "plain": None}

_NOTDEF = ".notdef glyph rendered"


class PdfVariantError(ArticlekitError):
    """An unknown ``--pdf-variant``."""


def variant_of(name: str) -> str | None:
    try:
        return VARIANTS[name]
    except KeyError:
        raise PdfVariantError(f"unknown PDF variant {name!r}: choose from {', '.join(VARIANTS)}") from None


def build_time(article: Article) -> dt.datetime:
    """The timestamp stamped into the PDF: ``SOURCE_DATE_EPOCH`` if set, else the article's date at 00:00 UTC."""
    return reproducible_moment(article.metadata.date)


def w3c_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _style_dirs(article: Article, options: WriteOptions) -> tuple[Path, ...]:
    dirs = [d for d in (options.styles_dir, article.styles_dir) if d is not None]
    dirs.append(default_styles_dir())
    return tuple(dict.fromkeys(d.resolve() for d in dirs))


def document_id_of(article: Article) -> str:
    """The article PDF's document id (the EPUB's identifier comes from the same key): never random."""
    return f"uuid:{identity_uuid(article)}"


def article_xmp(article: Article, doc: PrintDocument, created: str, conformance: dict[str, str],
                document_id: str, instance_id: str) -> bytes:
    """The XMP packet of the article's own PDF (or of its offprint from an edition)."""
    m = article.metadata
    return xmp_packet(XmpData(
        title=doc.title,
        authors=tuple(p.name for p in m.authors),
        # dc:contributor: everyone who contributed besides the authors (editors, reviewers, translators).
        editors=tuple(p.name for _role, p in m.contributors),
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


def conformance_of(variant: str | None) -> dict[str, str]:
    if variant == "pdf/ua-1":
        return {"pdfuaid:part": "1"}
    if variant == "pdf/a-3a":
        # Tagged and finished exactly as pdf/ua-1, so the archival file claims PDF/UA-1 too.
        return {"pdfaid:part": "3", "pdfaid:conformance": "A", "pdfuaid:part": "1"}
    return {}


def shares_a_page(article: Article, pages: dict[str, int]) -> bool:
    """Whether some note has two references on one page (so its back-links would repeat a page)."""
    for note in article.notes:
        on = [pages.get(ref) for ref in note.ref_ids]
        if len(on) != len(set(on)):
            return True
    return False


def page_labels(*articles: Article) -> dict[str, str]:
    """The plural page label of the articles' back-links and its singular ("pp." → "p."), where one is one."""
    pairs: dict[str, set[str]] = {}
    for article in articles:
        words = labels_for(article)
        pairs.setdefault(words["pages"], set()).add(words["page"])
    return {plural: next(iter(singular)) for plural, singular in pairs.items() if len(singular) == 1}


def to_pdf(article: Article, options: WriteOptions | None = None) -> bytes:
    """The article as PDF bytes; raises :class:`ArticlekitError` for a bad option or an unprintable text."""
    options = options or WriteOptions()
    variant = variant_of(options.pdf_variant)
    geometry = page_geometry(parse_page_size(options.page_size))
    try:
        book = find_book_face()
    except BookFaceNotInstalledError as e:
        raise ArticlekitError(str(e)) from None
    m = article.metadata
    moment = build_time(article)
    created = w3c_time(moment)
    image_src = m.image.src if m.image and m.image.src else None
    measure_em = geometry.measure / geometry.font_size
    wide_em = geometry.wide_measure / geometry.font_size
    house_path = find_style("print.css", options.styles_dir, article.styles_dir)
    code_face = find_code_face()
    base_css = base_stylesheet(book, geometry, m.lang, code_face)
    if m.fpage is not None:  # an article placed in an edition, printed on its own: the edition's numbers
        base_css += f"@page :first {{ counter-reset: page {m.fpage}; }}\n"
    house_css = house_path.read_text(encoding="utf-8")
    if article.references:
        base_css += CITATIONS_CSS
    document_id = document_id_of(article)
    job = PressJob(
        path=article.path, source_dir=article.source_dir, moment=moment,
        policy=Policy(article.source_dir, extra_dirs=_style_dirs(article, options), allow_remote=options.allow_remote),
        book=book, code_face=code_face, base_css=base_css, sheets=(Stylesheet(house_css, house_path.parent),),
        variant=variant, variant_name=options.pdf_variant, document_id=document_id, packet=b"",
        labels=link_labels(article), formulas=frozenset(tex.strip() for _display, tex in article.formulas),
        ignored=article.ignored_warnings, portable=True, page_labels=page_labels(article),
    )
    # The tables' columns are measured in the faces these stylesheets give their cells, at this trim's type size.
    faces = functools.partial(cell_faces, job, m.lang, text_setting(m.lang))
    doc = print_document(article, created=created, image_src=image_src, measure_em=measure_em, wide_em=wide_em,
                         faces=faces)
    instance_id = instance_uuid(
        document_id, doc.html.encode(), base_css.encode(), house_css.encode(),
        (options.pdf_variant or "").encode(), weasyprint.__version__.encode(), __version__.encode(),
    )
    job = dataclasses.replace(job, packet=article_xmp(article, doc, created, conformance_of(variant), document_id,
                                                      instance_id))

    def html(ref_pages: dict[str, int] | None) -> str:
        if ref_pages is None:
            return doc.html
        # The notes follow every reference, so listing each page once cannot move a reference.
        return print_document(article, created=created, image_src=image_src, ref_pages=ref_pages,
                              measure_em=measure_em, wide_em=wide_em, faces=faces).html

    data, _pages = press_pdf(job, html, lambda pages: pages if shares_a_page(article, pages) else None)
    return data


__all__ = ["VARIANTS", "PdfVariantError", "article_xmp", "base_stylesheet", "build_time", "conformance_of",
           "document_id_of", "link_labels", "page_labels", "reference_pages", "shares_a_page", "to_pdf", "variant_of",
           "w3c_time"]
