"""The ``articlekit`` command: argument parsing, messages and exit codes only.

Exit codes: 0 success; 2 a source, option or output problem (one line per
problem on stderr, ``path:line: message``); 1 an internal error (one line, no
traceback unless ``ARTICLEKIT_DEBUG=1``); 130 interrupted by SIGINT (Ctrl-C),
143 by SIGTERM.  An interrupted build leaves every output either complete or as
it was before, and no temporary file.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from .._version import __version__
from ..api import ArticleResult, BuildReport, check
from ..errors import ArticlekitError, one_line
from ..logs import libraries_to_debug
from ..model import CROSSREF_SCHEMAS
from ..options import WriteOptions
from ..output import atomic_write
from ..read.bounds import DEFAULT_MAX_BYTES
from ..writers import FORMATS, available_formats
from ..writers.pdf.page import PageSizeError, parse_page_size
from .progress import Progress, warning_line

if TYPE_CHECKING:
    from ..editions import EditionReport

_FORMAT_HELP = "; ".join(f"{f.name}: {f.description}" for f in FORMATS.values())


def _formats(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    names = [n.strip().lower() for v in value for n in v.split(",") if n.strip()]
    if not names:
        return available_formats()
    for n in names:
        if n not in FORMATS:
            raise click.BadParameter(f"unknown format {n!r}: choose from {', '.join(FORMATS)}")
    return names


def _registries(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    names = [n.strip().lower() for v in value for n in v.split(",") if n.strip()]
    for n in names:
        if n not in ("crossref", "doaj"):
            raise click.BadParameter(f"unknown registry {n!r}: choose from crossref, doaj")
    return names


def _exit_code(codes: list[int]) -> int:
    """1 if articlekit itself failed anywhere (a bug outranks bad input), else the highest code."""
    return 1 if 1 in codes else max(codes, default=0)


def _page_size(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Refuse a bad page size once, before any article is read."""
    try:
        parse_page_size(value)
    except PageSizeError as e:
        raise click.BadParameter(str(e)) from None
    return value


def _report(report: BuildReport, quiet: bool) -> int:
    return _exit_code([_print_result(res, quiet) for res in report.results])


def _print_result(res: ArticleResult | EditionReport, quiet: bool) -> int:
    """Print a build's warnings and errors (on stderr) and, unless ``quiet``, what it wrote; its exit code."""
    for w in res.warnings:
        click.echo(warning_line(w), err=True)
    for e in res.errors:
        click.echo(str(e), err=True)
    if not quiet:
        for out in res.outputs:
            click.echo(f"wrote {out}")
    return _exit_code([e.exit_code for e in res.errors])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="articlekit")
def cli() -> None:
    """Turn canonical article sources (Pandoc Markdown with YAML front matter)
    into a print PDF, an EPUB 3 ebook, JATS XML and clean HTML."""


_max_size = click.option(
    "--max-size", type=click.FloatRange(min=0.001), default=DEFAULT_MAX_BYTES / 1048576,
    show_default=True, help="Refuse sources larger than this many megabytes.",
)
_strict = click.option("--strict", is_flag=True, help="Treat warnings (such as an unused note) as errors.")
_crossref_schema = click.option(
    "--crossref-schema", type=click.Choice(list(CROSSREF_SCHEMAS)), default=None,
    help=f"crossref: the deposit schema [default: [deposit] crossref_schema in articlekit.toml, else "
         f"{CROSSREF_SCHEMAS[0]}].")


@cli.command("build")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("-t", "--to", "formats", multiple=True, callback=_formats, metavar="FORMATS",
              help=f"Comma-separated formats to write (default: html, jats, epub and pdf; the registry records only "
                   f"when named). {_FORMAT_HELP}.")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("dist"),
              show_default=True, help="Folder to write into.")
@click.option("--styles", "styles_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Folder of house-style CSS (html.css, epub.css, print.css) to use instead of the shipped one.")
@click.option("--fragment", is_flag=True, help="HTML: write only the <article> element, for pasting into a CMS.")
@click.option("--page-size", default="a4", show_default=True, callback=_page_size,
              help="PDF: a4, letter, a5, or a custom trim such as '6in 9in'.")
@click.option("--pdf-variant", type=click.Choice(["pdf/ua-1", "pdf/a-3a", "plain"]), default="pdf/ua-1",
              show_default=True, help="PDF: tagged accessible (pdf/ua-1), archival (pdf/a-3a) or plain.")
@click.option("--allow-remote", is_flag=True, help="Allow fetching http(s) images a source names (off by default).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Articles built at once, each in its own worker process (default: the usable CPUs).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run the workers on a Dask cluster (tcp://host:8786); needs articlekit[dask].")
@click.option("--worker-articles", type=click.IntRange(min=1), default=100, show_default=True,
              help="In a long batch, replace each local worker by a fresh one after this many articles "
                   "(bounds its memory).")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write a report of the build: report.json (for programs) or report.html (with thumbnails).")
@click.option("--force", is_flag=True,
              help="Rebuild every article, and overwrite files in the output folder that articlekit did not write "
                   "(or that were changed since).")
