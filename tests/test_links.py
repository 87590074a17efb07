"""Internal links to anchors the article does not define: reported once, with their place, and kept
as plain text in every format (so no format keeps a dead link, drops the words or fails on it)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree

import articlekit
from articlekit.cli import main
from articlekit.read.links import suggestion, unwrap_broken_links
from conftest import FIXTURES
from validators_jats import validate_jats

SOURCE = FIXTURES / "links" / "broken-anchors.md"

WARNINGS = [
    f"warning: {SOURCE}:10:49: link to #Final-code: the article has no such anchor (did you mean #final-code?);"
    " its words are kept as plain text",
    f"warning: {SOURCE}:11:14: link to #benchmarks: the article has no such anchor; its words are kept as plain text",
    f"warning: {SOURCE}:28:90: link to #First_Impressions: the article has no such anchor"
    " (did you mean #first-impressions?); its words are kept as plain text",
]

#: The words of the broken links and of the good ones, which every format must print.
WORDS = ("the final version", "benchmarks", "the first impressions", "the final code", "quoting rules")


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str]]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err.splitlines()


def test_check_warns_once_per_missing_anchor_with_its_place(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(capsys, "check", SOURCE)
    assert (code, lines) == (0, [f"{w} [link-no-anchor]" for w in WARNINGS])


def test_check_strict_refuses_them(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(capsys, "check", "--strict", SOURCE)
    assert (code, lines) == (2, [w.removeprefix("warning: ") for w in WARNINGS])
    with pytest.raises(articlekit.ArticleErrors) as info:
        articlekit.load(SOURCE, strict=True)
    assert [(e.line, e.col) for e in info.value] == [(10, 49), (11, 14), (28, 90)]


def test_a_target_linked_twice_is_one_warning(tmp_path: Path) -> None:
    src = tmp_path / "twice.md"
    src.write_text("---\ntitle: Twice\ndate: 2024-01-01\nauthors: [Ann Example]\nlicense: CC BY 4.0\n---\n\n"
                   "See [here](#gone) and, again, [there](#gone).\n\n# Present\n\nText.\n", encoding="utf-8")
    article = articlekit.load(src)
    assert [str(w) for w in article.warnings] == [f"{src}:8:12: link to #gone: the article has no such anchor;"
                                                  " the words of all 2 links to it are kept as plain text"]
    assert [w.code for w in article.warnings] == ["link-no-anchor"]


def test_hints() -> None:
    ids = {"final-code", "first-impressions", "quoting"}
    assert suggestion("Final-code", ids) == "final-code"
    assert suggestion("First_Impressions", ids) == "first-impressions"
    assert suggestion("quotng", ids) == "quoting"
    assert suggestion("benchmarks", ids) is None


def test_unwrapping_keeps_words_and_good_links() -> None:
    body = [{"t": "Header", "c": [1, ["here", [], []], [{"t": "Str", "c": "Here"}]]},
            {"t": "Para", "c": [
                {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "gone"}], ["#gone", ""]]},
                {"t": "Space"},
                {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "kept"}], ["#here", ""]]},
                {"t": "Space"},
                {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "web"}], ["https://example.org/#x", ""]]},
            ]}]
    warnings = unwrap_broken_links(Path("a.md"), "[gone](#gone)", 0, body)
    assert [str(w) for w in warnings] == [
        "a.md:1:8: link to #gone: the article has no such anchor; its words are kept as plain text"]
    para = body[1]["c"]
    assert para[0] == {"t": "Str", "c": "gone"}
    assert [n["c"][2][0] for n in para if n["t"] == "Link"] == ["#here", "https://example.org/#x"]


@pytest.fixture(scope="module")
def article() -> articlekit.Article:
    return articlekit.load(SOURCE)


def test_html_keeps_the_words_and_no_dead_link(article: articlekit.Article) -> None:
    html = articlekit.to_html(article)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    targets = re.findall(r'href="#([^"]*)"', html)
    assert targets and set(targets) <= ids
    text = re.sub(r"<[^>]+>", "", html)
    for words in WORDS:
        assert words in text


def test_epub_keeps_the_words_and_no_dead_link(article: articlekit.Article) -> None:
    with zipfile.ZipFile(io.BytesIO(articlekit.to_epub(article))) as book:
        docs = {n: book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml")}
    ids = {(Path(n).name, i) for n, doc in docs.items() for i in re.findall(r'\bid="([^"]+)"', doc)}
    text = ""
    for name, doc in docs.items():
        for file, anchor in re.findall(r'href="([^"#:]*)#([^"]*)"', doc):
            assert (file or Path(name).name, anchor) in ids, f"{name}: dead link to {file}#{anchor}"
        text += re.sub(r"<[^>]+>", "", doc)
    for words in WORDS:
        assert words in text


def test_jats_is_valid_and_keeps_the_words(article: articlekit.Article) -> None:
    xml = articlekit.to_jats(article)
    assert validate_jats(xml) == []
    body = etree.fromstring(xml).find("body")
    text = " ".join("".join(body.itertext()).split())
    for words in WORDS:
        assert words in text
    assert {x.get("rid") for x in body.iter("xref")} == {"final-code", "quoting"}


def test_pdf_builds_and_prints_the_words(article: articlekit.Article) -> None:
    reader = pypdf.PdfReader(io.BytesIO(articlekit.to_pdf(article)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = " ".join(re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text).split())  # words hyphenated at a line's end
    for words in WORDS:
        assert words in text
