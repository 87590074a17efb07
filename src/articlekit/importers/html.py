"""Saved article pages: the article's own content, its notes and its metadata.

The page is parsed as a browser parses it (html5lib, into an lxml tree: see
:func:`parse`).  The content (``<article>``, else ``<main>``, else ``<body>``)
is taken without scripts, styles, navigation, forms and the page's own title
block; notes linked as ``<sup><a href="#fn1">`` become labelled notes, their
back-links dropped.  The metadata comes from schema.org JSON-LD, then Highwire
``citation_*`` tags, then Dublin Core, then the title block, ``<title>`` and
``<html lang>``.  pandoc turns what is left into Markdown; the words of running
text are counted in and out (:mod:`.words`).
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

from lxml import etree
from lxml import html as lhtml

from ..labels import catalogue, primary
from ..read.frontmatter import CREDIT_ROLES
from ..read.pandoc import PandocFailed
from . import ast, canonical, pictures
from .metadata import date_of, people_of, words_of
from .report import ImportReport
from .words import count as count_words
from .words import in_page, in_tree

#: Elements that are never an article's text.
_DROP = ("script", "style", "noscript", "template", "nav", "form", "button", "iframe", "object", "embed",
         "aside", "footer", "svg", "link", "meta")
#: What is reported when it stands outside the content (the rest of a page's head is metadata).
_OUTSIDE = ("script", "style", "nav", "aside", "footer", "form", "iframe")
_NOTE_HREF = re.compile(r"^#(.+)$")
#: Front matter keys whose value is one piece of text.
_TEXT_KEYS = ("title", "subtitle", "date", "lang", "abstract", "publisher", "publication", "issn", "doi",
              "license", "section")


def convert(text: str, report: ImportReport, options: dict[str, Any]) -> tuple[dict[str, Any], list[str],
                                                                              list[tuple[str, str]]]:
    report.kind = "html"
    report.words_in = in_page(text)
    try:
        root = parse(text, report)
    except TooManyElements as e:
        report.error(f"the page makes more than {MAX_ELEMENTS:,} elements by here (formatting tags such as <font> "
                     "left open, which every later paragraph reopens); close them", e.line, unread=True)
        return {}, [], []
    meta: dict[str, Any] = {}
    _metadata(root, meta, report, options)
    if options.get("lang") and "lang" not in meta:
        meta["lang"] = options["lang"]
    content = _content(root, report)
    lang = str(meta.get("lang") or "en")
    notes = _notes(content, report, lang) or _bracket_notes(content, report, lang)
    for el in _outermost(content, _DROP):  # what is inside one is dropped, and counted, with it
        report.drop(f"<{el.tag}>", el.sourceline, words=in_tree(el))
        el.drop_tree()
    _images(content, options, report)
    for el in list(content.iter("section", "div")):
        el.drop_tag()  # sections come from the headings; pandoc would keep divs as divs
    try:
        api, blocks = _blocks(content)
        note_blocks = ast.split_at_separators(_notes_blocks(notes)) if notes else []
    except PandocFailed as e:
        report.error(f"pandoc cannot read the content: {e}")
        return meta, [], []
    body, written = ast.body_and_notes(blocks, note_blocks, api)
    return meta, body, written


#: Most elements a page may make.  Each paragraph reopens the formatting elements left unclosed before it
#: (the WHATWG algorithm, as browsers do), so n paragraphs under n distinct unclosed ``<font>`` tags make
#: n²/2 elements: 400 make 80,000, and a few thousand would make millions and take minutes.
MAX_ELEMENTS = 500_000


class TooManyElements(Exception):
    """The page makes more than :data:`MAX_ELEMENTS` elements; ``line`` is where it went past them."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _outermost(root: Any, tags: tuple[str, ...]) -> list[Any]:
    """The elements under ``root`` named ``tags`` that are inside no other of them, in one linear walk."""
    found: list[Any] = []
    inside = 0
    for event, el in etree.iterwalk(root, events=("start", "end"), tag=tags):
        if event == "start":
            if inside == 0 and el is not root:
                found.append(el)
            inside += 1
        else:
            inside -= 1
    return found


