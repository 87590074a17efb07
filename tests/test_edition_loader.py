"""Reading an edition file: its metadata, its ordered articles, and every problem at its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import articlekit
from articlekit.editions.loader import load_edition, render_front_piece
from conftest import FIXTURES
from seed import ROOT

SAMPLE_EDITION = ROOT / "editions" / "2018-q2.yaml"
ERRORS = FIXTURES / "edition-errors"

#: Each refused edition file and the lines it is refused with (``path:`` left out).
EXPECTED = {
    "bad-date.yaml": ["3:1: invalid date '2018-06-31': day is out of range for month"],
    "bad-isbn.yaml": ["4:1: invalid ISBN '978-602-5078-13-3': expected 10 or 13 digits with a valid check digit"],
    "cover-outside.yaml": ["4:1: 'cover': '../../../../etc/hostname' points outside the project folder"],
    "duplicate-article.yaml": [
        "11:9: article 'how-north-korea-controls-its-internet' is listed twice (first on line 7)"],
    "editors-string.yaml": [
        "4:1: 'editors': 'Yohanes Sulistyo' after the comma in 'Ratna Wulandari, Yohanes Sulistyo' is not a degree: "
        "separate people with '&', 'and' or ';', or give a list"],
    "missing-article.yaml": [
        "8:9: article 'the-trade-war-and-south-east-asia': no the-trade-war-and-south-east-asia.md in sources "
        "(did you mean 'the-trade-war-and-southeast-asia'?)"],
    "section-key.yaml": ["7:5: section 2: required key 'title' is missing",
                         "7:5: section 2: unknown key 'titel' (did you mean 'title'?)"],
    "unknown-key.yaml": ["6:1: unknown key 'editros' (did you mean 'editors'?)"],
}


def test_every_error_fixture_has_its_expectation() -> None:
    assert sorted(p.name for p in ERRORS.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bad_edition_file_is_refused_at_its_lines(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    path = ERRORS.relative_to(ROOT) / name
    with pytest.raises(articlekit.ArticlekitError) as caught:
        load_edition(path, sources_dir=Path("sources"))
    assert str(caught.value).splitlines() == [f"{path}:{line}" for line in EXPECTED[name]]


def test_the_sample_edition_loads_in_order_with_its_editors_and_front_pages() -> None:
    edition = load_edition(SAMPLE_EDITION)
    assert edition.slug == "2018-q2"
    assert (edition.volume, edition.issue, edition.issn) == ("4", "2", "2686-1887")
    assert [s.title for s in edition.sections] == ["Commentary", "Research"]
    slugs = [a.slug for a in edition.articles]
    assert slugs[0] == "how-north-korea-controls-its-internet" and len(slugs) == 4
    # Editors are read exactly as an article's editors: name parts and degrees.
    first = edition.editors[0]
    assert (first.name, first.degrees, first.family) == ("Ratna Wulandari", "PhD", "Wulandari")
    # Each article is the article load() returns: transformed, notes numbered from 1.
    for item in edition.articles:
        assert [n.number for n in item.article.notes] == list(range(1, len(item.article.notes) + 1))
        assert item.article.metadata.title_text == articlekit.load(item.source).metadata.title_text
    kinds = [p.kind for p in edition.front]
    assert sorted(kinds) == ["foreword", "imprint"]
    assert edition.cover is not None and edition.cover.is_file()


def test_editors_written_as_one_string_get_their_degrees(tmp_path: Path) -> None:
    (tmp_path / "editions").mkdir()
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.md").write_text(
        "---\ntitle: Rice prices in the dry season\ndate: 2019-08-01\nauthors: [Dewi Lestari]\n---\n\n"
        "Prices rose by a third between June and August.\n", encoding="utf-8")
    path = tmp_path / "editions" / "2019.yaml"
    path.write_text("title: Yearbook 2019\ndate: 2019-12-31\n"
                    "editors: \"Atin Prabandari, MA(IR) & Viyasa Rahyaputra, S.IP\"\narticles: [a]\n",
                    encoding="utf-8")
    edition = load_edition(path)
    assert [(p.name, p.degrees) for p in edition.editors] == [("Atin Prabandari", "MA(IR)"),
                                                              ("Viyasa Rahyaputra", "S.IP")]
    assert [s.title for s in edition.sections] == [None]


def test_an_article_with_problems_is_reported_at_its_own_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "editions").mkdir()
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.md").write_text(
        "---\ntitle: Rice prices\ndate: 2019-08-01\nauthors: [Dewi Lestari]\n---\n\n"
        "Prices rose by a third.[^x]\n", encoding="utf-8")
    path = tmp_path / "editions" / "2019.yaml"
    path.write_text("title: Yearbook 2019\ndate: 2019-12-31\narticles: [a]\n", encoding="utf-8")
    with pytest.raises(articlekit.ArticlekitError) as caught:
        load_edition(path)
    assert str(caught.value).startswith(f"{tmp_path / 'sources' / 'a.md'}:7:")


def test_a_front_piece_keeps_its_heading_as_title_and_is_well_formed_xml() -> None:
    from lxml import etree

    piece = render_front_piece("imprint", "# Imprint\n\nPrinted in Yogyakarta  \nby *Gadjah* & Sons.\n",
                               SAMPLE_EDITION, "en", dt.date(2018, 6, 30))
    assert piece.title == "Imprint"
    root = etree.fromstring(f"<div>{piece.html}</div>")
    assert "".join(root.itertext()).startswith("Printed in Yogyakarta")
    assert root.find(".//br") is not None and root.find(".//em").text == "Gadjah"


def test_an_imprint_without_a_heading_is_named_in_the_editions_language() -> None:
    piece = render_front_piece("imprint", "Dicetak di Yogyakarta.\n", SAMPLE_EDITION, "id", dt.date(2018, 6, 30))
    assert piece.title == "Impresum"


def test_a_foreword_needs_a_heading_and_may_not_hold_notes() -> None:
    with pytest.raises(articlekit.ArticleError, match="begins with no heading"):
        render_front_piece("foreword", "Welcome.\n", SAMPLE_EDITION, "en", dt.date(2018, 6, 30))
    with pytest.raises(articlekit.ArticleError, match="holds a note"):
        render_front_piece("foreword", "# Welcome\n\nA claim.^[A source.]\n", SAMPLE_EDITION, "en",
                           dt.date(2018, 6, 30))


def test_a_long_edition_is_read_in_workers_and_their_problems_keep_their_lines(tmp_path: Path) -> None:
    (tmp_path / "editions").mkdir()
    sources = tmp_path / "sources"
    sources.mkdir()
    towns = ["Medan", "Padang", "Palembang", "Bandung", "Semarang", "Surabaya", "Makassar", "Manado", "Ambon"]
    for i, town in enumerate(towns):
        note = "[^wrong]" if town == "Bandung" else "[^1]"
        (sources / f"{town.lower()}.md").write_text(
            f"---\ntitle: Rice prices in {town}\ndate: 2019-08-0{i + 1}\nauthors: [Dewi Lestari]\n---\n\n"
            f"Prices in {town} rose by a third between June and August.{note}\n\n"
            "[^1]: Provincial statistics office, monthly bulletin.\n", encoding="utf-8")
    path = tmp_path / "editions" / "rice.yaml"
    path.write_text("title: Rice in 2019\ndate: 2019-12-31\narticles: [" + ", ".join(t.lower() for t in towns) + "]\n",
                    encoding="utf-8")
    with pytest.raises(articlekit.ArticlekitError) as caught:
        load_edition(path, jobs=2)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{sources / 'bandung.md'}:7:")
    assert all("bandung.md" in line for line in lines)
    (sources / "bandung.md").write_text((sources / "bandung.md").read_text().replace("[^wrong]", "[^1]"))
    edition = load_edition(path, jobs=2)
    assert [a.article.metadata.title_text for a in edition.articles] == [f"Rice prices in {t}" for t in towns]
    assert all([n.number for n in a.article.notes] == [1] for a in edition.articles)
