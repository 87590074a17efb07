"""The paragraph composer's line breaking, on paragraphs small enough to check by hand."""

from __future__ import annotations

import pytest

from articlekit.compose import INFINITY, Atom, Box, Glue, Params, Penalty, Run, break_paragraph, finish
from articlekit.compose.breaking import sparing
from articlekit.compose.material import HYPHEN, hyphenation_points, paragraph_items


def words(*widths: float, space: float = 2.0) -> list[Box | Glue | Penalty]:
    """Boxes of the given widths with spaces (stretch 1, shrink 2/3) between them."""
    items: list[Box | Glue | Penalty] = []
    for i, w in enumerate(widths):
        if i:
            items.append(Glue(space, 1.0, 2 / 3))
        items.append(Box(w, i))
    return finish(items)


def line_boxes(items: list, breaking: object) -> list[list[int]]:
    return [[it.ref for it in items[line.start:line.end] if isinstance(it, Box) and it.ref is not None]
            for line in breaking.lines]  # type: ignore[attr-defined]


def test_total_fit_finds_the_breaking_first_fit_misses() -> None:
    """A line that fits exactly (10 + 2 + 10 + 2 + 3 = 27) is taken; the rest is the last line."""
    items = words(10, 10, 3, 15, 9)
    breaking = break_paragraph(items, [27], Params(tolerance=10))
    assert line_boxes(items, breaking) == [[0, 1, 2], [3, 4]]


def test_a_known_optimum() -> None:
    """Four words of 10 in lines of 21: each line takes two words (ratio 0.5), not one (underfull)."""
    items = words(10, 10, 10, 10)
    breaking = break_paragraph(items, [23], Params(tolerance=2))
    assert line_boxes(items, breaking) == [[0, 1], [2, 3]]
    assert breaking.passes == 1
    assert breaking.lines[0].ratio == pytest.approx(1.0)


def test_the_first_line_may_be_narrower() -> None:
    items = words(*[10] * 6)
    breaking = break_paragraph(items, [12, 34], Params(tolerance=2))
    assert line_boxes(items, breaking)[0] == [0]
    assert [len(b) for b in line_boxes(items, breaking)[1:]] == [3, 2]


def _hyphenated(n: int) -> list[Box | Glue | Penalty]:
    """``n`` words each of two halves joined by a hyphenation point, in lines that only fit with a hyphen."""
    items: list[Box | Glue | Penalty] = []
    for i in range(n):
        if i:
            items.append(Glue(2, 1, 2 / 3))
        items += [Box(6, (i, 0)), Penalty(1, 50, True, (i, 1)), Box(6, (i, 1))]
    return finish(items)


def test_no_more_than_two_hyphenated_lines_in_a_row() -> None:
    items = _hyphenated(12)
    breaking = break_paragraph(items, [21], Params(tolerance=3))
    run = longest = 0
    for line in breaking.lines:
        run = run + 1 if line.hyphenated else 0
        longest = max(longest, run)
    assert any(line.hyphenated for line in breaking.lines)
    assert longest <= 2
    loose = break_paragraph(items, [21], Params(tolerance=3, max_hyphen_run=99))
    assert sum(line.hyphenated for line in loose.lines) >= sum(line.hyphenated for line in breaking.lines)


def test_no_hyphen_on_the_last_full_line() -> None:
    items = _hyphenated(5)
    for width in (15, 21, 27, 33):
        breaking = break_paragraph(items, [width], Params(tolerance=50))
        if breaking.passes < 3 and len(breaking.lines) > 1:
            assert not breaking.lines[-2].hyphenated, width


def test_a_line_may_be_kept_from_ending_in_a_hyphen() -> None:
    items = _hyphenated(8)
    free = break_paragraph(items, [21], Params(tolerance=50))
    marked = [k for k, line in enumerate(free.lines) if line.hyphenated]
    assert marked
    kept = break_paragraph(items, [21], Params(tolerance=50), no_hyphen_lines={marked[0]})
    assert not kept.lines[marked[0]].hyphenated


