"""WeasyPrint's pagination, in two steps, so that a few pages can be made again without the rest.

``weasyprint.layout.layout_document`` makes the pages (``make_all_pages``,
repeated until page-based counters settle) and then finishes them in place:
string sets and bookmark labels, fixed boxes, margin boxes, backgrounds.  Here
the two steps are apart: :func:`paginate` makes pages and can be called again
on the same box tree and context with the pages it made, remaking only those
marked changed (and those after them whose starting state then differs: the
page maker compares each page's resume point, counters and side with what
it had); :func:`finish` is the second step, run once on the final pages.

A page WeasyPrint does not remake is the very page box of the earlier pass,
so the earlier pass must not have been finished; the box tree is never
changed by layout (pages hold copies of its boxes), so what is changed in it
between the passes is all that changes.

The steps copy WeasyPrint 70's own (``layout/__init__.py``); :data:`SUPPORTED`
says whether the WeasyPrint installed is the one they were copied from,
and the press lays a changed document out anew where it is not.
"""

# The two steps below are adapted from WeasyPrint 70 (weasyprint/layout/__init__.py), under its licence:
#
# BSD 3-Clause License
#
# Copyright (c) 2011-2021, Simon Sapin and contributors.
# All rights reserved.
#
# Redistribution and use in source and binary forms, with or without
# modification, are permitted provided that the following conditions are met:
#
# * Redistributions of source code must retain the above copyright notice, this
#   list of conditions and the following disclaimer.
#
# * Redistributions in binary form must reproduce the above copyright notice,
#   this list of conditions and the following disclaimer in the documentation
#   and/or other materials provided with the distribution.
#
# * Neither the name of the copyright holder nor the names of its
#   contributors may be used to endorse or promote products derived from
#   this software without specific prior written permission.
#
# THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
# AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
# IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
# DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
# FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
# DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
# SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
# CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
# OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
# OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import weasyprint
from weasyprint.css.targets import anchor_name_from_token
from weasyprint.formatting_structure import boxes
from weasyprint.urls import get_url_tuple

try:
    from weasyprint.layout import initialize_page_maker, layout_fixed_boxes
    from weasyprint.layout.background import layout_backgrounds
    from weasyprint.layout.page import make_all_pages, make_margin_boxes
except ImportError:  # pragma: no cover - another WeasyPrint: the press lays a changed document out again
    _FOUND = False
else:
    _FOUND = True

#: Whether the installed WeasyPrint paginates as the steps here assume (they copy its version 70).
SUPPORTED = _FOUND and weasyprint.__version__.split(".")[0] == "70"


def start(context: Any, root_box: Any) -> list[Any]:
    """Make the page maker's first entry; the footnotes as built, which every pass starts from.

    The context's target collector is also given :class:`_SettledTargets`'
    way of spreading a target's page (after :func:`_name_targets`): pages
    are then made again only where a ``target-counter()`` prints something new.
    """
    initialize_page_maker(context, root_box)
    collector = context.target_collector
    _name_targets(collector)
    collector.cache_target_page_counters = _SettledTargets(collector)
    return list(context.footnotes)


