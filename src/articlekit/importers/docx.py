"""Word manuscripts (.docx), read by pandoc.

Footnotes and endnotes both become labelled notes, numbered in reading order;
the Title, Subtitle, Author, Date and Abstract paragraphs and the document's
core properties become front matter; headings keep their levels.  Images are
taken from the archive into a folder beside the source (``<slug>-media/``) and
referenced relatively.  Comments are dropped and tracked changes accepted, each
reported, as a canonical source can carry neither.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from lxml import etree

from ..read import safety
from ..read.bounds import DEFAULT_MAX_BYTES
from ..read.pandoc import PandocFailed
from . import ast, canonical, pictures
from .metadata import date_of, people_of
from .report import ImportReport, megabytes
from .words import count as count_words

#: How many times ``--max-size`` all of a document's parts may hold once unpacked.
UNPACKED_FACTOR = 4
_CHANGES = {"insertion": "an insertion", "deletion": "a deletion", "paragraph-insertion": "an inserted paragraph"}
_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def convert(path: Path, report: ImportReport, options: dict[str, Any]) -> tuple[dict[str, Any], list[str],
                                                                              list[tuple[str, str]]]:
    report.kind = "docx"
    meta: dict[str, Any] = {}
    max_bytes = int(options.get("max_bytes") or DEFAULT_MAX_BYTES)
    try:
        with zipfile.ZipFile(path) as z:
            if not _sound(z, report, max_bytes):
                report.unread = True
                return meta, [], []
            _outside_pictures(z, report)
            report.words_in = _words_in(z)
        doc = ast.read("docx", path.read_bytes(), "--track-changes=all")
    except (OSError, PandocFailed) as e:
        report.error(f"pandoc cannot read it: {e}", unread=True)
        return meta, [], []
    except _DAMAGED as e:
        report.error(f"not a Word document (.docx), or a damaged one: {_damage(e)}", unread=True)
        return meta, [], []
    _metadata(doc.get("meta", {}), meta, report, path)
    blocks = _review(doc["blocks"], report)
    _images(path, blocks, report, options)
    notes: list[tuple[str, list[Any]]] = []
    ast.take_notes(blocks, notes)
    if notes:
        report.map(f"{len(notes)} footnotes and endnotes → [^1] … [^{len(notes)}], in reading order")
    body, written = ast.body_and_notes(blocks, notes, doc["pandoc-api-version"])
    if options.get("lang") and "lang" not in meta:
        meta["lang"] = options["lang"]
    return meta, body, written


#: What :mod:`zipfile` raises on a damaged archive: a bad CRC or header, a truncated ZIP64 record,
#: a size or offset too large for the platform, a compression it does not know.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OverflowError, ValueError, NotImplementedError,
            UnicodeDecodeError)


def _damage(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:200]


def _sound(z: zipfile.ZipFile, report: ImportReport, max_bytes: int) -> bool:
    """Whether the archive's parts are within the bounds and unpack without error, read part by part
    (each read at most to its stated size, which is checked first)."""
    limit = megabytes(max_bytes)
    total = 0
    for info in z.infolist():
        cap = pictures.MAX_PICTURE_BYTES if info.filename.startswith("word/media/") else max_bytes
        if info.file_size > cap:
            raise_hint = "(see --max-size)" if cap == max_bytes else "(a build reads no larger picture)"
            report.error(f"part {info.filename} unpacks to {info.file_size / 1048576:.1f} MB, over the "
                         f"{megabytes(cap)} limit {raise_hint}")
            return False
        total += info.file_size
    if total > UNPACKED_FACTOR * max_bytes:
        report.error(f"its parts unpack to {total / 1048576:.1f} MB, over the {UNPACKED_FACTOR} × {limit} limit "
                     "(see --max-size)")
        return False
    bad = z.testzip()  # every part's CRC, each read in bounded pieces
    if bad is not None:
        report.error(f"not a Word document (.docx), or a damaged one: part {bad} fails its CRC check")
        return False
    if "word/document.xml" not in z.namelist():
        report.error("not a Word document (.docx): it has no word/document.xml")
        return False
    return True


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Where Word keeps a second copy of a drawing's text (for older readers), or text moved away.
_COPIES = ("{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback", f"{_W}moveFrom")
_SEPARATORS = frozenset(f"{_W}{name}" for name in ("p", "tab", "br", "cr", "tc"))


def _words_in(z: zipfile.ZipFile) -> int | None:
    """The words of the document's running text (body, footnotes, endnotes), read from its XML apart
    from pandoc: the text of its runs (``w:t``), deleted text and drawings' second copies left out."""
    from ..read.safety import parse_xml

    pieces: list[str] = []
    for name in ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml"):
        if name not in z.namelist():
            continue
        try:
            root = parse_xml(z.read(name))
        except etree.XMLSyntaxError:
            return None  # pandoc says what is wrong with it
        skipped = {d for kind in _COPIES for c in root.iter(kind) for d in c.iter()}
        for el in root.iter(f"{_W}t", *_SEPARATORS):
            if el not in skipped:
                pieces.append((el.text or "") if el.tag == f"{_W}t" else " ")
        pieces.append(" ")
    return count_words("".join(pieces))


