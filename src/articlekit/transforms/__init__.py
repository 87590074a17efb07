"""Passes over an :class:`~articlekit.model.Article`, run once, in order, before any writer.

Like docutils' transforms, each pass is small, does one thing and can be tested
alone.  The order matters and is fixed here:

=====  =====================  ===============================================
order  pass                   what it does
=====  =====================  ===============================================
10     ``headings.normalise``  shallowest heading in the body becomes level 1
20     ``sections.wrap``       each heading and what follows it become a section
30     ``notes.number``        notes numbered by first reference, clustered,
                               back-linked, collected into ``article.notes``
=====  =====================  ===============================================

Notes come last so that no later pass can move a reference after numbering.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Article
from . import headings, notes, sections

Transform = Callable[[Article], None]

#: The passes, in the order they run.
TRANSFORMS: tuple[Transform, ...] = (headings.normalise, sections.wrap, notes.number)


def apply_all(article: Article) -> Article:
    """Run every pass over ``article`` in place and return it."""
    for transform in TRANSFORMS:
        transform(article)
    return article