def _name_targets(collector: Any) -> None:
    """Key by its anchor what a ``target-counter(attr(…), …)`` content awaits, as for a ``url(#…)`` one.

    WeasyPrint 70 files the counters such a content needs from its target
    under the anchor named by the token as written, which for ``attr()`` is no
    anchor (``None``), and in the same list as the counters it needs from its
    own page (the list is one object).  So the content is never told when its
    target's page is known; it is set again instead as a content counting
    its own page: each page holding one (a note's back-links) is made three
    times, the first two with what the last one corrects.  A content made
    only of strings and target counters, all of one anchor the collector
    knows, is filed under that anchor, with no counters of its own page;
    its text is the same, read from the same target.
    """
    for (box, kind), lookup in collector.counter_lookup_items.items():
        if kind != "content" or set(lookup.missing_target_counters) != {None}:
            continue
        content = box.style["content"]
        if not isinstance(content, tuple) or box.element is None:
            continue
        names: set[str | None] = set()
        for type_, value in content:
            if type_ == "string":
                continue
            if type_ not in ("target-counter()", "target-counters()"):
                break
            token = value[0]
            if token[0] == "attr()":
                attribute, value_type, fallback = token[1]
                text = box.element.get(attribute, fallback)
                token = ("string", text) if value_type == "string" else \
                    ("url", get_url_tuple(text, box.style.base_url))
            names.add(anchor_name_from_token(token))
        else:
            if len(names) == 1 and (name := names.pop()) in collector.target_lookup_items:
                lookup.missing_target_counters = {name: list(lookup.missing_target_counters[None])}
                lookup.missing_counters = []


class _SettledTargets:
    """``TargetCollector.cache_target_page_counters`` of WeasyPrint 70, remaking fewer pages for the same result.

    When a page holding an anchor is made, WeasyPrint gives the anchor's page
    counters to every ``content`` that names the anchor in a
    ``target-counter()`` (a note's back-link names its reference), and then:

    * a content on a page not made yet is marked pending, and the page that
      holds it is made, its content set again, and made a second time;
    * a content on a page already made has that page made again whenever the
      anchor's page counters differ in any way, ``pages`` included (which
      every page made again after the first pass does).

    Here a pending content with no page-based counters of its own (it depends
    only on the anchors it names) is set at once, so a later page holding it
    is made once, with what its second making would have printed; one that
    was on the anchor's own page, after the anchor, was already laid out
    before it was set, and :meth:`settle` has that page made again, as
    WeasyPrint would.  A content whose named counters are what it was last
    set with is left alone, as the page made again would be the same page.
    Everything else is WeasyPrint's.  The contents are indexed by the anchors
    they name once, not searched at every anchor of every page.
    """

    def __init__(self, collector: Any) -> None:
        self.collector = collector
        self.naming: dict[str, list[Any]] = {}
        for (_box, kind), lookup in collector.counter_lookup_items.items():
            if kind == "content":
                for anchor in lookup.missing_target_counters:
                    self.naming.setdefault(anchor, []).append(lookup)
        self.set_early: list[tuple[Any, int]] = []  #: contents set before their page was made, and the anchor's page

    def __call__(self, anchor_name: str, page_counter_values: dict[str, Any], page_maker_index: int,
                 page_maker: list[Any]) -> None:
        collector = self.collector
        if collector.collecting:  # only while paginating
            return
        target = collector.target_lookup_items.get(anchor_name)
        if not target or target.state != "up-to-date":
            return
        target.page_maker_index = page_maker_index
        if target.cached_page_counter_values == page_counter_values:
            return
        before = target.cached_page_counter_values
        target.cached_page_counter_values = copy.deepcopy(page_counter_values)
        for lookup in self.naming.get(anchor_name, ()):
            missing = lookup.missing_target_counters[anchor_name]
            if all(before.get(name) == page_counter_values.get(name) for name in missing):
                continue  # what it prints from this anchor is what it printed
            if lookup.page_maker_index is None or lookup.page_maker_index >= len(page_maker):
                if lookup.missing_counters or lookup.pending:
                    lookup.pending = True
                else:
                    lookup.parse_again(lookup.cached_page_counter_values)
                    self.set_early.append((lookup, page_maker_index))
                continue
            for name in missing:
                if page_counter_values.get(name) is not None:
                    page_maker[lookup.page_maker_index][-1]["content_changed"] = True
                    lookup.parse_again(lookup.cached_page_counter_values)
                    break

    def settle(self, page_maker: list[Any]) -> None:
        """After a pass: have each page made again that holds a content set after the page was laid out."""
        for lookup, anchor_page in self.set_early:
            if lookup.page_maker_index is not None and lookup.page_maker_index <= anchor_page:
                page_maker[lookup.page_maker_index][-1]["content_changed"] = True
        self.set_early.clear()


