"""Reading sources: front matter, metadata, config defaults and headings."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import articlekit
from articlekit.tree import stringify
from conftest import FIXTURES
from seed import SAMPLE


def test_sample_metadata():
    m = articlekit.load(SAMPLE).metadata
    assert m.title_text == "How North Korea controls its Internet"
    assert m.date == dt.date(2018, 5, 21)
    assert [p.name for p in m.authors] == ["Gehan Ghofari"]
    assert (m.authors[0].given, m.authors[0].family) == ("Gehan", "Ghofari")
    assert [(p.name, p.degrees) for p in m.editors] == [("Atin Prabandari", "MA(IR)"), ("Viyasa Rahyaputra", "S.IP")]
    assert m.editors[0].display_name == "Atin Prabandari, MA(IR)"
    assert m.image is not None and m.image.credit == "Foreign Policy" and m.image.src is None
    assert m.lang == "en"


def test_sample_sections_are_the_four_questions_and_keep_the_no_break_space():
    body = articlekit.load(SAMPLE).body
    sections = [b for b in body if b["t"] == "Div" and "section" in b["c"][0][1]]
    titles = [stringify(s["c"][1][0]["c"][2]) for s in sections]
    assert len(titles) == 4
    assert titles[0].startswith("How are mobile phones")
    assert "South Korea\u00a0implicate" in titles[3]
    assert all(s["c"][1][0]["c"][0] == 1 for s in sections)  # "##" became level 1


def test_inline_markdown_title_and_people_shapes():
    m = articlekit.load(FIXTURES / "articles" / "kitchen-sink.md").metadata
    assert m.title_text == "A kitchen-sink article for every writer"
    assert any(node["t"] == "Emph" for node in m.title)
    assert m.authors[0].orcid == "0000-0002-1825-0097"
    assert m.authors[1].family == "Quiñones" and m.authors[1].given == "María José Carreño"
    assert m.editors[2].degrees == "M.Phil., MA"
    assert m.keywords == ("testing", "endnotes", "typesetting")
    assert m.doi == "10.5555/articlekit.2024.001"
    assert m.lang == "en-GB"


def test_explicit_given_and_family_for_names_without_spaces():
    m = articlekit.load(FIXTURES / "articles" / "hangul.md").metadata
    assert (m.authors[0].given, m.authors[0].family) == ("민준", "김")
    assert m.editors[0].degrees == "박사"


def test_articlekit_toml_defaults_are_inherited():
    m = articlekit.load(FIXTURES / "journal" / "journal-article.md").metadata
    assert m.publication == "Global Insights Review"
    assert m.issn == "2686-1887"
    assert m.section == "Commentary"
    assert m.license == "https://creativecommons.org/licenses/by/4.0/"


def test_front_matter_overrides_toml(tmp_path):
    (tmp_path / "articlekit.toml").write_text('publisher = "House"\nlang = "id"\n', encoding="utf-8")
    src = tmp_path / "a.md"
    src.write_text("---\ntitle: T\ndate: 2020-01-01\nauthors: [A B]\nlang: en\n---\n\nBody.\n", encoding="utf-8")
    m = articlekit.load(src).metadata
    assert (m.publisher, m.lang) == ("House", "en")


def test_heading_levels_start_at_one_whatever_the_author_wrote(tmp_path):
    src = tmp_path / "h.md"
    head = "---\ntitle: T\ndate: 2020-01-01\nauthors: [A B]\n---\n\n"
    src.write_text(head + "### Deep\n\n#### Deeper\n", encoding="utf-8")
    body = articlekit.load(src).body
    outer = body[0]
    assert outer["c"][0][1] == ["section", "level1"] and outer["c"][1][0]["c"][0] == 1
    inner = outer["c"][1][1]
    assert inner["c"][0][1] == ["section", "level2"] and inner["c"][1][0]["c"][0] == 2


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("undefined-note.md", 9, "note reference [^missing] has no definition"),
        ("duplicate-note.md", 10, "note [^a] is defined twice (first on line 9)"),
        ("editors-typo.md", 5, "unknown key 'editrs' (did you mean 'editors'?)"),
        ("bad-date.md", 3, "invalid date '2020-13-45'"),
        ("no-authors.md", 1, "required key 'authors' is missing"),
        ("credit-role-typo.md", 6,
         "author 1: 'writing-orginal-draft' is not a CRediT role (did you mean 'writing-original-draft'?)"),
        ("bad-ror.md", 7, "author 1: invalid ROR id 'https://ror.org/03ke6d683'"),
        ("editors-string-names-only.md", 5,
         "'editors': 'Viyasa Rahyaputra' after the comma in 'Atin Prabandari, Viyasa Rahyaputra' is not a degree"),
        ("people-in-one-item.md", 6,
         "reviewer 1: 'Bambang Purwanto, M.Hum. & Sri Wahyuni' names several people: give one per list item, "
         "or the whole list as one string"),
    ],
)
def test_errors_name_file_and_line(name, line, message):
    path = FIXTURES / "errors" / name
    with pytest.raises(articlekit.ArticlekitError) as info:
        articlekit.load(path)
    text = str(info.value)
    assert re.match(rf"{re.escape(str(path))}:{line}(:\d+)?: ", text), text
    assert message in text
