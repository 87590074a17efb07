"""The sample edition as one print book, read back from the PDF: contents, notes, outline, tags, bytes.

The edition (``editions/2018-q2.yaml``: four articles in two sections, a
foreword, an imprint and a cover) is laid out once per module; each test reads
what a reader of the PDF would: the text of its pages (pdftotext), its link
annotations and named destinations, its outline and its structure tree.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pypdf
import pytest

from articlekit.editions.loader import load_edition
from articlekit.model.edition import ArticlePages, Edition
from articlekit.writers.pdf.edition import edition_to_pdf, prefix_ids
from conftest import InPlace
from seed import ROOT
from validators import require
from validators_pdf import pdfua_check

SAMPLE_EDITION = ROOT / "editions" / "2018-q2.yaml"


@pytest.fixture(scope="module")
def edition() -> Edition:
    return load_edition(SAMPLE_EDITION)


@pytest.fixture(scope="module")
def built(edition: Edition, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ArticlePages]]:
    data, pages = edition_to_pdf(edition)
    path = tmp_path_factory.mktemp("edition") / "2018-q2.pdf"
    path.write_bytes(data)
    return path, pages


def page_text(pdf: Path, page: int) -> str:
    """The text of one page (1-based), as pdftotext reads it, its whitespace made single spaces."""
    require("pdftotext (Debian: poppler-utils)", subprocess.run(["which", "pdftotext"], capture_output=True).stdout)
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def links(reader: pypdf.PdfReader) -> Iterator[tuple[int, str]]:
    """``(page, destination name)`` of every internal link annotation, pages counted from 1."""
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and annot.get("/Dest") is not None:
                yield number, str(annot["/Dest"])


def test_the_contents_print_the_pages_where_the_articles_start(
        edition: Edition, built: tuple[Path, list[ArticlePages]]) -> None:
    pdf, pages = built
    total = len(pypdf.PdfReader(pdf).pages)
    texts = {n: page_text(pdf, n) for n in range(1, total + 1)}
    contents = next(n for n, t in texts.items() if t.startswith("Contents"))
    toc = texts[contents]
    for item, placed in zip(edition.articles, pages, strict=True):
        m = item.article.metadata
        title = m.title_text + (f": {m.subtitle_text}" if m.subtitle_text else "")
        # pdftotext joins a word hyphenated at a line's end, dropping its hyphen: compare without them.
        found = re.search(re.escape(" ".join(title.split()).replace("-", "")) + r"[\s.]*?(\d+)\b",
                          toc.replace("-", ""))
        assert found, f"{item.slug} is not in the contents: {toc}"
        listed = int(found[1])
        # The page the contents name is the page the article opens on: its title is there, the
        # page before holds none of it, and the folio printed at its foot is that number.
        opening = texts[listed]
        assert m.title_text.split()[0] in opening and m.authors[0].name in opening, (item.slug, opening[:200])
        # (pdftotext joins a word hyphenated at the page's last line to the folio: "pro-" + "13" reads "pro13".)
        assert re.search(rf"(?<!\d){listed}$", opening), opening[-40:]
        assert placed.first == listed, (item.slug, placed, listed)
        assert listed % 2 == 1, f"{item.slug} opens on a left-hand page ({listed})"
    # A page number never stands on a line of its own (only dots before it) after a long title.
    layout = subprocess.run(["pdftotext", "-layout", "-f", str(contents), "-l", str(contents), str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout
    assert not re.search(r"^[\s.]*\d+\s*$", layout.rsplit("\n", 3)[0], re.MULTILINE), layout


def test_the_contents_leaders_start_after_a_gap_and_follow_two_words_or_more(
        built: tuple[Path, list[ArticlePages]]) -> None:
    import pdfplumber

    pdf, _ = built
    contents = next(n for n in range(1, 10) if page_text(pdf, n).startswith("Contents"))
    with pdfplumber.open(pdf) as doc:
        words = doc.pages[contents - 1].extract_words(extra_attrs=["fontname", "size"])
    lines: dict[int, list[dict]] = {}
    for w in words:
        lines.setdefault(round(w["bottom"]), []).append(w)
    led = 0
    for line in lines.values():
        line.sort(key=lambda w: w["x0"])
        dots = [i for i, w in enumerate(line) if w["text"] == "."]
        if len(dots) < 3:
            continue
        led += 1
        before, first = line[dots[0] - 1], line[dots[0]]
        # The leader starts apart from the title ("GDPR . . ." not "GDPR. . ."), after its last two words.
        assert not before["text"].endswith("."), before["text"]
        assert first["x0"] - before["x1"] >= 0.3 * before["size"], (before["text"], first["x0"] - before["x1"])
        assert dots[0] >= 2, [w["text"] for w in line]
    assert led == 5
    # The title's italics are kept: "the US–China *trade war*".
    fonts = {w["text"]: w["fontname"] for w in words}
    assert "Italic" in fonts["war"] and "Italic" not in fonts["Caught"], fonts


def test_the_page_ranges_are_the_pages_of_each_article(built: tuple[Path, list[ArticlePages]]) -> None:
    pdf, pages = built
    reader = pypdf.PdfReader(pdf)
    dests = reader.named_destinations
    for index, placed in enumerate(pages, start=1):
        assert reader.get_destination_page_number(dests[f"a{index}"]) + 1 == placed.first
        assert reader.get_destination_page_number(dests[f"a{index}-end"]) + 1 == placed.last
        assert placed.first <= placed.last
    for before, after in itertools.pairwise(pages):
        assert before.last < after.first


def test_a_section_named_by_its_part_title_is_not_named_again(built: tuple[Path, list[ArticlePages]]) -> None:
    """The GDPR article runs under "Research" and opens the Research part: its first page says so once (the
    trade war article, second under "Commentary", keeps its own section line)."""
    pdf, pages = built
    first = {p.slug: p.first for p in pages}
    opening = page_text(pdf, first["data-protection-after-the-gdpr"])
    def above(text: str, title: str) -> str:  # what the page prints over the article's title
        return text.split(title)[0].replace(" ", "")

    assert above(opening, "Data protection") == "RESEARCH", opening[:200]
    assert above(page_text(pdf, first["the-trade-war-and-southeast-asia"]), "Caught in") == "COMMENTARY"


def test_notes_restart_at_1_in_each_article_and_link_both_ways(
        edition: Edition, built: tuple[Path, list[ArticlePages]]) -> None:
    pdf, pages = built
    reader = pypdf.PdfReader(pdf)
    dests = {name: reader.get_destination_page_number(d) + 1 for name, d in reader.named_destinations.items()}
    found = list(links(reader))
    with_notes = 0
    for index, (item, placed) in enumerate(zip(edition.articles, pages, strict=True), start=1):
        notes = item.article.notes
        if not notes:
            continue
        with_notes += 1
        inside = range(placed.first, placed.last + 1)
        assert [n.number for n in notes] == list(range(1, len(notes) + 1))
        for note in notes:
            target = f"a{index}-fn{note.number}"
            assert dests[target] in inside, (target, dests[target], placed)
            # A reference links to its note, from a page of the article ...
            assert any(dest == target and page in inside for page, dest in found), f"no link to {target}"
            for ref in note.ref_ids:
                back = f"a{index}-{ref}"
                assert dests[back] in inside
                # ... and the note links back to each reference, from the notes' page.
                assert any(dest == back and page == dests[target] for page, dest in found), f"no link to {back}"
        # Read as text: the notes list of the article begins with 1 on its notes page.
        text = page_text(pdf, dests[f"a{index}-fn1"])
        assert re.search(r"(^| )1\. ", text), text[:300]
    assert with_notes >= 3
    # No link leaves its article: a note of one never leads into another.
    ranges = {f"a{i}-": range(p.first, p.last + 1) for i, p in enumerate(pages, start=1)}
    for page, dest in found:
        prefix = re.match(r"a\d+-", dest)
        if prefix:
            assert page in ranges[prefix[0]], (page, dest)


def test_the_outline_holds_sections_then_articles_then_their_sections(
        edition: Edition, built: tuple[Path, list[ArticlePages]]) -> None:
    reader = pypdf.PdfReader(built[0])
    outline = reader.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top[0] == "Contents"
    for section in edition.sections:
        position = top.index(section.title or "")
        items = [i for i in outline if not isinstance(i, list)]
        children = outline[outline.index(items[position]) + 1]
        assert isinstance(children, list)
        titles = [c.title for c in children if not isinstance(c, list)]
        assert titles == [a.article.metadata.title_text for a in section.articles]
        # Each article's own sections (and its notes) one level further down.
        first_article = children[1]
        assert isinstance(first_article, list) and len(first_article) >= 2


@pytest.mark.slow
def test_the_book_is_tagged_and_passes_pdfua(built: tuple[Path, list[ArticlePages]]) -> None:
    pdf = built[0]
    with pikepdf.open(pdf) as doc:
        assert "/StructTreeRoot" in doc.Root
        assert bool(doc.Root.MarkInfo.Marked)
        assert str(doc.Root.Lang) == "en"
        assert str(doc.Root.PageMode) == "/UseOutlines"
        meta = doc.open_metadata()
        assert meta["dc:title"] == "Southeast Asia in Review: Commentary and research, April–June 2018"
    result = pdfua_check(pdf)
    assert not result.problems, result.report()


def test_rebuilding_gives_the_same_bytes(edition: Edition, built: tuple[Path, list[ArticlePages]]) -> None:
    again, pages = edition_to_pdf(edition)
    assert again == built[0].read_bytes()
    assert pages == built[1]


def test_notes_sharing_a_page_are_edited_in_place_in_the_book_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_place: list[InPlace]) -> None:
    """Articles whose notes have two references on a page (English, Korean, Spanish): each lists that page once
    by an edit of the book's laid-out boxes, and the book is byte for byte the one a second layout makes."""
    import shutil

    from articlekit.writers.pdf import pagination

    fixtures = ROOT / "tests" / "fixtures"
    (tmp_path / "editions").mkdir()
    (tmp_path / "sources").mkdir()
    for source in ("articles/kitchen-sink.md", "articles/figure.png", "articles/hangul.md",
                   "labels/cafe-de-altura.md"):
        shutil.copy(fixtures / source, tmp_path / "sources")
    book = tmp_path / "editions" / "shared.yaml"
    book.write_text("title: Shared pages\nvolume: '1'\nissue: '1'\ndate: 2018-06-30\npublisher: Test\nlang: en\n"
                    "sections:\n  - title: One\n    articles: [kitchen-sink, hangul, cafe-de-altura]\n",
                    encoding="utf-8")
    edition = load_edition(book)
    data, pages = edition_to_pdf(edition)
    assert [edit.notes for edit in in_place] == [3]
    monkeypatch.setattr(pagination, "SUPPORTED", False)
    assert edition_to_pdf(edition) == (data, pages)


