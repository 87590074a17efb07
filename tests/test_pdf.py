"""The print edition: the PDF read back with pikepdf, fontTools and poppler.

Each check below is a function that returns the problems it finds, and each is
also run on a deliberately broken PDF to show that it can fail.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

import articlekit
import seed
from articlekit.cli import main as cli_main
from articlekit.errors import ArticleError, ArticlekitError
from articlekit.labels import labels_for_lang
from articlekit.read.safety import AccessDenied, Policy
from articlekit.tree import stringify
from articlekit.writers.pdf.breaks import tie_last_words
from articlekit.writers.pdf.document import running_authors, shorten, text_setting
from articlekit.writers.pdf.fetcher import RestrictedFetcher
from articlekit.writers.pdf.page import PageSizeError, page_geometry, parse_page_size
from articlekit.writers.pdf.writer import PdfVariantError, to_pdf
from conftest import InPlace
from seed import SAMPLE, SEED, SLUG, note_texts
from validators import require, require_cjk_font

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "fixtures" / "articles"
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
XMP = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    require(f"poppler's {tool} (Debian: poppler-utils)", path)
    assert path
    return path


# ---------------------------------------------------------------------------
# Readers and checkers


def pdftotext(path: Path, *args: str) -> str:
    proc = subprocess.run([_poppler("pdftotext"), "-enc", "UTF-8", *args, str(path), "-"],
                          capture_output=True, text=True, check=True)
    return proc.stdout


def squash(text: str) -> str:
    """Text without hyphens, ligatures or any whitespace, for containment checks.

    Hyphens go because a line-end hyphen added by hyphenation ("unex-/pectedly")
    and a real one at a line end ("Jae-/in") look the same in extracted text.
    """
    text = text.replace("-", "").replace("\u2010", "")
    for lig, plain in (("\ufb01", "fi"), ("\ufb02", "fl"), ("\ufb00", "ff"), ("\ufb03", "ffi"), ("\ufb04", "ffl")):
        text = text.replace(lig, plain)
    return re.sub(r"\s+", "", text)


def unembedded_fonts(path: Path) -> list[str]:
    """Fonts that poppler's pdffonts reports as not embedded."""
    out = subprocess.run([_poppler("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, f"pdffonts found no fonts in {path}"
    problems = []
    for row in rows:
        fields = row.split()
        # name, type…, encoding, emb, sub, uni, object, id: emb is the 5th field from the end.
        if fields[-5] != "yes":
            problems.append(f"font {fields[0]} is not embedded")
    return problems


def _kids(node: pikepdf.Object) -> list[pikepdf.Object]:
    k = node.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def _number_tree(node: pikepdf.Object) -> dict[int, pikepdf.Object]:
    out: dict[int, pikepdf.Object] = {}
    if "/Nums" in node:
        nums = node.Nums
        for i in range(0, len(nums), 2):
            out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        out.update(_number_tree(kid))
    return out


_SHOW = {"Tj", "TJ", "'", '"'}


def _walk_content(pdf: pikepdf.Pdf, page: pikepdf.Page):
    """Yield (operands, operator, font, marked-content stack) for each operator, into Form XObjects too."""

    def walk(obj: pikepdf.Object, resources: pikepdf.Object, stack: list, font_holder: list):
        for operands, op in pikepdf.parse_content_stream(obj):
            name = str(op)
            if name in ("BDC", "BMC"):
                props = operands[1] if name == "BDC" else None
                stack.append((str(operands[0]), props))
            elif name == "EMC":
                stack.pop()
            elif name == "Tf":
                font_holder[0] = resources.Font[operands[0]]
            elif name == "Do":
                xobj = resources.XObject[operands[0]]
                if xobj.get("/Subtype") == "/Form":
                    yield from walk(xobj, xobj.get("/Resources", resources), stack, font_holder)
            yield operands, name, font_holder[0], list(stack)

    yield from walk(page, page.Resources, [], [None])


def structure_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Tagged-PDF structure: a structure tree, and every drawn text either tagged content or an artifact."""
    problems = []
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return ["no /StructTreeRoot"]
    if not pdf.Root.get("/MarkInfo", {}).get("/Marked"):
        problems.append("/MarkInfo /Marked is not true")
    reachable: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        for kid in _kids(node):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.objgen not in reachable:
                reachable.add(kid.objgen)
                stack.append(kid)
    parents = _number_tree(root.ParentTree)
    for index, page in enumerate(pdf.pages):
        struct_parents = page.obj.get("/StructParents", index)
        mapping = parents.get(int(struct_parents))
        for _operands, op, _font, marks in _walk_content(pdf, page):
            if op not in _SHOW:
                continue
            if not marks:
                problems.append(f"page {index + 1}: text outside any marked content")
                continue
            tag, props = marks[-1]
            if tag == "/Artifact" or any(t == "/Artifact" for t, _ in marks):
                continue
            mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
            if mcid is None:
                problems.append(f"page {index + 1}: {tag} content without MCID")
                continue
            elem = mapping[int(mcid)] if mapping is not None and int(mcid) < len(mapping) else None
            if not isinstance(elem, pikepdf.Dictionary) or elem.objgen not in reachable:
                problems.append(f"page {index + 1}: MCID {mcid} ({tag}) is not in the structure tree")
    return sorted(set(problems))


def _to_unicode(font: pikepdf.Object) -> dict[int, str]:
    """Glyph code → text, from a font's /ToUnicode CMap (bfchar and bfrange)."""
    out: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return out
    data = font.ToUnicode.read_bytes().decode("latin-1")

    def text(hexstr: str) -> str:
        return bytes.fromhex(hexstr).decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(start + i)
    return out


class _EmbeddedFont:
    def __init__(self, font: pikepdf.Object) -> None:
        descendant = font.DescendantFonts[0]
        desc = descendant.FontDescriptor
        stream = desc.get("/FontFile2") or desc.get("/FontFile3") or desc.get("/FontFile")
        self.name = str(font.BaseFont)
        self.tt = TTFont(io.BytesIO(stream.read_bytes())) if stream is not None else None
        self.order = self.tt.getGlyphOrder() if self.tt else []
        self.glyphs = self.tt.getGlyphSet() if self.tt else None
        self.unicode = _to_unicode(font)

    def blank(self, gid: int) -> bool:
        assert self.glyphs is not None
        pen = BoundsPen(self.glyphs)
        self.glyphs[self.order[gid]].draw(pen)
        return pen.bounds is None


def glyph_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Glyphs drawn as .notdef: glyph 0, a glyph the embedded font lacks, or a blank glyph for a visible character."""
    fonts: dict[tuple[int, int], _EmbeddedFont] = {}
    problems = []
    for index, page in enumerate(pdf.pages):
        for operands, op, font, _marks in _walk_content(pdf, page):
            if op not in _SHOW or font is None:
                continue
            if str(font.get("/Subtype")) != "/Type0" or str(font.get("/Encoding")) != "/Identity-H":
                problems.append(f"page {index + 1}: unexpected font encoding {font.get('/Encoding')}")
                continue
            info = fonts.setdefault(font.objgen, _EmbeddedFont(font))
            if info.tt is None:
                problems.append(f"font {info.name} has no embedded program")
                continue
            strings = operands[0] if op == "TJ" else [operands[-1]]
            for item in strings:
                if not isinstance(item, pikepdf.String):
                    continue
                raw = bytes(item)
                for i in range(0, len(raw) - 1, 2):
                    gid = int.from_bytes(raw[i:i + 2], "big")
                    char = info.unicode.get(gid, "")
                    if gid == 0 or gid >= len(info.order):
                        problems.append(f"page {index + 1}: .notdef drawn for {char!r} in {info.name}")
                    elif char.strip() and info.blank(gid):
                        problems.append(f"page {index + 1}: blank glyph drawn for {char!r} in {info.name}")
    return sorted(set(problems))


def xmp(pdf: pikepdf.Pdf) -> dict[str, object]:
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        return {str(k): meta[k] for k in meta}


def annotations(pdf: pikepdf.Pdf) -> list[tuple[int, str, list[float]]]:
    """(page index, named destination, rectangle) of every internal link annotation."""
    out = []
    for index, page in enumerate(pdf.pages):
        for annot in page.get("/Annots", []):
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                out.append((index, str(annot.Dest), [float(x) for x in annot.Rect]))
    return out


def named_destinations(pdf: pikepdf.Pdf) -> dict[str, int]:
    """Named destination → page index."""
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    out = {}
    names = pdf.Root.Names.Dests.Names
    for i in range(0, len(names), 2):
        out[str(names[i])] = pages[names[i + 1][0].objgen]
    return out


# ---------------------------------------------------------------------------
# Fixtures: each PDF is built once per session


@pytest.fixture(scope="session")
def first_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first article, built by the command line exactly as a user would."""
    out = tmp_path_factory.mktemp("pdf-cli")
    assert cli_main(["build", str(SAMPLE.parent), "-t", "pdf", "-o", str(out), "-q"]) == 0
    path = out / f"{SLUG}.pdf"
    assert path.is_file()
    return path


@pytest.fixture(scope="session")
def first(first_pdf: Path) -> pikepdf.Pdf:
    return pikepdf.open(first_pdf)


A4 = page_geometry(parse_page_size("a4"))


def crop(region: str) -> list[str]:
    """pdftotext options selecting the text block, the head margin or the foot margin of an A4 page."""
    width, height, top, bottom = A4.page.width, A4.page.height, A4.top, A4.bottom
    box = {"body": (top, height - top - bottom), "head": (0, top), "foot": (height - bottom, bottom)}[region]
    return ["-x", "0", "-y", str(int(box[0])), "-W", str(int(width)), "-H", str(int(box[1]))]


@pytest.fixture(scope="session")
def first_text(first_pdf: Path) -> str:
    """The text of the text blocks, without running heads and folios (a sentence may cross a page)."""
    return pdftotext(first_pdf, *crop("body"))


@pytest.fixture(scope="session")
def sample_article() -> articlekit.Article:
    return articlekit.load(SAMPLE)


def _build(tmp_path_factory: pytest.TempPathFactory, source: Path, name: str, **options: object) -> Path:
    path = tmp_path_factory.mktemp("pdf") / f"{name}.pdf"
    path.write_bytes(to_pdf(articlekit.load(source), articlekit.WriteOptions(**options)))  # type: ignore[arg-type]
    return path


@pytest.fixture(scope="session")
def hangul_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_cjk_font()
    return _build(tmp_path_factory, ARTICLES / "hangul.md", "hangul")


SHORT = FIXTURES / "note-in-heading.md"  # a short Latin-script article for option tests


@pytest.fixture(scope="session")
def sink_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory, ARTICLES / "kitchen-sink.md", "kitchen-sink")


# ---------------------------------------------------------------------------
# The first article


def seed_sentences_with_note_numbers() -> list[str]:
    """The seed's body sentences with each marker cluster ("[6][7]") printed as the PDF prints it ("6,7")."""
    paragraphs = seed._paragraphs()
    body = paragraphs[1:paragraphs.index(next(p for p in paragraphs if p.startswith("Editors:")))]
    out: list[str] = []
    for p in body:
        p = re.sub(r"(?:\[\d+\])+", lambda m: ",".join(re.findall(r"\d+", m[0])), p)
        out.extend(s for s in re.split(r"(?<=[.?!])\s+", p) if s.strip())
    return out


def test_every_seed_sentence_and_note_text_is_in_the_pdf(first_text: str) -> None:
    text = squash(first_text)
    expected = seed_sentences_with_note_numbers()
    missing = [s for s in expected if squash(s) not in text]
    assert not missing, f"{len(missing)} sentences missing, first: {missing[:3]}"
    missing_notes = [n for n in note_texts() if squash(n) not in text]
    assert not missing_notes, missing_notes


def test_title_block_of_the_first_article(first_pdf: Path) -> None:
    page1 = pdftotext(first_pdf, "-f", "1", "-l", "1", *crop("body"))
    block = page1.split("When other communist countries", 1)[0]
    lines = [" ".join(line.split()) for line in block.splitlines() if line.strip()]
    assert lines == [
        "How North Korea controls", "its Internet",  # the last two words tied: no lone word on the last line
        "By Gehan Ghofari",
        "21 May 2018",
        "Editors: Atin Prabandari, MA(IR) and Viyasa Rahyaputra, S.IP",
    ]


def test_text_is_hyphenated_and_set_in_the_article_language(first_pdf: Path, first: pikepdf.Pdf) -> None:
    assert str(first.Root.Lang) == "en"
    raw = pdftotext(first_pdf, "-raw", *crop("body"))  # -raw keeps line-end hyphens
    seed_words = set(re.findall(r"[\w’-]+", SEED.read_text(encoding="utf-8")))
    split = [(a, b) for a, b in re.findall(r"(\w+)-\n(\w+)", raw) if a + b in seed_words]
    assert split, "no line was hyphenated: hyphenation by language is not working"
    assert "\u2010" not in raw, "hyphens must extract as hyphen-minus, searchable"
    assert text_setting("en") == "justified"
    assert text_setting("en-GB") == "justified"
    assert text_setting("ko") == "justified"  # lines break between syllables
    assert text_setting("tlh") == "ragged"  # no dictionary: ragged right, not gappy justified lines


def test_notes_are_numbered_one_to_ten_in_order(first_pdf: Path, first: pikepdf.Pdf) -> None:
    last = len(first.pages)
    notes_page = pdftotext(first_pdf, "-f", str(last), "-l", str(last))
    section = notes_page.split("Notes", 1)[1]
    numbers = [int(n) for n in re.findall(r"^(\d+)\.\s", section, re.M)]
    assert numbers == list(range(1, 11))
    text = squash(notes_page)
    positions = [text.index(squash(n)) for n in note_texts()]
    assert positions == sorted(positions)


def test_the_6_7_cluster_is_one_superscript(first: pikepdf.Pdf, first_text: str) -> None:
    assert "Internet.6,7All" in squash(first_text)
    links = {dest: (page, rect) for page, dest, rect in annotations(first) if dest in ("fn6", "fn7")}
    (page6, r6), (page7, r7) = links["fn6"], links["fn7"]
    assert page6 == page7
    assert abs(r6[1] - r7[1]) < 0.01 and abs(r6[3] - r7[3]) < 0.01, "6 and 7 are not set on one baseline"
    assert 0 < r7[0] - r6[2] < 5, "6 and 7 are not one cluster"
    # Raised and smaller than the text: the reference box is lower than a body line (11 pt × 1.4).
    assert abs(r6[3] - r6[1]) < 11 * 1.4


def test_each_reference_links_to_its_note_and_back(first: pikepdf.Pdf,
                                                   sample_article: articlekit.Article) -> None:
    links = annotations(first)
    dests = named_destinations(first)
    last = len(first.pages) - 1
    for note in sample_article.notes:
        forward = [(page, rect) for page, dest, rect in links if dest == note.id]
        assert len(forward) == len(note.ref_ids), f"note {note.number}: {len(forward)} reference links"
        assert dests[note.id] == last, f"note {note.number} is not on the notes page"
        for ref in note.ref_ids:
            back = [page for page, dest, _ in links if dest == ref]
            assert back, f"note {note.number} has no link back to {ref}"
            assert all(page == last for page in back)
            assert dests[ref] == forward[0][0], f"{ref} does not point to the page of the reference"
    # PDF/UA: each link says where it goes, in words a screen reader can speak.
    described = {str(a.Dest): str(a.get("/Contents", "")) for page in first.pages for a in page.get("/Annots", [])}
    assert described["fn6"] == "Note 6"
    assert described["fnref6"] == "Back to reference 6"


def test_outline_has_the_four_sections_and_notes(first: pikepdf.Pdf,
                                                 sample_article: articlekit.Article) -> None:
    expected = [
        stringify(block["c"][1][0]["c"][2])
        for block in sample_article.body
        if block["t"] == "Div" and "section" in block["c"][0][1]
    ]
    assert len(expected) == 4
    with first.open_outline() as outline:
        titles = [item.title for item in outline.root]
        assert all(not item.children for item in outline.root)
    normalise = lambda s: " ".join(s.split())  # noqa: E731 - the no-break spaces of the source
    assert [normalise(t) for t in titles] == [normalise(t) for t in [*expected, "Notes"]]
    assert str(first.Root.PageMode) == "/UseOutlines"


def test_a_note_in_a_heading_stays_out_of_the_outline(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = _build(tmp_path_factory, FIXTURES / "note-in-heading.md", "note-in-heading")
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == ["A heading that carries a note", "Plain heading", "Notes"]
    assert "Aheadingthatcarriesanote2" in squash(pdftotext(path)), "the reference itself must still print"


def test_structure_tree_and_pdfua_identification(first: pikepdf.Pdf) -> None:
    assert structure_problems(first) == []
    assert first.Root.ViewerPreferences.DisplayDocTitle
    meta = xmp(first)
    assert meta[f"{{{XMP['pdfuaid']}}}part"] == "1"
    tags = set()
    stack = [first.Root.StructTreeRoot]
    while stack:
        for kid in _kids(stack.pop()):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                tags.add(str(kid.S))
                stack.append(kid)
    assert {"/Document", "/Art", "/Sect", "/H1", "/H2", "/P", "/L", "/LI", "/Link"} <= tags


def test_structure_check_fails_on_untagged_running_heads(tmp_path: Path) -> None:
    """WeasyPrint alone leaves running heads outside the tree; the check must see it."""
    html = "<html lang='en'><body><p>Body text.</p></body></html>"
    css = "@page { @top-center { content: 'Running head' } }"
    data = weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(string=css)], pdf_variant="pdf/ua-1")
    problems = structure_problems(pikepdf.open(io.BytesIO(data)))
    assert any("not in the structure tree" in p for p in problems), problems


def test_metadata_names_authors_editors_language_and_date(first: pikepdf.Pdf) -> None:
    meta = xmp(first)
    dc = XMP["dc"]
    assert meta[f"{{{dc}}}title"] == "How North Korea controls its Internet"
    assert meta[f"{{{dc}}}creator"] == ["Gehan Ghofari"]
    assert meta[f"{{{dc}}}contributor"] == {"Atin Prabandari", "Viyasa Rahyaputra"}
    assert meta[f"{{{dc}}}language"] == {"en"}
    assert meta[f"{{{dc}}}date"] == ["2018-05-21"]
    assert str(meta[f"{{{dc}}}description"]).startswith("When other communist countries")
    info = first.docinfo
    assert str(info.Title) == "How North Korea controls its Internet"
    assert str(info.Author) == "Gehan Ghofari"
    assert str(info.CreationDate) == str(info.ModDate) == "D:20180521000000Z"


def test_every_font_is_embedded(first_pdf: Path, sink_pdf: Path) -> None:
    assert unembedded_fonts(first_pdf) == []
    assert unembedded_fonts(sink_pdf) == []
    families = subprocess.run([_poppler("pdffonts"), str(first_pdf)], capture_output=True, text=True).stdout
    assert "Source-Serif-4" in families, "the book face from fontpkg-source-serif-4 is not used"


def test_embedding_check_fails_on_a_font_without_its_program(first_pdf: Path, tmp_path: Path) -> None:
    with pikepdf.open(first_pdf) as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descriptor:
                    del descriptor[key]
        broken = tmp_path / "unembedded.pdf"
        pdf.save(broken)
    assert unembedded_fonts(broken)


def test_hangul_is_drawn_with_real_glyphs(hangul_pdf: Path) -> None:
    text = squash(pdftotext(hangul_pdf))
    for korean in ("북한의인터넷통제", "휴대전화는이전에는엘리트들의사치스러운특권이었다.", "같은책."):
        assert korean in text
    with pikepdf.open(hangul_pdf) as pdf:
        assert glyph_problems(pdf) == []
        assert structure_problems(pdf) == []
        assert str(pdf.Root.Lang) == "ko"
    assert unembedded_fonts(hangul_pdf) == []
    fonts = subprocess.run([_poppler("pdffonts"), str(hangul_pdf)], capture_output=True, text=True).stdout
    assert "CJK" in fonts, "Hangul did not fall back to a CJK face"


def test_glyph_check_fails_on_notdef_boxes() -> None:
    """WeasyPrint alone prints a box for a character no font has; the check must see it."""
    html = "<html lang='en'><body><p>Adlam \U0001e900\U0001e901 text</p></body></html>"
    data = weasyprint.HTML(string=html).write_pdf()
    assert glyph_problems(pikepdf.open(io.BytesIO(data)))


def test_text_no_font_can_draw_is_reported_not_boxed(tmp_path: Path) -> None:
    with pytest.raises(ArticleError) as info:
        to_pdf(articlekit.load(FIXTURES / "adlam.md"))
    assert "U+1E900" in str(info.value) and "adlam.md" in str(info.value)


def test_running_heads_and_page_numbers(first_pdf: Path, first: pikepdf.Pdf) -> None:
    for number in range(1, len(first.pages) + 1):
        page = ["-f", str(number), "-l", str(number)]
        top = pdftotext(first_pdf, *page, *crop("head")).split()
        bottom = pdftotext(first_pdf, *page, *crop("foot")).split()
        assert bottom == [str(number)], f"page {number} footer: {bottom}"
        if number == 1:
            assert top == [], "the first page has a running head"
        elif number % 2 == 0:
            assert " ".join(top) == "Gehan Ghofari"
        else:
            assert " ".join(top) == "How North Korea controls its Internet"


def test_no_heading_is_stranded_at_the_foot_of_a_page(first_pdf: Path, first: pikepdf.Pdf,
                                                      sample_article: articlekit.Article) -> None:
    headings = {squash(stringify(b["c"][1][0]["c"][2])) for b in sample_article.body if b["t"] == "Div"}
    headings.add("Notes")
    for number in range(1, len(first.pages) + 1):
        body = pdftotext(first_pdf, "-f", str(number), "-l", str(number), *crop("body"))
        paragraphs = [squash(p) for p in re.split(r"\n\s*\n", body) if p.strip()]
        assert paragraphs[-1] not in headings, f"page {number} ends with a heading"
        last_lines = [line for line in body.splitlines() if line.strip()][-2:]
        assert all(squash(line) not in headings for line in last_lines)


def test_widows_and_orphans_are_at_least_two() -> None:
    import tinycss2

    css = (ROOT / "styles" / "print.css").read_text(encoding="utf-8")
    values = {
        decl.lower_name: int(tinycss2.serialize(decl.value).strip())
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == "p"
        for decl in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
        if decl.type == "declaration" and decl.lower_name in ("widows", "orphans")
    }
    assert values == {"widows": 2, "orphans": 2}


def test_the_same_source_gives_the_same_bytes(first_pdf: Path, tmp_path: Path) -> None:
    """A second build, in a new process with another hash seed, is byte-identical."""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([sys.executable, "-m", "articlekit", "build", str(SAMPLE.parent), "-t", "pdf",
                    "-o", str(tmp_path), "-q"], check=True, env=env, cwd=ROOT)
    assert (tmp_path / f"{SLUG}.pdf").read_bytes() == first_pdf.read_bytes()


def test_source_date_epoch_sets_the_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = to_pdf(articlekit.load(SHORT))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.docinfo.CreationDate) == "D:20231114221320Z"
        assert xmp(pdf)["{http://ns.adobe.com/xap/1.0/}CreateDate"] == "2023-11-14T22:13:20Z"
        assert xmp(pdf)[f"{{{XMP['dc']}}}date"] == ["2021-03-04"]  # the publication date does not move
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ArticlekitError, match="SOURCE_DATE_EPOCH"):
        to_pdf(articlekit.load(SHORT))


