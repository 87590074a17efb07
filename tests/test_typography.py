"""Print typography a typesetter would sign off, read back from the typeset PDFs.

Each test builds (once per module) an article written to provoke the fault it
checks, then reads glyph positions back with pdfplumber (:mod:`tools.pdf_lines`):
note callouts at every position in the line, back-references after notes of
every length, Korean set justified, italic with emphasis inside, quotations and
small pictures, and the spacing of justified lines.
"""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path
from struct import pack
from typing import Any

import pdfplumber
import pikepdf
import pytest
import weasyprint

import articlekit
from articlekit.writers.pdf.breaks import keep_hangul_words
from seed import SAMPLE
from tools.pdf_lines import Line, pdf_lines
from tools.word_gaps import gaps, justified_lines, line_gaps, widest
from validators import require_cjk_font

ROOT = Path(__file__).resolve().parent.parent
STYLES = ROOT / "styles"
WORD_JOINER = "\u2060"

# ---------------------------------------------------------------------------
# Generated articles

#: Words of the callout article; each paragraph starts one word further on, and with a longer first word.
TEXT = ("the regime keeps a close watch over every telephone line and network that reaches the "
        "northern provinces while merchants trade smuggled memory cards carrying foreign films "
        "and music across the border at night")
WORDS = TEXT.split()
#: Where a callout goes: after a word, after closing punctuation, and clusters.
CALLOUTS = ("{w}[^a]", "{w}.”[^b]", "({w}),[^c]", "{w}[^d][^e]", "{w}.[^f]", "{w},[^a][^b][^c]")


