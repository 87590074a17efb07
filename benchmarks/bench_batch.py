"""Catalogue-scale builds, side by side in one run: plain pandoc, articlekit, and WeasyPrint's floor.

    python benchmarks/bench_batch.py                  # all corpora, all four formats
    python benchmarks/bench_batch.py --copies 20 -j 2 # a smaller batch
    python benchmarks/bench_batch.py --no-pandoc      # skip the (slow) pandoc baseline
    python benchmarks/bench_batch.py --corpus 500     # memory: a PDF-only batch of 500 copies, nothing else

Corpora, generated in a temporary folder:

* ``first``: the first article;
* ``batch``: ``--copies`` copies of it (50 by default), each under its own slug and title;
* ``long``: one article twenty times longer, with 200 notes.

For each corpus it measures, in this order and on the same machine:

(a) **pandoc**: plain pandoc from ``pypandoc_binary``, four CLI calls per article
    (``-s -t html5``, ``-t epub3``, ``-s -t jats_publishing``, ``--pdf-engine=weasyprint``);
(b) **articlekit**: ``articlekit build -j N`` (all four formats, a fresh output folder);
(c) **floor**: WeasyPrint alone rendering articlekit's print HTML of every article in
    one warm process per worker, the least any tool using WeasyPrint could spend on the PDFs.

It prints wall time, articles per hour, the ratios articlekit/pandoc and
articlekit/floor, and the peak memory of the largest worker (from the build's own
report).  Nothing is asserted: the figures are for reading, and for the README.

``--corpus N`` measures only whether a worker's memory stays flat: ``articlekit
build -t pdf`` over N copies of the first article, printing the largest worker's
peak resident memory as it stood after the first tenth, half and all of the
articles (each article's report line carries its worker's peak so far).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pdf import SAMPLE, long_source

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def make_corpora(tmp: Path, copies: int) -> dict[str, list[Path]]:
    text = SAMPLE.read_text(encoding="utf-8")
    first = tmp / "first"
    first.mkdir()
    shutil.copy(SAMPLE, first / SAMPLE.name)
    batch = tmp / "batch"
    batch.mkdir()
    for i in range(copies):
        (batch / f"article-{i + 1:03d}.md").write_text(
            re.sub(r"^title: (.*)$", rf"title: \1, part {i + 1}", text, count=1, flags=re.M), encoding="utf-8")
    long = tmp / "long"
    long.mkdir()
    (long / "long-article.md").write_text(long_source(), encoding="utf-8")
    return {name: sorted(folder.glob("*.md")) for name, folder in
            (("first", first), ("batch", batch), ("long", long))}


def _pandoc_one(args: tuple[str, str, str]) -> None:
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    source, out, path_env = args
    env = {**os.environ, "PATH": path_env}
    stem = Path(out) / Path(source).stem
    for extra in (["-s", "-t", "html5", "-o", f"{stem}.html"], ["-t", "epub3", "-o", f"{stem}.epub"],
                  ["-s", "-t", "jats_publishing", "-o", f"{stem}.xml"],
                  ["--pdf-engine=weasyprint", "-o", f"{stem}.pdf"]):
        subprocess.run([pandoc, "-f", "markdown", source, *extra], check=True, env=env,
                       capture_output=True, cwd=Path(source).parent)


def run_pandoc(sources: list[Path], out: Path, jobs: int) -> float:
    """Plain pandoc, four calls per article, articles spread over ``jobs`` processes like a shell loop with xargs."""
    out.mkdir(parents=True)
    path_env = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_pandoc_one, [(str(s), str(out), path_env) for s in sources]))
    return time.perf_counter() - start


def run_articlekit(sources: list[Path], out: Path, jobs: int) -> tuple[float, float]:
    """Wall time of ``articlekit build -j N``, and the peak memory of its largest worker (MiB)."""
    report = out.parent / f"{out.name}-report.json"
    start = time.perf_counter()
    subprocess.run([str(BIN / "articlekit"), "build", *map(str, sources), "-o", str(out), "-j", str(jobs), "-q",
                    "--report", str(report)], check=True, capture_output=True)
    wall = time.perf_counter() - start
    return wall, json.loads(report.read_text())["summary"]["peak_worker_mib"]


def run_corpus(sources: list[Path], out: Path, jobs: int,
               worker_articles: int) -> tuple[float, list[tuple[int, float]]]:
    """A PDF-only build of ``sources``: wall time, and the largest worker peak (MiB) after 10 %, 50 % and 100 %."""
    report = out.parent / f"{out.name}-report.json"
    start = time.perf_counter()
    subprocess.run([str(BIN / "articlekit"), "build", *map(str, sources), "-t", "pdf", "-o", str(out),
                    "-j", str(jobs), "-q", "--report", str(report), "--worker-articles", str(worker_articles)],
                   check=True, capture_output=True)
    wall = time.perf_counter() - start
    results = sorted(json.loads(report.read_text())["articles"], key=lambda r: r["source"])
    peaks = [r["peak_rss_mib"] for r in results]
    marks = sorted({max(1, len(peaks) // 10), max(1, len(peaks) // 2), len(peaks)})
    return wall, [(n, max(peaks[:n])) for n in marks]


def _floor_worker(htmls: list[tuple[str, str]]) -> int:
    """Render each (html, base_url) with WeasyPrint in this one warm process."""
    import weasyprint

    for html, base in htmls:
        weasyprint.HTML(string=html, base_url=base).write_pdf()
    return len(htmls)


def run_floor(sources: list[Path], jobs: int) -> float:
    """WeasyPrint alone on articlekit's print HTML and stylesheets, articles split over ``jobs`` processes."""
    import articlekit
    from articlekit.fonts import find_book_face
    from articlekit.styles import find_style
    from articlekit.writers.pdf.document import print_document
    from articlekit.writers.pdf.page import page_geometry, parse_page_size
    from articlekit.writers.pdf.press import _dir_url
    from articlekit.writers.pdf.writer import base_stylesheet

    book = find_book_face()
    geometry = page_geometry(parse_page_size("a4"))
    house = find_style("print.css").read_text(encoding="utf-8")
    docs = []
    for s in sources:
        article = articlekit.load(s)
        html = print_document(article, created="2018-05-21T00:00:00Z").html
        css = base_stylesheet(book, geometry, article.metadata.lang) + house
        docs.append((html.replace("</head>", f"<style>{css}</style></head>", 1), _dir_url(s.parent)))
    chunks = [docs[i::jobs] for i in range(jobs)]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_floor_worker, chunks))
    return time.perf_counter() - start


