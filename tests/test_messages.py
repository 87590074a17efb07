"""Messages a user can act on at once: every problem in one run, close hints only, places in words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import articlekit
from articlekit.cli import main
from articlekit.errors import closest, edit_distance
from articlekit.read.frontmatter import CREDIT_ROLES, FIELDS
from conftest import FIXTURES

FIGURE = FIXTURES / "articles" / "figure.png"


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str], str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, err.splitlines(), out


def _write(folder: Path, text: str, name: str = "a.md") -> Path:
    src = folder / name
    src.write_text(text, encoding="utf-8")
    return src


# ---------------------------------------------------------------------------
# Every problem in one run


BROKEN_BOTH = """\
---
title: Both halves broken
date: 2024-01-15
authors: [Ann Example]
colection: Essays
---

A claim.[^explanatory] Another.[^a] A third.[^a]

![A picture](no-such-picture.png)

[^explantory]: The note meant above.
[^a]: First.
[^a]: Second.
[^empty]:

Uses the empty one.[^empty]
"""


def test_front_matter_errors_no_longer_hide_body_errors(capsys, tmp_path):
    src = _write(tmp_path, BROKEN_BOTH)
    expected = [
        f"{src}:5:1: unknown key 'colection'",
        f"{src}:8:9: note reference [^explanatory] has no definition: did you mean [^explantory]? "
        "(defined on line 12 and never referenced)",
        f"{src}:10:14: image 'no-such-picture.png' does not exist",
        f"{src}:14:1: note [^a] is defined twice (first on line 13)",
        f"{src}:15: note [^empty] is empty",
    ]
    code, lines, _ = _run(capsys, "check", src)
    assert (code, lines) == (2, expected)

    out = tmp_path / "out"
    code, lines, stdout = _run(capsys, "build", src, "-t", "html,jats", "-o", out)
    assert (code, lines, stdout) == (2, expected, "")
    assert not out.exists()

    with pytest.raises(articlekit.ArticleErrors) as info:
        articlekit.load(src)
    assert [str(e) for e in info.value] == expected
    assert [e.line for e in info.value.errors] == [5, 8, 10, 14, 15]


def test_a_yaml_syntax_error_and_a_body_error_are_reported_together(capsys, tmp_path):
    src = _write(tmp_path, "---\ntitle: [unclosed\ndate: 2024-01-15\n---\n\nText.[^nope]\n")
    code, lines, _ = _run(capsys, "check", src)
    assert code == 2
    assert len(lines) == 2
    assert lines[0].startswith(f"{src}:3:") and "YAML syntax error in front matter" in lines[0]
    assert lines[1] == f"{src}:6:6: note reference [^nope] has no definition"


def test_a_body_over_the_bounds_is_reported_with_the_front_matter_and_not_parsed(capsys, tmp_path):
    src = _write(tmp_path, "---\ntitle: T\ndate: 2024-13-01\nauthors: [Ann Example]\n---\n\n"
                           + "> " * 40 + "deep\n\nText.[^nope]\n")
    code, lines, _ = _run(capsys, "check", src)
    assert code == 2
    assert [line.split(": ", 1)[0] for line in lines] == [f"{src}:3:1", f"{src}:7:65"]
    assert "invalid date" in lines[0] and "content nested 33 levels deep" in lines[1]


def test_several_empty_notes_are_all_reported(capsys, tmp_path):
    src = _write(tmp_path, "---\ntitle: T\ndate: 2024-01-15\nauthors: [Ann Example]\n---\n\n"
                           "One[^x], two[^y], three[^x].\n\n[^x]:\n[^y]: \n")
    code, lines, _ = _run(capsys, "check", src)
    assert (code, lines) == (2, [f"{src}:9: note [^x] is empty", f"{src}:10: note [^y] is empty"])


# ---------------------------------------------------------------------------
# Undefined notes: the definition they probably meant


NOTES = "---\ntitle: T\ndate: 2024-01-15\nauthors: [Ann Example]\n---\n\n{}\n"


@pytest.mark.parametrize(("body", "message"), [
    ("See[^explanatory].\n\n[^explantory]: X.",
     "note reference [^explanatory] has no definition: did you mean [^explantory]? "
     "(defined on line 9 and never referenced)"),
    # A referenced definition is a hint too, without the "never referenced".
    ("See[^source] and[^sorce].\n\n[^source]: X.",
     "note reference [^sorce] has no definition: did you mean [^source]? (defined on line 9)"),
    # One label missing and one definition unused: the same note, however different the names.
    ("See[^8].\n\n[^note-eight]: X.",
     "note reference [^8] has no definition: did you mean [^note-eight]? (defined on line 9 and never referenced)"),
    # Nothing close: no hint.
    ("See[^methods] and[^results].\n\n[^appendix]: X.", "note reference [^methods] has no definition"),
    # Numbers are not guessed at among notes that are in use.
    ("See[^1] and[^2] and[^3].\n\n[^1]: X.\n[^3]: Y.", "note reference [^2] has no definition"),
])
def test_an_undefined_note_names_the_definition_it_probably_meant(tmp_path, body, message):
    src = _write(tmp_path, NOTES.format(body))
    with pytest.raises(articlekit.ArticlekitError) as info:
        articlekit.load(src)
    lines = str(info.value).splitlines()
    assert lines[0].split(": ", 1)[1] == message
    # The unused definition is part of that one problem, never a line of its own.
    assert not any("never referenced" in line and "did you mean" not in line for line in lines)


# ---------------------------------------------------------------------------
# Unknown keys: one short line, a hint only when one is close


@pytest.mark.parametrize(("word", "hint"), [
    ("editrs", "editors"), ("autors", "authors"), ("licence", "license"), ("keyword", "keywords"),
    ("titel", "title"), ("subtitel", "subtitle"), ("author", "authors"), ("language", "lang"),
    ("collection", None), ("summary", None), ("tags", None), ("periodical", None), ("edition", None),
    ("foo", None), ("name", None),
])
def test_did_you_mean_only_for_a_close_key(word, hint):
    assert closest(word, FIELDS) == hint


def test_edit_distance_counts_a_swap_as_one_edit():
    assert edit_distance("titel", "title") == 1
    assert edit_distance("collection", "section") == 4
    assert edit_distance("", "abc") == 3


@pytest.mark.parametrize(("key", "message"), [
    ("collection", "unknown key 'collection'"),
    ("autors", "unknown key 'autors' (did you mean 'authors'?)"),
    ("licence", "unknown key 'licence' (did you mean 'license'?)"),
])
def test_an_unknown_front_matter_key_is_one_short_line(tmp_path, key, message):
    src = _write(tmp_path, f"---\ntitle: T\ndate: 2024-01-15\nauthors: [Ann Example]\n{key}: x\n---\n\nText.\n")
    with pytest.raises(articlekit.ArticlekitError) as info:
        articlekit.load(src)
    assert str(info.value) == f"{src}:5:1: {message}"


def test_unknown_config_keys_are_each_one_short_line(capsys, tmp_path):
    (tmp_path / "articlekit.toml").write_text(
        'publication = "Review"\nlicence = "CC BY 4.0"\ncollection = "Essays"\nissn = 5\n', encoding="utf-8")
    src = _write(tmp_path, NOTES.format("Text."))
    config = tmp_path / "articlekit.toml"
    code, lines, _ = _run(capsys, "check", src)
    assert (code, lines) == (2, [
        f"{config}:2: unknown key 'licence' (did you mean 'license'?)",
        f"{config}:3: unknown key 'collection'",
        f"{config}:4: 'issn' must be a string",
    ])


# ---------------------------------------------------------------------------
# Places in words, counted from 1


PEOPLE = """\
---
title: T
date: 2024-01-15
authors:
  - Ann Example
  - name: Bob Example
    afiliation: Institute
  - 42
