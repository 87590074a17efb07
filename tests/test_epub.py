"""The EPUB writer, judged by EPUBCheck 5.3 and Ace by DAISY and by reading the book back.

The books are built once per session (the first article through the command
line, the fixtures through the API) and every validator checks all of them in
one go: EPUBCheck in a single JVM, Ace two books at a time.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

import articlekit
from articlekit.cli import main as cli_main
from articlekit.errors import ArticleError, ArticlekitError
from articlekit.options import WriteOptions
from articlekit.writers import epub as epub_writer
from articlekit.writers.epub.package import build_moment, stable_identifier
from articlekit.writers.epub.resources import check_svg, collect_images, sniff_media_type
from articlekit.writers.epub.xhtml import append_html, new_document, serialise
from seed import SAMPLE, SLUG, normalise, note_texts, sentences
from validators import ROOT
from validators_epub import ace, epubcheck_reports, problems_in

FIXTURES = ROOT / "tests" / "fixtures"
EDGE = FIXTURES / "epub" / "edge-cases.md"

NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


# ---------------------------------------------------------------------------
# Reading a book back


@dataclass
class Book:
    path: Path
    data: bytes

    @functools.cached_property
    def zip(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(io.BytesIO(self.data))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    @functools.cached_property
    def opf(self) -> etree._Element:
        return self.xml("EPUB/content.opf")

    def meta(self, prop: str, refines: str | None = None) -> list[str]:
        query = f"//opf:meta[@property='{prop}']" + (f"[@refines='#{refines}']" if refines else "")
        return [m.text for m in self.opf.xpath(query, namespaces=NS)]

    def dc(self, name: str) -> list[etree._Element]:
        return self.opf.xpath(f"//dc:{name}", namespaces=NS)

    @functools.cached_property
    def spine(self) -> list[str]:
        """Content documents in reading order (linear ones), as paths inside the zip."""
        hrefs = {i.get("id"): i.get("href") for i in self.opf.iterfind(".//opf:item", NS)}
        refs = self.opf.iterfind(".//opf:itemref", NS)
        return [f"EPUB/{hrefs[r.get('idref')]}" for r in refs if r.get("linear") != "no"]

    @functools.cached_property
    def text_docs(self) -> list[str]:
        return [n for n in self.spine if re.match(r"EPUB/text(-\d+)?\.xhtml$", n)]

    def doc(self, name: str) -> etree._Element:
        return self.xml(name if name.startswith("EPUB/") else f"EPUB/{name}")

    def reading_text(self, names: list[str]) -> str:
        """The text a reader reads, without note numbers or back-link marks."""
        parts = []
        for name in names:
            body = self.doc(name).find("h:body", NS)
            parts.append(_text_without(body, _marks))
        return normalise(" ".join(parts))

    def target(self, from_doc: str, href: str) -> tuple[str, etree._Element | None]:
        """Resolve a link made in ``from_doc``: (document, element with the id)."""
        file, _, frag = href.partition("#")
        name = f"EPUB/{file}" if file else from_doc
        root = self.doc(name)
        found = root.xpath(f"//*[@id='{frag}']") if frag else [root]
        return name, (found[0] if found else None)


def _marks(el: etree._Element) -> bool:
    """Note numbers and back-link arrows: not part of the text a reader reads."""
    return el.get("class") == "noteref" or el.get("role") == "doc-backlink"


def _text_without(el: etree._Element, skip) -> str:
    out = []

    def walk(node: etree._Element) -> None:
        if skip(node):
            out.append(node.tail or "")
            return
        out.append(node.text or "")
        for child in node:
            walk(child)
        out.append(node.tail or "")

    out.append(el.text or "")
    for child in el:
        walk(child)
    return "".join(out)


# ---------------------------------------------------------------------------
# Session fixtures: build everything once, validate everything once


def _build(path: Path, **options) -> Book:
    article = articlekit.load(path, allow_remote=options.get("allow_remote", False))
    return Book(path, articlekit.to_epub(article, **options))


def _long_source(tmp: Path) -> Path:
    """The edge-case article padded with paragraphs until its body is split into files."""
    folder = tmp / "long"
    folder.mkdir()
    shutil.copy(EDGE.parent / "chart.svg", folder / "chart.svg")
    text = EDGE.read_text(encoding="utf-8")
    filler = " ".join(
        f"Sentence {i} of a paragraph that makes the article long enough for its own files." for i in range(1, 30)
    )
    padded = []
    for line in text.split("\n"):
        padded.append(line)
        if line.startswith("## "):
            padded.extend(["", *[f"Paragraph {n}. {filler}\n" for n in range(1, 12)]])
    source = folder / "long-article.md"
    source.write_text("\n".join(padded), encoding="utf-8")
    return source


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first article, built with the command line: ``articlekit build sources/ -t epub -o DIR``."""
    out = tmp_path_factory.mktemp("epub-cli")
    assert cli_main(["build", str(SAMPLE.parent), "-t", "epub", "-o", str(out), "-q"]) == 0
    return out