@_crossref_schema
@click.option("--crossref-batch", is_flag=True,
              help="crossref: also gather every article's deposit into one deposit for the batch, "
                   "crossref-batch.xml (split into files of at most 10 MB, as Crossref asks).")
@_strict
@_max_size
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def build_cmd(sources: tuple[Path, ...], formats: list[str], out_dir: Path, styles_dir: Path | None,
              fragment: bool, page_size: str, pdf_variant: str, allow_remote: bool, jobs: int | None,
              scheduler: str | None, worker_articles: int, report_path: Path | None, force: bool,
              crossref_schema: str | None, crossref_batch: bool, strict: bool, max_size: float, quiet: bool) -> None:
    """Build SOURCES (files or folders; default: sources/) into dist/.

    An article is skipped when its outputs were made from exactly what is there now:
    the manifest's SHA-256 digests of its source, images, styles and config, and the
    articlekit version and options.  A skipped article still reports its warnings.
    """
    from ..batch import build_many

    if crossref_batch and "crossref" not in formats:
        raise click.UsageError("--crossref-batch gathers the articles' Crossref deposits: add crossref to -t")
    options = WriteOptions(styles_dir=styles_dir, fragment=fragment, allow_remote=allow_remote,
                           page_size=page_size, pdf_variant=pdf_variant, crossref_schema=crossref_schema)
    progress = Progress(quiet=quiet)
    codes: list[int] = []

    def done(res: ArticleResult) -> None:
        codes.append(_exit_code([e.exit_code for e in res.errors]))
        progress.update(res)  # type: ignore[arg-type]

    with _executor(scheduler) as executor:
        report = build_many(list(sources) or [Path("sources")], formats, out_dir, options=options, strict=strict,
                            max_bytes=int(max_size * 1048576), force=force, jobs=jobs, executor=executor,
                            progress=done, on_start=progress.start, worker_articles=worker_articles,
                            crossref_batch=crossref_batch)
    if not report.results:
        click.echo("no sources found", err=True)
        raise SystemExit(2)
    progress.finish(report)
    for error in report.deposit_errors:
        click.echo(str(error), err=True)
        codes.append(error.exit_code)
    if not quiet:
        for path in report.deposits:
            click.echo(f"wrote {path}")
    if report_path is not None:
        from ..batch.report import write_report

        write_report(report, report_path)
    raise SystemExit(_exit_code(codes))


@contextmanager
def _executor(scheduler: str | None) -> Iterator[object | None]:
    """The Dask cluster's executor for ``--scheduler``, or None (a local process pool)."""
    if scheduler is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise click.UsageError("--scheduler needs Dask: pip install 'articlekit[dask]'") from None
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as e:
        raise click.UsageError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    with client:
        yield client.get_executor()


@cli.command("check")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@_strict
@_max_size
@click.option("--allow-remote", is_flag=True, help="Accept http(s) images, as build --allow-remote would "
              "(check itself never fetches anything).")
@click.option("--for", "for_formats", multiple=True, metavar="REGISTRIES", callback=_registries,
              help="Comma-separated registry records to check the sources for (crossref, doaj): every fact a "
                   "deposit needs and a source does not state, as build -t would refuse it.")
def check_cmd(sources: tuple[Path, ...], strict: bool, max_size: float, allow_remote: bool,
              for_formats: list[str]) -> None:
    """Validate SOURCES without writing anything; report every problem."""
    report = check(list(sources) or [Path("sources")], strict=strict, max_bytes=int(max_size * 1048576),
                   allow_remote=allow_remote, for_formats=for_formats)
    if not report.results:
        click.echo("no sources found", err=True)
        raise SystemExit(2)
    code = _report(report, quiet=True)
    if code == 0:
        click.echo(f"{len(report.results)} source(s) OK")
    raise SystemExit(code)


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("sources"),
              show_default=True, help="Folder to write the canonical sources into (one <slug>.md per file).")
@click.option("--preset", type=click.Choice(["jekyll", "hugo", "quarto"]),
              help="Map another tool's front matter keys (over it, [import] in the output folder's articlekit.toml).")
@click.option("--lang", help="The language to state when a file does not (a BCP 47 tag such as 'en').")
@click.option("--force", is_flag=True, help="Replace sources (and images) that exist.")
@click.option("--strict", is_flag=True, help="Treat guesses (a possible heading, a dropped key …) as errors.")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write what was mapped, guessed and dropped, per file, as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("--max-size", type=click.FloatRange(min=0.001), default=None,
              help="Refuse inputs, and parts of a Word document once unpacked, larger than this many megabytes "
              "[default: 5 for text and pages, 20 for Word].")
