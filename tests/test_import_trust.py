"""articlekit import on files nobody has read: it reads only inside the input's folder, and every input has a bound.

Each case file is made by its test.  A file outside the input's folder is a real
picture, so that an import that read it would also copy it.
"""

from __future__ import annotations

import shlex
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from articlekit.importers import import_file, pictures
from articlekit.read.pandoc import pandoc_path
from conftest import FIXTURES, run_cli

PNG = (FIXTURES / "articles" / "figure.png").read_bytes()
FRONT = "---\ntitle: The harbour\ndate: 2023-02-01\nauthor: Ann Lee\n---\n\n"


def page(body: str, head: str = "") -> str:
    """A saved page with the metadata a source needs, ``body`` inside its ``<article>``."""
    return ("<!DOCTYPE html><html lang='en'><head><title>The harbour</title>\n"
            "<meta name='citation_title' content='The harbour'>\n"
            "<meta name='citation_author' content='Lee, Ann'>\n"
            f"<meta name='citation_publication_date' content='2023-02-01'>{head}</head>\n"
            f"<body><article>\n{body}\n</article></body></html>\n")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """``tmp_path/in/`` for the inputs, with a real picture beside them and secrets outside."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG + b"secret")
    (tmp_path / "secret.txt").write_text("password=hunter2\n", encoding="utf-8")
    (tmp_path / "in" / "link.png").symlink_to(tmp_path / "secret.png")
    return tmp_path / "in"


# --- pictures only from inside the input's folder ----------------------------------------------------------


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_saved_page_reads_no_picture_outside_its_folder(site: Path) -> None:
    outside = site.parent / "secret.png"
    html = site / "page.html"
    text = page("<p>Boats leave before five.</p>\n"
                "<img src='../secret.png' alt='up'>\n"
                f"<img src='{outside}' alt='absolute'>\n"
                "<img src='link.png' alt='a link out'>\n"
                "<img src='/etc/passwd' alt='passwd'>\n"
                "<img src='ok.png' alt='fine'>",
                head="\n<script type='application/ld+json'>{\"@type\": \"Article\", "
                     "\"image\": {\"url\": \"../secret.png\"}}</script>")
    html.write_text(text, encoding="utf-8")
    source, report = import_file(html)
    errors = report.error_lines()
    assert source == "" and not report.ok
    assert f"{html}:{line_of(text, 'up')}: image '../secret.png' refused: '../secret.png' points outside the " \
        f"source's folder (an import reads pictures only inside {site})" in errors
    assert f"{html}:{line_of(text, 'ld+json')}: image '../secret.png' refused" in " ".join(errors)
    assert any(e.startswith(f"{html}:{line_of(text, 'absolute')}: image '{outside}' refused: absolute path")
               for e in errors)
    assert any(e.startswith(f"{html}:{line_of(text, 'a link out')}: image 'link.png' refused: 'link.png' points "
                            "outside") for e in errors)
    assert any(e.startswith(f"{html}:{line_of(text, 'passwd')}: image '/etc/passwd' refused: absolute path")
               for e in errors)
    assert all(b"secret" not in data for data in report.media.values())
    assert list(report.media.values()) == [PNG]


@pytest.mark.parametrize("image", ['"../secret.png"', '["../secret.png"]'])
def test_a_json_ld_image_given_as_an_address_is_held_to_the_folder_too(site: Path, image: str) -> None:
    html = site / "page.html"
    html.write_text(page("<p>Boats leave before five.</p>", head="\n<script type='application/ld+json'>"
                         f'{{"@type": "Article", "image": {image}}}</script>'), encoding="utf-8")
    _, report = import_file(html)
    assert report.error_lines() == [
        f"{html}:5: image '../secret.png' refused: '../secret.png' points outside the source's folder (an import "
        f"reads pictures only inside {site})"]
    html.write_text(page("<p>Boats leave before five.</p>", head="\n<script type='application/ld+json'>"
                         '{"@type": "Article", "image": "ok.png"}</script>'), encoding="utf-8")
    text, report = import_file(html)
    assert report.ok, report.error_lines()
    assert "image:\n  src: ok.png" in text and report.media == {"ok.png": PNG}


def test_other_tools_markdown_reads_no_picture_outside_its_folder(site: Path) -> None:
    post = site / "post.md"
    post.write_text(FRONT + "![up](../secret.png)\n\n![absolute](/etc/passwd)\n\n"
                    "![a link out](link.png)\n\n![fine](ok.png)\n\n![environ](/proc/self/environ)\n",
                    encoding="utf-8")
    _, report = import_file(post, preset="jekyll")
    errors = report.error_lines()
    assert errors[:2] == [
        f"{post}:7: image '../secret.png' refused: '../secret.png' points outside the source's folder "
        f"(an import reads pictures only inside {site})",
        f"{post}:9: image '/etc/passwd' refused: 'etc/passwd' does not exist (an import reads pictures only "
        f"inside {site})"]
    assert errors[2].startswith(f"{post}:11: image 'link.png' refused: 'link.png' points outside")
    assert errors[3].startswith(f"{post}:15: image '/proc/self/environ' refused")
    assert list(report.media.values()) == [PNG]


def test_a_presets_site_root_widens_where_pictures_may_come_from(tmp_path: Path) -> None:
    (tmp_path / "blog" / "_posts").mkdir(parents=True)
    (tmp_path / "blog" / "_config.yml").write_text("title: A blog\n", encoding="utf-8")
    (tmp_path / "blog" / "assets").mkdir()
    (tmp_path / "blog" / "assets" / "nets.png").write_bytes(PNG)
    (tmp_path / "outside.png").write_bytes(PNG)
    post = tmp_path / "blog" / "_posts" / "2023-02-01-harbour.md"
    post.write_text(FRONT + "![Nets](/assets/nets.png)\n\n![Also nets](../assets/nets.png)\n", encoding="utf-8")
    text, report = import_file(post, preset="jekyll")
    assert report.ok, report.error_lines()
    assert "![Nets](harbour-media/nets.png)" in text and "![Also nets](harbour-media/nets.png)" in text
    post.write_text(FRONT + "![Out](../../outside.png)\n", encoding="utf-8")
    _, report = import_file(post, preset="jekyll")
    assert report.error_lines() == [
        f"{post}:7: image '../../outside.png' refused: '../../outside.png' points outside the source's folder "
        f"(an import reads pictures only inside {post.parent} or {tmp_path / 'blog'})"]
    post.write_text(FRONT + "![Nets](/assets/nets.png)\n", encoding="utf-8")
    _, report = import_file(post)  # without a preset, no site root: only the post's own folder
    assert not report.ok and "'/assets/nets.png' refused" in report.error_lines()[0]


def test_a_picture_over_the_size_limit_is_refused_before_it_is_read(site: Path, monkeypatch) -> None:
    monkeypatch.setattr(pictures, "MAX_PICTURE_BYTES", 100)
    post = site / "post.md"
    post.write_text(FRONT + "![fine](ok.png)\n", encoding="utf-8")
    read: list[str] = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: read.append(self.name) or real_open(self, *a, **k))
    _, report = import_file(post)
    assert report.error_lines() == [
        f"{post}:7: image 'ok.png' is {len(PNG) / 1048576:.1f} MB, over the 0 MB limit for a picture (a build "
        "reads none larger: make it smaller)"]
    assert "ok.png" not in read


def test_a_file_that_is_not_a_picture_is_not_copied(site: Path) -> None:
    (site / "notes.txt").write_text("private notes\n", encoding="utf-8")
    post = site / "post.md"
    post.write_text(FRONT + "![notes](notes.txt)\n", encoding="utf-8")
    _, report = import_file(post)
    assert report.error_lines() == [f"{post}:7: image 'notes.txt' is not a PNG, JPEG, GIF, WebP or SVG picture"]
    assert report.media == {}


def test_a_picture_saved_as_md_never_replaces_a_source_even_with_force(site: Path, tmp_path: Path) -> None:
    (site / "other-article.md").write_bytes(PNG)
    html = site / "page.html"
    html.write_text(page("<p>Boats leave before five.</p>\n<img src='other-article.md' alt='nets'>"),
                    encoding="utf-8")
    out = tmp_path / "sources"
    out.mkdir()
    (out / "other-article.md").write_text(FRONT + "Another article.\n", encoding="utf-8")
    before = (out / "other-article.md").read_bytes()
    proc = run_cli("import", html, "-o", out, "--force")
    assert (out / "other-article.md").read_bytes() == before, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert (out / "page-media" / "other-article.md.png").read_bytes() == PNG
    assert "![nets](page-media/other-article.md.png)" in (out / "page.md").read_text(encoding="utf-8")


def docx(tmp_path: Path, body: str = "The chart shows the trend.\n\n![A chart](figure.png)\n") -> Path:
    """A Word document pandoc makes from ``body``, with a title, an author and a date."""
    (tmp_path / "figure.png").write_bytes(PNG)
    md = tmp_path / "doc.md"
    md.write_text("---\ntitle: A figure\nauthor: Ann Lee\ndate: 2024-01-02\n---\n\n" + body, encoding="utf-8")
    out = tmp_path / "doc.docx"
    subprocess.run([pandoc_path(), "-t", "docx", "-s", "--resource-path", str(tmp_path), str(md), "-o", str(out)],
                   check=True, capture_output=True)
    return out


def rewrite(path: Path, change: dict[str, bytes | None]) -> None:
    """``path``'s archive with the parts in ``change`` replaced (or, given None, left out)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    for name, data in change.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_word_pictures_pointing_outside_the_document_are_reported(tmp_path: Path) -> None:
    path = docx(tmp_path)
    with zipfile.ZipFile(path) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
        document = z.read("word/document.xml").decode()
    rid = rels.split('relationships/image" Id="', 1)[1].split('"', 1)[0]
    rels = rels.replace(f'Id="{rid}" Target="media/', f'Id="{rid}" TargetMode="External" Target="../../secret/')
    rewrite(path, {"word/_rels/document.xml.rels": rels.encode(), "word/document.xml":
                   document.replace(f'r:embed="{rid}"', f'r:link="{rid}"').encode()})
    _, report = import_file(path)
    assert report.ok, report.error_lines()
    [warning] = report.warning_lines()
    assert warning.startswith(f"warning: {path}: dropped picture {rid} ('../../secret/")
    assert warning.endswith("it points outside the document, and articlekit reads nothing outside it (insert "
                            "the picture into the document) [dropped]")
    assert report.media == {}


