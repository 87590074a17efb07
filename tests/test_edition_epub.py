"""The edition as one EPUB 3 book, judged by EPUBCheck and Ace and by reading the book back.

Two books are built once per session: the sample edition (``editions/2018-q2.yaml``: cover,
imprint, foreword, four articles under two section titles, one article in Indonesian) and a plain
one (two fixture articles with pictures, no sections, cover or front pieces).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from lxml import etree

import articlekit
from articlekit.editions.loader import load_edition
from articlekit.errors import ArticleError
from articlekit.model.edition import Edition, EditionArticle, EditionSection
from articlekit.options import WriteOptions
from articlekit.writers.epub.edition import build_edition_epub, edition_to_epub
from validators import ROOT
from validators_epub import ace, epubcheck_reports, problems_in

SOURCES = ROOT / "sources"
EDITIONS = ROOT / "editions"
FIXTURES = ROOT / "tests" / "fixtures"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

def sample_edition() -> Edition:
    """The sample edition, as ``articlekit edition editions/2018-q2.yaml`` reads it."""
    return load_edition(EDITIONS / "2018-q2.yaml")


def plain_edition() -> Edition:
    """Fixture articles with pictures of their own, one in Swahili (for which articlekit has no words),
    one with TeX formulas, no section titles, no cover, no front pieces."""
    articles = tuple(EditionArticle(p.stem, articlekit.load(p)) for p in
                     (FIXTURES / "articles" / "kitchen-sink.md", FIXTURES / "journal" / "journal-article.md",
                      FIXTURES / "labels" / "ziwa-la-victoria.md", FIXTURES / "math" / "phillips-curve.md"))
    return Edition(path=FIXTURES / "plain.yaml", title="A plain anthology", date=dt.date(2021, 3, 4),
                   sections=(EditionSection(None, articles),))


@dataclass
class Book:
    path: Path
    data: bytes

    @property
    def zip(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(io.BytesIO(self.data))

    def doc(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(f"EPUB/{name}"))

    @property
    def documents(self) -> dict[str, etree._Element]:
        return {n.removeprefix("EPUB/"): etree.fromstring(self.zip.read(n))
                for n in self.zip.namelist() if n.endswith(".xhtml")}

    @property
    def opf(self) -> etree._Element:
        return etree.fromstring(self.zip.read("EPUB/content.opf"))


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Book]:
    out = tmp_path_factory.mktemp("edition-epub")
    built = {}
    for name, data in (("sample", edition_to_epub(sample_edition())), ("plain", edition_to_epub(plain_edition())),
                       # Every article split at its sections, as the article EPUB splits a long one.
                       ("split", build_edition_epub(sample_edition(), WriteOptions(), split_bytes=1))):
        path = out / f"{name}.epub"
        path.write_bytes(data)
        built[name] = Book(path, data)
    return built


# ---------------------------------------------------------------------------
# Validators


@pytest.fixture(scope="session")
def epubcheck_results(books: dict[str, Book]) -> dict[str, dict]:
    reports = epubcheck_reports([b.path for b in books.values()])
    return {name: reports[b.path] for name, b in books.items()}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sample", "plain", "split"])
def test_epubcheck_reports_nothing_not_even_usage(name: str, epubcheck_results: dict[str, dict]) -> None:
    report = epubcheck_results[name]
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"], checker["nUsage"]) == (0, 0, 0, 0), \
        problems_in(report)
    assert report["publication"]["ePubVersion"] == "3.3"


@pytest.mark.slow
def test_ace_reports_no_violation(books: dict[str, Book]) -> None:
    paths = [books["sample"].path, books["plain"].path]
    assert ace(paths) == {p: [] for p in paths}


# ---------------------------------------------------------------------------
# Notes: numbered per article, linked both ways


def _target(book: Book, here: str, href: str) -> etree._Element | None:
    name, _, fragment = href.partition("#")
    doc = book.documents[name or here]
    found = doc.xpath("//*[@id=$i]", i=fragment)
    return found[0] if found else None


@pytest.mark.parametrize("name", ["sample", "plain", "split"])
def test_notes_restart_at_1_in_each_article_and_link_both_ways(name: str, books: dict[str, Book]) -> None:
    book = books[name]
    docs = book.documents
    articles = sorted({n[:4] for n in docs if re.match(r"a\d\d-", n)})
    assert len(articles) == 4
    for prefix in articles:
        notes = docs[f"{prefix}notes.xhtml"]
        items = notes.xpath("//x:section[@epub:type='endnotes']//x:ol/x:li", namespaces=NS)
        assert [li.get("id") for li in items] == [f"{prefix}fn{n}" for n in range(1, len(items) + 1)]
        refs = [(doc_name, a) for doc_name, root in docs.items() if doc_name.startswith(prefix)
                for a in root.xpath("//x:a[@epub:type='noteref']", namespaces=NS)]
        # The first reference to each note, in reading order, gives the numbers 1, 2, 3 …
        first_seen = list(dict.fromkeys(a.get("href").partition("#")[2] for _, a in refs))
        assert first_seen == [li.get("id") for li in items]
        numbers = list(dict.fromkeys("".join(a.itertext()).strip() for _, a in refs))
        assert numbers == [str(n) for n in range(1, len(items) + 1)]
        for doc_name, a in refs:
            note = _target(book, doc_name, a.get("href"))
            assert note is not None and note.get("id") in {li.get("id") for li in items}, a.get("href")
            # … and the note links back to this very reference.
            backs = note.xpath(".//x:a[@epub:type='backlink']/@href", namespaces=NS)
            assert f"{doc_name}#{a.get('id')}" in backs
        for li in items:
            for href in li.xpath(".//x:a[@epub:type='backlink']/@href", namespaces=NS):
                ref = _target(book, f"{prefix}notes.xhtml", href)
                assert ref is not None and ref.get(EPUB_TYPE) == "noteref", href
                assert ref.get("href").endswith(f"#{li.get('id')}")


def test_each_article_keeps_its_own_notes(books: dict[str, Book]) -> None:
    """Note 1 of each sample article is that article's first note, not another's."""
    docs = books["sample"].documents
    firsts = {p: "".join(docs[f"{p}notes.xhtml"].xpath("//x:li[@id=$i]", namespaces=NS, i=f"{p}fn1")[0].itertext())
              for p in ("a01-", "a02-", "a03-", "a04-")}
    assert "The number grows over time." in firsts["a01-"]
    assert "Office of the United States Trade Representative" in firsts["a02-"]
    assert "Regulation (EU) 2016/679" in firsts["a03-"]
    assert "UNHCR" in firsts["a04-"]


@pytest.mark.parametrize("name", ["sample", "plain", "split"])
def test_ids_are_unique_across_the_book_and_every_link_lands(name: str, books: dict[str, Book]) -> None:
    book = books[name]
    ids = [(n, i) for n, root in book.documents.items() for i in root.xpath("//@id")
           if n not in ("nav.xhtml", "title.xhtml", "cover.xhtml", "imprint.xhtml", "foreword.xhtml")]
    seen = [i for _, i in ids]
    assert len(seen) == len(set(seen)), sorted({i for i in seen if seen.count(i) > 1})
    for doc_name, root in book.documents.items():
        for href in root.xpath("//x:a/@href", namespaces=NS):
            if re.match(r"^[a-z]+:", href):
                continue
            target = href.partition("#")[0] or doc_name
            assert target in book.documents, href
            if "#" in href:
                assert _target(book, doc_name, href) is not None, f"{doc_name}: {href}"


# ---------------------------------------------------------------------------
# Navigation


def _nav_tree(ol: etree._Element) -> list[tuple[str, list]]:
    out = []
    for li in ol.xpath("x:li", namespaces=NS):
        label = "".join(li.xpath("x:a|x:span", namespaces=NS)[0].itertext())
        child = li.xpath("x:ol", namespaces=NS)
        out.append((label, _nav_tree(child[0]) if child else []))
    return out


def test_nav_sections_articles_and_their_headings(books: dict[str, Book]) -> None:
    nav = books["sample"].doc("nav.xhtml")
    toc = _nav_tree(nav.xpath("//x:nav[@epub:type='toc']/x:ol", namespaces=NS)[0])
    assert [label for label, _ in toc] == ["Imprint", "From the editors", "Commentary", "Research"]
    # Sections are headings of the list, not links.
    assert nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li/x:span/text()", namespaces=NS) == ["Commentary", "Research"]
    commentary, research = toc[2][1], toc[3][1]
    assert [t for t, _ in commentary] == ["How North Korea controls its Internet",
                                          "Caught in the middle? Southeast Asia and the US–China trade war"]
    assert [t for t, _ in research] == ["Data protection in Southeast Asia after the GDPR",
                                        "Diplomasi Indonesia dan krisis Rohingya"]
    gdpr = research[0][1]
    assert [t for t, _ in gdpr] == ["A patchwork of laws", "How they compare with the GDPR",
                                    "What firms will feel first", "Towards a regional standard?", "Notes"]
    assert [t for t, _ in gdpr[1][1]] == ["Scope", "Rights of the individual", "Enforcement"]
    # The Indonesian article: its entry in its language, its notes under the authors' own heading.
    rohingya = nav.xpath("//x:li[x:a[@href='a04-title.xhtml']]", namespaces=NS)[0]
    assert rohingya.get("lang") == "id"
    assert research[1][1][-1][0] == "Catatan"
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)
    assert [(a.get(EPUB_TYPE), a.get("href")) for a in landmarks] == [
        ("cover", "cover.xhtml"), ("titlepage", "title.xhtml"), ("copyright-page", "imprint.xhtml"),
        ("toc", "nav.xhtml#toc"), ("foreword", "foreword.xhtml"), ("bodymatter", "a01-title.xhtml"),
    ]


def test_plain_nav_lists_the_articles_at_the_top(books: dict[str, Book]) -> None:
    nav = books["plain"].doc("nav.xhtml")
    top = nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li/*[1]", namespaces=NS)
    assert [a.get("href") for a in top] == [f"a0{n}-title.xhtml" for n in (1, 2, 3, 4)]
    # The Swahili article is marked as such, and the English word over its notes as English.
    swahili = nav.xpath("//x:nav[@id='toc']/x:ol/x:li[3]", namespaces=NS)[0]
    assert swahili.get("lang") == "sw"
    notes = swahili.xpath(".//x:li[x:a[@href='a03-notes.xhtml']]", namespaces=NS)[0]
    assert (notes.get("lang"), "".join(notes.itertext())) == ("en", "Notes")
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert landmarks == ["titlepage", "toc", "bodymatter"]


def test_reading_order(books: dict[str, Book]) -> None:
    opf = books["sample"].opf
    spine = opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)
    assert spine[:5] == ["cover", "titlepage", "imprint", "nav", "foreword"]
    assert spine[5:] == [f"a0{n}-{part}" for n in range(1, 5) for part in ("title", "text", "notes")]


# ---------------------------------------------------------------------------
# Pages


def test_every_article_has_its_own_title_block(books: dict[str, Book]) -> None:
    docs = books["sample"].documents
    page = docs["a04-title.xhtml"]
    assert page.get("lang") == "id"
    text = " ".join("".join(page.itertext()).split())
    assert "Diplomasi Indonesia dan krisis Rohingya" in text
    assert "Rizky Ananda Putri" in text and "Suharto" in text
    assert "Viyasa Rahyaputra, S.IP" in text and "Ratna Wulandari, PhD" in text
    assert "23 April 2018" in text  # the date in Indonesian
    credit = " ".join("".join(docs["a01-title.xhtml"].itertext()).split())
    assert "Foreign Policy" not in credit and "Atin Prabandari, MA(IR)" in credit  # no picture, no credit


def test_edition_title_page_cover_and_front_pieces(books: dict[str, Book]) -> None:
    book = books["sample"]
    title = " ".join("".join(book.doc("title.xhtml").itertext()).split())
    for words in ("Southeast Asia in Review", "Commentary and research, April–June 2018", "Volume 4 · Issue 2",
                  "30 June 2018", "Editors: Ratna Wulandari, PhD and Yohanes Sulistyo, MA",
                  "Institute of International Studies"):
        assert words in title
    cover = book.doc("cover.xhtml").xpath("//x:img", namespaces=NS)[0]
    assert cover.get("alt") == "Southeast Asia in Review: Commentary and research, April–June 2018"
    assert book.zip.read("EPUB/images/cover.png") == (EDITIONS / "2018-q2-cover.png").read_bytes()
    foreword = book.doc("foreword.xhtml")
    assert foreword.xpath("//x:section/@epub:type", namespaces=NS) == ["foreword"]
    assert foreword.xpath("//x:h1/text()", namespaces=NS) == ["From the editors"]  # once, not twice
    assert "Each article keeps its own notes" in "".join(foreword.itertext())
    imprint = " ".join("".join(book.doc("imprint.xhtml").itertext()).split())
    assert "ISSN 2686-1887" in imprint


def test_pictures_of_two_articles_are_filed_apart(books: dict[str, Book]) -> None:
    book = books["plain"]
    images = sorted(n for n in book.zip.namelist() if n.startswith("EPUB/images/"))
    assert images and all(re.match(r"EPUB/images/a0[123]/", n) for n in images), images
    srcs = {s for root in book.documents.values() for s in root.xpath("//x:img/@src", namespaces=NS)}
    assert {f"EPUB/{s}" for s in srcs} == set(images)


# ---------------------------------------------------------------------------
# Package metadata


def test_package_metadata(books: dict[str, Book]) -> None:
    opf = books["sample"].opf
    meta = opf.find("opf:metadata", NS)

    def refined(ident: str, prop: str) -> list[str]:
        return meta.xpath("opf:meta[@refines=$r][@property=$p]/text()", namespaces=NS, r=f"#{ident}", p=prop)

    assert meta.xpath("dc:identifier[@id='pub-id']/text()", namespaces=NS) == ["urn:isbn:9786025078132"]
    assert refined("pub-id", "identifier-type") == ["15"]
    assert meta.xpath("dc:identifier[@id='issn']/text()", namespaces=NS) == ["urn:issn:2686-1887"]
    assert meta.xpath("dc:title/text()", namespaces=NS) == ["Southeast Asia in Review",
                                                            "Commentary and research, April–June 2018"]
    assert meta.xpath("dc:language/text()", namespaces=NS) == ["en", "id"]
    assert meta.xpath("dc:date/text()", namespaces=NS) == ["2018-06-30"]
    assert meta.xpath("dc:publisher/text()", namespaces=NS) == ["Institute of International Studies"]
    creators = meta.xpath("dc:creator", namespaces=NS)
    assert [(c.text, refined(c.get("id"), "role")) for c in creators] == [
        ("Ratna Wulandari, PhD", ["edt"]), ("Yohanes Sulistyo, MA", ["edt"])]
    contributors = [(c.text, refined(c.get("id"), "role")[0]) for c in meta.xpath("dc:contributor", namespaces=NS)]
    assert contributors == [
        ("Gehan Ghofari", "aut"), ("Atin Prabandari, MA(IR)", "edt"), ("Viyasa Rahyaputra, S.IP", "edt"),
        ("Larasati Hapsari", "aut"), ("Dimas Prasetyo", "aut"), ("Siti Nurhaliza Rahman", "aut"),
        ("Rizky Ananda Putri", "aut"), ("Suharto", "aut"),
    ]
    ids = meta.xpath("*/@id")
    assert len(ids) == len(set(ids))
    # Issue 2 of volume 4, which is volume 4 of the series with the ISSN.
    volume = meta.xpath("opf:meta[@property='belongs-to-collection'][@id='volume']", namespaces=NS)[0]
    assert volume.text == "Southeast Asia in Review 4" and volume.get("refines") is None
    assert refined("volume", "group-position") == ["2"]
    series = meta.xpath("opf:meta[@property='belongs-to-collection'][@id='series']", namespaces=NS)[0]
    assert series.get("refines") == "#volume"
    assert refined("series", "collection-type") == ["series"]
    assert refined("series", "group-position") == ["4"]
    assert refined("series", "dcterms:identifier") == ["urn:issn:2686-1887"]
    assert meta.xpath("opf:meta[@property='dcterms:modified']/text()", namespaces=NS) == ["2018-06-30T00:00:00Z"]


def test_an_isbn_10_is_typed_as_such() -> None:
    data = edition_to_epub(replace(plain_edition(), isbn="0-306-40615-2"))
    opf = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("EPUB/content.opf"))
    assert opf.xpath("//dc:identifier[@id='pub-id']/text()", namespaces=NS) == ["urn:isbn:0306406152"]
    assert opf.xpath("//opf:meta[@refines='#pub-id'][@property='identifier-type']/text()", namespaces=NS) == ["02"]


def test_without_isbn_the_identifier_is_stable(books: dict[str, Book]) -> None:
    ident = books["plain"].opf.xpath("//dc:identifier[@id='pub-id']/text()", namespaces=NS)[0]
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", ident)
    assert edition_to_epub(plain_edition()) == books["plain"].data


# ---------------------------------------------------------------------------
# Reproducible


def test_rebuilding_gives_the_same_bytes(books: dict[str, Book], tmp_path: Path) -> None:
    """Another process, another hash seed and time zone: the same bytes."""
    out = tmp_path / "again.epub"
    script = ("import sys; sys.path.insert(0, 'tests'); from pathlib import Path; "
              "from test_edition_epub import sample_edition; "
              "from articlekit.writers.epub.edition import edition_to_epub; "
              f"Path({str(out)!r}).write_bytes(edition_to_epub(sample_edition()))")
    env = {**os.environ, "PYTHONHASHSEED": "4321", "TZ": "Pacific/Kiritimati"}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=ROOT, timeout=300)
    assert out.read_bytes() == books["sample"].data


def test_source_date_epoch_sets_the_book_timestamp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = edition_to_epub(plain_edition())
    opf = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("EPUB/content.opf"))
    assert opf.xpath("//opf:meta[@property='dcterms:modified']/text()", namespaces=NS) == ["2023-11-14T22:13:20Z"]


# ---------------------------------------------------------------------------
# Long articles and bad covers


def test_long_articles_split_into_files_keep_their_links(books: dict[str, Book]) -> None:
    """An article split at its sections (as in the article EPUB) keeps every note and nav link
    (the tests above check the split book's notes, ids and links too)."""
    book = books["split"]
    assert {"a03-text-01.xhtml", "a03-text-04.xhtml", "a04-text-01.xhtml"} <= set(book.documents)
    nav = book.doc("nav.xhtml")
    scope = nav.xpath("//x:a[text()='Scope']/@href", namespaces=NS)
    assert scope == ["a03-text-02.xhtml#a03-scope"]  # "How they compare …", the second section


def test_a_cover_that_is_no_picture_is_refused_with_the_edition_file() -> None:
    edition = replace(plain_edition(), cover=EDITIONS / "2018-q2-foreword.md")
    with pytest.raises(ArticleError) as caught:
        edition_to_epub(edition)
    assert str(caught.value).startswith(f"{edition.path}:")
    assert "cover '2018-q2-foreword.md' is not a PNG, JPEG, GIF or WebP image" in str(caught.value)


def test_an_edition_in_a_language_without_words_marks_its_english_ones() -> None:
    """Volume, issue and imprint in a language the catalogue lacks: English, marked as such."""
    book = Book(Path("sw.epub"), edition_to_epub(replace(sample_edition(), lang="sw")))
    issue = book.doc("title.xhtml").xpath("//x:p[@class='issue']", namespaces=NS)[0]
    assert (issue.text, issue.get("lang")) == ("Volume 4 · Issue 2", "en")


def test_an_edition_in_indonesian_marks_the_english_articles_and_words() -> None:
    """The book's own words follow the edition's language; what is in another language is marked."""
    data = edition_to_epub(replace(sample_edition(), lang="id"))
    book = Book(Path("id.epub"), data)
    title = book.doc("title.xhtml")
    assert title.get("lang") == "id"
    text = " ".join("".join(title.itertext()).split())
    assert "30 Juni 2018" in text and "Penyunting: Ratna Wulandari, PhD dan Yohanes Sulistyo, MA" in text
    issue = title.xpath("//x:p[@class='issue']", namespaces=NS)[0]
    assert (issue.text, issue.get("lang")) == ("Volume 4 · Nomor 2", None)
    nav = book.doc("nav.xhtml")
    assert nav.xpath("//x:h1/text()", namespaces=NS) == ["Daftar isi"]
    marked = {li.xpath("x:a/@href", namespaces=NS)[0]: li.get("lang")
              for li in nav.xpath("//x:nav[@id='toc']//x:li[x:a[contains(@href, '-title.xhtml')]]",
                          namespaces=NS)}
    assert marked == {"a01-title.xhtml": "en", "a02-title.xhtml": "en", "a03-title.xhtml": "en",
                      "a04-title.xhtml": None}
    opf = book.opf
    assert opf.xpath("//dc:language/text()", namespaces=NS) == ["id", "en"]


def test_an_articles_formulas_are_declared_in_the_edition_package(books: dict[str, Book]) -> None:
    """Each document holding MathML says so in the manifest, and the package names MathML as an
    accessibility feature (EPUBCheck and Ace above read the same book)."""
    book = books["plain"]
    opf = book.opf
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    with_math = {i.get("href") for i in opf.xpath("//opf:item[contains(@properties, 'mathml')]", namespaces=ns)}
    holding = {name for name, root in book.documents.items()
               if root.find(".//{http://www.w3.org/1998/Math/MathML}math") is not None}
    assert holding and with_math == holding
    features = opf.xpath("//opf:meta[@property='schema:accessibilityFeature']/text()", namespaces=ns)
    assert {"MathML", "describedMath"} <= set(features)
