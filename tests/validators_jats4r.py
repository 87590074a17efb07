"""JATS4R Schematron rules, offline, with SaxonC-HE (``saxonche``).

The rules come from the npm package ``@jats4r/schematrons`` (``schematrons/1.0/``),
installed into ``.tools/`` by ``scripts/test`` (or from a folder named by
``ARTICLEKIT_JATS4R``).  That package also ships a ``jats4r.sch.xsl``, but it is
an old compilation: it holds only the permissions, math and data-citation
patterns, 6 of the 16 that ``jats4r.sch`` includes, and it does not compile
(it ends in an ``xsl:function`` without a name, so the function the licence
rules call is missing).  So the schema is compiled
here from its ``.sch`` files, with the ISO Schematron XSLT implementation that
lxml ships (``lxml/isoschematron/resources/xsl/iso-schematron-xslt1``):

1. ``iso_dsdl_include.xsl`` pulls the per-topic files into one schema;
2. ``iso_abstract_expand.xsl`` expands abstract patterns;
3. ``iso_svrl_for_xslt1.xsl`` writes the validating stylesheet, with
   ``allow-foreign=true`` so the schema's ``xsl:function`` definitions are kept.

That implementation is written for the XSLT 1.0 query binding and refuses
``queryBinding="xslt2"``, so the schema is handed to it as ``xslt`` and the
stylesheet it writes is then declared XSLT 2.0 (with the ``xsd`` prefix the
JATS4R functions' types use, which the schema itself never declares): Saxon
runs it with XPath 2.0 semantics, as the rules are written for.  Every pattern
of the schema must appear in the report (:func:`validate_jats4r` checks it), so
a rule file that failed to load cannot go unnoticed.

A document is parsed against its JATS DTD (the local copy from
``@jats4r/dtds``), as the rules expect: ``id()`` and ``idref()`` only see ids
and references the DTD declares.

The report (SVRL) is read thus: a failed assert or successful report is an
error when its ``role`` says so (``error``, ``fatal``) or, without a role, when
it comes from an ``*-errors`` pattern; everything else is a warning.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from validators import ROOT, require
from validators_jats import DRIVERS, driver_path

SVRL = "http://purl.oclc.org/dsdl/svrl"
SCH = "http://purl.oclc.org/dsdl/schematron"

#: JAXP's default caps on entity expansion are below what the JATS DTD modules add up to.
_ENTITY_LIMITS = ("totalEntitySizeLimit", "entityExpansionLimit", "maxGeneralEntitySizeLimit",
                  "maxParameterEntitySizeLimit")


@dataclass(frozen=True)
class Finding:
    """One failed assert or successful report."""

    pattern: str
    kind: str  # "failed-assert" or "successful-report"
    role: str | None
    location: str
    test: str
    message: str

    def __str__(self) -> str:
        return f"{self.pattern} at {self.location}: {self.message}"


@dataclass
class Report:
    """What the JATS4R rules found in one document."""

    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    fired_rules: int = 0


def schematron_dir() -> Path | None:
    """The folder holding ``jats4r.sch`` and its per-topic files, or None."""
    candidates = [
        Path(os.environ["ARTICLEKIT_JATS4R"]) if os.environ.get("ARTICLEKIT_JATS4R") else None,
        ROOT / ".tools/node_modules/@jats4r/schematrons/schematrons/1.0",
    ]
    return next((c for c in candidates if c is not None and (c / "jats4r.sch").is_file()), None)


def _saxon() -> Any:
    try:
        import saxonche
    except ImportError:
        return None
    return saxonche


def skeleton_dir() -> Path:
    """lxml's copy of the ISO Schematron XSLT implementation."""
    import lxml.isoschematron

    return Path(lxml.isoschematron.__file__).parent / "resources" / "xsl" / "iso-schematron-xslt1"


def schema_patterns(folder: Path) -> list[str]:
    """The id of every pattern ``jats4r.sch`` includes, read from the rule files themselves."""
    main = etree.parse(str(folder / "jats4r.sch"))
    ids: list[str] = []
    for inc in main.iter(f"{{{SCH}}}include"):
        doc = etree.parse(str(folder / inc.get("href", "")))
        ids += [p.get("id", "") for p in doc.iter(f"{{{SCH}}}pattern")]
    return ids


