"""Front matter: split it from the body, parse the YAML, validate it with pydantic.

Validation errors are turned into ``path:line: message`` lines by finding the
YAML node that each pydantic error location points at, so a user learns where
the problem is, not only what it is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..errors import ArticleError, ArticleErrors, closest

_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_BCP47 = re.compile(
    r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*$"
)
#: Characters no output can carry (besides tab and newline): C0 and C1 controls and
#: the two non-characters XML forbids.  Shared with the reader's check of the text.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A ROR id: "0", six characters of Crockford's base 32, two check digits; alone or as its URL.
_ROR = re.compile(r"^(?:https?://ror\.org/)?(0[a-hjkmnp-tv-z0-9]{6}[0-9]{2})/?$")
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"

#: The 14 roles of the CRediT taxonomy (ANSI/NISO Z39.104-2022), by the slug of their URL
#: under https://credit.niso.org/contributor-roles/, with the term as CRediT writes it.
CREDIT_ROLES: dict[str, str] = {
    "conceptualization": "Conceptualization",
    "data-curation": "Data curation",
    "formal-analysis": "Formal analysis",
    "funding-acquisition": "Funding acquisition",
    "investigation": "Investigation",
    "methodology": "Methodology",
    "project-administration": "Project administration",
    "resources": "Resources",
    "software": "Software",
    "supervision": "Supervision",
    "validation": "Validation",
    "visualization": "Visualization",
    "writing-original-draft": "Writing \u2013 original draft",
    "writing-review-editing": "Writing \u2013 review & editing",
}
_ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$")


def _iso_date(v: str) -> str:
    if not _DATE.match(v):
        raise ValueError(f"invalid date {v!r}: expected YYYY-MM-DD")
    try:
        dt.date.fromisoformat(v)
    except ValueError as e:
        raise ValueError(f"invalid date {v!r}: {e}") from None
    return v


def _language_tag(v: str) -> str:
    if not _BCP47.match(v):
        raise ValueError(f"invalid language tag {v!r}: expected a BCP 47 tag such as 'en' or 'id-ID'")
    return v


def _issn_form(v: str) -> str:
    if not _ISSN.match(v):
        raise ValueError(f"invalid ISSN {v!r}: expected NNNN-NNNC")
    if not issn_checksum_ok(v):
        raise ValueError(f"invalid ISSN {v!r}: its check digit is wrong (mistyped?)")
    return v


def issn_checksum_ok(issn: str) -> bool:
    """The check digit of an ISSN (ISO 3297): the first seven digits weighted 8 down to 2, modulo 11."""
    digits = issn.replace("-", "")
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


#: Front matter values checked the same way wherever they appear (articles, editions).
IsoDate = Annotated[str, AfterValidator(_iso_date)]
LanguageTag = Annotated[str, AfterValidator(_language_tag)]
Issn = Annotated[str, AfterValidator(_issn_form)]


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


class YamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so the model decides what a date is."""


YamlLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def _person(value: Any) -> Any:
    """A person given as a string: the name, and the degrees after a comma ("Dewi Lestari, PhD")."""
    if not isinstance(value, str):
        return value
    name, comma, degrees = (part.strip() for part in value.partition(","))
    if comma and name and looks_like_degrees(degrees):
        return {"name": name, "degrees": degrees}
    return {"name": value}


#: Between two people in a list written as one string: "&", " and " or ";".
_BETWEEN_PEOPLE = re.compile(r"\s*(?:&|;|\band\b)\s*")
#: One post-nominal: "MA(IR)", "S.IP", "PhD", "M.Sc." — dotted, bracketed or with two capitals.
_DEGREE = re.compile(r"^(?=[A-Z])(?=\S*(?:\.|\(|[A-Z]\S*[A-Z]))[A-Za-z.()]{2,12}$")


def looks_like_degrees(text: str) -> bool:
    """Whether ``text`` is a run of post-nominals ("S.H., M.H."), not another person's name."""
    parts = [p.strip() for p in text.split(",")]
    return all(_DEGREE.match(p) for p in parts)


