"""What one worker does for one article: read it once, render every format, return the bytes.

A worker never writes into the output folder: it returns the bytes of each
output (and of each local image the HTML and JATS link to), and the process
that owns the folder writes them.  So a worker may run in this process, in a
local process pool or on another machine of a Dask cluster, with no shared
file system, and the results are the same bytes.

Everything a worker returns is plain data that pickles (no exception objects,
whose constructors do not survive pickling): each problem travels as a
:class:`Problem` and is turned back into an error by the caller.
"""

from __future__ import annotations

import hashlib
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

from .._version import __version__
from ..api import load, local_images, render
from ..errors import ArticleError, ArticlekitError, ArticleWarning, InternalError, flatten
from ..fonts import find_book_face
from ..options import WriteOptions
from ..read.config import CONFIG_NAME
from ..read.glyphs import book_coverage, installed_coverage
from ..render.templates import environment
from ..styles import find_style
from ..writers import get_format, get_writer
from ..writers.pdf.pages import page_count

#: Formats whose output refers to image files beside it (EPUB and PDF embed theirs).
LINKED_FORMATS = frozenset({"html", "jats"})


@dataclass(frozen=True)
class Problem:
    """One reported line: the text the CLI prints, where it is, and the exit code it implies."""

    text: str
    exit_code: int = 2
    path: str | None = None
    line: int | None = None

    @classmethod
    def of(cls, error: ArticlekitError) -> Problem:
        if isinstance(error, ArticleError):
            return cls(str(error), error.exit_code, str(error.path), error.line)
        return cls(str(error), error.exit_code)

    def error(self) -> ArticlekitError:
        """The problem as an exception again, for callers that raise or collect errors."""
        if self.path is not None:
            return _Reported(self.text, self.exit_code, self.path, self.line)
        if self.exit_code == 1:
            return InternalError(self.text)
        return ArticlekitError(self.text)


class _Reported(ArticleError):
    """An :class:`ArticleError` rebuilt from its printed line (which it prints unchanged)."""

    def __init__(self, text: str, exit_code: int, path: str, line: int | None) -> None:
        super().__init__(path, text, line)
        self.text = text
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Job:
    """One article to build: the source and how to build it."""

    source: Path
    formats: tuple[str, ...]
    options: WriteOptions = field(default_factory=WriteOptions)
    strict: bool = False
    max_bytes: int = 20 * 1024 * 1024


@dataclass
class FormatOutput:
    """One format of one article: its bytes, or why it could not be made."""

    format: str
    name: str
    data: bytes | None = None
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    pages: int | None = None

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.problems


@dataclass
class Rendered:
    """Everything a worker made of one article."""

    source: Path
    slug: str | None = None
    outputs: list[FormatOutput] = field(default_factory=list)
    #: Local images the linked formats refer to: (path relative to the output folder, bytes).
    images: list[tuple[str, bytes]] = field(default_factory=list)
    #: Problems that stop every format (the source cannot be read).
    problems: list[Problem] = field(default_factory=list)
    warnings: list[ArticleWarning] = field(default_factory=list)
    #: The files the outputs were made from, with their SHA-256 (source, images, styles, config).
    inputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    #: Peak resident memory of the process that rendered it so far (KiB), to watch workers grow.
    peak_rss_kib: int = 0


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def warm_up(formats: tuple[str, ...]) -> None:
    """Prepare a worker process once: import the writers, find the fonts, compile the templates.

    Run as the process pool's initializer, so that no article pays for it.
    """
    for fmt in formats:
        get_writer(fmt)
    environment()
    installed_coverage()  # the reader looks up every article's characters in the installed fonts
    book_coverage()
    if "pdf" in formats:
        from ..writers.pdf.formulas import warm_up as load_math_face  # ziamath: only a PDF worker loads it

        find_book_face()
        load_math_face()  # ziamath and its math face, which draw the print edition's formulas


def render_job(job: Job) -> Rendered:
    """Read ``job.source`` once and render each format from that one :class:`~articlekit.model.Article`.

    A format that fails does not take the others with it: its problems are
    recorded on its :class:`FormatOutput` and the other formats are still made.
    """
    start = time.perf_counter()
    result = Rendered(job.source)
    try:
        article = load(job.source, strict=job.strict, max_bytes=job.max_bytes, allow_remote=job.options.allow_remote)
    except ArticlekitError as e:
        result.problems = [Problem.of(x) for x in flatten(e)]
        result.seconds = time.perf_counter() - start
        return result
    except Exception as e:  # a bug: one line, and the batch goes on
        result.problems = [Problem(f"{job.source}: internal error: {type(e).__name__}: {e}", 1)]
        result.seconds = time.perf_counter() - start
        return result
    result.slug = article.slug
    result.warnings = list(article.warnings)
    inputs = {str(job.source): _sha256(job.source)}
    config = job.source.parent / CONFIG_NAME
    if config.is_file():
        inputs[str(config)] = _sha256(config)
    for fmt in job.formats:
        t0 = time.perf_counter()
        out = FormatOutput(fmt, f"{article.slug}{get_format(fmt).extension}")
        try:
            out.data = render(fmt, article, job.options)
            if fmt == "pdf":
                out.pages = page_count(out.data)
        except ArticlekitError as e:
            out.problems = [Problem.of(x) for x in flatten(e)]
        out.seconds = time.perf_counter() - t0
        result.outputs.append(out)
        style = {"html": "html.css", "epub": "epub.css", "pdf": "print.css"}.get(fmt)
        if style:
            path = find_style(style, job.options.styles_dir, article.styles_dir)
            inputs[str(path)] = _sha256(path)
    if LINKED_FORMATS.intersection(job.formats):
        try:
            result.images = local_images(article, job.options)
        except ArticlekitError as e:
            for out in result.outputs:
                if out.format in LINKED_FORMATS:
                    out.problems += [Problem.of(x) for x in flatten(e)]
                    out.data = None
    for rel, data in result.images:
        inputs[str(job.source.parent / rel)] = hashlib.sha256(data).hexdigest()
    result.inputs = inputs
    result.seconds = time.perf_counter() - start
    result.peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


def context_digest(fmt: str, options: WriteOptions, strict: bool) -> str:
    """What besides the input files decides an output's bytes: version, format and options."""
    key = f"{__version__}|{fmt}|{options!r}|strict={strict}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


__all__ = ["FormatOutput", "Job", "Problem", "Rendered", "context_digest", "render_job", "warm_up"]
