"""Print: a DOI written out as link text is printed once, whole, and never hyphenated; no address leaves a loose line.

``fixtures/overflow/bibliotheques.md`` names a DOI in running text, linked to
its resolver.  The print edition used to follow it with the resolver's
address in parentheses, a second copy of the DOI that could not break: the
line before it stretched to a dozen spaces' width.  The DOI already names its
address, so nothing follows it; it breaks only after / and ., and no hyphen is
put into it, as into no address.

Even so, the part of an address that comes next may be too long for the line
("bibliotheque.", "jdocumentation."): the line before it is then ended by hand,
flush left, and the address goes on at the start of the next line.  The
fixture's justified lines are read back with ``tools/word_gaps.py``: no gap is
wider than the bound the typography tests hold the book to.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pdfplumber
import pytest

import articlekit
from articlekit.options import WriteOptions
from articlekit.writers.pdf.breaks import BREAK_HERE, names_doi
from articlekit.writers.pdf.document import print_document
from articlekit.writers.pdf.writer import to_pdf
from conftest import FIXTURES
from test_composer_pdf import ANY_GAP as MAX_GAP
from tools.word_gaps import widest

SOURCE = FIXTURES / "overflow" / "bibliotheques.md"
DOI = "10.1016/j.jdocumentation.2021.anticonstitutionnellement.987654321"


@cache
def built(page_size: str) -> bytes:
    return to_pdf(articlekit.load(SOURCE), WriteOptions(page_size=page_size))


def lines(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]


def test_names_doi() -> None:
    assert names_doi("10.1000/xyz.1", "https://doi.org/10.1000/xyz.1")
    assert names_doi("10.1000/xyz.1", "http://dx.doi.org/10.1000/xyz.1")
    assert not names_doi("10.1000/xyz.1", "https://doi.org/10.1000/xyz.2")
    assert not names_doi("10.1000/xyz.1", "https://example.org/10.1000/xyz.1")
    assert not names_doi("the article", "https://doi.org/10.1000/xyz.1")


def test_a_doi_link_is_not_followed_by_its_address() -> None:
    html = print_document(articlekit.load(SOURCE), created="2024-01-01T00:00:00Z").html
    link = re.search(rf'<a class="([^"]*)" href="https://doi\.org/{re.escape(DOI)}">([^<]*)</a>', html)
    assert link, "the DOI link is missing"
    assert set(link[1].split()) == {"bare", "address"}
    assert link[2].replace(BREAK_HERE, "") == DOI and link[2].count(BREAK_HERE) >= 4


@pytest.mark.parametrize("page_size", ["a4", "a5"])
def test_the_doi_is_printed_once_whole_and_unhyphenated(page_size: str) -> None:
    printed = lines(built(page_size))
    text = "".join(printed)
    assert text.count(DOI) == 1, printed
    assert "(https://doi.org/" not in text
    # each line the DOI runs over ends after one of its break characters, never with an added hyphen
    start = next(i for i, line in enumerate(printed) if DOI.startswith(line.split()[-1]))
    assert not printed[start].endswith(DOI)
    for line in printed[start:]:
        if DOI.endswith(line.split()[0]):
            break
        assert line[-1] in "/." and DOI.count(line.split()[-1]) == 1, line


# ---------------------------------------------------------------------------
# No loose line


@pytest.mark.parametrize("page_size", ["a4", "a5"])
def test_no_address_leaves_a_loose_line(page_size: str, tmp_path: Path) -> None:
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(built(page_size))
    worst = widest(pdf)
    assert worst.ratio <= MAX_GAP, f"{worst.ratio:.2f} x the normal space: {worst.line}"
