"""The print edition as one HTML document, ready for WeasyPrint and ``print.css``.

The body and notes come from the shared renderer (:mod:`.html_body`), so the
print edition carries the same text, the same note numbers and the same ids as
the web page.  What differs for paper:

* the shared title block (:mod:`articlekit.render.title_block`), carrying data
  for the running heads (a shortened title and the authors), which
  ``print.css`` copies into the page margins with ``string-set``;
* each note's back-links show the page of the reference they lead to
  (``target-counter``), since a reader of paper cannot click;
* headings that carry a note reference get the plain text as ``aria-label``,
  which ``print.css`` uses as the PDF bookmark label, so no note number
  reaches the outline.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

import pyphen

from ..._version import __version__
from ...labels import Labels, labels_for
from ...model import NOTE_REFS, Article, Note
from ...read.formulas import is_display, mathml_for
from ...render.html_body import HtmlOptions, HtmlRenderer
from ...render.html_body import ref_letter as _letter
from ...render.summary import description
from ...render.title_block import TitleBlockOptions, joined, render_title_block
from ...render.title_block import title_block as shared_title_block
from ...tree import inline_children, iter_table_rows, stringify
from .formulas import svg_image

#: Languages that justify without hyphenation: lines may break between characters.
NO_HYPHENS_NEEDED = frozenset({"ko", "ja", "zh", "th", "lo", "km", "my"})

#: Longest running-head title, in characters, before it is shortened.
RUNNING_TITLE_MAX = 60


#: Dashes a line should not begin with.
DASHES = ("\u2014", "\u2013")
#: U+2060 WORD JOINER: forbids a line break, draws nothing and is not extracted as text.
WORD_JOINER = "\u2060"
#: U+200B ZERO WIDTH SPACE: allows a line break, draws nothing and is not extracted as text.
BREAK_HERE = "\u200b"
#: A hard hyphen between a letter and a digit ("mid-1990s"), where Unicode line breaking forbids a break.
_HYPHEN_BEFORE_DIGIT = re.compile(r"(?<=[^\W\d_]-)(?=\d)")
_NBSP = {"t": "Str", "c": "\u00a0"}
#: U+2010 HYPHEN. Book faces draw it and the hyphen-minus with one glyph, and a PDF maps a glyph back to
#: one character: a single U+2010 in the text would make every hyphen copy and search as U+2010.
HYPHEN = "\u2010"
#: Where an address may break: after / . ? & = # (never between the slashes of "//"), not at its end.
_ADDRESS_BREAK = re.compile(r"(?<=[/.?&=#])(?=[^/\s])")
#: A DOI written out as link text ("10.1016/j.x.2021.123").
_DOI_TEXT = re.compile(r"^10\.\d{4,9}/\S+$")
#: Where a DOI resolves.
_DOI_RESOLVERS = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")
#: The title block's DOI link and its text.
_DOI_LINK = re.compile(r'(<p class="doi"><a [^>]*>)([^<]+)(</a>)')
#: Tables with this many columns or more are set smaller (``table.wide`` in print.css).
WIDE_TABLE_COLUMNS = 6
#: The limits a wide table is shrunk within: no word of up to this many characters is broken
#: (longer ones are hyphenated), at table.wide's type, whose characters and cell padding are about
#: this wide in ems of the body type, in the text block page.py aims at (32 ems; narrower on a small
#: trim, and the writer gives the page's own).  A table whose columns need more goes on a landscape
#: page of its own (``.landscape``, ``@page wide``).
UNBROKEN_WORD = 8
_CHAR_EM, _CELL_EM, _MEASURE_EM = 0.37, 0.6, 32.0
#: Widest character of a token (figures are tabular, capitals wide) and of code, and a word's character
#: (the head's are bold) where the column widths are shared out, in ems of the body type.
_TOKEN_CHAR_EM, _CODE_CHAR_EM, _WORD_CHAR_EM = 0.48, 0.4, 0.42
#: A word of fewer characters than this is not hyphenated in a cell, nor closer than this to its ends
#: (``hyphenate-limit-chars`` of th and td in print.css).
_CELL_HYPHEN_WORD, _CELL_HYPHEN_SIDE = 5, 2
#: Where a token in a table cell may break: after / = & ?, after a hyphen between letters or figures
#: ("avx512-64GB"), after a period before a letter ("benchmarks.run"); never inside a number ("13.2").
_TOKEN_BREAK = re.compile(r"(?<=[/=&?])(?=[^\W_])|(?<=[^\W_]-)(?=[^\W_])|(?<=[^\W\d_]\.)(?=[^\W\d_])")
#: The hyphens an option opens with ("-O3", "--suite"): a line may not break after them.
_LEADING_HYPHENS = re.compile(r"(?<!\S)(-+)(?=[^\W_])")
#: Class of a token in a table cell: never hyphenated (print.css).
TOKEN_CLASS = "cell-token"  # noqa: S105 - a class name


def is_token(word: str) -> bool:
    """Whether a word of a table cell is a token, not a word: an identifier, a version, an option.

    It holds a letter and a figure or one of ``_ = / & ?``, or opens with a hyphen
    ("x86_64-zen4", "gcc-13.2", "-flto").  Hyphenating one would put a hyphen in
    it that is not there, and a break at an arbitrary letter would change it.
    """
    return any(ch.isalpha() for ch in word) and (
        word.startswith("-") or any(ch.isdigit() or ch in "_=/&?" for ch in word))


def break_token(text: str) -> str:
    """``text`` with a zero-width space at each of its tokens' break points and none after an opening hyphen."""
    def one(match: re.Match[str]) -> str:
        word = match[0]
        if not is_token(word):
            return word
        word = _LEADING_HYPHENS.sub(lambda m: WORD_JOINER.join(m[1]) + WORD_JOINER, word)
        return _TOKEN_BREAK.sub(BREAK_HERE, word)
    return re.sub(r"\S+", one, text)


