"""Offprints come from the edition's own print run: each is its article's pages of the laid-out book.

The sample edition (``editions/2018-q2.yaml``) is printed once with its
offprints; each offprint is read back and compared with the book: the same
number of pages as the article's range, the same text page by page, the
article's own title, authors and identifier, an outline and links of its own
pages only, PDF/UA, the same bytes on a rebuild, and no layout beyond the book's.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pikepdf
import pypdf
import pytest
import weasyprint
import weasyprint.document
from weasyprint.text.fonts import FontConfiguration

from articlekit.editions.loader import load_edition
from articlekit.model.edition import Edition, with_pages
from articlekit.writers.pdf import press
from articlekit.writers.pdf.edition import EditionPrint, edition_to_pdf, print_edition
from articlekit.writers.pdf.offprints import offprint
from articlekit.writers.pdf.structure import complete_tagging
from articlekit.writers.pdf.writer import document_id_of
from seed import ROOT
from validators import require
from validators_pdf import pdfua_check

SAMPLE_EDITION = ROOT / "editions" / "2018-q2.yaml"


@contextmanager
def counted_layouts() -> Iterator[list[int]]:
    """Count WeasyPrint's layouts (``layout_document`` calls), as ``benchmarks/bench_compose.py`` does."""
    count = [0]
    original = press.layout_document
    original_weasyprint = weasyprint.document.layout_document

    def layout_document(*args: object) -> object:
        count[0] += 1
        return original(*args)

    press.layout_document = weasyprint.document.layout_document = layout_document
    try:
        yield count
    finally:
        press.layout_document, weasyprint.document.layout_document = original, original_weasyprint


@pytest.fixture(scope="module")
def edition() -> Edition:
    return load_edition(SAMPLE_EDITION)


@pytest.fixture(scope="module")
def printed(edition: Edition, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EditionPrint, int]:
    """The book and its offprints written into one folder, and the layouts they took."""
    with counted_layouts() as layouts:
        made = print_edition(edition, offprints=True)
    out = tmp_path_factory.mktemp("offprints")
    (out / "2018-q2.pdf").write_bytes(made.pdf)
    for slug, data in made.offprints.items():
        (out / f"{slug}.pdf").write_bytes(data)
    return out, made, layouts[0]


def pages_text(pdf: Path) -> list[str]:
    """The text of each page, as pdftotext reads it, its whitespace made single spaces."""
    require("pdftotext (Debian: poppler-utils)", subprocess.run(["which", "pdftotext"], capture_output=True).stdout)
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in out.split("\f")[:-1]]


def test_every_article_has_an_offprint_of_its_pages(printed: tuple[Path, EditionPrint, int]) -> None:
    out, made, _ = printed
    assert list(made.offprints) == [p.slug for p in made.pages]
    book = pages_text(out / "2018-q2.pdf")
    for placed in made.pages:
        own = pages_text(out / f"{placed.slug}.pdf")
        assert len(own) == placed.last - placed.first + 1, placed
        # Page for page the book's text: its lines, running heads and folios.
        assert own == book[placed.first - 1:placed.last], placed


def test_an_offprint_is_described_as_its_article(edition: Edition, printed: tuple[Path, EditionPrint, int]) -> None:
    out, made, _ = printed
    for item, placed in zip(edition.articles, made.pages, strict=True):
        m = item.article.metadata
        title = m.title_text + (f": {m.subtitle_text}" if m.subtitle_text else "")
        with pikepdf.open(out / f"{placed.slug}.pdf") as pdf:
            meta = pdf.open_metadata()
            assert meta["dc:title"] == title
            assert meta["dc:creator"] == [p.name for p in m.authors]
            if m.keywords:
                assert meta["pdf:Keywords"] == ", ".join(m.keywords)
            # The same identifier as the article's own PDF, placed in the edition.
            assert meta["xmpMM:DocumentID"] == document_id_of(with_pages(item.article, edition, placed))
            assert meta["xmpMM:InstanceID"] != meta["xmpMM:DocumentID"]
            assert str(pdf.docinfo["/Title"]) == title
            assert str(pdf.docinfo["/Author"]) == ", ".join(p.name for p in m.authors)
            assert str(pdf.Root.Lang) == m.lang
            assert meta["pdfuaid:part"] == "1"
    ids = {pikepdf.open(out / f"{p.slug}.pdf").trailer.ID[0] for p in made.pages}
    assert len(ids) == len(made.pages)


