"""Markdown written for other tools (Jekyll, Hugo, Quarto): front matter mapped, template tags reported.

Front matter keys are mapped by a table: a built-in preset
(``importers/presets/<name>.toml``) and the house's own ``[import]`` table in
``articlekit.toml``, which wins::

    [import]
    preset = "jekyll"
    drop = ["banner"]                 # keys to drop without a warning
    [import.keys]
    topics = "keywords"               # their key = a canonical key ("" drops it)
    activity = "section"

A canonical key passes through; any other key is dropped with a warning.  Values
are normalised (``author:`` as a string or a list, ``editors:`` as one string,
dates with times).  Template tags (Liquid ``{% … %}`` and ``{{ … }}``, Hugo
shortcodes ``{{< … >}}``, kramdown ``{: …}``) are removed, each a warning with
its line: articlekit has no templates, so what one made must be written out.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import ArticleError
from ..read import bounds
from ..read.config import PRESETS
from ..read.frontmatter import FIELDS, MAX_FRONT_MATTER, MAX_YAML_DEPTH, SplitSource, YamlLoader, check_structure
from . import pictures
from .canonical import clean_slug
from .metadata import date_of, people_of, words_of
from .report import ImportReport
from .words import count as count_words

#: One person written under the singular key, as most tools do: mapped with or without a preset.
SINGULAR = {"author": "authors", "editor": "editors", "reviewer": "reviewers", "translator": "translators"}
_PEOPLE = ("authors", "editors", "reviewers", "translators")
_TEXT = ("title", "subtitle", "abstract", "section", "publisher", "publication", "license")
_TAG = re.compile(r"\{%-?.*?-?%\}|\{\{[<%].*?[>%]\}\}|\{\{.*?\}\}")
_IAL = re.compile(r"^\s*\{:[^}]*\}\s*$")


@lru_cache(maxsize=8)
def preset(name: str) -> dict[str, Any]:
    """A built-in preset's table: ``keys`` (their key → canonical key, "" to drop) and ``drop``."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}: choose from {', '.join(PRESETS)}")
    text = resources.files(__package__).joinpath("presets", f"{name}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return {"keys": dict(data.get("keys", {})), "drop": list(data.get("drop", [])),
            "site_root": list(data.get("site_root", [])), "served": list(data.get("served", [""]))}


def key_table(preset_name: str | None, house: dict[str, Any] | None) -> tuple[dict[str, str], set[str]]:
    """The mapping and the keys to drop: the preset's, then the house's ``[import]`` over them."""
    house = house or {}
    keys: dict[str, str] = dict(SINGULAR)
    drop: set[str] = set()
    name = preset_name or house.get("preset")
    if name:
        table = preset(name)
        keys.update({k: v for k, v in table["keys"].items() if isinstance(v, str)})
        drop.update(table["drop"])
    keys.update(house.get("keys", {}))
    drop.update(house.get("drop", []))
    for k, v in list(keys.items()):
        if v == "":
            drop.add(k)
            del keys[k]
    return keys, drop - set(keys)


def split(text: str, report: ImportReport) -> tuple[dict[str, Any], list[str], int, str]:
    """Front matter (YAML between ``---`` or TOML between ``+++``), its lines, and the body with its first line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++"):
        report.error("no front matter: the file must begin with '---' (YAML) or '+++' (TOML)", 1, unread=True)
        return {}, [], 1, text
    close = next((i for i in range(1, len(lines)) if lines[i].strip() in (fence, "..." if fence == "---" else fence)),
                 None)
    if close is None:
        report.error(f"front matter is not closed: no '{fence}' line after the opening one", 1, unread=True)
        return {}, [], 1, text
    raw = "\n".join(lines[1:close])
    try:
        # The source reader's guard first: no aliases (a few lines that expand to billions of values),
        # no deep nesting, no key twice, no size beyond what metadata needs.
        if fence == "---":
            check_structure(report.path, SplitSource(raw, "", 2, close + 2))
        elif len(raw) > MAX_FRONT_MATTER:
            raise ArticleError(report.path, f"front matter is over {MAX_FRONT_MATTER // 1024} KB; "
                               "put long text in the body", 2)
        data = tomllib.loads(raw) if fence == "+++" else yaml.load(raw, Loader=YamlLoader) or {}  # noqa: S506
        if fence == "+++" and _depth(data) > MAX_YAML_DEPTH:
            raise RecursionError
    except ArticleError as e:
        report.error(e.message, e.line, unread=True)
        return {}, [], 1, text
    except RecursionError:
        report.error(f"front matter is nested more than {MAX_YAML_DEPTH} levels deep", 2, unread=True)
        return {}, [], 1, text
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as e:
        mark = getattr(e, "problem_mark", None)
        report.error(f"front matter cannot be read: {str(e).splitlines()[0]}", mark.line + 2 if mark else 1,
                     unread=True)
        return {}, [], 1, text
    except ValueError as e:  # tomllib on a number of thousands of digits, which Python will not read
        report.error(f"front matter cannot be read: {str(e).split(';')[0]}", 2, unread=True)
        return {}, [], 1, text
    if not isinstance(data, dict):
        report.error("front matter is not a mapping of keys to values", 2, unread=True)
        return {}, [], 1, text
    return data, lines[1:close], close + 2, "\n".join(lines[close + 1 :])


def _depth(value: Any) -> int:
    """How deeply tables and arrays nest in ``value``, counted without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def _line(fm_lines: list[str], key: str) -> int:
    for i, line in enumerate(fm_lines):
        if re.match(rf"^{re.escape(key)}\s*[:=]", line):
            return i + 2
    return 1


