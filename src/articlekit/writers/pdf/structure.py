"""Finishing the tagged PDF's structure: running heads and folios as artifacts.

PDF/UA asks that every piece of page content be either real content, reachable
from the structure tree, or an artifact.  WeasyPrint 70 marks the text of page
margin boxes (running heads, page numbers) as tagged content but keeps their
structure elements out of the tree (WeasyPrint issue #1836), which leaves
orphans.  :func:`mark_margin_artifacts` finds those marked-content sequences
through the parent tree and rewrites them as ``/Artifact`` pagination content.
"""

from __future__ import annotations

from typing import Any

import pydyf


def _number(reference: Any) -> int | None:
    """The object number of an indirect reference such as ``b'12 0 R'``."""
    if isinstance(reference, bytes | str):
        text = reference.decode() if isinstance(reference, bytes) else reference
        parts = text.split()
        if len(parts) == 3 and parts[2] == "R" and parts[0].isdigit():
            return int(parts[0])
    return None


def _reachable(pdf: Any, root: int) -> set[int]:
    """Numbers of every structure element reachable from the structure tree root."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        number = stack.pop()
        if number in seen:
            continue
        seen.add(number)
        obj = pdf.objects[number]
        kids = obj.get("K") if isinstance(obj, dict) else None
        if kids is None:
            continue
        for kid in kids if isinstance(kids, list | tuple) else [kids]:
            n = _number(kid)
            if n is not None and isinstance(pdf.objects[n], dict) and pdf.objects[n].get("Type") == "/StructElem":
                stack.append(n)
    return seen


def _orphan_mcids(pdf: Any) -> dict[int, set[int]]:
    """Per page index, the marked-content ids whose structure element is not in the tree."""
    root = _number(pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return {}
    tree_root = pdf.objects[root]
    reachable = _reachable(pdf, root)
    parent_tree = pdf.objects[_number(tree_root["ParentTree"])]
    nums = parent_tree["Nums"]
    orphans: dict[int, set[int]] = {}
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        if not isinstance(value, list | tuple):  # an annotation's single parent, not a page's array
            continue
        lost = {mcid for mcid, ref in enumerate(value) if _number(ref) not in reachable}
        if lost:
            orphans[int(key)] = lost
        for mcid in lost:
            value[mcid] = "null"
    return orphans


def mark_margin_artifacts(pdf: Any) -> int:
    """Rewrite orphaned marked content as pagination artifacts; return how many sequences changed."""
    orphans = _orphan_mcids(pdf)
    changed = 0
    for page_index, mcids in orphans.items():
        page = pdf.objects[_number(pdf.page_references[page_index])]
        contents = page["Contents"]
        refs = contents if isinstance(contents, list | tuple) else [contents]
        for ref in refs:
            stream = pdf.objects[_number(ref)]
            ops = stream.stream
            for i in range(len(ops) - 2):
                props = ops[i + 1]
                if ops[i + 2] == b"BDC" and isinstance(props, dict) and props.get("MCID") in mcids:
                    ops[i] = "/Artifact"
                    ops[i + 1] = pydyf.Dictionary({"Type": "/Pagination"})
                    changed += 1
    return changed


def describe_links(pdf: Any, labels: dict[str, str]) -> int:
    """Give internal link annotations a readable ``/Contents`` (PDF/UA's alternate description).

    WeasyPrint puts the bare target there ("fn6"); a screen reader should say
    "Note 6" or "Back to reference 6".  Returns how many annotations changed.
    """
    changed = 0
    for obj in pdf.objects:
        if not (isinstance(obj, dict) and obj.get("Type") == "/Annot" and obj.get("Subtype") == "/Link"):
            continue
        dest = obj.get("Dest")
        target = getattr(dest, "string", None)
        if isinstance(target, str) and target in labels:
            obj["Contents"] = pydyf.String(labels[target])
            changed += 1
    return changed
