"""The Crossref deposit: what it holds, in the order the schema asks, and that it says what the JATS says.

These tests hold each rule of the Crossref 5.3.1 schema the writer relies on
without the schema (which no package registry ships): the order of the required
elements, the ``media_type`` values, the ORCID, ISSN and DOI patterns, the
language codes, the face markup.  ``test_deposit_schemas.py`` validates the same
documents against the published XSD when the machine has it.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path

import pytest
from lxml import etree

import articlekit
from articlekit.errors import ArticleErrors, ArticlekitError
from articlekit.model import Deposit, Person
from articlekit.writers.deposit import ISSN, MAX_DEPOSIT_BYTES, ORCID_URL, requirements
from articlekit.writers.deposit.crossref import merge, namespace
from conftest import FIXTURES

SOURCE = FIXTURES / "deposit" / "sinking-deltas.md"
NS = namespace("5.3.1")
JATS1 = "http://www.ncbi.nlm.nih.gov/JATS1"
MML = "http://www.w3.org/1998/Math/MathML"
AI = "http://www.crossref.org/AccessIndicators.xsd"
FR = "http://www.crossref.org/fundref.xsd"


def q(path: str, ns: str = NS) -> str:
    """An ElementPath in the Crossref namespace: ``a/b`` → ``{ns}a/{ns}b``."""
    return "/".join(part if part in (".", "..") or part.startswith(("{", "@")) else f"{{{ns}}}{part}"
                    for part in path.split("/"))


@pytest.fixture(scope="module")
def article() -> articlekit.Article:
    return articlekit.load(SOURCE)


@pytest.fixture(scope="module")
def deposit(article: articlekit.Article) -> etree._Element:
    return etree.fromstring(articlekit.to_crossref(article))


@pytest.fixture(scope="module")
def jats(article: articlekit.Article) -> etree._Element:
    return etree.fromstring(articlekit.to_jats(article), etree.XMLParser(no_network=True, resolve_entities=False))


def words(el: etree._Element, drop: str | None = None) -> str:
    """``el``'s words, whitespace collapsed, less the elements named ``drop`` (a formula)."""
    el = copy.deepcopy(el)
    for gone in list(el.iter(drop)) if drop else []:
        parent = gone.getparent()
        if gone.tail:
            previous = gone.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + gone.tail
            else:
                parent.text = (parent.text or "") + gone.tail
        parent.remove(gone)
    return " ".join("".join(el.itertext()).split())


def shape(el: etree._Element) -> list[tuple[str, str, dict[str, str]]]:
    """Each element's name, text and attributes (less ids), in document order."""
    return [(n.tag, (n.text or "").strip(), {k: v for k, v in n.attrib.items() if k != "id"}) for n in el.iter()]


def children(el: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in el if isinstance(c.tag, str)]


def test_the_elements_come_in_the_schemas_order(deposit: etree._Element) -> None:
    assert deposit.tag == f"{{{NS}}}doi_batch" and deposit.get("version") == "5.3.1"
    assert children(deposit) == ["head", "body"]
    assert children(deposit.find(q("head"))) == ["doi_batch_id", "timestamp", "depositor", "registrant"]
    assert children(deposit.find(q("head/depositor"))) == ["depositor_name", "email_address"]
    assert children(deposit.find(q("body/journal"))) == ["journal_metadata", "journal_article"]
    assert children(deposit.find(q("body/journal/journal_metadata"))) == [
        "full_title", "abbrev_title", "issn", "issn"]
    article = deposit.find(q("body/journal/journal_article"))
    # journal_article: titles, contributors?, jats:abstract*, publication_date+, acceptance_date?, pages?,
    # publisher_item?, (fr:program?, ai:program?), rel:program?, archive_locations?, doi_data, citation_list?
    assert children(article) == ["titles", "contributors", "abstract", "publication_date", "program", "program",
                                 "doi_data", "citation_list"]
    assert [etree.QName(c).namespace for c in article][2:5] == [JATS1, NS, FR]
    assert etree.QName(article[5]).namespace == AI
    assert children(article.find(q("titles"))) == ["title", "subtitle"]
    assert children(article.find(q("doi_data"))) == ["doi", "resource"]
    for date in deposit.iter(q("publication_date")):
        assert children(date) == ["month", "day", "year"]
    for person in deposit.iter(q("person_name")):
        order = ["given_name", "surname", "suffix", "affiliations", "ORCID"]
        names = children(person)
        assert names == sorted(names, key=order.index) and "surname" in names


def test_the_head_comes_from_the_deposit_table_never_from_the_article(deposit: etree._Element) -> None:
    head = deposit.find(q("head"))
    assert head.findtext(q("depositor/depositor_name")) == "Delta Research Institute"
    assert head.findtext(q("depositor/email_address")) == "doi@coastal.example.org"
    assert head.findtext(q("registrant")) == "Delta Research Institute"
    assert re.fullmatch(r"\d{14}", head.findtext(q("timestamp")))
    assert 4 <= len(head.findtext(q("doi_batch_id"))) <= 100


