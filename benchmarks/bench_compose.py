"""The print PDF's paragraph composer, per article: layouts, time against the floor, and the lines read back.

    python benchmarks/bench_compose.py            # every sample and fixture article, the long one, the 10,000-word one
    python benchmarks/bench_compose.py --runs 5   # more timed runs per article
    python benchmarks/bench_compose.py --against /path/to/an/older/checkout   # before and after, side by side
    python benchmarks/bench_compose.py --only fr 10k --paused-floor   # two articles; the floor timed as to_pdf runs
    python benchmarks/bench_compose.py --cpu      # CPU seconds of this process, not wall-clock ones

For each article, in one warm process (each article built once before it is timed):

* **layouts**: how many times WeasyPrint lays the whole article out for one PDF (1, or 2
  when a note's back-references must list a page once and cannot be edited in place), and ``+Np``: how many pages
  were made again without a whole layout (a paragraph set again so that a
  right-hand page does not end in a hyphen, notes listing each page once;
  ``1+16p`` is one layout and 16 pages);
* **to_pdf s**: the median of the timed runs of the whole PDF writer;
* **floor s**: one whole layout of the final document (its HTML, its paragraphs
  set as in the PDF; made by the print run's own page maker, ``writers/pdf/pagination.py``,
  which makes a page holding a note's back-links once where WeasyPrint's makes it three
  times; timed apart after each run, outside to_pdf) plus writing the
  PDF, the part no writer on WeasyPrint can avoid; **ratio** is to_pdf over floor.  The
  floor's layout is timed with Python's garbage collector as the caller left it; with
  ``--paused-floor`` it is timed with the collector off, as a print run that pauses it
  (``press.collection_paused``) lays out, so that what the pause saves is not counted as
  less work beyond the floor;
* **composed / left**: justified paragraphs set by the composer, and those left to
  WeasyPrint's own breaking (Korean, a table cell …), with their reasons;
* **strained**: paragraphs that needed the composer's emergency pass;
* read back from the PDF (``tests/tools``): the widest space of a justified line as
  a multiple of the normal space, how many spaces exceed 1.6 ×, the share of
  justified lines ending in a hyphen and the longest run of them.

With ``--against``, the same articles are also built by another checkout's
``src`` (an earlier revision, in a subprocess), and each article's layouts, time
and lines read back are printed for both, side by side, in the same run.

The "10k" article is generated from ``tests/fixtures/compose/build-notes.md`` (code,
addresses, identifiers) repeated with a table to about 10,000 words; "long" is the
first article twenty times over (``bench_pdf.long_source``).  It prints figures and
asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

FIXTURES = ROOT / "tests" / "fixtures"
#: What the timed runs and the floor are timed with: wall-clock seconds, or with ``--cpu`` this process's CPU seconds.
CLOCK = [time.perf_counter]
CASES = {
    "first": ROOT / "sources" / "how-north-korea-controls-its-internet.md",
    "gdpr": ROOT / "sources" / "data-protection-after-the-gdpr.md",
    "trade": ROOT / "sources" / "the-trade-war-and-southeast-asia.md",
    "id": ROOT / "sources" / "diplomasi-indonesia-dan-krisis-rohingya.md",
    "de": FIXTURES / "compose" / "binnenschifffahrt.md",
    "fr": FIXTURES / "overflow" / "bibliotheques.md",
    "code": FIXTURES / "compose" / "build-notes.md",
    "ko": FIXTURES / "articles" / "hangul.md",
}

_TABLE = """
| Run | Platform | Compiler flags | Wall time (s) | Relative error |
|---|---|---|---|---|
| {n}a | x86_64-linux-gnu | -O2 -ffp-contract=off | 412.{n} | 3.1e-13 |
| {n}b | aarch64-linux-gnu | -O2 -ffp-contract=off | 455.{n} | 2.7e-13 |
| {n}c | x86_64-linux-gnu | -O3 -march=native | 371.{n} | 8.8e-11 |
"""


def ten_thousand_words(words: int = 10_000) -> str:
    """The code-and-addresses fixture repeated, each copy its own section, notes and table, to ``words`` words."""
    text = CASES["code"].read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    front = re.sub(r"^title: (.+)$", r"title: \1 (collected edition)", front, flags=re.M)
    main, _, notes = body.partition("\n[^1]:")
    notes = "[^1]:" + notes
    size = len(main.split())
    parts, defs, k = [], [], 0
    while k * size < words:
        k += 1
        body = re.sub(r"\[\^(\d+)\]", rf"[^p{k}n\1]", main.strip())
        parts.append(f"## Part {k}\n\n{body}\n" + _TABLE.format(n=k))  # a blank line before the table
        defs.append(re.sub(r"^\[\^(\d+)\]:", rf"[^p{k}n\1]:", notes.strip(), flags=re.M))
    return f"---\n{front}---\n\n" + "\n\n".join(parts) + "\n\n" + "\n\n".join(defs) + "\n"


def read_back(data: bytes) -> dict[str, float]:
    """A PDF's justified lines read back: the widest space, spaces over 1.6 and 2 ×, hyphenated lines and runs."""
    from tools.pdf_lines import pdf_lines
    from tools.word_gaps import gaps, justified_lines

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "out.pdf"
        pdf.write_bytes(data)
        found = gaps(pdf)
        every = list(pdf_lines(pdf))
        lines = justified_lines(every)
    ends = [bool(re.search(r"[^\W\d_]-$", line.text.rstrip())) for line in lines]
    # A run of hyphenated lines is broken by any line that is not (a paragraph's last line among them).
    justified = {id(line) for line in lines}
    run = longest = 0
    for line in every:
        hyphenated = id(line) in justified and bool(re.search(r"[^\W\d_]-$", line.text.rstrip()))
        run = run + 1 if hyphenated else 0
        longest = max(longest, run)
    return {"widest": max((g.ratio for g in found), default=0.0), "over16": sum(g.ratio > 1.6 for g in found),
            "over2": sum(g.ratio > 2 for g in found), "hyphenated": 100 * sum(ends) / len(lines) if lines else 0.0,
            "run": longest}


