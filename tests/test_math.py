"""TeX math in all four formats, read once and read back from each output.

The sources in ``fixtures/math`` are an economics commentary in English and one
in French, with inline formulas (``$…$``), display formulas (``$$…$$``) and
formulas in notes.  Each format is read back: MathML with the TeX as
``alttext`` in the web page and the EPUB (declared in the OPF), ``<mml:math>``
beside ``<tex-math>`` in the JATS (valid against the MathML 3 DTD), and in the
PDF outlines drawn from SVG, with the TeX as the alternative text of their
structure elements, inline formulas on the baseline at the size of the text and
display formulas centred on the text block.  ``fixtures/broken/bad-formulas.md``
(in test_hardening) is the source refused with the line and column of each
formula that cannot be read.
"""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path

import lxml.html
import pdfplumber
import pikepdf
import pytest
from lxml import etree

import articlekit
from articlekit.model import Article
from articlekit.read.formulas import FormulaError, to_mathml
from articlekit.tree import all_nodes
from articlekit.writers.pdf.document import print_document
from conftest import FIXTURES
from validators import nu_check
from validators_epub import ace, epubcheck
from validators_jats import validate_jats

MATH = FIXTURES / "math"
SOURCES = sorted(MATH.glob("*.md"))
ENGLISH = MATH / "phillips-curve.md"
MATHML = "http://www.w3.org/1998/Math/MathML"
MML = {"mml": MATHML}


@cache
def loaded(source: Path) -> Article:
    return articlekit.load(source)


def formulas_in(article: Article) -> list[tuple[bool, str]]:
    """(display, TeX) of every formula of the article, abstract, body and notes, in reading order."""
    trees = [article.metadata.abstract or [], article.body, *(n.blocks for n in article.notes)]
    return [(n["c"][0]["t"] == "DisplayMath", n["c"][1]) for t in trees for n in all_nodes(t) if n["t"] == "Math"]


@cache
def pdf_bytes(source: Path) -> bytes:
    return articlekit.to_pdf(loaded(source))


# ---------------------------------------------------------------------------
# Reading


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_formula_is_read_once_into_mathml(source: Path) -> None:
    article = loaded(source)
    found = formulas_in(article)
    assert sum(display for display, _ in found) >= 3 and sum(not display for display, _ in found) >= 10
    assert set(article.formulas) == set(found)
    for (display, tex), mathml in article.formulas.items():
        root = etree.fromstring(mathml.encode())
        assert root.tag == f"{{{MATHML}}}math"
        assert root.get("alttext") == tex.strip()
        assert root.get("display") == ("block" if display else "inline")


def test_prices_with_dollar_signs_are_not_formulas(tmp_path: Path) -> None:
    source = tmp_path / "prices.md"
    source.write_text("---\ntitle: Prices\ndate: 2024-01-15\nauthors: [Ann Example]\nlicense: CC BY 4.0\n---\n\n"
                      "A ticket cost $5 and a season pass $120, while $x^2$ is a formula.\n", encoding="utf-8")
    article = articlekit.load(source)
    assert list(article.formulas) == [(False, "x^2")]
    html = articlekit.to_html(article)
    assert "cost $5 and a season pass $120, while <math" in html


@pytest.mark.parametrize(("tex", "message"), [
    (r"\frac{a}{b", "a '{' is never closed"),
    (r"a}", "a '}' closes no '{'"),
    (r"x^", "a ^ or _ has nothing after it"),
    (r"\foo + 1", r"unknown TeX command \foo"),
    (r"\left( x", r"a \left has no matching \right"),
    (r"\begin{pmatrix} a", r"a \begin{…} has no matching \end{…}"),
    (r"a & b", "an '&' outside an alignment"),
    ("{" * 50 + "x" + "}" * 50, "nested more than 40 levels deep"),
])
def test_a_formula_that_cannot_be_read_says_why(tex: str, message: str) -> None:
    with pytest.raises(FormulaError, match=re.escape(message)):
        to_mathml(tex, False)


@pytest.mark.parametrize(("typed", "command"), [("2×100", r"2 \times 100"), ("a ≤ b", r"a \leq b"),
                                                ("x ÷ y", r"x \div y"), ("1.96 ± 0.03", r"1.96 \pm 0.03")])