def paginate(html: Any, root_box: Any, context: Any, footnotes: list[Any], pages: list[Any] | None = None,
             max_loops: int = 8) -> list[Any]:
    """The page boxes of ``root_box``, not finished; with ``pages``, those not marked changed are kept.

    ``footnotes`` is what :func:`start` returned.  The loop is
    ``layout_document``'s: pages are made again while a page-based counter
    (a ``target-counter``, the number of pages) changed what a page holds.
    """
    pages = list(pages or ())
    total = len(pages)
    for _ in range(max_loops):
        context.footnotes = footnotes.copy()
        before = total
        pages = list(make_all_pages(context, root_box, html, pages))
        if isinstance(settled := context.target_collector.cache_target_page_counters, _SettledTargets):
            settled.settle(context.page_maker)
        total = len(pages)
        content = wanted = False
        for _, _, _, page_state, remake_state in context.page_maker:
            page_state[1]["pages"] = [total]
            if remake_state["content_changed"]:
                content = True
            if remake_state["pages_wanted"]:
                wanted = before != total
        if not content and not wanted:
            break
    return pages


def mark_changed(context: Any, numbers: Iterable[int]) -> None:
    """Have the next :func:`paginate` make these pages (numbered from 0) again."""
    for number in numbers:
        context.page_maker[number][-1]["content_changed"] = True


def finish(context: Any, pages: list[Any]) -> list[Any]:
    """``layout_document``'s second step, on the final pages: string sets, bookmarks, fixed and margin boxes."""
    watch: dict[str, list[Any]] = {"": [], "::before": [], "::after": []}
    for i, page in enumerate(pages):
        page_counter_values = context.page_maker[i + 1][3][1]
        for child in page.descendants():
            if child.bookmark_label:  # one bookmark per original box
                tag = child.element_tag
                checklist = watch["::before" if tag.endswith("::before") else "::after" if tag.endswith("::after")
                                  else ""]
                if child.element in checklist:
                    child.bookmark_label = ""
                else:
                    checklist.append(child.element)
            if child.missing_link:
                for (box, kind), item in context.target_collector.counter_lookup_items.items():
                    if child.missing_link == box and kind != "content":
                        if kind == "bookmark-label" and not child.bookmark_label:
                            continue
                        item.parse_again(page_counter_values)
                        if kind == "bookmark-label":
                            child.bookmark_label = box.bookmark_label
            string_sets = child.string_set
            if string_sets and string_sets != "none":
                for string_name, text in string_sets:
                    context.string_set[string_name][i + 1].append(text)
    for i, page in enumerate(pages):
        root, footnote_area, note_area = page.children
        root.children = [*layout_fixed_boxes(context, pages[:i], page), *root.children,
                         *layout_fixed_boxes(context, pages[i + 1:], page)]
        context.current_page = i + 1
        state = context.page_maker[context.current_page][3]
        children = [root]
        if footnote_area.children:
            children.append(footnote_area)
        if note_area.children:
            children.append(note_area)
        children.extend(make_margin_boxes(context, page, state))
        page.children = tuple(children)
        layout_backgrounds(page, context.get_image_from_uri)
    return pages


def pages_holding(pages: list[Any], elements: set[Any]) -> list[int]:
    """The pages (numbered from 0) on which a line of one of ``elements`` fell."""
    def holds(box: Any) -> bool:
        for child in getattr(box, "children", None) or ():
            if isinstance(child, boxes.LineBox):
                if child.element in elements:
                    return True
            elif holds(child):
                return True
        return False

    return [i for i, page in enumerate(pages) if holds(page)]


__all__ = ["SUPPORTED", "finish", "mark_changed", "pages_holding", "paginate", "start"]
