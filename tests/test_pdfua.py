"""The tagged PDFs judged by an outside PDF/UA-1 checker, ``pdfua`` (see :mod:`validators_pdf`).

Every article that can be printed (the sample and the fixture articles) is
built as ``pdf/ua-1`` and as ``pdf/a-3a`` (which also claims PDF/UA-1), and
``pdfua`` must find nothing in it.  ``pdfua`` decides only a part of PDF/UA-1
(its README: 16 of the 106 machine-checkable rules); tests/test_pdf.py checks
more of the structure itself.  No finding is exempted.  The checker's own
crash on heading elements is repaired in :mod:`validators_pdf` rather than
counted as a pass.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
import weasyprint

import articlekit
from articlekit.writers.pdf.structure import add_id_tree, scope_table_headers
from articlekit.writers.pdf.writer import to_pdf
from seed import SAMPLE
from validators import ROOT, require
from validators_pdf import has_array_crash, pdfua_check

pytestmark = pytest.mark.slow  # the validators' long runs: scripts/test --fast leaves them out

FIXTURES = ROOT / "tests" / "fixtures"

#: Fixture articles that are not built here, and why.  ``broken/`` and
#: ``errors/`` hold sources that must be refused, and ``seed/`` holds no article.
NOT_PRINTABLE = {
    "jats/torture.md": "has an image without alt text, which tagged variants refuse (test_check_agrees.py)",
    "pdf/adlam.md": "is the article no installed font can draw (test_pdf.py checks the refusal)",
    "pdf/no-alt.md": "has an image without alt text, which tagged variants refuse (test_pdf.py)",
}
SKIPPED_FOLDERS = {"broken", "errors", "seed"}


def printable_sources() -> list[Path]:
    found = sorted(p for p in FIXTURES.glob("*/*.md") if p.parent.name not in SKIPPED_FOLDERS)
    listed = {p.relative_to(FIXTURES).as_posix() for p in found}
    assert set(NOT_PRINTABLE) <= listed, f"NOT_PRINTABLE names missing fixtures: {set(NOT_PRINTABLE) - listed}"
    return [SAMPLE, *(p for p in found if p.relative_to(FIXTURES).as_posix() not in NOT_PRINTABLE)]


def _id(source: Path) -> str:
    return source.stem if source == SAMPLE else source.relative_to(FIXTURES).as_posix()


def _needs_cjk(source: Path) -> None:
    if "hangul" in source.name:
        fc_list = shutil.which("fc-list")
        found = fc_list and subprocess.run([fc_list, ":lang=ko", "family"],
                                           capture_output=True, text=True).stdout.strip()
        require("a font with Hangul glyphs (Debian: fonts-noto-cjk)", found)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path, str], Path]:
    """Build a source in a variant once per module; return the PDF's path."""
    built: dict[tuple[Path, str], Path] = {}

    def get(source: Path, variant: str) -> Path:
        if (source, variant) not in built:
            _needs_cjk(source)
            path = tmp_path_factory.mktemp("pdfua") / f"{source.stem}.pdf"
            path.write_bytes(to_pdf(articlekit.load(source), articlekit.WriteOptions(pdf_variant=variant)))
            built[(source, variant)] = path
        return built[(source, variant)]

    return get


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-3a"])
@pytest.mark.parametrize("source", printable_sources(), ids=_id)
def test_pdfua_finds_nothing(build: Callable[[Path, str], Path], source: Path, variant: str) -> None:
    result = pdfua_check(build(source, variant))
    assert not result.problems, f"{_id(source)} as {variant}:\n{result.report()}"
    # Heuristic findings are questions no machine decides (pdfua's README), so they do not fail;
    # they are shown as warnings here and listed with the problems above when something fails.
    for question in result.manual:
        warnings.warn(f"{_id(source)} as {variant}: pdfua asks for a manual check: {question}", stacklevel=1)


# ---------------------------------------------------------------------------
# The checker can fail: the kitchen sink, damaged one way per rule


def test_a_rule_that_crashes_is_a_problem_not_a_pass(build: Callable[[Path, str], Path]) -> None:
    """pdfua 0.1.3's UA-14-001 raises on every heading WeasyPrint writes (see validators_pdf)."""
    shipped = pdfua_check(build(FIXTURES / "articles" / "kitchen-sink.md", "pdf/ua-1"), as_shipped=True)
    crashed = [p for p in shipped.problems if p.startswith("UA-14-001 did not run")]
    assert bool(crashed) == has_array_crash(), shipped.report()


