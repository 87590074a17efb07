"""Endnote numbering: the one place where note numbers are decided.

pandoc puts a full copy of a note's text at every reference to it and keeps no
labels.  The reader therefore tags every definition with a marker span carrying
its label (hex-encoded) and source line; this pass reads the markers.

Before (``a[^x][^y] b[^x] c^[inline]``)::

    Para [Str "a", Note [Para [Span.articlekit-note{label=78,line=9}, Str "X."]],
                   Note [Para [Span.articlekit-note{label=79,line=10}, Str "Y."]],
          Str "b", Note [Para [Span.articlekit-note{label=78,line=9}, Str "X."]],
          Str "c", Note [Para [Str "inline"]]]

After::

    Para [Str "a", NoteRefs [{1, fn1, fnref1}, {2, fn2, fnref2}],
          Str "b", NoteRefs [{1, fn1, fnref1-2}],
          Str "c", NoteRefs [{3, fn3, fnref3}]]
    article.notes = [Note 1 "x" refs [fnref1, fnref1-2], Note 2 "y" refs [fnref2],
                     Note 3 None refs [fnref3]]

The steps of :func:`number`: walk the body in reading order; for each run of
adjacent notes make one cluster; give a labelled note the number of its first
reference and a new back-link id for each later one; collect each note once.
"""

from __future__ import annotations

from typing import Any

from ..errors import ArticleError
from ..model import NOTE_REFS, Article, Block, Inline, Note
from ..notemarks import has_content, take_marker
from ..tree import INLINE_CONTAINERS, all_nodes, iter_table_rows


class _Numberer:
    def __init__(self, article: Article) -> None:
        self.article = article
        self.by_label: dict[str, Note] = {}
        self.notes: list[Note] = []

    def ref(self, note_node: Inline) -> dict[str, Any]:
        label, line, blocks = take_marker(note_node["c"])
        note = self.by_label.get(label) if label is not None else None
        if note is None:
            note = Note(number=len(self.notes) + 1, label=label, blocks=blocks, line=line)
            if not has_content(blocks):
                what = f"note [^{label}]" if label else "inline note ^[]"
                raise ArticleError(self.article.path, f"{what} is empty", line)
            self.notes.append(note)
            if label is not None:
                self.by_label[label] = note
            # Notes inside a note's own text (rare) are numbered after it.
            self.blocks(note.blocks)
        n = len(note.ref_ids) + 1
        ref_id = f"fnref{note.number}" + (f"-{n}" if n > 1 else "")
        note.ref_ids.append(ref_id)
        return {"number": note.number, "note_id": note.id, "ref_id": ref_id}

    def inlines(self, lst: list[Inline]) -> list[Inline]:
        out: list[Inline] = []
        for node in lst:
            t = node.get("t")
            if t == "Note":
                entry = self.ref(node)
                if out and out[-1]["t"] == NOTE_REFS:
                    out[-1]["c"].append(entry)
                else:
                    out.append({"t": NOTE_REFS, "c": [entry]})
                continue
            if t in INLINE_CONTAINERS:
                node["c"] = self.inlines(node["c"])
            elif t == "Image":
                # An image's description is plain text: a note written in it is
                # referenced right after the image instead.
                notes = [n for n in all_nodes(node["c"][1]) if n.get("t") == "Note"]
                if notes:
                    node["c"][1] = _without_notes(node["c"][1])
                    out.append(node)
                    out.append({"t": NOTE_REFS, "c": [self.ref(n) for n in notes]})
                    continue
            elif t in ("Link", "Span", "Cite", "Quoted"):
                node["c"][1] = self.inlines(node["c"][1])
            out.append(node)
        return out

    def blocks(self, blocks: list[Block]) -> None:
        # Reading order matters here, so this walk is written out rather than shared.
        for b in blocks:
            t, c = b["t"], b.get("c")
            if t in ("Para", "Plain"):
                b["c"] = self.inlines(c)
            elif t == "Header":
                c[2] = self.inlines(c[2])
            elif t == "LineBlock":
                b["c"] = [self.inlines(line) for line in c]
            elif t == "BlockQuote":
                self.blocks(c)
            elif t == "Div":
                self.blocks(c[1])
            elif t == "BulletList":
                for item in c:
                    self.blocks(item)
            elif t == "OrderedList":
                for item in c[1]:
                    self.blocks(item)
            elif t == "DefinitionList":
                for term, defs in c:
                    term[:] = self.inlines(term)
                    for d in defs:
                        self.blocks(d)
            elif t == "Figure":
                # pandoc copies a figure's caption into its image's description; the
                # caption is the one place its notes are referenced.
                for image in _figure_images(c[2]):
                    image["c"][1] = _without_notes(image["c"][1])
                self.blocks(c[1][1])
                self.blocks(c[2])
            elif t == "Table":
                _, caption, _, head, bodies, foot = c
                self.blocks(caption[1])
                for row in iter_table_rows(head, bodies, foot):
                    for cell in row[1]:
                        self.blocks(cell[4])


def _figure_images(blocks: list[Block]) -> list[Inline]:
    return [n for n in all_nodes(blocks) if n.get("t") == "Image"]


def _without_notes(inlines: list[Inline]) -> list[Inline]:
    out = []
    for node in inlines:
        if node.get("t") == "Note":
            continue
        t = node.get("t")
        if t in INLINE_CONTAINERS:
            node = {**node, "c": _without_notes(node["c"])}
        elif t in ("Link", "Span", "Cite", "Quoted"):
            node = {**node, "c": [*node["c"][:1], _without_notes(node["c"][1]), *node["c"][2:]]}
        out.append(node)
    return out


def number(article: Article) -> None:
    numberer = _Numberer(article)
    numberer.blocks(article.body)
    article.notes = numberer.notes
