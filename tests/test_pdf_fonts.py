"""The book face's static instances, made by HarfBuzz as it subsets: the same glyphs WeasyPrint made.

And the faces are loaded once per thread, in one font configuration, not once per article.

WeasyPrint makes each weight and size of a variable font static with fontTools'
instancer after subsetting it; :mod:`articlekit.writers.pdf.instances` has
HarfBuzz pin the axes in the subsetting call instead.  The embedded fonts must
be the same fonts: the same subsets, the same outlines point for point, the
same advances and widths, and static (no variation tables left).
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import weasyprint
from fontTools.ttLib import TTFont
from weasyprint.text.fonts import FontConfiguration

import articlekit
from articlekit.fonts import find_book_face
from articlekit.writers.pdf import instances, press
from seed import SAMPLE

FERRIES = Path(__file__).resolve().parent / "fixtures" / "pdf" / "river-ferries.md"
#: Tables only a variable font has.
VARIATION_TABLES = {"fvar", "gvar", "avar", "cvar", "HVAR", "VVAR", "MVAR"}


def embedded(data: bytes) -> dict[str, tuple[TTFont, str]]:
    """Each embedded font of a PDF by its name, with its /W widths as written."""
    fonts: dict[str, tuple[TTFont, str]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                cid = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                program = cid.FontDescriptor.get("/FontFile2") or cid.FontDescriptor.get("/FontFile3")
                fonts[str(cid.BaseFont)] = (TTFont(io.BytesIO(program.read_bytes())), str(cid.get("/W")))
    return fonts


def outline(font: TTFont, index: int) -> tuple[Any, ...]:
    name = font.getGlyphOrder()[index]
    glyph = font["glyf"][name]
    points = tuple(glyph.getCoordinates(font["glyf"])[0]) if glyph.numberOfContours else ()
    return points, font["hmtx"][name][0]


@pytest.fixture(scope="module")
def builds() -> tuple[bytes, bytes, bytes]:
    """The fixture's PDF three times: pinned by HarfBuzz twice, then made static by WeasyPrint's own way."""
    assert instances.AVAILABLE, "this HarfBuzz cannot pin axes while subsetting (6.0 or newer needed)"
    article = articlekit.load(FERRIES)
    first, second = articlekit.to_pdf(article), articlekit.to_pdf(article)
    instances.AVAILABLE = False
    try:
        weasyprint_way = articlekit.to_pdf(article)
    finally:
        instances.AVAILABLE = True
    return first, second, weasyprint_way


def test_the_instances_are_the_fonts_weasyprint_made(builds: tuple[bytes, bytes, bytes]) -> None:
    pinned, _, weasyprint_way = builds
    ours, theirs = embedded(pinned), embedded(weasyprint_way)
    assert ours.keys() == theirs.keys()
    book = [name for name in ours if "Source-Serif-4" in name]
    assert len(book) >= 4, "the fixture sets the book face in several weights and sizes"
    for name in book:
        (font, widths), (reference, reference_widths) = ours[name], theirs[name]
        assert widths == reference_widths, name
        assert len(font.getGlyphOrder()) == len(reference.getGlyphOrder()), name
        for index in range(len(reference.getGlyphOrder())):
            assert outline(font, index) == outline(reference, index), (name, index)
        assert not VARIATION_TABLES & set(font.keys()), f"{name} is still variable"
        # The vertical metrics a reader lays lines with.  The maxima fontTools recomputes for the glyphs kept
        # (head's bounding box, hhea's widest advance and extents) stay the whole face's, as HarfBuzz keeps
        # them in every static font WeasyPrint subsets; the PDF's own /FontBBox is computed apart.
        for table, fields in (("hhea", ("ascent", "descent", "lineGap")),
                              ("OS/2", ("usWeightClass", "sTypoAscender", "sTypoDescender", "sxHeight",
                                        "sCapHeight", "usWinAscent", "usWinDescent"))):
            for field in fields:
                assert getattr(font[table], field) == getattr(reference[table], field), (name, table, field)


def test_the_pinned_build_is_reproducible(builds: tuple[bytes, bytes, bytes]) -> None:
    first, second, _ = builds
    assert first == second


def test_other_weasyprint_documents_are_left_to_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside articlekit's own PDFs, WeasyPrint instantiates as it always has."""
    calls: list[object] = []
    monkeypatch.setattr(instances, "pinned_subset", lambda *args: calls.append(args))
    regular = next(f for f in find_book_face().faces if f.weight == 400 and f.style == "normal")
    html = (f'<style>@font-face {{ font-family: Book; src: url("{regular.path.as_uri()}") }}'
            "body { font-family: Book }</style><p>A crossing of the river.</p>")
    data = weasyprint.HTML(string=html).write_pdf()
    assert calls == []
    assert any("fvar" not in font for font, _ in embedded(data).values())
    with instances.pinned_instances():
        weasyprint.HTML(string=html).write_pdf()
    assert len(calls) == 1


def test_one_font_configuration_serves_every_article_of_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """fontconfig's configuration is loaded once per thread, not per article (it was memory never given back)."""
    made: list[object] = []

    class Counted(FontConfiguration):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr(press, "FontConfiguration", Counted)
    monkeypatch.setattr(press, "_SHARED", threading.local())
    ferries, first = articlekit.load(FERRIES), articlekit.load(SAMPLE)
    once = articlekit.to_pdf(ferries)
    articlekit.to_pdf(first)
    assert articlekit.to_pdf(ferries) == once
    assert len(made) == 1
    elsewhere = threading.Thread(target=articlekit.to_pdf, args=(first,))
    elsewhere.start()
    elsewhere.join()
    assert len(made) == 2  # another thread, its own
