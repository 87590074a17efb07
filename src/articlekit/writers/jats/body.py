"""An article's body and notes as JATS 1.3 elements (lxml), for the JATS writer.

One handler per pandoc node type, like pandoc's own writers, but the output is
an element tree: well-formed by construction, and every element is put only
where the JATS 1.3 DTDs (Publishing and Archiving alike) allow it.

* Each inline container has the set of inline elements it may hold
  (:data:`INLINE_CHILDREN`).  Inside a wrapper the set narrows to what both the
  wrapper and its container allow, so a link never ends up inside a link.  An
  element that is not allowed where it stands becomes its content (a link in a
  verse line keeps its text and its URL as text), except note callouts and
  pictures, which are *hoisted* to just after the nearest enclosing element
  that may hold them (a callout inside a link's text follows the link).
* Each block container has the set of block elements it may hold
  (:data:`BLOCK_CHILDREN`); any other block is wrapped in a ``<p>``, which may
  hold every one of them (a table in a list item, a code block in a note).
* Content after a subsection belongs to that subsection, so a ``<sec>`` never
  precedes paragraphs of its parent.
* A heading outside the section structure (in a quote, a list item, a note, an
  abstract) becomes ``<p content-type="heading"><bold>…</bold></p>``.
* Nothing is empty: empty paragraphs, list items, emphasis and captions are
  left out.  Raw HTML and horizontal rules have no JATS counterpart and are
  dropped.  Text that XML cannot carry (control characters) is an error.

Elements are built detached and attached to their container only once they are
complete and known to have content; that is what keeps empty elements out.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from ...errors import ArticleError
from ...labels import labels_for
from ...model import NOTE_REFS, Article, Block, Inline
from ...read.backmatter import DATA_AVAILABILITY_ID, is_acknowledgements
from ...read.citations import REFS_ID
from ...read.formulas import mathml_for
from ...read.safety import safe_link
from ...tree import inline_children, stringify
from ..elements import append_text, unwrap
from .references import ref_list
from .xml import (
    BLOCK_CHILDREN,
    HREF,
    INLINE_CHILDREN,
    NOT_XML,
    VOID,
    XLINK_TITLE,
    XML_LANG,
    Element,
    IdRegistry,
    has_content,
    mathml_element,
    new,
)

_LIST_TYPES = {
    "Decimal": "order", "DefaultStyle": "order", "Example": "order",
    "LowerAlpha": "alpha-lower", "UpperAlpha": "alpha-upper",
    "LowerRoman": "roman-lower", "UpperRoman": "roman-upper",
}
#: pandoc's face markup and the JATS element for each.
_FACE_TAGS = {
    "Emph": "italic", "Strong": "bold", "Underline": "underline", "Strikeout": "strike",
    "Superscript": "sup", "Subscript": "sub", "SmallCaps": "sc",
}
_ALIGN = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}
_LANG_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


def note_refs_in(nodes: list[Inline]) -> list[Inline]:
    """Every note-reference cluster under ``nodes``, in reading order."""
    found: list[Inline] = []
    for n in nodes:
        if n.get("t") == NOTE_REFS:
            found.append(n)
            continue
        children = inline_children(n)
        if children:
            found.extend(note_refs_in(children))
    return found


def _ordinal(n: int, style: str) -> str:
    if style in ("LowerAlpha", "UpperAlpha"):
        letters = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            letters = chr(97 + r) + letters
        return letters.upper() if style == "UpperAlpha" else letters
    if style in ("LowerRoman", "UpperRoman") and 0 < n < 4000:
        out = ""
        for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                               (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
            while n >= value:
                out += numeral
                n -= value
        return out.upper() if style == "UpperRoman" else out
    return str(n)


# ---------------------------------------------------------------------------
# The renderer

InlineHandler = Callable[[Element, Any, frozenset[str], Inline], None]
BlockHandler = Callable[[Element, Any], None]


class JatsRenderer:
    """Renders the pandoc blocks and inlines of one article into JATS elements.

    Per-run state: the id registry, the internal links waiting for their
    targets, and the stack of callouts and pictures being hoisted.
    """

    def __init__(self, article: Article, ids: IdRegistry | None = None) -> None:
        self.article = article
        self.ids = ids or IdRegistry()
        self.note_ids = {n.number: self.ids.reserve(n.id) for n in article.notes}
        self._hoist: list[list[Inline]] = []
        #: The reference list, taken out of the body for ``<back>`` (see :mod:`.references`).
        self.ref_list: Element | None = None
        #: ``<ack>`` and the data availability ``<sec>``, taken out of the body for ``<back>``.
        self.back_matter: list[Element] = []
        self._links: list[tuple[Element, str]] = []
        self._inline: dict[str, InlineHandler] = {
            "LineBreak": self._line_break,
            "Emph": self._face, "Strong": self._face, "Underline": self._face, "Strikeout": self._face,
            "Superscript": self._face, "Subscript": self._face, "SmallCaps": self._face,
            "Quoted": self._quoted, "Cite": self._cite, "Code": self._code, "Math": self._math,
            "RawInline": self._nothing, "Link": self._link, "Image": self._image, "Span": self._span,
            NOTE_REFS: self._note_refs, "Note": self._unnumbered_note,
        }
        self._block: dict[str, BlockHandler] = {
            "Plain": self._plain, "Para": self._para, "Header": self._heading, "Div": self._div,
            "BlockQuote": self._quote, "BulletList": self._bullet_list, "OrderedList": self._ordered_list,
            "DefinitionList": self._definition_list, "CodeBlock": self._code_block, "LineBlock": self._line_block,
            "Table": self._table, "Figure": self._figure,
            "HorizontalRule": self._skip, "RawBlock": self._skip, "Null": self._skip,
        }

    # -- errors and text ----------------------------------------------------

    def error(self, message: str, line: int | None = None) -> ArticleError:
        return ArticleError(self.article.path, message, line)

    def text(self, value: str) -> str:
        """``value``, checked to be text XML can carry."""
        bad = NOT_XML.search(value)
        if bad:
            raise self.error(
                f"the character U+{ord(bad.group()):04X} cannot be written to JATS XML"
                f" (in {value[max(0, bad.start() - 20): bad.start() + 20]!r}); remove it from the source"
            )
        return value

    # -- entry points -------------------------------------------------------

    def body(self) -> Element:
        """``<body>``: the lede, then the sections (empty when the article has no text)."""
        body = new("body")
        self.blocks(body, self.article.body)
        return body

    def notes(self, title: str = "Notes") -> Element | None:
        """``<fn-group>`` with one ``<fn id="fnN"><label>N</label><p>…`` per note, in number order.

        Its ``<title>`` is the author's notes heading when the source has one, else ``title``.
        """
        if not self.article.notes:
            return None
        group = new("fn-group")
        heading = etree.SubElement(group, "title")
        if self.article.notes_title:  # the author's own heading over the definitions
            self.inlines_into(heading, self.article.notes_title)
        else:
            heading.text = title
        for note in self.article.notes:
            fn = etree.SubElement(group, "fn", id=note.id)
            etree.SubElement(fn, "label").text = str(note.number)
            self.blocks(fn, note.blocks)
            if len(fn) == 1:
                raise self.error(f"note {note.number} has no text that JATS can carry", note.line)
        return group

    def inlines_into(self, container: Element, nodes: list[Inline] | None) -> None:
        """Render inlines into an inline container (``p``, ``title``, ``td`` …)."""
        saved, self._hoist = self._hoist, []
        try:
            self.inlines(container, nodes or [], INLINE_CHILDREN[container.tag])
        finally:
            self._hoist = saved

    def blocks(self, container: Element, blocks: list[Block]) -> None:
        for b in blocks:
            handler = self._block.get(b.get("t", ""))
            if handler is None:
                raise self.error(f"pandoc block {b.get('t')!r} has no JATS equivalent in this version of articlekit")
            handler(container, b.get("c"))

    def resolve_links(self, root: Element) -> None:
        """Point internal links at their targets, once the whole article is built.

        A link goes to the first element the source gave that id and that made it
        into the output; a link to anything else keeps only its text.
        """
        present = {el.get("id") for el in root.iter() if el.get("id")}
        for xref, wanted in self._links:
            found = next((t for t in self.ids.targets(wanted) if t[0] in present), None)
            if found is None:
                unwrap(xref)
            else:
                xref.set("ref-type", found[1])
                xref.set("rid", found[0])
        self._links = []

    # -- placing blocks -----------------------------------------------------

    def attach(self, container: Element, el: Element) -> None:
        """Put a complete block element into ``container``, where the DTD allows it.

        In ``body`` and ``sec``, content that follows a subsection goes into that
        subsection; elsewhere a block the container may not hold is wrapped in ``<p>``.
        """
        if el.tag != "sec":
            while container.tag in ("body", "sec") and len(container) and container[-1].tag == "sec":
                container = container[-1]
        allowed = BLOCK_CHILDREN[container.tag]
        if el.tag not in allowed:
            if "p" not in allowed:
                raise AssertionError(f"<{el.tag}> cannot be placed in <{container.tag}>")
            container = etree.SubElement(container, "p")
        container.append(el)

    def _attach_if_content(self, container: Element, el: Element) -> None:
        if has_content(el) or el.tag in VOID:
            self.attach(container, el)

    # -- inlines ------------------------------------------------------------

    def inlines(self, parent: Element, nodes: list[Inline], ctx: frozenset[str]) -> None:
        run: list[str] = []  # words and spaces are joined before they reach the tree
        for node in nodes:
            t = node.get("t", "")
            if t == "Str":
                run.append(self.text(node["c"]))
                continue
            if t in ("Space", "SoftBreak"):
                run.append(" ")
                continue
            if run:
                append_text(parent, "".join(run))
                run = []
            handler = self._inline.get(t)
            if handler is None:
                raise self.error(
                    f"pandoc inline {node.get('t')!r} has no JATS equivalent in this version of articlekit"
                )
            handler(parent, node.get("c"), ctx, node)
        if run:
            append_text(parent, "".join(run))

    def _wrap(self, parent: Element, el: Element, children: list[Inline], ctx: frozenset[str],
              empty_text: str | None = None) -> None:
        """Fill ``el`` with ``children`` and add it to ``parent``, or add only the content when
        ``el`` may not stand here.  Callouts and pictures hoisted out of ``el`` follow it.

        An element left without text is dropped, unless ``empty_text`` gives it one.
        """
        if el.tag not in ctx:
            self.inlines(parent, children, ctx)
            return
        self._hoist.append([])
        self.inlines(el, children, INLINE_CHILDREN[el.tag] & ctx)
        pending = self._hoist.pop()
        if len(el) or (el.text or "").strip():
            parent.append(el)
        elif empty_text is not None:
            el.text = (el.text or "") + empty_text
            parent.append(el)
        else:
            append_text(parent, el.text or "")
        self.inlines(parent, pending, ctx)

    def _hoist_or(self, node: Inline) -> bool:
        """Hand ``node`` to the enclosing element, if there is one; False at the container's top."""
        if self._hoist:
            self._hoist[-1].append(node)
            return True
        return False

    def _nothing(self, parent: Element, c: Any, ctx: frozenset[str], node: Inline) -> None:
        """Raw HTML or TeX: articlekit never passes markup through."""

    def _line_break(self, parent: Element, c: None, ctx: frozenset[str], node: Inline) -> None:
        if "break" in ctx:
            parent.append(new("break"))
        else:
            append_text(parent, "\n")

    def _face(self, parent: Element, c: list[Inline], ctx: frozenset[str], node: Inline) -> None:
        self._wrap(parent, new(_FACE_TAGS[node["t"]]), c, ctx)

    def _quoted(self, parent: Element, c: list[Any], ctx: frozenset[str], node: Inline) -> None:
        open_, close = ("\u201c", "\u201d") if c[0]["t"] == "DoubleQuote" else ("\u2018", "\u2019")
        append_text(parent, open_)
        self.inlines(parent, c[1], ctx)
        append_text(parent, close)

    def _cite(self, parent: Element, c: list[Any], ctx: frozenset[str], node: Inline) -> None:
        self.inlines(parent, c[1], ctx)

    def _code(self, parent: Element, c: list[Any], ctx: frozenset[str], node: Inline) -> None:
        if "monospace" in ctx and c[1].strip():
            etree.SubElement(parent, "monospace").text = self.text(c[1])
        else:
            append_text(parent, self.text(c[1]))

    def _math(self, parent: Element, c: list[Any], ctx: frozenset[str], node: Inline) -> None:
        kind, tex = c[0]["t"], self.text(c[1])
        if not tex.strip():
            return
        tag = "disp-formula" if kind == "DisplayMath" and "disp-formula" in ctx else "inline-formula"
        if tag in ctx:
            formula = etree.SubElement(parent, tag)
            mathml = mathml_for(self.article.formulas, node)
            if mathml is None:  # only in an article built by hand: the reader refuses such TeX
                etree.SubElement(formula, "tex-math").text = tex
                return
            # The same formula twice, as JATS4R asks: MathML for readers, the TeX as the author wrote it.
            alternatives = etree.SubElement(formula, "alternatives")
            alternatives.append(mathml_element(mathml))
            etree.SubElement(alternatives, "tex-math").text = tex
        elif "monospace" in ctx:
            etree.SubElement(parent, "monospace").text = tex
        else:
            append_text(parent, tex)

    def _link(self, parent: Element, c: list[Any], ctx: frozenset[str], node: Inline) -> None:
        _attr, content, (url, title) = c
        url = url.strip()
        if url.startswith("#") and len(url) > 1:
            # Resolved (or unwrapped) once every id is known: see resolve_links().
            if "xref" not in ctx:
                self.inlines(parent, content, ctx)
                return
            xref = new("xref")
            self._wrap(parent, xref, content, ctx, empty_text="")
            self._links.append((xref, url[1:]))
            return
        text = stringify(content)
        if url.lower().startswith("mailto:") and "email" in ctx:
            address = url[len("mailto:"):]
            if text in (address, url) and "?" not in address:
                etree.SubElement(parent, "email").text = self.text(address)
                return
        if not safe_link(url):
            self.inlines(parent, content, ctx)
            return
        if "ext-link" not in ctx:
            # A verse line cannot hold a link: keep the text, and the address as text.
            self.inlines(parent, content, ctx)
            if text != url:
                append_text(parent, f" ({self.text(url)})")
            return
        link = new("ext-link", {"ext-link-type": "uri", HREF: self.text(url)})
        if title:
            link.set(XLINK_TITLE, self.text(title))
        self._wrap(parent, link, content, ctx, empty_text=url)

    def _image(self, parent: Element, c: list[Any], ctx: frozenset[str], node: Inline) -> None:
        _attr, alt, (src, title) = c
        if "inline-graphic" not in ctx:
            if not self._hoist_or(node):
                self.inlines(parent, alt, ctx)
            return
        el = etree.SubElement(parent, "inline-graphic", self.graphic_attrs(src, title))
        alt_text = stringify(alt).strip()
        if alt_text:
            etree.SubElement(el, "alt-text").text = self.text(alt_text)
        # A note referenced from the alt text is called out right after the picture.
        self.inlines(parent, note_refs_in(alt), ctx)

    def graphic_attrs(self, src: str, title: str | None = None) -> dict[str, str]:
        attrs = {HREF: self.text(src)}
        mime, _ = mimetypes.guess_type(src.split("?")[0])
        if mime and "/" in mime:
            attrs["mimetype"], attrs["mime-subtype"] = mime.split("/", 1)
        if title:
            attrs[XLINK_TITLE] = self.text(title)
        return attrs

    def _span(self, parent: Element, c: list[Any], ctx: frozenset[str], node: Inline) -> None:
        attr, content = c
        lang = dict(attr[2]).get("lang")
        if lang and _LANG_TAG.match(lang):
            el = new("named-content", {"content-type": "language", XML_LANG: lang})
            self._wrap(parent, el, content, ctx)
        else:
            self.inlines(parent, content, ctx)

    def _note_refs(self, parent: Element, c: list[dict[str, Any]], ctx: frozenset[str], node: Inline) -> None:
        """A callout cluster: ``<sup><xref ref-type="fn" rid="fn6">6</xref>,<xref …>7</xref></sup>``."""
        if "sup" not in ctx or "xref" not in ctx:
            if not self._hoist_or(node):
                raise self.error("a note reference stands where JATS allows no cross-reference")
            return
        sup = etree.SubElement(parent, "sup")
        for i, ref in enumerate(c):
            rid = self.note_ids.get(ref["number"])
            if rid is None:
                raise self.error(f"note reference {ref['number']} has no note")
            if i:
                append_text(sup, ",")
            etree.SubElement(sup, "xref", {"ref-type": "fn", "rid": rid}).text = str(ref["number"])

    def _unnumbered_note(self, parent: Element, c: Any, ctx: frozenset[str], node: Inline) -> None:
        raise self.error("notes are allowed only in the body: remove the note from the title, subtitle or abstract")

    # -- blocks -------------------------------------------------------------

    def _skip(self, container: Element, c: Any) -> None:
        """Horizontal rules, raw HTML and empty blocks have no JATS counterpart."""

    def _plain(self, container: Element, c: list[Inline]) -> None:
        if container.tag in ("td", "th"):
            # A cell's plain text stays inline; a later run starts on a new line.
            if has_content(container):
                container.append(new("break"))
            self.inlines_into(container, c)
        else:
            self._para(container, c)

    def _para(self, container: Element, c: list[Inline]) -> None:
        p = new("p")
        self.inlines_into(p, c)
        self._attach_if_content(container, p)

    def _heading(self, container: Element, c: list[Any]) -> None:
        """A heading outside the section structure: a paragraph marked as a heading."""
        p = new("p", {"content-type": "heading"})
        bold = etree.SubElement(p, "bold")
        self.inlines_into(bold, c[2])
        if has_content(bold):
            self.attach(container, p)

    def _div(self, container: Element, c: list[Any]) -> None:
        attr, content = c
        if attr[0] == REFS_ID:
            self.ref_list = ref_list(self, content, None)
            return
        if ("section" in attr[1] and len(content) == 2 and content[0].get("t") == "Header"
                and content[1].get("t") == "Div" and content[1]["c"][0][0] == REFS_ID):
            # The reference list's own section: its heading is the list's title.
            self.ref_list = ref_list(self, content[1]["c"][1], content[0]["c"][2])
            return
        if (container.tag in ("body", "sec") and "section" in attr[1]
                and content and content[0].get("t") == "Header"):
            ident = attr[0] or content[0]["c"][1][0]
            ack = is_acknowledgements({"c": c}, labels_for(self.article)["acknowledgements"])
            if ident == DATA_AVAILABILITY_ID or ack:
                # Journals' back matter: JATS4R wants both in <back>, acknowledgements as <ack>.
                holder = new("body")
                self._section(holder, attr, content)
                for sec in holder:
                    if ack:
                        sec.tag = "ack"
                    else:
                        sec.set("sec-type", "data-availability")
                    self.back_matter.append(sec)
                return
            self._section(container, attr, content)
        else:
            self.blocks(container, content)

    def _section(self, container: Element, attr: list[Any], content: list[Block]) -> None:
        header_attr, title_inlines = content[0]["c"][1], content[0]["c"][2]
        title = new("title")
        self.inlines_into(title, title_inlines)
        if not has_content(title):
            # A section needs a title; without one its content belongs to the enclosing one.
            self.blocks(container, content[1:])
            return
        sec = new("sec", {"id": self.ids.claim(attr[0] or header_attr[0], "sec", "sec")})
        sec.append(title)
        self.blocks(sec, content[1:])
        self.attach(container, sec)

    def _quote(self, container: Element, c: list[Block]) -> None:
        quote = new("disp-quote")
        self.blocks(quote, c)
        self._attach_if_content(container, quote)

    def _list(self, container: Element, items: list[list[Block]], list_type: str,
              labels: list[str] | None = None) -> None:
        lst = new("list", {"list-type": list_type})
        for i, item in enumerate(items):
            li = new("list-item")
            if labels:
                etree.SubElement(li, "label").text = labels[i]
            self.blocks(li, item)
            if len(li) > (1 if labels else 0):
                lst.append(li)
        self._attach_if_content(container, lst)

    def _bullet_list(self, container: Element, c: list[list[Block]]) -> None:
        self._list(container, c, "bullet")

    def _ordered_list(self, container: Element, c: list[Any]) -> None:
        (start, style, delim), items = c
        style_name = style["t"]
        labels = None
        if start != 1:
            # JATS lists have no start number: the items carry their numbers as labels.
            fmt = {"OneParen": "{})", "TwoParens": "({})"}.get(delim["t"], "{}.")
            labels = [fmt.format(_ordinal(start + i, style_name)) for i in range(len(items))]
        self._list(container, items, _LIST_TYPES.get(style_name, "order"), labels)

    def _definition_list(self, container: Element, c: list[Any]) -> None:
        dl = new("def-list")
        for term_inlines, definitions in c:
            item = new("def-item")
            term = etree.SubElement(item, "term")
            self.inlines_into(term, term_inlines)
            for blocks in definitions:
                d = new("def")
                self.blocks(d, blocks)
                if len(d):
                    item.append(d)
            if has_content(term) or len(item) > 1:
                dl.append(item)
        self._attach_if_content(container, dl)

    def _code_block(self, container: Element, c: list[Any]) -> None:
        attr, code = c
        if not code.strip():
            return
        pre = new("preformat", {"preformat-type": "code"})
        if attr[0]:
            pre.set("id", self.ids.claim(attr[0], "code", "other"))
        pre.text = self.text(code)
        self.attach(container, pre)

    def _line_block(self, container: Element, c: list[list[Inline]]) -> None:
        """Lines → ``<verse-line>``; blank lines split stanzas, each its own ``<verse-group>``."""
        stanzas: list[list[list[Inline]]] = [[]]
        for line in c:
            if stringify(line).strip() or note_refs_in(line):
                stanzas[-1].append(line)
            elif stanzas[-1]:
                stanzas.append([])
        stanzas = [s for s in stanzas if s]
        group = new("verse-group")
        for stanza in stanzas:
            target = group if len(stanzas) == 1 else etree.SubElement(group, "verse-group")
            for line in stanza:
                vl = etree.SubElement(target, "verse-line")
                self.inlines_into(vl, line)
        self._attach_if_content(container, group)

    def _caption(self, owner: Element, caption: list[Any]) -> None:
        cap = new("caption")
        self.blocks(cap, caption[1])
        if len(cap):
            owner.append(cap)

    def _label(self, owner: Element, caption: list[Any]) -> list[Any]:
        """The number articlekit gave a figure or table ("Figure 1") as its ``<label>``; the rest of the caption."""
        blocks = caption[1]
        first = blocks[0]["c"] if blocks and blocks[0]["t"] in ("Plain", "Para") else []
        if not first or first[0]["t"] != "Span" or not {"figure-label", "table-label"} & set(first[0]["c"][0][1]):
            return caption
        etree.SubElement(owner, "label").text = self.text(stringify(first[0]["c"][1]))
        rest = first[1:]
        if rest[:2] == [{"t": "Str", "c": "."}, {"t": "Space"}]:
            rest = rest[2:]
        return [caption[0], ([{"t": blocks[0]["t"], "c": rest}] if rest else []) + blocks[1:]]

    def _figure(self, container: Element, c: list[Any]) -> None:
        attr, caption, content = c
        fig = new("fig")
        if attr[0]:
            fig.set("id", self.ids.claim(attr[0], "fig", "fig"))
        self._caption(fig, self._label(fig, caption))
        for b in content:
            images = _only_images(b)
            if images is None:
                self.blocks(fig, [b])
                continue
            for image in images:
                _, alt, (src, title) = image["c"]
                graphic = etree.SubElement(fig, "graphic", self.graphic_attrs(src, title))
                # The alt text goes with the picture even when it repeats the caption (pandoc's
                # ``![caption](src)``): a reader that shows only the graphic still has its words.
                alt_text = stringify(alt).strip()
                if alt_text:
                    etree.SubElement(graphic, "alt-text").text = self.text(alt_text)
        if len(fig):
            self.attach(container, fig)

    def _table(self, container: Element, c: list[Any]) -> None:
        attr, caption, colspecs, head, bodies, foot = c
        wrap = new("table-wrap")
        if attr[0]:
            wrap.set("id", self.ids.claim(attr[0], "table", "table"))
        self._caption(wrap, self._label(wrap, caption))
        aligns = [_ALIGN.get(spec[0]["t"]) for spec in colspecs]
        table = new("table")
        widths = [spec[1]["c"] if spec[1]["t"] == "ColWidth" else None for spec in colspecs]
        if any(aligns) or any(widths):
            for align, width in zip(aligns, widths, strict=True):
                col = etree.SubElement(table, "col")
                if align:
                    col.set("align", align)
                if width:
                    col.set("width", f"{width * 100:.4g}%")
        body_parts = [(b[1], b[2], b[3]) for b in bodies if b[2] or b[3]]
        if body_parts:
            if head[1]:
                self._rows(etree.SubElement(table, "thead"), head[1], aligns, header=True)
            if foot[1]:
                self._rows(etree.SubElement(table, "tfoot"), foot[1], aligns)
            for row_heads, inter, rows in body_parts:
                tbody = etree.SubElement(table, "tbody")
                self._rows(tbody, inter, aligns, header=True)
                self._rows(tbody, rows, aligns, row_heads=row_heads)
        else:
            # Only head or foot rows: XHTML's plain "tr+" form (a tbody may not be empty).
            self._rows(table, head[1], aligns, header=True)
            self._rows(table, foot[1], aligns)
        if table.find("tr") is not None or table.find("tbody") is not None:
            wrap.append(table)
        if len(wrap):
            self.attach(container, wrap)

    def _rows(self, parent: Element, rows: list[Any], aligns: list[str | None], *, header: bool = False,
              row_heads: int = 0) -> None:
        for _attr, cells in rows:
            tr = etree.SubElement(parent, "tr")
            col = 0
            for i, (_cattr, align, rowspan, colspan, blocks) in enumerate(cells):
                is_head = header or i < row_heads
                cell = etree.SubElement(tr, "th" if is_head else "td")
                value = _ALIGN.get(align["t"]) or (aligns[col] if col < len(aligns) else None)
                if value:
                    cell.set("align", value)
                if header:
                    cell.set("scope", "col")
                elif is_head:
                    cell.set("scope", "row")
                if rowspan > 1:
                    cell.set("rowspan", str(rowspan))
                if colspan > 1:
                    cell.set("colspan", str(colspan))
                self.blocks(cell, blocks)
                col += colspan
            if not len(tr):
                parent.remove(tr)


def _only_images(block: Block) -> list[Inline] | None:
    """The images of a paragraph that holds nothing else (the picture of a figure), else None."""
    if block.get("t") not in ("Plain", "Para"):
        return None
    images = [n for n in block["c"] if n["t"] == "Image"]
    rest = [n for n in block["c"] if n["t"] not in ("Image", "Space", "SoftBreak", "LineBreak")]
    return images if images and not rest else None


__all__ = ["JatsRenderer", "note_refs_in"]
