"""``articlekit import``: other formats into canonical sources.

One module per kind of input, each turning a file into front matter (canonical
keys), body blocks and notes, and recording in an :class:`ImportReport` what it
mapped, guessed and dropped:

* :mod:`.plaintext` — an old CMS's plain-text export (title, "date || By author", notes ``[n]``);
* :mod:`.docx` — Word manuscripts, read by pandoc;
* :mod:`.html` — saved article pages, parsed by html5lib, cleaned with lxml and read by pandoc;
* :mod:`.markdown` — Markdown written for Jekyll, Hugo or Quarto, front matter mapped by a table.

:mod:`.canonical` writes the result; :func:`import_file` is the one entry point.
Every input is bounded (its size before it is read, its front matter by the
source reader's guard), pictures are read only under the input's folder
(:mod:`.pictures`), and words of running text lost without a report are an
error (:mod:`.words`).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path
from typing import Any

from ..api import load
from ..errors import ArticleError, ArticleErrors, ArticlekitError
from ..output import TEMP_PREFIX, atomic_write, remove_stale_temps
from ..read.bounds import DEFAULT_MAX_BYTES
from ..read.config import load_config
from .canonical import clean_slug, source
from .report import Entry, ImportReport, megabytes

__all__ = ["Entry", "ImportReport", "clean_slug", "detect_kind", "import_file", "import_many", "slug_for"]

_KINDS = {".txt": "plaintext", ".text": "plaintext", ".docx": "docx", ".html": "html", ".htm": "html",
          ".xhtml": "html", ".md": "markdown", ".markdown": "markdown", ".qmd": "markdown", ".rmd": "markdown"}


def detect_kind(path: Path, data: bytes) -> str:
    """The kind of input: by the file's extension, else by its first bytes."""
    kind = _KINDS.get(path.suffix.lower())
    if kind:
        return kind
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data.lstrip()[:200].lower()
    if head.startswith((b"<!doctype html", b"<html", b"<article", b"<?xml")):
        return "html"
    if head.startswith((b"---", b"+++")):
        return "markdown"
    return "plaintext"


#: Largest text input (a page, Markdown, plain text) read without ``--max-size``: about 800,000 words,
#: which pandoc takes about a minute to convert.
MAX_TEXT_BYTES = 5 * 1024 * 1024


def _too_big(size: int, limit: int, kind: str) -> str:
    what = "a Word document" if kind == "docx" else "a saved page" if kind == "html" else "a text input"
    return f"is {size / 1048576:.1f} MB, over the {megabytes(limit)} limit for {what} (see --max-size)"


def slug_for(path: Path) -> str:
    """The slug a file's source is named by: its stem, less a Jekyll post's date, in lower case."""
    return clean_slug(re.sub(r"^\d{4}-\d{2}-\d{2}-", "", path.stem))


