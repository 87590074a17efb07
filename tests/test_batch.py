"""Batch builds: parallel workers, one format failing alone, incremental skips, progress and reports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import articlekit.writers.pdf
from articlekit.batch import build_many
from articlekit.batch.report import write_report
from articlekit.errors import ArticleError
from articlekit.manifest import MANIFEST_NAME
from conftest import FIXTURES
from seed import ROOT, SAMPLE

FAST = ("html", "jats", "epub")
ESCAPE = re.compile(r"\x1b\[|\r")


def _catalogue(folder: Path, copies: int = 3, broken: bool = False) -> Path:
    """A sources folder: copies of the first article under distinct slugs (and a broken one)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    for i in range(copies):
        titled = re.sub(r"^title: (.*)$", rf"title: \1, part {i + 1}", text, count=1, flags=re.M)
        (folder / f"article-{i + 1:02d}.md").write_text(titled, encoding="utf-8")
    if broken:
        shutil.copy(FIXTURES / "broken" / "undefined-note.md", folder / "broken.md")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST_NAME}


def test_a_broken_article_is_reported_and_the_others_are_built(tmp_path):
    src = _catalogue(tmp_path / "src", copies=3, broken=True)
    report = build_many([src], FAST, tmp_path / "out", jobs=2)
    by_name = {r.source.name: r for r in report.results}
    assert by_name["broken.md"].status == "failed"
    assert any("broken.md:" in str(e) for e in by_name["broken.md"].errors)
    for i in range(3):
        r = by_name[f"article-{i + 1:02d}.md"]
        assert r.status == "built", r.errors
        assert {f.status for f in r.formats.values()} == {"built"}
    assert sorted(_files(tmp_path / "out")) == sorted(
        f"article-{i + 1:02d}{ext}" for i in range(3) for ext in (".html", ".xml", ".epub"))
    assert report.count("built") == 3 and report.count("failed") == 1
    assert "3 built" in report.summary() and "1 failed" in report.summary()


def test_a_failing_pdf_leaves_the_other_three_formats(tmp_path, monkeypatch):
    def refuse(article: object, options: object) -> bytes:
        raise ArticleError(SAMPLE, "PDF: no installed font has glyphs for U+1F99C", 42)

    monkeypatch.setattr(articlekit.writers.pdf, "write", refuse)
    report = build_many([SAMPLE], ("html", "jats", "epub", "pdf"), tmp_path / "out", jobs=1)
    [result] = report.results
    assert result.status == "partial"
    assert {n: f.status for n, f in result.formats.items()} == {
        "html": "built", "jats": "built", "epub": "built", "pdf": "failed"}
    assert result.formats["pdf"].errors == [f"{SAMPLE}:42: PDF: no installed font has glyphs for U+1F99C"]
    assert sorted(_files(tmp_path / "out")) == sorted(f"{SAMPLE.stem}{e}" for e in (".html", ".xml", ".epub"))
    data = json.loads(write_report(report, tmp_path / "report.json").read_text())
    pdf = data["articles"][0]["formats"]["pdf"]
    assert pdf["status"] == "failed" and "42" in pdf["errors"][0]


def test_parallel_and_serial_builds_write_the_same_bytes(tmp_path):
    src = _catalogue(tmp_path / "src", copies=4)
    build_many([src], FAST, tmp_path / "serial", jobs=1)
    build_many([src], FAST, tmp_path / "parallel", jobs=2)
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel")


def test_a_long_batch_replaces_its_workers_and_writes_the_same_bytes(tmp_path, monkeypatch):
    """The workers are replaced after ``worker_articles`` articles each (bounding their memory); what
    is written does not change, and every round's pool is shut down."""
    import articlekit.batch

    pools: list[object] = []
    real = articlekit.batch.ProcessPoolExecutor

    def counted(*args: object, **kwargs: object) -> object:
        pools.append(real(*args, **kwargs))
        return pools[-1]

    monkeypatch.setattr(articlekit.batch, "ProcessPoolExecutor", counted)
    src = _catalogue(tmp_path / "src", copies=4)
    build_many([src], FAST, tmp_path / "serial", jobs=1)
    report = build_many([src], FAST, tmp_path / "recycled", jobs=2, worker_articles=1)
    assert report.count("built") == 4 and len(pools) == 2  # 4 articles, 2 workers, 1 article each
    assert all(p._shutdown_thread for p in pools)  # type: ignore[attr-defined]
    assert _files(tmp_path / "serial") == _files(tmp_path / "recycled")


