"""Headings the author writes: the notes heading over the definitions, ids that collide, skipped levels.

The sources are in ``fixtures/headings/``; each is built once in all four formats.
"""

from __future__ import annotations

import copy
import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from lxml import etree, html

import articlekit
from articlekit.model import Article
from articlekit.transforms import ids, notes_heading
from articlekit.tree import stringify
from conftest import FIXTURES, run_cli
from validators import nu_check
from validators_epub import epubcheck
from validators_jats import validate_jats

HEADINGS = FIXTURES / "headings"

#: Source stem → the author's notes heading as plain text, and the sections the body keeps.
NOTES_HEADINGS = {
    "endnotes-en": ("Endnotes and sources", ["The survey", "The rebuild"]),
    "notas-es": ("Notas", ["Un inventario incompleto", "La mudanza"]),
    "catatan-id": ("Catatan", ["Perubahan sejak jalan darat dibuka"]),
}

OPF = "{http://www.idpf.org/2007/opf}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("headings")
    proc = run_cli("build", HEADINGS, "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _ids(root: etree._Element) -> list[str]:
    return [str(i) for i in root.xpath("//@id")]


def _duplicates(values: list[str]) -> list[str]:
    return [v for v, n in Counter(values).items() if n > 1]


def _epub_documents(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as z:
        return {name: etree.fromstring(z.read(name)) for name in z.namelist() if name.endswith(".xhtml")}


# ---------------------------------------------------------------------------
# The transform alone


def _load_text(tmp_path: Path, body: str) -> Article:
    source = tmp_path / "a.md"
    source.write_text(f"---\ntitle: T\ndate: 2020-01-01\nauthors: [A B]\nlicense: CC BY 4.0\n---\n\n{body}",
                      encoding="utf-8")
    return articlekit.load(source)


def test_the_empty_section_becomes_the_notes_title(tmp_path: Path) -> None:
    article = _load_text(tmp_path, "Text.[^a]\n\n## Why\n\nMore.\n\n## Notes and *refs*\n\n[^a]: A note.\n")
    assert stringify(article.notes_title) == "Notes and refs"
    assert [b["c"][1][0]["c"][2][0]["c"] for b in article.body if b["t"] == "Div"] == ["Why"]
    assert any(n["t"] == "Emph" for n in article.notes_title)


def test_a_notes_heading_inside_the_last_part_is_taken_there(tmp_path: Path) -> None:
    article = _load_text(tmp_path, "# Uno\n\nTexto.[^a] [Notas](#notas).\n\n## Notas {#notas}\n\n[^a]: Uno.\n")
    assert stringify(article.notes_title) == "Notas"
    (part,) = [b for b in article.body if b["t"] == "Div"]
    assert [b["t"] for b in part["c"][1]] == ["Header", "Para"]
    html_text = articlekit.to_html(article)
    assert 'href="#notes"' in html_text and 'href="#notas"' not in html_text, "a link to the heading finds the notes"


def test_an_empty_section_followed_by_text_is_kept(tmp_path: Path) -> None:
    article = _load_text(tmp_path, "Text.[^a]\n\n## Appendix\n\n## Tables\n\nA table.\n\n[^a]: A.\n")
    assert article.notes_title is None
    assert [stringify(b["c"][1][0]) for b in article.body if b["t"] == "Div"] == ["Appendix", "Tables"]


def test_inline_notes_alone_leave_a_last_empty_section(tmp_path: Path) -> None:
    article = _load_text(tmp_path, "Text.^[An inline note.]\n\n## Coda\n")
    assert article.notes_title is None


def test_an_empty_section_is_kept_when_there_are_no_notes(tmp_path: Path) -> None:
    article = _load_text(tmp_path, "Text.\n\n## Appendix\n")
    assert article.notes_title is None
    assert len([b for b in article.body if b["t"] == "Div"]) == 1


def test_a_heading_with_a_note_of_its_own_is_not_the_notes_heading(tmp_path: Path) -> None:
    article = _load_text(tmp_path, "Text.[^a]\n\n## Afterword[^b]\n\n[^a]: A.\n[^b]: B.\n")
    assert article.notes_title is None
    assert [n.number for n in article.notes] == [1, 2]


def test_the_passes_run_in_their_documented_order() -> None:
    from articlekit.transforms import TRANSFORMS, notes, sections

    order = list(TRANSFORMS)
    assert order.index(sections.wrap) < order.index(notes_heading.take) < order.index(notes.number)
    assert order[-1] is ids.unique


def test_reserved_and_repeated_ids_get_a_suffix_and_links_follow(tmp_path: Path) -> None:
    article = _load_text(tmp_path, "See [it](#fnref1) and [x](#x).[^a]\n\n## A {#fnref1}\n\nText.\n\n"
                         "## B {#x}\n\nText [s]{#x} and [t]{#notes}.\n\n[^a]: A [span]{#fn1}.\n")
    section_ids = [b["c"][0][0] for b in article.body if b["t"] == "Div"]
    assert section_ids == ["sec-fnref1", "x"]
    page = articlekit.to_html(article)
    found = re.findall(r' id="([^"]+)"', page)
    assert _duplicates(found) == []
    assert {"sec-fnref1", "span-x", "span-notes", "span-fn1"} <= set(found)
    assert 'href="#sec-fnref1"' in page and 'href="#x"' in page


def test_a_renamed_id_never_takes_one_the_source_gave(tmp_path: Path) -> None:
    article = _load_text(tmp_path, "## Notes\n\nText.\n\n## Other {#sec-notes}\n\nText.\n")
    assert [b["c"][0][0] for b in article.body if b["t"] == "Div"] == ["sec-notes-2", "sec-notes"]


def test_ids_in_raw_html_are_renamed_too(tmp_path: Path) -> None:
    article = _load_text(tmp_path, 'Text <a id="fn1"></a> and <em id=\'toc\'>em</em> <b id=keep>b</b>.[^a]\n\n'
                         '<p id="title-heading">A paragraph.</p>\n\n[^a]: A.\n')
    page = articlekit.to_html(article)
    found = re.findall(r' id="([^"]+)"', page)
    assert _duplicates(found) == []
    assert {"html-fn1", "html-toc", "keep", "html-title-heading", "fn1"} <= set(found)


def test_renaming_ids_twice_changes_nothing(tmp_path: Path) -> None:
    article = articlekit.load(HEADINGS / "reserved-ids.md")
    before = copy.deepcopy(article.body)
    ids.unique(article)
    assert article.body == before


# ---------------------------------------------------------------------------
# The four formats


@pytest.mark.parametrize("stem", sorted(NOTES_HEADINGS))
def test_html_names_the_notes_once_with_the_authors_title(built: Path, stem: str) -> None:
    title, sections = NOTES_HEADINGS[stem]
    root = html.fromstring((built / f"{stem}.html").read_bytes())
    assert [_text(h) for h in root.iter("h2")] == [*sections, title]
    (notes,) = root.xpath("//section[@role='doc-endnotes']")
    assert _text(notes.xpath("h2")[0]) == title
    assert _duplicates(_ids(root)) == []


def test_html_keeps_the_markup_of_the_notes_title(built: Path) -> None:
    root = html.fromstring((built / "endnotes-en.html").read_bytes())
    assert root.xpath("//section[@role='doc-endnotes']/h2/em/text()") == ["Endnotes"]


@pytest.mark.slow
def test_html_pages_are_valid(built: Path) -> None:
    assert nu_check(sorted(built.glob("*.html"))) == []


@pytest.mark.parametrize("stem", sorted(NOTES_HEADINGS))
def test_epub_lists_the_notes_once_under_the_authors_title(built: Path, stem: str) -> None:
    title, sections = NOTES_HEADINGS[stem]
    docs = _epub_documents(built / f"{stem}.epub")
    nav = docs["EPUB/nav.xhtml"]
    (toc,) = nav.iterfind(f".//{XHTML}nav[@id='toc']")
    entries = [_text(a) for a in toc.iter(f"{XHTML}a")]
    assert entries[1:] == [*sections, title]
    (landmark,) = [a for a in nav.iter(f"{XHTML}a") if a.get(EPUB_TYPE) == "endnotes"]
    assert _text(landmark) == title and landmark.get("lang") is None
    notes = docs["EPUB/notes.xhtml"]
    assert _text(notes.find(f".//{XHTML}title")) == title
    assert [_text(h) for h in notes.iter(f"{XHTML}h2")] == [title]
    for name, root in docs.items():
        assert _duplicates(_ids(root)) == [], name


@pytest.mark.slow
def test_epubs_are_valid(built: Path) -> None:
    found = epubcheck(sorted(built.glob("*.epub")))
    assert {p.name: problems for p, problems in found.items() if problems} == {}


def _pdf_text(path: Path) -> str:
    proc = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(proc.stdout.split())


@pytest.mark.parametrize("stem", sorted(NOTES_HEADINGS))
def test_pdf_has_one_notes_heading_in_its_text_and_outline(built: Path, stem: str) -> None:
    title, sections = NOTES_HEADINGS[stem]
    path = built / f"{stem}.pdf"
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        # The print edition ties a heading's last two words with a no-break space.
        assert [" ".join(item.title.split()) for item in outline.root] == [*sections, title]
    assert _pdf_text(path).count(title) == 1


@pytest.mark.parametrize("stem", sorted(NOTES_HEADINGS))
def test_jats_titles_the_notes_group_with_the_authors_heading(built: Path, stem: str) -> None:
    title, sections = NOTES_HEADINGS[stem]
    xml = (built / f"{stem}.xml").read_bytes()
    assert validate_jats(xml) == []
    root = etree.fromstring(xml)
    assert [_text(t) for t in root.iterfind("body/sec/title")] == sections
    assert [_text(t) for t in root.iterfind("back/fn-group/title")] == [title]


def test_jats_keeps_the_markup_of_the_notes_title(built: Path) -> None:
    root = etree.fromstring((built / "endnotes-en.xml").read_bytes())
    assert root.xpath("back/fn-group/title/italic/text()") == ["Endnotes"]


def test_headings_named_like_articlekits_ids_leave_every_output_unique(built: Path) -> None:
    root = html.fromstring((built / "reserved-ids.html").read_bytes())
    assert _duplicates(_ids(root)) == []
    assert [s.get("id") for s in root.xpath("//article//section[h2]")] == [
        "sec-notes", "sec-fn1", "sec-notes-heading", "sec-toc", "notes"]
    links = [a.get("href") for a in root.xpath("//p/a[not(@role)]")]
    assert links == ["#sec-fn1", "#sec-notes"], "the source's links still land on the headings they named"
    for name, doc in _epub_documents(built / "reserved-ids.epub").items():
        assert _duplicates(_ids(doc)) == [], name
    jats = etree.fromstring((built / "reserved-ids.xml").read_bytes())
    assert _duplicates(_ids(jats)) == []
    assert [x.get("rid") for x in jats.iterfind(".//xref[@ref-type='sec']")] == ["sec-fn1", "sec-notes"]


# ---------------------------------------------------------------------------
# Skipped heading levels

SKIPPED_OUTLINE = [
    ("Nesting in the hedge bottom", ["The wren", "The robin"]),
    ("Nesting in the canopy", ["The yellowhammer", "Birds that only feed there"]),
]


def test_skipped_levels_are_closed_up(tmp_path: Path) -> None:
    article = _load_text(tmp_path, "## A\n\n#### B\n\n###### C\n\n### D\n\n## E\n\n> ##### F\n")
    from articlekit.tree import iter_blocks

    levels = [(stringify(b), b["c"][0]) for b in iter_blocks(article.body) if b["t"] == "Header"]
    assert levels == [("A", 1), ("B", 2), ("C", 3), ("D", 2), ("E", 1), ("F", 2)]


def test_html_heading_order_has_no_gap(built: Path) -> None:
    root = html.fromstring((built / "skipped-levels.html").read_bytes())
    body = root.xpath("//article//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")
    assert [(h.tag, _text(h)) for h in body] == [
        ("h2", "Nesting in the hedge bottom"), ("h3", "The wren"), ("h3", "The robin"),
        ("h2", "Nesting in the canopy"), ("h3", "The yellowhammer"), ("h3", "Birds that only feed there"),
    ]


def test_pdf_outline_of_skipped_levels_has_no_gap(built: Path) -> None:
    with pikepdf.open(built / "skipped-levels.pdf") as pdf, pdf.open_outline() as outline:
        found = [(" ".join(item.title.split()), [" ".join(c.title.split()) for c in item.children])
                 for item in outline.root]
    assert found == SKIPPED_OUTLINE


def test_jats_sections_of_skipped_levels_nest_one_deep(built: Path) -> None:
    root = etree.fromstring((built / "skipped-levels.xml").read_bytes())
    assert [_text(t) for t in root.iterfind("body/sec/sec/title")] == [c for _, cs in SKIPPED_OUTLINE for c in cs]
    assert root.find("body/sec/sec/sec") is None