@cache
def _hyphenator(lang: str) -> pyphen.Pyphen | None:
    """The hyphenation dictionary WeasyPrint sets ``lang`` with, or None (no hyphenation)."""
    found = pyphen.language_fallback(lang.replace("-", "_")) if lang and lang not in NO_HYPHENS_NEEDED else None
    return pyphen.Pyphen(lang=found, left=_CELL_HYPHEN_SIDE, right=_CELL_HYPHEN_SIDE) if found else None


def _word_part(word: str, lang: str) -> int:
    """How many characters of ``word`` a cell's line must hold: its longest part between hyphens or breaks."""
    dic = _hyphenator(lang)
    widest = 0
    for part in re.split(r"(?<=[^\W\d_]-)(?=[^\W\d_])", word):  # a hard hyphen between letters
        if dic is None or len(part) < _CELL_HYPHEN_WORD:
            widest = max(widest, len(part))
            continue
        cuts = [0, *dic.positions(part), len(part)]
        widest = max(widest, *(end - start + (end < len(part)) for start, end in itertools.pairwise(cuts)))
    return widest


def _cell_needs(inlines: list[Any], lang: str, fit: bool) -> float:
    """How wide (ems of the body type) a cell's content needs its column: its widest part that cannot break.

    With ``fit`` false, the coarse limit the landscape cutoff was set by: a
    word is counted up to :data:`UNBROKEN_WORD` characters.  With ``fit`` true,
    each word to its longest part between hyphenation points, for sharing out
    the columns of a table set upright.
    """
    need = 0.0
    for node in inlines:
        t, c = node.get("t"), node.get("c")
        if t == "Code":
            need = max(need, *(len(part) * _CODE_CHAR_EM for w in c[1].split()
                               for part in break_token(w).replace(WORD_JOINER, "").split(BREAK_HERE)), 0)
            continue
        if t != "Str":
            need = max(need, _cell_needs(inline_children(node) or [], lang, fit))
            continue
        for word in c.split():
            if is_token(word) or any(ch.isdigit() for ch in word):
                # never hyphenated: as wide as its longest part between break points
                parts = break_token(word).replace(WORD_JOINER, "").split(BREAK_HERE)
                need = max(need, *(len(part) * _TOKEN_CHAR_EM for part in parts))
            elif fit:
                need = max(need, _word_part(word, lang) * _WORD_CHAR_EM)
            else:
                need = max(need, min(len(word), UNBROKEN_WORD) * _CHAR_EM)
    return need