def import_time() -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import articlekit"], check=True)
        best = min(best, time.perf_counter() - start)
    bare = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare = min(bare, time.perf_counter() - start)
    return best - bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("-j", "--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--no-pandoc", action="store_true")
    parser.add_argument("--corpus", type=int, metavar="N",
                        help="only the memory run: a PDF-only batch of N copies of the first article")
    parser.add_argument("--worker-articles", type=int, default=100, metavar="M",
                        help="with --corpus: articles a worker builds before a fresh one replaces it (default 100)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, {args.jobs} workers; python {sys.version.split()[0]}")
    if args.corpus:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            sources = make_corpora(tmp, args.corpus)["batch"]
            wall, peaks = run_corpus(sources, tmp / "ak-corpus", min(args.jobs, len(sources)), args.worker_articles)
        print(f"PDF only, {len(sources)} articles, a fresh worker every {args.worker_articles}: {wall:.1f} s, "
              f"{len(sources) / wall * 3600:,.0f} articles/hour")
        for n, peak in peaks:
            print(f"  largest worker's peak after {n:>4} articles: {peak:.0f} MiB")
        return
    print(f"import articlekit: {import_time() * 1000:.0f} ms (beyond a bare interpreter)")
    header = f"{'corpus':<7} {'articles':>8} {'pandoc s':>9} {'articlekit s':>12} {'floor s':>8} " \
             f"{'ak/pandoc':>9} {'ak/floor':>8} {'articles/h':>11} {'peak MiB':>9}"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpora = make_corpora(tmp, args.copies)
        for name, sources in corpora.items():
            jobs = min(args.jobs, len(sources))
            pandoc = None if args.no_pandoc else run_pandoc(sources, tmp / f"pandoc-{name}", jobs)
            ours, peak = run_articlekit(sources, tmp / f"ak-{name}", jobs)
            floor = run_floor(sources, jobs)
            ratio = f"{ours / pandoc:9.2f}" if pandoc else f"{'-':>9}"
            print(f"{name:<7} {len(sources):>8} {pandoc or 0:>9.2f} {ours:>12.2f} {floor:>8.2f} {ratio} "
                  f"{ours / floor:>8.2f} {len(sources) / ours * 3600:>11,.0f} {peak:>9.0f}")


if __name__ == "__main__":
    main()
