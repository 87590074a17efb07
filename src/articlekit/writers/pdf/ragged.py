"""A justified line an address leaves loose is ended by hand, flush left.

An address breaks only after / . ? & = (:func:`.document.break_address`), never
at a letter and never with a hyphen.  When the part of it that comes next is
long ("bibliotheque.", "jdocumentation."), the line before it cannot take it,
and no setting of the paragraph (:mod:`.justify`) narrows its spaces enough:
they stretch past what a justified line may.  A typesetter ends such a line by
hand, flush left, and lets the address go on at the start of the next line;
the line keeps its natural spaces.  :func:`loose_address_lines` finds those
lines in a laid-out document: a justified line, not its paragraph's last, whose
widest space is over nine tenths of :data:`.justify.MAX_SPACE`, and whose last
word is part of an address link (``a.address-N``).  The margin is what the
layout does not count: it measures the spacing justification adds, while on the
page a space also carries its own tracking and its neighbours' (the settings of
:mod:`.justify` track a paragraph by up to 1 %), and a line at 1.98 by the
layout's measure reads 2.16 spaces wide in the PDF (``tests/tools/word_gaps.py``).
It gives how many characters of each such link the lines up to it hold; the
writer ends the line there with a forced break, and a line before a forced
break is set flush (``text-align-last``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .justify import MAX_SPACE, _paragraph, _stretch

#: Class prefix numbering the address links of the print HTML (``address-3``).
ADDRESS_CLASS = "address-"


def _address(element: Any) -> int | None:
    for cls in ((element.get("class") or "").split() if element is not None else ()):
        if cls.startswith(ADDRESS_CLASS) and cls[len(ADDRESS_CLASS):].isdigit():
            return int(cls[len(ADDRESS_CLASS):])
    return None


def _text_boxes(box: Any, link: int | None = None) -> Iterator[tuple[Any, int | None]]:
    """The text boxes under ``box`` in order, each with the address link it is part of."""
    for child in getattr(box, "children", None) or ():
        inner = _address(getattr(child, "element", None)) if type(child).__name__ == "InlineBox" else None
        inner = link if inner is None else inner
        if getattr(child, "text", None) is not None:
            yield child, inner
        yield from _text_boxes(child, inner)


def _lines(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", None) or ():
        if type(child).__name__ == "LineBox":
            yield child
        else:
            yield from _lines(child)


#: How wide (times the normal space, by the layout's measure) a line's widest space may be before it is ended.
LOOSE = 0.9 * MAX_SPACE


def loose_address_lines(document: Any, space_em: float, limit: float = LOOSE) -> dict[int, int]:
    """Address link number → how many characters of its text (break marks included) precede a loose line's end."""
    lines = []
    for page in document.pages:
        for line in _lines(page._page_box):
            number = _paragraph(line)
            if number is not None and line.style["text_align_all"] == "justify":
                lines.append((number, line))
    last = {number: i for i, (number, _) in enumerate(lines)}
    printed: dict[int, int] = {}
    found: dict[int, int] = {}
    for i, (number, line) in enumerate(lines):
        boxes = list(_text_boxes(line))
        for box, link in boxes:
            if link is not None:
                printed[link] = printed.get(link, 0) + len(box.text)
        if not boxes or last[number] == i:
            continue
        box, link = boxes[-1]
        if link is None or link in found or not box.text.strip():
            continue
        if max(_stretch(b, space_em) for b, _ in boxes) > limit:
            found[link] = printed[link]
    return found


__all__ = ["ADDRESS_CLASS", "loose_address_lines"]
