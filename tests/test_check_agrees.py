"""``check`` and ``build`` agree: whatever a format can fail on, ``check`` has found first.

Every source in the project — the sample, and every fixture, those meant to be
refused included — is checked and then built in every format, the way a build's
worker does it (:func:`articlekit.batch.worker.render_job`, in this process):

- ``check`` refuses it  ⇒  ``build`` refuses it (no format is made);
- ``check --strict`` passes (no problem, no warning)  ⇒  every format is made;
- ``check`` passes with warnings  ⇒  the web page, the JATS and the EPUB are made,
  and the PDF is made exactly when no warning says the PDF cannot be (an image
  without alt text in a tagged PDF, a character no installed font can draw).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import articlekit
from articlekit.batch.worker import Job, render_job
from conftest import FIXTURES
from seed import SAMPLE
from validators import require_cjk_font

FORMATS = ("html", "jats", "epub", "pdf")
#: Codes of the warnings that predict the PDF's refusal (see reader.images_without_alt and glyphs).
PDF_WARNINGS = ("image-no-alt", "glyph-missing")


def every_source() -> list[Path]:
    return sorted({SAMPLE, *SAMPLE.parent.glob("*.md"), *FIXTURES.rglob("*.md")})


def _id(source: Path) -> str:
    return source.relative_to(FIXTURES).as_posix() if source.is_relative_to(FIXTURES) else source.name


@pytest.mark.parametrize("source", every_source(), ids=_id)
def test_check_passing_means_build_passing(source: Path) -> None:
    if "hangul" in source.name:
        require_cjk_font()
    checked = articlekit.check([source])
    strict = articlekit.check([source], strict=True)
    built = render_job(Job(source, FORMATS))
    made = {out.format for out in built.outputs if out.ok}
    problems = [p.text for p in built.problems] + [p.text for out in built.outputs for p in out.problems]
    if not checked.ok:
        assert made == set(), f"check refused it, but build made {made}"
        assert [str(e) for e in checked.errors] == [p.text for p in built.problems]
        return
    warnings = checked.results[0].warnings
    if strict.ok:
        assert made == set(FORMATS), f"check --strict passed, but build failed: {problems}"
        return
    assert {"html", "jats", "epub"} <= made, f"check passed, but build failed: {problems}"
    pdf_predicted = any(w.code in PDF_WARNINGS for w in warnings)
    assert ("pdf" not in made) == pdf_predicted, f"warnings {warnings}, build problems {problems}"


def test_the_sources_cover_each_kind() -> None:
    """The test above sees refused sources, warned ones, clean ones and ones whose PDF is predicted to fail."""
    names = {_id(s) for s in every_source()}
    assert {"broken/undefined-note.md", "errors/bad-date.md", "links/broken-anchors.md", "pdf/adlam.md",
            "pdf/no-alt.md", "jats/torture.md", "articles/kitchen-sink.md"} <= names