# ---------------------------------------------------------------------------
# Page sizes and variants


@pytest.mark.parametrize(("size", "expected"), [
    ("a4", (595.28, 841.89)),
    ("letter", (612.0, 792.0)),
    ("A5", (419.53, 595.28)),
    ("6in 9in", (432.0, 648.0)),
    ("a4 landscape", (841.89, 595.28)),
])
def test_page_sizes_parse(size: str, expected: tuple[float, float]) -> None:
    page = parse_page_size(size)
    assert (round(page.width, 2), round(page.height, 2)) == expected
    geometry = page_geometry(page)
    assert geometry.inner < geometry.outer, "the binding margin must be the narrower one"
    assert 25 * geometry.font_size <= geometry.measure <= 34 * geometry.font_size


@pytest.mark.parametrize("size", ["a9", "6x9", "6in", "6in 9in 1in", "-6in 9in", "1in 1in", "6furlong 9in", ""])
def test_bad_page_sizes_are_refused_clearly(size: str) -> None:
    with pytest.raises(PageSizeError, match="page size"):
        parse_page_size(size)


def test_page_size_reaches_the_pdf(tmp_path: Path) -> None:
    article = articlekit.load(SHORT)
    for size, box in (("letter", (612.0, 792.0)), ("6in 9in", (432.0, 648.0))):
        with pikepdf.open(io.BytesIO(to_pdf(article, articlekit.WriteOptions(page_size=size)))) as pdf:
            assert tuple(round(float(x), 2) for x in pdf.pages[0].MediaBox[2:]) == box
    code = cli_main(["build", str(SHORT), "-t", "pdf", "-o", str(tmp_path), "--page-size", "6x9"])
    assert code == 2
    assert not list(tmp_path.glob("*.pdf"))