def test_media_types_issn_orcid_doi_and_language_follow_the_schemas_patterns(deposit: etree._Element) -> None:
    # media_type of issn: print | electronic; of a date: online | print | other (common5.3.1.xsd).
    assert {i.get("media_type") for i in deposit.iter(q("issn"))} <= {"print", "electronic"}
    assert all(ISSN.fullmatch(i.text) for i in deposit.iter(q("issn")))
    assert {d.get("media_type") for d in deposit.iter(q("publication_date"))} <= {"online", "print", "other"}
    orcids = [o.text for o in deposit.iter(q("ORCID"))]
    assert orcids and all(ORCID_URL.fullmatch(o) for o in orcids)
    # orcid_t: https?://orcid.org/[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[X0-9]{1}
    assert all(re.fullmatch(r"https?://orcid.org/[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[X0-9]{1}", o) for o in orcids)
    # doi_t: 10\.[0-9]{4,9}/.{1,200}
    assert all(re.fullmatch(r"10\.[0-9]{4,9}/.{1,200}", d.text) for d in deposit.iter(q("doi")))
    # language.atts: ISO 639-1, two letters
    assert {e.get("language") for e in deposit.iter() if e.get("language")} == {"en"}
    for role in deposit.iter(q("person_name")):
        assert role.get("sequence") in ("first", "additional")
        assert role.get("contributor_role") in ("author", "editor", "reviewer", "translator")


def test_the_deposit_says_what_the_articles_jats_says(deposit: etree._Element, jats: etree._Element) -> None:
    """Round trip: titles, contributors in order, ORCID, licence and citations, the JATS's own."""
    meta = jats.find("front/article-meta")
    crossref_title = deposit.find(q("body/journal/journal_article/titles/title"))
    jats_title = meta.find("title-group/article-title")
    # The same words around the same formula: the MathML in the deposit, the formula (MathML and TeX) in JATS.
    assert words(crossref_title, f"{{{MML}}}math") == words(jats_title, "inline-formula")
    assert shape(crossref_title.find(f"{{{MML}}}math")) == shape(jats_title.find(f".//{{{MML}}}math"))
    assert deposit.findtext(q("body/journal/journal_article/titles/subtitle")) == \
        meta.findtext("title-group/subtitle")
    people = [(p.get("contributor_role"), p.findtext(q("surname")), p.findtext(q("ORCID")))
              for p in deposit.iter(q("person_name"))]
    jats_people = []
    for contrib in meta.iter("contrib"):
        name = contrib.find("name")
        surname = name.findtext("surname") if name is not None and name.find("surname") is not None \
            else contrib.findtext("name/given-names")
        jats_people.append((contrib.get("contrib-type"), surname, contrib.findtext("contrib-id")))
    assert people == jats_people
    assert words(deposit.find(f".//{{{JATS1}}}abstract"), f"{{{JATS1}}}inline-formula") == words(
        meta.find("abstract"), "inline-formula")
    assert deposit.findtext(f".//{{{AI}}}license_ref") == meta.findtext(
        "permissions/license/{http://www.niso.org/schemas/ali/1.0/}license_ref")
    citations = [(c.get("key"), c.findtext(q("doi")), words(c.find(q("unstructured_citation"))))
                 for c in deposit.iter(q("citation"))]
    jats_refs = [(r.get("id"), r.findtext(".//pub-id[@pub-id-type='doi']"), words(r.find(".//mixed-citation")))
                 for r in jats.iter("ref")]
    assert citations == jats_refs and len(citations) == 3
    assert sum(1 for _, doi, _ in citations if doi) == 2
    assert deposit.findtext(q("body/journal/journal_article/doi_data/doi")) == \
        meta.findtext("article-id[@pub-id-type='doi']")
    resource = deposit.findtext(q("body/journal/journal_article/doi_data/resource"))
    assert resource in [u.get("{http://www.w3.org/1999/xlink}href") for u in meta.iter("self-uri")]


def test_affiliations_carry_the_ror_id_and_funders_their_ids(deposit: etree._Element) -> None:
    first = next(deposit.iter(q("person_name")))
    institution = first.find(q("affiliations/institution"))
    assert children(institution) == ["institution_name", "institution_id", "institution_department"]
    assert institution.find(q("institution_id")).get("type") == "ror"
    assert institution.findtext(q("institution_id")) == "https://ror.org/0071qz696"
    program = deposit.find(f".//{{{FR}}}program")
    groups = program.findall(f"{{{FR}}}assertion")
    assert [g.get("name") for g in groups] == ["fundgroup", "fundgroup"]
    nsf = groups[0]
    assert nsf.find(f"{{{FR}}}assertion[@name='funder_name']").text == "National Science Foundation"
    assert nsf.findtext(f".//{{{FR}}}assertion[@name='funder_identifier']") == "https://doi.org/10.13039/100000001"
    assert nsf.findtext(f"{{{FR}}}assertion[@name='award_number']") == "EAR-1801234"


