"""Where a printed line may break, and where it may not: marks the print HTML carries for the layout.

Unicode line breaking allows a break after a space, a hyphen or a dash; the
print HTML narrows and widens that: a word joiner (U+2060) glues a callout to
its word and a dash to what precedes it, and joins Hangul letters so Korean
breaks only between words; a zero-width space (U+200B) lets an address break
after its ``/ . ? & = #`` with no hyphen added; a no-break space ties a title's
last two words.  The paragraph composer (:mod:`articlekit.compose`) reads the
same marks.
"""

from __future__ import annotations

import re
from typing import Any

from ...tree import stringify

#: Languages that justify without hyphenation: lines may break between characters.
NO_HYPHENS_NEEDED = frozenset({"ko", "ja", "zh", "th", "lo", "km", "my"})

#: Dashes a line should not begin with.
DASHES = ("\u2014", "\u2013")
#: U+2060 WORD JOINER: forbids a line break, draws nothing and is not extracted as text.
WORD_JOINER = "\u2060"
#: U+200B ZERO WIDTH SPACE: allows a line break, draws nothing and is not extracted as text.
BREAK_HERE = "\u200b"
#: A hard hyphen between a letter and a digit ("mid-1990s"), where Unicode line breaking forbids a break.
_HYPHEN_BEFORE_DIGIT = re.compile(r"(?<=[^\W\d_]-)(?=\d)")
_NBSP = {"t": "Str", "c": "\u00a0"}
#: U+2010 HYPHEN. Book faces draw it and the hyphen-minus with one glyph, and a PDF maps a glyph back to
#: one character: a single U+2010 in the text would make every hyphen copy and search as U+2010.
HYPHEN = "\u2010"
#: Where an address may break: after / . ? & = # (never between the slashes of "//"), not at its end.
_ADDRESS_BREAK = re.compile(r"(?<=[/.?&=#])(?=[^/\s])")
#: A DOI written out as link text ("10.1016/j.x.2021.123").
_DOI_TEXT = re.compile(r"^10\.\d{4,9}/\S+$")
#: Where a DOI resolves.
_DOI_RESOLVERS = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")


def break_address(text: str) -> str:
    """``text`` (a URL or DOI) with a zero-width space after each / . ? & = # where a line may break.

    Unicode line breaking offers almost no break inside an address, so a long one
    runs past the measure, or, with ``overflow-wrap: anywhere``, breaks at any
    letter.  After these characters a break keeps its parts readable, and no
    hyphen is added (which a reader could take for part of the address); the
    zero-width space draws nothing and is not extracted with the text.
    """
    return _ADDRESS_BREAK.sub(BREAK_HERE, text)


def names_doi(text: str, target: str) -> bool:
    """Whether a link's text is a DOI and its target that DOI at a resolver (``https://doi.org/…``)."""
    lower = target.lower()
    return bool(_DOI_TEXT.match(text)) and any(lower.startswith(r) and target[len(r):] == text for r in _DOI_RESOLVERS)


def is_address(text: str, target: str) -> bool:
    """Whether a link's text is an address: its own target, a URL or a DOI."""
    return text in (target, target.removeprefix("mailto:")) or text.startswith(("http://", "https://")) \
        or bool(_DOI_TEXT.match(text))


#: Hangul jamo, compatibility jamo and syllables.
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
_HANGUL_PAIR = re.compile(f"(?<=[{_HANGUL}])(?=[{_HANGUL}])")


def keep_hangul_words(text: str) -> str:
    """``text`` with a word joiner between adjacent Hangul letters, so Korean breaks only between words.

    Korean is spaced between words and, like ``word-break: keep-all``, is not
    broken inside one.  WeasyPrint does not implement ``keep-all``, and line
    breaking by Unicode rules allows a break between any two syllables.
    """
    return _HANGUL_PAIR.sub(WORD_JOINER, text)


def keep_dashes_attached(inlines: list[Any]) -> list[Any]:
    """A copy of ``inlines`` in which no line can start with a dash.

    A closed dash ("Internet”—which") gets a word joiner before it; a spaced one
    ("digitally – report") gets a word joiner between the space and the dash, so
    the dash ends the line rather than opening the next one.  A hard hyphen before a digit
    ("mid-1990s") gets a zero-width space after it: Unicode line breaking keeps
    "-1990" together as a negative number, which leaves a justified line loose.
    """
    out: list[Any] = []
    skip = -1
    for i, node in enumerate(inlines):
        t = node.get("t")
        nxt = inlines[i + 1] if i + 1 < len(inlines) else None
        if t == "Space" and nxt and nxt.get("t") == "Str" and nxt["c"].startswith(DASHES):
            # The space stays a normal (justifiable) space; the word joiner after it forbids the
            # break (UAX #14, LB11).  A no-break space instead would make WeasyPrint hyphenate the
            # word before it and leave its first half alone on a line.
            out.append(node)
            out.append({"t": "Str", "c": WORD_JOINER + keep_dashes_attached([nxt])[0]["c"]})
            skip = i + 1
            continue
        if i == skip:
            continue
        if t == "Str":
            text = re.sub(rf"(?<=\S)(?=[{''.join(DASHES)}])", WORD_JOINER, node["c"])
            text = _HYPHEN_BEFORE_DIGIT.sub(BREAK_HERE, text)
            prev = out[-1] if out else None
            after_word = prev is not None and prev.get("t") not in ("Space", "SoftBreak", "LineBreak") and prev != _NBSP
            if text.startswith(DASHES) and after_word:
                text = WORD_JOINER + text
            node = {"t": "Str", "c": text}
        out.append(node)
    return out


def tie_last_words(inlines: list[Any], limit: int = 16) -> list[Any]:
    """A copy of ``inlines`` whose last two words are joined by a no-break space.

    Keeps a title or heading from ending in a single short word on a line of its
    own.  Only done when the heading has at least four words and the joined
    tail is short enough not to force an early break.
    """
    spaces = [i for i, node in enumerate(inlines) if node.get("t") in ("Space", "SoftBreak")]
    if len(spaces) < 3:
        return inlines
    last = spaces[-1]
    tail = stringify(inlines[spaces[-2] + 1:])
    if len(tail) > limit:
        return inlines
    return [*inlines[:last], {"t": "Str", "c": "\u00a0"}, *inlines[last + 1:]]


__all__ = ["BREAK_HERE", "DASHES", "HYPHEN", "NO_HYPHENS_NEEDED", "WORD_JOINER", "break_address", "is_address",
           "keep_dashes_attached", "keep_hangul_words", "names_doi", "tie_last_words"]
