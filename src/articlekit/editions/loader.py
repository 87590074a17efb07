"""Reading ``editions/<slug>.yaml``: the edition's own metadata and its ordered articles.

The file is YAML, like an article's front matter, and is checked by the same
machinery (:mod:`articlekit.read.frontmatter`): duplicate keys and aliases are
refused, every pydantic error is reported at the line of the YAML node it
concerns, and an unknown key gets a did-you-mean hint.  Editors are parsed
exactly as an article's editors are (a list, or one string such as
``"Atin Prabandari, MA(IR) & Viyasa Rahyaputra, S.IP"``).

Articles are named by slug and found in ``sources/`` beside the ``editions/``
folder (or ``sources_dir``); a slug with no source, or one listed twice, is an
error at its line.  Each article is then loaded with :func:`articlekit.load`,
so an edition holds exactly the articles a single build would make.  The
foreword and the imprint are Markdown, either a file beside the edition file
(``foreword: foreword.md``) or inline text, rendered by the article body's
renderer; the cover is a file inside the project folder, like an article's
images.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from html import escape
from pathlib import Path
from typing import Any

import yaml
from lxml import etree
from lxml import html as lxml_html
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..api import load
from ..cpus import usable_cpus
from ..errors import ArticleError, ArticleErrors, closest
from ..labels import labels_for_lang
from ..model import Article, Metadata
from ..model.edition import Edition, EditionArticle, EditionSection, FrontPiece
from ..read import bounds
from ..read.frontmatter import (
    IsoDate,
    Issn,
    LanguageTag,
    People,
    PersonModel,
    SplitSource,
    Text,
    YamlLoader,
    check_structure,
    find_node,
    in_words,
    validation_error,
    yaml_error,
)
from ..read.pandoc import PandocFailed, parse_markdown
from ..read.reader import check_tree, read_text, to_person
from ..read.safety import AccessDenied, Policy, check_image, resolve_resource
from ..render.html_body import HtmlOptions, HtmlRenderer, sanitise
from ..tree import iter_blocks, iter_inlines, stringify

#: An article's slug: a file stem in ``sources/``, never a path.
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: Largest edition file accepted, in characters.
MAX_EDITION_FILE = 256 * 1024
#: Markdown file suffixes a front piece may name.
_MARKDOWN = (".md", ".markdown")


def _isbn_ok(isbn: str) -> bool:
    """The check digit of an ISBN-10 or ISBN-13 (hyphens and spaces ignored)."""
    digits = re.sub(r"[\s-]", "", isbn).upper()
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


class SectionModel(BaseModel):
    """``{title: Commentary, articles: [slug, …]}``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: Text
    articles: list[Text] = Field(min_length=1)


class EditionFile(BaseModel):
    """The keys an edition file may hold; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: Text
    subtitle: Text | None = None
    volume: Text | None = None
    issue: Text | None = None
    date: IsoDate
    issn: Issn | None = None
    isbn: str | None = None
    publisher: Text | None = None
    editors: People = Field(default_factory=list)
    cover: Text | None = None
    lang: LanguageTag | None = None
    foreword: Text | None = None
    imprint: Text | None = None
    sections: list[SectionModel] | None = Field(default=None, min_length=1)
    articles: list[Text] | None = Field(default=None, min_length=1)

    @field_validator("isbn")
    @classmethod
    def _isbn(cls, v: str | None) -> str | None:
        if v is not None and not _isbn_ok(v):
            raise ValueError(f"invalid ISBN {v!r}: expected 10 or 13 digits with a valid check digit")
        return v

    @model_validator(mode="after")
    def _contents(self) -> EditionFile:
        if (self.sections is None) == (self.articles is None):
            raise ValueError("give either 'sections' (each with a 'title' and 'articles') or 'articles', not both")
        return self


#: Which model a location's last mapping belongs to, for did-you-mean hints.
def _model_at(loc: tuple[Any, ...]) -> type[BaseModel]:
    names = [p for p in loc[:-1] if isinstance(p, str)]
    if names[-1:] == ["sections"]:
        return SectionModel
    if names[-1:] == ["editors"]:
        return PersonModel
    return EditionFile


def _error(path: Path, part: SplitSource, root: yaml.Node | None, err: dict[str, Any]) -> ArticleError:
    """One pydantic error as ``path:line:col: message``, with hints from the edition's own keys."""
    error = validation_error(path, part, root, err)
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden" and loc:
        key = str(loc[-1])
        hint = closest(key, _model_at(loc).model_fields)
        context = in_words(loc[:-1])
        message = (f"{context}: " if context else "") + f"unknown key '{key}'" + (
            f" (did you mean '{hint}'?)" if hint else "")
        return ArticleError(path, message, error.line, error.col)
    if err["type"] == "missing" and len(loc) == 1:
        return ArticleError(path, error.message, 1, None)
    if err["type"] == "value_error" and not loc:  # the model's own check: at the top of the file
        return ArticleError(path, error.message.removeprefix("front matter: "), 1, None)
    return error


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> tuple[int | None, int | None]:
    node, key = find_node(root, loc)
    if node is None:
        return None, None
    mark = (key or node).start_mark
    return mark.line + 1, mark.column + 1


