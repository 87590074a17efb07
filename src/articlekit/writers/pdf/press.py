"""One WeasyPrint layout, with the composer's lines: the print run both print writers share.

:func:`render` is WeasyPrint's own ``HTML.render`` (``Document._render``) with
one step between building the box tree and laying it out: the composer sets
the justified paragraphs (:func:`.paragraphs.compose_boxes`).  The style
cascade and the box tree are made once, and the document is laid out once.

:func:`print_run` is the article PDF's and the edition book's whole run: one
layout, and more only where the first showed it is needed.  A note whose
back-references would list a page twice has the document made again from its
HTML and laid out a second time.  A line ending in a hyphen at the foot of a
right-hand page has its paragraph set again, barred from the hyphen there and
keeping its number of lines, in the laid-out box tree, and only the pages it
changes are made again (:mod:`.pagination`): the pages a second layout
would make, at the cost of a few.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pydyf
import weasyprint
from weasyprint.css.counters import CounterStyle
from weasyprint.document import Document, Page
from weasyprint.formatting_structure.build import build_formatting_structure
from weasyprint.html import get_html_metadata
from weasyprint.layout import layout_document
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.text.fonts import FontConfiguration

from ...errors import ArticleError, ArticleWarning, found
from ...fonts import BookFace, find_book_face, find_code_face
from ...read.glyphs import describe_missing
from ...read.safety import Policy
from ...styles import default_styles_dir
from . import pagination
from .backlinks import list_pages_once
from .fetcher import SOURCE_ROOT, RestrictedFetcher
from .instances import pinned_instances
from .measure import CellFaces, probe_html, read_faces
from .page import base_stylesheet, page_geometry, parse_page_size
from .paragraphs import ComposeReport, Constraint, compose_boxes, recto_foot_hyphens, set_again
from .spacing import exact_adjustments
from .structure import complete_tagging
from .tables import TOKEN_CLASS

_NOTDEF = ".notdef glyph rendered"


@dataclass
class Layout:
    """A document built, its paragraphs set and its pages made, but not finished (see :mod:`.pagination`)."""

    html: weasyprint.HTML
    font_config: FontConfiguration
    options: dict[str, Any]
    profiles: dict[str, Any]
    context: Any
    root_box: Any
    report: ComposeReport
    footnotes: list[Any]
    pages: list[Any]  #: the page boxes, not finished
    remade: int = 0  #: pages made again after the first pass


def _build(html: weasyprint.HTML, font_config: FontConfiguration, constraints: Mapping[int, Constraint] | None,
           options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any], Any, Any, ComposeReport]:
    """WeasyPrint's options, colour profiles, layout context and box tree for ``html``, its paragraphs set."""
    merged = dict(weasyprint.DEFAULT_OPTIONS)
    merged.update(options)
    counter_style, profiles = CounterStyle(), {}
    if variant := merged["pdf_variant"]:
        _, properties = weasyprint.pdf.VARIANTS[variant]
        for key, value in tuple(merged.items()):
            if value is None and key in properties:
                merged[key] = properties[key]
    context = Document._build_layout_context(html, font_config, counter_style, profiles, merged)
    root_box = build_formatting_structure(
        html.etree_element, context.style_for, context.get_image_from_uri, html.base_url,
        context.target_collector, counter_style, context.footnotes)
    report = compose_boxes(root_box, html, context, constraints=constraints)
    return merged, profiles, context, root_box, report


def _document(html: weasyprint.HTML, page_boxes: Iterable[Any], font_config: FontConfiguration,
              profiles: dict[str, Any], options: Mapping[str, Any]) -> weasyprint.Document:
    document = Document([Page(page_box) for page_box in page_boxes], DocumentMetadata(**get_html_metadata(html)),
                        html.url_fetcher, font_config, profiles, options["output_intent"])
    document._html = html
    return document


def render(html: weasyprint.HTML, font_config: FontConfiguration, constraints: Mapping[int, Constraint] | None = None,
           **options: Any) -> tuple[weasyprint.Document, ComposeReport]:
    """Lay ``html`` out once, its justified paragraphs set by the composer; the document and what was set.

    ``constraints`` are passed on to :func:`.paragraphs.compose_boxes`.
    """
    merged, profiles, context, root_box, report = _build(html, font_config, constraints, options)
    return _document(html, layout_document(html, root_box, context), font_config, profiles, merged), report


