"""A note's back-links, each page listed once, edited in the laid-out box tree.

Before layout a note lists a link back to every reference to it ("↑ pp. 3, 3,
4"); once the pages are known, the print HTML lists each page once, its
link leading to the first reference on it (:meth:`.document.PrintRenderer.backlinks`).
Rather than build and lay the whole document out again from that HTML, the
note's boxes are made what that HTML would build: the later links to a page
already listed are taken out with the ", " before them, and "pp." becomes
"p." when one link is left.  The links kept are the same elements, with the
same labels, as the new HTML's.

The box tree holds a note's back-links as ``span.backlinks``: a text box
"↑ pp. ", then each ``a.backlink`` (its page number its ``::after``), the
links separated by ", " text boxes.  Anything else there (a house style's
generated content, a justified note the composer has set) is left alone, and
the caller lays the document out anew.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from weasyprint.formatting_structure import boxes

#: What a note's back-links open with, and what stands between two of them (:meth:`.document.PrintRenderer.backlinks`
#: writes them so; the edit below expects them so).
ARROW = "\u2191\u00a0"
SEPARATOR = ", "

T = TypeVar("T")


def first_on_each_page(items: Iterable[T], page: Callable[[T], Hashable]) -> list[T]:
    """The first of ``items`` on each page, in order: a note lists each page of its references once."""
    first: dict[Hashable, T] = {}
    for item in items:
        first.setdefault(page(item), item)
    return list(first.values())


def _spans(box: Any, line: Any = None) -> Iterator[tuple[Any, Any]]:
    """Each ``span.backlinks`` box under ``box``, with the line box holding it."""
    for child in getattr(box, "children", None) or ():
        if isinstance(child, boxes.TextBox):
            continue
        if isinstance(child, boxes.InlineBox) and child.element_tag == "span" \
                and child.element is not None and child.element.get("class") == "backlinks":
            yield child, line
        else:
            yield from _spans(child, child if isinstance(child, boxes.LineBox) else line)


def list_pages_once(root_box: Any, pages: Mapping[str, int], labels: Mapping[str, str],
                    composed: Mapping[Any, Any]) -> set[Any] | None:
    """Edit every note's back-links in ``root_box`` to list each page once; the notes' elements changed.

    ``pages`` is each anchor's page, ``labels`` each plural page label and
    its singular ("pp." → "p."), ``composed`` the paragraphs the composer set
    (by element).  ``None``, with nothing edited, if a note's back-links are
    not as :mod:`.document` writes them.
    """
    edits: list[tuple[Any, list[Any], Any]] = []
    for span, line in _spans(root_box):
        children = list(span.children)
        label, links, separators = children[0], children[1::2], children[2::2]
        if line is None or line.element in composed or not isinstance(label, boxes.TextBox) \
                or not label.text.startswith(ARROW) or not label.text.endswith("\u00a0") or not links \
                or len(children) != 2 * len(links) \
                or any(not isinstance(a, boxes.InlineBox) or a.element_tag != "a" for a in links) \
                or any(not isinstance(s, boxes.TextBox) or s.text != SEPARATOR for s in separators):
            return None
        kept = first_on_each_page(links, lambda a: pages.get(a.element.get("href", "").removeprefix("#")))
        if len(kept) == len(links):
            continue
        if len(links) > 1 and len(kept) == 1:
            plural = label.text[len(ARROW):-1]
            if plural not in labels:
                return None
            label = label.copy_with_text(ARROW + labels[plural] + "\u00a0")
        new = [label]
        for k, a in enumerate(kept):
            new.extend([separators[k - 1], a] if k else [a])
        edits.append((span, new, line.element))
    for span, new, _ in edits:
        span.children = new
    return {element for _, _, element in edits}


__all__ = ["ARROW", "SEPARATOR", "first_on_each_page", "list_pages_once"]
