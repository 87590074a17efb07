"""The note-numbering transform, alone and through the reader."""

from __future__ import annotations

import pytest

import articlekit
from articlekit.cli import main
from articlekit.model import NOTE_REFS
from articlekit.tree import stringify
from conftest import FIXTURES


def clusters(article: articlekit.Article) -> list[list[tuple[int, str]]]:
    """Every reference cluster, in reading order, as (number, ref_id) pairs."""
    found: list[list[tuple[int, str]]] = []

    def walk(node):  # pandoc's JSON lists are in document order, so depth-first is reading order
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("t") == NOTE_REFS:
                found.append([(r["number"], r["ref_id"]) for r in node["c"]])
            else:
                walk(node.get("c"))

    walk(article.body)
    return found


@pytest.fixture(scope="module")
def numbering() -> articlekit.Article:
    return articlekit.load(FIXTURES / "notes" / "numbering.md")


def test_numbers_follow_first_reference_not_labels_or_definitions(numbering):
    labels = [n.label for n in numbering.notes]
    assert labels == ["zeta", "alpha", None, "b", "c", "d", "e", "f", "ibid1", "ibid2"]
    assert [n.number for n in numbering.notes] == list(range(1, 11))


def test_repeated_label_is_one_note_with_a_backlink_per_reference(numbering):
    zeta = numbering.notes[0]
    assert zeta.ref_ids == ["fnref1", "fnref1-2", "fnref1-3"]
    assert sum(1 for n in numbering.notes if n.label == "zeta") == 1


def test_identical_texts_under_different_labels_stay_two_notes(numbering):
    ibids = [n for n in numbering.notes if n.label in ("ibid1", "ibid2")]
    assert [n.number for n in ibids] == [9, 10]
    assert all(stringify(n.blocks) == "Ibid." for n in ibids)


def test_adjacent_references_form_one_cluster(numbering):
    found = clusters(numbering)
    assert [[num for num, _ in c] for c in found] == [[1], [2], [1], [3], [4, 5], [6, 7, 8], [9], [10], [1]]


def test_multi_paragraph_note_keeps_its_paragraphs_and_loses_the_marker(numbering):
    zeta = numbering.notes[0]
    assert [b["t"] for b in zeta.blocks] == ["Para", "Para"]
    text = stringify(zeta.blocks)
    assert text == "Zeta, first paragraph. Zeta, second paragraph."
    assert "articlekit-note" not in repr(numbering.notes)


def test_inline_note_is_numbered_in_place(numbering):
    inline = numbering.notes[2]
    assert inline.label is None
    assert stringify(inline.blocks) == "Inline note text."


def test_definition_line_is_kept_for_error_messages(numbering):
    assert numbering.notes[0].line == 17  # "[^zeta]: ..." in numbering.md


def test_unused_definition_is_a_warning_and_an_error_when_strict():
    path = FIXTURES / "notes" / "unused.md"
    article = articlekit.load(path)
    assert [n.label for n in article.notes] == ["used"]
    assert [str(w) for w in article.warnings] == [
        f"{path}:1: no license or copyright: the JATS has no <permissions>; state 'license' or 'copyright'"
        " in the front matter or articlekit.toml",
        f"{path}:10: note [^spare] is defined but never referenced",
    ]
    assert [(w.code, w.line) for w in article.warnings] == [("no-permissions", 1), ("note-unreferenced", 10)]
    with pytest.raises(articlekit.ArticlekitError, match=r"unused\.md:10: note \[\^spare\]"):
        articlekit.load(path, strict=True)


def test_strict_promotes_the_warnings_it_names_by_code():
    path = FIXTURES / "notes" / "unused.md"
    with pytest.raises(articlekit.ArticleErrors) as info:
        articlekit.load(path, strict={"note-unreferenced"})
    assert [(e.line, e.message) for e in info.value] == [(10, "note [^spare] is defined but never referenced")]
    assert len(articlekit.load(path, strict={"image-no-alt"}).warnings) == 2


def test_a_house_silences_a_warning_code(tmp_path, capsys):
    source = (FIXTURES / "notes" / "unused.md").read_text(encoding="utf-8")
    plain, silenced = tmp_path / "plain", tmp_path / "silenced"
    for folder in (plain, silenced):
        folder.mkdir()
        (folder / "unused.md").write_text(source, encoding="utf-8")
    (silenced / "articlekit.toml").write_text('[warnings]\nignore = ["no-permissions"]\n', encoding="utf-8")
    assert main(["check", str(plain)]) == 0
    assert "[no-permissions]" in capsys.readouterr().err
    assert [w.code for w in articlekit.load(silenced / "unused.md").warnings] == ["note-unreferenced"]
    assert main(["check", str(silenced)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"warning: {silenced / 'unused.md'}:10: note [^spare] is defined but never referenced [note-unreferenced]"]


def test_an_unknown_warning_code_in_the_house_config_is_refused(tmp_path):
    (tmp_path / "articlekit.toml").write_text('[warnings]\nignore = ["no-permission"]\n', encoding="utf-8")
    (tmp_path / "a.md").write_text("---\ntitle: A\ndate: 2024-01-01\nauthors: [Ann Example]\n---\n\nText.\n",
                                   encoding="utf-8")
    with pytest.raises(articlekit.ArticlekitError, match=r"articlekit\.toml:2: \[warnings\] ignore: unknown warning "
                       r"code 'no-permission' \(did you mean 'no-permissions'\?\)"):
        articlekit.load(tmp_path / "a.md")


def test_sample_article_has_ten_notes_and_the_six_seven_cluster():
    from seed import SAMPLE, note_texts

    article = articlekit.load(SAMPLE)
    assert [n.number for n in article.notes] == list(range(1, 11))
    assert [stringify(n.blocks) for n in article.notes] == note_texts()
    assert [[num for num, _ in c] for c in clusters(article)] == [[1], [2], [3], [4], [5], [6, 7], [8], [9], [10]]


def load_with_figure(folder, body: str) -> articlekit.Article:
    """Load a minimal article whose folder holds ``figure.png``."""
    (folder / "figure.png").write_bytes((FIXTURES / "articles" / "figure.png").read_bytes())
    src = folder / "article.md"
    src.write_text("---\ntitle: T\ndate: 2020-01-01\nauthors: [A B]\n---\n\n" + body, encoding="utf-8")
    return articlekit.load(src)


def test_notes_in_a_figure_caption_are_counted_once(tmp_path):
    article = load_with_figure(
        tmp_path,
        "Text.[^a]\n\n![A caption with a note.[^a] And inline.^[Inline in caption.]](figure.png)\n\n[^a]: Note A.\n",
    )
    assert [(n.number, n.ref_ids) for n in article.notes] == [(1, ["fnref1", "fnref1-2"]), (2, ["fnref2"])]
    html = articlekit.to_html(article, fragment=True)
    assert 'alt="A caption with a note. And inline."' in html
    assert html.count('role="doc-noteref"') == 3


def test_a_note_in_an_inline_image_description_is_referenced_after_the_image(tmp_path):
    article = load_with_figure(tmp_path, "Before ![an icon[^i]](figure.png) after.\n\n[^i]: About the icon.\n")
    assert [(n.number, n.ref_ids) for n in article.notes] == [(1, ["fnref1"])]
    html = articlekit.to_html(article, fragment=True)
    assert 'alt="an icon"><sup class="noteref">\u2060<a href="#fn1" id="fnref1"' in html  # glued by a word joiner
