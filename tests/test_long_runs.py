"""A run of text no line can hold, and a paragraph too long to set, from hostile or broken sources.

A hash, a base64 blob or an identifier without a break point is printed whole,
broken where it must be (anywhere, as CSS ``overflow-wrap: anywhere`` allows,
after the composer's preferred points), with nothing past the text block; its
time grows with its length (the composer breaks it, not WeasyPrint's search).
A paragraph longer than :data:`~articlekit.read.bounds.MAX_PARAGRAPH` is refused
by ``check`` and ``build`` alike, at its first line.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

import articlekit
from articlekit.read.bounds import MAX_PARAGRAPH
from articlekit.writers.pdf.page import page_geometry, parse_page_size
from test_overflow import words_outside

FRONT = "---\ntitle: Token\ndate: 2024-01-01\nauthors:\n  - name: Ada Lovelace\nlang: en\nlicense: CC BY 4.0\n---\n\n"


def _token(length: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("abcdef0123456789") for _ in range(length))


@pytest.mark.parametrize("length", [2_000, 20_000])
def test_an_unbreakable_run_prints_whole_inside_the_block(length: int, tmp_path: Path) -> None:
    token = _token(length)
    source = tmp_path / "token.md"
    source.write_text(FRONT + f"The checksum is {token} and nothing else follows it.\n", encoding="utf-8")
    pdf = tmp_path / "token.pdf"
    pdf.write_bytes(articlekit.to_pdf(articlekit.load(source)))
    geometry = page_geometry(parse_page_size("a4"))
    with pdfplumber.open(pdf) as doc:  # the text block only: no running head or folio inside the token
        text = "".join(page.crop((0, geometry.top, page.width, page.height - geometry.bottom)).extract_text()
                       for page in doc.pages)
    assert token in re.sub(r"\s", "", text)
    assert words_outside(pdf, page_geometry(parse_page_size("a4"))) == []


def test_a_paragraph_too_long_is_refused_at_its_line(tmp_path: Path) -> None:
    source = tmp_path / "long.md"
    words = " ".join(["information"] * (MAX_PARAGRAPH // 12 + 10))
    source.write_text(FRONT + "A first paragraph.\n\n" + words + "\n", encoding="utf-8")
    for command in (["check"], ["build", "-o", str(tmp_path / "out"), "-t", "pdf"]):
        proc = subprocess.run([sys.executable, "-m", "articlekit", *command, str(source)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert f"{source}:12:1: a paragraph of more than" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not list((tmp_path / "out").glob("*.pdf")) if (tmp_path / "out").exists() else True


def test_a_paragraph_just_under_the_bound_is_read(tmp_path: Path) -> None:
    source = tmp_path / "fits.md"
    source.write_text(FRONT + " ".join(["information"] * (MAX_PARAGRAPH // 13)) + "\n", encoding="utf-8")
    articlekit.load(source)


def test_a_table_too_wide_even_turned_is_split_with_its_first_column(tmp_path: Path) -> None:
    """30 columns on a landscape page lost 11 of them; split into tables that fit, each led by the first column."""
    cols = 30
    head = "| " + " | ".join(f"Column {i}" for i in range(cols)) + " |"
    rows = ["| " + " | ".join(f"r{r}c{i}" for i in range(cols)) + " |" for r in range(3)]
    source = tmp_path / "wide.md"
    source.write_text(FRONT + "A table.\n\n" + "\n".join([head, "|" + "---|" * cols, *rows]) + "\n", encoding="utf-8")
    pdf = tmp_path / "wide.pdf"
    pdf.write_bytes(articlekit.to_pdf(articlekit.load(source)))
    assert words_outside(pdf, page_geometry(parse_page_size("a4"))) == []
    with pdfplumber.open(pdf) as doc:
        words = [w["text"] for page in doc.pages for w in page.extract_words()]
    assert {f"r{r}c{i}" for r in range(3) for i in range(cols)} <= set(words)  # every cell printed
    assert words.count("r0c0") >= 2  # the rows' first column leads each part


def test_an_article_with_pictures_gives_the_same_pdf_in_any_folder(tmp_path: Path) -> None:
    """Pictures are named by their address in the folder the HTML is based on, which no longer is the real one."""
    import shutil

    from conftest import FIXTURES

    built = []
    for name in ("here", "elsewhere/deeper"):
        folder = tmp_path / name
        folder.mkdir(parents=True)
        for f in ("kitchen-sink.md", "figure.png"):
            shutil.copy(FIXTURES / "articles" / f, folder / f)
        built.append(articlekit.to_pdf(articlekit.load(folder / "kitchen-sink.md")))
    assert b"/Subtype /Image" in built[0] or b"/Subtype/Image" in built[0]
    assert built[0] == built[1]