def convert(text: str, report: ImportReport, options: dict[str, Any]) -> tuple[dict[str, Any], list[str],
                                                                              list[tuple[str, str]]]:
    report.kind = "markdown"
    data, fm_lines, body_line, body = split(text, report)
    keys, drop = key_table(options.get("preset"), options.get("keys"))
    meta: dict[str, Any] = {}
    for key, value in data.items():
        line = _line(fm_lines, key)
        if key == "slug" and isinstance(value, str) and value.strip():
            report.slug = clean_slug(value)
        if key in drop:
            report.drop(f"key {key!r}", line)
            continue
        target = keys.get(key, key if key in FIELDS else None)
        if target is None:
            report.drop(f"key {key!r}: no canonical key for it (map it under [import.keys] in articlekit.toml)",
                        line, guessed=True)
            continue
        if target not in FIELDS:
            report.error(f"key {key!r} is mapped to {target!r}, which is not a canonical key", line)
            continue
        if isinstance(value, str) and _TAG.search(value):
            for tag in _TAG.findall(value):
                report.guess("template-removed",
                             f"removed the template tag {tag!r} from {key!r}: articlekit has no templates", line)
            value = re.sub(r"\s+", " ", _TAG.sub("", value)).strip()
            if not value:
                continue
        _put(meta, target, key, value, line, report)
    report.words_in = count_words(body)
    body = _without_tags(body, body_line, report)  # line for line, so images keep their lines
    if options.get("path") is not None:
        body = _images(body, body_line, options["path"], report.slug or options.get("slug") or "article", report,
                       options.get("preset") or (options.get("keys") or {}).get("preset"))
    blocks = [_collapse_blank_lines(body.split("\n"))]
    if options.get("lang") and "lang" not in meta:
        meta["lang"] = options["lang"]
    return meta, blocks, []


def _put(meta: dict[str, Any], target: str, key: str, value: Any, line: int, report: ImportReport) -> None:
    """One value under its canonical key, normalised; a second key for the same target adds or is dropped."""
    how = f"{key} → {target}" if key != target else key
    if target in _PEOPLE:
        people = people_of(value, report, target, line)
        meta[target] = [*meta.get(target, []), *people]
    elif target == "keywords":
        words = words_of(value)
        meta[target] = list(dict.fromkeys([*meta.get(target, []), *words]))
    elif target == "date":
        date = date_of(value)
        if date is None:
            report.error(f"cannot read the date {value!r} ({key}): expected YYYY-MM-DD", line)
            return
        if "date" in meta:
            report.drop(f"key {key!r}: the date is already {meta['date']}", line, guessed=True)
            return
        if str(value).strip() != date:
            how += f" ({str(value).strip()!r} read as {date})"
        meta[target] = date
    elif target == "image":
        if isinstance(value, dict):
            kept = {k: str(v) for k, v in value.items() if k in ("src", "alt", "credit") and v}
            if kept:
                meta[target] = kept
        else:
            report.drop(f"image {value!r}: a path on the old site, not a file beside the source "
                        "(give image: {src, alt} with the file beside it)", line, guessed=True)
            return
    elif target in meta:
        report.drop(f"key {key!r}: {target} is already given", line, guessed=True)
        return
    elif target in _TEXT:
        if isinstance(value, list):
            if not value:
                return
            report.guess("first-of-many", f"{key}: took the first of {value!r} for the {target}", line)
            value = value[0]
        meta[target] = str(value)
    else:
        meta[target] = value if isinstance(value, dict | int) else str(value)
    report.map(how, line)


#: Longest template tag taken for one (a tag may span lines, never a blank one).
_MAX_TAG = 2000
_OPENER = re.compile(r"\{%|\{\{")