def split_people(text: str) -> list[dict[str, str]]:
    """People written as one string: "Atin Prabandari, MA(IR) & Viyasa Rahyaputra, S.IP".

    People are separated by "&", "and" or ";"; what follows a person's first comma
    is their degrees.  A comma that is not followed by degrees would leave it unclear
    where one person ends, so it is refused rather than guessed.
    """
    people: list[dict[str, str]] = []
    for part in _BETWEEN_PEOPLE.split(text.strip()):
        if not part:
            raise ValueError(f"{text!r} has an empty name between separators")
        name, comma, degrees = (s.strip() for s in part.partition(","))
        if comma and not looks_like_degrees(degrees):
            raise ValueError(
                f"{degrees!r} after the comma in {part!r} is not a degree: separate people with "
                "'&', 'and' or ';', or give a list"
            )
        people.append({"name": name, "degrees": degrees} if degrees else {"name": name})
    return people


def _people(value: Any, info: ValidationInfo) -> Any:
    """A list of people, or all of them as one string (catalogues often store them so)."""
    if isinstance(value, str):
        try:
            return split_people(value)
        except ValueError as e:
            raise ValueError(f"'{info.field_name}': {e}") from None
    return value


def ror_checksum_ok(ror: str) -> bool:
    """The two check digits of a ROR id: ISO/IEC 7064 MOD 97-10 of the first seven characters read as
    one number in Crockford's base 32 (the scheme ROR describes for its identifiers)."""
    number = 0
    for ch in ror[:7]:
        number = number * 32 + _CROCKFORD.index(ch)
    return int(ror[7:]) == 98 - (number * 100) % 97


def ror_id(v: str) -> str:
    """A ROR id without its https://ror.org/ prefix, its check digits verified."""
    m = _ROR.match(v.strip().lower())
    if not m or not ror_checksum_ok(m.group(1)):
        raise ValueError(f"invalid ROR id {v!r}: expected https://ror.org/0xxxxxxNN with valid check digits")
    return m.group(1)


def _text(value: Any) -> Any:
    """Accept numbers where text is expected (``degrees: 2``), as YAML readers expect."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


Text = Annotated[str, BeforeValidator(_text), Field(min_length=1)]


def _one_or_more(value: Any) -> Any:
    """One file named alone, or a list of them."""
    return [value] if isinstance(value, str) else value


class PersonModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Text
    given: Text | None = None
    family: Text | None = None
    degrees: Text | None = None
    affiliation: Text | None = None
    orcid: str | None = None
    email: str | None = None
    #: Contributions as CRediT roles, by slug ("writing-original-draft").
    roles: list[Text] = Field(default_factory=list)
    #: The affiliation's ROR id, without its https://ror.org/ prefix.
    ror: str | None = None
    #: The corresponding author (JATS ``<corresp>``); needs an ``email``.
    corresponding: bool = False

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

    @field_validator("name")
    @classmethod
    def _one_person(cls, v: str) -> str:
        if "&" in v or ";" in v:
            raise ValueError(f"{v!r} names several people: give one per list item, or the whole list as one string")
        return v

    @field_validator("roles")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        """CRediT roles by slug; the term as CRediT writes it ("Writing – original draft") is accepted too."""
        out: list[str] = []
        for role in v:
            slug = re.sub(r"[\s&\-\u2013]+", "-", role.strip().lower())
            if slug not in CREDIT_ROLES:
                hint = closest(slug, CREDIT_ROLES)
                raise ValueError(f"{role!r} is not a CRediT role" + (
                    f" (did you mean '{hint}'?)" if hint else ": use one of " + ", ".join(CREDIT_ROLES)))
            if slug not in out:
                out.append(slug)
        return out

    @field_validator("ror")
    @classmethod
    def _ror(cls, v: str | None) -> str | None:
        return None if v is None else ror_id(v)

    @model_validator(mode="after")
    def _corresponding(self) -> PersonModel:
        if self.corresponding and not self.email:
            raise ValueError("the corresponding author needs an 'email'")
        return self

    @model_validator(mode="after")
    def _parts(self) -> PersonModel:
        # A one-word name ("Suharto") is a whole name: no family name is made up for it.
        if (self.given is None) != (self.family is None):
            raise ValueError("give both 'given' and 'family', or neither")
        if self.ror is not None and self.affiliation is None:
            raise ValueError("'ror' identifies the affiliation: add 'affiliation'")
        return self

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not email_ok(v):
            raise ValueError(f"invalid e-mail address {v!r}")
        return v


Person = Annotated[PersonModel, BeforeValidator(_person)]
#: A list of people that may also be written as one string of names with degrees.
People = Annotated[list[Person], BeforeValidator(_people)]


_FUNDER_ID = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/)?(?:10\.13039/)?(\d{6,12})/?$")


def _country(v: str) -> str:
    """An ISO 3166-1 alpha-2 country code, as CLDR knows it ("ID", "GB")."""
    from babel import Locale

    code = v.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or code not in Locale("en").territories:
        raise ValueError(f"invalid country {v!r}: expected an ISO 3166 two-letter code such as 'ID' or 'GB'")
    return code


class AffiliationModel(BaseModel):
    """A structured affiliation, named once under ``affiliations`` and referred to by its key."""

    model_config = ConfigDict(extra="forbid", strict=True)

    institution: Text
    department: Text | None = None
    city: Text | None = None
    country: Annotated[str, AfterValidator(_country)] | None = None
    ror: Annotated[str, AfterValidator(ror_id)] | None = None


class JournalModel(BaseModel):
    """The journal an article appears in (usually once per house, in ``articlekit.toml``)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: Text
    abbrev: Text | None = None
    id: Text | None = None
    issn_print: Annotated[str, AfterValidator(_issn_form)] | None = None
    issn_online: Annotated[str, AfterValidator(_issn_form)] | None = None
    publisher: Text | None = None


