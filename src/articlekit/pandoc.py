"""Running pandoc, the parser: Pandoc Markdown in, pandoc's JSON document tree out.

pandoc comes from ``pypandoc_binary``; no system installation is used.  It always
runs with ``--sandbox`` (it may read no file and fetch nothing) and a timeout.
"""

from __future__ import annotations

import json
import subprocess
from functools import lru_cache
from typing import Any

#: Pandoc Markdown, without what articlekit does itself or refuses:
#: metadata comes only from the leading front matter, TeX is not HTML, and the
#: text is kept exactly as written (no smart quotes, no "@citations", no "$math$").
READER_FORMAT = "markdown-yaml_metadata_block-raw_tex-raw_attribute-smart-citations-tex_math_dollars"

TIMEOUT_SECONDS = 120


class PandocFailed(Exception):
    """pandoc exited with an error, or did not finish in time."""


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def parse_markdown(text: str, timeout: float = TIMEOUT_SECONDS) -> dict[str, Any]:
    """Parse Pandoc Markdown into pandoc's JSON document (``{"blocks": [...], ...}``)."""
    try:
        proc = subprocess.run(
            [pandoc_path(), "--sandbox", "-f", READER_FORMAT, "-t", "json", "+RTS", "-M2G", "-RTS"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PandocFailed(f"pandoc did not finish within {timeout:g} s") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PandocFailed(msg[-1] if msg else f"pandoc exited with code {proc.returncode}")
    return json.loads(proc.stdout)
