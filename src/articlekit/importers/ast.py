"""pandoc as the importers use it: another format in, pandoc's tree; the tree out as Pandoc Markdown.

Notes are taken out of the tree before it is written: each ``Note`` inline is
replaced by a token that survives the Markdown writer untouched (two characters
of Unicode's private use area around the note's label), and the note's blocks are
written on their own; :func:`body_and_notes` then turns each token into
``[^label]``.  The Markdown written is the dialect articlekit reads
(:data:`articlekit.read.pandoc.READER_FORMAT`), so pandoc escapes exactly what the
reader would otherwise take for markup.
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

from ..read.pandoc import MAX_HEAP, READER_FORMAT, PandocFailed, pandoc_path

#: The Markdown written: what the reader reads, without pandoc's own title block.
WRITER_FORMAT = READER_FORMAT.replace("markdown", "markdown-pandoc_title_block", 1)
_OPEN, _CLOSE = "\ue000", "\ue001"
_TOKEN = re.compile(f"{_OPEN}([^{_CLOSE}]+){_CLOSE}")
TIMEOUT = 120


def run(args: list[str], data: bytes) -> bytes:
    """Run pandoc in its sandbox on ``data`` with ``args``; its output."""
    cmd = [pandoc_path(), "--sandbox", *args, "+RTS", f"-M{MAX_HEAP}", "-RTS"]
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise PandocFailed(f"pandoc did not finish within {TIMEOUT} s") from None
    except OSError as e:
        raise PandocFailed(f"cannot run pandoc: {e.strerror or e}") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PandocFailed(msg[-1] if msg else f"pandoc exited with code {proc.returncode}")
    return proc.stdout


def read(fmt: str, data: bytes, *extra: str) -> dict[str, Any]:
    """pandoc's JSON document for ``data`` in format ``fmt``."""
    return json.loads(run(["-f", fmt, "-t", "json", *extra], data))


def to_markdown(blocks: list[Any], api: Any) -> str:
    """Blocks written as Pandoc Markdown, one line a paragraph."""
    doc = {"pandoc-api-version": api, "meta": {}, "blocks": blocks}
    out = run(["-f", "json", "-t", WRITER_FORMAT, "--wrap=preserve"], json.dumps(doc).encode("utf-8"))
    return out.decode("utf-8").strip("\n")


def token(label: str) -> dict[str, Any]:
    """The inline that stands for a reference to note ``label`` until the Markdown is written."""
    return {"t": "Str", "c": f"{_OPEN}{label}{_CLOSE}"}


def take_notes(tree: Any, notes: list[tuple[str, list[Any]]]) -> None:
    """Replace every ``Note`` inline in ``tree`` by a token, in place; collect the notes, numbered in order."""
    if isinstance(tree, list):
        for i, node in enumerate(tree):
            if isinstance(node, dict) and node.get("t") == "Note":
                label = str(len(notes) + 1)
                notes.append((label, node["c"]))
                take_notes(node["c"], notes)
                tree[i] = token(label)
            else:
                take_notes(node, notes)
    elif isinstance(tree, dict):
        for value in tree.values():
            if isinstance(value, list | dict):
                take_notes(value, notes)


def with_refs(markdown: str) -> str:
    """Each token in written Markdown as the reference ``[^label]``."""
    return _TOKEN.sub(lambda m: f"[^{m.group(1)}]", markdown)


_SEP = "\ue002"


def separator(label: str) -> dict[str, Any]:
    """A paragraph that marks where note ``label`` begins when many notes go through pandoc at once."""
    return {"t": "Para", "c": [{"t": "Str", "c": f"{_SEP}{label}{_SEP}"}]}


def split_at_separators(blocks: list[Any]) -> list[tuple[str, list[Any]]]:
    """Blocks read or written in one go, cut back into (label, blocks) at each :func:`separator`."""
    out: list[tuple[str, list[Any]]] = []
    for block in blocks:
        c = block.get("c") if block.get("t") == "Para" else None
        if c and len(c) == 1 and c[0].get("t") == "Str" and c[0]["c"].startswith(_SEP):
            out.append((c[0]["c"].strip(_SEP), []))
        elif out:
            out[-1][1].append(block)
    return out


def body_and_notes(blocks: list[Any], notes: list[tuple[str, list[Any]]],
                   api: Any) -> tuple[list[str], list[tuple[str, str]]]:
    """The body as Markdown blocks and each note as (label, Markdown), references in place.

    The notes are written in one pandoc run, each after a separator paragraph.
    """
    body = with_refs(to_markdown(blocks, api)) if blocks else ""
    if not notes:
        return [body], []
    joined = [block for label, note_blocks in notes for block in (separator(label), *note_blocks)]
    parts = re.split(f"^{_SEP}(.+?){_SEP}$", to_markdown(joined, api), flags=re.MULTILINE)
    written = [(label, with_refs(text.strip("\n"))) for label, text in zip(parts[1::2], parts[2::2], strict=True)]
    return [body], written


def stringify(node: Any) -> str:
    """The plain text of a tree of inlines (or of a metadata value)."""
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    if isinstance(node, dict):
        t = node.get("t")
        if t == "Str":
            return str(node["c"])
        if t in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if t in ("MetaString",):
            return str(node["c"])
        if "c" in node:
            return stringify(node["c"])
    return ""
