"""Read one canonical source into an :class:`~articlekit.model.Article`.

The steps, each its own function:

1. :func:`read_text` — bytes from disk, checked (a regular file, size, NUL bytes
   and other control characters, UTF-8), with a BOM and CRLF line endings
   accepted and normalised.
2. Front matter — split off and validated (:mod:`articlekit.read.frontmatter`),
   merged over the folder's ``articlekit.toml`` defaults.
3. :func:`scan_notes` — the note labels, where each is defined and referenced.
   pandoc's tree keeps no labels, so each definition is tagged with an invisible
   marker span that carries its label and line into the tree; the numbering
   transform reads the markers.
4. :func:`articlekit.read.bounds.scan` — nesting and note counts within bounds, so
   pandoc is never handed a source it would take unbounded time over.
5. One pandoc parse of the body (plus the inline-Markdown metadata fields); a
   raw HTML ``<img>`` becomes an ordinary image, so it obeys the same rules.
6. :func:`build_metadata` — the typed :class:`~articlekit.model.Metadata`.
7. :func:`check_resources` — every image is one the article may read, and is an image.

Transforms then run over the result (:func:`articlekit.transforms.apply_all`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import ArticleError, ArticleErrors, ArticleWarning, closest
from ..labels import house_words, labels_for_lang
from ..model import Affiliation, Article, Copyright, Funding, Image, Journal, Metadata, Person
from ..notemarks import empty_notes, marker
from ..tree import all_lists, all_nodes, stringify
from . import backmatter, bounds, citations, crossrefs, formulas, frontmatter, glyphs, links, safety, tables
from .bounds import DEFAULT_MAX_BYTES
from .config import Config, load_config
from .frontmatter import SplitSource
from .pandoc import PandocFailed, parse_markdown

#: Sources larger than this are refused (bytes); ``load(max_bytes=...)`` changes it.

_META_PREFIX = "articlekit-meta-"
_META_FENCE = ":" * 24

# A label may not hold "[" either, so a line of "[^[^[^…" is scanned in linear time.
_DEF = re.compile(r"^( {0,3})\[\^([^\]\[\s]+)\]:")
_REF = re.compile(r"\[\^([^\]\[\s]+)\]")
_EMPTY_INLINE_NOTE = re.compile(r"\^\[[ \t]*\]")
_CONTROL = frontmatter.CONTROL_CHARS


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The source file's bytes (at most ``max_bytes + 1``), or a located reason it cannot be read."""
    try:
        if path.is_symlink() and not path.exists():
            raise ArticleError(path, "broken symbolic link: the file it points to does not exist")
        if path.is_dir():
            raise ArticleError(path, "is a directory, not a source file")
        if not path.exists():
            raise ArticleError(path, "no such file")
        if not path.is_file():
            raise ArticleError(path, "is not a regular file (a device, a pipe or a socket)")
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleError(path, _too_big(size, max_bytes))
        with path.open("rb") as f:
            return f.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as e:
        raise ArticleError(path, f"cannot read: {e.strerror or e}") from None


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, data: bytes | None = None) -> str:
    """The source's text: checked, BOM removed, line endings normalised to LF.

    ``data`` is the file's content when the caller has read it already (a batch
    hashes exactly the bytes that are parsed); ``path`` then only names it.
    """
    if data is None:
        data = read_bytes(path, max_bytes)
    if len(data) > max_bytes:
        raise ArticleError(path, _too_big(len(data), max_bytes))
    if not data.strip():
        raise ArticleError(path, "file is empty", 1)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        col = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        raise ArticleError(path, "contains a NUL byte: this is not a text file", line, col)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        line_start = data.rfind(b"\n", 0, e.start) + 1
        col = len(data[line_start : e.start].decode("utf-8", "replace")) + 1
        raise ArticleError(
            path, f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8", line, col
        ) from None
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise ArticleError(
            path, f"contains the control character U+{ord(bad.group(0)):04X}, which no output format can carry; "
            "remove it", line, col)
    return text


def _size(n: int) -> str:
    if n >= 1048576:
        return f"{n / 1048576:.1f} MB"
    return f"{n / 1024:.1f} KB"


