"""articlekit import never drops running text silently: every word comes through, or is reported.

Each case file is made by its test.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from lxml import html as lhtml

import articlekit
from articlekit.importers import ImportReport, html, import_file, words
from articlekit.read.pandoc import pandoc_path
from conftest import run_cli
from test_import_trust import FRONT, page


def test_an_unclosed_embed_does_not_swallow_the_rest_of_the_article(tmp_path: Path) -> None:
    source = tmp_path / "embed.html"
    source.write_text(page("<p>Before the video.</p>\n<embed src='talk.mp4'>\n<p>The rest of the article.</p>\n"
                           "<audio controls><source src='a.ogg'><track src='a.vtt'></audio>\n"
                           "<p>A very<wbr>long<wbr>word and the last paragraph.</p>"), encoding="utf-8")
    proc = run_cli("import", source, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "out" / "embed.md").read_text(encoding="utf-8")
    assert "The rest of the article." in text and "the last paragraph." in text
    assert "  dropped: line 7: <embed>" in proc.stdout.splitlines()


def test_400_paragraphs_in_unclosed_font_tags_all_import(tmp_path: Path) -> None:
    source = tmp_path / "legacy.html"
    source.write_text(page("".join(f"<p><font color='#{i:06x}' face='Arial'>Paragraph number {i} of the page.\n"
                                   for i in range(400))), encoding="utf-8")
    text, report = import_file(source)
    assert report.ok, report.error_lines()
    assert [n for n in range(400) if f"Paragraph number {n} of the page." not in text] == []


def test_a_page_that_would_make_millions_of_elements_is_refused_in_time(tmp_path: Path) -> None:
    source = tmp_path / "legacy.html"
    source.write_text(page("".join(f"<p><font color='#{i:06x}'>Paragraph number {i} of the page.\n"
                                   for i in range(5000))), encoding="utf-8")
    started = time.monotonic()
    text, report = import_file(source)
    assert time.monotonic() - started < 30
    assert text == "" and report.error_lines() == [
        f"{source}:712: the page makes more than 500,000 elements by here (formatting tags such as <font> left "
        "open, which every later paragraph reopens); close them"]


def test_a_parser_that_loses_text_is_caught_by_the_word_count(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "legacy.html"
    source.write_text(page("".join(f"<p><font color='#{i:06x}'>Paragraph number {i} of the page.\n"
                                   for i in range(400))), encoding="utf-8")
    # libxml2's HTML parser, as the import used: it cuts nesting at 255 levels, and the rest goes with it.
    monkeypatch.setattr(html, "parse", lambda text, report: lhtml.document_fromstring(text))
    text, report = import_file(source)
    assert text == ""
    [error] = report.error_lines()
    assert error.startswith(f"{source}: 1644 words of the running text are lost without a report (2400 in, "), error


def test_a_dropped_element_that_held_text_says_how_many_words(tmp_path: Path) -> None:
    _, _, report = imported_page(tmp_path, "<p>Boats leave before five.</p>\n<object data='x.swf'>The fallback "
                                 "text of a film nobody can play.</object>")
    assert [(e.line, e.message) for e in report.dropped if "object" in e.message] == [(7, "<object> (9 words)")]


def test_the_word_count_of_a_page_skips_scripts_styles_and_the_head() -> None:
    assert words.in_page("<html><head><title>A title</title><style>p {color: red}</style></head><body>"
                         "<p>One two<br>three</p><script>var x = 1;</script><!-- a comment -->"
                         "<p>four&nbsp;five a < b</p></body></html>") == 7
    assert words.in_page("<p>open <script>never closed") == 1
    assert words.in_page("<p>un<b>broken</b> word") == 2


def test_multi_line_liquid_and_hugo_tags_are_removed_and_reported(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text(FRONT + "Boats leave before five.\n\n"
                    "{% include figure.html\n   src=\"nets.png\"\n   caption=\"Nets\" %}\n\n"
                    "{{< youtube\n    id=\"abc\"\n    title=\"Dawn\" >}}\n\n"
                    "The market opens at six. {{ site.data.prices\n | first }} fish a kilo.\n\n"
                    "```liquid\n{% raw\n %}\n```\n\n"
                    "Braces {{ across\n\na blank line }} stay.\n", encoding="utf-8")
    text, report = import_file(post)
    assert report.ok, report.error_lines()
    assert report.warning_lines() == [
        f"warning: {post}:9: removed the template tag '{{% include figure.html src=\"nets.png\" caption=\"Nets\" %}}'"
        ": articlekit has no templates; write out what it made [template-removed]",
        f"warning: {post}:13: removed the template tag '{{{{< youtube id=\"abc\" title=\"Dawn\" >}}}}': articlekit "
        "has no templates; write out what it made [template-removed]",
        f"warning: {post}:17: removed the template tag '{{{{ site.data.prices | first }}}}': articlekit has no "
        "templates; write out what it made [template-removed]"]
    body = text.split("\n---\n", 1)[1]
    assert "include" not in body and "youtube" not in body and "prices" not in body
    assert "The market opens at six.\n fish a kilo." in body
    assert "```liquid\n{% raw\n %}\n```" in body
    assert "Braces {{ across\n\na blank line }} stay." in body


def test_a_pandoc_page_gives_its_subtitle_from_the_title_block(tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text("---\ntitle: The harbour\nsubtitle: Boats before dawn\nauthor: Ann Lee\ndate: 2023-02-01\n---\n\n"
                  "Boats leave before five.\n", encoding="utf-8")
    source = tmp_path / "page.html"
    subprocess.run([pandoc_path(), "-s", "-t", "html5", str(md), "-o", str(source)], check=True, capture_output=True)
    out = tmp_path / "out"
    proc = run_cli("import", source, "-o", out)
    assert proc.returncode == 0, proc.stderr
    meta = articlekit.load(out / "page.md").metadata
    assert (meta.title_text, meta.subtitle_text, [p.name for p in meta.authors], str(meta.date)) == \
        ("The harbour", "Boats before dawn", ["Ann Lee"], "2023-02-01")
    assert any("the title block's subtitle" in line for line in proc.stdout.splitlines())


def imported_page(tmp_path: Path, body: str) -> tuple[Path, str, ImportReport]:
    """A saved page around ``body``, imported: its path, the source's text and the report, which has no error."""
    source = tmp_path / "page.html"
    source.write_text(page(body), encoding="utf-8")
    text, report = import_file(source)
    assert report.ok, report.error_lines()
    return source, text, report