class _Lines:
    """An html5lib tree builder (ElementTree's, as fast as html5lib goes) that notes each element's line,
    and stops past :data:`MAX_ELEMENTS`."""

    def __init__(self) -> None:
        import xml.etree.ElementTree as ET

        import html5lib

        self.lines: dict[Any, int] = {}
        self.made = 0
        self.parser = html5lib.HTMLParser(tree=self._builder(html5lib.getTreeBuilder("etree", ET)),
                                          namespaceHTMLElements=False)

    def _builder(self, base: Any) -> Any:
        lines, outer = self.lines, self

        class Builder(base):  # type: ignore[misc, valid-type]
            def __init__(self, namespace_html: bool) -> None:
                super().__init__(namespace_html)
                element_class = self.elementClass

                class Element(element_class):  # type: ignore[misc, valid-type]
                    def __init__(self, name: str, namespace: str | None = None) -> None:
                        super().__init__(name, namespace)
                        tokenizer = getattr(outer.parser, "tokenizer", None)
                        line = tokenizer.stream.position()[0] if tokenizer is not None else 1
                        lines[self._element] = line
                        outer.made += 1
                        if outer.made > MAX_ELEMENTS:
                            raise TooManyElements(line)

                self.elementClass = Element

        return Builder


#: Characters an XML tree (and so no output) can hold: C0 controls but tab and newlines, and two non-characters.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse(text: str, report: ImportReport) -> Any:
    """The page as an lxml.html tree, parsed as a browser does (html5lib, the WHATWG algorithm).

    libxml2's HTML parser takes ``embed``, ``source``, ``track`` and ``wbr`` for
    containers and silently cuts nesting deeper than 255 levels, and either
    drops the rest of the article; html5lib knows the void elements and has no
    depth limit.  Each element keeps the line it starts on (``sourceline``);
    characters no output can carry are dropped, and reported.
    """
    controls = _NOT_XML.findall(text)
    if controls:
        first = text[: _NOT_XML.search(text).start()].count("\n") + 1  # type: ignore[union-attr]
        report.drop(f"{len(controls)} control characters no output can carry (the first U+{ord(controls[0]):04X})",
                    first, guessed=True)
        text = _NOT_XML.sub("", text)
    builder = _Lines()
    document = builder.parser.parse(text)  # may raise TooManyElements
    source = document.getroot() if hasattr(document, "getroot") else document
    make = lhtml.html_parser.makeelement
    root = make("html")
    stack: list[tuple[Any, Any]] = [(source, root)]
    while stack:  # copied without recursion: a page may nest deeper than Python recurses
        src, dst = stack.pop()
        _attributes(src, dst)
        dst.sourceline = builder.lines.get(src)
        dst.text = src.text
        last = None
        for child in src:
            if not isinstance(child.tag, str):  # a comment or a processing instruction
                tail = child.tail or ""
                if last is None:
                    dst.text = (dst.text or "") + tail
                else:
                    last.tail = (last.tail or "") + tail
                continue
            try:
                last = etree.SubElement(dst, child.tag.rpartition("}")[2])  # <svg>, <math> by their own names
            except ValueError:  # a name XML cannot hold ("a<b"): its text is kept, in a span
                last = etree.SubElement(dst, "span")
            last.tail = child.tail
            stack.append((child, last))
    return root


def _attributes(src: Any, dst: Any) -> None:
    for name, value in src.attrib.items():
        try:
            dst.set(name, value)
        except ValueError:  # a name XML cannot hold; no attribute articlekit reads has one
            continue


