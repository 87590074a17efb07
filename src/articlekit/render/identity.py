"""What identifies an article across its outputs: one key, from which every format's identifier derives.

The key is the DOI when the article has one (``doi:10.5555/…``), else the
publication, the slug and the date.  The slug is part of it because it names
the outputs: two articles built from identical text under two slugs are two
publications and must not share an identifier, while a corrected edition of an
article (same slug, same date) keeps its identifier, so reading systems keep a
reader's place and annotations.  Title and authors are left out for the same
reason: correcting a typo in them does not make a new publication.

The EPUB's ``dc:identifier`` (``urn:doi:…``, else ``urn:uuid:`` + :func:`identity_uuid`)
and the PDF's XMP document id (``uuid:`` + :func:`identity_uuid`) both come from here.
"""

from __future__ import annotations

import uuid

from ..model import Article

#: The namespace of articlekit's name-based identifiers (a fixed, arbitrary UUID).
IDENTITY_NAMESPACE = uuid.UUID("5d3c2a8e-7f1b-5b8e-9c0a-2e6f4b7d1a93")


def identity_key(article: Article) -> str:
    """``doi:<DOI>``, else ``articlekit:<publication>:<slug>:<date>``."""
    m = article.metadata
    if m.doi:
        return f"doi:{m.doi}"
    return f"articlekit:{m.publication or ''}:{article.slug}:{m.date.isoformat()}"


def identity_uuid(article: Article) -> uuid.UUID:
    """A name-based (version 5) UUID of :func:`identity_key`: the same for every build, never random."""
    return uuid.uuid5(IDENTITY_NAMESPACE, identity_key(article))


__all__ = ["IDENTITY_NAMESPACE", "identity_key", "identity_uuid"]
