"""An edition of 50 articles, built as one print book and one ebook with every article's own files.

    python benchmarks/bench_edition.py                 # 50 articles, pdf,epub,jats,html
    python benchmarks/bench_edition.py --articles 20 -t pdf
    python benchmarks/bench_edition.py --check         # exit 1 when over the target (2 minutes)

The articles are the sample edition's four sources (``sources/``) taken in turn,
each under its own slug and title, in five sections, with the sample edition's
foreword, imprint and cover, in a temporary project folder.  It prints the wall
time of each step of :func:`articlekit.build_edition` (load, print layout,
EPUB, the articles' own files) and the book's page count.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import articlekit

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EDITION = ROOT / "editions" / "2018-q2.yaml"
#: The target for a 50-article edition in every format on the project's build machine (2 cores).
TARGET_SECONDS = 120.0


def make_project(tmp: Path, count: int) -> Path:
    """A project folder with ``count`` articles and an edition file listing them in five sections."""
    sources, editions = tmp / "sources", tmp / "editions"
    sources.mkdir()
    editions.mkdir()
    originals = sorted((ROOT / "sources").glob("*.md"))
    for extra in ROOT.joinpath("sources").iterdir():
        if extra.suffix != ".md" and extra.is_file():
            shutil.copy(extra, sources / extra.name)
    slugs = []
    for i in range(count):
        original = originals[i % len(originals)]
        slug = f"{original.stem}-{i + 1:03d}"
        text = original.read_text(encoding="utf-8")
        text = re.sub(r"^title: (.*)$", rf"title: \1, part {i + 1}", text, count=1, flags=re.M)
        (sources / f"{slug}.md").write_text(text, encoding="utf-8")
        slugs.append(slug)
    sample = SAMPLE_EDITION.read_text(encoding="utf-8")
    head = sample[: sample.index("sections:")]
    for name in ("cover", "foreword", "imprint"):
        found = re.search(rf"^{name}: (\S+)$", sample, flags=re.M)
        if found:
            shutil.copy(SAMPLE_EDITION.parent / found[1], editions / found[1])
    sections = "\n".join(
        f"  - title: Part {k + 1}\n    articles:\n" + "\n".join(f"      - {s}" for s in slugs[k::5])
        for k in range(min(5, count)))
    edition = editions / "bench.yaml"
    edition.write_text(f"{head}sections:\n{sections}\n", encoding="utf-8")
    return edition


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("-t", "--to", default="pdf,epub,jats,html")
    parser.add_argument("-j", "--jobs", type=int, default=None)
    parser.add_argument("--check", action="store_true", help=f"exit 1 when over {TARGET_SECONDS:.0f} s")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="articlekit-bench-edition-") as name:
        tmp = Path(name)
        edition = make_project(tmp, args.articles)
        started = time.perf_counter()
        report = articlekit.build_edition(edition, args.to, tmp / "dist", jobs=args.jobs,
                                          progress=lambda line: print(f"  {line[:110]}", flush=True))
        wall = time.perf_counter() - started
    print(f"\n{args.articles} articles, formats {args.to}: {report.page_count} pages in the book")
    for step, seconds in report.steps:
        print(f"  {step:<10} {seconds:7.1f} s")
    print(f"  {'total':<10} {wall:7.1f} s   (target {TARGET_SECONDS:.0f} s for 50 articles)")
    return 1 if args.check and wall > TARGET_SECONDS * args.articles / 50 else 0


if __name__ == "__main__":
    sys.exit(main())
