"""The author's own notes heading: ``## Notes`` (``## Notas``, ``## Catatan`` …) over the definitions.

Many articles end with a heading followed by nothing but note definitions.  pandoc
takes the definitions out of the body, so that heading's section is left empty,
and articlekit prints its own notes section after the body: the reader would
see two headings, an ebook's contents would list "Notes" twice.

A section that holds nothing but its heading (blank paragraphs aside) and
ends the body (at any depth: ``## Notes`` inside the last ``# Part``), in an
article with note definitions, is therefore the notes heading.  Its title, in the
author's words and with its inline markup, is kept in
:attr:`~articlekit.model.Article.notes_title` for every writer to name the notes
section with, and the empty section is removed.  Links to the heading's id are
pointed at the notes section.  Before::

    Div #why .section.level1 [Header "Why?", Para [Str "A", Note […]]]
    Div #notas .section.level1 [Header "Notas"]

After::

    Div #why .section.level1 [Header "Why?", Para [Str "A", Note […]]]
    article.notes_title = [Str "Notas"]

An empty section followed by more text is the author's, not the notes' heading;
so is a heading that itself holds a note.
"""

from __future__ import annotations

from ..model import Article, Block
from ..notemarks import NOTE_MARKER
from ..tree import all_nodes

#: The id of the notes section in the HTML, EPUB and print outputs.
NOTES_ID = "notes"

_BLANK_INLINES = frozenset({"Space", "SoftBreak", "LineBreak"})


def _is_section(block: Block) -> bool:
    return block.get("t") == "Div" and "section" in block["c"][0][1]


def _is_blank(block: Block) -> bool:
    """A block that prints nothing: an empty or white-space-only paragraph, a Null block."""
    if block["t"] == "Null":
        return True
    if block["t"] in ("Para", "Plain"):
        return all(n["t"] in _BLANK_INLINES or (n["t"] == "Str" and not n["c"].strip()) for n in block["c"])
    return False


def _trailing_empty_section(blocks: list[Block]) -> list[Block] | None:
    """The list whose last block is an empty section ending ``blocks``, or None."""
    while blocks and _is_section(blocks[-1]):
        header, *rest = blocks[-1]["c"][1]
        if all(_is_blank(b) for b in rest):
            words = header["c"][2] if header.get("t") == "Header" else []
            return blocks if words and not any(n["t"] == "Note" for n in all_nodes(words)) else None
        blocks = blocks[-1]["c"][1]
    return None


def _has_definitions(body: list[Block]) -> bool:
    """Whether the source defines a note with ``[^label]:`` (the reader marks each definition)."""
    return any(n["t"] == "Span" and NOTE_MARKER in n["c"][0][1] for n in all_nodes(body))


def take(article: Article) -> None:
    """Move the author's notes heading out of the body into ``article.notes_title``."""
    container = _trailing_empty_section(article.body)
    if container is None or not _has_definitions(article.body):
        return
    section = container.pop()
    article.notes_title = section["c"][1][0]["c"][2]
    ident = section["c"][0][0]
    if ident:
        for node in all_nodes(article.body):
            if node["t"] == "Link" and node["c"][2][0] == f"#{ident}":
                node["c"][2][0] = f"#{NOTES_ID}"