def lay_out(html: weasyprint.HTML, font_config: FontConfiguration, **options: Any) -> Layout:
    """Build ``html``, set its paragraphs and make its pages, leaving them unfinished (:mod:`.pagination`)."""
    merged, profiles, context, root_box, report = _build(html, font_config, None, options)
    footnotes = pagination.start(context, root_box)
    pages = pagination.paginate(html, root_box, context, footnotes)
    return Layout(html, font_config, merged, profiles, context, root_box, report, footnotes, pages)


def set_again_in_place(layout: Layout, constraints: Mapping[int, Constraint], edited: Iterable[Any] = ()) -> None:
    """Set the constrained paragraphs again in the laid-out box tree and make again only the pages that change.

    The pages holding a line of them, or of the ``edited`` elements (notes
    whose back-links were edited, :mod:`.backlinks`), are made again; the
    page maker then remakes each following page whose starting state (where
    it resumes, its counters, its side) came out different, and keeps the
    rest.  The pages are those a whole new layout of the document, set under
    the same constraints, would make.
    """
    elements = {element for element, paragraph in layout.report.set.items() if paragraph.number in constraints}
    changed = pagination.pages_holding(layout.pages, elements | set(edited))
    set_again(layout.report, constraints)
    pagination.mark_changed(layout.context, changed)
    before = list(layout.pages)
    layout.pages = pagination.paginate(layout.html, layout.root_box, layout.context, layout.footnotes, layout.pages)
    layout.remade += sum(1 for i, page in enumerate(layout.pages) if i >= len(before) or page is not before[i])


def finish(layout: Layout) -> weasyprint.Document:
    """The laid-out document, its pages finished (margin boxes, string sets, bookmarks)."""
    pages = pagination.finish(layout.context, layout.pages)
    return _document(layout.html, pages, layout.font_config, layout.profiles, layout.options)


def page_anchors(page_boxes: Iterable[Any]) -> dict[str, int]:
    """Each anchor of unfinished pages and the page (numbered from 1) it fell on, as :func:`reference_pages`."""
    pages: dict[str, int] = {}
    for number, page_box in enumerate(page_boxes, start=1):
        for box in page_box.descendants():
            if anchor := box.style["anchor"]:
                pages.setdefault(anchor, number)
    return pages


def reference_pages(document: weasyprint.Document) -> dict[str, int]:
    """Each anchor of a laid-out document and the page (numbered from 1) it fell on."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


Refs = TypeVar("Refs")


def print_run(html: Callable[[Refs | None], weasyprint.HTML], font_config: FontConfiguration,
              page_references: Callable[[dict[str, int]], Refs | None], *,
              page_labels: Mapping[str, str] | None = None,
              **options: Any) -> tuple[weasyprint.Document, ComposeReport]:
    """Lay a print document out, once or twice; the document, and what the composer set.

    ``html(None)`` is the document before any layout; ``page_references``
    reads the pages of the first layout and returns what the document needs
    to be made again with (``html(refs)``: the pages its notes list), or
    ``None`` if they need nothing.  With ``page_labels`` (each plural page
    label and its singular, "pp." → "p."), the notes' back-links are instead
    edited in the laid-out box tree (:mod:`.backlinks`) where they are as the
    print HTML writes them.  The paragraphs ending a right-hand page in a
    hyphen are set again with the second layout, or in place
    (:func:`set_again_in_place`).
    """
    if not pagination.SUPPORTED:  # pages not to be made in two steps: a second layout where one is needed
        document, report = render(html(None), font_config, **options)
        refs = page_references(reference_pages(document))
        constraints = recto_foot_hyphens([page._page_box for page in document.pages], report)
        if refs is None and not constraints:
            return document, report
        return render(html(refs), font_config, constraints=constraints, **options)
    layout = lay_out(html(None), font_config, **options)
    anchors = page_anchors(layout.pages)
    refs = page_references(anchors)
    constraints = recto_foot_hyphens(layout.pages, layout.report)
    edited: set[Any] | None = set()
    if refs is not None:
        edited = list_pages_once(layout.root_box, anchors, page_labels, layout.report.set) if page_labels else None
        if edited is None:
            return render(html(refs), font_config, constraints=constraints, **options)
    if constraints or edited:
        set_again_in_place(layout, constraints, edited)
    return finish(layout), layout.report


@contextmanager
def fixed_clock(moment: dt.datetime) -> Iterator[None]:
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


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def weasyprint_problems() -> Iterator[list[logging.LogRecord]]:
    """Collect WeasyPrint's warnings and errors while it renders."""
    handler = _Collect()
    weasyprint.LOGGER.addHandler(handler)
    try:
        yield handler.records
    finally:
        weasyprint.LOGGER.removeHandler(handler)


