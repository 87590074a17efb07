"""JATS validation against the official NISO JATS 1.3 DTDs, offline, with lxml.

:func:`validate_jats` picks the DTD from the document's DOCTYPE public id and
returns every problem found (empty means valid).  The DTDs come from the npm
package ``@jats4r/dtds`` installed into ``.tools/`` by ``scripts/test`` (folder
``schema/1.3/``), or from a folder named by ``ARTICLEKIT_JATS_DTDS``; without any of them the calling test
is skipped locally and fails in CI (see :func:`validators.require`).

lxml 5+ does not load external DTD modules through a DOCTYPE unless told to,
so the driver DTD is loaded by path and the document is parsed without
loading, fetching or resolving anything.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from lxml import etree

from validators import ROOT, require

#: DOCTYPE public id → (tag set, driver file name in the npm package's ``schema/1.3/``).
DRIVERS: dict[str, tuple[str, str]] = {
    "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.3 20210610//EN":
        ("jats-publishing-1.3", "JATS-journalpublishing1-3.dtd"),
    "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with MathML3 v1.3 20210610//EN":
        ("jats-publishing-1.3", "JATS-journalpublishing1-3-mathml3.dtd"),
    "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.3 20210610//EN":
        ("jats-archiving-1.3", "JATS-archivearticle1-3.dtd"),
    "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD with MathML3 v1.3 20210610//EN":
        ("jats-archiving-1.3", "JATS-archivearticle1-3-mathml3.dtd"),
}
PUBLISHING_ID = "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.3 20210610//EN"
ARCHIVING_ID = "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.3 20210610//EN"

_PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False, huge_tree=False)


def driver_path(public_id: str) -> Path | None:
    """The local driver DTD for a DOCTYPE public id, or None when no copy is installed."""
    _, name = DRIVERS[public_id]
    candidates = [
        Path(os.environ["ARTICLEKIT_JATS_DTDS"]) / name if os.environ.get("ARTICLEKIT_JATS_DTDS") else None,
        ROOT / ".tools/node_modules/@jats4r/dtds/schema/1.3" / name,
    ]
    return next((c for c in candidates if c is not None and c.is_file()), None)


@cache
def load_dtd(public_id: str) -> etree.DTD:
    """The driver DTD, loaded once per run (a DTD object is reusable)."""
    path = driver_path(public_id)
    require(f"the JATS 1.3 DTDs (npm @jats4r/dtds) for {public_id}", path)
    assert path is not None
    return etree.DTD(str(path))


def validate_jats(xml: bytes) -> list[str]:
    """Every problem of a JATS document: not well-formed, unknown DOCTYPE, or invalid against its DTD.

    libxml2's DTD validation also checks that ids are unique, well-formed and
    that every ``rid`` names one.
    """
    try:
        doc = etree.fromstring(xml, _PARSER).getroottree()
    except etree.XMLSyntaxError as e:
        return [f"not well-formed: {e}"]
    public_id = doc.docinfo.public_id
    if public_id not in DRIVERS:
        return [f"DOCTYPE public id {public_id!r} is not a JATS 1.3 tag set this helper knows"]
    if doc.docinfo.root_name != "article":
        return [f"DOCTYPE names {doc.docinfo.root_name!r}, not 'article'"]
    dtd = load_dtd(public_id)
    if dtd.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in dtd.error_log]