def column_needs(table: list[Any], lang: str = "", fit: bool = False) -> list[float]:
    """How wide (ems of the body type) each column of a table needs to be, cell padding included.

    A word may be hyphenated, so a column needs room for its first
    :data:`UNBROKEN_WORD` characters (with ``fit``, its longest part between
    hyphenation points in ``lang``); a token (see :func:`is_token`) or code is
    broken only at its break points, so a column needs room for its longest part.
    """
    _attr, _caption, colspecs, head, bodies, foot = table
    widest = [0.0] * len(colspecs)
    for _row_attr, cells in iter_table_rows(head, bodies, foot):
        col = 0
        for cell in cells:
            span = cell[3]
            if span == 1 and col < len(widest):
                for block in cell[4]:
                    if block.get("t") in ("Plain", "Para"):
                        widest[col] = max(widest[col], _cell_needs(block["c"], lang, fit))
            col += span
    return [w + _CELL_EM for w in widest]


def needs_landscape(table: list[Any]) -> bool:
    """Whether a table's columns, each as wide as its longest part that cannot break, outgrow the text block."""
    return sum(column_needs(table)) > _MEASURE_EM


def shared_widths(needs: Sequence[float], measure: float = _MEASURE_EM) -> list[float] | None:
    """Each column's share (percent) of a table set in the text block, or None when equal shares fit every column.

    A column that needs more than an equal share gets what it needs, and the
    room left over is shared out equally.
    """
    if not needs or max(needs) <= measure / len(needs):
        return None
    spare = (measure - sum(needs)) / len(needs)
    return [round(100 * (need + spare) / measure, 2) for need in needs]


def _mark_tokens(inlines: list[Any]) -> list[Any]:
    """A cell's inlines with each token in a ``span.cell-token``, its break points marked; code likewise broken."""
    out: list[Any] = []
    for node in inlines:
        t, c = node.get("t"), node.get("c")
        if t == "Str" and is_token(c):
            node = {"t": "Span", "c": [["", [TOKEN_CLASS], []], [{"t": "Str", "c": break_token(c)}]]}
        elif t == "Code":
            node = {"t": "Code", "c": [c[0], break_token(c[1])]}
        elif t in ("Emph", "Strong", "Underline", "SmallCaps", "Strikeout", "Superscript", "Subscript"):
            node = {"t": t, "c": _mark_tokens(c)}
        elif t == "Span":
            node = {"t": t, "c": [c[0], _mark_tokens(c[1])]}
        out.append(node)
    return out


def mark_tokens(table: list[Any]) -> list[Any]:
    """A copy of a table whose cells' tokens and code may break only at their break points (see :func:`break_token`)."""
    attr, caption, colspecs, head, bodies, foot = deepcopy(table)
    for _row_attr, cells in iter_table_rows(head, bodies, foot):
        for cell in cells:
            cell[4] = [{"t": b["t"], "c": _mark_tokens(b["c"])} if b.get("t") in ("Plain", "Para") else b
                       for b in cell[4]]
    return [attr, caption, colspecs, head, bodies, foot]


def break_address(text: str) -> str:
    """``text`` (a URL or DOI) with a zero-width space after each / . ? & = # where a line may break.

    Unicode line breaking offers almost no break inside an address, so a long one
    runs past the measure, or, with ``overflow-wrap: anywhere``, breaks at any
    letter.  After these characters a break keeps its parts readable, and no
    hyphen is added (which a reader could take for part of the address); the
    zero-width space draws nothing and is not extracted with the text.
    """
    return _ADDRESS_BREAK.sub(BREAK_HERE, text)


def names_doi(text: str, target: str) -> bool:
    """Whether a link's text is a DOI and its target that DOI at a resolver (``https://doi.org/…``)."""
    lower = target.lower()
    return bool(_DOI_TEXT.match(text)) and any(lower.startswith(r) and target[len(r):] == text for r in _DOI_RESOLVERS)