class HistoryModel(BaseModel):
    """When the manuscript was received, revised and accepted."""

    model_config = ConfigDict(extra="forbid", strict=True)

    received: Annotated[str, AfterValidator(_iso_date)] | None = None
    revised: Annotated[str, AfterValidator(_iso_date)] | None = None
    accepted: Annotated[str, AfterValidator(_iso_date)] | None = None


class FundingModel(BaseModel):
    """One grant: who gave it (with a ROR id or a Crossref Funder ID) and its award number."""

    model_config = ConfigDict(extra="forbid", strict=True)

    funder: Text
    ror: Annotated[str, AfterValidator(ror_id)] | None = None
    funder_id: Annotated[str, BeforeValidator(_text)] | None = None
    award: Annotated[str, BeforeValidator(_text)] | None = None

    @field_validator("funder_id")
    @classmethod
    def _funder_id(cls, v: str | None) -> str | None:
        if v is None:
            return v
        m = _FUNDER_ID.match(v.strip())
        if not m:
            raise ValueError(f"invalid Crossref Funder ID {v!r}: expected 10.13039/501100000780 or its digits")
        return f"10.13039/{m.group(1)}"


class ImageModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    src: Text | None = None
    alt: Text | None = None
    credit: Text | None = None


def _copyright(value: Any) -> Any:
    return {"statement": value} if isinstance(value, str) else value


class CopyrightModel(BaseModel):
    """``copyright: {holder: …, year: 2018, statement: …}``, or only the statement as a string."""

    model_config = ConfigDict(extra="forbid", strict=True)

    holder: Text | None = None
    year: int | None = Field(default=None, ge=1000, le=9999)
    statement: Text | None = None

    @model_validator(mode="after")
    def _something(self) -> CopyrightModel:
        if self.holder is None and self.statement is None:
            raise ValueError("give the copyright 'holder' or a 'statement'")
        return self


Copyright = Annotated[CopyrightModel, BeforeValidator(_copyright)]


