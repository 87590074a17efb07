"""The library API: what scripts call, and what the command line is a thin shell over.

>>> import articlekit
>>> article = articlekit.load("sources/how-north-korea-controls-its-internet.md")
>>> article.metadata.editors[0].degrees
'MA(IR)'
>>> html = articlekit.to_html(article)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import reader, transforms
from .errors import ArticleError, ArticleErrors, ArticlekitError, OutputError, flatten
from .model import Article
from .options import WriteOptions
from .output import atomic_write
from .writers import FORMATS, get_format, get_writer

SOURCE_SUFFIXES = (".md", ".markdown")


def load(
    path: str | Path,
    *,
    strict: bool = False,
    max_bytes: int = reader.DEFAULT_MAX_BYTES,
    allow_remote: bool = False,
) -> Article:
    """Read, validate and transform one source into an :class:`Article`.

    Raises :class:`~articlekit.errors.ArticlekitError` (one or several located
    problems) for a source that cannot be built.  With ``strict``, warnings such
    as a note that is never referenced are errors too.
    """
    path = Path(path)
    article = reader.read(path, max_bytes=max_bytes, allow_remote=allow_remote)
    transforms.apply_all(article)
    if strict and article.warnings:
        raise ArticleErrors([_warning_error(w) for w in article.warnings])
    return article


def _warning_error(text: str) -> ArticleError:
    where, _, message = text.partition(": ")
    path, _, line = where.partition(":")
    return ArticleError(path, message, int(line) if line.isdigit() else None)


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


def _path(p: str | Path | None) -> Path | None:
    return Path(p) if p is not None else None


def find_sources(paths: list[str | Path]) -> list[Path]:
    """Expand files and folders into the list of source files, in a stable order."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(q for q in p.iterdir() if q.suffix in SOURCE_SUFFIXES and not q.name.startswith(".")))
        else:
            found.append(p)
    return found


@dataclass
class ArticleResult:
    """What building one source produced: the files written, or the problems found."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    errors: list[ArticlekitError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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


def prepare_output(out_dir: Path, sources: list[Path]) -> None:
    """Create the output folder; refuse one that is a sources folder."""
    resolved = out_dir.resolve()
    for src in sources:
        if src.parent.resolve() == resolved:
            raise OutputError(f"{out_dir}: output folder is the sources folder; choose another with -o")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{out_dir}: cannot create output folder: {e.strerror or e}") from None
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: output path exists and is not a folder")


def build_one(
    source: Path,
    formats: list[str],
    out_dir: Path,
    options: WriteOptions,
    *,
    strict: bool = False,
    max_bytes: int = reader.DEFAULT_MAX_BYTES,
) -> ArticleResult:
    """Build one source into each format; all outputs are rendered before any is written."""
    result = ArticleResult(source)
    try:
        article = load(source, strict=strict, max_bytes=max_bytes, allow_remote=options.allow_remote)
        result.warnings = list(article.warnings)
        rendered = [(out_dir / f"{article.slug}{get_format(f).extension}", get_writer(f)(article, options)) for f in formats]
        for target, data in rendered:
            try:
                atomic_write(target, data)
            except OSError as e:
                raise OutputError(f"{target}: cannot write: {e.strerror or e}") from None
            result.outputs.append(target)
    except ArticlekitError as e:
        result.errors = flatten(e)
    return result


def build(
    sources: list[str | Path] | str | Path = "sources",
    formats: list[str] | tuple[str, ...] | str = ("html",),
    out_dir: str | Path = "dist",
    *,
    options: WriteOptions | None = None,
    strict: bool = False,
    max_bytes: int = reader.DEFAULT_MAX_BYTES,
    progress: object | None = None,
) -> BuildReport:
    """Build every source into every format; one bad article does not stop the others.

    ``progress``, if given, is called with each :class:`ArticleResult` as it is done.
    """
    if isinstance(sources, str | Path):
        sources = [sources]
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    formats = [f for f in FORMATS if f in formats] + [f for f in formats if f not in FORMATS]
    for f in formats:
        get_writer(f)  # refuse unknown or unavailable formats before any work
    options = options or WriteOptions()
    out = Path(out_dir)
    paths = find_sources(list(sources))
    prepare_output(out, paths)
    report = BuildReport()
    for src in paths:
        res = build_one(src, list(formats), out, options, strict=strict, max_bytes=max_bytes)
        report.results.append(res)
        if callable(progress):
            progress(res)
    return report


def check(sources: list[str | Path] | str | Path = "sources", *, strict: bool = False,
          max_bytes: int = reader.DEFAULT_MAX_BYTES) -> BuildReport:
    """Validate sources without writing anything; every problem is reported."""
    if isinstance(sources, str | Path):
        sources = [sources]
    report = BuildReport()
    for src in find_sources(list(sources)):
        res = ArticleResult(src)
        try:
            res.warnings = load(src, strict=strict, max_bytes=max_bytes).warnings
        except ArticlekitError as e:
            res.errors = flatten(e)
        report.results.append(res)
    return report