def test_an_offprint_holds_its_own_outline_and_links(edition: Edition,
                                                      printed: tuple[Path, EditionPrint, int]) -> None:
    out, made, _ = printed
    for item, placed in zip(edition.articles, made.pages, strict=True):
        reader = pypdf.PdfReader(out / f"{placed.slug}.pdf")
        # The article's title first (not the part title printed over it), its sections under it.
        top = [entry for entry in reader.outline if not isinstance(entry, list)]
        assert [entry.title for entry in top] == [item.article.metadata.title_text]
        assert isinstance(reader.outline[1], list) and reader.outline[1]
        names = set(reader.named_destinations)
        assert names and all(n.startswith(f"a{made.pages.index(placed) + 1}") for n in names), names
        internal = [str(annot.get_object()["/Dest"]) for page in reader.pages for annot in page.get("/Annots") or []
                    if annot.get_object().get("/Dest") is not None]
        assert internal and set(internal) <= names


def test_the_offprints_take_no_layout_of_their_own(edition: Edition, printed: tuple[Path, EditionPrint, int]) -> None:
    _, made, layouts = printed
    with counted_layouts() as alone:
        book, pages = edition_to_pdf(edition)
    assert layouts == alone[0] <= 2
    # Nor do they change the book.
    assert (book, pages) == (made.pdf, made.pages)


def test_rebuilding_gives_the_same_offprints(edition: Edition, printed: tuple[Path, EditionPrint, int]) -> None:
    _, made, _ = printed
    again = print_edition(edition, offprints=True)
    assert again == made


@pytest.mark.slow
def test_each_offprint_is_tagged_and_passes_pdfua(printed: tuple[Path, EditionPrint, int]) -> None:
    out, made, _ = printed
    for placed in made.pages:
        path = out / f"{placed.slug}.pdf"
        with pikepdf.open(path) as pdf:
            assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
            assert str(pdf.Root.PageMode) == "/UseOutlines"
        result = pdfua_check(path)
        assert not result.problems, f"{placed.slug}:\n{result.report()}"


def test_links_that_leave_the_offprints_pages_are_dropped(tmp_path: Path) -> None:
    """A link to a place on another page is left out, its annotation from the whole document's PDF too."""
    html = weasyprint.HTML(string=(
        '<html lang="en"><head><title>Two pages</title></head><body>'
        '<p id="one"><a href="#two">To page two</a> and <a href="#one">to page one</a>.</p>'
        '<p id="two" style="break-before: page">Page two, <a href="#one">back</a>.</p></body></html>'))
    document, _ = press.render(html, FontConfiguration(), pdf_variant="pdf/ua-1")
    options = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}

    def finish(_document: object, pdf: object) -> None:
        complete_tagging(pdf, {}, set())

    whole = tmp_path / "whole.pdf"
    whole.write_bytes(document.write_pdf(finisher=finish, **options))
    assert {dest for _, dest in _links(whole)} == {"one", "two"}
    problems: list[str] = []
    with press.weasyprint_problems() as records:
        part = offprint(document, 1, 1, document.metadata)
        path = tmp_path / "first.pdf"
        path.write_bytes(part.write_pdf(finisher=finish, **options))
        problems = [r.getMessage() for r in records]
    assert not problems
    assert list(_links(path)) == [(1, "one")]
    with pikepdf.open(path) as pdf:
        # Each annotation tagged once, and nothing else: not the dropped link's, from the whole document's PDF.
        annotations = [a.objgen for page in pdf.pages for a in page.get("/Annots", [])]
        tagged = [node.Obj.objgen for node in _objrs(pdf.Root.StructTreeRoot)]
        assert tagged == annotations
    assert not pdfua_check(path).problems


def _links(path: Path) -> Iterator[tuple[int, str]]:
    reader = pypdf.PdfReader(path)
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            if (dest := annot.get_object().get("/Dest")) is not None:
                yield number, str(dest)


def _objrs(node: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Every object reference (``/OBJR``) under a structure element."""
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            if kid.get("/Type") == "/OBJR":
                yield kid
            else:
                yield from _objrs(kid)

