"""Seconds per article: articlekit's read + transforms + HTML against plain ``pandoc -s``.

Run: ``.venv/bin/python benchmarks/bench_html.py [--repeat N]``.  Prints one line per case with
the median of N runs (default 5).  The long case repeats the first article's body 20 times with
fresh note labels (200 notes).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import articlekit  # noqa: E402
from articlekit.read.pandoc import pandoc_path  # noqa: E402

SAMPLE = ROOT / "sources" / "how-north-korea-controls-its-internet.md"


def long_article(folder: Path, copies: int = 20) -> Path:
    """The sample's body ``copies`` times, each copy with its own note labels."""
    text = SAMPLE.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    parts = [re.sub(r"\[\^(\d+)\]", lambda m, i=i: f"[^c{i}n{m.group(1)}]", body) for i in range(copies)]
    path = folder / "long.md"
    path.write_text(head + "\n---\n" + "\n\n".join(parts), encoding="utf-8")
    return path


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = {"first article": SAMPLE, "20x article, 200 notes": long_article(folder)}
        print(f"{'case':28} {'articlekit html':>16} {'pandoc -s html':>16}")
        for name, path in cases.items():
            ours = timed(lambda path=path: articlekit.to_html(articlekit.load(path)), args.repeat)
            theirs = timed(
                lambda path=path: subprocess.run(
                    [pandoc_path(), "-s", "--sandbox", "-f", "markdown", "-t", "html5", str(path), "-o",
                     str(folder / "out.html")], check=True, capture_output=True),
                args.repeat,
            )
            print(f"{name:28} {ours:15.3f}s {theirs:15.3f}s")


if __name__ == "__main__":
    main()
