"""XHTML content documents for the EPUB, built from the shared HTML fragments.

:mod:`articlekit.render.html_body` gives sanitised HTML5 strings (nh3 output,
which may hold entities such as ``&nbsp;`` and void elements such as ``<br>``).
An EPUB needs well-formed XHTML in the XHTML namespace, so each fragment is
parsed with lxml's HTML parser and copied, element by element, into an XML tree
(:func:`append_html`).  The e-reader semantics that only XHTML can carry
(``epub:type``) are added afterwards (:func:`add_epub_semantics`), and links are
re-pointed once every document of the book is known (:func:`relink`), because
a note, its references and a section may end up in different files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import lxml.html
from lxml import etree

from ..elements import append_text, unwrap

XHTML_NS = "http://www.w3.org/1999/xhtml"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
OPS_NS = "http://www.idpf.org/2007/ops"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {None: XHTML_NS, "epub": OPS_NS}

EPUB_TYPE = f"{{{OPS_NS}}}type"
XML_LANG = f"{{{XML_NS}}}lang"

#: Languages written right to left (primary subtags).
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"})

# Characters XML 1.0 forbids (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: ARIA roles that have an EPUB structural-semantics twin, which e-readers act on
#: (a ``noteref`` link opens its note as a pop-up).
ROLE_TO_EPUB_TYPE = {
    "doc-noteref": "noteref",
    "doc-backlink": "backlink",
    "doc-endnotes": "endnotes",
    "doc-toc": "toc",
}


def q(tag: str) -> str:
    """The qualified (namespaced) name of an XHTML element."""
    return f"{{{XHTML_NS}}}{tag}"


def xml_text(text: str | None) -> str | None:
    """``text`` without the characters XML cannot hold."""
    return _NOT_XML.sub("", text) if text else text


def text_direction(lang: str) -> str | None:
    """``"rtl"`` for a right-to-left language tag, else ``None``."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else None


def sub(
    parent: etree._Element, tag: str, attrib: Mapping[str, str] | None = None, text: str | None = None
) -> etree._Element:
    """Append a new XHTML element to ``parent``."""
    el = etree.SubElement(parent, q(tag), dict(attrib or {}))
    if text:
        el.text = xml_text(text)
    return el


def _copy_into(parent: etree._Element, src: lxml.html.HtmlElement, ns: str = XHTML_NS) -> None:
    if not isinstance(src.tag, str):  # comments and processing instructions carry no content
        return
    if src.tag == "math":  # a formula: it and everything in it belong to MathML
        ns = MATHML_NS
    el = etree.SubElement(parent, f"{{{ns}}}{src.tag}")
    for name, value in src.attrib.items():
        if name == "xmlns":  # the HTML parser keeps MathML's namespace declaration as an attribute
            continue
        el.set(name, xml_text(value) or "")
        if name == "lang":
            el.set(XML_LANG, value)
    el.text = xml_text(src.text)
    for child in src:
        _copy_into(el, child, ns)
        if not isinstance(child.tag, str) and child.tail:
            append_text(el, xml_text(child.tail) or "")
    el.tail = xml_text(src.tail)


def append_html(parent: etree._Element, html: str) -> None:
    """Parse an HTML fragment and append its content, as XHTML, to ``parent``."""
    if not html.strip():
        return
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    if wrapper.text:
        append_text(parent, xml_text(wrapper.text) or "")
    for child in wrapper:
        _copy_into(parent, child)
        if not isinstance(child.tag, str) and child.tail:
            append_text(parent, xml_text(child.tail) or "")


def add_epub_semantics(root: etree._Element) -> None:
    """Give elements with a DPUB-ARIA role their ``epub:type`` twin (noteref, backlink, endnotes)."""
    for el in root.iter(q("a"), q("section"), q("nav"), q("aside")):
        epub_type = ROLE_TO_EPUB_TYPE.get(el.get("role", ""))
        if epub_type and not el.get(EPUB_TYPE):
            el.set(EPUB_TYPE, epub_type)


def backlinks_into_paragraph(notes_root: etree._Element) -> None:
    """Move each note's leading back-links into its first paragraph.

    The shared renderer puts back-links first (so an e-reader's pop-up shows the
    note alone, never merged with the next one) but outside the paragraph; inside
    it they read as the note's opening mark instead of a line of their own.
    """
    for li in notes_root.iter(q("li")):
        links = [c for c in li if c.tag == q("a") and c.get("role") == "doc-backlink"]
        first_p = next((c for c in li if c.tag == q("p")), None)
        if not links or first_p is None or li.index(first_p) < li.index(links[-1]):
            continue
        if (links[-1].tail or "").strip() or links[-1].getnext() is not first_p:
            continue  # the note opens with text or another block: the links already lead it
        lead = first_p.text or ""
        first_p.text = None
        for pos, link in enumerate(links):
            tail = link.tail
            li.remove(link)
            link.tail = " "
            first_p.insert(pos, link)
            if tail and tail.strip():  # keep any text that sat between the links
                link.tail = tail
        links[-1].tail = " " + lead.lstrip() if lead.strip() else " "
        li.text = None


def ids_in(root: etree._Element) -> set[str]:
    return {str(v) for v in root.xpath("//@id")}


def relink(documents: Mapping[str, etree._Element], order: Iterable[str]) -> None:
    """Point every same-book link at the file that now holds its target.

    ``#fn3`` in a chapter becomes ``notes.xhtml#fn3``; a back-link becomes
    ``text-02.xhtml#fnref3``.  A fragment link whose target exists nowhere, and a
    relative link to a file that is not in the book, would be broken links in an
    ebook; they are kept as plain text.
    """
    order = list(order)
    where: dict[str, str] = {}
    local_ids = {name: ids_in(root) for name, root in documents.items()}
    for name in order:
        for ident in local_ids[name]:
            where.setdefault(ident, name)
    for name, root in documents.items():
        for a in list(root.iter(q("a"))):
            href = a.get("href")
            if href is None:
                continue
            if href.startswith("#"):
                target = href[1:]
                if target in local_ids[name]:
                    continue
                if target in where:
                    a.set("href", f"{where[target]}#{target}")
                    continue
                unwrap(a)
            elif href.lower().startswith("doi:"):
                a.set("href", "https://doi.org/" + href[4:].lstrip("/"))
            elif not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href):
                unwrap(a)



def new_document(
    lang: str, title: str, stylesheet: str | None = "styles/epub.css"
) -> tuple[etree._Element, etree._Element]:
    """An empty XHTML content document: returns its root and ``<body>``."""
    root = etree.Element(q("html"), nsmap=NSMAP)
    root.set("lang", lang)
    root.set(XML_LANG, lang)
    direction = text_direction(lang)
    if direction:
        root.set("dir", direction)
    head = sub(root, "head")
    sub(head, "meta", {"charset": "utf-8"})
    sub(head, "title", text=title)
    if stylesheet:
        sub(head, "link", {"rel": "stylesheet", "type": "text/css", "href": stylesheet})
    body = sub(root, "body")
    return root, body


def serialise(root: etree._Element) -> bytes:
    """A content document's bytes: XML declaration, HTML5 doctype, UTF-8."""
    return etree.tostring(
        root.getroottree(), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>"
    )


__all__ = [
    "EPUB_TYPE", "NSMAP", "OPS_NS", "XHTML_NS", "XML_LANG", "add_epub_semantics", "append_html",
    "backlinks_into_paragraph", "new_document", "q", "relink", "serialise", "sub", "text_direction",
    "xml_text",
]
