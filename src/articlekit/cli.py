"""The ``articlekit`` command: argument parsing, messages and exit codes only.

Exit codes: 0 success; 2 a source, option or output problem (one line per
problem on stderr, ``path:line: message``); 1 an internal error; 130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, reader
from .api import ArticleResult, BuildReport, build, check
from .errors import ArticlekitError
from .options import WriteOptions
from .writers import FORMATS, available_formats

_FORMAT_HELP = "; ".join(f"{f.name}: {f.description}" for f in FORMATS.values())


def _formats(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    names = [n.strip().lower() for v in value for n in v.split(",") if n.strip()]
    if not names:
        return available_formats()
    for n in names:
        if n not in FORMATS:
            raise click.BadParameter(f"unknown format {n!r}: choose from {', '.join(FORMATS)}")
    return names


def _report(report: BuildReport, quiet: bool) -> int:
    code = 0
    for res in report.results:
        code = max(code, _print_result(res, quiet))
    return code


def _print_result(res: ArticleResult, quiet: bool) -> int:
    for w in res.warnings:
        click.echo(f"warning: {w}", err=True)
    for e in res.errors:
        click.echo(str(e), err=True)
    if not quiet:
        for out in res.outputs:
            click.echo(f"wrote {out}")
    return max((e.exit_code for e in res.errors), default=0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="articlekit")
def cli() -> None:
    """Turn canonical article sources (Pandoc Markdown with YAML front matter)
    into a print PDF, an EPUB 3 ebook, JATS XML and clean HTML."""


_max_size = click.option(
    "--max-size", type=click.FloatRange(min=0.001), default=reader.DEFAULT_MAX_BYTES / 1048576,
    show_default=True, help="Refuse sources larger than this many megabytes.",
)
_strict = click.option("--strict", is_flag=True, help="Treat warnings (such as an unused note) as errors.")


@cli.command("build")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("-t", "--to", "formats", multiple=True, callback=_formats, metavar="FORMATS",
              help=f"Comma-separated formats to write (default: every available format). {_FORMAT_HELP}.")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("dist"),
              show_default=True, help="Folder to write into.")
@click.option("--styles", "styles_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Folder of house-style CSS (html.css, epub.css, print.css) to use instead of the shipped one.")
@click.option("--fragment", is_flag=True, help="HTML: write only the <article> element, for pasting into a CMS.")
@click.option("--page-size", default="a4", show_default=True,
              help="PDF: a4, letter, a5, or a custom trim such as '6in 9in'.")
@click.option("--pdf-variant", type=click.Choice(["pdf/ua-1", "pdf/a-3a", "plain"]), default="pdf/ua-1",
              show_default=True, help="PDF: tagged accessible (pdf/ua-1), archival (pdf/a-3a) or plain.")
@click.option("--allow-remote", is_flag=True, help="Allow fetching http(s) images a source names (off by default).")
@_strict
@_max_size
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def build_cmd(sources: tuple[Path, ...], formats: list[str], out_dir: Path, styles_dir: Path | None,
              fragment: bool, page_size: str, pdf_variant: str, allow_remote: bool, strict: bool,
              max_size: float, quiet: bool) -> None:
    """Build SOURCES (files or folders; default: sources/) into dist/."""
    options = WriteOptions(styles_dir=styles_dir, fragment=fragment, allow_remote=allow_remote,
                           page_size=page_size, pdf_variant=pdf_variant)
    codes: list[int] = []
    report = build(list(sources) or [Path("sources")], formats, out_dir, options=options, strict=strict,
                   max_bytes=int(max_size * 1048576),
                   progress=lambda res: codes.append(_print_result(res, quiet)))
    if not report.results:
        click.echo("no sources found", err=True)
        raise SystemExit(2)
    raise SystemExit(max(codes, default=0))


@cli.command("check")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@_strict
@_max_size
def check_cmd(sources: tuple[Path, ...], strict: bool, max_size: float) -> None:
    """Validate SOURCES without writing anything; report every problem."""
    report = check(list(sources) or [Path("sources")], strict=strict, max_bytes=int(max_size * 1048576))
    if not report.results:
        click.echo("no sources found", err=True)
        raise SystemExit(2)
    code = _report(report, quiet=True)
    if code == 0:
        click.echo(f"{len(report.results)} source(s) OK")
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code instead of raising."""
    try:
        cli.main(args=argv, prog_name="articlekit", standalone_mode=False)
    except SystemExit as e:
        return int(e.code or 0)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return 2
    except ArticlekitError as e:
        click.echo(str(e), err=True)
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
