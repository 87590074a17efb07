"""Internal links: every ``#target`` a link names must be an anchor the article defines.

A link to an anchor that does not exist (``[the code](#Final-code)`` where the
heading's identifier is ``final-code``) would be a dead link on the web page,
vanish from the JATS and the EPUB, and stop WeasyPrint.  The reader finds each
such link once, reports it as a warning with its place in the source (an error
with ``--strict``) and unwraps it in the tree: its words stay, as plain text,
so every writer sees the same article and none can fail on it.

A link to an address that cannot lead anywhere (``http:///www.example.org``,
``https//example.org``, a space in it) is found, reported and unwrapped the
same way, one warning per link.

The anchors are the identifiers the source gives the body: headings (pandoc's
automatic identifiers included) and any element written with ``{#id}``.  Note
identifiers are articlekit's own (``fn3``), decided after this check and not part
of the source, so a link to one is not an anchor the author defined.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..errors import ArticleWarning, by_place, closest
from ..tree import all_lists, all_nodes

#: Node types whose first field is an Attr ``[id, classes, attributes]``.
_ATTR_FIRST = frozenset({"Div", "Span", "CodeBlock", "Code", "Image", "Link", "Table", "Figure"})

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def _ident(node: dict[str, Any]) -> str:
    if node["t"] == "Header":
        return str(node["c"][1][0])
    if node["t"] in _ATTR_FIRST:
        return str(node["c"][0][0])
    return ""


def defined_ids(tree: Any) -> set[str]:
    """Every identifier an element of ``tree`` carries."""
    return {ident for node in all_nodes(tree) if (ident := _ident(node))}


def _target(node: dict[str, Any]) -> str | None:
    """The anchor an internal link points to (without ``#``), or ``None`` for any other node."""
    if node.get("t") != "Link":
        return None
    url = str(node["c"][2][0])
    return url[1:] if url.startswith("#") and len(url) > 1 else None


def _normal(ident: str) -> str:
    return _PUNCTUATION.sub("", ident.lower())


def suggestion(target: str, ids: set[str]) -> str | None:
    """The anchor ``target`` most likely meant: the same letters in another case or punctuation, or a near miss."""
    same = sorted(i for i in ids if _normal(i) == _normal(target))
    if same:
        return same[0]
    return closest(target, sorted(ids))


def _where(text: str, target: str, start: int) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the ``#`` of the first link to ``target`` written after ``start``."""
    for pattern in (rf"\]\(\s*<?#{re.escape(target)}(?=[\s)>])", rf"\]:\s*<?#{re.escape(target)}(?=[\s>]|$)",
                    rf"#{re.escape(target)}(?![\w-])"):
        m = re.compile(pattern, re.MULTILINE).search(text, start)
        if m:
            pos = text.index("#", m.start())
            return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1
    return None, None


def unwrap_broken_links(path: Path, text: str, body_start: int, body: Any, also: Any = ()) -> list[ArticleWarning]:
    """Replace each link to an anchor ``body`` does not define by its words, in place.

    ``also`` is more of the tree whose links may point into the body (the
    abstract).  Returns one warning (``link-no-anchor``) per missing
    anchor, at its first link, whatever the number of links to it.
    """
    ids = defined_ids(body)
    broken: dict[str, int] = {}
    for tree in (body, also):
        for item in all_lists(tree):
            i = 0
            while i < len(item):
                target = _target(item[i]) if isinstance(item[i], dict) else None
                if target is not None and target not in ids:
                    broken[target] = broken.get(target, 0) + 1
                    item[i : i + 1] = item[i]["c"][1]
                    continue  # the link's own words may hold another link: look at them too
                i += 1
    found = []
    for target, count in broken.items():
        hint = suggestion(target, ids)
        message = f"link to #{target}: the article has no such anchor"
        message += f" (did you mean #{hint}?)" if hint else ""
        message += f"; the words of all {count} links to it are" if count > 1 else "; its words are"
        message += " kept as plain text"
        found.append(ArticleWarning(path, *_where(text, target, body_start), "link-no-anchor", message))
    return by_place(found)


# ---------------------------------------------------------------------------
# Malformed addresses

#: A web address as it starts when written in full or nearly so: the scheme, a colon or not, slashes.
_WEB_START = re.compile(r"(?i)(https?|ftp)(:?)(/*)")
#: A host name: letters (any script), digits, dots and hyphens, then an optional port.
_HOST = re.compile(r"(?:[^\W_]|[.-])+(?::\d+)?|\[[0-9A-Fa-f:.]+\](?::\d+)?")


def address_problem(url: str) -> str | None:
    """Why ``url``, a link's target, can lead nowhere (``http:///x``, ``https//x``, a space in it), or None.

    Only what is certainly broken is named: a relative path, a fragment or an
    address of another scheme passes.
    """
    m = _WEB_START.match(url)
    if m and (m.group(2) or m.group(3)):
        scheme, colon, slashes = m.groups()
        if not colon:
            return f"the colon after {scheme!r} is missing"
        if slashes != "//":
            return f"{scheme}: must be followed by two slashes, not {len(slashes)}"
        netloc = url[m.end():].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rpartition("@")[2]
        if not netloc:
            return "it names no host"
        if not _HOST.fullmatch(netloc.replace("%20", " ")):
            return f"{unquote(netloc)!r} is not a host name"
    return None


def _written(text: str, url: str, start: int) -> tuple[int, bool]:
    """Where ``url`` is written in the source after ``start`` (-1: not found), and whether with raw spaces.

    pandoc writes a space in an address as ``%20``; the source may hold either.
    """
    for form in (url, url.replace("%20", " ")):
        pos = text.find(form, start)
        if pos >= 0:
            return pos, form != url
    return -1, False


def unwrap_malformed_links(path: Path, text: str, body_start: int, body: Any,
                           also: Any = ()) -> list[ArticleWarning]:
    """Replace each link whose address is malformed by its words, in place; one warning per link.

    A dead link is no use in any format, and some would stop a writer; its words
    stay, as plain text, in every format alike.
    """
    found: list[ArticleWarning] = []
    after: dict[str, int] = {}  # where the search for the next link to the same address starts
    for tree in (body, also):
        for item in all_lists(tree):
            i = 0
            while i < len(item):
                node = item[i]
                url = str(node["c"][2][0]) if isinstance(node, dict) and node.get("t") == "Link" else None
                if url is None or url.startswith("#"):
                    i += 1
                    continue
                pos, spaced = _written(text, url, after.get(url, body_start))
                if pos >= 0:
                    after[url] = pos + 1
                problem = address_problem(url) or ("it holds a space" if spaced else None)
                if problem is None:
                    i += 1
                    continue
                shown = url.replace("%20", " ") if spaced else url
                line, col = (text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)) if pos >= 0 else (None, None)
                found.append(ArticleWarning(
                    path, line, col, "link-malformed",
                    f"link to {shown!r} is not a valid address ({problem}); its words are kept as plain text"))
                item[i : i + 1] = node["c"][1]
    return by_place(found)
