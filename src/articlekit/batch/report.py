"""The batch report: ``--report report.json`` for programs, ``--report report.html`` for people.

Both hold, per article and format: status, output path and size, page count,
errors and warnings with their lines, and time.  The HTML page adds a thumbnail
of each PDF's first page (rendered with pypdfium2 beside the report, in
``<report>-thumbnails/``), status colours and links to every output; it is a
valid HTML5 page with no script.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..output import atomic_write

if TYPE_CHECKING:
    from . import BatchReport, BatchResult

#: Width of a first-page thumbnail, in pixels.
THUMBNAIL_WIDTH = 120


def report_data(report: BatchReport) -> dict[str, Any]:
    """The report as JSON-ready data."""
    articles = []
    for r in report.results:
        articles.append({
            "source": str(r.source),
            "status": r.status,
            "seconds": round(r.seconds, 3),
            "peak_rss_mib": round(r.peak_rss_kib / 1024, 1),
            "errors": [str(e) for e in r.errors],
            "warnings": [w.as_dict() for w in r.warnings],
            "formats": {
                name: {
                    "status": f.status,
                    "path": str(f.path) if f.path else None,
                    "size": f.size,
                    "pages": f.pages,
                    "seconds": round(f.seconds, 3),
                    "errors": f.errors,
                }
                for name, f in r.formats.items()
            },
        })
    return {
        "articlekit": __version__,
        "summary": {
            "articles": len(report.results),
            "built": report.count("built"),
            "partial": report.count("partial"),
            "failed": report.count("failed"),
            "skipped": report.count("skipped"),
            "warnings": report.warning_count,
            "wall_seconds": round(report.wall_seconds, 3),
            "articles_per_hour": round(report.articles_per_hour),
            "jobs": report.jobs,
            "peak_worker_mib": round(report.peak_worker_mib, 1),
        },
        "articles": articles,
    }


def write_report(report: BatchReport, path: Path) -> Path:
    """Write the report as JSON (``.json``) or as an HTML page (``.html``/``.htm``)."""
    if path.suffix.lower() in (".html", ".htm"):
        data = html_report(report, path).encode("utf-8")
    else:
        data = (json.dumps(report_data(report), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data)
    return path


def _thumbnail(pdf: Path, folder: Path, name: str) -> str | None:
    """Render the PDF's first page to ``folder/name.png``; its path, or None when it cannot be made."""
    try:
        import pypdfium2
    except ImportError:  # pragma: no cover - a dependency; degrade to no thumbnail
        return None
    try:
        doc = pypdfium2.PdfDocument(str(pdf))
        try:
            page = doc[0]
            scale = THUMBNAIL_WIDTH / page.get_width()
            image = page.render(scale=scale).to_pil()
        finally:
            doc.close()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}.png"
        image.save(target, "PNG", optimize=True)
        return str(target)
    except Exception:  # a thumbnail is a convenience: a damaged PDF shows none
        return None


_COLOURS = {"built": "#1b7f3b", "partial": "#9a6700", "failed": "#b3261e", "skipped": "#57606a"}


def html_report(report: BatchReport, path: Path) -> str:
    """The report as one HTML page: a summary and one row per article."""
    thumbs = path.parent / f"{path.stem}-thumbnails"
    base = path.parent.resolve()

    def rel(p: Path | str) -> str:
        return escape(os.path.relpath(Path(p).resolve(), base), quote=True)

    rows = []
    for r in report.results:
        rows.append(_row(r, rel, thumbs))
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    summary = report.summary()
    css = "\n".join([
        "body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem; color: #1f2328; }",
        "table { border-collapse: collapse; width: 100%; }",
        "th, td { text-align: left; vertical-align: top; padding: .5rem; border-bottom: 1px solid #d0d7de; }",
        "img { border: 1px solid #d0d7de; display: block; }",
        ".status { font-weight: 600; }",
        *(f".{k} {{ color: {v}; }}" for k, v in _COLOURS.items()),
        "ul { margin: 0; padding-left: 1.1rem; }",
        "a { color: #0a58ca; text-decoration: underline; }",
    ])
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        "<title>articlekit build report</title>",
        f"<style>\n{css}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        "<h1>articlekit build report</h1>",
        f"<p>{escape(summary)}. Made {escape(when)} by articlekit {escape(__version__)}.</p>",
        "<table>",
        "<thead><tr><th scope=\"col\">First page</th><th scope=\"col\">Article</th><th scope=\"col\">Status</th>"
        "<th scope=\"col\">Outputs</th><th scope=\"col\">Problems</th></tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def _row(r: BatchResult, rel: Any, thumbs: Path) -> str:
    pdf = r.formats.get("pdf")
    thumb = ""
    if pdf is not None and pdf.path is not None and pdf.path.is_file():
        made = _thumbnail(pdf.path, thumbs, Path(pdf.path).stem)
        if made:
            thumb = (f'<a href="{rel(pdf.path)}"><img src="{rel(made)}" width="{THUMBNAIL_WIDTH}" '
                     f'alt="First page of {escape(r.source.name, quote=True)}"></a>')
    outputs = []
    for name, f in r.formats.items():
        bits = f"{escape(name.upper())}: "
        if f.path is not None and f.status in ("built", "skipped"):
            size = f" ({f.size:,} bytes" + (f", {f.pages} pages" if f.pages else "") + ")" if f.size else ""
            bits += f'<a href="{rel(f.path)}">{escape(Path(f.path).name)}</a>{escape(size)}'
        else:
            bits += f'<span class="{escape(f.status)}">{escape(f.status)}</span>'
        outputs.append(f"<li>{bits}</li>")
    problems = [f"<li>{escape(str(e))}</li>" for e in r.errors]
    problems += [f"<li>warning: {escape(str(w))} [{escape(w.code)}]</li>" for w in r.warnings]
    return (
        f"<tr><td>{thumb}</td><td>{escape(str(r.source))}</td>"
        f'<td class="status {escape(r.status)}">{escape(r.status)}</td>'
        f"<td><ul>{''.join(outputs)}</ul></td>"
        f"<td>{'<ul>' + ''.join(problems) + '</ul>' if problems else ''}</td></tr>"
    )


__all__ = ["html_report", "report_data", "write_report"]
