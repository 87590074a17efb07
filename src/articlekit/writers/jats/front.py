"""An article's metadata as JATS 1.3 ``<front>``, and its lead picture as a ``<fig>``.

What the front matter says becomes the elements archives and indexers read
(JATS4R and PMC conventions): ``<journal-meta>`` only with real journal data
(never an empty ``journal-id`` or ``issn``); authors and editors in separate
``<contrib-group>`` elements, each person with ``<name>`` parts, ``<degrees>``,
an ORCID ``<contrib-id>``, and ``<aff>`` links; a full ``<pub-date>``; the
licence as ``<ali:license_ref>`` when its URL is known.
"""

from __future__ import annotations

import difflib
import re
from itertools import groupby
from operator import itemgetter

from lxml import etree

from ...errors import ArticleError
from ...model import Affiliation, Article, Block, Copyright, Metadata, Person
from ...read.frontmatter import CREDIT_ROLES
from .body import JatsRenderer
from .xml import ALI, Element, has_content, new

#: ``article-type`` values: the JATS 1.3 Tag Library's suggested list plus the
#: values PMC adds.  Anything else is refused, since indexers reject unknown types.
ARTICLE_TYPES = frozenset({
    "abstract", "addendum", "announcement", "article-commentary", "book-review", "books-received",
    "brief-report", "calendar", "case-report", "collection", "correction", "data-paper", "discussion",
    "dissertation", "editorial", "expression-of-concern", "in-brief", "introduction", "letter",
    "meeting-report", "methods-article", "news", "obituary", "oration", "other", "partial-retraction",
    "product-review", "protocol", "rapid-communication", "reply", "reprint", "research-article",
    "retraction", "review-article", "systematic-review", "translation",
})

_CC_TEXT = re.compile(r"^CC[\s-]?(0|BY(?:-NC)?(?:-SA|-ND)?)[\s-]+(\d\.\d)$", re.IGNORECASE)
#: "© 2018 Holder", "Copyright (c) 2018 Holder.", "Copyright 2018, Holder. All rights reserved."
_COPYRIGHT_TEXT = re.compile(
    r"^(?:copyright\s*(?:©|\(c\))?|©|\(c\))\s*(\d{4})\s*[,.]?\s+"
    r"(.+?)(?:[.,]?\s*all rights reserved)?\.?$",
    re.IGNORECASE,
)
_CC_URL = re.compile(
    r"^https?://creativecommons\.org/(?:licenses/(by(?:-nc)?(?:-sa|-nd)?)|publicdomain/(zero))/(\d\.\d)/?$",
    re.IGNORECASE,
)


def article_type(article: Article) -> str:
    """The ``article-type``: the front matter's ``article_type``, ``other`` by default."""
    value = article.metadata.article_type or "other"
    if value not in ARTICLE_TYPES:
        hint = difflib.get_close_matches(value, sorted(ARTICLE_TYPES), n=1, cutoff=0.6)
        raise ArticleError(
            article.path,
            f"'article_type': {value!r} is not a JATS article-type"
            + (f" (did you mean {hint[0]!r}?)" if hint else "; use for example 'research-article' or 'other'"),
        )
    return value


def license_url(text: str) -> str | None:
    """The URL of a licence: given as one, or a Creative Commons name such as "CC BY 4.0"."""
    text = text.strip()
    if re.match(r"^https?://\S+$", text):
        return text
    m = _CC_TEXT.match(text)
    if not m:
        return None
    kind, version = m.group(1).lower(), m.group(2)
    if kind == "0":
        return f"https://creativecommons.org/publicdomain/zero/{version}/"
    return f"https://creativecommons.org/licenses/{kind}/{version}/"


def license_name(text: str) -> str | None:
    """The short name ("CC BY-SA 4.0") of a Creative Commons licence URL."""
    m = _CC_URL.match(text.strip())
    if not m:
        return None
    if m.group(2):
        return f"CC0 {m.group(3)}"
    return f"CC {m.group(1).upper()} {m.group(3)}"