def test_an_infeasible_paragraph_takes_the_emergency_pass_then_overflows() -> None:
    assert break_paragraph(words(10, 10), [22], Params(tolerance=0.1)).passes == 1  # one line: only the last
    items = words(10, 10, 10)  # the first line must stretch by 3 on one space: more than a tolerance of 0.5
    assert break_paragraph(items, [25], Params(tolerance=0.5)).passes == 2
    wide = finish([Box(50, 0), Glue(2, 1, 0.5), Box(5, 1)])  # a word wider than the line
    breaking = break_paragraph(wide, [20])
    assert breaking.passes == 3 and breaking.lines


def _mixed(*spec: int | tuple[int, int]) -> list[Box | Glue | Penalty]:
    """Words of the given widths, a pair being a word with a hyphenation point (a hyphen of 1, penalty 300)."""
    items: list[Box | Glue | Penalty] = []
    for i, w in enumerate(spec):
        if i:
            items.append(Glue(2, 1, 2 / 3))
        items += [Box(w[0], (i, 0)), Penalty(1, 300, True, (i, 1)), Box(w[1], (i, 1))] if isinstance(w, tuple) \
            else [Box(w, i)]
    return finish(items)


def test_a_hyphen_weighed_more_is_traded_for_looser_lines_only_together_with_a_tolerance() -> None:
    """Sparing a hyphen takes both a heavier hyphen and room for looser lines: either alone keeps it."""
    items = _mixed(3, (3, 4), 4, 3, (3, 4), (4, 5), (4, 5), 5, 5)
    plain = break_paragraph(items, [28], Params())
    assert plain.hyphens == 1 and plain.passes == 1
    assert break_paragraph(items, [28], Params(tolerance=2.0)).hyphens == 1
    assert break_paragraph(items, [28], Params(hyphen_weight=4)).hyphens == 1
    spared = break_paragraph(items, [28], Params(tolerance=2.0, hyphen_weight=4))
    assert spared.hyphens == 0 and spared.passes == 1
    assert max(line.ratio for line in spared.lines) > max(line.ratio for line in plain.lines)


def test_a_tracked_first_pass_finds_lines_an_untracked_one_cannot() -> None:
    """Tracking (the boxes' own stretch) lets the first pass of a sparing setting fit a line spaces alone cannot."""
    items = finish([Box(10, 0, 1.5, 1.5), Glue(2, 1, 2 / 3), Box(10, 1, 1.5, 1.5), Glue(2, 1, 2 / 3),
                    Box(10, 2, 1.5, 1.5)])
    assert break_paragraph(items, [25], Params(tolerance=1.0)).passes == 2  # 3 more on one space: past 1.0
    tracked = break_paragraph(items, [25], Params(tolerance=1.0, tracked=True))
    assert tracked.passes == 1 and tracked.tracked
    assert not break_paragraph(items, [22], Params(tolerance=1.0)).tracked


def test_the_sparing_settings_weigh_a_hyphen_more_each_time() -> None:
    settings = sparing(Params())
    weights = [s.hyphen_weight for s in settings]
    assert weights == sorted(weights) and weights[0] > 1
    assert settings[-1].tolerance > Params().tolerance and settings[-1].tracked


def test_a_part_of_a_word_that_fits_a_line_is_never_a_line_of_its_own() -> None:
    """A line within a word, between two of its breaks, is set flush left only where the word is wider than a line.

    Here "10.5281/zenodo" (three parts of 4 after plain breaks) fits any line: set flush left on a line of its
    own, its middle part would leave most of the line empty.
    """
    items: list[Box | Glue | Penalty] = []
    for w in (5, 5, 4, 3):
        items += [Box(w, "w"), Glue(2, 1, 2 / 3)]
    for k in range(3):
        if k:
            items.append(Penalty(0, 30, False, ("part", k)))
        items.append(Box(4, ("part", k)))
    for w in (5, 7, 5, 5, 5, 5, 6, 5, 4, 6):
        items += [Glue(2, 1, 2 / 3), Box(w, "after")]
    items = finish(items)
    breaking = break_paragraph(items, [29])
    for line in breaking.lines:
        within = not any(isinstance(item, Glue) for item in items[line.start:line.end])
        assert not (within and isinstance(items[line.end], Penalty) and items[line.end].penalty < INFINITY)