class FrontMatter(BaseModel):
    """The keys a source's front matter may hold; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: Text
    subtitle: Text | None = None
    date: IsoDate
    authors: list[Person] = Field(min_length=1)
    editors: People = Field(default_factory=list)
    reviewers: People = Field(default_factory=list)
    translators: People = Field(default_factory=list)
    lang: LanguageTag | None = None
    image: ImageModel | None = None
    publisher: Text | None = None
    publication: Text | None = None
    issn: Issn | None = None
    keywords: list[Text] = Field(default_factory=list)
    abstract: Text | None = None
    license: Text | None = None
    copyright: Copyright | None = None
    doi: str | None = None
    article_type: str | None = Field(default=None, pattern=r"^[a-z][a-z-]*$")
    section: Text | None = None
    #: Bibliography files (BibTeX, BibLaTeX, CSL JSON, RIS), relative to the source's folder.
    bibliography: Annotated[list[Text], BeforeValidator(_one_or_more)] = Field(default_factory=list)
    #: The citation style: a shipped style's name ("apa") or a CSL file beside the source.
    csl: Text | None = None
    journal: JournalModel | None = None
    #: The article number, where the article has no pages (JATS ``elocation-id``).
    elocation: Annotated[str, BeforeValidator(_text), Field(min_length=1)] | None = None
    history: HistoryModel | None = None
    #: Structured affiliations by key; a person's ``affiliation`` names one of the keys (or is plain text).
    affiliations: dict[str, AffiliationModel] = Field(default_factory=dict)
    funding: list[FundingModel] = Field(default_factory=list)
    data_availability: Text | None = None
    #: Where the house publishes its outputs (``https://journal.example/articles/``): the JATS links
    #: to the article's PDF and web page there (``self-uri``).
    base_url: str | None = Field(default=None, pattern=r"^https://[^\s/]+(?:/\S*)?$")

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


def email_ok(address: str) -> bool:
    """A plausible e-mail address: one "@", no spaces, a dot inside the domain (checked without a regex)."""
    local, at, domain = address.partition("@")
    if not at or not local or "@" in domain or any(ch.isspace() for ch in address):
        return False
    return "." in domain.strip(".") and not domain.startswith(".") and not domain.endswith(".")


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 11,2 check digit, as ORCID defines it."""
    digits = orcid.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


#: Largest front matter accepted (characters); PyYAML is slow and an article's metadata is small.
MAX_FRONT_MATTER = 256 * 1024
#: Deepest nesting of YAML collections accepted (the schema needs three).
MAX_YAML_DEPTH = 16
#: Longest number read from front matter (Python refuses to read integers of over 4,300 digits).
MAX_NUMBER_CHARS = 64
_NUMBERS = yaml.resolver.Resolver()


def yaml_error(path: Path, part: SplitSource, e: yaml.YAMLError) -> ArticleError:
    mark = getattr(e, "problem_mark", None)
    line = part.front_matter_line + mark.line if mark else part.front_matter_line
    col = mark.column + 1 if mark else None
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    context, context_mark = getattr(e, "context", None), getattr(e, "context_mark", None)
    if context and context_mark is not None and context_mark.line != getattr(mark, "line", None):
        problem = f"{problem} ({context} that starts on line {part.front_matter_line + context_mark.line})"
    return ArticleError(path, f"YAML syntax error in front matter: {problem}", line, col)


