"""Evening out loose paragraphs with few trial layouts: the same choices as one layout per trial.

:func:`articlekit.writers.pdf.justify.even_out` lays out several settings of a
paragraph at once, each in its own copy of the body, instead of one trial layout
per setting.  These tests hold it to the searches of :class:`Evener` run one
trial at a time (on made-up measurements, with paragraphs in up to six parts, so
:data:`MAX_TRIALS` is reached), to a number of layouts that does not grow with
the paragraphs, and, on ``tests/fixtures/pdf/river-ferries.md``, to the same
PDF bytes as a build that lays out one setting per paragraph per trial.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
import weasyprint

import articlekit
from articlekit.tree import iter_blocks, stringify
from articlekit.writers.pdf import justify, writer
from articlekit.writers.pdf.document import _SENTENCE_END, PART_LENGTH, sentence_splits
from articlekit.writers.pdf.justify import MAX_SPACE, MAX_TRIALS, SETTINGS, Evener, Setting, Stretch, even_out

FERRIES = Path(__file__).resolve().parent / "fixtures" / "pdf" / "river-ferries.md"
FIRST = Path(__file__).resolve().parent.parent / "sources" / "how-north-korea-controls-its-internet.md"


def made_up(seed: str, number: int, config: Setting) -> Stretch:
    """A measurement that depends only on the paragraph and its settings, as a layout's does."""
    digest = hashlib.sha256(f"{seed}/{number}/{config}".encode()).digest()
    upto = []
    widest = 1.0
    for k in range(len(config)):
        widest = max(widest, 1.6 + digest[k] / 255 * (0.9 if digest[8 + k] % 3 else 0.45))
        upto.append(widest)
    return Stretch(widest, tuple(upto))


def one_trial_at_a_time(first: Mapping[int, Stretch], parts: Mapping[int, int], seed: str) -> dict[int, Setting]:
    """The searches as one layout per trial ran them: all paragraphs in one Evener, round after round."""
    evener = Evener(first, parts, SETTINGS)
    while (trial := evener.trial()) is not None:
        evener.record({n: made_up(seed, n, config) for n, config in trial.items() if n % 11})  # 11, 22 … not set
    return evener.chosen()


