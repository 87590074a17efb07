"""The back matter journals carry: the acknowledgements and the data availability statement.

An author's ``## Acknowledgements`` (in the article's language: "Ucapan terima kasih",
"Remerciements" …, or in English) stays a section of the body, recognised by its
heading: the web page and the ebook mark it ``doc-acknowledgments``, the JATS makes it
``<ack>``.  The front matter's ``data_availability`` becomes a section of its own at the
end of the text (before the reference list), under the language's heading, which the
JATS writes as ``<sec sec-type="data-availability">`` in ``<back>``, as JATS4R asks.
"""

from __future__ import annotations

from typing import Any

from ..tree import stringify

#: The id of the data availability section.
DATA_AVAILABILITY_ID = "data-availability"
#: English headings recognised in any article, besides the language's own word.
_ACK_WORDS = frozenset({"acknowledgements", "acknowledgments", "acknowledgement", "acknowledgment"})


def is_acknowledgements(section: dict[str, Any], word: str) -> bool:
    """Whether a section Div is the author's acknowledgements (its heading is the word for them)."""
    content = section["c"][1]
    if not content or content[0].get("t") != "Header":
        return False
    heading = " ".join(stringify(content[0]["c"][2]).split()).casefold()
    return heading in _ACK_WORDS or heading == word.casefold()


def end_of_text(blocks: list[dict[str, Any]], meta_prefix: str) -> int:
    """Where text added at the end goes: before the reader's metadata divs and before an author's
    notes heading (a last heading with nothing under it, over the note definitions)."""
    end = len(blocks)
    while end and blocks[end - 1]["t"] == "Div" and blocks[end - 1]["c"][0][0].startswith(meta_prefix):
        end -= 1
    if end and blocks[end - 1]["t"] == "Header":
        end -= 1
    return end


def words(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for w in text.split():
        out += [{"t": "Space"}, {"t": "Str", "c": w}] if out else [{"t": "Str", "c": w}]
    return out


def add_data_availability(blocks: list[dict[str, Any]], heading: str, text: str, meta_prefix: str) -> None:
    """The statement as a section, at the end of the text, before the reference list if there is one."""
    levels = [b["c"][0] for b in blocks if b["t"] == "Header"]
    header = {"t": "Header", "c": [min(levels, default=1), [DATA_AVAILABILITY_ID, [], []], words(heading)]}
    paragraphs = [{"t": "Para", "c": words(p)} for p in text.split("\n\n") if p.strip()]
    at = next((i for i, b in enumerate(blocks) if b["t"] == "Header" and b["c"][1][0] == "references"), None)
    if at is None:
        at = end_of_text(blocks, meta_prefix)
    blocks[at:at] = [header, *paragraphs]
