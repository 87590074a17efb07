"""Resource bounds: refuse, quickly and with a line number, what would take unbounded time or memory.

pandoc slows down badly on some inputs (10,000 nested block quotes take it
about 40 s, thousands of unclosed ``[`` in a paragraph never finish), and every
tree walker in Python, WeasyPrint's layout included, recurses once per level of
nesting.  So before pandoc runs, :func:`scan` reads the body line by line (in
linear time, without backtracking regular expressions) and refuses:

* block nesting deeper than :data:`MAX_NESTING` (block quotes, lists, fenced
  and HTML divs inside one another);
* more than :data:`MAX_OPEN_BRACKETS` ``[`` open at once in one paragraph;
* more than :data:`MAX_NOTES` notes, or :data:`MAX_NOTE_REFS` references.

After pandoc, :func:`tree_depth` measures the document tree without recursion
and the reader refuses one deeper than :data:`MAX_TREE_DEPTH`, which catches
whatever the line scan cannot see.  pandoc itself runs with a heap limit and a
timeout (:mod:`articlekit.read.pandoc`) as the last line of defence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: Largest source accepted by default (bytes); ``--max-size`` changes it.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

#: Deepest nesting of block containers (quotes, lists, divs) the line scan allows.
MAX_NESTING = 32
#: Most ``[`` that may be open at once in one paragraph.
MAX_OPEN_BRACKETS = 100
#: Most notes (definitions and inline notes) in one article.
MAX_NOTES = 10_000
#: Most note references in one article.
MAX_NOTE_REFS = 2 * MAX_NOTES
#: Deepest document tree accepted, counting a list as two levels (list and item)
#: and a table as four, roughly the depth of the HTML it becomes.
MAX_TREE_DEPTH = 80
#: Most characters in one paragraph (outside code blocks): about 80,000 words, far past any real one, and what
#: the print composer sets in a few seconds; a longer run of text is a conversion gone wrong, or an attack.
MAX_PARAGRAPH = 500_000

_BACKTICKS = re.compile(r"`+")
_CONTAINER = re.compile(r" {0,3}(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?")
_FENCED_DIV_OPEN = re.compile(r"^ {0,3}:{3,}[ \t]*[{\w]")
_FENCED_DIV_CLOSE = re.compile(r"^ {0,3}:{3,}[ \t]*$")
_HTML_CONTAINER = re.compile(
    r"<(/?)(div|span|section|blockquote|article|aside|details|figure|ul|ol|dl|table)(?![\w-])", re.IGNORECASE
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NOTE_DEF = re.compile(r"^ {0,3}\[\^[^\]\[\s]+\]:")
#: What the bracket count looks at: an escaped character, a note mark, a bracket.
_SPECIAL = re.compile(r"\\.|\[\^|\^\[|\[|\]")


@dataclass(frozen=True)
class Problem:
    """A bound exceeded, at a 1-based line and column of the scanned text."""

    message: str
    line: int
    col: int | None = None


def mask_code_spans(line: str) -> str:
    """``line`` with its inline code spans blanked out, in linear time.

    A run of N backticks opens a span that the next run of exactly N backticks
    closes (CommonMark's rule, within one line).
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    if len(runs) < 2:
        return line
    next_same: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        next_same[i] = last.get(length)
        last[length] = i
    parts: list[str] = []
    pos = 0
    i = 0
    while i < len(runs):
        j = next_same[i]
        if j is None:
            i += 1
            continue
        start, end = runs[i][0], runs[j][1]
        parts.append(line[pos:start])
        parts.append(" " * (end - start))
        pos = end
        i = j + 1
    parts.append(line[pos:])
    return "".join(parts)


def code_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it lies inside a fenced code block (the fences included)."""
    inside: list[bool] = []
    fence: str | None = None
    for line in lines:
        if fence is None:
            m = _FENCE.match(line)
            if m:
                fence = m.group(1)
                inside.append(True)
                continue
            inside.append(False)
        else:
            inside.append(True)
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}:
                fence = None
    return inside


def _indent(line: str) -> tuple[int, int]:
    """The visual width of a line's leading white space (tabs to 4) and its length in characters."""
    width = chars = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
        chars += 1
    return width, chars


def scan(body: str, first_line: int = 1) -> Problem | None:
    """The first bound the body exceeds, or ``None``; ``first_line`` is the body's line in the file."""
    lines = body.split("\n")
    div_depth = 0  # fenced divs open
    html_depth = 0  # HTML container elements open
    brackets = 0  # '[' open in the current paragraph
    notes = refs = 0
    # Content columns of the list items open, as in CommonMark: a marker indented
    # to an item's content column or further starts a list inside that item.
    items: list[int] = []
    after_blank = True
    paragraph, paragraph_line = 0, first_line  # characters of the paragraph so far, and its first line
    for i, (line, in_code) in enumerate(zip(lines, code_lines(lines), strict=True)):
        lineno = first_line + i
        if in_code:
            continue
        if not line.strip():
            brackets = 0
            after_blank = True
            paragraph = 0
            continue
        if paragraph == 0:
            paragraph_line = lineno
        paragraph += len(line) + 1
        if _FENCED_DIV_CLOSE.match(line):
            div_depth = max(0, div_depth - 1)
            continue
        if _FENCED_DIV_OPEN.match(line):
            div_depth += 1
        # Container markers at the start of the line ("> > - 1. text"), inside the items it is indented into.
        width, pos = _indent(line)
        first = _CONTAINER.match(line, pos)
        if (first and line[pos] != ">") or after_blank:
            while items and items[-1] > width:
                items.pop()
        prefix = len(items)
        if first and line[pos] != ">":
            items.append(width + first.end() - pos)
        after_blank = False
        while (m := _CONTAINER.match(line, pos)) and m.end() > pos:
            prefix += 1
            pos = m.end()
            if prefix + div_depth + html_depth > MAX_NESTING:
                return Problem(_nesting_message(prefix + div_depth + html_depth), lineno, m.start() + 1)
        text = mask_code_spans(line)
        for m in _HTML_CONTAINER.finditer(text):
            if m.group(1):
                html_depth = max(0, html_depth - 1)
            else:
                html_depth += 1
                if prefix + div_depth + html_depth > MAX_NESTING:
                    return Problem(_nesting_message(prefix + div_depth + html_depth), lineno, m.start() + 1)
        if prefix + div_depth + html_depth > MAX_NESTING:
            return Problem(_nesting_message(prefix + div_depth + html_depth), lineno, 1)
        definition = _NOTE_DEF.match(text)
        if definition:
            notes += 1
            if notes > MAX_NOTES:
                return Problem(_notes_message(), lineno, 1)
        for m in _SPECIAL.finditer(text, definition.end() if definition else 0):
            mark = m.group(0)
            if mark.startswith("\\"):
                continue
            if mark == "]":
                brackets = max(0, brackets - 1)
                continue
            brackets += 1
            if mark == "^[":  # an inline note: a note and its reference
                notes += 1
                refs += 1
            elif mark == "[^":
                refs += 1
            if brackets > MAX_OPEN_BRACKETS:
                return Problem(
                    f"more than {MAX_OPEN_BRACKETS} '[' open at once in one paragraph; "
                    "close them or write \\[ for a literal bracket", lineno, m.start() + 1)
            if notes > MAX_NOTES:
                return Problem(_notes_message(), lineno, m.start() + 1)
            if refs > MAX_NOTE_REFS:
                return Problem(f"more than {MAX_NOTE_REFS} note references; articlekit handles at most "
                               f"{MAX_NOTE_REFS} per article", lineno, m.start() + 1)
        if paragraph > MAX_PARAGRAPH:  # after the line's own bounds, which name a column
            return Problem(f"a paragraph of more than {MAX_PARAGRAPH:,} characters; articlekit sets at most "
                           f"{MAX_PARAGRAPH:,} in one paragraph: break it into paragraphs", paragraph_line, 1)
    return None


def _notes_message() -> str:
    return f"more than {MAX_NOTES} notes; articlekit handles at most {MAX_NOTES} per article"


def _nesting_message(depth: int) -> str:
    return (f"content nested {depth} levels deep (block quotes, lists or divs inside one another); "
            f"articlekit allows at most {MAX_NESTING}")


_WEIGHT = {"BulletList": 2, "OrderedList": 2, "DefinitionList": 2, "Table": 4}


def tree_depth(node: Any, limit: int = MAX_TREE_DEPTH) -> int:
    """The depth of a pandoc JSON tree (weighted as HTML), without recursion; stops past ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(node, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if "t" in item:
                depth += _WEIGHT.get(item["t"], 1)
                if depth > deepest:
                    deepest = depth
                    if deepest > limit:
                        return deepest
            stack.extend((v, depth) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth) for v in item)
    return deepest
