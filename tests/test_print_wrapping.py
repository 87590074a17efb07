"""Print: a wrapped code line is marked as continued, and a table too wide for the page is turned.

``fixtures/code`` holds shell commands and a query as long as they were run: the
print edition wraps them under a hanging indent, and each line a command
continues on carries a ↳ mark in the indent, which a line that starts a command
never does.  The mark is a background, so it is looked for where it is drawn:
each page is rendered with its text removed, and the indent of every printed
code line is read for ink.

``fixtures/landscape`` holds a table of fourteen columns, more than the text
block holds even in the small type of wide tables: it is set on a landscape page
of its own, read back word by word inside that page's text block, and the text
after it goes back to upright pages.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest

import articlekit
from articlekit.options import WriteOptions
from articlekit.styles import default_styles_dir
from articlekit.writers.pdf.document import print_document
from articlekit.writers.pdf.page import page_geometry, parse_page_size
from articlekit.writers.pdf.writer import to_pdf
from conftest import FIXTURES

CODE = FIXTURES / "code" / "reproducible-pipeline.md"
RAINFALL = FIXTURES / "landscape" / "rainfall-stations.md"
#: How far (points) a glyph box may reach past the block: side bearings and rounding.
TOLERANCE = 1.0
#: Rendering scale (pixels per point) and the grey below which a pixel is ink.
SCALE = 4
INK = 160


@cache
def built(source: Path, styles: Path | None = None) -> bytes:
    return to_pdf(articlekit.load(source), WriteOptions(styles_dir=styles))


def without_text(data: bytes) -> bytes:
    """The PDF with every text object removed from its pages: what remains is drawn, not written."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            kept, in_text = [], False
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BT":
                    in_text = True
                if not in_text:
                    kept.append((operands, operator))
                if str(operator) == "ET":
                    in_text = False
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def code_lines(data: bytes) -> list[tuple[bool, bool, str]]:
    """Per printed code line: whether it continues a longer line, whether its indent holds a mark, its text."""
    drawn = pdfium.PdfDocument(without_text(data))
    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages):
            chars = [c for c in page.chars if "SourceCodePro" in c["fontname"].replace("-", "")]
            if not chars:
                continue
            picture = drawn[index].render(scale=SCALE).to_pil().convert("L")
            left = min(c["x0"] for c in chars)
            ch = chars[0]["width"]
            lines: dict[float, list[dict]] = {}
            for c in chars:
                lines.setdefault(round(c["top"], 1), []).append(c)
            for top, cs in sorted(lines.items()):
                start = min(c["x0"] for c in cs)
                bottom = max(c["bottom"] for c in cs)
                indent = picture.crop((round((left + 0.3 * ch) * SCALE), round(top * SCALE),
                                       round((left + 2.7 * ch) * SCALE), round(bottom * SCALE)))
                marked = min(indent.getextrema()) < INK
                found.append((start - left > 2 * ch, marked, "".join(c["text"] for c in cs)))
    return found


def test_every_continued_code_line_is_marked_and_no_other() -> None:
    lines = code_lines(built(CODE))
    continued = [text for cont, _, text in lines if cont]
    assert len(continued) >= 6, lines  # the long commands wrap
    assert len(lines) - len(continued) >= 7  # each command's first line
    for cont, marked, text in lines:
        assert marked == cont, f"{'continued' if cont else 'first'} line {text!r} {'un' if not marked else ''}marked"


def test_the_mark_is_not_text() -> None:
    """The mark is drawn, never copied: the code's text is the source's, word for word."""
    with pdfplumber.open(io.BytesIO(built(CODE))) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert "↳" not in text and "\u21b3" not in text
    assert "--since 2019-01-01 --until 2019-12-31" in text.replace("\n", " ")


def test_the_check_sees_a_missing_mark(tmp_path: Path) -> None:
    """The same reading of a page set without the mark finds its continued lines unmarked."""
    styles = tmp_path / "styles"
    styles.mkdir()
    house = (default_styles_dir() / "print.css").read_text(encoding="utf-8")
    (styles / "print.css").write_text(house + "\npre .line { background-image: none; }\n", encoding="utf-8")
    lines = code_lines(built(CODE, styles))
    assert any(cont for cont, _, _ in lines)
    assert not any(marked for _, marked, _ in lines)


@pytest.mark.parametrize("page_size", ["a4", "a5"])
def test_code_lines_stay_marked_on_a_narrow_page(page_size: str) -> None:
    data = to_pdf(articlekit.load(CODE), WriteOptions(page_size=page_size))
    lines = code_lines(data)
    assert all(marked == cont for cont, marked, _ in lines), lines


# ---------------------------------------------------------------------------
# A table too wide for the upright page


@pytest.mark.parametrize("page_size", ["a4", "a5", "letter"])
def test_a_table_too_wide_for_the_page_is_set_on_a_landscape_page(page_size: str) -> None:
    geometry = page_geometry(parse_page_size(page_size))
    data = to_pdf(articlekit.load(RAINFALL), WriteOptions(page_size=page_size))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [(page.width > page.height, page.extract_words(), page) for page in pdf.pages]
    turned = [i for i, (wide, _, _) in enumerate(pages) if wide]
    table = [i for i, (_, words, _) in enumerate(pages) if any(w["text"] == "1,759" for w in words)]
    assert turned == table == [1], (turned, table)
    _, words, page = pages[1]
    assert round(page.width) == round(geometry.wide_size[0]) and round(page.height) == round(geometry.wide_size[1])
    top, bottom = geometry.wide_top - TOLERANCE, page.height - geometry.wide_bottom
    body = [w for w in words if w["top"] > top and w["bottom"] < bottom]
    left, right = geometry.inner, page.width - geometry.inner
    outside = [w["text"] for w in body if w["x0"] < left - TOLERANCE or w["x1"] > right + TOLERANCE]
    assert not outside, outside
    # turned, the table has room for its figures, never broken, and on A4 for its words too
    printed = {w["text"] for w in body}
    rows = [line for line in RAINFALL.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    figures = set(re.findall(r"\b\d+\.\d\b", "\n".join(rows)))
    assert len(figures) > 60 and figures <= printed, sorted(figures - printed)
    if page_size == "a4":
        assert {"February", "September", "November", "December", "Elevation"} <= printed
    # the text before it and after it is set upright
    assert any(w["text"] == "Monthly" for w in pages[0][1])
    assert not pages[2][0] and any(w["text"] == "shows" for w in pages[2][1])


def test_only_a_table_the_small_type_cannot_fit_is_turned() -> None:
    """Turned only where the columns, each as narrow as its widest part that cannot break, outgrow the block.

    The seven columns of the seaports fit upright in the small type of wide
    tables; the eight of each overflow table do not (their head words alone,
    none of 12 letters and so none hyphenated, need more than 32 ems).
    """
    assert 'class="landscape"' in print_document(articlekit.load(RAINFALL), created="2024-01-01T00:00:00Z").html
    seaports = print_document(articlekit.load(FIXTURES / "tables" / "seaports.md"), created="2024-01-01T00:00:00Z")
    assert 'class="wide measured"' in seaports.html and 'class="landscape"' not in seaports.html
    for source in sorted((FIXTURES / "overflow").glob("*.md")):
        html = print_document(articlekit.load(source), created="2024-01-01T00:00:00Z").html
        assert 'class="wide measured"' in html and 'class="landscape"' in html, source.name
