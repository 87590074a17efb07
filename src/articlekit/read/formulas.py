"""TeX math: each formula read once, as the source is read, into MathML every format serialises.

pandoc gives ``$…$`` and ``$$…$$`` as ``Math`` nodes (``InlineMath`` /
``DisplayMath``) holding the TeX as written.  :func:`convert` turns each into
MathML with latex2mathml and records it in a map keyed by ``(display, tex)``
(:attr:`articlekit.model.Article.formulas`), so no writer parses TeX again: the
web page and the EPUB print the MathML, the JATS wraps it in ``<mml:math>``
beside the ``<tex-math>``, and the print edition draws it (see
:mod:`articlekit.writers.pdf.formulas`).

latex2mathml is forgiving: it turns an unknown command into a letter
(``<mi>\\foo</mi>``), an unclosed ``{`` into nothing and a stray ``}`` into a
character.  Such a formula would print garbled in every format, so those are
errors here too, each with the line and column of its opening ``$``, reported
with every other problem of the article.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import ArticleError
from ..tree import all_nodes

MATHML_NS = "http://www.w3.org/1998/Math/MathML"

#: Longest formula accepted (characters of TeX), and deepest nesting of braces:
#: latex2mathml recurses once per group, so deeper input would exhaust the stack.
MAX_TEX_CHARS = 4000
MAX_BRACE_DEPTH = 40

_UNKNOWN_COMMAND = re.compile(r"^\\[A-Za-z]+\*?$")

#: Binary operators and relations (TeX's Bin and Rel atoms) an author may type as characters:
#: ``$2×100$`` rather than ``$2 \times 100$``.  latex2mathml makes each an identifier, ``<mi>×</mi>``,
#: which a MathML renderer sets with no space around it ("2×100"); as ``<mo>`` it gets the
#: operator's space on each side, as TeX gives it.
OPERATOR_CHARACTERS = frozenset("×÷±∓·⋅−∗∘∙⊕⊖⊗⊘∧∨∩∪∖≤≥≦≧≠≈≡≢∼≃≅≍∝≪≫≺≻⪯⪰∈∉∋⊂⊃⊆⊇⊊⊋→←↔⇒⇐⇔↦⟶⟵⟷⟹⟸⟺∣∤∥⊥⊢⊨")

#: What latex2mathml's exceptions mean, in the author's terms.
_EXCEPTIONS = {
    "MissingSuperScriptOrSubscriptError": "a ^ or _ has nothing after it",
    "ExtraLeftOrMissingRightError": "a \\left has no matching \\right",
    "MissingEndError": "a \\begin{…} has no matching \\end{…}",
    "NoAvailableTokensError": "a command is missing its argument",
    "DenominatorNotFoundError": "a fraction has no denominator",
    "NumeratorNotFoundError": "a fraction has no numerator",
    "DoubleSubscriptsError": "a double subscript (x_a_b): group it, x_{a_b}",
    "DoubleSuperscriptsError": "a double superscript (x^a^b): group it, x^{a^b}",
    "InvalidAlignmentError": "an invalid column alignment",
    "InvalidStyleForGenfracError": "an invalid style for \\genfrac",
    "InvalidWidthError": "an invalid width",
    "LimitsMustFollowMathOperatorError": "\\limits must follow an operator such as \\sum",
}


class FormulaError(ValueError):
    """A formula that cannot be read; the message says why, in the author's terms."""


def _check_braces(tex: str) -> None:
    depth = 0
    i = 0
    while i < len(tex):
        ch = tex[i]
        if ch == "\\":
            i += 2  # an escaped character (\{, \}, \\) is never a group
            continue
        if ch == "{":
            depth += 1
            if depth > MAX_BRACE_DEPTH:
                raise FormulaError(f"groups {{…}} are nested more than {MAX_BRACE_DEPTH} levels deep")
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise FormulaError("a '}' closes no '{'")
        i += 1
    if depth:
        raise FormulaError("a '{' is never closed" if depth == 1 else f"{depth} '{{' are never closed")


@lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool) -> str:
    """The MathML of one formula, as an XML string with its namespace, ``alttext`` the TeX.

    Raises :class:`FormulaError` when the TeX cannot be read.
    """
    from latex2mathml import converter

    if len(tex) > MAX_TEX_CHARS:
        raise FormulaError(f"the formula is {len(tex)} characters long, over the limit of {MAX_TEX_CHARS}")
    _check_braces(tex)
    # latex2mathml knows amsmath's align* but not aligned, the same rows inside a formula.
    source = tex.strip().replace(r"\begin{aligned}", r"\begin{align*}").replace(r"\end{aligned}", r"\end{align*}")
    try:
        mathml = converter.convert(source, display="block" if display else "inline")
    except RecursionError:
        raise FormulaError("the formula is nested too deeply") from None
    except (IndexError, KeyError, ValueError, TypeError, AttributeError) as e:  # latex2mathml's own or its faults
        raise FormulaError(_EXCEPTIONS.get(type(e).__name__, "the formula cannot be read")) from None
    except Exception as e:  # its own exception types derive from Exception only
        if type(e).__module__.startswith("latex2mathml"):
            raise FormulaError(_EXCEPTIONS.get(type(e).__name__, "the formula cannot be read")) from None
        raise
    # Its align* puts 2em between a row's two sides, which read as one expression.
    mathml = mathml.replace('columnspacing="0em 2em"', 'columnspacing="0em 0.3em"')
    try:
        root = etree.fromstring(mathml.encode())
    except etree.XMLSyntaxError:  # what it copied through unconverted, such as a bare &
        raise FormulaError("an '&' outside an alignment (\\begin{aligned} … \\end{aligned})" if "&" in source
                           else "the formula cannot be read") from None
    for el in root.iter():
        text = (el.text or "").strip()
        if _UNKNOWN_COMMAND.match(text):
            raise FormulaError(f"unknown TeX command {text}")
    for el in root.iter(f"{{{MATHML_NS}}}mi"):
        if not len(el) and el.text is not None and el.text.strip() in OPERATOR_CHARACTERS:
            el.tag = f"{{{MATHML_NS}}}mo"
            el.text = el.text.strip()
    for el in root.iter(f"{{{MATHML_NS}}}mo"):
        if not len(el) and not (el.text or "").strip() and el.get("fence") is None:
            raise FormulaError("a command produced an empty operator (such as \\operatorname* or a lone \\left.)")
    # Said even when inline, MathML's default: ziamath would otherwise set the formula in display style.
    root.set("display", "block" if display else "inline")
    root.set("alttext", tex.strip())
    return etree.tostring(root, encoding="unicode")


def is_display(node: dict[str, Any]) -> bool:
    """Whether a pandoc ``Math`` node is display math (``$$…$$``)."""
    return bool(node["c"][0]["t"] == "DisplayMath")


def _where(text: str, tex: str, display: bool, start: int) -> tuple[int | None, int | None, int]:
    """Line, column (1-based) of the ``$`` that opens ``tex`` at or after ``start``, and where to look next."""
    opener = "$$" if display else "$"
    pos = text.find(opener + tex, start)
    if pos < 0:  # pandoc trims display math: look for its first line
        first = tex.strip().split("\n", 1)[0]
        pos = text.find(first, start)
        if pos >= 0:
            pos = max(text.rfind(opener, 0, pos), 0)
    if pos < 0:
        return None, None, start
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1, pos + 1


#: The MathML of each formula, keyed by whether it is display math and its TeX.
Formulas = dict[tuple[bool, str], str]


def convert(path: Path, text: str, body_start: int, *trees: Any) -> tuple[Formulas, list[ArticleError]]:
    """The MathML of every formula in ``trees`` (body, notes, front matter fields), and one error per bad one.

    ``text`` is the whole source and ``body_start`` where its body begins, to
    place each error at its formula's opening ``$``.  A formula written several
    times is converted once; each bad occurrence is reported where it stands.
    """
    formulas: Formulas = {}
    errors: list[ArticleError] = []
    cursor: dict[tuple[bool, str], int] = {}
    for tree in trees:
        for node in all_nodes(tree):
            if node["t"] != "Math":
                continue
            key = (is_display(node), node["c"][1])
            try:
                formulas[key] = to_mathml(key[1], key[0])
            except FormulaError as e:
                line, col, cursor[key] = _where(text, key[1], key[0], cursor.get(key, body_start))
                shown = key[1].strip().replace("\n", " ")
                shown = shown if len(shown) <= 40 else shown[:39] + "…"
                mark = "$$" if key[0] else "$"
                errors.append(ArticleError(path, f"TeX formula {mark}{shown}{mark} cannot be read: {e}", line, col))
    return formulas, errors


def mathml_for(formulas: Formulas, node: dict[str, Any]) -> str | None:
    """The MathML of a ``Math`` node, from the map the reader made.

    An article built by hand rather than read has no map: its formulas are
    converted now, and one that cannot be read gives ``None`` (the reader
    refuses such a formula, so a writer then falls back to the TeX as text).
    """
    key = (is_display(node), node["c"][1])
    found = formulas.get(key)
    if found is not None:
        return found
    try:
        return to_mathml(key[1], key[0])
    except FormulaError:
        return None


def as_html(mathml: str) -> str:
    """MathML as HTML writes it: every element closed by its end tag (HTML parsers know no ``/>`` here)."""
    return etree.tostring(etree.fromstring(mathml.encode()), method="html", encoding="unicode")
