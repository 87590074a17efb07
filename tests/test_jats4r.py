"""JATS4R: the Schematron rules run for real, and the JATS of every source that states its rights passes them.

The rules and how they are compiled and read are described in ``validators_jats4r.py``.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

import articlekit
from seed import SAMPLE
from validators_jats import ARCHIVING_ID, PUBLISHING_ID, validate_jats
from validators_jats4r import Finding, schema_patterns, schematron_dir, validate_jats4r

pytestmark = pytest.mark.slow  # the validators' long runs: scripts/test --fast leaves them out

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
RIGHTS = FIXTURES / "jats" / "rights-copyright.md"
ALI = "http://www.niso.org/schemas/ali/1.0/"
PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
#: Fixture folders of sources that are meant not to build.
NOT_BUILDING = {"broken", "errors"}


def _front_matter(path: Path) -> str:
    text = path.read_text("utf-8")
    m = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    return m.group(1) if m else ""


def _states_rights(path: Path) -> bool:
    """Whether the source, or the ``articlekit.toml`` beside it, states a licence or copyright."""
    if re.search(r"^(license|copyright):", _front_matter(path), re.MULTILINE):
        return True
    config = path.parent / "articlekit.toml"
    if config.is_file():
        data = tomllib.loads(config.read_text("utf-8"))
        return bool(data.get("license") or data.get("copyright"))
    return False


def _sources() -> list[Path]:
    found = sorted((ROOT / "sources").glob("*.md")) + sorted(
        p for p in FIXTURES.rglob("*.md") if not NOT_BUILDING & set(p.relative_to(FIXTURES).parts)
    )
    return found


WITH_RIGHTS = [p for p in _sources() if _states_rights(p)]


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _serialise(root: etree._Element, xml: bytes) -> bytes:
    """``root`` written back with the prolog (declaration and DOCTYPE) of ``xml``."""
    prolog = xml[: xml.index(b"<article")]
    return prolog + etree.tostring(root, encoding="utf-8") + b"\n"


def _broken(xml: bytes, edit: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(xml, PARSER)
    edit(root)
    out = _serialise(root, xml)
    # Still valid JATS: what the rules find is theirs to find, not the DTD's.
    assert validate_jats(out) == []
    return out


@pytest.fixture(scope="module")
def rights_xml() -> bytes:
    return articlekit.to_jats(articlekit.load(RIGHTS))


def _messages(findings: list[Finding]) -> list[str]:
    return [f"{f.pattern}: {f.message}" for f in findings]


# ---------------------------------------------------------------------------
# The rules really run


def test_every_pattern_of_the_schema_runs(rights_xml: bytes) -> None:
    folder = schematron_dir()
    assert folder is not None
    patterns = schema_patterns(folder)
    # jats4r.sch includes 16 rule files of one pattern each (errors and warnings per topic).
    assert len(patterns) == 16 and len(set(patterns)) == 16
    report = validate_jats4r(rights_xml)
    assert sorted(report.patterns) == sorted(patterns)
    assert report.fired_rules > 10
    assert report.errors == [] and report.warnings == [], _messages(report.errors + report.warnings)


def test_a_document_without_permissions_is_an_error(rights_xml: bytes) -> None:
    def edit(root: etree._Element) -> None:
        perm = root.find("front/article-meta/permissions")
        perm.getparent().remove(perm)

    report = validate_jats4r(_broken(rights_xml, edit))
    assert [(f.pattern, f.kind) for f in report.errors] == [("permissions-errors", "failed-assert")]
    assert "Missing top-level <permissions> element" in report.errors[0].message
    assert report.errors[0].location == "/article/front/article-meta"


def test_a_copyright_without_year_or_holder_is_an_error(rights_xml: bytes) -> None:
    def no_year(root: etree._Element) -> None:
        year = root.find("front/article-meta/permissions/copyright-year")
        year.getparent().remove(year)

    def no_holder(root: etree._Element) -> None:
        holder = root.find("front/article-meta/permissions/copyright-holder")
        holder.getparent().remove(holder)

    assert _messages(validate_jats4r(_broken(rights_xml, no_year)).errors) == [
        "permissions-errors: Missing <copyright-year>. When an article is under copyright (i.e. it is not in the "
        "public domain) a <copyright-year> must be given. (See https://jats4r.org/permissions, Recommendation 3.)"
    ]
    errors = validate_jats4r(_broken(rights_xml, no_holder)).errors
    assert [f.pattern for f in errors] == ["permissions-errors"] and "Missing <copyright-holder>" in errors[0].message


def test_a_contributor_id_without_type_is_an_error(rights_xml: bytes) -> None:
    def edit(root: etree._Element) -> None:
        contrib_id = root.find(".//contrib-id")
        del contrib_id.attrib["contrib-id-type"]

    errors = validate_jats4r(_broken(rights_xml, edit)).errors
    assert [f.pattern for f in errors] == ["auths-aff-errors"]


def test_a_licence_without_its_url_is_a_warning_from_a_jats4r_function() -> None:
    """The rule calls the schema's own ``j4r:jats-version-later-1d2``: functions are compiled too."""
    xml = articlekit.to_jats(articlekit.load(FIXTURES / "jats" / "rights-statement.md"))

    def edit(root: etree._Element) -> None:
        ref = root.find(f".//{{{ALI}}}license_ref")
        ref.getparent().remove(ref)

    report = validate_jats4r(_broken(xml, edit))
    assert report.errors == []
    assert [f.pattern for f in report.warnings] == ["permissions-warnings"]
    assert report.warnings[0].message.startswith("No licence URI. For JATS 1.1d3 and later")


