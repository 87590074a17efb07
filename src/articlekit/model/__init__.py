"""The in-memory article that every writer reads.

An :class:`Article` is produced once by :mod:`articlekit.read.reader`, completed by the
passes in :mod:`articlekit.transforms`, and then handed, read-only, to the writers.

The body is kept as pandoc's JSON document tree (a list of block dicts such as
``{"t": "Para", "c": [...]}``), with two articlekit conventions that the
transforms establish and every writer relies on:

* Top-level sections are ``Div`` blocks with the classes ``["section", "level1"]``
  (deeper ones ``level2`` …), whose first child is the section's ``Header``.
  Header levels are normalised so the shallowest heading in the body is level 1.
* Every pandoc ``Note`` inline is replaced by a :data:`NOTE_REFS` inline::

      {"t": "NoteRefs", "c": [{"number": 6, "note_id": "fn6", "ref_id": "fnref6"},
                              {"number": 7, "note_id": "fn7", "ref_id": "fnref7"}]}

  One ``NoteRefs`` node is one superscript cluster: adjacent references in the
  source (``[^6][^7]``) share a node and are printed ``6,7``.  The note text
  itself lives once in :attr:`Article.notes`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ArticleWarning

#: The pandoc-tree node type that stands for a cluster of note references.
NOTE_REFS = "NoteRefs"

Block = dict[str, Any]
Inline = dict[str, Any]


@dataclass(frozen=True)
class Affiliation:
    """A structured affiliation (front matter ``affiliations``); ``country`` is an ISO 3166 code."""

    institution: str
    department: str | None = None
    city: str | None = None
    country: str | None = None
    ror: str | None = None

    @property
    def country_name(self) -> str | None:
        """The country's English name from CLDR ("Indonesia" for "ID")."""
        if not self.country:
            return None
        from babel import Locale

        return Locale("en").territories.get(self.country, self.country)

    @property
    def text(self) -> str:
        """The affiliation in one line: "Department, Institution, City, Country"."""
        return ", ".join(p for p in (self.department, self.institution, self.city, self.country_name) if p)


@dataclass(frozen=True)
class Journal:
    """The journal an article appears in."""

    title: str
    abbrev: str | None = None
    id: str | None = None
    issn_print: str | None = None
    issn_online: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class Funding:
    """One grant: the funder (with a ROR id or a Crossref Funder ID DOI) and the award number."""

    funder: str
    ror: str | None = None
    funder_id: str | None = None
    award: str | None = None


@dataclass(frozen=True)
class Person:
    """An author, editor, reviewer or translator.

    A one-word name ("Suharto") has neither ``given`` nor ``family``: it is the whole name.
    """

    name: str
    given: str | None = None
    family: str | None = None
    degrees: str | None = None
    affiliation: str | None = None
    orcid: str | None = None
    email: str | None = None
    #: Contributions as CRediT role slugs ("writing-original-draft"), in the order given.
    roles: tuple[str, ...] = ()
    #: The affiliation's ROR id ("03ke6d638"), without https://ror.org/.
    ror: str | None = None
    #: The corresponding author (JATS ``<corresp>``).
    corresponding: bool = False
    #: The affiliation's parts when it names one of the front matter's ``affiliations``
    #: (``affiliation`` is then its one-line text).
    affiliation_detail: Affiliation | None = None

    @property
    def display_name(self) -> str:
        """The name followed by post-nominal degrees, as a byline prints it."""
        return f"{self.name}, {self.degrees}" if self.degrees else self.name

    @property
    def file_as(self) -> str:
        """Sort form, "Family, Given" (or the name alone when it has no parts)."""
        if self.family and self.given:
            return f"{self.family}, {self.given}"
        return self.family or self.name


@dataclass(frozen=True)
class Image:
    """The article's lead picture; any part may be missing (the first article has only a credit)."""

    src: str | None = None
    alt: str | None = None
    credit: str | None = None


@dataclass(frozen=True)
class Copyright:
    """Who holds the rights, from when, in the words the publisher prints; any part may be missing.

    articlekit never invents rights: an article with neither a licence nor a
    copyright carries no permissions in any format (``check`` warns about it).
    """

    holder: str | None = None
    year: int | None = None
    statement: str | None = None

    @property
    def text(self) -> str:
        """The statement as printed: the given one, else "© 2018 Holder"."""
        if self.statement:
            return self.statement
        return " ".join(["\u00a9", *([str(self.year)] if self.year else []), *([self.holder] if self.holder else [])])


#: The roles credited besides authorship, in the order every format lists them; each names a field
#: of :class:`Metadata` (``editors`` …).
CONTRIBUTOR_ROLES = ("editor", "reviewer", "translator")