def test_archival_and_plain_variants(tmp_path: Path) -> None:
    article = articlekit.load(SHORT)
    with pikepdf.open(io.BytesIO(to_pdf(article, articlekit.WriteOptions(pdf_variant="pdf/a-3a")))) as pdf:
        meta = xmp(pdf)
        assert meta[f"{{{XMP['pdfaid']}}}part"] == "3"
        assert meta[f"{{{XMP['pdfaid']}}}conformance"] == "A"
        assert "/OutputIntents" in pdf.Root
        assert structure_problems(pdf) == []
        assert len(pdf.trailer.ID) == 2
    with pikepdf.open(io.BytesIO(to_pdf(article, articlekit.WriteOptions(pdf_variant="plain")))) as pdf:
        assert "/StructTreeRoot" not in pdf.Root
        meta = xmp(pdf)
        assert f"{{{XMP['pdfuaid']}}}part" not in meta
        assert meta[f"{{{XMP['dc']}}}contributor"] == {"Dee Editor"}
    with pytest.raises(PdfVariantError, match="pdf/ua-1"):
        to_pdf(article, articlekit.WriteOptions(pdf_variant="pdf/x-4"))


def test_tagged_pdf_refuses_an_image_without_alt_text() -> None:
    article = articlekit.load(FIXTURES / "no-alt.md")
    with pytest.raises(ArticleError, match="alt"):
        to_pdf(article)
    assert to_pdf(article, articlekit.WriteOptions(pdf_variant="plain")).startswith(b"%PDF-")


