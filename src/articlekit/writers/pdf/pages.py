"""How many pages a PDF has, for the batch report and the edition build (pypdfium2, loaded on first use)."""

from __future__ import annotations


def page_count(pdf: bytes) -> int | None:
    """Pages of a PDF (``None`` when it cannot be read), for the report."""
    import pypdfium2

    try:
        doc = pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError:
        return None
    try:
        return len(doc)
    finally:
        doc.close()


__all__ = ["page_count"]
