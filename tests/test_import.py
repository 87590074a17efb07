"""articlekit import: plain text, Word, web pages and other tools' Markdown into canonical sources."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import articlekit
from articlekit.importers import import_file, import_many
from articlekit.importers.canonical import escape_line
from articlekit.read.pandoc import READER_FORMAT, pandoc_path, parse_markdown
from articlekit.tree import all_nodes, stringify
from conftest import FIXTURES, run_cli
from seed import SAMPLE, SEED

IMPORT = FIXTURES / "import"
JEKYLL = IMPORT / "2021-08-17-indonesia-data-protection-law.markdown"
ASEAN = IMPORT / "asean-smart-cities.txt"
BROKEN = IMPORT / "errors" / "vaccine-diplomacy.txt"


def imported(source: Path, folder: Path, name: str | None = None, **options: Any) -> Path:
    """Import ``source`` and write the canonical source (and its images) into ``folder``."""
    text, report = import_file(source, **options)
    assert report.ok, report.error_lines() + report.warning_lines()
    folder.mkdir(parents=True, exist_ok=True)
    for rel, data in report.media.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    out = folder / (name or f"{source.stem}.md")
    out.write_text(text, encoding="utf-8")
    return out


def same_article(a: articlekit.Article, b: articlekit.Article, *, metadata: bool = True) -> None:
    """Metadata, sections and paragraphs, and notes in order (everything but where they were read from)."""
    if metadata:
        assert a.metadata == b.metadata
    assert a.body == b.body
    assert [(n.number, n.label, n.blocks, n.ref_ids) for n in a.notes] == \
        [(n.number, n.label, n.blocks, n.ref_ids) for n in b.notes]
    assert a.notes_title == b.notes_title


# --- plain text -------------------------------------------------------------------------------------------


def test_seed_text_imports_to_the_hand_written_article(tmp_path: Path) -> None:
    out = imported(SEED, tmp_path, SAMPLE.name)
    same_article(articlekit.load(out), articlekit.load(SAMPLE))


def test_seed_text_builds_byte_identical_outputs(tmp_path: Path) -> None:
    mine, theirs = articlekit.load(imported(SEED, tmp_path, SAMPLE.name)), articlekit.load(SAMPLE)
    assert articlekit.to_html(mine) == articlekit.to_html(theirs)
    assert articlekit.to_jats(mine) == articlekit.to_jats(theirs)
    assert articlekit.to_epub(mine) == articlekit.to_epub(theirs)
    assert articlekit.to_pdf(mine) == articlekit.to_pdf(theirs)


def test_seed_text_reports_its_guesses_with_their_lines() -> None:
    _, report = import_file(SEED)
    guesses = [(e.line, e.message) for e in report.guessed]
    assert [line for line, m in guesses if "section heading" in m] == [7, 16, 25, 32]
    assert [e.line for e in report.guessed if e.code == "guessed-heading"] == [7, 16, 25, 32]
    assert [m for line, m in guesses if line == 38] == [
        "editors: split 'Atin Prabandari, MA(IR)' into the name 'Atin Prabandari' and the degrees 'MA(IR)'",
        "editors: split 'Viyasa Rahyaputra, S.IP' into the name 'Viyasa Rahyaputra' and the degrees 'S.IP'",
    ]
    assert report.ok and not report.errors
    strict_text, strict = import_file(SEED, strict=True)
    assert not strict.ok and strict_text == ""
    assert strict.warning_lines()[0] == (f"{SEED}:7: took 'How are mobile phones and Internet accessed by the North "
                                         "Korean people? What for?' for a section heading (one line that does not "
                                         "end as a sentence)")


def test_plain_text_with_several_authors_three_editors_and_windows_line_endings(tmp_path: Path) -> None:
    assert b"\r\n" in ASEAN.read_bytes()
    article = articlekit.load(imported(ASEAN, tmp_path))
    meta = article.metadata
    assert meta.title_text == "Smart cities in Southeast Asia: who is the city for?"
    assert str(meta.date) == "2021-09-09"
    assert [p.name for p in meta.authors] == ["Nadia Rahman", "Arief Wicaksono", "Lim Wei Ling"]
    assert [(p.name, p.degrees) for p in meta.editors] == [
        ("Atin Prabandari", "MA(IR)"), ("Muhammad Rum", "S.IP, M.Si"), ("Dedi Dinarto", "MA")]
    assert meta.image is None  # no picture line
    headings = [stringify(b["c"][1][0]["c"][2]) for b in article.body if b["t"] == "Div"]
    assert headings == ["The promise of the network", "Data without consent"]
    assert [n.label for n in article.notes] == ["1", "2", "3", "4"]
    assert article.notes[1].ref_ids == ["fnref2", "fnref2-2"]  # [2] used again is the same note
    links = [n for n in article.notes[0].blocks[0]["c"] if n["t"] == "Link"]
    assert [link["c"][2][0] for link in links] == [
        "https://asean.org/wp-content/uploads/2019/02/ASCN-ASEAN-Smart-Cities-Framework.pdf"]
    first = stringify(article.body[0]["c"])
    assert first.endswith("how that data is used.")  # trailing spaces gone, the text kept
    assert "Jakarta’s “Jakarta Smart City” dashboard" in stringify(article.body[1]["c"][1][1]["c"])
    report = articlekit.check([tmp_path / "asean-smart-cities.md"], strict=False)
    assert report.ok


def test_plain_text_errors_name_their_lines() -> None:
    text, report = import_file(BROKEN)
    assert text == ""
    assert report.error_lines() == [
        f"{BROKEN}:2: cannot read the date 'Mon, 31 Febuary 2021': expected a date such as 'Mon, 21 May 2018'",
        f"{BROKEN}:6: marker [3] (column 82) has no note",
        f"{BROKEN}:10: note [2] is never referenced in the text",
    ]


def test_plain_text_shape_problems(tmp_path: Path) -> None:
    cases = {
        "no-byline.txt": ("A title alone\n\nA paragraph.\n", "2: line 2 should give the date and the author"),
        "twice.txt": ("T\n1 May 2020 || By A B\n\nText.[1]\n\n[1] One.\n\n[1] Again.\n",
                      "8: note [1] is given twice (first on line 6)"),
    }
    for name, (text, expected) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        _, report = import_file(tmp_path / name)
        assert any(line.startswith(f"{tmp_path / name}:{expected}") for line in report.error_lines()), \
            report.error_lines()


LITERAL = st.lists(
    st.sampled_from([*"ab Z1iIvX.)(-+#>|:*_`[]<>^~&;\\!{}%=\"'’“”—\u00a0@$", "https://x.org/p_q", "&amp;"]),
    min_size=1, max_size=30,
).map("".join).map(lambda s: re.sub(r" +", " ", s).strip(" ")).filter(bool)


@settings(max_examples=15, deadline=None)
@given(st.lists(LITERAL, min_size=1, max_size=25))
def test_escaped_text_reads_back_as_the_same_characters(lines: list[str]) -> None:
    doc = parse_markdown("\n\n".join(escape_line(line) for line in lines))
    assert [stringify(b["c"]) for b in doc["blocks"]] == lines


# --- Word ---------------------------------------------------------------------------------------------------


#: Pandoc Markdown as the sources are written, with the front matter read as the document's properties.
DOCX_FROM = READER_FORMAT.replace("-yaml_metadata_block", "")


def pandoc_docx(source: Path, out: Path, *extra: str) -> Path:
    subprocess.run([pandoc_path(), "-f", DOCX_FROM, "-t", "docx", "-s", *extra, str(source), "-o", str(out)],
                   check=True, capture_output=True)
    return out


def as_endnotes(docx: Path, out: Path) -> Path:
    """The same document with its footnotes made Word endnotes (word/endnotes.xml), as Word writes them."""
    with zipfile.ZipFile(docx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    notes = parts.pop("word/footnotes.xml").decode()
    parts["word/endnotes.xml"] = notes.replace("w:footnotes", "w:endnotes").replace("w:footnote ", "w:endnote ") \
        .replace("</w:footnote>", "</w:endnote>").replace("FootnoteReference", "EndnoteReference").encode()
    doc = parts["word/document.xml"].decode()
    assert "w:footnoteReference" in doc
    parts["word/document.xml"] = doc.replace("w:footnoteReference", "w:endnoteReference").encode()
    for name in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
        parts[name] = parts[name].decode().replace("footnotes", "endnotes").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out


def test_docx_made_by_pandoc_imports_back_with_the_same_notes(tmp_path: Path) -> None:
    docx = pandoc_docx(SAMPLE, tmp_path / "essay.docx", "-M", "author=Gehan Ghofari")
    _, report = import_file(docx)
    assert report.ok, report.error_lines()
    assert "10 footnotes and endnotes" in " ".join(e.message for e in report.mapped)
    back = articlekit.load(imported(docx, tmp_path / "src", SAMPLE.name))
    original = articlekit.load(SAMPLE)
    same_article(back, original, metadata=False)
    assert (back.metadata.title_text, back.metadata.date, back.metadata.authors) == \
        (original.metadata.title_text, original.metadata.date, original.metadata.authors)


def test_docx_with_word_endnotes_imports_the_same_notes_in_order(tmp_path: Path) -> None:
    docx = as_endnotes(pandoc_docx(SAMPLE, tmp_path / "f.docx", "-M", "author=Gehan Ghofari"), tmp_path / "e.docx")
    with zipfile.ZipFile(docx) as z:
        assert "word/endnotes.xml" in z.namelist() and "word/footnotes.xml" not in z.namelist()
    back = articlekit.load(imported(docx, tmp_path / "src", SAMPLE.name))
    same_article(back, articlekit.load(SAMPLE), metadata=False)


def test_docx_without_title_and_date_paragraphs_reads_the_document_properties(tmp_path: Path) -> None:
    docx = pandoc_docx(SAMPLE, tmp_path / "full.docx", "-M", "author=Gehan Ghofari")
    with zipfile.ZipFile(docx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    doc = parts["word/document.xml"].decode()
    for style in ("Title", "Date"):  # the paragraphs go; the properties Word keeps stay
        doc = re.sub(rf'<w:p>(?:(?!<w:p>).)*?<w:pStyle w:val="{style}" />.*?</w:p>', "", doc, count=1, flags=re.S)
    assert 'w:val="Title"' not in doc and 'w:val="Date"' not in doc
    parts["word/document.xml"] = doc.encode()
    core = parts["docProps/core.xml"].decode()
    core = re.sub(r"(<dcterms:created[^>]*>)[^<]*", r"\g<1>2018-05-20T08:00:00Z", core)
    core = re.sub(r"<cp:keywords\s*/>|<cp:keywords>[^<]*</cp:keywords>",
                  "<cp:keywords>North Korea; Internet</cp:keywords>", core)
    parts["docProps/core.xml"] = core.encode()
    bare = tmp_path / "bare.docx"
    with zipfile.ZipFile(bare, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    text, report = import_file(bare)
    assert report.ok, report.error_lines()
    assert "title: How North Korea controls its Internet\ndate: 2018-05-20\n" in text
    assert "keywords:\n  - North Korea\n  - Internet\n" in text and "lang: en\n" in text
    assert report.warning_lines() == [
        f"warning: {bare}: no Date paragraph: took the document's creation date 2018-05-20 for the date"
        " [date-from-properties]"]


def test_docx_comments_and_tracked_changes_are_reported(tmp_path: Path) -> None:
    md = tmp_path / "draft.md"
    md.write_text(
        "---\ntitle: Rice prices and the 2024 harvest\nauthor: Putri Anggraini\ndate: 2024-03-01\n---\n\n"
        "Rice prices rose [sharply]{.insertion author=\"Editor\" date=\"2024-02-01T00:00:00Z\"} "
        "[slowly]{.deletion author=\"Editor\" date=\"2024-02-01T00:00:00Z\"} in February.[^1]\n\n"
        "[Check the figure]{.comment-start id=\"0\" author=\"Reviewer\" date=\"2024-02-02T00:00:00Z\"}"
        "Bulog holds 1.2 million tonnes.[]{.comment-end id=\"0\"}\n\n[^1]: Statistics Indonesia, March 2024.\n",
        encoding="utf-8")
    docx = pandoc_docx(md, tmp_path / "draft.docx")
    out = imported(docx, tmp_path / "src")
    body = articlekit.load(out).body
    assert " ".join(stringify(body[0]["c"]).split()) == "Rice prices rose sharply in February."
    assert stringify(body[1]["c"]) == "Bulog holds 1.2 million tonnes."
    _, report = import_file(docx)
    dropped = " ".join(e.message for e in report.dropped)
    assert "a comment by Reviewer: 'Check the figure'" in dropped
    assert "a deletion by Editor ('slowly'), accepted" in dropped
    assert any("an insertion by Editor ('sharply'), accepted" in e.message for e in report.guessed)


def test_docx_images_are_taken_out_beside_the_source(tmp_path: Path) -> None:
    md = tmp_path / "fig.md"
    (tmp_path / "figure.png").write_bytes((FIXTURES / "articles" / "figure.png").read_bytes())
    md.write_text("---\ntitle: A figure\nauthor: Ann Lee\ndate: 2024-01-02\n---\n\n"
                  "The chart shows the trend.\n\n![Monthly rice prices in 2023](figure.png)\n", encoding="utf-8")
    subprocess.run([pandoc_path(), "-f", DOCX_FROM, "-t", "docx", "-s", "--resource-path", str(tmp_path),
                    str(md), "-o", str(tmp_path / "fig.docx")], check=True, capture_output=True)
    _, report = import_file(tmp_path / "fig.docx")
    [name] = report.media
    assert name.startswith("fig-media/") and report.media[name] == (tmp_path / "figure.png").read_bytes()
    out = imported(tmp_path / "fig.docx", tmp_path / "src")
    images = [n for n in all_nodes(articlekit.load(out).body) if n["t"] == "Image"]
    assert [(i["c"][2][0], stringify(i["c"][1])) for i in images] == [(name, "Monthly rice prices in 2023")]


# --- web pages ------------------------------------------------------------------------------------------------


def test_a_page_written_by_articlekit_imports_back_to_an_equal_article(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(articlekit.to_html(articlekit.load(SAMPLE)), encoding="utf-8")
    back = articlekit.load(imported(page, tmp_path / "src", SAMPLE.name))
    same_article(back, articlekit.load(SAMPLE))


def test_a_page_written_by_articlekit_keeps_every_contributor_fact(tmp_path: Path) -> None:
    source = FIXTURES / "contributors" / "translated-review.md"
    page = tmp_path / "page.html"
    page.write_text(articlekit.to_html(articlekit.load(source)), encoding="utf-8")
    back, original = articlekit.load(imported(page, tmp_path / "src", source.name)), articlekit.load(source)
    for role in ("authors", "editors", "reviewers", "translators"):
        assert getattr(back.metadata, role) == getattr(original.metadata, role)
    assert back.metadata.subtitle == original.metadata.subtitle
    assert (back.body, [n.blocks for n in back.notes]) == (original.body, [n.blocks for n in original.notes])


def test_a_page_keeps_its_title_markup_and_its_lead_picture(tmp_path: Path) -> None:
    source = FIXTURES / "articles" / "title-block.md"
    (tmp_path / "figure.png").write_bytes((source.parent / "figure.png").read_bytes())
    page = tmp_path / "page.html"
    page.write_text(articlekit.to_html(articlekit.load(source)), encoding="utf-8")
    back, original = articlekit.load(imported(page, tmp_path / "src", source.name)), articlekit.load(source)
    assert back.metadata.title == original.metadata.title  # "Smartphones at the *border*"
    assert back.metadata.image == original.metadata.image
    assert (tmp_path / "src" / "figure.png").is_file()


def test_a_saved_page_keeps_its_article_and_drops_the_site(tmp_path: Path) -> None:
    page = IMPORT / "saved-page.html"
    text, report = import_file(page)
    assert report.ok, report.error_lines()
    article = articlekit.load(imported(page, tmp_path))
    meta = article.metadata
    assert (meta.title_text, str(meta.date), [p.name for p in meta.authors]) == (
        "Fishing rights in the Natuna Sea", "2022-04-05", ["Rizky Pratama", "Maya Sari"])
    assert meta.doi == "10.5555/natuna.2022" and meta.keywords == ("maritime security", "fisheries")
    assert "subscribe" not in text.lower() and "gtag" not in text and "Home" not in text
    assert [n.label for n in article.notes] == ["1", "2"]
    assert article.notes[0].ref_ids == ["fnref1", "fnref1-2"]
    dropped = [e.message for e in report.dropped]
    assert any(m.startswith("<nav>") for m in dropped) and any(m.startswith("<script>") for m in dropped)
    assert report.warning_lines() == [
        f"warning: {page}:28: dropped image 'https://ads.example.com/banner-300x50.gif': not a file saved with the "
        "page (download it beside the source and add it back) [dropped]"]
    [figure] = [n for n in all_nodes(article.body) if n["t"] == "Image"]
    assert figure["c"][2][0] == "saved-page_files/natuna-map.png"  # where the page had it, now beside the source
    assert (tmp_path / "saved-page_files" / "natuna-map.png").read_bytes() == \
        (IMPORT / "saved-page_files" / "natuna-map.png").read_bytes()


# --- other tools' Markdown ------------------------------------------------------------------------------------


def test_jekyll_article_imports_with_the_preset_and_builds_in_every_format(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "articlekit.toml").write_text('license = "CC BY 4.0"\n\n[import.keys]\ntopics = "keywords"\n'
                                             'activity = "section"\n', encoding="utf-8")
    proc = run_cli("import", JEKYLL, "-o", sources, "--preset", "jekyll", "--report", tmp_path / "r.json")
    assert proc.returncode == 0, proc.stderr
    out = sources / "indonesia-data-protection-law.md"
    assert proc.stdout.startswith(f"wrote {out}")
    assert proc.stderr.splitlines() == [
        f"warning: {JEKYLL}:6: editors: split 'Rachel Morton, MA & Bambang Purwanto, S.IP' into 2 people"
        " [people-split]",
        f"warning: {JEKYLL}:16: removed the template tag '{{% include toc.html %}}': articlekit has no templates; "
        "write out what it made [template-removed]",
        f"warning: {JEKYLL}:24: removed the template tag '{{{{ site.baseurl }}}}': articlekit has no templates; "
        "write out what it made [template-removed]",
        f"warning: {JEKYLL}:32: removed the template tag '{{% include related-posts.html category=\"commentary\" %}}'"
        ": articlekit has no templates; write out what it made [template-removed]",
    ]
    article = articlekit.load(out)
    meta = article.metadata
    assert str(meta.date) == "2021-08-17" and meta.section == "Commentary"
    assert meta.keywords == ("data protection", "Indonesia", "digital economy", "policy")
    assert [p.name for p in meta.reviewers] == ["Siti Rahmawati"]
    assert [(p.name, p.degrees) for p in meta.editors] == [("Rachel Morton", "MA"), ("Bambang Purwanto", "S.IP")]
    assert "{%" not in out.read_text() and "{{" not in out.read_text()
    assert [n.label for n in article.notes] == ["leak", "commission", "asean"]
    report = json.loads((tmp_path / "r.json").read_text())["files"][0]
    assert [d["message"] for d in report["dropped"]] == ["key 'layout'", "key 'permalink'", "key 'comments'"]
    assert report["media"] == ["indonesia-data-protection-law-media/breaches.png"]
    assert [(g["line"], g["code"]) for g in report["guessed"]][:2] == [(6, "people-split"), (16, "template-removed")]
    assert {"line": 9, "message": "topics → keywords"} in report["mapped"]
    assert {"line": 24, "message": "image /assets/breaches.png → indonesia-data-protection-law-media/breaches.png"} \
        in report["mapped"]
    built = articlekit.build([out], ["html", "jats", "epub", "pdf"], tmp_path / "dist", jobs=1)
    assert built.ok, [str(e) for e in built.errors]
    assert {p.suffix for p in (tmp_path / "dist").glob("indonesia-data-protection-law.*")} == \
        {".html", ".xml", ".epub", ".pdf"}


def test_unmapped_keys_are_dropped_with_a_warning_and_strict_refuses_them(tmp_path: Path) -> None:
    _, report = import_file(JEKYLL, preset="jekyll")
    assert f"warning: {JEKYLL}:9: dropped key 'topics': no canonical key for it (map it under [import.keys] in " \
        "articlekit.toml) [dropped]" in report.warning_lines()
    text, strict = import_file(JEKYLL, preset="jekyll", strict=True,
                               keys={"keys": {"topics": "keywords", "activity": "section"}})
    assert text == "" and len(strict.warning_lines()) == 4


@pytest.mark.parametrize(("source", "preset"), [
    (IMPORT / "hugo-rcep-and-the-garment-trade.markdown", "hugo"),
    (IMPORT / "quarto-rice-price-report.qmd", "quarto"),
])
def test_hugo_and_quarto_presets(tmp_path: Path, source: Path, preset: str) -> None:
    text, report = import_file(source, preset=preset)
    assert report.ok, report.error_lines()
    meta = articlekit.load(imported(source, tmp_path / "src", preset=preset)).metadata
    assert (str(meta.date), [p.name for p in meta.authors], meta.keywords, meta.abstract_text) == \
        ("2023-05-06", ["Ann Lee", "Bo Kim"], ("trade",), "A short summary.")
    dropped = [e.message for e in report.dropped]
    if preset == "quarto":
        assert meta.authors[0].affiliation == "Universitas Gadjah Mada"
        assert dropped == ["key 'format'", "key 'execute'"]
        assert "::: {.callout-note}" in text
    else:
        assert meta.title_text == "RCEP and the garment trade"
        assert dropped == ["key 'draft'", "key 'weight'"]
        assert [(e.line, e.message.split(":")[0]) for e in report.guessed] == [
            (2, "removed the template tag '{{< param titleSuffix >}}' from 'title'"),
            (13, "removed the template tag '{{< figure src=\"/images/loom.jpg\" caption=\"A weaving shed in "
                 "Pekalongan\" >}}'"),
        ]


def test_house_import_table_is_checked_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "articlekit.toml").write_text('[import.keys]\ntopics = "keyword"\n', encoding="utf-8")
    proc = run_cli("import", JEKYLL, "-o", tmp_path)
    assert proc.returncode == 2
    assert f"{tmp_path / 'articlekit.toml'}:2: [import.keys] topics = 'keyword': not a canonical key " \
        "(did you mean 'keywords'?)" in proc.stderr
    assert not list(tmp_path.glob("*.md"))


# --- the command ---------------------------------------------------------------------------------------------


def test_import_goes_on_past_a_bad_file_and_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "sources"
    proc = run_cli("import", BROKEN, ASEAN, "-o", out)
    assert proc.returncode == 2
    assert f"{BROKEN}:6: marker [3] (column 82) has no note" in proc.stderr.splitlines()
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["asean-smart-cities.md"]
    (out / "asean-smart-cities.md").write_text("edited by hand\n", encoding="utf-8")
    again = run_cli("import", ASEAN, "-o", out)
    assert again.returncode == 2 and "exists; pass --force to replace it" in again.stderr
    assert (out / "asean-smart-cities.md").read_text() == "edited by hand\n"
    forced = run_cli("import", ASEAN, "-o", out, "--force")
    assert forced.returncode == 0 and (out / "asean-smart-cities.md").read_text().startswith("---\ntitle:")


def test_import_many_names_sources_by_slug(tmp_path: Path) -> None:
    reports = import_many([SEED, JEKYLL], tmp_path, preset="jekyll")
    assert [r.output.name if r.output else None for r in reports] == [
        "how-north-korea-controls-its-internet.md", "indonesia-data-protection-law.md"]


def test_a_page_with_notes_written_as_text_keeps_its_own_notes_heading(tmp_path: Path) -> None:
    page = IMPORT / "bracket-notes.html"
    article = articlekit.load(imported(page, tmp_path))
    assert (article.metadata.title_text, article.metadata.lang, str(article.metadata.date)) == (
        "Kebijakan beras dan panen 2024", "id", "2024-03-12")
    assert [n.label for n in article.notes] == ["1", "2", "3"]
    assert article.notes[0].ref_ids == ["fnref1", "fnref1-2"]
    assert stringify(article.notes_title) == "Sumber"  # the author's heading, not articlekit's "Catatan"
    broken = tmp_path / "broken.html"
    broken.write_text(page.read_text(encoding="utf-8").replace("operasi pasar.[2][3]", "operasi pasar.[2][4]"),
                      encoding="utf-8")
    _, report = import_file(broken)
    assert report.error_lines() == [f"{broken}:13: marker [4] has no note",
                                    f"{broken}:18: note [3] is never referenced in the text"]


def test_a_source_that_check_would_refuse_is_not_written(tmp_path: Path) -> None:
    post = tmp_path / "2022-01-05-ports.md"
    post.write_text("---\nlayout: post\ntitle: Ports of the Java Sea\ndate: 2022-01-05\nauthor: Ann Lee\n---\n\n"
                    "Tanjung Priok handles most of the country's containers.[^bps]\n", encoding="utf-8")
    out = tmp_path / "sources"
    proc = run_cli("import", post, "-o", out, "--preset", "jekyll")
    assert proc.returncode == 2
    assert f"{post}: the source it makes would be refused: note reference [^bps] has no definition " \
        "(line 8 of the source it makes)" in proc.stderr.splitlines()
    assert not out.exists()
    (tmp_path / "nets.png").write_bytes((IMPORT / "assets" / "breaches.png").read_bytes())
    post.write_text(post.read_text(encoding="utf-8") + "\n![Nets](nets.png)\n", encoding="utf-8")
    again = run_cli("import", post, "-o", out, "--preset", "jekyll")
    assert again.returncode == 2 and not out.exists()  # nor its image, nor the folders made for them


def test_the_printed_report_lists_what_was_mapped_and_dropped(tmp_path: Path) -> None:
    proc = run_cli("import", JEKYLL, "-o", tmp_path, "--preset", "jekyll")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"wrote {tmp_path / 'indonesia-data-protection-law.md'} (7 mapped, 6 guessed, 5 dropped)"
    assert "  mapped: line 4: date ('2021-08-17 09:30:00 +0700' read as 2021-08-17)" in lines
    assert "  dropped: line 2: key 'layout'" in lines
    assert "  dropped: line 9: key 'topics': no canonical key for it (map it under [import.keys] in " \
        "articlekit.toml)" in lines


def test_markdown_images_from_another_site_are_dropped_with_a_warning(tmp_path: Path) -> None:
    post = tmp_path / "2023-02-01-harbour.md"
    post.write_text("---\ntitle: The harbour at dawn\ndate: 2023-02-01\nauthor: Ann Lee\n---\n\n"
                    "Boats leave before five.\n\n![The harbour](https://cdn.example.com/harbour.jpg \"Dawn\")\n\n"
                    "![Nets drying](nets.png){width=50%}\n", encoding="utf-8")
    (tmp_path / "nets.png").write_bytes((IMPORT / "assets" / "breaches.png").read_bytes())
    text, report = import_file(post)
    assert report.warning_lines() == [
        f"warning: {post}:9: dropped image 'https://cdn.example.com/harbour.jpg': on another site, and articlekit "
        "reads images only beside the source (download it and add it back) [dropped]"]
    assert "![Nets drying](harbour-media/nets.png){width=50%}" in text and "cdn.example.com" not in text


def test_a_page_without_title_metadata_takes_its_heading_not_the_window_title(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html lang='en'><head><title>Maritime Review | Analysis</title>"
                    "<meta name='citation_date' content='2020/02/03'><meta name='author' content='Ann Lee'></head>"
                    "<body><article><h1>Tides of <em>trade</em></h1><p>Ships wait off Batam.</p></article></body>"
                    "</html>", encoding="utf-8")
    text, report = import_file(page)
    assert text.startswith("---\ntitle: Tides of trade\ndate: 2020-02-03\nauthors:\n  - Ann Lee\nlang: en\n---\n")
    assert not report.guessed


def test_the_house_table_can_name_the_preset(tmp_path: Path) -> None:
    (tmp_path / "articlekit.toml").write_text('[import]\npreset = "jekyll"\ndrop = ["topics", "activity"]\n',
                                              encoding="utf-8")
    proc = run_cli("import", JEKYLL, "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "dropped key" not in proc.stderr
    assert "  dropped: line 9: key 'topics'" in proc.stdout.splitlines()


WORDS = st.lists(
    st.sampled_from(["rice", "Jakarta", "prices’", "“harvest”", "—", "e.g.", "a*b", "_x_", "#3", "50%", "<b>",
                     "R&D", "1.", "(a)", "[online]", "$5", "@bulog", "x^2", "~ca.", "\\", "won’t", "2\u00a0million"]),
    min_size=3, max_size=12,
).map(" ".join)


@settings(max_examples=8, deadline=None)
@given(st.lists(st.tuples(WORDS, st.booleans()), min_size=1, max_size=6), st.data())
def test_plain_text_paragraphs_and_notes_come_through_verbatim(paragraphs: list[tuple[str, bool]],
                                                               data: st.DataObject) -> None:
    """Whatever the words, each paragraph reads back as written, and each note as written, in order."""
    body: list[str] = []
    count = 0
    for text, has_note in paragraphs:
        count += has_note
        body.append(f"{text}.[{count}]" if has_note else f"{text}.")
    note_texts = [data.draw(WORDS) for _ in range(count)]
    lines = ["A title", "Tue, 1 Mar 2022 || By Ann Lee", "", *[p + "\n" for p in body],
             *[f"[{n}] {t}\n" for n, t in enumerate(note_texts, 1)]]
    with tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "a.txt"
        src.write_text("\n".join(lines), encoding="utf-8")
        text, report = import_file(src)
        assert report.ok, report.error_lines()
        article = articlekit.load(imported(src, Path(folder) / "out"))
    paras = [b for b in article.body if b["t"] == "Para"]
    assert [stringify(b["c"]) for b in paras] == [re.sub(r"\[\d+\]$", "", p) for p in body]
    assert [stringify(n.blocks[0]["c"]) for n in article.notes] == note_texts


def test_metadata_of_the_wrong_shape_is_reported_not_a_crash(tmp_path: Path) -> None:
    page = tmp_path / "odd.html"
    page.write_text('<html><head><script type="application/ld+json">"just a string"</script>'
                    '<script type="application/ld+json">{"@type": ["NewsArticle"], "headline": ["Floods in Demak"], '
                    '"datePublished": "2024-03-20", "author": [{"name": {"given": "x"}}, "Rina Wati"], '
                    '"license": {"@id": "cc-by"}}</script></head>'
                    "<body><article><p>Water stood for two weeks.</p></article></body></html>", encoding="utf-8")
    text, report = import_file(page)
    assert report.ok, report.error_lines()
    assert text.startswith("---\ntitle: Floods in Demak\ndate: 2024-03-20\nauthors:\n  - Rina Wati\n---\n")
    assert any("is not text" in e.message for e in report.guessed)


def test_a_slug_key_names_the_source_but_never_a_path(tmp_path: Path) -> None:
    post = tmp_path / "2022-01-05-post.md"
    post.write_text("---\ntitle: Ports\nslug: ../../Ports of Java\ndate: 2022-01-05\nauthor: Ann Lee\n---\n\n"
                    "Tanjung Priok handles most containers.\n", encoding="utf-8")
    [report] = import_many([post], tmp_path / "sources", preset="hugo")
    assert report.output == tmp_path / "sources" / "ports-of-java.md"


def test_a_page_pandoc_wrote_imports_with_the_same_text_and_notes(tmp_path: Path) -> None:
    """pandoc's own footnote markup (<a class="footnote-ref"><sup>1</sup></a>, a section of notes)."""
    page = tmp_path / "pandoc.html"
    subprocess.run([pandoc_path(), "-f", DOCX_FROM, "-t", "html5", "-s", "-M", "author=Gehan Ghofari", str(SAMPLE),
                    "-o", str(page)], check=True, capture_output=True)
    assert 'class="footnote-ref"' in page.read_text(encoding="utf-8")
    back, original = articlekit.load(imported(page, tmp_path / "src", SAMPLE.name)), articlekit.load(SAMPLE)

    def spaced(tree: Any) -> Any:  # pandoc wraps the page's lines; a line break in a paragraph is a space
        return json.loads(json.dumps(tree).replace('{"t": "SoftBreak"}', '{"t": "Space"}'))

    assert spaced(back.body) == spaced(original.body)
    assert spaced([n.blocks for n in back.notes]) == spaced([n.blocks for n in original.notes])
    assert [n.ref_ids for n in back.notes] == [n.ref_ids for n in original.notes]
    assert (back.metadata.title_text, back.metadata.date, back.metadata.authors) == \
        (original.metadata.title_text, original.metadata.date, original.metadata.authors)


def test_a_trial_source_left_by_a_killed_import_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "sources"
    out.mkdir()
    dead = 2**22 + 17  # above the largest process id Linux gives, so no process has it
    stale = out / f".articlekit-{dead}-asean-smart-cities.md.tmp"
    stale.write_text("---\n", encoding="utf-8")
    import_many([ASEAN], out)
    assert sorted(p.name for p in out.iterdir()) == ["asean-smart-cities.md"]