def is_address(text: str, target: str) -> bool:
    """Whether a link's text is an address: its own target, a URL or a DOI."""
    return text in (target, target.removeprefix("mailto:")) or text.startswith(("http://", "https://")) \
        or bool(_DOI_TEXT.match(text))


#: Hangul jamo, compatibility jamo and syllables.
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
_HANGUL_PAIR = re.compile(f"(?<=[{_HANGUL}])(?=[{_HANGUL}])")


def keep_hangul_words(text: str) -> str:
    """``text`` with a word joiner between adjacent Hangul letters, so Korean breaks only between words.

    Korean is spaced between words and, like ``word-break: keep-all``, is not
    broken inside one.  WeasyPrint does not implement ``keep-all``, and line
    breaking by Unicode rules allows a break between any two syllables.
    """
    return _HANGUL_PAIR.sub(WORD_JOINER, text)


def keep_dashes_attached(inlines: list[Any]) -> list[Any]:
    """A copy of ``inlines`` in which no line can start with a dash.

    A closed dash ("Internet”—which") gets a word joiner before it; a spaced one
    ("digitally – report") gets a word joiner between the space and the dash, so
    the dash ends the line rather than opening the next one.  A hard hyphen before a digit
    ("mid-1990s") gets a zero-width space after it: Unicode line breaking keeps
    "-1990" together as a negative number, which leaves a justified line loose.
    """
    out: list[Any] = []
    skip = -1
    for i, node in enumerate(inlines):
        t = node.get("t")
        nxt = inlines[i + 1] if i + 1 < len(inlines) else None
        if t == "Space" and nxt and nxt.get("t") == "Str" and nxt["c"].startswith(DASHES):
            # The space stays a normal (justifiable) space; the word joiner after it forbids the
            # break (UAX #14, LB11).  A no-break space instead would make WeasyPrint hyphenate the
            # word before it and leave its first half alone on a line.
            out.append(node)
            out.append({"t": "Str", "c": WORD_JOINER + keep_dashes_attached([nxt])[0]["c"]})
            skip = i + 1
            continue
        if i == skip:
            continue
        if t == "Str":
            text = re.sub(rf"(?<=\S)(?=[{''.join(DASHES)}])", WORD_JOINER, node["c"])
            text = _HYPHEN_BEFORE_DIGIT.sub(BREAK_HERE, text)
            prev = out[-1] if out else None
            after_word = prev is not None and prev.get("t") not in ("Space", "SoftBreak", "LineBreak") and prev != _NBSP
            if text.startswith(DASHES) and after_word:
                text = WORD_JOINER + text
            node = {"t": "Str", "c": text}
        out.append(node)
    return out


def print_formula(article: Article, node: Any) -> str:
    """A formula as print sets it: drawn as SVG, its TeX the alternative text (WeasyPrint sets no MathML)."""
    mathml = mathml_for(article.formulas, node)
    if mathml is None:  # only in an article built by hand: the reader refuses such TeX
        return f'<span class="math">{escape(node["c"][1], quote=False)}</span>'
    return svg_image(mathml, node["c"][1], is_display(node))


class TitleRenderer(HtmlRenderer):
    """The shared renderer with the print edition's formulas, for the title block's title and abstract."""

    def formula(self, node: Any) -> str:
        return print_formula(self.article, node)


def _strip_spaces(nodes: list[Any]) -> list[Any]:
    """``nodes`` without the spaces and line breaks at either end."""
    blank = ("Space", "SoftBreak", "LineBreak")
    start, end = 0, len(nodes)
    while start < end and nodes[start].get("t") in blank:
        start += 1
    while end > start and nodes[end - 1].get("t") in blank:
        end -= 1
    return nodes[start:end]


