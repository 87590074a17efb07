"""Property tests: random articles build in every format with one and the same note numbering.

Hypothesis writes articles (front matter, then Markdown with headings, lists,
emphasis, links and notes: labels in random order and of random shape, repeated
references, adjacent clusters, inline notes, definitions shuffled) together with
the numbering the rules give (numbered by first reference, in reading order).
Each article is built in every format this installation writes; the note
numbers are read back from each output and must equal the expected ones.

Invalid front matter, made by breaking a valid one in one of many ways, must
give exit code 2 and located one-line messages, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from articlekit import api
from articlekit.batch import build_many
from articlekit.cli import main
from articlekit.read import safety
from articlekit.read.frontmatter import FIELDS
from articlekit.writers import FORMATS, available_formats
from validators import require

ALL_FORMATS = list(FORMATS)
AVAILABLE = available_formats()
EXTENSION = {name: fmt.extension for name, fmt in FORMATS.items()}

WORDS = ("alpha", "beta", "gamma", "delta", "river", "stone", "archive", "market", "signal", "harbour",
         "quiet", "ledger", "café", "naïve", "Überblick", "façade", "señor", "smörgåsbord")
TOKEN = re.compile(r"(?:note|inline)token\d+")


# ---------------------------------------------------------------------------
# Generating articles


@dataclass
class Generated:
    """A random article's source and the numbering it must get."""

    source: str
    #: The note number printed at each reference, in reading order.
    refs: list[int] = field(default_factory=list)
    #: The unique token in each note's text, in note-number order.
    notes: list[str] = field(default_factory=list)
    #: Tokens of notes that are defined but never referenced (they must not be printed).
    unused: list[str] = field(default_factory=list)


labels = st.one_of(
    st.integers(min_value=1, max_value=99).map(str),  # "7" referenced before "2": numbers are not labels
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8),
)
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


@st.composite
def articles(draw: st.DrawFn) -> Generated:
    pool = draw(st.lists(labels, min_size=1, max_size=6, unique=True))
    order: list[tuple[str, str]] = []  # ("label", name) or ("inline", token), in reading order
    inline_count = 0

    def cluster() -> str:
        refs = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
        order.extend(("label", r) for r in refs)
        return "".join(f"[^{r}]" for r in refs)

    def inline_note() -> str:
        nonlocal inline_count
        token = f"inlinetoken{inline_count}"
        inline_count += 1
        order.append(("inline", token))
        return f"^[Note text {token}.]"

    def text() -> str:
        parts: list[str] = []
        for _ in range(draw(st.integers(min_value=1, max_value=5))):
            kind = draw(st.sampled_from(["plain", "emph", "strong", "link", "cluster", "cluster", "inline"]))
            w = draw(words)
            if kind == "emph":
                parts.append(f"*{w}*")
            elif kind == "strong":
                parts.append(f"**{w}**")
            elif kind == "link":
                parts.append(f"[{w}](https://example.org/{draw(st.sampled_from(WORDS[:4]))})")
            elif kind == "cluster":
                parts.append(f"{w}{cluster()}")  # attached to its word, adjacent references in one run
            elif kind == "inline":
                parts.append(f"{w}{inline_note()}")
            else:
                parts.append(w)
        return " ".join(parts) + "."

    blocks: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=7))):
        kind = draw(st.sampled_from(["heading", "para", "para", "bullets", "numbers"]))
        if kind == "heading":
            level = draw(st.integers(min_value=1, max_value=3))
            heading = draw(words).capitalize()
            if draw(st.booleans()):
                heading += cluster()
            blocks.append(f"{'#' * level} {heading}")
        elif kind == "para":
            blocks.append(text())
        else:
            items = [text() for _ in range(draw(st.integers(min_value=1, max_value=3)))]
            blocks.append("\n".join(f"{'-' if kind == 'bullets' else f'{i}.'} {t}" for i, t in enumerate(items, 1)))

    numbers: dict[tuple[str, str], int] = {}
    for ref in order:
        numbers.setdefault(ref, len(numbers) + 1)
    token_of = {("label", name): f"notetoken{i}" for i, name in enumerate(pool)}
    token_of.update({ref: ref[1] for ref in numbers if ref[0] == "inline"})
    definitions = [f"[^{name}]: Note text notetoken{i}." for i, name in enumerate(pool)]
    definitions = draw(st.permutations(definitions))

    title = draw(words).capitalize()
    date = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)))
    authors = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(WORDS)), min_size=1, max_size=3))
    front = {
        "title": title,
        "date": date.isoformat(),
        "authors": [f"{g.capitalize()} {f.capitalize()}" for g, f in authors],
        "lang": "en",
    }
    if draw(st.booleans()):
        front["editors"] = [{"name": "Bea Editor", "degrees": draw(st.sampled_from(["MA", "PhD", "S.IP"]))}]
    source = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n"
    source += "\n\n".join(blocks) + "\n\n" + "\n".join(definitions) + "\n"
    return Generated(
        source=source,
        refs=[numbers[r] for r in order],
        notes=[token_of[r] for r in sorted(numbers, key=numbers.__getitem__)],
        unused=[token_of[("label", n)] for n in pool if ("label", n) not in numbers],
    )


