"""Writing a canonical source: YAML front matter in a fixed key order, then the body.

Text that came from plain text (a title, a paragraph, a note) is escaped so that
Pandoc Markdown, as :mod:`articlekit.read.pandoc` reads it, gives back exactly those
characters: every sign that could start markup gets a backslash, and nothing else
is touched (curly quotes, dashes, no-break spaces and typos stay as they are).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from ..read.frontmatter import FIELDS, YamlLoader

#: Front matter keys in the order a canonical source gives them (the model's order, with
#: the people and the picture ahead of the publication's facts, as the sources are written).
KEY_ORDER: tuple[str, ...] = (
    "title", "subtitle", "date", "authors", "editors", "reviewers", "translators", "image", "lang",
    "publisher", "publication", "issn", "keywords", "abstract", "license", "copyright", "doi",
    "article_type", "section", "bibliography", "csl", "journal", "elocation", "history", "affiliations",
    "funding", "data_availability", "base_url",
)
assert set(KEY_ORDER) == set(FIELDS), "every front matter key has its place"

#: Signs that start inline markup anywhere in a line of Pandoc Markdown (as articlekit reads it:
#: no smart quotes or citations): emphasis, code, links and notes, raw HTML, superscript,
#: subscript and strikeout, TeX math, and the backslash itself.
_INLINE = re.compile(r"([\\*`\[\]<>^~$])")
#: "_" opens emphasis only at a word's edge ("north_korea" is literal, "_so_" is not).
_UNDERSCORE = re.compile(r"(?<![\w])_|_(?![\w])")
#: An HTML entity or character reference, which pandoc would decode.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
#: What makes a line a heading, quote, list item, line block, definition, table or rule.
_LINE_START = re.compile(
    r"^(?:(?P<sign>[#>|:%+=-])"
    r"|(?P<num>(?:\d{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]+|#)(?P<delim>[.)])(?=\s|$))"
    r"|(?P<paren>\()(?=(?:\d{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]+|#|@\w*)\)))"
)


#: A web address in running text: it ends before a space and before closing punctuation.
URL = re.compile(r"https?://[^\s<>\"\[\]]*[^\s<>\"\[\].,;:!?)’”']")


_URL_ENTITY = re.compile(r"(?=&#?[A-Za-z0-9]+(?:;|$))")



def clean_slug(text: str) -> str:
    """``text`` as a slug: lower case, word characters and hyphens only (so never a path)."""
    return re.sub(r"[^\w-]+", "-", text.lower(), flags=re.UNICODE).strip("-") or "article"

def escape_line(line: str, *, start: bool = True) -> str:
    """One line of literal text as Pandoc Markdown that reads back as exactly that text.

    A web address becomes an automatic link (``<https://…>``), which every format
    prints as the same characters and makes followable.  ``start`` is False for a
    piece of a line that does not begin it, where nothing can make a block.
    """
    pieces: list[str] = []
    pos = 0
    for m in URL.finditer(line):
        if m.start() < pos:
            continue
        # pandoc would decode a character reference inside an automatic link: the address ends before it.
        url = _URL_ENTITY.split(m.group(0), 1)[0]
        pieces.append(_escape_piece(line[pos : m.start()]))
        pieces.append(f"<{url}>")
        pos = m.start() + len(url)
    pieces.append(_escape_piece(line[pos:]))
    out = "".join(pieces)
    return _escape_start(out) if start else out


def _escape_piece(text: str) -> str:
    text = _INLINE.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    return _ENTITY.sub(r"\\&", text)


def _escape_start(line: str) -> str:
    m = _LINE_START.match(line)
    if m and m.group("sign"):
        return "\\" + line
    if m and m.group("num"):
        end = m.end("num") - 1
        return f"{line[:end]}\\{line[end:]}"
    if m and m.group("paren"):
        return "\\" + line
    return line


def escape_text(text: str) -> str:
    """Several lines of literal text (a paragraph with soft line breaks), each escaped."""
    return "\n".join(escape_line(line) for line in text.split("\n"))


def escape_heading(text: str) -> str:
    """A heading's words: escaped as a line, with a closing ``#`` or ``{…}`` kept literal too."""
    out = escape_line(text)
    if out.startswith("\\#"):
        out = out[1:] if not out.startswith("\\##") else out
    out = re.sub(r"(#+)$", r"\\\1", out)
    return out.replace("{", "\\{")


def _plain_ok(value: str) -> bool:
    """Whether ``value`` can stand unquoted in YAML and read back as the same string."""
    if not value or value != value.strip() or "\n" in value or value[0] in "'\"!&*?|>%@`{[,#-":
        return False
    try:
        return yaml.load(f"k: {value}", Loader=YamlLoader) == {"k": value}  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return False


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _plain_ok(text):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _emit(value: Any, indent: int) -> list[str]:
    """YAML lines for a value under a key (the caller writes ``key:``)."""
    pad = " " * indent
    if isinstance(value, dict):
        return [line for k, v in value.items() for line in _item(k, v, indent)]
    if isinstance(value, list | tuple):
        lines: list[str] = []
        for v in value:
            if isinstance(v, dict):
                inner = [line for k, w in v.items() for line in _item(k, w, indent + 4)]
                lines.append(f"{pad}  - {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}  - {_scalar(v)}")
        return lines
    return [f"{pad}{_scalar(value)}"]


def _item(key: str, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict | list | tuple):
        if not value:
            return []
        return [f"{pad}{key}:", *_emit(value, indent + (2 if isinstance(value, dict) else 0))]
    return [f"{pad}{key}: {_scalar(value)}"]


def front_matter(meta: dict[str, Any]) -> str:
    """The front matter block for ``meta`` (canonical keys only), keys in :data:`KEY_ORDER`."""
    unknown = set(meta) - set(KEY_ORDER)
    if unknown:
        raise ValueError(f"not canonical front matter keys: {sorted(unknown)}")
    lines = ["---"]
    for key in KEY_ORDER:
        if key in meta and meta[key] not in (None, "", [], {}):
            lines += _item(key, meta[key], 0)
    lines.append("---")
    return "\n".join(lines) + "\n"


def person(name: str, degrees: str | None = None, **rest: Any) -> str | dict[str, Any]:
    """A person as a canonical source writes one: the bare name when that is all there is."""
    given, _, family = name.rpartition(" ")
    if (rest.get("given"), rest.get("family")) == (given or None, family if given else None):
        rest = {k: v for k, v in rest.items() if k not in ("given", "family")}  # what the reader derives anyway
    order = ("given", "family", "affiliation", "ror", "orcid", "email", "roles")
    extra = {k: rest[k] for k in (*order, *sorted(set(rest) - set(order))) if rest.get(k)}
    if not degrees and not extra:
        return name
    return {"name": name, **({"degrees": degrees} if degrees else {}), **extra}


def note_definition(label: str, markdown: str) -> str:
    """``[^label]: text``, later paragraphs of the note indented under it."""
    first, *rest = markdown.strip("\n").split("\n")
    body = [first, *[("    " + line) if line.strip() else "" for line in rest]]
    return f"[^{label}]: " + "\n".join(body)


def source(meta: dict[str, Any], blocks: list[str], notes: list[tuple[str, str]]) -> str:
    """The whole canonical source: front matter, the body's blocks, then the note definitions."""
    parts = [*blocks, *(note_definition(label, text) for label, text in notes)]
    return front_matter(meta) + "\n" + "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"