def _images(content: Any, options: dict[str, Any], report: ImportReport) -> None:
    """Each image the page saved beside itself (``page_files/map.png``) taken beside the source.

    An image on another site is dropped with a warning (articlekit reads images
    only from the source's folder); one that is named but missing is an error.
    """
    for img in list(content.iter("img")):
        src = (img.get("src") or "").strip()
        if re.match(r"^(?:https?:)?//", src) or src.startswith("data:") or not src:
            report.drop(f"image {src[:80]!r}: not a file saved with the page (download it beside the source and "
                        "add it back)", img.sourceline, guessed=True)
            _remove_keeping_tail(img)
            continue
        target = _local_image(src, options, report, img.sourceline)
        if target is not None:
            img.set("src", target)


def _local_image(src: str, options: dict[str, Any], report: ImportReport, line: int | None) -> str | None:
    """A picture saved with the page, taken beside the source: at the same relative place when that
    stays inside the folder (as a build puts a page's images), else into ``<slug>-media/``.

    It is read only when it lies inside the page's folder (:func:`.pictures.take`)."""
    path = options.get("path")
    if path is None:
        report.error(f"image {src!r} is not found beside the page", line)
        return None
    taken = pictures.take(src, path.parent, report, line)
    if taken is None:
        return None
    data, extension = taken
    rel = unquote(src.split("?")[0].split("#")[0])
    parts = PurePosixPath(rel).parts
    name = pictures.picture_name(rel, extension)
    if rel.startswith("/") or ".." in parts or not parts or name != PurePosixPath(rel).name:
        rel = f"{options.get('slug') or 'article'}-media/{name}"
    report.media[rel] = data
    report.map(f"image {src} → {rel}", line)
    return rel


def _notes_blocks(notes: list[tuple[str, Any]]) -> list[Any]:
    """Every note's blocks from one pandoc run, each note after a separator paragraph."""
    html = "".join(f"<p>{ast.separator(label)['c'][0]['c']}</p>" + _inner(el) for label, el in notes)
    return ast.read("html-native_divs-native_spans", html.encode("utf-8"))["blocks"]


def _inner(el: Any) -> str:
    inner = (el.text or "") + "".join(lhtml.tostring(c, encoding="unicode") for c in el)
    return inner if len(el) and el[0].tag in ("p", "div", "ul", "ol", "blockquote") else f"<p>{inner}</p>"


def _blocks(el: Any) -> tuple[Any, list[Any]]:
    inner = (el.text or "") + "".join(lhtml.tostring(c, encoding="unicode") for c in el)
    doc = ast.read("html-native_divs-native_spans", inner.encode("utf-8"))
    return doc["pandoc-api-version"], doc["blocks"]


def _content(root: Any, report: ImportReport) -> Any:
    """The article element, else main, else body; without the page's own title block."""
    for path in ("//article", "//main", "//body"):
        found = root.xpath(path)
        if found:
            content = found[0]
            break
    else:
        content = root
    report.map(f"content: <{content.tag}>", content.sourceline)
    around = in_tree(root) - in_tree(content)
    if around > 0:
        report.drop(f"{around} words of the page around <{content.tag}> (the site's header, navigation, footer)",
                    words=around)
    inside = set(content.iter())
    for el in root.iter(*_OUTSIDE):
        if el not in inside and not any(a in inside for a in el.iterancestors(*_OUTSIDE)):
            report.drop(f"<{el.tag}> outside <{content.tag}>", el.sourceline)
    for header in _outermost(content, ("header", "h1")):
        report.drop(f"<{header.tag}> (the title block: its facts are read from the metadata)", header.sourceline,
                    words=in_tree(header))
        header.drop_tree()
    return content


def _own_heading(heading: Any, lang: str, report: ImportReport) -> bool:
    """Whether a heading over the notes is the author's own words, to be kept as the notes' heading.

    articlekit's own word for notes in the article's language ("Notes", "Catatan")
    is what it prints anyway, so such a heading is dropped and the article reads
    back as it was written.
    """
    words = heading.text_content().strip()
    default = {catalogue().get(primary(lang), {}).get("notes"), catalogue()["en"]["notes"]}
    if words in default:
        report.drop(f"the notes heading {words!r} (articlekit's own word for them)", heading.sourceline,
                    words=count_words(words))
        return False
    report.map(f"the notes heading {words!r} → the last heading, which names the notes", heading.sourceline)
    return True


