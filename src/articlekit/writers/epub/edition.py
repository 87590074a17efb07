"""An edition as one EPUB 3 book: every article with its own title page and its own endnotes.

The book, in reading order::

    cover.xhtml          the edition's cover image, when it has one
    title.xhtml          the edition's title page: title, subtitle, volume and issue, date,
                         editors with degrees, publisher
    imprint.xhtml        the imprint (colophon), when the edition has one
    nav.xhtml            the contents: sections → articles → their headings, and landmarks
    foreword.xhtml       the foreword, when the edition has one
    a01-title.xhtml      per article, numbered in reading order: its title block,
    a01-text.xhtml       its body (split at top-level sections when long, as in the article EPUB),
    a01-notes.xhtml      its endnotes, numbered from 1, with the article EPUB's pop-up note markup
    a02-title.xhtml …

Each article's documents are made by the article EPUB's own functions (:mod:`articlekit.writers.epub`),
then every id in them gets the article's prefix (``a01-fn1``) and every link that points at one
follows, so ids are unique across the whole book and note 1 of one article never answers a link
meant for note 1 of another.  The package metadata carries the edition's title, date, publisher,
ISBN or ISSN, its volume and issue as collections, the edition's editors as creators and every
article's authors and editors as contributors.  The same edition always gives the same bytes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from ebooklib import epub
from lxml import etree

from ..._version import __version__
from ...errors import ArticleError
from ...labels import Labels, labels_for, labels_for_lang
from ...model import Article
from ...model.edition import Edition, EditionArticle, FrontPiece
from ...options import WriteOptions
from ...render.html_body import HtmlOptions
from ...render.identity import IDENTITY_NAMESPACE
from ...render.title_block import joined
from ...styles import read_style
from ..moment import reproducible_moment
from . import (
    NAV,
    SPLIT_BYTES,
    STYLESHEET,
    Document,
    TocEntry,
    add_contents,
    all_images_described,
    declare_math,
    ncx_entries,
    notes_document,
    notes_title,
    section_entries,
    text_documents,
    title_page,
    write_book,
)
from .package import RELATOR_OF, Contributor, PackageMetadata, accessibility, add_to_book, contributor
from .resources import EXTENSIONS, ImageResource, collect_images, sniff_media_type
from .xhtml import (
    EPUB_TYPE,
    XML_LANG,
    append_html,
    new_document,
    q,
    relink,
    sub,
    text_direction,
)

COVER, TITLE_PAGE, IMPRINT, FOREWORD = "cover.xhtml", "title.xhtml", "imprint.xhtml", "foreword.xhtml"
#: Attributes that hold the ids of other elements (space-separated) and so follow a renamed id.
ID_REFERENCES = ("aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "headers", "for")


@dataclass
class _Entry:
    """A contents entry; without ``href`` it is a section heading over the articles in it."""

    label: str
    href: str | None
    children: list[_Entry] = field(default_factory=list)
    lang: str | None = None


@dataclass
class _Chapter:
    """One article's documents in the book, and its contents entry."""

    docs: list[Document]
    entry: _Entry
    images: list[ImageResource]


def _article_prefix(n: int) -> str:
    return f"a{n:02d}-"


def _mark_lang(el: etree._Element, lang: str | None, book_lang: str) -> None:
    """Mark ``el`` as written in ``lang`` when that is not the book's language."""
    if lang and lang != book_lang:
        el.set("lang", lang)
        el.set(XML_LANG, lang)
        direction = text_direction(lang)
        if direction != text_direction(book_lang):
            el.set("dir", direction or "ltr")


def _in_words_language(el: etree._Element, labels: Labels) -> etree._Element:
    if labels.mark:
        el.set("lang", labels.mark)
        el.set(XML_LANG, labels.mark)
    return el


# ---------------------------------------------------------------------------
# The edition's own pages


def _cover_document(edition: Edition, image: ImageResource, labels: Labels) -> Document:
    root, body = new_document(edition.lang, labels["cover"], STYLESHEET)
    body.set(EPUB_TYPE, "cover")
    box = sub(body, "div", {"class": "cover"})
    sub(box, "img", {"src": image.href, "alt": _full_title(edition), "role": "doc-cover"})
    return Document(COVER, labels["cover"], root, "cover")


def _full_title(edition: Edition) -> str:
    return f"{edition.title}: {edition.subtitle}" if edition.subtitle else edition.title


