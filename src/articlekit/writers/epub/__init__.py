"""The EPUB writer: an EPUB 3.3 ebook (with an EPUB 2 NCX) that passes EPUBCheck and Ace.

The book, in reading order::

    cover.xhtml      the lead picture, when the article has one (image.src)
    title.xhtml      the shared title block (render/title_block.py): title, authors, date,
                     editors with degrees, picture credit, imprint, keywords, abstract
    text.xhtml       the body; a long article is split at its top-level sections
                     into text-01.xhtml, text-02.xhtml, …
    notes.xhtml      the endnotes, one ordered list, each note with back-links
    nav.xhtml        table of contents and landmarks (outside the reading order)

Chapters reuse :mod:`articlekit.render.html_body`, rendered with back-links at
the *start* of each note so e-reader pop-ups show one note only, then turned
into XHTML with ``epub:type`` semantics (:mod:`.xhtml`).
ebooklib writes the package (OPF, NCX, container); :mod:`.archive`
then rewrites the archive so the same source always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from ebooklib import epub
from lxml import etree

from ..._version import __version__
from ...errors import ArticleError
from ...labels import Labels, labels_for
from ...model import Article, Block
from ...options import WriteOptions
from ...read.citations import CSS as CITATIONS_CSS
from ...read.safety import parse_xml
from ...render.html_body import HtmlOptions, HtmlRenderer, render_notes
from ...render.title_block import TitleBlockOptions, render_title_block, title_block
from ...styles import read_style
from ...tree import stringify
from .archive import repack
from .package import PackageMetadata, add_to_book, build_moment, package_metadata
from .resources import ImageResource, collect_images
from .xhtml import (
    EPUB_TYPE,
    MATHML_NS,
    XML_LANG,
    add_epub_semantics,
    append_html,
    backlinks_into_paragraph,
    new_document,
    relink,
    serialise,
    sub,
    text_direction,
)

#: A body whose HTML is larger than this (bytes) is split into one file per top-level
#: section: reading systems paginate small files faster, and some refuse very large ones.
SPLIT_BYTES = 64 * 1024

STYLESHEET = "styles/epub.css"
COVER, TITLE_PAGE, NOTES, NAV = "cover.xhtml", "title.xhtml", "notes.xhtml", "nav.xhtml"



@dataclass
class Document:
    """One XHTML content document of the book."""

    name: str
    title: str
    root: etree._Element
    #: Landmark (``epub:type``) this document starts, if any.
    landmark: str | None = None


@dataclass
class TocEntry:
    label: str
    href: str
    children: list[TocEntry] = field(default_factory=list)


class _Xhtml(epub.EpubHtml):
    """A content document whose XHTML articlekit has already written (ebooklib would re-parse it)."""

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.content


def _in_labels_language(el: etree._Element, labels: Labels) -> etree._Element:
    """Mark ``el`` with the words' language when it is not the article's (English for a language
    articlekit has no words for), and as left-to-right inside right-to-left text."""
    if labels.mark:
        el.set("lang", labels.mark)
        el.set(XML_LANG, labels.mark)
        if text_direction(labels.article_lang) and not text_direction(labels.mark):
            el.set("dir", "ltr")
    return el


def _label(el: etree._Element, key: str, labels: Labels) -> etree._Element:
    """Put one of the book's own words into ``el``."""
    el.text = labels[key]
    return _in_labels_language(el, labels)


# ---------------------------------------------------------------------------
# Documents


def cover_document(article: Article, image: ImageResource) -> Document:
    m = article.metadata
    word = labels_for(article)["cover"]
    root, body = new_document(m.lang, word, STYLESHEET)
    body.set(EPUB_TYPE, "cover")
    box = sub(body, "div", {"class": "cover"})
    alt = (m.image.alt if m.image and m.image.alt else None) or m.title_text
    sub(box, "img", {"src": image.href, "alt": alt, "role": "doc-cover"})
    return Document(COVER, word, root, "cover")


def title_page(article: Article, image_url: Callable[[str], str] | None = None) -> Document:
    """The shared title block as a page.

    In the article's own book (no ``image_url``) it is the book's front matter and
    its ``titlepage`` landmark, and leaves the lead picture to the cover.  In an
    edition it opens the article's chapter as body matter, with the picture at
    ``image_url(src)``: the book's cover is the edition's.
    """
    m = article.metadata
    own_book = image_url is None
    root, body = new_document(m.lang, m.title_text, STYLESHEET)
    body.set(EPUB_TYPE, "frontmatter" if own_book else "bodymatter")
    options = TitleBlockOptions(
        tag="section", css_class="titlepage", title_id="title-heading", show_picture=not own_book,
        image_url=image_url, labels_dir="ltr" if text_direction(m.lang) else None,
    )
    append_html(body, render_title_block(title_block(article), options))
    if not own_book:
        return Document("title.xhtml", m.title_text, root)
    body[0].set(EPUB_TYPE, "titlepage")
    return Document(TITLE_PAGE, m.title_text, root, "titlepage")