def measure(source: Path, runs: int, paused_floor: bool = False) -> dict[str, Any]:
    import articlekit
    from articlekit.writers.pdf import pagination, press

    article = articlekit.load(source)
    state: dict[str, Any] = {"layouts": 0, "remade": 0, "write_s": 0.0, "report": None, "built": None,
                             "constraints": None}
    originals = {name: getattr(press, name) for name in ("_build", "_document", "set_again_in_place", "print_run")}

    def print_run(html: Any, font_config: Any, page_references: Any, **kwargs: Any) -> Any:
        state["html"], state["refs"] = html, None

        def refs_of(pages: Any) -> Any:
            state["refs"] = page_references(pages)
            return state["refs"]

        return originals["print_run"](html, font_config, refs_of, **kwargs)

    def build(html: Any, font_config: Any, constraints: Any, options: Any) -> Any:
        state["layouts"] += 1  # every box tree built is laid out whole once
        state["built"] = html, font_config, constraints, options
        state["constraints"] = constraints
        built = originals["_build"](html, font_config, constraints, options)
        state["report"] = built[-1]
        return built

    def set_again_in_place(layout: Any, constraints: Any, *edited: Any) -> None:
        originals["set_again_in_place"](layout, constraints, *edited)
        state["remade"] += layout.remade
        state["constraints"] = constraints

    def document(*args: Any) -> Any:
        made = originals["_document"](*args)
        write = made.write_pdf

        def timed_write(*a: Any, **k: Any) -> Any:
            start = CLOCK[0]()
            data = write(*a, **k)
            state["write_s"] = CLOCK[0]() - start
            return data

        made.write_pdf = timed_write
        return made

    def floor_layout() -> float:
        """One whole layout of the final document (its HTML, its paragraphs under the final constraints)."""
        html, font_config, _, options = state["built"]
        if state["refs"] is not None:  # the notes list each page once: the HTML that says so
            html = state["html"](state["refs"])
        _, _, context, root_box, _ = originals["_build"](html, font_config, state["constraints"], options)
        pause = paused_floor and gc.isenabled()
        if pause:
            gc.disable()
        try:
            start = CLOCK[0]()
            if pagination.SUPPORTED:  # the print run's own page maker, as its one layout makes the pages
                pagination.finish(context, pagination.paginate(html, root_box, context,
                                                                pagination.start(context, root_box)))
            else:
                list(press.layout_document(html, root_box, context))
            return CLOCK[0]() - start
        finally:
            if pause:
                gc.enable()

    press._build, press._document, press.set_again_in_place = build, document, set_again_in_place
    press.print_run = print_run
    try:
        data = articlekit.to_pdf(article)  # warm-up
        totals, floors, layouts = [], [], ""
        for _ in range(runs):
            state.update(layouts=0, remade=0)
            start = CLOCK[0]()
            data = articlekit.to_pdf(article)
            totals.append(CLOCK[0]() - start)
            layouts = str(state["layouts"]) + (f"+{state['remade']}p" if state["remade"] else "")
            floors.append(floor_layout() + state["write_s"])
    finally:
        for name, original in originals.items():
            setattr(press, name, original)
    report = state["report"]
    lines = read_back(data)
    total, floor = statistics.median(totals), statistics.median(floors)
    return {
        "words": len(article.metadata.title_text.split()) + sum(1 for _ in _words(article)),
        "layouts": layouts, "to_pdf": total, "floor": floor,
        "composed": report.composed, "left": dict(report.left), "strained": len(report.strained),
        "widest": lines["widest"], "over": lines["over16"], "hyphenated": lines["hyphenated"], "run": lines["run"],
    }