def _volume_issue(edition: Edition, labels: Labels) -> tuple[str, str | None] | None:
    """"Volume 4 · Issue 2" in the edition's words, with the language to mark them with when they
    are not in the edition's language (one the catalogue lacks)."""
    text = labels.numbering(edition.volume, edition.issue)
    return (text, labels.mark) if text else None


def _title_page(edition: Edition, labels: Labels) -> Document:
    root, body = new_document(edition.lang, edition.title, STYLESHEET)
    body.set(EPUB_TYPE, "frontmatter")
    section = sub(body, "section", {"class": "titlepage", "aria-labelledby": "title-heading"})
    section.set(EPUB_TYPE, "titlepage")
    sub(section, "h1", {"id": "title-heading", "class": "title"}, edition.title)
    if edition.subtitle:
        sub(section, "p", {"class": "subtitle"}, edition.subtitle)
    numbering = _volume_issue(edition, labels)
    if numbering:
        p = sub(section, "p", {"class": "issue"}, numbering[0])
        if numbering[1]:
            p.set("lang", numbering[1])
            p.set(XML_LANG, numbering[1])
    date = sub(section, "p", {"class": "date"})
    sub(date, "time", {"datetime": edition.date.isoformat()}, labels.date(edition.date))
    if edition.editors:
        p = sub(section, "p", {"class": "editors"})
        word = sub(p, "span", {"class": "label"}, labels["editors" if len(edition.editors) > 1 else "editor"])
        _in_words_language(word, labels)
        word.tail = labels["colon"] + joined([p.display_name for p in edition.editors], labels)
    if edition.publisher:
        sub(section, "p", {"class": "publisher"}, edition.publisher)
    return Document(TITLE_PAGE, edition.title, root, "titlepage")


def _front_document(edition: Edition, piece: FrontPiece, name: str, landmark: str, role: str) -> Document:
    """A foreword or an imprint: the piece's title over its Markdown rendered as HTML."""
    root, body = new_document(edition.lang, piece.title, STYLESHEET)
    body.set(EPUB_TYPE, "frontmatter")
    ident = f"{piece.kind}-heading"
    section = sub(body, "section", {"class": piece.kind, "aria-labelledby": ident, "role": role})
    section.set(EPUB_TYPE, landmark)
    sub(section, "h1", {"id": ident}, piece.title)
    append_html(section, piece.html)
    # The piece may open with its own heading, which is now the one above it.
    first = next(iter(section[1:2]), None)
    if first is not None and first.tag in (q("h1"), q("h2")) and "".join(first.itertext()).strip() == piece.title:
        section.remove(first)
    # Its headings sit under the piece's title.
    for level in range(5, 0, -1):
        for heading in section.iter(q(f"h{level}")):
            if heading.get("id") != ident:
                heading.tag = q(f"h{level + 1}")
    return Document(name, piece.title, root, landmark)


# ---------------------------------------------------------------------------
# The articles


def _article_images(article: Article, prefix: str, allow_remote: bool) -> dict[str, ImageResource]:
    """The article's images, filed under its own folder so two articles' ``figure.png`` never meet."""
    return {
        src: replace(image, href=f"images/{prefix.rstrip('-')}/{image.href.removeprefix('images/')}")
        for src, image in collect_images(article, allow_remote=allow_remote).items()
    }


def _prefix_ids(docs: list[Document], prefix: str) -> None:
    """Give every id in ``docs`` the article's prefix, and make every link and reference follow."""
    names = {d.name for d in docs}
    for doc in docs:
        for el in doc.root.iter():
            if not isinstance(el.tag, str):
                continue
            if el.get("id"):
                el.set("id", prefix + el.get("id"))
            for attr in ID_REFERENCES:
                if el.get(attr):
                    el.set(attr, " ".join(prefix + ident for ident in el.get(attr).split()))
            href = el.get("href") if el.tag == q("a") else None
            if href is None or "#" not in href:
                continue
            target, _, fragment = href.partition("#")
            if target == "" or target in names:
                el.set("href", f"{target}#{prefix}{fragment}")


