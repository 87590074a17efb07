"""Runner for axe-core (Deque's accessibility engine) in headless Chromium.

``tests/axe_check.cjs`` drives Chromium through puppeteer-core, both from npm in
``.tools/`` (``scripts/test`` installs ``axe-core`` and ``puppeteer-core``; no
browser is downloaded), and checks every page in one browser launch: at a wide
and at a phone-sized viewport, with every axe-core rule that is neither
deprecated nor experimental — WCAG A, AA and AAA, best-practice, and those axe
leaves off by default such as target-size — and again in the dark colour scheme
with the rules that judge colour.  Chromium is ``PUPPETEER_EXECUTABLE_PATH``, else the
``chromium`` on the PATH.  Pages are loaded from ``file:`` URLs and any other
request is aborted, so a page that needs the network fails to render as meant.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from validators import ROOT, require
from validators_epub import chromium

NODE_MODULES = ROOT / ".tools/node_modules"
SCRIPT = Path(__file__).resolve().parent / "axe_check.cjs"


@dataclass(frozen=True)
class Violation:
    """One axe rule that failed on a page, with the elements it failed on."""

    rule: str
    impact: str | None
    help: str
    viewport: str
    scheme: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:8]) + (f", … ({len(self.targets)} in all)" if len(self.targets) > 8 else "")
        return f"{self.rule} ({self.impact}; {self.viewport}, {self.scheme}): {self.help} — {shown}"


def _selector(target: list[str | list[str]]) -> str:
    """axe's target: one CSS selector, or a path of them into frames and shadow roots."""
    return " >> ".join(t if isinstance(t, str) else " > ".join(t) for t in target)


def _installed() -> bool:
    return (NODE_MODULES / "axe-core/axe.min.js").is_file() and (NODE_MODULES / "puppeteer-core").is_dir()


def axe(paths: list[Path]) -> dict[Path, list[Violation]]:
    """Every violation axe-core reports, per page (empty: none), from one Chromium launch."""
    node, browser = shutil.which("node"), chromium()
    require("Node.js", node)
    require("axe-core and puppeteer-core (npm install --prefix .tools axe-core puppeteer-core)", _installed())
    require("Chromium (apt-get install chromium) for axe-core", browser)
    assert node is not None and browser is not None
    proc = subprocess.run(
        [node, str(SCRIPT), str(NODE_MODULES), browser, *map(str, paths)],
        capture_output=True, text=True, timeout=900,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"axe-core run failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    report = json.loads(proc.stdout)
    return {
        p: [
            Violation(
                rule=v["id"], impact=v.get("impact"), help=v["help"], viewport=v["viewport"], scheme=v["scheme"],
                targets=tuple(_selector(n["target"]) for n in v["nodes"]),
            )
            for v in report[str(p)]
        ]
        for p in paths
    }
