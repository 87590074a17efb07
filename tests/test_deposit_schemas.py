"""Every deposit the fixtures give, validated offline against the registries' published schemas.

The schemas come from ``$ARTICLEKIT_REGISTRY_SCHEMAS`` (see :mod:`validators_registry`);
without it these tests are skipped and say so.  The edition's deposits are
validated in ``test_deposit_edition.py``, which builds the edition once.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

import articlekit
from articlekit.writers.deposit.crossref import merge
from conftest import FIXTURES
from validators_registry import CROSSREF_XSD, DOAJ_XSD, problems

SOURCE = FIXTURES / "deposit" / "sinking-deltas.md"


@pytest.fixture(scope="module")
def article() -> articlekit.Article:
    return articlekit.load(SOURCE)


def variants(article: articlekit.Article) -> dict[str, articlekit.Article]:
    """The fixture as it stands, printed with pages, and numbered by article number."""
    meta = article.metadata
    return {
        "online": article,
        "printed": dataclasses.replace(article, metadata=dataclasses.replace(
            meta, volume="4", issue="2", fpage=17, lpage=31)),
        "numbered": dataclasses.replace(article, metadata=dataclasses.replace(meta, elocation="e1042")),
    }


@pytest.mark.parametrize("variant", ["online", "printed", "numbered"])
def test_the_crossref_deposit_is_valid_5_3_1(article: articlekit.Article, variant: str) -> None:
    assert problems(articlekit.to_crossref(variants(article)[variant]), CROSSREF_XSD) == []


def test_a_batch_deposit_is_valid_5_3_1(article: articlekit.Article) -> None:
    deposits = [articlekit.to_crossref(a) for a in variants(article).values()]
    [batch] = merge(deposits)
    assert problems(batch, CROSSREF_XSD) == []


def test_the_5_4_0_deposit_has_the_5_3_1_structure(article: articlekit.Article) -> None:
    """No 5.4.0 XSD is at hand.  What this checks: the 5.4.0 document, with its namespace and version
    rewritten to 5.3.1, is valid 5.3.1 — so its elements, their order and values are ones 5.3.1 takes.
    What it does not check: that 5.4.0's own schema accepts it (test_deposit_crossref.py holds that the
    two documents differ only in namespace, version and schema location)."""
    data = articlekit.to_crossref(article, schema="5.4.0")
    rewritten = re.sub(rb"5\.4\.0", b"5.3.1", data)
    assert rewritten.count(b"5.3.1") == data.count(b"5.4.0") >= 3
    assert problems(rewritten, CROSSREF_XSD) == []


@pytest.mark.parametrize("variant", ["online", "printed", "numbered"])
def test_the_doaj_record_is_valid(article: articlekit.Article, variant: str) -> None:
    assert problems(articlekit.to_doaj(variants(article)[variant]), DOAJ_XSD) == []
