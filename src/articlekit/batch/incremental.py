"""Incremental builds: skip an article whose outputs are up to date.

When an output is written, the manifest records what it was made from: the
SHA-256 of every input file (the source, its images, the stylesheet, the
``articlekit.toml``), a digest of the articlekit version, the format and the
options (:func:`~.worker.context_digest`), and the fingerprint of the libraries
that made it (:func:`articlekit.toolchain.fingerprint`).  An article is skipped when each of
its outputs is still the file articlekit wrote and each recorded input still
has the recorded content.  Contents, not modification times, decide: a file
copied with a new time is not rebuilt, a file edited within the same second is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import WARNING_CODES, ArticleWarning
from ..manifest import OutputFolder, sha256_file
from ..toolchain import fingerprint
from ..writers import get_format
from .worker import Job, context_digest


@dataclass
class Fingerprints:
    """SHA-256 of files, computed once per run for each (path, size, mtime)."""

    _known: dict[tuple[str, int, int], str] = field(default_factory=dict)

    def of(self, path: Path) -> str | None:
        try:
            st = path.stat()
        except OSError:
            return None
        key = (str(path), st.st_size, st.st_mtime_ns)
        if key not in self._known:
            try:
                self._known[key] = sha256_file(path)
            except OSError:
                return None
        return self._known[key]


def made_from(inputs: dict[str, str], fmt: str, job: Job, toolchain: str | None = None,
              warnings: list[ArticleWarning] | None = None) -> dict[str, Any]:
    """The manifest record of what one output was made from (``toolchain``: the worker's fingerprint).

    The article's warnings are kept too (each as :meth:`~articlekit.errors.ArticleWarning.as_dict`), so
    that a later build that skips the article still reports them.
    """
    record: dict[str, Any] = {
        "context": context_digest(fmt, job.options, job.strict),
        "inputs": {str(Path(p).resolve()): digest for p, digest in sorted(inputs.items())},
    }
    if toolchain is not None:
        record["toolchain"] = toolchain
    if warnings:
        record["warnings"] = [w.as_dict() for w in warnings]
    return record


def recorded_warnings(folder: OutputFolder, job: Job) -> list[ArticleWarning]:
    """The warnings the manifest kept for ``job``'s outputs, each once, in order.

    A record that is not a warning this version knows (an older manifest's, an unknown code) is left out.
    """
    found: dict[ArticleWarning, None] = {}
    for fmt in job.formats:
        entry = folder.entries.get(f"{job.source.stem}{get_format(fmt).extension}")
        for w in (entry.made_from or {}).get("warnings", []) if entry is not None else []:
            warning = _warning(w)
            if warning is not None:
                found.setdefault(warning)
    return list(found)


def _warning(record: object) -> ArticleWarning | None:
    """The warning a manifest record holds, or ``None`` for one that is not a known warning."""
    if not isinstance(record, dict) or record.get("code") not in WARNING_CODES:
        return None
    path, line, column, message = (record.get(k) for k in ("path", "line", "column", "message"))
    if not isinstance(path, str) or not isinstance(message, str):
        return None
    if not all(x is None or (isinstance(x, int) and not isinstance(x, bool)) for x in (line, column)):
        return None
    return ArticleWarning(Path(path), line, column, str(record["code"]), message)


def up_to_date(folder: OutputFolder, job: Job, fingerprints: Fingerprints) -> bool:
    """Whether every output of ``job`` is the file articlekit wrote, made from today's inputs."""
    if not job.source.is_file():
        return False
    for fmt in job.formats:
        target = folder.path / f"{job.source.stem}{get_format(fmt).extension}"
        entry = folder.entries.get(target.name)
        record = entry.made_from if entry is not None else None
        if not record or record.get("context") != context_digest(fmt, job.options, job.strict):
            return False
        if record.get("toolchain") != fingerprint(fmt):  # made by other library versions (or unknown ones)
            return False
        if fingerprints.of(target) != entry.sha256:  # type: ignore[union-attr]
            return False
        inputs = record.get("inputs") or {}
        if str(job.source.resolve()) not in inputs:
            return False
        for path, digest in inputs.items():
            if fingerprints.of(Path(path)) != digest:
                return False
    return True


__all__ = ["Fingerprints", "made_from", "recorded_warnings", "up_to_date"]