# ---------------------------------------------------------------------------
# Reading the numbering back from each format


def _tokens(text: str) -> str:
    found = TOKEN.findall(text)
    assert len(found) == 1, text
    return found[0]


def numbering_html(data: bytes) -> tuple[list[int], list[tuple[int, str]]]:
    root = lxml_html.document_fromstring(data)
    refs = [int(a.text_content()) for a in root.xpath("//a[@role='doc-noteref']")]
    notes = [(int(li.get("id").removeprefix("fn")), _tokens(li.text_content()))
             for li in root.xpath("//section[@role='doc-endnotes']//li")]
    return refs, notes


def numbering_jats(data: bytes) -> tuple[list[int], list[tuple[int, str]]]:
    root = safety.parse_xml(data)
    refs = [int("".join(x.itertext())) for x in root.iter("xref") if x.get("ref-type") == "fn"]
    notes = [(int("".join(fn.find("label").itertext())), _tokens("".join(fn.itertext()))) for fn in root.iter("fn")]
    return refs, notes


def numbering_epub(data: bytes) -> tuple[list[int], list[tuple[int, str]]]:
    refs: list[int] = []
    notes: list[tuple[int, str]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        container = safety.parse_xml(z.read("META-INF/container.xml"))
        opf_path = next(e.get("full-path") for e in container.iter() if e.get("full-path"))
        opf = safety.parse_xml(z.read(opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        items = {e.get("id"): e.get("href") for e in opf.iter("{*}item")}
        for itemref in opf.iter("{*}itemref"):
            doc = safety.parse_xml(z.read(base + items[itemref.get("idref")]))
            refs += [int("".join(a.itertext())) for a in doc.iter("{*}a") if a.get("role") == "doc-noteref"]
            notes += [(int(li.get("id").removeprefix("fn")), _tokens("".join(li.itertext())))
                      for li in doc.iter("{*}li") if re.fullmatch(r"fn\d+", li.get("id") or "")]
    return refs, notes


def numbering_pdf(data: bytes) -> tuple[list[int], list[tuple[int, str]]]:
    refs: list[tuple[int, float, float, int]] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages):
            for annot in page.get("/Annots", []):
                dest = str(annot.get("/Dest", ""))
                if annot.get("/Subtype") == "/Link" and re.fullmatch(r"fn\d+", dest):
                    rect = [float(v) for v in annot.Rect]
                    refs.append((index, -max(rect[1], rect[3]), rect[0], int(dest[2:])))
    pdftotext = shutil.which("pdftotext")
    require("poppler's pdftotext (Debian: poppler-utils), to read a PDF's notes", pdftotext)
    assert pdftotext
    text = subprocess.run([pdftotext, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")
    section = text.rsplit("Notes", 1)[-1]
    notes = [(int(n), t) for n, t in re.findall(rf"^(\d+)\.\s+Note text ({TOKEN.pattern})", section, re.M)]
    return [n for *_, n in sorted(refs)], notes


READERS = {"html": numbering_html, "jats": numbering_jats, "epub": numbering_epub, "pdf": numbering_pdf}


def _formats() -> list[object]:
    """Every format that numbers notes (not the registry records); one this installation cannot write is skipped,
    saying so."""
    return [f if f in AVAILABLE else pytest.param(f, marks=pytest.mark.skip(reason=f"no {f} writer installed"))
            for f in ALL_FORMATS if f in READERS]


def _build(article: Generated, folder: Path, formats: list[str]) -> dict[str, bytes]:
    src = folder / "generated.md"
    src.write_text(article.source, encoding="utf-8")
    out = folder / "out"
    report = build_many([src], formats, out, options=api.WriteOptions(pdf_variant="plain"))
    assert report.ok, [str(e) for e in report.errors]
    return {f: (out / f"generated{EXTENSION[f]}").read_bytes() for f in formats}


def _assert_numbering(article: Generated, fmt: str, data: bytes) -> None:
    refs, notes = READERS[fmt](data)
    assert refs == article.refs, (fmt, article.source)
    assert notes == list(enumerate(article.notes, 1)), (fmt, article.source)


# ---------------------------------------------------------------------------
# The properties


def test_the_numbering_readers_see_a_wrong_number():
    """Each reader reports what the output says, so a renumbered output fails."""
    page = (b"<html><body><p>a<sup><a role='doc-noteref' href='#fn2'>2</a></sup></p>"
            b"<section role='doc-endnotes'><ol><li id='fn1'>Note text notetoken0.</li></ol></section></body></html>")
    assert numbering_html(page) == ([2], [(1, "notetoken0")])
    jats = (b"<article><p><xref ref-type='fn' rid='fn1'>3</xref></p>"
            b"<fn id='fn1'><label>1</label><p>notetoken5</p></fn></article>")
    assert numbering_jats(jats) == ([3], [(1, "notetoken5")])


@pytest.mark.parametrize("fmt", _formats())
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(article=articles())
def test_every_generated_article_builds_with_the_expected_note_numbers(fmt: str, article: Generated):
    with tempfile.TemporaryDirectory() as tmp:
        data = _build(article, Path(tmp), [fmt])[fmt]
    _assert_numbering(article, fmt, data)
    if fmt == "html":
        assert not any(token in data.decode("utf-8") for token in article.unused)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(article=articles())
def test_numbering_is_identical_across_all_formats_of_one_build(article: Generated):
    with tempfile.TemporaryDirectory() as tmp:
        outputs = _build(article, Path(tmp), AVAILABLE)
    seen = {fmt: READERS[fmt](data) for fmt, data in outputs.items()}
    first = next(iter(seen.values()))
    assert all(v == first for v in seen.values()), seen


@pytest.mark.slow
@settings(max_examples=1, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sample=st.lists(articles(), min_size=4, max_size=4))
def test_generated_articles_pass_every_validator(sample: list[Generated]):
    """The real validators on a small sample, each run once over all of it: Nu for HTML, the JATS DTD,
    EPUBCheck, and qpdf's syntax check for PDF (the PDF writer's own tests run the PDF/UA checks)."""
    with tempfile.TemporaryDirectory() as tmp:
        built: dict[str, list[Path]] = {f: [] for f in AVAILABLE}
        for i, article in enumerate(sample):
            folder = Path(tmp) / str(i)
            folder.mkdir()
            _build(article, folder, AVAILABLE)
            for f in AVAILABLE:
                built[f].append(folder / "out" / f"generated{EXTENSION[f]}")
        problems: dict[str, object] = {}
        if "html" in built:
            from validators import nu_check

            problems["html"] = nu_check(built["html"])
        if "jats" in built:
            from validators_jats import validate_jats

            problems["jats"] = [p for path in built["jats"] for p in validate_jats(path.read_bytes())]
        if "epub" in built:
            from validators_epub import epubcheck

            problems["epub"] = [p for found in epubcheck(built["epub"]).values() for p in found]
        if "pdf" in built:
            problems["pdf"] = []
            for path in built["pdf"]:
                with pikepdf.open(path) as pdf:
                    problems["pdf"] += pdf.check_pdf_syntax()
        assert all(not p for p in problems.values()), (problems, [a.source for a in sample])


@pytest.mark.slow
def test_the_validators_reject_broken_outputs(tmp_path):
    """Each validator above reports a deliberately broken output, so a pass means something."""
    article = Generated(
        source="---\ntitle: Fixed\ndate: 2024-01-15\nauthors: [Ann Example]\n---\n\nWords.[^a]\n\n[^a]: Note.\n")
    outputs = _build(article, tmp_path, AVAILABLE)
    out = tmp_path / "out"
    if "html" in outputs:
        from validators import nu_check

        bad = out / "bad.html"
        bad.write_bytes(outputs["html"].replace(b"<p>", b"<p><div>", 1))
        assert nu_check([bad])
    if "jats" in outputs:
        from validators_jats import validate_jats

        assert validate_jats(outputs["jats"].replace(b"<body>", b"<body><bogus/>", 1))
    if "epub" in outputs:
        from validators_epub import epubcheck

        bad = out / "bad.epub"
        with zipfile.ZipFile(io.BytesIO(outputs["epub"])) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                if item.filename != "mimetype":
                    dst.writestr(item, src.read(item))
        assert next(iter(epubcheck([bad]).values()))
    if "pdf" in outputs:
        bad = out / "bad.pdf"
        bad.write_bytes(outputs["pdf"].replace(b"startxref", b"startxreg"))
        with pikepdf.open(bad) as pdf:
            assert pdf.check_pdf_syntax()


# ---------------------------------------------------------------------------
# Invalid front matter


VALID_FRONT = {"title": "A valid title", "date": "2024-01-15", "authors": ["Ann Example"]}
_BCP47 = re.compile(
    r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*$")


def _not_a_date(s: str) -> bool:
    try:
        dt.date.fromisoformat(s)
    except ValueError:
        return True
    return not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s)


anything = st.one_of(st.integers(), st.booleans(), st.floats(allow_nan=False), st.none(),
                     st.lists(st.integers(), max_size=2), st.dictionaries(st.sampled_from("abc"), st.integers(),
                                                                           max_size=2))
not_text = st.one_of(st.booleans(), st.none(), st.lists(st.text(max_size=3), max_size=2),
                     st.dictionaries(st.sampled_from("xyz"), st.integers(), min_size=1, max_size=2))


@st.composite
def invalid_front_matter(draw: st.DrawFn) -> str:
    """A front matter broken in one way: as YAML text, or as data dumped to YAML."""
    data = dict(VALID_FRONT)
    how = draw(st.sampled_from([
        "drop", "authors", "editors", "date", "date_type", "unknown", "orcid", "lang", "title", "email",
        "person_key", "syntax", "duplicate", "alias", "not_mapping", "control",
    ]))
    if how == "drop":
        del data[draw(st.sampled_from(sorted(VALID_FRONT)))]
    elif how == "authors":
        data["authors"] = draw(st.one_of(st.integers(), st.booleans(), st.just([]), st.just("Mononym"),
                                         st.just([{"given": "Ann"}])))
    elif how == "editors":
        data["editors"] = draw(st.one_of(st.integers(), st.booleans(), st.just([{"name": "Bea", "given": "Bea"}]),
                                         st.just([{"name": "Bea", "roles": ["reviewing"]}]),
                                         st.just([{"name": "Bea", "ror": "03ke6d638"}]),
                                         st.just("Bea Editor, Ann Editor")))
    elif how == "date":
        data["date"] = draw(st.text(min_size=1, max_size=12).filter(_not_a_date))
    elif how == "date_type":
        data["date"] = draw(st.one_of(st.integers(), st.booleans(), st.lists(st.integers(), max_size=2)))
    elif how == "unknown":
        key = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10).filter(
            lambda k: k not in FIELDS))
        data[key] = draw(anything)
    elif how == "orcid":
        digits = draw(st.text(alphabet="0123456789X-", min_size=1, max_size=19))
        if re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", digits):
            digits = digits[:-1] + ("0" if digits[-1] != "0" else "1")  # make the check digit wrong or not
            from articlekit.read.frontmatter import orcid_checksum_ok
            if orcid_checksum_ok(digits):
                digits = digits[:-1] + ("2" if digits[-1] != "2" else "3")
        data["authors"] = [{"name": "Ann Example", "orcid": digits}]
    elif how == "lang":
        data["lang"] = draw(st.text(min_size=1, max_size=12).filter(lambda s: not _BCP47.match(s)))
    elif how == "title":
        data["title"] = draw(st.one_of(st.just(""), not_text))
    elif how == "email":
        address = draw(st.text(max_size=12).filter(lambda s: "@" not in s))
        data["authors"] = [{"name": "Ann Example", "email": address}]
    elif how == "person_key":
        data["authors"] = [{"name": "Ann Example", draw(st.sampled_from(["afiliation", "orcidd", "mail", "x"])): "v"}]
    elif how == "not_mapping":
        return draw(st.sampled_from(["- a\n- b\n", "just text\n", "42\n", "[1, 2]\n"]))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if how == "syntax":
        breakage = draw(st.sampled_from(['title: "unclosed\n', "authors: [Ann\n", "\tdate: x\n", "a: b: c\n",
                                         "{\n", "title: ][\n", "- 42\n"]))
        lines = text.splitlines(keepends=True)
        lines.insert(draw(st.integers(min_value=0, max_value=len(lines))), breakage)
        text = "".join(lines)
    elif how == "duplicate":
        text += "title: Again\n"
    elif how == "alias":
        text += "x: &a [1, 2]\ny: *a\n"
    elif how == "control":
        text += 'subtitle: "bell \\a here"\n'
    return text


@settings(max_examples=120, deadline=None)
@given(front=invalid_front_matter())
def test_invalid_front_matter_gives_located_lines_and_exit_2(front: str):
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "broken.md"
        src.write_text(f"---\n{front}---\n\nBody text.\n", encoding="utf-8")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["check", str(src)])
    lines = err.getvalue().splitlines()
    assert code == 2, (front, lines)
    assert lines, front
    for line in lines:
        assert re.match(rf"^{re.escape(str(src))}:\d+(:\d+)?: \S", line), (front, line)
        assert "internal error" not in line and "Traceback" not in line


def test_the_invalid_front_matter_check_can_fail():
    """A valid front matter passes the same check, so the property is not vacuous."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "ok.md"
        src.write_text("---\n" + yaml.safe_dump(VALID_FRONT) + "---\n\nBody text.\n", encoding="utf-8")
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["check", str(src)]) == 0