def raise_problems(path: Path, records: list[logging.LogRecord], fetcher: RestrictedFetcher,
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
        raise ArticleError(path, "PDF: " + "; ".join(dict.fromkeys(problems)))


def install_xmp(pdf: object, packet: bytes) -> None:
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


class _Watch:
    """A fetcher's stand-in that notes whether parsing a stylesheet asked it for anything."""

    def __init__(self, fetcher: RestrictedFetcher) -> None:
        self.fetcher = fetcher
        self.asked = False

    def __call__(self, url: str) -> Any:
        self.asked = True
        return self.fetcher(url)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fetcher, name)


#: Parsed stylesheets kept per thread, at most this many.
SHEETS_KEPT = 64


def shared_sheet(text: str, base_url: str, fetcher: RestrictedFetcher,
                 font_config: FontConfiguration) -> weasyprint.CSS:
    """``text`` parsed as a WeasyPrint stylesheet, once per thread when parsing it fetches nothing.

    Parsing a stylesheet (tinycss2, then WeasyPrint's checks of every
    declaration) cost tens of milliseconds per article for the same house
    sheet.  Parsing fetches only ``@import`` sheets and ``@font-face`` files, with
    the article's fetcher (its policy, and its record of what it refused); any
    other address in a sheet is only resolved against ``base_url`` and fetched
    at layout time by the document's own fetcher.  So a sheet whose parsing
    asked the fetcher for nothing is kept, by its text, base and font
    configuration, and one that did is parsed again for every article, its
    fetches made and refused under that article's policy.
    """
    cache: dict[tuple[str, str, int], weasyprint.CSS] = _SHARED.__dict__.setdefault("sheets", {})
    key = (text, base_url, id(font_config))
    if (sheet := cache.get(key)) is not None:
        return sheet
    watch = _Watch(fetcher)
    sheet = weasyprint.CSS(string=text, base_url=base_url, url_fetcher=watch, font_config=font_config)
    if not watch.asked:
        if len(cache) >= SHEETS_KEPT:
            del cache[next(iter(cache))]
        cache[key] = sheet
    return sheet


def _dir_url(path: Path) -> str:
    return path.resolve().as_uri() + "/"


@dataclass(frozen=True)
class Stylesheet:
    """A stylesheet's text, and the folder its relative addresses resolve from."""

    text: str
    folder: Path


@dataclass(frozen=True)
class PressJob:
    """Everything one print PDF needs besides its HTML: faces, stylesheets, policy, identity, XMP, tagging."""

    path: Path  #: named in the problems raised
    source_dir: Path  #: the HTML's base: pictures resolve from here
    moment: dt.datetime  #: stamped into the fonts WeasyPrint rewrites
    policy: Policy
    book: BookFace
    code_face: BookFace | None
    base_css: str  #: the faces, the page geometry and the font stack (:func:`.page.base_stylesheet`)
    sheets: tuple[Stylesheet, ...]  #: the house style and whatever follows it
    variant: str | None
    variant_name: str
    document_id: str
    packet: bytes  #: the XMP packet
    labels: Mapping[str, str] = field(default_factory=dict)  #: what each link target is, for tagging
    #: Each plural page label of the notes' back-links and its singular ("pp." → "p."): with them a note
    #: lists each page once by an edit of the laid-out boxes, not a second layout (:mod:`.backlinks`).
    page_labels: Mapping[str, str] = field(default_factory=dict)
    formulas: frozenset[str] = frozenset()  #: the TeX of every formula, for tagging
    outlines: bool = False  #: open the PDF on its outline whatever it holds
    ignored: frozenset[str] = frozenset()  #: warning codes the house silences
    #: Base the HTML on :data:`.fetcher.SOURCE_ROOT`, not the source's real folder (its pictures' names then
    #: do not depend on where it is built); an edition, drawing on several folders, keeps real ones.
    portable: bool = False


