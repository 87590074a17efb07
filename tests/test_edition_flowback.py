"""Page numbers flow back: after the edition's print layout each article's JATS, web page and
offprint carry the volume, the issue and the pages the edition printed it on."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from lxml import etree

import articlekit
from articlekit.editions import ArticlePages, EditionReport, build_edition, with_pages
from articlekit.editions.loader import load_edition
from articlekit.model import Journal
from conftest import FIXTURES, run_cli
from seed import ROOT
from validators import nu_check
from validators_jats import validate_jats

SAMPLE_EDITION = ROOT / "editions" / "2018-q2.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EditionReport]:
    out = tmp_path_factory.mktemp("flowback")
    lines: list[str] = []
    report = build_edition(SAMPLE_EDITION, "pdf,jats,html", out, offprints=True, progress=lines.append)
    assert any("laid out" in line for line in lines), lines
    return out, report


def edition_pages(pdf: Path) -> dict[int, tuple[int, int]]:
    """Each article's first and last page, read from the edition PDF's own destinations."""
    reader = pypdf.PdfReader(pdf)
    dests = {n: reader.get_destination_page_number(d) + 1 for n, d in reader.named_destinations.items()}
    return {int(m[1]): (page, dests[f"a{m[1]}-end"]) for n, page in dests.items() if (m := re.fullmatch(r"a(\d+)", n))}


def test_each_articles_jats_carries_the_editions_pages_and_stays_valid(built: tuple[Path, EditionReport]) -> None:
    out, report = built
    pages = edition_pages(out / "2018-q2.pdf")
    assert len(pages) == len(report.pages) == 4
    for index, placed in enumerate(report.pages, start=1):
        xml = (out / f"{placed.slug}.xml").read_bytes()
        assert validate_jats(xml) == []
        root = etree.fromstring(xml)
        meta = root.find("front/article-meta")
        assert (meta.findtext("volume"), meta.findtext("issue")) == ("4", "2")
        assert (int(meta.findtext("fpage")), int(meta.findtext("lpage"))) == pages[index]
        assert root.findtext("front/journal-meta/issn") == "2686-1887"
        # The edition's journal, and the article's section (the edition's where it names none).
        journal = root.find("front/journal-meta")
        assert journal.findtext("journal-title-group/journal-title") == "Southeast Asia in Review"
        assert journal.findtext("journal-id[@journal-id-type='publisher-id']") == "Southeast Asia in Review"
        assert journal.findtext("publisher/publisher-name") == "Institute of International Studies"
        assert meta.findtext("article-categories/subj-group[@subj-group-type='heading']/subject") == {
            "how-north-korea-controls-its-internet": "Commentary", "the-trade-war-and-southeast-asia": "Commentary",
            "data-protection-after-the-gdpr": "Research", "diplomasi-indonesia-dan-krisis-rohingya": "Riset",
        }[placed.slug]


@pytest.mark.slow
def test_each_web_page_carries_the_citation_pages(built: tuple[Path, EditionReport]) -> None:
    out, report = built
    for placed in report.pages:
        html = (out / f"{placed.slug}.html").read_text(encoding="utf-8")
        meta = dict(re.findall(r'<meta name="(citation_[a-z]+)" content="([^"]*)">', html))
        assert (meta["citation_volume"], meta["citation_issue"]) == ("4", "2")
        assert (int(meta["citation_firstpage"]), int(meta["citation_lastpage"])) == (placed.first, placed.last)
        # schema.org says the same: the pages, in the issue, in the volume.
        data = json.loads(re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S)[1])
        assert (data["pageStart"], data["pageEnd"]) == (str(placed.first), str(placed.last))
        issue = data["isPartOf"]
        assert (issue["@type"], issue["issueNumber"]) == ("PublicationIssue", "2")
        assert (issue["isPartOf"]["@type"], issue["isPartOf"]["volumeNumber"]) == ("PublicationVolume", "4")
    assert nu_check([out / f"{p.slug}.html" for p in report.pages]) == []


def folio(pdf: pdfplumber.PDF, index: int) -> str:
    """The lowest word on a page (0-based index): its folio."""
    words = pdf.pages[index].extract_words()
    return max(words, key=lambda w: w["bottom"])["text"]


def test_an_offprint_is_numbered_with_the_editions_pages(built: tuple[Path, EditionReport]) -> None:
    out, report = built
    for placed in report.pages:
        with pdfplumber.open(out / f"{placed.slug}.pdf") as pdf:
            count = len(pdf.pages)
            assert folio(pdf, 0) == str(placed.first), placed
            assert folio(pdf, count - 1) == str(placed.first + count - 1), placed
            # The same pages as in the edition, so the offprint's last page is the JATS <lpage>.
            assert count == placed.last - placed.first + 1, (placed, count)


def test_the_houses_journal_of_the_same_title_keeps_its_ids_and_typed_issns() -> None:
    edition = load_edition(SAMPLE_EDITION)
    item = edition.articles[0]
    house = Journal(title=edition.title, abbrev="SEA Rev.", id="searev", issn_online="2686-1895")
    own = dataclasses.replace(item.article, metadata=dataclasses.replace(item.article.metadata, journal=house))
    placed = with_pages(own, edition, ArticlePages(item.slug, 3, 9))
    assert placed.metadata.journal == dataclasses.replace(house, publisher="Institute of International Studies")
    other = dataclasses.replace(own, metadata=dataclasses.replace(
        own.metadata, journal=Journal(title="Another Journal", issn_print="1234-5679")))
    assert with_pages(other, edition, ArticlePages(item.slug, 3, 9)).metadata.journal == Journal(
        title="Southeast Asia in Review", publisher="Institute of International Studies")


def test_an_article_built_on_its_own_has_no_pages() -> None:
    article = articlekit.load(ROOT / "sources" / "how-north-korea-controls-its-internet.md")
    xml = articlekit.to_jats(article)
    assert b"<fpage>" not in xml and b"<volume>" not in xml
    assert "citation_firstpage" not in articlekit.to_html(article)


def test_the_command_line_builds_an_edition_and_refuses_a_bad_one(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    proc = run_cli("edition", SAMPLE_EDITION.relative_to(ROOT), "-t", "pdf,epub", "-o", tmp_path / "out",
                   "--report", report)
    assert proc.returncode == 0, proc.stderr
    for name in ("2018-q2.pdf", "2018-q2.epub"):
        assert f"wrote {tmp_path / 'out' / name}" in proc.stdout
    assert (tmp_path / "out" / "2018-q2.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "out" / "2018-q2.epub").read_bytes().startswith(b"PK")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["articles"][0]["slug"] == "how-north-korea-controls-its-internet"
    assert all(a["first_page"] <= a["last_page"] for a in data["articles"])
    assert {Path(o["path"]).name for o in data["outputs"]} == {"2018-q2.pdf", "2018-q2.epub"}
    bad = (FIXTURES / "edition-errors" / "unknown-key.yaml").relative_to(ROOT)
    proc = run_cli("edition", bad, "-t", "pdf", "-o", tmp_path / "bad")
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"{bad}:6:1: unknown key 'editros' (did you mean 'editors'?)"
    assert not (tmp_path / "bad").exists()