def test_ids_are_prefixed_only_inside_tags() -> None:
    html = '<p id="x">See <a href="#fn1" aria-describedby="a b">1</a> and <code>id="kept"</code></p>'
    assert prefix_ids(html, "a2-") == ('<p id="a2-x">See <a href="#a2-fn1" aria-describedby="a2-a a2-b">1</a> '
                                       'and <code>id="kept"</code></p>')
    # A title that holds ">" does not end its tag early.
    assert prefix_ids('<a title="1 > 0" href="#fn2">2</a>', "a1-") == '<a title="1 > 0" href="#a1-fn2">2</a>'


def test_the_cover_fills_the_first_page_and_the_front_pages_carry_no_folio(
        built: tuple[Path, list[ArticlePages]]) -> None:
    import pdfplumber

    with pdfplumber.open(built[0]) as pdf:
        cover = pdf.pages[0]
        [image] = cover.images
        assert image["x0"] <= 0.5 and image["top"] <= 0.5
        assert image["x1"] >= cover.width - 0.5 and image["bottom"] >= cover.height - 0.5
        assert cover.extract_text().strip() == ""
        title_page = pdf.pages[2].extract_text()
        assert title_page.startswith("Southeast Asia in Review")
        assert not title_page.rstrip().endswith("3")


@pytest.mark.slow
def test_the_archival_variant_on_a_smaller_trim_passes_pdfua_too(edition: Edition, tmp_path: Path) -> None:
    data, pages = edition_to_pdf(edition, pdf_variant="pdf/a-3a", page_size="a5")
    path = tmp_path / "2018-q2-a5.pdf"
    path.write_bytes(data)
    result = pdfua_check(path)
    assert not result.problems, result.report()
    with pikepdf.open(path) as doc:
        width = float(doc.pages[0].MediaBox[2])
        assert abs(width - 148 * 72 / 25.4) < 1
        assert doc.open_metadata()["pdfaid:part"] == "3"
    # A smaller page: more pages, and every article still starts on a right-hand one.
    assert all(p.first % 2 == 1 for p in pages)


