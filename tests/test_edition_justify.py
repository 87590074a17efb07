"""An edition's print book sets its articles' justified paragraphs as the article PDFs do.

Two articles (``tests/fixtures/pdf/river-ferries.md`` and ``harbour-pilots.md``)
are built on their own and as one book (``tests/fixtures/pdf/water-and-work.yaml``,
with a foreword).  The composer sets every justified paragraph of both in the
same measure, so the book's article pages have the same lines as the articles'
own PDFs, the foreword's paragraphs are set too, and the pages each article is
said to take are those of the one layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

import articlekit
from articlekit.editions.loader import load_edition
from articlekit.model.edition import ArticlePages
from articlekit.writers.pdf.edition import edition_to_pdf
from conftest import FIXTURES
from tools.pdf_lines import pdf_lines
from tools.word_gaps import gaps, justified_lines

SOURCES = [FIXTURES / "pdf" / "river-ferries.md", FIXTURES / "pdf" / "harbour-pilots.md"]
EDITION = FIXTURES / "pdf" / "water-and-work.yaml"

#: Widest space of a justified line, as a multiple of the normal space.
MAX_SPACE = 2.0


class Built:
    """The articles' own PDFs and the book."""

    def __init__(self, tmp: Path) -> None:
        self.edition = load_edition(EDITION, sources_dir=EDITION.parent)
        articles = [item.article for item in self.edition.articles]
        assert [item.slug for item in self.edition.articles] == [source.stem for source in SOURCES]
        self.own: list[Path] = []
        for source, article in zip(SOURCES, articles, strict=True):
            self.own.append(tmp / f"{source.stem}.pdf")
            self.own[-1].write_bytes(articlekit.to_pdf(article))
        data, self.pages = edition_to_pdf(self.edition)
        self.book = tmp / "water-and-work.pdf"
        self.book.write_bytes(data)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    yield Built(tmp_path_factory.mktemp("edition-justify"))


def _body_lines(pdf: Path, pages: tuple[int, int] | None = None) -> list[str]:
    """The text of the justified lines of ``pdf`` (pages ``first``–``last``), in order."""
    return [line.text for line in justified_lines(list(pdf_lines(pdf, pages)))]


def test_the_books_articles_have_the_lines_of_their_own_pdfs(built: Built) -> None:
    for own, pages in zip(built.own, built.pages, strict=True):
        in_book = set(_body_lines(built.book, (pages.first, pages.last)))
        in_own = _body_lines(own)
        assert in_own, f"{own.name}: no justified line"
        missing = [line for line in in_own if line not in in_book]
        assert len(missing) <= len(in_own) // 20, f"{own.name}: lines set otherwise in the book: {missing[:3]}"


def test_the_books_justified_lines_are_even(built: Built) -> None:
    worst = max(gaps(built.book, (built.pages[0].first, built.pages[-1].last)), key=lambda g: g.ratio)
    assert worst.ratio <= MAX_SPACE, f"{worst.ratio:.2f} x the normal space on p.{worst.page}: {worst.line}"


def test_the_foreword_is_set_by_the_composer(built: Built) -> None:
    reader = pypdf.PdfReader(built.book)
    named = {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}
    first = named["foreword-1"]
    found = gaps(built.book, (first, built.pages[0].first - 1))
    assert found, "the foreword has justified lines"
    assert max(g.ratio for g in found) <= MAX_SPACE


def test_the_pages_given_back_are_those_of_the_final_layout(built: Built) -> None:
    reader = pypdf.PdfReader(built.book)
    named = {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}
    found = [ArticlePages(item.slug, named[f"a{i}"], named[f"a{i}-end"])
             for i, item in enumerate(built.edition.articles, start=1)]
    assert built.pages == found
    assert built.pages[1].first > built.pages[0].last