def test_a_forced_break_is_never_skipped() -> None:
    items = finish([Box(5, 0), Penalty(0, -INFINITY), Box(5, 1)])
    assert len(break_paragraph(items, [100]).lines) == 2


def test_runs_give_spaces_hyphens_and_callouts() -> None:
    measure = lambda text, _key: 1.0 * len(text)  # noqa: E731
    run = Run("Internationalization matters\u2060\u00b9 a lot", "k", 10.0, "en", "auto", (5, 2, 3))
    items = paragraph_items([run, Atom(3.0)], measure, 100)
    glue = [it for it in items if isinstance(it, Glue)]
    assert len(glue) == 3
    hyphens = [it for it in items if isinstance(it, Penalty) and it.ref and it.ref[2] == HYPHEN]
    assert hyphens and all(it.width == 1.0 and it.flagged for it in hyphens)
    # a callout glued by a word joiner is never a place to break
    joined = [it for it in items if isinstance(it, Penalty) and it.ref and run.text[it.ref[1] - 1] == "\u2060"]
    assert not joined
    assert isinstance(items[-1], Box) and items[-1].width == 3.0


def test_hyphenation_follows_the_dictionary_and_its_limits() -> None:
    run = Run("", "k", 10.0, "en", "auto", (5, 2, 3))
    points = hyphenation_points("hyphenation", run)
    assert points and all(2 <= p <= len("hyphenation") - 3 for p in points)
    assert hyphenation_points("cat", run) == []
    assert hyphenation_points("hyphenation", Run("", "k", 10.0, "en", "manual")) == []
    assert hyphenation_points("hyphenation", Run("", "k", 10.0, None, "auto")) == []


def test_an_address_breaks_after_its_marks_and_a_long_token_anywhere() -> None:
    measure = lambda text, _key: 1.0 * len(text)  # noqa: E731
    url = "https://\u200bbibliotheque.\u200borg/\u200bpath"
    items = paragraph_items([Run(url, "k", 10.0, "en", "auto")], measure, 100)
    breaks = [it.ref[1] for it in items if isinstance(it, Penalty) and not it.last_resort]
    assert [url[i - 1] for i in breaks] == ["\u200b"] * 3
    # a run of 8 letters or more may break between them, only as a last resort, 3 or more from its ends
    letters = [it.ref[1] for it in items if isinstance(it, Penalty) and it.last_resort]
    start = url.index("bibliotheque")
    assert letters == list(range(start + 3, start + len("bibliotheque") - 2))
    # a DOI keeps its parts whole
    doi = "10.\u200b1016/\u200bj.\u200bjdocumentation.\u200b2021"
    items = paragraph_items([Run(doi, "k", 10.0, "en", "auto")], measure, 100)
    assert not [it for it in items if isinstance(it, Penalty) and it.last_resort]
    blob = "a" * 300
    items = paragraph_items([Run(blob, "k", 10.0, "en", "auto")], measure, 100)
    assert sum(isinstance(it, Penalty) for it in items) == 299
    breaking = break_paragraph(finish(items), [100])
    assert [line.end - line.start for line in breaking.lines[:-1]]
    assert all(sum(it.width for it in items[line.start:line.end] if isinstance(it, Box)) <= 100
               for line in breaking.lines)


def test_a_very_long_paragraph_is_broken_window_by_window() -> None:
    """Past WINDOW items the paragraph is broken a window at a time: every line fits, none is left loose."""
    from articlekit.compose.breaking import WINDOW

    widths = [(7 * i) % 13 + 3 for i in range(WINDOW)]  # 4,000 words: 8,000 items
    items = words(*widths)
    breaking = break_paragraph(items, [80.0], Params(tolerance=2))
    assert len(items) > WINDOW
    assert breaking.lines[0].start == 0 and breaking.lines[-1].end == len(items) - 1
    for before, after in zip(breaking.lines, breaking.lines[1:], strict=False):
        assert after.start > before.end  # consecutive, each after the last's break
    assert all(-1 <= line.ratio <= 2 for line in breaking.lines[:-1])
    boxes = [line_boxes(items, breaking)]
    assert sum(len(b) for b in boxes[0]) == len(widths)  # every word set once
