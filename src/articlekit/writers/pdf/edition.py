"""An edition as one print book: cover, title page, imprint, contents, foreword, then every article.

The book is one WeasyPrint document, so its pages are numbered in one sequence
and the contents can print each article's first page with ``target-counter``.
Each article is the article PDF's own print HTML (:func:`.document.print_document`:
title block, body, notes with the pages of their references), with every id and
every link inside it prefixed by the article's place in the edition (``a3-fn1``),
so the notes of each article are numbered from 1 and link only within it.

``print-edition.css`` (after ``print.css``, replaceable from ``--styles`` like
it) sets the front pages, starts each article on a right-hand page, and puts the
edition's title in the verso running head and the article's short title and
authors in the recto one.  The PDF outline follows the sections of the edition,
its articles and their own sections.  After layout each article's first and last
page are read from the laid-out pages (the anchors of its first and last
element) and returned with the PDF, for JATS and HTML.

Offprints (:func:`print_edition` with ``offprints=True``) come from the same
layout: each is its article's pages of the book, written as a PDF of its own
(:mod:`.offprints`) with the article's own metadata, XMP and identifier, as
its own PDF has them, and the book's lines, pages, running heads and folios.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

import weasyprint

from ..._version import __version__
from ...errors import ArticleError, ArticlekitError
from ...fonts import BookFaceNotInstalledError, find_book_face, find_code_face
from ...labels import date_text, labels_for, labels_for_lang
from ...model import NOTE_REFS, Article
from ...model.edition import ArticlePages, Edition, EditionArticle, with_pages
from ...options import WriteOptions
from ...read.safety import Policy
from ...render.identity import IDENTITY_NAMESPACE
from ...render.title_block import joined
from ...styles import default_styles_dir, find_style
from ...tree import inline_children
from ..moment import reproducible_moment
from .document import HYPHEN, PrintDocument, TitleRenderer, print_document, running_authors, shorten, text_setting
from .measure import CellFaces
from .offprints import article_metadata, offprint
from .page import base_stylesheet, page_geometry, parse_page_size
from .press import PressJob, Stylesheet, Write, cell_faces, press_pdf, reference_pages
from .writer import (
    article_xmp,
    conformance_of,
    document_id_of,
    link_labels,
    page_labels,
    shares_a_page,
    variant_of,
    w3c_time,
)
from .xmp import XmpData, instance_uuid, xmp_packet

#: The title block's line naming the article's section (``title-block.html.j2``).
_SECTION_LABEL = re.compile(r'<p class="section-label">[^<]*</p>\s*')
#: A start tag; a quoted attribute value may hold a ">" (HTML allows it unescaped).
_TAG = re.compile(r"""<[A-Za-z](?:[^>"']|"[^"]*"|'[^']*')*>""")
_ID_ATTR = re.compile(r'\b(id|aria-labelledby|aria-describedby)="([^"]*)"')
_HREF = re.compile(r'\bhref="#([^"]*)"')
_ARTICLE = re.compile(r'<article class="article">.*</article>', re.DOTALL)


def prefix_ids(html: str, prefix: str) -> str:
    """``html`` with every id, and every link and ARIA reference to one, prefixed with ``prefix``.

    Only attributes inside tags change: text that shows markup (code) is escaped
    by the renderer, and a quoted attribute value is read whole, whatever it holds.
    """

    def tag(m: re.Match[str]) -> str:
        text = _ID_ATTR.sub(lambda a: f'{a[1]}="{" ".join(prefix + v for v in a[2].split())}"', m[0])
        return _HREF.sub(lambda a: f'href="#{prefix}{a[1]}"', text)

    return _TAG.sub(tag, html)




def edition_uuid(edition: Edition) -> uuid.UUID:
    """The edition's name-based identifier: ISSN or ISBN, slug and date (never random)."""
    key = f"articlekit-edition:{edition.issn or ''}:{edition.isbn or ''}:{edition.slug}:{edition.date.isoformat()}"
    return uuid.uuid5(IDENTITY_NAMESPACE, key)


def numbering(edition: Edition) -> str | None:
    """"Volume 2 · Issue 2", in the edition's language where the catalogue has its words (else English)."""
    return labels_for_lang(edition.lang).numbering(edition.volume, edition.issue)


#: Longest recto running head (short title · authors), in characters: what a head line holds at the
#: head's type size on the narrowest measure the page geometry gives.
RUNNING_HEAD_MAX = 75


def running_head(article: Article) -> str:
    """The recto head of an article in an edition: its short title and its authors' family names.

    "Data protection in Southeast Asia after the GDPR · Prasetyo and Rahman"; a
    title too long to leave room for the names is shortened (see :func:`.document.shorten`).
    """
    m = article.metadata
    authors = running_authors([p.family or p.name for p in m.authors], labels_for(article))
    room = RUNNING_HEAD_MAX - len(authors) - 3
    title = shorten(m.title_text, max(room, 24))
    return f"{title}\u2002\u00b7\u2002{authors}"


def toc_inlines(nodes: list[Any]) -> list[Any]:
    """A title's inlines for its contents entry: its markup (italics, formulas) kept; its note
    references, links, spans and pictures left out, for the entry is itself a link and the ids are
    the article's."""
    out: list[Any] = []
    for node in nodes:
        t, kids = node.get("t"), inline_children(node)
        if t == NOTE_REFS:
            continue
        if t in ("Link", "Span", "Cite", "Image"):
            out.extend(toc_inlines(kids or []))
        elif t == "Quoted":
            out.append({"t": t, "c": [node["c"][0], toc_inlines(kids or [])]})
        elif kids is not None:
            out.append({"t": t, "c": toc_inlines(kids)})
        else:
            out.append(node)
    return out


def toc_title(article: Article) -> str:
    """An article's title (and subtitle) as its contents entry shows it, as HTML: with its italics,
    its last two words tied so that the line the leader follows never holds one short word alone."""
    m = article.metadata
    nodes = list(m.title)
    if m.subtitle:
        nodes += [{"t": "Str", "c": ":"}, {"t": "Space"}, *m.subtitle]
    r = TitleRenderer(article)
    return tie_last_space(r.clean(r.inlines(toc_inlines(nodes))))


def tie_last_space(html: str, limit: int = 16) -> str:
    """``html`` with the last space of its text made a no-break space, when the words after it are short.

    Unlike :func:`.breaks.tie_last_words` this finds the space inside markup too ("the US–China
    <em>trade war</em>"), so the last line holds at least the last two words.
    """
    parts = re.split(r"(<[^>]*>)", html)
    after = 0
    for i in range(len(parts) - 1, -1, -1):
        if parts[i].startswith("<"):
            continue
        head, space, tail = parts[i].rpartition(" ")
        if not space:
            after += len(parts[i])
            continue
        if after + len(tail) > limit:
            return html
        parts[i] = f"{head}\u00a0{tail}"
        return "".join(parts)
    return html


class _Book:
    """The edition's print HTML, built piece by piece; ids of the front pages are fixed words."""

    def __init__(self, edition: Edition, created: str, measure_em: float = 32.0,
                 wide_em: float | None = None, faces: Callable[[str, str], CellFaces] | None = None) -> None:
        self.edition = edition
        self.created = created
        self.labels = labels_for_lang(edition.lang)
        self.sectioned = any(s.title for s in edition.sections)
        #: The text block's width in ems of the body type, which decides how a wide table is set.
        self.measure_em = measure_em
        self.wide_em = wide_em
        #: Each article's print document (by its place in the edition, from 1), for its offprint's metadata.
        self.documents: dict[int, PrintDocument] = {}
        #: What table cells are set in, by the article's language and setting (see :func:`.press.cell_faces`).
        self.faces = faces

    def prefix(self, index: int) -> str:
        return f"a{index}-"

    def article_html(self, index: int, item: EditionArticle, part_title: str | None,
                     ref_pages: Mapping[str, int] | None = None) -> str:
        """One article: the article PDF's own print HTML, its ids prefixed, the part title over the first."""
        article = item.article
        m = article.metadata
        image_src = m.image.src if m.image and m.image.src else None
        faces = self.faces
        doc = print_document(article, created=self.created, image_src=image_src, ref_pages=ref_pages,
                             measure_em=self.measure_em, wide_em=self.wide_em,
                             faces=(lambda: faces(m.lang, text_setting(m.lang))) if faces else None)
        self.documents[index] = doc
        found = _ARTICLE.search(doc.html)
        if found is None:  # pragma: no cover - print_document always writes one
            raise ArticlekitError(f"{article.path}: no article in its print HTML")
        prefix = self.prefix(index)
        inner = prefix_ids(found[0], prefix)
        head = inner[: inner.index(">") + 1]
        body = inner[len(head):]
        lang = escape(m.lang, quote=True)
        attrs = (f' id="{prefix[:-1]}" lang="{lang}" data-slug="{escape(item.slug, quote=True)}"'
                 f' data-setting="{text_setting(m.lang)}" data-running-head="{escape(running_head(article))}"')
        part = (f'<h1 class="part-title" id="{prefix}part">{escape(part_title)}</h1>\n'
                if part_title else "")
        if part_title and m.section and m.section.strip().casefold() == part_title.strip().casefold():
            # The part title already names the section the article runs under: not said twice.
            body = _SECTION_LABEL.sub("", body, count=1)
        end = f'<span class="article-end" id="{prefix}end"></span>'
        # The outline names the article by its plain title (the printed one ties its last words).
        body = body.replace('<h1 class="title"', f'<h1 class="title" data-bookmark="{escape(m.title_text)}"', 1)
        return head.replace('<article class="article"', f'<article class="article edition-article"{attrs}', 1) \
            + "\n" + part + body.removesuffix("</article>") + end + "</article>"

    def cover(self) -> str:
        e = self.edition
        if e.cover is None:
            return ""
        alt = escape(f"{e.title}" + (f", {numbering(e)}" if numbering(e) else ""), quote=True)
        return f'<section class="cover front" aria-label="{alt}"><img src="{e.cover.as_uri()}" alt="{alt}"></section>'

    def title_page(self) -> str:
        e = self.edition
        lines = [f'<h1 class="edition-title" id="edition-title">{escape(e.title)}</h1>']
        if e.subtitle:
            lines.append(f'<p class="edition-subtitle">{escape(e.subtitle)}</p>')
        if numbering(e):
            mark = f' lang="{self.labels.mark}"' if self.labels.mark else ""
            lines.append(f'<p class="edition-numbering"{mark}>{escape(numbering(e) or "")}</p>')
        lines.append(f'<p class="edition-date">{escape(date_text(e.date, e.lang))}</p>')
        if e.editors:
            word = self.labels["editor" if len(e.editors) == 1 else "editors"]
            lines.append(f'<p class="edition-editors"><span class="label">{escape(word)}</span> '
                         f"{escape(joined([p.display_name for p in e.editors], self.labels))}</p>")
        if e.publisher:
            lines.append(f'<p class="edition-publisher">{escape(e.publisher)}</p>')
        return '<section class="title-page front">\n' + "\n".join(lines) + "\n</section>"

    def imprint(self) -> str:
        e = self.edition
        pieces = [p for p in e.front if p.kind == "imprint"]
        body = "".join(p.html for p in pieces)
        # The identifiers the imprint's own words do not already give.
        stated = re.sub(r"<[^>]*>", "", body)
        facts = [f"{kind} {number}" for kind, number in (("ISSN", e.issn), ("ISBN", e.isbn))
                 if number and number not in stated]
        facts_html = "".join(f"<p>{escape(f)}</p>" for f in facts)
        if not pieces and not facts_html:
            return '<section class="imprint front" aria-hidden="true"></section>'
        return f'<section class="imprint front">{body}<div class="identifiers">{facts_html}</div></section>'

    def forewords(self) -> list[tuple[str, str, str]]:
        """``(id, title, html)`` of each foreword, in order."""
        out = []
        for i, piece in enumerate(p for p in self.edition.front if p.kind == "foreword"):
            ident = f"foreword-{i + 1}"
            text = piece.html
            out.append((ident, piece.title, f'<section class="foreword" id="{ident}" aria-labelledby="{ident}-title">'
                               f'<h1 class="foreword-title" id="{ident}-title">{escape(piece.title)}</h1>'
                               f"{text}</section>"))
        return out

    def contents(self) -> str:
        e = self.edition
        items = []
        for ident, title, _ in self.forewords():
            items.append(f'<ol class="toc"><li><p class="toc-entry"><a class="toc-link" href="#{ident}">'
                         f"{escape(title)}</a></p></li></ol>")
        index = 0
        for section in e.sections:
            entries = []
            for item in section.articles:
                index += 1
                m = item.article.metadata
                title = toc_title(item.article)
                authors = escape(", ".join(p.name for p in m.authors))
                lang = f' lang="{escape(m.lang, quote=True)}"' if m.lang != e.lang else ""
                entries.append(
                    f'<li{lang}><p class="toc-entry"><a class="toc-link" href="#{self.prefix(index)[:-1]}">'
                    f'{title}</a></p><p class="toc-authors">{authors}</p></li>')
            heading = f'<h2 class="toc-section">{escape(section.title)}</h2>' if section.title else ""
            items.append(f'{heading}<ol class="toc">{"".join(entries)}</ol>')
        word = escape(self.labels["contents"])
        return (f'<nav class="contents" id="contents" aria-labelledby="contents-title">'
                f'<h1 class="contents-title" id="contents-title">{word}</h1>{"".join(items)}</nav>')

    def html(self, ref_pages: Mapping[int, Mapping[str, int]] | None = None) -> str:
        """The book; ``ref_pages`` (article number → reference id → page) lists each page of a note once."""
        e = self.edition
        editors = [p.name for p in e.editors]
        head = [
            '<meta charset="utf-8">',
            f"<title>{escape(e.title)}</title>",
            *(f'<meta name="author" content="{escape(n, quote=True)}">' for n in editors),
            f'<meta name="generator" content="articlekit {escape(__version__, quote=True)}">',
            f'<meta name="dcterms.created" content="{self.created}">',
            f'<meta name="dcterms.modified" content="{self.created}">',
        ]
        articles = []
        index = 0
        for section in e.sections:
            for k, item in enumerate(section.articles):
                index += 1
                pages = (ref_pages or {}).get(index)
                articles.append(self.article_html(index, item, section.title if k == 0 else None, pages))
        front = [self.cover(), self.title_page(), self.imprint(), self.contents(),
                 *(html for _, _, html in self.forewords())]
        return self._page(head, [*front, *articles])

    def _page(self, head: list[str], pieces: list[str]) -> str:
        e = self.edition
        running = escape(shorten(e.title), quote=True)
        classes = f"{text_setting(e.lang)} edition" + (" sectioned" if self.sectioned else "")
        return "\n".join([
            "<!DOCTYPE html>",
            f'<html lang="{escape(e.lang, quote=True)}" class="{classes}">',
            "<head>", *head, "</head>",
            f'<body data-edition-title="{running}">',
            *pieces,
            "</body>", "</html>", "",
        ]).replace(HYPHEN, "-")


def _xmp(edition: Edition, created: str, conformance: dict[str, str], document_id: str,
         instance_id: str) -> bytes:
    articles = [a.article.metadata for a in edition.articles]
    authors = tuple(dict.fromkeys(p.name for m in articles for p in m.authors))
    contributors = tuple(dict.fromkeys(
        [p.name for p in edition.editors]
        + [p.name for m in articles for _role, p in m.contributors]))
    titles = "; ".join(m.title_text for m in articles)
    return xmp_packet(XmpData(
        title=edition.title + (f": {edition.subtitle}" if edition.subtitle else ""),
        authors=authors,
        editors=contributors,
        description=titles,
        keywords=(),
        lang=edition.lang,
        published=edition.date.isoformat(),
        created=created,
        creator_tool=f"articlekit {__version__}",
        producer=f"WeasyPrint {weasyprint.__version__}",
        document_id=document_id,
        instance_id=instance_id,
        conformance=conformance,
        publisher=edition.publisher,
        rights=None,
        identifier=(f"urn:isbn:{edition.isbn}" if edition.isbn else f"urn:issn:{edition.issn}" if edition.issn
                    else None),
    ))


def edition_time(edition: Edition) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` if set, else the edition's date at 00:00 UTC (as for an article)."""
    return reproducible_moment(edition.date)


def _page_ranges(edition: Edition, pages: Mapping[str, int]) -> list[ArticlePages]:
    out = []
    for index, item in enumerate(edition.articles, start=1):
        first, last = pages.get(f"a{index}"), pages.get(f"a{index}-end")
        if first is None or last is None:  # pragma: no cover - every article is laid out
            raise ArticlekitError(f"{item.source}: not found in the laid-out edition")
        out.append(ArticlePages(item.slug, first, last))
    return out


@dataclass(frozen=True)
class EditionPrint:
    """What one print run of an edition made."""

    pdf: bytes  #: the book
    pages: list[ArticlePages]  #: where each article falls in it (first and last page)
    #: Each article's offprint (its pages of the book, a PDF of their own), by slug, in the edition's order.
    offprints: dict[str, bytes] = field(default_factory=dict)


def edition_to_pdf(edition: Edition, options: WriteOptions | None = None,
                   **kwargs: object) -> tuple[bytes, list[ArticlePages]]:
    """The edition as one PDF, and where each article falls in it (first and last page).

    ``options`` (or its fields as keywords: ``page_size``, ``pdf_variant``,
    ``styles_dir``, ``allow_remote``) are the article PDF's.
    """
    made = print_edition(edition, options, **kwargs)
    return made.pdf, made.pages


def print_edition(edition: Edition, options: WriteOptions | None = None, *, offprints: bool = False,
                  **kwargs: object) -> EditionPrint:
    """The edition as one PDF, where each article falls in it, and with ``offprints`` each article's offprint.

    The book is laid out once (twice where a note's references share a page);
    the offprints are the articles' pages of that layout, not laid out again.
    ``options`` and ``kwargs`` are as for :func:`edition_to_pdf`.
    """
    if options is None:
        options = WriteOptions(**kwargs)  # type: ignore[arg-type]
    elif kwargs:
        options = dataclasses.replace(options, **kwargs)  # type: ignore[arg-type]
    if not edition.articles:
        raise ArticleError(edition.path, "the edition lists no articles")
    variant = variant_of(options.pdf_variant)
    geometry = page_geometry(parse_page_size(options.page_size))
    try:
        book = find_book_face()
    except BookFaceNotInstalledError as e:
        raise ArticlekitError(str(e)) from None
    code_face = find_code_face()
    moment = edition_time(edition)
    created = w3c_time(moment)
    source_dir = edition.articles[0].article.source_dir
    styles = [d for d in (options.styles_dir, edition.styles_dir, edition.articles[0].article.styles_dir) if d]
    house_path = find_style("print.css", *styles)
    edition_css_path = find_style("print-edition.css", *styles)
    base_css = base_stylesheet(book, geometry, edition.lang, code_face)
    house_css = house_path.read_text(encoding="utf-8")
    edition_css = edition_css_path.read_text(encoding="utf-8")
    style_dirs = tuple(dict.fromkeys(d.resolve() for d in (*styles, default_styles_dir())))
    extra = [*style_dirs, edition.path.resolve().parent]
    if edition.cover is not None:
        extra.append(edition.cover.resolve().parent)
    extra.extend(a.article.source_dir.resolve() for a in edition.articles)
    policy = Policy(source_dir, extra_dirs=tuple(dict.fromkeys(extra)), allow_remote=options.allow_remote)

    document_id = f"uuid:{edition_uuid(edition)}"
    job = PressJob(
        path=edition.path, source_dir=source_dir, moment=moment, policy=policy, book=book, code_face=code_face,
        base_css=base_css, sheets=(Stylesheet(house_css, house_path.parent),
                                   Stylesheet(edition_css, edition_css_path.parent)),
        variant=variant, variant_name=options.pdf_variant, document_id=document_id, packet=b"", outlines=True,
        formulas=frozenset(tex.strip() for item in edition.articles for _display, tex in item.article.formulas),
    )
    builder = _Book(edition, created, geometry.measure / geometry.font_size,
                    geometry.wide_measure / geometry.font_size, functools.partial(cell_faces, job))
    html = builder.html()
    instance_id = instance_uuid(document_id, html.encode(), base_css.encode(), house_css.encode(),
                                edition_css.encode(), (options.pdf_variant or "").encode(),
                                weasyprint.__version__.encode(), __version__.encode())
    labels: dict[str, str] = {}
    for index, item in enumerate(edition.articles, start=1):
        labels.update({builder.prefix(index) + k: v for k, v in link_labels(item.article).items()})
        labels[f"a{index}"] = item.article.metadata.title_text
    for ident, title, _ in builder.forewords():
        labels[ident] = title
    job = dataclasses.replace(job, packet=_xmp(edition, created, conformance_of(variant), document_id, instance_id),
                              labels=labels, page_labels=page_labels(*(item.article for item in edition.articles)))

    def page_references(pages: dict[str, int]) -> dict[int, dict[str, int]] | None:
        """Each article's reference pages, if a note of one has two references on a page (it lists it once:
        the notes follow every reference of their article, so listing fewer pages cannot move one)."""
        per_article = {
            index: {ref: pages[builder.prefix(index) + ref] for note in item.article.notes
                    for ref in note.ref_ids if builder.prefix(index) + ref in pages}
            for index, item in enumerate(edition.articles, start=1)
        }
        shared = any(shares_a_page(item.article, per_article[i]) for i, item in enumerate(edition.articles, 1))
        return per_article if shared else None

    made: dict[str, bytes] = {}

    def copies(document: weasyprint.Document, write: Write) -> None:
        """Each article's offprint: its pages of the laid-out book, as its own PDF."""
        placed = _page_ranges(edition, reference_pages(document))
        for index, (item, where) in enumerate(zip(edition.articles, placed, strict=True), start=1):
            article = with_pages(item.article, edition, where)
            doc = builder.documents[index]
            article_id = document_id_of(article)
            article_instance = instance_uuid(article_id, instance_id.encode(), f"{where.first}-{where.last}".encode())
            own = dataclasses.replace(
                job, path=item.source, document_id=article_id, outlines=False,
                packet=article_xmp(article, doc, created, conformance_of(variant), article_id, article_instance))
            pages = offprint(document, where.first, where.last, article_metadata(article, doc, created),
                             item.article.metadata.title_text)
            made[item.slug] = write(own, pages)

    data, pages = press_pdf(job, lambda refs: html if refs is None else builder.html(refs), page_references,
                            copies if offprints else None)
    return EditionPrint(data, _page_ranges(edition, pages), made)


__all__ = ["EditionPrint", "edition_to_pdf", "edition_uuid", "numbering", "prefix_ids", "print_edition"]