# ---------------------------------------------------------------------------
# Every source whose rights are known: no JATS4R error


def test_the_sources_with_rights_cover_both_tag_sets() -> None:
    assert len(WITH_RIGHTS) >= 6, [_id(p) for p in WITH_RIGHTS]
    public_ids = {etree.fromstring(articlekit.to_jats(articlekit.load(p)), PARSER).getroottree().docinfo.public_id
                  for p in WITH_RIGHTS}
    # An article with formulas declares its tag set's MathML 3 variant; the tag set is the same.
    assert {i.replace(" with MathML3", "") for i in public_ids} == {PUBLISHING_ID, ARCHIVING_ID}


@pytest.mark.parametrize("source", WITH_RIGHTS, ids=_id)
def test_no_jats4r_errors_when_rights_are_known(source: Path) -> None:
    article = articlekit.load(source)
    assert article.metadata.license or article.metadata.copyright
    xml = articlekit.to_jats(article)
    assert validate_jats(xml) == []
    report = validate_jats4r(xml)
    assert report.errors == [], "\n".join(_messages(report.errors))
    # Known rights, stated as a URL or a Creative Commons name: nothing to warn about either.
    assert report.warnings == [], "\n".join(_messages(report.warnings))


def test_without_rights_the_only_error_is_the_missing_permissions() -> None:
    """The first article states no licence: no rights are invented, and JATS4R notes their absence."""
    article = articlekit.load(SAMPLE)
    assert article.metadata.license is None and article.metadata.copyright is None
    xml = articlekit.to_jats(article)
    assert etree.fromstring(xml, PARSER).find(".//permissions") is None
    report = validate_jats4r(xml)
    assert [(f.pattern, f.kind) for f in report.errors] == [("permissions-errors", "failed-assert")]
    assert report.warnings == []


def test_an_edited_copy_keeps_its_tree(rights_xml: bytes) -> None:
    """The helper that breaks documents changes only what it is told to."""
    root = etree.fromstring(rights_xml, PARSER)
    again = etree.fromstring(_serialise(copy.deepcopy(root), rights_xml), PARSER)
    assert etree.tostring(again) == etree.tostring(root)
