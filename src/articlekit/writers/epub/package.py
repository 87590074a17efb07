"""The EPUB package metadata: one field per OPF property, filled from the article.

:func:`package_metadata` decides every value (a pure function of the article,
the build moment and what the book contains); :func:`add_to_book` writes them
into an ebooklib ``EpubBook``.  Keeping the two apart keeps the decisions
testable without building a book.

Identifiers: a DOI when the article has one (``urn:doi:…``), else a name-based
UUID (version 5) of the article's identity key (publication, slug and date;
:mod:`articlekit.render.identity`), the same key the PDF's document id comes
from.  It never changes between builds, and a corrected edition keeps it, so
reading systems keep the reader's place and annotations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ebooklib import epub

from ...model import Article, Person
from ...render.identity import identity_uuid
from ...render.summary import description
from ..moment import reproducible_moment

#: The accessibility standard the books are made to meet.
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


@dataclass(frozen=True)
class Contributor:
    """A ``dc:creator`` or ``dc:contributor`` with its refinements."""

    name: str
    file_as: str
    #: MARC relator code: ``aut`` (author), ``edt`` (editor), ``rev`` (reviewer) or ``trl`` (translator).
    role: str


@dataclass(frozen=True)
class PackageMetadata:
    """Everything the OPF ``<metadata>`` says, in the order it is written."""

    identifier: str
    #: ONIX code list 5 identifier type: "06" for a DOI, None for articlekit's UUID.
    identifier_type: str | None
    title: str
    subtitle: str | None
    language: str
    creators: tuple[Contributor, ...]
    contributors: tuple[Contributor, ...]
    date: str
    modified: str
    publisher: str | None
    subjects: tuple[str, ...]
    description: str | None
    rights: str | None
    collection: str | None
    collection_issn: str | None
    access_modes: tuple[str, ...]
    access_modes_sufficient: tuple[str, ...]
    accessibility_features: tuple[str, ...]
    accessibility_hazards: tuple[str, ...]
    accessibility_summary: str
    conforms_to: str = CONFORMS_TO


def build_moment(article: Article) -> dt.datetime:
    """The book's one timestamp (``dcterms:modified``, zip entries).

    ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention), else
    midnight UTC of the article's date: never the clock, so every build of the
    same source gives the same bytes.
    """
    return reproducible_moment(article.metadata.date)


def stable_identifier(article: Article) -> str:
    """``urn:uuid:…`` derived from the article's identity key (never random)."""
    return f"urn:uuid:{identity_uuid(article)}"


#: The MARC relator of each kind of contributor, and the word its ``id`` starts with.
RELATORS: dict[str, str] = {"aut": "author", "edt": "editor", "rev": "reviewer", "trl": "translator"}


#: The MARC relator of each role in :data:`~articlekit.model.CONTRIBUTOR_ROLES`, and of authorship.
RELATOR_OF: dict[str, str] = {word: code for code, word in RELATORS.items()}


def contributor(p: Person, role: str) -> Contributor:
    """``p`` credited in the OPF as ``role`` (a MARC relator: ``aut``, ``edt``, ``rev``, ``trl``)."""
    # Editors, reviewers and translators are credited with their degrees, as the title page prints them.
    return Contributor(name=p.name if role == "aut" else p.display_name, file_as=p.file_as, role=role)


def package_metadata(
    article: Article,
    *,
    modified: dt.datetime,
    has_images: bool,
    images_described: bool,
    animated_images: bool = False,
) -> PackageMetadata:
    """The OPF metadata of ``article``'s book.

    ``images_described`` says every image has a text alternative, which makes the
    text alone sufficient to read the book.
    """
    m = article.metadata
    if m.doi:
        identifier, identifier_type = f"urn:doi:{m.doi}", "06"
    else:
        identifier, identifier_type = stable_identifier(article), None
    access = accessibility(has_images=has_images, images_described=images_described,
                           animated_images=animated_images, structure="the article's")

    return PackageMetadata(
        identifier=identifier,
        identifier_type=identifier_type,
        title=m.title_text,
        subtitle=m.subtitle_text,
        language=m.lang,
        creators=tuple(contributor(p, "aut") for p in m.authors),
        contributors=tuple(contributor(p, RELATOR_OF[role]) for role, p in m.contributors),
        date=m.date.isoformat(),
        modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        publisher=m.publisher or (m.journal.publisher if m.journal else None),
        subjects=tuple(m.keywords),
        description=m.abstract_text or description(article) or None,
        rights=m.license,
        collection=m.journal.title if m.journal else m.publication,
        collection_issn=(m.journal.issn_online or m.journal.issn_print or m.issn) if m.journal else m.issn,
        **access,
    )