def _outside_pictures(z: zipfile.ZipFile, report: ImportReport) -> None:
    """Report each picture whose relationship points outside the package (a linked file, a web address,
    ``../``): pandoc leaves them out, and articlekit reads nothing outside the document."""
    from ..read.safety import parse_xml

    names = set(z.namelist())
    for rels in sorted(n for n in names if n.startswith("word/_rels/") and n.endswith(".rels")):
        try:
            root = parse_xml(z.read(rels))
        except etree.XMLSyntaxError as e:
            report.error(f"part {rels} is not well-formed XML (line {e.lineno}): {e.msg}")
            continue
        for rel in root.iter(f"{_RELS_NS}Relationship"):
            if rel.get("Type") != _IMAGE_REL:
                continue
            target = rel.get("Target") or ""
            inside = posixpath.normpath(posixpath.join("word", target)) if not target.startswith("/") \
                else target.lstrip("/")
            if rel.get("TargetMode") == "External" or inside.startswith("../") or inside not in names:
                report.drop(f"picture {rel.get('Id')} ({target[:120]!r}): it points outside the document, and "
                            "articlekit reads nothing outside it (insert the picture into the document)",
                            guessed=True)


def _text(value: Any) -> str:
    """The plain text of a metadata value (blocks joined by blank lines)."""
    if isinstance(value, dict) and value.get("t") == "MetaBlocks":
        return "\n\n".join(ast.stringify(b) for b in value["c"])
    return ast.stringify(value).strip()


_CORE = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
         "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}


