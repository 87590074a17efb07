"""An article's body and notes as HTML, shared by the HTML, EPUB and PDF writers.

One function per pandoc node type, like pandoc's own writers.  Raw HTML from
the source passes through here only to be cleaned, with everything else, by
:func:`sanitise` (nh3, an allowlist): no script, no event handler, no ``style``
attribute, no ``javascript:`` or ``data:`` URL survives.

Headings are one level below their section's depth plus one (the article title
is ``h1``, top-level sections ``h2``).  Note references are ``<sup>`` clusters
of ``<a role="doc-noteref">`` links; the notes are an ordered list in a
``<section role="doc-endnotes">``, each with a back-link to every reference.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from html import escape
from typing import Any

import nh3

from ..labels import Labels, labels_for
from ..model import Article, Block, Inline, Note
from ..read.backmatter import is_acknowledgements
from ..read.citations import REFS_ID
from ..read.formulas import as_html, mathml_for
from ..read.safety import SAFE_LINK_SCHEMES, safe_link
from ..tree import stringify

# ---------------------------------------------------------------------------
# Sanitising

#: Elements the body may contain after cleaning.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby",
    "s", "samp", "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "lang", "dir", "title", "role", "aria-label", "aria-labelledby", "aria-describedby"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type", "reversed"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "ins": {"datetime"},
}


def sanitise(html: str) -> str:
    """Clean an HTML fragment against articlekit's allowlist."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math"},
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        link_rel=None,
        url_schemes=set(SAFE_LINK_SCHEMES),
        strip_comments=True,
    )


# ---------------------------------------------------------------------------
# Rendering

#: U+2060 WORD JOINER: forbids a line break where it stands and draws nothing.
WORD_JOINER = "\u2060"


@dataclass(frozen=True)
class HtmlOptions:
    """What differs between the HTML, EPUB and print renderings of the same body."""

    #: Heading level of the article title; top-level sections are one below it.
    title_level: int = 1
    #: Where a note's back-links go: "end" (the web) or "start" (e-readers' pop-ups).
    backlinks: str = "end"
    #: Maps an image ``src`` from the source to the URL the output uses.
    image_url: Callable[[str], str] | None = None
    #: Heading of the notes section; None for the article's language's word ("Notes", "Catatan").
    notes_heading: str | None = None


#: A raw ``<img>`` whose alt text names the link it stands in.
_NAMED_IMG = re.compile(r'<img\b[^>]*\balt="[^"]*[^"\s]')


def _attr(name: str, value: str | int | None) -> str:
    return "" if value is None or value == "" else f' {name}="{escape(str(value), quote=True)}"'


def _id_class(attr: list[Any], extra_classes: tuple[str, ...] = ()) -> str:
    ident, classes, kvs = attr
    out = _attr("id", ident)
    classes = [c for c in (*extra_classes, *classes) if c]
    if classes:
        out += _attr("class", " ".join(classes))
    for k, v in kvs:
        if k in ("lang", "dir", "title"):
            out += _attr(k, v)
    return out


