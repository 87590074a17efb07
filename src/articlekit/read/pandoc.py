"""Running pandoc, the parser: Pandoc Markdown in, pandoc's JSON document tree out.

pandoc comes from ``pypandoc_binary``; no system installation is used.  It always
runs with ``--sandbox`` (it may read no file and fetch nothing), with its heap
capped through the GHC runtime (``+RTS -M``; the bundled binary accepts RTS
options) and with a timeout, so no source can make it run or grow without bound.
"""

from __future__ import annotations

import json
import subprocess
from functools import lru_cache
from typing import Any

#: Pandoc Markdown, without what articlekit does itself or refuses:
#: metadata comes only from the leading front matter, raw TeX is not HTML, and the
#: text is kept exactly as written (no smart quotes, no "@citations").  TeX math
#: (``$…$``, ``$$…$$``) is read, by pandoc's rules: "$5 and $10" stays text.
READER_FORMAT = "markdown-yaml_metadata_block-raw_tex-raw_attribute-smart-citations"

#: Seconds pandoc may take for a small source …
TIMEOUT_SECONDS = 120
#: … and for each further megabyte (pandoc reads about 100 KB of ordinary prose a second).
SECONDS_PER_MB = 30
#: Largest heap pandoc may use (a GHC RTS size).
MAX_HEAP = "2g"


class PandocFailed(Exception):
    """pandoc exited with an error, or did not finish in time."""


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def command(citations: bool = False) -> list[str]:
    """The pandoc command line articlekit runs (input on stdin, JSON on stdout).

    ``citations``: read ``[@key]`` as citations (an article with a bibliography).
    """
    fmt = READER_FORMAT.replace("-citations", "") if citations else READER_FORMAT
    return [pandoc_path(), "--sandbox", "-f", fmt, "-t", "json", "+RTS", f"-M{MAX_HEAP}", "-RTS"]


def timeout_for(text: str) -> float:
    """The time limit for parsing ``text``: generous for its size, never unbounded."""
    return TIMEOUT_SECONDS + SECONDS_PER_MB * len(text.encode("utf-8")) / 1048576


def parse_markdown(text: str, timeout: float | None = None, citations: bool = False) -> dict[str, Any]:
    """Parse Pandoc Markdown into pandoc's JSON document (``{"blocks": [...], ...}``)."""
    if timeout is None:
        timeout = timeout_for(text)
    try:
        proc = subprocess.run(command(citations), input=text.encode("utf-8"), capture_output=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        raise PandocFailed(
            f"pandoc did not finish within {timeout:g} s; the source may hold a construct it parses slowly "
            "(such as thousands of '<' or unclosed '[' in one paragraph)"
        ) from None
    except OSError as e:
        raise PandocFailed(f"cannot run pandoc: {e.strerror or e}") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        if proc.returncode == 251 or any("Heap exhausted" in m for m in msg):
            raise PandocFailed(f"pandoc ran out of its {MAX_HEAP} memory limit parsing this source")
        raise PandocFailed(msg[-1] if msg else f"pandoc exited with code {proc.returncode}")
    try:
        return json.loads(proc.stdout)
    except RecursionError:
        raise PandocFailed("the document is nested too deeply to be processed") from None