def _notes(content: Any, report: ImportReport, lang: str) -> list[tuple[str, Any]]:
    """Notes linked from the text: each reference a token, each note's element taken out with its label."""
    ids = {el.get("id"): el for el in content.iter() if el.get("id")}
    refs = [a for a in content.iter("a") if (m := _NOTE_HREF.match(a.get("href") or "")) and m.group(1) in ids
            and (a.get("role") == "doc-noteref" or _in_sup(a) or "footnote-ref" in (a.get("class") or ""))]
    if not refs:
        return []
    notes: dict[str, tuple[str, Any]] = {}
    for a in refs:
        target = ids[a.get("href")[1:]]
        key = target.get("id")
        if key not in notes:
            label = re.sub(r"\D", "", a.text_content()) or str(len(notes) + 1)
            notes[key] = (label, target)
        _replace_with_token(a, notes[key][0])
    only_refs = re.compile("^(?:\ue000[^\ue001]+\ue001)+$")
    for sup in list(content.iter("sup")):
        if len(sup) == 0 and only_refs.match(sup.text_content().strip(",\u2060 ")):
            sup.text = sup.text.strip(",\u2060 ")
            sup.drop_tag()  # the references are superscript by nature; a cluster's commas go
    lists = set()
    for _, el in notes.values():
        for back in el.xpath(".//a[@role='doc-backlink' or contains(@class,'footnote-back') or "
                             "starts-with(@href,'#fnref')]"):
            report.words_dropped += in_tree(back)  # a back-link's arrow or "back": the notes' own furniture
            _remove_keeping_tail(back)
        holder = el.getparent()
        if holder is not None:
            lists.add(holder)
    for holder in lists:
        section = holder.getparent()
        while section is not None and section is not content and section.tag not in ("section", "div", "aside"):
            section = section.getparent()
        gone = section if section is not None and section is not content else holder
        headings = [h for h in gone.xpath(".//h2|.//h3|.//h4") if _own_heading(h, lang, report)]
        if headings:  # the author's own heading stays, at the end of the text, where it names the notes
            h = headings[0]
            h.tail = None
            gone.addprevious(h)
        gone.drop_tree()
    report.map(f"{len(notes)} notes linked from the text → [^label]")
    return list(notes.values())


_BRACKET = re.compile(r"\[(\d{1,5})\]")
_BRACKET_NOTE = re.compile(r"^\s*\[(\d{1,5})\]\s*")


def _bracket_notes(content: Any, report: ImportReport, lang: str) -> list[tuple[str, Any]]:
    """Notes written as text: markers ``[1]`` in the text, and closing paragraphs ``[1] The note.``.

    The notes are the run of paragraphs at the end of the content that each begin
    with a bracketed number (a heading just above them goes with them).  Every
    marker that names one becomes a reference; a marker without a note and a note
    never referenced are errors, with their lines.
    """
    paragraphs = [p for p in content.iter("p") if p.text_content().strip()]
    notes: dict[str, tuple[str, Any]] = {}
    lines: dict[str, int | None] = {}
    for p in reversed(paragraphs):
        m = _BRACKET_NOTE.match(p.text or "")
        if not m:
            break
        label = str(int(m.group(1)))
        if label in notes:
            report.error(f"note [{label}] is given twice (first on line {p.sourceline})", lines[label])
            continue
        p.text = (p.text or "")[m.end() :]
        notes[label], lines[label] = (label, p), p.sourceline
    if not notes:
        return []
    first = min((el for _, el in notes.values()), key=lambda el: el.sourceline or 0)
    before = first.getprevious()
    if before is not None and before.tag in ("h2", "h3", "h4") and not _own_heading(before, lang, report):
        before.drop_tree()
    for _, el in notes.values():
        el.drop_tree()
    referenced: set[str] = set()

    def swap(text: str | None, line: int | None) -> str | None:
        if not text:
            return text

        def one(m: re.Match[str]) -> str:
            label = str(int(m.group(1)))
            if label not in notes:
                report.error(f"marker [{m.group(1)}] has no note", line)
                return m.group(0)
            referenced.add(label)
            return ast.token(label)["c"]

        return _BRACKET.sub(one, text)

    for el in list(content.iter()):
        if isinstance(el.tag, str) and el.tag not in ("code", "pre"):
            el.text = swap(el.text, el.sourceline)
        el.tail = swap(el.tail, el.sourceline)
    for label in notes:
        if label not in referenced:
            report.error(f"note [{label}] is never referenced in the text", lines[label])
    report.map(f"{len(notes)} notes written as [n] → [^n]")
    return sorted(notes.values(), key=lambda item: int(item[0]))