def check_structure(path: Path, part: SplitSource) -> None:
    """Refuse YAML that is legal but hostile or surely a mistake, before building anything from it.

    Aliases (``*name``) are refused: they let a few lines expand into billions of
    values (the "billion laughs").  Nesting deeper than :data:`MAX_YAML_DEPTH` is
    refused (PyYAML recurses per level), and so is a number longer than
    :data:`MAX_NUMBER_CHARS` (Python would not read it).  A key given twice in
    one mapping is an error (YAML would silently keep the last one).
    """
    if len(part.front_matter) > MAX_FRONT_MATTER:
        raise ArticleError(
            path, f"front matter is over {MAX_FRONT_MATTER // 1024} KB; put long text in the body",
            part.front_matter_line,
        )
    stack: list[tuple[set[Any], list[bool]] | None] = []  # per open collection: (keys, [expecting a key])
    try:
        for event in yaml.parse(part.front_matter, Loader=YamlLoader):
            where = (part.front_matter_line + event.start_mark.line, event.start_mark.column + 1)
            top = stack[-1] if stack else None
            is_key = top is not None and top[1][0]
            if top is not None:
                top[1][0] = not top[1][0]
            if isinstance(event, yaml.AliasEvent):
                raise ArticleError(path, f"YAML alias '*{event.anchor}' is not allowed in front matter; "
                                   "write the value out", *where)
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_YAML_DEPTH:
                    raise ArticleError(path, f"front matter is nested more than {MAX_YAML_DEPTH} levels deep", *where)
                stack.append((set(), [True]) if isinstance(event, yaml.MappingStartEvent) else None)
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
            elif isinstance(event, yaml.ScalarEvent):
                if event.implicit[0] and len(event.value) > MAX_NUMBER_CHARS and _NUMBERS.resolve(
                        yaml.ScalarNode, event.value, (True, False)).endswith((":int", ":float")):
                    raise ArticleError(path, f"a number {len(event.value)} characters long; no front matter key "
                                       "holds one (put it in quotes if it is text)", *where)
                bad = CONTROL_CHARS.search(event.value)
                if bad:  # written as an escape ("\e") in a quoted string
                    raise ArticleError(path, f"contains the control character U+{ord(bad.group(0)):04X}, "
                                       "which no output format can carry", *where)
                if is_key and top is not None:
                    if event.value in top[0]:
                        raise ArticleError(path, f"key '{event.value}' appears twice", *where)
                    top[0].add(event.value)
    except yaml.YAMLError as e:
        raise yaml_error(path, part, e) from None


