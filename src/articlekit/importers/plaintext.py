"""Plain text in the shape of an old CMS export, as the first article came.

::

    How North Korea controls its Internet                     ← line 1: the title
    Mon, 21 May 2018 || By Gehan Ghofari                      ← line 2: date || By author(s)

    When other communist countries … the People’s Republic …  ← paragraphs, blank-line separated

    How are mobile phones and Internet accessed …?            ← a heading: one line, not a sentence

    … at least 2 million[1] subscribers …                     ← note markers [1], [6][7]

    Editors: Atin Prabandari, MA(IR) & Viyasa Rahyaputra, S.IP
    Picture: Foreign Policy
    [1] The number grows over time.                           ← the notes, one a paragraph

Any part after the byline may be missing; blank-line runs, trailing spaces and
Windows line endings vary.  What the shape does not say for certain — that a
short line is a heading, where a name ends and its degrees begin — is a guess,
reported with its line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..read.frontmatter import looks_like_degrees
from . import canonical
from .report import ImportReport
from .words import count as count_words

_BYLINE = re.compile(r"^(?P<date>.+?)\s*\|\|\s*(?:By|by|BY)\s+(?P<who>.+)$")
_EDITORS = re.compile(r"^Editors?\s*:\s*(?P<who>.*)$", re.IGNORECASE)
_PICTURE = re.compile(r"^(?:Picture|Photo|Image)(?:\s+credit)?\s*:\s*(?P<credit>.*)$", re.IGNORECASE)
_NOTE = re.compile(r"^\[(?P<n>\d{1,5})\][ \t]*(?P<text>.*)$", re.DOTALL)
_MARKER = re.compile(r"\[(\d{1,5})\]")
#: Between two people: "&", "and" or ";" (a comma only when what follows is not a degree).
_BETWEEN = re.compile(r"\s*(?:&|;|\band\b)\s*")
_DATE_FORMATS = ("%a, %d %b %Y", "%A, %d %B %Y", "%a, %d %B %Y", "%A, %d %b %Y", "%d %b %Y", "%d %B %Y",
                 "%B %d, %Y", "%b %d, %Y", "%Y-%m-%d")
#: The longest one-line paragraph taken for a heading.
MAX_HEADING = 200


@dataclass
class Paragraph:
    """Lines of text between blank lines, with the line number of the first."""

    lines: list[str]
    line: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def paragraphs(text: str) -> list[Paragraph]:
    """The text's paragraphs: line endings normalised, trailing spaces and tabs removed."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    out: list[Paragraph] = []
    current: Paragraph | None = None
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip(" \t").lstrip(" \t")
        if not line:
            current = None
            continue
        if current is None:
            current = Paragraph([], number)
            out.append(current)
        current.lines.append(line)
    return out


def parse_date(text: str) -> dt.date | None:
    """A date as such exports write it ("Mon, 21 May 2018"), or None."""
    text = re.sub(r"\s+", " ", text.strip())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def people(text: str, line: int, report: ImportReport, role: str) -> list[Any]:
    """People written in one line, each split into name and degrees, each split a guess."""
    out: list[Any] = []
    for part in _BETWEEN.split(text.strip()):
        if not part:
            report.error(f"{role}: an empty name between separators in {text!r}", line)
            continue
        # "Ann Lee, MA, PhD" (degrees after a name) and "Ann Lee, MA, Bo Kim" (a comma between people):
        # a piece that reads as degrees belongs to the name before it, any other piece is a new name.
        found: list[tuple[str, list[str]]] = []
        for piece in (p.strip() for p in part.split(",")):
            if found and looks_like_degrees(piece):
                found[-1][1].append(piece)
            elif piece:
                found.append((piece, []))
        if len(found) > 1:
            report.guess("people-split", f"{role}: took the commas in {part!r} to separate people: "
                         f"{', '.join(name for name, _ in found)}", line)
        for name, degrees in found:
            if degrees:
                report.guess("degrees-split",
                             f"{role}: split {name + ', ' + ', '.join(degrees)!r} into the name {name!r} and the "
                             f"degrees {', '.join(degrees)!r}", line)
            out.append(canonical.person(name, ", ".join(degrees) or None))
    return out


def _is_heading(p: Paragraph) -> bool:
    """A one-line paragraph that does not read as body text: no closing full stop, no note marker."""
    if len(p.lines) != 1 or len(p.text) > MAX_HEADING or _MARKER.search(p.text):
        return False
    return not re.search(r"[.,;:!…\"”’)\]]$", p.text) or p.text.endswith("?")


def _tail_kind(p: Paragraph) -> str | None:
    first = p.lines[0]
    if _EDITORS.match(first):
        return "editors"
    if _PICTURE.match(first):
        return "picture"
    if _NOTE.match(first):
        return "note"
    return None