def core_properties(path: Path) -> dict[str, str]:
    """The document's core properties (``docProps/core.xml``): title, creator, keywords, language …"""
    try:
        with zipfile.ZipFile(path) as z:
            data = z.read("docProps/core.xml")  # its size was checked with the archive's
    except (KeyError, OSError, *_DAMAGED):
        return {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return {}
    out: dict[str, str] = {}
    for name in ("dc:title", "dc:subject", "dc:creator", "cp:keywords", "dc:description", "dc:language",
                 "dcterms:created"):
        el = root.find(name, _CORE)
        if el is not None and (el.text or "").strip():
            out[name.split(":")[1]] = el.text.strip()
    return out


def _metadata(docmeta: dict[str, Any], meta: dict[str, Any], report: ImportReport, path: Path) -> None:
    """Front matter from the Title, Subtitle, Author, Date and Abstract paragraphs, then the core properties."""
    for value in docmeta.values():  # the Title, Author … paragraphs: their words go to the front matter
        report.words_dropped += count_words(_text(value) if not (isinstance(value, dict) and value.get("t") ==
                                                                  "MetaList") else " ".join(map(_text, value["c"])))
    for key in ("title", "subtitle", "abstract"):
        if key in docmeta and _text(docmeta[key]):
            meta[key] = canonical.escape_text(_text(docmeta[key]))
            report.map(f"the {key.capitalize()} paragraph → {key}")
    if "author" in docmeta:
        value = docmeta["author"]
        names = [_text(v) for v in value["c"]] if value.get("t") == "MetaList" else [_text(value)]
        meta["authors"] = people_of([n for n in names if n], report, "authors", None)
        report.map("the Author paragraphs → authors")
    if "date" in docmeta:
        date = date_of(_text(docmeta["date"]))
        if date is None:
            report.error(f"cannot read the date {_text(docmeta['date'])!r} of the Date paragraph")
        else:
            meta["date"] = date
            report.map(f"the Date paragraph {_text(docmeta['date'])!r} → date {date}")
    core = core_properties(path)
    if core.get("title") and "title" not in meta:
        meta["title"] = canonical.escape_line(core["title"])
        report.map("the title property → title")
    if core.get("creator") and "authors" not in meta:
        meta["authors"] = people_of(core["creator"].replace(";", " & "), report, "authors", None)
        report.map("the author property → authors")
    if core.get("keywords"):
        meta["keywords"] = [w.strip() for w in re.split(r"[,;]", core["keywords"]) if w.strip()]
        report.map("the keywords property → keywords")
    if core.get("language"):
        meta["lang"] = core["language"]
        report.map("the language property → lang")
    if core.get("description") and "abstract" not in meta:
        meta["abstract"] = canonical.escape_text(core["description"])
        report.guess("abstract-from-properties", "took the document's comments property for the abstract")
    if core.get("subject"):
        report.drop(f"the subject property {core['subject']!r}: no canonical key holds it", guessed=True)
    if core.get("created") and "date" not in meta:
        date = date_of(core["created"])
        if date is not None:
            meta["date"] = date
            report.guess("date-from-properties",
                         f"no Date paragraph: took the document's creation date {date} for the date")
    for key in docmeta:
        if key not in {"title", "subtitle", "abstract", "author", "date"}:
            report.drop(f"document metadata {key!r}: no canonical key holds it", guessed=True)


def _review(blocks: list[Any], report: ImportReport) -> list[Any]:
    """Comments dropped and tracked changes accepted, in place, each reported with its paragraph."""
    for number, block in enumerate(blocks, 1):
        _accept(block, report, number)
    return blocks


def _accept(tree: Any, report: ImportReport, paragraph: int) -> None:
    if isinstance(tree, dict):
        for value in tree.values():
            _accept(value, report, paragraph)
        return
    if not isinstance(tree, list):
        return
    out: list[Any] = []
    for node in tree:
        if isinstance(node, dict) and node.get("t") == "Span":
            classes = node["c"][0][1]
            attrs = dict(node["c"][0][2])
            who = attrs.get("author", "someone")
            if "comment-start" in classes:
                report.drop(f"paragraph {paragraph}: a comment by {who}: {ast.stringify(node['c'][1])!r}",
                            guessed=True)
                continue
            if "comment-end" in classes:
                continue
            change = next((c for c in classes if c in _CHANGES), None)
            if change:
                what = ast.stringify(node["c"][1])
                if change == "deletion":
                    report.drop(f"paragraph {paragraph}: {_CHANGES[change]} by {who} ({what!r}), accepted",
                                guessed=True)
                    continue
                report.guess("change-accepted",
                             f"paragraph {paragraph}: {_CHANGES[change]} by {who} ({what!r}), accepted")
                _accept(node["c"][1], report, paragraph)
                out.extend(node["c"][1])
                continue
        _accept(node, report, paragraph)
        out.append(node)
    tree[:] = out


def _images(path: Path, blocks: list[Any], report: ImportReport, options: dict[str, Any]) -> None:
    """Each image in the archive taken out beside the source, and the tree pointed at it."""
    media_dir = options.get("media_dir") or f"{options.get('slug') or path.stem}-media"
    found: dict[str, str] = {}
    renames: dict[str, str] = {}

    def walk(tree: Any, renamed: dict[str, str] | None = None) -> None:
        if isinstance(tree, list):
            for n in tree:
                walk(n, renamed)
        elif isinstance(tree, dict):
            if tree.get("t") == "Image" and renamed is not None:
                tree["c"][2][0] = renamed.get(tree["c"][2][0], tree["c"][2][0])
            elif tree.get("t") == "Image":
                src = tree["c"][2][0]
                name = re.sub(r"[^\w.-]+", "-", posixpath.basename(src)) or "image"
                found.setdefault(src, f"{media_dir}/{name}")
                tree["c"][2][0] = found[src]
                if not ast.stringify(tree["c"][1]).strip():
                    report.guess("image-no-alt", f"image {name} has no alt text: describe it before the PDF is built")
            for v in tree.values():
                if isinstance(v, list | dict):
                    walk(v, renamed)

    walk(blocks)
    if not found:
        return
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for src, target in found.items():
            member = "word/" + src if "word/" + src in names else src
            if member not in names:
                report.error(f"image {src!r} is linked, not in the document")
                continue
            data = z.read(member)  # its size was checked with the archive's
            media = safety.sniff_image(data, member)
            if media is None:
                report.error(f"image {member} is not a PNG, JPEG, GIF, WebP or SVG picture")
                continue
            renamed = f"{posixpath.dirname(target)}/{pictures.picture_name(target, pictures.EXTENSIONS[media])}"
            report.media[renamed] = data
            report.map(f"image {member} → {renamed}")
            if renamed != target:
                renames[target] = renamed
    if renames:
        walk(blocks, renames)