def test_running_heads_name_the_edition_on_versos_and_the_article_on_rectos(
        edition: Edition, built: tuple[Path, list[ArticlePages]]) -> None:
    import pdfplumber

    def head(page: pdfplumber.page.Page) -> str:
        words = page.extract_words()
        top = min(w["top"] for w in words)
        return " ".join(w["text"] for w in words if w["top"] - top < 2)

    with pdfplumber.open(built[0]) as pdf:
        checked = 0
        for item, placed in zip(edition.articles, built[1], strict=True):
            m = item.article.metadata
            opening = head(pdf.pages[placed.first - 1])
            assert "Southeast Asia in Review" not in opening, opening
            for number in range(placed.first + 1, placed.last + 1):
                text = head(pdf.pages[number - 1])
                if number % 2 == 0:
                    assert text == "Southeast Asia in Review", (number, text)
                else:
                    assert text.startswith(m.title_text.split(":")[0].split()[0]), (number, text)
                    assert text.endswith(m.authors[-1].name.split()[-1]) or "et al." in text, (number, text)
                checked += 1
            # The page left blank before the next article carries nothing at all.
            if placed.last % 2 == 1 and placed.last < len(pdf.pages):
                assert not pdf.pages[placed.last].extract_words()
        assert checked >= 6


def test_a_recto_head_fits_one_line_in_the_articles_language(edition: Edition) -> None:
    import dataclasses

    from articlekit.model import Person
    from articlekit.writers.pdf.edition import RUNNING_HEAD_MAX, running_head

    heads = {item.slug: running_head(item.article) for item in edition.articles}
    assert heads["data-protection-after-the-gdpr"] == (
        "Data protection in Southeast Asia after the GDPR\u2002\u00b7\u2002Prasetyo and Rahman")
    # Indonesian joins two names with "dan"; a one-word name is the whole name.
    assert heads["diplomasi-indonesia-dan-krisis-rohingya"].endswith("Putri dan Suharto")
    article = edition.articles[0].article
    long = dataclasses.replace(article, metadata=dataclasses.replace(
        article.metadata,
        title_text="How mobile telephones, smuggled flash drives and a national intranet shape what North Koreans know",
        authors=(Person("Gehan Ghofari", "Gehan", "Ghofari"), Person("Min-jun Kim", "Min-jun", "Kim"),
                 Person("Suharto"))))
    head = running_head(long)
    assert head.endswith("\u00b7\u2002Ghofari et al.") and head.startswith("How mobile telephones")
    assert "\u2026" in head and len(head) <= RUNNING_HEAD_MAX


