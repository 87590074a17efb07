"""JATS inline markup as Crossref's face markup, and a JATS abstract as Crossref's ``jats:abstract``.

Crossref titles and unstructured citations take ``face_markup``: ``b``, ``i``,
``u``, ``ovl``, ``sup``, ``sub``, ``scp``, ``tt`` and ``mml:math``.  The JATS
writer's faces map onto them one for one; a formula keeps its MathML; links,
cross-references and other wrappers give up their element and keep their words,
and a line break is a space.  Text is set on lxml elements, never pasted into a
string, so ``<``, ``&`` and quotes are escaped by the serialiser.
"""

from __future__ import annotations

import copy

from lxml import etree

from ..elements import Element, append_text, unwrap
from ..jats.xml import MML, XLINK

#: JATS face → Crossref face.
FACES = {"italic": "i", "bold": "b", "underline": "u", "overline": "ovl", "sup": "sup", "sub": "sub", "sc": "scp",
         "monospace": "tt"}
#: The namespace of the JATS elements inside a Crossref deposit (its ``jats:`` prefix).
JATS1 = "http://www.ncbi.nlm.nih.gov/JATS1"


def faces_into(target: Element, source: Element, ns: str) -> None:
    """Put ``source``'s content (not the element itself) into ``target`` as Crossref face markup in ``ns``."""
    append_text(target, source.text or "")
    for child in source:
        if not isinstance(child.tag, str):  # a comment or processing instruction: only its tail counts
            append_text(target, child.tail or "")
            continue
        name = etree.QName(child)
        if name.namespace == MML and name.localname == "math":
            target.append(_mathml(child))
        elif name.namespace is None and name.localname in FACES:
            faces_into(etree.SubElement(target, f"{{{ns}}}{FACES[name.localname]}"), child, ns)
        elif name.localname == "break":
            append_text(target, " ")
        elif name.localname in ("inline-formula", "disp-formula"):  # the MathML, not its TeX alternative
            math = next(child.iter(f"{{{MML}}}math"), None)
            if math is not None:
                target.append(_mathml(math))
            else:
                faces_into(target, child, ns)
        else:  # inline-formula, ext-link, xref, named-content, strike …: the content without the element
            faces_into(target, child, ns)
        append_text(target, child.tail or "")


def plain(source: Element) -> str:
    """``source``'s words, whitespace collapsed (a line break is a space)."""
    return " ".join(_text_with_breaks(source).split())


def _text_with_breaks(source: Element) -> str:
    parts = [source.text or ""]
    for child in source:
        if isinstance(child.tag, str) and etree.QName(child).localname == "break":
            parts.append(" ")
        elif isinstance(child.tag, str):
            parts.append(_text_with_breaks(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _mathml(math: Element) -> Element:
    """A copy of a formula's ``<mml:math>`` without the JATS writer's ids (which mean nothing in a deposit)."""
    out = copy.deepcopy(math)
    for el in out.iter():
        if isinstance(el.tag, str):
            el.attrib.pop("id", None)
    out.tail = None
    return out


def jats_abstract(abstract: Element) -> Element:
    """The JATS ``<abstract>`` in Crossref's ``jats:`` namespace (MathML and XLink kept in theirs).

    Cross-references (to the article's notes, which the deposit does not carry)
    keep their words and lose their element; so do ids, which would name nothing.
    """
    out = copy.deepcopy(abstract)
    for xref in list(out.iter("xref")):
        unwrap(xref)
    for el in out.iter():
        if not isinstance(el.tag, str):
            continue
        el.attrib.pop("id", None)
        if etree.QName(el).namespace is None:
            el.tag = f"{{{JATS1}}}{el.tag}"
    out.tail = None
    etree.cleanup_namespaces(out, top_nsmap={"jats": JATS1, "mml": MML, "xlink": XLINK},
                             keep_ns_prefixes=["jats", "mml", "xlink"])
    return out


__all__ = ["FACES", "JATS1", "faces_into", "jats_abstract", "plain"]
