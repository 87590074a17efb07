"""The title block: what every format prints about an article before its text.

The facts are derived once from :class:`~articlekit.model.Metadata` into a
:class:`TitleBlock`, and set by one template, ``title-block.html.j2``, for the
web page, the print edition and the EPUB title page alike.  So the same facts
appear in the same order and the same words everywhere; only a few
presentation details differ by format (:class:`TitleBlockOptions`).

The order (:data:`ORDER`) follows the usual order of a journal article's
opening: who and what first, then the credits, the imprint, and the summary.

1. ``section``       the section the article runs under ("Commentary")
2. ``title``         the title (inline markup kept)
3. ``subtitle``
4. ``byline``        "By" and the authors, each with post-nominal degrees
5. ``affiliations``  per author: affiliation · ORCID iD (as its https URL) · e-mail
6. ``dateline``      the publication date, a ``<time datetime>``
   ``history``       received, revised and accepted dates, where the house asks for them
                     (``history_in_title_block`` in ``articlekit.toml``)
7. ``editors``       "Editor(s):" and the editors with degrees
8. ``reviewers``     "Reviewer(s):" and the reviewers with degrees
9. ``translators``   "Translated by" and the translators with degrees
10. ``picture``      the lead picture (where shown) with its credit, or the credit alone (where
                     the picture is elsewhere, or the house asks for a credit without a picture)
11. ``publication``  publication · ISSN · publisher (the publisher when it differs)
12. ``doi``          the DOI as its https://doi.org/ link
13. ``license``      "Licence:" and the licence, a link when it is a URL
14. ``copyright``    the copyright statement ("© 2018 Holder"; a holder without a year
                     holds it from the year of publication)
15. ``funding``      "Funding:" and each funder with its award number
16. ``keywords``     "Keywords:" and the keywords
17. ``abstract``     "Abstract" heading and the abstract

A fact the article does not have is left out, never printed empty.  The words
around the facts and the date are in the article's language (:mod:`~articlekit.labels`).  The JATS
writer carries the same facts in its own ``<front>`` elements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from ..labels import Labels, labels_for, labels_for_lang
from ..model import Article, Inline, Person
from ..read.config import load_config
from .html_body import HtmlRenderer
from .templates import render, trusted

#: The facts of a title block, in the order every format prints them.
ORDER: tuple[str, ...] = (
    "section", "title", "subtitle", "byline", "affiliations", "dateline", "history", "editors", "reviewers",
    "translators", "picture", "publication", "doi", "license", "copyright", "funding", "keywords", "abstract",
)

#: A list of names as printed: each name with the separator that comes before it.
Names = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Contributor:
    """An author or an editor as the title block names them."""

    name: str
    #: The name with post-nominal degrees ("Atin Prabandari, MA(IR)").
    display_name: str
    affiliation: str | None = None
    #: The ORCID iD as its https URL, the form ORCID asks publishers to display.
    orcid_url: str | None = None
    email: str | None = None
    #: The corresponding author, marked by the e-mail address.
    corresponding: bool = False

    @property
    def has_details(self) -> bool:
        return bool(self.affiliation or self.orcid_url or self.email)


@dataclass(frozen=True)
class Picture:
    """The lead picture: its file as the source names it (if any), description and credit."""

    src: str | None
    alt: str
    credit: str | None


@dataclass(frozen=True)
class TitleBlock:
    """The facts of an article's title block (see the module docstring for their order)."""

    lang: str
    title: Markup
    date: dt.date
    authors: tuple[Contributor, ...]
    section: str | None = None
    subtitle: Markup | None = None
    editors: tuple[Contributor, ...] = ()
    reviewers: tuple[Contributor, ...] = ()
    translators: tuple[Contributor, ...] = ()
    picture: Picture | None = None
    #: Publication, "ISSN …" and publisher, as far as known.
    publication: tuple[str, ...] = ()
    doi: str | None = None
    license: str | None = None
    copyright: str | None = None
    keywords: tuple[str, ...] = ()
    abstract: Markup | None = None
    #: Each grant as printed: "Funder (award)".
    funding: tuple[str, ...] = ()
    #: The words around the facts; None for the catalogue's words in :attr:`lang`.
    labels: Labels | None = None
    #: Whether a credit is printed for a picture the article does not have (``picture_credit_alone``
    #: in ``articlekit.toml``); otherwise "Picture: …" appears only with a picture file.
    credit_alone: bool = False
    #: The ``history`` dates, (``received`` | ``revised`` | ``accepted``, date), printed where the
    #: house asks for them (``history_in_title_block``); empty otherwise.
    history: tuple[tuple[str, dt.date], ...] = ()

    @property
    def words(self) -> Labels:
        return self.labels or labels_for_lang(self.lang)

    @property
    def date_text(self) -> str:
        return self.words.date(self.date)

    @property
    def history_dates(self) -> tuple[tuple[str, dt.date, str], ...]:
        """Each history date as printed: its label key, the date and its text in the article's language."""
        return tuple((kind, day, self.words.date(day)) for kind, day in self.history)

    @property
    def date_lang(self) -> str | None:
        """The date's language when it is not the article's, so the date can be marked with it."""
        return self.words.date_mark

    @property
    def byline(self) -> Names:
        return listed([p.display_name for p in self.authors], self.words)

    @property
    def editor_names(self) -> Names:
        return listed([p.display_name for p in self.editors], self.words)

    @property
    def reviewer_names(self) -> Names:
        return listed([p.display_name for p in self.reviewers], self.words)

    @property
    def translator_names(self) -> Names:
        return listed([p.display_name for p in self.translators], self.words)

    @property
    def affiliations(self) -> tuple[Contributor, ...]:
        """The authors that have an affiliation, an ORCID iD or an e-mail address."""
        return tuple(p for p in self.authors if p.has_details)

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{quote(self.doi, safe='/:;()[]._-')}" if self.doi else None

    @property
    def license_url(self) -> str | None:
        return self.license if self.license and self.license.startswith(("https://", "http://")) else None

    @property
    def labels_lang(self) -> str | None:
        """The labels' language when it is not the article's, so the labels can be marked with it."""
        return self.words.mark

    def facts(self) -> tuple[str, ...]:
        """The facts this article has, in :data:`ORDER`."""
        present = {
            "section": bool(self.section),
            "title": True,
            "subtitle": self.subtitle is not None,
            "byline": bool(self.authors),
            "affiliations": bool(self.affiliations),
            "dateline": True,
            "history": bool(self.history),
            "editors": bool(self.editors),
            "reviewers": bool(self.reviewers),
            "translators": bool(self.translators),
            "picture": self.picture is not None
            and bool(self.picture.src or (self.picture.credit and self.credit_alone)),
            "publication": bool(self.publication),
            "doi": bool(self.doi),
            "license": bool(self.license),
            "copyright": bool(self.copyright),
            "funding": bool(self.funding),
            "keywords": bool(self.keywords),
            "abstract": self.abstract is not None,
        }
        return tuple(kind for kind in ORDER if present[kind])


