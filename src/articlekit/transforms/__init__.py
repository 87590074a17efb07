"""Passes over an :class:`~articlekit.model.Article`, run once, in order, before any writer.

Like docutils' transforms, each pass is small, does one thing and can be tested
alone.  The order matters and is fixed here:

=====  =====================  ===============================================
order  pass                   what it does
=====  =====================  ===============================================
10     ``headings.normalise``  first heading becomes level 1, skipped levels
                               are closed up (``#`` then ``###``: 1, 2)
20     ``sections.wrap``       each heading and what follows it become a section
25     ``notes_heading.take``  the author's own heading over the note
                               definitions (an empty section) becomes
                               ``article.notes_title`` and leaves the body
30     ``notes.number``        notes numbered by first reference, clustered,
                               back-linked, collected into ``article.notes``
40     ``ids.unique``          no source id collides with another or with an
                               id articlekit writes (``notes``, ``fn1`` …)
=====  =====================  ===============================================

No pass after the notes moves a reference; ids come last so that they see the
note texts and the notes heading, where the source may give ids too.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Article
from . import headings, ids, notes, notes_heading, sections

Transform = Callable[[Article], None]

#: The passes, in the order they run.
TRANSFORMS: tuple[Transform, ...] = (
    headings.normalise, sections.wrap, notes_heading.take, notes.number, ids.unique,
)


def apply_all(article: Article) -> Article:
    """Run every pass over ``article`` in place and return it."""
    for transform in TRANSFORMS:
        transform(article)
    return article
