"""The DOAJ article record: the schema's order and patterns, languages as ISO 639-2/B, the JATS's facts.

The rules of ``doajArticles.xsd`` the writer relies on are held here without the
schema; ``test_deposit_schemas.py`` validates against it when the machine has it.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from lxml import etree

import articlekit
from articlekit.writers.deposit.crossref import LANGUAGES
from articlekit.writers.deposit.languages import ISO_639_2B, iso_639_2b
from conftest import FIXTURES
from validators_registry import CROSSREF_XSD, ISO_639_2B_XSD, parser, schema_file

SOURCE = FIXTURES / "deposit" / "sinking-deltas.md"
#: recordType's sequence in doajArticles.xsd.
ORDER = ["language", "publisher", "journalTitle", "issn", "eissn", "publicationDate", "volume", "issue",
         "startPage", "endPage", "doi", "publisherRecordId", "documentType", "title", "authors",
         "affiliationsList", "abstract", "fullTextUrl", "keywords"]


@pytest.fixture(scope="module")
def article() -> articlekit.Article:
    return articlekit.load(SOURCE)


@pytest.fixture(scope="module")
def record(article: articlekit.Article) -> etree._Element:
    root = etree.fromstring(articlekit.to_doaj(article))
    assert root.tag == "records" and len(root) == 1
    return root[0]


def test_the_elements_come_in_the_schemas_order_with_what_is_required(record: etree._Element) -> None:
    names = [c.tag for c in record]
    assert names == sorted(names, key=ORDER.index)
    assert {"journalTitle", "publicationDate", "title", "fullTextUrl"} <= set(names)
    assert names == ["language", "publisher", "journalTitle", "issn", "eissn", "publicationDate", "doi", "title",
                     "authors", "affiliationsList", "abstract", "fullTextUrl", "keywords"]
    for author in record.iter("author"):
        tags = [c.tag for c in author]
        assert tags == sorted(tags, key=["name", "email", "affiliationId", "orcid_id"].index) and tags[0] == "name"


def test_patterns_of_issn_date_orcid_and_url(record: etree._Element) -> None:
    assert re.fullmatch(r"[d0-9]{4}-{0,1}[0-9]{3}[0-9xX]{1}", record.findtext("issn"))
    assert re.fullmatch(r"[0-9]{4}-{0,1}[0-9]{3}[0-9xX]{1}", record.findtext("eissn"))
    assert (record.findtext("issn"), record.findtext("eissn")) == ("2686-1887", "0317-8471")
    assert re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", record.findtext("publicationDate"))
    orcids = [o.text for o in record.iter("orcid_id")]
    assert orcids == ["https://orcid.org/0000-0002-1825-0097", "https://orcid.org/0000-0001-5109-3700"]
    assert all(re.fullmatch(r"https://orcid\.org/[0-9]{4}-[0-9]{4}-[0-9]{4}-\d{3}[\dX]", o) for o in orcids)
    url = record.find("fullTextUrl")
    assert url.get("format") == "html"
    assert re.fullmatch(r"https?://([^/:]+\.[\w]{2,10}|([0-9]{1,3}\.){3}[0-9]{1,3})(:[0-9]+)?(.*)?", url.text)
    assert url.text == "https://coastal.example.org/articles/sinking-deltas.html"


def test_title_abstract_keywords_and_authors(record: etree._Element, article: articlekit.Article) -> None:
    assert record.findtext("language") == "eng"
    title = record.find("title")
    assert title.get("language") == "eng" and title.text.startswith("Sinking deltas and the Mekong")
    assert title.text.endswith('Sediment, sand mining & the <limits> of "embankments"')
    assert record.find("abstract").get("language") == "eng"
    assert [k.text for k in record.iter("keyword")] == ["subsidence", "sand mining", "Mekong delta"]
    assert [a.findtext("name") for a in record.iter("author")] == [p.name for p in article.metadata.authors]
    ids = {a.get("affiliationId"): a.text for a in record.iter("affiliationName")}
    assert [ids[a.findtext("affiliationId")] for a in record.iter("author")] == [
        p.affiliation for p in article.metadata.authors]


def test_pages_volume_and_issue_when_printed(article: articlekit.Article) -> None:
    placed = dataclasses.replace(article, metadata=dataclasses.replace(
        article.metadata, volume="4", issue="2", fpage=17, lpage=31))
    rec = etree.fromstring(articlekit.to_doaj(placed))[0]
    assert [(c.tag, c.text) for c in rec if c.tag in ("volume", "issue", "startPage", "endPage")] == [
        ("volume", "4"), ("issue", "2"), ("startPage", "17"), ("endPage", "31")]


@pytest.mark.parametrize(("lang", "code"), [("de", "ger"), ("fr", "fre"), ("id", "ind"), ("ko", "kor"),
                                            ("en", "eng"), ("zh-Hant", "chi"), ("pt-BR", "por"), ("nl", "dut"),
                                            ("ind", "ind"), ("tlh", None), ("x-klingon", None)])
def test_languages_are_iso_639_2b(lang: str, code: str | None) -> None:
    assert iso_639_2b(lang) == code


def test_every_code_of_the_table_is_one_doaj_knows() -> None:
    """Against DOAJ's own list (``iso_639-2b.xsd``), when the machine has the schemas."""
    tree = etree.parse(str(schema_file(ISO_639_2B_XSD)), parser())
    known = {e.get("value") for e in tree.iter("{http://www.w3.org/2001/XMLSchema}enumeration")}
    assert len(known) > 150
    assert sorted(set(ISO_639_2B.values()) - known) == []


def test_every_two_letter_code_of_the_table_is_one_crossref_knows() -> None:
    """Crossref's ``language`` (``language.atts`` in common5.3.1.xsd) takes every code the writer gives it."""
    common = schema_file(CROSSREF_XSD).parent / "common5.3.1.xsd"
    tree = etree.parse(str(common), parser())
    group = tree.find("{http://www.w3.org/2001/XMLSchema}attributeGroup[@name='language.atts']")
    known = {e.get("value") for e in group.iter("{http://www.w3.org/2001/XMLSchema}enumeration")}
    assert sorted(LANGUAGES - known) == []
    assert sorted(set(ISO_639_2B) - known) == ["jv", "zu"]  # left out of LANGUAGES for that reason


def test_the_table_gives_bibliographic_not_terminology_codes() -> None:
    """The twenty languages whose two ISO 639-2 codes differ: DOAJ takes the first, the bibliographic one."""
    bibliographic = {"sq": "alb", "hy": "arm", "eu": "baq", "my": "bur", "zh": "chi", "cs": "cze", "nl": "dut",
                     "fr": "fre", "ka": "geo", "de": "ger", "el": "gre", "is": "ice", "mk": "mac", "mi": "mao",
                     "ms": "may", "fa": "per", "ro": "rum", "sk": "slo", "bo": "tib", "cy": "wel"}
    assert {k: ISO_639_2B[k] for k in bibliographic} == bibliographic
    assert all(re.fullmatch(r"[a-z]{3}", v) for v in ISO_639_2B.values())
    assert all(re.fullmatch(r"[a-z]{2}", k) for k in ISO_639_2B)
