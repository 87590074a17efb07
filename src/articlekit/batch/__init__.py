"""Many articles at once: a back catalogue built on every core, or on a cluster.

Each article is read and parsed once, in a worker, and every requested format
is rendered from that one :class:`~articlekit.model.Article`
(:mod:`.worker`).  Workers return bytes; this process alone writes into the
output folder, through the same :class:`~articlekit.manifest.OutputFolder` as
a single build, so writes stay atomic and nothing articlekit did not write is
ever replaced.  Any :class:`concurrent.futures.Executor` can run the workers:
a local process pool by default, or a Dask cluster's executor, whose workers
get each article's inputs as bytes (:mod:`.inputs`) and read nothing of this
machine's disk.

An article whose outputs were made from what is there now is skipped (its
warnings reported again): the manifest records, for each output, the SHA-256 of each input file
(source, images, styles, config), a digest of the version and options, and the
fingerprint of the libraries that made it (:mod:`.incremental`).

::

    from articlekit.batch import build_many
    report = build_many(["sources"], ["html", "pdf"], "dist", jobs=4)
    print(report.summary())
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..api import ArticleResult, BuildReport, empty_folders, find_sources, prepare_output, warnings_for
from ..cpus import usable_cpus
from ..errors import ArticlekitError, ArticleWarning, OutputError, flatten
from ..manifest import OutputFolder, sha256_file
from ..options import WriteOptions
from ..read.bounds import DEFAULT_MAX_BYTES
from ..toolchain import fingerprint
from ..writers import FORMATS, get_format, get_writer
from .incremental import Fingerprints, made_from, recorded_warnings, up_to_date
from .worker import LINKED_FORMATS, Job, Problem, Rendered, render_job, start_worker


@dataclass
class FormatResult:
    """One format of one article in a batch."""

    format: str
    #: "built", "failed" or "skipped" (up to date).
    status: str
    path: Path | None = None
    size: int | None = None
    pages: int | None = None
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


@dataclass
class BatchResult(ArticleResult):
    """An article's result with what became of each format."""

    formats: dict[str, FormatResult] = field(default_factory=dict)
    skipped: bool = False
    seconds: float = 0.0
    #: Peak memory of the worker that built it, when it was done (KiB).
    peak_rss_kib: int = 0

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        if not self.formats or all(f.status == "failed" for f in self.formats.values()):
            return "failed" if self.errors else "built"
        return "partial" if any(f.status == "failed" for f in self.formats.values()) else "built"


@dataclass
class BatchReport(BuildReport):
    """Every article's result, and the figures of the whole run."""

    results: list[BatchResult] = field(default_factory=list)  # type: ignore[assignment]
    wall_seconds: float = 0.0
    #: The worker processes that built articles: none when every article was up to date, one when
    #: a single article ran in this process, else as many as ran at once (at most ``jobs``).
    jobs: int = 0
    #: The batch's Crossref deposit (``--crossref-batch``): one file, or several when one would be over 10 MB.
    deposits: list[Path] = field(default_factory=list)
    #: Why the batch deposit could not be made (the articles' own files are written all the same).
    deposit_errors: list[ArticlekitError] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def peak_worker_mib(self) -> float:
        """The largest resident memory any worker reached (MiB)."""
        return max((r.peak_rss_kib for r in self.results), default=0) / 1024

    @property
    def warning_count(self) -> int:
        return sum(len(r.warnings) for r in self.results)

    @property
    def articles_per_hour(self) -> float:
        made = self.count("built") + self.count("partial")
        return made / self.wall_seconds * 3600 if self.wall_seconds > 0 else 0.0

    def summary(self) -> str:
        """One line: built, failed, skipped, warnings, wall time, and the workers and rate when any article was made.

        "2 built, 0 failed, 1 skipped (up to date), 1 warning, 4.1 s on 2 workers, 1,756 articles/hour";
        a run that made nothing has no workers and no rate to tell.
        """
        built = self.count("built")
        partial = self.count("partial")
        parts = [f"{built} built"]
        if partial:
            parts.append(f"{partial} partly built")
        parts += [
            f"{self.count('failed')} failed",
            f"{self.count('skipped')} skipped (up to date)",
            plural(self.warning_count, "warning"),
        ]
        if self.jobs and built + partial:
            parts += [f"{self.wall_seconds:.1f} s on {plural(self.jobs, 'worker')}",
                      f"{self.articles_per_hour:,.0f} articles/hour"]
        else:
            parts.append(f"{self.wall_seconds:.1f} s")
        return ", ".join(parts)