@dataclass(frozen=True)
class Metadata:
    """Validated front matter merged over the folder's ``articlekit.toml`` defaults.

    ``title`` and ``subtitle`` are pandoc inline lists (front matter may use inline
    Markdown); ``title_text`` and ``subtitle_text`` are their plain-text forms for
    places that take no markup (``<title>``, PDF info, OPF).
    """

    title: list[Inline]
    title_text: str
    date: _dt.date
    authors: tuple[Person, ...]
    editors: tuple[Person, ...] = ()
    reviewers: tuple[Person, ...] = ()
    translators: tuple[Person, ...] = ()
    subtitle: list[Inline] | None = None
    subtitle_text: str | None = None
    lang: str = "en"
    image: Image | None = None
    publisher: str | None = None
    publication: str | None = None
    issn: str | None = None
    keywords: tuple[str, ...] = ()
    abstract: list[Block] | None = None
    abstract_text: str | None = None
    license: str | None = None
    copyright: Copyright | None = None
    doi: str | None = None
    article_type: str | None = None
    section: str | None = None
    #: Where the article was printed in an edition (an issue, a yearbook): set by
    #: :mod:`articlekit.editions` after the edition's print layout, never by a source.
    volume: str | None = None
    issue: str | None = None
    fpage: int | None = None
    lpage: int | None = None
    journal: Journal | None = None
    #: The article number, where there are no pages.
    elocation: str | None = None
    #: ``received``, ``revised``, ``accepted`` dates, in that order, those given.
    history: tuple[tuple[str, _dt.date], ...] = ()
    funding: tuple[Funding, ...] = ()
    data_availability: str | None = None
    #: Where the outputs are published (ends with "/").
    base_url: str | None = None

    @property
    def contributors(self) -> tuple[tuple[str, Person], ...]:
        """Everyone credited besides the authors, as ``(role, person)``: the editors, then the reviewers,
        then the translators (:data:`CONTRIBUTOR_ROLES`), the order in which every format credits them."""
        return tuple((role, p) for role in CONTRIBUTOR_ROLES for p in getattr(self, f"{role}s"))


@dataclass
class Note:
    """One endnote, stored once however often it is referenced.

    ``ref_ids`` holds the id of every reference to the note, in reading order; the
    first is ``fnref<N>``, later ones ``fnref<N>-2``, ``fnref<N>-3`` …  Each writer
    links the note back to every one of them.
    """

    number: int
    label: str | None
    blocks: list[Block]
    ref_ids: list[str] = field(default_factory=list)
    line: int | None = None

    @property
    def id(self) -> str:
        return f"fn{self.number}"


#: The Crossref deposit schemas articlekit writes; the first is the default.
CROSSREF_SCHEMAS = ("5.3.1", "5.4.0")


@dataclass(frozen=True)
class Deposit:
    """Who registers the articles, from the ``[deposit]`` table of ``articlekit.toml`` (never from an article).

    A Crossref deposit's ``<head>`` names the depositor (a name and an e-mail
    address Crossref writes to about the deposit) and the registrant (the
    organisation that owns the DOIs).  ``path`` is the config file the table is
    (or would be) in, and ``lines`` the line of each key given, so a message
    can say where to add or fix one.
    """

    depositor: str | None = None
    email: str | None = None
    registrant: str | None = None
    crossref_schema: str = CROSSREF_SCHEMAS[0]
    path: Path | None = None
    lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, key: str | None = None) -> int | None:
        """The line of ``key`` in the config file, else of the ``[deposit]`` table (``key`` None: the table)."""
        lines = dict(self.lines)
        return lines.get(key or "[deposit]") or lines.get("[deposit]")


@dataclass
class Article:
    """A parsed, validated and transformed article."""

    path: Path
    metadata: Metadata
    body: list[Block]
    notes: list[Note] = field(default_factory=list)
    #: The author's own heading over the notes (``## Notas``), inline markup kept, or None for
    #: articlekit's "Notes"; set by :mod:`articlekit.transforms.notes_heading`.
    notes_title: list[Inline] | None = None
    styles_dir: Path | None = None
    #: What does not stop a build (an unreferenced note, a link to no anchor …), each with its code.
    warnings: list[ArticleWarning] = field(default_factory=list)
    #: The house's own words for this article's language (``[labels]`` in ``articlekit.toml``),
    #: over the catalogue's; see :func:`articlekit.labels.labels_for`.
    label_overrides: dict[str, str] = field(default_factory=dict)
    #: The MathML of each TeX formula, keyed by ``(display, tex)``, made once by the reader
    #: (:mod:`articlekit.read.formulas`); writers only serialise it.
    formulas: dict[tuple[bool, str], str] = field(default_factory=dict)
    #: The cited works as CSL JSON, by key, in the reference list's order (:mod:`articlekit.citations`);
    #: the list itself, as the style formats it, is the body's ``Div#refs``.
    references: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Files besides the source, its pictures and the config that the article was made from
    #: (bibliographies, the citation style), so an incremental build sees when they change.
    inputs: tuple[Path, ...] = ()
    #: The warning codes the house silences (``[warnings] ignore``), for what the writers find too.
    ignored_warnings: frozenset[str] = frozenset()
    #: The house's ``[deposit]`` table (depositor, registrant …) for the Crossref and DOAJ writers.
    deposit: Deposit = field(default_factory=Deposit)

    @property
    def slug(self) -> str:
        """The file stem, which names every output of the article."""
        return self.path.stem

    @property
    def source_dir(self) -> Path:
        return self.path.parent
