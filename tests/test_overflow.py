"""The print edition keeps everything inside the text block, and hyphens copy as hyphens.

Published articles carry shapes a measure of 32 ems was not made for: a table of
eight columns with long headers, a code line without a space, an address or a DOI
as link text, a word longer than a table cell.  The sources in
``fixtures/overflow`` (English, Spanish, French, Portuguese) hold every one of
them; the PDF is read back word by word and no word may lie outside the text
block the page geometry computes.  ``fixtures/hyphens`` holds hard hyphens at
line ends, an ISSN and a U+2010 in the source: extracted text gives the
author's hyphens back, never U+2010.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

import articlekit
from articlekit.options import WriteOptions
from articlekit.writers.pdf.breaks import BREAK_HERE, break_address, is_address
from articlekit.writers.pdf.document import print_document
from articlekit.writers.pdf.page import PageGeometry, page_geometry, parse_page_size
from articlekit.writers.pdf.writer import to_pdf
from validators import require

ROOT = Path(__file__).resolve().parent.parent
OVERFLOW = ROOT / "tests" / "fixtures" / "overflow"
HYPHENS = ROOT / "tests" / "fixtures" / "hyphens" / "scikit-learn-pipelines.md"
SOURCES = sorted(OVERFLOW.glob("*.md"))
#: Trims the overflow set is set on: the default and a narrow one.
PAGE_SIZES = ("a4", "a5")
#: How far (points) a glyph box may reach past the block: side bearings and rounding.
TOLERANCE = 1.0


@cache
def built(source: Path, page_size: str = "a4") -> bytes:
    return to_pdf(articlekit.load(source), WriteOptions(page_size=page_size))


def written(source: Path, tmp_path: Path, page_size: str = "a4") -> Path:
    out = tmp_path / f"{source.stem}-{page_size}.pdf"
    out.write_bytes(built(source, page_size))
    return out


def text_block(geometry: PageGeometry, index: int) -> tuple[float, float]:
    """Left and right edges of the text block on page ``index`` (0-based): the first page is a recto."""
    left = geometry.inner if index % 2 == 0 else geometry.outer
    return left, geometry.page.width - (geometry.outer if index % 2 == 0 else geometry.inner)


def words_outside(pdf: Path, geometry: PageGeometry) -> list[str]:
    outside = []
    with pdfplumber.open(pdf) as doc:
        for i, page in enumerate(doc.pages):
            if page.width > page.height:  # a table's landscape page (@page wide): the trim turned
                assert abs(page.width - geometry.wide_size[0]) < 1
                left, right = geometry.inner, page.width - geometry.inner
            else:
                assert abs(page.width - geometry.page.width) < 1
                left, right = text_block(geometry, i)
            for w in page.extract_words():
                if w["x0"] < left - TOLERANCE or w["x1"] > right + TOLERANCE:
                    outside.append(f"page {i + 1}: {w['text']!r} at {w['x0']:.1f}–{w['x1']:.1f}"
                                   f" (block {left:.1f}–{right:.1f})")
    return outside


def pdftotext(path: Path, *args: str) -> str:
    tool = shutil.which("pdftotext")
    require("poppler's pdftotext (Debian: poppler-utils)", tool)
    assert tool
    return subprocess.run([tool, "-enc", "UTF-8", *args, str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


# ---------------------------------------------------------------------------
# Nothing runs off the page


def test_the_overflow_set_holds_every_shape() -> None:
    """Each shape the page test is about occurs in the set, so the test below cannot pass by default."""
    langs, table_widths, code_lines, address_texts, dois, cell_words = set(), [], [], [], [], []
    for source in SOURCES:
        text = source.read_text(encoding="utf-8")
        langs.add(articlekit.load(source).metadata.lang)
        table_widths += [line.count("|") - 1 for line in text.splitlines() if line.startswith("|")]
        cell_words += [w for line in text.splitlines() if line.startswith("|")
                       for w in re.findall(r"\w+", line) if len(w) >= 24]
        in_code = False
        for line in text.splitlines():
            if line.startswith("```"):
                in_code = not in_code
            elif in_code:
                code_lines += [w for w in line.split() if len(w) >= 80]
        address_texts += re.findall(r"<(https?://[^>]{80,})>", text)
        dois += re.findall(r"\[(?:https://doi\.org/)?(10\.\d+/[^\]]{40,})\]", text)
        dois += re.findall(r"^doi: (10\.\S{50,})$", text, flags=re.M)
    assert langs == {"en", "es", "fr", "pt"}
    assert max(table_widths) >= 8
    assert code_lines and address_texts and len(dois) >= 3 and cell_words


@pytest.mark.parametrize("page_size", PAGE_SIZES)
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_word_outside_the_text_block(source: Path, page_size: str, tmp_path: Path) -> None:
    geometry = page_geometry(parse_page_size(page_size))
    assert words_outside(written(source, tmp_path, page_size), geometry) == []


def test_the_check_sees_a_word_outside(tmp_path: Path) -> None:
    """The same check on a page set without the house rules for code finds the long line."""
    source = OVERFLOW / "repositorios.md"
    styles = tmp_path / "styles"
    styles.mkdir()
    house = (ROOT / "styles" / "print.css").read_text(encoding="utf-8")
    (styles / "print.css").write_text(house + "\npre, code { overflow-wrap: normal; }\n", encoding="utf-8")
    pdf = tmp_path / "unwrapped.pdf"
    pdf.write_bytes(to_pdf(articlekit.load(source), WriteOptions(styles_dir=styles)))
    outside = words_outside(pdf, page_geometry(parse_page_size("a4")))
    assert any("documentos_depositados" in w for w in outside), outside


def test_addresses_break_without_a_hyphen(tmp_path: Path) -> None:
    """A long URL or DOI breaks after / . ? & = and copies back whole: no hyphen, no zero-width space."""
    pdf = written(OVERFLOW / "benchmark-survey.md", tmp_path)
    addresses = [
        "https://benchmarks.example.org/results/2024/leeds/skylake-avx512/full-suite?repetitions=30&warmup=5&format=html",
        "https://doi.org/10.5281/zenodo.1234567.supplementary-material.benchmark-reporting-survey-2024",
    ]
    raw = pdftotext(pdf, "-raw")
    assert BREAK_HERE not in raw
    lines = raw.splitlines()
    for address in addresses:
        # The address spans lines: each line end falls after a break character or a hard hyphen.
        joined = "".join(lines)
        assert address in joined
        start = next(i for i, line in enumerate(lines) if line.split() and address.startswith(line.split()[-1]))
        assert not lines[start].endswith(address), f"{address} was expected to need two lines"
        for line in lines[start:]:
            if not line.split():  # a page begins
                continue
            if address.endswith(line.split()[0].rstrip(".,")):
                break
            assert line[-1] in "/.?&=-", line
    with pdfplumber.open(pdf) as doc:
        text = "".join(page.extract_text() for page in doc.pages)
    assert BREAK_HERE not in text


def test_break_address() -> None:
    z = BREAK_HERE
    assert break_address("https://a.org/b?c=1&d=2") == f"https://{z}a.{z}org/{z}b?{z}c={z}1&{z}d={z}2"
    assert break_address("10.1000/x.y") == f"10.{z}1000/{z}x.{z}y"
    assert break_address("https://a.org/") == f"https://{z}a.{z}org/"
    assert is_address("10.1016/j.jdoc.2021.987", "https://doi.org/10.1016/j.jdoc.2021.987")
    assert is_address("https://example.org/x", "https://example.org/x")
    assert not is_address("the results page", "https://example.org/x")


def test_print_document_marks_code_lines_and_wide_tables() -> None:
    doc = print_document(articlekit.load(OVERFLOW / "benchmark-survey.md"), created="2024-02-12T00:00:00Z")
    assert '<table class="wide measured">' in doc.html
    assert re.search(r'<pre><code><span class="line">python -m benchmarks\.run [^<]*\n</span></code></pre>', doc.html)
    assert f"https://{BREAK_HERE}benchmarks.{BREAK_HERE}example." in doc.html
    doi = re.search(r'<p class="doi"><a href="([^"]+)">([^<]+)</a>', doc.html)
    assert doi and doi[1] == "https://doi.org/10.5281/zenodo.1234567.supplementary-material.benchmark-reporting-survey-2024"
    assert doi[2] == break_address(doi[1])


def test_code_is_set_in_the_embedded_code_face(tmp_path: Path) -> None:
    """Code is in Source Code Pro, embedded (a font file in the PDF), not in whatever monospace the system has."""
    with pikepdf.open(written(OVERFLOW / "benchmark-survey.md", tmp_path)) as pdf:
        fonts = [font for page in pdf.pages for font in page.Resources.get("/Font", {}).values()]
        code = [f for f in fonts if "SourceCodePro" in str(f.get("/BaseFont")).replace("-", "")]
        assert code, [str(f.get("/BaseFont")) for f in fonts]
        for font in code:
            assert font.DescendantFonts[0].FontDescriptor.get("/FontFile2") is not None
        assert not [f for f in fonts if "Mono" in str(f.get("/BaseFont"))]


# ---------------------------------------------------------------------------
# Hyphens stay hyphens


@pytest.fixture(scope="module")
def hyphens_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert "\u2010" in HYPHENS.read_text(encoding="utf-8")  # the source itself has one
    return written(HYPHENS, tmp_path_factory.mktemp("hyphens"))


def _extractions(pdf: Path) -> dict[str, str]:
    with pdfplumber.open(pdf) as doc:
        plumber = "\n".join(page.extract_text() for page in doc.pages)
    return {"pdftotext -raw": pdftotext(pdf, "-raw"), "pdftotext -layout": pdftotext(pdf, "-layout"),
            "pdfplumber": plumber}


def test_no_hyphen_comes_back_as_u2010(hyphens_pdf: Path) -> None:
    for tool, text in _extractions(hyphens_pdf).items():
        assert "\u2010" not in text, tool
        flat = " ".join(text.split())
        assert "Scikit-learn" in flat, tool
        assert "ISSN 1468-229X" in flat, tool
        assert "Data-Intensive" in flat and "co-author" in flat, tool


def test_hard_hyphens_at_line_ends_stay_hyphens(hyphens_pdf: Path) -> None:
    """A compound broken at its own hyphen ends the line with U+002D, like a word hyphenated by the layout."""
    source = " ".join(HYPHENS.read_text(encoding="utf-8").replace("\u2010", "-").split())
    for tool, text in _extractions(hyphens_pdf).items():
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        hard = auto = 0
        for line, following in itertools.pairwise(lines):
            if not line.endswith("-") or not following.split():
                continue
            head, tail = line.split()[-1], following.split()[0]
            compound = re.sub(r"\W+$", "", head + tail)
            if compound in source:
                hard += 1
            elif re.sub(r"\W+$", "", head[:-1] + tail) in source:
                auto += 1
        assert hard >= 1 and auto >= 1, (tool, hard, auto)


# ---------------------------------------------------------------------------
# The web page and the EPUB: wide tables do not widen the page


def page_widths(pages: list[Path]) -> dict[str, dict[str, dict]]:
    """Per page and viewport width: the page's scroll width and the elements reaching past the viewport."""
    from validators_axe import NODE_MODULES, _installed
    from validators_epub import chromium

    node, browser = shutil.which("node"), chromium()
    require("Node.js", node)
    require("puppeteer-core (npm install --prefix .tools puppeteer-core)", _installed())
    require("Chromium (apt-get install chromium)", browser)
    assert node and browser
    script = Path(__file__).resolve().parent / "page_width.cjs"
    proc = subprocess.run([node, str(script), str(NODE_MODULES), browser, *map(str, pages)],
                          capture_output=True, text=True, timeout=300, check=True)
    return {Path(k).stem: v for k, v in json.loads(proc.stdout).items()}


def test_no_web_page_is_wider_than_a_phone_or_a_desktop(tmp_path: Path) -> None:
    for source in SOURCES:
        (tmp_path / f"{source.stem}.html").write_text(articlekit.to_html(articlekit.load(source)), encoding="utf-8")
    wide = {name: {width: r for width, r in by_width.items() if r["past"] or r["scrollWidth"] > int(width)}
            for name, by_width in page_widths(sorted(tmp_path.glob("*.html"))).items()}
    assert wide == {s.stem: {} for s in SOURCES}


def test_the_width_check_sees_a_table_past_the_page(tmp_path: Path) -> None:
    """Without the house rule for cells the 8-column table reaches past a phone's width."""
    styles = tmp_path / "styles"
    styles.mkdir()
    house = (ROOT / "styles" / "html.css").read_text(encoding="utf-8")
    (styles / "html.css").write_text(house + "\nth, td { overflow-wrap: normal; hyphens: manual; }\n", encoding="utf-8")
    page = tmp_path / "survey.html"
    page.write_text(articlekit.to_html(articlekit.load(OVERFLOW / "benchmark-survey.md"), styles_dir=styles),
                    encoding="utf-8")
    assert "TABLE" in page_widths([page])["survey"]["360"]["past"]