def _fetcher(job: PressJob) -> tuple[RestrictedFetcher, str]:
    """The job's URL fetcher, and the base address its HTML resolves from."""
    fonts = job.book.dirs | (job.code_face.dirs if job.code_face else frozenset())
    fetcher = RestrictedFetcher(job.policy, font_dirs=fonts, portable=job.portable)
    return fetcher, f"file://{SOURCE_ROOT}" if job.portable else _dir_url(job.source_dir)


def _stylesheets(job: PressJob, fetcher: RestrictedFetcher, base: str) -> tuple[FontConfiguration, list[Any]]:
    """The thread's font configuration, and the job's stylesheets in order: faces, base, house and the rest."""
    fonts = job.book.dirs | (job.code_face.dirs if job.code_face else frozenset())
    faces = job.book.css() + (job.code_face.css() if job.code_face else "")
    font_config, faces_sheet = shared_faces(faces, fonts)
    return font_config, [
        faces_sheet,
        shared_sheet(job.base_css.removeprefix(faces), base, fetcher, font_config),
        *(shared_sheet(sheet.text, _dir_url(sheet.folder), fetcher, font_config) for sheet in job.sheets),
    ]


def cell_faces(job: PressJob, lang: str, html_class: str) -> CellFaces:
    """What the job's table cells are set in: the styles its stylesheets compute for a probe (:mod:`.measure`).

    Only the cascade is run, over a document of two small tables: no layout.
    What WeasyPrint says of the stylesheets is said again when the document
    itself is made, so it is not collected here.  Kept per thread, by the
    stylesheets' text (the font configuration is the thread's).
    """
    key = (job.book.css(), job.code_face.css() if job.code_face else "", job.base_css,
           tuple(sheet.text for sheet in job.sheets), lang, html_class)
    cache: dict[Any, CellFaces] = _SHARED.__dict__.setdefault("cells", {})
    if key not in cache:
        fetcher, base = _fetcher(job)
        with weasyprint_problems():
            font_config, stylesheets = _stylesheets(job, fetcher, base)
            html = weasyprint.HTML(string=probe_html(lang, html_class, TOKEN_CLASS), base_url=base,
                                   url_fetcher=fetcher)
            options = {**weasyprint.DEFAULT_OPTIONS, "stylesheets": stylesheets}
            context = Document._build_layout_context(html, font_config, CounterStyle(), {}, options)
            if len(cache) > 64:
                cache.clear()
            cache[key] = read_faces(html, context.style_for)
    return cache[key]


def house_cell_faces(lang: str, html_class: str) -> CellFaces:
    """What table cells are set in by the house style alone (``print.css`` of the styles shipped, on A4).

    For a print HTML made without a job (the writers always give theirs): the
    widths are in ems of the body type, which the trim does not change.
    """
    book, code = find_book_face(), find_code_face()
    house = default_styles_dir() / "print.css"
    job = PressJob(
        path=house, source_dir=house.parent, moment=dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
        policy=Policy(house.parent), book=book, code_face=code,
        base_css=base_stylesheet(book, page_geometry(parse_page_size("a4")), lang, code),
        sheets=(Stylesheet(house.read_text(encoding="utf-8"), house.parent),),
        variant=None, variant_name="plain", document_id="", packet=b"")
    return cell_faces(job, lang, html_class)


#: A line whose widest space is wider than this (times the normal space) is reported as loose.
LOOSE = 2.0


def _report_loose(job: PressJob, report: ComposeReport) -> None:
    """Name each paragraph the composer could set no tighter than :data:`LOOSE`: reported, never hidden."""
    if "loose-line" in job.ignored:
        return
    for passes, widest, words in report.strained:
        if widest > LOOSE or passes > 2:
            what = "runs past the text block: a word in it is wider than a line" if passes > 2 else \
                f"holds spaces {widest:.1f} × the normal space, the least its words allow"
            found(ArticleWarning(job.path, None, None, "loose-line", f"PDF: a justified line of “{words}…” {what}"))


