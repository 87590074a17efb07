"""Small helpers over pandoc's JSON document tree, shared by transforms and writers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .model import NOTE_REFS, Block, Inline

_SPACES = re.compile(r"[ \t\n\r\f]+")

#: Inline node types whose content (``c``) is a list of inlines.
INLINE_CONTAINERS = frozenset(
    {"Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
)


def stringify(nodes: list[Any] | dict[str, Any] | None, *, notes: bool = False) -> str:
    """The plain text of inlines or blocks.

    Note references are left out unless ``notes`` is true: a title, a nav entry,
    an outline or a running head must never carry a note number.
    """
    out: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                visit(n)
            return
        if not isinstance(node, dict) or "t" not in node:
            return
        t, c = node["t"], node.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak") or t == "LineBreak":
            out.append(" ")
        elif t in ("Code", "Math"):
            out.append(c[1])
        elif t == "Quoted":
            q = ("\u201c", "\u201d") if c[0]["t"] == "DoubleQuote" else ("\u2018", "\u2019")
            out.append(q[0])
            visit(c[1])
            out.append(q[1])
        elif t in INLINE_CONTAINERS:
            visit(c)
        elif t in ("Link", "Image", "Span", "Cite"):
            visit(c[1])
        elif t == NOTE_REFS:
            if notes:
                out.append(",".join(str(r["number"]) for r in c))
        elif t == "Note":
            return
        elif t in ("Para", "Plain", "Header"):
            visit(c[2] if t == "Header" else c)
            if t != "Header":
                out.append("\n")
        elif t in ("BlockQuote", "Div"):
            visit(c if t == "BlockQuote" else c[1])
        elif t in ("BulletList", "OrderedList"):
            for item in c if t == "BulletList" else c[1]:
                visit(item)
        elif t == "LineBlock":
            for line in c:
                visit(line)
                out.append("\n")
        elif t == "CodeBlock":
            out.append(c[1] + "\n")
        # RawInline/RawBlock are untrusted and carry no text of their own here.

    visit(nodes)
    # Collapse only ASCII white space: a no-break space is part of the text.
    return _SPACES.sub(" ", "".join(out)).strip(" ")


def walk_inline_lists(blocks: list[Block], fn: Callable[[list[Inline]], list[Inline]]) -> None:
    """Replace, in place and in document order, every list of inlines under ``blocks`` by ``fn(list)``.

    ``fn`` sees an outer list before the lists nested inside its inlines, so it
    must not depend on reading order across nesting levels (the note numbering,
    which does, walks the tree itself).
    """

    def inlines(lst: list[Inline]) -> list[Inline]:
        new = fn(lst)
        for node in new:
            t, c = node.get("t"), node.get("c")
            if t in INLINE_CONTAINERS:
                node["c"] = inlines(c)
            elif t in ("Link", "Image", "Span", "Cite") or t == "Quoted":
                c[1] = inlines(c[1])
        return new

    def block(b: Block) -> None:
        t, c = b.get("t"), b.get("c")
        if t in ("Para", "Plain"):
            b["c"] = inlines(c)
        elif t == "Header":
            c[2] = inlines(c[2])
        elif t == "LineBlock":
            b["c"] = [inlines(line) for line in c]
        elif t == "BlockQuote":
            blocks_(c)
        elif t == "Div":
            blocks_(c[1])
        elif t == "BulletList":
            for item in c:
                blocks_(item)
        elif t == "OrderedList":
            for item in c[1]:
                blocks_(item)
        elif t == "DefinitionList":
            for term, defs in c:
                b_term = inlines(term)
                term[:] = b_term
                for d in defs:
                    blocks_(d)
        elif t == "Figure":
            caption = c[1]
            if caption[0]:
                caption[0] = inlines(caption[0])
            blocks_(caption[1])
            blocks_(c[2])
        elif t == "Table":
            _, caption, _, head, bodies, foot = c
            if caption[0]:
                caption[0] = inlines(caption[0])
            blocks_(caption[1])
            for row in iter_table_rows(head, bodies, foot):
                for cell in row[1]:
                    blocks_(cell[4])

    def blocks_(bs: list[Block]) -> None:
        for b in bs:
            block(b)

    blocks_(blocks)


def iter_table_rows(head: list[Any], bodies: list[Any], foot: list[Any]) -> Iterator[list[Any]]:
    """Every row of a pandoc table: head rows, then each body's head and body rows, then foot rows."""
    yield from head[1]
    for body in bodies:
        yield from body[2]
        yield from body[3]
    yield from foot[1]


def iter_blocks(blocks: list[Block]) -> Iterator[Block]:
    """Every block under ``blocks``, depth first, in document order."""
    for b in blocks:
        yield b
        t, c = b.get("t"), b.get("c")
        if t == "BlockQuote":
            yield from iter_blocks(c)
        elif t == "Div":
            yield from iter_blocks(c[1])
        elif t == "BulletList":
            for item in c:
                yield from iter_blocks(item)
        elif t == "OrderedList":
            for item in c[1]:
                yield from iter_blocks(item)
        elif t == "DefinitionList":
            for _, defs in c:
                for d in defs:
                    yield from iter_blocks(d)
        elif t == "Figure":
            yield from iter_blocks(c[1][1])
            yield from iter_blocks(c[2])
        elif t == "Table":
            _, caption, _, head, bodies, foot = c
            yield from iter_blocks(caption[1])
            for row in iter_table_rows(head, bodies, foot):
                for cell in row[1]:
                    yield from iter_blocks(cell[4])


def iter_inlines(blocks: list[Block]) -> Iterator[Inline]:
    """Every inline under ``blocks`` (a read-only walk; nesting order is not reading order)."""
    found: list[Inline] = []

    def collect(lst: list[Inline]) -> list[Inline]:
        found.extend(lst)
        return lst

    walk_inline_lists(blocks, collect)
    yield from found


def inline_children(node: Inline) -> list[Inline] | None:
    """The list of inlines directly inside an inline node, if it has one."""
    t, c = node.get("t"), node.get("c")
    if t in INLINE_CONTAINERS:
        return c
    if t in ("Link", "Image", "Span", "Cite", "Quoted"):
        return c[1]
    return None


def all_nodes(tree: Any) -> list[dict[str, Any]]:
    """Every pandoc node (a dict with ``"t"``) anywhere in ``tree``, in document order.

    A plain JSON walk, without recursion (untrusted trees may be deep), that also
    finds nodes in places the typed walkers skip: image descriptions, metadata.
    """
    found: list[dict[str, Any]] = []
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "t" in item:
                found.append(item)
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def all_lists(tree: Any) -> Iterator[list[Any]]:
    """Every JSON list in ``tree``, outermost first.

    A caller may change a list in place when it is yielded; the walk then goes
    on into what the list holds after that change.
    """
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            yield item
            stack.extend(item)
