"""Shared fixtures: the sample article, built once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from seed import ROOT, SAMPLE

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_cli(*args: str | Path, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m articlekit`` as a user would, capturing its output (``env`` added to the environment)."""
    return subprocess.run(
        [sys.executable, "-m", "articlekit", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=600,
        env={**os.environ, **env} if env else None,
    )


@pytest.fixture(scope="session")
def sample_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    proc = run_cli("build", SAMPLE.parent, "-t", "html", "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out / f"{SAMPLE.stem}.html"


@dataclass(frozen=True)
class InPlace:
    """One print run's edit in place (``press.set_again_in_place``): notes edited, pages made again, pages."""

    notes: int
    remade: int
    pages: int


@pytest.fixture
def in_place(monkeypatch: pytest.MonkeyPatch) -> list[InPlace]:
    """Each edit the print runs of the test make in place, recorded as it is made (none: a second layout)."""
    from articlekit.writers.pdf import press

    made: list[InPlace] = []
    set_again_in_place = press.set_again_in_place

    def record(layout: Any, constraints: Any, edited: Iterable[Any] = ()) -> None:
        edited = list(edited)
        set_again_in_place(layout, constraints, edited)
        made.append(InPlace(len(edited), layout.remade, len(layout.pages)))

    monkeypatch.setattr(press, "set_again_in_place", record)
    return made