def test_an_up_to_date_article_is_skipped_and_a_change_rebuilds_it(tmp_path):
    src = _catalogue(tmp_path / "src", copies=2)
    out = tmp_path / "out"
    first = build_many([src], FAST, out, jobs=1)
    assert first.count("built") == 2
    again = build_many([src], FAST, out, jobs=1)
    assert again.count("skipped") == 2 and again.count("built") == 0

    # An edited source rebuilds that article only.
    one = src / "article-01.md"
    one.write_text(one.read_text(encoding="utf-8") + "\nA closing line.\n", encoding="utf-8")
    third = build_many([src], FAST, out, jobs=1)
    assert {r.source.name: r.status for r in third.results} == {"article-01.md": "built", "article-02.md": "skipped"}

    # A house-style change rebuilds every article that uses that stylesheet.
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "html.css").write_text("body { color: #111; }\n", encoding="utf-8")
    from articlekit.options import WriteOptions

    fourth = build_many([src], FAST, out, jobs=1, options=WriteOptions(styles_dir=styles))
    assert fourth.count("built") == 2
    assert build_many([src], FAST, out, jobs=1, options=WriteOptions(styles_dir=styles)).count("skipped") == 2
    (styles / "html.css").write_text("body { color: #222; }\n", encoding="utf-8")
    assert build_many([src], FAST, out, jobs=1, options=WriteOptions(styles_dir=styles)).count("built") == 2

    # A deleted or hand-edited output is made again; --force rebuilds everything.
    (out / "article-02.xml").unlink()
    fifth = build_many([src], FAST, out, jobs=1, options=WriteOptions(styles_dir=styles))
    assert {r.source.name: r.status for r in fifth.results} == {"article-01.md": "skipped", "article-02.md": "built"}
    forced = build_many([src], FAST, out, jobs=1, force=True, options=WriteOptions(styles_dir=styles))
    assert forced.count("built") == 2


def test_the_report_matches_what_was_written(tmp_path):
    src = _catalogue(tmp_path / "src", copies=2, broken=True)
    out = tmp_path / "out"
    report = build_many([src], (*FAST, "pdf"), out, jobs=2)
    data = json.loads(write_report(report, tmp_path / "report.json").read_text())
    assert data["summary"]["built"] == 2 and data["summary"]["failed"] == 1
    written = {p.name for p in out.iterdir() if p.name != MANIFEST_NAME}
    reported = set()
    for article in data["articles"]:
        for fmt in article["formats"].values():
            if fmt["status"] == "built":
                path = Path(fmt["path"])
                assert path.stat().st_size == fmt["size"]
                reported.add(path.name)
        if article["source"].endswith("broken.md"):
            assert article["status"] == "failed" and article["errors"]
    assert reported == written
    pdf = next(a for a in data["articles"] if a["status"] == "built")["formats"]["pdf"]
    assert pdf["pages"] and pdf["pages"] >= 2
    # The sample states no rights: its one warning, with its code and place, as a program reads it.
    (warning,) = next(a for a in data["articles"] if a["status"] == "built")["warnings"]
    assert (warning["code"], warning["line"], warning["column"]) == ("no-permissions", 1, None)
    assert warning["message"].startswith("no license or copyright")

    page = write_report(report, tmp_path / "report.html")
    html = page.read_text()
    assert html.count("<tr>") == 1 + 3  # the header row and one per article
    thumbs = list((tmp_path / "report-thumbnails").glob("*.png"))
    assert len(thumbs) == 2
    assert thumbs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from validators import nu_check

    assert nu_check([page]) == []


def test_a_run_that_is_not_on_a_terminal_prints_plain_lines(tmp_path):
    src = _catalogue(tmp_path / "src", copies=2, broken=True)
    proc = subprocess.run(
        [sys.executable, "-m", "articlekit", "build", src, "-t", "html,jats", "-o", tmp_path / "out", "-j", "2"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 2
    assert not ESCAPE.search(proc.stdout + proc.stderr)
    lines = proc.stdout.splitlines()
    wrote = [line for line in lines if re.match(r"^\[[123]/3\] .*article-0[12]\.md: wrote .*\.html, .*\.xml$", line)]
    assert len(wrote) == 2, lines
    assert re.fullmatch(r"2 built, 1 failed, 0 skipped \(up to date\), \d+ warnings?, [\d.]+ s, [\d,]+ articles/hour",
                        lines[-1]), lines
    assert len(lines) == 3
    assert "broken.md:" in proc.stderr

    again = subprocess.run(
        [sys.executable, "-m", "articlekit", "build", src, "-t", "html,jats", "-o", tmp_path / "out", "-q"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert again.returncode == 2 and again.stdout == ""
    assert "broken.md:" in again.stderr


def test_a_dask_cluster_writes_the_same_bytes_as_the_local_pool(tmp_path):
    import distributed

    src = _catalogue(tmp_path / "src", copies=3)
    build_many([src], (*FAST, "pdf"), tmp_path / "local", jobs=2)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        report = build_many([src], (*FAST, "pdf"), tmp_path / "dask", executor=client.get_executor())
    assert report.count("built") == 3
    assert _files(tmp_path / "local") == _files(tmp_path / "dask")
