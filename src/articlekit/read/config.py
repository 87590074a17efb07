"""House defaults from an optional ``articlekit.toml`` beside the sources.

A publisher states its house data once; every article in the folder inherits it
and may override any key in its own front matter::

    publication = "Global Insights"   # journal or site name
    issn = "2686-1887"
    publisher = "Institute of International Studies"
    license = "CC BY 4.0"
    copyright = { holder = "Institute of International Studies" }   # or a statement string
    lang = "en"
    styles = "house-style"            # folder of CSS, relative to this file
    picture_credit_alone = true       # print a picture's credit even with no picture file

    [deposit]                         # who registers the DOIs (Crossref) and lists the articles (DOAJ)
    depositor = "Institute of International Studies"
    email = "doi@example.org"
    registrant = "Institute of International Studies"
    crossref_schema = "5.3.1"         # or "5.4.0"

    [labels]                          # articlekit's own words, over its catalogue's
    notes = "Endnotes"                # in every language
    [labels.fr]
    notes = "Notes de fin"            # in French articles only (wins over the above)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import WARNING_CODES, ArticleError, ArticleErrors, closest
from ..labels import KEYS as LABEL_KEYS
from ..labels import REQUIRED_KEYS, catalogue
from ..model import CROSSREF_SCHEMAS, Deposit
from .frontmatter import FIELDS

#: The built-in front-matter mappings of other tools, chosen by ``[import] preset``.
PRESETS = ("jekyll", "hugo", "quarto")

CONFIG_NAME = "articlekit.toml"

#: Keys an ``articlekit.toml`` may set, with what each means.
KEYS: dict[str, str] = {
    "publication": "name of the journal, magazine or site",
    "issn": "the publication's ISSN",
    "publisher": "publisher name",
    "license": "licence statement or URL",
    "copyright": "copyright holder (and year, statement) as a table, or a statement string",
    "lang": "default BCP 47 language tag",
    "article_type": "default JATS article-type",
    "section": "default section heading (JATS subj-group)",
    "keywords": "keywords every article carries",
    "styles": "folder of house-style CSS, relative to the config file",
    "picture_credit_alone": "true to print a lead picture's credit when the article has no picture file",
    "history_in_title_block": "true to print the history dates (received, revised, accepted) under the date",
    "labels": "articlekit's own words (\"Notes\", \"Editors\" …), flat or per language ([labels.fr])",
    "import": "how `articlekit import` maps other tools' front matter: preset, drop, [import.keys]",
    "bibliography": "bibliography files (BibLaTeX, BibTeX, CSL JSON, RIS) beside the sources, one or a list",
    "csl": "citation style: a shipped style's name ('apa') or a .csl file",
    "journal": "the journal: title, abbrev, id, issn_print, issn_online, publisher (a table)",
    "affiliations": "structured affiliations by key: institution, department, city, country, ror (tables)",
    "funding": "funders: funder, ror or funder_id, award (an array of tables)",
    "base_url": "where the outputs are published (https://…/): the JATS links to each article's PDF and page",
    "warnings": "[warnings] ignore = [\"no-permissions\", …]: warning codes this house does not want to see",
    "deposit": "[deposit] depositor, email, registrant, crossref_schema: who registers the DOIs with Crossref",
}

#: The keys of the ``[deposit]`` table, with what each means.
DEPOSIT_KEYS: dict[str, str] = {
    "depositor": "the name of the organisation or person that deposits (Crossref's depositor_name)",
    "email": "the e-mail address Crossref writes to about a deposit",
    "registrant": "the organisation that owns the DOIs (Crossref's registrant)",
    "crossref_schema": f"the Crossref deposit schema: {' or '.join(CROSSREF_SCHEMAS)} (default {CROSSREF_SCHEMAS[0]})",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Config:
    """Defaults for one sources folder."""

    path: Path | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    styles_dir: Path | None = None
    #: The ``[labels]`` table: words by key, and tables of words by language.
    labels: dict[str, Any] = field(default_factory=dict)
    #: The ``[import]`` table: ``preset``, ``drop`` and ``keys`` for ``articlekit import``.
    import_table: dict[str, Any] = field(default_factory=dict)
    #: Whether a lead picture's credit is printed when there is no picture (``image.credit``
    #: without ``image.src``): a house whose credits name a picture shown elsewhere asks for it.
    picture_credit_alone: bool = False
    #: Whether the title block prints the ``history`` dates (received, revised, accepted), as many
    #: journals' house styles do; JATS ``<history>`` carries them either way.
    history_in_title_block: bool = False
    #: ``[warnings] ignore``: the codes of warnings (:data:`~articlekit.errors.WARNING_CODES`) the reader drops.
    ignored_warnings: frozenset[str] = frozenset()
    #: The ``[deposit]`` table, with the file it is (or would be) in.
    deposit: Deposit = field(default_factory=Deposit)


def _line_of(text: str, key: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return i
    return None


#: Largest config file accepted (bytes).
MAX_CONFIG_BYTES = 64 * 1024


def load_config(folder: Path) -> Config:
    """The config that applies to sources in ``folder`` (an empty one if there is no file).

    Messages name the file as the caller named the folder; the cache is keyed on
    the real folder too, so a change of working directory cannot confuse it.
    """
    return _load_config(folder, folder.resolve())


@lru_cache(maxsize=64)
def _load_config(folder: Path, real: Path) -> Config:
    path = folder / CONFIG_NAME
    if not path.is_file():
        return Config(deposit=Deposit(path=path))
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ArticleError(path, f"over {MAX_CONFIG_BYTES // 1024} KB; a config holds a few house defaults")
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as e:
        raise ArticleError(path, f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise ArticleError(path, "not valid UTF-8") from None
    except RecursionError:
        raise ArticleError(path, "nested too deeply") from None
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)(?:, column (\d+))?", str(e))
        line = int(m.group(1)) if m else None
        col = int(m.group(2)) if m and m.group(2) else None
        raise ArticleError(path, f"TOML syntax error: {str(e).split(' (at')[0]}", line, col) from None
    except ValueError as e:  # a number of thousands of digits, which Python will not read
        raise ArticleError(path, f"cannot be read: {str(e).split(';')[0]}") from None
    problems: list[ArticleError] = []
    for key, value in data.items():
        if key not in KEYS:
            hint = closest(key, KEYS)
            msg = f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else "")
            problems.append(ArticleError(path, msg, _line_of(text, key)))
        elif key == "labels":
            problems += _check_labels(path, text, value)
        elif key == "import":
            problems += _check_import(path, text, value)
        elif key in ("picture_credit_alone", "history_in_title_block"):
            if not isinstance(value, bool):
                problems.append(ArticleError(path, f"'{key}' must be true or false", _line_of(text, key)))
        elif key in ("journal", "affiliations"):
            if not isinstance(value, dict):  # the rest is checked with the front matter
                problems.append(ArticleError(path, f"'{key}' must be a table", _line_of(text, key)))
        elif key == "bibliography":
            if not isinstance(value, list | str):
                problems.append(ArticleError(path, "'bibliography' must be a file name or a list of them",
                                             _line_of(text, key)))
        elif key == "funding":
            if not isinstance(value, list):
                problems.append(ArticleError(path, "'funding' must be an array of tables", _line_of(text, key)))
        elif key == "warnings":
            problems += _check_warnings(path, text, value)
        elif key == "deposit":
            problems += _check_deposit(path, text, value)
        elif key == "copyright":
            if not isinstance(value, str | dict):  # the rest is checked with the front matter, which may override it
                problems.append(ArticleError(path, "'copyright' must be a string or a table", _line_of(text, key)))
        else:
            expected = list if key == "keywords" else str
            if not isinstance(value, expected) or (expected is list and not all(isinstance(v, str) for v in value)):
                kind = "list of strings" if expected is list else "string"
                problems.append(ArticleError(path, f"'{key}' must be a {kind}", _line_of(text, key)))
    if problems:
        raise ArticleErrors(problems)
    styles_dir = None
    if "styles" in data:
        styles_dir = (folder / data.pop("styles")).resolve()
        # The config travels with the sources, so it may not point articlekit at
        # other folders of the machine (``--styles`` on the command line may).
        if not (styles_dir == folder.resolve() or folder.resolve() in styles_dir.parents):
            raise ArticleError(
                path, f"styles folder {styles_dir} is outside {folder}; use --styles to name a folder elsewhere",
                _line_of(text, "styles"))
        if not styles_dir.is_dir():
            raise ArticleError(path, f"styles folder {styles_dir} does not exist", _line_of(text, "styles"))
    labels = data.pop("labels", {})
    import_table = data.pop("import", {})
    credit_alone = data.pop("picture_credit_alone", False)
    history_shown = data.pop("history_in_title_block", False)
    ignored = frozenset(data.pop("warnings", {}).get("ignore", ()))
    deposit = _deposit(path, text, data.pop("deposit", None))
    return Config(path=path, defaults=data, styles_dir=styles_dir, labels=labels, import_table=import_table,
                  picture_credit_alone=credit_alone, history_in_title_block=history_shown,
                  ignored_warnings=ignored, deposit=deposit)


def _deposit(path: Path, text: str, table: dict[str, str] | None) -> Deposit:
    """The checked ``[deposit]`` table as a :class:`~articlekit.model.Deposit`, with the line of each key."""
    if table is None:
        return Deposit(path=path)
    lines = [("[deposit]", _table_line(text, "deposit") or 1)]
    lines += [(key, line) for key in table if (line := _table_line(text, "deposit", key)) is not None]
    return Deposit(depositor=table.get("depositor"), email=table.get("email"), registrant=table.get("registrant"),
                   crossref_schema=table.get("crossref_schema", CROSSREF_SCHEMAS[0]), path=path,
                   lines=tuple(lines))


def _check_deposit(path: Path, text: str, value: object) -> list[ArticleError]:
    """Problems with a ``[deposit]`` table: known keys, non-empty strings, an e-mail address, a known schema."""
    if not isinstance(value, dict):
        return [ArticleError(path, "'deposit' must be a table", _line_of(text, "deposit"))]
    problems: list[ArticleError] = []
    for key, item in value.items():
        line = _table_line(text, "deposit", key)
        if key not in DEPOSIT_KEYS:
            problems.append(_unknown_key(path, "deposit", key, tuple(DEPOSIT_KEYS), line))
        elif not isinstance(item, str) or not item.strip():
            problems.append(ArticleError(path, f"[deposit] {key} must be a non-empty string", line))
        elif key == "email" and not _EMAIL.match(item.strip()):
            problems.append(ArticleError(path, f"[deposit] email {item!r} is not an e-mail address", line))
        elif key == "crossref_schema" and item not in CROSSREF_SCHEMAS:
            problems.append(ArticleError(
                path, f"[deposit] crossref_schema {item!r}: articlekit writes {' or '.join(CROSSREF_SCHEMAS)}", line))
    return problems


def _table_line(text: str, table: str, key: str | None = None) -> int | None:
    """The line of ``[table]`` (or of ``key =`` under it), else of ``table =`` as an inline table."""
    lines = text.splitlines()
    dotted = r"\s*\.\s*".join(re.escape(part) for part in table.split("."))
    header = re.compile(rf"^\s*\[\s*{dotted}\s*\]")
    for i, line in enumerate(lines):
        if header.match(line):
            if key is None:
                return i + 1
            for j in range(i + 1, len(lines)):
                if re.match(r"^\s*\[", lines[j]):
                    break
                if re.match(rf"^\s*{re.escape(key)}\s*=", lines[j]):
                    return j + 1
            return i + 1
    return _line_of(text, table.split(".")[-1] if key is None else key) or _line_of(text, "labels")


def _check_import(path: Path, text: str, value: object) -> list[ArticleError]:
    """Problems with an ``[import]`` table: a known preset, a list of keys to drop, keys mapped to canonical keys."""
    if not isinstance(value, dict):
        return [ArticleError(path, "'import' must be a table", _line_of(text, "import"))]
    problems: list[ArticleError] = []
    for key, item in value.items():
        line = _table_line(text, "import", key)
        if key == "preset":
            if item not in PRESETS:
                problems.append(ArticleError(path, f"[import] preset must be one of {', '.join(PRESETS)}", line))
        elif key == "drop":
            if not isinstance(item, list) or not all(isinstance(k, str) for k in item):
                problems.append(ArticleError(path, "[import] drop must be a list of key names", line))
        elif key == "keys":
            if not isinstance(item, dict):
                problems.append(ArticleError(path, "[import.keys] must be a table", line))
                continue
            for theirs, ours in item.items():
                if not isinstance(ours, str) or (ours and ours not in FIELDS):
                    hint = closest(str(ours), FIELDS)
                    problems.append(ArticleError(
                        path, f"[import.keys] {theirs} = {ours!r}: not a canonical key"
                        + (f" (did you mean '{hint}'?)" if hint else " (\"\" drops it)"),
                        _table_line(text, "import.keys", theirs)))
        else:
            problems.append(_unknown_key(path, "import", key, ("preset", "drop", "keys"), line))
    return problems


def _unknown_key(path: Path, table: str, key: str, keys: tuple[str, ...], line: int | None) -> ArticleError:
    """A key ``[table]`` does not have, with the one it most likely means."""
    hint = closest(key, keys)
    return ArticleError(path, f"unknown key '{key}' in [{table}]" + (f" (did you mean '{hint}'?)" if hint else ""),
                        line)


def _check_warnings(path: Path, text: str, value: object) -> list[ArticleError]:
    """Problems with a ``[warnings]`` table: ``ignore``, a list of known warning codes."""
    if not isinstance(value, dict):
        return [ArticleError(path, "'warnings' must be a table", _line_of(text, "warnings"))]
    problems: list[ArticleError] = []
    for key, item in value.items():
        line = _table_line(text, "warnings", key)
        if key != "ignore":
            problems.append(_unknown_key(path, "warnings", key, ("ignore",), line))
        elif not isinstance(item, list) or not all(isinstance(code, str) for code in item):
            problems.append(ArticleError(path, "[warnings] ignore must be a list of warning codes", line))
        else:
            for code in item:
                if code not in WARNING_CODES:
                    hint = closest(code, WARNING_CODES)
                    problems.append(ArticleError(
                        path, f"[warnings] ignore: unknown warning code {code!r}"
                        + (f" (did you mean '{hint}'?)" if hint else f"; the codes are {', '.join(WARNING_CODES)}"),
                        line))
    return problems


def _check_labels(path: Path, text: str, value: object) -> list[ArticleError]:
    """Problems with a ``[labels]`` table: known keys with string values, language tables by tag."""
    if not isinstance(value, dict):
        return [ArticleError(path, "'labels' must be a table", _line_of(text, "labels"))]
    problems: list[ArticleError] = []
    numbered = {k for k, w in catalogue()["en"].items() if "{number}" in w}

    def words(table: dict[str, Any], where: str) -> None:
        for key, word in table.items():
            if key not in LABEL_KEYS:
                hint = closest(key, LABEL_KEYS)
                msg = f"unknown label '{key}' in [{where}]" + (f" (did you mean '{hint}'?)" if hint else "")
                problems.append(ArticleError(path, msg, _table_line(text, where, key)))
            elif not isinstance(word, str) or not word.strip():
                problems.append(ArticleError(path, f"label '{key}' in [{where}] must be a non-empty string",
                                             _table_line(text, where, key)))
            elif key in numbered and "{number}" not in word:
                problems.append(ArticleError(path, f"label '{key}' in [{where}] must contain {{number}}",
                                             _table_line(text, where, key)))

    flat = {k: v for k, v in value.items() if not isinstance(v, dict)}
    words(flat, "labels")
    for lang, table in value.items():
        if not isinstance(table, dict):
            continue
        where = f"labels.{lang}"
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", lang):
            problems.append(ArticleError(
                path, f"[{where}]: {lang!r} is not a language tag such as 'fr' or 'pt-BR'", _table_line(text, where)))
            continue
        words(table, where)
        missing = [k for k in REQUIRED_KEYS if k not in table]
        if lang.split("-")[0].lower() not in catalogue() and missing:
            problems.append(ArticleError(
                path, f"[{where}]: articlekit has no words for {lang!r}, so its table must give every label;"
                f" missing: {', '.join(missing)}", _table_line(text, where)))
    return problems