def callout_source(paragraphs: int = 30) -> str:
    """An article whose callouts fall at every position in the line.

    Paragraph ``k`` starts ``k`` words into the word list and its first word is
    ``k % 7`` letters longer, so every later word shifts along the line from one
    paragraph to the next.  Each paragraph ends with an inline note one word
    longer than the last, so the back-references fall at every position too.
    """
    out = ["---", "title: Callouts", "date: 2020-01-01", "authors: [Test Writer]", "lang: en", "---", ""]
    for k in range(paragraphs):
        start = k % len(WORDS)
        words = [("x" * (k % 7)) + WORDS[start], *WORDS[start + 1:], *WORDS[:start]] * 2
        text = [CALLOUTS[(i // 5 + k) % len(CALLOUTS)].format(w=w) if i % 5 == 4 else w for i, w in enumerate(words)]
        note = " ".join(["A", "note", *WORDS[: k % len(WORDS)], "ends", "here."])
        out.append(" ".join(text).capitalize() + f".^[{note}]\n")
    out.extend(f"[^{label}]: Note {label}, referenced on every page.\n" for label in "abcdef")
    return "\n".join(out)


def png(width: int, height: int) -> bytes:
    """A plain grey PNG of ``width`` × ``height`` pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\x80" * (3 * width) for _ in range(height))
    header = pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


#: The small picture: 120 × 60 px, 90 × 45 pt at the CSS 96 px to the inch, far narrower than the measure.
SMALL = (120, 60)

LOREM = ("Information flow into the country can also be delivered through smuggled flash drives and discs, "
         "which usually carry entertainment such as foreign films and television dramas from the south.")

SAMPLER = f"""---
title: Quotations and pictures
subtitle: An italic subtitle with *emphasis* inside it
date: 2020-01-01
authors: [Test Writer]
lang: en
image: {{src: small.png, alt: A grey rectangle.}}
---

{LOREM} {LOREM}

> {LOREM} {LOREM}

{LOREM} *The whole phrase is set in italic, _but these words_ switch back* to roman. {LOREM}

![A small grey rectangle.](small.png)

{LOREM}
"""

#: Korean sentences (the Hangul fixture's and more), spaced between words.
KOREAN = [
    "북한은 다른 공산주의 국가들이 고립 정책을 포기했을 때에도 그 정책을 유지했다.",
    "휴대전화는 이전에는 엘리트들의 사치스러운 특권이었다.",
    "오늘날 휴대전화 서비스는 민간인에게 더 흔해졌다.",
    "국경 근처에 사는 일부 주민들은 중국 이동통신망에 불법으로 접속하기도 한다.",
    "정보는 밀반입된 저장장치와 디스크를 통해서도 전달될 수 있다.",
    "정부는 정교한 기술을 사용하여 모든 개인을 감시하는 것으로 알려져 있다.",
]


def korean_source(paragraphs: int = 8) -> str:
    out = ["---", "title: 북한의 인터넷 통제", "date: 2018-05-21", "lang: ko", "authors: [Gehan Ghofari]", "---", ""]
    for k in range(paragraphs):
        sentences = KOREAN[k % len(KOREAN):] + KOREAN[: k % len(KOREAN)]
        out.append(" ".join(sentences * 2) + "\n")
    return "\n".join(out)


def _build(folder: Path, name: str, text: str, **options: object) -> Path:
    source = folder / f"{name}.md"
    source.write_text(text, encoding="utf-8")
    pdf = folder / f"{name}.pdf"
    pdf.write_bytes(articlekit.to_pdf(articlekit.load(source), **options))
    return pdf


@pytest.fixture(scope="module")
def callout_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("callouts"), "callouts", callout_source())


@pytest.fixture(scope="module")
def sampler_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sampler")
    (folder / "small.png").write_bytes(png(*SMALL))
    return _build(folder, "sampler", SAMPLER)


@pytest.fixture(scope="module")
def korean_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_cjk_font()
    return _build(tmp_path_factory.mktemp("korean"), "korean", korean_source())


@pytest.fixture(scope="module")
def first_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("first") / "first.pdf"
    path.write_bytes(articlekit.to_pdf(articlekit.load(SAMPLE)))
    return path


def body_lines(path: Path) -> list[Line]:
    """The lines of running text (11 pt body and the smaller notes), without running heads and folios."""
    return [line for line in pdf_lines(path) if line.size >= 9 and line.text.strip()
            and not re.fullmatch(r"\d+", line.text.strip())]


def starts_with_callout(line: Line) -> bool:
    return bool(line.chars) and line.is_small(line.chars[0])


def callout_count(lines: list[Line]) -> int:
    """How many callout clusters (runs of small characters) the lines hold."""
    return sum(1 for line in lines for i, c in enumerate(line.chars)
               if line.is_small(c) and (i == 0 or not line.is_small(line.chars[i - 1])))


# ---------------------------------------------------------------------------
# 1. A note callout never starts a line


def test_no_line_begins_with_a_callout(callout_pdf: Path) -> None:
    lines = body_lines(callout_pdf)
    count = callout_count(lines)
    assert count >= 300, f"only {count} callouts found: the reader does not see them"
    opening = [f"p.{line.page}: {line.text[:50]}" for line in lines if starts_with_callout(line)]
    assert opening == []


def test_the_callout_check_sees_a_callout_at_the_start_of_a_line(callout_pdf: Path) -> None:
    """The check above can fail: a line rebuilt to start with a callout is caught."""
    line = next(line for line in body_lines(callout_pdf) if any(line.is_small(c) for c in line.chars))
    i = next(i for i, c in enumerate(line.chars) if line.is_small(c))
    moved = Line(line.page, line.baseline, line.size, [*line.chars[i:], *line.chars[:i]])
    assert starts_with_callout(moved) and not starts_with_callout(line)


def test_callouts_copy_as_plain_text(callout_pdf: Path) -> None:
    """The word joiners that glue callouts draw nothing and do not reach copied text."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(callout_pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert WORD_JOINER not in text and "\u200b" not in text
    squashed = re.sub(r"\s+", "", text)
    assert ".”2" in squashed and "),3" in squashed and "4,5" in squashed and "1,2,3" in squashed
    with pdfplumber.open(callout_pdf) as pdf:
        assert not any(c["text"] == WORD_JOINER for page in pdf.pages for c in page.chars)


def test_web_and_ebook_callouts_are_glued_too(tmp_path: Path) -> None:
    source = tmp_path / "glue.md"
    source.write_text("---\ntitle: Glue\ndate: 2020-01-01\nauthors: [A B]\n---\n\nWord.[^a][^b]\n\n"
                      "[^a]: One.\n\n[^b]: Two.\n", encoding="utf-8")
    html = articlekit.to_html(articlekit.load(source), fragment=True)
    assert f'<sup class="noteref">{WORD_JOINER}<a href="#fn1"' in html
    assert "1</a>,<a" in html  # inside the cluster, Unicode line breaking keeps "1,2" together


# ---------------------------------------------------------------------------
# 2. Note back-references: each page once, never alone on a line


def notes_lines(path: Path) -> list[Line]:
    lines = body_lines(path)
    start = next(i for i, line in enumerate(lines) if line.text.strip() == "Notes")
    return lines[start + 1:]


def test_back_references_list_each_page_once(callout_pdf: Path) -> None:
    notes = "\n".join(line.text for line in notes_lines(callout_pdf))
    lists = re.findall(r"↑\s*pp?\.\s*((?:\d+,\s*)*\d+)", notes)
    assert len(lists) >= 30
    pages = [[int(p) for p in re.findall(r"\d+", found)] for found in lists]
    assert all(p == sorted(set(p)) for p in pages), pages
    assert any(len(p) > 2 for p in pages), "the repeated notes should be referenced on several pages"


def test_every_listed_page_is_a_link_to_a_reference_on_that_page(callout_pdf: Path) -> None:
    with pikepdf.open(callout_pdf) as pdf:
        index = {p.objgen: i + 1 for i, p in enumerate(pdf.pages)}
        names = pdf.Root.Names.Dests.Names
        dest_page = {str(names[i]): index[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        last = len(pdf.pages)
        back = [str(a.Dest) for page in pdf.pages for a in page.get("/Annots", [])
                if str(a.get("/Dest", "")).startswith("fnref")]
    assert len(back) >= 30
    for note in ("fnref1", "fnref2"):  # notes a and b, referenced many times on every page
        # (WeasyPrint may give one link two annotations, for the box and its generated page number.)
        listed = [dest_page[d] for d in dict.fromkeys(back) if d == note or d.startswith(note + "-")]
        assert listed == list(range(1, len(listed) + 1)) and len(listed) >= last - 2, (note, listed, back[:20])


def test_a_back_reference_never_stands_alone_on_a_line(callout_pdf: Path) -> None:
    lines = notes_lines(callout_pdf)
    alone = [line.text for line in lines if line.text.lstrip().startswith("↑")]
    assert alone == []
    assert sum("↑" in line.text for line in lines) >= 30


def test_no_hyphenated_fragment_stands_alone_on_a_line(first_pdf: Path, callout_pdf: Path) -> None:
    """Tying the back-references to the note must not make WeasyPrint strand half a word.

    A no-break space before them did: note 7 of the first article printed "digit-"
    alone on a line, then "ally – report. …".
    """
    for path in (first_pdf, callout_pdf):
        lines = [line.text.strip() for line in body_lines(path)]
        stranded = [t for t in lines if re.fullmatch(r"\S+-", t)]
        assert stranded == [], (path.name, stranded)
    notes = "\n".join(line.text for line in notes_lines(first_pdf))
    assert "digitally – report" in notes


def test_the_same_source_gives_the_same_bytes_after_a_second_layout(callout_pdf: Path, tmp_path: Path) -> None:
    again = _build(tmp_path, "callouts", callout_source())
    assert again.read_bytes() == callout_pdf.read_bytes()


# ---------------------------------------------------------------------------
# 3. Korean breaks only between words


def test_korean_lines_end_only_between_words(korean_pdf: Path) -> None:
    words = {w for sentence in KOREAN for w in sentence.split()}
    lines = [line for line in body_lines(korean_pdf) if re.search("[\uac00-\ud7af]", line.text)]
    assert len(lines) >= 20
    broken = []
    # The title block is not running text: the title, the byline ("글 Gehan Ghofari") and the date.
    assert lines[1].text.startswith("글") and "2018년 5월 21일" in lines[2].text
    for line in lines[3:]:
        tokens = ["".join(c["text"] for c in word if not line.is_small(c)) for word in line.words()]
        tokens = [t for t in tokens if t]
        if tokens and (tokens[-1] not in words or tokens[0] not in words):
            broken.append(line.text)
    assert broken == []


def test_hangul_letters_are_joined_and_other_text_is_not() -> None:
    j = WORD_JOINER
    assert keep_hangul_words("정책을 유지했다.") == f"정{j}책{j}을 유{j}지{j}했{j}다."
    assert keep_hangul_words("Latin 日本語") == "Latin 日本語"


@pytest.mark.parametrize("sheet", ["print.css", "html.css", "epub.css"])
def test_stylesheets_keep_korean_words_whole(sheet: str) -> None:
    assert re.search(r":lang\(ko\)\s*\{[^}]*word-break:\s*keep-all", (STYLES / sheet).read_text())


# ---------------------------------------------------------------------------
# 4. Emphasis inside italic is roman


def computed(html: str, sheet: str, prop: str) -> dict[str, Any]:
    """``prop`` as WeasyPrint computes it for each element with an id, laid out with ``sheet``."""
    doc = weasyprint.HTML(string=html).render(stylesheets=[weasyprint.CSS(filename=str(STYLES / sheet))])
    found: dict[str, Any] = {}

    def walk(box: Any) -> None:
        element = getattr(box, "element", None)
        if element is not None and element.get("id") and element.get("id") not in found:
            found[element.get("id")] = box.style[prop]
        for child in getattr(box, "children", []):
            walk(child)

    for page in doc.pages:
        walk(page._page_box)
    return found


ITALICS = """<html lang="en"><body><article><header class="titlepage article-header title-block">
<p class="subtitle" id="sub">An italic subtitle with <em id="sub-em">emphasis</em> inside</p></header>
<p id="p">Roman <em id="em">italic <em id="em-em">roman <em id="em-em-em">italic</em></em></em>
<i id="i">italic <em id="i-em">roman</em></i></p><h4 id="h4">Heading <em id="h4-em">roman</em></h4>
</article></body></html>"""


@pytest.mark.parametrize("sheet", ["print.css", "html.css", "epub.css"])
def test_emphasis_inside_italic_is_roman(sheet: str) -> None:
    style = computed(ITALICS, sheet, "font_style")
    assert style["sub"] == "italic" and style["sub-em"] == "normal"
    assert (style["p"], style["em"], style["em-em"], style["em-em-em"]) == ("normal", "italic", "normal", "italic")
    assert (style["i"], style["i-em"]) == ("italic", "normal")
    if style["h4"] == "italic":
        assert style["h4-em"] == "normal"


def _is_italic(fontname: str) -> bool:
    return "italic" in fontname.lower()


def test_emphasis_inside_italic_prints_roman(sampler_pdf: Path) -> None:
    with pdfplumber.open(sampler_pdf) as pdf:
        words = pdf.pages[0].extract_words(extra_attrs=["fontname"], x_tolerance=1)
    font = {w["text"]: w["fontname"] for w in words}
    assert _is_italic(font["subtitle"]) and not _is_italic(font["emphasis"])
    assert _is_italic(font["phrase"]) and not _is_italic(font["these"]) and not _is_italic(font["roman."])
    assert _is_italic(font["back"]) or _is_italic(font["switch"])


# ---------------------------------------------------------------------------
# 5. Quotations and pictures


def test_a_block_quote_reads_as_a_quotation(sampler_pdf: Path) -> None:
    lines = [line for line in body_lines(sampler_pdf) if line.page == 1]
    body = [line for line in lines if abs(line.size - 11) < 0.2]
    left, right = min(line.x0 for line in body), max(line.x1 for line in body)
    # The quotation is the second block that opens with the sample sentence.
    starts = [i for i, line in enumerate(lines) if line.text.startswith("Information flow into")]
    assert len(starts) >= 3, [line.text for line in lines]
    first = starts[1]
    quote = [lines[first]]
    for line in lines[first + 1:]:
        if abs(line.size - quote[0].size) > 0.01:
            break
        quote.append(line)
    assert len(quote) >= 3
    assert quote[0].size < 11 - 0.2, "the quotation is not set smaller"
    assert all(line.x0 >= left + 0.8 * 11 for line in quote), "not indented on the left"
    assert max(line.x1 for line in quote) <= right - 0.8 * 11, "not indented on the right"
    leading = quote[1].baseline - quote[0].baseline
    before = quote[0].baseline - lines[first - 1].baseline
    after = lines[first + len(quote)].baseline - quote[-1].baseline
    assert before > leading + 4 and after > leading + 4, "the quotation is not set apart by space"


def image_widths(path: Path) -> list[float]:
    with pdfplumber.open(path) as pdf:
        return [float(image["x1"]) - float(image["x0"]) for page in pdf.pages for image in page.images]


def test_a_small_picture_is_never_enlarged_in_print(sampler_pdf: Path) -> None:
    widths = image_widths(sampler_pdf)
    assert len(widths) == 2  # the lead picture and the figure
    natural = SMALL[0] * 0.75
    assert all(w <= natural + 0.5 for w in widths), widths


@pytest.mark.parametrize("sheet", ["print.css", "html.css", "epub.css"])
def test_stylesheets_never_enlarge_a_picture(sheet: str, tmp_path: Path) -> None:
    (tmp_path / "small.png").write_bytes(png(*SMALL))
    html = ('<html><body><article><header class="article-header title-block titlepage">'
            '<figure class="lead-image"><img id="lead" src="small.png" alt=""></figure></header>'
            '<div class="cover"><img id="cover" src="small.png" alt=""></div>'
            '<figure><img id="figure" src="small.png" alt=""></figure>'
            '<p>Text <img id="inline" src="small.png" alt=""> text.</p></article></body></html>')
    doc = weasyprint.HTML(string=html, base_url=str(tmp_path) + "/").render(
        stylesheets=[weasyprint.CSS(filename=str(STYLES / sheet))])
    widths: dict[str, float] = {}

    def walk(box: Any) -> None:
        element = getattr(box, "element", None)
        if element is not None and element.tag == "img":
            widths[element.get("id")] = box.width
        for child in getattr(box, "children", []):
            walk(child)

    for page in doc.pages:
        walk(page._page_box)
    assert set(widths) == {"lead", "cover", "figure", "inline"}
    assert all(w <= SMALL[0] + 0.01 for w in widths.values()), widths  # CSS px


# ---------------------------------------------------------------------------
# 6. Justified lines


#: The widest inter-word gap allowed in a justified line of the first article, as a multiple of the normal space.
MAX_GAP = 1.9


def test_justified_lines_of_the_first_article_have_no_wide_gaps(first_pdf: Path) -> None:
    found = gaps(first_pdf)
    assert len(found) > 500
    worst = widest(first_pdf)
    assert worst.ratio <= MAX_GAP, f"{worst.ratio:.2f} x the normal space on p.{worst.page}: {worst.line}"


def test_the_gap_measure_sees_a_loose_line(first_pdf: Path) -> None:
    """The measure can fail: a justified line with one gap widened by three spaces reads as loose."""
    line = next(line for line in justified_lines(list(pdf_lines(first_pdf))) if len(line_gaps(line)) > 4)
    space = next(i for i, c in enumerate(line.chars) if c["text"] == " ")
    width = float(line.chars[space]["x1"]) - float(line.chars[space]["x0"])
    shifted = [dict(c, x0=float(c["x0"]) + 3 * width, x1=float(c["x1"]) + 3 * width) if i > space else c
               for i, c in enumerate(line.chars)]
    loose = Line(line.page, line.baseline, line.size, shifted)
    assert max(g.ratio for g in line_gaps(loose)) > max(g.ratio for g in line_gaps(line)) + 2.9
