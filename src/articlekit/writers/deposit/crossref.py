"""A Crossref deposit (``doi_batch``, schema 5.3.1 or 5.4.0): one article, or an edition as one issue.

The document, in the order the schema requires::

    <doi_batch version>
      <head>  doi_batch_id, timestamp, depositor (name, e-mail), registrant   ([deposit] in articlekit.toml)
      <body><journal>
        <journal_metadata language>  full_title, abbrev_title?, issn media_type+
        <journal_issue>?             contributors (the edition's editors)?, publication_date, journal_volume?, issue?
        <journal_article publication_type="full_text" language>+
          titles (title, subtitle?) · contributors (person_name sequence contributor_role: given_name?, surname,
          affiliations?, ORCID?) · jats:abstract? · publication_date media_type="online" · pages | publisher_item ·
          fr:program? · ai:program? · doi_data (doi, resource) · citation_list?

``doi_batch_id`` is a digest of the rest of the document, so the same inputs give
the same id and different ones a different id; ``timestamp`` is
:func:`~articlekit.writers.moment.reproducible_moment` (``SOURCE_DATE_EPOCH``, else the
publication date), as the PDF's dates are: Crossref takes a deposit only when its
timestamp is later than the last one for the DOI, so a correction is deposited
with ``SOURCE_DATE_EPOCH`` set to the time of the change.

5.4.0 takes the same elements in the same places for everything written here:
articlekit writes no ``reference_distribution_opts`` (whose allowed places differ
between the versions), so the two documents differ only in the namespace, the
``version`` attribute and the schema location.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from lxml import etree

from ...errors import ArticlekitError
from ...model import CROSSREF_SCHEMAS, Article, Deposit, Person
from ...model.edition import ArticlePages, Edition, with_pages
from ...options import WriteOptions
from ..elements import Element
from ..jats import build_tree
from ..jats.front import license_url
from ..jats.xml import MML
from ..moment import reproducible_moment
from . import MAX_DEPOSIT_BYTES, issns, journal_title, require, require_all, resource_url
from .faces import JATS1, faces_into, jats_abstract
from .languages import ISO_639_2B

XSI = "http://www.w3.org/2001/XMLSchema-instance"
FR = "http://www.crossref.org/fundref.xsd"
AI = "http://www.crossref.org/AccessIndicators.xsd"
#: The ``contributor_role`` of each of articlekit's roles.
ROLES = {"author": "author", "editor": "editor", "reviewer": "reviewer", "translator": "translator"}


def namespace(schema: str) -> str:
    """The namespace of a Crossref deposit schema version."""
    return f"http://www.crossref.org/schema/{schema}"


def schema_version(options: WriteOptions | None, deposit: Deposit) -> str:
    """The schema asked for: the option, else the ``[deposit]`` table's, else 5.3.1."""
    version = (options.crossref_schema if options else None) or deposit.crossref_schema
    if version not in CROSSREF_SCHEMAS:
        raise ArticlekitError(f"unknown Crossref schema {version!r}: choose from {', '.join(CROSSREF_SCHEMAS)}")
    return version


#: The ISO 639-1 codes of articlekit's language table that Crossref's ``language`` list takes (the tests
#: check them against the schema's list, which lacks Javanese and Zulu).
LANGUAGES = frozenset(ISO_639_2B) - {"jv", "zu"}


def crossref_language(lang: str) -> str | None:
    """The ISO 639-1 code Crossref's ``language`` takes, from a BCP 47 tag ("pt-BR" → "pt"), or None for a
    language outside :data:`LANGUAGES` (the attribute is optional)."""
    primary = lang.split("-")[0].lower()
    return primary if primary in LANGUAGES else None