def _too_big(size: int, max_bytes: int) -> str:
    limit = _size(max_bytes).replace(".0 ", " ")
    return f"source is {_size(size)}, over the {limit} limit (see --max-size)"


@dataclass
class NoteScan:
    """Where each note label is defined and referenced in the body (1-based source lines)."""

    definitions: dict[str, int] = field(default_factory=dict)
    references: list[tuple[str, int]] = field(default_factory=list)
    errors: list[ArticleError] = field(default_factory=list)


def scan_notes(path: Path, body: str, first_line: int) -> NoteScan:
    """Find note definitions and references; report duplicates and undefined labels."""
    scan = NoteScan()
    where: dict[str, tuple[int, int]] = {}
    lines = body.split("\n")
    for i, (line, in_code) in enumerate(zip(lines, bounds.code_lines(lines), strict=True)):
        if in_code:
            continue
        lineno = first_line + i
        start = 0
        m = _DEF.match(line)
        if m:
            label = m.group(2)
            if label in scan.definitions:
                scan.errors.append(ArticleError(
                    path, f"note [^{label}] is defined twice (first on line {scan.definitions[label]})",
                    lineno, len(m.group(1)) + 1))
            else:
                scan.definitions[label] = lineno
            start = m.end()
        text = bounds.mask_code_spans(line)
        for r in _REF.finditer(text, start):
            scan.references.append((r.group(1), lineno))
            where.setdefault(f"{r.group(1)}\0{lineno}", (lineno, r.start() + 1))
        scan.errors.extend(ArticleError(path, "inline note ^[] is empty", lineno, e.start() + 1)
                           for e in _EMPTY_INLINE_NOTE.finditer(text))
    undefined = list(dict.fromkeys(label for label, _ in scan.references if label not in scan.definitions))
    hints = _meant(scan, undefined)
    for label, lineno in scan.references:
        if label not in scan.definitions:
            line, col = where[f"{label}\0{lineno}"]
            message = f"note reference [^{label}] has no definition" + hints.get(label, "")
            scan.errors.append(ArticleError(path, message, line, col))
    return scan


#: Hints compare every undefined label with every definition; past this many pairs
#: (a source with thousands of broken references) the comparison is skipped.
_MAX_HINT_PAIRS = 20_000


def _meant(scan: NoteScan, undefined: list[str]) -> dict[str, str]:
    """A did-you-mean for each undefined label: the definition it most likely misspells.

    A definition nobody references is the likeliest target (``[^explanatory]``
    written, ``[^explantory]`` defined), and then the hint says so, as that one
    problem explains both.  When one label is missing and one definition is
    unused, they are taken to be the same note however different they look.
    """
    referenced = {ref for ref, _ in scan.references}
    unused = [d for d in scan.definitions if d not in referenced]
    used = [d for d in scan.definitions if d in referenced and not d.isdigit()]
    hints: dict[str, str] = {}
    for label in undefined:
        hint = None
        if len(undefined) * len(scan.definitions) <= _MAX_HINT_PAIRS:
            hint = closest(label, unused) or (None if label.isdigit() else closest(label, used))
        if hint is None and len(undefined) == 1 and len(unused) == 1:
            hint = unused[0]
        if hint is not None:
            where = f"defined on line {scan.definitions[hint]}" + (" and never referenced" if hint in unused else "")
            hints[label] = f": did you mean [^{hint}]? ({where})"
    return hints


def mark_definitions(body: str, first_line: int, scan: NoteScan) -> str:
    """Put a marker span carrying label and line at the start of each note definition."""
    lines = body.split("\n")
    for label, lineno in scan.definitions.items():
        i = lineno - first_line
        m = _DEF.match(lines[i])
        assert m is not None and m.group(2) == label
        lines[i] = f"{lines[i][: m.end()]} {marker(label, lineno)}{lines[i][m.end():]}"
    return "\n".join(lines)


def _meta_div(name: str, markdown: str) -> str:
    return f"\n\n{_META_FENCE} {{#{_META_PREFIX}{name}}}\n{markdown}\n{_META_FENCE}\n"