def _section_title(block: Block) -> str:
    """Plain text of a section's heading (never with note numbers)."""
    header = block["c"][1][0] if block["c"][1] and block["c"][1][0]["t"] == "Header" else None
    return stringify(header["c"][2]) if header else ""


def _is_section(block: Block, level: int = 1) -> bool:
    return block["t"] == "Div" and "section" in block["c"][0][1] and f"level{level}" in block["c"][0][1]


def body_parts(body: list[Block]) -> list[list[Block]]:
    """The body cut before each top-level section; the lede stays with the first section."""
    parts: list[list[Block]] = [[]]
    seen_section = False
    for block in body:
        if _is_section(block) and seen_section:
            parts.append([])
        seen_section = seen_section or _is_section(block)
        parts[-1].append(block)
    return [p for p in parts if p]


def text_documents(article: Article, options: HtmlOptions, split_bytes: int) -> list[Document]:
    """The body as one document, or one per top-level section when it is long."""
    renderer = HtmlRenderer(article, options)
    parts = body_parts(article.body) or [[]]
    rendered = [renderer.clean(renderer.blocks(part)) for part in parts]
    if len(parts) > 1 and sum(len(h.encode()) for h in rendered) <= split_bytes:
        rendered, parts = ["\n".join(rendered)], [[b for p in parts for b in p]]
    m = article.metadata
    docs = []
    for n, (part, html) in enumerate(zip(parts, rendered, strict=True), 1):
        name = "text.xhtml" if len(parts) == 1 else f"text-{n:02d}.xhtml"
        title = m.title_text if n == 1 else (_section_title(part[0]) or m.title_text)
        root, body = new_document(m.lang, title, STYLESHEET)
        body.set(EPUB_TYPE, "bodymatter")
        append_html(body, html)
        add_epub_semantics(root)
        docs.append(Document(name, title, root, "bodymatter" if n == 1 else None))
    return docs


def notes_title(article: Article) -> str:
    """The notes' name as plain text: the author's own heading, else the book's word."""
    return stringify(article.notes_title) if article.notes_title else labels_for(article)["notes"]


def notes_document(article: Article, options: HtmlOptions) -> Document:
    m = article.metadata
    title = notes_title(article)
    root, body = new_document(m.lang, title, STYLESHEET)
    body.set(EPUB_TYPE, "backmatter")
    append_html(body, render_notes(article, options))
    add_epub_semantics(root)
    backlinks_into_paragraph(root)
    if not article.notes_title:  # the author's heading is in the article's language
        for heading in root.iterfind(".//{*}h2[@id='notes-heading']"):
            _in_labels_language(heading, labels_for(article))
    return Document(NOTES, title, root, "endnotes")


# ---------------------------------------------------------------------------
# Navigation


def _locate(docs: list[Document]) -> Callable[[str], str | None]:
    where: dict[str, str] = {}
    for doc in docs:
        for ident in doc.root.xpath("//@id"):
            where.setdefault(str(ident), doc.name)
    return where.get


def section_entries(blocks: list[Block], level: int, locate: Callable[[str], str | None],
                     fallback: str) -> list[TocEntry]:
    entries = []
    for block in blocks:
        if not _is_section(block, level):
            continue
        ident = block["c"][0][0]
        doc = locate(ident) if ident else None
        href = f"{doc}#{ident}" if doc else fallback
        label = _section_title(block) or f"\u00a7 {len(entries) + 1}"
        entries.append(TocEntry(label, href, section_entries(block["c"][1], level + 1, locate, href.split("#")[0])))
    return entries


def table_of_contents(article: Article, docs: list[Document], text_docs: list[Document]) -> list[TocEntry]:
    """Title page, every section (nested), the notes; labels are plain text, so no note number reaches them."""
    locate = _locate(text_docs)
    toc = [TocEntry(article.metadata.title_text, TITLE_PAGE)]
    toc.extend(section_entries(article.body, 1, locate, text_docs[0].name))
    if any(d.name == NOTES for d in docs):
        toc.append(TocEntry(notes_title(article), NOTES))
    return toc


