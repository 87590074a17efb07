"""Finishing the tagged PDF's structure: running heads and folios as artifacts.

PDF/UA asks that every piece of page content be either real content, reachable
from the structure tree, or an artifact.  WeasyPrint 70 marks the text of page
margin boxes (running heads, page numbers) as tagged content but keeps their
structure elements out of the tree (WeasyPrint issue #1836), which leaves
orphans.  :func:`mark_margin_artifacts` finds those marked-content sequences
through the parent tree and rewrites them as ``/Artifact`` pagination content.

The other repairs fill in what WeasyPrint leaves out of tables: the
``/IDTree`` that resolves header cell ids (:func:`add_id_tree`) and each
header cell's ``/Scope`` (:func:`scope_table_headers`); :func:`describe_links`
gives internal links a description a screen reader can say.
"""

from __future__ import annotations

from collections.abc import Collection
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


def tag_formulas(pdf: Any, alternatives: Collection[str]) -> int:
    """Make the structure element of each formula a ``/Formula``; return how many changed.

    WeasyPrint tags every ``<img>`` a ``/Figure``, the formulas' pictures
    included; a screen reader announces a ``/Formula`` as math and reads its
    ``/Alt``, the TeX, which is how a formula's picture is told from another.
    """
    wanted = set(alternatives)
    changed = 0
    for _number, element in _struct_elements(pdf):
        if element.get("S") == "/Figure" and _text(element.get("Alt")) in wanted:
            element["S"] = "/Formula"
            changed += 1
    return changed


def complete_tagging(pdf: Any, labels: dict[str, str], formulas: Collection[str]) -> None:
    """Everything WeasyPrint's tagging leaves undone, for an article and an edition alike: margin
    boxes as artifacts, links described, table header scopes, the id tree, formulas as ``/Formula``."""
    mark_margin_artifacts(pdf)
    describe_links(pdf, labels)
    scope_table_headers(pdf)
    add_id_tree(pdf)
    tag_formulas(pdf, formulas)


def _text(value: Any) -> str | None:
    """The text of a pydyf string (or of a plain ``str``)."""
    text = getattr(value, "string", value)
    return text if isinstance(text, str) else None


def _struct_elements(pdf: Any) -> list[tuple[int, dict[str, Any]]]:
    """``(object number, dictionary)`` of every structure element, in object order."""
    return [
        (number, obj) for number, obj in enumerate(pdf.objects)
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem"
    ]


def _name_tree_key(text: str) -> bytes:
    """The bytes a pydyf string is written as, which is what a name tree is sorted by."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return b"\xfe\xff" + text.encode("utf-16-be")


def add_id_tree(pdf: Any) -> int:
    """Give the structure tree root the ``/IDTree`` its element identifiers need; return how many.

    WeasyPrint gives each table header cell an ``/ID`` and lists those ids in
    the ``/Headers`` attribute of the data cells, but writes no ``/IDTree``,
    which ISO 32000-1 (table 322) requires as soon as any element has an id:
    without it a reader cannot resolve ``/Headers`` to the header cells.
    """
    root = _number(pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return 0
    reachable = _reachable(pdf, root)
    ids: dict[str, int] = {}
    for number, obj in _struct_elements(pdf):
        key = _text(obj.get("ID"))
        if key is not None and number in reachable:
            ids.setdefault(key, number)
    if not ids:
        return 0
    names = pydyf.Array()
    for key in sorted(ids, key=_name_tree_key):
        names.extend([pydyf.String(key), pdf.objects[ids[key]].reference])
    tree = pydyf.Dictionary({"Names": names})
    pdf.add_object(tree)
    pdf.objects[root]["IDTree"] = tree.reference
    return len(ids)


def scope_table_headers(pdf: Any) -> int:
    """Give each table header cell the ``/Scope`` its ``/Headers`` links imply; return how many.

    WeasyPrint ties data cells to header cells with ``/Headers`` and ``/ID``,
    deciding from the HTML ``scope`` whether a header heads a row or a column.
    Only a row header is named by data cells of its own row (a column header's
    row holds no data cells of its column), so that is how it is told apart
    here.  Writing it down as ``/Scope`` (ISO 14289-1, 7.5) serves readers that
    only understand scopes.  Headers that no cell names are left alone.
    """
    elements = _struct_elements(pdf)
    headers = {key: obj for _, obj in elements if obj.get("S") == "/TH" and (key := _text(obj.get("ID")))}
    scopes: dict[str, str] = {}
    for _, cell in elements:
        attributes = cell.get("A")
        if cell.get("S") != "/TD" or not isinstance(attributes, dict):
            continue
        for key in attributes.get("Headers") or []:
            header = headers.get(_text(key) or "")
            if header is None:
                continue
            same_row = _number(header.get("P")) == _number(cell.get("P"))
            if same_row or _text(key) not in scopes:
                scopes[_text(key) or ""] = "/Row" if same_row else "/Column"
    for key, scope in scopes.items():
        attributes = headers[key].get("A")
        if isinstance(attributes, dict):
            attributes["Scope"] = scope
        elif attributes is None:
            headers[key]["A"] = pydyf.Dictionary({"O": "/Table", "Scope": scope})
        else:  # already an array of attribute objects
            attributes.append(pydyf.Dictionary({"O": "/Table", "Scope": scope}))
    return len(scopes)
