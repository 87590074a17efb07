"""Runners for the real validators the tests judge outputs by.

Each returns the list of problems it found (empty means valid).  When a tool
cannot be found, :func:`require` skips the test *with the reason*; CI installs
every tool (see ``scripts/test``) and sets ``ARTICLEKIT_REQUIRE_VALIDATORS=1``
so that there a missing validator fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def require(what: str, found: object) -> None:
    """Skip (locally) or fail (in CI) when a validator is not installed."""
    if found:
        return
    msg = f"{what} is not installed; scripts/test installs it"
    if os.environ.get("ARTICLEKIT_REQUIRE_VALIDATORS"):
        pytest.fail(msg)
    pytest.skip(msg)


def vnu_jar() -> Path | None:
    """The Nu HTML checker jar from npm's vnu-jar (in .tools/ or VNU_JAR)."""
    candidates = [os.environ.get("VNU_JAR"), ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def nu_check(paths: list[Path], *, xhtml: bool = False) -> list[str]:
    """Run the W3C Nu HTML checker over ``paths``; every error and warning is a problem."""
    jar = vnu_jar()
    require("the Nu HTML checker (npm vnu-jar) and Java", jar and shutil.which("java"))
    args = ["java", "-Xss8m", "-jar", str(jar), "--format", "json", "--also-check-css"]
    if xhtml:
        args.append("--xhtml")
    proc = subprocess.run([*args, *map(str, paths)], capture_output=True, text=True, timeout=600)
    messages = json.loads(proc.stderr or '{"messages": []}')["messages"]
    return [
        f"{m.get('type')}/{m.get('subType', '')} line {m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") in ("error", "non-document-error") or m.get("subType") in ("warning", "fatal")
    ]


def require_cjk_font() -> None:
    """The Hangul tests need a font with Hangul glyphs on the system (fontconfig finds it)."""
    fc_list = shutil.which("fc-list")
    found = fc_list and subprocess.run([fc_list, ":lang=ko", "family"], capture_output=True, text=True).stdout.strip()
    require("a font with Hangul glyphs (Debian: fonts-noto-cjk)", found)