def template_tags(text: str, code: list[bool]) -> list[tuple[int, int]]:
    """Where the template tags in ``text`` are, as (start, end): on one line or over several (never across
    a blank line, nor in code, as ``code`` marks each line); found in linear time."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _OPENER.search(text, pos)) is not None:
        start = m.start()
        closer = "%}" if m.group() == "{%" else {"<": ">}}", "%": "%}}"}.get(text[m.end() : m.end() + 1], "}}")
        end = text.find(closer, m.end(), m.end() + _MAX_TAG)
        tag = text[start : end + len(closer)] if end >= 0 else ""
        first = bisect.bisect_right(starts, start) - 1
        last = first + tag.count("\n")
        if not tag or _BLANK_LINE.search(tag) or any(code[first : last + 1]):
            pos = m.end()
            continue
        spans.append((start, end + len(closer)))
        pos = end + len(closer)
    return spans


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _without_tags(body: str, first_line: int, report: ImportReport) -> str:
    """The body with template tags removed, each reported with its (first) line; code is left alone.

    A tag over several lines leaves its line breaks, and a line that held only
    tags is left blank, so the body keeps its line numbers.
    """
    lines = body.split("\n")
    code = bounds.code_lines(lines)
    pieces: list[str] = []
    touched: set[int] = set()
    pos = 0
    for start, end in template_tags(body, code):
        tag = body[start:end]
        number = body.count("\n", 0, start)
        shown = " ".join(tag.split())
        report.guess("template-removed",
                     f"removed the template tag {shown!r}: articlekit has no templates; write out what it made",
                     first_line + number)
        report.words_dropped += count_words(tag)
        pieces += [body[pos:start], "\n" * tag.count("\n")]
        touched.update(range(number, number + tag.count("\n") + 1))
        pos = end
    pieces.append(body[pos:])
    out: list[str] = []
    for i, (line, in_code) in enumerate(zip("".join(pieces).split("\n"), code, strict=True)):
        if not in_code and _IAL.match(line):
            report.guess("attribute-list-removed", f"removed the kramdown attribute list {line.strip()!r}",
                         first_line + i)
            report.words_dropped += count_words(line)
            out.append("")
        elif i in touched:
            out.append(re.sub(r"  +", " ", line).rstrip() if line.strip() else "")
        else:
            out.append(line)
    return "\n".join(out)


def _collapse_blank_lines(lines: list[str]) -> str:
    """Runs of blank lines outside code (left where a tag stood alone) as one."""
    out: list[str] = []
    for line, in_code in zip(lines, bounds.code_lines(lines), strict=True):
        if not in_code and not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out).strip("\n")


_IMAGE = re.compile(r"(!\[[^\]\n]*\]\(\s*<?)([^)\s>]+)(>?(?:\s+\"[^\"\n]*\")?\s*\)(?:\{[^}\n]*\})?)")
#: How many folders up from the input a site's root may be (``_posts/`` or ``content/posts/``).
_SITE_DEPTH = 3


def site_root(path: Path, preset_name: str | None) -> tuple[Path | None, list[str]]:
    """The root of the site ``path`` belongs to, as the preset knows it by its configuration file
    (``_config.yml``, ``hugo.toml``, ``_quarto.yml``) at most :data:`_SITE_DEPTH` folders up, and the
    folders under it the site serves from its root; ``(None, [])`` without a preset or a root."""
    if not preset_name or preset_name not in PRESETS:
        return None, []
    table = preset(preset_name)
    for folder in [path.parent, *list(path.parent.parents)[:_SITE_DEPTH]]:
        if any((folder / marker).is_file() for marker in table["site_root"]):
            return folder, table["served"]
    return None, []


def _images(body: str, first_line: int, path: Path, slug: str, report: ImportReport,
            preset_name: str | None = None) -> str:
    """Images beside the input, or served from the site's root (``/assets/x.png``), taken beside the source.

    An image is read only inside the input's folder or, with a preset, the site's
    root (:func:`site_root`), real paths resolved (:func:`.pictures.take`); it is
    copied into ``<slug>-media/``.  One that is outside, missing or no picture is
    an error, as the source could not build.  An image on another site is dropped
    with a warning, as articlekit reads images only from the source's folder.
    """
    root, served = site_root(path, preset_name)

    def local(m: re.Match[str]) -> str:
        ref = m.group(2)
        line = first_line + body.count("\n", 0, m.start())
        if re.match(r"^(?:https?:)?//", ref, re.IGNORECASE):
            report.drop(f"image {ref!r}: on another site, and articlekit reads images only beside the source "
                        "(download it and add it back)", line, guessed=True)
            report.words_dropped += count_words(m.group(0))  # its description and address, named in the report
            return ""
        if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.IGNORECASE):
            return m.group(0)
        if ref.startswith("/"):  # from the site's root, never from the disk's
            bases = [root / folder for folder in served] if root is not None else [path.parent]
            rel = ref.lstrip("/")
            base = next((b for b in bases if (b / rel).exists()), bases[-1])
            taken = pictures.take(rel, base, report, line, roots=(root,) if root is not None else (), written=ref)
        else:
            taken = pictures.take(ref, path.parent, report, line, roots=(root,) if root is not None else ())
        if taken is None:
            return m.group(0)
        data, extension = taken
        target = f"{slug}-media/{pictures.picture_name(ref, extension)}"
        report.media[target] = data
        report.map(f"image {ref} → {target}", line)
        report.words_dropped += max(0, count_words(ref) - count_words(target))  # the old site's folders
        return m.group(1) + target + m.group(3)

    return _IMAGE.sub(local, body)