class DepositBuilder:
    """Builds one ``doi_batch`` in one schema version's namespace."""

    def __init__(self, schema: str, deposit: Deposit) -> None:
        self.schema = schema
        self.ns = namespace(schema)
        self.deposit = deposit

    def el(self, parent: Element | None, tag: str, text: str | None = None, **attrs: str) -> Element:
        name = f"{{{self.ns}}}{tag}"
        el = etree.Element(name, attrs) if parent is None else etree.SubElement(parent, name, attrs)
        if text is not None:
            el.text = text
        return el

    # -- the document ------------------------------------------------------

    def document(self, journal: Element, date: dt.date) -> bytes:
        root = etree.Element(f"{{{self.ns}}}doi_batch", {"version": self.schema}, nsmap={
            None: self.ns, "xsi": XSI, "jats": JATS1, "fr": FR, "ai": AI, "mml": MML})
        root.set(f"{{{XSI}}}schemaLocation",
                 f"{self.ns} https://www.crossref.org/schemas/crossref{self.schema}.xsd")
        head = self.el(root, "head")
        batch_id = self.el(head, "doi_batch_id", "articlekit")
        self.el(head, "timestamp", reproducible_moment(date).strftime("%Y%m%d%H%M%S"))
        depositor = self.el(head, "depositor")
        self.el(depositor, "depositor_name", self.deposit.depositor)
        self.el(depositor, "email_address", self.deposit.email)
        self.el(head, "registrant", self.deposit.registrant)
        self.el(root, "body").append(journal)
        # The id is a digest of everything else, so the same inputs always give the same id.
        batch_id.text = "articlekit-" + hashlib.sha256(etree.tostring(root, method="c14n")).hexdigest()[:32]
        data = serialise(root)
        if len(data) > MAX_DEPOSIT_BYTES:
            raise ArticlekitError(f"the deposit is {len(data) / 1e6:.1f} MB, over the {MAX_DEPOSIT_BYTES // 1000000}"
                                  " MB Crossref takes in a file; deposit fewer articles at once")
        return data

    def journal(self, articles: Sequence[Article], issue: Element | None = None, lang: str | None = None) -> Element:
        journal = self.el(None, "journal")
        journal.append(self.journal_metadata(articles[0], lang))
        if issue is not None:
            journal.append(issue)
        for article in articles:
            journal.append(self.journal_article(article))
        return journal

    def journal_metadata(self, article: Article, lang: str | None) -> Element:
        m = article.metadata
        attrs = {"language": code} if (code := crossref_language(lang or m.lang)) else {}
        jm = self.el(None, "journal_metadata", **attrs)
        self.el(jm, "full_title", journal_title(m))
        if m.journal is not None and m.journal.abbrev:
            self.el(jm, "abbrev_title", m.journal.abbrev)
        for issn, media in issns(m):
            self.el(jm, "issn", issn, media_type=media)
        return jm

    def journal_issue(self, edition: Edition) -> Element:
        issue = self.el(None, "journal_issue")
        if edition.editors:
            people = self.el(issue, "contributors")
            for i, p in enumerate(edition.editors):
                people.append(self.person(p, "editor", first=i == 0))
        self.date(issue, "publication_date", edition.date, "print")
        if edition.volume:
            self.el(self.el(issue, "journal_volume"), "volume", edition.volume)
        if edition.issue:
            self.el(issue, "issue", edition.issue)
        return issue

    # -- one article ---------------------------------------------------------

    def journal_article(self, article: Article) -> Element:
        m = article.metadata
        jats = build_tree(article)[0]
        attrs = {"publication_type": "full_text"}
        if code := crossref_language(m.lang):
            attrs["language"] = code
        ja = self.el(None, "journal_article", **attrs)
        titles = self.el(ja, "titles")
        group = jats.find("front/article-meta/title-group")
        assert group is not None
        faces_into(self.el(titles, "title"), group.find("article-title"), self.ns)  # type: ignore[arg-type]
        subtitle = group.find("subtitle")
        if subtitle is not None:
            faces_into(self.el(titles, "subtitle"), subtitle, self.ns)
        people = [("author", p) for p in m.authors] + list(m.contributors)
        if people:
            contributors = self.el(ja, "contributors")
            for i, (role, p) in enumerate(people):
                contributors.append(self.person(p, ROLES[role], first=i == 0))
        abstract = jats.find("front/article-meta/abstract")
        if abstract is not None:
            ja.append(jats_abstract(abstract))
        self.date(ja, "publication_date", m.date, "online")
        if m.fpage is not None:
            pages = self.el(ja, "pages")
            self.el(pages, "first_page", str(m.fpage))
            if m.lpage is not None:
                self.el(pages, "last_page", str(m.lpage))
        elif m.elocation:
            self.el(self.el(ja, "publisher_item"), "item_number", m.elocation, item_number_type="article_number")
        if m.funding:
            ja.append(self.funding(article))
        url = license_url(m.license) if m.license else None
        if url:
            program = etree.SubElement(ja, f"{{{AI}}}program", {"name": "AccessIndicators"})
            etree.SubElement(program, f"{{{AI}}}license_ref", {"applies_to": "vor"}).text = url
        doi_data = self.el(ja, "doi_data")
        self.el(doi_data, "doi", m.doi)
        self.el(doi_data, "resource", resource_url(article))
        refs = jats.findall("back/ref-list/ref")
        if refs:
            citations = self.el(ja, "citation_list")
            for ref in refs:
                citations.append(self.citation(ref))
        return ja

    def person(self, p: Person, role: str, *, first: bool) -> Element:
        """``person_name``: given name and surname (a one-word name is the surname alone, as the schema
        requires a surname), affiliation with its ROR id, ORCID as a URL."""
        el = self.el(None, "person_name", sequence="first" if first else "additional", contributor_role=role)
        if p.family:
            if p.given:
                self.el(el, "given_name", p.given)
            self.el(el, "surname", p.family)
        else:
            self.el(el, "surname", p.name)
        if p.affiliation:
            institution = self.el(self.el(el, "affiliations"), "institution")
            detail = p.affiliation_detail
            self.el(institution, "institution_name", detail.institution if detail else p.affiliation)
            if p.ror:
                self.el(institution, "institution_id", f"https://ror.org/{p.ror}", type="ror")
            if detail is not None and detail.department:
                self.el(institution, "institution_department", detail.department)
        if p.orcid:
            self.el(el, "ORCID", f"https://orcid.org/{p.orcid}")
        return el

    def date(self, parent: Element, tag: str, d: dt.date, media: str) -> None:
        date = self.el(parent, tag, media_type=media)
        self.el(date, "month", f"{d.month:02d}")
        self.el(date, "day", f"{d.day:02d}")
        self.el(date, "year", f"{d.year:04d}")

    def funding(self, article: Article) -> Element:
        """``fr:program``: one ``fundgroup`` per grant, the funder's name with its Funder ID (or ROR id)
        and the award number."""
        program = etree.Element(f"{{{FR}}}program", {"name": "fundref"})
        for f in article.metadata.funding:
            group = etree.SubElement(program, f"{{{FR}}}assertion", {"name": "fundgroup"})
            name = etree.SubElement(group, f"{{{FR}}}assertion", {"name": "funder_name"})
            name.text = f.funder
            ident = f"https://doi.org/{f.funder_id}" if f.funder_id else f"https://ror.org/{f.ror}" if f.ror else None
            if ident:
                etree.SubElement(name, f"{{{FR}}}assertion", {"name": "funder_identifier"}).text = ident
            if f.award:
                etree.SubElement(group, f"{{{FR}}}assertion", {"name": "award_number"}).text = f.award
        return program

    def citation(self, ref: Element) -> Element:
        """One ``citation``: the entry's DOI, if known, and the entry as the style prints it."""
        citation = self.el(None, "citation", key=ref.get("id", ""))
        doi = ref.find(".//pub-id[@pub-id-type='doi']")
        if doi is not None and doi.text:
            self.el(citation, "doi", doi.text)
        mixed = ref.find(".//mixed-citation")
        if mixed is not None:
            faces_into(self.el(citation, "unstructured_citation"), mixed, self.ns)
        return citation