# ---------------------------------------------------------------------------
# The kitchen sink: tables, figures, repeated notes


def test_kitchen_sink_table_is_whole_on_one_page_and_tagged(sink_pdf: Path) -> None:
    with pikepdf.open(sink_pdf) as pdf:
        pages = len(pdf.pages)
        assert structure_problems(pdf) == []
        assert glyph_problems(pdf) == []
        tags: dict[str, int] = {}
        stack = [pdf.Root.StructTreeRoot]
        figures = []
        while stack:
            for kid in _kids(stack.pop()):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    tags[str(kid.S)] = tags.get(str(kid.S), 0) + 1
                    if kid.S == "/Figure":
                        figures.append(str(kid.get("/Alt", "")))
                    stack.append(kid)
        assert tags.get("/Table") == 1 and tags.get("/TH") == 3 and tags.get("/TD") == 9
        assert "Diagonal red lines over a beige ground with a dark blue block." in figures
        assert "A figure with a caption." in figures
        links = {dest for _page, dest, _rect in annotations(pdf)}
        # fnref1-2 stands on the page of fnref1: that page is listed, and linked, once.
        assert {"fn8", "fnref8", "fnref1", "fnref1-3"} <= links
    table_pages = [n for n in range(1, pages + 1)
                   if "Internetusersbycountry" in squash(pdftotext(sink_pdf, "-f", str(n), "-l", str(n)))]
    assert len(table_pages) == 1
    page_text = squash(pdftotext(sink_pdf, "-f", str(table_pages[0]), "-l", str(table_pages[0])))
    for cell in ("Country", "Users(m)", "Share", "Indonesia", "212.9", "SouthKorea", "NorthKorea", "0%"):
        assert cell in page_text, f"table cell {cell!r} is not on the table's page"


