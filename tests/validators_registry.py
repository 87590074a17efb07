"""The registries' own schemas (Crossref 5.3.1, DOAJ), used offline, for the conformance tests.

The schemas are published by Crossref and DOAJ and shipped by no package
registry, so they are not in this repository: ``ARTICLEKIT_REGISTRY_SCHEMAS``
names a folder holding ``crossref-5.3.1/`` (entry ``crossref5.3.1.xsd``) and
``doaj/`` (``doajArticles.xsd``); ``.ci/run`` sets it when the machine has them.
Without it the conformance tests are skipped with that reason, even where
``ARTICLEKIT_REQUIRE_VALIDATORS`` asks for every validator: a clone has no way to
install them.  The schema-independent tests hold each rule articlekit relies on.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

VARIABLE = "ARTICLEKIT_REGISTRY_SCHEMAS"
CROSSREF_XSD = Path("crossref-5.3.1") / "crossref5.3.1.xsd"
DOAJ_XSD = Path("doaj") / "doajArticles.xsd"
ISO_639_2B_XSD = Path("doaj") / "iso_639-2b.xsd"


def parser() -> etree.XMLParser:
    """No network, no entities: a schema or a document is read from the file alone."""
    return etree.XMLParser(no_network=True, resolve_entities=False)


def schema_file(relative: Path) -> Path:
    """A schema file under ``$ARTICLEKIT_REGISTRY_SCHEMAS``, or skip the test saying why it did not run."""
    folder = os.environ.get(VARIABLE)
    if not folder:
        pytest.skip(f"{VARIABLE} is not set: the Crossref and DOAJ schemas are not in this repository "
                    "(no package registry ships them), so the conformance test did not run")
    path = Path(folder) / relative
    if not path.is_file():
        pytest.skip(f"{VARIABLE}={folder} has no {relative}: the conformance test did not run")
    return path


@cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path), parser()))


def problems(document: bytes, relative: Path) -> list[str]:
    """Every error the schema finds in ``document`` (empty when it is valid)."""
    schema = _schema(schema_file(relative))
    valid = schema.validate(etree.fromstring(document, parser()))
    return [] if valid else [f"line {e.line}: {e.message}" for e in schema.error_log]
