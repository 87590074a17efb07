"""axe-core finds nothing on the HTML: every rule, best-practice and AAA ones included.

The pages checked are the sample article, every fixture source that builds (the
ones in ``broken/`` and ``errors/`` exist to fail), and ``--fragment`` output
placed inside a minimal page of the test's own, as a CMS would place it.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

import articlekit
from conftest import FIXTURES, run_cli
from seed import SAMPLE
from validators_axe import Violation, axe

pytestmark = pytest.mark.slow  # the validators' long runs: scripts/test --fast leaves them out

#: Fixture folders without article sources that build: those meant to fail, and the seed text.
NOT_ARTICLES = {"broken", "errors", "seed"}
FIXTURE_DIRS = sorted(
    d for d in FIXTURES.iterdir() if d.is_dir() and d.name not in NOT_ARTICLES and any(d.glob("*.md"))
)
PAGES = [f"{d.name}/{s.stem}" for d in FIXTURE_DIRS for s in sorted(d.glob("*.md"))]
FRAGMENTS = [SAMPLE, FIXTURES / "articles" / "kitchen-sink.md"]


def fragment_page(article_html: str, title: str, lang: str) -> str:
    """A minimal valid page holding a fragment: what a CMS around it must at least give."""
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n<main>\n{article_html}</main>\n</body>\n</html>\n"
    )


@pytest.fixture(scope="module")
def violations(sample_html: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Violation]]:
    """axe's findings for every page, keyed ``folder/stem`` (``fragment/stem`` for fragments)."""
    out = tmp_path_factory.mktemp("axe")
    pages = {"sources/" + SAMPLE.stem: sample_html}
    for d in FIXTURE_DIRS:
        # One folder per fixture folder: two folders may hold images of the same name.
        proc = run_cli("build", d, "-t", "html", "-o", out / d.name)
        assert proc.returncode == 0, proc.stderr
        pages.update({f"{d.name}/{p.stem}": p for p in sorted((out / d.name).glob("*.html"))})
    proc = run_cli("build", *FRAGMENTS, "-t", "html", "--fragment", "-o", out / "fragment")
    assert proc.returncode == 0, proc.stderr
    for source in FRAGMENTS:
        meta = articlekit.load(source).metadata
        fragment = out / "fragment" / f"{source.stem}.html"
        page = fragment.with_name(f"{source.stem}-page.html")
        page.write_text(fragment_page(fragment.read_text(encoding="utf-8"), meta.title_text, meta.lang),
                        encoding="utf-8")
        pages[f"fragment/{source.stem}"] = page
    found = axe(list(pages.values()))
    return {name: found[path] for name, path in pages.items()}


def report(found: list[Violation]) -> str:
    return "\n".join(f"  {v}" for v in found)


@pytest.mark.parametrize("name", ["sources/" + SAMPLE.stem, *PAGES, *(f"fragment/{s.stem}" for s in FRAGMENTS)])
def test_axe_finds_nothing(violations: dict[str, list[Violation]], name: str) -> None:
    assert name in violations, f"{name} was not built"
    found = violations[name]
    assert not found, f"axe-core on {name}:\n{report(found)}"


def test_axe_can_fail(tmp_path: Path) -> None:
    """The runner reports what axe finds, in both schemes and at both sizes, with selectors."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>bad</title>"
        "<style>a { text-decoration: none; color: #1a0dab; } p { color: #000; }"
        " @media (prefers-color-scheme: dark) { p { color: #777; background: #888; } }</style></head>"
        '<body><h1>Bad</h1><p>Read <a id="quiet" href="#x">this</a> now.</p><img src="x.png"></body></html>',
        encoding="utf-8",
    )
    found = axe([bad])[bad]
    rules = {(v.rule, v.scheme) for v in found}
    assert {("html-has-lang", "light"), ("image-alt", "light"), ("landmark-one-main", "light"),
            ("link-in-text-block", "light"), ("color-contrast", "dark")} <= rules, report(found)
    quiet = next(v for v in found if v.rule == "link-in-text-block" and v.scheme == "light")
    assert quiet.impact == "serious" and quiet.targets == ("#quiet",)
    assert {v.viewport for v in found} == {"desktop", "phone"}
    assert "#quiet" in str(quiet) and "link-in-text-block (serious" in str(quiet)