def measure_plain(source: Path, runs: int) -> dict[str, Any]:
    """Layouts, time and the lines read back for any revision's writer: no use of its internals."""
    import weasyprint.document

    import articlekit

    counted = {"layouts": 0, "remade": 0}
    original = weasyprint.document.layout_document

    def layout_document(*args: Any) -> Any:
        counted["layouts"] += 1
        return original(*args)

    weasyprint.document.layout_document = layout_document
    try:
        from articlekit.writers.pdf import press  # a revision with the print run lays out through it

        press.layout_document = layout_document
        if hasattr(press, "lay_out"):  # a revision that makes pages in two steps, and again only those that change
            lay_out, set_again_in_place = press.lay_out, press.set_again_in_place

            def counted_lay_out(*args: Any, **kwargs: Any) -> Any:
                counted["layouts"] += 1
                return lay_out(*args, **kwargs)

            def counted_set_again(layout: Any, constraints: Any, *edited: Any) -> None:
                set_again_in_place(layout, constraints, *edited)
                counted["remade"] += layout.remade

            press.lay_out, press.set_again_in_place = counted_lay_out, counted_set_again
    except ImportError:
        pass
    article = articlekit.load(source)
    data = articlekit.to_pdf(article)
    times = []
    for _ in range(runs):
        counted.update(layouts=0, remade=0)
        start = time.perf_counter()
        data = articlekit.to_pdf(article)
        times.append(time.perf_counter() - start)
    lines = read_back(data)
    layouts = str(counted["layouts"]) + (f"+{counted['remade']}p" if counted["remade"] else "")
    return {"layouts": layouts, "to_pdf": statistics.median(times),
            "widest": lines["widest"], "over2": lines["over2"], "hyphenated": lines["hyphenated"], "run": lines["run"]}


def _plain_in(src: Path, source: Path, runs: int) -> dict[str, Any]:
    """:func:`measure_plain` in a subprocess importing articlekit from ``src``."""
    import json
    import os
    import subprocess

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(src), str(ROOT / "tests")]))
    code = (f"import json, sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); "
            f"from bench_compose import measure_plain; from pathlib import Path; "
            f"print(json.dumps(measure_plain(Path({str(source)!r}), {runs})))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def against(cases: dict[str, Path], other: Path, runs: int) -> None:
    """Each article built by ``other``'s writer and by this one, side by side."""
    print(f"{'article':<7} {'':<6} {'layouts':>7} {'to_pdf s':>8} {'widest':>6} {'>2x':>4} {'hyph %':>6} {'run':>3}")
    for name, source in cases.items():
        for label, src in (("before", other / "src"), ("after", ROOT / "src")):
            r = _plain_in(src, source, runs)
            print(f"{name:<7} {label:<6} {r['layouts']:>7} {r['to_pdf']:>8.2f} {r['widest']:>6.2f} {r['over2']:>4} "
                  f"{r['hyphenated']:>6.1f} {r['run']:>3}")


def _words(article: Any) -> Any:
    from articlekit.tree import iter_blocks, stringify

    for block in iter_blocks(article.body):
        if block["t"] in ("Para", "Plain"):
            yield from stringify(block["c"]).split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="case names")
    parser.add_argument("--against", type=Path, help="a checkout of another revision, to compare with")
    parser.add_argument("--cpu", action="store_true",
                        help="time in this process's CPU seconds, not wall-clock ones (steadier on a shared machine)")
    parser.add_argument("--paused-floor", action="store_true",
                        help="time the floor's layout with the garbage collector paused, as the print run pauses it")
    args = parser.parse_args()
    if args.cpu:
        CLOCK[0] = time.process_time
    from bench_pdf import long_source

    with tempfile.TemporaryDirectory() as tmp:
        cases = dict(CASES)
        long = Path(tmp) / "long-article.md"
        long.write_text(long_source(), encoding="utf-8")
        tenk = Path(tmp) / "ten-thousand-words.md"
        tenk.write_text(ten_thousand_words(), encoding="utf-8")
        cases.update({"long": long, "10k": tenk})
        if args.only:
            cases = {k: v for k, v in cases.items() if k in args.only}
        if args.against:
            against(cases, args.against.resolve(), args.runs)
            return
        print(f"{'article':<7} {'words':>6} {'layouts':>7} {'to_pdf s':>8} {'floor s':>7} {'ratio':>5} "
              f"{'composed':>8} {'left':>5} {'strained':>8} {'widest':>6} {'>1.6x':>5} {'hyph %':>6} {'run':>3}")
        reasons: Counter[str] = Counter()
        for name, source in cases.items():
            r = measure(source, args.runs, args.paused_floor)
            reasons.update(r["left"])
            print(f"{name:<7} {r['words']:>6} {r['layouts']:>7} {r['to_pdf']:>8.2f} {r['floor']:>7.2f} "
                  f"{r['to_pdf'] / r['floor']:>5.2f} {r['composed']:>8} {sum(r['left'].values()):>5} "
                  f"{r['strained']:>8} {r['widest']:>6.2f} {r['over']:>5} {r['hyphenated']:>6.1f} {r['run']:>3}")
        print("left to WeasyPrint, by reason:", dict(reasons) or "none")


if __name__ == "__main__":
    main()
