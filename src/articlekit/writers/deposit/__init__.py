"""Registry records: a Crossref deposit (:mod:`.crossref`) and a DOAJ article record (:mod:`.doaj`).

Both are made from what the JATS writer makes of the same article: its title,
subtitle and abstract as :func:`articlekit.writers.jats.build_tree` renders them,
its reference list (``<ref-list>``, with each entry's DOI), and the model's
contributors, licence, funding, dates and pages.  So a deposit says what the
article's JATS says, and the round-trip tests hold them to it.

A record is refused, never faked: :func:`requirements` lists what the registry
needs and the article or the house does not state, each problem one located
line naming the key and where it goes (the front matter, ``articlekit.toml`` or
its ``[deposit]`` table).  ``check --for crossref`` reports the same lines
without building.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...errors import ArticleError, ArticleErrors
from ...model import Article, Deposit, Metadata

#: The registries a record can be made for, with the name messages use.
REGISTRIES = {"crossref": "Crossref deposit", "doaj": "DOAJ record"}
#: The ISSN as both schemas take it (Crossref's ``issn_t``, DOAJ's ``issn``).
ISSN = re.compile(r"^\d{4}-?\d{3}[\dX]$")
#: An ORCID iD as Crossref's ``orcid_t`` and DOAJ's ``orcid_id`` take it.
ORCID_URL = re.compile(r"^https://orcid\.org/\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
#: The largest deposit Crossref accepts in one file (bytes).
MAX_DEPOSIT_BYTES = 10 * 1000 * 1000


def journal_title(meta: Metadata) -> str | None:
    """The journal's full title: the ``journal`` table's, else ``publication``."""
    return meta.journal.title if meta.journal is not None else meta.publication


def issns(meta: Metadata) -> list[tuple[str, str]]:
    """The journal's ISSNs as ``(issn, media)``, media "print" or "electronic".

    The ``journal`` table types them (``issn_print``, ``issn_online``); an ``issn``
    without a type is the print one, as Crossref reads an ISSN that does not say.
    """
    j = meta.journal
    typed = [(i, media) for i, media in ((j.issn_print, "print"), (j.issn_online, "electronic")) if i] if j else []
    return typed or ([(meta.issn, "print")] if meta.issn else [])


def resource_url(article: Article) -> str | None:
    """Where the article's web page is published: the house's ``base_url`` and the slug (as the JATS links it)."""
    base = article.metadata.base_url
    return f"{base}{article.slug}.html" if base else None


def requirements(article: Article, registry: str, deposit: Deposit | None = None) -> list[ArticleError]:
    """What ``registry`` ("crossref" or "doaj") needs that ``article`` and the house do not state.

    Each problem names the key and where it goes: the source's front matter (at
    its first line), ``articlekit.toml`` or its ``[deposit]`` table (at the
    table's line, or the file's when it has none).
    """
    what = REGISTRIES[registry]
    meta, deposit = article.metadata, deposit or article.deposit
    problems: list[ArticleError] = []

    def front(key: str, how: str) -> None:
        problems.append(ArticleError(article.path, f"{what}: no '{key}'; {how}", 1))

    if registry == "crossref" and not meta.doi:
        front("doi", "add doi: 10.NNNN/suffix to the front matter (the DOI this deposit registers)")
    if not journal_title(meta):
        front("publication", "name the journal with publication (or a journal table) in the front matter"
              " or articlekit.toml")
    if not issns(meta):
        front("issn", "add the journal's issn (or journal.issn_print / issn_online) to the front matter"
              " or articlekit.toml")
    if not meta.base_url:
        front("base_url", "add base_url = \"https://…/\" (where the articles are published) to articlekit.toml"
              " or the front matter")
    if registry == "crossref":
        config = deposit.path or article.source_dir / "articlekit.toml"
        missing = [k for k in ("depositor", "email", "registrant") if not getattr(deposit, k)]
        if missing and deposit.line_of() is None:
            problems.append(ArticleError(config, f"{what}: no [deposit] table; add one with {', '.join(missing)}"
                                         " (who deposits, their e-mail address, who owns the DOIs)"))
        else:
            for key in missing:
                problems.append(ArticleError(config, f"{what}: no '{key}' in [deposit]; add {key} = \"…\" there",
                                             deposit.line_of()))
    return problems


def require(article: Article, registry: str, deposit: Deposit | None = None) -> None:
    """Raise :class:`~articlekit.errors.ArticleErrors` when :func:`requirements` finds anything missing."""
    problems = requirements(article, registry, deposit)
    if problems:
        raise ArticleErrors(problems)


def require_all(articles: Sequence[Article], registry: str, deposit: Deposit | None = None) -> None:
    """:func:`require` for each article, every problem of every article reported at once (each once)."""
    problems: dict[str, ArticleError] = {}
    for article in articles:
        for problem in requirements(article, registry, deposit):
            problems.setdefault(str(problem), problem)
    if problems:
        raise ArticleErrors(list(problems.values()))


__all__ = ["ISSN", "MAX_DEPOSIT_BYTES", "ORCID_URL", "REGISTRIES", "issns", "journal_title",
           "require", "require_all", "requirements", "resource_url"]
