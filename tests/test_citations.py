"""Citations, reference lists and numbered figures and tables, read back from every format.

Two fixtures share one BibLaTeX file of sixteen works of mixed types: an English
article in a Chicago notes style (with "Ibid."), an Indonesian one in APA
author-date.  Each cross-references a figure and a table.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

import articlekit
from articlekit.errors import ArticleErrors
from articlekit.read import citations
from articlekit.tree import stringify
from conftest import run_cli
from validators import nu_check
from validators_epub import ace, epubcheck
from validators_jats import validate_jats
from validators_jats4r import validate_jats4r
from validators_pdf import pdfua_check

FOLDER = Path(__file__).resolve().parent / "fixtures" / "citations"
NOTES = FOLDER / "notes-en.md"
AUTHOR_DATE = FOLDER / "author-date-id.md"
KEYS = {"anderson2006", "hadiz2004", "aspinall2013", "mietzner2012", "ricklefs2008", "vickers2013", "robison2004",
        "cribb2004", "liddle1999", "bourchier2015", "bps2023", "kompas2019", "worldbank2020", "wdi2024",
        "ifls2016", "pandoc2024"}
PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("citations")
    proc = run_cli("build", FOLDER, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr, proc.stderr
    return out


def jats(built: Path, stem: str) -> etree._Element:
    return etree.fromstring((built / f"{stem}.xml").read_bytes(), PARSER)


def html(built: Path, stem: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((built / f"{stem}.html").read_bytes())


def squash(text: str) -> str:
    return " ".join(text.split())


# -- notes style --------------------------------------------------------------

def test_citations_become_notes_numbered_with_the_authors_own() -> None:
    article = articlekit.load(NOTES)
    texts = [squash(stringify(n.blocks)) for n in article.notes]
    assert len(texts) == 18
    assert texts[0].startswith("Benedict R. O’G. Anderson, “Old State, New Society")
    assert texts[0].endswith("(1983): 480, https://doi.org/10.2307/2055514.")
    assert texts[1] == "Ibid., 482."  # the same work, right after: the style's Ibid.
    # The author's own note, between citations, keeps its place and the citations inside it.
    assert texts[4].startswith("See Richard Robison and Vedi R. Hadiz, Reorganising Power in Indonesia")
    assert "World Bank, “World Development Indicators,”" in texts[4]
    # A later citation of a work already cited in full is the short form.
    assert texts[5] == "Robison and Hadiz, Reorganising Power in Indonesia, 45."
    assert texts[17] == "Hadiz, “Decentralization and Democracy in Indonesia,” 700."


def test_note_sequence_is_the_same_in_every_format(built: Path) -> None:
    expected = [squash(stringify(n.blocks)) for n in articlekit.load(NOTES).notes]
    root = jats(built, "notes-en")
    fns = root.findall("back/fn-group/fn")
    assert [fn.findtext("label") for fn in fns] == [str(i) for i in range(1, 19)]
    assert [squash("".join(fn.find("p").itertext())) for fn in fns] == expected
    page = html(built, "notes-en")
    items = page.xpath("//section[@role='doc-endnotes']//li")
    assert [squash(re.sub(r"\s*↩.*$", "", li.text_content())) for li in items][:2] == expected[:2]
    with zipfile.ZipFile(built / "notes-en.epub") as book:
        notes = lxml.html.fromstring(book.read("EPUB/notes.xhtml"))
    items = notes.xpath("//li[starts-with(@id, 'fn')]")
    assert [li.get("id") for li in items] == [f"fn{i}" for i in range(1, 19)]
    assert [squash(li.text_content()).lstrip("↩\ufe0e ") for li in items][1].startswith("Ibid., 482")


# -- JATS -------------------------------------------------------------------------

@pytest.mark.parametrize("stem", ["notes-en", "author-date-id"])
def test_jats_reference_list_and_every_citation_an_xref(built: Path, stem: str) -> None:
    root = jats(built, stem)
    refs = root.findall("back/ref-list/ref")
    assert {r.get("id").removeprefix("ref-") for r in refs} == KEYS
    rids = [rid for x in root.iter("xref") if x.get("ref-type") == "bibr" for rid in x.get("rid").split()]
    assert set(rids) == {r.get("id") for r in refs}  # every ref is cited, every citation resolves
    assert len(rids) >= 17
    for ref in refs:
        assert ref.find("citation-alternatives/mixed-citation") is not None


def test_jats_element_citations_have_jats4r_types_and_dois(built: Path) -> None:
    root = jats(built, "notes-en")

    def cite(key: str) -> etree._Element:
        return root.find(f"back/ref-list/ref[@id='ref-{key}']/citation-alternatives/element-citation")

    types = {r.get("id").removeprefix("ref-"): r.find("citation-alternatives/element-citation").get("publication-type")
             for r in root.findall("back/ref-list/ref")}
    assert types["anderson2006"] == "journal"
    assert types["ricklefs2008"] == "book"
    assert types["liddle1999"] == "chapter"
    assert types["bps2023"] == "web"
    assert types["wdi2024"] == "data"
    assert types["pandoc2024"] == "software"
    assert not set(types.values()) & {"article-journal", "webpage", "dataset"}  # never CSL's names
    journal = cite("anderson2006")
    assert journal.findtext("pub-id[@pub-id-type='doi']") == "10.2307/2055514"
    assert journal.findtext("source") == "The Journal of Asian Studies"
    assert (journal.findtext("volume"), journal.findtext("issue")) == ("42", "3")
    assert (journal.findtext("fpage"), journal.findtext("lpage"), journal.findtext("year")) == ("477", "496", "1983")
    assert journal.findtext("person-group[@person-group-type='author']/name/surname") == "Anderson"
    chapter = cite("liddle1999")
    assert chapter.findtext("chapter-title") == "Regime: The New Order"
    assert chapter.findtext("source") == "Indonesia beyond Suharto: Polity, economy, society, transition"
    assert chapter.findtext("person-group[@person-group-type='editor']/name/surname") == "Emmerson"
    data = cite("wdi2024")
    assert data.findtext("data-title") and data.findtext("source")
    assert data.findtext("pub-id[@pub-id-type='doi']") == "10.57966/6rwy-0r59"
    assert cite("pandoc2024").find("version").get("designator") == "3.1"
    assert root.findtext("back/ref-list/title") == "References"


def test_jats_figure_and_table_numbers(built: Path) -> None:
    for stem, fig, table in (("notes-en", "Figure 1", "Table 1"), ("author-date-id", "Gambar 1", "Tabel 1")):
        root = jats(built, stem)
        assert root.findtext(".//fig[@id='fig-map']/label") == fig
        assert root.findtext(".//table-wrap[@id='tbl-spend']/label") == table
        assert not root.findtext(".//fig[@id='fig-map']/caption/p").startswith(fig)
        assert [x.text for x in root.iter("xref") if x.get("ref-type") == "fig"] == [fig]
        assert [x.text for x in root.iter("xref") if x.get("ref-type") == "table"] == [table]


@pytest.mark.slow
@pytest.mark.parametrize("stem", ["notes-en", "author-date-id"])
def test_jats_is_valid(built: Path, stem: str) -> None:
    xml = (built / f"{stem}.xml").read_bytes()
    assert validate_jats(xml) == []
    report = validate_jats4r(xml)
    assert report.errors == [], report.errors


# -- HTML and EPUB ---------------------------------------------------------------

def test_html_author_date_links_each_citation_to_its_entry(built: Path) -> None:
    page = html(built, "author-date-id")
    bib = page.xpath("//*[@role='doc-bibliography']")
    assert len(bib) == 1
    assert bib[0].xpath("./h2")[0].text_content() == "Daftar pustaka"
    entries = bib[0].xpath(".//div[contains(@class, 'csl-entry')]")
    assert {e.get("id").removeprefix("ref-") for e in entries} == KEYS
    links = page.xpath("//a[@role='doc-biblioref']")
    assert {a.get("href") for a in links} == {f"#ref-{k}" for k in KEYS}
    first = page.xpath("//p[starts-with(normalize-space(), 'Orde Baru')]")[0].text_content()
    assert "(Anderson, 1983, hlm. 480)" in first
    # The list comes before the notes.
    text = page.text_content()
    assert text.index("Daftar pustaka") < text.index("Catatan")


def test_html_figure_and_table_references(built: Path) -> None:
    page = html(built, "notes-en")
    assert [a.text_content() for a in page.xpath("//a[@href='#fig-map' or @href='#tbl-spend']")] == [
        "Figure 1", "Table 1"]
    assert page.xpath("//figure[@id='fig-map']/figcaption")[0].text_content().startswith("Figure 1. The trans-Java")
    assert page.xpath("//table[@id='tbl-spend']/caption | //*[@id='tbl-spend']//caption")[0] \
        .text_content().startswith("Table 1. Infrastructure")


@pytest.mark.slow
def test_html_and_epub_are_valid(built: Path) -> None:
    pages = sorted(built.glob("*.html"))
    assert len(pages) == 2
    assert nu_check(pages) == []
    books = sorted(built.glob("*.epub"))
    assert all(v == [] for v in epubcheck(books).values())
    assert all(v == [] for v in ace(books).values())


@pytest.mark.slow
def test_pdf_is_valid_and_its_citation_links_live(built: Path) -> None:
    import pikepdf

    for stem in ("notes-en", "author-date-id"):
        assert not pdfua_check(built / f"{stem}.pdf").problems
    with pikepdf.open(built / "author-date-id.pdf") as pdf:
        links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"]
    internal = [a for a in links if "/Dest" in a or ("/A" in a and a.A.get("/S") == "/GoTo")]
    assert len(internal) >= 16


# -- what the author gets wrong ----------------------------------------------------

def _source(folder: Path, body: str, extra: str = "bibliography: works.bib\n", name: str = "a.md") -> Path:
    (folder / "works.bib").write_text((FOLDER / "works.bib").read_text("utf-8"), encoding="utf-8")
    path = folder / name
    path.write_text(f"---\ntitle: T\ndate: 2024-01-01\nauthors: [A B]\nlicense: CC-BY-4.0\n{extra}---\n\n{body}\n",
                    encoding="utf-8")
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(ArticleErrors) as e:
        articlekit.load(path)
    return [str(x) for x in e.value.errors]


def test_unknown_key_is_located_with_a_did_you_mean(tmp_path: Path) -> None:
    path = _source(tmp_path, "One [@hadiz2040].\n\nTwo @andersen2006 says.")
    assert _errors(path) == [
        f"{path}:9:6: citation @hadiz2040 is not in the bibliography (did you mean @hadiz2004?)",
        f"{path}:11:5: citation @andersen2006 is not in the bibliography (did you mean @anderson2006?)",
    ]


def test_bibliography_problems_are_located_in_their_file(tmp_path: Path) -> None:
    path = _source(tmp_path, "One [@a].", "bibliography: [missing.bib, bad.bib, dup.json]\n")
    (tmp_path / "bad.bib").write_text("@book{a,\n  title = {X},\n\n@article{b, title={Y}}\n", encoding="utf-8")
    (tmp_path / "dup.json").write_text('[{"id": "c", "type": "book"},\n {"id": "c", "type": "book"}]\n',
                                       encoding="utf-8")
    found = _errors(path)
    assert any(f.startswith(f"{path}:6: bibliography 'missing.bib' ") for f in found), found
    assert f"{tmp_path / 'bad.bib'}:4:1: malformed entry: unexpected '@'" in found
    assert f"{tmp_path / 'dup.json'}:2:3: citation key 'c' is given twice (first earlier in this file)" in found


def test_unknown_style_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = _source(tmp_path, "One [@hadiz2040].", "bibliography: works.bib\ncsl: chicago-notes-bibliograhpy\n")
    assert _errors(path) == [  # and the other problems with the citations, all at once
        f"{path}:7: no citation style named 'chicago-notes-bibliograhpy' (did you mean 'chicago-notes-bibliography'?)",
        f"{path}:10:6: citation @hadiz2040 is not in the bibliography (did you mean @hadiz2004?)"]


def test_unknown_figure_label_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = _source(tmp_path, "See @fig-mpa.\n\n![A map.](map.png){#fig-map}", extra="")
    (tmp_path / "map.png").write_bytes((FOLDER / "map.png").read_bytes())
    assert _errors(path) == [f"{path}:8:5: @fig-mpa: the article has no figure with that id (did you mean @fig-map?)"]


def test_check_reports_citation_problems_with_every_other(tmp_path: Path) -> None:
    path = _source(tmp_path, "One [@hadiz2040].[^x]", "bibliography: works.bib\ncsl: nope\n")
    proc = run_cli("check", path)
    assert proc.returncode == 2
    assert "no citation style named 'nope'" in proc.stderr
    assert "note reference [^x] has no definition" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_without_a_bibliography_at_signs_stay_text(tmp_path: Path) -> None:
    path = _source(tmp_path, "Write to [@desk], @someone or desk@fig-press.example.", extra="")
    article = articlekit.load(path)
    assert stringify(article.body) == "Write to [@desk], @someone or desk@fig-press.example."
    assert not article.references


def test_reference_list_goes_before_the_authors_notes_heading(tmp_path: Path) -> None:
    path = _source(tmp_path, "Text.[^a] More [@hadiz2004].\n\n## Notes\n\n[^a]: A note.", extra=(
        "bibliography: works.bib\ncsl: apa\n"))
    article = articlekit.load(path)
    headings = [stringify(b["c"][1][0]["c"][2]) for b in article.body if b["t"] == "Div"]
    assert headings == ["References"]
    assert stringify(article.notes_title) == "Notes"


def test_authors_own_refs_div_places_the_list(tmp_path: Path) -> None:
    path = _source(tmp_path, "Text [@hadiz2004].\n\n# Works cited\n\n::: {#refs}\n:::\n\n# Afterword\n\nEnd.",
                   extra="bibliography: works.bib\ncsl: apa\n")
    body = articlekit.load(path).body
    titles = [stringify(b["c"][1][0]["c"][2]) for b in body if b["t"] == "Div"]
    assert titles == ["Works cited", "Afterword"]


def test_every_shipped_style_name_resolves_without_the_network() -> None:
    style = citations.find_style(Path("x.md"), "", "apa")
    assert style.is_file() and style.suffix == ".csl"
    assert citations.find_style(Path("x.md"), "", None).stem == citations.DEFAULT_STYLE


def test_a_changed_bibliography_rebuilds_the_article(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    _source(src, "One [@hadiz2004].", extra="bibliography: works.bib\ncsl: apa\n")
    out = tmp_path / "out"
    first = run_cli("build", src, "-t", "html", "-o", out)
    assert first.returncode == 0, first.stderr
    again = run_cli("build", src, "-t", "html", "-o", out)
    assert "a.md: up to date" in again.stdout
    bib = src / "works.bib"
    bib.write_text(bib.read_text("utf-8").replace("Hadiz, Vedi R.", "Hadiz, Vedi"), encoding="utf-8")
    changed = run_cli("build", src, "-t", "html", "-o", out)
    assert "up to date" not in changed.stdout
    assert "Hadiz, V. (2004)" in (out / "a.html").read_text("utf-8")


def test_a_key_given_twice_in_a_bib_file_and_ris_entries(tmp_path: Path) -> None:
    (tmp_path / "more.bib").write_text("@book{hadiz2004,\n  title = {Again},\n  date = {2004}\n}\n", encoding="utf-8")
    (tmp_path / "web.ris").write_text("TY  - JOUR\nID  - ris1\nAU  - Smith, Jan\nTI  - A Title\nT2  - A Journal\n"
                                      "PY  - 2001\nDO  - 10.5555/ris.1\nER  - \n", encoding="utf-8")
    path = _source(tmp_path, "One [@hadiz2004].", "bibliography: [works.bib, more.bib]\n")
    assert _errors(path) == [
        f"{tmp_path / 'more.bib'}:1:1: citation key 'hadiz2004' is given twice (first in {tmp_path / 'works.bib'})"]
    path = _source(tmp_path, "One [@ris1].", "bibliography: [web.ris]\ncsl: apa\n", name="b.md")
    article = articlekit.load(path)
    assert article.references["ris1"]["DOI"] == "10.5555/ris.1"
    root = etree.fromstring(articlekit.to_jats(article), PARSER)
    assert root.find("back/ref-list/ref/citation-alternatives/element-citation").get("publication-type") == "journal"
