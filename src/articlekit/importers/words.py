"""Words in and words out: an import never loses running text without saying so.

An importer counts the words of the input's running text by a method of its
own, independent of the parser that reads it (for a page, a linear scan of the
markup that skips scripts, styles and the head), and each word it drops on
purpose (navigation, a script's fallback, the title block) is counted with the
report entry that names it.  :func:`check` then counts the words of the source
made; fewer than came in, less those reported, is an error: a parser or
converter that loses part of an article (an unclosed ``<embed>`` taken for a
container, nesting deeper than a limit) is caught however it happens.
"""

from __future__ import annotations

import html
import re

from .report import ImportReport

WORD = re.compile(r"\w+")
#: Elements whose content is no running text: skipped by the count of the page.
_HIDDEN = ("script", "style", "head", "title", "template")
_HIDDEN_OPEN = re.compile(r"<(script|style|head|title|template)(?=[\s/>])", re.IGNORECASE)
#: Tags that separate words (blocks, line breaks, cells); other tags join the text around them.
_SEPARATING = frozenset((
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption", "option",
    "button", "input", "textarea", "select", "video", "audio", "iframe", "object", "embed", "source", "track",
    "wbr", "body", "html",
))
_NAME = re.compile(r"</?([a-z][a-z0-9-]*)", re.IGNORECASE)
#: Words that may go missing without a report: a few per article, where markup joined or split words.
SLACK = 3
SLACK_SHARE = 0.005


def count(text: str) -> int:
    return len(WORD.findall(text))


def in_page(text: str) -> int:
    """The words of a page's running text, by a scan of the markup (linear, without a parser)."""
    lower = text.lower()
    pieces: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        i = lower.find("<", pos)
        if i < 0:
            pieces.append(text[pos:])
            break
        pieces.append(text[pos:i])
        following = lower[i + 1 : i + 2]
        if lower.startswith("<!--", i):
            close = lower.find("-->", i + 4)
            pos = end if close < 0 else close + 3
            pieces.append(" ")
            continue
        if not (following.isalpha() or following in ("/", "!", "?")):
            pieces.append("<")  # a "<" that opens no tag is text
            pos = i + 1
            continue
        hidden = _HIDDEN_OPEN.match(text, i)
        if hidden:
            close = lower.find(f"</{hidden.group(1).lower()}", hidden.end())
            stop = lower.find(">", close) if close >= 0 else -1
            pos = end if stop < 0 else stop + 1
            pieces.append(" ")
            continue
        stop = lower.find(">", i)
        if stop < 0:
            break  # an unfinished tag at the end
        name = _NAME.match(lower, i)
        pieces.append(" " if name is None or name.group(1) in _SEPARATING else "")
        pos = stop + 1
    return count(html.unescape("".join(pieces)))


def in_tree(el: object) -> int:
    """The words of an element's running text (its scripts and styles left out), as :func:`in_page` counts."""
    hidden = {d for h in el.iter(*_HIDDEN) for d in h.iter()}  # type: ignore[attr-defined]
    pieces: list[str] = []
    for node in el.iter():  # type: ignore[attr-defined]
        tag = node.tag if isinstance(node.tag, str) else ""
        if node not in hidden:
            pieces.append(" " if tag in _SEPARATING else "")
            pieces.append((node.text or "") if tag else "")
        if node is not el and node.getparent() not in hidden:
            pieces.append(" " if tag in _SEPARATING else "")
            pieces.append(node.tail or "")
    return count("".join(pieces))


def check(report: ImportReport, body: str) -> None:
    """An error when ``body`` (the source's text after its front matter) has fewer words than came in,
    less those the report says were dropped (and a little slack for words that markup joined)."""
    if report.words_in is None or report.unread:  # an input not read at all says so already
        return
    out = count(body)
    missing = report.words_in - report.words_dropped - out
    if missing > max(SLACK, SLACK_SHARE * report.words_in):
        report.error(f"{missing} words of the running text are lost without a report ({report.words_in} in, "
                     f"{report.words_dropped} dropped as reported, {out} in the source): a part of the input "
                     "could not be read; please report the file")
