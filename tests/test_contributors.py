"""Contributors as real catalogues have them, in every format.

Reviewers and translators beside authors and editors, CRediT roles, ROR ids of
affiliations, editors written as one string with their degrees, and people known
by one name only ("Suharto").  The fixture has all of them; each format's
metadata is read back, and the validators must accept every output.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from lxml import etree

import articlekit
from articlekit.read.frontmatter import CREDIT_ROLES, ror_checksum_ok, split_people
from validators import ROOT, nu_check
from validators_epub import epubcheck_reports, problems_in
from validators_jats import validate_jats
from validators_jats4r import validate_jats4r

FIXTURES = ROOT / "tests" / "fixtures"
SOURCE = FIXTURES / "contributors" / "translated-review.md"
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
CREDIT = "https://credit.niso.org/contributor-roles/"
UGM = "https://ror.org/03ke6d638"


@pytest.fixture(scope="module")
def article() -> articlekit.Article:
    return articlekit.load(SOURCE)


# ---------------------------------------------------------------------------
# Reading


def test_every_kind_of_contributor_is_read(article: articlekit.Article) -> None:
    m = article.metadata
    suharto, dewi = m.authors
    assert (suharto.name, suharto.given, suharto.family, suharto.file_as) == ("Suharto", None, None, "Suharto")
    assert suharto.roles == ("conceptualization", "investigation", "writing-original-draft")
    assert suharto.ror == dewi.ror == "03ke6d638"  # the URL and the bare id read the same
    assert dewi.roles == ("formal-analysis", "writing-review-editing")  # CRediT's own term is accepted
    assert [(p.name, p.degrees) for p in m.editors] == [("Atin Prabandari", "MA(IR)"), ("Viyasa Rahyaputra", "S.IP")]
    assert [p.display_name for p in m.reviewers] == ["Bambang Purwanto, M.Hum.", "Sri Wahyuni"]
    assert [(p.display_name, p.roles) for p in m.translators] == [("Rachel Morton, MA", ("writing-review-editing",))]


@pytest.mark.parametrize(("text", "people"), [
    ("Atin Prabandari, MA(IR) & Viyasa Rahyaputra, S.IP",
     [("Atin Prabandari", "MA(IR)"), ("Viyasa Rahyaputra", "S.IP")]),
    ("Atin Prabandari and Viyasa Rahyaputra; Suharto, S.H., M.H.",
     [("Atin Prabandari", None), ("Viyasa Rahyaputra", None), ("Suharto", "S.H., M.H.")]),
    ("Dewi Lestari, PhD", [("Dewi Lestari", "PhD")]),
    ("Suharto", [("Suharto", None)]),
])
def test_people_written_as_one_string(text: str, people: list[tuple[str, str | None]]) -> None:
    assert [(p["name"], p.get("degrees")) for p in split_people(text)] == people


@pytest.mark.parametrize("text", ["Atin Prabandari, Viyasa Rahyaputra", "Atin Prabandari & ", "A, MA && B"])
def test_a_string_that_does_not_split_cleanly_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"degree|empty"):
        split_people(text)


def test_ror_check_digits() -> None:
    # Real ROR ids (Universitas Gadjah Mada, Caltech, Cambridge) and the same with a check digit changed.
    for ror in ("03ke6d638", "05dxps055", "013meh722"):
        assert ror_checksum_ok(ror)
        assert not ror_checksum_ok(ror[:-1] + str((int(ror[-1]) + 1) % 10))
    assert len(CREDIT_ROLES) == 14


def test_a_one_word_name_is_a_whole_name(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text("---\ntitle: T\ndate: 2024-01-15\nauthors: [김민준]\neditors: [Suharto]\n---\n\nText.\n",
                   encoding="utf-8")
    m = articlekit.load(src).metadata
    assert [(p.name, p.given, p.family) for p in (*m.authors, *m.editors)] == [
        ("김민준", None, None), ("Suharto", None, None)]


def test_a_list_item_written_as_a_string_keeps_its_degrees_apart(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text("---\ntitle: T\ndate: 2024-01-15\nauthors: [\"Dewi Lestari, PhD\", \"Lestari, Dewi\"]\n"
                   "editors: [\"Atin Prabandari, MA(IR)\"]\n---\n\nText.\n", encoding="utf-8")
    m = articlekit.load(src).metadata
    assert [(p.name, p.degrees) for p in (*m.authors, *m.editors)] == [
        ("Dewi Lestari", "PhD"),
        ("Lestari, Dewi", None),  # "Dewi" is no degree: the name stays as written
        ("Atin Prabandari", "MA(IR)"),
    ]
    assert (m.authors[0].family, m.editors[0].family) == ("Lestari", "Prabandari")


@pytest.mark.parametrize(("person", "message"), [
    ("{name: Ann Example, roles: [peer-review]}", "'peer-review' is not a CRediT role: use one of conceptualization"),
    ("{name: Ann Example, affiliation: X, ror: 3ke6d638}", "invalid ROR id '3ke6d638'"),
    ("{name: Ann Example, ror: 03ke6d638}", "'ror' identifies the affiliation: add 'affiliation'"),
    ("{name: Ann Example, given: Ann}", "give both 'given' and 'family', or neither"),
])
def test_a_bad_contributor_is_refused(tmp_path: Path, person: str, message: str) -> None:
    src = tmp_path / "a.md"
    src.write_text(f"---\ntitle: T\ndate: 2024-01-15\nauthors: [Ann Author]\ntranslators:\n  - {person}\n---\n\nT.\n",
                   encoding="utf-8")
    with pytest.raises(articlekit.ArticlekitError) as info:
        articlekit.load(src)
    assert re.search(rf":6(:\d+)?: translator 1: {re.escape(message)}", str(info.value)), str(info.value)


# ---------------------------------------------------------------------------
# JATS


@pytest.mark.slow
def test_jats_contributors(article: articlekit.Article) -> None:
    xml = articlekit.to_jats(article)
    assert validate_jats(xml) == []
    report = validate_jats4r(xml)
    assert report.errors == [] and report.warnings == []
    meta = etree.fromstring(xml).find(".//article-meta")
    groups = {g.get("content-type"): g for g in meta.iterfind("contrib-group")}
    assert list(groups) == ["authors", "editors", "reviewers", "translators"]
    kinds = {k: [c.get("contrib-type") for c in g.iterfind("contrib")] for k, g in groups.items()}
    assert kinds == {"authors": ["author"] * 2, "editors": ["editor"] * 2, "reviewers": ["reviewer"] * 2,
                     "translators": ["translator"]}
    suharto = groups["authors"].find("contrib")
    name = suharto.find("name")
    assert name.get("name-style") == "given-only" and [e.tag for e in name] == ["given-names"]
    assert name.findtext("given-names") == "Suharto"
    roles = [r.attrib for r in suharto.iterfind("role")]
    assert roles[2] == {"vocab": "credit", "vocab-identifier": "https://credit.niso.org/",
                        "vocab-term": "Writing \u2013 original draft",
                        "vocab-term-identifier": f"{CREDIT}writing-original-draft/"}
    assert [r.text for r in suharto.iterfind("role")] == ["Conceptualization", "Investigation",
                                                         "Writing \u2013 original draft"]
    translator = groups["translators"].find("contrib")
    assert [r.text for r in translator.iterfind("role")] == ["Translator", "Writing \u2013 review & editing"]
    reviewer = groups["reviewers"].find("contrib")
    assert reviewer.findtext("degrees") == "M.Hum." and reviewer.findtext("role") == "Reviewer"
    affs = meta.findall("aff")
    assert [a.findtext("institution-wrap/institution") for a in affs] == [
        "Faculty of Agriculture, Universitas Gadjah Mada",
        "Department of International Relations, Universitas Gadjah Mada"]
    for aff in affs:
        ror = aff.find("institution-wrap/institution-id")
        assert (ror.get("institution-id-type"), ror.text) == ("ror", UGM)


# ---------------------------------------------------------------------------
# EPUB, PDF, HTML


@pytest.mark.slow
def test_epub_contributors(article: articlekit.Article, tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    path.write_bytes(articlekit.to_epub(article))
    (report,) = epubcheck_reports([path]).values()
    assert problems_in(report) == []
    with zipfile.ZipFile(path) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    metadata = opf.find("opf:metadata", OPF)

    def refines(ident: str, prop: str) -> str | None:
        return metadata.findtext(f"opf:meta[@refines='#{ident}'][@property='{prop}']", namespaces=OPF)

    creators = [(c.text, refines(c.get("id"), "file-as")) for c in metadata.iterfind("dc:creator", OPF)]
    assert creators == [("Suharto", "Suharto"), ("Dewi Lestari", "Lestari, Dewi")]
    contributors = [(c.get("id"), c.text, refines(c.get("id"), "role"))
                    for c in metadata.iterfind("dc:contributor", OPF)]
    assert contributors == [
        ("editor-1", "Atin Prabandari, MA(IR)", "edt"), ("editor-2", "Viyasa Rahyaputra, S.IP", "edt"),
        ("reviewer-1", "Bambang Purwanto, M.Hum.", "rev"), ("reviewer-2", "Sri Wahyuni", "rev"),
        ("translator-1", "Rachel Morton, MA", "trl"),
    ]


def test_pdf_xmp_contributors(article: articlekit.Article) -> None:
    with pikepdf.open(io.BytesIO(articlekit.to_pdf(article))) as pdf, pdf.open_metadata() as xmp:
        assert list(xmp["dc:creator"]) == ["Suharto", "Dewi Lestari"]
        assert set(xmp["dc:contributor"]) == {"Atin Prabandari", "Viyasa Rahyaputra", "Bambang Purwanto",
                                              "Sri Wahyuni", "Rachel Morton"}


@pytest.mark.slow
def test_html_json_ld_and_validity(article: articlekit.Article, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(articlekit.to_html(article), encoding="utf-8")
    assert nu_check([page]) == []
    (script,) = lxml.html.fromstring(page.read_text(encoding="utf-8")).xpath(
        "//script[@type='application/ld+json']")
    data = json.loads(script.text)
    suharto = data["author"][0]
    assert suharto["@type"] == "Role" and suharto["roleName"] == [
        "Conceptualization", "Investigation", "Writing \u2013 original draft"]
    assert suharto["author"]["name"] == "Suharto" and "familyName" not in suharto["author"]
    assert suharto["author"]["affiliation"]["identifier"] == UGM
    assert [e["honorificSuffix"] for e in data["editor"]] == ["MA(IR)", "S.IP"]
    assert [(c["roleName"], c["contributor"]["name"]) for c in data["contributor"]] == [
        ("Reviewer", "Bambang Purwanto"), ("Reviewer", "Sri Wahyuni")]
    (translator,) = data["translator"]
    assert translator["translator"]["name"] == "Rachel Morton"
    assert translator["roleName"] == "Writing \u2013 review & editing"
