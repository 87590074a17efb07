"""Print: identifiers, versions and options in table cells break only where they may.

``fixtures/overflow/benchmark-survey.md`` has a table of eight columns whose
cells hold hardware identifiers, compiler flags and kernel versions
("x86_64-skylake-avx512-64GB", "-march=native", "6.5.0-1014-aws").  Such a
token may break after a hyphen inside it, after / = & ? or after a period
before a letter, never at an arbitrary letter and never with a hyphen added:
its columns are sized so that its longest part fits.  Its head words
("Interquartile", "Operating-") and its tokens need 33 ems set whole, more
than any upright text block: it is set on a landscape page.
``fixtures/landscape/gene-panel.md`` has one of seven columns whose Ensembl
identifiers cannot break at all and do not fit upright even so: it is set on
a landscape page.  Both are read back from the PDF cell by cell, and each
cell's printed lines must join into its source text.
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
from articlekit.styles import default_styles_dir
from articlekit.writers.pdf.breaks import BREAK_HERE, WORD_JOINER
from articlekit.writers.pdf.document import print_document
from articlekit.writers.pdf.page import page_geometry, parse_page_size
from articlekit.writers.pdf.press import house_cell_faces
from articlekit.writers.pdf.tables import Column, break_token, is_token, measure_columns, percentages, share_out
from articlekit.writers.pdf.writer import to_pdf
from conftest import FIXTURES

SURVEY = FIXTURES / "overflow" / "benchmark-survey.md"
GENES = FIXTURES / "landscape" / "gene-panel.md"
#: How far (points) a glyph box may reach past the block: side bearings and rounding.
TOLERANCE = 1.0
#: Characters after which a token may end a line.
BREAK_AFTER = "/.?&=-"


@cache
def built(source: Path, page_size: str = "a4", styles: Path | None = None) -> bytes:
    return to_pdf(articlekit.load(source), WriteOptions(page_size=page_size, styles_dir=styles))


def body_rows(source: Path) -> list[list[str]]:
    """The body rows of the source's table, each a list of its cells' text."""
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def printed_cells(data: bytes, rows: list[list[str]]) -> tuple[dict[tuple[int, int], list[str]], bool]:
    """Each body cell's printed lines, and whether the table's page is turned.

    The columns start where the first body row's words do; a row starts at
    its second cell (a figure or an identifier, printed whole) and ends where
    the next row, or the table's bottom rule, does.
    """
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        # Words apart by more than a point are two: neighbouring cells are closer than a space's width.
        page = next(p for p in pdf.pages if any(w["text"] == rows[0][1] for w in p.extract_words(x_tolerance=1)))
        words = page.extract_words(x_tolerance=1)
        turned = page.width > page.height
        width = page.width
        edges = page.horizontal_edges
    first = next(w for w in words if w["text"] == rows[0][1])
    lefts = []
    for cell in rows[0]:
        head = cell.split()[0]
        lefts.append(min(w["x0"] for w in words if abs(w["top"] - first["top"]) < 1 and head.startswith(w["text"])
                         and all(w["x0"] > left + 1 for left in lefts)))
    tops = [next(w["top"] for w in words if w["text"] == row[1] and w["top"] >= first["top"] - 1) for row in rows]
    after = min(e["top"] for e in edges if e["top"] > tops[-1] + 2 and e["x0"] <= lefts[0] + 1)  # the bottom rule
    bounds = [*tops, after]
    cells: dict[tuple[int, int], list[str]] = {}
    for r in range(len(rows)):
        for c in range(len(rows[0])):
            right = lefts[c + 1] if c + 1 < len(lefts) else width
            inside = [w for w in words if bounds[r] - 1 <= w["top"] < bounds[r + 1] - 1
                      and lefts[c] - 1 <= w["x0"] < right - 1]
            lines: dict[int, list[dict]] = {}
            for w in inside:
                lines.setdefault(round(w["top"]), []).append(w)
            cells[r, c] = [" ".join(w["text"] for w in sorted(ws, key=lambda w: w["x0"]))
                           for _, ws in sorted(lines.items())]
    return cells, turned


def line_breaks(text: str, lines: list[str]) -> tuple[list[str], int]:
    """Where the printed ``lines`` of a cell break its source ``text`` other than at a space or a break point,
    and how many of its line breaks fall inside a token."""
    bad, inside, pos = [], 0, 0
    for i, line in enumerate(lines):
        if not text.startswith(line, pos):
            return [f"{text!r} printed as {lines!r}"], inside
        pos += len(line)
        if i == len(lines) - 1:
            break
        if text[pos] == " ":
            pos += 1
            continue
        inside += 1
        token = text[:pos].rsplit(" ", 1)[-1]
        if text[pos - 1] not in BREAK_AFTER or not token.strip("-"):
            bad.append(f"{text!r} broken after {token!r}")
    if pos != len(text):
        bad.append(f"{text!r} printed as {lines!r}")
    return bad, inside


def check_cells(data: bytes, source: Path) -> tuple[list[str], int, bool]:
    """The cells holding tokens broken at a wrong point, how many line breaks fall inside a token, whether turned."""
    rows = body_rows(source)
    cells, turned = printed_cells(data, rows)
    bad: list[str] = []
    inside = 0
    for (r, c), lines in cells.items():
        if not any(is_token(word) for word in rows[r][c].split()):
            continue
        wrong, breaks = line_breaks(rows[r][c], lines)
        bad += wrong
        inside += breaks
    return bad, inside, turned


# ---------------------------------------------------------------------------
# Tokens


def test_tokens_and_their_break_points() -> None:
    assert is_token("x86_64-zen4-96GB") and is_token("-O2") and is_token("gcc-13.2") and is_token("NM_000059.4")
    assert not is_token("Toulouse") and not is_token("41.2") and not is_token("wall-clock") and not is_token("64 %")
    z, j = BREAK_HERE, WORD_JOINER
    assert break_token("x86_64-skylake-avx512-64GB") == f"x86_64-{z}skylake-{z}avx512-{z}64GB"
    assert break_token("gcc-13.2 -O3 -march=native") == f"gcc-{z}13.2 -{j}O3 -{j}march={z}native"
    assert break_token("--suite=full benchmarks.run_all") == f"-{j}-{j}suite={z}full benchmarks.{z}run_all"
    assert break_token("benchmarks.run wall-clock") == "benchmarks.run wall-clock"  # words, not tokens
    assert break_token("6.1.0-18-amd64 Toulouse") == f"6.1.0-{z}18-{z}amd64 Toulouse"
    assert break_token("ENSG00000139618") == "ENSG00000139618"


def least_widths(source: Path) -> list[float]:
    """The least width (ems of the body type) of each column of the source's first table, as set ``wide``."""
    article = articlekit.load(source)
    table = next(b for b in article.body if b["t"] == "Table")
    faces = house_cell_faces(article.metadata.lang, "justified")
    return [c.least for c in measure_columns(table["c"], faces, True, article.metadata.lang)]