def _in_sup(a: Any) -> bool:
    parent = a.getparent()
    return parent is not None and parent.tag == "sup"


def _replace_with_token(a: Any, label: str) -> None:
    token = ast.token(label)["c"]
    parent = a.getparent()
    prev = a.getprevious()
    tail = a.tail or ""
    if parent.tag == "sup":  # separators inside a cluster (6,7) go; the references stay adjacent
        tail = tail.strip(", \u2060")
        if prev is None:
            parent.text = (parent.text or "").strip(", \u2060")
    text = token + tail
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(a)


def _remove_keeping_tail(el: Any) -> None:
    parent = el.getparent()
    prev = el.getprevious()
    tail = el.tail or ""
    if prev is not None:
        prev.tail = ((prev.tail or "") + tail).rstrip() if not tail.strip() else (prev.tail or "") + tail
    else:
        parent.text = ((parent.text or "") + tail).rstrip() if not tail.strip() else (parent.text or "") + tail
    parent.remove(el)


def _metas(root: Any) -> dict[str, list[tuple[str, int | None]]]:
    out: dict[str, list[tuple[str, int | None]]] = {}
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip()
        if name and m.get("content") is not None:
            out.setdefault(name.lower(), []).append((m.get("content").strip(), m.sourceline))
    return out


def _jsonld(root: Any, report: ImportReport) -> tuple[dict[str, Any], int | None]:
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            report.drop("JSON-LD that is not valid JSON", script.sourceline, guessed=True)
            continue
        if not isinstance(data, list | dict):
            continue
        graph = data if isinstance(data, list) else data.get("@graph", [data])
        for item in graph if isinstance(graph, list) else []:
            kinds = item.get("@type", "") if isinstance(item, dict) else ""
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(str(k).endswith(("Article", "BlogPosting", "Report")) for k in kinds):
                return item, script.sourceline
    return {}, None


def _ld_people(value: Any, role_key: str) -> list[Any]:
    """People as schema.org gives them: a name, a Person, or a Role around one with CRediT role names."""
    by_term = {term.lower(): slug for slug, term in CREDIT_ROLES.items()}
    items = value if isinstance(value, list) else [value] if value else []
    out: list[Any] = []
    for p in items:
        roles: list[str] = []
        if isinstance(p, dict) and p.get("@type") == "Role" and isinstance(p.get(role_key), dict | str):
            names = p.get("roleName") or []
            roles = [by_term[n.lower()] for n in (names if isinstance(names, list) else [names])
                     if isinstance(n, str) and n.lower() in by_term]
            p = p[role_key]
        if isinstance(p, str):
            out.append({"name": p, "roles": roles} if roles else p)
        elif isinstance(p, dict) and isinstance(p.get("name"), str) and p["name"].strip():
            entry: dict[str, Any] = {"name": p["name"]}
            if p.get("givenName") and p.get("familyName"):
                entry.update(given=p["givenName"], family=p["familyName"])
            if p.get("honorificSuffix"):
                entry["degrees"] = p["honorificSuffix"]
            aff = p.get("affiliation")
            if isinstance(aff, dict) and aff.get("name"):
                entry["affiliation"] = aff["name"]
                if "ror.org/" in str(aff.get("identifier") or ""):
                    entry["ror"] = str(aff["identifier"]).rstrip("/").rsplit("/", 1)[-1]
            ident = str(p.get("identifier") or p.get("sameAs") or "")
            if "orcid.org/" in ident:
                entry["orcid"] = ident.rsplit("/", 1)[-1]
            if isinstance(p.get("email"), str):
                entry["email"] = p["email"].removeprefix("mailto:")
            if roles:
                entry["roles"] = roles
            out.append(entry)
    return out