@pytest.fixture(scope="session")
def books(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Book]:
    path = sample_dir / f"{SLUG}.epub"
    built = {"sample": Book(path, path.read_bytes())}
    for name, source in {
        "kitchen-sink": FIXTURES / "articles" / "kitchen-sink.md",
        "hangul": FIXTURES / "articles" / "hangul.md",
        "journal": FIXTURES / "journal" / "journal-article.md",
        "edge-cases": EDGE,
        "plain-rtl": EDGE.parent / "plain-rtl.md",
        "long": _long_source(tmp_path_factory.mktemp("epub-long")),
    }.items():
        built[name] = _build(source)
    out = tmp_path_factory.mktemp("epub-books")
    for name, book in built.items():
        if name != "sample":
            book.path = out / f"{name}.epub"
            book.path.write_bytes(book.data)
    return built


def _rewrite(data: bytes, changes: dict[str, bytes], *, mimetype_second: bool = False) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    infos = src.infolist()
    if mimetype_second:
        infos[0], infos[1] = infos[1], infos[0]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in infos:
            body = changes.get(info.filename, src.read(info.filename))
            compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(info.filename, body, compress_type=compress)
    return out.getvalue()


@pytest.fixture(scope="session")
def broken(books: dict[str, Book], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Deliberately broken copies of the first article's book."""
    good = books["sample"]
    notes = good.zip.read("EPUB/notes.xhtml").replace(b'id="fn3"', b'id="fn3-gone"')
    text = good.zip.read("EPUB/text.xhtml").replace(b"</p>", b'<img src="images/missing.png"/></p>', 1)
    out = tmp_path_factory.mktemp("epub-broken")
    variants = {
        # a note reference whose note is gone, an image with no alt text that is not in the book
        "content": _rewrite(good.data, {"EPUB/notes.xhtml": notes, "EPUB/text.xhtml": text}),
        # the mimetype entry not first: not an EPUB container any more
        "container": _rewrite(good.data, {}, mimetype_second=True),
        # valid, but worth a usage message (so the runner is shown to report at usage level)
        "usage": _rewrite(good.data, {"EPUB/styles/epub.css": good.zip.read("EPUB/styles/epub.css")
                                      + b'@font-face { font-family: "Reader"; src: local("Georgia"); }\n'}),
    }
    paths = {}
    for name, data in variants.items():
        paths[name] = out / f"broken-{name}.epub"
        paths[name].write_bytes(data)
    return paths


@pytest.fixture(scope="session")
def epubcheck_results(books: dict[str, Book], broken: dict[str, Path]) -> dict[str, dict]:
    paths = {name: b.path for name, b in books.items()} | {f"broken-{n}": p for n, p in broken.items()}
    reports = epubcheck_reports(list(paths.values()))
    return {name: reports[p] for name, p in paths.items()}


@pytest.fixture(scope="session")
def ace_results(books: dict[str, Book], broken: dict[str, Path]) -> dict[str, list[str]]:
    # Ace takes a browser start per book: the books that add something for it (the long one
    # carries the edge cases, split into files), and one broken book.
    paths = {name: books[name].path for name in ACE_BOOKS} | {"broken-content": broken["content"]}
    results = ace(list(paths.values()))
    return {name: results[p] for name, p in paths.items()}


# ---------------------------------------------------------------------------
# Validators

BOOK_NAMES = ["sample", "kitchen-sink", "hangul", "journal", "edge-cases", "plain-rtl", "long"]
ACE_BOOKS = ["sample", "kitchen-sink", "hangul", "long"]


@pytest.mark.slow
@pytest.mark.parametrize("name", BOOK_NAMES)
def test_epubcheck_reports_nothing(name: str, epubcheck_results: dict[str, dict]) -> None:
    report = epubcheck_results[name]
    checker = report["checker"]
    problems = problems_in(report)
    assert (checker["nFatal"], checker["nError"], checker["nWarning"], checker["nUsage"]) == (0, 0, 0, 0), problems
    assert checker["checkerVersion"].startswith("5.3")
    assert report["publication"]["ePubVersion"] == "3.3"


@pytest.mark.slow
def test_epubcheck_fails_a_broken_book(epubcheck_results: dict[str, dict]) -> None:
    content = {m["ID"] for m in epubcheck_results["broken-content"]["messages"] if m["severity"] in ("ERROR", "FATAL")}
    assert "RSC-012" in content  # fragment identifier not defined: the note link is broken
    assert "RSC-007" in content  # referenced resource missing: the image
    container = {m["ID"] for m in epubcheck_results["broken-container"]["messages"]}
    assert "PKG-006" in container  # mimetype entry missing or not first
    usage = epubcheck_results["broken-usage"]
    assert usage["checker"]["nUsage"] == 1 and problems_in(usage)[0].startswith("USAGE CSS-028")


@pytest.mark.slow
def test_epubcheck_problem_lines(epubcheck_results: dict[str, dict]) -> None:
    """The one-line-per-problem form the runner gives other suites keeps the message id and place."""
    assert problems_in(epubcheck_results["sample"]) == []
    lines = problems_in(epubcheck_results["broken-content"])
    assert any(line.startswith("ERROR RSC-012") and "text.xhtml" in line for line in lines)


@pytest.mark.slow
@pytest.mark.parametrize("name", ACE_BOOKS)
def test_ace_reports_no_violation(name: str, ace_results: dict[str, list[str]]) -> None:
    assert ace_results[name] == []


@pytest.mark.slow
def test_ace_flags_a_broken_book(ace_results: dict[str, list[str]]) -> None:
    assert any("image-alt" in p for p in ace_results["broken-content"]), ace_results["broken-content"]


# ---------------------------------------------------------------------------
# The first article


def test_cli_writes_the_book(sample_dir: Path) -> None:
    assert (sample_dir / f"{SLUG}.epub").is_file()
    leftovers = [p for p in sample_dir.iterdir() if p.name.startswith(".") and p.name != ".articlekit-manifest.json"]
    assert not leftovers  # no temporary file left behind


def test_package_metadata(books: dict[str, Book]) -> None:
    book = books["sample"]
    opf = book.opf
    assert opf.get(XML_LANG) == "en"
    assert opf.get("version") == "3.0"
    assert opf.get("prefix") is None  # no reserved prefix declared again
    assert [t.text for t in book.dc("title")] == ["How North Korea controls its Internet"]
    assert [c.text for c in book.dc("creator")] == ["Gehan Ghofari"]
    assert book.meta("role", "author-1") == ["aut"]
    assert book.meta("file-as", "author-1") == ["Ghofari, Gehan"]
    editors = book.dc("contributor")
    assert [e.text for e in editors] == ["Atin Prabandari, MA(IR)", "Viyasa Rahyaputra, S.IP"]
    for e in editors:
        role = opf.xpath(f"//opf:meta[@refines='#{e.get('id')}'][@property='role']", namespaces=NS)
        assert [(r.text, r.get("scheme")) for r in role] == [("edt", "marc:relators")]
    assert book.meta("file-as", "editor-1") == ["Prabandari, Atin"]
    assert [d.text for d in book.dc("date")] == ["2018-05-21"]
    assert [d.text for d in book.dc("language")] == ["en"]
    assert book.meta("dcterms:modified") == ["2018-05-21T00:00:00Z"]
    (description,) = book.dc("description")
    assert description.text.startswith("When other communist countries")

    (ident,) = book.dc("identifier")
    assert opf.get("unique-identifier") == ident.get("id")
    assert ident.text == stable_identifier(articlekit.load(SAMPLE))
    assert uuid.UUID(ident.text.removeprefix("urn:uuid:")).version == 5


def test_accessibility_metadata(books: dict[str, Book]) -> None:
    book = books["sample"]
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    features = book.meta("schema:accessibilityFeature")
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(features)
    assert book.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = book.meta("schema:accessibilitySummary")
    assert "WCAG 2.1 Level AA" in summary
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]

    pictures = books["kitchen-sink"]
    assert pictures.meta("schema:accessMode") == ["textual", "visual"]
    assert "alternativeText" in pictures.meta("schema:accessibilityFeature")
    assert pictures.meta("schema:accessModeSufficient") == ["textual", "textual,visual"]