def test_an_operator_typed_as_a_character_is_spaced_as_its_command(typed: str, command: str) -> None:
    # latex2mathml makes a typed "×" an identifier, <mi>, which a MathML renderer sets with no
    # space around it ("2×100"); as the command's <mo> it gets TeX's binary-operator space.
    def body(mathml: str) -> str:
        return re.sub(r"<math[^>]*>", "", mathml)

    assert body(to_mathml(typed, False)) == body(to_mathml(command, False))
    assert "<mi>∞</mi>" in to_mathml("x ≤ ∞", False)  # a symbol that is no operator stays an identifier


def test_aligned_rows_are_read() -> None:
    mathml = to_mathml(r"\begin{aligned} y_t &= \alpha + \beta x_t \\ x_t &= \rho x_{t-1} \end{aligned}", True)
    root = etree.fromstring(mathml.encode())
    assert len(root.findall(".//mml:mtr", MML)) == 2


# ---------------------------------------------------------------------------
# Web page and EPUB


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_web_page_carries_mathml_with_the_tex_as_alttext(source: Path) -> None:
    article = loaded(source)
    html = articlekit.to_html(article)
    maths = lxml.html.document_fromstring(html).xpath("//math")
    expected = formulas_in(article)
    assert [(m.get("display") == "block", m.get("alttext")) for m in maths] == [(d, t.strip()) for d, t in expected]
    visible = re.sub(r"<math\b.*?</math>", "", html, flags=re.S)
    assert "\\frac" not in visible and "$$" not in visible  # no TeX printed as text


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_epub_declares_its_mathml(source: Path) -> None:
    article = loaded(source)
    book = zipfile.ZipFile(io.BytesIO(articlekit.to_epub(article)))
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    items = {i.get("href"): (i.get("properties") or "").split() for i in opf.iterfind(".//opf:item", ns)}
    with_math = set()
    count = 0
    for href in items:
        if href.endswith(".xhtml"):
            doc = etree.fromstring(book.read(f"EPUB/{href}"))
            maths = doc.findall(".//mml:math", MML)
            count += len(maths)
            if maths:
                with_math.add(href)
                assert all(m.get("alttext") for m in maths)
    assert count == len(formulas_in(article))
    assert with_math >= {"notes.xhtml"}
    assert {h for h, props in items.items() if "mathml" in props} == with_math
    features = [m.text for m in opf.iterfind(".//opf:meta[@property='schema:accessibilityFeature']", ns)]
    assert {"MathML", "describedMath"} <= set(features)


# ---------------------------------------------------------------------------
# JATS


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_jats_formulas_hold_mathml_and_tex_and_the_mathml_dtd_is_declared(source: Path) -> None:
    article = loaded(source)
    xml = articlekit.to_jats(article)
    assert b"Interchange DTD with MathML3 v1.3 20210610//EN" in xml.split(b"\n", 2)[1]
    assert validate_jats(xml) == []
    root = etree.fromstring(xml)
    formulas = root.xpath("//inline-formula | //disp-formula")
    expected = formulas_in(article)
    assert [(f.tag == "disp-formula", f.findtext("alternatives/tex-math")) for f in formulas] == expected
    for f in formulas:
        (alternatives,) = f
        assert [etree.QName(c).localname for c in alternatives] == ["math", "tex-math"]
        assert alternatives[0].prefix == "mml"
    # Every formula and its MathML has an id, numbered in reading order.
    assert [f.get("id") for f in formulas] == [f"eq{n}" for n in range(1, len(formulas) + 1)]
    assert [m.get("id") for m in root.iterfind(".//mml:math", MML)] == [f"m{n}" for n in range(1, len(formulas) + 1)]
    assert root.xpath("//fn//inline-formula")  # the notes' formulas too
    if article.metadata.abstract:
        assert root.xpath("//abstract//inline-formula")


def test_an_article_without_math_keeps_the_plain_dtd() -> None:
    xml = articlekit.to_jats(articlekit.load(FIXTURES / "overflow" / "bibliotheques.md"))
    assert b"Interchange DTD v1.3 20210610//EN" in xml and b"mml" not in xml


