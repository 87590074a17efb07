"""The JATS writer: NISO JATS 1.3 XML for archives, repositories and indexers.

The tag set follows from what is known about the publication: **Journal
Publishing** when the journal title and ISSN are (its ``<journal-meta>``
requires them), otherwise **Archiving and Interchange**, whose
``<journal-meta>`` is optional, so no element is ever left empty to please the
DTD.  The document is::

    <article article-type dtd-version="1.3" xml:lang>
      <front>   journal-meta?, article-meta         (front.py)
      <body>    lede, then <sec id><title>          (body.py)
      <back>    <fn-group><title>Notes</title><fn id="fnN"><label>N</label><p>…
      <floats-group>  the lead picture: <fig id="lead-image"> with graphic and/or attrib

The output is UTF-8 with an XML declaration and the tag set's DOCTYPE, indented
only inside element-only content, so no whitespace is added to text.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ...labels import labels_for
from ...model import Article, Metadata
from ...options import WriteOptions
from .body import JatsRenderer
from .front import FrontBuilder, article_type
from .xml import MML, XML_LANG, Element, IdRegistry, new


@dataclass(frozen=True)
class TagSet:
    """A JATS DTD: what the DOCTYPE names."""

    name: str
    public_id: str
    system_id: str

    @property
    def doctype(self) -> str:
        return f'<!DOCTYPE article PUBLIC "{self.public_id}" "{self.system_id}">'

    def with_mathml(self) -> TagSet:
        """The same tag set with the MathML 3 modules, which an article with formulas needs."""
        return TagSet(self.name, self.public_id.replace(" DTD v1.3", " DTD with MathML3 v1.3"),
                      self.system_id.replace(".dtd", "-mathml3.dtd"))


PUBLISHING = TagSet(
    "Journal Publishing",
    "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.3 20210610//EN",
    "https://jats.nlm.nih.gov/publishing/1.3/JATS-journalpublishing1-3.dtd",
)
ARCHIVING = TagSet(
    "Archiving and Interchange",
    "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.3 20210610//EN",
    "https://jats.nlm.nih.gov/archiving/1.3/JATS-archivearticle1-3.dtd",
)

#: Elements whose content is only elements: the only places indentation may go.
ELEMENT_ONLY = frozenset({
    "article", "front", "journal-meta", "journal-title-group", "publisher", "article-meta",
    "article-categories", "subj-group", "title-group", "contrib-group", "contrib", "name", "pub-date",
    "permissions", "license", "abstract", "kwd-group", "body", "sec", "back", "fn-group", "fn",
    "floats-group", "fig", "graphic", "list", "list-item", "def-list", "def-item", "def", "disp-quote",
    "table-wrap", "table", "thead", "tbody", "tfoot", "tr", "caption", "verse-group",
    "ref-list", "ref", "citation-alternatives", "author-notes", "history", "date", "funding-group",
    "award-group", "funding-source", "institution-wrap", "ack",
})


def tag_set(meta: Metadata) -> TagSet:
    """Journal Publishing when its required journal metadata is known, else Archiving."""
    if meta.journal is not None and (meta.journal.issn_print or meta.journal.issn_online or meta.issn):
        return PUBLISHING
    return PUBLISHING if meta.publication and meta.issn else ARCHIVING


def build_tree(article: Article) -> tuple[Element, TagSet]:
    """The ``<article>`` element of ``article`` and the tag set it is written for."""
    meta = article.metadata
    tags = tag_set(meta)
    root = new("article", {"article-type": article_type(article), "dtd-version": "1.3", XML_LANG: meta.lang})
    # Generated ids first (notes, affiliations, picture), so ids from the source fit around them.
    renderer = JatsRenderer(article)
    front = FrontBuilder(article, renderer)
    root.append(front.front())
    body = renderer.body()
    if len(body):
        root.append(body)
    notes = renderer.notes(labels_for(article)["notes"])
    if notes is not None or renderer.ref_list is not None or renderer.back_matter:
        back = new("back")
        for part in (*renderer.back_matter, renderer.ref_list, notes):
            if part is not None:
                back.append(part)
        root.append(back)
    picture = front.lead_picture()
    if picture is not None:
        floats = new("floats-group")
        floats.append(picture)
        root.append(floats)
    renderer.resolve_links(root)
    number_formulas(root, renderer.ids)
    etree.cleanup_namespaces(root)
    if next(root.iter(f"{{{MML}}}math"), None) is not None:
        tags = tags.with_mathml()
    return root, tags


def number_formulas(root: Element, ids: IdRegistry) -> None:
    """Give every formula and its ``<mml:math>`` an id, ``eq1``/``m1`` onwards in document order.

    Done once the whole tree is built, after the source's ids are claimed, so
    the numbers follow the reading order (the abstract's formulas first, the
    notes' last) and never take an id the source gave.
    """
    for formula in root.iter("disp-formula", "inline-formula"):
        formula.set("id", ids.fresh("eq"))
        for math in formula.iter(f"{{{MML}}}math"):
            math.set("id", ids.fresh("m"))


def indent(el: Element, level: int = 0, step: str = "  ") -> None:
    """Indent element-only content; mixed content (``p``, ``title``, ``td`` …) is left exactly as is."""
    if el.tag not in ELEMENT_ONLY or not len(el):
        return
    if (el.text or "").strip() or any((child.tail or "").strip() for child in el):
        return
    pad = "\n" + step * (level + 1)
    el.text = pad
    for child in el:
        child.tail = pad
        indent(child, level + 1, step)
    el[-1].tail = "\n" + step * level


def serialise(root: Element, tags: TagSet) -> bytes:
    indent(root)
    xml = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{tags.doctype}\n{xml}\n'.encode()


def to_jats(article: Article, options: WriteOptions | None = None) -> bytes:
    """The article as a JATS 1.3 XML document (UTF-8 bytes)."""
    root, tags = build_tree(article)
    return serialise(root, tags)


def write(article: Article, options: WriteOptions) -> bytes:
    return to_jats(article, options)
