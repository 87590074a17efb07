"""One WeasyPrint layout, with the composer's lines: the render step both print writers share.

:func:`render` is WeasyPrint's own ``HTML.render`` (``Document._render``) with
one step between building the box tree and laying it out: the composer sets
the justified paragraphs (:func:`.paragraphs.compose_boxes`).  The style
cascade and the box tree are made once, and the document is laid out once.
"""

from __future__ import annotations

from typing import Any

import weasyprint
from weasyprint.css.counters import CounterStyle
from weasyprint.document import Document, Page
from weasyprint.formatting_structure.build import build_formatting_structure
from weasyprint.html import get_html_metadata
from weasyprint.layout import layout_document
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.text.fonts import FontConfiguration

from .paragraphs import ComposeReport, compose_boxes


def render(html: weasyprint.HTML, font_config: FontConfiguration,
           **options: Any) -> tuple[weasyprint.Document, ComposeReport]:
    """Lay ``html`` out once, its justified paragraphs set by the composer; the document and what was set."""
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
    report = compose_boxes(root_box, html, context)
    page_boxes = layout_document(html, root_box, context)
    document = Document([Page(page_box) for page_box in page_boxes], DocumentMetadata(**get_html_metadata(html)),
                        html.url_fetcher, font_config, profiles, merged["output_intent"])
    document._html = html
    return document, report


__all__ = ["render"]
