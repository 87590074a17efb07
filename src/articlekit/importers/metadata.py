"""Metadata values as other tools write them, made canonical: dates, people, lists of words."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..read.frontmatter import looks_like_degrees, split_people
from . import canonical
from .plaintext import parse_date
from .report import ImportReport

_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:$|[T ]\d|\s*$)")


def date_of(value: Any) -> str | None:
    """``YYYY-MM-DD`` for a date as tools write it: ISO with or without a time, ``2018/05/21``,
    "Mon, 21 May 2018", "May 21, 2018"; None when it is none of these."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = _ISO.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    date = parse_date(text)
    return date.isoformat() if date else None


def people_of(value: Any, report: ImportReport, role: str, line: int | None) -> list[Any]:
    """People as a list of names or mappings, or one string ("A, MA & B"): canonical list entries."""
    if isinstance(value, str):
        try:
            people = split_people(value) if re.search(r"&|;|\band\b", value) else [_one(value)]
        except ValueError as e:
            report.error(f"{role}: {e}", line)
            return []
        if len(people) > 1:
            report.guess("people-split", f"{role}: split {value!r} into {len(people)} people", line)
        return [canonical.person(p["name"], p.get("degrees")) for p in people]
    if isinstance(value, list | tuple):
        return [p for v in value for p in people_of(v, report, role, line)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, dict):  # Quarto: name: {given, family} or {literal}
            name = name.get("literal") or " ".join(str(name[k]) for k in ("given", "family") if name.get(k))
        if not name:
            report.error(f"{role}: an entry without a name: {value!r}", line)
            return []
        extra: dict[str, Any] = {k: value[k] for k in ("given", "family", "orcid", "email", "degrees", "ror")
                                 if isinstance(value.get(k), str)}
        if isinstance(value.get("roles"), list) and value["roles"]:
            extra["roles"] = list(value["roles"])
        affiliation = value.get("affiliation") or value.get("affiliations")
        if isinstance(affiliation, list) and affiliation:
            affiliation = affiliation[0]
        if isinstance(affiliation, dict):
            affiliation = affiliation.get("name")
        if isinstance(affiliation, str):
            extra["affiliation"] = affiliation
        dropped = sorted(set(value) - {"name", "given", "family", "orcid", "email", "degrees", "ror", "roles",
                                       "affiliation", "affiliations"})
        if dropped:
            report.drop(f"{role}: {', '.join(dropped)} of {name!r}", line, guessed=True)
        return [canonical.person(str(name), extra.pop("degrees", None), **extra)]
    report.error(f"{role}: cannot read {value!r} as people", line)
    return []


def _one(text: str) -> dict[str, str]:
    name, comma, degrees = (part.strip() for part in text.partition(","))
    return {"name": name, "degrees": degrees} if comma and looks_like_degrees(degrees) else {"name": text.strip()}


def words_of(value: Any) -> list[str]:
    """Keywords as a list, from a list or a comma-separated string."""
    if isinstance(value, str):
        return [w.strip() for w in value.split(",") if w.strip()]
    if isinstance(value, list | tuple):
        return [str(w).strip() for w in value if str(w).strip()]
    return []