def test_the_survey_table_is_sized_by_its_tokens() -> None:
    """Turned, each column at least its widest part; the tokens marked; every overflow table measured."""
    html = print_document(articlekit.load(SURVEY), created="2024-01-01T00:00:00Z").html
    assert 'class="landscape"' in html
    widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)%">', html)]
    assert len(widths) == 8 and abs(sum(widths) - 100) < 0.01
    geometry = page_geometry(parse_page_size("a4"))
    room = geometry.wide_measure / geometry.font_size
    assert all(w * room / 100 >= least - 0.01 for w, least in zip(widths, least_widths(SURVEY), strict=True))
    assert '<span class="cell-token">' in html
    for source in sorted((FIXTURES / "overflow").glob("*.md")):
        assert "<colgroup>" in print_document(articlekit.load(source), created="2024-01-01T00:00:00Z").html


def test_the_page_measure_decides() -> None:
    """Upright in a text block as wide as its least widths, turned in A4's 32 ems."""
    article = articlekit.load(SURVEY)
    need = sum(least_widths(SURVEY))
    assert 32 < need < 34
    upright = print_document(article, created="2024-01-01T00:00:00Z", measure_em=need + 0.1).html
    turned = print_document(article, created="2024-01-01T00:00:00Z", measure_em=32.0).html
    assert "<colgroup>" in upright and 'class="landscape"' not in upright
    assert 'class="landscape"' in turned