def _chapter(n: int, item: EditionArticle, options: WriteOptions, split_bytes: int) -> _Chapter:
    article = item.article
    prefix = _article_prefix(n)
    images = _article_images(article, prefix, options.allow_remote)

    def image_url(src: str) -> str:
        try:
            return images[src].href
        except KeyError:
            raise ArticleError(article.path, f"image {src!r} was not collected") from None

    html_options = HtmlOptions(backlinks="start", image_url=image_url, notes_heading=labels_for(article)["notes"])
    title = title_page(article, image_url)
    text_docs = text_documents(article, html_options, split_bytes)
    docs = [title, *text_docs]
    if article.notes:
        docs.append(notes_document(article, html_options))
    for doc in docs:  # the article's notes close its chapter: body matter of the book, like its text
        doc.landmark = None
        doc.root.find(q("body")).set(EPUB_TYPE, "bodymatter")
    relink({d.name: d.root for d in docs}, [d.name for d in docs])
    for doc in docs:
        doc.name = prefix + doc.name
    # Relinked hrefs name the documents by their old names: rename those, then the ids.
    renamed = {d.name.removeprefix(prefix): d.name for d in docs}
    for doc in docs:
        for a in doc.root.iter(q("a")):
            target, sep, fragment = (a.get("href") or "").partition("#")
            if target in renamed:
                a.set("href", renamed[target] + sep + fragment)
    _prefix_ids(docs, prefix)

    # The contents entry: the article, its sections, its notes.
    where: dict[str, str] = {}
    for doc in text_docs:
        for ident in doc.root.xpath("//@id"):
            where.setdefault(str(ident).removeprefix(prefix), doc.name)
    sections = section_entries(article.body, 1, where.get, text_docs[0].name)
    children = [_entry(s, prefix) for s in sections]
    if article.notes:  # the book's word for them may be English in an article of another language
        word_lang = None if article.notes_title else labels_for(article).mark
        children.append(_Entry(notes_title(article), docs[-1].name, lang=word_lang))
    entry = _Entry(article.metadata.title_text, title.name, children, article.metadata.lang)
    return _Chapter(docs, entry, list(images.values()))


def _entry(toc: TocEntry, prefix: str) -> _Entry:
    doc, sep, fragment = toc.href.partition("#")
    href = f"{doc}#{prefix}{fragment}" if sep else doc
    return _Entry(toc.label, href, [_entry(c, prefix) for c in toc.children])


# ---------------------------------------------------------------------------
# Navigation


def _nav_document(edition: Edition, labels: Labels, toc: list[_Entry], docs: list[Document]) -> Document:
    lang = edition.lang
    root, body = new_document(lang, labels["contents"], STYLESHEET)
    nav = sub(body, "nav", {"id": "toc", "role": "doc-toc", "aria-labelledby": "toc-heading"})
    nav.set(EPUB_TYPE, "toc")
    _in_words_language(sub(nav, "h1", {"id": "toc-heading"}, labels["contents"]), labels)

    def entries(parent: etree._Element, items: list[_Entry], inherited: str) -> None:
        ol = sub(parent, "ol")
        for item in items:
            li = sub(ol, "li")
            _mark_lang(li, item.lang, inherited)
            here = item.lang or inherited
            sub(li, "a" if item.href else "span", {"href": item.href} if item.href else {}, item.label)
            if item.children:
                entries(li, item.children, here)

    entries(nav, toc, lang)

    landmarks = sub(body, "nav", {"id": "landmarks", "hidden": "hidden", "aria-labelledby": "landmarks-heading"})
    landmarks.set(EPUB_TYPE, "landmarks")
    _in_words_language(sub(landmarks, "h2", {"id": "landmarks-heading"}, labels["landmarks"]), labels)
    ol = sub(landmarks, "ol")
    for kind, href, text, own_words in _landmarks(docs, labels):
        a = sub(sub(ol, "li"), "a", {"href": href}, text)
        a.set(EPUB_TYPE, kind)
        if own_words:
            _in_words_language(a, labels)
    return Document(NAV, labels["contents"], root)


def _landmarks(docs: list[Document], labels: Labels) -> list[tuple[str, str, str, bool]]:
    """(epub:type, href, text, whether the text is one of articlekit's own words) per landmark."""
    words = {"cover": "cover", "titlepage": "title_page", "toc": "contents", "bodymatter": "start"}
    marks: list[tuple[str, str, str, bool]] = []
    for doc in docs:
        if doc.landmark in ("foreword", "bodymatter") and not any(m[0] == "toc" for m in marks):
            marks.append(("toc", f"{NAV}#toc", labels["contents"], True))  # where the nav is read
        if doc.landmark in words:
            marks.append((doc.landmark, doc.name, labels[words[doc.landmark]], True))
        elif doc.landmark:
            marks.append((doc.landmark, doc.name, doc.title, False))
    return marks