def test_ten_notes_linked_both_ways(books: dict[str, Book]) -> None:
    book = books["sample"]
    notes_doc = book.doc("notes.xhtml")
    (section,) = notes_doc.xpath("//h:section[@role='doc-endnotes']", namespaces=NS)
    assert section.get(EPUB_TYPE) == "endnotes"
    items = section.xpath("h:ol/h:li", namespaces=NS)
    assert [li.get("id") for li in items] == [f"fn{n}" for n in range(1, 11)]
    assert not notes_doc.xpath("//*[@role='doc-endnote']")
    assert all(li.get(EPUB_TYPE) is None for li in items)

    refs = [(name, a) for name in book.text_docs for a in book.doc(name).iterfind(".//h:a[@role='doc-noteref']", NS)]
    assert [a.text for _, a in refs] == [str(n) for n in range(1, 11)]
    for name, a in refs:
        assert a.get(EPUB_TYPE) == "noteref"
        assert a.getparent().tag == f"{{{NS['h']}}}sup"  # the link inside the superscript
        target_doc, note = book.target(name, a.get("href"))
        assert target_doc == "EPUB/notes.xhtml" and note is not None and note.tag.endswith("li")
        back = note.xpath(f".//h:a[@role='doc-backlink'][substring-after(@href, '#') = '{a.get('id')}']",
                          namespaces=NS)
        assert len(back) == 1, a.get("id")
        assert back[0].get(EPUB_TYPE) == "backlink"
        back_doc, ref = book.target("EPUB/notes.xhtml", back[0].get("href"))
        assert back_doc == name and ref is not None and ref.get("role") == "doc-noteref" and ref.text == a.text

    sups = book.doc("text.xhtml").xpath("//h:sup[@class='noteref']", namespaces=NS)
    # Each cluster opens with a word joiner that glues it to the word before it.
    texts = ["".join(s.itertext()).removeprefix("\u2060") for s in sups]
    assert texts == ["1", "2", "3", "4", "5", "6,7", "8", "9", "10"]


