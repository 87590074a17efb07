"""Page breaks in print: a table's caption is never left at the foot of a page while its table moves on.

``fixtures/print-breaks/harbour-tides.md`` puts a short table where its caption
just fits at the foot of page 1 and its rows do not; ``reservoir-levels.md`` has
a table longer than a page, which WeasyPrint, told to keep a table whole, would
push past its caption.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest

import articlekit
from articlekit.options import WriteOptions
from articlekit.styles import default_styles_dir
from articlekit.writers.pdf.writer import to_pdf
from conftest import FIXTURES

BREAKS = FIXTURES / "print-breaks"

#: Source → (caption words, words of the table's first body row), per table.
TABLES = {
    "harbour-tides": [("High and low water at the harbour", "1 June 7:07")],
    "reservoir-levels": [("Weekly reservoir levels, 2018", "2018-01-01"), ("Seasonal means, 2018", "Winter 94")],
}


def _pages(pdf: bytes, phrases: list[str]) -> dict[str, int]:
    """The page (1-based) where each phrase first appears."""
    found: dict[str, int] = {}
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for n, page in enumerate(doc.pages, 1):
            text = " ".join((page.extract_text() or "").split())
            for phrase in phrases:
                if phrase in text:
                    found.setdefault(phrase, n)
    assert set(found) == set(phrases), f"not found: {set(phrases) - set(found)}"
    return found


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {stem: to_pdf(articlekit.load(BREAKS / f"{stem}.md"), WriteOptions()) for stem in TABLES}


@pytest.mark.parametrize("stem", sorted(TABLES))
def test_a_caption_is_on_the_page_of_its_first_row(pdfs: dict[str, bytes], stem: str) -> None:
    for caption, first_row in TABLES[stem]:
        pages = _pages(pdfs[stem], [caption, first_row])
        assert pages[caption] == pages[first_row], f"{caption!r} on p. {pages[caption]}, rows on p. {pages[first_row]}"


def test_the_long_table_starts_under_its_caption_and_runs_on(pdfs: dict[str, bytes]) -> None:
    pages = _pages(pdfs["reservoir-levels"], ["Weekly reservoir levels", "2018-01-01", "2018-12-24"])
    assert pages["2018-12-24"] > pages["2018-01-01"] == pages["Weekly reservoir levels"]


def test_the_fixture_puts_the_caption_at_a_page_foot(tmp_path: Path) -> None:
    """Without the rule, the caption of the short table would stay behind: the fixture tests what it says."""
    css = (default_styles_dir() / "print.css").read_text(encoding="utf-8")
    rule = "caption { break-after: avoid; }"
    assert rule in css
    (tmp_path / "print.css").write_text(css.replace(rule, ""), encoding="utf-8")
    pdf = to_pdf(articlekit.load(BREAKS / "harbour-tides.md"), WriteOptions(styles_dir=tmp_path))
    ((caption, first_row),) = TABLES["harbour-tides"]
    pages = _pages(pdf, [caption, first_row])
    assert pages[caption] < pages[first_row], "the table no longer falls at a page foot: lengthen or shorten the text"
