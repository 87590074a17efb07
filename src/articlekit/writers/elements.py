"""lxml helpers the XML writers share (JATS and the EPUB's XHTML): text added at the end of an
element's content, and an element replaced by its content."""

from __future__ import annotations

from lxml import etree

Element = etree._Element


def append_text(parent: Element, text: str) -> None:
    """Add text at the end of ``parent``'s content (after its last child, if any)."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def unwrap(el: Element) -> None:
    """Replace ``el`` by its content (text and children) in its parent."""
    parent = el.getparent()
    if parent is None:
        return
    pos = parent.index(el)
    text, tail = el.text or "", el.tail or ""
    children = list(el)
    if pos == 0:
        parent.text = (parent.text or "") + text
    else:
        prev = parent[pos - 1]
        prev.tail = (prev.tail or "") + text
    for i, child in enumerate(children):
        parent.insert(pos + i, child)
    parent.remove(el)
    if tail:
        if children:
            last = children[-1]
            last.tail = (last.tail or "") + tail
        elif pos == 0:
            parent.text = (parent.text or "") + tail
        else:
            prev = parent[pos - 1]
            prev.tail = (prev.tail or "") + tail


__all__ = ["Element", "append_text", "unwrap"]
