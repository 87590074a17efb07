"""Resource bounds: hostile inputs finish, converting or failing cleanly; no catastrophic regular expressions.

No test here measures time (figures come from ``benchmarks/bench_bounds.py``).
The inputs are sized so that a quadratic or worse algorithm would not finish in
any test run (hundreds of thousands of characters on one line), while the
linear ones take milliseconds: a regression shows up as a hang, not a flake.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from articlekit.cli import main
from articlekit.read import bounds, frontmatter, pandoc, reader
from articlekit.writers import available_formats

FRONT = "---\ntitle: Bounds\ndate: 2024-01-15\nauthors: [Ann Example]\n---\n\n"


def test_code_span_masking_is_linear_on_backtick_runs():
    # The regular expression this replaced, (`+)(?:(?!\1).)+?\1, takes minutes on 2,000 backticks.
    assert bounds.mask_code_spans("`" * 300_000 + "x") == "`" * 300_000 + "x"
    line = "`a" * 150_000
    assert bounds.mask_code_spans(line).count("`") == 0
    assert bounds.mask_code_spans("a `b` c ``d`e`` f `g") == "a " + " " * 3 + " c " + " " * 7 + " f `g"


def test_note_scanning_is_linear_on_bracket_runs(tmp_path):
    scan = reader.scan_notes(tmp_path / "x.md", "[^" * 300_000 + "\n" + "[^a" * 300_000, 1)
    assert scan.references == [] and scan.definitions == {}


def test_email_check_is_linear():
    # The regular expression this replaced, [^@\s]+@[^@\s]+\.[^@\s]+, is quadratic on many dots.
    assert not frontmatter.email_ok("a@" + "b." * 500_000 + "@")
    assert frontmatter.email_ok("ann@example.org")
    assert not frontmatter.email_ok("ann@example") and not frontmatter.email_ok("ann example@x.org")


def test_the_line_scan_is_linear_on_huge_lines():
    paragraphs = "\n\n".join(["x " * 200_000] * 10)  # 4 MB in paragraphs of 400,000 characters
    assert bounds.scan(paragraphs) is None
    assert bounds.scan("\n\n".join(["[a] " * 100_000] * 5)) is None  # closed brackets do not add up
    assert bounds.scan("\n\n".join(["\\[" * 200_000] * 3)) is None  # escaped ones do not count
    problem = bounds.scan("x " * 2_000_000)  # one paragraph of 4 MB: refused at its first line
    assert problem is not None and problem.line == 1 and "paragraph" in problem.message
    problem = bounds.scan("> " * 1_000_000)
    assert problem is not None and problem.col == 65


def test_code_is_not_mistaken_for_nesting():
    fenced = "```\n" + "\n".join("> " * 50 + "quoted in code" for _ in range(10)) + "\n```\n"
    assert bounds.scan(fenced) is None
    assert bounds.scan("Text with `" + "[" * 500 + "` in code.") is None


def test_list_nesting_is_measured_as_commonmark_nests_lists():
    def nested(step: int, levels: int) -> str:
        return "\n".join(" " * (step * i) + "- item" for i in range(levels))

    for step in (2, 3, 4):
        assert bounds.scan(nested(step, 32)) is None
        problem = bounds.scan(nested(step, 33))
        assert problem is not None and problem.line == 33
    siblings = "\n".join("- item" for _ in range(1000))
    assert bounds.scan(siblings) is None
    back_out = "- a\n  - b\n    - c\n\nnot in any list\n- d\n  - e"
    assert bounds.scan(back_out) is None


def test_tree_depth_is_measured_without_recursion():
    deep: list[object] = []
    node: list[object] = deep
    for _ in range(100_000):
        child: list[object] = []
        node.append({"t": "BlockQuote", "c": child})
        node = child
    assert bounds.tree_depth(deep, limit=10**9) == 100_000
    assert bounds.tree_depth(deep) == bounds.MAX_TREE_DEPTH + 1  # stops early


def test_nesting_the_line_scan_cannot_see_fails_cleanly(capsys, tmp_path):
    src = tmp_path / "emph.md"
    src.write_text(FRONT + "*a _" * 50 + "x" + "_ a*" * 50 + "\n", encoding="utf-8")
    assert main(["check", str(src)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"{src}: the document is nested more than {bounds.MAX_TREE_DEPTH} levels deep "
                     "(lists, quotes, divs or inline markup inside one another)"]


def test_nesting_at_the_limit_converts_in_every_format(tmp_path):
    """32 levels, the most the line scan allows, go through every writer (WeasyPrint included)."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "lists.md").write_text(
        FRONT + "# A\n\n## B\n\n### C\n\n"
        + "\n".join("  " * i + f"- level {i} *with **strong [link](https://example.org)***" for i in range(32))
        + "[^n]\n\n[^n]: A note.\n", encoding="utf-8")
    (folder / "quotes.md").write_text(FRONT + "> " * 32 + "quoted\n", encoding="utf-8")
    (folder / "mixed.md").write_text(FRONT + "> - " * 16 + "mixed\n", encoding="utf-8")
    (folder / "divs.md").write_text(FRONT + "<div>" * 31 + "divs" + "</div>" * 31 + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(folder), "-t", ",".join(available_formats()), "-o", str(out), "-q",
                 "--pdf-variant", "plain"]) == 0
    assert len(list(out.glob("*.*"))) == 4 * len(available_formats()) + 1  # and the manifest