def nav_document(article: Article, toc: list[TocEntry], docs: list[Document]) -> Document:
    lang = article.metadata.lang
    labels = labels_for(article)
    root, body = new_document(lang, labels["contents"], STYLESHEET)
    nav = sub(body, "nav", {"id": "toc", "role": "doc-toc", "aria-labelledby": "toc-heading"})
    nav.set(EPUB_TYPE, "toc")
    _label(sub(nav, "h1", {"id": "toc-heading"}), "contents", labels)

    def entries(parent: etree._Element, items: list[TocEntry]) -> None:
        ol = sub(parent, "ol")
        for item in items:
            li = sub(ol, "li")
            a = sub(li, "a", {"href": item.href}, item.label)
            if item.href == NOTES and not article.notes_title:
                _label(a, "notes", labels)
            if item.children:
                entries(li, item.children)

    entries(nav, toc)

    landmarks = sub(body, "nav", {"id": "landmarks", "hidden": "hidden", "aria-labelledby": "landmarks-heading"})
    landmarks.set(EPUB_TYPE, "landmarks")
    _label(sub(landmarks, "h2", {"id": "landmarks-heading"}), "landmarks", labels)
    ol = sub(landmarks, "ol")
    marks = [(d.landmark, d.name) for d in docs if d.landmark]
    marks.insert([k for k, _ in marks].index("titlepage") + 1, ("toc", f"{NAV}#toc"))
    words = {"cover": "cover", "titlepage": "title_page", "toc": "contents", "bodymatter": "start", "endnotes": "notes"}
    for kind, href in marks:
        a = sub(sub(ol, "li"), "a", {"href": href})
        a.set(EPUB_TYPE, kind)
        if kind == "endnotes" and article.notes_title:
            a.text = notes_title(article)
        else:
            _label(a, words[kind], labels)
    return Document(NAV, labels["contents"], root)


def ncx_entries(items: list[TocEntry], counter: list[int]) -> list[object]:
    out: list[object] = []
    for item in items:
        counter[0] += 1
        link = epub.Link(item.href, item.label, f"navpoint-{counter[0]}")
        out.append((link, ncx_entries(item.children, counter)) if item.children else link)
    return out


# ---------------------------------------------------------------------------
# The package


def _fix_package(lang: str) -> Callable[[str, bytes], bytes]:
    """Rewrites ebooklib's OPF and NCX: ``xml:lang`` (and ``dir``) on the root, no reserved-prefix redeclaration."""

    def fix(name: str, data: bytes) -> bytes:
        if not name.endswith((".opf", ".ncx")):
            return data
        tree = etree.ElementTree(parse_xml(data))
        root = tree.getroot()
        root.set(XML_LANG, lang)
        if name.endswith(".ncx"):
            # ebooklib always writes depth 0; EPUB 2 reading systems read the real nesting depth here.
            ns = {"ncx": "http://www.daisy.org/z3986/2005/ncx/"}
            depth = max((len(p.xpath("ancestor-or-self::ncx:navPoint", namespaces=ns))
                         for p in root.iterfind(".//ncx:navPoint", ns)), default=1)
            for meta in root.iterfind("ncx:head/ncx:meta[@name='dtb:depth']", ns):
                meta.set("content", str(depth))
        if name.endswith(".opf"):
            direction = text_direction(lang)
            if direction:
                root.set("dir", direction)
            # ebooklib declares "rendition:", a prefix EPUB reserves; declaring it again is an error.
            if root.get("prefix", "").split() == ["rendition:", "http://www.idpf.org/vocab/rendition/#"]:
                del root.attrib["prefix"]
        return etree.tostring(tree, xml_declaration=True, encoding="utf-8")

    return fix


