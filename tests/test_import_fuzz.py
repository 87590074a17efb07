"""The importers under a fuzzer: mutated pages, posts and Word files give no traceback, read nothing outside
the input's folder, and lose no text without saying so.

Each example is a seed file (made here) with hostile pieces spliced in and bytes flipped or cut.  An audit
hook records every file opened; a secret beside the input's folder, which the pieces name in every way an
input can (``../``, an absolute path, a symbolic link, a site root), must never be among them.  Budget: about
30 s for the three tests together (each example runs pandoc once or twice).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articlekit.importers import import_file
from articlekit.importers.words import WORD
from articlekit.read.pandoc import pandoc_path
from conftest import FIXTURES

PNG = (FIXTURES / "articles" / "figure.png").read_bytes()
SECRET = PNG + b"secret"
SENTINEL = "Zebrafinch closing sentence."
#: The examples each test runs: with pandoc at about half a second a run, the three stay within 30 s.
EXAMPLES = 25
_opened: list[str] | None = None


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@pytest.fixture(scope="module")
def ground(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``ground/in`` holds the inputs and a picture; ``ground/secret`` is what they must never read."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "secret").mkdir()
    (root / "secret" / "key.png").write_bytes(SECRET)
    (root / "in" / "_posts").mkdir(parents=True)
    (root / "in" / "ok.png").write_bytes(PNG)
    (root / "in" / "_config.yml").write_text("title: A site\n", encoding="utf-8")
    (root / "in" / "out.png").symlink_to(root / "secret" / "key.png")
    return root


@pytest.fixture
def watched(ground: Path) -> Iterator[list[str]]:
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def _hostile(secret: Path) -> list[str]:
    return [
        "<embed src='x.swf'>", "<source src=a.ogg>", "<track src=t.vtt>", "<wbr>", "<font color=red>" * 30,
        "<div>" * 300, "</p></div></article>", "<img src='../secret/key.png'>", f"<img src='{secret}'>",
        "<img src='out.png'>", "<img src='/etc/passwd'>", "<img src='ok.png' alt='fine'>",
        "<header><h1>Another title</h1><p class=subtitle>A subtitle</p></header>", "&amp;&#0;&#x110000;",
        "<sup><a href='#fn1'>1</a></sup>", "<section id=fn1><p>Note</p></section>", "[1]", "\x0b", "\ufffe",
        "<svg><text>drawn</text></svg>", "<math><mi>x</mi></math>", "<table><tr><td>cell",
        "{% include x.html\n a=1 %}", "{{< shortcode\n >}}", "![up](../secret/key.png)", f"![abs]({secret})",
        "![link](out.png)", "![site](/secret/key.png)", "![fine](ok.png)", "> " * 50 + "deep", "\n---\n",
    ]


def _splice(seed: str, pieces: list[str], cuts: list[tuple[int, int]]) -> str:
    """``seed`` with ``pieces`` inserted at the positions ``cuts`` give (as shares of its length)."""
    text = seed
    for piece, (at, _) in zip(pieces, cuts, strict=False):
        pos = at * len(text) // 1000
        text = text[:pos] + piece + text[pos:]
    return text


def _check(path: Path, ground: Path, opened: list[str], *, preset: str | None = None) -> None:
    text, report = import_file(path, preset=preset)  # a traceback fails the test
    if os.environ.get("FUZZ_SHOW"):
        print(path.name, report.ok, report.error_lines()[:2], report.warning_lines()[:2], sep="\n  ")
    assert not any("internal error" in e.message for e in report.errors)
    secret = (ground / "secret").resolve()
    read = [p for p in opened if Path(p).resolve().is_relative_to(secret)]
    assert read == [], f"read outside the input's folder: {read}"
    assert SECRET not in report.media.values()
    if report.ok and _has_sentinel(path.read_text(encoding="utf-8", errors="replace")) and not _has_sentinel(text):
        assert report.dropped, "the closing sentence was lost without a report"


def _has_sentinel(text: str) -> bool:
    """Whether the closing sentence's words stand in ``text`` one after another (a table may wrap them)."""
    return " ".join(SENTINEL.rstrip(".").split()) in " ".join(WORD.findall(text))


