"""PDF/UA-1 checks with the ``pdfua`` package (PyPI), the JVM-free checker of the machine-checkable subset.

:func:`pdfua_check` runs every rule ``pdfua`` implements over one PDF and
sorts the outcome into :class:`PdfuaResult`:

- ``problems``: findings the tool is certain of, at any severity (its
  warnings include a missing ``pdfuaid`` claim or link description, which
  PDF/UA-1 does not allow either), and every rule that could not run: a rule
  that crashes has checked nothing, and a skipped rule must not pass as clean;
- ``manual``: findings the tool marks ``heuristic``.  ``pdfua`` documents
  these as questions for a person (an ``/Alt`` that is only whitespace, header
  cells tied to data cells only by ``/Headers``), not as violations of
  ISO 14289-1, so they do not fail a test; they are listed with the problems.

Without ``pdfua`` installed the calling test is skipped locally and fails in
CI (see :func:`validators.require`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from validators import require


@dataclass(frozen=True)
class PdfuaResult:
    """What ``pdfua`` said about one PDF, as printable lines."""

    problems: tuple[str, ...]
    manual: tuple[str, ...]
    rules_run: tuple[str, ...]

    def report(self) -> str:
        """Every problem and every manual-check question, one per line."""
        lines = [f"pdfua problem: {p}" for p in self.problems]
        lines += [f"pdfua manual check (not counted): {m}" for m in self.manual]
        return "\n".join(lines) or "pdfua: nothing found"


def has_array_crash() -> bool:
    """Whether this ``pdfua`` raises on a ``/K`` array when it looks for empty headings.

    pdfua 0.1.3 asks ``getattr(value, "is_integer", False)`` of every ``/K``
    entry; pikepdf answers attribute access on an array with ``ValueError``,
    not ``AttributeError``, so UA-14-001 ("no empty headings") stops at the
    first heading whose ``/K`` is an array (every heading WeasyPrint writes)
    and reports itself as skipped.  The replacement below decides the same
    rule with a correct number test; once the package is fixed, its own rule
    runs again.
    """
    import pikepdf
    from pdfua.document import as_integer

    try:
        as_integer(pikepdf.Array([0]))
    except ValueError:
        return True
    return False


def _registry() -> Any:
    """Every rule ``pdfua`` implements, with UA-14-001 repaired where it crashes."""
    import pikepdf
    from pdfua.rules import ALL_RULES, RuleRegistry
    from pdfua.rules.structure import EmptyHeadingRule

    if not has_array_crash():
        return RuleRegistry(ALL_RULES)

    def marks_content(node: object) -> bool:
        """True if ``node``'s ``/K`` chain reaches a marked-content id (``/MCID`` or ``/MCR``)."""
        if not isinstance(node, pikepdf.Dictionary):
            return False
        kid = node.get("/K")
        kids: Iterable[object] = kid if isinstance(kid, pikepdf.Array) else [kid]
        for item in kids:
            if isinstance(item, int) and not isinstance(item, bool):
                return True
            if isinstance(item, pikepdf.Dictionary) and (
                item.get("/Type") == pikepdf.Name("/MCR") or marks_content(item)
            ):
                return True
        return False

    class FixedEmptyHeadingRule(EmptyHeadingRule):
        @staticmethod
        def _has_text(element: Any) -> bool:
            return marks_content(element.obj)

    return RuleRegistry([FixedEmptyHeadingRule() if r.id == EmptyHeadingRule.id else r for r in ALL_RULES])


def pdfua_check(path: Path, *, as_shipped: bool = False) -> PdfuaResult:
    """Run ``pdfua`` over ``path``: every rule, repaired where it crashes unless ``as_shipped``."""
    require("pdfua (PyPI)", importlib.util.find_spec("pdfua"))
    from pdfua import Confidence, Validator, ValidatorOptions, default_registry

    registry = default_registry() if as_shipped else _registry()
    report = Validator(ValidatorOptions(registry=registry)).validate(str(path))
    problems: list[str] = []
    manual: list[str] = []
    for f in report.findings:
        line = f"{f.rule_id} {f.severity.name.lower()} at {f.location.describe()}: {f.message}"
        (manual if f.confidence is Confidence.HEURISTIC else problems).append(line)
    problems += [f"{o.rule_id} did not run: {o.skipped_reason}" for o in report.skipped]
    return PdfuaResult(tuple(problems), tuple(manual), tuple(o.rule_id for o in report.outcomes))