def _ncx(items: list[_Entry]) -> list[TocEntry]:
    """The contents for the EPUB 2 NCX, where every entry must point somewhere: a section at its first
    article's title (by its heading's id: two entries with one target would need one play order)."""
    out = []
    for item in items:
        children = _ncx(item.children)
        href = item.href or (f"{children[0].href}#{children[0].href[:4]}title-heading" if children else TITLE_PAGE)
        out.append(TocEntry(item.label, href, children))
    return out


# ---------------------------------------------------------------------------
# The package


def _edition_identifier(edition: Edition) -> tuple[str, str | None]:
    """The ISBN (ONIX code list 5: 15 for an ISBN-13, 02 for an ISBN-10) when there is one, else a
    name-based UUID of ISSN or title, volume, issue and date."""
    if edition.isbn:
        digits = "".join(edition.isbn.split()).replace("-", "").upper()
        return f"urn:isbn:{digits}", "15" if len(digits) == 13 else "02"
    key = ":".join(["articlekit-edition", edition.issn or edition.title, edition.volume or "", edition.issue or "",
                    edition.date.isoformat()])
    return f"urn:uuid:{uuid.uuid5(IDENTITY_NAMESPACE, key)}", None


def _contributors(edition: Edition) -> tuple[Contributor, ...]:
    """Every article's authors and editors, once each per role, in reading order; the edition's own
    editors are credited once, as its creators."""
    credited = {(p.display_name, "edt") for p in edition.editors}
    seen: dict[tuple[str, str], Contributor] = {}
    for item in edition.articles:
        m = item.article.metadata
        for role, p in (*(("author", a) for a in m.authors), *m.contributors):
            credit = contributor(p, RELATOR_OF[role])
            if (credit.name, credit.role) not in credited:
                seen.setdefault((credit.name, credit.role), credit)
    return tuple(seen.values())


def edition_metadata(edition: Edition, *, modified: Any, has_images: bool, images_described: bool,
                     animated_images: bool = False) -> PackageMetadata:
    """The OPF metadata of the edition's book (``modified`` a :class:`datetime.datetime`)."""
    identifier, identifier_type = _edition_identifier(edition)
    editors = tuple(contributor(p, "edt") for p in edition.editors)
    return PackageMetadata(
        identifier=identifier,
        identifier_type=identifier_type,
        title=edition.title,
        subtitle=edition.subtitle,
        language=edition.lang,
        creators=editors,
        contributors=_contributors(edition),
        date=edition.date.isoformat(),
        modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        publisher=edition.publisher,
        subjects=(),
        description=None,
        rights=None,
        collection=None,  # written by _add_collections, with volume and issue
        collection_issn=None,
        **accessibility(has_images=has_images, images_described=images_described,
                        animated_images=animated_images, structure="each article's"),
    )


def _add_collections(edition: Edition, book: epub.EpubBook) -> None:
    """Volume and issue as EPUB 3 ``belongs-to-collection`` metadata.

    The book (an issue) belongs to its volume, at the issue's position; the volume belongs, by a
    chained ``belongs-to-collection``, to the series (the edition's title, with its ISSN), at the
    volume's position.  Without a volume the issue's position is in the series itself.
    """
    if not (edition.volume or edition.issue or edition.issn):
        return
    add = book.add_metadata

    def collection(ident: str, name: str, kind: str, position: str | None, refines: str | None = None) -> None:
        attrs = {"property": "belongs-to-collection", "id": ident}
        if refines:
            attrs["refines"] = f"#{refines}"
        add(None, "meta", name, attrs)
        add(None, "meta", kind, {"refines": f"#{ident}", "property": "collection-type"})
        if ident == "series" and edition.issn:
            add(None, "meta", f"urn:issn:{edition.issn}", {"refines": "#series", "property": "dcterms:identifier"})
        if position and position.isdigit():
            add(None, "meta", position, {"refines": f"#{ident}", "property": "group-position"})

    if edition.volume:
        collection("volume", f"{edition.title} {edition.volume}", "set", edition.issue)
        collection("series", edition.title, "series", edition.volume, refines="volume")
    else:
        collection("series", edition.title, "series", edition.issue)
    if edition.issn:
        add("DC", "identifier", f"urn:issn:{edition.issn}", {"id": "issn"})