def _damage(pdf: pikepdf.Pdf) -> None:
    del pdf.Root["/Lang"]
    del pdf.Root["/ViewerPreferences"]
    # Not just pdfuaid:part: pdfua looks for the text "pdfuaid", which the namespace declaration still holds.
    del pdf.Root["/Metadata"]
    stack = [pdf.Root.StructTreeRoot]
    emptied = False
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid:
                continue
            if kid.S == "/Figure":
                del kid["/Alt"]
            elif kid.S == "/TH":
                kid.S = pikepdf.Name("/TD")
            elif kid.S == "/H2" and not emptied:
                kid.K = pikepdf.Array()
                emptied = True
            stack.append(kid)
    for page in pdf.pages:
        for annot in page.get("/Annots", []):
            del annot["/Contents"]


def test_the_checker_reports_each_kind_of_damage(build: Callable[[Path, str], Path], tmp_path: Path) -> None:
    sink = build(FIXTURES / "articles" / "kitchen-sink.md", "pdf/ua-1")
    assert not pdfua_check(sink).problems
    with pikepdf.open(sink) as pdf:
        _damage(pdf)
        pdf.save(tmp_path / "damaged.pdf")
    result = pdfua_check(tmp_path / "damaged.pdf")
    found = {line.split()[0] for line in result.problems if " did not run: " not in line}
    expected = {"UA-06-001", "UA-07-002", "UA-28-004", "UA-13-004", "UA-15-003", "UA-14-001", "UA-18-005"}
    assert expected <= found, result.report()


# ---------------------------------------------------------------------------
# The repairs behind the checks, read back with pikepdf


def test_table_header_cells_have_a_scope_and_resolve_through_the_id_tree(
        build: Callable[[Path, str], Path]) -> None:
    with pikepdf.open(build(FIXTURES / "articles" / "kitchen-sink.md", "pdf/ua-1")) as pdf:
        root = pdf.Root.StructTreeRoot
        names = root.IDTree.Names
        ids = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        assert list(ids) == sorted(ids), "a name tree's keys are sorted"
        cells: list[pikepdf.Dictionary] = []
        stack = [root]
        while stack:
            kids = stack.pop().get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    stack.append(kid)
                    if kid.S in ("/TH", "/TD"):
                        cells.append(kid)
        headers = [c for c in cells if c.S == "/TH"]
        assert len(headers) == 3
        assert {str(h.ID) for h in headers} == set(ids)
        assert all(ids[str(h.ID)].objgen == h.objgen for h in headers)
        assert all(h.A.Scope == "/Column" for h in headers), "the kitchen sink's headers head columns"
        data = [c for c in cells if c.S == "/TD"]
        assert data and all(str(k) in ids for c in data for k in c.A.Headers)


def test_the_archival_variant_declares_pdfua_with_a_pdfa_extension_schema(
        build: Callable[[Path, str], Path]) -> None:
    with pikepdf.open(build(FIXTURES / "pdf" / "note-in-heading.md", "pdf/a-3a")) as pdf:
        xml = pdf.Root.Metadata.read_bytes()
    from lxml import etree

    tree = etree.parse(io.BytesIO(xml))
    ns = {
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
        "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
        "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
        "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
        "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    }
    assert tree.xpath("string(//pdfuaid:part)", namespaces=ns) == "1"
    assert tree.xpath("string(//pdfaid:part)", namespaces=ns) == "3"
    schema = tree.xpath("//pdfaExtension:schemas/rdf:Bag/rdf:li", namespaces=ns)
    assert len(schema) == 1
    assert schema[0].xpath("string(pdfaSchema:namespaceURI)", namespaces=ns) == ns["pdfuaid"]
    assert schema[0].xpath("string(pdfaSchema:prefix)", namespaces=ns) == "pdfuaid"
    assert schema[0].xpath("string(.//pdfaProperty:name)", namespaces=ns) == "part"


def test_row_and_column_headers_get_their_own_scope() -> None:
    """A header named from its own row heads rows (even when it spans two), any other heads a column."""
    html = """<html lang="en"><body><table>
      <thead><tr><th>Region</th><th>Year</th><th>Sites</th></tr></thead>
      <tbody><tr><th scope="row" rowspan="2">North</th><td>2023</td><td>28</td></tr>
             <tr><td>2024</td><td>30</td></tr>
             <tr><th scope="row">South</th><td>2024</td><td>12</td></tr></tbody>
    </table></body></html>"""

    def finish(_document: object, pdf: object) -> None:
        scope_table_headers(pdf)
        add_id_tree(pdf)

    data = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", finisher=finish)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        scopes: dict[str, str] = {}
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            kids = stack.pop().get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    stack.append(kid)
                    if kid.S == "/TH":
                        scopes[str(kid.ID)] = str(kid.A.get("/Scope"))
        names = pdf.Root.StructTreeRoot.IDTree.Names
        assert sorted(str(names[i]) for i in range(0, len(names), 2)) == sorted(scopes)
    # WeasyPrint's ids are "<table>-<row>-<column>": row 0 holds the column headers.
    by_row = {key: key.split("-")[1] for key in scopes}
    assert scopes == {
        key: "/Column" if row == "0" else "/Row" for key, row in by_row.items()}, scopes
    assert len(scopes) == 5
