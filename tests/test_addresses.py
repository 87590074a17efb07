"""Links to malformed addresses (``http:///x``, ``https//x``, a space in them): reported with their place by
``check`` (errors with ``--strict``), and dropped alike by every format, their words kept."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree, html

import articlekit
from articlekit.cli import main
from articlekit.read.links import address_problem
from conftest import FIXTURES
from validators_jats import validate_jats

SOURCE = FIXTURES / "addresses" / "mistyped-links.md"

WARNINGS = [
    f"warning: {SOURCE}:10:20: link to 'http:///www.example.org/rights-of-way' is not a valid address"
    " (http: must be followed by two slashes, not 3); its words are kept as plain text",
    f"warning: {SOURCE}:11:29: link to 'https//records.example.org/maps/1952' is not a valid address"
    " (the colon after 'https' is missing); its words are kept as plain text",
    f"warning: {SOURCE}:14:18: link to 'https://www.example.org/report a problem' is not a valid address"
    " (it holds a space); its words are kept as plain text",
    f"warning: {SOURCE}:15:12: link to 'http://ramblers .example.org' is not a valid address"
    " ('ramblers .example.org' is not a host name); its words are kept as plain text",
]

#: The words of the dropped links, which every format must still print, and the good link's address.
WORDS = ("its mapping site", "record office", "council's form", "Ramblers")
GOOD = "https://www.example.org/oss"


@pytest.mark.parametrize(("url", "problem"), [
    ("http:///www.example.org", "http: must be followed by two slashes, not 3"),
    ("https:/www.example.org", "https: must be followed by two slashes, not 1"),
    ("https:www.example.org", "https: must be followed by two slashes, not 0"),
    ("https//x", "the colon after 'https' is missing"),
    ("HTTP//example.org", "the colon after 'HTTP' is missing"),
    ("http://", "it names no host"),
    ("http://exa%20mple.org/a", "'exa mple.org' is not a host name"),
])
def test_malformed_addresses_are_named(url: str, problem: str) -> None:
    assert address_problem(url) == problem


@pytest.mark.parametrize("url", [
    "https://www.example.org/a%20b", "http://example.org:8080/x?y=1#z", "https://user@example.org/",
    "http://[2001:db8::1]/", "https://пример.рф/", "mailto:a@example.org", "figure.png", "#notes",
    "httpbin/readme.md", "ftp://ftp.example.org/pub",
])
def test_good_addresses_pass(url: str) -> None:
    assert address_problem(url) is None


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str]]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err.splitlines()


def test_check_warns_with_the_place_of_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "check", SOURCE) == (0, [f"{w} [link-malformed]" for w in WARNINGS])


def test_check_strict_refuses_them(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(capsys, "check", "--strict", SOURCE)
    assert (code, lines) == (2, [w.removeprefix("warning: ") for w in WARNINGS])


def test_two_links_to_one_bad_address_are_placed_apart(tmp_path: Path) -> None:
    src = tmp_path / "twice.md"
    src.write_text("---\ntitle: Twice\ndate: 2024-01-01\nauthors: [Ann Example]\nlicense: CC BY 4.0\n---\n\n"
                   "See [here](https//x.org) and\n[there](https//x.org).\n", encoding="utf-8")
    warnings = articlekit.load(src).warnings
    assert [(w.line, w.column, w.code) for w in warnings] == [(8, 12, "link-malformed"), (9, 9, "link-malformed")]
    assert [str(w).split(": link")[0] for w in warnings] == [f"{src}:8:12", f"{src}:9:9"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("addresses")
    assert main(["build", str(SOURCE), "-o", str(out)]) == 0
    return out


def test_every_format_keeps_the_words_and_drops_the_links(built: Path) -> None:
    page = html.fromstring((built / "mistyped-links.html").read_bytes())
    hrefs = [a.get("href") for a in page.xpath("//article//p//a")]
    assert hrefs == [GOOD]
    text = " ".join(page.xpath("string(//article)").split())
    assert all(w in text for w in WORDS)

    with zipfile.ZipFile(built / "mistyped-links.epub") as z:
        chapter = etree.fromstring(z.read("EPUB/text.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert [a.get("href") for a in chapter.iterfind(".//x:p//x:a", ns)] == [GOOD]
    assert all(w in " ".join("".join(chapter.itertext()).split()) for w in WORDS)

    xml = (built / "mistyped-links.xml").read_bytes()
    assert validate_jats(xml) == []
    jats = etree.fromstring(xml)
    links = [e.get("{http://www.w3.org/1999/xlink}href") for e in jats.iter("ext-link")]
    assert links == [GOOD]
    assert all(w in " ".join("".join(jats.find("body").itertext()).split()) for w in WORDS)

    pdf = pypdf.PdfReader(io.BytesIO((built / "mistyped-links.pdf").read_bytes()))
    uris = [str(a.get_object()["/A"]["/URI"]) for page in pdf.pages for a in page.get("/Annots") or []
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]
    assert set(uris) == {GOOD}, "one annotation per line the link's words run over"
    # Without white space and the hyphens of words broken at a line's end ("coun- cil's").
    squashed = re.sub(r"-\s+|\s+", "", " ".join(p.extract_text() for p in pdf.pages))
    assert all(w.replace(" ", "") in squashed for w in WORDS)