def test_a_document_pandoc_returns_too_deep_for_python_is_refused(monkeypatch):
    deep = ("[" * 100_000 + "]" * 100_000).encode()

    def fake_run(*args: object, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess([], 0, deep, b"")

    monkeypatch.setattr(pandoc.subprocess, "run", fake_run)
    with pytest.raises(pandoc.PandocFailed, match="nested too deeply"):
        pandoc.parse_markdown("x")


def test_pandocs_heap_limit_is_enforced_and_reported(monkeypatch):
    monkeypatch.setattr(pandoc, "MAX_HEAP", "64m")  # the binary's suggested heap (-H64m) is the floor
    text = " ".join(f"w[^n{i}]" for i in range(20_000)) + "\n\n" + "\n".join(
        f"[^n{i}]: Note {i}." for i in range(20_000))
    with pytest.raises(pandoc.PandocFailed, match="ran out of its 64m memory limit"):
        pandoc.parse_markdown(text)


def test_the_pandoc_time_limit_grows_with_the_source_but_is_finite():
    assert pandoc.timeout_for("x") == pytest.approx(pandoc.TIMEOUT_SECONDS, abs=0.01)
    big = pandoc.timeout_for("x" * 20 * 1048576)
    assert pandoc.TIMEOUT_SECONDS < big <= pandoc.TIMEOUT_SECONDS + 20 * pandoc.SECONDS_PER_MB


@pytest.mark.slow
def test_a_thousand_notes_convert_in_every_format(tmp_path):
    """Well inside the note limit: every writer copes, and every note is there."""
    src = tmp_path / "notes.md"
    src.write_text(FRONT + " ".join(f"Claim {i}.[^n{i}]" for i in range(1000)) + "\n\n"
                   + "\n".join(f"[^n{i}]: Note number {i}." for i in range(1000)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(src), "-t", ",".join(available_formats()), "-o", str(out), "-q",
                 "--pdf-variant", "plain"]) == 0
    if "html" in available_formats():
        html = (out / "notes.html").read_text(encoding="utf-8")
        assert html.count('role="doc-noteref"') == 1000 and 'id="fn1000"' in html


def test_the_benchmark_cases_are_well_formed():
    """The benchmark's sources are what its table says (cheap: only their text is made)."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_bounds.py"
    spec = importlib.util.spec_from_file_location("bench_bounds", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.notes(3).count("[^n") == 6
    assert json.dumps(sorted(bench.CASES))
