"""The sample edition's deposits: one Crossref ``journal_issue`` with its four articles on the pages the
edition PDF prints them on, and one DOAJ record file with the same pages.

The sample sources state no DOIs and the sample house no ``[deposit]`` table, so
the test copies them (never editing ``sources/``) and adds what a registering
house would state: a DOI in each article's front matter, ``base_url`` and the
``[deposit]`` table in ``articlekit.toml``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest
from lxml import etree

from articlekit.editions import EditionReport, build_edition
from articlekit.writers.deposit.crossref import namespace
from conftest import run_cli
from seed import ROOT
from validators_registry import CROSSREF_XSD, DOAJ_XSD, problems

NS = namespace("5.3.1")
HOUSE = '''base_url = "https://review.example.org/articles/"

[deposit]
depositor = "Institute of International Studies"
email = "doi@review.example.org"
registrant = "Institute of International Studies"
'''


def q(path: str) -> str:
    return "/".join(f"{{{NS}}}{part}" for part in path.split("/"))


def copy_sample(where: Path, *, without_doi: str | None = None) -> Path:
    """The sample edition and its sources in ``where``, each article with a DOI (but ``without_doi``)."""
    shutil.copytree(ROOT / "editions", where / "editions")
    shutil.copytree(ROOT / "sources", where / "sources")
    for n, source in enumerate(sorted((where / "sources").glob("*.md")), 1):
        if source.stem != without_doi:
            text = source.read_text(encoding="utf-8")
            source.write_text(text.replace("---\n", f"---\ndoi: 10.5555/siar.2018.q2.{n}\n", 1), encoding="utf-8")
    (where / "sources" / "articlekit.toml").write_text(HOUSE, encoding="utf-8")
    return where / "editions" / "2018-q2.yaml"


def edition_pages(pdf: Path) -> list[tuple[int, int]]:
    """Each article's first and last page, in reading order, read from the edition PDF's own destinations."""
    reader = pypdf.PdfReader(pdf)
    dests = {n: reader.get_destination_page_number(d) + 1 for n, d in reader.named_destinations.items()}
    starts = sorted((int(m[1]), page) for n, page in dests.items() if (m := re.fullmatch(r"a(\d+)", n)))
    return [(page, dests[f"a{i}-end"]) for i, page in starts]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EditionReport]:
    where = tmp_path_factory.mktemp("edition-deposit")
    out = where / "out"
    report = build_edition(copy_sample(where), "pdf,jats,crossref,doaj", out)
    assert report.ok, report.errors
    return out, report


def test_one_issue_with_four_articles_on_the_pdfs_pages(built: tuple[Path, EditionReport]) -> None:
    out, report = built
    deposit = etree.fromstring((out / "2018-q2.crossref.xml").read_bytes())
    [journal] = deposit.findall(q("body/journal"))
    assert journal.findtext(q("journal_metadata/full_title")) == "Southeast Asia in Review"
    assert [(i.text, i.get("media_type")) for i in journal.iter(q("issn"))] == [("2686-1887", "print")]
    [issue] = journal.findall(q("journal_issue"))
    assert issue.findtext(q("journal_volume/volume")) == "4" and issue.findtext(q("issue")) == "2"
    assert issue.find(q("publication_date")).get("media_type") == "print"
    assert issue.findtext(q("publication_date/year")) == "2018"
    assert [p.get("contributor_role") for p in issue.iter(q("person_name"))] == ["editor", "editor"]
    articles = journal.findall(q("journal_article"))
    assert len(articles) == 4
    pages = [(int(a.findtext(q("pages/first_page"))), int(a.findtext(q("pages/last_page")))) for a in articles]
    assert pages == edition_pages(out / "2018-q2.pdf")
    assert pages == [(p.first, p.last) for p in report.pages]
    jats = [etree.parse(str(out / f"{p.slug}.xml"), etree.XMLParser(no_network=True, resolve_entities=False,
                                                                   load_dtd=False)) for p in report.pages]
    assert pages == [(int(j.findtext(".//article-meta/fpage")), int(j.findtext(".//article-meta/lpage")))
                     for j in jats]  # the articles' own JATS says the same
    assert [a.findtext(q("doi_data/doi")) for a in articles] == [
        j.findtext(".//article-meta/article-id[@pub-id-type='doi']") for j in jats]
    resources = [a.findtext(q("doi_data/resource")) for a in articles]
    assert resources == [f"https://review.example.org/articles/{p.slug}.html" for p in report.pages]
    assert len({a.findtext(q("doi_data/doi")) for a in articles}) == 4


def test_the_doaj_records_carry_the_same_pages(built: tuple[Path, EditionReport]) -> None:
    out, _ = built
    records = etree.fromstring((out / "2018-q2.doaj.xml").read_bytes())
    assert len(records) == 4
    pages = [(int(r.findtext("startPage")), int(r.findtext("endPage"))) for r in records]
    assert pages == edition_pages(out / "2018-q2.pdf")
    assert {(r.findtext("volume"), r.findtext("issue")) for r in records} == {("4", "2")}
    assert [r.findtext("language") for r in records].count("ind") == 1  # the Indonesian article


def test_the_editions_deposits_are_valid(built: tuple[Path, EditionReport]) -> None:
    out, _ = built
    assert problems((out / "2018-q2.crossref.xml").read_bytes(), CROSSREF_XSD) == []
    assert problems((out / "2018-q2.doaj.xml").read_bytes(), DOAJ_XSD) == []


def test_an_article_without_a_doi_refuses_the_deposit_and_the_book_is_still_made(tmp_path: Path) -> None:
    edition = copy_sample(tmp_path, without_doi="the-trade-war-and-southeast-asia")
    out = tmp_path / "out"
    proc = run_cli("edition", edition, "-t", "pdf,crossref", "-o", out, "-q", "-j", "1")
    assert proc.returncode == 2, proc.stderr
    source = tmp_path / "sources" / "the-trade-war-and-southeast-asia.md"
    assert proc.stderr.splitlines() == [
        f"{source}:1: Crossref deposit: no 'doi'; add doi: 10.NNNN/suffix to the front matter"
        " (the DOI this deposit registers)"]
    assert "Traceback" not in proc.stderr
    assert (out / "2018-q2.pdf").is_file()
    assert not (out / "2018-q2.crossref.xml").exists()
    assert not [p for p in out.rglob("*") if ".tmp" in p.name or "crossref" in p.name]
