"""Print: a wrapped code line is marked as continued.

``fixtures/code`` holds shell commands and a query as long as they were run: the
print edition wraps them under a hanging indent, and each line a command
continues on carries a ↳ mark in the indent, which a line that starts a command
never does.  The mark is a background, so it is looked for where it is drawn:
each page is rendered with its text removed, and the indent of every printed
code line is read for ink.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest

import articlekit
from articlekit.options import WriteOptions
from articlekit.styles import default_styles_dir
from articlekit.writers.pdf.writer import to_pdf
from conftest import FIXTURES

CODE = FIXTURES / "code" / "reproducible-pipeline.md"
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