# ---------------------------------------------------------------------------
# PDF


def _svgs(source: Path) -> list[tuple[str, str, str]]:
    """(class, SVG, alt) of every formula image in the print HTML."""
    html = print_document(loaded(source), created="2024-01-01T00:00:00Z").html
    return [(cls, base64.b64decode(data).decode(), alt) for cls, data, alt in
            re.findall(r'<img class="(math-\w+)" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)"', html)]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_print_formulas_are_drawn_whole(source: Path) -> None:
    """Every formula becomes an SVG of outlines; no outline reaches outside its picture, so none is clipped."""
    svgs = _svgs(source)
    assert len(svgs) == len(formulas_in(loaded(source)))
    for _cls, svg, alt in svgs:
        root = etree.fromstring(svg.encode())
        x0, y0, w, h = (float(v) for v in root.get("viewBox").split())
        paths = root.findall("{http://www.w3.org/2000/svg}path")
        assert paths, alt
        points = [float(v) for p in paths for v in re.findall(r"-?\d+(?:\.\d+)?", p.get("d"))]
        for x, y in zip(points[::2], points[1::2], strict=True):
            assert x0 - 0.01 <= x <= x0 + w + 0.01 and y0 - 0.01 <= y <= y0 + h + 0.01, (alt, x, y)
        assert "<text" not in svg and "href" not in svg  # outlines only: no font, nothing fetched


def _tagged(pdf: pikepdf.Pdf, kind: str) -> list[str]:
    """The ``/Alt`` of every structure element of ``kind`` (``/Formula``, ``/Figure``), in reading order."""
    alts: list[str] = []

    def walk(el: pikepdf.Object) -> None:
        if isinstance(el, pikepdf.Dictionary):
            if el.get("/S") == kind and "/Alt" in el:
                alts.append(str(el.Alt))
            kids = el.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                walk(kid)
        elif isinstance(el, pikepdf.Array):
            for kid in el:
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return alts


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_print_formulas_are_tagged_formulas_with_their_tex(source: Path) -> None:
    with pikepdf.open(io.BytesIO(pdf_bytes(source))) as pdf:
        formulas, figures = _tagged(pdf, "/Formula"), _tagged(pdf, "/Figure")
    assert formulas == [tex.strip() for _, tex in formulas_in(loaded(source))]
    assert not set(figures) & set(formulas)  # each formula's picture is a /Formula, not a /Figure


def _baseline(page: pdfplumber.page.Page, char: dict) -> float:
    return float(page.height - char["matrix"][5])


def test_inline_formulas_sit_on_the_baseline_at_text_size() -> None:
    r"""π in "expect, $\pi^e_t$, on" rests on the line's baseline and is as tall as the text's x-height."""
    with pdfplumber.open(io.BytesIO(pdf_bytes(ENGLISH))) as pdf:
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["size"])
        i = next(i for i, w in enumerate(words) if w["text"] == "expect," and words[i + 1]["text"] == ",")
        before, after = words[i], words[i + 1]
        line = [c for c in page.chars if abs(c["top"] - before["top"]) < 1]
        baseline = _baseline(page, line[0])
        size = before["size"]
        ink = [c for c in page.curves if before["x1"] < c["x0"] and c["x1"] < after["x0"]
               and before["top"] - size < c["top"] < before["bottom"] + size]
        assert ink, "no formula drawn between 'expect,' and 'on'"
        pi = min(ink, key=lambda c: c["x0"])  # the π, a letter without descender
        assert abs(pi["bottom"] - baseline) < 0.6, (pi["bottom"], baseline)
        assert 0.35 * size < pi["bottom"] - pi["top"] < 0.6 * size
        # the superscript and subscript stay within the line's own height
        assert all(before["top"] - 0.3 * size < c["top"] and c["bottom"] < before["bottom"] + 0.3 * size
                   for c in ink)