def copyright_parts(c: Copyright, published: int) -> tuple[str | None, int | None, str | None]:
    """The copyright statement, year and holder to print, from what the front matter gives.

    JATS4R asks for year and holder whenever there is a copyright.  A holder
    without a year is the holder's copyright from the year of publication (the
    house default ``copyright = {holder = …}`` means exactly that); a statement
    alone is read for its year and holder when it has the usual form
    ("© 2018 Institute of International Studies"), else printed alone: a holder
    is never made up.
    """
    holder, year, statement = c.holder, c.year, c.statement
    if statement and not holder:
        m = _COPYRIGHT_TEXT.match(statement.strip())
        if m:
            year = year or int(m.group(1))
            holder = m.group(2).strip()
    if holder and not year:
        year = published
    if not statement:
        statement = Copyright(holder, year).text
    return statement, year, holder


def _sub(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    el = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


class FrontBuilder:
    """Builds ``<front>`` for one article, with the body renderer for inline markup and ids."""

    def __init__(self, article: Article, renderer: JatsRenderer) -> None:
        self.article = article
        self.meta: Metadata = article.metadata
        self.renderer = renderer
        self.text = renderer.text
        # Affiliations are numbered once, in order of first mention, and shared by every contributor;
        # an affiliation's ROR id is the first one given with it.
        self.aff_ids: dict[str, str] = {}
        self.aff_rors: dict[str, str] = {}
        #: The parts of each structured affiliation; with any, every affiliation is labelled 1, 2 …
        self.aff_details: dict[str, Affiliation] = {}
        m = self.meta
        for person in (*m.authors, *(p for _, p in m.contributors)):
            if person.affiliation and person.affiliation not in self.aff_ids:
                self.aff_ids[person.affiliation] = renderer.ids.reserve(f"aff{len(self.aff_ids) + 1}")
            if person.affiliation and person.ror:
                self.aff_rors.setdefault(person.affiliation, person.ror)
            if person.affiliation and person.affiliation_detail:
                self.aff_details.setdefault(person.affiliation, person.affiliation_detail)
        self.corresp_ids = {p.name: renderer.ids.reserve(f"cor{i}") for i, p in
                            enumerate((p for p in m.authors if p.corresponding and p.email), 1)}
        image = self.meta.image
        self.has_picture = image is not None and bool(image.src or image.credit)
        self.picture_id = renderer.ids.reserve("lead-image") if self.has_picture else None

    def front(self) -> Element:
        front = new("front")
        journal = self.journal_meta()
        if journal is not None:
            front.append(journal)
        front.append(self.article_meta())
        return front

    def journal_meta(self) -> Element | None:
        """``<journal-meta>`` with what is known, or None when nothing is."""
        m = self.meta
        if m.journal is not None:
            return self.structured_journal_meta()
        if not (m.publication or m.issn or m.publisher):
            return None
        jm = new("journal-meta")
        if m.publication:
            # No journal abbreviation is configured; the title is the publisher's own id for it.
            _sub(jm, "journal-id", self.text(m.publication), journal_id_type="publisher-id")
            _sub(_sub(jm, "journal-title-group"), "journal-title", self.text(m.publication))
        if m.issn:
            _sub(jm, "issn", m.issn)
        if m.publisher:
            _sub(_sub(jm, "publisher"), "publisher-name", self.text(m.publisher))
        return jm

    def structured_journal_meta(self) -> Element:
        """``<journal-meta>`` from the ``journal`` table: ids, title and abbreviation, typed ISSNs, publisher."""
        j = self.meta.journal
        assert j is not None
        jm = new("journal-meta")
        _sub(jm, "journal-id", self.text(j.id or j.abbrev or j.title), journal_id_type="publisher-id")
        group = _sub(jm, "journal-title-group")
        _sub(group, "journal-title", self.text(j.title))
        if j.abbrev:
            _sub(group, "abbrev-journal-title", self.text(j.abbrev), abbrev_type="publisher")
        for issn, form in ((j.issn_print, "print"), (j.issn_online, "electronic")):
            if issn:
                _sub(jm, "issn", issn, publication_format=form)
        if not (j.issn_print or j.issn_online) and self.meta.issn:
            _sub(jm, "issn", self.meta.issn)
        publisher = j.publisher or self.meta.publisher
        if publisher:
            _sub(_sub(jm, "publisher"), "publisher-name", self.text(publisher))
        return jm

    def article_meta(self) -> Element:
        m = self.meta
        am = new("article-meta")
        if m.doi:
            _sub(am, "article-id", self.text(m.doi), pub_id_type="doi")
        if m.section:
            group = _sub(_sub(am, "article-categories"), "subj-group", subj_group_type="heading")
            _sub(group, "subject", self.text(m.section))
        am.append(self.title_group())
        am.append(self.contrib_group(m.authors, "author", "authors"))
        for role, credited in groupby(m.contributors, key=itemgetter(0)):
            am.append(self.contrib_group(tuple(p for _, p in credited), role, f"{role}s", role=role.title()))
        for affiliation, aff_id in self.aff_ids.items():
            am.append(self.aff(affiliation, aff_id))
        if self.corresp_ids:
            notes = _sub(am, "author-notes")
            for p in m.authors:
                if p.name in self.corresp_ids:
                    corresp = _sub(notes, "corresp", self.text(f"{p.name}: "), id=self.corresp_ids[p.name])
                    _sub(corresp, "email", self.text(p.email or ""))
        am.append(self.pub_date())
        # Where an edition printed the article (set after its print layout): JATS's order.
        for tag, value in (("volume", m.volume), ("issue", m.issue), ("fpage", m.fpage), ("lpage", m.lpage)):
            if value is not None:
                _sub(am, tag, self.text(str(value)))
        if m.elocation and m.fpage is None:
            _sub(am, "elocation-id", self.text(m.elocation))
        if m.history:
            history = _sub(am, "history")
            for kind, d in m.history:
                date = _sub(history, "date", date_type={"revised": "rev-recd"}.get(kind, kind),
                            iso_8601_date=d.isoformat())
                _sub(date, "day", f"{d.day:02d}")
                _sub(date, "month", f"{d.month:02d}")
                _sub(date, "year", f"{d.year:04d}")
        permissions = self.permissions()
        if permissions is not None:
            am.append(permissions)
        if m.base_url:
            # The article's own outputs where the house publishes them (named by its slug).
            for ext, kind in (("pdf", "pdf"), ("html", "html")):
                _sub(am, "self-uri", f"{m.base_url}{self.article.slug}.{ext}", content_type=kind,
                     **{"{http://www.w3.org/1999/xlink}href": f"{m.base_url}{self.article.slug}.{ext}"})
        if m.abstract:
            abstract = new("abstract")
            self.abstract_blocks(abstract, m.abstract)
            if len(abstract):
                am.append(abstract)
        if m.keywords:
            group = _sub(am, "kwd-group", kwd_group_type="author")
            for kw in m.keywords:
                _sub(group, "kwd", self.text(kw))
        if m.funding:
            am.append(self.funding_group())
        return am

    def abstract_blocks(self, container: Element, blocks: list[Block]) -> None:
        """A structured abstract: each heading opens a ``<sec><title>`` holding what follows it.

        The blocks before the first heading lead; a heading's section runs to the
        next heading of its level or higher, so deeper headings nest.
        """
        starts = [i for i, b in enumerate(blocks) if b.get("t") == "Header"]
        first = starts[0] if starts else len(blocks)
        self.renderer.blocks(container, blocks[:first])
        i = first
        while i < len(blocks):
            level, inlines = blocks[i]["c"][0], blocks[i]["c"][2]
            end = next((j for j in range(i + 1, len(blocks))
                        if blocks[j].get("t") == "Header" and blocks[j]["c"][0] <= level), len(blocks))
            sec, title = new("sec"), new("title")
            self.renderer.inlines_into(title, inlines)
            if has_content(title):
                sec.append(title)
                self.abstract_blocks(sec, blocks[i + 1:end])
                self.renderer.attach(container, sec)
            else:  # without a title, its content continues whatever precedes it
                target = container
                while len(target) and target[-1].tag == "sec":
                    target = target[-1]
                self.abstract_blocks(target, blocks[i + 1:end])
            i = end

    def funding_group(self) -> Element:
        """``<funding-group>``: one ``<award-group>`` per grant, the funder's ROR id or Funder ID DOI with it."""
        group = new("funding-group")
        for i, f in enumerate(self.meta.funding, 1):
            award = _sub(group, "award-group", id=self.renderer.ids.claim(f"fund{i}", "fund", "award"))
            source = _sub(award, "funding-source")
            if f.ror or f.funder_id:
                wrap = _sub(source, "institution-wrap")
                if f.ror:
                    _sub(wrap, "institution-id", f"https://ror.org/{f.ror}", institution_id_type="ror")
                if f.funder_id:
                    _sub(wrap, "institution-id", f"https://doi.org/{f.funder_id}", institution_id_type="doi",
                         vocab="open-funder-registry", vocab_identifier="10.13039/open_funder_registry")
                _sub(wrap, "institution", self.text(f.funder))
            else:
                source.text = self.text(f.funder)
            if f.award:
                _sub(award, "award-id", self.text(f.award))
        return group

    def title_group(self) -> Element:
        group = new("title-group")
        title = _sub(group, "article-title")
        self.renderer.inlines_into(title, self.meta.title)
        if self.meta.subtitle:
            subtitle = new("subtitle")
            self.renderer.inlines_into(subtitle, self.meta.subtitle)
            if len(subtitle) or (subtitle.text or "").strip():
                group.append(subtitle)
        return group

    def contrib_group(self, people: tuple[Person, ...], contrib_type: str, content_type: str,
                      role: str | None = None) -> Element:
        group = new("contrib-group", {"content-type": content_type})
        for person in people:
            group.append(self.contrib(person, contrib_type, role))
        return group

    def contrib(self, p: Person, contrib_type: str, role: str | None) -> Element:
        """One ``<contrib>``, children in the order the Publishing DTD requires."""
        c = new("contrib", {"contrib-type": contrib_type})
        if p.orcid:
            _sub(c, "contrib-id", f"https://orcid.org/{p.orcid}", contrib_id_type="orcid")
        c.append(self.name(p))
        if p.degrees:
            _sub(c, "degrees", self.text(p.degrees))
        if role:
            _sub(c, "role", role)
        for slug in p.roles:
            # CRediT as JATS4R recommends it: the vocabulary, the term and their URLs on <role>.
            term = CREDIT_ROLES[slug]
            _sub(c, "role", term, vocab="credit", vocab_identifier="https://credit.niso.org/",
                 vocab_term=term, vocab_term_identifier=f"https://credit.niso.org/contributor-roles/{slug}/")
        if p.affiliation:
            label = self.aff_label(p.affiliation)
            xref = _sub(c, "xref", ref_type="aff", rid=self.aff_ids[p.affiliation])
            if label:
                _sub(xref, "sup", label)
        if p.name in self.corresp_ids:
            c.set("corresp", "yes")
            _sub(c, "xref", "*", ref_type="corresp", rid=self.corresp_ids[p.name])
        if p.email:
            _sub(c, "email", self.text(p.email))
        return c

    def aff_label(self, affiliation: str) -> str | None:
        """The affiliation's number ("1"), when the article has structured affiliations, else None."""
        if not self.aff_details:
            return None
        return str(list(self.aff_ids).index(affiliation) + 1)

    def aff(self, affiliation: str, aff_id: str) -> Element:
        """``<aff>``: the affiliation's words, inside ``<institution-wrap>`` with its ROR id when known."""
        aff = new("aff", {"id": aff_id})
        label = self.aff_label(affiliation)
        if label:
            _sub(aff, "label", label)
        detail = self.aff_details.get(affiliation)
        if detail is not None:
            return self.structured_aff(aff, detail)
        ror = self.aff_rors.get(affiliation)
        if ror is None:
            aff.text = self.text(affiliation)
            return aff
        wrap = _sub(aff, "institution-wrap")
        _sub(wrap, "institution-id", f"https://ror.org/{ror}", institution_id_type="ror")
        _sub(wrap, "institution", self.text(affiliation))
        return aff

    def structured_aff(self, aff: Element, a: Affiliation) -> Element:
        """JATS4R's form: department and institution in ``<institution-wrap>`` (with the ROR id),
        then the city and the country with its ISO code, separated by commas as printed."""
        wrap = _sub(aff, "institution-wrap")
        if a.ror:
            _sub(wrap, "institution-id", f"https://ror.org/{a.ror}", institution_id_type="ror")
        if a.department:
            _sub(wrap, "institution", self.text(a.department), content_type="dept")
        _sub(wrap, "institution", self.text(a.institution))
        if a.city:
            wrap.tail = ", "
            last = _sub(aff, "addr-line", self.text(a.city), content_type="city")
        else:
            last = wrap
        if a.country:
            last.tail = ", "
            _sub(aff, "country", self.text(a.country_name or a.country), country=a.country)
        return aff

    def name(self, p: Person) -> Element:
        """``<name>`` with its parts; "eastern" when the name is written family name first."""
        family, given = p.family, p.given
        if family:
            eastern = bool(given) and p.name.replace(" ", "").startswith(family.replace(" ", "")) \
                and not p.name.startswith(given or "")
            name = new("name", {"name-style": "eastern" if eastern else "western"})
            _sub(name, "surname", self.text(family))
            if given:
                _sub(name, "given-names", self.text(given))
            return name
        if given:
            name = new("name", {"name-style": "given-only"})
            _sub(name, "given-names", self.text(given))
            return name
        if " " not in p.name:  # a one-word name ("Suharto") is a given name alone
            name = new("name", {"name-style": "given-only"})
            _sub(name, "given-names", self.text(p.name))
            return name
        name = new("string-name")
        name.text = self.text(p.name)
        return name

    def pub_date(self) -> Element:
        d = self.meta.date
        date = new("pub-date", {
            "date-type": "pub", "publication-format": "electronic", "iso-8601-date": d.isoformat(),
        })
        _sub(date, "day", f"{d.day:02d}")
        _sub(date, "month", f"{d.month:02d}")
        _sub(date, "year", f"{d.year:04d}")
        return date

    def permissions(self) -> Element | None:
        """``<permissions>`` from what the front matter states, or None when it states no rights.

        Children in the order the DTD requires: ``<copyright-statement>``,
        ``<copyright-year>``, ``<copyright-holder>``, then ``<license>`` with the
        URL as ``<ali:license_ref>`` and the words as ``<license-p>``.  Nothing is
        invented: without a licence and a copyright there is no ``<permissions>``
        (and ``check`` warns).
        """
        m = self.meta
        if not (m.license or m.copyright):
            return None
        permissions = new("permissions")
        if m.copyright:
            statement, year, holder = copyright_parts(m.copyright, m.date.year)
            if statement:
                _sub(permissions, "copyright-statement", self.text(statement))
            if year:
                _sub(permissions, "copyright-year", str(year))
            if holder:
                _sub(permissions, "copyright-holder", self.text(holder))
        if m.license:
            permissions.append(self.license(m.license))
        return permissions

    def license(self, statement: str) -> Element:
        """``<license>``: the URL as ``<ali:license_ref>``, the words as ``<license-p>``."""
        lic = new("license")
        url = license_url(statement)
        if url:
            etree.SubElement(lic, f"{{{ALI}}}license_ref").text = self.text(url)
        words = statement if url != statement.strip() else license_name(statement)
        if words:
            _sub(lic, "license-p", self.text(words))
        return lic

    def lead_picture(self) -> Element | None:
        """The lead picture as ``<fig id="lead-image">``: its graphic, if any, and its credit.

        Without a picture file (the credit alone is known) the figure carries only
        its ``<attrib>``: the credit stays where a reader of the XML looks for it,
        in the same element whether or not the picture ships with the article.
        """
        image = self.meta.image
        if image is None or self.picture_id is None:
            return None
        fig = new("fig", {"id": self.picture_id, "fig-type": "lead-image"})
        if image.src:
            graphic = etree.SubElement(fig, "graphic", self.renderer.graphic_attrs(image.src))
            if image.alt:
                _sub(graphic, "alt-text", self.text(image.alt))
        elif image.alt:
            _sub(fig, "alt-text", self.text(image.alt))
        if image.credit:
            _sub(fig, "attrib", self.text(image.credit))
        return fig


__all__ = ["ARTICLE_TYPES", "FrontBuilder", "article_type", "copyright_parts", "license_name", "license_url"]
