"""Read one canonical source into an :class:`~articlekit.model.Article`.

The steps, each its own function:

1. :func:`read_text` — bytes from disk, checked (size, NUL bytes, UTF-8), with a
   BOM and CRLF line endings accepted and normalised.
2. Front matter — split off and validated (:mod:`articlekit.frontmatter`),
   merged over the folder's ``articlekit.toml`` defaults.
3. :func:`scan_notes` — the note labels, where each is defined and referenced.
   pandoc's tree keeps no labels, so each definition is tagged with an invisible
   marker span that carries its label and line into the tree; the numbering
   transform reads the markers.
4. One pandoc parse of the body (plus the inline-Markdown metadata fields).
5. :func:`build_metadata` — the typed :class:`~articlekit.model.Metadata`.

Transforms then run over the result (:func:`articlekit.transforms.apply_all`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import frontmatter, safety
from .config import load_config
from .errors import ArticleError, ArticleErrors
from .model import Article, Image, Metadata, Person
from .pandoc import PandocFailed, parse_markdown
from .tree import iter_inlines, stringify

#: Sources larger than this are refused (bytes); ``load(max_bytes=...)`` changes it.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

#: Class of the marker span the reader puts at the start of every note definition.
NOTE_MARKER = "articlekit-note"
_META_PREFIX = "articlekit-meta-"
_META_FENCE = ":" * 24

_DEF = re.compile(r"^( {0,3})\[\^([^\]\s]+)\]:")
_REF = re.compile(r"\[\^([^\]\s]+)\]")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The source's text: checked, BOM removed, line endings normalised to LF."""
    if path.is_symlink() and not path.exists():
        raise ArticleError(path, "broken symbolic link: the file it points to does not exist")
    if path.is_dir():
        raise ArticleError(path, "is a directory, not a source file")
    if not path.exists():
        raise ArticleError(path, "no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise ArticleError(
            path, f"source is {size / 1048576:.1f} MB, over the {max_bytes / 1048576:.1f} MB limit (see --max-size)"
        )
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ArticleError(path, f"cannot read: {e.strerror or e}") from None
    if not data.strip():
        raise ArticleError(path, "file is empty", 1)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ArticleError(path, "contains a NUL byte: this is not a text file", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise ArticleError(path, f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8", line, col) from None
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class NoteScan:
    """Where each note label is defined and referenced in the body (1-based source lines)."""

    definitions: dict[str, int] = field(default_factory=dict)
    references: list[tuple[str, int]] = field(default_factory=list)
    errors: list[ArticleError] = field(default_factory=list)


def _code_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it lies inside a fenced code block."""
    inside: list[bool] = []
    fence: str | None = None
    for line in lines:
        m = _FENCE_OPEN.match(line)
        if fence is None:
            if m:
                fence = m.group(1)
                inside.append(True)
                continue
            inside.append(False)
        else:
            inside.append(True)
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}:
                fence = None
    return inside


def scan_notes(path: Path, body: str, first_line: int) -> NoteScan:
    """Find note definitions and references; report duplicates and undefined labels."""
    scan = NoteScan()
    lines = body.split("\n")
    for i, (line, in_code) in enumerate(zip(lines, _code_lines(lines), strict=True)):
        if in_code:
            continue
        lineno = first_line + i
        start = 0
        m = _DEF.match(line)
        if m:
            label = m.group(2)
            if label in scan.definitions:
                scan.errors.append(
                    ArticleError(path, f"note [^{label}] is defined twice (first on line {scan.definitions[label]})", lineno)
                )
            else:
                scan.definitions[label] = lineno
            start = m.end()
        for r in _REF.finditer(_CODE_SPAN.sub(lambda c: " " * len(c.group(0)), line), start):
            scan.references.append((r.group(1), lineno))
    for label, lineno in scan.references:
        if label not in scan.definitions:
            scan.errors.append(ArticleError(path, f"note reference [^{label}] has no definition", lineno))
    return scan


def mark_definitions(body: str, first_line: int, scan: NoteScan) -> str:
    """Put a marker span carrying label and line at the start of each note definition."""
    lines = body.split("\n")
    for label, lineno in scan.definitions.items():
        i = lineno - first_line
        m = _DEF.match(lines[i])
        assert m is not None and m.group(2) == label
        marker = f'[]{{.{NOTE_MARKER} label="{label.encode().hex()}" line="{lineno}"}}'
        lines[i] = f"{lines[i][: m.end()]} {marker}{lines[i][m.end():]}"
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


def _person(p: frontmatter.PersonModel) -> Person:
    given, family = p.given, p.family
    if given is None:
        given, _, family = p.name.rpartition(" ")
    return Person(
        name=p.name, given=given, family=family, degrees=p.degrees,
        affiliation=p.affiliation, orcid=p.orcid, email=p.email,
    )


def build_metadata(fm: frontmatter.FrontMatter, meta: dict[str, list[dict[str, Any]]]) -> Metadata:
    title = _inlines(meta.get("title")) or [{"t": "Str", "c": fm.title}]
    subtitle = _inlines(meta.get("subtitle")) if fm.subtitle else None
    abstract = meta.get("abstract") if fm.abstract else None
    image = None
    if fm.image is not None and (fm.image.src or fm.image.alt or fm.image.credit):
        image = Image(src=fm.image.src, alt=fm.image.alt, credit=fm.image.credit)
    return Metadata(
        title=title,
        title_text=stringify(title),
        subtitle=subtitle,
        subtitle_text=stringify(subtitle) if subtitle else None,
        date=dt.date.fromisoformat(fm.date),
        authors=tuple(_person(p) for p in fm.authors),
        editors=tuple(_person(p) for p in fm.editors),
        lang=fm.lang or "en",
        image=image,
        publisher=fm.publisher,
        publication=fm.publication,
        issn=fm.issn,
        keywords=tuple(fm.keywords),
        abstract=abstract,
        abstract_text=stringify(abstract) if abstract else None,
        license=fm.license,
        doi=fm.doi,
        article_type=fm.article_type,
        section=fm.section,
    )


def _line_of(text: str, needle: str, default: int | None = None) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else default


def check_resources(path: Path, text: str, article_body: list[dict[str, Any]], meta: Metadata,
                    policy: safety.Policy) -> list[ArticleError]:
    """Every image the article uses must be one it is allowed to read."""
    errors: list[ArticleError] = []
    refs: list[str] = []
    if meta.image and meta.image.src:
        refs.append(meta.image.src)
    refs.extend(node["c"][2][0] for node in iter_inlines(article_body) if node["t"] == "Image")
    for ref in refs:
        try:
            safety.resolve_resource(ref, policy)
        except safety.AccessDenied as e:
            errors.append(ArticleError(path, f"image {e}", _line_of(text, ref)))
    return errors


def read(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, allow_remote: bool = False) -> Article:
    """Read and validate one source; the transforms have not run yet."""
    text = read_text(path, max_bytes)
    config = load_config(path.parent.resolve())
    part = frontmatter.split(path, text)
    fm = frontmatter.parse(path, part, config.defaults)

    scan = scan_notes(path, part.body, part.body_line)
    if scan.errors:
        raise ArticleErrors(scan.errors)
    body_md = mark_definitions(part.body, part.body_line, scan)
    for name in ("title", "subtitle", "abstract"):
        value = getattr(fm, name)
        if value:
            body_md += _meta_div(name, value)
    try:
        doc = parse_markdown(body_md)
    except PandocFailed as e:
        raise ArticleError(path, f"cannot parse the body: {e}") from None
    body, meta_blocks = _take_meta(doc["blocks"])
    metadata = build_metadata(fm, meta_blocks)

    policy = safety.Policy(path.parent, allow_remote=allow_remote)
    errors = check_resources(path, text, body, metadata, policy)
    if errors:
        raise ArticleErrors(errors)

    referenced = {label for label, _ in scan.references}
    warnings = [
        str(ArticleError(path, f"note [^{label}] is defined but never referenced", line))
        for label, line in scan.definitions.items()
        if label not in referenced
    ]
    return Article(path=path, metadata=metadata, body=body, styles_dir=config.styles_dir, warnings=warnings)
