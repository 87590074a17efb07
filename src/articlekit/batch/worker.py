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

import ctypes
import hashlib
import os
import resource
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .._version import __version__
from ..api import load, local_images, render, warnings_for
from ..errors import ArticleError, ArticlekitError, ArticleWarning, InternalError, collecting_warnings, flatten
from ..fonts import find_book_face
from ..logs import libraries_to_debug
from ..options import WriteOptions
from ..read.config import CONFIG_NAME
from ..read.glyphs import book_coverage, installed_coverage
from ..read.reader import read_bytes
from ..render.templates import environment
from ..styles import find_style
from ..toolchain import fingerprint
from ..writers import get_format, get_writer
from ..writers.pdf.pages import page_count

if TYPE_CHECKING:
    from .inputs import Bundle

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
    #: The article's inputs as bytes, for a worker that cannot read the client's disk (a cluster's).
    bundle: Bundle | None = None


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
    #: For each format, the fingerprint of the libraries that made it (:func:`articlekit.toolchain.fingerprint`).
    toolchain: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    #: Peak resident memory of the process that rendered it so far (KiB), to watch workers grow.
    peak_rss_kib: int = 0


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def warm_up(formats: tuple[str, ...]) -> None:
    """Prepare a worker process once: import the writers, find the fonts, compile the templates.

    Run as the process pool's initializer, so that no article pays for it.
    """
    libraries_to_debug()  # a worker started afresh (not forked) has no handler yet
    for fmt in formats:
        get_writer(fmt)
    environment()
    installed_coverage()  # the reader looks up every article's characters in the installed fonts
    book_coverage()
    if "pdf" in formats:
        from ..writers.pdf.formulas import warm_up as load_math_face  # ziamath: only a PDF worker loads it

        find_book_face()
        load_math_face()  # ziamath and its math face, which draw the print edition's formulas


#: ``prctl`` option: the signal the kernel sends a process when the thread that forked it ends.
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None) -> None:
    """End this worker when ``parent`` (the build that forked it) ends, even by ``kill -9``.

    A worker left behind would go on rendering for minutes after the build is
    gone.  On Linux the kernel sends SIGKILL when the parent dies
    (``PR_SET_PDEATHSIG``); the parent may have died before that was set, so
    the parent's id is checked right after.  ``None`` when the worker was not
    forked by the build but by a fork server, which ends with the build.
    SIGTERM is given back its default action: the build's handler, inherited by
    the fork, turns it into an exception the pool would catch and carry on.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def start_worker(formats: tuple[str, ...], parent: int | None) -> None:
    """A local pool's initializer: tie the worker to its build (:func:`die_with_parent`), then :func:`warm_up`."""
    die_with_parent(parent)
    warm_up(formats)


def render_job(job: Job) -> Rendered:
    """Read ``job.source`` once and render each format from that one :class:`~articlekit.model.Article`.

    A format that fails does not take the others with it: its problems are
    recorded on its :class:`FormatOutput` and the other formats are still made.
    A job that carries its inputs (:attr:`Job.bundle`, a cluster's) is built
    from them alone, and names the client's files in what it returns.
    """
    if job.bundle is None:
        return _render(job, None)
    from .inputs import unpacked

    with unpacked(job.bundle) as here:
        options = replace(job.options, styles_dir=here.styles) if here.styles is not None else job.options
        rendered = _render(replace(job, source=here.source, options=options, bundle=None), job.bundle.source)
    return _renamed(rendered, job.source, here.rename)


def _renamed(rendered: Rendered, source: Path, rename: Callable[[str], str]) -> Rendered:
    """``rendered`` with each path of the worker's copy of the inputs replaced by the client's."""

    def problems(found: list[Problem]) -> list[Problem]:
        return [replace(p, text=rename(p.text), path=None if p.path is None else rename(p.path)) for p in found]

    rendered.source = source
    rendered.problems = problems(rendered.problems)
    rendered.warnings = [replace(w, path=Path(rename(str(w.path))), message=rename(w.message))
                         for w in rendered.warnings]
    rendered.inputs = {rename(path): digest for path, digest in rendered.inputs.items()}
    for out in rendered.outputs:
        out.problems = problems(out.problems)
    return rendered


def _render(job: Job, data: bytes | None) -> Rendered:
    """:func:`render_job` for a source on this machine's disk; ``data``, if given, is its content."""
    start = time.perf_counter()
    result = Rendered(job.source)
    try:
        if data is None:
            data = read_bytes(job.source, job.max_bytes)  # read once: the bytes parsed are the bytes hashed
        article = load(job.source, strict=job.strict, max_bytes=job.max_bytes, allow_remote=job.options.allow_remote,
                       data=data)
    except ArticlekitError as e:
        result.problems = [Problem.of(x) for x in flatten(e)]
        result.seconds = time.perf_counter() - start
        return result
    except Exception as e:  # a bug: one line, and the batch goes on
        result.problems = [Problem(f"{job.source}: internal error: {type(e).__name__}: {e}", 1)]
        result.seconds = time.perf_counter() - start
        return result
    result.slug = article.slug
    result.warnings = warnings_for(article.warnings, job.formats)
    inputs = {str(job.source): hashlib.sha256(data).hexdigest()}
    config = job.source.parent / CONFIG_NAME
    if config.is_file():
        inputs[str(config)] = _sha256(config)
    for extra in article.inputs:
        inputs[str(extra)] = _sha256(extra)
    for fmt in job.formats:
        t0 = time.perf_counter()
        out = FormatOutput(fmt, f"{article.slug}{get_format(fmt).extension}")
        try:
            with collecting_warnings() as written:
                out.data = render(fmt, article, job.options)
            result.warnings.extend(written)
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
    result.toolchain = {fmt: fingerprint(fmt) for fmt in job.formats}
    result.seconds = time.perf_counter() - start
    result.peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


def context_digest(fmt: str, options: WriteOptions, strict: bool) -> str:
    """What besides the input files decides an output's bytes: version, format and options."""
    key = f"{__version__}|{fmt}|{options!r}|strict={strict}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


__all__ = ["FormatOutput", "Job", "Problem", "Rendered", "context_digest", "die_with_parent", "render_job",
           "start_worker", "warm_up"]