class PrintRenderer(HtmlRenderer):
    """The shared renderer with print-specific headings, dashes and note back-links.

    ``ref_pages`` maps each reference id to the page it was laid out on, when a
    first layout has told; the back-links then list each page once.  The
    justified paragraphs are set by the composer when the document is laid out
    (:mod:`.paragraphs`), not here.
    """

    def __init__(self, article: Article, options: HtmlOptions | None = None,
                 ref_pages: Mapping[str, int] | None = None) -> None:
        super().__init__(article, options)
        self.ref_pages = ref_pages
        #: The column widths (percent) of each table whose columns are shared out by need.
        self._shares: list[list[float]] = []
        #: The width of the text block in ems of the body type, which a wide table's columns share.
        self.measure_em = _MEASURE_EM

    def b_Para(self, c: list[Any], depth: int) -> str:  # noqa: N802 - named after pandoc's node types
        """A paragraph; one holding display formulas is set as its text, each formula's block, the rest of its text.

        A formula is a block of its own in print: were it a block inside the
        paragraph, the text after it would open with the paragraph's indent.
        """
        cuts = [i for i, node in enumerate(c) if node.get("t") == "Math" and is_display(node)]
        if not cuts:
            return self._paragraph(c)
        out: list[str] = []
        for start, end in itertools.pairwise([-1, *cuts, len(c)]):
            if start >= 0:
                out.append(f'<div class="math-display">{self.inline(c[start])}</div>')
            text = _strip_spaces(c[start + 1:end])
            if text:
                out.append(self._paragraph(text))
        return "\n".join(out)

    def _paragraph(self, c: list[Any]) -> str:
        return f"<p>{self.inlines(c)}</p>"

    def inlines(self, nodes: list[Any] | None) -> str:
        return super().inlines(keep_dashes_attached(nodes or []))

    def formula(self, node: Any) -> str:
        return print_formula(self.article, node)

    def i_Str(self, c: str) -> str:  # noqa: N802 - named after pandoc's node types
        return super().i_Str(keep_hangul_words(c))

    def b_CodeBlock(self, c: list[Any], depth: int) -> str:  # noqa: N802
        """The shared code block, each source line a ``span.line``: print.css hangs the continuation of a long one."""
        html = super().b_CodeBlock(c, depth)
        start = html.index(">", html.index("<code")) + 1
        end = html.rindex("</code>")
        lines = html[start:end].split("\n")
        return html[:start] + "".join(f'<span class="line">{line}\n</span>' for line in lines) + html[end:]

    def b_Table(self, c: list[Any], depth: int) -> str:  # noqa: N802
        """The shared table; one of many columns gets the class ``wide`` (smaller type in print.css).

        One that even so needs more than the text block is put on a landscape
        page of its own (``div.landscape``).
        """
        attr, *rest = mark_tokens(c)
        if len(c[2]) >= WIDE_TABLE_COLUMNS:
            attr = [attr[0], ["wide", *attr[1]], attr[2]]
            needs = column_needs(c, self.article.metadata.lang, fit=True)
            if sum(column_needs(c)) > self.measure_em or sum(needs) > self.measure_em:
                return f'<div class="landscape">\n{super().b_Table([attr, *rest], depth)}\n</div>'
            widths = shared_widths(needs, self.measure_em)
            if widths:
                # The columns shared out by need (table.wide is laid out fixed, in equal columns otherwise):
                # the sanitiser allows no style, so the table is marked and its widths put in by clean().
                self._shares.append(widths)
                mark = f"shares-{self._nonce}-{len(self._shares) - 1}"
                attr = [attr[0], [*attr[1], mark], attr[2]]
        return super().b_Table([attr, *rest], depth)

    def clean(self, html: str) -> str:
        """The shared cleaning, then each table whose columns are shared out given its ``colgroup``."""
        cleaned = super().clean(html)
        if not self._shares:
            return cleaned

        def colgroup(m: re.Match[str]) -> str:
            cols = "".join(f'<col style="width: {w}%">' for w in self._shares[int(m[3])])
            return f'<table class="{m[1]}">{m[4]}<colgroup>{cols}</colgroup>'
        return re.sub(rf'<table class="([^"]*?)( shares-{self._nonce}-(\d+))">(\n?(?:<caption>.*?</caption>\n?)?)',
                      colgroup, cleaned, flags=re.S)

    def i_NoteRefs(self, c: list[dict[str, Any]]) -> str:  # noqa: N802
        """The shared cluster, with word joiners after its commas too: WeasyPrint may break after one."""
        return super().i_NoteRefs(c).replace("</a>,<a ", f"</a>,{WORD_JOINER}<a ")

    def b_Header(self, c: list[Any], depth: int) -> str:  # noqa: N802 - named after pandoc's node types
        level, attr, content = c
        html = super().b_Header([level, attr, tie_last_words(content)], depth)
        if _has_note_refs(content):
            h = self.heading_level(level)
            label = escape(stringify(content), quote=True)
            html = html.replace(f"<h{h}", f'<h{h} aria-label="{label}"', 1)
        return html

    def i_Link(self, c: list[Any]) -> str:  # noqa: N802
        """A link; one whose text is its address or the DOI it resolves is ``bare``: print.css does not repeat it.

        A DOI written out names its resolver's address: printing that address
        after it would only repeat the DOI as a longer unbreakable run.
        """
        attr, content, target = c
        text = stringify(content)
        if text and (text in (target[0], target[0].removeprefix("mailto:")) or names_doi(text, target[0])):
            attr = [attr[0], [*attr[1], "bare"], attr[2]]
        if text and " " not in text and all(n.get("t") == "Str" for n in content) and is_address(text, target[0]):
            # Broken only after / . ? & = and never hyphenated (``a.address`` in print.css).
            attr = [attr[0], [*attr[1], "address"], attr[2]]
            content = [{"t": "Str", "c": break_address(text)}]
        return super().i_Link([attr, content, target])

    def backlinks(self, note: Note) -> str:
        """"↑ p. 3" or "↑ pp. 2, 4": one link per page holding a reference, showing that page (print.css).

        Before layout every reference gets its link.  With ``ref_pages`` known,
        a page holding several references of the note is listed once, its link
        leading to the first of them.  The arrow is tied to "p." and the first
        page by no-break spaces, and the whole group to the note's last word
        (see :meth:`note_item`).
        """
        refs = list(enumerate(note.ref_ids))
        if self.ref_pages is not None:
            first_on_page: dict[int | None, tuple[int, str]] = {}
            for i, ref in refs:
                first_on_page.setdefault(self.ref_pages.get(ref), (i, ref))
            refs = list(first_on_page.values())
        many = len(note.ref_ids) > 1
        links = []
        for i, ref in refs:
            label = self.labels.back_to_reference(note.number, _letter(i) if many else None, parenthesised=True)
            links.append(f'<a class="backlink" href="#{ref}" role="doc-backlink" aria-label="{label}"></a>')
        pages = self.labels["pages" if len(links) > 1 else "page"]
        return f'<span class="backlinks">\u2191\u00a0{pages}\u00a0{", ".join(links)}</span>'

    def note_item(self, note: Note) -> str:
        """A note whose back-links cannot sit alone on a line: a word joiner ties them to its last word.

        The space stays a space and the joiner after it forbids the break (UAX #14,
        LB11); a no-break space instead makes WeasyPrint hyphenate a word far back
        in the line and leave its first half alone ("digit-" / "ally – report").
        """
        item = super().note_item(note)
        back = self.backlinks(note)
        return item.replace(f" {back}</p>", f" {WORD_JOINER}{back}</p>", 1)


