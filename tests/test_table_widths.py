"""Print tables are sized by what their cells hold, measured in the faces they are set in.

A five-column table whose last column holds sentences (``binnenhaefen.md``):
each column gets at least its longest word (no word of fewer than 12 letters
is hyphenated, no word broken at a letter), and the free width goes to the
columns whose text needs it.  Before, cells could break anywhere
(``overflow-wrap: anywhere``) and hyphenate a word of five letters, so the
narrow columns read "Flu / ss", "Bre- / men" while the last column had room
to spare.

A seven-column table (``seaports.md``: names, figures, terminal codes and
remarks) is set in the small type of wide tables, its columns sized from
widths measured with the fonts: read back from the PDF, every column is at
least as wide as its longest word, no word of fewer than 12 letters is
broken while another column has room to spare, and nothing leaves the text
block.  Its columns were shared out from an estimate of 0.42 em a character
before, which gave the remarks 19 % of the table and the ports 15 %.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

import articlekit
from articlekit.writers.pdf.document import print_document
from articlekit.writers.pdf.page import page_geometry, parse_page_size
from articlekit.writers.pdf.press import house_cell_faces
from articlekit.writers.pdf.tables import is_token, measure_columns
from conftest import FIXTURES

SOURCE = FIXTURES / "tables" / "binnenhaefen.md"
SEAPORTS = FIXTURES / "tables" / "seaports.md"
#: How far (points) a glyph box may reach past an edge: side bearings and rounding.
TOLERANCE = 1.0
#: A column whose widest line ends this far (points) short of where the next one's text could end has room.
SLACK = 1.0
#: Words of fewer letters than this are never hyphenated in a table cell (``hyphenate-limit-chars`` in print.css).
SHORT = 12


def _cell_words() -> set[str]:
    rows = [line for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    return {w.strip(",.()") for row in rows for cell in row.split("|") for w in cell.split()}


@pytest.fixture(scope="module")
def table_words(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    pdf = tmp_path_factory.mktemp("tables") / "table.pdf"
    pdf.write_bytes(articlekit.to_pdf(articlekit.load(SOURCE)))
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        words = page.extract_words()
        heads = [w for w in words if w["text"] == "Hafen"]
        assert heads, "the table's head is on the first page"
        top = heads[0]["top"]
        below = [w for w in words if w["top"] >= top - 1]
        end = min((w["top"] for w in below if w["text"] == "Die" and w["x0"] < heads[0]["x0"] + 5
                   and w["top"] > top + 20), default=float("inf"))
        return [w["text"] for w in below if w["top"] < end]


def test_no_short_word_is_broken_in_a_cell(table_words: list[str]) -> None:
    whole = _cell_words()
    assert {"Duisburg", "Bremen", "Regensburg", "Fluss", "Rhein", "Container"} <= set(table_words)
    broken = [w for w in table_words if re.search(r"[^\W\d_]-$", w)]
    for fragment in broken:
        stem = fragment[:-1]
        words = [w for w in whole if w.startswith(stem) and w != stem]
        assert all(len(w) >= SHORT for w in words), f"{fragment!r} breaks a short word: {words}"


def test_each_column_is_at_least_as_wide_as_its_longest_word(table_words: list[str]) -> None:
    """Every word of the first four columns is printed whole: none was broken at a letter."""
    whole = _cell_words()
    narrow = {"Hafen", "Fluss", "Umschlag", "Container", "Duisburg", "Bremen", "Mannheim", "Regensburg",
              "Magdeburg", "Rhein", "Weser", "Donau", "Elbe"}
    assert narrow <= whole
    assert narrow <= set(table_words)


def test_the_house_style_breaks_cells_only_as_a_last_resort() -> None:
    css = (Path(__file__).resolve().parent.parent / "styles" / "print.css").read_text(encoding="utf-8")
    cells = css[css.index("th, td {"):]
    cells = cells[:cells.index("}")]
    assert "overflow-wrap: break-word" in cells and "anywhere" not in cells
    assert re.search(r"hyphenate-limit-chars: 12 ", cells)


# ---------------------------------------------------------------------------
# A wide table, read back column by column


def _rows(source: Path) -> list[list[str]]:
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in [lines[0], *lines[2:]]]


@pytest.fixture(scope="module")
def seaports(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The table's printed words by column, each column's left edge and the text block, on A4."""
    pdf = tmp_path_factory.mktemp("seaports") / "seaports.pdf"
    pdf.write_bytes(articlekit.to_pdf(articlekit.load(SEAPORTS)))
    rows = _rows(SEAPORTS)
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        assert page.width < page.height, "the table fits upright"
        words = page.extract_words(x_tolerance=1.5)
        all_words = words
    geometry = page_geometry(parse_page_size("a4"))
    left, right = geometry.inner, geometry.inner + geometry.measure  # the first page is a recto
    head = next(w for w in words if w["text"] == "Port")
    lefts = [next(w["x0"] for w in words if abs(w["top"] - head["top"]) < 1 and w["text"] == cell.split()[0])
             for cell in rows[0]]
    end = next(w["top"] for w in words if w["text"] == "largest" and w["top"] > head["top"])
    table = [w for w in words if head["top"] - 1 <= w["top"] < end - 1]
    edges = [*lefts[1:], right]
    columns = [[w for w in table if lefts[c] - 1 <= w["x0"] < edges[c] - 1] for c in range(len(lefts))]
    return {"rows": rows, "columns": columns, "lefts": lefts, "edges": edges, "block": (left, right),
            "words": all_words}