def test_backlinks_open_each_note(books: dict[str, Book]) -> None:
    """Back-links come first in the note, inside its paragraph, so pop-ups show this note alone."""
    for li in books["kitchen-sink"].doc("notes.xhtml").iterfind(".//h:li", NS):
        first = li[0]
        assert first.tag == f"{{{NS['h']}}}p" and not (li.text or "").strip()
        assert first[0].get("role") == "doc-backlink" and not (first.text or "").strip()


def test_every_seed_sentence_and_note(books: dict[str, Book]) -> None:
    book = books["sample"]
    text = book.reading_text(book.text_docs)
    missing = [s for s in sentences() if normalise(s) not in text]
    assert not missing
    notes = book.reading_text(["notes.xhtml"])
    assert [t for t in note_texts() if normalise(t) not in notes] == []
    title = book.reading_text(["title.xhtml"])
    for line in ("How North Korea controls its Internet",
                 "Editors: Atin Prabandari, MA(IR) and Viyasa Rahyaputra, S.IP", "21 May 2018"):
        assert line in title
    assert "Foreign Policy" not in title  # a credit with no picture, which the house did not ask for


def test_navigation(books: dict[str, Book]) -> None:
    book = books["sample"]
    nav = book.doc("nav.xhtml")
    (toc,) = nav.xpath("//h:nav[@epub:type='toc']", namespaces=NS)
    labels = [a.text for a in toc.iterfind(".//h:a", NS)]
    assert labels[0] == "How North Korea controls its Internet"
    assert labels[-1] == "Notes"
    assert labels[4] == ("How will the future peace projection with South Korea\u00a0implicate"
                         " the state of digital democracy in the North?")
    for a in toc.iterfind(".//h:a", NS):
        assert book.target("EPUB/nav.xhtml", a.get("href"))[1] is not None
    landmarks = nav.xpath("//h:nav[@epub:type='landmarks']//h:a", namespaces=NS)
    assert [a.get(EPUB_TYPE) for a in landmarks] == ["titlepage", "toc", "bodymatter", "endnotes"]
    assert not nav.xpath("//h:nav[@epub:type='page-list']", namespaces=NS)
    ncx = book.xml("EPUB/toc.ncx")
    assert [t.text for t in ncx.iterfind(".//ncx:navLabel/ncx:text", NS)] == labels
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content") == book.dc("identifier")[0].text
    assert all(p.get("playOrder") for p in ncx.iterfind(".//ncx:navPoint", NS))


