"""Front matter: split it from the body, parse the YAML, validate it with pydantic.

Validation errors are turned into ``path:line: message`` lines by finding the
YAML node that each pydantic error location points at, so a user learns where
the problem is, not only what it is.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ArticleError, ArticleErrors

_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$")


@dataclass(frozen=True)
class SplitSource:
    """A source file split into its front matter text and its body."""

    front_matter: str
    body: str
    #: 1-based line of the source on which the front matter's first line stands.
    front_matter_line: int
    #: 1-based line of the source on which the body's first line stands.
    body_line: int


def split(path: Path, text: str) -> SplitSource:
    """Split ``text`` at its leading ``---`` … ``---`` block, which must be there."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        raise ArticleError(path, "no front matter: the file must begin with a '---' line, then YAML, then '---'", 1)
    for i in range(1, len(lines)):
        if _CLOSE.match(lines[i]):
            return SplitSource("\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), 2, i + 2)
    raise ArticleError(path, "front matter is not closed: no '---' line after the opening one", 1)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so the model decides what a date is."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def _person(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


def _text(value: Any) -> Any:
    """Accept numbers where text is expected (``degrees: 2``), as YAML readers expect."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


Text = Annotated[str, BeforeValidator(_text), Field(min_length=1)]


class PersonModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Text
    given: Text | None = None
    family: Text | None = None
    degrees: Text | None = None
    affiliation: Text | None = None
    orcid: str | None = None
    email: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a name cannot be blank")
        return " ".join(v.split())

    @field_validator("orcid")
    @classmethod
    def _orcid(cls, v: str | None) -> str | None:
        if v is None:
            return v
        m = _ORCID.match(v.strip())
        if not m or not orcid_checksum_ok(m.group(1)):
            raise ValueError(f"invalid ORCID {v!r}: expected 0000-0000-0000-000X with a valid check digit")
        return m.group(1)

    @model_validator(mode="after")
    def _parts(self) -> PersonModel:
        if (self.given is None) != (self.family is None):
            raise ValueError(f"{self.name!r}: give both 'given' and 'family', or neither")
        if self.given is None and " " not in self.name:
            raise ValueError(
                f"{self.name!r} has no space to split into given and family names: add 'given' and 'family'"
            )
        return self

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not _EMAIL.match(v):
            raise ValueError(f"invalid e-mail address {v!r}")
        return v


Person = Annotated[PersonModel, BeforeValidator(_person)]


class ImageModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    src: Text | None = None
    alt: Text | None = None
    credit: Text | None = None


class FrontMatter(BaseModel):
    """The keys a source's front matter may hold; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: Text
    subtitle: Text | None = None
    date: str
    authors: list[Person] = Field(min_length=1)
    editors: list[Person] = Field(default_factory=list)
    lang: str | None = None
    image: ImageModel | None = None
    publisher: Text | None = None
    publication: Text | None = None
    issn: str | None = None
    keywords: list[Text] = Field(default_factory=list)
    abstract: Text | None = None
    license: Text | None = None
    doi: str | None = None
    article_type: str | None = Field(default=None, pattern=r"^[a-z][a-z-]*$")
    section: Text | None = None

    @field_validator("date")
    @classmethod
    def _date(cls, v: str) -> str:
        if not _DATE.match(v):
            raise ValueError(f"invalid date {v!r}: expected YYYY-MM-DD")
        try:
            dt.date.fromisoformat(v)
        except ValueError as e:
            raise ValueError(f"invalid date {v!r}: {e}") from None
        return v

    @field_validator("lang")
    @classmethod
    def _lang(cls, v: str | None) -> str | None:
        if v is not None and not _BCP47.match(v):
            raise ValueError(f"invalid language tag {v!r}: expected a BCP 47 tag such as 'en' or 'id-ID'")
        return v

    @field_validator("issn")
    @classmethod
    def _issn(cls, v: str | None) -> str | None:
        if v is not None and not _ISSN.match(v):
            raise ValueError(f"invalid ISSN {v!r}: expected NNNN-NNNC")
        return v

    @field_validator("doi")
    @classmethod
    def _doi(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", v.strip())
        if not re.match(r"^10\.\d{4,9}/\S+$", v):
            raise ValueError(f"invalid DOI {v!r}: expected 10.NNNN/suffix")
        return v



FIELDS: tuple[str, ...] = tuple(FrontMatter.model_fields)


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 11,2 check digit, as ORCID defines it."""
    digits = orcid.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def parse(path: Path, part: SplitSource, defaults: dict[str, Any] | None = None) -> FrontMatter:
    """Parse and validate front matter; ``defaults`` (from ``articlekit.toml``) fill missing keys."""
    try:
        node = yaml.compose(part.front_matter, Loader=_Loader)
        data = yaml.load(part.front_matter, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = part.front_matter_line + mark.line if mark else part.front_matter_line
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ArticleError(path, f"YAML syntax error in front matter: {problem}", line) from None
    if data is None:
        raise ArticleError(path, "front matter is empty: 'title', 'date' and 'authors' are required", 1)
    if not isinstance(data, dict):
        raise ArticleError(path, "front matter must be a mapping of keys to values", part.front_matter_line)
    merged = {**(defaults or {}), **data}
    try:
        return FrontMatter.model_validate(merged)
    except ValidationError as e:
        raise ArticleErrors([_to_error(path, part, node, err) for err in e.errors()]) from None


def _to_error(path: Path, part: SplitSource, root: yaml.Node | None, err: dict[str, Any]) -> ArticleError:
    loc = tuple(err["loc"])
    # pydantic appends the validator kind (function-before[...]) to some locations.
    loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("str", "int"))))
    node, key_node = _find(root, loc)
    line = None
    if node is not None:
        line = part.front_matter_line + (key_node or node).start_mark.line
    where = ".".join(str(p) for p in loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        choices = FIELDS if len(loc) == 1 else tuple(
            (PersonModel if loc[0] in ("authors", "editors") else ImageModel).model_fields
        )
        hint = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
        msg = f"unknown key '{where}'" + (f" (did you mean '{hint[0]}'?)" if hint else f"; known keys: {', '.join(choices)}")
    elif kind == "missing":
        msg = f"required key '{where}' is missing"
        if len(loc) == 1:
            line = part.front_matter_line - 1
    else:
        text = err["msg"].removeprefix("Value error, ")
        msg = f"'{where}': {text}"
    return ArticleError(path, msg, line)


def _find(node: yaml.Node | None, loc: tuple[Any, ...]) -> tuple[yaml.Node | None, yaml.Node | None]:
    """The YAML node at ``loc`` (and, for a mapping entry, its key node); the deepest found."""
    key_node = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == part:
                    node, key_node = v, k
                    break
            else:
                return node, key_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node, key_node = node.value[part], None
        else:
            return node, key_node
    return node, key_node
