"""Many articles at once: a back catalogue built on every core, or on a cluster.

Each article is read and parsed once, in a worker, and every requested format
is rendered from that one :class:`~articlekit.model.Article`
(:mod:`.worker`).  Workers return bytes; this process alone writes into the
output folder, through the same :class:`~articlekit.manifest.OutputFolder` as
a single build, so writes stay atomic and nothing articlekit did not write is
ever replaced.  Any :class:`concurrent.futures.Executor` can run the workers:
a local process pool by default, or a Dask cluster's executor.

An article whose outputs are newer than everything they were made from is
skipped: the manifest records, for each output, the SHA-256 of each input file
(source, images, styles, config) and a digest of the version and options
(:mod:`.incremental`).

::

    from articlekit.batch import build_many
    report = build_many(["sources"], ["html", "pdf"], "dist", jobs=4)
    print(report.summary())
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..api import ArticleResult, BuildReport, empty_folders, find_sources, prepare_output
from ..cpus import usable_cpus
from ..errors import ArticlekitError, OutputError
from ..manifest import OutputFolder
from ..options import WriteOptions
from ..read.bounds import DEFAULT_MAX_BYTES
from ..writers import FORMATS, get_format, get_writer
from .incremental import Fingerprints, made_from, up_to_date
from .worker import LINKED_FORMATS, Job, Problem, Rendered, render_job, warm_up


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
    jobs: int = 1

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
        """One line: built, failed, skipped, warnings, wall time, articles per hour."""
        built = self.count("built")
        partial = self.count("partial")
        parts = [f"{built} built"]
        if partial:
            parts.append(f"{partial} partly built")
        parts += [
            f"{self.count('failed')} failed",
            f"{self.count('skipped')} skipped (up to date)",
            f"{self.warning_count} warning{'s' if self.warning_count != 1 else ''}",
            f"{self.wall_seconds:.1f} s",
            f"{self.articles_per_hour:,.0f} articles/hour",
        ]
        return ", ".join(parts)


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
    formats: Iterable[str] | str = tuple(FORMATS),
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
    :data:`ARTICLES_PER_WORKER`).
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
    report = BatchReport(jobs=1)
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
        report.jobs = workers
        # A local pool is replaced by a fresh one after each worker's share of articles (see
        # ARTICLES_PER_WORKER); a given executor runs the whole batch.
        share = workers * worker_articles
        rounds = [pending[i:i + share] for i in range(0, len(pending), share)] if executor is None else [pending]
        for batch in rounds:
            run_on = executor if executor is not None else _local_pool(workers, len(batch), fmts)
            _run_round(batch, run_on, own=executor is None,
                       folder=folder, out=out, refused=refused, report=report, progress=progress)
    order = {p: i for i, p in enumerate(paths)}
    report.results.sort(key=lambda r: order.get(r.source, -1))
    report.wall_seconds = time.perf_counter() - started
    return report


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
            _done(report, _skipped(job, out), progress)
            continue
        allowed = tuple(f for f in job.formats if f not in refused[src])
        if allowed:
            pending.append(replace(job, formats=allowed))
        else:
            _done(report, _refusal(job, refused[src]), progress)
    return pending, refused


def _local_pool(workers: int, jobs: int, fmts: tuple[str, ...]) -> Executor:
    """This process for one worker; else a pool of warmed-up worker processes, no larger than the jobs."""
    if workers <= 1:
        return _InlineExecutor()
    return ProcessPoolExecutor(max_workers=min(workers, jobs), initializer=warm_up, initargs=(fmts,))


def _run_round(batch: list[Job], run_on: Executor, *, own: bool, folder: OutputFolder, out: Path,
               refused: dict[Path, dict[str, ArticlekitError]], report: BatchReport,
               progress: Callable[[BatchResult], None] | None) -> None:
    """Render ``batch`` on ``run_on`` and write each article as it comes back; shut ``run_on`` down if ``own``."""
    try:
        futures = {run_on.submit(render_job, job): job for job in batch}
        for future in as_completed(futures):
            job = futures[future]
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


def _skipped(job: Job, out: Path) -> BatchResult:
    result = BatchResult(job.source, skipped=True)
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
    files: list[tuple[Path, bytes, dict[str, object] | None]] = []
    for fo in rendered.outputs:
        result.formats[fo.format] = FormatResult(fo.format, "failed", None, None, fo.pages, fo.seconds)
        if fo.ok and fo.data is not None:
            files.append((out / fo.name, fo.data, made_from(rendered.inputs, fo.format, job)))
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


def _problem(e: BaseException) -> Problem:
    return Problem.of(e) if isinstance(e, ArticlekitError) else Problem(str(e), 2)


__all__ = ["BatchReport", "BatchResult", "FormatResult", "build_many", "usable_cpus"]