def _metadata(root: Any, meta: dict[str, Any], report: ImportReport, options: dict[str, Any]) -> None:
    """The page's metadata into ``meta``: JSON-LD first, then citation_* and Dublin Core tags, then
    the page itself (``<h1>``, ``<title>``, ``<html lang>``); the first source to give a key keeps it."""
    page = _PageMetadata(root, meta, report)
    page.title()
    page.date()
    page.people()
    page.language()
    page.lead_image(options)
    page.description()
    page.publication()
    _title_block(root, meta, report, page.put)


class _PageMetadata:
    """One page's metadata sources, and the canonical keys taken from them, each step a method."""

    def __init__(self, root: Any, meta: dict[str, Any], report: ImportReport) -> None:
        self.root, self.meta, self.report = root, meta, report
        self.ld, self.ld_line = _jsonld(root, report)
        self.tags = _metas(root)

    def first(self, *names: str) -> tuple[str, int | None, str] | None:
        """The first of ``names`` the page has: its content, line and name."""
        for n in names:
            if self.tags.get(n):
                return (*self.tags[n][0], n)
        return None

    def put(self, key: str, value: Any, source: str, line: int | None) -> None:
        """Take ``value`` for ``key`` unless an earlier source gave it; say where it came from."""
        if key in _TEXT_KEYS and value is not None and not isinstance(value, str):
            self.report.drop(f"{source}: {value!r} is not text", line, guessed=True)
            return
        if key not in self.meta and value not in (None, "", [], {}):
            self.meta[key] = value
            self.report.map(f"{source} → {key}", line)

    def title(self) -> None:
        ld, ld_line, root, put = self.ld, self.ld_line, self.root, self.put
        h1 = next(iter(root.xpath("//article//h1 | //main//h1 | //h1")), None)
        headline = _one_text(ld.get("headline"))
        if h1 is not None and len(h1) and headline and " ".join(h1.text_content().split()) == headline:
            # the heading shows the title with its markup (emphasis, a name in italics), which the metadata lacks
            put("title", _inline_markdown(h1), "<h1> (the JSON-LD headline with its markup)", h1.sourceline)
        put("title", canonical.escape_line(_one_text(ld.get("headline"))), "JSON-LD headline", ld_line)
        put("subtitle", canonical.escape_line(_one_text(ld.get("alternativeHeadline"))),
            "JSON-LD alternativeHeadline", ld_line)
        hit = self.first("citation_title", "dc.title", "dcterms.title", "og:title")
        if hit:
            put("title", canonical.escape_line(hit[0]), hit[2], hit[1])
        if "title" not in self.meta and h1 is not None and h1.text_content().strip():
            put("title", canonical.escape_line(" ".join(h1.text_content().split())), "<h1>", h1.sourceline)
        if "title" not in self.meta:
            title = root.find(".//title")
            if title is not None and title.text_content().strip():
                put("title", canonical.escape_line(title.text_content().strip()), "<title>", title.sourceline)
                self.report.guess("title-from-page",
                                  "took the page's <title> for the article's title", title.sourceline)

    def date(self) -> None:
        date_source = (self.ld.get("datePublished"), "JSON-LD datePublished", self.ld_line)
        if not date_source[0]:
            hit = self.first("citation_publication_date", "citation_date", "dc.date", "dcterms.date",
                             "article:published_time")
            date_source = (hit[0], hit[2], hit[1]) if hit else (None, "", None)
        if date_source[0]:
            date = date_of(date_source[0])
            if date is None:
                self.report.error(f"cannot read the date {date_source[0]!r}", date_source[2])
            else:
                self.put("date", date, date_source[1], date_source[2])

    def people(self) -> None:
        ld, ld_line, report, put = self.ld, self.ld_line, self.report, self.put
        for key, ld_key, role in (("authors", "author", "authors"), ("editors", "editor", "editors"),
                                  ("translators", "translator", "translators")):
            people = _ld_people(ld.get(ld_key), ld_key)
            if people:
                put(key, people_of(people, report, role, ld_line), f"JSON-LD {ld_key}", ld_line)
        reviewers = [c for c in (ld.get("contributor") or [])
                     if isinstance(c, dict) and c.get("roleName") == "Reviewer"]
        if reviewers:
            put("reviewers", people_of(_ld_people(reviewers, "contributor"), report, "reviewers", ld_line),
                "JSON-LD contributor", ld_line)
        if "authors" not in self.meta:
            name = next((n for n in ("citation_author", "dc.creator", "author") if self.tags.get(n)), "")
            people = [_family_first(n) for n, _ in self.tags.get(name, [])]
            if people:
                line = self.tags[name][0][1]
                put("authors", people_of(people, report, "authors", line), name, line)

    def language(self) -> None:
        lang_hit = self.first("citation_language", "dc.language")
        if self.ld.get("inLanguage"):
            self.put("lang", self.ld["inLanguage"], "JSON-LD inLanguage", self.ld_line)
        elif lang_hit:
            self.put("lang", lang_hit[0], lang_hit[2], lang_hit[1])
        elif self.root.get("lang"):
            self.put("lang", self.root.get("lang"), "<html lang>", self.root.sourceline)

    def lead_image(self, options: dict[str, Any]) -> None:
        image, ld_line = self.ld.get("image"), self.ld_line
        if isinstance(image, list):
            image = next(iter(image), None)
        if isinstance(image, str):  # the picture's address alone
            image = {"url": image}
        if not isinstance(image, dict):
            return
        lead: dict[str, str] = {}
        url = str(image.get("contentUrl") or image.get("url") or "")
        if url and not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE):
            src = _local_image(url, options, self.report, ld_line)
            if src:
                lead["src"] = src
                if image.get("description"):
                    lead["alt"] = str(image["description"])
        elif url:
            self.report.drop(f"lead image {url[:80]!r}: on another site (download it beside the source and add it "
                             "back)", ld_line, guessed=True)
        if image.get("creditText"):
            lead["credit"] = str(image["creditText"])
        self.put("image", lead, "JSON-LD image", ld_line)

    def description(self) -> None:
        """Keywords and the abstract."""
        kw_hit = self.first("citation_keywords", "keywords")
        if self.ld.get("keywords"):
            self.put("keywords", words_of(self.ld.get("keywords")), "JSON-LD keywords", self.ld_line)
        elif kw_hit:
            self.put("keywords", words_of(kw_hit[0]), kw_hit[2], kw_hit[1])
        self.put("abstract", canonical.escape_text(str(self.ld.get("abstract") or "")), "JSON-LD abstract",
                 self.ld_line)

    def publication(self) -> None:
        """Publisher, periodical, ISSN, DOI, licence and section."""
        ld, ld_line, put = self.ld, self.ld_line, self.put
        publisher = ld.get("publisher")
        put("publisher", (publisher or {}).get("name") if isinstance(publisher, dict) else publisher, "publisher",
            ld_line)
        part = ld.get("isPartOf")
        if isinstance(part, dict):
            put("publication", part.get("name"), "JSON-LD isPartOf", ld_line)
            put("issn", part.get("issn"), "JSON-LD isPartOf issn", ld_line)
        for key, name in (("publication", "citation_journal_title"), ("issn", "citation_issn"),
                          ("publisher", "citation_publisher"), ("doi", "citation_doi")):
            hit = self.first(name)
            if hit:
                put(key, hit[0], name, hit[1])
        put("license", ld.get("license"), "JSON-LD license", ld_line)
        put("section", ld.get("articleSection"), "JSON-LD articleSection", ld_line)