def test_titles_keep_their_faces_and_formulas_and_escape_what_must_be(article: articlekit.Article) -> None:
    data = articlekit.to_crossref(article)
    title = etree.fromstring(data).find(q("body/journal/journal_article/titles/title"))
    assert [etree.QName(c).localname for c in title] == ["i", "math"]
    assert title.find(q("i")).text == "Mekong"
    assert etree.QName(title[1]).namespace == MML and title[1].get("id") is None
    assert "10^{-2}" not in "".join(title.itertext())  # the MathML, not its TeX
    assert b"&amp; the &lt;limits&gt; of" in data  # & and < escaped, never pasted
    abstract = etree.fromstring(data).find(f".//{{{JATS1}}}abstract")
    assert abstract.find(f"{{{JATS1}}}p/{{{JATS1}}}italic").text == "Mekong"


def test_one_word_names_are_the_surname_alone(article: articlekit.Article) -> None:
    """Crossref's person_name requires a surname; a single name is given as the surname."""
    people = list(etree.fromstring(articlekit.to_crossref(article)).iter(q("person_name")))
    sukarno = people[2]
    assert children(sukarno)[:1] == ["surname"] and sukarno.findtext(q("surname")) == "Sukarno"
    only_given = dataclasses.replace(article.metadata, authors=(Person(name="Suharto", given="Suharto"),))
    lone = etree.fromstring(articlekit.to_crossref(dataclasses.replace(article, metadata=only_given)))
    person = lone.find(f".//{q('person_name')}")
    assert children(person) == ["surname"] and person.findtext(q("surname")) == "Suharto"


def test_editors_and_translators_have_their_roles_and_only_the_first_author_is_first(deposit) -> None:
    people = list(deposit.iter(q("person_name")))
    assert [p.get("sequence") for p in people] == ["first"] + ["additional"] * 4
    assert [p.get("contributor_role") for p in people] == ["author"] * 3 + ["editor", "translator"]


def test_pages_or_the_article_number(article: articlekit.Article) -> None:
    paged = dataclasses.replace(article, metadata=dataclasses.replace(article.metadata, fpage=17, lpage=31))
    doc = etree.fromstring(articlekit.to_crossref(paged))
    pages = doc.find(f".//{q('pages')}")
    assert children(pages) == ["first_page", "last_page"]
    assert (pages.findtext(q("first_page")), pages.findtext(q("last_page"))) == ("17", "31")
    numbered = dataclasses.replace(article, metadata=dataclasses.replace(article.metadata, elocation="e1042"))
    doc = etree.fromstring(articlekit.to_crossref(numbered))
    assert doc.find(f".//{q('pages')}") is None
    item = doc.find(f".//{q('publisher_item/item_number')}")
    assert item.text == "e1042" and item.get("item_number_type") == "article_number"


def test_the_same_inputs_give_the_same_bytes_and_other_inputs_another_batch_id(article, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = articlekit.to_crossref(article)
    assert articlekit.to_crossref(article) == first
    batch_id = lambda data: etree.fromstring(data).findtext(q("head/doi_batch_id"))  # noqa: E731
    stamp = lambda data: etree.fromstring(data).findtext(q("head/timestamp"))  # noqa: E731
    assert stamp(first) == "20240916000000"  # the publication date at 00:00 UTC
    other = dataclasses.replace(article, metadata=dataclasses.replace(article.metadata, doi="10.5555/coastal.2024.018"))
    assert batch_id(articlekit.to_crossref(other)) != batch_id(first)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01: a correction deposited later
    later = articlekit.to_crossref(article)
    assert stamp(later) == "20250101000000" and batch_id(later) != batch_id(first)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ArticlekitError, match="SOURCE_DATE_EPOCH"):
        articlekit.to_crossref(article)


