"""Every input has a bound, and each is refused by ``check`` (or the edition loader) at its line.

Each case file is made by its test.
"""

from __future__ import annotations

import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest

import articlekit
from articlekit.editions.loader import load_edition
from articlekit.read import safety
from conftest import run_cli
from seed import ROOT

FRONT = "---\ntitle: The harbour\ndate: 2023-02-01\nauthors: [Ann Lee]\n---\n\n"


def png_header(width: int, height: int) -> bytes:
    """A PNG that states ``width`` × ``height`` pixels: a valid header, and one empty row of data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1))) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("width", "height", "reason"), [
    (30000, 30000, "is 900 million pixels, over the 89.5 million pixel limit for a picture; make it smaller"),
    (10000, 9000, "is 10000 × 9000 pixels (90 million), over the 89.5 million pixel limit for a picture; make it "
                  "smaller"),
])
def test_check_refuses_a_picture_with_too_many_pixels_at_its_line(tmp_path: Path, width: int, height: int,
                                                                   reason: str) -> None:
    (tmp_path / "huge.png").write_bytes(png_header(width, height))
    source = tmp_path / "huge.md"
    source.write_text(FRONT + "Boats leave before five.\n\n![The whole harbour](huge.png)\n", encoding="utf-8")
    proc = run_cli("check", source)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"{source}:9:22: image 'huge.png' {reason}"]


def test_a_picture_within_the_pixel_limit_passes() -> None:
    safety.check_pixels(png_header(8000, 6000))  # a 48-megapixel photograph


def test_a_picture_whose_header_cannot_be_read_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    with pytest.raises(safety.AccessDenied, match="cannot be read as a picture"):
        safety.check_image(broken)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the sample edition and its sources, whose foreword and imprint a test rewrites."""
    shutil.copytree(ROOT / "editions", tmp_path / "editions")
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    return tmp_path


@pytest.mark.parametrize("kind", ["foreword", "imprint"])
def test_an_editions_front_piece_is_held_to_the_bounds_of_an_article(project: Path, kind: str) -> None:
    piece = project / "editions" / f"2018-q2-{kind}.md"
    piece.write_text("# Welcome\n\nThis issue opens with a quotation.\n\n" + "> " * 40 + "Deep.\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(articlekit.ArticlekitError) as caught:
        load_edition(project / "editions" / "2018-q2.yaml")
    assert time.monotonic() - started < 30
    assert str(caught.value) == (f"{piece}:5:65: the {kind}: content nested 33 levels deep (block quotes, lists "
                                 "or divs inside one another); articlekit allows at most 32")


def test_an_editions_front_piece_with_a_control_character_names_its_line(project: Path) -> None:
    piece = project / "editions" / "2018-q2-imprint.md"
    piece.write_text("Printed in Yogyakarta.\n\nBy \x1b Sons.\n", encoding="utf-8")
    with pytest.raises(articlekit.ArticlekitError) as caught:
        load_edition(project / "editions" / "2018-q2.yaml")
    assert str(caught.value) == (f"{piece}:3:4: contains the control character U+001B, which no output format can "
                                 "carry; remove it")


def test_an_issn_with_a_wrong_check_digit_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "issn.md"
    source.write_text(FRONT.replace("---\n\n", "issn: 0378-5954\n---\n\n") + "Text.\n", encoding="utf-8")
    proc = run_cli("check", source)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"{source}:5:1: invalid ISSN '0378-5954': its check digit is wrong (mistyped?)"]
    source.write_text(FRONT.replace("---\n\n", "issn: 0378-5955\n---\n\n") + "Text.\n", encoding="utf-8")
    assert run_cli("check", source).returncode == 0


def test_a_number_of_thousands_of_digits_is_refused_at_its_line(tmp_path: Path) -> None:
    huge = "9" * 5000
    source = tmp_path / "number.md"
    source.write_text(FRONT.replace("---\n\n", f"keywords: [{huge}]\n---\n\n") + "Text.\n", encoding="utf-8")
    proc = run_cli("check", source)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"{source}:5:12: a number 5000 characters long; no front matter key holds one (put it in quotes if it is "
        "text)"]
    (tmp_path / "articlekit.toml").write_text(f"keywords = {huge}\n", encoding="utf-8")
    source.write_text(FRONT + "Text.\n", encoding="utf-8")
    proc = run_cli("check", source)
    assert proc.returncode == 2 and "internal error" not in proc.stderr
    assert proc.stderr.splitlines()[0].startswith(f"{tmp_path / 'articlekit.toml'}: cannot be read: Exceeds the "
                                                  "limit (4300 digits)")


@pytest.mark.parametrize(("fence", "line", "message"), [
    ("---", 5, "a number 5000 characters long; no front matter key holds one (put it in quotes if it is text)"),
    ("+++", 2, "front matter cannot be read: Exceeds the limit (4300 digits) for integer string conversion: value "
               "has 5000 digits"),
])
def test_an_imported_number_of_thousands_of_digits_is_refused_at_its_line(tmp_path: Path, fence: str, line: int,
                                                                           message: str) -> None:
    sep = ":" if fence == "---" else " ="
    post = tmp_path / "post.md"
    post.write_text(f"{fence}\ntitle{sep} 'T'\ndate{sep} 2020-01-01\nauthor{sep} 'A B'\nweight{sep} {'9' * 5000}\n"
                    f"{fence}\n\nText.\n", encoding="utf-8")
    proc = run_cli("import", post, "-o", tmp_path / "out")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"{post}:{line}: {message}"]