def parse(path: Path, part: SplitSource, defaults: dict[str, Any] | None = None) -> FrontMatter:
    """Parse and validate front matter; ``defaults`` (from ``articlekit.toml``) fill missing keys."""
    check_structure(path, part)
    try:
        node = yaml.compose(part.front_matter, Loader=YamlLoader)
        data = yaml.load(part.front_matter, Loader=YamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        raise yaml_error(path, part, e) from None
    if data is None:
        raise ArticleError(path, "front matter is empty: 'title', 'date' and 'authors' are required", 1)
    if not isinstance(data, dict):
        raise ArticleError(path, "front matter must be a mapping of keys to values", part.front_matter_line)
    merged = {**(defaults or {}), **data}
    try:
        return FrontMatter.model_validate(merged)
    except ValidationError as e:
        raise ArticleErrors([validation_error(path, part, node, err) for err in e.errors()]) from None


def lead_image_src(path: Path, part: SplitSource) -> str | None:
    """The lead image's ``src`` in front matter that failed validation, if its YAML can be read.

    The reader still checks that picture when the rest of the front matter is
    wrong, so a missing lead image is not left for the next run to report.
    """
    try:
        check_structure(path, part)
        data = yaml.load(part.front_matter, Loader=YamlLoader)  # noqa: S506 - a SafeLoader subclass
    except (ArticleError, yaml.YAMLError):
        return None
    image = data.get("image") if isinstance(data, dict) else None
    src = image.get("src") if isinstance(image, dict) else None
    return src if isinstance(src, str) and src.strip() else None


def _describe(value: Any) -> str:
    """What a YAML value is, in a user's words."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes/no/on/off as true/false)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "text"


_PEOPLE = ("authors", "editors", "reviewers", "translators")
_VALIDATOR_STEP = re.compile(r"^(?:function-(?:before|after|wrap|plain)|chain|union|tagged-union|nullable|"
                             r"lax-or-strict|json-or-python|default|model)\[")
_MODELS: dict[str, type[BaseModel]] = {"authors": PersonModel, "editors": PersonModel, "reviewers": PersonModel,
                                       "translators": PersonModel, "image": ImageModel,
                                       "copyright": CopyrightModel, "journal": JournalModel,
                                       "history": HistoryModel, "affiliations": AffiliationModel,
                                       "funding": FundingModel}


def _item(name: str, index: int) -> str:
    """A list item in words, counted from 1 as a reader counts: ``author 2``, ``keyword 3``."""
    word = name[:-1] if name.endswith("s") and len(name) > 1 else f"{name} item"
    return f"{word} {index + 1}"


def in_words(loc: tuple[Any, ...]) -> str:
    """A location as a reader says it: ``("authors", 1)`` is ``author 2``, ``("image",)`` is ``image``."""
    words: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            continue
        if i + 1 < len(loc) and isinstance(loc[i + 1], int):
            words.append(_item(str(part), loc[i + 1]))
        elif words and not words[-1].endswith(tuple("0123456789")):
            words[-1] += f".{part}"
        else:
            words.append(str(part))
    return " ".join(words)


def _message(loc: tuple[Any, ...], err: dict[str, Any]) -> str:
    """One short sentence for a pydantic error at ``loc``, prefixed by its context in words.

    ``("authors", 1, "afiliation")`` reads "author 2: unknown key 'afiliation'",
    ``("keywords", 2)`` reads "keyword 3 is empty": a list item is named in words
    and counted from 1, never as pydantic's 0-based dotted path.
    """
    kind, value = err["type"], err.get("input")
    field = loc[0] if loc else None
    if loc and isinstance(loc[-1], int):
        context, subject = in_words(loc[:-2]), in_words(loc)
    else:
        context, subject = in_words(loc[:-1]), (f"'{loc[-1]}'" if loc else "front matter")
    prefix = f"{context}: " if context else ""
    if kind == "extra_forbidden" and loc:
        key = str(loc[-1])
        model = _MODELS.get(str(field)) if len(loc) > 1 else FrontMatter
        hint = closest(key, model.model_fields) if model is not None else None
        return f"{prefix}unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else "")
    if kind == "missing":
        return f"{prefix}required key {subject} is missing"
    if kind == "list_type":
        what = "a list of people (names, or mappings with 'name')" if field in _PEOPLE else "a list"
        return f"{prefix}{subject} must be {what}, not {_describe(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if field in _PEOPLE:
            return f"{prefix}{subject} must be a name or a mapping with 'name', not {_describe(value)}"
        return f"{prefix}{subject} must be a mapping of keys to values, not {_describe(value)}"
    if kind == "string_type":
        if field == "date":
            return f"'date' must be written YYYY-MM-DD, not {_describe(value)}"
        return f"{prefix}{subject} must be text, not {_describe(value)}"
    if kind == "string_too_short":
        return f"{prefix}{subject} is empty"
    if kind == "too_short":
        return f"{prefix}{subject} must name at least one person" if field in _PEOPLE else f"{prefix}{subject} is empty"
    if kind == "string_pattern_mismatch" and field == "base_url":
        return f"'base_url' {value!r} must be an https:// address, such as 'https://journal.example/articles/'"
    if kind == "string_pattern_mismatch" and field == "article_type":
        return f"'article_type' {value!r} must be lowercase letters and hyphens, such as 'research-article'"
    if kind == "value_error":  # the validators' own messages name what they check
        whose = in_words(loc) if loc and isinstance(loc[-1], int) else context
        return (f"{whose}: " if whose else "") + err["msg"].removeprefix("Value error, ")
    if err["msg"].startswith("Input should be "):
        return f"{prefix}{subject} must be {err['msg'].removeprefix('Input should be ')}"
    return f"{prefix}{subject}: {err['msg']}"


def validation_error(path: Path, part: SplitSource, root: yaml.Node | None, err: dict[str, Any]) -> ArticleError:
    # pydantic puts the validator kind (function-before[...], str) into some locations.
    loc = tuple(p for i, p in enumerate(err["loc"])
                if not (isinstance(p, str) and (_VALIDATOR_STEP.match(p) or (i and p in ("str", "int")))))
    node, key_node = find_node(root, loc)
    line = col = None
    if node is not None:
        mark = (key_node or node).start_mark
        line, col = part.front_matter_line + mark.line, mark.column + 1
    if err["type"] == "missing" and len(loc) == 1:
        line, col = part.front_matter_line - 1, None
    return ArticleError(path, _message(loc, err), line, col)


def find_node(node: yaml.Node | None, loc: tuple[Any, ...]) -> tuple[yaml.Node | None, yaml.Node | None]:
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
