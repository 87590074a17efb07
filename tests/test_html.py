"""The HTML writer: validity (Nu checker), notes, metadata, sanitising, fragment mode."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

import articlekit
from conftest import FIXTURES, run_cli
from seed import SAMPLE, normalise, note_texts, sentences
from validators import nu_check


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


@pytest.mark.slow
def test_nu_checker_passes_sample_and_fixtures(sample_html, tmp_path):
    sources = [
        FIXTURES / "articles" / "kitchen-sink.md",
        FIXTURES / "articles" / "hangul.md",
        FIXTURES / "journal" / "journal-article.md",
        FIXTURES / "notes" / "numbering.md",
    ]
    proc = run_cli("build", *sources, "-t", "html", "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    fragment = tmp_path / "fragment.html"
    article = articlekit.load(SAMPLE)
    fragment.write_text(
        "<!DOCTYPE html><html lang=en><head><title>f</title></head><body>"
        + articlekit.to_html(article, fragment=True) + "</body></html>",
        encoding="utf-8",
    )
    assert nu_check([sample_html, *sorted(tmp_path.glob("*.html"))]) == []


@pytest.mark.slow
def test_nu_checker_can_fail(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head></head><body><p style="x">x<div></p></body></html>')
    assert nu_check([bad])


def test_every_seed_sentence_and_note_is_in_the_page(sample_html):
    doc = parse(sample_html)
    for sup in doc.cssselect("sup.noteref"):
        sup.drop_tree()  # the seed's "[6][7]" markers are not part of its sentences
    text = normalise(doc.text_content())
    missing = [s for s in sentences() if normalise(s) not in text]
    assert missing == []
    notes = parse(sample_html).cssselect('section[role="doc-endnotes"] li')
    assert [normalise(li.text_content()).removesuffix("↩︎").strip() for li in notes] == note_texts()


def test_notes_link_both_ways_in_order(sample_html):
    doc = parse(sample_html)
    items = doc.cssselect('section[role="doc-endnotes"] ol > li')
    assert [li.get("id") for li in items] == [f"fn{i}" for i in range(1, 11)]
    refs = doc.cssselect('a[role="doc-noteref"]')
    assert [a.text for a in refs] == [str(i) for i in range(1, 11)]
    ids = {el.get("id") for el in doc.iter() if el.get("id")}
    for a in refs:
        assert a.getparent().tag == "sup"
        assert a.get("href").lstrip("#") in ids
    for li in items:
        backs = li.cssselect('a[role="doc-backlink"]')
        assert backs, li.get("id")
        for b in backs:
            target = doc.get_element_by_id(b.get("href").lstrip("#"))
            assert target.get("href") == f"#{li.get('id')}"


def test_adjacent_references_are_one_superscript_six_comma_seven(sample_html):
    sups = parse(sample_html).cssselect("sup.noteref")
    texts = [s.text_content().removeprefix("\u2060") for s in sups]  # a word joiner glues each to its word
    assert "6,7" in texts and "67" not in texts
    assert len(sups) == 9


def test_header_byline_date_editors_and_credit(sample_html):
    doc = parse(sample_html)
    header = doc.cssselect("article > header")[0]
    assert header.cssselect("h1")[0].text_content() == "How North Korea controls its Internet"
    assert "Gehan Ghofari" in header.cssselect(".byline")[0].text_content()
    assert header.cssselect("time")[0].get("datetime") == "2018-05-21"
    text = normalise(doc.text_content())
    assert "Editors: Atin Prabandari, MA(IR) and Viyasa Rahyaputra, S.IP" in text
    # A credit with no picture, which the house did not ask for (the JSON-LD keeps it as data).
    assert "Foreign Policy" not in normalise(header.text_content()) and not header.cssselect(".credit")
    assert [h.text_content()[:12] for h in doc.cssselect("article section.level1 > h2")] == [
        "How are mobi", "Will the Int", "How has the ", "How will the",
    ]


def test_machine_readable_head(sample_html):
    doc = parse(sample_html)
    assert doc.get("lang") == "en"
    meta = {m.get("name"): m.get("content") for m in doc.cssselect("head meta[name]")}
    assert meta["citation_title"] == "How North Korea controls its Internet"
    assert meta["citation_author"] == "Ghofari, Gehan"
    assert meta["citation_publication_date"] == "2018/05/21"
    assert meta["description"].startswith("When other communist countries")
    scripts = doc.cssselect("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    data = json.loads(scripts[0].text)
    assert data["datePublished"] == "2018-05-21"
    assert [p["name"] for p in data["author"]] == ["Gehan Ghofari"]
    assert [(p["name"], p["honorificSuffix"]) for p in data["editor"]] == [
        ("Atin Prabandari", "MA(IR)"), ("Viyasa Rahyaputra", "S.IP"),
    ]
    assert data["image"]["creditText"] == "Foreign Policy"


def test_no_style_attributes_scripts_or_handlers(sample_html):
    doc = parse(sample_html)
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        assert "style" not in el.attrib
        assert not any(a.startswith("on") for a in el.attrib)
        assert not (el.get("href") or "").lower().startswith("javascript:")


def test_raw_html_is_sanitised(tmp_path):
    src = tmp_path / "raw.md"
    src.write_text(
        "---\ntitle: Raw\ndate: 2020-01-01\nauthors: [A B]\n---\n\n"
        "<script>alert(1)</script>\n\n"
        'Text <b onclick="steal()">bold</b> <a href="javascript:alert(1)">js</a> '
        '<img src="x.png" onerror="alert(1)"> <span style="color:red">red</span>.\n\n'
        '<iframe src="https://example.org"></iframe>\n',
        encoding="utf-8",
    )
    (tmp_path / "x.png").write_bytes((FIXTURES / "articles" / "figure.png").read_bytes())
    html = articlekit.to_html(articlekit.load(src), fragment=True)
    lowered = html.lower()
    for bad in ("<script", "onclick", "onerror", "javascript:", "style=", "<iframe", "alert("):
        assert bad not in lowered, bad
    assert "<b>bold</b>" in html and "red" in html


def test_fragment_is_only_the_article_element():
    html = articlekit.to_html(articlekit.load(SAMPLE), fragment=True)
    assert html.startswith("<article") and html.rstrip().endswith("</article>")
    assert "<head>" not in html and "<html" not in html


def test_fragment_flag_on_the_command_line(tmp_path):
    proc = run_cli("build", SAMPLE, "-t", "html", "--fragment", "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / f"{SAMPLE.stem}.html").read_text(encoding="utf-8").startswith("<article")


def test_styles_folder_replaces_the_house_style(tmp_path):
    styles = tmp_path / "house"
    styles.mkdir()
    (styles / "html.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    proc = run_cli("build", SAMPLE, "-t", "html", "--styles", styles, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "out" / f"{SAMPLE.stem}.html").read_text(encoding="utf-8")
    assert "rebeccapurple" in page and "--measure" not in page


def test_unknown_format_is_refused_clearly(tmp_path):
    proc = run_cli("build", SAMPLE, "-t", "docx", "-o", tmp_path)
    assert proc.returncode == 2
    assert "unknown format 'docx'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["undefined-note.md", "duplicate-note.md", "editors-typo.md"])
def test_check_reports_errors_with_exit_2_and_one_line(name):
    path = FIXTURES / "errors" / name
    proc = run_cli("check", path)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"{path}:"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_library_api_shape():
    article = articlekit.load(SAMPLE)
    assert article.metadata.editors[0].degrees == "MA(IR)"
    assert [n.number for n in article.notes] == list(range(1, 11))
    assert articlekit.to_html(article).startswith("<!DOCTYPE html>")


def test_version_and_help():
    assert run_cli("--version").stdout.strip().endswith(articlekit.__version__)
    out = run_cli("--help").stdout
    assert "build" in out and "check" in out


def test_local_images_are_copied_beside_the_html_and_shared_copies_are_written_once(tmp_path):
    sources = tmp_path / "src"
    (sources / "img").mkdir(parents=True)
    picture = (FIXTURES / "articles" / "figure.png").read_bytes()
    (sources / "img" / "figure.png").write_bytes(picture)
    for name in ("one", "two"):
        (sources / f"{name}.md").write_text(
            f"---\ntitle: {name}\ndate: 2020-01-01\nauthors: [A B]\n---\n\n![A picture.](img/figure.png)\n",
            encoding="utf-8",
        )
    proc = run_cli("build", sources, "-t", "html", "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "img" / "figure.png").read_bytes() == picture
    page = parse(tmp_path / "out" / "one.html")
    assert [img.get("src") for img in page.cssselect("img")] == ["img/figure.png"]
    assert proc.stdout.count("figure.png") == 1