# --- bounds on every input ------------------------------------------------------------------------------------


def bounded_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``articlekit`` run with 1.5 GB of address space and 60 s, so that an input that is not bounded fails
    the test instead of the machine.  Only for inputs refused before pandoc, whose runtime reserves more
    address space than that."""
    command = " ".join(shlex.quote(str(a)) for a in (sys.executable, "-m", "articlekit", *args))
    try:
        return subprocess.run(["bash", "-c", f"ulimit -v 1500000; exec {command}"], capture_output=True, text=True,
                              timeout=60, cwd=Path(__file__).parent)
    except subprocess.TimeoutExpired:
        pytest.fail(f"articlekit {' '.join(map(str, args))} did not finish within 60 s")


def test_a_yaml_alias_bomb_in_imported_front_matter_is_refused_at_its_line(tmp_path: Path) -> None:
    post = tmp_path / "bomb.md"
    laughs = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 12))
    post.write_text("---\ntitle: Laughs\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + laughs +
                    "---\n\nText.\n", encoding="utf-8")
    proc = bounded_cli("import", post, "-o", tmp_path / "out")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"{post}:4: YAML alias '*l0' is not allowed in front matter; write the value out"]


@pytest.mark.parametrize(("fence", "value", "line"), [
    ("---", "[" * 3000 + "]" * 3000, 3), ("+++", "[" * 3000 + "]" * 3000, 2),
    ("+++", "{a = " * 200 + "1" + "}" * 200, 2),
])
def test_deep_nesting_in_imported_front_matter_is_refused_with_a_line(tmp_path: Path, fence: str, value: str,
                                                                       line: int) -> None:
    post = tmp_path / "deep.md"
    sep = ":" if fence == "---" else " ="
    post.write_text(f"{fence}\ntitle{sep} 'Deep'\nx{sep} {value}\n{fence}\n\nText.\n", encoding="utf-8")
    _, report = import_file(post)
    assert report.error_lines() == [f"{post}:{line}: front matter is nested more than 16 levels deep"]


def test_an_input_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    html = tmp_path / "huge.html"
    html.write_text(page("<p>" + "word " * 60_000 + "</p>"), encoding="utf-8")
    proc = run_cli("import", html, "-o", tmp_path / "out", "--max-size", "0.1")
    assert proc.returncode == 2 and not (tmp_path / "out").exists()
    assert proc.stderr.splitlines() == [
        f"{html}: is 0.3 MB, over the 0.1 MB limit for a saved page (see --max-size)"]


def test_a_whole_page_over_the_default_limit_is_refused_at_once(tmp_path: Path) -> None:
    html = tmp_path / "huge.html"
    html.write_text(page("<p>" + "The harbour at dawn. " * 300_000 + "</p>"), encoding="utf-8")
    started = time.monotonic()
    proc = bounded_cli("import", html, "-o", tmp_path / "out")
    assert time.monotonic() - started < 20
    assert proc.returncode == 2 and not (tmp_path / "out").exists()
    assert proc.stderr.splitlines() == [f"{html}: is 6.0 MB, over the 5 MB limit for a saved page (see --max-size)"]


def test_a_word_part_over_the_size_limit_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = docx(tmp_path)
    rewrite(path, {"docProps/core.xml": b"<x>" + b" " * 300_000 + b"</x>"})
    proc = run_cli("import", path, "-o", tmp_path / "out", "--max-size", "0.2")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        f"{path}: part docProps/core.xml unpacks to 0.3 MB, over the 0.2 MB limit (see --max-size)"]


def _bad_crc(path: Path) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x55
    path.write_bytes(bytes(data))


def _truncated_zip64(path: Path) -> None:
    data = path.read_bytes()
    end = data.rfind(b"PK\x05\x06")
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, len(data) + 10_000, 1)  # a ZIP64 record past the end
    path.write_bytes(data[:end] + locator + data[end:])


def _huge_size(path: Path) -> None:
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 12 : end + 20] = struct.pack("<II", 0xFFFFFFF0, 0xFFFFFFF0)  # central directory size, offset
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_bad_crc, _truncated_zip64, _huge_size, lambda p: p.write_bytes(
    p.read_bytes()[: len(p.read_bytes()) // 2])], ids=["bad-crc", "truncated-zip64", "huge-integer", "truncated"])
def test_a_damaged_word_document_gives_a_located_message(tmp_path: Path, damage) -> None:
    path = docx(tmp_path)
    damage(path)
    proc = run_cli("import", path, "-o", tmp_path / "out")
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"{path}: not a Word document (.docx), or a damaged one: "), line
    assert "internal error" not in line and "Traceback" not in proc.stderr


def test_a_device_given_as_input_is_not_read(tmp_path: Path) -> None:
    proc = bounded_cli("import", "/dev/zero", "-o", tmp_path / "out")
    assert proc.returncode == 2 and proc.stderr.splitlines() == ["/dev/zero: not a regular file"]


def test_pictures_keep_their_type_as_their_extension() -> None:
    assert pictures.picture_name("map.PNG", ".png") == "map.PNG"
    assert pictures.picture_name("photo.jpeg", ".jpg") == "photo.jpeg"
    assert pictures.picture_name("../../other.md", ".png") == "other.md.png"
    assert pictures.picture_name("", ".gif") == "image.gif"

