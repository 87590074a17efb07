"""The paragraph composer: justified lines chosen over the whole paragraph, before layout.

A paragraph is a row of **boxes** (words and parts of words, of fixed width),
**glue** (spaces: a width that may stretch and shrink) and **penalties** (places a
line may end at a cost, a hyphen's width set only if it does).  "Total-fit
breaking" (Knuth–Plass) ends its lines where the sum of every line's demerits is
least.  The paragraph "Tap the sky-blue display." in a line 60 units wide:

.. code-block:: text

    Box(Tap, 17)  Glue(5, +2.5, -1.7)  Box(the, 16)  Glue(5, +2.5, -1.7)
    Box(sky-, 19)  Penalty(0, 50, flagged)  Box(blue, 21)  Glue(5, +2.5, -1.7)
    Box(dis, 15)  Penalty(hyphen 5, 50, flagged)  Box(play., 24)
    Penalty(0, +inf)  Glue(0, +fill)  Penalty(0, -inf)

A line may end at a glue after a box (the space is dropped), or at a penalty
(its width, a hyphen's, is set at the line's end).  Each line's stretch ratio
``r`` — how much of its glue's stretch (or shrink) it takes to fill the
measure — gives its badness ``100·|r|³``; demerits add the penalty and punish
two hyphens in a row and a tight line next to a loose one.

=================  ==============================================================
module             what it holds
=================  ==============================================================
``items``          :class:`Box`, :class:`Glue`, :class:`Penalty`; a paragraph's end
``material``       runs of styled text to items: words, spaces, hyphenation points
``breaking``       the total-fit line breaker, its passes and limits
=================  ==============================================================

The composer knows nothing of HTML or PDF: the print writer gives it each
paragraph's runs, measured with the very shaper that lays them out, and sets the
lines it returns (:mod:`articlekit.writers.pdf.paragraphs`).
"""

from .breaking import Breaking, Line, Params, break_paragraph
from .items import INFINITY, Box, Glue, Item, Penalty, finish
from .material import Atom, Costs, Run, hyphenation_points, paragraph_items

__all__ = ["INFINITY", "Atom", "Box", "Breaking", "Costs", "Glue", "Item", "Line", "Params", "Penalty", "Run",
           "break_paragraph", "finish", "hyphenation_points", "paragraph_items"]
