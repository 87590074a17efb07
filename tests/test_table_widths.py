"""Print tables are sized by what their cells hold, measured in the faces they are set in.

A five-column table whose last column holds sentences: the layout gives each
column at least its longest word (no word of fewer than 12 letters is
hyphenated, no word broken at a letter), and the free width to the columns
whose text needs it.  Before, cells could break anywhere (``overflow-wrap:
anywhere``) and hyphenate a word of five letters, so the narrow columns read
"Flu / ss", "Bre- / men" while the last column had room to spare.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

import articlekit
from conftest import FIXTURES

SOURCE = FIXTURES / "tables" / "binnenhaefen.md"
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