def build_edition_epub(edition: Edition, options: WriteOptions, *, split_bytes: int = SPLIT_BYTES) -> bytes:
    """The edition as EPUB bytes."""
    labels = labels_for_lang(edition.lang)
    moment = reproducible_moment(edition.date)
    cover_image = _cover_image(edition)

    front: list[Document] = []
    if cover_image:
        front.append(_cover_document(edition, cover_image, labels))
    front.append(_title_page(edition, labels))
    pieces = {p.kind: p for p in edition.front}
    if "imprint" in pieces:
        front.append(_front_document(edition, pieces["imprint"], IMPRINT, "copyright-page", "region"))
    after_nav: list[Document] = []
    if "foreword" in pieces:
        after_nav.append(_front_document(edition, pieces["foreword"], FOREWORD, "foreword", "doc-foreword"))

    toc: list[_Entry] = [_Entry(d.title, d.name) for d in [*front[1 + bool(cover_image):], *after_nav]]
    chapters: list[_Chapter] = []
    n = 0
    for section in edition.sections:
        entries = []
        for item in section.articles:
            n += 1
            chapter = _chapter(n, item, options, split_bytes)
            chapters.append(chapter)
            entries.append(chapter.entry)
        if section.title:
            toc.append(_Entry(section.title, None, entries))
        else:
            toc.extend(entries)
    body_docs = [d for c in chapters for d in c.docs]
    if body_docs:
        body_docs[0].landmark = "bodymatter"
    docs = [*front, *after_nav, *body_docs]
    nav = _nav_document(edition, labels, toc, docs)

    images = ([cover_image] if cover_image else []) + [i for c in chapters for i in c.images]
    meta = edition_metadata(
        edition, modified=moment, has_images=bool(images), images_described=all_images_described(docs),
        animated_images=any(i.media_type in ("image/gif", "image/webp") for i in images),
    )
    meta, with_math = declare_math(meta, [nav, *docs])

    book = epub.EpubBook()
    book.metadata[epub.NAMESPACES["OPF"]].pop("generator", None)  # ebooklib's version would change the bytes
    add_to_book(meta, book)
    _add_collections(edition, book)
    for lang in dict.fromkeys(i.article.metadata.lang for i in edition.articles):
        if lang != edition.lang:
            book.add_metadata("DC", "language", lang)
    book.add_metadata(None, "meta", "", {"name": "generator", "content": f"articlekit {__version__}"})
    if text_direction(edition.lang):
        book.set_direction("rtl")

    css = read_style("epub.css", options.styles_dir, edition.styles_dir)
    items = add_contents(book, nav, docs, with_math, css, images, cover_image,
                         lambda doc: doc.root.get("lang") or edition.lang)

    book.spine = [items[d.name] for d in front] + [items[NAV]] + [items[d.name] for d in [*after_nav, *body_docs]]
    book.toc = ncx_entries(_ncx(toc), [0])
    guide_types = {"cover": "cover", "titlepage": "title-page", "copyright-page": "copyright-page",
                   "foreword": "foreword", "bodymatter": "text"}
    book.guide = [{"type": guide_types[d.landmark], "href": d.name, "title": d.title}
                  for d in docs if d.landmark in guide_types]
    at = next((i for i, g in enumerate(book.guide) if g["type"] in ("foreword", "text")), len(book.guide))
    book.guide.insert(at, {"type": "toc", "href": NAV, "title": labels["contents"]})

    return write_book(book, moment, edition.lang)


def _cover_image(edition: Edition) -> ImageResource | None:
    if edition.cover is None:
        return None
    try:
        data = edition.cover.read_bytes()
    except OSError as e:
        raise ArticleError(edition.path, f"cover {str(edition.cover)!r} cannot be read: {e.strerror or e}") from None
    media_type = sniff_media_type(data)
    if media_type is None or media_type == "image/svg+xml":
        raise ArticleError(edition.path, f"cover {edition.cover.name!r} is not a PNG, JPEG, GIF or WebP image")
    return ImageResource(src=str(edition.cover), href=f"images/cover{EXTENSIONS[media_type]}",
                         media_type=media_type, data=data)


def edition_to_epub(edition: Edition, options: WriteOptions | None = None, **overrides: Any) -> bytes:
    """The edition as an EPUB 3 file; ``overrides`` set :class:`WriteOptions` fields (``styles_dir=…``)."""
    return build_edition_epub(edition, replace(options or WriteOptions(), **overrides))


__all__ = ["build_edition_epub", "edition_metadata", "edition_to_epub"]
