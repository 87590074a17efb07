"""Clean builds print nothing but the result: no library's log line, true counts in the summary.

A library's log record (WeasyPrint's ``WARNING:weasyprint:Ignored …``) never reaches the
terminal; articlekit's own warnings and errors do, located.  A skipped article reports the
warnings its last build had, and a warning about the JATS is given only when JATS is written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import articlekit
from articlekit.batch import BatchReport, BatchResult, build_many
from conftest import FIXTURES, run_cli
from seed import ROOT, SAMPLE

#: Folders of sources among the fixtures (import/ and seed/ hold inputs of `articlekit import`).
SOURCE_FOLDERS = sorted(
    p for p in {q.parent for q in FIXTURES.rglob("*.md")}
    if p.relative_to(FIXTURES).parts[0] not in ("import", "seed")
)
#: A line articlekit itself prints on stderr: a warning, or a problem located in a source.
OWN_LINE = re.compile(r"^(warning: )?(tests/fixtures/|sources/|editions/)\S*: \S")
NO_PERMISSIONS = "the JATS has no <permissions>"


def _foreign_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not OWN_LINE.match(line)]


def _batches(folders: list[Path]) -> list[list[Path]]:
    """The folders in as few builds as can share an output folder: no two sources of one build share a name."""
    batches: list[tuple[list[Path], set[str]]] = []
    for folder in folders:
        stems = {p.stem for p in folder.glob("*.md")}
        for members, taken in batches:
            if not stems & taken:
                members.append(folder)
                taken |= stems
                break
        else:
            batches.append(([folder], stems))
    return [members for members, _ in batches]


@pytest.mark.slow
def test_building_every_fixture_prints_only_articlekits_own_lines_on_stderr(tmp_path: Path) -> None:
    foreign: dict[str, list[str]] = {}
    for i, folders in enumerate(_batches([*SOURCE_FOLDERS, ROOT / "sources"])):
        names = [folder.relative_to(ROOT).as_posix() for folder in folders]
        proc = run_cli("build", *names, "-o", tmp_path / f"out-{i}", "-j", "2", "-q")
        assert proc.returncode in (0, 2), (names, proc.stderr[-2000:])
        foreign[" ".join(names)] = _foreign_lines(proc.stderr)
    assert len(list((tmp_path / "out-0").glob("*.pdf"))) >= 40  # the PDFs, where the library logs came from
    proc = run_cli("edition", "editions/2018-q2.yaml", "-t", "pdf,epub", "-o", tmp_path / "edition", "-q")
    assert proc.returncode == 0, proc.stderr[-2000:]
    foreign["edition"] = _foreign_lines(proc.stderr)
    assert {k: v for k, v in foreign.items() if v} == {}


def test_a_formula_article_builds_without_a_library_warning(tmp_path: Path) -> None:
    # Drawing a formula made the font library log through the root logger, after which Python
    # printed WeasyPrint's notes on CSS it ignores ("WARNING:weasyprint:Ignored `word-break: keep-all`").
    folder = "tests/fixtures/math"
    proc = run_cli("build", folder, "-t", "pdf", "-o", tmp_path / "out", "-j", "1", "-q")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    # ... which is where the libraries' records are, when asked for.
    debug = run_cli("build", folder, "-t", "pdf", "-o", tmp_path / "debug", "-j", "1", "-q",
                    env={"ARTICLEKIT_DEBUG": "1"})
    assert debug.returncode == 0
    assert re.search(r"^debug: weasyprint: Ignored `word-break: keep-all`", debug.stderr, re.M), debug.stderr[-500:]


def test_the_summary_counts_in_words_a_reader_expects() -> None:
    report = BatchReport(results=[BatchResult(Path("a.md"), warnings=["a.md:1: x"]),
                                  BatchResult(Path("b.md"), skipped=True)], wall_seconds=2.0, jobs=1)
    assert report.summary() == "1 built, 0 failed, 1 skipped (up to date), 1 warning, 2.0 s on 1 worker, " \
                               "1,800 articles/hour"
    skipped = BatchReport(results=[BatchResult(Path("b.md"), skipped=True)], wall_seconds=0.3)
    assert skipped.summary() == "0 built, 0 failed, 1 skipped (up to date), 0 warnings, 0.3 s"


def test_the_workers_counted_are_those_that_ran(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.md").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    report = build_many([src], ["html"], tmp_path / "out", jobs=2)
    assert report.jobs == 2 and report.summary().count(" on 2 workers, ") == 1
    again = build_many([src], ["html"], tmp_path / "out", jobs=2)
    assert again.jobs == 0 and "worker" not in again.summary() and "articles/hour" not in again.summary()
    (src / "a0.md").write_text(SAMPLE.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    assert build_many([src], ["html"], tmp_path / "out", jobs=2).jobs == 1


def test_a_skipped_article_reports_its_warnings_again(tmp_path: Path) -> None:
    first = build_many([SAMPLE], ["html", "jats"], tmp_path / "out", jobs=1)
    [built] = first.results
    assert any(w.code == "no-permissions" for w in built.warnings), built.warnings
    again = build_many([SAMPLE], ["html", "jats"], tmp_path / "out", jobs=1)
    [skipped] = again.results
    assert skipped.skipped and skipped.warnings == built.warnings
    assert again.warning_count == first.warning_count == 1
    # The JATS's own warning only where JATS is written, skipped or not.
    assert build_many([SAMPLE], ["html"], tmp_path / "out", jobs=1).results[0].warnings == []


def test_the_jats_warning_only_when_jats_is_written(tmp_path: Path) -> None:
    proc = run_cli("build", SAMPLE, "-t", "pdf,epub", "-o", tmp_path / "a")
    assert proc.returncode == 0 and NO_PERMISSIONS not in proc.stderr, proc.stderr
    proc = run_cli("build", SAMPLE, "-t", "jats", "-o", tmp_path / "b")
    assert proc.returncode == 0 and NO_PERMISSIONS in proc.stderr


def test_edition_warnings_name_the_sources_as_the_path_was_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    edition = articlekit.load_edition("editions/2018-q2.yaml")
    assert edition.warnings
    assert all(str(w).startswith(f"sources/{SAMPLE.name}:") for w in edition.warnings), edition.warnings
    monkeypatch.chdir(ROOT / "editions")
    assert all(str(w).startswith(f"../sources/{SAMPLE.name}:")
               for w in articlekit.load_edition("2018-q2.yaml").warnings)