@pytest.mark.parametrize("name", ["kitchen-sink", "hangul"])
def test_a_note_lists_each_page_once_by_an_edit_of_the_laid_out_boxes(
        name: str, monkeypatch: pytest.MonkeyPatch, in_place: list[InPlace]) -> None:
    """A note with two references on a page lists that page once ("p. 2", not "pp. 2, 2") without a second
    layout: its back-links are edited in the laid-out box tree, and the PDF is byte for byte the one a second
    layout of the HTML that lists each page once makes."""
    from articlekit.writers.pdf import pagination

    article = articlekit.load(ARTICLES / f"{name}.md")
    data = to_pdf(article)
    assert in_place and in_place[0].notes >= 1
    monkeypatch.setattr(pagination, "SUPPORTED", False)  # another WeasyPrint: the HTML made again, laid out again
    assert to_pdf(article) == data


def test_back_links_not_as_the_print_html_writes_them_are_left_to_a_second_layout() -> None:
    from weasyprint.formatting_structure import boxes

    from articlekit.writers.pdf.backlinks import list_pages_once

    class Element:
        def __init__(self, **attributes: str) -> None:
            self.attributes = attributes

        def get(self, name: str, default: str | None = None) -> str | None:
            return self.attributes.get(name, default)

    def box(kind: type, tag: str, element: object, children: list[object] | None = None, text: str = "") -> object:
        made = object.__new__(kind)
        made.element_tag, made.element, made.children = tag, element, children or []
        if text:
            made.text = text
        return made

    span = Element(**{"class": "backlinks"})
    links = [box(boxes.InlineBox, "a", Element(href=f"#r{n}")) for n in (1, 2)]
    label = box(boxes.TextBox, "span", span, text="\u2191\u00a0pp.\u00a0")
    comma = box(boxes.TextBox, "span", span, text=", ")
    paragraph = Element()
    for children, labels, edited in (([label, links[0], comma, links[1]], {"pp.": "p."}, {paragraph}),
                                     ([label, links[0], links[1]], {"pp.": "p."}, None),  # no separator
                                     ([label, links[0], comma, links[1]], {}, None)):  # no singular known
        line = box(boxes.LineBox, "p", paragraph, [box(boxes.InlineBox, "span", span, list(children))])
        root = box(boxes.BlockBox, "p", paragraph, [line])
        assert list_pages_once(root, {"r1": 2, "r2": 2}, labels, {}) == edited
    assert list_pages_once(root, {"r1": 2, "r2": 3}, {"pp.": "p."}, {paragraph: 1}) is None  # a set paragraph


