"""Broken and hostile sources: one clear line per problem, exit code 2, no traceback, no output.

Every source under ``tests/fixtures/broken/`` is listed in :data:`CASES` with
the lines ``articlekit check`` and ``articlekit build`` must print for it:
``path:line: message`` or ``path:line:col: message`` (``path: message`` when a
problem has no line, such as a folder where a file should be).  A few cases need
a file system that git cannot carry (a 50 MB file, a dangling link, a folder
named like a source); they are made in a temporary folder by the tests below.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from articlekit import api
from articlekit.cli import main
from articlekit.manifest import MANIFEST_NAME
from articlekit.writers import available_formats
from conftest import FIXTURES
from seed import ROOT

BROKEN = FIXTURES / "broken"
KITCHEN = FIXTURES / "articles" / "kitchen-sink.md"
FORMATS = ",".join(available_formats())


@dataclass(frozen=True)
class Case:
    """A broken source and the problems it must be reported with."""

    name: str
    #: (location, text the message contains); location is "line", "line:col" or "" (no line).
    problems: tuple[tuple[str, str], ...]

    @property
    def path(self) -> Path:
        return BROKEN / self.name


def case(name: str, *problems: tuple[str, str]) -> Case:
    return Case(name, problems)


CASES = [
    # The file as a whole
    case("empty.md", ("1", "file is empty")),
    case("whitespace-only.md", ("1", "file is empty")),
    case("non-utf8.md", ("8:4", "not valid UTF-8 (byte 0xe9)")),
    case("nul-byte.md", ("8:7", "contains a NUL byte")),
    case("control-character.md", ("8:19", "control character U+001B")),
    # Front matter: its frame and its YAML
    case("no-front-matter.md", ("1", "no front matter")),
    case("unclosed-front-matter.md", ("1", "front matter is not closed")),
    case("empty-front-matter.md", ("1", "front matter is empty")),
    case("front-matter-is-a-list.md", ("2", "front matter must be a mapping")),
    case("yaml-syntax-error.md", ("4:22", "YAML syntax error in front matter: expected ',' or ']'")),
    case("yaml-tab-indent.md", ("3:1", "YAML syntax error in front matter: found character '\\t'")),
    case("yaml-alias-bomb.md", ("6:11", "YAML alias '*a' is not allowed")),
    case("yaml-duplicate-key.md", ("4:1", "key 'title' appears twice")),
    case("yaml-python-tag.md", ("2:8", "could not determine a constructor for the tag")),
    case("yaml-too-deep.md", ("2:23", "front matter is nested more than 16 levels deep")),
    case("bom-crlf-invalid-date.md", ("3:1", "invalid date '2024-02-30': day is out of range")),
    # Front matter: the schema
    case("missing-title.md", ("1", "required key 'title' is missing")),
    case("missing-date.md", ("1", "required key 'date' is missing")),
    case("missing-authors.md", ("1", "required key 'authors' is missing")),
    case("no-authors-listed.md", ("4:1", "'authors' must name at least one person")),
    case("authors-is-a-number.md", ("4:1", "'authors' must be a list of people (names, or mappings with 'name'), "
                                           "not the number 42")),
    case("editors-is-yes.md", ("5:1", "'editors' must be a list of people (names, or mappings with 'name'), "
                                      "not true")),
    case("title-is-a-list.md", ("2:1", "'title' must be text, not a list")),
    case("empty-title.md", ("2:1", "'title' is empty")),
    case("keywords-is-a-number.md", ("5:1", "'keywords' must be a list, not the number 5")),
    case("invalid-date.md", ("3:1", "invalid date '2020-13-45': month must be in 1..12")),
    case("date-in-words.md", ("3:1", "invalid date '21 May 2018': expected YYYY-MM-DD")),
    case("date-is-a-number.md", ("3:1", "'date' must be written YYYY-MM-DD, not the number 2018")),
    case("unknown-key.md", ("5:1", "unknown key 'editrs' (did you mean 'editors'?)")),
    case("unknown-person-key.md", ("6:5", "author 1: unknown key 'affilation' (did you mean 'affiliation'?)")),
    case("unknown-image-key.md", ("6:3", "image: unknown key 'source' (did you mean 'src'?)")),
    case("escape-in-key.md", ("5:1", "contains the control character U+001B")),
    case("bidi-in-key.md", ("5:1", "unknown key '\\u202eevil'")),
    case("invalid-orcid.md", ("6:5", "invalid ORCID '0000-0002-1825-0098'")),
    case("invalid-email.md", ("6:5", "invalid e-mail address 'ann.example.org'")),
    case("invalid-lang.md", ("5:1", "invalid language tag 'English'")),
    case("invalid-doi.md", ("5:1", "invalid DOI '11.1/abc'")),
    case("invalid-article-type.md", ("5:1", "'article_type' 'Research Article' must be lowercase")),
    case("given-without-family.md", ("5:5", "author 1: give both 'given' and 'family', or neither")),
    case("person-without-name.md", ("5:5", "author 1: required key 'name' is missing")),
    # Notes
    case("undefined-note.md", ("8:29", "note reference [^missing] has no definition")),
    case("duplicate-note.md", ("11:1", "note [^a] is defined twice (first on line 10)")),
    case("empty-note.md", ("10", "note [^a] is empty")),
    case("empty-inline-note.md", ("8:35", "inline note ^[] is empty")),
    # TeX formulas: every one that cannot be read, in the text, on its own line and in a note
    case("bad-formulas.md",
         ("9:21", r"TeX formula $s^2 = \frac{1}{n-1 \sum (x_i - \bar{x})…$ cannot be read: a '{' is never closed"),
         ("13:1", r"TeX formula $$\hat{y} = \foo{x} + \varepsilon$$ cannot be read: unknown TeX command \foo"),
         ("17:61", r"TeX formula $\left( \bar{x} \pm 1.96\,\mathrm{SE}$ cannot be read: a \left has no matching "
                   r"\right")),
    # Images and other resources
    case("missing-image.md", ("10:33", "image 'no-such-picture.png' does not exist")),
    case("missing-lead-image.md", ("6:8", "image 'no-such-lead.png' does not exist")),
    case("raw-html-missing-image.md", ("8:24", "image 'nowhere.png' does not exist")),
    case("raw-html-block-image.md", ("8:1", "an <img> inside a block of raw HTML is not supported")),
    case("raw-html-unclosed-svg.md", ("10:1", "raw HTML <svg> is never closed, so everything after it would be "
                                              "dropped")),
    case("image-outside-folder.md", ("8:24", "image '../articles/figure.png' points outside the source's folder")),
    case("image-absolute-path.md", ("8:22", "image absolute path '/etc/passwd' refused")),
    case("image-file-url.md", ("8:16", "image file: URL 'file:///etc/passwd' refused")),
    case("image-remote.md", ("8:20", "refused (pass --allow-remote to fetch it)")),
    case("image-data-url.md", ("8:16", "image data: URL 'data:image/png;base64,iVBORw0KGgo=' refused")),
    case("image-not-an-image.md", ("8:17", "image 'not-an-image.png' is not a PNG, JPEG, GIF, WebP or SVG image")),
    case("image-bad-svg.md", ("8:18", "image 'not-well-formed.svg' is not well-formed XML (line 1)")),
    # Resource bounds
    case("deep-blockquotes.md", ("8:65", "content nested 33 levels deep")),
    case("deep-lists.md", ("8:65", "content nested 33 levels deep")),
    case("deep-html-divs.md", ("8:161", "content nested 33 levels deep")),
    case("deep-fenced-divs.md", ("40:1", "content nested 33 levels deep")),
    case("open-brackets.md", ("8:101", "more than 100 '[' open at once in one paragraph")),
]

#: A config beside the sources that is itself broken: reported against the config file.
BAD_CONFIG = (BROKEN / "bad-config" / "article.md", BROKEN / "bad-config" / "articlekit.toml", "1:24",
              "TOML syntax error")


def _pattern(path: Path | str, where: str, text: str) -> re.Pattern[str]:
    loc = f":{where}" if where else ""
    return re.compile(rf"^{re.escape(str(path))}{loc}: .*{re.escape(text)}")


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str], str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, err.splitlines(), out


def _assert_lines(lines: list[str], expected: list[re.Pattern[str]]) -> None:
    assert len(lines) == len(expected), "\n".join(lines)
    for line, pattern in zip(lines, expected, strict=True):
        assert pattern.search(line), f"{line!r} does not match {pattern.pattern!r}"
        assert "Traceback" not in line


def test_the_suite_is_large_and_covers_every_fixture():
    names = {c.name for c in CASES}
    assert len(CASES) >= 30
    on_disk = {p.name for p in BROKEN.glob("*.md")}
    assert names == on_disk, f"fixtures without a case: {on_disk - names}; cases without a fixture: {names - on_disk}"


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.name)
def test_broken_source_gives_one_line_per_problem_and_exit_2(c: Case, capsys, tmp_path):
    expected = [_pattern(c.path, where, text) for where, text in c.problems]
    code, lines, _ = _run(capsys, "check", c.path)
    assert code == 2
    _assert_lines(lines, expected)

    out = tmp_path / "out"
    code, lines, stdout = _run(capsys, "build", c.path, "-t", FORMATS, "-o", out)
    assert code == 2
    _assert_lines(lines, expected)
    assert "wrote" not in stdout
    assert not out.exists(), list(out.iterdir())


def test_broken_config_is_reported_against_the_config_file(capsys, tmp_path):
    source, config, where, text = BAD_CONFIG
    for args in (["check", source], ["build", source, "-o", tmp_path / "out"]):
        code, lines, _ = _run(capsys, *args)
        assert code == 2
        _assert_lines(lines, [_pattern(config, where, text)])


def test_whole_broken_folder_through_the_real_command(tmp_path):
    """``python -m articlekit`` as a user runs it: every problem, one line each, no traceback, no file."""
    expected = {c.path.name: [_pattern(Path("broken") / c.name, w, t) for w, t in c.problems] for c in CASES}
    out = tmp_path / "out"
    for args in (["check", "broken"], ["build", "broken", "-t", FORMATS, "-o", str(out)]):
        proc = subprocess.run([sys.executable, "-m", "articlekit", *args], capture_output=True, text=True,
                              cwd=FIXTURES, timeout=600)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        # check prints nothing on stdout; build only its closing summary
        summary = f"0 built, {len(CASES)} failed, 0 skipped (up to date), 0 warnings, "
        assert proc.stdout == "" if args[0] == "check" else proc.stdout.startswith(summary), proc.stdout
        assert proc.stdout.count("\n") == (args[0] == "build")
        lines = proc.stderr.splitlines()
        by_file: dict[str, list[str]] = {}
        for line in lines:
            m = re.match(r"^broken/([^:]+):\d+(:\d+)?: ", line)
            assert m, f"not a 'path:line: message' line: {line!r}"
            by_file.setdefault(m.group(1), []).append(line)
        assert set(by_file) == set(expected)
        for name, patterns in expected.items():
            _assert_lines(by_file[name], patterns)
    assert not out.exists()


# ---------------------------------------------------------------------------
# Cases made on the fly


def _article(body: str = "A short body.\n", *, licensed: bool = False) -> str:
    """A small valid source; ``licensed`` adds a licence line, so a build prints no warning at all."""
    rights = "license: CC BY 4.0\n" if licensed else ""
    return f"---\ntitle: Made on the fly\ndate: 2024-01-15\nauthors: [Ann Example]\n{rights}---\n\n{body}"


def test_a_50_mb_source_is_refused_by_size_and_the_limit_is_configurable(capsys, tmp_path):
    big = tmp_path / "big.md"
    with big.open("w", encoding="utf-8") as f:
        f.write(_article())
        line = "All work and no play makes a very long article. " * 20 + "\n\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    code, lines, _ = _run(capsys, "check", big)
    assert code == 2
    _assert_lines(lines, [_pattern(big, "", "source is 50.0 MB, over the 20 MB limit (see --max-size)")])

    small = tmp_path / "small.md"
    small.write_text(_article("Words. " * 300), encoding="utf-8")
    code, lines, _ = _run(capsys, "check", small, "--max-size", "0.001")
    assert code == 2
    _assert_lines(lines, [_pattern(small, "", "source is 2.1 KB, over the 1 KB limit (see --max-size)")])
    code, lines, out = _run(capsys, "check", small)
    # The one warning: the generated source states no licence or copyright.
    assert (code, lines, out) == (0, [f"warning: {small}:1: no license or copyright: the JATS has no <permissions>;"
                                      " state 'license' or 'copyright' in the front matter or articlekit.toml"
                                      " [no-permissions]"],
                                  "1 source(s) OK\n")


def test_a_directory_and_a_dangling_link_where_sources_should_be(capsys, tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "a-folder.md").mkdir()
    (folder / "dangling.md").symlink_to(tmp_path / "gone.md")
    (folder / "fine.md").write_text(_article(licensed=True), encoding="utf-8")
    code, lines, _ = _run(capsys, "check", folder)
    assert code == 2
    _assert_lines(lines, [
        _pattern(folder / "a-folder.md", "", "is a directory, not a source file"),
        _pattern(folder / "dangling.md", "", "broken symbolic link"),
    ])
    # Named directly, too; and a folder with no sources at all is an error, not silence.
    empty = tmp_path / "empty"
    empty.mkdir()
    code, lines, _ = _run(capsys, "check", folder / "a-folder.md", folder / "dangling.md", empty,
                          tmp_path / "missing.md")
    assert code == 2
    _assert_lines(lines, [
        _pattern(empty, "", "no sources (*.md or *.markdown) in this folder"),
        _pattern(folder / "a-folder.md", "", "is a directory"),
        _pattern(folder / "dangling.md", "", "broken symbolic link"),
        _pattern(tmp_path / "missing.md", "", "no such file"),
    ])


def test_a_file_name_with_a_newline_is_still_one_line(capsys, tmp_path):
    src = tmp_path / "two\nlines\x1b[2J.md"
    src.write_text("no front matter\n", encoding="utf-8")
    code, lines, _ = _run(capsys, "check", src)
    assert code == 2
    _assert_lines(lines, [re.compile(re.escape(f"{tmp_path}/two\\nlines\\x1b[2J.md:1: no front matter"))])


def test_a_device_is_not_read(capsys):
    code, lines, _ = _run(capsys, "check", "/dev/zero")
    assert code == 2
    _assert_lines(lines, [_pattern("/dev/zero", "", "is not a regular file")])


def test_links_that_escape_the_source_folder_are_refused(capsys, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(FIXTURES / "articles" / "figure.png", outside / "secret.png")
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    (src_dir / "leak.png").symlink_to(outside / "secret.png")
    (src_dir / "pictures").symlink_to(outside)
    shutil.copy(FIXTURES / "articles" / "figure.png", src_dir / "inside.png")
    (src_dir / "alias.png").symlink_to("inside.png")  # a link that stays inside is fine
    src = src_dir / "a.md"
    src.write_text(_article("![ok](alias.png)\n\n![file](leak.png)\n\n![folder](pictures/secret.png)\n\n"
                            "![dots](pictures/../../outside/secret.png)\n\n![encoded](..%2Foutside%2Fsecret.png)\n"),
                   encoding="utf-8")
    code, lines, _ = _run(capsys, "check", src)
    assert code == 2
    _assert_lines(lines, [
        _pattern(src, "9:9", "'leak.png' points outside the source's folder"),
        _pattern(src, "11:11", "'pictures/secret.png' points outside"),
        _pattern(src, "13:9", "'pictures/../../outside/secret.png' points outside"),
        _pattern(src, "15:12", "'..%2Foutside%2Fsecret.png' points outside"),
    ])


def test_100000_notes_fail_fast_with_a_line(capsys, tmp_path):
    """pandoc alone needs about 30 s and 600 MB for 100,000 notes; articlekit refuses them at once."""
    labelled = tmp_path / "labelled.md"
    refs = " ".join(f"w[^n{i}]" for i in range(100_000))
    defs = "\n".join(f"[^n{i}]: Note {i}." for i in range(100_000))
    labelled.write_text(_article(f"{refs}\n\n{defs}\n"), encoding="utf-8")
    inline = tmp_path / "inline.md"
    inline.write_text(_article(" ".join(f"w^[Note {i}.]" for i in range(100_000)) + "\n"), encoding="utf-8")
    defined = tmp_path / "defined-first.md"
    defined.write_text(_article(f"{defs}\n\n{refs}\n"), encoding="utf-8")
    col = len(" ".join(f"w[^n{i}]" for i in range(20_000))) + 3  # the 20,001st "[^"
    code, lines, _ = _run(capsys, "check", labelled, inline, defined)
    assert code == 2
    _assert_lines(lines, [
        _pattern(labelled, f"7:{col}", "more than 20000 note references"),
        _pattern(inline, "7:148892", "more than 10000 notes"),
        _pattern(defined, "10007:1", "more than 10000 notes"),
    ])


def test_bom_and_crlf_sources_build_exactly_like_lf_ones(tmp_path):
    """A UTF-8 BOM and CRLF (or old Mac CR) line endings must work, giving the same outputs."""
    import pypdf

    data = KITCHEN.read_bytes()
    variants = {
        "lf": data,
        "bom": b"\xef\xbb\xbf" + data,
        "crlf": data.replace(b"\n", b"\r\n"),
        "bom-crlf": b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"),
        "cr": data.replace(b"\n", b"\r"),
    }
    # Every format for the reference and the combined case; the text formats for the others (the PDF is slow).
    quick = ",".join(f for f in available_formats() if f in ("html", "jats")) or FORMATS
    outputs: dict[str, dict[str, bytes]] = {}
    for name, content in variants.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / KITCHEN.name).write_bytes(content)
        shutil.copy(KITCHEN.parent / "figure.png", folder / "figure.png")
        out = tmp_path / f"out-{name}"
        formats = FORMATS if name in ("lf", "bom-crlf") else quick
        assert main(["build", str(folder), "-t", formats, "-o", str(out), "-q"]) == 0
        outputs[name] = {p.name: p.read_bytes() for p in out.iterdir() if p.name != MANIFEST_NAME}
    reference = outputs.pop("lf")
    assert len(reference) == len(available_formats()) + 1  # and the copied figure.png
    assert outputs["bom-crlf"].keys() == reference.keys()
    for name, files in outputs.items():
        assert files.keys() <= reference.keys() and files
        for fname, content in files.items():
            if fname.endswith(".pdf"):
                def text(b: bytes) -> str:
                    import io
                    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(b)).pages)
                assert text(content) == text(reference[fname]), (name, fname)
            else:
                assert content == reference[fname], (name, fname)


# ---------------------------------------------------------------------------
# The output folder


def test_an_output_folder_that_cannot_be_written(capsys, tmp_path):
    """Tests run as root, which ignores permission bits; a path under a regular file, /proc and a
    read-only file system stop root as well."""
    afile = tmp_path / "a-file"
    afile.write_text("not a folder", encoding="utf-8")
    for out, message in (
        (afile / "out", "cannot create output folder: Not a directory"),
        (afile, "output path exists and is not a folder"),
        (Path("/proc/articlekit-test-out"), "cannot create output folder"),
        (Path("/proc/self"), "output folder cannot be written"),
    ):
        code, lines, stdout = _run(capsys, "build", KITCHEN, "-t", "html", "-o", out)
        assert code == 2, lines
        _assert_lines(lines, [_pattern(out, "", message)])
        assert stdout == ""


def test_the_sources_folder_is_refused_as_output_folder(capsys, tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.md").write_text(_article(), encoding="utf-8")
    for args in (["build", folder, "-o", folder], ["build", folder / "a.md", "-o", folder],
                 ["build", folder, "-o", tmp_path / "src" / "." ]):
        code, lines, _ = _run(capsys, *args, "-t", "html")
        assert code == 2
        _assert_lines(lines, [re.compile(r"output folder is the sources folder")])
    assert sorted(p.name for p in folder.iterdir()) == ["a.md"]


def test_a_file_articlekit_did_not_write_is_never_overwritten(capsys, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "kitchen-sink.html"
    mine.write_text("<p>my own page</p>", encoding="utf-8")
    code, lines, _ = _run(capsys, "build", KITCHEN, "-t", "html,jats", "-o", out)
    assert code == 2
    _assert_lines(lines, [_pattern(mine, "", "exists and was not written by articlekit; move it away or pass --force")])
    assert mine.read_text(encoding="utf-8") == "<p>my own page</p>"
    # The refused file fails only its own format: the JATS (and the figure it links to) are written.
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "figure.png", "kitchen-sink.html",
                                                     "kitchen-sink.xml"]

    # With --force it is replaced, and from then on it is articlekit's own.
    code, _, _ = _run(capsys, "build", KITCHEN, "-t", "html", "-o", out, "--force")
    assert code == 0
    assert mine.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert _run(capsys, "build", KITCHEN, "-t", "html", "-o", out)[0] == 0

    # A hand edit after the build is protected too.
    mine.write_text(mine.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    code, lines, _ = _run(capsys, "build", KITCHEN, "-t", "html", "-o", out)
    assert code == 2
    _assert_lines(lines, [_pattern(mine, "", "was changed since articlekit wrote it")])
    assert mine.read_text(encoding="utf-8").endswith("<!-- edited -->")


def test_a_folder_in_the_way_and_a_damaged_manifest(capsys, tmp_path):
    out = tmp_path / "out"
    (out / "kitchen-sink.html").mkdir(parents=True)
    code, lines, _ = _run(capsys, "build", KITCHEN, "-t", "html", "-o", out, "--force")
    assert code == 2
    _assert_lines(lines, [_pattern(out / "kitchen-sink.html", "", "a folder is in the way")])

    out2 = tmp_path / "out2"
    out2.mkdir()
    (out2 / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    code, lines, _ = _run(capsys, "build", KITCHEN, "-t", "html", "-o", out2)
    assert code == 2
    _assert_lines(lines, [_pattern(out2 / MANIFEST_NAME, "", "cannot read articlekit's record of this folder")])
    assert _run(capsys, "build", KITCHEN, "-t", "html", "-o", out2, "--force")[0] == 0


def test_two_sources_with_one_name_do_not_overwrite_each_other(capsys, tmp_path):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.md").write_text(_article(f"From {d}.\n", licensed=True), encoding="utf-8")
    out = tmp_path / "out"
    code, lines, _ = _run(capsys, "build", tmp_path / "a", tmp_path / "b", "-t", "html", "-o", out)
    assert code == 2
    _assert_lines(lines, [_pattern(out / "same.html", "", "would both write this file")])
    assert "From a." in (out / "same.html").read_text(encoding="utf-8")


def test_the_manifest_records_every_file_with_its_hash(tmp_path):
    import hashlib
    import json

    out = tmp_path / "out"
    assert main(["build", str(KITCHEN), "-t", FORMATS, "-o", str(out), "-q"]) == 0
    record = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    files = {p.name for p in out.iterdir()} - {MANIFEST_NAME}
    assert set(record["files"]) == files
    for name, entry in record["files"].items():
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()


def test_one_bad_article_does_not_stop_the_batch_and_a_writer_bug_is_one_line(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a-good.md").write_text(_article("Good.\n", licensed=True), encoding="utf-8")
    (folder / "b-bad.md").write_text("no front matter\n", encoding="utf-8")
    (folder / "c-boom.md").write_text(_article("Boom.\n", licensed=True), encoding="utf-8")
    (folder / "d-good.md").write_text(_article("Also good.\n", licensed=True), encoding="utf-8")
    real = api.get_writer

    def flaky(name: str):
        writer = real(name)

        def write(article, options):
            if article.slug == "c-boom":
                raise RuntimeError("the writer fell over\nacross two lines")
            return writer(article, options)
        return write

    monkeypatch.setattr(api, "get_writer", flaky)
    out = tmp_path / "out"
    code, lines, stdout = _run(capsys, "build", folder, "-t", "html", "-o", out)
    assert code == 1  # an internal error outranks a source error
    # Articles are built in parallel: each one's problems are printed as it is done, so in any order.
    _assert_lines(sorted(lines), [
        _pattern(folder / "b-bad.md", "1", "no front matter"),
        _pattern(folder / "c-boom.md", "", "internal error in the html writer: RuntimeError: the writer fell over"
                                            "\\nacross two lines"),
    ])
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "a-good.html", "d-good.html"]
    assert stdout.count("wrote") == 2


def test_an_unexpected_exception_outside_a_writer_is_one_line(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("unexpected")

    monkeypatch.setattr(api, "find_sources", broken)
    code, lines, _ = _run(capsys, "check", KITCHEN)
    assert code == 1
    _assert_lines(lines, [re.compile(r"^articlekit: internal error: ValueError: unexpected$")])


def test_internal_errors_show_a_traceback_only_when_asked(tmp_path):
    env = {**os.environ, "ARTICLEKIT_DEBUG": ""}
    proc = subprocess.run([sys.executable, "-c", (
        "import sys, articlekit.api as api\n"
        "api.check = lambda *a, **k: 1/0\n"
        "from articlekit.cli import main\n"
        "sys.exit(main(['check', 'x.md']))\n")], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == ["articlekit: internal error: ZeroDivisionError: division by zero"]