def import_cmd(files: tuple[Path, ...], out_dir: Path, preset: str | None, lang: str | None, force: bool,
               strict: bool, report_path: Path | None, quiet: bool, max_size: float | None) -> None:
    """Turn FILES (plain text, .docx, saved web pages, other tools' Markdown) into canonical sources.

    Every guess is a warning with its line (an error with --strict); a file with
    errors gives no source, and the others are imported all the same.
    """
    from ..importers import import_many

    reports = import_many(list(files), out_dir, force=force, strict=strict, preset=preset, lang=lang,
                          max_bytes=int(max_size * 1048576) if max_size else None)
    for r in reports:
        for line in r.warning_lines():
            click.echo(line, err=True)
        for line in r.error_lines():
            click.echo(line, err=True)
        if r.output is not None and not quiet:
            click.echo(f"wrote {r.output} ({len(r.mapped)} mapped, {len(r.guessed)} guessed, "
                       f"{len(r.dropped)} dropped)")
            for what, entries in (("mapped", r.mapped), ("dropped", r.dropped)):
                for e in entries:
                    click.echo(f"  {what}: " + (f"line {e.line}: " if e.line is not None else "") + e.message)
    if report_path is not None:
        data = json.dumps({"files": [r.to_dict() for r in reports]}, ensure_ascii=False, indent=2) + "\n"
        atomic_write(report_path, data.encode("utf-8"))
    raise SystemExit(0 if reports and all(r.ok for r in reports) else 2)


@cli.command("edition")
@click.argument("edition", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-t", "--to", "formats", multiple=True, metavar="FORMATS", default=("pdf,epub",), show_default=True,
              help="Comma-separated: pdf and epub (the edition as one book), jats and html (each article's own "
                   "files, with the edition's volume, issue and pages), crossref and doaj (one deposit for the "
                   "whole issue, every article with its pages).")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("dist"),
              show_default=True, help="Folder to write into.")
@click.option("--offprints", is_flag=True, help="Also write each article's offprint: its pages of the edition's "
              "PDF, as a PDF of its own.")
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Folder of the articles the edition names (default: sources/ beside editions/).")
@click.option("--styles", "styles_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Folder of house-style CSS (print.css, print-edition.css, epub.css …).")
@click.option("--page-size", default="a4", show_default=True, callback=_page_size,
              help="PDF: a4, letter, a5, or a custom trim such as '6in 9in'.")
@click.option("--pdf-variant", type=click.Choice(["pdf/ua-1", "pdf/a-3a", "plain"]), default="pdf/ua-1",
              show_default=True, help="PDF: tagged accessible (pdf/ua-1), archival (pdf/a-3a) or plain.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for the articles' own files (default: the usable CPUs).")
@click.option("--force", is_flag=True, help="Overwrite files in the output folder that articlekit did not write.")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write what was built, with each article's pages, as JSON.")
@_crossref_schema
@_strict
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def edition_cmd(edition: Path, formats: tuple[str, ...], out_dir: Path, offprints: bool, sources_dir: Path | None,
                styles_dir: Path | None, page_size: str, pdf_variant: str, jobs: int | None, force: bool,
                report_path: Path | None, crossref_schema: str | None, strict: bool, quiet: bool) -> None:
    """Build EDITION (editions/<slug>.yaml) as one print book and one ebook, and give its articles their pages."""
    from ..editions import build_edition

    options = WriteOptions(styles_dir=styles_dir, page_size=page_size, pdf_variant=pdf_variant,
                           crossref_schema=crossref_schema)
    report = build_edition(edition, ",".join(formats), out_dir, offprints=offprints, options=options,
                           sources_dir=sources_dir, strict=strict, force=force, jobs=jobs,
                           progress=None if quiet else click.echo)
    code = _print_result(report, quiet)
    if report_path is not None:
        atomic_write(report_path, json.dumps(report.as_dict(), indent=2, ensure_ascii=False).encode() + b"\n")
    raise SystemExit(code)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same clean-up runs on the way out."""

    exit_code = 128 + signal.SIGTERM


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` while the command runs (main thread only)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code instead of raising.

    With no ``argv`` this is the process's own command line (the
    ``articlekit`` script, ``python -m articlekit``), which ends once it
    returns: everything made so far is then frozen out of the garbage
    collector (:func:`gc.freeze`).  The collections the interpreter makes as
    it exits would otherwise walk every object a PDF build leaves behind (the
    box trees, styles and fonts it keeps for the next article) only to free
    memory the exit frees anyway: a quarter of a second after one article,
    more after a long one.  Exit handlers still run and every file is written
    and closed before this returns.
    """
    code = _main(argv)
    if argv is None:
        gc.freeze()
    return code


def _main(argv: list[str] | None) -> int:
    libraries_to_debug()
    try:
        with _sigterm_as_interrupt():
            cli.main(args=argv, prog_name="articlekit", standalone_mode=False)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    except click.exceptions.Abort as e:  # click turns KeyboardInterrupt into Abort
        click.echo("interrupted", err=True)
        return getattr(e.__cause__, "exit_code", 130)
    except click.ClickException as e:
        e.show()
        return 2
    except ArticlekitError as e:
        click.echo(str(e), err=True)
        return e.exit_code
    except KeyboardInterrupt as e:
        click.echo("interrupted", err=True)
        return getattr(e, "exit_code", 130)
    except Exception as e:  # a bug: one line (the traceback only when asked for)
        if os.environ.get("ARTICLEKIT_DEBUG"):
            traceback.print_exc()
        click.echo(one_line(f"articlekit: internal error: {type(e).__name__}: {e}"), err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