def test_kitchen_sink_title_block_and_metadata(sink_pdf: Path) -> None:
    text = squash(pdftotext(sink_pdf, "-f", "1", "-l", "1"))
    for part in ("Akitchen-sinkarticleforeverywriter", "Lists,tables,quotes,code,imagesandnotes",
                 "GehanGhofari,MA", "29February2024", "Editors:AtinPrabandari,MA(IR)",
                 "NgoziAdichie-Okafor,M.Phil.,MA", "Picture:StudioKitchen,CCBY4.0",
                 "ORCIDhttps://orcid.org/0000-0002-1825-0097", "https://doi.org/10.5555/articlekit.2024.001",
                 "Licence:CCBY4.0", "ABSTRACT"):
        assert squash(part) in text, part
    with pikepdf.open(sink_pdf) as pdf:
        meta = xmp(pdf)
        dc = XMP["dc"]
        assert meta[f"{{{dc}}}creator"] == ["Gehan Ghofari", "María José Carreño Quiñones"]
        assert meta[f"{{{dc}}}contributor"] == {"Atin Prabandari", "Viyasa Rahyaputra", "Ngozi Adichie-Okafor"}
        assert meta[f"{{{dc}}}subject"] == {"testing", "endnotes", "typesetting"}
        assert meta[f"{{{dc}}}language"] == {"en-GB"}
        assert meta[f"{{{dc}}}identifier"] == "doi:10.5555/articlekit.2024.001"
        assert str(pdf.docinfo.Keywords) == "testing, endnotes, typesetting"
        assert str(pdf.Root.Lang) == "en-GB"