def test_sharing_out() -> None:
    """CSS 2.1's rule, with a step for whole words: a word is hyphenated only where the room asks for it."""
    roomy = share_out([Column(2.0, 2.0, 4.0), Column(1.0, 1.0, 4.0)], 16.0)
    assert roomy == [8.0, 8.0]  # the most, and the rest in proportion to it
    whole = share_out([Column(2.0, 4.0, 10.0), Column(3.0, 3.0, 5.0)], 10.0)
    assert whole == [4.0 + 3 * 6 / 8, 3.0 + 3 * 2 / 8]  # words whole, the rest by what each lacks of its most
    tight = share_out([Column(2.0, 6.0, 10.0), Column(3.0, 4.0, 5.0)], 9.0)
    assert tight == [2.0 + 4 * 4 / 5, 3.0 + 4 * 1 / 5]  # the least, the rest by what each lacks of its whole words
    assert share_out([Column(4.0, 4.0, 9.0), Column(4.0, 4.0, 9.0)], 6.0) == [3.0, 3.0]
    assert share_out([Column(1.0, 1.0, 9.0), Column(1.0, 1.0, 9.0)], 10.0, [0.3, 0.7]) == [3.0, 7.0]
    assert share_out([Column(4.0, 4.0, 9.0), Column(1.0, 1.0, 9.0)], 10.0, [0.3, 0.7]) == \
        [4.0 + 5 * 5 / 13, 1.0 + 5 * 8 / 13]  # the author's widths would break a word: measured instead
    shares = percentages([1.0, 1.0, 1.0])
    assert sum(shares) == 100 and shares[0] == 33.34


@pytest.mark.parametrize("page_size", ["a4", "a5"])
def test_survey_tokens_break_only_at_their_break_points(page_size: str) -> None:
    """Turned on both: the columns' least widths (33 ems) fit neither A4's text block (32 ems) nor A5's (30.2)."""
    bad, inside, turned = check_cells(built(SURVEY, page_size), SURVEY)
    assert turned
    assert bad == []
    assert inside >= (5 if page_size == "a5" else 2)  # the long identifiers and flags wrap, at hyphens and '='


def test_the_check_sees_a_token_broken_anywhere(tmp_path: Path) -> None:
    """The same reading of a table whose tokens may break at any letter finds them broken."""
    styles = tmp_path / "styles"
    styles.mkdir()
    house = (default_styles_dir() / "print.css").read_text(encoding="utf-8")
    (styles / "print.css").write_text(house + "\n.cell-token { word-break: break-all; }\n", encoding="utf-8")
    bad, _, _ = check_cells(built(SURVEY, "a4", styles), SURVEY)
    assert bad, "no token was broken"


# ---------------------------------------------------------------------------
# Tokens that cannot break


def test_unbreakable_identifiers_outgrow_the_upright_page() -> None:
    article = articlekit.load(GENES)
    least = least_widths(GENES)
    assert sum(least) > 32 and least[1] + least[2] > 13  # the Ensembl identifiers alone take 13 ems
    html = print_document(article, created="2024-01-01T00:00:00Z").html
    assert 'class="landscape"' in html


@pytest.mark.parametrize("page_size", ["a4", "a5"])
def test_a_table_of_unbreakable_identifiers_is_turned(page_size: str) -> None:
    data = built(GENES, page_size)
    bad, _, turned = check_cells(data, GENES)
    assert turned and bad == []
    geometry = page_geometry(parse_page_size(page_size))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = next(p for p in pdf.pages if p.width > p.height)
        words = page.extract_words()
    printed = {w["text"] for w in words}
    rows = body_rows(GENES)
    assert {row[1] for row in rows} | {row[2] for row in rows} <= printed  # every identifier whole on a line
    left, right = geometry.inner, page.width - geometry.inner
    assert not [w["text"] for w in words if w["x0"] < left - TOLERANCE or w["x1"] > right + TOLERANCE]
