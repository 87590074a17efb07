"""Shared fixtures: the sample article, built once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
