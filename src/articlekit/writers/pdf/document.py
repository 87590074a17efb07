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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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
from ...tree import inline_children, stringify
from .backlinks import ARROW, SEPARATOR, first_on_each_page
from .breaks import (
    HYPHEN,
    NO_HYPHENS_NEEDED,
    WORD_JOINER,
    break_address,
    is_address,
    keep_dashes_attached,
    keep_hangul_words,
    names_doi,
    tie_last_words,
)
from .formulas import svg_image
from .measure import CellFaces
from .press import house_cell_faces
from .tables import (
    MEASURE_EM,
    WIDE_TABLE_COLUMNS,
    Column,
    asked_widths,
    column_groups,
    mark_tokens,
    measure_columns,
    percentages,
    share_out,
    split_columns,
)

#: The share of a landscape page's text block a split table's columns are grouped to by their least widths:
#: the rest is room for their text to spread into, so that no part is set with every word broken.
SPLIT_SHARE = 0.75

#: Longest running-head title, in characters, before it is shortened.
RUNNING_TITLE_MAX = 60


#: The title block's DOI link and its text.
_DOI_LINK = re.compile(r'(<p class="doi"><a [^>]*>)([^<]+)(</a>)')



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
                 ref_pages: Mapping[str, int] | None = None, faces: Callable[[], CellFaces] | None = None) -> None:
        super().__init__(article, options)
        self.ref_pages = ref_pages
        #: The column widths (percent) of each table whose columns are shared out by what they hold.
        self._shares: list[list[float]] = []
        #: The width of the text block in ems of the body type, which an upright table's columns share.
        self.measure_em = MEASURE_EM
        #: The landscape page's text block in ems of the body type: a table turned has that much room.
        self.wide_em = MEASURE_EM * 1.5
        #: What gives the faces table cells are set in (from the stylesheets; the house style's if not given).
        self._get_faces = faces
        self._faces: CellFaces | None = None

    @property
    def faces(self) -> CellFaces:
        """What the table cells are set in, asked for at the first table."""
        if self._faces is None:
            lang = self.article.metadata.lang
            self._faces = self._get_faces() if self._get_faces else house_cell_faces(lang, text_setting(lang))
        return self._faces

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
        """The shared table, its columns sized by what they hold (:mod:`.tables`); one of many columns ``wide``.

        A ``wide`` table (smaller type in print.css) whose columns, each as
        narrow as its widest part that cannot break, outgrow the text block is
        put on a landscape page of its own (``div.landscape``); one too wide
        even there is split into tables of the columns that fit.  Each table is
        ``measured``: its ``colgroup`` gives each column its share of the text
        block it is set in.
        """
        attr, *rest = mark_tokens(c)
        lang = self.article.metadata.lang
        wide = len(c[2]) >= WIDE_TABLE_COLUMNS
        if wide:
            attr = [attr[0], ["wide", *attr[1]], attr[2]]
        columns = measure_columns(c, self.faces, wide, lang)
        least = [column.least for column in columns]
        if not (wide and sum(least) > self.measure_em):
            return super().b_Table([self._measured(attr, columns, self.measure_em, asked_widths(c)), *rest], depth)
        parts = [[attr, *rest]]
        if sum(least) > self.wide_em:
            # Too wide even turned: split into tables of the columns that fit, each repeating the
            # first column (the rows' stub) and its head row, so no column is lost.
            parts = split_columns([attr, *rest], column_groups(least, SPLIT_SHARE * self.wide_em)) or parts
        tables = []
        for part in parts:
            part_attr = self._measured(part[0], measure_columns(part, self.faces, wide, lang), self.wide_em,
                                       asked_widths(c) if len(parts) == 1 else None)
            tables.append(super().b_Table([part_attr, *part[1:]], depth))
        return '<div class="landscape">\n{}\n</div>'.format("\n".join(tables))

    def _measured(self, attr: list[Any], columns: list[Column], room: float, asked: list[float] | None) -> list[Any]:
        """``attr`` marked ``measured``, with the columns' shares of ``room`` kept for :meth:`clean` to put in.

        The sanitiser allows no style: the table is marked, and its widths put in after it.
        """
        if not columns:
            return attr
        self._shares.append(percentages(share_out(columns, room, asked)))
        return [attr[0], [*attr[1], "measured", f"shares-{self._nonce}-{len(self._shares) - 1}"], attr[2]]

    def clean(self, html: str) -> str:
        """The shared cleaning, then each ``measured`` table given its ``colgroup``."""
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
            ref_pages = self.ref_pages
            refs = first_on_each_page(refs, lambda ref: ref_pages.get(ref[1]))
        many = len(note.ref_ids) > 1
        links = []
        for i, ref in refs:
            label = self.labels.back_to_reference(note.number, _letter(i) if many else None, parenthesised=True)
            links.append(f'<a class="backlink" href="#{ref}" role="doc-backlink" aria-label="{label}"></a>')
        pages = self.labels["pages" if len(links) > 1 else "page"]
        return f'<span class="backlinks">{ARROW}{pages}\u00a0{SEPARATOR.join(links)}</span>'

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




def text_setting(lang: str) -> str:
    """``justified`` where lines can be hyphenated (or need no hyphens, as in CJK), else ``ragged``.

    Justified text without hyphenation opens wide gaps between words, so a
    language without a hyphenation dictionary is set ragged right.
    """

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
                   ref_pages: Mapping[str, int] | None = None, measure_em: float = MEASURE_EM,
                   wide_em: float | None = None, faces: Callable[[], CellFaces] | None = None) -> PrintDocument:
    """The whole print HTML document.

    ``created`` is the W3C date-time stamped as the PDF's creation and
    modification date (the writer fixes it for reproducible output).
    ``ref_pages`` (reference id → page, from a first layout) makes each note
    list each page of its references once.  ``measure_em`` is the text block's
    width in ems of the body type (the page geometry's), which decides how a
    wide table is set; ``faces`` gives what table cells are set in, from the
    stylesheets the PDF is made with (:func:`.press.cell_faces`; the house
    style's if not given), asked for only if the article holds a table.
    """
    m = article.metadata
    title = m.title_text + (f": {m.subtitle_text}" if m.subtitle_text else "")
    run_title = shorten(m.title_text)
    run_authors = running_authors([p.name for p in m.authors], labels_for(article))
    desc = description(article)
    renderer = PrintRenderer(article, HtmlOptions(title_level=1, backlinks="end"), ref_pages, faces)
    renderer.measure_em = measure_em
    renderer.wide_em = wide_em or measure_em * 1.5
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