def test_display_formulas_are_centred_on_their_own_line() -> None:
    with pdfplumber.open(io.BytesIO(pdf_bytes(ENGLISH))) as pdf:
        page = next(p for p in pdf.pages if "supply\nshocks" in (p.extract_text() or "").replace(" ", "\n"))
        words = page.extract_words()
        left, right = min(w["x0"] for w in words), max(w["x1"] for w in words if not w["text"].isdigit())
        above = next(w for w in words if w["text"] == "shocks")
        below = next(w for w in words if w["text"] == "slope" and w["top"] > above["bottom"])
        ink = [c for c in page.curves if above["bottom"] < c["top"] and c["bottom"] < below["top"]]
        assert ink
        # nothing else is set on the formula's line
        assert not [w for w in words if above["bottom"] < w["top"] and w["bottom"] < below["top"]]
        x0, x1 = min(c["x0"] for c in ink), max(c["x1"] for c in ink)
        assert abs((x0 + x1) / 2 - (left + right) / 2) < 3, (x0, x1, left, right)
        # the text after it continues the paragraph: it opens at the margin, not indented
        after = [w for w in words if abs(w["top"] - below["top"]) < 1]
        assert abs(min(w["x0"] for w in after) - left) < 0.5


def test_print_rebuilds_are_identical() -> None:
    article = articlekit.load(ENGLISH)
    assert articlekit.to_pdf(article) == pdf_bytes(ENGLISH)


# ---------------------------------------------------------------------------
# The validators


@pytest.mark.slow
def test_the_web_pages_and_books_with_formulas_pass_the_validators(tmp_path: Path) -> None:
    """Nu (MathML in HTML), EPUBCheck (MathML declared in the OPF) and Ace (described math) find nothing."""
    pages, books = [], []
    for source in SOURCES:
        article = loaded(source)
        pages.append(tmp_path / f"{source.stem}.html")
        pages[-1].write_text(articlekit.to_html(article), encoding="utf-8")
        books.append(tmp_path / f"{source.stem}.epub")
        books[-1].write_bytes(articlekit.to_epub(article))
    assert nu_check(pages) == []
    assert epubcheck(books) == {book: [] for book in books}
    assert ace(books) == {book: [] for book in books}


def test_print_rebuilds_in_another_process_are_identical(tmp_path: Path) -> None:
    """The SVG of each formula depends only on its MathML: a new process, another hash seed, the same bytes."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "articlekit", "build", str(ENGLISH), "-t", "pdf", "-o", str(out), "-q"],
                       check=True, env=env)
        outputs.append((out / f"{ENGLISH.stem}.pdf").read_bytes())
    assert outputs[0] == outputs[1] == pdf_bytes(ENGLISH)


def test_an_editions_print_book_tags_its_articles_formulas() -> None:
    """An article's formulas are ``/Formula`` elements in an edition's print book too."""
    import datetime as dt

    from articlekit.model.edition import Edition, EditionArticle, EditionSection
    from articlekit.writers.pdf.edition import edition_to_pdf

    source = SOURCES[0]
    article = loaded(source)
    edition = Edition(path=FIXTURES / "math" / "anthology.yaml", title="Prices and wages", date=dt.date(2024, 5, 1),
                      sections=(EditionSection(None, (EditionArticle(source.stem, article),)),))
    data, _pages = edition_to_pdf(edition)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        formulas, figures = _tagged(pdf, "/Formula"), _tagged(pdf, "/Figure")
    assert formulas == [tex.strip() for _, tex in formulas_in(article)]
    assert not set(figures) & set(formulas)


def test_formula_ids_step_around_the_source_ids(tmp_path: Path) -> None:
    source = tmp_path / "ids.md"
    source.write_text("---\ntitle: Ids\ndate: 2024-01-15\nauthors: [Ann Example]\nlicense: CC BY 4.0\n---\n\n"
                      "Before $a$.\n\n## Method {#eq1}\n\nThen\n\n$$b = c$$\n\nand $m1$.\n", encoding="utf-8")
    root = etree.fromstring(articlekit.to_jats(articlekit.load(source)))
    assert root.xpath("//sec/@id") == ["eq1"]
    assert root.xpath("//inline-formula/@id | //disp-formula/@id") == ["eq2", "eq3", "eq4"]
    assert [m.get("id") for m in root.iterfind(".//mml:math", MML)] == ["m1", "m2", "m3"]