def test_the_wide_table_is_measured_upright() -> None:
    html = print_document(articlekit.load(SEAPORTS), created="2024-01-01T00:00:00Z").html
    assert 'class="wide measured"' in html and 'class="landscape"' not in html
    widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)%">', html)]
    assert len(widths) == 7 and abs(sum(widths) - 100) < 0.01
    assert widths.index(max(widths)) == 6  # the remarks take the free width


def test_every_column_holds_its_longest_word(seaports: dict) -> None:
    """Each column's words are printed whole and end before the next column begins."""
    rows, columns, edges = seaports["rows"], seaports["columns"], seaports["edges"]
    for c, words in enumerate(columns):
        printed = {w["text"].strip(",.;()") for w in words}
        short = {w.strip(",.;()") for row in rows for w in row[c].split()
                 if len(w.strip(",.;()")) < SHORT and not is_token(w) and "-" not in w}
        assert short <= printed, (c, sorted(short - printed))
        assert [w["text"] for w in words if w["x1"] > edges[c] + TOLERANCE] == [], c


def test_no_short_word_is_broken_while_a_column_has_room(seaports: dict) -> None:
    """A word of fewer than 12 letters is hyphenated or broken only if no column has room to spare."""
    rows, columns, lefts, edges = seaports["rows"], seaports["columns"], seaports["lefts"], seaports["edges"]
    source = {w.strip(",.;()") for row in rows for cell in row for w in cell.split()}
    broken = []
    for words in columns:
        for w in words:
            text = w["text"].strip(",.;()")
            if text in source or not text:
                continue
            holders = [s for s in source if text.rstrip("-") in s and not is_token(s)
                       and not _at_own_hyphen(text, s)]
            if holders and min(len(s) for s in holders) < SHORT:
                broken.append(w["text"])
    # A column's room: how much further its widest line could reach than the tightest column's does (the
    # last has no neighbour's padding after it: half the tightest gap, the cells being padded alike).
    gaps = [edges[c] - max(w["x1"] for w in words) for c, words in enumerate(columns)]
    tightest = min(gaps[:-1])
    room = [gap - tightest for gap in gaps[:-1]] + [gaps[-1] - tightest / 2]
    assert lefts == sorted(lefts)
    assert not broken or max(room) < SLACK, (broken, room)
    assert broken == []


def _at_own_hyphen(fragment: str, word: str) -> bool:
    """Whether ``fragment`` is a part of ``word`` that ends or begins at a hyphen the word holds ("DEHAM-")."""
    return (fragment.endswith("-") and word.startswith(fragment)) or \
        (word.endswith(fragment) and word[-len(fragment) - 1:-len(fragment)] == "-")


def test_nothing_leaves_the_text_block(seaports: dict) -> None:
    left, right = seaports["block"]
    outside = [w["text"] for w in seaports["words"] if w["x0"] < left - TOLERANCE or w["x1"] > right + TOLERANCE]
    assert outside == []