#: The elements whose content is only elements (the only places indentation may go: titles, citations
#: and the abstract are mixed content, where a space would be a change of the words).
ELEMENT_ONLY = frozenset({
    "doi_batch", "head", "depositor", "body", "journal", "journal_metadata", "journal_issue", "journal_volume",
    "journal_article", "titles", "contributors", "person_name", "affiliations", "institution", "publication_date",
    "pages", "publisher_item", "program", "doi_data", "citation_list", "citation",
})


def indent(el: Element, level: int = 0) -> None:
    """Indent element-only content by two spaces a level; mixed content is left exactly as it is."""
    if etree.QName(el).localname not in ELEMENT_ONLY or not len(el):
        return
    if (el.text or "").strip() or any((child.tail or "").strip() for child in el):
        return
    pad = "\n" + "  " * (level + 1)
    el.text = pad
    for child in el:
        child.tail = pad
        indent(child, level + 1)
    el[-1].tail = "\n" + "  " * level


def serialise(root: Element) -> bytes:
    indent(root)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def to_crossref(article: Article, deposit: Deposit | None = None, schema: str | None = None) -> bytes:
    """The Crossref deposit of one article (refused, with every missing fact, when one is missing)."""
    deposit = deposit or article.deposit
    require(article, "crossref", deposit)
    builder = DepositBuilder(schema_version(WriteOptions(crossref_schema=schema), deposit), deposit)
    return builder.document(builder.journal([article]), article.metadata.date)


