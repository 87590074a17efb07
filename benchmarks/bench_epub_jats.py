"""Seconds per EPUB and per JATS file, for the first article and a 20-times longer one (200 notes).

Run: ``.venv/bin/python benchmarks/bench_epub_jats.py [--repeat N]``; prints the median of N runs.
The article is loaded once per case; the figures are the writers' own time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_html import SAMPLE, long_article  # noqa: E402

import articlekit  # noqa: E402


def median_seconds(fn, repeat: int) -> tuple[float, int]:
    runs, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(fn())
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = {"first article": SAMPLE, "20x article, 200 notes": long_article(Path(tmp))}
        print(f"{'case':28} {'load':>8} {'epub':>8} {'epub size':>10} {'jats':>8} {'jats size':>10}")
        for name, path in cases.items():
            load, _ = median_seconds(lambda path=path: [articlekit.load(path)], args.repeat)
            article = articlekit.load(path)
            epub, epub_size = median_seconds(lambda article=article: articlekit.to_epub(article), args.repeat)
            jats, jats_size = median_seconds(lambda article=article: articlekit.to_jats(article), args.repeat)
            print(f"{name:28} {load:7.3f}s {epub:7.3f}s {epub_size:9d}B {jats:7.3f}s {jats_size:9d}B")


if __name__ == "__main__":
    main()
