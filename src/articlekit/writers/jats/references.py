"""The reference list as JATS: ``<ref-list>`` of ``<ref>``, each entry structured and as the style prints it.

Each ``<ref id="ref-key">`` holds a ``<citation-alternatives>`` of an
``<element-citation>`` built from the entry's CSL JSON and the style's
``<mixed-citation>``.  ``publication-type`` takes the JATS4R values
(``journal``, ``book``, ``chapter``, ``web``, ``data``, ``software`` …), not
CSL's type names; a data citation has ``<data-title>`` and ``<source>``, a
version its ``designator``, as JATS4R's data-citation rules ask.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from .xml import HREF, Element, new

if TYPE_CHECKING:
    from .body import JatsRenderer

#: CSL type → JATS4R ``publication-type``.
PUBLICATION_TYPES = {
    "article-journal": "journal", "review": "journal", "review-book": "journal",
    "book": "book", "classic": "book", "collection": "book",
    "chapter": "chapter", "entry-encyclopedia": "chapter", "entry-dictionary": "chapter", "entry": "chapter",
    "webpage": "web", "post": "web", "post-weblog": "web",
    "dataset": "data", "software": "software",
    "thesis": "thesis", "report": "report", "paper-conference": "confproc", "patent": "patent",
    "article-newspaper": "newspaper", "article-magazine": "magazine", "article": "preprint",
    "standard": "standard", "manuscript": "manuscript", "speech": "speech",
}
#: The element that carries an entry's own title, by publication type (absent: ``article-title``).
_TITLE = {"book": "source", "data": "data-title", "software": "source", "thesis": "source", "report": "source",
          "chapter": "chapter-title", "standard": "source", "manuscript": "source"}


def publication_type(item: dict[str, Any]) -> str:
    """The JATS4R ``publication-type`` for a CSL entry (a web page when the type is unknown)."""
    return PUBLICATION_TYPES.get(str(item.get("type", "")), "book" if item.get("publisher") else "web")


def _text(renderer: JatsRenderer, value: Any) -> str:
    return renderer.text(re.sub(r"\s+", " ", str(value)).strip())


def _people(renderer: JatsRenderer, cite: Element, item: dict[str, Any], role: str, kind: str) -> None:
    people = item.get(role)
    if not isinstance(people, list) or not people:
        return
    group = etree.SubElement(cite, "person-group", {"person-group-type": kind})
    for person in people:
        if not isinstance(person, dict):
            continue
        if person.get("literal") or not person.get("family"):
            name = person.get("literal") or person.get("given")
            if name:
                etree.SubElement(group, "collab").text = _text(renderer, name)
            continue
        el = etree.SubElement(group, "name")
        etree.SubElement(el, "surname").text = _text(renderer, person["family"])
        if person.get("given"):
            etree.SubElement(el, "given-names").text = _text(renderer, person["given"])
    if not len(group):
        cite.remove(group)


def _date_parts(value: Any) -> list[int]:
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list):
            return [int(p) for p in parts[0] if str(p).lstrip("-").isdigit()]
    return []


def element_citation(renderer: JatsRenderer, item: dict[str, Any]) -> Element:
    """``<element-citation publication-type>`` for one CSL JSON entry."""
    kind = publication_type(item)
    cite = new("element-citation", {"publication-type": kind})
    _people(renderer, cite, item, "author", "author")
    _people(renderer, cite, item, "editor", "editor")

    def add(tag: str, value: Any, attrs: dict[str, str] | None = None) -> Element | None:
        if value is None or not str(value).strip():
            return None
        el = etree.SubElement(cite, tag, attrs or {})
        el.text = _text(renderer, value)
        return el

    title, container = item.get("title"), item.get("container-title")
    add(_TITLE.get(kind, "article-title"), title)
    if kind in ("book", "software", "thesis", "report", "standard", "manuscript"):
        pass  # the title is the source
    elif kind == "data":
        add("source", container or item.get("publisher"))
    else:
        add("source", container)
    issued = _date_parts(item.get("issued"))
    if issued:
        add("year", f"{issued[0]:04d}", {"iso-8601-date": f"{issued[0]:04d}"})
    add("edition", item.get("edition"))
    add("volume", item.get("volume"))
    add("issue", item.get("issue"))
    pages = str(item.get("page") or "")
    if pages:
        bits = re.split(r"\s*[-\u2013]+\s*", pages)
        add("fpage", bits[0])
        add("lpage", bits[1] if len(bits) > 1 else None)
    add("publisher-loc", item.get("publisher-place"))
    add("publisher-name", item.get("publisher"))
    if item.get("version"):
        version = add("version", item["version"])
        if version is not None:
            version.set("designator", version.text or "")
    if item.get("ISBN"):
        add("isbn", item["ISBN"])
    if item.get("DOI"):
        add("pub-id", re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", str(item["DOI"]).strip()),
            {"pub-id-type": "doi"})
    if item.get("URL"):
        link = add("ext-link", item["URL"], {"ext-link-type": "uri"})
        if link is not None:
            link.set(HREF, link.text or "")
    accessed = _date_parts(item.get("accessed"))
    if accessed:
        iso = "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(accessed))
        add("date-in-citation", iso, {"content-type": "access-date", "iso-8601-date": iso})
    return cite


def ref_list(renderer: JatsRenderer, entries: list[dict[str, Any]], title: list[Any] | None) -> Element:
    """``<ref-list>``: its title, then one ``<ref>`` per entry of the style's list (``Div.csl-entry``)."""
    refs = new("ref-list")
    if title:
        heading = etree.SubElement(refs, "title")
        renderer.inlines_into(heading, title)
    for entry in entries:
        ident = entry["c"][0][0]
        key = ident.removeprefix("ref-")
        ref = etree.SubElement(refs, "ref", {"id": renderer.ids.claim(ident, "ref", "bibr")})
        both = etree.SubElement(ref, "citation-alternatives")
        item = renderer.article.references.get(key)
        if item is not None:
            both.append(element_citation(renderer, item))
        mixed = etree.SubElement(both, "mixed-citation")
        for block in entry["c"][1]:
            if block["t"] in ("Para", "Plain"):
                renderer.inlines_into(mixed, block["c"])
        if len(both) == 1:  # nothing structured: the printed form alone
            ref.remove(both)
            ref.append(mixed)
    return refs