_PAGE = ("<!DOCTYPE html><html lang='en'><head><title>The harbour</title>\n"
         "<meta name='citation_title' content='The harbour'>\n<meta name='citation_author' content='Lee, Ann'>\n"
         "<meta name='citation_publication_date' content='2023-02-01'></head>\n<body><article>\n"
         "<p>Boats leave before five, and the market opens at six.</p>\n<p>Nets dry on the wall.</p>\n"
         f"<p>{SENTINEL}</p>\n</article></body></html>\n")
_POST = ("---\ntitle: The harbour\ndate: 2023-02-01\nauthor: Ann Lee\ntags: [a, b]\n---\n\n"
         f"Boats leave before five.\n\nNets dry on the wall.\n\n{SENTINEL}\n")
_FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_CUTS = st.lists(st.tuples(st.integers(0, 999), st.integers(0, 1)), min_size=1, max_size=6)


@_FUZZ
@given(picks=st.lists(st.integers(0, 30), min_size=1, max_size=6), cuts=_CUTS)
def test_mutated_saved_pages(ground: Path, watched: list[str], picks: list[int], cuts: list[tuple[int, int]]) -> None:
    hostile = _hostile(ground / "secret" / "key.png")
    page = ground / "in" / "page.html"
    head, _, body = _PAGE.partition("<body>")  # the metadata whole, so that most examples import
    page.write_text(head + "<body>" + _splice(body, [hostile[i % len(hostile)] for i in picks], cuts),
                    encoding="utf-8")
    _check(page, ground, watched)


@_FUZZ
@given(picks=st.lists(st.integers(0, 30), min_size=1, max_size=6), cuts=_CUTS,
       front=st.sampled_from(["", "", "", "x: &a [1, 2]\ny: *a\n", "x: " + "[" * 40 + "]" * 40 + "\n",
                              "subtitle: [1, 2\n", "editors: {name: {given: A}}\n", "image: ../secret/key.png\n"]),
       preset=st.sampled_from([None, "jekyll", "hugo"]))
def test_mutated_posts(ground: Path, watched: list[str], picks: list[int], cuts: list[tuple[int, int]],
                       front: str, preset: str | None) -> None:
    hostile = _hostile(ground / "secret" / "key.png")
    post = ground / "in" / "_posts" / "2023-02-01-harbour.md"
    head, _, body = _POST.partition("\n---\n")
    post.write_text(head + "\n" + front + "---\n" + _splice(body, [hostile[i % len(hostile)] for i in picks], cuts),
                    encoding="utf-8")
    _check(post, ground, watched, preset=preset)


@pytest.fixture(scope="module")
def word(ground: Path) -> bytes:
    md = ground / "word.md"
    md.write_text(_POST.replace("author:", "author:") + "\n![A chart](ok.png)\n", encoding="utf-8")
    out = ground / "word.docx"
    subprocess.run([pandoc_path(), "-t", "docx", "-s", "--resource-path", str(ground / "in"), str(md), "-o",
                    str(out)], check=True, capture_output=True)
    return out.read_bytes()


@_FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=4),
       cut=st.one_of(st.none(), st.integers(0, 10**6)),
       rels=st.sampled_from([None, "../../secret/key.png", "/etc/passwd", "file:///etc/shadow"]))
def test_mutated_word_documents(ground: Path, watched: list[str], word: bytes, flips: list[tuple[int, int]],
                                cut: int | None, rels: str | None) -> None:
    data = bytearray(word)
    path = ground / "in" / "doc.docx"
    if rels is not None:
        path.write_bytes(word)
        with zipfile.ZipFile(path) as z:
            parts = {i.filename: z.read(i) for i in z.infolist()}
        key = "word/_rels/document.xml.rels"
        parts[key] = parts[key].replace(b'Target="media/', f'TargetMode="External" Target="{rels}#'.encode())
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, part in parts.items():
                z.writestr(name, part)
        data = bytearray(path.read_bytes())
    for at, value in flips:
        data[at % len(data)] ^= value
    if cut is not None:
        data = data[: cut % len(data)]
    path.write_bytes(bytes(data))
    _check(path, ground, watched)