@pytest.mark.slow
def test_an_edition_without_sections_cover_or_front_pieces(tmp_path: Path) -> None:
    (tmp_path / "editions").mkdir()
    sources = tmp_path / "sources"
    sources.mkdir()
    for slug, town, author in (("medan", "Medan", "Dewi Lestari"), ("ambon", "Ambon", "Yosef Latuconsina")):
        (sources / f"{slug}.md").write_text(
            f"---\ntitle: Rice prices in {town}\ndate: 2019-08-01\nauthors: [{author}]\nlicense: CC BY 4.0\n---\n\n"
            f"## The dry season\n\nPrices in {town} rose by a third between June and August.[^bps] Traders "
            "blamed the late rains; farmers blamed the traders.\n\n## What the province did\n\n"
            "The province released rice from its reserve in September, and prices fell within a month.[^bps]\n\n"
            "[^bps]: Provincial statistics office, monthly bulletin, October 2019.\n", encoding="utf-8")
    path = tmp_path / "editions" / "rice.yaml"
    path.write_text("title: Rice in 2019\ndate: 2019-12-31\narticles: [medan, ambon]\n", encoding="utf-8")
    edition = load_edition(path)
    data, pages = edition_to_pdf(edition)
    pdf = tmp_path / "rice.pdf"
    pdf.write_bytes(data)
    # Title page, its empty verso, contents, a blank verso, then the articles, each from a recto.
    assert [(p.slug, p.first) for p in pages] == [("medan", 5), ("ambon", 7)]
    reader = pypdf.PdfReader(pdf)
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == ["Contents", "Rice prices in Medan", "Rice prices in Ambon"]
    contents = page_text(pdf, 3)
    assert re.search(r"Rice prices in Medan[\s.]*5 Dewi Lestari Rice prices in Ambon[\s.]*7 Yosef", contents), contents
    assert not pdfua_check(pdf).problems


def test_the_imprint_states_each_identifier_once(built: tuple[Path, list[ArticlePages]]) -> None:
    """The sample imprint's own words give the ISSN and ISBN; the page does not print them again."""
    pdf, _ = built
    imprint = next(t for t in (page_text(pdf, n) for n in range(1, 6)) if "Published by" in t)
    assert imprint.count("2686-1887") == 1 and imprint.count("978-602-5078-13-2") == 1


def test_the_title_page_joins_the_editors_as_the_ebook_does(built: tuple[Path, list[ArticlePages]]) -> None:
    pdf, _ = built
    title = next(t for t in (page_text(pdf, n) for n in range(1, 4)) if "Southeast Asia in Review" in t)
    assert "Ratna Wulandari, PhD and Yohanes Sulistyo, MA" in title
