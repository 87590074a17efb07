"""Editions: many articles gathered into one print book and one ebook.

``build_edition("editions/2018-q2.yaml", ["pdf", "epub"], "dist")`` reads the
edition file (:mod:`.loader`), lays out the print book once (the edition's PDF,
:mod:`articlekit.writers.pdf.edition`), and from that layout gives every article
its first and last page.  Those pages flow back: ``jats`` and ``html`` write each
article's own JATS (``<volume>``, ``<issue>``, ``<fpage>``, ``<lpage>``, the
edition's ISSN) and web page (``citation_volume`` … ``citation_lastpage``).  The
article writers stay pure functions of an article: the pages are set on a copy
of its metadata (:func:`with_pages`).  Per-article files are made in parallel
worker processes, like a batch build.

``offprints`` come from the same print run, not from the article PDF writer:
each article's offprint is its pages of the laid-out book (the same lines, page
breaks, running heads and page numbers), written as a PDF of its own with the
article's title, authors and XMP, its own outline and only the links that stay
within its pages (:mod:`articlekit.writers.pdf.offprints`).  They cost no
layout of their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..api import LINKED_FORMATS, local_images, prepare_output, warnings_for
from ..cpus import usable_cpus
from ..errors import ArticlekitError, ArticleWarning, UnsupportedFormatError, flatten
from ..manifest import OutputFolder
from ..model import Article
from ..model.edition import ArticlePages, Edition, EditionArticle, EditionSection, FrontPiece, with_pages
from ..options import WriteOptions
from ..writers import get_writer
from ..writers.pdf.pages import page_count
from .loader import load_edition

#: What ``build_edition`` can write.  ``pdf`` and ``epub`` are the edition itself; ``jats`` and
#: ``html`` are each article's own files with the edition's volume, issue and pages; ``crossref`` and
#: ``doaj`` are the edition's registry records: one file each for the whole issue, every article in it
#: with its pages in print.
EDITION_FORMATS = ("pdf", "epub", "jats", "html", "crossref", "doaj")
#: The formats whose files need the print layout (for the pages).
_NEEDS_PAGES = frozenset({"pdf", "jats", "html", "crossref", "doaj"})
#: Each per-article file: the writer that makes it and its suffix.
_WRITER = {"jats": "jats", "html": "html"}
_EXTENSION = {"jats": ".xml", "html": ".html"}


@dataclass
class EditionReport:
    """What one edition build wrote, and where each article fell in print."""

    edition: Path
    outputs: list[Path] = field(default_factory=list)
    pages: list[ArticlePages] = field(default_factory=list)
    warnings: list[ArticleWarning] = field(default_factory=list)
    #: ``(step, seconds)`` in the order they ran.
    steps: list[tuple[str, float]] = field(default_factory=list)
    page_count: int | None = None
    #: What could not be made (a registry record missing a fact): the other files are still written.
    errors: list[ArticlekitError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, object]:
        """The report for programs (``articlekit edition --report report.json``)."""
        return {
            "edition": str(self.edition),
            "page_count": self.page_count,
            "articles": [{"slug": p.slug, "first_page": p.first, "last_page": p.last} for p in self.pages],
            "outputs": [{"path": str(o), "size": o.stat().st_size if o.is_file() else None} for o in self.outputs],
            "warnings": [w.as_dict() for w in self.warnings],
            "errors": [str(e) for e in self.errors],
            "steps": [{"step": name, "seconds": round(seconds, 3)} for name, seconds in self.steps],
        }

    def summary(self) -> str:
        took = sum(s for _, s in self.steps)
        pages = f", {self.page_count} pages" if self.page_count else ""
        return (f"{self.edition}: {len(self.pages) or 'no'} article page ranges{pages}, "
                f"{len(self.outputs)} file(s) written in {took:.1f} s")


def _normalise(formats: Iterable[str] | str) -> tuple[str, ...]:
    names = [f.strip().lower() for f in ([formats] if isinstance(formats, str) else formats) for f in f.split(",")]
    names = [n for n in names if n]
    for n in names:
        if n not in EDITION_FORMATS:
            raise UnsupportedFormatError(f"unknown edition format {n!r}: choose from {', '.join(EDITION_FORMATS)}")
    return tuple(dict.fromkeys(names))


def _render(article: Article, fmt: str, options: WriteOptions) -> tuple[bytes, list[tuple[str, bytes]]]:
    """One article's file in one format (run in a worker), with the images HTML and JATS link to."""
    data = get_writer(fmt)(article, options)
    images = local_images(article, options) if fmt in LINKED_FORMATS else []
    return data, images


