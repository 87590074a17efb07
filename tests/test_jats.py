"""The JATS writer: valid JATS 1.3 (judged by the official DTDs), metadata, editors, endnotes."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

import articlekit
from articlekit.errors import ArticleError
from articlekit.model import Article, Copyright, Image, Metadata, Note, Person
from articlekit.writers import jats as jats_writer
from articlekit.writers.jats.front import copyright_parts, license_name, license_url
from articlekit.writers.jats.xml import BLOCK_CHILDREN, INLINE_CHILDREN, IdRegistry, is_xml_id
from seed import SAMPLE, SLUG, normalise, note_texts, sentences
from validators_jats import ARCHIVING_ID, DRIVERS, PUBLISHING_ID, load_dtd, validate_jats

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KITCHEN = FIXTURES / "articles" / "kitchen-sink.md"
HANGUL = FIXTURES / "articles" / "hangul.md"
JOURNAL = FIXTURES / "journal" / "journal-article.md"
TORTURE = FIXTURES / "jats" / "torture.md"
XLINK = "http://www.w3.org/1999/xlink"
HREF = f"{{{XLINK}}}href"
PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)

#: Elements that may legitimately be empty: links whose text a reader generates, pictures, cells.
MAY_BE_EMPTY = {"xref", "graphic", "inline-graphic", "col", "break", "td", "th"}


def jats(path: Path) -> bytes:
    return articlekit.to_jats(articlekit.load(path))


def tree(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, PARSER)


def assert_valid(xml: bytes) -> None:
    problems = validate_jats(xml)
    assert problems == [], "\n".join(problems[:20])


def c14n(el: etree._Element) -> bytes:
    """``el`` serialised alone, with only the namespace declarations it uses."""
    return etree.tostring(el, method="c14n", exclusive=True, with_tail=False)


def callout_free_text(el: etree._Element) -> str:
    """The text of ``el`` with note callouts (``<sup><xref ref-type="fn">``) taken out."""
    el = copy.deepcopy(el)
    for sup in el.xpath(".//sup[xref[@ref-type='fn']]"):
        parent, tail = sup.getparent(), sup.tail or ""
        prev = sup.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(sup)
    return normalise("".join(el.itertext()))


def empty_elements(root: etree._Element) -> list[str]:
    return [
        f"<{el.tag}> on line {el.sourceline}"
        for el in root.iter()
        if isinstance(el.tag, str) and el.tag not in MAY_BE_EMPTY and not len(el) and not (el.text or "").strip()
    ]


# ---------------------------------------------------------------------------
# The first article, built through the command line


@pytest.fixture(scope="module")
def first_xml(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "articlekit", "build", str(SAMPLE.parent), "-t", "jats", "-o", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    target = out / f"{SLUG}.xml"
    assert target.is_file(), f"no {target.name} in {sorted(p.name for p in out.iterdir())}"
    return target.read_bytes()


def test_first_article_is_valid_archiving_jats(first_xml: bytes) -> None:
    assert first_xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE article PUBLIC "')
    assert_valid(first_xml)
    doc = etree.fromstring(first_xml, PARSER).getroottree()
    # No publication or ISSN is configured for sources/, so the Archiving tag set.
    assert doc.docinfo.public_id == ARCHIVING_ID
    root = doc.getroot()
    assert root.get("dtd-version") == "1.3"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.get("article-type") == "other"
    assert root.find("front/journal-meta") is None
    assert not root.xpath("//journal-id | //issn | //publisher-name")
    assert empty_elements(root) == []


def test_first_article_editors_with_degrees(first_xml: bytes) -> None:
    root = tree(first_xml)
    groups = root.findall("front/article-meta/contrib-group")
    assert [g.get("content-type") for g in groups] == ["authors", "editors"]
    editors = groups[1].findall("contrib")
    assert [e.get("contrib-type") for e in editors] == ["editor", "editor"]
    assert [(e.findtext("name/given-names"), e.findtext("name/surname"), e.findtext("degrees")) for e in editors] == [
        ("Atin", "Prabandari", "MA(IR)"),
        ("Viyasa", "Rahyaputra", "S.IP"),
    ]
    for e in editors:
        assert [c.tag for c in e] == ["name", "degrees", "role"]
        assert e.findtext("role") == "Editor"
    (author,) = groups[0].findall("contrib")
    assert author.get("contrib-type") == "author"
    assert (author.findtext("name/surname"), author.findtext("name/given-names")) == ("Ghofari", "Gehan")
    assert root.find(".//string-name") is None


def test_first_article_iso_date(first_xml: bytes) -> None:
    (date,) = tree(first_xml).findall("front/article-meta/pub-date")
    assert dict(date.attrib) == {
        "date-type": "pub", "publication-format": "electronic", "iso-8601-date": "2018-05-21",
    }
    assert [(c.tag, c.text) for c in date] == [("day", "21"), ("month", "05"), ("year", "2018")]


def test_first_article_notes_in_order_with_matching_callouts(first_xml: bytes) -> None:
    root = tree(first_xml)
    fns = root.findall("back/fn-group/fn")
    assert root.findtext("back/fn-group/title") == "Notes"
    assert [fn.get("id") for fn in fns] == [f"fn{n}" for n in range(1, 11)]
    assert [fn.findtext("label") for fn in fns] == [str(n) for n in range(1, 11)]
    callouts = root.findall("body//xref[@ref-type='fn']")
    assert [x.get("rid") for x in callouts] == [f"fn{n}" for n in range(1, 11)]
    assert [x.text for x in callouts] == [str(n) for n in range(1, 11)]
    for x in callouts:
        assert x.getparent().tag == "sup"
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert {x.get("rid") for x in root.iter("xref")} <= ids


def test_first_article_keeps_the_6_7_cluster_in_one_superscript(first_xml: bytes) -> None:
    root = tree(first_xml)
    clusters = [sup for sup in root.iter("sup") if len(sup.findall("xref")) > 1]
    assert len(clusters) == 1
    assert c14n(clusters[0]) == (
        b'<sup><xref ref-type="fn" rid="fn6">6</xref>,<xref ref-type="fn" rid="fn7">7</xref></sup>'
    )


def test_first_article_carries_every_seed_sentence_and_note(first_xml: bytes) -> None:
    root = tree(first_xml)
    text = callout_free_text(root.find("front/article-meta/title-group")) + " " + callout_free_text(root.find("body"))
    missing = [s for s in sentences() if normalise(s) not in text]
    assert missing == []
    fns = root.findall("back/fn-group/fn")
    for fn, expected in zip(fns, note_texts(), strict=True):
        assert normalise(expected) in callout_free_text(fn)
    # The last heading keeps its no-break space.
    assert "\u00a0" in "".join(t.text or "" for t in root.iter("title"))


def test_first_article_states_no_rights_and_gets_none(first_xml: bytes) -> None:
    """The first article states no licence or copyright: no <permissions>, and a warning, never invented rights."""
    assert tree(first_xml).find(".//permissions") is None
    assert b"copyright" not in first_xml and b"license" not in first_xml
    warning = (f"{SAMPLE}:1: no license or copyright: the JATS has no <permissions>; state 'license' or 'copyright'"
               " in the front matter or articlekit.toml")
    assert [(str(w), w.code) for w in articlekit.load(SAMPLE).warnings] == [(warning, "no-permissions")]
    check = [sys.executable, "-m", "articlekit", "check", str(SAMPLE)]
    proc = subprocess.run(check, capture_output=True, text=True, timeout=300, check=False)
    assert (proc.returncode, proc.stderr.splitlines()) == (0, [f"warning: {warning} [no-permissions]"])
    # With --strict a warning is an error, this one too.
    proc = subprocess.run([*check, "--strict"], capture_output=True, text=True, timeout=300, check=False)
    assert (proc.returncode, proc.stderr.splitlines()) == (2, [warning])


def test_first_article_picture_credit_without_picture(first_xml: bytes) -> None:
    root = tree(first_xml)
    (fig,) = root.findall("floats-group/fig")
    assert fig.get("id") == "lead-image"
    assert [c.tag for c in fig] == ["attrib"]
    assert fig.findtext("attrib") == "Foreign Policy"


# ---------------------------------------------------------------------------
# Fixtures exercising the rest of the mapping


@pytest.fixture(scope="module")
def kitchen_xml() -> bytes:
    return jats(KITCHEN)


def test_kitchen_sink_is_valid(kitchen_xml: bytes) -> None:
    assert_valid(kitchen_xml)
    assert empty_elements(tree(kitchen_xml)) == []


def test_kitchen_sink_front_matter(kitchen_xml: bytes) -> None:
    root = tree(kitchen_xml)
    assert root.get("article-type") == "research-article"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    meta = root.find("front/article-meta")
    assert meta.findtext("article-id[@pub-id-type='doi']") == "10.5555/articlekit.2024.001"
    assert meta.findtext("article-categories/subj-group[@subj-group-type='heading']/subject") == "Methods"
    title = meta.find("title-group/article-title")
    assert c14n(title) == (
        b"<article-title>A <italic>kitchen-sink</italic> article for every writer</article-title>"
    )
    assert meta.findtext("title-group/subtitle") == "Lists, tables, quotes, code, images and notes"
    first = meta.find("contrib-group[@content-type='authors']/contrib")
    assert first.findtext("contrib-id[@contrib-id-type='orcid']") == "https://orcid.org/0000-0002-1825-0097"
    assert first.findtext("degrees") == "MA"
    assert first.findtext("email") == "gehan@example.org"
    aff_id = first.find("xref[@ref-type='aff']").get("rid")
    assert meta.findtext(f"aff[@id='{aff_id}']") == "Institute of International Studies, Universitas Gadjah Mada"
    second = meta.findall("contrib-group[@content-type='authors']/contrib")[1]
    assert second.findtext("name/surname") == "Quiñones"
    editors = meta.findall("contrib-group[@content-type='editors']/contrib")
    assert [e.findtext("degrees") for e in editors] == ["MA(IR)", "S.IP", "M.Phil., MA"]
    lic = meta.find("permissions/license")
    assert lic.findtext("{http://www.niso.org/schemas/ali/1.0/}license_ref") == (
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert lic.findtext("license-p") == "CC BY 4.0"
    assert meta.find("abstract/p/italic").text == "every"
    assert [k.text for k in meta.findall("kwd-group/kwd")] == ["testing", "endnotes", "typesetting"]
    # Order the DTD requires inside article-meta.
    order = [c.tag for c in meta]
    assert order.index("pub-date") < order.index("permissions") < order.index("abstract") < order.index("kwd-group")


def test_kitchen_sink_body(kitchen_xml: bytes) -> None:
    root = tree(kitchen_xml)
    body = root.find("body")
    lists = body.findall(".//list")
    assert [lst.get("list-type") for lst in lists] == ["order", "bullet", "bullet"]
    assert body.find(".//list[@list-type='order']/list-item/p/bold").text == "strong"
    link = body.find(".//ext-link")
    assert (link.get("ext-link-type"), link.get(HREF), link.text) == (
        "uri", "https://example.org/archive", "link to the archive"
    )
    assert body.findtext(".//email") == "desk@example.org"
    assert body.find(".//disp-quote/p[2]/sup/xref").get("rid") == "fn7"
    assert body.findtext(".//def-list/def-item/term") == "Term"
    assert body.findtext(".//monospace") == "inline code"
    code = body.find(".//preformat")
    assert code.text == "def number(notes):\n    return {label: i for i, label in enumerate(notes, 1)}"
    para = body.find(".//preformat/../p")
    assert [c.tag for c in para] == ["sub", "sup", "strike", "sc"]
    table = body.find(".//table-wrap")
    assert callout_free_text(table.find("caption")) == "Internet users by country, 2023."
    assert table.find("caption/p/sup/xref").get("rid") == "fn8"
    assert [th.get("align") for th in table.findall("table/thead/tr/th")] == ["left", "right", "center"]
    assert len(table.findall("table/tbody/tr")) == 3
    fig = body.find(".//fig")
    assert fig.findtext("caption/p") == "A figure with a caption."
    assert fig.find("graphic").get(HREF) == "figure.png"
    # ![A figure with a caption.](figure.png): the bracketed words are the picture's alt text too.
    assert fig.findtext("graphic/alt-text") == "A figure with a caption."
    # Sections nest; ids are the source's.
    assert [s.get("id") for s in body.iter("sec")] == [
        "lists-and-quotes", "a-subsection-with-code", "tables-and-figures",
    ]


def test_kitchen_sink_repeated_inline_and_identical_notes(kitchen_xml: bytes) -> None:
    root = tree(kitchen_xml)
    rids = [x.get("rid") for x in root.findall("body//xref[@ref-type='fn']")]
    assert rids.count("fn1") == 3  # one note, referenced three times
    fns = root.findall("back/fn-group/fn")
    assert len(fns) == 8
    assert len(fns[0].findall("p")) == 2  # the multi-paragraph note
    assert fns[2].find("p/italic").text == "in place"  # the inline note
    assert [fn.findtext("p") for fn in fns[3:5]] == ["Ibid.", "Ibid."]


def test_kitchen_sink_lead_picture(kitchen_xml: bytes) -> None:
    (fig,) = tree(kitchen_xml).findall("floats-group/fig")
    assert [c.tag for c in fig] == ["graphic", "attrib"]
    assert fig.find("graphic").get(HREF) == "figure.png"
    assert fig.findtext("graphic/alt-text") == "Diagonal red lines over a beige ground with a dark blue block."
    assert fig.findtext("attrib") == "Studio Kitchen, CC BY 4.0"


def test_hangul_names_and_language() -> None:
    xml = jats(HANGUL)
    assert_valid(xml)
    root = tree(xml)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"
    assert root.findtext("front/article-meta/title-group/article-title") == "북한의 인터넷 통제"
    authors = root.findall("front/article-meta/contrib-group[@content-type='authors']/contrib/name")
    assert [(n.get("name-style"), n.findtext("surname"), n.findtext("given-names")) for n in authors] == [
        ("eastern", "김", "민준"), ("western", "Ghofari", "Gehan"),
    ]
    (editor,) = root.findall("front/article-meta/contrib-group[@content-type='editors']/contrib")
    assert (editor.findtext("name/surname"), editor.findtext("name/given-names"), editor.findtext("degrees")) == (
        "이", "서연", "박사",
    )
    assert [x.get("rid") for x in root.findall("body//xref")] == ["fn1", "fn2", "fn3", "fn1"]


def test_journal_fixture_is_journal_publishing() -> None:
    xml = jats(JOURNAL)
    assert_valid(xml)
    doc = etree.fromstring(xml, PARSER).getroottree()
    assert doc.docinfo.public_id == PUBLISHING_ID
    assert doc.docinfo.system_url == "https://jats.nlm.nih.gov/publishing/1.3/JATS-journalpublishing1-3.dtd"
    jm = doc.getroot().find("front/journal-meta")
    assert jm.findtext("journal-title-group/journal-title") == "Global Insights Review"
    assert jm.findtext("journal-id") == "Global Insights Review"
    assert jm.findtext("issn") == "2686-1887"
    assert jm.findtext("publisher/publisher-name") == "Institute of International Studies"
    meta = doc.getroot().find("front/article-meta")
    assert meta.findtext("article-categories/subj-group/subject") == "Commentary"
    assert meta.findtext("permissions/license/{http://www.niso.org/schemas/ali/1.0/}license_ref") == (
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert meta.findtext("permissions/license/license-p") == "CC BY 4.0"  # the name of a known licence URL
    assert meta.find("contrib-group[@content-type='editors']/contrib/role").text == "Editor"
    fig = doc.getroot().find("floats-group/fig")
    assert fig.find("graphic").get(HREF) == "lead.png"
    assert fig.findtext("attrib") == "Foreign Policy"
    assert empty_elements(doc.getroot()) == []


def test_without_publication_data_archiving_has_no_journal_ids(kitchen_xml: bytes) -> None:
    doc = etree.fromstring(kitchen_xml, PARSER).getroottree()
    assert doc.docinfo.public_id == ARCHIVING_ID
    jm = doc.getroot().find("front/journal-meta")
    # Only what is known: the publisher; never an empty journal-id or ISSN.
    assert [c.tag for c in jm] == ["publisher"]


def test_publishing_needs_both_title_and_issn() -> None:
    article = articlekit.load(KITCHEN)
    for publication, issn, expected in (
        ("Review", "2686-1887", jats_writer.PUBLISHING),
        ("Review", None, jats_writer.ARCHIVING),
        (None, "2686-1887", jats_writer.ARCHIVING),
    ):
        meta = _replace(article.metadata, publication=publication, issn=issn)
        assert jats_writer.tag_set(meta) is expected
        xml = jats_writer.to_jats(Article(article.path, meta, article.body, article.notes))
        assert_valid(xml)
        assert expected.public_id.encode() in xml


def _replace(meta: Metadata, **changes: object) -> Metadata:
    import dataclasses

    return dataclasses.replace(meta, **changes)


@pytest.fixture(scope="module")
def torture_xml() -> bytes:
    return jats(TORTURE)


def test_torture_article_is_valid(torture_xml: bytes) -> None:
    assert_valid(torture_xml)
    root = tree(torture_xml)
    assert empty_elements(root) == []
    # Raw HTML is dropped, its text kept.
    assert b"<b>" not in torture_xml and b"<span" not in torture_xml and b"<!--" not in torture_xml
    assert "raw html span" in "".join(root.find("body/p").itertext())


def test_torture_ids_never_collide(torture_xml: bytes) -> None:
    root = tree(torture_xml)
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert all(is_xml_id(i) for i in ids)
    secs = [s.get("id") for s in root.iter("sec")]
    # Source ids that clash with generated ones (fn1, aff1, lead-image) or are not XML names (2019).
    assert {"sec-fn1", "sec-2019", "sec-aff1", "sec-lead-image", "tables"} <= set(secs)
    assert root.find("back//fn[@id='fn1']") is not None
    assert root.find("front//aff[@id='aff1']") is not None
    rids = {r for x in root.iter("xref") for r in x.get("rid").split()}
    assert rids <= set(ids)


def test_torture_inline_placement(torture_xml: bytes) -> None:
    root = tree(torture_xml)
    lede = root.find("body/p")
    # A callout in a link's text follows the link; links never nest.
    link = lede.find("ext-link")
    assert link.text == "link text here" and link.getnext().tag == "sup"
    assert root.find(".//ext-link//ext-link") is None and root.find(".//ext-link//xref") is None
    # The callout in an image's alt text follows the picture.
    graphic = lede.find("inline-graphic")
    assert graphic.findtext("alt-text") == "inline image with a note" and graphic.getnext().tag == "sup"
    # An image-only link: its URL is its text, the picture follows.
    clickable = lede.findall("ext-link")[1]
    assert clickable.text == "https://example.org/img" and clickable.getnext().tag == "inline-graphic"
    # Internal links resolve to the target's final id; a dangling one keeps only its text.
    (xref,) = lede.findall("xref")
    assert (xref.get("ref-type"), xref.get("rid"), xref.text) == ("sec", "tables", "link to the tables")
    assert "a dangling one" in "".join(lede.itertext())
    assert not [v for el in root.iter() for v in el.attrib.values() if "javascript" in v]
    assert lede.find("named-content").get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"
    assert [e.text for e in lede.findall("email")] == ["desk@example.org"]
    assert "Hard\nbreak" in "".join(lede.itertext())  # <break/> is not allowed in <p>


def test_torture_block_placement(torture_xml: bytes) -> None:
    root = tree(torture_xml)
    headings = [p.findtext("bold") for p in root.iter("p") if p.get("content-type") == "heading"]
    assert headings == ["A heading inside a div", "A heading inside a quote", "A heading in a note"]
    # A heading in the abstract opens a section of it.
    (abstract_sec,) = root.findall("front/article-meta/abstract/sec")
    assert abstract_sec.findtext("title") == "A heading inside the abstract"
    assert abstract_sec.find("list") is not None
    first_list = root.find("body/sec/list")
    assert [li.findtext("label") for li in first_list] == ["5.", "6."]
    second = first_list[1]
    # Blocks a list item cannot hold directly are wrapped in <p>.
    wrapped = [[c.tag for c in p] for p in second.findall("p")[1:]]
    assert wrapped == [["preformat"], ["disp-quote"], ["table-wrap"], ["fig"]]
    assert [lst.get("list-type") for lst in root.findall("body/sec/list")] == [
        "order", "roman-lower", "alpha-upper", "bullet",
    ]
    verse = root.find("body/sec/verse-group")
    assert [len(g.findall("verse-line")) for g in verse.findall("verse-group")] == [2, 1]
    assert "link (https://example.org/poem)" in "".join(verse.itertext())
    header_only = [t for t in root.iter("table") if t.find("tbody") is None]
    assert len(header_only) == 1 and [c.tag for c in header_only[0]] == ["tr"]
    grid = root.find(".//table-wrap[@id='tbl-grid']")
    first_cell = grid.find("table/tbody/tr/td")
    assert first_cell[0].tag == "list"
    note10 = root.find("back/fn-group/fn[@id='fn10']")
    assert [c.tag for c in note10] == ["label", "p", "p", "p", "p", "p", "p"]


def test_headings_in_the_abstract_are_its_sections(tmp_path: Path) -> None:
    source = tmp_path / "structured.md"
    source.write_text(
        "---\ntitle: Structured\ndate: 2024-01-15\nauthors: [Ann Example]\nlicense: CC BY 4.0\nabstract: |\n"
        "  Lead sentence.\n\n  ## Background\n\n  Why it matters.\n\n  ### Detail\n\n  Finer.\n\n"
        "  ## Methods\n\n  How it was done.\n---\n\nBody text.\n", encoding="utf-8")
    xml = jats_writer.to_jats(articlekit.load(source))
    assert validate_jats(xml) == []
    abstract = tree(xml).find("front/article-meta/abstract")
    assert [c.tag for c in abstract] == ["p", "sec", "sec"]
    background, methods = abstract.findall("sec")
    assert [c.tag for c in background] == ["title", "p", "sec"]
    assert (background.findtext("title"), background.findtext("sec/title")) == ("Background", "Detail")
    assert (methods.findtext("title"), methods.findtext("p")) == ("Methods", "How it was done.")
    assert not abstract.xpath(".//p[@content-type='heading']")


def test_output_whitespace_is_only_between_elements() -> None:
    """Indentation goes only into element-only content; text is byte-for-byte what was rendered."""
    for path in (SAMPLE, KITCHEN, TORTURE):
        root, tags = jats_writer.build_tree(articlekit.load(path))
        before = ["".join(el.itertext()) for el in root.iter() if el.tag not in jats_writer.ELEMENT_ONLY]
        xml = jats_writer.serialise(root, tags)
        after = [
            "".join(el.itertext()) for el in tree(xml).iter()
            if isinstance(el.tag, str) and el.tag not in jats_writer.ELEMENT_ONLY
        ]
        assert before == after
        assert b"\n  <" in xml  # and it is indented


def test_to_jats_api_returns_utf8_bytes() -> None:
    xml = articlekit.to_jats(articlekit.load(HANGUL))
    assert isinstance(xml, bytes)
    assert xml.decode("utf-8").count("북한의 인터넷 통제") == 1
    assert xml.endswith(b"</article>\n")


# ---------------------------------------------------------------------------
# The validation itself can fail


def _swap(xml: bytes, old: bytes, new: bytes) -> bytes:
    assert old in xml, old
    return xml.replace(old, new, 1)


@pytest.mark.parametrize(("name", "expected"), [
    ("paragraph-in-title", "article-title"),
    ("dangling-rid", "unknown ID"),
    ("duplicate-id", "already defined"),
    ("dtd-version-1.4", "dtd-version"),
    ("publishing-without-issn", "journal-meta"),
    ("publishing-without-journal-meta", "front"),
    ("paragraph-after-a-section", "body"),
    ("not-well-formed", "not well-formed"),
    ("unknown-doctype", "DOCTYPE"),
])
def test_an_invalid_document_fails_validation(name: str, expected: str, kitchen_xml: bytes,
                                              first_xml: bytes) -> None:
    journal = jats(JOURNAL)
    assert_valid(journal)
    broken = {
        "paragraph-in-title": lambda: _swap(kitchen_xml, b"<article-title>A ", b"<article-title><p>A</p> "),
        "dangling-rid": lambda: _swap(kitchen_xml, b'rid="fn2"', b'rid="fn99"'),
        "duplicate-id": lambda: _swap(kitchen_xml, b'<fn id="fn2">', b'<fn id="fn1">'),
        "dtd-version-1.4": lambda: _swap(kitchen_xml, b'dtd-version="1.3"', b'dtd-version="1.4"'),
        "publishing-without-issn": lambda: _swap(journal, b"<issn>2686-1887</issn>", b""),
        "publishing-without-journal-meta": lambda: _swap(
            first_xml, ARCHIVING_ID.encode(), PUBLISHING_ID.encode()
        ),
        "paragraph-after-a-section": lambda: _swap(kitchen_xml, b"</sec>\n  </body>", b"</sec>\n<p>Late.</p></body>"),
        "not-well-formed": lambda: kitchen_xml[:-20],
        "unknown-doctype": lambda: _swap(kitchen_xml, b"Archiving and Interchange DTD v1.3", b"Archiving DTD v9"),
    }[name]()
    problems = validate_jats(broken)
    assert problems, f"{name}: the broken document was reported valid"
    assert any(expected in p for p in problems), problems


# ---------------------------------------------------------------------------
# The placement tables agree with both DTDs


def _child_names(dtd: etree.DTD, name: str) -> set[str]:
    decl = next(e for e in dtd.elements() if e.name == name)
    names: set[str] = set()

    def walk(c: object) -> None:
        if c is None:
            return
        if c.type == "element":  # type: ignore[attr-defined]
            names.add(c.name)  # type: ignore[attr-defined]
        walk(c.left)  # type: ignore[attr-defined]
        walk(c.right)  # type: ignore[attr-defined]

    walk(decl.content)
    return names


@pytest.mark.parametrize("public_id", [PUBLISHING_ID, ARCHIVING_ID])
def test_placement_tables_match_the_dtd(public_id: str) -> None:
    dtd = load_dtd(public_id)
    wrong = [
        f"<{child}> in <{parent}>"
        for table in (INLINE_CHILDREN, BLOCK_CHILDREN)
        for parent, children in table.items()
        for child in children
        if child not in _child_names(dtd, parent)
    ]
    assert wrong == []
    # Every block a container refuses can be wrapped in the <p> it falls back to.
    for parent, children in BLOCK_CHILDREN.items():
        if parent != "p":
            assert "p" in children
    assert BLOCK_CHILDREN["p"] <= _child_names(dtd, "p")


def test_validator_knows_every_driver() -> None:
    for public_id in DRIVERS:
        assert load_dtd(public_id) is not None


# ---------------------------------------------------------------------------
# Errors, ids, licences


def _article(body: list[dict], notes: list[Note] | None = None, **meta: object) -> Article:
    fields: dict[str, object] = {
        "title": [{"t": "Str", "c": "T"}], "title_text": "T", "date": dt.date(2024, 1, 2),
        "authors": (Person("Ada Lovelace", "Ada", "Lovelace"),),
    }
    fields.update(meta)
    return Article(Path("x.md"), Metadata(**fields), body, notes or [])  # type: ignore[arg-type]


def _para(text: str) -> dict:
    return {"t": "Para", "c": [{"t": "Str", "c": text}]}


def test_unknown_article_type_is_an_error_with_a_hint() -> None:
    hint = r"'commentary' is not a JATS article-type \(did you mean 'article-commentary'"
    with pytest.raises(ArticleError, match=hint):
        jats_writer.to_jats(_article([_para("x")], article_type="commentary"))


def test_text_xml_cannot_carry_is_an_error() -> None:
    with pytest.raises(ArticleError, match="U\\+000C"):
        jats_writer.to_jats(_article([_para("page\x0cbreak")]))


def test_a_note_in_the_title_is_an_error() -> None:
    title = [{"t": "Str", "c": "T"}, {"t": "Note", "c": [_para("n")]}]
    with pytest.raises(ArticleError, match="notes are allowed only in the body"):
        jats_writer.to_jats(_article([_para("x")], title=title))


def test_a_note_without_jats_content_is_an_error() -> None:
    refs = {"t": "NoteRefs", "c": [{"number": 1, "note_id": "fn1", "ref_id": "fnref1"}]}
    note = Note(1, "a", [{"t": "HorizontalRule"}], ["fnref1"], line=7)
    with pytest.raises(ArticleError, match=r"x.md:7: note 1 has no text"):
        jats_writer.to_jats(_article([{"t": "Para", "c": [{"t": "Str", "c": "x"}, refs]}], [note]))


def test_id_registry() -> None:
    ids = IdRegistry()
    ids.reserve("fn1")
    assert ids.claim("fn1", "sec", "sec") == "sec-fn1"
    assert ids.claim("fn1", "sec", "sec") == "sec-fn1-2"
    assert ids.claim("2019", "sec", "sec") == "sec-2019"
    assert ids.claim("2019", "sec", "sec") == "sec-2019-2"
    assert ids.claim("a:b c", "sec", "sec") == "a-b-c"
    assert ids.claim("", "sec", "sec") == "sec-1"
    assert ids.claim("", "sec", "sec") == "sec-2"
    assert ids.claim("휴대전화", "sec", "sec") == "휴대전화"
    assert ids.targets("fn1") == [("sec-fn1", "sec"), ("sec-fn1-2", "sec")]
    with pytest.raises(ValueError):
        ids.reserve("fn1")
    assert not is_xml_id("1a") and not is_xml_id("a:b") and is_xml_id("a-1.b_c")


RIGHTS = FIXTURES / "jats"


def _permissions(path: Path) -> list[tuple[str, str]]:
    xml = jats(path)
    assert_valid(xml)
    perm = tree(xml).find("front/article-meta/permissions")
    return [(etree.QName(c).localname, normalise("".join(c.itertext()))) for c in perm]


def test_permissions_carry_copyright_and_licence_in_dtd_order() -> None:
    assert _permissions(RIGHTS / "rights-copyright.md") == [
        ("copyright-statement", "\u00a9 2021 Centre for Treaty Studies"),
        ("copyright-year", "2021"),
        ("copyright-holder", "Centre for Treaty Studies"),
    ]
    # A statement in the usual form is read for its year and holder.
    assert _permissions(RIGHTS / "rights-statement.md") == [
        ("copyright-statement", "\u00a9 2022 Dewi Lestari"),
        ("copyright-year", "2022"),
        ("copyright-holder", "Dewi Lestari"),
        ("license", "https://creativecommons.org/licenses/by-nc/4.0/ CC BY-NC 4.0"),
    ]
    # A holder without a year holds it from the year of publication; the Publishing tag set as well.
    xml = jats(RIGHTS / "rights-journal.md")
    assert etree.fromstring(xml, PARSER).getroottree().docinfo.public_id == PUBLISHING_ID
    assert _permissions(RIGHTS / "rights-journal.md") == [
        ("copyright-statement", "\u00a9 2020 Institute of International Studies"),
        ("copyright-year", "2020"),
        ("copyright-holder", "Institute of International Studies"),
        ("license", "https://creativecommons.org/licenses/by/4.0/ CC BY 4.0"),
    ]
    lic = tree(xml).find("front/article-meta/permissions/license")
    assert [etree.QName(c).localname for c in lic] == ["license_ref", "license-p"]
    assert etree.QName(lic[0]).namespace == "http://www.niso.org/schemas/ali/1.0/"


def test_copyright_parts_never_make_up_a_holder() -> None:
    def parts(**kw: object) -> tuple[str | None, int | None, str | None]:
        return copyright_parts(Copyright(**kw), 2018)  # type: ignore[arg-type]

    assert parts(holder="IIS", year=2015) == ("\u00a9 2015 IIS", 2015, "IIS")
    assert parts(holder="IIS") == ("\u00a9 2018 IIS", 2018, "IIS")
    assert parts(holder="IIS", statement="Copyright IIS") == ("Copyright IIS", 2018, "IIS")
    assert parts(statement="Copyright (c) 2019 Jane Roe. All rights reserved.") == (
        "Copyright (c) 2019 Jane Roe. All rights reserved.", 2019, "Jane Roe")
    assert parts(statement="Copyright 2020, The Authors.") == ("Copyright 2020, The Authors.", 2020, "The Authors")
    # Words that do not say who holds the rights are printed as they are, alone.
    assert parts(statement="The authors keep their rights") == ("The authors keep their rights", None, None)
    assert parts(statement="2018 was a good year") == ("2018 was a good year", None, None)
    xml = jats_writer.to_jats(_article([_para("x")], copyright=Copyright(statement="Rights stay with the authors")))
    assert_valid(xml)
    perm = tree(xml).find("front/article-meta/permissions")
    assert [(c.tag, c.text) for c in perm] == [("copyright-statement", "Rights stay with the authors")]


def test_body_figures_and_inline_pictures_carry_their_alt_text() -> None:
    # {alt="…"} gives the picture its own words beside the caption.
    fig = tree(jats(RIGHTS / "rights-copyright.md")).find("body//fig")
    assert fig.get("id") == "fig-clause"
    assert fig.findtext("caption/p") == 'Article 7 of the treaty, with the words "lawful purpose" underlined.'
    assert fig.findtext("graphic/alt-text") == "A scanned page of the treaty text; two words are underlined in red."
    # Without it the bracketed words are caption and alt text alike.
    fig = tree(jats(RIGHTS / "rights-statement.md")).find("body//fig")
    words = "The route of the first transatlantic cable."
    assert fig.findtext("caption/p") == fig.findtext("graphic/alt-text") == words
    inline = tree(jats(RIGHTS / "rights-journal.md")).find("body//inline-graphic")
    assert inline.findtext("alt-text") == "a small logo"
    # A picture with no words gets no empty <alt-text>.
    image = {"t": "Image", "c": [["", [], []], [], ["figure.png", ""]]}
    figure = {"t": "Figure", "c": [["", [], []], [None, []], [{"t": "Plain", "c": [image]}]]}
    xml = jats_writer.to_jats(_article([figure, {"t": "Para", "c": [{"t": "Str", "c": "x"}, image]}]))
    assert_valid(xml)
    assert tree(xml).find(".//alt-text") is None


def test_licences() -> None:
    assert license_url("CC BY 4.0") == "https://creativecommons.org/licenses/by/4.0/"
    assert license_url("cc by-nc-sa 3.0") == "https://creativecommons.org/licenses/by-nc-sa/3.0/"
    assert license_url("CC0 1.0") == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert license_url("All rights reserved") is None
    assert license_name("https://creativecommons.org/licenses/by-sa/4.0/") == "CC BY-SA 4.0"
    xml = jats_writer.to_jats(_article([_para("x")], license="All rights reserved"))
    assert_valid(xml)
    lic = tree(xml).find("front/article-meta/permissions/license")
    assert [c.tag for c in lic] == ["license-p"] and lic.findtext("license-p") == "All rights reserved"


# ---------------------------------------------------------------------------
# Anything pandoc can produce: valid JATS (or a clear error)


class TreeMaker:
    """Random pandoc trees: every node type, nested in every container, with awkward ids and text.

    A plain seeded generator (not a Hypothesis strategy) so that thousands of
    nodes cost milliseconds; a failing seed reproduces exactly.
    """

    WORDS = ("a", "Xy", "09", "&amp;", "<p>", '"q"', "é", "한국", ".", "fn1", "\u00a0")
    IDS = ("", "", "x", "fn1", "aff1", "2019", "a:b", "lead-image", "é", "sec-1")
    URLS = ("https://example.org/?a=1&b=2", "#x", "#fn1", "#sec-1", "#nowhere", "mailto:a@b.org",
            "javascript:alert(1)", "", "figure.png")
    FACES = ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps")

    def __init__(self, seed: int, notes: int) -> None:
        import random

        self.r = random.Random(seed)
        self.notes = notes

    def attr(self) -> list:
        return [self.r.choice(self.IDS), [], []]

    def word(self) -> str:
        return self.r.choice(self.WORDS)

    def inlines(self, depth: int, notes: bool = True) -> list[dict]:
        return [self.inline(depth, notes) for _ in range(self.r.randint(0, 4))]

    def inline(self, depth: int, notes: bool) -> dict:
        r = self.r
        kind = r.randint(0, 14 if depth > 0 else 6)
        if kind <= 1:
            return {"t": "Str", "c": self.word()}
        if kind == 2:
            return r.choice([{"t": "Space"}, {"t": "SoftBreak"}, {"t": "LineBreak"},
                             {"t": "RawInline", "c": ["html", "<b>"]}])
        if kind == 3:
            return {"t": "Code", "c": [self.attr(), self.word()]}
        if kind == 4:
            return {"t": "Math", "c": [{"t": r.choice(["InlineMath", "DisplayMath"])}, self.word()]}
        if kind <= 6:
            if notes and self.notes:
                ns = [r.randint(1, self.notes) for _ in range(r.randint(1, 3))]
                return {"t": "NoteRefs", "c": [{"number": n, "note_id": f"fn{n}", "ref_id": f"fnref{n}"} for n in ns]}
            return {"t": "Str", "c": self.word()}
        inner = self.inlines(depth - 1, notes)
        if kind <= 8:
            return {"t": r.choice(self.FACES), "c": inner}
        if kind == 9:
            return {"t": "Quoted", "c": [{"t": r.choice(["DoubleQuote", "SingleQuote"])}, inner]}
        if kind == 10:
            return {"t": "Cite", "c": [[], inner]}
        if kind <= 12:
            return {"t": "Link", "c": [self.attr(), inner, [r.choice(self.URLS), r.choice(["", "a title"])]]}
        if kind == 13:
            return {"t": "Image", "c": [["", [], []], inner, [r.choice(["figure.png", "a b.jpg"]), ""]]}
        return {"t": "Span", "c": [["", [], r.choice([[], [["lang", "ko"]], [["lang", "not a tag"]]])], inner]}

    def blocks(self, depth: int, notes: bool = True, most: int = 4) -> list[dict]:
        return [self.block(depth, notes) for _ in range(self.r.randint(0, most))]

    def block(self, depth: int, notes: bool) -> dict:
        r = self.r
        kind = r.randint(0, 15 if depth > 0 else 6)
        inl = self.inlines(2, notes)
        if kind <= 1:
            return {"t": "Para", "c": inl}
        if kind == 2:
            return {"t": "Plain", "c": inl}
        if kind == 3:
            return {"t": "Header", "c": [r.randint(1, 3), self.attr(), inl]}
        if kind == 4:
            return {"t": "CodeBlock", "c": [self.attr(), r.choice(["", "  x = 1\n\ty", self.word()])]}
        if kind == 5:
            return {"t": "LineBlock", "c": [self.inlines(2, notes) for _ in range(r.randint(0, 4))]}
        if kind == 6:
            return r.choice([{"t": "HorizontalRule"}, {"t": "RawBlock", "c": ["html", "<div>"]}, {"t": "Null"}])
        sub = depth - 1
        if kind == 7:
            return {"t": "BlockQuote", "c": self.blocks(sub, notes)}
        if kind == 8:
            return {"t": "BulletList", "c": [self.blocks(sub, notes) for _ in range(r.randint(0, 3))]}
        if kind == 9:
            style = r.choice(["Decimal", "LowerRoman", "UpperAlpha", "LowerAlpha", "Example", "DefaultStyle"])
            delim = r.choice(["Period", "OneParen", "TwoParens", "DefaultDelim"])
            items = [self.blocks(sub, notes) for _ in range(r.randint(0, 3))]
            return {"t": "OrderedList", "c": [[r.choice([1, 1, 4, 30]), {"t": style}, {"t": delim}], items]}
        if kind == 10:
            return {"t": "DefinitionList", "c": [
                [self.inlines(2, notes), [self.blocks(sub, notes) for _ in range(r.randint(0, 2))]]
                for _ in range(r.randint(0, 2))
            ]}
        if kind <= 12:
            level = r.randint(1, 3)
            section = r.random() < 0.7
            head = [{"t": "Header", "c": [level, ["", [], []], inl]}] if section else []
            classes = ["section", f"level{level}"] if section else ["aside"]
            return {"t": "Div", "c": [[r.choice(self.IDS), classes, []], head + self.blocks(sub, notes)]}
        if kind == 13:
            caption = self.blocks(0, notes, most=2)
            if r.random() < 0.6:
                content = [{"t": "Plain", "c": [{"t": "Image", "c": [["", [], []], inl, ["figure.png", ""]]}]}]
            else:
                content = self.blocks(sub, notes)
            return {"t": "Figure", "c": [self.attr(), [None, caption], content]}
        return self.table(sub, notes)

    def table(self, depth: int, notes: bool) -> dict:
        r = self.r
        ncols = r.randint(1, 3)

        def rows(most: int) -> list:
            return [
                [["", [], []], [
                    [["", [], []], {"t": r.choice(["AlignDefault", "AlignCenter"])}, r.choice([1, 1, 2]), 1,
                     self.blocks(depth, notes, most=2)]
                    for _ in range(ncols)
                ]]
                for _ in range(r.randint(0, most))
            ]

        width = r.choice([{"t": "ColWidthDefault"}, {"t": "ColWidth", "c": 0.25}])
        return {"t": "Table", "c": [
            self.attr(), [None, self.blocks(0, notes, most=2)],
            [[{"t": r.choice(["AlignDefault", "AlignRight"])}, width] for _ in range(ncols)],
            [["", [], []], rows(1)], [[["", [], []], r.randint(0, 1), rows(1), rows(3)]], [["", [], []], rows(1)],
        ]}

    def article(self) -> Article:
        r = self.r
        notes = [
            Note(i, None, [_para(f"Note {i}."), *self.blocks(2, notes=False)], [f"fnref{i}"])
            for i in range(1, self.notes + 1)
        ]
        journal = r.random() < 0.5
        return _article(
            self.blocks(4), notes,
            title=[{"t": "Str", "c": "Title"}, *self.inlines(2, notes=False)],
            subtitle=self.inlines(2, notes=False) or None,
            editors=(Person("Ed Itor", "Ed", "Itor", degrees="MA(IR)", affiliation="Office"),),
            abstract=self.blocks(2, notes=False) or None, keywords=("k & l",), license="CC BY 4.0",
            image=r.choice([None, Image(credit="Someone"), Image(src="figure.png", alt="a", credit="c")]),
            publication="Journal" if journal else None, issn="2686-1887" if journal else None,
            article_type=r.choice([None, "research-article", "editorial"]), section=r.choice([None, "Opinion"]),
        )


@pytest.mark.parametrize("chunk", range(4))
def test_any_pandoc_tree_becomes_valid_jats(chunk: int) -> None:
    """400 random trees (100 per chunk, so a failure names a small range of seeds)."""
    for seed in range(chunk * 100, (chunk + 1) * 100):
        article = TreeMaker(seed, notes=seed % 4).article()
        problems = validate_jats(jats_writer.to_jats(article))
        assert problems == [], f"seed {seed}: {problems[:5]}"