class HtmlRenderer:
    """Renders pandoc blocks and inlines of one article to an HTML string."""

    def __init__(self, article: Article, options: HtmlOptions | None = None) -> None:
        self.article = article
        self.options = options or HtmlOptions()
        # Formulas are articlekit's own markup, which the sanitiser would strip (it allows no
        # MathML): each is rendered as a placeholder no source can forge, and put back by clean().
        self._nonce = secrets.token_hex(8)
        self._formulas: list[str] = []
        #: Inside a citation, a link to a reference-list entry is a ``doc-biblioref``.
        self._in_cite = False
        #: A reference list inside a section that already carries ``doc-bibliography``.
        self._in_bibliography = False

    def clean(self, html: str) -> str:
        """``html`` sanitised, with this renderer's formulas put in place of their placeholders."""
        cleaned = sanitise(html)
        if not self._formulas:
            return cleaned
        return re.sub(rf'<span class="math-{self._nonce}-(\d+)"></span>',
                      lambda m: self._formulas[int(m.group(1))], cleaned)

    def formula(self, node: Inline) -> str:
        """A formula's HTML: its MathML, ``alttext`` the TeX, ``display="block"`` for display math."""
        mathml = mathml_for(self.article.formulas, node)
        if mathml is None:
            return f'<span class="math">{escape(node["c"][1], quote=False)}</span>'
        return as_html(mathml)

    # -- inlines -----------------------------------------------------------

    def inlines(self, nodes: list[Inline] | None) -> str:
        return "".join(self.inline(n) for n in nodes or [])

    def inline(self, node: Inline) -> str:
        t, c = node["t"], node.get("c")
        method = getattr(self, f"i_{t}", None)
        if method is None:
            return ""
        return method(c)

    def i_Str(self, c: str) -> str:  # noqa: N802 - named after pandoc's node types
        return escape(c, quote=False)

    def i_Space(self, c: None) -> str:  # noqa: N802
        return " "

    def i_SoftBreak(self, c: None) -> str:  # noqa: N802
        return "\n"

    def i_LineBreak(self, c: None) -> str:  # noqa: N802
        return "<br>\n"

    def _wrap(self, tag: str, c: list[Inline]) -> str:
        return f"<{tag}>{self.inlines(c)}</{tag}>"

    def i_Emph(self, c: list[Inline]) -> str:  # noqa: N802
        return self._wrap("em", c)

    def i_Strong(self, c: list[Inline]) -> str:  # noqa: N802
        return self._wrap("strong", c)

    def i_Underline(self, c: list[Inline]) -> str:  # noqa: N802
        return self._wrap("u", c)

    def i_Strikeout(self, c: list[Inline]) -> str:  # noqa: N802
        return self._wrap("del", c)

    def i_Superscript(self, c: list[Inline]) -> str:  # noqa: N802
        return self._wrap("sup", c)

    def i_Subscript(self, c: list[Inline]) -> str:  # noqa: N802
        return self._wrap("sub", c)

    def i_SmallCaps(self, c: list[Inline]) -> str:  # noqa: N802
        return f'<span class="smallcaps">{self.inlines(c)}</span>'

    def i_Quoted(self, c: list[Any]) -> str:  # noqa: N802
        open_, close = ("\u201c", "\u201d") if c[0]["t"] == "DoubleQuote" else ("\u2018", "\u2019")
        return f"{open_}{self.inlines(c[1])}{close}"

    def i_Cite(self, c: list[Any]) -> str:  # noqa: N802
        saved, self._in_cite = self._in_cite, True
        try:
            return self.inlines(c[1])
        finally:
            self._in_cite = saved

    def i_Code(self, c: list[Any]) -> str:  # noqa: N802
        return f"<code{_id_class(c[0])}>{escape(c[1], quote=False)}</code>"

    def i_Math(self, c: list[Any]) -> str:  # noqa: N802
        self._formulas.append(self.formula({"t": "Math", "c": c}))
        return f'<span class="math-{self._nonce}-{len(self._formulas) - 1}"></span>'

    def i_RawInline(self, c: list[str]) -> str:  # noqa: N802
        return c[1] if c[0] == "html" else ""

    def i_Link(self, c: list[Any]) -> str:  # noqa: N802
        attr, content, (url, title) = c
        if not safe_link(url):
            return f"<span{_id_class(attr)}>{self.inlines(content)}</span>"
        href = escape(url, quote=True)
        inner, label = self.inlines(content), ""
        if not title and not stringify(content).strip() and not _NAMED_IMG.search(inner):
            # Nothing to read (no text, an image without alt): the address names the link.
            if inner:
                label = _attr("aria-label", url)
            else:
                inner = escape(url, quote=False)
        if self._in_cite and url.startswith("#ref-"):
            label += ' role="doc-biblioref"'
        return f'<a{_id_class(attr)} href="{href}"{_attr("title", title)}{label}>{inner}</a>'

    def image_url(self, src: str) -> str:
        return self.options.image_url(src) if self.options.image_url else src

    def i_Image(self, c: list[Any]) -> str:  # noqa: N802
        attr, alt, (src, title) = c
        size = "".join(_attr(k, v) for k, v in attr[2] if k in ("width", "height") and v.isdigit())
        return (
            f'<img{_id_class(attr)} src="{escape(self.image_url(src), quote=True)}"'
            f' alt="{escape(stringify(alt), quote=True)}"{_attr("title", title)}{size}>'
        )

    def i_Span(self, c: list[Any]) -> str:  # noqa: N802
        return f"<span{_id_class(c[0])}>{self.inlines(c[1])}</span>"

    def i_NoteRefs(self, c: list[dict[str, Any]]) -> str:  # noqa: N802
        """One ``<sup>`` per cluster of references ("6,7"), glued to what precedes it.

        A callout never starts a line: a U+2060 WORD JOINER opens the superscript,
        so no line can break before it (the joiner draws nothing).  Unicode line
        breaking already keeps "word¹", ".”¹" and "6,7" together, but not every
        engine applies it across the boundary of an element.
        """
        links = ",".join(
            f'<a href="#{r["note_id"]}" id="{r["ref_id"]}" role="doc-noteref"'
            f' aria-label="{escape(self.labels.note(r["number"]), quote=True)}">{r["number"]}</a>'
            for r in c
        )
        return f'<sup class="noteref">{WORD_JOINER}{links}</sup>'

    # -- blocks ------------------------------------------------------------

    def blocks(self, nodes: list[Block], depth: int = 0) -> str:
        return "\n".join(self.block(b, depth) for b in nodes)

    def block(self, node: Block, depth: int = 0) -> str:
        t, c = node["t"], node.get("c")
        method = getattr(self, f"b_{t}", None)
        if method is None:
            return ""
        return method(c, depth)

    def b_Plain(self, c: list[Inline], depth: int) -> str:  # noqa: N802
        return self.inlines(c)

    def b_Para(self, c: list[Inline], depth: int) -> str:  # noqa: N802
        return f"<p>{self.inlines(c)}</p>"

    def b_LineBlock(self, c: list[list[Inline]], depth: int) -> str:  # noqa: N802
        return '<div class="line-block">' + "<br>\n".join(self.inlines(line) for line in c) + "</div>"

    def b_CodeBlock(self, c: list[Any], depth: int) -> str:  # noqa: N802
        attr, text = c
        lang = next((cls for cls in attr[1] if cls), None)
        cls = _attr("class", f"language-{lang}") if lang else ""
        return f"<pre{_attr('id', attr[0])}><code{cls}>{escape(text, quote=False)}</code></pre>"

    def b_RawBlock(self, c: list[str], depth: int) -> str:  # noqa: N802
        return c[1] if c[0] == "html" else ""

    def b_BlockQuote(self, c: list[Block], depth: int) -> str:  # noqa: N802
        return f"<blockquote>\n{self.blocks(c, depth)}\n</blockquote>"

    def _items(self, items: list[list[Block]], depth: int) -> str:
        return "\n".join(f"<li>{self.blocks(item, depth)}</li>" for item in items)

    def b_OrderedList(self, c: list[Any], depth: int) -> str:  # noqa: N802
        (start, style, _delim), items = c
        kind = {"LowerAlpha": "a", "UpperAlpha": "A", "LowerRoman": "i", "UpperRoman": "I"}.get(style["t"])
        attrs = _attr("start", start if start != 1 else None) + _attr("type", kind)
        return f"<ol{attrs}>\n{self._items(items, depth)}\n</ol>"

    def b_BulletList(self, c: list[list[Block]], depth: int) -> str:  # noqa: N802
        return f"<ul>\n{self._items(c, depth)}\n</ul>"

    def b_DefinitionList(self, c: list[Any], depth: int) -> str:  # noqa: N802
        parts = []
        for term, defs in c:
            parts.append(f"<dt>{self.inlines(term)}</dt>")
            parts.extend(f"<dd>{self.blocks(d, depth)}</dd>" for d in defs)
        return "<dl>\n" + "\n".join(parts) + "\n</dl>"

    def heading_level(self, level: int) -> int:
        return min(6, self.options.title_level + level)

    def b_Header(self, c: list[Any], depth: int) -> str:  # noqa: N802
        level, attr, content = c
        if not content:
            return ""  # an empty heading names nothing; its section keeps the id
        h = self.heading_level(level)
        return f"<h{h}{_id_class(attr)}>{self.inlines(content)}</h{h}>"

    def b_HorizontalRule(self, c: None, depth: int) -> str:  # noqa: N802
        return "<hr>"

    def b_Div(self, c: list[Any], depth: int) -> str:  # noqa: N802
        attr, content = c
        if "section" in attr[1]:
            classes = [cls for cls in attr[1] if cls != "section"]
            # A section under an empty heading (which is left out) has no title: a plain <div>.
            untitled = bool(content) and content[0]["t"] == "Header" and not content[0]["c"][2]
            tag = "div" if untitled else "section"
            role = ""
            if not untitled and any(b["t"] == "Div" and b["c"][0][0] == REFS_ID for b in content):
                role, self._in_bibliography = ' role="doc-bibliography"', True
            elif not untitled and is_acknowledgements({"c": c}, self.labels["acknowledgements"]):
                role = ' role="doc-acknowledgments"'
            try:
                inner = self.blocks(content, depth + 1)
            finally:
                self._in_bibliography = False
            return f"<{tag}{_id_class([attr[0], classes, attr[2]])}{role}>\n{inner}\n</{tag}>"
        role = ' role="doc-bibliography"' if attr[0] == REFS_ID and not self._in_bibliography else ""
        return f"<div{_id_class(attr)}{role}>\n{self.blocks(content, depth)}\n</div>"

    def b_Figure(self, c: list[Any], depth: int) -> str:  # noqa: N802
        attr, caption, content = c
        cap = self.caption(caption)
        body = self.blocks(content, depth)
        figcaption = f"<figcaption>{cap}</figcaption>\n" if cap else ""
        return f"<figure{_id_class(attr)}>\n{body}\n{figcaption}</figure>"

    def caption(self, caption: list[Any]) -> str:
        _short, blocks = caption
        if len(blocks) == 1 and blocks[0]["t"] in ("Para", "Plain"):
            return self.inlines(blocks[0]["c"])
        return self.blocks(blocks)

    def _cell(self, tag: str, cell: list[Any], aligns: list[str], col: int, scope: str | None) -> str:
        attr, align, rowspan, colspan, content = cell
        align = align["t"] if align["t"] != "AlignDefault" else aligns[col] if col < len(aligns) else "AlignDefault"
        cls = {"AlignLeft": "align-left", "AlignRight": "align-right", "AlignCenter": "align-center"}.get(align)
        a = _id_class(attr, (cls,) if cls else ())
        a += _attr("rowspan", rowspan if rowspan > 1 else None) + _attr("colspan", colspan if colspan > 1 else None)
        a += _attr("scope", scope)
        if len(content) == 1 and content[0]["t"] == "Plain":
            inner = self.inlines(content[0]["c"])
        else:
            inner = self.blocks(content)
        return f"<{tag}{a}>{inner}</{tag}>"

    def _rows(self, rows: list[Any], aligns: list[str], header: bool, row_heads: int = 0) -> str:
        out = []
        for attr, cells in rows:
            parts = []
            col = 0
            for i, cell in enumerate(cells):
                if header:
                    parts.append(self._cell("th", cell, aligns, col, "col"))
                elif i < row_heads:
                    parts.append(self._cell("th", cell, aligns, col, "row"))
                else:
                    parts.append(self._cell("td", cell, aligns, col, None))
                col += cell[3]
            out.append(f"<tr{_id_class(attr)}>{''.join(parts)}</tr>")
        return "\n".join(out)

    def b_Table(self, c: list[Any], depth: int) -> str:  # noqa: N802
        attr, caption, colspecs, head, bodies, foot = c
        aligns = [spec[0]["t"] for spec in colspecs]
        parts = [f"<table{_id_class(attr)}>"]
        cap = self.caption(caption)
        if cap:
            parts.append(f"<caption>{cap}</caption>")
        if head[1]:
            parts.append(f"<thead>\n{self._rows(head[1], aligns, True)}\n</thead>")
        for body in bodies:
            battr, row_heads, inter, rows = body
            parts.append(f"<tbody{_id_class(battr)}>")
            if inter:
                parts.append(self._rows(inter, aligns, True))
            parts.append(self._rows(rows, aligns, False, row_heads))
            parts.append("</tbody>")
        if foot[1]:
            parts.append(f"<tfoot>\n{self._rows(foot[1], aligns, False)}\n</tfoot>")
        parts.append("</table>")
        return "\n".join(parts)

    # -- notes -------------------------------------------------------------

    def backlinks(self, note: Note) -> str:
        many = len(note.ref_ids) > 1
        links = []
        for i, ref in enumerate(note.ref_ids):
            mark = "\u21a9\ufe0e" + (f"<sup>{ref_letter(i)}</sup>" if many else "")
            # "1, a" and not "1 (a)": the visible letter must be a word of the link's name.
            label = self.labels.back_to_reference(note.number, ref_letter(i) if many else None)
            links.append(f'<a href="#{ref}" role="doc-backlink" aria-label="{label}">{mark}</a>')
        return " ".join(links)

    def note_item(self, note: Note) -> str:
        back = self.backlinks(note)
        if self.options.backlinks == "start":
            # Inside the note's first paragraph, so the links open the note's text.
            body = self.blocks(note.blocks)
            if body.startswith("<p>"):
                return f'<li id="{note.id}"><p>{back} {body[len("<p>"):]}</li>'
            return f'<li id="{note.id}">{back} {body}</li>'
        body = self.blocks(note.blocks)
        if body.endswith("</p>"):
            body = body[: -len("</p>")] + f" {back}</p>"
        else:
            body += f"<p>{back}</p>"
        return f'<li id="{note.id}">{body}</li>'

    @cached_property
    def labels(self) -> Labels:
        """articlekit's own words in the article's language."""
        return labels_for(self.article)

    def notes_heading(self) -> str:
        """The notes heading's HTML: the option's words, else the catalogue's, marked when in another language."""
        if self.options.notes_heading is not None:
            return escape(self.options.notes_heading)
        word = escape(self.labels["notes"])
        return f'<span lang="{self.labels.mark}">{word}</span>' if self.labels.mark else word

    def notes(self) -> str:
        """The endnotes section, or an empty string when the article has no notes."""
        if not self.article.notes:
            return ""
        h = self.heading_level(1)
        items = "\n".join(self.note_item(n) for n in self.article.notes)
        # The author's own heading over the definitions, when there was one, names the notes.
        title = self.article.notes_title
        heading = self.inlines(title) if title else self.notes_heading()
        return (
            f'<section id="notes" class="endnotes" role="doc-endnotes" aria-labelledby="notes-heading">\n'
            f'<h{h} id="notes-heading">{heading}</h{h}>\n<ol>\n{items}\n</ol>\n</section>'
        )


def ref_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(97 + r) + letters
    return letters


def render_body(article: Article, options: HtmlOptions | None = None) -> str:
    """The article body as a sanitised HTML fragment (sections, no title, no notes)."""
    renderer = HtmlRenderer(article, options)
    return renderer.clean(renderer.blocks(article.body))


def render_notes(article: Article, options: HtmlOptions | None = None) -> str:
    """The endnotes section as a sanitised HTML fragment ('' when there are none)."""
    renderer = HtmlRenderer(article, options)
    return renderer.clean(renderer.notes())


def render_inlines(article: Article, inlines: list[Inline] | None) -> str:
    """Inline content (a title, a subtitle) as sanitised HTML."""
    renderer = HtmlRenderer(article)
    return renderer.clean(renderer.inlines(inlines))


def render_blocks(article: Article, blocks: list[Block] | None) -> str:
    """Block content (an abstract) as sanitised HTML."""
    renderer = HtmlRenderer(article)
    return renderer.clean(renderer.blocks(blocks or []))


__all__ = [
    "ALLOWED_TAGS", "HtmlOptions", "HtmlRenderer", "render_blocks", "render_body", "render_inlines",
    "render_notes", "sanitise",
]
