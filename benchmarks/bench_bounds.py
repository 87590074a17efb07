"""Resource bounds: how long, and how much memory, hostile and huge sources take.

Each case is a source made on the fly, run through ``python -m articlekit`` in a
child process (``check``, or ``build`` for one format); the script prints the
wall time, the peak resident memory of the largest process (articlekit or its
pandoc), the exit code and the first line of the message.  A case either
converts or is refused with one line; nothing may run or grow without bound.

    python benchmarks/bench_bounds.py            # every case
    python benchmarks/bench_bounds.py notes      # cases whose name contains "notes"
    python benchmarks/bench_bounds.py --formats html,pdf
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONT = "---\ntitle: Bounds\ndate: 2024-01-15\nauthors: [Ann Example]\n---\n\n"
KITCHEN = ROOT / "tests" / "fixtures" / "articles" / "kitchen-sink.md"


def notes(n: int) -> str:
    refs = " ".join(f"Claim {i}.[^n{i}]" for i in range(n))
    defs = "\n".join(f"[^n{i}]: Note number {i}." for i in range(n))
    return FRONT + refs + "\n\n" + defs + "\n"


def indented_lists(levels: int) -> str:
    return FRONT + "\n".join("  " * i + f"- level {i}" for i in range(levels)) + "\n"


def big_article(megabytes: float) -> str:
    body = KITCHEN.read_text(encoding="utf-8").split("---\n", 2)[2]
    body = body.split("\n[^alpha]:")[0]  # the text without its note definitions
    unit = body.replace("[^", "[^x")  # references only; definitions follow once
    count = int(megabytes * 1048576 / len(unit)) + 1
    defs = "".join(f"[^x{label}]: Note {label}.\n" for label in ("zeta", "alpha", "ibid-a", "ibid-b", "multi",
                                                                  "quote", "table"))
    return FRONT + "\n\n".join([unit] * count) + "\n\n" + defs


#: name → (source text, what to run: "check" or "build").
CASES: dict[str, tuple[Callable[[], str], str]] = {
    "10,000 nested block quotes": (lambda: FRONT + "> " * 10_000 + "deep\n", "check"),
    "10,000 nested lists on one line": (lambda: FRONT + "- " * 10_000 + "deep\n", "check"),
    "2,000 nested lists by indentation": (lambda: indented_lists(2_000), "check"),
    "10,000 nested HTML divs": (lambda: FRONT + "<div>" * 10_000 + "deep" + "</div>" * 10_000 + "\n", "check"),
    "10,000 open brackets": (lambda: FRONT + "[" * 10_000 + "x\n", "check"),
    "50 nested emphases (tree check)": (lambda: FRONT + "*a _" * 50 + "x" + "_ a*" * 50 + "\n", "check"),
    "100,000 notes": (lambda: notes(100_000), "check"),
    "10,000 notes (the limit)": (lambda: notes(10_000), "build"),
    "3,000 notes": (lambda: notes(3_000), "build"),
    "1,000 notes": (lambda: notes(1_000), "build"),
    "32 nested lists (the limit)": (lambda: indented_lists(32), "build"),
    "1 MB article": (lambda: big_article(1), "build"),
    "'a < b' x 1,000 in one paragraph (pandoc is quadratic)": (lambda: FRONT + "a < b " * 1_000 + "\n", "check"),
    "'a < b' x 2,000 in one paragraph": (lambda: FRONT + "a < b " * 2_000 + "\n", "check"),
}


def run(args: list[str], cwd: Path) -> tuple[float, int, int, str]:
    """Wall seconds, peak RSS in MB (largest process of the tree), exit code, first line of stderr."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "articlekit", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                                stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - start
        err.seek(0)
        first = err.read().decode("utf-8", "replace").strip().splitlines()
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    # wait4's figure covers the child and the processes it waited for (pandoc): the largest of them.
    return elapsed, usage.ru_maxrss // 1024, code, (first[0] if first else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="run only cases whose name contains one of these")
    parser.add_argument("--formats", default="html,jats,epub,pdf", help="formats for the build cases")
    opts = parser.parse_args()
    formats = [f for f in opts.formats.split(",") if f]
    print(f"{'case':58} {'run':>10} {'seconds':>8} {'peak MB':>8} {'exit':>4}  message")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "figure.png").write_bytes((KITCHEN.parent / "figure.png").read_bytes())
        for name, (make, what) in CASES.items():
            if opts.only and not any(o in name for o in opts.only):
                continue
            src = folder / "case.md"
            src.write_text(make(), encoding="utf-8")
            size = src.stat().st_size
            runs = [("check", ["check", str(src)])] if what == "check" else [
                (f, ["build", str(src), "-t", f, "-o", str(folder / f"out-{f}"), "-q", "--force",
                     "--pdf-variant", "plain"]) for f in formats]
            for label, args in runs:
                seconds, peak, code, message = run(args, ROOT)
                shown = message.replace(str(src), "case.md")[:90]
                print(f"{name + f' ({size / 1024:.0f} KB)':58} {label:>10} {seconds:8.2f} {peak:8d} {code:4d}  {shown}",
                      flush=True)


if __name__ == "__main__":
    main()