def test_no_note_number_reaches_the_navigation(books: dict[str, Book]) -> None:
    book = books["edge-cases"]
    nav_labels = [a.text for a in book.doc("nav.xhtml").iterfind(".//h:nav/h:ol//h:a", NS)]
    assert "A heading that carries a note" in nav_labels
    ncx_labels = [t.text for t in book.xml("EPUB/toc.ncx").iterfind(".//ncx:text", NS)]
    assert "A heading that carries a note" in ncx_labels
    heading = book.doc("text.xhtml").xpath("//h:section[@id='noted-heading']/h:h2", namespaces=NS)[0]
    assert heading.xpath("h:sup/h:a[@epub:type='noteref']", namespaces=NS)  # the heading itself keeps it


# ---------------------------------------------------------------------------
# Reproducible


def _zip_layout(data: bytes) -> list[tuple]:
    return [(i.filename, i.compress_type, i.date_time, i.external_attr, i.create_system, i.extra)
            for i in zipfile.ZipFile(io.BytesIO(data)).infolist()]


def test_byte_identical_across_builds(books: dict[str, Book], tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert cli_main(["build", str(SAMPLE.parent), "-t", "epub", "-o", str(again), "-q"]) == 0
    assert (again / f"{SLUG}.epub").read_bytes() == books["sample"].data

    # Another process, another time zone and working folder, the same bytes.
    env = dict(os.environ, TZ="Pacific/Kiritimati")
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = subprocess.run([sys.executable, "-m", "articlekit", "build", str(SAMPLE.parent), "-t", "epub", "-o",
                           str(tmp_path / "elsewhere"), "-q"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "elsewhere" / f"{SLUG}.epub").read_bytes() == books["sample"].data


def test_container_layout(books: dict[str, Book]) -> None:
    for book in books.values():
        layout = _zip_layout(book.data)
        assert layout[0][:2] == ("mimetype", zipfile.ZIP_STORED)
        assert book.zip.read("mimetype") == b"application/epub+zip"
        assert layout[1][0] == "META-INF/container.xml"
        assert {entry[2:] for entry in layout} == {(layout[0][2], 0o100644 << 16, 3, b"")}
    assert _zip_layout(books["sample"].data)[0][2] == (2018, 5, 21, 0, 0, 0)


def test_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    article = articlekit.load(SAMPLE)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = Book(SAMPLE, articlekit.to_epub(article))
    assert book.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert {i.date_time for i in book.zip.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ArticlekitError, match="SOURCE_DATE_EPOCH"):
        articlekit.to_epub(article)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_moment(article) == dt.datetime(2018, 5, 21, tzinfo=dt.UTC)


# ---------------------------------------------------------------------------
# Other sources


def test_kitchen_sink(books: dict[str, Book]) -> None:
    book = books["kitchen-sink"]
    assert book.opf.get(XML_LANG) == "en-GB"
    (ident,) = book.dc("identifier")
    assert ident.text == "urn:doi:10.5555/articlekit.2024.001"
    assert book.meta("identifier-type", "pub-id") == ["06"]
    assert [t.text for t in book.dc("title")] == ["A kitchen-sink article for every writer",
                                                  "Lists, tables, quotes, code, images and notes"]
    assert [s.text for s in book.dc("subject")] == ["testing", "endnotes", "typesetting"]
    assert [r.text for r in book.dc("rights")] == ["CC BY 4.0"]
    assert [p.text for p in book.dc("publisher")] == ["Institute of International Studies"]
    assert len(book.dc("contributor")) == 3

    (cover,) = book.opf.xpath("//opf:item[@properties='cover-image']", namespaces=NS)
    assert cover.get("href") == "images/figure.png" and cover.get("media-type") == "image/png"
    assert book.zip.read("EPUB/images/figure.png") == (FIXTURES / "articles" / "figure.png").read_bytes()
    assert book.spine[0] == "EPUB/cover.xhtml"
    (img,) = book.doc("cover.xhtml").iterfind(".//h:img", NS)
    assert img.get("alt") == "Diagonal red lines over a beige ground with a dark blue block."
    figure_img = book.doc("text.xhtml").find(".//h:figure/h:img", NS)
    assert figure_img.get("src") == "images/figure.png"  # one file for the cover and the figure

    zeta = book.doc("notes.xhtml").xpath("//h:li[@id='fn1']//h:a[@role='doc-backlink']/@href", namespaces=NS)
    assert zeta == ["text.xhtml#fnref1", "text.xhtml#fnref1-2", "text.xhtml#fnref1-3"]
    assert book.doc("text.xhtml").xpath("//h:sup[@class='noteref'][h:a[@id='fnref4']][h:a[@id='fnref5']]",
                                        namespaces=NS)
    items = book.doc("notes.xhtml").xpath("//h:li", namespaces=NS)
    assert [normalise(_text_without(li, lambda e: e.get("role") == "doc-backlink")) for li in items][2:5] == [
        "An inline note, written in place.", "Ibid.", "Ibid."]


def test_hangul(books: dict[str, Book]) -> None:
    book = books["hangul"]
    assert book.opf.get(XML_LANG) == "ko"
    assert book.meta("file-as", "author-1") == ["김, 민준"]
    assert [c.text for c in book.dc("contributor")] == ["이서연, 박사"]
    for name in book.spine:
        assert book.doc(name).get("lang") == "ko" and book.doc(name).get(XML_LANG) == "ko"
    heading = book.doc("notes.xhtml").find(".//h:h2", NS)
    assert heading.text == "주" and heading.get("lang") is None  # the book's own words are in Korean too
    assert "휴대전화는 이전에는 엘리트들의 사치스러운 특권이었다." in book.reading_text(book.text_docs)


def test_journal(books: dict[str, Book]) -> None:
    book = books["journal"]
    assert book.meta("belongs-to-collection") == ["Global Insights Review"]
    assert book.meta("dcterms:identifier", "collection") == ["urn:issn:2686-1887"]
    assert [r.text for r in book.dc("rights")] == ["https://creativecommons.org/licenses/by/4.0/"]
    assert "Picture: Foreign Policy" in book.reading_text(["title.xhtml"])


def test_right_to_left_without_notes_or_sections(books: dict[str, Book]) -> None:
    book = books["plain-rtl"]
    assert (book.opf.get(XML_LANG), book.opf.get("dir")) == ("ar", "rtl")
    assert book.opf.find("opf:spine", NS).get("page-progression-direction") == "rtl"
    assert book.spine == ["EPUB/title.xhtml", "EPUB/text.xhtml"]  # no notes document without notes
    for name in book.spine:
        assert book.doc(name).get("dir") == "rtl"
    (time,) = book.doc("title.xhtml").iterfind(".//h:time", NS)
    assert (time.text, time.get("lang"), time.get("dir")) == ("15 يناير 2019", None, None)  # the date in Arabic
    nav = book.doc("nav.xhtml")
    assert [a.get("href") for a in nav.iterfind(".//h:nav[@id='toc']//h:a", NS)] == ["title.xhtml"]
    assert [a.get(EPUB_TYPE) for a in nav.iterfind(".//h:nav[@id='landmarks']//h:a", NS)] == [
        "titlepage", "toc", "bodymatter"]


def test_links(books: dict[str, Book]) -> None:
    book = books["edge-cases"]
    text = book.doc("text.xhtml")
    hrefs = [a.get("href") for a in text.iterfind(".//h:a", NS) if a.get("role") != "doc-noteref"]
    assert hrefs == ["#the-last-section", "https://doi.org/10.1000/182", "#noted-heading"]
    lede = book.reading_text(["text.xhtml"])
    assert "to a place that does not exist (nowhere), to a page of the web site that is not in the book" in lede
    (span,) = text.xpath("//h:span[@lang='fr']", namespaces=NS)
    assert span.get(XML_LANG) == "fr"
    assert book.opf.xpath("//opf:item[@href='images/chart.svg']/@media-type", namespaces=NS) == ["image/svg+xml"]


def test_long_article_is_split_at_sections(books: dict[str, Book]) -> None:
    book = books["long"]
    assert book.text_docs == ["EPUB/text-01.xhtml", "EPUB/text-02.xhtml", "EPUB/text-03.xhtml"]
    assert book.doc("text-02.xhtml").find(".//h:title", NS).text == "Before the end"
    # Every note reference finds its note, and every back-link its reference, across the files.
    refs = 0
    for name in book.text_docs:
        for a in book.doc(name).iterfind(".//h:a[@role='doc-noteref']", NS):
            refs += 1
            _, note = book.target(name, a.get("href"))
            assert note is not None
            back = [b for b in note.iterfind(".//h:a[@role='doc-backlink']", NS)
                    if b.get("href").endswith("#" + a.get("id"))]
            assert [b.get("href") for b in back] == [f"{name.removeprefix('EPUB/')}#{a.get('id')}"]
    assert refs == 6
    backlinks = book.doc("notes.xhtml").xpath("//h:li[@id='fn1']//h:a/@href", namespaces=NS)
    assert backlinks == ["text-01.xhtml#fnref1", "text-02.xhtml#fnref1-2", "text-03.xhtml#fnref1-3"]
    # Cross-references between sections follow them into their files.
    links = {a.text: a.get("href") for name in book.text_docs for a in book.doc(name).iterfind(".//h:a[@href]", NS)}
    assert links["the last section"] == "text-03.xhtml#the-last-section"
    assert links["the heading with a note"] == "text-01.xhtml#noted-heading"
    toc = [a.get("href") for a in book.doc("nav.xhtml").iterfind(".//h:nav[@id='toc']//h:a", NS)]
    assert toc == ["title.xhtml", "text-01.xhtml#noted-heading", "text-02.xhtml#before-the-end",
                   "text-03.xhtml#the-last-section", "notes.xhtml"]


def test_short_article_is_one_file(books: dict[str, Book]) -> None:
    assert books["sample"].text_docs == ["EPUB/text.xhtml"]
    assert len(books["sample"].data) < epub_writer.SPLIT_BYTES * 2


# ---------------------------------------------------------------------------
# Images and safety


def _article_with_image(tmp_path: Path, src: str) -> articlekit.model.Article:
    article = articlekit.load(FIXTURES / "articles" / "hangul.md")  # an article without pictures
    article.path = tmp_path / "article.md"
    article.body.append({"t": "Para", "c": [{"t": "Image", "c": [["", [], []], [], [src, ""]]}]})
    return article


def test_images_only_from_the_source_folder(tmp_path: Path) -> None:
    (tmp_path / "inside").mkdir()
    shutil.copy(FIXTURES / "articles" / "figure.png", tmp_path / "outside.png")
    article = _article_with_image(tmp_path / "inside", "../outside.png")
    with pytest.raises(ArticleError, match="outside the source's folder"):
        collect_images(article)
    (tmp_path / "inside" / "link.png").symlink_to(tmp_path / "outside.png")
    with pytest.raises(ArticleError, match="outside"):
        collect_images(_article_with_image(tmp_path / "inside", "link.png"))
    with pytest.raises(ArticleError, match="refused"):
        collect_images(_article_with_image(tmp_path / "inside", "https://example.org/x.png"))


def test_image_types(tmp_path: Path) -> None:
    (tmp_path / "notes.png").write_text("not a picture", encoding="utf-8")
    with pytest.raises(ArticleError, match="PNG, JPEG, GIF, WebP or SVG"):
        collect_images(_article_with_image(tmp_path, "notes.png"))
    assert sniff_media_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff_media_type(b"GIF89a....") == "image/gif"
    assert sniff_media_type(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "script" in check_svg(svg)
    assert "event-handler" in check_svg(b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')
    assert "another resource" in check_svg(
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<image xlink:href="file:///etc/passwd"/></svg>')
    assert check_svg((EDGE.parent / "chart.svg").read_bytes()) is None
    (tmp_path / "bad.svg").write_bytes(svg)
    with pytest.raises(ArticleError, match="script"):
        collect_images(_article_with_image(tmp_path, "bad.svg"))


def test_remote_image_is_packed_only_when_allowed(tmp_path: Path) -> None:
    """With --allow-remote an http(s) image is downloaded into the book (EPUB forbids remote images)."""
    folder = FIXTURES / "articles"

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/figure.png"
        article = _article_with_image(tmp_path, url)
        with pytest.raises(ArticleError, match="allow-remote"):
            collect_images(article)
        book = Book(tmp_path, epub_writer.to_epub(article, WriteOptions(allow_remote=True)))
        assert book.zip.read("EPUB/images/figure.png") == (folder / "figure.png").read_bytes()
        assert book.doc("text.xhtml").xpath("//h:img[@src='images/figure.png']", namespaces=NS)
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------
# XHTML and style


def test_html_fragments_become_well_formed_xhtml() -> None:
    root, body = new_document("en", "T")
    append_html(body, 'lead <p>A&nbsp;B<br>C <img src="x.png" alt="x"> <span lang="de">D</span>'
                      '<!-- gone --> tail\x0b</p> end')
    data = serialise(root)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html>")
    parsed = etree.fromstring(data)
    (p,) = parsed.iterfind(".//h:p", NS)
    assert "".join(p.itertext()) == "A\u00a0BC  D tail"
    assert [el.tag.split("}")[1] for el in p] == ["br", "img", "span"]
    assert p.find("h:span", NS).get(XML_LANG) == "de"
    assert parsed.find("h:body", NS).text == "lead "


def test_stylesheet_is_made_for_e_readers(books: dict[str, Book]) -> None:
    css = books["sample"].zip.read("EPUB/styles/epub.css").decode()
    assert css == (ROOT / "styles" / "epub.css").read_text(encoding="utf-8")
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.search(r"\d(px|pt|cm|mm|in)\b", rules.replace("1px solid", "").replace("2px", ""))
    assert not re.search(r"(?<![-\w])(width|font-size|line-height)\s*:\s*\d+(\.\d+)?(px|pt)", rules)
    families = re.findall(r"font-family\s*:\s*([^;]+);", rules)
    assert families == ["monospace"]  # the reader's own font for the text
    assert not re.search(r"(?<![-\w])(color|background(-color)?)\s*:", rules)  # night modes stay readable
    assert not re.search(r"\bbody\s*\{[^}]*(font-size|margin)", rules)


def test_house_style_replaces_the_stylesheet(tmp_path: Path) -> None:
    (tmp_path / "epub.css").write_text("p { text-indent: 0; }\n", encoding="utf-8")
    article = articlekit.load(SAMPLE)
    book = Book(SAMPLE, articlekit.to_epub(article, styles_dir=tmp_path))
    assert book.zip.read("EPUB/styles/epub.css") == b"p { text-indent: 0; }\n"
