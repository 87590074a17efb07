"""Formulas for the print edition: MathML drawn as SVG, since WeasyPrint sets no MathML.

ziamath lays out the MathML the reader made (:mod:`articlekit.read.formulas`) in
its own STIX Two Math face (SIL Open Font License, shipped inside the ziamath
package, the only file it reads) and gives an SVG of outlines, which WeasyPrint
draws as vectors.  Each formula becomes an ``<img>`` with a ``data:`` URL, its
TeX as ``alt`` (WeasyPrint makes that the ``/Alt`` of its structure element in
the tagged PDF) and its size in ``em``, so it follows the size of the text
around it (smaller in the notes); an inline formula is lowered by its depth
below the baseline so that it sits on the baseline of the line.  A display
formula is a centred block (``img.math-display`` in print.css) that shrinks,
keeping its proportions, when it is wider than the column.

The output depends only on the MathML and ziamath's font, so a rebuild gives the
same bytes; each formula is drawn once per process however often it is laid out.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from html import escape

#: Size the SVG is drawn at, in ziamath's units: sizes in the page are relative to it.
DRAW_SIZE = 20.0
#: Space kept around the ink, in the same units, so no stroke is clipped.
MARGIN = 1.0


def _em(value: float) -> str:
    return f"{value / DRAW_SIZE:.4f}".rstrip("0").rstrip(".") + "em"


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Load ziamath and its math face once per process (a batch worker calls this before its first article)."""
    import ziamath

    ziamath.Math("<math><mi>x</mi></math>", size=DRAW_SIZE).svg()


@lru_cache(maxsize=2048)
def svg_image(mathml: str, tex: str, display: bool) -> str:
    """The ``<img>`` that draws one formula (``mathml``, with ``tex`` as its alternative text)."""
    import ziamath

    warm_up()
    previous = ziamath.config.svg2
    ziamath.config.svg2 = False  # plain paths: no <symbol>/<use> for the SVG renderer to resolve
    try:
        drawn = ziamath.Math(mathml, size=DRAW_SIZE, margin=MARGIN)
        svg = drawn.svg()
    finally:
        ziamath.config.svg2 = previous
    box = drawn.node.bbox
    width = box.xmax - box.xmin + 2 * MARGIN
    height = box.ymax - box.ymin + 2 * MARGIN
    url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = escape(tex.strip(), quote=True)
    if display:
        return f'<img class="math-display" src="{url}" alt="{alt}" style="width: {_em(width)}">'
    style = f"width: {_em(width)}; height: {_em(height)}; vertical-align: {_em(box.ymin - MARGIN)}"
    return f'<img class="math-inline" src="{url}" alt="{alt}" style="{style}">'


__all__ = ["svg_image", "warm_up"]