def _has_note_refs(inlines: list[Any]) -> bool:
    for node in inlines:
        if node.get("t") == NOTE_REFS:
            return True
        kids = inline_children(node)
        if kids and _has_note_refs(kids):
            return True
    return False


def tie_last_words(inlines: list[Any], limit: int = 16) -> list[Any]:
    """A copy of ``inlines`` whose last two words are joined by a no-break space.

    Keeps a title or heading from ending in a single short word on a line of its
    own.  Only done when the heading has at least four words and the joined
    tail is short enough not to force an early break.
    """
    spaces = [i for i, node in enumerate(inlines) if node.get("t") in ("Space", "SoftBreak")]
    if len(spaces) < 3:
        return inlines
    last = spaces[-1]
    tail = stringify(inlines[spaces[-2] + 1:])
    if len(tail) > limit:
        return inlines
    return [*inlines[:last], {"t": "Str", "c": "\u00a0"}, *inlines[last + 1:]]


def text_setting(lang: str) -> str:
    """``justified`` where lines can be hyphenated (or need no hyphens, as in CJK), else ``ragged``.

    Justified text without hyphenation opens wide gaps between words, so a
    language without a hyphenation dictionary is set ragged right.
    """
    import pyphen

    primary = lang.lower().split("-")[0]
    if primary in NO_HYPHENS_NEEDED or pyphen.language_fallback(lang.replace("-", "_")):
        return "justified"
    return "ragged"