#: One file to write: where, its bytes, and the source it was made from (for the manifest).
_File = tuple[Path, bytes, Path]


def build_edition(
    path: str | Path,
    formats: Iterable[str] | str = ("pdf", "epub"),
    out_dir: str | Path = "dist",
    *,
    offprints: bool = False,
    options: WriteOptions | None = None,
    sources_dir: str | Path | None = None,
    strict: bool = False,
    force: bool = False,
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[str], None] | None = None,
) -> EditionReport:
    """Build an edition into ``out_dir``: ``<edition>.pdf``, ``<edition>.epub``, per article
    ``<slug>.xml`` / ``<slug>.html`` (``jats``, ``html``) and ``<slug>.pdf`` (``offprints``: its pages of the
    book), and
    ``<edition>.crossref.xml`` / ``<edition>.doaj.xml`` (``crossref``, ``doaj``) for the whole issue.

    A registry record that is refused (a fact it needs is not stated) is in
    ``report.errors``, and every other file is still written.

    Raises :class:`~articlekit.errors.ArticlekitError` for an edition that cannot
    be built (its file's problems with their lines, or its articles').  ``progress``
    is called with one line per step.

    The steps: read the edition; lay out the print book, which gives every article
    its pages (and its offprint, from the same layout); make the ebook; make each
    article's own files with those pages; write everything into the output folder
    at once.
    """
    fmts = _normalise(formats)
    if not fmts and not offprints:
        raise UnsupportedFormatError(f"no format to build: choose from {', '.join(EDITION_FORMATS)}")
    options = options or WriteOptions()
    out = Path(out_dir)
    say = progress or (lambda _line: None)
    report = EditionReport(Path(path))

    with _step(report, "load"):
        edition = load_edition(path, sources_dir=sources_dir, strict=strict, jobs=jobs)
        report.warnings = warnings_for(edition.warnings, fmts)
    say(f"{path}: read {len(edition.articles)} articles in {len(edition.sections)} section(s)")
    prepare_output(out, [a.source for a in edition.articles], [edition.path.parent])
    files: list[_File] = []
    if _NEEDS_PAGES.intersection(fmts) or offprints:
        with _step(report, "pdf"):
            pdf, own = _lay_out(edition, options, report, offprints)
        say(f"{path}: laid out {report.page_count} pages; "
            + ", ".join(f"{p.slug} pp. {p.first}\u2013{p.last}" for p in report.pages))
        if "pdf" in fmts:
            files.append((out / f"{edition.slug}.pdf", pdf, edition.path))
        if offprints:
            say(f"{path}: made {len(own)} offprint(s) from the edition's pages")
    if "epub" in fmts:
        with _step(report, "epub"):
            files.append((out / f"{edition.slug}.epub", _ebook(edition, options), edition.path))
        say(f"{path}: made the EPUB")
    per_article = [f for f in ("jats", "html") if f in fmts]
    if per_article:
        with _step(report, "articles"):
            files += _article_files(edition, report.pages, per_article, out, options, jobs, executor)
        say(f"{path}: made {len(edition.articles) * len(per_article)} article file(s) ({', '.join(per_article)})"
            " with the edition's pages")
    if offprints:
        files += [(out / f"{item.slug}.pdf", own[item.slug], item.source) for item in edition.articles]
    for registry in (f for f in ("crossref", "doaj") if f in fmts):
        with _step(report, registry):
            try:
                files.append((out / f"{edition.slug}.{registry}.xml", _record(registry, edition, report.pages,
                                                                           options), edition.path))
            except ArticlekitError as e:  # refused: the edition's other files are still written
                report.errors += flatten(e)
                continue
        say(f"{path}: made the {registry} record of {len(edition.articles)} articles")
    _write(files, out, force, report)
    say(report.summary())
    return report


