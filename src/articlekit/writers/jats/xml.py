"""Building blocks of JATS XML: namespaces, where each element may go, ids, text.

The tables :data:`INLINE_CHILDREN` and :data:`BLOCK_CHILDREN` are the part of
the JATS 1.3 content models that articlekit relies on; the tests check every
pair in them against both DTDs (Journal Publishing and Archiving).
"""

from __future__ import annotations

import re

from lxml import etree

from ..elements import Element

XLINK = "http://www.w3.org/1999/xlink"
ALI = "http://www.niso.org/schemas/ali/1.0/"
MML = "http://www.w3.org/1998/Math/MathML"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HREF = f"{{{XLINK}}}href"
XLINK_TITLE = f"{{{XLINK}}}title"
#: The namespaces of a JATS article; every element is created with them, so that
#: lxml merges the declarations into the root's instead of inventing prefixes.
NSMAP = {"xlink": XLINK, "ali": ALI, "mml": MML}


def new(tag: str, attrs: dict[str, str] | None = None) -> Element:
    """A detached element in the JATS namespace context."""
    return etree.Element(tag, attrs or {}, nsmap=NSMAP)


def mathml_element(mathml: str) -> Element:
    """An ``<mml:math>`` tree from a formula's MathML: the MathML DTD modules name every element ``mml:``."""
    source = etree.fromstring(mathml.encode())

    def copy(src: Element, el: Element) -> None:
        el.attrib.update(src.attrib)
        el.text = src.text
        for child in src:
            copy(child, etree.SubElement(el, f"{{{MML}}}{etree.QName(child).localname}"))
            el[-1].tail = child.tail

    root = etree.Element(f"{{{MML}}}math", nsmap=NSMAP)
    copy(source, root)
    return root


# ---------------------------------------------------------------------------
# Where each element may go (a subset of the JATS 1.3 content models; the tests
# check every pair below against both DTDs).

#: The face markup every inline container accepts.
FACES = frozenset({"italic", "bold", "monospace", "sc", "strike", "underline", "sub", "sup"})
_RICH = FACES | {"ext-link", "xref", "email", "inline-graphic", "inline-formula", "named-content"}

#: Inline elements this renderer may put into each inline container.
INLINE_CHILDREN: dict[str, frozenset[str]] = {
    "p": _RICH | {"disp-formula"},
    "title": _RICH | {"break"},
    "article-title": _RICH | {"break"},
    "subtitle": _RICH | {"break"},
    "td": _RICH | {"break", "disp-formula"},
    "th": _RICH | {"break", "disp-formula"},
    "term": _RICH | {"disp-formula"},
    "verse-line": FACES | {"inline-graphic", "inline-formula", "named-content", "xref"},
    "ext-link": FACES | {"named-content"},
    "xref": FACES | {"named-content"},
    "named-content": _RICH | {"disp-formula"},
    "mixed-citation": FACES | {"ext-link"},
    **{face: _RICH for face in FACES},
}

#: Block-level elements that body text may consist of.
PARA_LEVEL = frozenset({
    "p", "list", "def-list", "disp-quote", "verse-group", "preformat", "fig", "table-wrap", "disp-formula",
})

#: Block elements this renderer may put into each block container; anything else is wrapped in ``<p>``.
BLOCK_CHILDREN: dict[str, frozenset[str]] = {
    "body": PARA_LEVEL | {"sec"},
    "sec": PARA_LEVEL | {"sec"},
    "disp-quote": PARA_LEVEL,
    "p": PARA_LEVEL - {"p"},
    "list-item": frozenset({"p", "list", "def-list"}),
    "def": frozenset({"p"}),
    "fn": frozenset({"p"}),
    "caption": frozenset({"p"}),
    "abstract": frozenset({"p", "sec"}),
    "fig": frozenset({"p", "list", "def-list", "disp-quote", "verse-group", "preformat", "table-wrap",
                      "disp-formula"}),
    "td": frozenset({"p", "list", "def-list", "disp-quote", "verse-group", "preformat", "disp-formula"}),
    "th": frozenset({"p", "list", "def-list", "disp-quote", "verse-group", "preformat", "disp-formula"}),
}

#: Elements that are complete without content.
VOID = frozenset({"break", "graphic", "inline-graphic", "col"})

# ---------------------------------------------------------------------------
# Text and identifiers

#: Characters XML 1.0 cannot carry, even escaped.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_CHAR = _NAME_START + "\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_XML_ID = re.compile(f"[{_NAME_START}][{_NAME_CHAR}]*")
_NOT_NAME_CHAR = re.compile(f"[^{_NAME_CHAR}]+")


def is_xml_id(value: str) -> bool:
    """Whether ``value`` is a valid XML ID (an NCName: no colon, no leading digit or hyphen)."""
    return bool(_XML_ID.fullmatch(value))


class IdRegistry:
    """Hands out unique, valid XML IDs.

    Generated ids (``fn1``, ``aff1``, ``lead-image``) are reserved first; ids
    from the source fit around them: an invalid one is repaired, and one that
    is taken gets the element's prefix (``fn1`` on a section becomes ``sec-fn1``)
    or a number.  :meth:`targets` tells where a source id ended up, so internal
    links follow their target.
    """

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._targets: dict[str, list[tuple[str, str]]] = {}

    def reserve(self, value: str) -> str:
        if not is_xml_id(value) or value in self._used:
            raise ValueError(f"cannot reserve XML id {value!r}")
        self._used.add(value)
        return value

    def claim(self, wanted: str, prefix: str, ref_type: str) -> str:
        """A fresh id for an element the source calls ``wanted`` ('' for none)."""
        base = _NOT_NAME_CHAR.sub("-", wanted).strip("-.") if wanted else ""
        if base and not is_xml_id(base):
            base = f"{prefix}-{base}"
        if not base:
            candidates, stem, n = [], prefix, 1
        else:
            candidates = [base] if base.startswith(f"{prefix}-") else [base, f"{prefix}-{base}"]
            stem, n = candidates[-1], 2
        value = next((c for c in candidates if c not in self._used), None)
        if value is None:
            while f"{stem}-{n}" in self._used:
                n += 1
            value = f"{stem}-{n}"
        self._used.add(value)
        if wanted:
            self._targets.setdefault(wanted, []).append((value, ref_type))
        return value

    def fresh(self, prefix: str) -> str:
        """The first of ``prefix1``, ``prefix2`` … not yet taken: an id no source names."""
        n = 1
        while f"{prefix}{n}" in self._used:
            n += 1
        return self.reserve(f"{prefix}{n}")

    def targets(self, wanted: str) -> list[tuple[str, str]]:
        """The (id, xref ref-type) of each element the source called ``wanted``, in document order."""
        return self._targets.get(wanted, [])


def has_content(el: Element) -> bool:
    """Whether ``el`` holds any element or any non-blank text."""
    if len(el):
        return True
    return bool((el.text or "").strip())



__all__ = [
    "ALI", "BLOCK_CHILDREN", "FACES", "HREF", "INLINE_CHILDREN", "NOT_XML", "NSMAP", "PARA_LEVEL", "VOID",
    "XLINK", "XLINK_TITLE", "XML_LANG", "Element", "IdRegistry", "has_content", "is_xml_id", "new",
]