def build_epub(article: Article, options: WriteOptions, *, split_bytes: int = SPLIT_BYTES) -> bytes:
    """The article as EPUB bytes; ``split_bytes`` is the body size above which it is split."""
    m = article.metadata
    moment = build_moment(article)
    images = collect_images(article, allow_remote=options.allow_remote)

    def image_url(src: str) -> str:
        try:
            return images[src].href
        except KeyError:
            raise ArticleError(article.path, f"image {src!r} was not collected") from None

    html_options = HtmlOptions(backlinks="start", image_url=image_url, notes_heading=labels_for(article)["notes"])
    cover_image = images.get(m.image.src) if m.image and m.image.src else None

    docs: list[Document] = []
    if cover_image:
        docs.append(cover_document(article, cover_image))
    docs.append(title_page(article))
    text_docs = text_documents(article, html_options, split_bytes)
    docs.extend(text_docs)
    if article.notes:
        docs.append(notes_document(article, html_options))
    relink({d.name: d.root for d in docs}, [d.name for d in docs])
    toc = table_of_contents(article, docs, text_docs)
    nav = nav_document(article, toc, docs)

    meta = package_metadata(
        article,
        modified=moment,
        has_images=bool(images),
        images_described=all_images_described(docs),
        animated_images=any(i.media_type in ("image/gif", "image/webp") for i in images.values()),
    )
    meta, with_math = declare_math(meta, [nav, *docs])

    book = epub.EpubBook()
    book.metadata[epub.NAMESPACES["OPF"]].pop("generator", None)  # ebooklib's version would change the bytes
    add_to_book(meta, book)
    book.add_metadata(None, "meta", "", {"name": "generator", "content": f"articlekit {__version__}"})
    if text_direction(m.lang):
        book.set_direction("rtl")

    css = read_style("epub.css", options.styles_dir, article.styles_dir)
    if article.references:
        css = CITATIONS_CSS + css
    items = add_contents(book, nav, docs, with_math, css, list(images.values()), cover_image, lambda _: m.lang)

    # The nav document is in the spine only so the landmarks may point at it; it is not read in order.
    book.spine = [items[d.name] for d in docs[:1 + bool(cover_image)]] + [(items[NAV], "no")]
    book.spine += [items[d.name] for d in docs[1 + bool(cover_image):]]
    book.toc = ncx_entries(toc, [0])
    guide_types = {"cover": "cover", "titlepage": "title-page", "bodymatter": "text", "endnotes": "notes"}
    book.guide = [{"type": guide_types[d.landmark], "href": d.name, "title": d.title} for d in docs if d.landmark]
    book.guide.insert(2 if cover_image else 1, {"type": "toc", "href": NAV, "title": labels_for(article)["contents"]})

    return write_book(book, moment, m.lang)


def declare_math(meta: PackageMetadata, docs: list[Document]) -> tuple[PackageMetadata, set[str]]:
    """The names of the documents holding MathML (their manifest items must say so), and the
    package metadata naming MathML, each formula described by its TeX as alttext, among its
    accessibility features."""
    names = {d.name for d in docs if _has_math(d.root)}
    if names:
        meta = dataclasses.replace(meta, accessibility_features=(*meta.accessibility_features, "MathML",
                                                                 "describedMath"))
    return meta, names


def add_contents(book: epub.EpubBook, nav: Document, docs: list[Document], with_math: set[str], css: str,
                 images: list[ImageResource], cover_image: ImageResource | None,
                 lang_of: Callable[[Document], str]) -> dict[str, _Xhtml]:
    """Add the nav and content documents, the stylesheet, the images and the NCX to ``book``, in
    that order; returns the documents' manifest items by file name (for the spine)."""
    items: dict[str, _Xhtml] = {}
    for doc in [nav, *docs]:
        uid = "titlepage" if doc.name == TITLE_PAGE else doc.name.removesuffix(".xhtml")
        item = _Xhtml(uid=uid, file_name=doc.name,
                      media_type="application/xhtml+xml", title=doc.title, lang=lang_of(doc))
        item.content = serialise(doc.root)
        if doc is nav:
            item.properties = ["nav"]
        elif doc.name in with_math:
            item.properties = ["mathml"]
        items[doc.name] = book.add_item(item)
    book.add_item(epub.EpubItem(uid="css", file_name=STYLESHEET, media_type="text/css", content=css.encode("utf-8")))
    for n, image in enumerate(images, 1):
        if image is cover_image:
            image_item = epub.EpubCover(uid="cover-image", file_name=image.href)
            book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
        else:
            image_item = epub.EpubImage(uid=f"image-{n}", file_name=image.href)
        image_item.media_type = image.media_type
        image_item.content = image.data
        book.add_item(image_item)
    book.add_item(epub.EpubNcx())
    return items


def write_book(book: epub.EpubBook, moment: dt.datetime, lang: str) -> bytes:
    """The book's bytes: ebooklib's archive repacked with fixed times and articlekit's package fixes."""
    out = io.BytesIO()
    epub.write_epub(out, book, {
        "epub3_pages": False,  # would turn every element with epub:type and id into a page-list entry
        "epub3_landmark": False,  # the nav document is articlekit's own
        "mtime": moment,
        "raise_exceptions": True,
        "play_order": {"enabled": True, "start_from": 1},  # the NCX DTD requires playOrder
    })
    return repack(out.getvalue(), moment, _fix_package(lang))


def _has_math(root: etree._Element) -> bool:
    """Whether a document holds MathML, which its manifest item must declare."""
    return next(root.iter(f"{{{MATHML_NS}}}math"), None) is not None


def all_images_described(docs: list[Document]) -> bool:
    """Whether every image in the book has a text alternative."""
    return all((img.get("alt") or "").strip() for d in docs for img in d.root.iter("{*}img"))


def to_epub(article: Article, options: WriteOptions | None = None) -> bytes:
    """The article as an EPUB 3 file."""
    return build_epub(article, options or WriteOptions())


def write(article: Article, options: WriteOptions) -> bytes:
    return build_epub(article, options)