def convert(text: str, report: ImportReport, options: dict[str, Any]) -> tuple[dict[str, Any], list[str],
                                                                              list[tuple[str, str]]]:
    """Front matter, body blocks and notes (label, Markdown) from the plain text."""
    report.kind = "plaintext"
    paras = paragraphs(text)
    meta: dict[str, Any] = {}
    if not paras:
        report.error("the file holds no text", 1)
        return meta, [], []
    report.words_in = count_words(text)
    head = paras[0]
    report.words_dropped += count_words("\n".join(head.lines[:2]))  # the title and byline: the front matter's
    meta["title"] = canonical.escape_line(head.lines[0])
    report.map(f"title: line 1, {head.lines[0]!r}", head.line)
    rest_of_head = head.lines[2:]
    if len(head.lines) < 2:
        report.error("line 2 should give the date and the author: 'Mon, 21 May 2018 || By Author'", head.line + 1)
    else:
        _byline(head.lines[1], head.line + 1, meta, report)
    body_paras = ([Paragraph(rest_of_head, head.line + 2)] if rest_of_head else []) + paras[1:]

    # The tail: from the last paragraph back, every editors, picture or note paragraph.
    tail_start = len(body_paras)
    while tail_start > 0 and _tail_kind(body_paras[tail_start - 1]):
        tail_start -= 1
    body, tail = body_paras[:tail_start], body_paras[tail_start:]

    notes: dict[str, tuple[str, int]] = {}
    for p in tail:
        kind = _tail_kind(p)
        if kind in ("editors", "picture"):
            report.words_dropped += count_words(p.text)  # into the front matter
        if kind == "editors":
            m = _EDITORS.match(p.text.replace("\n", " "))
            assert m is not None
            meta["editors"] = people(m.group("who"), p.line, report, "editors")
            report.map(f"editors: {m.group('who')!r}", p.line)
        elif kind == "picture":
            m = _PICTURE.match(p.text.replace("\n", " "))
            assert m is not None
            meta["image"] = {"credit": m.group("credit").strip()}
            report.map(f"image credit: {m.group('credit').strip()!r}", p.line)
        else:
            m = _NOTE.match(p.text)
            assert m is not None
            label = str(int(m.group("n")))
            if label in notes:
                report.error(f"note [{label}] is given twice (first on line {notes[label][1]})", p.line)
                continue
            if not m.group("text").strip():
                report.error(f"note [{label}] is empty", p.line)
            notes[label] = (m.group("text"), p.line)

    blocks: list[str] = []
    referenced: dict[str, int] = {}
    for p in body:
        if _is_heading(p):
            report.guess("guessed-heading",
                         f"took {p.text!r} for a section heading (one line that does not end as a sentence)",
                         p.line)
            blocks.append("## " + canonical.escape_heading(p.text))
            continue
        blocks.append(_with_markers(p, notes, referenced, report))
    for label, (_, line) in notes.items():
        if label not in referenced:
            report.error(f"note [{label}] is never referenced in the text", line)
    ordered = [(label, canonical.escape_text(notes[label][0]).strip()) for label in notes]
    for label in notes:
        report.map(f"note [{label}] → [^{label}]", notes[label][1])
    lang = options.get("lang")
    if lang:
        meta["lang"] = lang
    return meta, blocks, ordered


def _byline(line_text: str, line: int, meta: dict[str, Any], report: ImportReport) -> None:
    m = _BYLINE.match(line_text)
    if not m:
        report.error(f"line 2 should give the date and the author ('Mon, 21 May 2018 || By Author'), "
                     f"not {line_text!r}", line)
        return
    date = parse_date(m.group("date"))
    if date is None:
        report.error(f"cannot read the date {m.group('date')!r}: expected a date such as 'Mon, 21 May 2018'", line)
    else:
        meta["date"] = date.isoformat()
        report.map(f"date: {m.group('date')!r} → {date.isoformat()}", line)
        weekday = re.match(r"^([A-Za-z]+),", m.group("date"))
        if weekday and not date.strftime("%A").lower().startswith(weekday.group(1).lower()[:3]):
            report.guess("weekday-mismatch",
                         f"the date says {weekday.group(1)} but {date.isoformat()} was a {date.strftime('%A')};"
                         " kept the date", line)
    meta["authors"] = people(m.group("who"), line, report, "authors")
    report.map(f"authors: {m.group('who')!r}", line)


def _with_markers(p: Paragraph, notes: dict[str, tuple[str, int]], referenced: dict[str, int],
                  report: ImportReport) -> str:
    """The paragraph escaped, with each [n] that names a note as a reference [^n]."""
    out: list[str] = []
    for offset, line in enumerate(p.lines):
        pieces: list[str] = []
        pos = 0
        for m in _MARKER.finditer(line):
            label = str(int(m.group(1)))
            pieces.append(canonical.escape_line(line[pos : m.start()], start=pos == 0))
            if label in notes:
                pieces.append(f"[^{label}]")
                referenced.setdefault(label, p.line + offset)
            else:
                report.error(f"marker [{m.group(1)}] (column {m.start() + 1}) has no note", p.line + offset)
                pieces.append(canonical.escape_line(m.group(0), start=False))
            pos = m.end()
        pieces.append(canonical.escape_line(line[pos:], start=pos == 0))
        out.append("".join(pieces))
    return "\n".join(out)