def _parse(path: Path, text: str) -> tuple[EditionFile, yaml.Node | None]:
    part = SplitSource(text, "", 1, 1)
    if len(text) > MAX_EDITION_FILE:
        raise ArticleError(path, f"the edition file is over {MAX_EDITION_FILE // 1024} KB", 1)
    check_structure(path, part)
    try:
        root = yaml.compose(text, Loader=YamlLoader)
        data = yaml.load(text, Loader=YamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        raise yaml_error(path, part, e) from None
    if not isinstance(data, dict):
        raise ArticleError(path, "an edition file must be a mapping of keys to values (title, date, sections …)", 1)
    try:
        return EditionFile.model_validate(data), root
    except ValidationError as e:
        raise ArticleErrors([_error(path, part, root, err) for err in e.errors()]) from None


def _check_slugs(path: Path, data: EditionFile, root: yaml.Node | None,
                 sources: Path) -> tuple[list[tuple[str | None, list[str]]], list[ArticleError]]:
    """The sections with their slugs, and an error for each slug that is malformed, missing or repeated."""
    if data.sections is not None:
        groups = [(s.title, list(s.articles), ("sections", i, "articles")) for i, s in enumerate(data.sections)]
    else:
        groups = [(None, list(data.articles or []), ("articles",))]
    errors: list[ArticleError] = []
    first: dict[str, int | None] = {}
    for _title, slugs, where in groups:
        for j, slug in enumerate(slugs):
            line, col = _line_of(root, (*where, j))
            if not _SLUG.match(slug):
                errors.append(ArticleError(path, f"article {slug!r} is not a slug: name a file in {sources.name}/ "
                                           "by its stem, without folder or suffix", line, col))
            elif slug in first:
                errors.append(ArticleError(path, f"article '{slug}' is listed twice (first on line {first[slug]})",
                                           line, col))
            elif not (sources / f"{slug}.md").is_file():
                known = sorted(p.stem for p in sources.glob("*.md")) if sources.is_dir() else []
                hint = closest(slug, known)
                errors.append(ArticleError(path, f"article '{slug}': no {slug}.md in {sources}" + (
                    f" (did you mean '{hint}'?)" if hint else ""), line, col))
            first.setdefault(slug, line)
    return [(title, slugs) for title, slugs, _ in groups], errors


def _xml_fragment(html: str) -> str:
    """An HTML fragment re-serialised as well-formed XML (``<br/>``, escaped ``&``), for XHTML readers."""
    parts = lxml_html.fragments_fromstring(html) if html.strip() else []
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(escape(part, quote=False))
        else:
            out.append(etree.tostring(part, method="xml", encoding="unicode", with_tail=True))
    return "".join(out)


def render_front_piece(kind: str, markdown: str, where: Path, lang: str, date: dt.date,
                       first_line: int = 1) -> FrontPiece:
    """A foreword or imprint written in Markdown, rendered by the article body's renderer.

    Its title is its first heading (which leaves the text); a foreword must have
    one, since the contents list it by it.  A piece has no notes and no images:
    neither has a place on a title page's verso or in a contents entry.  It is
    held to an article body's bounds (:func:`articlekit.read.bounds.scan` before
    pandoc, the tree's depth after), its problems located at ``where`` from
    ``first_line``.
    """
    problem = bounds.scan(markdown, first_line)
    if problem:
        raise ArticleError(where, f"the {kind}: {problem.message}", problem.line, problem.col)
    try:
        doc = parse_markdown(markdown)
    except PandocFailed as e:
        raise ArticleError(where, f"cannot parse the {kind}: {e}", first_line) from None
    check_tree(where, doc)
    blocks: list[dict[str, Any]] = doc["blocks"]
    title = None
    if blocks and blocks[0]["t"] == "Header":
        title = stringify(blocks[0]["c"][2])
        blocks = blocks[1:]
    if kind == "foreword" and not title:
        raise ArticleError(where, "the foreword begins with no heading: start it with '# Its title', "
                           "which the contents list", 1)
    for node in iter_inlines(blocks):
        if node["t"] in ("Note", "Image"):
            raise ArticleError(where, f"the {kind} holds {'a note' if node['t'] == 'Note' else 'an image'}, "
                               "which an edition's front pages do not carry")
    for block in iter_blocks(blocks):
        if block["t"] == "Header":
            block["c"][0] = min(block["c"][0] + 1, 6)  # under the piece's own title
    article = Article(path=where, metadata=Metadata(title=[], title_text=title or kind, date=date, authors=(),
                                                    lang=lang), body=blocks)
    html = sanitise(HtmlRenderer(article, HtmlOptions(title_level=0)).blocks(blocks))
    if title is None:
        title = labels_for_lang(lang)[kind] if kind == "imprint" else kind.capitalize()
    return FrontPiece(kind=kind, title=title, html=_xml_fragment(html))


def _front_piece(path: Path, kind: str, value: str, root: yaml.Node | None, lang: str,
                 date: dt.date) -> FrontPiece:
    line, col = _line_of(root, (kind,))
    if "\n" not in value and value.strip().endswith(_MARKDOWN):
        try:
            file = resolve_resource(value.strip(), Policy(path.parent, extra_dirs=(path.parent.parent,)))
        except AccessDenied as e:
            raise ArticleError(path, f"'{kind}': {e}", line, col) from None
        assert isinstance(file, Path)
        return render_front_piece(kind, read_text(file), file, lang, date)  # the size, bytes and characters
    return render_front_piece(kind, value, path, lang, date, (line or 1) + (1 if "\n" in value else 0))


def _cover(path: Path, value: str, root: yaml.Node | None) -> Path:
    line, col = _line_of(root, ("cover",))
    try:
        file = resolve_resource(value, Policy(path.parent, extra_dirs=(path.parent.parent,)))
        assert isinstance(file, Path)
        check_image(file)
    except AccessDenied as e:
        reason = str(e).replace("the source's folder", "the project folder")
        raise ArticleError(path, f"'cover': {reason}", line, col) from None
    return file


#: One problem of an article as plain values, which cross a process boundary intact: (path, message, line, col).
_Problem = tuple[str, str, int | None, int | None]


def _load_one(path: Path, strict: bool) -> tuple[Article | None, list[_Problem]]:
    """One article as :func:`articlekit.load` reads it, or its problems (run in a worker)."""
    try:
        return load(path, strict=strict), []
    except ArticleErrors as e:
        return None, [(str(x.path), x.message, x.line, x.col) for x in e.errors]
    except ArticleError as e:
        return None, [(str(e.path), e.message, e.line, e.col)]


#: Fewer articles than this are read in this process: starting workers would cost more than it saves.
PARALLEL_FROM = 8


def _load_all(paths: list[Path], strict: bool, jobs: int | None) -> list[tuple[Article | None, list[_Problem]]]:
    """Every article, in order; in worker processes (one per usable CPU) for a long edition."""

    workers = min(jobs or usable_cpus(), len(paths))
    if workers <= 1 or len(paths) < PARALLEL_FROM:
        return [_load_one(p, strict) for p in paths]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_load_one, paths, [strict] * len(paths)))