def listed(names: Sequence[str], words: Labels) -> Names:
    """People as the language lists them ("A, B and C", "A, B, dan C", "A、B和C"), by CLDR's pattern.

    The one rule for every list of people in every format (see :meth:`.Labels.separators`).
    """
    return tuple(zip(words.separators(names), names, strict=True))


def joined(names: Sequence[str], words: Labels) -> str:
    """:func:`listed` as plain text: "A, B and C" ("A, MA; B, PhD and C")."""
    return "".join(between + name for between, name in listed(names, words))


def _contributor(p: Person) -> Contributor:
    return Contributor(
        name=p.name,
        display_name=p.display_name,
        affiliation=p.affiliation,
        orcid_url=f"https://orcid.org/{p.orcid}" if p.orcid else None,
        email=p.email,
        corresponding=p.corresponding,
    )


def title_block(article: Article, *, inline_filter: Callable[[list[Inline]], list[Inline]] | None = None,
                renderer: Callable[[Article], HtmlRenderer] = HtmlRenderer) -> TitleBlock:
    """The title block of ``article``.

    ``inline_filter`` rewrites the title and subtitle before they are rendered
    (the print edition ties their last two words together); ``renderer`` makes
    the renderer of its markup (the print edition's draws formulas).
    """
    m = article.metadata

    def inlines(nodes: list[Inline]) -> Markup:
        r = renderer(article)
        return trusted(r.clean(r.inlines(inline_filter(nodes) if inline_filter else nodes)))

    def blocks(nodes: list[Any]) -> Markup:
        r = renderer(article)
        return trusted(r.clean(r.blocks(nodes)))

    publication = tuple(x for x in (
        m.publication,
        f"ISSN {m.issn}" if m.issn else None,
        m.publisher if m.publisher != m.publication else None,
    ) if x)
    if m.journal is not None and not m.publication:
        j = m.journal
        publisher = m.publisher or j.publisher
        publication = tuple(x for x in (
            j.title, f"ISSN {j.issn_print}" if j.issn_print else None,
            f"e-ISSN {j.issn_online}" if j.issn_online else None,
            f"ISSN {m.issn}" if m.issn and not (j.issn_print or j.issn_online) else None,
            publisher if publisher != j.title else None, m.elocation,
        ) if x)
    config = load_config(article.path.parent)
    picture = Picture(m.image.src, m.image.alt or "", m.image.credit) if m.image else None
    rights = m.copyright
    if rights and rights.holder and not rights.year and not rights.statement:
        # A holder without a year holds the copyright from the year of publication, as the JATS says.
        rights = replace(rights, year=m.date.year)
    return TitleBlock(
        lang=m.lang,
        section=m.section,
        title=inlines(m.title),
        subtitle=inlines(m.subtitle) if m.subtitle else None,
        authors=tuple(_contributor(p) for p in m.authors),
        date=m.date,
        editors=tuple(_contributor(p) for p in m.editors),
        reviewers=tuple(_contributor(p) for p in m.reviewers),
        translators=tuple(_contributor(p) for p in m.translators),
        picture=picture,
        publication=publication,
        doi=m.doi,
        license=m.license,
        copyright=rights.text if rights else None,
        keywords=tuple(m.keywords),
        abstract=blocks(m.abstract) if m.abstract else None,
        funding=tuple(f"{f.funder} ({f.award})" if f.award else f.funder for f in m.funding),
        labels=labels_for(article),
        credit_alone=config.picture_credit_alone,
        history=m.history if config.history_in_title_block else (),
    )