class Jats4r:
    """The compiled rules and the Saxon processor that runs them (one per test run)."""

    def __init__(self, folder: Path) -> None:
        saxonche = _saxon()
        self.folder = folder
        self.patterns = schema_patterns(folder)
        # Two processors: once a processor has parsed a file, it no longer loads a DTD for a
        # document given as text (SaxonC 12), so the compile steps, which read files, get their own.
        self.compiler = saxonche.PySaxonProcessor(license=False)
        self.stylesheet = self.compile()
        self.proc = saxonche.PySaxonProcessor(license=False)
        for limit in _ENTITY_LIMITS:
            self.proc.set_configuration_property(
                "http://saxon.sf.net/feature/parserProperty?uri=http%3A//www.oracle.com/xml/jaxp/properties/" + limit,
                "0",
            )
        self.executable = self.proc.new_xslt30_processor().compile_stylesheet(stylesheet_text=self.stylesheet)

    def _step(self, xsl: str, *, source_file: str | None = None, text: str | None = None,
              params: dict[str, str] | None = None) -> str:
        executable = self.compiler.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(skeleton_dir() / xsl))
        for name, value in (params or {}).items():
            executable.set_parameter(name, self.compiler.make_string_value(value))
        if source_file is not None:
            return executable.transform_to_string(source_file=source_file)
        node = self.compiler.parse_xml(xml_text=text)
        return executable.transform_to_string(xdm_node=node)

    def compile(self) -> str:
        """The validating stylesheet for ``jats4r.sch`` (see the module's docstring)."""
        included = self._step("iso_dsdl_include.xsl", source_file=str(self.folder / "jats4r.sch"))
        expanded = self._step("iso_abstract_expand.xsl", text=included)
        expanded, n = re.subn(r'queryBinding="xslt2"', 'queryBinding="xslt"', expanded, count=1)
        assert n == 1, "jats4r.sch no longer declares queryBinding='xslt2'; revisit the compile steps"
        stylesheet = self._step("iso_svrl_for_xslt1.xsl", text=expanded, params={"allow-foreign": "true"})
        stylesheet, n = re.subn(
            r'(<xsl:stylesheet\b[^>]*?)\sversion="1\.0"',
            r'\1 version="2.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema"',
            stylesheet, count=1,
        )
        assert n == 1, "the ISO Schematron implementation wrote no XSLT 1.0 stylesheet element"
        return stylesheet

    def svrl(self, xml: bytes) -> etree._Element:
        """The SVRL report for one JATS document (parsed against its local DTD)."""
        text = xml.decode("utf-8")
        doctype = re.search(r'<!DOCTYPE\s+article\s+PUBLIC\s+"([^"]+)"\s+"([^"]+)"\s*>', text)
        if doctype is None or doctype.group(1) not in DRIVERS:
            raise AssertionError("the document has no JATS 1.3 DOCTYPE this helper knows")
        dtd = driver_path(doctype.group(1))
        require(f"the JATS 1.3 DTDs (npm @jats4r/dtds) for {doctype.group(1)}", dtd)
        assert dtd is not None
        # Not Path.as_uri(): the parser does not decode the "%40" it makes of "@jats4r".
        uri = "file://" + quote(str(dtd), safe="/@")
        text = text[: doctype.start(2)] + uri + text[doctype.end(2):]
        node = self.proc.parse_xml(xml_text=text)
        result = self.executable.transform_to_string(xdm_node=node)
        return etree.fromstring(result.encode("utf-8"))


@cache
def rules() -> Jats4r:
    """The JATS4R rules, compiled once per test run."""
    folder = schematron_dir()
    require("the JATS4R Schematron rules (npm @jats4r/schematrons)", folder)
    require("SaxonC-HE (pip saxonche)", _saxon())
    assert folder is not None
    return Jats4r(folder)


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def read_svrl(svrl: etree._Element) -> Report:
    """Errors and warnings of an SVRL report, by the rule in the module's docstring."""
    report = Report()
    pattern = ""
    for el in svrl:
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        if tag == "active-pattern":
            pattern = el.get("id") or el.get("name") or ""
            report.patterns.append(pattern)
        elif tag == "fired-rule":
            report.fired_rules += 1
        elif tag in ("failed-assert", "successful-report"):
            role = el.get("role")
            text = el.find(f"{{{SVRL}}}text")
            finding = Finding(pattern, tag, role, el.get("location", ""), el.get("test", ""),
                              _text(text if text is not None else el))
            is_error = role in ("error", "fatal") if role else pattern.endswith("-errors")
            (report.errors if is_error else report.warnings).append(finding)
    return report


def validate_jats4r(xml: bytes) -> Report:
    """Run every JATS4R rule over a JATS document; errors and warnings separately."""
    j4r = rules()
    report = read_svrl(j4r.svrl(xml))
    missing = sorted(set(j4r.patterns) - set(report.patterns))
    assert not missing, f"JATS4R patterns that did not run: {missing}"
    return report
