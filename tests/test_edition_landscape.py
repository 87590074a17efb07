"""A landscape table inside an edition: the pages after it are the article's pages again.

The book names each article's pages ``article`` (its opening page, the first
of that page group, has no running heads) and a table too wide for the text
block goes on a page of its own named ``wide``.  Leaving the landscape page
must not open the article again: the upright page after it keeps the article's
running head and folio, its text set as before, and only the next article's
opening page drops the heads.  The book is ``tests/fixtures/landscape/rainfall-stations.md``
followed by ``tests/fixtures/pdf/harbour-pilots.md``.
"""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest

import articlekit
from articlekit.model.edition import ArticlePages, Edition, EditionArticle, EditionSection
from articlekit.writers.pdf.edition import edition_to_pdf, running_head
from articlekit.writers.pdf.page import page_geometry, parse_page_size
from conftest import FIXTURES

SOURCES = [FIXTURES / "landscape" / "rainfall-stations.md", FIXTURES / "pdf" / "harbour-pilots.md"]
#: The book's page geometry (A4, the default): running heads and folios stand in its top and bottom margins.
GEOMETRY = page_geometry(parse_page_size("a4"))


def _edition() -> Edition:
    articles = [articlekit.load(source) for source in SOURCES]
    return Edition(path=FIXTURES / "landscape" / "weather-and-water.yaml", title="Weather and water",
                   date=dt.date(2023, 9, 1),
                   sections=(EditionSection(None, tuple(EditionArticle(s.stem, a) for s, a in
                                                        zip(SOURCES, articles, strict=True))),))


class Page:
    """What a reader sees on one page: its orientation, its head line, its folio, its text."""

    def __init__(self, page: pdfplumber.page.Page) -> None:
        words = page.extract_words()
        self.landscape = page.width > page.height
        top, bottom = (GEOMETRY.wide_top, GEOMETRY.wide_bottom) if self.landscape else (GEOMETRY.top, GEOMETRY.bottom)
        self.head = " ".join(w["text"] for w in words if w["bottom"] < top)
        self.foot = " ".join(w["text"] for w in words if w["top"] > page.height - bottom)
        self.text = " ".join(w["text"] for w in words)
        body = [c for c in page.chars if top < c["top"] < page.height - bottom and c["text"].strip()]
        self.body_fonts = {c["fontname"].split("+")[-1] for c in body}


@pytest.fixture(scope="module")
def book() -> tuple[Edition, list[Page], list[ArticlePages]]:
    edition = _edition()
    data, ranges = edition_to_pdf(edition)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return edition, [Page(p) for p in pdf.pages], ranges


def test_the_page_after_a_landscape_table_keeps_the_articles_heads(
        book: tuple[Edition, list[Page], list[ArticlePages]]) -> None:
    edition, pages, ranges = book
    rain = ranges[0]
    turned = [n for n, page in enumerate(pages, start=1) if page.landscape]
    assert len(turned) == 1 and rain.first < turned[0] < rain.last, (turned, rain)
    after = pages[turned[0]]  # the page numbered turned + 1
    assert not after.landscape
    assert "shows" in after.text  # the text after the table, back on upright pages
    number = turned[0] + 1
    assert after.foot == str(number), after.foot
    # A recto carries the article's head, a verso the edition's, as on every other page of the article.
    head = running_head(edition.articles[0].article) if number % 2 else edition.title
    assert " ".join(after.head.split()) == " ".join(head.split()), (after.head, head)
    # Set as the article's other pages are: the same faces for its text.
    assert after.body_fonts <= pages[rain.first - 1].body_fonts | pages[turned[0] - 1].body_fonts


def test_only_an_articles_opening_page_drops_its_heads(
        book: tuple[Edition, list[Page], list[ArticlePages]]) -> None:
    _edition, pages, ranges = book
    for placed in ranges:
        assert pages[placed.first - 1].head == "", placed
        upright = [n for n in range(placed.first + 1, placed.last + 1) if not pages[n - 1].landscape]
        assert all(pages[n - 1].head for n in upright), [(n, pages[n - 1].head) for n in upright]
