"""Batch builds: parallel workers, one format failing alone, incremental skips, progress and reports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.slow
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
    assert re.fullmatch(r"2 built, 1 failed, 0 skipped \(up to date\), \d+ warnings?, [\d.]+ s on 2 workers, "
                        r"[\d,]+ articles/hour",
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


def test_a_changed_toolchain_rebuilds_an_up_to_date_article(tmp_path, monkeypatch):
    """Installing HarfBuzz's subsetter (or another pandoc) changes the bytes: the next build must not skip."""
    import weasyprint.text.ffi

    from articlekit import toolchain

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(FIXTURES / "articles" / "title-block.md", src / "article.md")
    shutil.copy(FIXTURES / "articles" / "figure.png", src / "figure.png")
    out = tmp_path / "out"
    toolchain.fingerprint.cache_clear()
    try:
        assert build_many([src], ("html", "pdf"), out, jobs=1).count("built") == 1
        assert build_many([src], ("html", "pdf"), out, jobs=1).count("skipped") == 1

        subsetter = weasyprint.text.ffi.harfbuzz_subset
        monkeypatch.setattr(weasyprint.text.ffi, "harfbuzz_subset", None if subsetter else object())
        toolchain.fingerprint.cache_clear()
        assert build_many([src], ("pdf",), out, jobs=1).count("built") == 1
        assert build_many([src], ("html",), out, jobs=1).count("skipped") == 1

        monkeypatch.setattr(toolchain, "_pandoc", lambda: "pandoc 0.0")
        toolchain.fingerprint.cache_clear()
        assert build_many([src], ("html",), out, jobs=1).count("built") == 1  # pandoc makes every format
        assert build_many([src], ("html", "pdf"), out, jobs=1).results[0].formats["pdf"].status == "built"
        assert build_many([src], ("html", "pdf"), out, jobs=1).count("skipped") == 1
    finally:
        monkeypatch.undo()
        toolchain.fingerprint.cache_clear()


def test_a_source_edited_while_it_is_parsed_is_built_again_next_time(tmp_path, monkeypatch):
    """The manifest records the bytes that were parsed, not the file as it was afterwards."""
    import articlekit.read.reader

    src = _catalogue(tmp_path / "src", copies=1)
    source = src / "article-01.md"
    out = tmp_path / "out"
    parse = articlekit.read.reader.parse_markdown

    def edited_meanwhile(text: str, timeout: float | None = None) -> dict:
        source.write_text(source.read_text(encoding="utf-8") + "\nA sentence added meanwhile.\n", encoding="utf-8")
        monkeypatch.setattr(articlekit.read.reader, "parse_markdown", parse)
        return parse(text, timeout)

    monkeypatch.setattr(articlekit.read.reader, "parse_markdown", edited_meanwhile)
    first = build_many([src], ("html",), out, jobs=1)
    assert first.count("built") == 1
    assert any("changed while it was being built" in str(w) for w in first.results[0].warnings)
    html = next(out.glob("*.html"))
    assert "added meanwhile" not in html.read_text(encoding="utf-8")

    again = build_many([src], ("html",), out, jobs=1)
    assert again.count("built") == 1, "the output of the earlier text was called up to date"
    assert "added meanwhile" in html.read_text(encoding="utf-8")
    assert build_many([src], ("html",), out, jobs=1).count("skipped") == 1