def test_schema_5_4_0_differs_in_namespace_version_and_location_only(article: articlekit.Article) -> None:
    """No 5.4.0 XSD is at hand: what is checked is that the 5.4.0 document is the 5.3.1 one in the 5.4.0
    namespace with version="5.4.0", and that it uses no reference_distribution_opts (whose allowed
    places are where the two versions differ).  Whether 5.4.0's schema accepts it is not checked."""
    old = articlekit.to_crossref(article)
    new = articlekit.to_crossref(article, schema="5.4.0")
    root = etree.fromstring(new)
    assert root.tag == "{http://www.crossref.org/schema/5.4.0}doi_batch" and root.get("version") == "5.4.0"
    assert b"reference_distribution_opts" not in new and b"reference_distribution_opts" not in old
    strip = lambda data: re.sub(rb"<doi_batch_id>[^<]*</doi_batch_id>", b"", data)  # noqa: E731
    assert strip(new).replace(b"5.4.0", b"5.3.1") == strip(old)
    house = Deposit("A", "a@example.org", "A", crossref_schema="5.4.0", path=article.deposit.path,
                    lines=article.deposit.lines)
    assert etree.fromstring(articlekit.to_crossref(article, house)).get("version") == "5.4.0"
    with pytest.raises(ArticlekitError, match="unknown Crossref schema"):
        articlekit.to_crossref(article, schema="4.4.2")


def test_a_missing_doi_or_depositor_is_refused_naming_the_key_and_where(article: articlekit.Article) -> None:
    no_doi = dataclasses.replace(article, metadata=dataclasses.replace(article.metadata, doi=None))
    with pytest.raises(ArticleErrors) as e:
        articlekit.to_crossref(no_doi)
    assert [str(x) for x in e.value] == [
        f"{SOURCE}:1: Crossref deposit: no 'doi'; add doi: 10.NNNN/suffix to the front matter"
        " (the DOI this deposit registers)"]
    config = FIXTURES / "deposit" / "articlekit.toml"
    nobody = dataclasses.replace(article.deposit, depositor=None)
    with pytest.raises(ArticleErrors) as e:
        articlekit.to_crossref(article, nobody)
    assert [str(x) for x in e.value] == [
        f"{config}:13: Crossref deposit: no 'depositor' in [deposit]; add depositor = \"…\" there"]
    assert articlekit.to_doaj(no_doi)  # DOAJ takes a record without a DOI
    bare = dataclasses.replace(article, metadata=dataclasses.replace(article.metadata, base_url=None, journal=None),
                               deposit=Deposit(path=config))
    assert [str(p).split(": ", 1)[1] for p in requirements(bare, "crossref")] == [
        "Crossref deposit: no 'publication'; name the journal with publication (or a journal table) in the front"
        " matter or articlekit.toml",
        "Crossref deposit: no 'issn'; add the journal's issn (or journal.issn_print / issn_online) to the front"
        " matter or articlekit.toml",
        "Crossref deposit: no 'base_url'; add base_url = \"https://…/\" (where the articles are published) to"
        " articlekit.toml or the front matter",
        "Crossref deposit: no [deposit] table; add one with depositor, email, registrant (who deposits, their"
        " e-mail address, who owns the DOIs)",
    ]


def test_a_batch_is_split_so_that_no_file_is_over_the_limit(article: articlekit.Article) -> None:
    deposits = [articlekit.to_crossref(dataclasses.replace(article, metadata=dataclasses.replace(
        article.metadata, doi=f"10.5555/coastal.2024.{n:03d}"))) for n in range(6)]
    one = merge(deposits)
    assert len(one) == 1
    root = etree.fromstring(one[0])
    assert len(root.findall(q("body/journal"))) == 6
    assert [d.text for d in root.iter(q("doi")) if d.getparent().tag == q("doi_data")] == [
        f"10.5555/coastal.2024.{n:03d}" for n in range(6)]
    limit = len(deposits[0]) * 2 + 100
    parts = merge(deposits, max_bytes=limit)
    assert len(parts) > 1 and all(len(p) <= limit for p in parts)
    assert sum(len(etree.fromstring(p).findall(q("body/journal"))) for p in parts) == 6
    assert len({etree.fromstring(p).findtext(q("head/doi_batch_id")) for p in parts}) == len(parts)
    with pytest.raises(ArticlekitError, match="over"):
        merge(deposits, max_bytes=len(deposits[0]) // 2)
    assert MAX_DEPOSIT_BYTES == 10_000_000


def test_deposit_table_problems_are_located(tmp_path: Path) -> None:
    (tmp_path / "articlekit.toml").write_text(
        'publication = "J"\n\n[deposit]\ndepositr = "A"\nemail = "not an address"\ncrossref_schema = "4.4.0"\n',
        encoding="utf-8")
    (tmp_path / "a.md").write_text("---\ntitle: A\ndate: 2024-01-01\nauthors: [A B]\n---\n\nText.\n",
                                   encoding="utf-8")
    with pytest.raises(ArticleErrors) as e:
        articlekit.load(tmp_path / "a.md")
    config = tmp_path / "articlekit.toml"
    assert [str(x) for x in e.value] == [
        f"{config}:4: unknown key 'depositr' in [deposit] (did you mean 'depositor'?)",
        f"{config}:5: [deposit] email 'not an address' is not an e-mail address",
        f"{config}:6: [deposit] crossref_schema '4.4.0': articlekit writes 5.3.1 or 5.4.0",
    ]
