"""The library API for one article: read it, check it, write each format.

Building many sources into an output folder (in parallel, incrementally) is
:mod:`articlekit.batch`, which uses these functions.

>>> import articlekit
>>> article = articlekit.load("sources/how-north-korea-controls-its-internet.md")
>>> article.metadata.editors[0].degrees
'MA(IR)'
>>> html = articlekit.to_html(article)
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import (
    ArticleError,
    ArticleErrors,
    ArticlekitError,
    ArticleWarning,
    InternalError,
    OutputError,
    UnsupportedFormatError,
    flatten,
)
from .model import Article, Deposit
from .model.edition import ArticlePages, Edition
from .options import WriteOptions
from .read import safety
from .read.bounds import DEFAULT_MAX_BYTES
from .tree import iter_inlines
from .writers import get_writer

SOURCE_SUFFIXES = (".md", ".markdown")


def load(
    path: str | Path,
    *,
    strict: bool | Collection[str] = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_remote: bool = False,
    data: bytes | None = None,
) -> Article:
    """Read, validate and transform one source into an :class:`Article`.

    Raises :class:`~articlekit.errors.ArticlekitError` for a source that cannot
    be built: an :class:`~articlekit.errors.ArticleErrors` holding every located
    problem of the file, front matter and body together and sorted by line, or
    an :class:`~articlekit.errors.ArticleError` when there is only one to tell
    (a file that cannot be read, a source without front matter).  With
    ``strict``, warnings such as a note that is never referenced are errors too:
    every warning when ``strict`` is true, or those whose code it names
    (``strict={"note-unreferenced"}``; the codes are :data:`~articlekit.errors.WARNING_CODES`).
    ``data`` is the source's content when it has been read already; ``path``
    then names it and its folder (config, images).
    """
    from . import transforms  # pydantic and pandoc's wrapper: imported when a source is read
    from .read import reader

    path = Path(path)
    article = reader.read(path, max_bytes=max_bytes, allow_remote=allow_remote, data=data)
    transforms.apply_all(article)
    promoted = [w for w in article.warnings if strict is True or (strict and w.code in strict)]
    if promoted:
        raise ArticleErrors([w.as_error() for w in promoted])
    return article


#: The one warning that concerns the JATS alone: a build that writes no JATS leaves it out, as
#: the other formats print no rights they were not given.
_JATS_ONLY = "no-permissions"


def warnings_for(warnings: Iterable[ArticleWarning], formats: Iterable[str]) -> list[ArticleWarning]:
    """The warnings that concern a build of ``formats``: the JATS's own only when it writes JATS."""
    jats = "jats" in set(formats)
    return [w for w in warnings if jats or w.code != _JATS_ONLY]


def to_html(article: Article, *, fragment: bool = False, styles_dir: str | Path | None = None) -> str:
    """The article as a standalone HTML5 page, or only its ``<article>`` element."""
    from .writers.html import to_html as _to_html

    return _to_html(article, WriteOptions(fragment=fragment, styles_dir=_path(styles_dir)))


def to_jats(article: Article, **options: object) -> bytes:
    """The article as JATS 1.3 XML."""
    return get_writer("jats")(article, WriteOptions(**options))  # type: ignore[arg-type]


def to_epub(article: Article, **options: object) -> bytes:
    """The article as an EPUB 3 file."""
    return get_writer("epub")(article, WriteOptions(**options))  # type: ignore[arg-type]


def to_pdf(article: Article, **options: object) -> bytes:
    """The article as a print-ready PDF."""
    return get_writer("pdf")(article, WriteOptions(**options))  # type: ignore[arg-type]


def to_crossref(subject: Article | Edition, deposit: Deposit | None = None, *, schema: str | None = None,
                pages: Iterable[ArticlePages] | None = None) -> bytes:
    """A Crossref deposit (``doi_batch``) of one article, or of an edition as one issue.

    ``deposit`` is who deposits (:class:`~articlekit.model.Deposit`); by default the
    ``[deposit]`` table of the ``articlekit.toml`` beside the (first) article.
    ``schema`` is "5.3.1" (the default) or "5.4.0".  An edition's deposit gives
    every article its pages in the edition's print layout: ``pages`` as
    ``build_edition`` reports them, or, when not given, from laying the book out
    here (which takes as long as making its PDF).  Raises
    :class:`~articlekit.errors.ArticleErrors` naming each fact the deposit needs and
    the sources do not state (a DOI, the depositor …), and where to state it.
    """
    from .writers.deposit import crossref

    if isinstance(subject, Edition):
        return crossref.edition_to_crossref(subject, _edition_pages(subject, pages), deposit, schema)
    return crossref.to_crossref(subject, deposit, schema)


def to_doaj(subject: Article | Edition, deposit: Deposit | None = None, *,
            pages: Iterable[ArticlePages] | None = None) -> bytes:
    """A DOAJ article record file (``<records>``) of one article, or of every article of an edition.

    As :func:`to_crossref`: an edition's records carry each article's pages in print.
    """
    from .writers.deposit import doaj

    if isinstance(subject, Edition):
        return doaj.edition_to_doaj(subject, _edition_pages(subject, pages), deposit)
    return doaj.to_doaj(subject, deposit)


def _edition_pages(edition: Edition, pages: Iterable[ArticlePages] | None) -> list[ArticlePages]:
    if pages is not None:
        return list(pages)
    from .writers.pdf.edition import edition_to_pdf  # WeasyPrint: the pages come from the print layout

    return edition_to_pdf(edition)[1]


def _path(p: str | Path | None) -> Path | None:
    return Path(p) if p is not None else None


