"""The first article's seed text, split into what every output must carry verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The publisher's plain-text export of the first article, copied into the repository (see its README).
SEED = ROOT / "tests" / "fixtures" / "seed" / "how-north-korea-controls-its-internet.txt"
SAMPLE = ROOT / "sources" / "how-north-korea-controls-its-internet.md"
SLUG = SAMPLE.stem


def _paragraphs() -> list[str]:
    return [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def note_texts() -> list[str]:
    """The ten note texts, in order, without their bracketed numbers."""
    return [re.sub(r"^\[\d+\]\s*", "", p) for p in _paragraphs() if re.match(r"^\[\d+\]", p)]


def body_paragraphs() -> list[str]:
    """Headings and paragraphs of the body, with the bracketed note markers removed."""
    paras = _paragraphs()
    body = paras[1 : paras.index(next(p for p in paras if p.startswith("Editors:")))]
    return [re.sub(r"\[\d+\]", "", p) for p in body]


def sentences() -> list[str]:
    """Every sentence of the body (split after . ? ! followed by a space), markers removed."""
    out: list[str] = []
    for p in body_paragraphs():
        out.extend(s for s in re.split(r"(?<=[.?!])\s+", p) if s.strip())
    return out


def normalise(text: str) -> str:
    """Collapse whitespace (keeping no-break spaces distinct) for containment checks."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()