def load_edition(path: str | Path, *, sources_dir: str | Path | None = None, strict: bool = False,
                 jobs: int | None = None) -> Edition:
    """Read and check an edition file, then load each of its articles in order.

    ``sources_dir`` defaults to ``sources/`` beside the edition file's folder
    (``editions/2018-q2.yaml`` → ``sources/``).  A long edition's articles are read
    in ``jobs`` worker processes (default: the usable CPUs).  Raises
    :class:`~articlekit.errors.ArticleErrors` with every problem of the edition
    file at its line, or of its articles (each at its own file and line).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ArticleError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ArticleError(path, f"cannot read the edition file: {e}") from None
    data, root = _parse(path, text)
    # Spelt from the path as given ("editions/x.yaml" → "sources"), so the articles' problems and
    # warnings name their files as the person who typed it would (not as absolute paths).
    sources = Path(sources_dir) if sources_dir is not None else Path(os.path.normpath(path.parent / ".." / "sources"))
    groups, errors = _check_slugs(path, data, root, sources)
    lang = data.lang or "en"
    date = dt.date.fromisoformat(data.date)
    front: list[FrontPiece] = []
    cover = None
    for kind in ("imprint", "foreword"):
        value = getattr(data, kind)
        if value is not None:
            try:
                front.append(_front_piece(path, kind, value, root, lang, date))
            except ArticleError as e:
                errors.append(e)
    if data.cover is not None:
        try:
            cover = _cover(path, data.cover, root)
        except ArticleError as e:
            errors.append(e)
    if errors:
        raise ArticleErrors(sorted(errors, key=lambda e: (e.line or 0, e.col or 0)))
    sections: list[EditionSection] = []
    problems: list[ArticleError] = []
    paths = [sources / f"{slug}.md" for _, slugs in groups for slug in slugs]
    results = iter(_load_all(paths, strict, jobs))
    for title, slugs in groups:
        loaded = []
        for slug in slugs:
            article, errors = next(results)
            if article is not None:
                loaded.append(EditionArticle(slug, article))
            problems.extend(ArticleError(*e) for e in errors)
        sections.append(EditionSection(title, tuple(loaded)))
    if problems:
        raise ArticleErrors(problems)
    warnings = [w for s in sections for a in s.articles for w in a.article.warnings]
    return Edition(
        path=path, title=data.title, date=date, sections=tuple(sections), subtitle=data.subtitle,
        volume=data.volume, issue=data.issue, issn=data.issn, isbn=data.isbn, publisher=data.publisher,
        editors=tuple(to_person(p) for p in data.editors), cover=cover, lang=lang, front=tuple(front),
        styles_dir=None, warnings=warnings,
    )


__all__ = ["EditionFile", "load_edition", "render_front_piece"]