def _classed(el: Any, name: str) -> list[Any]:
    return el.xpath(f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


def _title_block(root: Any, meta: dict[str, Any], report: ImportReport, put: Any) -> None:
    """Title, subtitle, authors and date from the page's title block (``<header>`` with its ``<h1>``, as
    pandoc and articlekit write it) where the metadata lacks them; where both give one and they differ,
    the metadata's is kept and the difference reported.  pandoc's pages carry the subtitle only there."""
    header = next(iter(root.xpath("//header[@id='title-block-header'] | //article//header[.//h1] | "
                                  "//main//header[.//h1]")), None)  # not a site's own header
    if header is None:
        return
    found: dict[str, tuple[Any, str, int | None]] = {}
    h1 = next(iter(header.iter("h1")), None)
    if h1 is not None and h1.text_content().strip():
        found["title"] = (_inline_markdown(h1) if len(h1) else canonical.escape_line(_spaced(h1)), _spaced(h1),
                          h1.sourceline)
    for el in _classed(header, "subtitle")[:1]:
        found["subtitle"] = (canonical.escape_line(_spaced(el)), _spaced(el), el.sourceline)
    names = [(el, _spaced(el)) for el in _classed(header, "author") if _spaced(el)]
    if names:
        people = [name for _, name in names]
        found["authors"] = (people, " & ".join(people), names[0][0].sourceline)
    when = next(iter(header.xpath(".//time[@datetime]")), None)
    stated = when.get("datetime") if when is not None else None
    for el in _classed(header, "date")[:1] if stated is None else []:
        when, stated = el, _spaced(el)
    if stated and when is not None:
        date = date_of(stated)
        if date is None:
            report.guess("title-block-date", f"the title block's date {stated!r} cannot be read as a date",
                         when.sourceline)
        else:
            found["date"] = (date, date, when.sourceline)
    for key, (value, words, line) in found.items():
        if key not in meta:
            put(key, people_of(value, report, key, line) if key == "authors" else value, f"the title block's {key}",
                line)
        elif _plain(meta[key]) != _plain(value):
            report.guess("title-block-differs", f"the title block's {key} {words!r} differs from the metadata's: "
                         f"kept the metadata's {_plain(meta[key])!r}", line)


def _spaced(el: Any) -> str:
    return " ".join(el.text_content().split())


def _plain(value: Any) -> str:
    """A front matter value as words to compare: names for people, text without Markdown's signs."""
    if isinstance(value, list):
        return " & ".join(_plain(v.get("name") if isinstance(v, dict) else v) for v in value)
    return " ".join(re.sub(r"[\\*_`]", "", str(value)).split())


def _inline_markdown(el: Any) -> str:
    """An element's content as one line of Pandoc Markdown."""
    doc = ast.read("html-native_divs-native_spans", f"<p>{_inner_html(el)}</p>".encode())
    return " ".join(ast.to_markdown(doc["blocks"], doc["pandoc-api-version"]).split())


def _inner_html(el: Any) -> str:
    from html import escape

    return escape(el.text or "", quote=False) + "".join(lhtml.tostring(c, encoding="unicode") for c in el)


def _one_text(value: Any) -> str:
    """A schema.org value that should be text: the text, the first of a list, else nothing."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    return " ".join(value.split()) if isinstance(value, str) else ""


def _family_first(name: str) -> str:
    """ "Ghofari, Gehan" (Highwire's order) as "Gehan Ghofari"."""
    family, comma, given = name.partition(",")
    return f"{given.strip()} {family.strip()}" if comma and given.strip() else name
