"""One WeasyPrint layout, with the composer's lines: the print run both print writers share.

:func:`render` is WeasyPrint's own ``HTML.render`` (``Document._render``) with
one step between building the box tree and laying it out: the composer sets
the justified paragraphs (:func:`.paragraphs.compose_boxes`).  The style
cascade and the box tree are made once, and the document is laid out once.

:func:`print_run` is the article PDF's and the edition book's whole run: one
layout, and a second only where the first showed it is needed — a note whose
back-references would list a page twice, or a line ending in a hyphen at the
foot of a right-hand page (its paragraph set again, barred from the hyphen there
and keeping its number of lines, so no page moves).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import weasyprint
from weasyprint.css.counters import CounterStyle
from weasyprint.document import Document, Page
from weasyprint.formatting_structure.build import build_formatting_structure
from weasyprint.html import get_html_metadata
from weasyprint.layout import layout_document
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.text.fonts import FontConfiguration

from .paragraphs import ComposeReport, Constraint, compose_boxes, recto_foot_hyphens


def render(html: weasyprint.HTML, font_config: FontConfiguration, constraints: Mapping[int, Constraint] | None = None,
           **options: Any) -> tuple[weasyprint.Document, ComposeReport]:
    """Lay ``html`` out once, its justified paragraphs set by the composer; the document and what was set.

    ``constraints`` are passed on to :func:`.paragraphs.compose_boxes`.
    """
    merged = dict(weasyprint.DEFAULT_OPTIONS)
    merged.update(options)
    counter_style, profiles = CounterStyle(), {}
    if variant := merged["pdf_variant"]:
        _, properties = weasyprint.pdf.VARIANTS[variant]
        for key, value in tuple(merged.items()):
            if value is None and key in properties:
                merged[key] = properties[key]
    context = Document._build_layout_context(html, font_config, counter_style, profiles, merged)
    root_box = build_formatting_structure(
        html.etree_element, context.style_for, context.get_image_from_uri, html.base_url,
        context.target_collector, counter_style, context.footnotes)
    report = compose_boxes(root_box, html, context, constraints=constraints)
    page_boxes = layout_document(html, root_box, context)
    document = Document([Page(page_box) for page_box in page_boxes], DocumentMetadata(**get_html_metadata(html)),
                        html.url_fetcher, font_config, profiles, merged["output_intent"])
    document._html = html
    return document, report


def reference_pages(document: weasyprint.Document) -> dict[str, int]:
    """Each anchor of a laid-out document and the page (numbered from 1) it fell on."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


Refs = TypeVar("Refs")


def print_run(html: Callable[[Refs | None], weasyprint.HTML], font_config: FontConfiguration,
              page_references: Callable[[dict[str, int]], Refs | None],
              **options: Any) -> tuple[weasyprint.Document, ComposeReport, int]:
    """Lay a print document out, once or twice; the document, what the composer set, and how many layouts.

    ``html(None)`` is the document before any layout; ``page_references``
    reads the pages of the first layout and returns what the document needs
    to be made again with (``html(refs)``: the pages its notes list), or
    ``None`` if they need nothing.
    """
    document, report = render(html(None), font_config, **options)
    refs = page_references(reference_pages(document))
    constraints = recto_foot_hyphens(document, report)
    if refs is None and not constraints:
        return document, report, 1
    document, report = render(html(refs), font_config, constraints=constraints, **options)
    return document, report, 2


__all__ = ["print_run", "reference_pages", "render"]