def _record(registry: str, edition: Edition, pages: list[ArticlePages], options: WriteOptions) -> bytes:
    """The edition's Crossref deposit or DOAJ records, one file for the whole issue."""
    if registry == "crossref":
        from ..writers.deposit.crossref import edition_to_crossref

        return edition_to_crossref(edition, pages, schema=options.crossref_schema)
    from ..writers.deposit.doaj import edition_to_doaj

    return edition_to_doaj(edition, pages)


@contextmanager
def _step(report: EditionReport, name: str) -> Iterator[None]:
    """Time one step of the build into ``report.steps`` (only when it completes)."""
    started = time.perf_counter()
    yield
    report.steps.append((name, time.perf_counter() - started))


def _lay_out(edition: Edition, options: WriteOptions, report: EditionReport,
             offprints: bool) -> tuple[bytes, dict[str, bytes]]:
    """The print book, once: its bytes and (with ``offprints``) each article's offprint by slug, and each
    article's pages and the page count into ``report``."""
    from ..writers.pdf.edition import print_edition  # WeasyPrint: loaded only when a book is laid out

    made = print_edition(edition, options, offprints=offprints)
    report.pages = made.pages
    report.page_count = page_count(made.pdf)
    return made.pdf, made.offprints


def _ebook(edition: Edition, options: WriteOptions) -> bytes:
    try:
        from ..writers.epub.edition import edition_to_epub  # an installation may leave the EPUB out
    except ImportError:
        raise UnsupportedFormatError("this installation cannot write an edition's EPUB") from None
    return edition_to_epub(edition, options)


def _article_files(edition: Edition, pages: list[ArticlePages], per_article: list[str], out: Path,
                   options: WriteOptions, jobs: int | None, executor: Executor | None) -> list[_File]:
    """Each article's own files (``per_article``) with the edition's pages, made in worker processes,
    and the images the HTML and JATS link to."""
    placed = [(item, with_pages(item.article, edition, p)) for item, p in zip(edition.articles, pages, strict=True)]
    jobs_list = [(item, art, fmt) for item, art in placed for fmt in per_article]
    own = None
    if executor is None:
        workers = min(jobs or usable_cpus(), len(jobs_list))
        own = executor = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        if executor is None:
            results = [_render(art, _WRITER[fmt], options) for _, art, fmt in jobs_list]
        else:
            futures = [executor.submit(_render, art, _WRITER[fmt], options) for _, art, fmt in jobs_list]
            results = [f.result() for f in futures]
    finally:
        if own is not None:
            own.shutdown(wait=True)
    files: list[_File] = []
    for (item, _, fmt), (data, images) in zip(jobs_list, results, strict=True):
        files.append((out / f"{item.slug}{_EXTENSION[fmt]}", data, item.source))
        files.extend((out / rel, image, item.source) for rel, image in images)
    return files


def _write(files: list[_File], out: Path, force: bool, report: EditionReport) -> None:
    """Write every file into the output folder (an image two articles share, once)."""
    with OutputFolder(out, force=force) as folder:
        seen: set[Path] = set()
        for target, data, source in files:
            if target in seen:
                continue
            seen.add(target)
            folder.write(target, data, source=source)
            report.outputs.append(target)


__all__ = ["EDITION_FORMATS", "ArticlePages", "Edition", "EditionArticle", "EditionReport", "EditionSection",
           "FrontPiece", "build_edition", "with_pages"]