def edition_to_crossref(edition: Edition, pages: Sequence[ArticlePages], deposit: Deposit | None = None,
                        schema: str | None = None) -> bytes:
    """The Crossref deposit of an edition: one ``journal_issue`` and every article with its pages in print."""
    placed = [with_pages(item.article, edition, p) for item, p in zip(edition.articles, pages, strict=True)]
    if not placed:
        raise ArticlekitError(f"{edition.path}: the edition has no articles to deposit")
    deposit = deposit or placed[0].deposit
    require_all(placed, "crossref", deposit)
    builder = DepositBuilder(schema_version(WriteOptions(crossref_schema=schema), deposit), deposit)
    journal = builder.journal(placed, builder.journal_issue(edition), edition.lang)
    return builder.document(journal, edition.date)


def merge(deposits: Sequence[bytes], max_bytes: int = MAX_DEPOSIT_BYTES) -> list[bytes]:
    """Several deposits as few files as fit in ``max_bytes`` each: their ``journal`` elements under one head.

    The deposits must share the schema and the depositor (one house's batch);
    each file's head is the first deposit's, with the latest timestamp of those
    it holds and an id that is the digest of the file.  A single deposit over the
    limit is refused: Crossref would refuse it.
    """
    parsed = [etree.fromstring(d, etree.XMLParser(resolve_entities=False, no_network=True))
              for d in deposits]
    if not parsed:
        return []
    ns = etree.QName(parsed[0]).namespace
    head = parsed[0].find(f"{{{ns}}}head")
    assert head is not None
    depositor = etree.tostring(head.find(f"{{{ns}}}depositor"), method="c14n")  # type: ignore[arg-type]
    files: list[list[Element]] = [[]]
    sizes = [0]
    overhead = len(deposits[0]) - sum(len(etree.tostring(j)) for j in parsed[0].iter(f"{{{ns}}}journal"))
    for doc in parsed:
        other = doc.find(f"{{{ns}}}head")
        if etree.QName(doc).namespace != ns or other is None or etree.tostring(
                other.find(f"{{{ns}}}depositor"), method="c14n") != depositor:  # type: ignore[arg-type]
            raise ArticlekitError("a batch deposit holds one schema version and one depositor; these deposits differ")
        for journal in doc.iter(f"{{{ns}}}journal"):
            size = len(etree.tostring(journal))
            if size + overhead > max_bytes:
                raise ArticlekitError(f"one journal's deposit is over {max_bytes // 1000000} MB; Crossref takes"
                                      " at most that in a file")
            if sizes[-1] + size + overhead > max_bytes:
                files.append([])
                sizes.append(0)
            files[-1].append(journal)
            sizes[-1] += size
    return [_batch_file(parsed, ns, journals) for journals in files]


def _batch_file(parsed: list[Element], ns: str, journals: list[Element]) -> bytes:
    root = etree.Element(parsed[0].tag, dict(parsed[0].attrib), nsmap=parsed[0].nsmap)
    head = etree.fromstring(etree.tostring(parsed[0].find(f"{{{ns}}}head")))  # type: ignore[arg-type]
    owners = [j.getroottree().getroot() for j in journals]
    stamps = [int(o.findtext(f"{{{ns}}}head/{{{ns}}}timestamp") or 0) for o in owners]
    head.find(f"{{{ns}}}timestamp").text = str(max(stamps))  # type: ignore[union-attr]
    root.append(head)
    body = etree.SubElement(root, f"{{{ns}}}body")
    for journal in journals:
        body.append(etree.fromstring(etree.tostring(journal)))
    batch_id = head.find(f"{{{ns}}}doi_batch_id")
    assert batch_id is not None
    batch_id.text = "articlekit"
    batch_id.text = "articlekit-" + hashlib.sha256(etree.tostring(root, method="c14n")).hexdigest()[:32]
    return serialise(root)


def write(article: Article, options: WriteOptions) -> bytes:
    return to_crossref(article, schema=options.crossref_schema)


__all__ = ["LANGUAGES", "DepositBuilder", "crossref_language", "edition_to_crossref", "merge", "namespace",
           "schema_version", "to_crossref", "write"]