@dataclass(frozen=True)
class TitleBlockOptions:
    """What differs between formats in how the title block is set (never which facts, nor their order)."""

    #: The enclosing element and its class.
    tag: str = "header"
    css_class: str = "article-header"
    #: The title's ``id``; when set, the enclosing element is labelled by the title.
    title_id: str | None = None
    #: Whether the lead picture itself is shown (the EPUB shows it on its cover instead).
    show_picture: bool = True
    #: Maps the picture's ``src`` to the URL the output uses.
    image_url: Callable[[str], str] | None = None
    #: ``dir`` for the labels when they are marked as another language (``"ltr"`` in right-to-left text).
    labels_dir: str | None = None
    #: Extra attributes of the enclosing element, such as the print edition's running-head data.
    attributes: Mapping[str, str] = field(default_factory=dict)


def render_title_block(block: TitleBlock, options: TitleBlockOptions | None = None) -> str:
    """The title block as an HTML fragment."""
    options = options or TitleBlockOptions()
    picture = block.picture
    image_src = None
    if options.show_picture and picture is not None and picture.src:
        image_src = options.image_url(picture.src) if options.image_url else picture.src
    context: dict[str, Any] = {
        "block": block,
        "facts": block.facts(),
        "labels": block.words,
        "options": options,
        "image_src": image_src,
    }
    return render("title-block.html.j2", **context)


__all__ = [
    "ORDER", "Contributor", "Picture", "TitleBlock", "TitleBlockOptions", "listed", "render_title_block",
    "title_block",
]