def paragraphs(seed: str, count: int) -> tuple[dict[int, Stretch], dict[int, int]]:
    digest = hashlib.sha256(seed.encode()).digest() * (count // 16 + 1)
    parts = {n: 1 + digest[n] % 6 for n in range(1, count + 1)}
    first = {n: Stretch(1.5 + digest[n + 1] % 10 / 8) for n in range(1, count + 1)}
    return first, parts


@pytest.mark.parametrize("waves", [justify.WAVES, (1,), (SETTINGS + 1,), (2, 7)])
@pytest.mark.parametrize("seed", ["delta", "ferry", "bridge", "landing"])
def test_the_searches_choose_what_one_trial_at_a_time_chose(seed: str, waves: tuple[int, ...],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(justify, "WAVES", waves)
    first, parts = paragraphs(seed, 60)
    layouts: list[Mapping[int, Sequence[Setting]]] = []

    def lay_out(wanted: Mapping[int, Sequence[Setting]]) -> dict[tuple[int, int], Stretch]:
        layouts.append(wanted)
        return {(copy, n): made_up(seed, n, config) for n, configs in wanted.items() if n % 11
                for copy, config in enumerate(configs)}

    chosen = even_out(first, parts, SETTINGS, lay_out)
    assert chosen == one_trial_at_a_time(first, parts, seed)
    assert any(len(setting) > 1 and any(setting) for setting in chosen.values())  # parts were settled too
    # Once a trial sets every setting a part may still need, each trial settles a part of every search.
    assert len(layouts) <= (len(waves) - 1 + max(parts.values()) if waves[-1] > SETTINGS else MAX_TRIALS)
    for wanted in layouts:  # never a setting twice, never more than a part has
        assert all(len(set(configs)) == len(configs) <= SETTINGS + 1 for configs in wanted.values())


def test_the_trial_layouts_do_not_grow_with_the_paragraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(justify, "WAVES", (2, SETTINGS + 1))
    counts = []
    for count in (10, 100, 1000):
        first, parts = paragraphs("many", count)
        calls = 0

        def lay_out(wanted: Mapping[int, Sequence[Setting]]) -> dict[tuple[int, int], Stretch]:
            nonlocal calls
            calls += 1
            return {(copy, n): made_up("many", n, config) for n, configs in wanted.items()
                    for copy, config in enumerate(configs)}

        even_out(first, parts, SETTINGS, lay_out)
        counts.append(calls)
    assert max(counts) <= 1 + 6, counts


def test_a_search_stops_at_the_trial_limit() -> None:
    """A paragraph in many parts that nothing evens out is tried MAX_TRIALS times, no more."""
    tried: list[Setting] = []

    def lay_out(wanted: Mapping[int, Sequence[Setting]]) -> dict[tuple[int, int], Stretch]:
        return {(copy, n): Stretch(MAX_SPACE + 0.5, (MAX_SPACE + 0.5,) * 9) for n, configs in wanted.items()
                for copy, _ in enumerate(configs)}

    original = Evener.record

    def record(self: Evener, measured: Mapping[int, Stretch]) -> None:
        tried.extend(self.current.values())
        original(self, measured)

    try:
        Evener.record = record  # type: ignore[method-assign]
        assert even_out({4: Stretch(3.0)}, {4: 9}, SETTINGS, lay_out) == {}
    finally:
        Evener.record = original  # type: ignore[method-assign]
    assert len(tried) == MAX_TRIALS


def _build(monkeypatch: pytest.MonkeyPatch, waves: tuple[int, ...]) -> tuple[bytes, dict[int, Setting], int]:
    """The fixture's PDF, the settings chosen and the number of layouts, with ``waves``."""
    monkeypatch.setattr(justify, "WAVES", waves)
    chosen: dict[int, Setting] = {}
    layouts = 0
    render = weasyprint.HTML.render

    def counted(self: weasyprint.HTML, *args: object, **kwargs: object) -> weasyprint.Document:
        nonlocal layouts
        layouts += 1
        return render(self, *args, **kwargs)

    def spy(*args: object) -> dict[int, Setting]:
        chosen.update(even_out(*args))  # type: ignore[arg-type]
        return chosen

    with monkeypatch.context() as m:
        m.setattr(weasyprint.HTML, "render", counted)
        m.setattr(writer, "even_out", spy)
        data = articlekit.to_pdf(articlekit.load(FERRIES))
    return data, chosen, layouts


def test_the_fixture_is_set_as_with_one_setting_per_trial(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every setting at once, each in its own copy of the body, measures as one setting per trial does."""
    at_once, chosen, layouts = _build(monkeypatch, (SETTINGS + 1,))
    alone, chosen_alone, layouts_alone = _build(monkeypatch, (1,))
    assert chosen, "the fixture must have loose paragraphs to even out"
    assert chosen == chosen_alone
    assert at_once == alone
    # The first layout, a trial per part of the longest loose paragraph, the final one (and one more if a
    # note's references share a page).
    assert layouts <= 2 + 3 + 1
    assert layouts < layouts_alone


def splits_by_definition(inlines: list[dict[str, object]]) -> list[int]:
    """Where :func:`sentence_splits` cuts, measuring every node with :func:`stringify` as it is defined."""
    splits: list[int] = []
    total = len(stringify(inlines))
    done = since = 0
    for i, node in enumerate(inlines):
        size = len(stringify([node]))
        before = inlines[i - 1] if i else {}
        if node.get("t") == "Space" and before.get("t") == "Str" and _SENTENCE_END.search(str(before["c"])) \
                and since >= PART_LENGTH and total - done >= PART_LENGTH / 2:
            splits.append(i)
            since = 0
        done += size
        since += size
    return splits


@pytest.mark.parametrize("source", [FERRIES, FIRST], ids=["river-ferries", "first-article"])
def test_long_paragraphs_are_cut_where_the_text_says(source: Path) -> None:
    """The parts a paragraph is evened in are cut where its text says, whatever its notes and spaces."""
    cut = 0
    for block in iter_blocks(articlekit.load(source).body):
        if block["t"] == "Para":
            assert sentence_splits(block["c"]) == splits_by_definition(block["c"])
            cut += bool(sentence_splits(block["c"]))
    assert cut >= 1