def test_a_title_block_that_disagrees_with_the_metadata_is_reported(tmp_path: Path) -> None:
    source, text, report = imported_page(
        tmp_path, "<header><h1>The harbour at night</h1><p class='subtitle'>Boats before dawn</p>\n"
        "<p class='author'>Budi Santoso</p><p class='date'>3 February 2023</p></header>\n"
        "<p>Boats leave before five.</p>")
    assert "subtitle: Boats before dawn" in text and "title: The harbour\n" in text
    assert report.warning_lines() == [
        f"warning: {source}:6: the title block's title 'The harbour at night' differs from the metadata's: kept the "
        "metadata's 'The harbour' [title-block-differs]",
        f"warning: {source}:7: the title block's authors 'Budi Santoso' differs from the metadata's: kept the "
        "metadata's 'Ann Lee' [title-block-differs]",
        f"warning: {source}:7: the title block's date '2023-02-03' differs from the metadata's: kept the "
        "metadata's '2023-02-01' [title-block-differs]"]


def test_a_word_document_whose_text_pandoc_loses_is_caught_by_the_word_count(tmp_path: Path, monkeypatch) -> None:
    from articlekit.importers import ast
    from articlekit.importers import docx as word
    from test_import_trust import docx

    path = docx(tmp_path, "The chart shows the trend.\n\n" + "".join(
        f"Paragraph {i} of the manuscript goes on here.\n\n" for i in range(10)))
    text, report = import_file(path)
    assert report.ok, report.error_lines()
    assert "Paragraph 9 of the manuscript" in text
    read = ast.read

    def losing(fmt: str, data: bytes, *extra: str) -> dict:
        doc = read(fmt, data, *extra)
        doc["blocks"] = doc["blocks"][:3]  # as a reader that cannot read a part of the document would
        return doc

    monkeypatch.setattr(word.ast, "read", losing)
    text, report = import_file(path)
    assert text == ""
    [error] = report.error_lines()
    assert error.startswith(f"{path}: 64 words of the running text are lost without a report ("), error


def test_plain_text_that_the_converter_loses_is_caught_by_the_word_count(tmp_path: Path, monkeypatch) -> None:
    from articlekit.importers import plaintext

    source = tmp_path / "ports.txt"
    source.write_text("Ports of the Java Sea\nMon, 21 May 2018 || By Ann Lee\n\n"
                      "Tanjung Priok handles most of the country's containers.[1]\n\n"
                      "Tanjung Perak comes second, and the gap is narrowing every year.\n\n"
                      "Editors: Budi Santoso, MA\n\n[1] BPS, 2017.\n", encoding="utf-8")
    text, report = import_file(source)
    assert report.ok, report.error_lines()
    split = plaintext.paragraphs
    monkeypatch.setattr(plaintext, "paragraphs", lambda t: [p for p in split(t) if "Perak" not in p.text])
    text, report = import_file(source)
    assert text == "" and report.error_lines() == [
        f"{source}: 11 words of the running text are lost without a report (40 in, 16 dropped as reported, 13 in "
        "the source): a part of the input could not be read; please report the file"]


def test_what_is_dropped_inside_a_dropped_element_is_counted_once(tmp_path: Path) -> None:
    _, _, report = imported_page(tmp_path, "<header><h1>The harbour</h1><p>By Ann Lee</p></header>\n"
                                 "<p>Boats leave before five.</p>\n"
                                 "<aside>Related: <nav>Home, Archive, Contact</nav> and more</aside>")
    assert [e.message for e in report.dropped if e.message.startswith(("<aside>", "<nav>", "<header>", "<h1>"))] \
        == ["<header> (the title block: its facts are read from the metadata) (5 words)", "<aside> (6 words)"]
    assert report.words_dropped == 11