# ---------------------------------------------------------------------------
# Resources: the restricted URL fetcher


def test_fetcher_serves_only_the_source_folder_styles_and_font_packages(tmp_path: Path) -> None:
    from articlekit.fonts import find_book_face

    book = find_book_face()
    source = tmp_path / "article"
    source.mkdir()
    shutil.copy(ARTICLES / "figure.png", source / "figure.png")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    (source / "escape.png").symlink_to(secret)
    styles = ROOT / "styles"
    fetcher = RestrictedFetcher(Policy(source, extra_dirs=(styles,)), font_dirs=book.dirs)
    assert fetcher.fetch((source / "figure.png").as_uri()).read().startswith(b"\x89PNG")
    assert fetcher.fetch((styles / "print.css").as_uri()).read()
    assert fetcher.fetch(book.faces[0].path.as_uri()).read()[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")
    refused = [
        secret.as_uri(),
        (source / "escape.png").as_uri(),  # a symbolic link out of the folder
        (source / ".." / "secret.png").as_uri(),
        "file:///etc/passwd",
        (book.faces[0].path.parent.parent / "metadata.json").as_uri(),  # not a font file
        "http://example.org/a.png",  # remote, not allowed by the policy
        "ftp://example.org/a.png",
    ]
    for url in refused:
        with pytest.raises(AccessDenied):
            fetcher.fetch(url)
    assert len(fetcher.refused) == len(refused)


def test_a_house_style_cannot_read_files_elsewhere() -> None:
    article = articlekit.load(SAMPLE)
    with pytest.raises(ArticleError, match="outside the article's folder"):
        to_pdf(article, articlekit.WriteOptions(styles_dir=FIXTURES / "refused-style"))


# ---------------------------------------------------------------------------
# Small pieces


def test_running_head_texts() -> None:
    assert shorten("How North Korea controls its Internet") == "How North Korea controls its Internet"
    assert shorten("A long main title that is short enough: and a long explanatory tail after it") == (
        "A long main title that is short enough")
    long = "A deliberately long title whose running head has to be shortened by cutting words"
    assert shorten(long) == "A deliberately long title whose running head has to be\u2026"
    names = [p.name for p in articlekit.load(FIXTURES / "note-in-heading.md").metadata.authors]
    assert running_authors(names, labels_for_lang("en")) == "Ada Writer et al."
    assert running_authors(names[:2], labels_for_lang("en")) == "Ada Writer and Ben Second"
    # The versos of a standalone article name its authors as its language lists people.
    assert running_authors(names[:2], labels_for_lang("id")) == "Ada Writer dan Ben Second"
    assert running_authors(names[:2], labels_for_lang("de")) == "Ada Writer und Ben Second"
    assert running_authors(names[:2], labels_for_lang("ja")) == "Ada Writer、Ben Second"


def test_headings_do_not_end_in_a_lone_short_word() -> None:
    words = [{"t": "Str", "c": w} for w in ("How", "North", "Korea", "controls", "its", "Internet")]
    inlines = [x for w in words for x in (w, {"t": "Space"})][:-1]
    tied = tie_last_words(inlines)
    assert stringify(tied) == "How North Korea controls its\u00a0Internet"
    assert inlines != tied and {"t": "Space"} in inlines[-2:], "the article itself must not change"
    assert tie_last_words(inlines[:5]) == inlines[:5]  # three words: left alone


def test_a_house_style_is_parsed_once_unless_parsing_it_fetches(tmp_path: Path) -> None:
    from articlekit.writers.pdf.press import shared_faces, shared_sheet

    policy = Policy(tmp_path)
    font_config, _ = shared_faces("", frozenset())
    plain = "p { text-indent: 1em; background: url(a.png) }"
    first, second = RestrictedFetcher(policy), RestrictedFetcher(policy)
    assert shared_sheet(plain, tmp_path.as_uri() + "/", first, font_config) is \
        shared_sheet(plain, tmp_path.as_uri() + "/", second, font_config)
    assert shared_sheet(plain, tmp_path.as_uri() + "/", first, font_config) is not \
        shared_sheet(plain, (tmp_path / "other").as_uri() + "/", first, font_config)
    # An @import is fetched while parsing: each article's fetcher is asked, and refuses, for itself.
    importing = '@import url("file:///etc/hostname"); p { color: red }'
    for fetcher in (first, second):
        shared_sheet(importing, tmp_path.as_uri() + "/", fetcher, font_config)
        assert len(fetcher.refused) == 1 and "outside" in fetcher.refused[0]
