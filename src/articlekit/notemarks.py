"""The note marker: the contract between the reader and the note transforms.

pandoc keeps no labels for notes, so the reader puts a marker span carrying a
definition's label and source line at its start (:func:`marker`); the note
transforms read it back (:func:`take_marker`).  Both sides live here, below
the read stage and the transforms, so that neither imports the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ArticleError
from .model import Block
from .tree import all_nodes

#: Class of the marker span the reader puts at the start of every note definition.
NOTE_MARKER = "articlekit-note"


def marker(label: str, line: int) -> str:
    """The Markdown of the marker span for the definition of ``label`` on ``line``."""
    return f'[]{{.{NOTE_MARKER} label="{label.encode().hex()}" line="{line}"}}'


def take_marker(blocks: list[Block]) -> tuple[str | None, int | None, list[Block]]:
    """Remove the reader's marker from a note's blocks; return its label and line."""
    if not blocks or blocks[0]["t"] not in ("Para", "Plain"):
        return None, None, blocks
    first = blocks[0]["c"]
    if not first or first[0]["t"] != "Span" or NOTE_MARKER not in first[0]["c"][0][1]:
        return None, None, blocks
    attrs = dict(first[0]["c"][0][2])
    rest = first[1:]
    while rest and rest[0]["t"] in ("Space", "SoftBreak"):
        rest = rest[1:]
    head = [{"t": blocks[0]["t"], "c": rest}] if rest else []
    return bytes.fromhex(attrs["label"]).decode(), int(attrs["line"]), head + blocks[1:]


def has_content(blocks: list[Block]) -> bool:
    """Whether a note's blocks hold any text (an empty paragraph does not count)."""
    for b in blocks:
        if b["t"] in ("Para", "Plain") and not any(i["t"] not in ("Space", "SoftBreak") for i in b["c"]):
            continue
        return True
    return False


def empty_notes(path: Path, tree: Any) -> list[ArticleError]:
    """Every labelled note whose definition holds no text, each once, with its line.

    Run by the reader before any transform, so that all of them are reported
    together with the article's other problems; :func:`articlekit.transforms.notes.number` still refuses
    an empty note it meets, for a tree that did not come through the reader.
    """
    errors: list[ArticleError] = []
    seen: set[str] = set()
    for node in all_nodes(tree):
        if node["t"] != "Note":
            continue
        label, line, blocks = take_marker(node["c"])
        if label is not None and label not in seen:
            seen.add(label)
            if not has_content(blocks):
                errors.append(ArticleError(path, f"note [^{label}] is empty", line))
    return errors


__all__ = ["NOTE_MARKER", "empty_notes", "has_content", "marker", "take_marker"]
