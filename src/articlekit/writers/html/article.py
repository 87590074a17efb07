"""The web page's ``<article>`` element and its schema.org JSON-LD."""

from __future__ import annotations

import json
from typing import Any

from ...model import Article, Funding, Person
from ...read.frontmatter import CREDIT_ROLES
from ...render.html_body import HtmlOptions, render_body, render_notes
from ...render.templates import render, trusted
from ...render.title_block import TitleBlockOptions, render_title_block, title_block


def _person_ld(p: Person) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "Person", "name": p.name}
    if p.given:
        out["givenName"] = p.given
    if p.family:
        out["familyName"] = p.family
    if p.degrees:
        out["honorificSuffix"] = p.degrees
    if p.affiliation:
        out["affiliation"] = {"@type": "Organization", "name": p.affiliation}
        if p.ror:
            out["affiliation"]["identifier"] = f"https://ror.org/{p.ror}"
    if p.orcid:
        out["identifier"] = f"https://orcid.org/{p.orcid}"
        out["sameAs"] = f"https://orcid.org/{p.orcid}"
    if p.email:
        out["email"] = p.email
    return out


def _funder_ld(f: Funding) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "Organization", "name": f.funder}
    ids = [f"https://ror.org/{f.ror}"] if f.ror else []
    ids += [f"https://doi.org/{f.funder_id}"] if f.funder_id else []
    if ids:
        out["identifier"] = ids[0] if len(ids) == 1 else ids
    return out


def _in_role(p: Person, prop: str, role: str | None = None) -> dict[str, Any]:
    """A person, or, with a role or CRediT roles, schema.org's ``Role`` that wraps them under ``prop``."""
    names = ([role] if role else []) + [CREDIT_ROLES[slug] for slug in p.roles]
    if not names:
        return _person_ld(p)
    return {"@type": "Role", prop: _person_ld(p), "roleName": names if len(names) > 1 else names[0]}


def json_ld(article: Article) -> str:
    """schema.org ``ScholarlyArticle`` JSON-LD, safe to place inside ``<script>``."""
    m = article.metadata
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": m.title_text,
        "datePublished": m.date.isoformat(),
        "inLanguage": m.lang,
        "author": [_in_role(p, "author") for p in m.authors],
    }
    if m.subtitle_text:
        data["alternativeHeadline"] = m.subtitle_text
    if m.editors:
        data["editor"] = [_in_role(p, "editor") for p in m.editors]
    if m.translators:
        data["translator"] = [_in_role(p, "translator") for p in m.translators]
    if m.reviewers:
        data["contributor"] = [_in_role(p, "contributor", "Reviewer") for p in m.reviewers]
    if m.publisher:
        data["publisher"] = {"@type": "Organization", "name": m.publisher}
    if m.journal is not None:
        j = m.journal
        journal: dict[str, Any] = {"@type": "Periodical", "name": j.title}
        if j.abbrev:
            journal["alternateName"] = j.abbrev
        issns = [i for i in (j.issn_print, j.issn_online, m.issn) if i]
        if issns:
            journal["issn"] = list(dict.fromkeys(issns)) if len(set(issns)) > 1 else issns[0]
        if j.publisher and not m.publisher:
            data["publisher"] = {"@type": "Organization", "name": j.publisher}
        data["isPartOf"] = journal
    elif m.publication:
        part: dict[str, Any] = {"@type": "Periodical", "name": m.publication}
        if m.issn:
            part["issn"] = m.issn
        data["isPartOf"] = part
    # Printed in an edition: the issue within its volume within the periodical, and the pages.
    for kind, prop, number in (("PublicationVolume", "volumeNumber", m.volume),
                               ("PublicationIssue", "issueNumber", m.issue)):
        if number:
            container = data.get("isPartOf")
            data["isPartOf"] = {"@type": kind, prop: number, **({"isPartOf": container} if container else {})}
    if m.fpage is not None:
        data["pageStart"] = str(m.fpage)
    if m.lpage is not None:
        data["pageEnd"] = str(m.lpage)
    if m.elocation and m.fpage is None:
        data["pagination"] = m.elocation
    if m.funding:
        data["funder"] = [_funder_ld(f) for f in m.funding]
        awards = [f.award for f in m.funding if f.award]
        if awards:
            data["award"] = awards
    if m.keywords:
        data["keywords"] = list(m.keywords)
    if m.abstract_text:
        data["abstract"] = m.abstract_text
    if m.license:
        data["license"] = m.license
    if m.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": m.doi}
        data["sameAs"] = f"https://doi.org/{m.doi}"
    if m.image:
        img: dict[str, Any] = {"@type": "ImageObject"}
        if m.image.src:
            img["contentUrl"] = m.image.src
        if m.image.credit:
            img["creditText"] = m.image.credit
        if m.image.alt:
            img["description"] = m.image.alt
        data["image"] = img
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # Never let the data close its <script> element or open a comment.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_article(article: Article, options: HtmlOptions | None = None, image_src: str | None = None) -> str:
    """The ``<article>`` element: the title block as its header, the body, the notes.

    ``image_src`` is the URL of the lead picture, or None to leave the picture out (its credit stays).
    """
    shown = TitleBlockOptions(image_url=lambda _src: image_src) if image_src else TitleBlockOptions(show_picture=False)
    header = render_title_block(title_block(article), shown)
    return render(
        "article.html.j2",
        meta=article.metadata,
        header=trusted(header.strip()),
        body=trusted(render_body(article, options)),
        notes=trusted(render_notes(article, options)),
    )