def finisher(job: PressJob) -> Callable[[object, object], None]:
    """What is done to ``job``'s PDF before it is written: tagging completed, its XMP, opened on its outline."""

    def finish(_document: object, pdf: object) -> None:
        if job.variant is not None:
            complete_tagging(pdf, dict(job.labels), set(job.formulas))
        install_xmp(pdf, job.packet)
        if job.outlines or "Outlines" in pdf.catalog:  # type: ignore[attr-defined]
            pdf.catalog["PageMode"] = "/UseOutlines"  # type: ignore[attr-defined]

    return finish


#: Writes laid-out pages as a job's PDF (see ``copies`` in :func:`press_pdf`).
Write = Callable[[PressJob, weasyprint.Document], bytes]


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a document is made, and run once after.

    Laying a document out and writing it allocate millions of objects that
    live until the PDF is written (the box tree, its styles, the pages).
    With the collector on, each full collection walked all of them again: a
    sixth of a long article's time.  Reference counting frees what it freed
    before; only the garbage in reference cycles waits, and one collection of
    the youngest generation (where everything made meanwhile still is) frees
    it once the document is dropped.  Only a pause that turned
    the collector off turns it back on: a thread that finds it off (another
    thread's pause, or the caller's choice) leaves it as it is.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
            gc.collect(0)


def press_pdf(job: PressJob, html: Callable[[Refs | None], str],
              page_references: Callable[[dict[str, int]], Refs | None],
              copies: Callable[[weasyprint.Document, Write], None] | None = None) -> tuple[bytes, dict[str, int]]:
    """The PDF of ``html`` (see :func:`print_run`), and the page each anchor of it fell on.

    The article PDF and the edition book both go through here: the same
    shared faces, the same restricted fetcher, the same print run, the same
    tagging, XMP and problems.  ``copies``, if given, is called once the PDF is
    written with the laid-out document and a function that writes pages of it
    (a :class:`weasyprint.Document` made of them) as another job's PDF, in the
    same run: no page is laid out again (an edition's offprints).  The
    collector is paused meanwhile (:func:`collection_paused`).
    """
    with collection_paused():
        return _press(job, html, page_references, copies)


def _press(job: PressJob, html: Callable[[Refs | None], str],
           page_references: Callable[[dict[str, int]], Refs | None],
           copies: Callable[[weasyprint.Document, Write], None] | None) -> tuple[bytes, dict[str, int]]:
    """:func:`press_pdf`'s work, in a frame of its own: the document is dropped when it returns."""
    fetcher, base = _fetcher(job)

    with weasyprint_problems() as records, fixed_clock(job.moment):
        font_config, stylesheets = _stylesheets(job, fetcher, base)
        render_options = {
            "stylesheets": stylesheets,
            "pdf_variant": job.variant,
            "pdf_identifier": hashlib.md5(job.document_id.encode(), usedforsecurity=False).hexdigest().encode(),
            "pdf_tags": job.variant is not None,
            "optimize_images": False,
        }

        def source(refs: Refs | None) -> weasyprint.HTML:
            return weasyprint.HTML(string=html(refs), base_url=base, url_fetcher=fetcher)

        document, composed = print_run(source, font_config, page_references, page_labels=job.page_labels,
                                       **render_options)
        _report_loose(job, composed)
        pages = reference_pages(document)

        def write(part: PressJob, laid_out: weasyprint.Document) -> bytes:
            identifier = hashlib.md5(part.document_id.encode(), usedforsecurity=False).hexdigest().encode()
            return laid_out.write_pdf(finisher=finisher(part), **{**render_options, "pdf_identifier": identifier})

        # The book face's instances made by HarfBuzz as it subsets; glyphs placed where the layout put them.
        with pinned_instances(), exact_adjustments():
            data = write(job, document)
            if copies is not None:
                copies(document, write)
    raise_problems(job.path, records, fetcher, job.variant_name)
    return data, pages


__all__ = ["PressJob", "Stylesheet", "Write", "cell_faces", "collection_paused", "finisher", "fixed_clock",
           "house_cell_faces", "install_xmp", "press_pdf", "print_run", "raise_problems", "reference_pages", "render",
           "shared_faces", "shared_sheet", "weasyprint_problems"]
