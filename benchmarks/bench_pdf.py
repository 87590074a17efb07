"""Seconds per PDF, and peak memory, for the first article and for one twenty times longer.

    python benchmarks/bench_pdf.py            # both cases, each in a fresh process
    python benchmarks/bench_pdf.py --runs 5   # more timed runs per case

The long case is generated: the first article's body repeated twenty times,
each copy with its own ten notes (200 notes in all) and its own section
headings.  Each case runs in its own process so that its peak RSS is its own;
the first run of each case (fonts, imports) is reported apart from the
steady-state runs.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources" / "how-north-korea-controls-its-internet.md"


def long_source(copies: int = 20) -> str:
    """The first article repeated ``copies`` times, notes renamed per copy (10 × copies notes)."""
    text = SAMPLE.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    front = front.replace("title: How North Korea controls its Internet",
                          f"title: How North Korea controls its Internet ({copies}× edition)")
    body_text, _, note_defs = body.partition("\n[^1]:")
    note_defs = "[^1]:" + note_defs
    parts = []
    for k in range(1, copies + 1):
        chunk = re.sub(r"\[\^(\d+)\]", rf"[^c{k}n\1]", body_text)
        chunk = re.sub(r"^## (.+)$", rf"## Part {k}: \1", chunk, flags=re.M)
        parts.append(chunk.strip())
    notes = []
    for k in range(1, copies + 1):
        notes.append(re.sub(r"^\[\^(\d+)\]:", rf"[^c{k}n\1]:", note_defs.strip(), flags=re.M))
    return f"---\n{front}---\n\n" + "\n\n".join(parts) + "\n\n" + "\n\n".join(notes) + "\n"


def run_case(case: str, runs: int) -> dict[str, object]:
    """Time ``runs`` PDF builds of one case in this process."""
    import articlekit
    from articlekit.writers.pdf import to_pdf

    with tempfile.TemporaryDirectory() as tmp:
        if case == "first":
            source = SAMPLE
        else:
            source = Path(tmp) / "long-article.md"
            source.write_text(long_source(), encoding="utf-8")
        article = articlekit.load(source)
        times = []
        data = b""
        for _ in range(runs + 1):
            start = time.perf_counter()
            data = to_pdf(article)
            times.append(time.perf_counter() - start)
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    return {
        "case": case,
        "notes": len(article.notes),
        "pages": pages,
        "bytes": len(data),
        "first_run_s": times[0],
        "runs_s": times[1:],
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case after the first (default 3)")
    parser.add_argument("--case", choices=["first", "long"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.runs)))
        return
    print(f"{'case':<8} {'notes':>5} {'pages':>5} {'KiB':>7} {'first s':>8} {'median s':>9} {'min s':>7} {'s/page':>7}"
          f" {'peak RSS MiB':>13}")
    for case in ("first", "long"):
        out = subprocess.run([sys.executable, __file__, "--case", case, "--runs", str(args.runs)],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        runs = r["runs_s"]
        median = statistics.median(runs)
        print(f"{r['case']:<8} {r['notes']:>5} {r['pages']:>5} {r['bytes'] / 1024:>7.0f} {r['first_run_s']:>8.2f}"
              f" {median:>9.2f} {min(runs):>7.2f} {median / r['pages']:>7.3f} {r['peak_rss_mib']:>13.0f}")


if __name__ == "__main__":
    main()