def accessibility(*, has_images: bool, images_described: bool, animated_images: bool,
                  structure: str) -> dict[str, Any]:
    """The accessibility fields of :class:`PackageMetadata` for a book with or without images.

    ``structure`` names whose structure the headings follow ("the article's", "each article's").
    """
    access_modes = ("textual", "visual") if has_images else ("textual",)
    if not has_images:
        sufficient: tuple[str, ...] = ("textual",)
    elif images_described:
        sufficient = ("textual", "textual,visual")
    else:
        sufficient = ("textual,visual",)
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability", "ARIA"]
    if has_images and images_described:
        features.append("alternativeText")
    hazards = ("unknown",) if animated_images else ("none",)

    summary = [
        "This publication meets the requirements of EPUB Accessibility 1.1 and WCAG 2.1 Level AA.",
        f"It has a table of contents, a logical reading order and headings that follow {structure} structure.",
        "Every note reference links to its note and every note links back to each of its references.",
        "The text reflows and follows the reader's font, size and colour settings.",
    ]
    if has_images:
        summary.append(
            "Images have text descriptions." if images_described else "Some images have no text description."
        )
    if not animated_images:
        summary.append("There are no hazards.")

    return {
        "access_modes": access_modes,
        "access_modes_sufficient": sufficient,
        "accessibility_features": tuple(features),
        "accessibility_hazards": hazards,
        "accessibility_summary": " ".join(summary),
    }


def add_to_book(meta: PackageMetadata, book: epub.EpubBook) -> None:
    """Write ``meta`` into an ebooklib ``EpubBook`` (its metadata table, in document order).

    ``dcterms:modified`` is not set here: ebooklib's writer takes it from its
    ``mtime`` option.
    """
    add = book.add_metadata

    def refine(ident: str, prop: str, value: str, scheme: str | None = None) -> None:
        attrs = {"refines": f"#{ident}", "property": prop}
        if scheme:
            attrs["scheme"] = scheme
        add(None, "meta", value, attrs)

    book.IDENTIFIER_ID = "pub-id"
    book.set_identifier(meta.identifier)
    if meta.identifier_type:
        refine("pub-id", "identifier-type", meta.identifier_type, "onix:codelist5")

    book.title = meta.title  # the NCX's docTitle
    add("DC", "title", meta.title, {"id": "title"})
    refine("title", "title-type", "main")
    if meta.subtitle:
        add("DC", "title", meta.subtitle, {"id": "subtitle"})
        refine("subtitle", "title-type", "subtitle")

    book.language = meta.language
    add("DC", "language", meta.language)

    everyone = (*meta.creators, *meta.contributors)
    for kind, people in (("creator", meta.creators), ("contributor", meta.contributors)):
        for n, person in enumerate(people, 1):
            # Numbered within their role, creators then contributors: editor-1, editor-2, reviewer-1 …
            # (an edition's editors are creators and its articles' editors contributors).
            before = len(meta.creators) if kind == "contributor" else 0
            ident = f"{RELATORS[person.role]}-{sum(p.role == person.role for p in everyone[:before + n])}"
            add("DC", kind, person.name, {"id": ident})
            refine(ident, "role", person.role, "marc:relators")
            refine(ident, "file-as", person.file_as)
            if len(people) > 1:
                refine(ident, "display-seq", str(n))

    add("DC", "date", meta.date)
    if meta.publisher:
        add("DC", "publisher", meta.publisher)
    for subject in meta.subjects:
        add("DC", "subject", subject)
    if meta.description:
        add("DC", "description", meta.description)
    if meta.rights:
        add("DC", "rights", meta.rights)

    if meta.collection:
        add(None, "meta", meta.collection, {"property": "belongs-to-collection", "id": "collection"})
        refine("collection", "collection-type", "series")
        if meta.collection_issn:
            refine("collection", "dcterms:identifier", f"urn:issn:{meta.collection_issn}")

    for prop, values in (
        ("schema:accessMode", meta.access_modes),
        ("schema:accessModeSufficient", meta.access_modes_sufficient),
        ("schema:accessibilityFeature", meta.accessibility_features),
        ("schema:accessibilityHazard", meta.accessibility_hazards),
    ):
        for value in values:
            add(None, "meta", value, {"property": prop})
    add(None, "meta", meta.accessibility_summary, {"property": "schema:accessibilitySummary"})
    add(None, "meta", meta.conforms_to, {"property": "dcterms:conformsTo"})
