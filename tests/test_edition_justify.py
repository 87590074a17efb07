"""An edition's print book evens out loose justified lines as the article PDFs do.

Two articles (``tests/fixtures/pdf/river-ferries.md`` and ``harbour-pilots.md``,
whose paragraphs come out loose at the house style's first setting) are built on
their own and as one book (``tests/fixtures/pdf/water-and-work.yaml``, with a
foreword that comes out loose too).  The book's article pages have no more
spaces wider than twice the normal space than the two PDFs together, because
every paragraph is searched in the same settings, in its own measure, and gets
the same setting it gets in its own PDF; the foreword is evened out with them;
the pages each article is said to take are those of the final layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

import articlekit
from articlekit.editions.loader import load_edition
from articlekit.model.edition import ArticlePages
from articlekit.writers.pdf import writer
from articlekit.writers.pdf.document import print_document
from articlekit.writers.pdf.edition import edition_to_pdf
from articlekit.writers.pdf.justify import MAX_SPACE, Setting
from conftest import FIXTURES
from tools.word_gaps import gaps

SOURCES = [FIXTURES / "pdf" / "river-ferries.md", FIXTURES / "pdf" / "harbour-pilots.md"]
EDITION = FIXTURES / "pdf" / "water-and-work.yaml"


def loose(pdf: Path, pages: tuple[int, int] | None = None) -> int:
    """How many spaces of the justified lines of ``pdf`` (on ``pages``, first and last) are wider than MAX_SPACE."""
    return sum(gap.ratio > MAX_SPACE for gap in gaps(pdf, pages))


class Built:
    """The articles' own PDFs and the book, with the settings each search chose."""

    def __init__(self, tmp: Path) -> None:
        self.chosen: list[dict[int, Setting]] = []
        original = writer.even_out

        def spy(*args: object) -> dict[int, Setting]:
            found = original(*args)  # type: ignore[arg-type]
            self.chosen.append(found)
            return found

        self.edition = load_edition(EDITION, sources_dir=EDITION.parent)
        articles = [item.article for item in self.edition.articles]
        assert [item.slug for item in self.edition.articles] == [source.stem for source in SOURCES]
        with pytest.MonkeyPatch.context() as m:
            m.setattr(writer, "even_out", spy)
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


def test_the_books_articles_are_as_even_as_their_own_pdfs(built: Built) -> None:
    own = sum(loose(pdf) for pdf in built.own)
    first, last = built.pages[0].first, built.pages[-1].last
    in_book = loose(built.book, (first, last))
    assert in_book <= own, f"{in_book} loose spaces in the book's articles, {own} in their own PDFs"


def test_each_paragraph_gets_the_setting_it_gets_in_its_own_pdf(built: Built) -> None:
    *own, book = built.chosen
    assert len(own) == len(SOURCES) and all(own), "each fixture must have paragraphs to even out"
    # The book numbers each article's paragraphs after those of the articles before it.
    paragraphs = [len(print_document(item.article, created="").parts)
                  for item in built.edition.articles]
    expected: dict[int, Setting] = {}
    after = 0
    for chosen, count in zip(own, paragraphs, strict=True):
        expected.update({after + number: setting for number, setting in chosen.items()})
        after += count
    assert {number: setting for number, setting in book.items() if number <= after} == expected
    assert any(number > after for number in book), "the foreword's loose paragraphs are evened out too"


def test_the_foreword_is_evened_out(built: Built) -> None:
    reader = pypdf.PdfReader(built.book)
    named = {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}
    first = named["foreword-1"]
    assert loose(built.book, (first, built.pages[0].first - 1)) == 0


def test_the_pages_given_back_are_those_of_the_final_layout(built: Built) -> None:
    reader = pypdf.PdfReader(built.book)
    named = {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}
    found = [ArticlePages(item.slug, named[f"a{i}"], named[f"a{i}-end"])
             for i, item in enumerate(built.edition.articles, start=1)]
    assert built.pages == found
    assert built.pages[1].first > built.pages[0].last