def test_columns_are_measured_with_the_fonts() -> None:
    """A column's least width is its widest word as the faces set it, not its letters counted."""
    article = articlekit.load(SEAPORTS)
    table = next(b for b in article.body if b["t"] == "Table")["c"]
    faces = house_cell_faces("en", "justified")
    columns = measure_columns(table, faces, True, "en")
    port, country = columns[0], columns[1]
    # "Gothenburg" (10 letters) and "Netherlands" (11): the longer word is not simply the wider by a letter
    assert abs((country.least - port.least) - (faces.width("Netherlands", True, "body", "text")
                                               - faces.width("Gothenburg", True, "body", "text"))) < 1e-6
    assert port.least == pytest.approx(port.most) and columns[6].most > 5 * columns[6].least


def test_the_authors_widths_are_kept_where_asked_for(tmp_path: Path) -> None:
    """``{width="…"}`` on the table's caption is kept; pandoc's widths from a pipe table's dashes are not."""
    text = SEAPORTS.read_text(encoding="utf-8")
    asked = text.replace("\nThe largest ports", '\n: Seaports {width="16,16,10,10,10,13,25"}\n\nThe largest ports')
    too_narrow = asked.replace("16,16,10,10,10,13,25", "12,12,8,8,8,16,36")  # "Gothenburg" needs 15.6 %
    dashes = text.replace("|---|---|---|---|---|---|---|", "|-|-|-|-|-|-|------------------------------|")
    widths = []
    for i, source in enumerate((asked, dashes, too_narrow)):
        path = tmp_path / f"t{i}.md"
        path.write_text(source, encoding="utf-8")
        html = print_document(articlekit.load(path), created="2024-01-01T00:00:00Z").html
        widths.append([float(w) for w in re.findall(r'<col style="width: ([\d.]+)%">', html)])
    assert widths[0] == [16.0, 16.0, 10.0, 10.0, 10.0, 13.0, 25.0]
    original = print_document(articlekit.load(SEAPORTS), created="2024-01-01T00:00:00Z").html
    measured = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)%">', original)]
    assert widths[1] == widths[2] == measured


GRID = """---
title: Three rivers
date: 2024-03-04
authors:
  - name: Margaret Okonkwo
lang: en
---

The rivers, as the author drew their table:

+--------------+------------------------------+----------+
| River        | Remarks on the year          | Length   |
+==============+==============================+==========+
| Rhine        | High water in January        | 1,233 km |
+--------------+------------------------------+----------+
| Danube       | Low water all summer long    | 2,850 km |
+--------------+------------------------------+----------+

The same rows as a pipe table:

| River | Remarks on the year | Length |
|---|---|---|
| Rhine | High water in January | 1,233 km |
| Danube | Low water all summer long | 2,850 km |
"""


def test_a_grid_tables_drawn_widths_are_kept(tmp_path: Path) -> None:
    """A grid table keeps the widths its author drew (14, 30 and 10 dashes, each with its +, as pandoc counts
    them); a pipe table's columns, as above, are sized by what they hold."""
    path = tmp_path / "rivers.md"
    path.write_text(GRID, encoding="utf-8")
    html = print_document(articlekit.load(path), created="2024-01-01T00:00:00Z").html
    tables = re.findall(r"<colgroup>(.*?)</colgroup>", html)
    drawn = [float(w) for w in re.findall(r'width: ([\d.]+)%', tables[0])]
    assert drawn == pytest.approx([100 * n / 57 for n in (15, 31, 11)], abs=0.01)
    measured = [float(w) for w in re.findall(r'width: ([\d.]+)%', tables[1])] if len(tables) > 1 else []
    assert measured != drawn


def test_the_reader_tells_grid_tables_from_the_others() -> None:
    from articlekit.read.tables import table_kinds

    body = GRID.split("---\n", 2)[2]
    assert table_kinds(body) == ["grid", "pipe"]
    fenced = "```\n+---+---+\n| a | b |\n+---+---+\n```\n\n" + body
    assert table_kinds(fenced) == ["grid", "pipe"]
    simple = "  Right     Left\n-------     ------\n     12     12\n\n---\n\nText.\n"
    assert table_kinds(simple) == ["simple"]
