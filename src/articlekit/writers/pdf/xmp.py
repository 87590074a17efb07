"""The PDF's XMP metadata packet, written whole by articlekit.

WeasyPrint's own packet has the title, the authors, the description and the
dates, but no editors, language, subject keywords or publication date.  Rather
than append a second ``rdf:RDF`` to it, the writer replaces the packet with this
one, which carries everything in the predefined schemas that PDF/A and PDF/UA
validators know: Dublin Core (``dc:contributor`` for editors, reviewers and
translators, ``dc:date`` for
the publication date), XMP basic, Adobe PDF, XMP media management and the
``pdfuaid``/``pdfaid`` conformance claim.  The values that the document
information dictionary also holds (title, authors, subject, keywords, creator
tool, producer, dates) are the same strings, as PDF/A requires.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from lxml import etree

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Namespace URL under which articlekit derives its stable document UUIDs.
_UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:articlekit:pdf")


@dataclass(frozen=True)
class XmpData:
    """Everything the packet says, as plain text."""

    title: str
    authors: tuple[str, ...]
    #: Every contributor besides the authors (``dc:contributor``): editors, reviewers, translators.
    editors: tuple[str, ...]
    description: str
    keywords: tuple[str, ...]
    lang: str
    published: str  # ISO date of publication
    created: str  # W3C date-time, also the Info dictionary's CreationDate and ModDate
    creator_tool: str
    producer: str
    document_id: str
    instance_id: str
    conformance: dict[str, str] = field(default_factory=dict)  # e.g. {"pdfuaid:part": "1"}
    publisher: str | None = None
    rights: str | None = None
    identifier: str | None = None


def instance_uuid(document_id: str, *parts: bytes) -> str:
    """A UUID URN for one rendition: the same inputs give the same id."""
    digest = hashlib.sha256(b"\0".join((document_id.encode(), *parts))).hexdigest()
    return f"uuid:{uuid.uuid5(_UUID_NAMESPACE, digest)}"


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _text(parent: etree._Element, name: str, value: str) -> None:
    etree.SubElement(parent, _q(name)).text = value


def _container(parent: etree._Element, name: str, kind: str, values: tuple[str, ...] | list[str]) -> None:
    """An ``rdf:Seq`` / ``rdf:Bag`` of text values; nothing when ``values`` is empty."""
    if not values:
        return
    box = etree.SubElement(etree.SubElement(parent, _q(name)), _q(f"rdf:{kind}"))
    for v in values:
        etree.SubElement(box, _q("rdf:li")).text = v


def _alt(parent: etree._Element, name: str, value: str | None, lang: str) -> None:
    """A language alternative: the default entry, and the same text tagged with the article's language."""
    if not value:
        return
    alt = etree.SubElement(etree.SubElement(parent, _q(name)), _q("rdf:Alt"))
    li = etree.SubElement(alt, _q("rdf:li"))
    li.set(_XML_LANG, "x-default")
    li.text = value
    if lang and lang.lower() != "x-default":
        li = etree.SubElement(alt, _q("rdf:li"))
        li.set(_XML_LANG, lang)
        li.text = value


def _resource(parent: etree._Element) -> etree._Element:
    """An ``rdf:li`` holding a structure (``rdf:parseType="Resource"``)."""
    li = etree.SubElement(parent, _q("rdf:li"))
    li.set(_q("rdf:parseType"), "Resource")
    return li


def _pdfuaid_extension_schema(parent: etree._Element) -> None:
    """Declare the ``pdfuaid`` schema for PDF/A.

    PDF/A-2 and -3 (ISO 19005-2/3, 6.6.2.3) allow only the XMP specification's
    predefined schemas and ``pdfaid`` unless an extension schema describes the
    others, and ``pdfuaid`` is not predefined: a file that claims PDF/A and
    PDF/UA carries this description of ``pdfuaid:part``.
    """
    bag = etree.SubElement(etree.SubElement(parent, _q("pdfaExtension:schemas")), _q("rdf:Bag"))
    schema = _resource(bag)
    _text(schema, "pdfaSchema:schema", "PDF/UA Universal Accessibility Schema")
    _text(schema, "pdfaSchema:namespaceURI", NS["pdfuaid"])
    _text(schema, "pdfaSchema:prefix", "pdfuaid")
    prop = _resource(etree.SubElement(etree.SubElement(schema, _q("pdfaSchema:property")), _q("rdf:Seq")))
    _text(prop, "pdfaProperty:name", "part")
    _text(prop, "pdfaProperty:valueType", "Integer")
    _text(prop, "pdfaProperty:category", "internal")
    _text(prop, "pdfaProperty:description", "Indicates which part of ISO 14289 the file conforms to")


def xmp_packet(data: XmpData) -> bytes:
    """The complete ``<?xpacket …?>`` packet as UTF-8 bytes."""
    used = {"x", "rdf", "dc", "xmp", "pdf", "xmpMM", *(k.split(":")[0] for k in data.conformance)}
    if {"pdfaid", "pdfuaid"} <= used:
        used |= {"pdfaExtension", "pdfaSchema", "pdfaProperty"}
    nsmap = {k: v for k, v in NS.items() if k in used}
    meta = etree.Element(_q("x:xmpmeta"), nsmap={"x": NS["x"]})
    rdf = etree.SubElement(meta, _q("rdf:RDF"), nsmap={"rdf": NS["rdf"]})
    desc = etree.SubElement(rdf, _q("rdf:Description"), nsmap={k: v for k, v in nsmap.items() if k not in ("x", "rdf")})
    desc.set(_q("rdf:about"), "")
    for name, value in data.conformance.items():
        _text(desc, name, value)
    if "pdfaid:part" in data.conformance and "pdfuaid:part" in data.conformance:
        _pdfuaid_extension_schema(desc)
    _text(desc, "dc:format", "application/pdf")
    _alt(desc, "dc:title", data.title, data.lang)
    _container(desc, "dc:creator", "Seq", data.authors)
    _container(desc, "dc:contributor", "Bag", data.editors)
    _alt(desc, "dc:description", data.description, data.lang)
    _container(desc, "dc:subject", "Bag", data.keywords)
    _container(desc, "dc:language", "Bag", [data.lang])
    _container(desc, "dc:date", "Seq", [data.published])
    if data.publisher:
        _container(desc, "dc:publisher", "Bag", [data.publisher])
    _alt(desc, "dc:rights", data.rights, data.lang)
    if data.identifier:
        _text(desc, "dc:identifier", data.identifier)
    _text(desc, "xmp:CreateDate", data.created)
    _text(desc, "xmp:ModifyDate", data.created)
    _text(desc, "xmp:MetadataDate", data.created)
    _text(desc, "xmp:CreatorTool", data.creator_tool)
    _text(desc, "pdf:Producer", data.producer)
    if data.keywords:
        _text(desc, "pdf:Keywords", ", ".join(data.keywords))
    _text(desc, "xmpMM:DocumentID", data.document_id)
    _text(desc, "xmpMM:InstanceID", data.instance_id)
    body = etree.tostring(meta, encoding="utf-8", pretty_print=True)
    # The begin attribute holds a byte-order mark, as the XMP specification asks.
    head = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'.encode()
    padding = (b" " * 99 + b"\n") * 20  # room for in-place edits by other tools
    return head + body + padding + b'<?xpacket end="w"?>'


__all__ = ["NS", "XmpData", "instance_uuid", "xmp_packet"]