def shorten(text: str, limit: int = RUNNING_TITLE_MAX) -> str:
    """A running-head form of a title: the part before a colon, else cut at a word with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text.split(": ", 1)[0]
    if len(head) <= limit:
        return head
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–—-")
    return cut + "\u2026"


def running_authors(names: Sequence[str], words: Labels) -> str:
    """Authors for a running head: one or two names listed as the language lists people, else "First et al."."""
    if len(names) > 2:
        return f"{names[0]} et al."
    return joined(names, words)


@dataclass(frozen=True)
class PrintDocument:
    """The print HTML and the plain-text metadata that goes with it."""

    html: str
    title: str
    running_title: str
    running_authors: str
    description: str


def title_block(article: Article, image_src: str | None, running_title: str, authors: str) -> str:
    """The first-page header: the shared title block, with the running-head data print.css reads.

    The title and subtitle have their last two words tied, so neither ends in a lone word.
    """
    block = shared_title_block(article, inline_filter=tie_last_words, renderer=TitleRenderer)
    options = TitleBlockOptions(
        css_class="title-block",
        show_picture=image_src is not None,
        image_url=lambda _src: image_src or "",
        attributes={"data-running-title": running_title, "data-running-authors": authors},
    )
    html = render_title_block(block, options).strip()
    # The DOI's address breaks where the body's addresses do (see break_address).
    return _DOI_LINK.sub(lambda m: m[1] + break_address(m[2]) + m[3], html)


def _meta(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{escape(content, quote=True)}">'


def print_document(article: Article, *, created: str, image_src: str | None = None,
                   ref_pages: Mapping[str, int] | None = None, measure_em: float = _MEASURE_EM) -> PrintDocument:
    """The whole print HTML document.

    ``created`` is the W3C date-time stamped as the PDF's creation and
    modification date (the writer fixes it for reproducible output).
    ``ref_pages`` (reference id → page, from a first layout) makes each note
    list each page of its references once.  ``measure_em`` is the text block's
    width in ems of the body type (the page geometry's), which decides how a
    wide table is set.
    """
    m = article.metadata
    title = m.title_text + (f": {m.subtitle_text}" if m.subtitle_text else "")
    run_title = shorten(m.title_text)
    run_authors = running_authors([p.name for p in m.authors], labels_for(article))
    desc = description(article)
    renderer = PrintRenderer(article, HtmlOptions(title_level=1, backlinks="end"), ref_pages)
    renderer.measure_em = measure_em
    body = renderer.clean(renderer.blocks(article.body))
    notes = renderer.clean(renderer.notes())
    head = [
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        *(_meta("author", p.name) for p in m.authors),
        _meta("description", desc) if desc else "",
        _meta("keywords", ", ".join(m.keywords)) if m.keywords else "",
        _meta("generator", f"articlekit {__version__}"),
        _meta("dcterms.created", created),
        _meta("dcterms.modified", created),
    ]
    html = "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{escape(m.lang, quote=True)}" class="{text_setting(m.lang)}">',
        "<head>",
        *(h for h in head if h),
        "</head>",
        "<body>",
        '<article class="article">',
        title_block(article, image_src, run_title, run_authors),
        '<div class="article-body">',
        body,
        "</div>",
        notes,
        "</article>",
        "</body>",
        "</html>",
        "",
    ]).replace(HYPHEN, "-")  # the glyph both share, copied as the hyphen-minus everywhere (see HYPHEN)
    return PrintDocument(html=html, title=title, running_title=run_title, running_authors=run_authors,
                         description=desc)


__all__ = ["PrintDocument", "PrintRenderer", "print_document", "running_authors", "shorten", "title_block"]