def _take_meta(blocks: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Separate the metadata divs the reader appended from the body proper."""
    body, meta = [], {}
    for b in blocks:
        if b["t"] == "Div" and b["c"][0][0].startswith(_META_PREFIX):
            meta[b["c"][0][0].removeprefix(_META_PREFIX)] = b["c"][1]
        else:
            body.append(b)
    return body, meta


def _inlines(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """The inlines of a one-paragraph field (a title may not hold blocks)."""
    if not blocks:
        return None
    out: list[dict[str, Any]] = []
    for b in blocks:
        if b["t"] in ("Para", "Plain"):
            if out:
                out.append({"t": "Space"})
            out.extend(b["c"])
        elif b["t"] == "Header":
            out.extend(b["c"][2])
    return out or None


def to_person(p: frontmatter.PersonModel, affiliations: dict[str, Affiliation] | None = None) -> Person:
    """The person a front-matter entry names; an ``affiliation`` that is a key of ``affiliations`` is that one."""
    given, family = p.given, p.family
    if given is None and " " in p.name:
        given, _, family = p.name.rpartition(" ")
    detail = (affiliations or {}).get(p.affiliation or "")
    return Person(
        name=p.name, given=given, family=family, degrees=p.degrees,
        affiliation=detail.text if detail else p.affiliation, orcid=p.orcid, email=p.email, roles=tuple(p.roles),
        ror=(detail.ror if detail else None) or p.ror, corresponding=p.corresponding, affiliation_detail=detail,
    )


def build_metadata(fm: frontmatter.FrontMatter, meta: dict[str, list[dict[str, Any]]]) -> Metadata:
    title = _inlines(meta.get("title")) or [{"t": "Str", "c": fm.title}]
    subtitle = _inlines(meta.get("subtitle")) if fm.subtitle else None
    abstract = meta.get("abstract") if fm.abstract else None
    image = None
    if fm.image is not None and (fm.image.src or fm.image.alt or fm.image.credit):
        image = Image(src=fm.image.src, alt=fm.image.alt, credit=fm.image.credit)
    affs = {key: Affiliation(**a.model_dump()) for key, a in fm.affiliations.items()}
    history = tuple((k, dt.date.fromisoformat(v)) for k, v in fm.history.model_dump().items() if v) \
        if fm.history else ()
    return Metadata(
        title=title,
        title_text=stringify(title),
        subtitle=subtitle,
        subtitle_text=stringify(subtitle) if subtitle else None,
        date=dt.date.fromisoformat(fm.date),
        authors=tuple(to_person(p, affs) for p in fm.authors),
        editors=tuple(to_person(p, affs) for p in fm.editors),
        reviewers=tuple(to_person(p, affs) for p in fm.reviewers),
        translators=tuple(to_person(p, affs) for p in fm.translators),
        lang=fm.lang or "en",
        image=image,
        publisher=fm.publisher,
        publication=fm.publication,
        issn=fm.issn,
        keywords=tuple(fm.keywords),
        abstract=abstract,
        abstract_text=stringify(abstract) if abstract else None,
        license=fm.license,
        copyright=Copyright(fm.copyright.holder, fm.copyright.year, fm.copyright.statement) if fm.copyright else None,
        doi=fm.doi,
        article_type=fm.article_type,
        section=fm.section,
        journal=Journal(**fm.journal.model_dump()) if fm.journal else None,
        elocation=fm.elocation,
        history=history,
        funding=tuple(Funding(**f.model_dump()) for f in fm.funding),
        data_availability=fm.data_availability,
        base_url=(fm.base_url.rstrip("/") + "/") if fm.base_url else None,
    )


def _where(text: str, needle: str, start: int = 0) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the first ``needle`` in ``text`` at or after ``start``."""
    pos = text.find(needle, start)
    if pos < 0 and start:
        pos = text.find(needle)
    if pos < 0:
        return None, None
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _where_ref(text: str, ref: str) -> tuple[int | None, int | None]:
    """Where an image reference is written: as a Markdown target, an HTML ``src`` or a YAML value."""
    for before in ("](", "]( ", 'src="', "src='", "src=", "src: ", "src: '", 'src: "'):
        pos = text.find(before + ref)
        if pos >= 0:
            pos += len(before)
            return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1
    return _where(text, ref)


class _ImgTag(HTMLParser):
    """The attributes of the ``<img>`` tags in a fragment of raw HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append({k: v or "" for k, v in attrs})


_RAW_IMG = re.compile(r"<img(?![\w-])", re.IGNORECASE)
#: Elements whose content is never shown: code (script), style rules, embedded documents.
_INERT = "script|style|template|noscript|iframe|object|embed|svg|math|textarea|title|xmp|noembed|noframes"
_INERT_OPEN = re.compile(rf"^\s*<({_INERT})(?![\w-])", re.IGNORECASE)
_VOID = frozenset({"embed"})


def drop_raw_content(tree: Any) -> list[str]:
    """Remove raw HTML elements whose content is code or styling, with that content, in place.

    The HTML sanitiser does this for the web and the ebook; doing it in the tree
    means a writer that skips raw HTML but keeps the text between its tags (JATS,
    plain text) cannot leak a script or a style sheet as visible text either.
    An element pandoc split across several nodes (``<style>``, text, ``</style>``)
    goes as a whole, up to its closing tag in the same list.

    Returns the raw opening tags that are never closed in their list: the
    sanitiser would treat everything after them as their content and drop it,
    so the reader reports them instead of losing the rest of the article.
    """
    unclosed: list[str] = []
    for item in all_lists(tree):
        keep: list[Any] = []
        i = 0
        while i < len(item):
            node = item[i]
            html = _raw_html(node)
            m = _INERT_OPEN.match(html) if html is not None else None
            if m is None:
                keep.append(node)
                i += 1
                continue
            tag = m.group(1).lower()
            end = re.compile(rf"</{tag}\s*>", re.IGNORECASE)
            if tag in _VOID or end.search(html, m.end()):
                i += 1  # a whole element in one node
                continue
            close = next((j for j in range(i + 1, len(item)) if end.search(_raw_html(item[j]) or "")), None)
            if close is None:
                unclosed.append(html)
                keep.append(node)
                i += 1
            else:
                i = close + 1
        if len(keep) != len(item):
            item[:] = keep
    return unclosed


def _unclosed(path: Path, text: str, raw: str, body_start: int) -> ArticleError:
    tag = raw.strip()[1:].split(">")[0].split()[0]
    return ArticleError(path, f"raw HTML <{tag}> is never closed, so everything after it would be dropped "
                        "as its content; close it or remove it", *_where(text, raw.strip(), body_start))


def _raw_html(node: Any) -> str | None:
    if isinstance(node, dict) and node.get("t") in ("RawInline", "RawBlock") and node["c"][0] == "html":
        return node["c"][1]
    return None


def _image_node(attrs: dict[str, str]) -> dict[str, Any]:
    """A pandoc Image for a raw ``<img>``: source, alt text, title and pixel size, nothing else."""
    alt: list[dict[str, Any]] = []
    for word in attrs.get("alt", "").split():
        if alt:
            alt.append({"t": "Space"})
        alt.append({"t": "Str", "c": word})
    size = [[k, attrs[k]] for k in ("width", "height") if attrs.get(k, "").isdigit()]
    return {"t": "Image", "c": [["", [], size], alt, [attrs.get("src", "").strip(), attrs.get("title", "")]]}


def convert_raw_images(path: Path, text: str, body_start: int, tree: Any) -> list[ArticleError]:
    """Turn each raw HTML ``<img>`` into a pandoc Image, in place, so it obeys the image rules.

    Without this an ``<img src="http://…">`` written as HTML would bypass the
    resource policy (the sanitiser keeps ``img``).  An ``<img>`` buried inside a
    larger block of raw HTML cannot be converted and is reported instead.
    """
    errors: list[ArticleError] = []
    for item in all_lists(tree):
        for i, node in enumerate(item):
            if isinstance(node, dict) and node.get("t") in ("RawInline", "RawBlock"):
                fmt, raw = node["c"]
                if fmt != "html" or raw.lstrip().startswith("<!--") or not _RAW_IMG.search(raw):
                    continue
                parser = _ImgTag()
                parser.feed(raw)
                parser.close()
                if node["t"] == "RawInline" and len(parser.images) == 1 and raw.lstrip()[:4].lower() == "<img":
                    item[i] = _image_node(parser.images[0])
                    continue
                line, col = _where(text, raw.strip()[:40], body_start)
                errors.append(ArticleError(
                    path, "an <img> inside a block of raw HTML is not supported; write it as a Markdown image, "
                    "![alt text](file.png)", line, col))
    return errors


def check_resources(
    path: Path, text: str, tree: Any, meta: Metadata | None, policy: safety.Policy, lead: str | None = None
) -> list[ArticleError]:
    """Every image the article uses (body, notes, captions, lead image) must be one it may read.

    ``meta`` is ``None`` when the front matter is invalid: the body's images are
    checked all the same, and ``lead`` names the lead image if it could be read.
    """
    errors: list[ArticleError] = []
    refs: list[str] = []
    if meta and meta.image and meta.image.src:
        refs.append(meta.image.src)
    elif lead:
        refs.append(lead)
    refs.extend(node["c"][2][0] for node in all_nodes(tree) if node["t"] == "Image")
    for ref in dict.fromkeys(refs):
        line, col = _where_ref(text, ref) if ref.strip() else (None, None)
        try:
            target = safety.resolve_resource(ref, policy)
            if isinstance(target, Path):
                safety.check_image(target)
        except safety.AccessDenied as e:
            reason = str(e)
            msg = f"image {reason}" if ref in reason else f"image {ref!r} {reason}"
            errors.append(ArticleError(path, msg, line, col))
        except OSError as e:
            errors.append(ArticleError(path, f"image {ref!r} cannot be read: {e.strerror or e}", line, col))
    return errors


def _where_empty_alt(text: str, ref: str) -> tuple[int | None, int | None]:
    """Where an image without alt text is written: ``![](ref)`` if so, else its first reference."""
    line, col = _where(text, f"![]({ref}")
    return (line, col + 4) if line is not None and col is not None else _where_ref(text, ref)


def images_without_alt(path: Path, text: str, body: Any, meta: Metadata) -> list[ArticleWarning]:
    """A warning (``image-no-alt``) for each image without alt text, the lead image included.

    The web page, the JATS and the EPUB can carry an image with an empty
    description, but a tagged PDF (``pdf/ua-1``, the default, and ``pdf/a-3a``)
    cannot, so the print edition would be refused: ``check`` says so first.  It
    is a warning, not an error, because the other formats and the ``plain`` PDF
    are made all the same.
    """
    refs = [meta.image.src] if meta.image and meta.image.src and not (meta.image.alt or "").strip() else []
    refs += [n["c"][2][0] for n in all_nodes(body) if n["t"] == "Image" and not stringify(n["c"][1]).strip()]
    return [
        ArticleWarning(path, *_where_empty_alt(text, ref), "image-no-alt",
                       f"image {ref!r} has no alt text, which a tagged PDF (pdf/ua-1, the default, or "
                       "pdf/a-3a) needs: describe it, ![what it shows](file.png), or build the PDF with "
                       "--pdf-variant plain")
        for ref in dict.fromkeys(refs)
    ]


def check_tree(path: Path, doc: dict[str, Any]) -> None:
    depth = bounds.tree_depth(doc.get("blocks", []))
    if depth > bounds.MAX_TREE_DEPTH:
        raise ArticleError(
            path, f"the document is nested more than {bounds.MAX_TREE_DEPTH} levels deep "
            "(lists, quotes, divs or inline markup inside one another)")


def read(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, allow_remote: bool = False,
         data: bytes | None = None) -> Article:
    """Read and validate one source; the transforms have not run yet.

    Every problem is reported in one go (:class:`ArticleErrors`, sorted by line):
    when the front matter is invalid the body is still parsed and checked —
    notes, images, raw HTML, bounds — so a user fixes everything in one pass.
    Only what needs the other part stops at the first problem: a source with no
    front matter block has no body to speak of, and a body over the bounds is
    never handed to pandoc.
    """
    text = read_text(path, max_bytes, data)
    config = load_config(path.parent)
    part = frontmatter.split(path, text)
    fm, errors = _front_matter(path, part, config)
    body_start = len("\n".join(text.split("\n", part.body_line - 1)[: part.body_line - 1]))
    fields = [(name, getattr(fm, name)) for name in ("title", "subtitle", "abstract") if fm and getattr(fm, name)]
    cites = bool(fm and fm.bibliography)
    try:
        _check_bounds(path, text, part, fields)
        scan = scan_notes(path, part.body, part.body_line)
        errors += scan.errors
        doc = _parse(path, part, scan, fields, cites)
    except ArticleError as e:
        raise ArticleErrors([*errors, e]) from None
    lang = (fm.lang if fm else None) or "en"
    words = labels_for_lang(lang, house_words(lang, config.labels))
    errors += crossrefs.number(path, text, body_start, doc["blocks"], lambda kind, n: words[kind].format(number=n))
    references: dict[str, dict[str, Any]] = {}
    inputs: list[Path] = []
    if fm is not None and cites:
        doc, references, cite_errors = _cite(path, text, body_start, doc, fm, words["references"], inputs)
        errors += cite_errors
    if fm is not None and fm.data_availability:
        backmatter.add_data_availability(doc["blocks"], words["data_availability"], fm.data_availability,
                                         _META_PREFIX)
    errors += empty_notes(path, doc["blocks"])
    errors += [_unclosed(path, text, raw, body_start) for raw in drop_raw_content(doc["blocks"])]
    errors += convert_raw_images(path, text, body_start, doc["blocks"])
    body, meta_blocks = _take_meta(doc["blocks"])
    link_warnings = links.unwrap_broken_links(path, text, body_start, body, meta_blocks)
    link_warnings += links.unwrap_malformed_links(path, text, body_start, body, meta_blocks)
    metadata = build_metadata(fm, meta_blocks) if fm is not None else None
    math, math_errors = formulas.convert(path, text, body_start, body, meta_blocks)
    errors += math_errors

    policy = safety.Policy(path.parent, allow_remote=allow_remote)
    lead = frontmatter.lead_image_src(path, part) if fm is None else None
    errors += check_resources(path, text, doc["blocks"], metadata, policy, lead)
    if errors or metadata is None:
        raise ArticleErrors(errors)
    label_overrides = house_words(metadata.lang, config.labels)
    warnings = _warnings(path, text, scan, body, metadata, config, label_overrides, link_warnings)
    return Article(path=path, metadata=metadata, body=body, styles_dir=config.styles_dir, warnings=warnings,
                   label_overrides=label_overrides, formulas=math, ignored_warnings=config.ignored_warnings,
                   references=references, inputs=tuple(inputs), deposit=config.deposit)


def _cite(path: Path, text: str, body_start: int, doc: dict[str, Any], fm: frontmatter.FrontMatter, heading: str,
          inputs: list[Path]) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[ArticleError]]:
    """The tree with its citations formatted by the article's style, the cited works, and the problems.

    ``heading`` is the reference list's, in the article's language; ``inputs`` collects the
    bibliography and style files read.
    """
    items, errors = citations.load_bibliography(path, text, fm.bibliography, inputs)
    try:
        style = citations.find_style(path, text, fm.csl)
        inputs.append(style)
    except ArticleError as e:
        errors.append(e)
    by_key = {item["id"]: item for item in items}
    errors += citations.unknown_keys(path, text, body_start, doc["blocks"], set(by_key))
    if errors:
        return doc, {}, errors
    authors_div = citations.has_refs_div(doc["blocks"])
    try:
        doc = citations.run_citeproc(doc, items, style, fm.lang or "en")
    except PandocFailed as e:
        return doc, {}, [ArticleError(style if fm.csl and fm.csl.endswith(".csl") else path,
                                      f"cannot format the citations: {e}")]
    citations.place_references(doc["blocks"], heading, authors_div, _META_PREFIX)
    cited = [n["c"][0][0].removeprefix("ref-") for n in all_nodes(doc["blocks"])
             if n["t"] == "Div" and "csl-entry" in n["c"][0][1]]
    return doc, {key: by_key[key] for key in cited if key in by_key}, []


def _front_matter(path: Path, part: SplitSource,
                  config: Config) -> tuple[frontmatter.FrontMatter | None, list[ArticleError]]:
    """The validated front matter, or ``None`` and its problems (the body is read all the same)."""
    try:
        return frontmatter.parse(path, part, config.defaults), []
    except ArticleErrors as e:
        return None, list(e.errors)
    except ArticleError as e:
        return None, [e]


def _check_bounds(path: Path, text: str, part: SplitSource, fields: list[tuple[str, str]]) -> None:
    """Refuse a body, or a front-matter field pandoc reads, over the bounds, before pandoc sees it."""
    problem = bounds.scan(part.body, part.body_line)
    if problem:
        raise ArticleError(path, problem.message, problem.line, problem.col)
    for name, value in fields:  # Markdown in front matter goes to pandoc too
        problem = bounds.scan(value)
        if problem:
            raise ArticleError(path, f"'{name}': {problem.message}", _where(text, f"{name}:")[0])


def _parse(path: Path, part: SplitSource, scan: NoteScan, fields: list[tuple[str, str]],
           cites: bool = False) -> dict[str, Any]:
    """One pandoc parse of the body, its notes marked and the front matter's Markdown fields after it.

    ``cites``: the article has a bibliography, so ``[@key]`` is read as a citation.
    """
    body_md = mark_definitions(part.body, part.body_line, scan)
    for name, value in fields:
        body_md += _meta_div(name, value)
    try:
        doc = parse_markdown(body_md, citations=True) if cites else parse_markdown(body_md)
    except PandocFailed as e:
        raise ArticleError(path, f"cannot parse the body: {e}") from None
    check_tree(path, doc)
    tables.mark_grid_tables(body_md, doc["blocks"])  # their drawn column widths are the author's
    return doc


def _warnings(path: Path, text: str, scan: NoteScan, body: Any, metadata: Metadata, config: Config,
              label_overrides: dict[str, str], link_warnings: list[ArticleWarning]) -> list[ArticleWarning]:
    """What does not stop the build, in the order it is reported, less the codes the house ignores."""
    referenced = {label for label, _ in scan.references}
    warnings = [
        ArticleWarning(path, line, None, "note-unreferenced", f"note [^{label}] is defined but never referenced")
        for label, line in scan.definitions.items()
        if label not in referenced
    ]
    warnings += link_warnings
    warnings += glyphs.missing_glyph_warnings(path, text)
    warnings += images_without_alt(path, text, body, metadata)
    if not (metadata.license or metadata.copyright):
        # Rights are never assumed; line 1 opens the front matter, where they would be stated.
        warnings.insert(0, ArticleWarning(
            path, 1, None, "no-permissions", "no license or copyright: the JATS has no <permissions>; state "
            "'license' or 'copyright' in the front matter or articlekit.toml"))
    if labels_for_lang(metadata.lang, label_overrides).lang != metadata.lang:
        warnings.append(_unsupported_language(path, text, metadata.lang, config))
    return [w for w in warnings if w.code not in config.ignored_warnings]


def _unsupported_language(path: Path, text: str, lang: str, config: Config) -> ArticleWarning:
    """The warning for a language articlekit has no words for, at the line that states it."""
    line = _where(text.split("\n---", 1)[0], "lang:")[0]
    where: tuple[Path, int | None] = (path, line or 1)
    if line is None and config.path is not None and "lang" in config.defaults:
        where = (config.path, next((i for i, s in enumerate(config.path.read_text(encoding="utf-8").splitlines(), 1)
                                    if s.lstrip().startswith("lang")), None))
    return ArticleWarning(
        where[0], where[1], None, "language-unsupported",
        f"articlekit has no words for language {lang!r}: its own labels ('Notes', 'Editors' …)"
        f" are in English, marked as such; give them under [labels.{lang.split('-')[0].lower()}] in articlekit.toml")
