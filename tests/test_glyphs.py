"""Characters no installed font can draw are found by ``check``, with their line and a Debian package
that has them; emoji are drawn in colour from fonts-noto-color-emoji."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest

import articlekit
from articlekit.cli import main
from articlekit.read import glyphs
from articlekit.read.glyphs import describe_missing
from conftest import FIXTURES
from validators import require

ADLAM = FIXTURES / "pdf" / "adlam.md"
EMOJI = FIXTURES / "pdf" / "emoji.md"
NO_ALT = FIXTURES / "pdf" / "no-alt.md"

ADLAM_WARNING = (
    f"{ADLAM}:7:16: the PDF cannot be made: no installed font can draw U+1E900 '\U0001e900' ADLAM CAPITAL LETTER"
    " ALIF, U+1E901 '\U0001e901' ADLAM CAPITAL LETTER DAALI, U+1E902 '\U0001e902' ADLAM CAPITAL LETTER LAAM"
    " (line 7); install a font that has them (Debian: fonts-noto-core)"
)


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str]]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err.splitlines()


def _emoji_font() -> None:
    require("a colour emoji font (Debian: fonts-noto-color-emoji)", glyphs.installed_coverage()
            and glyphs._covers(glyphs.installed_coverage(), 0x1F389))  # type: ignore[arg-type]


def test_parse_charset() -> None:
    assert glyphs.parse_charset("20-7e a0 1e900-1e95f\n") == [(0x20, 0x7E), (0xA0, 0xA0), (0x1E900, 0x1E95F)]
    merged = glyphs._merge([(5, 9), (0x20, 0x7E), (1, 4), (0x7F, 0x80)])
    assert merged == ((1, 0x20), (9, 0x80))
    assert glyphs._covers(merged, 7) and glyphs._covers(merged, 0x80) and not glyphs._covers(merged, 0x1F)


def test_hints_name_the_package_that_has_the_glyph() -> None:
    assert glyphs.package_for(0x1E900) == "fonts-noto-core"  # Adlam
    assert glyphs.package_for(0x1F389) == "fonts-noto-color-emoji"  # party popper
    assert glyphs.package_for(0xAC00) == "fonts-noto-cjk"  # Hangul
    assert glyphs.package_for(0x10FFFD) is None  # private use: no package
    assert "fonts-noto-core" in describe_missing([0x1E900]) and "fonts-noto-color-emoji" in describe_missing([0x1F99C])


def test_check_finds_what_no_font_draws(capsys: pytest.CaptureFixture[str]) -> None:
    if glyphs.installed_coverage() is None:
        require("fc-list (Debian: fontconfig)", shutil.which("fc-list"))
    code, lines = _run(capsys, "check", ADLAM)
    assert (code, lines) == (0, [f"warning: {ADLAM}:1: no license or copyright: the JATS has no <permissions>;"
                                 " state 'license' or 'copyright' in the front matter or articlekit.toml"
                                 " [no-permissions]",
                                 f"warning: {ADLAM_WARNING} [glyph-missing]"])
    code, lines = _run(capsys, "check", "--strict", ADLAM)
    assert code == 2 and ADLAM_WARNING in lines


def test_a_missing_emoji_font_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the emoji font installed, the hint names the Debian package that draws them."""
    installed = glyphs.installed_coverage()
    assert installed is not None
    starts, ends = installed
    without = [(a, b) for a, b in zip(starts, ends, strict=True) if b < 0x1F000 or a > 0x1FAFF]
    monkeypatch.setattr(glyphs, "installed_coverage", lambda: glyphs._merge(without))
    warnings = articlekit.load(EMOJI).warnings
    assert [w.code for w in warnings] == ["glyph-missing"]
    assert [str(w) for w in warnings] == [
        f"{EMOJI}:8:90: the PDF cannot be made: no installed font can draw U+1F389 '\U0001f389' PARTY POPPER,"
        " U+1F914 '\U0001f914' THINKING FACE, U+1F99C '\U0001f99c' PARROT (lines 8, 10, 13); install a font that"
        " has them (Debian: fonts-noto-color-emoji)"
    ]


def test_emoji_are_drawn_in_colour() -> None:
    _emoji_font()
    article = articlekit.load(EMOJI)
    assert article.warnings == []
    with pikepdf.open(io.BytesIO(articlekit.to_pdf(article))) as pdf:
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
    assert any(name.endswith("Noto-Color-Emoji") for name in fonts), fonts


def test_an_image_without_alt_text_is_a_warning_for_the_tagged_pdf(capsys: pytest.CaptureFixture[str]) -> None:
    warning = (f"{NO_ALT}:9:5: image 'figure.png' has no alt text, which a tagged PDF (pdf/ua-1, the default, or"
               " pdf/a-3a) needs: describe it, ![what it shows](file.png), or build the PDF with --pdf-variant plain")
    code, lines = _run(capsys, "check", NO_ALT)
    assert code == 0 and f"warning: {warning} [image-no-alt]" in lines
    code, lines = _run(capsys, "check", "--strict", NO_ALT)
    assert code == 2 and warning in lines


def test_a_worker_reads_the_installed_fonts_when_it_starts() -> None:
    """The look-up is read once per process, in the worker's warm-up, so no article pays for it."""
    from articlekit.batch.worker import warm_up

    glyphs.installed_coverage.cache_clear()
    warm_up(("html",))
    assert glyphs.installed_coverage.cache_info().currsize == 1