def _is_folder_of_sources(p: Path) -> bool:
    # A folder named like a source ("article.md/") is a source that is wrongly a folder.
    return p.is_dir() and p.suffix not in SOURCE_SUFFIXES


def find_sources(paths: list[str | Path]) -> list[Path]:
    """Expand files and folders into the list of source files, in a stable order.

    Inside a folder, every entry named ``*.md`` or ``*.markdown`` is taken, even
    a broken link or a folder, so that the reader reports it instead of it being
    skipped in silence.
    """
    found: list[Path] = []
    for p in map(Path, paths):
        if _is_folder_of_sources(p):
            found.extend(sorted(q for q in p.iterdir() if q.suffix in SOURCE_SUFFIXES and not q.name.startswith(".")))
        else:
            found.append(p)
    return found


def empty_folders(paths: list[str | Path]) -> list[ArticleResult]:
    """An error result for each folder named on the command line that holds no source."""
    return [
        ArticleResult(Path(p), errors=[ArticleError(p, "no sources (*.md or *.markdown) in this folder")])
        for p in paths
        if _is_folder_of_sources(Path(p)) and not find_sources([p])
    ]


@dataclass
class ArticleResult:
    """What building one source produced: the files written, or the problems found."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    errors: list[ArticlekitError] = field(default_factory=list)
    warnings: list[ArticleWarning] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class BuildReport:
    results: list[ArticleResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def errors(self) -> list[ArticlekitError]:
        return [e for r in self.results for e in r.errors]


def prepare_output(out_dir: Path, sources: list[Path], folders: Iterable[Path] = ()) -> None:
    """Refuse an output folder that is a sources folder (it would mix outputs into the sources)."""
    resolved = out_dir.resolve()
    for src_dir in {*(s.parent.resolve() for s in sources), *(f.resolve() for f in folders)}:
        if src_dir == resolved:
            raise OutputError(f"{out_dir}: output folder is the sources folder; choose another with -o")


#: Formats whose output refers to image files beside it (EPUB and PDF embed theirs).
LINKED_FORMATS = frozenset({"html", "jats"})


def local_images(article: Article, options: WriteOptions) -> list[tuple[str, bytes]]:
    """The article's local image files, as (path relative to the output folder, bytes).

    HTML and JATS refer to images by the path the source wrote, so a build copies
    each file to that same relative place beside its outputs.
    """
    policy = safety.Policy(article.source_dir, allow_remote=options.allow_remote)
    refs = [article.metadata.image.src] if article.metadata.image and article.metadata.image.src else []
    refs += [n["c"][2][0] for n in iter_inlines([*article.body, *(b for n in article.notes for b in n.blocks)])
             if n["t"] == "Image"]
    found: dict[str, bytes] = {}
    for ref in refs:
        if safety.is_remote(ref):
            continue
        rel = posixpath.normpath(unquote(urlsplit(ref).path))
        if rel not in found:
            try:
                found[rel] = Path(safety.resolve_resource(ref, policy)).read_bytes()
            except (safety.AccessDenied, OSError) as e:
                raise ArticleError(article.path, f"image {ref!r}: {e}") from None
    return sorted(found.items())


def render(fmt: str, article: Article, options: WriteOptions) -> bytes:
    """One format's bytes; a writer's unexpected exception becomes one :class:`InternalError` line."""
    writer = get_writer(fmt)
    try:
        return writer(article, options)
    except ArticlekitError:
        raise
    except Exception as e:  # a bug, or a limit the writer hit: one line, not a traceback
        raise InternalError(f"{article.path}: internal error in the {fmt} writer: {_describe(e)}") from e


def _describe(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    return text if len(text) <= 300 else text[:299] + "\u2026"


def check(sources: list[str | Path] | str | Path = "sources", *, strict: bool | Collection[str] = False,
          max_bytes: int = DEFAULT_MAX_BYTES, allow_remote: bool = False,
          for_formats: Iterable[str] = ()) -> BuildReport:
    """Validate sources without writing anything (or fetching anything); every problem is reported.

    ``allow_remote`` accepts http(s) images the way ``build`` would with it; they
    are still not fetched.  ``for_formats`` names registry records ("crossref",
    "doaj") whose requirements are checked too: each fact a deposit needs and a
    source does not state is reported as the build would refuse it.
    """
    registries = _registries(for_formats)
    if isinstance(sources, str | Path):
        sources = [sources]
    report = BuildReport(empty_folders(list(sources)))
    for src in find_sources(list(sources)):
        res = ArticleResult(src)
        try:
            article = load(src, strict=strict, max_bytes=max_bytes, allow_remote=allow_remote)
            res.warnings = article.warnings
            res.errors = deposit_problems(article, registries)
        except ArticlekitError as e:
            res.errors = flatten(e)
        except Exception as e:  # a bug: one line, and the other sources are still checked
            res.errors = [InternalError(f"{src}: internal error: {_describe(e)}")]
        report.results.append(res)
    return report


def _registries(formats: Iterable[str]) -> list[str]:
    from .writers.deposit import REGISTRIES

    names = list(dict.fromkeys(formats))
    for name in names:
        if name not in REGISTRIES:
            raise UnsupportedFormatError(f"check --for {name!r}: choose from {', '.join(REGISTRIES)}")
    return names


def deposit_problems(article: Article, registries: Iterable[str]) -> list[ArticlekitError]:
    """What each registry record in ``registries`` needs and ``article`` does not state (as the build refuses it)."""
    from .writers.deposit import requirements

    found: dict[str, ArticlekitError] = {}
    for registry in registries:
        for problem in requirements(article, registry):
            found.setdefault(str(problem), problem)
    return list(found.values())