editors:
  - name: Bea Editor
    email: bea.example.org
  - name: Kim
    roles: [reviewing]
keywords: [one, two, ""]
---

Text.
"""


def test_list_items_are_named_in_words_and_counted_from_one(tmp_path):
    src = _write(tmp_path, PEOPLE)
    with pytest.raises(articlekit.ArticleErrors) as info:
        articlekit.load(src)
    assert [(e.line, e.message) for e in info.value] == [
        (7, "author 2: unknown key 'afiliation' (did you mean 'affiliation'?)"),
        (8, "author 3 must be a name or a mapping with 'name', not the number 42"),
        (11, "editor 1: invalid e-mail address 'bea.example.org'"),
        (13, "editor 2: 'reviewing' is not a CRediT role: use one of " + ", ".join(CREDIT_ROLES)),
        (14, "keyword 3 is empty"),
    ]


def test_a_nested_key_is_named_with_its_parent(tmp_path):
    src = _write(tmp_path, "---\ntitle: T\ndate: 2024-01-15\nauthors: [Ann Example]\n"
                           "copyright: {holder: Me, yeer: 2020}\nimage: {alt: A picture, credits: Me}\n---\n\nText.\n")
    with pytest.raises(articlekit.ArticleErrors) as info:
        articlekit.load(src)
    assert [e.message for e in info.value] == [
        "copyright: unknown key 'yeer' (did you mean 'year'?)",
        "image: unknown key 'credits' (did you mean 'credit'?)",
    ]


# ---------------------------------------------------------------------------
# A failed build leaves no folder behind


def test_a_failed_build_removes_only_the_folders_it_created(capsys, tmp_path):
    bad = _write(tmp_path, "---\ntitle: T\n---\n\nText.\n", "bad.md")
    nested = tmp_path / "new" / "deeper" / "out"
    assert _run(capsys, "build", bad, "-t", "html", "-o", nested)[0] == 2
    assert not (tmp_path / "new").exists()

    existing = tmp_path / "existing"
    existing.mkdir()
    assert _run(capsys, "build", bad, "-t", "html", "-o", existing / "out")[0] == 2
    assert existing.is_dir() and not any(existing.iterdir())

    kept = tmp_path / "kept"
    kept.mkdir()
    assert _run(capsys, "build", bad, "-t", "html", "-o", kept)[0] == 2
    assert kept.is_dir()


def test_a_batch_with_one_good_article_keeps_its_folder_and_manifest(capsys, tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    _write(folder, "---\ntitle: T\n---\n\nText.\n", "bad.md")
    _write(folder, NOTES.format("Fine."), "good.md")
    shutil.copy(FIGURE, folder / "figure.png")
    out = tmp_path / "out"
    assert _run(capsys, "build", folder, "-t", "html", "-o", out)[0] == 2
    assert sorted(p.name for p in out.iterdir()) == [".articlekit-manifest.json", "good.html"]


def test_a_write_that_fails_leaves_no_folder_and_no_manifest(tmp_path, monkeypatch):
    from articlekit import manifest
    from articlekit.errors import OutputError

    def refuse(path: Path, data: bytes) -> None:
        if path.name != manifest.MANIFEST_NAME:
            raise OSError(28, "No space left on device")
        real(path, data)

    real = manifest.atomic_write
    monkeypatch.setattr(manifest, "atomic_write", refuse)
    out = tmp_path / "out"
    with manifest.OutputFolder(out) as folder, pytest.raises(OutputError, match="No space left"):
        folder.write(out / "a.html", b"<p>")
    assert not out.exists()


def test_thousands_of_undefined_notes_are_reported_quickly(tmp_path):
    import time

    refs = " ".join(f"w[^missing-{i}]" for i in range(3000))
    defs = "\n".join(f"[^defined-{i}]: Note {i}." for i in range(3000))
    src = _write(tmp_path, NOTES.format(f"{refs}\n\n{defs}"))
    start = time.monotonic()
    with pytest.raises(articlekit.ArticleErrors) as info:
        articlekit.load(src)
    assert len(info.value) == 3000
    assert time.monotonic() - start < 30


def test_a_missing_lead_image_is_reported_with_the_front_matter_errors(capsys, tmp_path):
    src = _write(tmp_path, "---\ntitle: T\ndate: 2024-01-15\nautors: [Ann Example]\n"
                           "image: {src: no-such-lead.png, alt: A lead}\n---\n\n![body](no-such-body.png)\n")
    code, lines, _ = _run(capsys, "check", src)
    assert (code, lines) == (2, [
        f"{src}:1: required key 'authors' is missing",
        f"{src}:4:1: unknown key 'autors' (did you mean 'authors'?)",
        f"{src}:5:14: image 'no-such-lead.png' does not exist",
        f"{src}:8:9: image 'no-such-body.png' does not exist",
    ])
