"""The Jinja2 environment for articlekit's templates (autoescaping on)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)


def trusted(html: str) -> Markup:
    """Mark HTML as safe for a template: only for articlekit's own, already sanitised output."""
    return Markup(html)  # noqa: S704 - callers pass nh3-sanitised or articlekit-generated markup
