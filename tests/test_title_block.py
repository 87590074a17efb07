"""One title block for every format: the same facts, in the same order, in HTML, EPUB and PDF.

Each format's *visible* text of its title block is read back (the web page's
``<header>``, the EPUB's title page, the PDF's first page down to the text) and
must be exactly the expected facts, in order, and nothing else.  JATS keeps
its own structure, so there each fact is looked up in its element.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from lxml import etree

import articlekit
from articlekit.labels import LABELS, labels_for_lang
from articlekit.render.identity import IDENTITY_NAMESPACE, identity_key, identity_uuid
from articlekit.render.title_block import ORDER, render_title_block, title_block
from seed import SAMPLE
from validators import ROOT, nu_check, require
from validators_epub import ace, epubcheck_reports, problems_in

ARTICLES = ROOT / "tests" / "fixtures" / "articles"
FULL = ARTICLES / "title-block.md"

H = {"h": "http://www.w3.org/1999/xhtml"}
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XLINK = "{http://www.w3.org/1999/xlink}href"
ALI = "{http://www.niso.org/schemas/ali/1.0/}license_ref"

#: The fixture's title block as readers see it, fact by fact, in the one order of every format.
FULL_FACTS = [
    ("section", "Research"),
    ("title", "Smartphones at the border"),
    ("subtitle", "How traders in Sinuiju reach the outside world"),
    ("byline", "By Gehan Ghofari, MA and Dewi Lestari, PhD"),
    ("affiliations", "Gehan Ghofari: Institute of International Studies, Universitas Gadjah Mada"
                     " · ORCID https://orcid.org/0000-0002-1825-0097 · gehan@example.org"),
    ("affiliations", "Dewi Lestari: Department of International Relations, Universitas Gadjah Mada"
                     " · ORCID https://orcid.org/0000-0001-5109-3700 · dewi.lestari@example.org"),
    ("dateline", "8 March 2019"),
    ("editors", "Editors: Atin Prabandari, MA(IR) and Viyasa Rahyaputra, S.IP"),
    ("picture", "Picture: Studio Kitchen"),
    ("publication", "Global Insights Review · ISSN 2686-1887 · Institute of International Studies"),
    ("doi", "https://doi.org/10.5555/gir.2019.014"),
    ("license", "Licence: https://creativecommons.org/licenses/by/4.0/"),
    ("copyright", "© 2019 Institute of International Studies"),
    ("keywords", "Keywords: North Korea, mobile phones, border trade"),
    ("abstract", "Abstract"),
    ("abstract", "Traders near the Chinese border use smuggled phones on Chinese networks to keep in touch"
                 " with family and to arrange trade."),
]
FULL_LEDE = "Along the Yalu river"

#: The first article: editors and a picture credit, but no picture file, so no "Picture: …" line
#: (a house asks for one with ``picture_credit_alone``: see the test below).
FIRST_FACTS = [
    ("title", "How North Korea controls its Internet"),
    ("byline", "By Gehan Ghofari"),
    ("dateline", "21 May 2018"),
    ("editors", "Editors: Atin Prabandari, MA(IR) and Viyasa Rahyaputra, S.IP"),
]
FIRST_LEDE = "When other communist countries"

#: Reviewers and translators, a single-name author and editors given as one string.
CONTRIBUTORS = ROOT / "tests" / "fixtures" / "contributors" / "translated-review.md"
CONTRIBUTORS_FACTS = [
    ("section", "Research"),
    ("title", "Village cooperatives after the reform"),
    ("subtitle", "Rice, credit and trust in Central Java"),
    ("byline", "By Suharto and Dewi Lestari, PhD"),
    ("affiliations", "Suharto: Faculty of Agriculture, Universitas Gadjah Mada"),
    ("affiliations", "Dewi Lestari: Department of International Relations, Universitas Gadjah Mada"
                     " · ORCID https://orcid.org/0000-0001-5109-3700"),
    ("dateline", "14 June 2021"),
    ("editors", "Editors: Atin Prabandari, MA(IR) and Viyasa Rahyaputra, S.IP"),
    ("reviewers", "Reviewers: Bambang Purwanto, M.Hum. and Sri Wahyuni"),
    ("translators", "Translated by Rachel Morton, MA"),
    ("publication", "Global Insights Review · ISSN 2686-1887 · Institute of International Studies"),
    ("license", "Licence: https://creativecommons.org/licenses/by/4.0/"),
    ("copyright", "© 2021 Institute of International Studies"),
    ("keywords", "Keywords: cooperatives, rural credit, Java"),
]
CONTRIBUTORS_LEDE = "When the village cooperatives"

#: A short article; ``extra`` adds front-matter lines.
SHORT = "---\ntitle: A short piece\ndate: 2020-01-02\nauthors: [Ann Author]\n{extra}---\n\nOne paragraph.\n"


def squash(text: str) -> str:
    """Text compared without whitespace (line breaks, no-break spaces) or case (small caps, uppercase labels)."""
    return re.sub(r"\s+", "", text).casefold()


def expected(facts: list[tuple[str, str]]) -> list[str]:
    return [squash(text) for _kind, text in facts]


def in_order(text: str, facts: list[str]) -> list[str]:
    """The facts not found in ``text`` after the previous one (empty: all there, in order)."""
    missing, pos = [], 0
    for fact in facts:
        found = text.find(fact, pos)
        if found < 0:
            missing.append(fact)
        else:
            pos = found + len(fact)
    return missing


@dataclass
class Outputs:
    """One article in every format, and each format's visible title-block text."""

    html: Path
    epub: Path
    pdf: Path
    jats: etree._Element
    html_doc: lxml.html.HtmlElement
    title_page: etree._Element

    @property
    def html_text(self) -> str:
        return self.html_doc.cssselect("article > header")[0].text_content()

    @property
    def epub_text(self) -> str:
        return "".join(self.title_page.find("h:body", H).itertext())

    def pdf_text(self, lede: str) -> str:
        pdftotext = shutil.which("pdftotext")
        require("poppler's pdftotext (Debian: poppler-utils)", pdftotext)
        assert pdftotext
        page = subprocess.run([pdftotext, "-enc", "UTF-8", "-layout", "-f", "1", "-l", "1", str(self.pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        # A hyphen that hyphenation added at a line end, between two lowercase letters, is not text.
        page = re.sub(r"(?<=[a-z])[-\u2010]\n\s*(?=[a-z])", "", page)
        assert lede in page, "the title block does not end on the first page"
        return page.split(lede, 1)[0]


def _build(source: Path, out: Path) -> Outputs:
    article = articlekit.load(source)
    paths = {fmt: out / f"{article.slug}.{fmt}" for fmt in ("html", "epub", "pdf")}
    paths["html"].write_text(articlekit.to_html(article), encoding="utf-8")
    paths["epub"].write_bytes(articlekit.to_epub(article))
    paths["pdf"].write_bytes(articlekit.to_pdf(article))
    if article.metadata.image and article.metadata.image.src:
        shutil.copy(source.parent / article.metadata.image.src, out)
    with zipfile.ZipFile(paths["epub"]) as z:
        title_page = etree.fromstring(z.read("EPUB/title.xhtml"))
    return Outputs(
        html=paths["html"], epub=paths["epub"], pdf=paths["pdf"],
        jats=etree.fromstring(articlekit.to_jats(article)),
        html_doc=lxml.html.fromstring(paths["html"].read_text(encoding="utf-8")),
        title_page=title_page,
    )


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    return _build(FULL, tmp_path_factory.mktemp("title-block"))


@pytest.fixture(scope="module")
def contributors(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    return _build(CONTRIBUTORS, tmp_path_factory.mktemp("title-block-contributors"))


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    return _build(SAMPLE, tmp_path_factory.mktemp("title-block-first"))


# ---------------------------------------------------------------------------
# The model


def test_every_fact_in_the_one_order() -> None:
    block = title_block(articlekit.load(FULL))
    credits = ("history", "reviewers", "translators", "funding")
    assert block.facts() == tuple(k for k in ORDER if k not in credits)  # every fact but these (funding: see
    assert ORDER == (                                                    # test_journal_front.py; history below)
        "section", "title", "subtitle", "byline", "affiliations", "dateline", "history", "editors", "reviewers",
        "translators", "picture", "publication", "doi", "license", "copyright", "funding", "keywords", "abstract",
    )
    assert tuple(dict.fromkeys(kind for kind, _ in FULL_FACTS)) == block.facts()
    contributors = title_block(articlekit.load(CONTRIBUTORS))
    assert contributors.facts() == tuple(dict.fromkeys(kind for kind, _ in CONTRIBUTORS_FACTS))
    assert set(contributors.facts()) | set(block.facts()) | {"funding", "history"} == set(ORDER)
    first = title_block(articlekit.load(SAMPLE))
    assert first.facts() == tuple(dict.fromkeys(kind for kind, _ in FIRST_FACTS))


# ---------------------------------------------------------------------------
# The same visible facts, in the same order, in every format


@pytest.mark.parametrize("fmt", ["html", "epub", "pdf"])
def test_every_fact_in_order_and_nothing_else(full: Outputs, fmt: str) -> None:
    text = {"html": full.html_text, "epub": full.epub_text, "pdf": full.pdf_text(FULL_LEDE)}[fmt]
    assert in_order(squash(text), expected(FULL_FACTS)) == []
    assert squash(text) == "".join(expected(FULL_FACTS))


@pytest.mark.parametrize("fmt", ["html", "epub", "pdf"])
def test_reviewers_and_translators_after_the_editors(contributors: Outputs, fmt: str) -> None:
    text = {"html": contributors.html_text, "epub": contributors.epub_text,
            "pdf": contributors.pdf_text(CONTRIBUTORS_LEDE)}[fmt]
    assert in_order(squash(text), expected(CONTRIBUTORS_FACTS)) == []
    assert squash(text) == "".join(expected(CONTRIBUTORS_FACTS))


@pytest.mark.parametrize("fmt", ["html", "epub", "pdf"])
def test_first_article_title_block(first: Outputs, fmt: str) -> None:
    text = {"html": first.html_text, "epub": first.epub_text, "pdf": first.pdf_text(FIRST_LEDE)}[fmt]
    assert squash(text) == "".join(expected(FIRST_FACTS))


def test_a_credit_without_a_picture_only_where_the_house_asks(tmp_path: Path) -> None:
    def folder(name: str, config: str | None) -> Path:
        (tmp_path / name).mkdir()
        shutil.copy(SAMPLE, tmp_path / name / SAMPLE.name)
        if config is not None:
            (tmp_path / name / "articlekit.toml").write_text(config, encoding="utf-8")
        return tmp_path / name / SAMPLE.name

    assert "picture" not in title_block(articlekit.load(folder("plain", None))).facts()
    block = title_block(articlekit.load(folder("house", "picture_credit_alone = true\n")))
    assert block.facts()[-1] == "picture"
    page = lxml.html.fromstring(render_title_block(block))
    assert page.text_content().strip().endswith("Picture: Foreign Policy") and not page.cssselect("img")
    with pytest.raises(articlekit.ArticlekitError, match="'picture_credit_alone' must be true or false"):
        articlekit.load(folder("bad", 'picture_credit_alone = "yes"\n'))


def test_history_dates_under_the_date_only_where_the_house_asks(tmp_path: Path) -> None:
    def source(name: str, config: str | None) -> Path:
        (tmp_path / name).mkdir()
        if config is not None:
            (tmp_path / name / "articlekit.toml").write_text(config, encoding="utf-8")
        path = tmp_path / name / "dated.md"
        path.write_text("---\ntitle: Dated\ndate: 2024-01-15\nauthors: [Ann Example]\nlicense: CC BY 4.0\n"
                        "lang: id\nhistory:\n  received: 2023-09-01\n  revised: 2023-11-02\n"
                        "  accepted: 2023-12-20\n---\n\nBody.\n", encoding="utf-8")
        return path

    assert "history" not in title_block(articlekit.load(source("plain", None))).facts()
    article = articlekit.load(source("house", "history_in_title_block = true\n"))
    block = title_block(article)
    assert block.facts() == ("title", "byline", "dateline", "history", "license")
    (history,) = lxml.html.fromstring(render_title_block(block)).cssselect("p.history")
    assert history.text_content() == ("Diterima: 1 September 2023; Direvisi: 2 November 2023; "
                                      "Disetujui: 20 Desember 2023")
    assert [t.get("datetime") for t in history.iter("time")] == ["2023-09-01", "2023-11-02", "2023-12-20"]
    page = lxml.html.fromstring(articlekit.to_html(article))
    assert squash("Diterima: 1 September 2023") in squash(page.text_content())
    with pytest.raises(articlekit.ArticlekitError, match="'history_in_title_block' must be true or false"):
        articlekit.load(source("bad", 'history_in_title_block = "yes"\n'))


def test_the_checks_can_fail() -> None:
    facts = expected(FULL_FACTS)
    swapped = "".join([facts[0], facts[1], facts[2], facts[3], facts[4], facts[5], facts[7], facts[6], *facts[8:]])
    assert in_order(swapped, facts) == [facts[7]]  # editors before the date: out of order
    assert in_order("".join(facts[:-1]), facts) == [facts[-1]]


def test_the_web_page_has_no_footer_and_everything_in_its_header(full: Outputs, first: Outputs) -> None:
    for out in (full, first):
        assert not out.html_doc.cssselect("footer, .article-credits")
        (header,) = out.html_doc.cssselect("article > header.article-header")
        assert header.getnext().tag != "footer"


def test_links_dates_and_picture(full: Outputs) -> None:
    links = [
        "https://orcid.org/0000-0002-1825-0097", "mailto:gehan@example.org",
        "https://orcid.org/0000-0001-5109-3700", "mailto:dewi.lestari@example.org",
        "https://doi.org/10.5555/gir.2019.014", "https://creativecommons.org/licenses/by/4.0/",
    ]
    (header,) = full.html_doc.cssselect("article > header")
    assert [a.get("href") for a in header.iter("a")] == links
    assert [a.get("href") for a in full.title_page.iterfind(".//h:a", H)] == links
    with pikepdf.open(full.pdf) as pdf:
        uris = [str(a.A.URI) for a in pdf.pages[0].get("/Annots", []) if "/A" in a and "/URI" in a.A]
    assert sorted(set(uris)) == sorted(links)

    assert [t.get("datetime") for t in header.iter("time")] == ["2019-03-08"]
    assert [t.get("datetime") for t in full.title_page.iterfind(".//h:time", H)] == ["2019-03-08"]
    (img,) = header.cssselect("figure.lead-image img")
    alt = "Diagonal red lines over a beige ground with a dark blue block."
    assert (img.get("src"), img.get("alt")) == ("figure.png", alt)
    assert header.cssselect("figure.lead-image figcaption")[0].text_content() == "Picture: Studio Kitchen"
    assert not list(full.title_page.iterfind(".//h:img", H))  # the EPUB shows the picture on its cover
    with pikepdf.open(full.pdf) as pdf:
        assert len(pdf.pages[0].get_images()) == 1  # the picture is on the PDF's first page

    section = full.title_page.find("h:body/h:section", H)
    assert section.get("{http://www.idpf.org/2007/ops}type") == "titlepage"
    assert section.get("aria-labelledby") == "title-heading"
    assert full.title_page.find(".//h:h1[@id='title-heading']", H) is not None


def test_labels_come_from_one_place_and_are_marked_in_another_language(tmp_path: Path) -> None:
    source = tmp_path / "korean.md"
    text = (
        "---\ntitle: 북한의 인터넷\ndate: 2018-05-21\nlang: ko\nauthors:\n  - name: 김민준\n    given: 민준\n"
        "    family: 김\neditors: [{name: 이서연, given: 서연, family: 이, degrees: 박사}]\nkeywords: [인터넷]\n"
        "abstract: 요약입니다.\n---\n\n본문.\n"
    )
    source.write_text(text, encoding="utf-8")
    korean = lxml.html.fromstring(articlekit.to_html(articlekit.load(source), fragment=True))
    assert not korean.cssselect("header [lang]")  # Korean words and date: nothing to mark
    words = labels_for_lang("ko")
    assert [el.text_content() for el in korean.cssselect("header .label")] == [
        words["by"], words["editor"], words["keywords"]]
    assert "2018년 5월 21일" in korean.cssselect("header time")[0].text_content()

    # Swahili has no words in the catalogue: the English ones, marked; the date is Swahili.
    source.write_text(text.replace("lang: ko", "lang: sw"), encoding="utf-8")
    article = articlekit.load(source)
    doc = lxml.html.fromstring(articlekit.to_html(article, fragment=True))
    marked = {el.text_content(): el.get("lang") for el in doc.cssselect("header [lang]")}
    assert marked == {LABELS["by"]: "en", LABELS["editor"]: "en", LABELS["keywords"]: "en",
                      LABELS["abstract"]: "en"}
    with zipfile.ZipFile(io.BytesIO(articlekit.to_epub(article))) as z:
        page = etree.fromstring(z.read("EPUB/title.xhtml"))
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    marked_epub = {"".join(el.itertext()): (el.get("lang"), el.get(xml_lang))
                   for el in page.iterfind(".//h:section//*[@lang]", H)}
    assert marked_epub == {k: ("en", "en") for k in marked}


# ---------------------------------------------------------------------------
# JATS: each fact in its element


def test_jats_carries_every_fact(full: Outputs) -> None:
    j = full.jats
    meta = j.find("front/article-meta")
    text = lambda el: " ".join("".join(el.itertext()).split())  # noqa: E731
    assert meta.findtext("article-categories/subj-group[@subj-group-type='heading']/subject") == "Research"
    assert text(meta.find("title-group/article-title")) == "Smartphones at the border"
    assert text(meta.find("title-group/subtitle")) == "How traders in Sinuiju reach the outside world"

    authors = meta.findall("contrib-group[@content-type='authors']/contrib[@contrib-type='author']")
    affs = {a.get("id"): text(a) for a in meta.iter("aff")}
    got = [(
        f"{c.findtext('name/given-names')} {c.findtext('name/surname')}", c.findtext("degrees"),
        affs[c.find("xref[@ref-type='aff']").get("rid")], c.findtext("contrib-id[@contrib-id-type='orcid']"),
        c.findtext("email"),
    ) for c in authors]
    assert got == [
        ("Gehan Ghofari", "MA", "Institute of International Studies, Universitas Gadjah Mada",
         "https://orcid.org/0000-0002-1825-0097", "gehan@example.org"),
        ("Dewi Lestari", "PhD", "Department of International Relations, Universitas Gadjah Mada",
         "https://orcid.org/0000-0001-5109-3700", "dewi.lestari@example.org"),
    ]
    assert meta.find("pub-date").get("iso-8601-date") == "2019-03-08"
    editors = meta.findall("contrib-group[@content-type='editors']/contrib[@contrib-type='editor']")
    assert [(c.findtext("name/surname"), c.findtext("degrees")) for c in editors] == [
        ("Prabandari", "MA(IR)"), ("Rahyaputra", "S.IP")]

    (fig,) = j.findall("floats-group/fig[@id='lead-image']")
    assert fig.find("graphic").get(XLINK) == "figure.png"
    assert fig.findtext("graphic/alt-text") == "Diagonal red lines over a beige ground with a dark blue block."
    assert fig.findtext("attrib") == "Studio Kitchen"

    journal = j.find("front/journal-meta")
    assert journal.findtext("journal-title-group/journal-title") == "Global Insights Review"
    assert journal.findtext("issn") == "2686-1887"
    assert journal.findtext("publisher/publisher-name") == "Institute of International Studies"
    assert meta.findtext("article-id[@pub-id-type='doi']") == "10.5555/gir.2019.014"
    assert meta.find(f"permissions/license/{ALI}").text == "https://creativecommons.org/licenses/by/4.0/"
    assert meta.findtext("permissions/copyright-statement") == "© 2019 Institute of International Studies"
    assert [k.text for k in meta.iterfind("kwd-group/kwd")] == ["North Korea", "mobile phones", "border trade"]
    assert text(meta.find("abstract")) == FULL_FACTS[-1][1]


def test_a_copyright_holder_without_a_year_reads_the_same_in_every_format(tmp_path: Path) -> None:
    source = tmp_path / "held.md"
    source.write_text(SHORT.format(extra="copyright: {holder: House Press}\n"), encoding="utf-8")
    article = articlekit.load(source)
    jats = etree.fromstring(articlekit.to_jats(article))
    statement = jats.findtext("front/article-meta/permissions/copyright-statement")
    assert statement == "© 2020 House Press"  # the year of publication
    header = lxml.html.fromstring(articlekit.to_html(article, fragment=True)).cssselect("header .copyright")
    assert [p.text_content() for p in header] == [statement]


def test_jats_first_article(first: Outputs) -> None:
    meta = first.jats.find("front/article-meta")
    assert [c.findtext("degrees") for c in meta.iterfind(".//contrib[@contrib-type='editor']")] == ["MA(IR)", "S.IP"]
    (fig,) = first.jats.findall("floats-group/fig[@id='lead-image']")
    assert fig.findtext("attrib") == "Foreign Policy" and fig.find("graphic") is None


# ---------------------------------------------------------------------------
# Validators: the new title block keeps the page and the book valid and accessible


@pytest.mark.slow
def test_validators_pass(full: Outputs) -> None:
    assert nu_check([full.html]) == []
    (report,) = epubcheck_reports([full.epub]).values()
    assert problems_in(report) == []
    assert ace([full.epub]) == {full.epub: []}


# ---------------------------------------------------------------------------
# Identifiers: EPUB and PDF from one key


def _ids(article_path: Path) -> tuple[str, str, str | None]:
    """The EPUB's ``dc:identifier``, the PDF's XMP document id and its ``dc:identifier``."""
    article = articlekit.load(article_path)
    with zipfile.ZipFile(io.BytesIO(articlekit.to_epub(article))) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    (epub_id,) = opf.iterfind(".//dc:identifier", OPF)
    with pikepdf.open(io.BytesIO(articlekit.to_pdf(article))) as pdf, pdf.open_metadata() as xmp:
        return epub_id.text, str(xmp["xmpMM:DocumentID"]), xmp.get("dc:identifier")



def test_identical_text_under_two_slugs_is_two_publications(tmp_path: Path) -> None:
    a, b = tmp_path / "piece-one.md", tmp_path / "piece-two.md"
    for path in (a, b):
        path.write_text(SHORT.format(extra=""), encoding="utf-8")
    epub_a, pdf_a, _ = _ids(a)
    epub_b, pdf_b, _ = _ids(b)
    assert epub_a != epub_b and pdf_a != pdf_b
    # One key per article, shared by both formats: the same UUID in the EPUB and the PDF.
    for path, epub_id, pdf_id in ((a, epub_a, pdf_a), (b, epub_b, pdf_b)):
        article = articlekit.load(path)
        assert identity_key(article) == f"articlekit::{path.stem}:2020-01-02"
        u = uuid.uuid5(IDENTITY_NAMESPACE, identity_key(article))
        assert identity_uuid(article) == u and u.version == 5
        assert (epub_id, pdf_id) == (f"urn:uuid:{u}", f"uuid:{u}")
    assert _ids(a)[:2] == (epub_a, pdf_a)  # never random


def test_a_doi_is_the_key_in_both_formats(tmp_path: Path) -> None:
    path = tmp_path / "with-doi.md"
    path.write_text(SHORT.format(extra="doi: 10.5555/short.1\n"), encoding="utf-8")
    epub_id, pdf_id, pdf_dc = _ids(path)
    article = articlekit.load(path)
    assert identity_key(article) == "doi:10.5555/short.1"
    assert epub_id == "urn:doi:10.5555/short.1" and pdf_dc == "doi:10.5555/short.1"
    assert pdf_id == f"uuid:{uuid.uuid5(IDENTITY_NAMESPACE, 'doi:10.5555/short.1')}"