def test_a_cluster_build_sends_the_inputs_and_its_workers_read_nothing_of_the_client(tmp_path, monkeypatch):
    """As the README runs it: relative paths, workers in another folder that never open the client's files."""
    import distributed

    from articlekit.cli import main

    client_dir, elsewhere = tmp_path / "client", tmp_path / "elsewhere"
    elsewhere.mkdir()
    src = client_dir / "sources"
    (src / "img").mkdir(parents=True)
    (src / "house").mkdir()
    (client_dir / "extra").mkdir()
    kitchen = FIXTURES / "articles" / "kitchen-sink.md"
    text = kitchen.read_text(encoding="utf-8").replace("figure.png", "img/fig%20one.png")
    for i in (1, 2):
        (src / f"article-{i}.md").write_text(text.replace("title: ", f"title: Part {i}, ", 1), encoding="utf-8")
    (src / "img" / "fig one.png").write_bytes((kitchen.parent / "figure.png").read_bytes())
    (src / "articlekit.toml").write_text('publisher = "Client Press"\nstyles = "house"\n', encoding="utf-8")
    house = (ROOT / "styles" / "html.css").read_text(encoding="utf-8")
    (src / "house" / "html.css").write_text(house + "\n/* house rule sent to the workers */\n", encoding="utf-8")
    extra = (ROOT / "styles" / "epub.css").read_text(encoding="utf-8")
    (client_dir / "extra" / "epub.css").write_text(extra + "\n/* extra rule */\n", encoding="utf-8")
    args = ["build", "sources", "-t", "html,jats,epub,pdf", "--styles", "extra", "-q"]

    def watch(dask_worker: distributed.Worker, root: str = str(client_dir)) -> str:
        """Record every file or folder this worker process opens in the client's folder."""
        import os
        import sys

        opened: list[str] = []
        dask_worker.client_files_opened = opened  # type: ignore[attr-defined]

        def hook(event: str, event_args: tuple) -> None:
            if event in ("open", "os.listdir", "os.scandir") and isinstance(event_args[0], str | bytes):
                path = os.path.abspath(os.fsdecode(event_args[0]))
                if path == root or path.startswith(root + os.sep):
                    opened.append(path)

        sys.addaudithook(hook)
        return os.getcwd()

    monkeypatch.chdir(elsewhere)  # the workers start here, and are never told of the client's folder
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        assert set(client.run(watch).values()) == {str(elsewhere)}
        monkeypatch.chdir(client_dir)
        assert main([*args, "-o", "dist", "--scheduler", cluster.scheduler_address]) == 0
        opened = client.run(lambda dask_worker: list(dask_worker.client_files_opened))
        config = str(src / "articlekit.toml")
        client.run(lambda: open(config, "rb").close())  # the watch itself sees an open file
        assert all(client.run(lambda dask_worker: dask_worker.client_files_opened).values())
    assert opened and not any(opened.values()), opened

    assert main([*args, "-o", "local", "-j", "2"]) == 0
    dist, local = client_dir / "dist", client_dir / "local"
    sent, made_here = _files(dist), _files(local)
    assert len(sent) == 8 and _files(dist / "img") == _files(local / "img")
    assert sent == made_here  # the PDFs too, pictures and all: none depends on the folder it was built in
    assert "house rule sent to the workers" in (dist / next(n for n in _files(dist) if n.endswith(".html"))).read_text()
    manifest = json.loads((dist / MANIFEST_NAME).read_text(encoding="utf-8"))
    inputs = {p for e in manifest["files"].values() for p in (e.get("made_from") or {}).get("inputs", {})}
    assert str((src / "img" / "fig one.png").resolve()) in inputs
    assert str((client_dir / "extra" / "epub.css").resolve()) in inputs
    assert main([*args, "-o", "dist", "-j", "1"]) == 0  # a local build calls the cluster's outputs up to date
    assert _files(dist) == sent


def test_a_cluster_job_carries_the_pictures_its_source_names_and_nothing_from_outside(tmp_path):
    from articlekit.batch import inputs
    from articlekit.batch.worker import Job, render_job
    from articlekit.read.safety import MAX_RESOURCE_BYTES

    src = tmp_path / "src"
    (src / "img").mkdir(parents=True)
    (tmp_path / "secret.png").write_bytes(b"\x89PNG outside")
    (src / "img" / "link.png").symlink_to(tmp_path / "secret.png")
    for name in ("a_b.png", "x&y.png", "with space.png", "unused.png"):
        (src / "img" / name).write_bytes(b"\x89PNG " + name.encode())
    with (src / "img" / "huge.png").open("wb") as f:
        f.truncate(MAX_RESOURCE_BYTES + 1)
    text = ("![one](img/a\\_b.png) <img src=\"img/x&amp;y.png\"> [two]: <img/with space.png> "
            "![three](img/link.png) ![four](../secret.png) ![five](img/huge.png)\n")
    sent = dict(inputs.pictures(src / "a.md", text))
    assert set(sent) == {"img/a_b.png", "img/x&y.png", "img/with space.png", "img/huge.png"}
    assert sent["img/huge.png"] == MAX_RESOURCE_BYTES + 1  # its size only: the worker refuses it as a local build

    source = (FIXTURES / "articles" / "kitchen-sink.md").read_text(encoding="utf-8").replace(
        "figure.png", "img/huge.png")
    (src / "a.md").write_text(source, encoding="utf-8")
    local = render_job(Job(src / "a.md", ("html",)))
    bundle = inputs.bundle(src / "a.md", source.encode(), inputs.folder_files(src), None)
    remote = render_job(Job(src / "a.md", ("html",), bundle=bundle))
    assert local.problems and [p.text for p in remote.problems] == [p.text for p in local.problems]
    assert "over the 50 MB image limit" in local.problems[0].text


def test_a_job_sent_with_its_inputs_reports_the_same_lines_as_a_local_one(tmp_path, monkeypatch):
    """Every problem names the client's file, as the user named it, and not the worker's copy."""
    from concurrent.futures import ThreadPoolExecutor

    shutil.copytree(FIXTURES / "broken", tmp_path / "broken")
    monkeypatch.chdir(tmp_path)

    def lines(report) -> list[str]:
        return [str(e) for r in report.results for e in r.errors] + [w for r in report.results for w in r.warnings]

    local = lines(build_many(["broken"], ("html", "jats"), "local", jobs=1))
    with ThreadPoolExecutor(2) as executor:  # any executor given gets the inputs as bytes
        sent = lines(build_many(["broken"], ("html", "jats"), "sent", executor=executor))
    assert len(local) > 40 and all(line.startswith("broken/") for line in local)
    assert sent == local