def plural(count: int, noun: str) -> str:
    """ "1 warning", "2 warnings", "0 warnings"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class _InlineExecutor(Executor):
    """Runs each job at once in this process: ``-j 1``, and no process start-up."""

    def submit(self, fn: Callable[..., object], /, *args: object, **kwargs: object) -> Future[object]:
        future: Future[object] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt | SystemExit):
                raise
            future.set_exception(e)
        return future


def _normalise_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    formats = list(formats)
    ordered = [f for f in FORMATS if f in formats] + [f for f in formats if f not in FORMATS]
    for f in ordered:
        get_format(f)
        get_writer(f)  # refuse unknown or unavailable formats before any work
    return tuple(ordered)


#: Articles a local worker renders before a fresh process takes its place.  A worker keeps about
#: 1 MiB of native memory per PDF (in the text layout libraries, not in Python objects, so nothing
#: articlekit holds can free it); a fresh pool after every 100 articles a worker keeps its peak
#: near 260 MiB over a batch of any length, for one warm-up (about a second) per round.
#: (Not ``max_tasks_per_child``: with it, Python 3.11's pool can stop starting workers and hang.)
ARTICLES_PER_WORKER = 100


def build_many(
    sources: Iterable[str | Path] | str | Path = "sources",
    formats: Iterable[str] | str = tuple(f for f in FORMATS if not FORMATS[f].on_request),
    out_dir: str | Path = "dist",
    *,
    options: WriteOptions | None = None,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    force: bool = False,
    jobs: int | None = None,
    executor: Executor | None = None,
    incremental: bool = True,
    progress: Callable[[BatchResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    worker_articles: int = ARTICLES_PER_WORKER,
    crossref_batch: bool = False,
) -> BatchReport:
    """Build every source into every format, in parallel; one bad article does not stop the others.

    ``jobs`` is the number of worker processes (default: the usable CPUs; 1 runs
    everything in this process).  ``executor``, if given, runs the workers
    instead (any :class:`concurrent.futures.Executor`, such as
    ``dask.distributed.Client(address).get_executor()``); it is not shut down.
    With ``incremental`` an article whose outputs are up to date is skipped;
    ``force`` rebuilds everything and may replace files articlekit did not write.
    ``on_start`` is called once with the number of articles, ``progress`` with
    each article's result as it is done.  In a long batch each local worker is
    replaced by a fresh one after ``worker_articles`` articles (see
    :data:`ARTICLES_PER_WORKER`).  With ``crossref_batch`` (and ``crossref`` among the
    formats) the articles' Crossref deposits are also gathered into one deposit for
    the batch, ``crossref-batch.xml`` (``crossref-batch-1.xml`` … when one file would
    be over the 10 MB Crossref takes).
    """
    started = time.perf_counter()
    if isinstance(sources, str | Path):
        sources = [sources]
    sources = list(sources)
    fmts = _normalise_formats(formats)
    options = options or WriteOptions()
    out = Path(out_dir)
    paths = find_sources(sources)
    prepare_output(out, paths, [Path(p) for p in sources if Path(p).is_dir()])
    report = BatchReport()
    for res in empty_folders(sources):
        _done(report, BatchResult(res.source, errors=res.errors), progress)
    if not paths:
        report.wall_seconds = time.perf_counter() - started
        return report
    if on_start:
        on_start(len(paths))
    with OutputFolder(out, force=force) as folder:
        jobs_list = [Job(src, fmts, options, strict, max_bytes) for src in paths]
        pending, refused = _plan(folder, out, jobs_list, incremental and not force, report, progress)
        workers = 1 if executor is None and len(pending) <= 1 else (jobs or usable_cpus())
        report.jobs = min(workers, len(pending)) if executor is None else workers
        preparing = _prepare_pdf_writer(pending) if executor is None and workers == 1 and (jobs or usable_cpus()) > 1 \
            else None
        # A local pool is replaced by a fresh one after each worker's share of articles (see
        # ARTICLES_PER_WORKER); a given executor runs the whole batch.
        share = workers * worker_articles
        rounds = [pending[i:i + share] for i in range(0, len(pending), share)] if executor is None else [pending]
        try:
            for batch in rounds:
                run_on = executor if executor is not None else _local_pool(workers, len(batch), fmts)
                _run_round(batch, run_on, None if executor is None else _Sender(options), own=executor is None,
                           folder=folder, out=out, refused=refused, report=report, progress=progress)
        finally:
            if preparing is not None:
                preparing.join()
        order = {p: i for i, p in enumerate(paths)}
        report.results.sort(key=lambda r: order.get(r.source, -1))
        if crossref_batch and "crossref" in fmts:
            _batch_deposit(folder, out, report)
    report.wall_seconds = time.perf_counter() - started
    return report


#: The name of a batch's Crossref deposit (``-1``, ``-2`` … before the suffix when it takes several files).
BATCH_DEPOSIT = "crossref-batch.xml"


def _batch_deposit(folder: OutputFolder, out: Path, report: BatchReport) -> None:
    """Gather the articles' Crossref deposits (made now or up to date) into the batch's deposit file(s)."""
    from ..writers.deposit.crossref import merge

    made = [r.formats["crossref"].path for r in report.results
            if "crossref" in r.formats and r.formats["crossref"].status in ("built", "skipped")]
    files = [p for p in made if p is not None and p.is_file()]
    if not files:
        return
    try:
        parts = merge([p.read_bytes() for p in files])
    except ArticlekitError as e:
        report.deposit_errors.append(e)
        return
    stem, suffix = BATCH_DEPOSIT.split(".", 1)
    names = [BATCH_DEPOSIT] if len(parts) == 1 else [f"{stem}-{i}.{suffix}" for i in range(1, len(parts) + 1)]
    for name, data in zip(names, parts, strict=True):
        folder.write(out / name, data)
        report.deposits.append(out / name)


def _forking_parent() -> int | None:
    """This process's id if a local pool's workers are forked from it, else ``None`` (a fork server's)."""
    return os.getpid() if multiprocessing.get_start_method() == "fork" else None


#: Articles sent to a given executor (a cluster) at a time: each carries its inputs as bytes
#: (:mod:`.inputs`), so a catalogue is not all held in the client's and the scheduler's memory at once.
IN_FLIGHT = 64


class _Sender:
    """Puts each article's inputs into its job, for workers that cannot read this machine's disk."""

    def __init__(self, options: WriteOptions) -> None:
        from .inputs import tree

        self.styles = tree(options.styles_dir) if options.styles_dir is not None else None
        #: Per source folder: the files all its sources use, and its listing.
        self.folders: dict[Path, tuple[dict[str, bytes | int], frozenset[str]]] = {}

    def __call__(self, job: Job) -> Job | Rendered:
        """``job`` with its inputs, or what became of a source that cannot be read (the reader's message)."""
        from ..read.reader import read_bytes
        from .inputs import bundle, folder_files, listing

        try:
            data = read_bytes(job.source, job.max_bytes)
            folder = job.source.parent
            if folder not in self.folders:
                self.folders[folder] = (folder_files(folder), listing(folder))
            shared, names = self.folders[folder]
            return replace(job, bundle=bundle(job.source, data, shared, self.styles, names))
        except ArticlekitError as e:
            rendered = Rendered(job.source)
            rendered.problems = [Problem.of(x) for x in flatten(e)]
            return rendered
        except OSError as e:
            rendered = Rendered(job.source)
            rendered.problems = [Problem(f"{job.source}: cannot read: {e.strerror or e}", 2, str(job.source))]
            return rendered


def _run(run_on: Executor, batch: list[Job], send: Callable[[Job], Job | Rendered] | None,
         ) -> Iterator[tuple[Job, Future[Rendered]]]:
    """Each job of ``batch`` with its future, as they are done.

    A local pool gets every job at once.  With ``send`` (a cluster), each job
    first gets its inputs as bytes, and at most :data:`IN_FLIGHT` are out at a
    time; a source that cannot be read is done at once, on the client.
    """
    window = len(batch) if send is None else IN_FLIGHT
    waiting = iter(batch)
    running: dict[Future[Rendered], Job] = {}
    while True:
        while len(running) < window and (job := next(waiting, None)) is not None:
            sent = job if send is None else send(job)
            if isinstance(sent, Rendered):
                future: Future[Rendered] = Future()
                future.set_result(sent)
            else:
                future = run_on.submit(render_job, sent)
            running[future] = job
        if not running:
            return
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            yield running.pop(future), future


def _plan(folder: OutputFolder, out: Path, jobs: list[Job], incremental: bool,
          report: BatchReport, progress: Callable[[BatchResult], None] | None,
          ) -> tuple[list[Job], dict[Path, dict[str, ArticlekitError]]]:
    """The jobs to render, and each source's formats whose file may not be written.

    An up-to-date article is skipped, and one whose every file is refused fails,
    here and now: both are reported before any rendering starts.
    """
    fingerprints = Fingerprints()
    pending: list[Job] = []
    refused: dict[Path, dict[str, ArticlekitError]] = {}
    claimed: dict[Path, Path] = {}
    for job in jobs:
        src = job.source
        # Refuse a file that must not be written before the (slow) rendering, not after.
        refused[src] = _refused(folder, job, out, claimed)
        if incremental and not refused[src] and up_to_date(folder, job, fingerprints):
            _done(report, _skipped(job, out, folder), progress)
            continue
        allowed = tuple(f for f in job.formats if f not in refused[src])
        if allowed:
            pending.append(replace(job, formats=allowed))
        else:
            _done(report, _refusal(job, refused[src]), progress)
    return pending, refused


#: The module that makes PDFs, and WeasyPrint with it: about half a second to import.
_PDF_WRITER = "articlekit.writers.pdf.writer"


def _prepare_pdf_writer(pending: list[Job]) -> threading.Thread | None:
    """Import the PDF writer in a thread while this process reads the one article to be built in it.

    A batch of one article is built in this process (no pool to start), one
    format after the other, the PDF last; its writer, WeasyPrint, takes about
    half a second to import.  The thread imports it while the article is read
    (pandoc runs in its own process) and its other formats are made, so that
    a second CPU, or the time this process waits on pandoc, is not idle; then
    it looks up the versions each format's fingerprint names (one more pandoc
    call), which the worker asks for once the formats are made.  Only what is
    the same in every thread: the font configuration and Pango's font maps
    the PDF is made with belong to the thread that makes it.
    """
    if len(pending) != 1 or "pdf" not in pending[0].formats:
        return None
    formats = pending[0].formats

    def prepare() -> None:
        # Whatever fails here fails again where it is needed, and is reported there.
        with contextlib.suppress(Exception):
            importlib.import_module(_PDF_WRITER)
            for fmt in formats:
                fingerprint(fmt)

    thread = threading.Thread(target=prepare, name="articlekit-prepare-pdf", daemon=True)
    thread.start()
    return thread


def _local_pool(workers: int, jobs: int, fmts: tuple[str, ...]) -> Executor:
    """This process for one worker; else a pool of warmed-up worker processes, no larger than the jobs."""
    if workers <= 1:
        return _InlineExecutor()
    return ProcessPoolExecutor(max_workers=min(workers, jobs), initializer=start_worker,
                               initargs=(fmts, _forking_parent()))


def _run_round(batch: list[Job], run_on: Executor, send: Callable[[Job], Job | Rendered] | None, *,
               own: bool, folder: OutputFolder, out: Path, refused: dict[Path, dict[str, ArticlekitError]],
               report: BatchReport, progress: Callable[[BatchResult], None] | None) -> None:
    """Render ``batch`` on ``run_on`` (each job sent by ``send`` first, for a cluster) and write each
    article as it comes back; shut ``run_on`` down if ``own``."""
    try:
        for job, future in _run(run_on, batch, send):
            result = _write(folder, out, job, _rendered(future, job))
            for fmt, error in refused.get(job.source, {}).items():
                result.formats[fmt] = FormatResult(fmt, "failed", errors=[str(error)])
                result.errors.append(error)
            _done(report, result, progress)
    except BaseException:
        if own:
            run_on.shutdown(wait=False, cancel_futures=True)
            own = False
        raise
    finally:
        if own:
            run_on.shutdown(wait=True)


def _rendered(future: Future[Rendered], job: Job) -> Rendered:
    """What the worker made of ``job``; a worker that died (out of memory, killed) is reported, and the
    batch goes on."""
    try:
        return future.result()
    except Exception as e:
        rendered = Rendered(job.source)
        rendered.problems = [Problem(f"{job.source}: internal error: worker failed: {type(e).__name__}: {e}", 1)]
        return rendered


def _done(report: BatchReport, result: BatchResult, progress: Callable[[BatchResult], None] | None) -> None:
    report.results.append(result)
    if progress:
        progress(result)


def _refused(folder: OutputFolder, job: Job, out: Path, claimed: dict[Path, Path]) -> dict[str, ArticlekitError]:
    """The formats whose output file may not be written.

    Someone else's file, one edited since articlekit wrote it, or one another
    source of this batch already claims (two ``same.md`` in two folders): the
    first source in order keeps the name, whichever worker would finish first.
    """
    refused: dict[str, ArticlekitError] = {}
    for fmt in job.formats:
        target = out / f"{job.source.stem}{get_format(fmt).extension}"
        try:
            if claimed.setdefault(target, job.source) != job.source:
                raise OutputError(f"{target}: {claimed[target]} and {job.source} would both write this file; "
                                  "rename one of them")
            folder.check(target, job.source)
        except ArticlekitError as e:
            refused[fmt] = e
    return refused


def _refusal(job: Job, refused: dict[str, ArticlekitError]) -> BatchResult:
    result = BatchResult(job.source, errors=list(refused.values()))
    for fmt, error in refused.items():
        result.formats[fmt] = FormatResult(fmt, "failed", errors=[str(error)])
    return result


def _skipped(job: Job, out: Path, folder: OutputFolder) -> BatchResult:
    """An up-to-date article, with the warnings its last build reported (the manifest keeps them)."""
    result = BatchResult(job.source, skipped=True,
                         warnings=warnings_for(recorded_warnings(folder, job), job.formats))
    for fmt in job.formats:
        path = out / f"{job.source.stem}{get_format(fmt).extension}"
        size = path.stat().st_size if path.is_file() else None
        result.formats[fmt] = FormatResult(fmt, "skipped", path, size)
    return result


def _write(folder: OutputFolder, out: Path, job: Job, rendered: Rendered) -> BatchResult:
    """Write what a worker made of one article; a refused file fails only its own format."""
    result = BatchResult(job.source, warnings=list(rendered.warnings), seconds=rendered.seconds,
                         peak_rss_kib=rendered.peak_rss_kib)
    if rendered.problems:
        result.errors = [p.error() for p in rendered.problems]
        return result
    parsed = rendered.inputs.get(str(job.source))
    if parsed is not None and _sha256_or_none(job.source) != parsed:
        # The outputs are recorded as made from the bytes that were parsed, so the next build makes them again.
        result.warnings.append(ArticleWarning(
            job.source, None, None, "source-changed",
            "changed while it was being built; its outputs are of the text read before, and the next build "
            "makes them again"))
    files: list[tuple[Path, bytes, dict[str, object] | None]] = []
    for fo in rendered.outputs:
        result.formats[fo.format] = FormatResult(fo.format, "failed", None, None, fo.pages, fo.seconds)
        if fo.ok and fo.data is not None:
            record = made_from(rendered.inputs, fo.format, job, rendered.toolchain.get(fo.format),
                               rendered.warnings)
            files.append((out / fo.name, fo.data, record))
    if any(fo.ok and fo.format in LINKED_FORMATS for fo in rendered.outputs):
        for rel, data in rendered.images:
            target = out / rel
            try:
                if folder.written.get(folder.name_of(target), job.source) != job.source \
                        and target.read_bytes() == data:
                    continue  # the same picture, already copied for another article
            except (ArticlekitError, OSError):
                pass  # write_many reports it
            files.append((target, data, None))
    by_target = {target: fo for fo in rendered.outputs for target in [out / fo.name]}
    for target, error in folder.write_many(files, source=job.source):
        fo = by_target.get(target)
        if error is not None:
            if fo is not None:
                fo.problems.append(Problem.of(error))
            else:
                result.errors.append(error)
            continue
        result.outputs.append(target)
        if fo is not None:
            fr = result.formats[fo.format]
            fr.status, fr.path, fr.size = "built", target, len(fo.data or b"")
    for fo in rendered.outputs:
        result.formats[fo.format].errors = [p.text for p in fo.problems]
        result.errors += [p.error() for p in fo.problems]
    return result


def _sha256_or_none(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


__all__ = ["BatchReport", "BatchResult", "FormatResult", "build_many", "usable_cpus"]