def import_file(path: str | Path, *, preset: str | None = None, keys: dict[str, Any] | None = None,
                lang: str | None = None, strict: bool = False, media_dir: Path | None = None,
                config_dir: Path | None = None, max_bytes: int | None = None) -> tuple[str, ImportReport]:
    """Turn one file into the text of a canonical source, and say what was done to it.

    ``preset`` (``jekyll``, ``hugo``, ``quarto``) and ``keys`` (``[import.keys]``
    of an ``articlekit.toml``, read from ``config_dir`` when given) map other
    tools' front matter keys.  ``lang`` is written as the article's language when
    the input does not state one.  ``media_dir`` is where a Word document's images
    go (they are referenced relative to it; default: no extraction, images reported).
    ``max_bytes`` bounds the input file and each unpacked part of a Word document
    (``--max-size``; by default :data:`MAX_TEXT_BYTES` for text and pages, whose
    every byte goes through pandoc, and 20 MB for Word, which holds its pictures);
    a larger one is refused before it is read.
    The text is empty when the report has errors (``report.ok`` is then False).
    """
    path = Path(path)
    report = ImportReport(path=path, strict=strict)
    if keys is None and config_dir is not None:
        keys = load_config(Path(config_dir)).import_table
    options: dict[str, Any] = {"preset": preset, "keys": keys, "lang": lang, "media_dir": media_dir,
                               "path": path, "slug": slug_for(path), "max_bytes": max_bytes}
    guessed_kind = _KINDS.get(path.suffix.lower(), "docx")  # an unknown extension may still be Word's
    limit = max_bytes or (DEFAULT_MAX_BYTES if guessed_kind == "docx" else MAX_TEXT_BYTES)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            report.error("not a regular file")
            return "", report
        if info.st_size > limit:  # before a byte is read
            report.error(_too_big(info.st_size, limit, guessed_kind))
            return "", report
        with path.open("rb") as f:
            data = f.read(limit + 1)  # a file grown since is still cut at the limit
    except OSError as e:
        report.error(f"cannot read: {e.strerror or e}")
        return "", report
    kind = detect_kind(path, data)
    limit = max_bytes or (DEFAULT_MAX_BYTES if kind == "docx" else MAX_TEXT_BYTES)
    if len(data) > limit:
        report.error(_too_big(len(data), limit, kind))
        return "", report
    report.kind = kind
    if kind == "docx":
        from . import docx

        meta, blocks, notes = docx.convert(path, report, options)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            report.error(f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8", line)
            return "", report
        if kind == "plaintext":
            from . import plaintext

            meta, blocks, notes = plaintext.convert(text, report, options)
        elif kind == "html":
            from . import html

            meta, blocks, notes = html.convert(text, report, options)
        else:
            from . import markdown

            meta, blocks, notes = markdown.convert(text, report, options)
    for key in ("title", "date", "authors"):
        if not report.unread and not meta.get(key) and not any(key in e.message for e in report.errors):
            report.error(f"no {key} found: a canonical source needs title, date and authors")
    from . import words

    words.check(report, "\n".join([*blocks, *(f"[^{label}]: {text}" for label, text in notes)]))
    if not report.ok:
        return "", report
    return source(meta, blocks, notes), report


def import_many(paths: list[Path], out_dir: Path, *, force: bool = False, **options: Any) -> list[ImportReport]:
    """Import each file into ``out_dir/<slug>.md`` (images beside it); go on past a bad file.

    A source that exists is never replaced unless ``force``; each file is written
    atomically, its images first, so no source is ever there without them, nor
    half written.  The house's ``[import]`` table is read from ``out_dir``'s
    ``articlekit.toml``.
    """
    remove_stale_temps(out_dir)  # a trial source left by an import that was killed
    reports: list[ImportReport] = []
    claimed: dict[Path, Path] = {}
    for path in _expand(paths):
        try:
            text, report = import_file(path, config_dir=out_dir if "keys" not in options else None, **options)
        except ArticlekitError as e:  # the house's articlekit.toml itself is wrong: every file would fail
            report = ImportReport(path=path)
            report.error(f"{out_dir / 'articlekit.toml'}: {e}")
            reports.append(report)
            continue
        except Exception as e:  # a bug: this file's problem, and the others are imported all the same
            report = ImportReport(path=path)
            report.error(f"internal error: {type(e).__name__}: {e}")
            reports.append(report)
            continue
        reports.append(report)
        if not report.ok:
            continue
        target = out_dir / f"{report.slug or slug_for(path)}.md"
        files = {target: text.encode("utf-8"), **{out_dir / rel: data for rel, data in report.media.items()}}
        source_like = next((f for f in files if f != target and f.suffix.lower() in _KINDS), None)
        if source_like is not None:  # a picture never stands in for a source, even with --force
            report.error(f"{source_like} would be written as a picture, but its name is a source's; rename it")
            continue
        clash = next((f for f in files if f in claimed), None)
        if clash is not None:
            report.error(f"{clash} is also made from {claimed[clash]} in this run; rename one of them")
            continue
        existing = [f for f in files if f.exists() and (f.read_bytes() != files[f])]
        if existing and not force:
            report.error(f"{existing[0]} exists; pass --force to replace it")
            continue
        new = [f for f in files if not f.exists()]
        new_dirs = [d for d in dict.fromkeys(f.parent for f in files) if not d.exists()]
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            for f, data in files.items():
                if f != target:
                    f.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write(f, data)
            if _refused_by_check(target, files[target], report):
                for f in new:  # nothing of a refused file stays behind: its images, the folders made for them
                    f.unlink(missing_ok=True)
                for d in sorted(new_dirs, key=lambda d: len(d.parts), reverse=True):
                    with contextlib.suppress(OSError):
                        d.rmdir()
                continue
            atomic_write(target, files[target])
        except OSError as e:
            report.error(f"cannot write {target}: {e.strerror or e}")
            continue
        claimed.update(dict.fromkeys(files, path))
        report.output = target
    return reports


def _refused_by_check(target: Path, data: bytes, report: ImportReport) -> bool:
    """Read the source about to be written as ``build`` would, beside its images and under the
    folder's ``articlekit.toml``; what it refuses is an error of the import, and nothing is written."""
    trial = target.with_name(f"{TEMP_PREFIX}{os.getpid()}-{target.name}.tmp")
    try:
        trial.write_bytes(data)
        load(trial)
    except ArticleErrors as e:
        problems: list[ArticleError] = list(e.errors)
    except ArticlekitError as e:
        problems = [e] if isinstance(e, ArticleError) else [ArticleError(target, str(e))]
    else:
        problems = []
    finally:
        trial.unlink(missing_ok=True)
    for p in problems:
        where = f" (line {p.line} of the source it makes)" if p.line else ""
        report.error(f"the source it makes would be refused: {p.message}{where}")
    return bool(problems)


def _expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder as the files in it that import reads, in name order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in _KINDS))
        else:
            out.append(p)
    return out
