"""The front matter journals carry: journal identity, article number, history, structured
affiliations, the corresponding author, funding, acknowledgements and data availability.

Read back from the JATS, the web page's JSON-LD and title block, and the ebook.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

import articlekit
from articlekit.errors import ArticleErrors
from conftest import run_cli

FOLDER = Path(__file__).resolve().parent / "fixtures" / "citations"
SOURCE = FOLDER / "notes-en.md"
PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("front")
    proc = run_cli("build", FOLDER, "-t", "jats,html,epub", "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def meta(built: Path) -> etree._Element:
    return etree.fromstring((built / "notes-en.xml").read_bytes(), PARSER).find("front/article-meta")


def test_journal_meta(built: Path) -> None:
    root = etree.fromstring((built / "notes-en.xml").read_bytes(), PARSER)
    jm = root.find("front/journal-meta")
    assert jm.findtext("journal-id[@journal-id-type='publisher-id']") == "jrs"
    assert jm.findtext("journal-title-group/journal-title") == "Journal of Regional Studies"
    assert jm.findtext("journal-title-group/abbrev-journal-title") == "J. Reg. Stud."
    assert [(i.get("publication-format"), i.text) for i in jm.findall("issn")] == [
        ("print", "2686-1887"), ("electronic", "0317-8471")]
    assert jm.findtext("publisher/publisher-name") == "Institute of International Studies"
    assert "Journal Publishing" in (built / "notes-en.xml").read_text("utf-8").split("\n")[1]


def test_epub_package_names_the_journal(built: Path) -> None:
    with zipfile.ZipFile(built / "notes-en.epub") as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"), PARSER)
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.xpath("//opf:meta[@property='belongs-to-collection']/text()", namespaces=ns) == [
        "Journal of Regional Studies"]
    assert opf.xpath("//opf:meta[@refines='#collection'][@property='dcterms:identifier']/text()", namespaces=ns) == [
        "urn:issn:0317-8471"]
    assert opf.xpath("//dc:publisher/text()", namespaces=ns) == ["Institute of International Studies"]


def test_elocation_and_history(meta: etree._Element) -> None:
    assert meta.findtext("elocation-id") == "e1042"
    dates = [(d.get("date-type"), d.get("iso-8601-date")) for d in meta.findall("history/date")]
    assert dates == [("received", "2023-11-02"), ("rev-recd", "2024-02-14"), ("accepted", "2024-03-30")]


def test_self_uri_where_the_house_publishes(meta: etree._Element, tmp_path: Path) -> None:
    xlink = "{http://www.w3.org/1999/xlink}href"
    assert [(u.get("content-type"), u.get(xlink)) for u in meta.findall("self-uri")] == [
        ("pdf", "https://jrs.example.org/articles/notes-en.pdf"), ("html", "https://jrs.example.org/articles/notes-en.html")]
    assert _errors(tmp_path, "authors: [A B]\nbase_url: http://x.example/\n") == [
        f"{tmp_path / 'a.md'}:5:1: 'base_url' 'http://x.example/' must be an https:// address, such as"
        " 'https://journal.example/articles/'"]


def test_structured_affiliations_written_once_with_labels(meta: etree._Element) -> None:
    affs = meta.findall("aff")
    assert [a.findtext("label") for a in affs] == ["1", "2"]  # three authors, two affiliations
    ugm = affs[0]
    assert ugm.findtext("institution-wrap/institution-id[@institution-id-type='ror']") == "https://ror.org/03ke6d638"
    assert ugm.findtext("institution-wrap/institution[@content-type='dept']") == "Department of International Relations"
    assert ugm.xpath("institution-wrap/institution[not(@content-type)]")[0].text == "Universitas Gadjah Mada"
    assert ugm.findtext("addr-line[@content-type='city']") == "Yogyakarta"
    assert (ugm.find("country").get("country"), ugm.findtext("country")) == ("ID", "Indonesia")
    rids = [x.get("rid") for x in meta.iterfind("contrib-group/contrib/xref[@ref-type='aff']")]
    assert rids == [affs[0].get("id"), affs[1].get("id"), affs[0].get("id")]


def test_corresponding_author(meta: etree._Element, built: Path) -> None:
    contrib = meta.find("contrib-group/contrib[@corresp='yes']")
    assert contrib.findtext("name/surname") == "Roe"
    rid = contrib.find("xref[@ref-type='corresp']").get("rid")
    assert meta.findtext(f"author-notes/corresp[@id='{rid}']/email") == "jane.roe@example.org"
    page = lxml.html.fromstring((built / "notes-en.html").read_bytes())
    line = page.xpath("//p[@class='affiliation'][contains(., 'Jane Roe')]")[0].text_content()
    assert "jane.roe@example.org (corresponding author)" in line
    assert "Department of International Relations, Universitas Gadjah Mada, Yogyakarta, Indonesia" in line


def test_funding(meta: etree._Element, built: Path) -> None:
    groups = meta.findall("funding-group/award-group")
    assert [g.findtext("award-id") for g in groups] == ["LPDP-2021-0815", "RTA-2023-112"]
    assert groups[0].findtext("funding-source/institution-wrap/institution-id[@institution-id-type='doi']") == \
        "https://doi.org/10.13039/501100014538"
    assert groups[1].findtext("funding-source/institution-wrap/institution-id[@institution-id-type='ror']") == \
        "https://ror.org/03ke6d638"
    page = lxml.html.fromstring((built / "notes-en.html").read_bytes())
    data = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)
    assert [f["name"] for f in data["funder"]] == ["Indonesia Endowment Fund for Education", "Universitas Gadjah Mada"]
    assert data["funder"][1]["identifier"] == "https://ror.org/03ke6d638"
    assert data["isPartOf"]["issn"] == ["2686-1887", "0317-8471"]
    assert page.xpath("//meta[@name='citation_journal_title']/@content") == ["Journal of Regional Studies"]
    assert page.xpath("//meta[@name='citation_issn']/@content") == ["2686-1887", "0317-8471"]
    assert page.xpath("//p[@class='funding']")[0].text_content() == (
        "Funding: Indonesia Endowment Fund for Education (LPDP-2021-0815); Universitas Gadjah Mada (RTA-2023-112)")
    assert page.xpath("//p[@class='publication']")[0].text_content() == (
        "Journal of Regional Studies · ISSN 2686-1887 · e-ISSN 0317-8471 · Institute of International Studies · e1042")


def test_acknowledgements_and_data_availability(built: Path) -> None:
    root = etree.fromstring((built / "notes-en.xml").read_bytes(), PARSER)
    assert root.findtext("back/ack/title") == "Acknowledgements"
    assert root.find("body//sec[title='Acknowledgements']") is None
    sec = root.find("back/sec[@sec-type='data-availability']")
    assert sec.findtext("title") == "Data availability"
    assert sec.findtext("p").startswith("The budget figures")
    assert [el.tag for el in root.find("back")] == ["ack", "sec", "ref-list", "fn-group"]
    page = lxml.html.fromstring((built / "author-date-id.html").read_bytes())
    assert page.xpath("//section[@role='doc-acknowledgments']/h2")[0].text_content() == "Ucapan terima kasih"
    assert page.xpath("//section[@id='data-availability']/h2")[0].text_content() == "Ketersediaan data"


def _errors(tmp_path: Path, front: str) -> list[str]:
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: T\ndate: 2024-01-01\n{front}---\n\nText.\n", encoding="utf-8")
    with pytest.raises(ArticleErrors) as e:
        articlekit.load(path)
    return [str(x) for x in e.value.errors]


def test_new_keys_are_validated_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    assert _errors(tmp_path, "authors:\n  - name: A B\n    corresponding: true\n") == [
        f"{path}:5:5: author 1: the corresponding author needs an 'email'"]
    assert _errors(tmp_path, "authors: [A B]\naffiliations:\n  x:\n    institution: U\n    country: Indonesia\n") == [
        f"{path}:8:5: affiliations.x: invalid country 'Indonesia': expected an ISO 3166 two-letter code"
        " such as 'ID' or 'GB'"]
    found = _errors(tmp_path, "authors: [A B]\nfunding:\n  - funder: F\n    funder_id: 12\n"
                              "journal:\n  title: J\n  issn_print: 2686-1888\nhistory:\n  accepted: 2024-13-01\n")
    assert [f.split(": ", 1)[0] for f in found] == [f"{path}:7:5", f"{path}:10:3", f"{path}:12:3"]
    assert "invalid Crossref Funder ID '12'" in found[0]
    assert "check digit" in found[1]
    assert "invalid date '2024-13-01'" in found[2]


def test_journal_comes_from_the_house_config(tmp_path: Path) -> None:
    (tmp_path / "articlekit.toml").write_text(
        '[journal]\ntitle = "House Journal"\nissn_online = "2686-1887"\n', encoding="utf-8")
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: T\ndate: 2024-01-01\nauthors: [A B]\n---\n\nText.\n", encoding="utf-8")
    xml = articlekit.to_jats(articlekit.load(path))
    root = etree.fromstring(xml, PARSER)
    assert root.findtext("front/journal-meta/journal-title-group/journal-title") == "House Journal"
    assert root.find("front/journal-meta/issn").get("publication-format") == "electronic"


def test_a_house_language_needs_none_of_the_apparatus_words(tmp_path: Path) -> None:
    """A house that made a language supported before these words existed keeps it supported."""
    from articlekit.labels import LABELS, REQUIRED_KEYS, labels_for

    table = "\n".join(f"{k} = {json.dumps(LABELS[k])}" for k in REQUIRED_KEYS)
    (tmp_path / "articlekit.toml").write_text(f"[labels.sw]\n{table}\n", encoding="utf-8")
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: T\ndate: 2024-01-01\nauthors: [A B]\nlang: sw\nlicense: CC BY 4.0\n---\n\nText.\n",
                    encoding="utf-8")
    article = articlekit.load(path)
    assert not [w for w in article.warnings if "has no words" in w]
    assert labels_for(article).lang == "sw"
