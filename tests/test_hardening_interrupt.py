"""Nothing lost: atomic writes, interrupted builds, and the lock on the output folder."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from articlekit import output
from articlekit.cli import main
from articlekit.manifest import MANIFEST_NAME, OutputFolder
from conftest import FIXTURES
from seed import ROOT

KITCHEN = FIXTURES / "articles" / "kitchen-sink.md"


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(output.TEMP_PREFIX) and p.suffix == ".tmp"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "a.html"
    target.write_bytes(b"old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.atomic_write(target, b"new" * 100_000)
    assert target.read_bytes() == b"old"
    assert _temps(tmp_path) == []


def test_signals_wait_until_the_file_is_in_place(tmp_path):
    """SIGTERM and SIGINT that arrive inside a critical section are delivered after it."""
    received: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    try:
        with output.critical():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            assert received == []
        assert received == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)

    target = tmp_path / "b.html"
    with pytest.raises(KeyboardInterrupt), output.critical():  # the default SIGINT handler, after the write
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        output.atomic_write(target, b"complete")
    assert target.read_bytes() == b"complete"
    assert _temps(tmp_path) == []


def test_stale_temporary_files_of_dead_builds_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"{output.TEMP_PREFIX}{dead.stdout.strip()}-abc.tmp"
    live = tmp_path / f"{output.TEMP_PREFIX}{os.getpid()}-def.tmp"
    theirs = tmp_path / ".articlekit-notes.tmp"  # not of our naming: not ours to delete
    for p in (stale, live, theirs):
        p.write_bytes(b"partial")
    with OutputFolder(tmp_path):
        pass
    assert not stale.exists() and live.exists() and theirs.exists()


def test_a_second_build_into_the_same_folder_is_refused_while_one_runs(tmp_path, capsys):
    out = tmp_path / "out"
    with OutputFolder(out):
        code = main(["build", str(KITCHEN), "-t", "html", "-o", str(out)])
    assert code == 2
    assert capsys.readouterr().err.strip() == f"{out}: another articlekit build is writing to this folder"
    assert main(["build", str(KITCHEN), "-t", "html", "-o", str(out), "-q"]) == 0


@pytest.fixture()
def batch(tmp_path: Path) -> Path:
    """Sixteen articles, enough for a build to be stopped half-way."""
    folder = tmp_path / "sources"
    folder.mkdir()
    text = KITCHEN.read_text(encoding="utf-8")
    (folder / "figure.png").write_bytes((KITCHEN.parent / "figure.png").read_bytes())
    for i in range(16):
        (folder / f"article-{i:02d}.md").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_batch_leaves_no_partial_file_and_the_next_run_completes(batch, tmp_path, signum, code):
    out = tmp_path / "out"
    args = [sys.executable, "-m", "articlekit", "build", str(batch), "-t", "html,jats", "-o", str(out)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not (out.is_dir() and any(p.suffix == ".html" for p in out.iterdir())):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the build wrote nothing"
        time.sleep(0.02)
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    assert stderr.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in stderr
    assert _temps(out) == []
    written = {p.name: p.read_bytes() for p in out.iterdir() if p.name != MANIFEST_NAME}
    assert 0 < len(written) < 33, "the build was not stopped half-way"
    # Each file reported is there; the last article's files may be complete but not yet reported.
    reported = [Path(p).name for line in stdout.splitlines() for p in line.split(": wrote ", 1)[1].split(", ")]
    assert all(name in written for name in reported)

    again = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert _temps(out) == []
    final = {p.name: p.read_bytes() for p in out.iterdir() if p.name != MANIFEST_NAME}
    assert len(final) == 33  # 16 articles × HTML and JATS, and the figure they share
    for name, data in written.items():  # what the interrupted run left was complete
        assert final[name] == data, name


def _children(pid: int) -> set[int]:
    """The processes ``pid`` forked (from any of its threads), read from /proc."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG is Linux's")
def test_a_build_killed_by_sigkill_leaves_no_worker_and_no_lock(batch, tmp_path):
    out = tmp_path / "out"
    args = [sys.executable, "-m", "articlekit", "build", str(batch), "-t", "html,jats", "-o", str(out), "-j", "2"]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        while len(workers) < 2 or not (out.is_dir() and any(p.suffix == ".html" for p in out.iterdir())):
            assert proc.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "the build started no workers"
            workers |= _children(proc.pid)
            time.sleep(0.02)
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 5
        while any(_running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if _running(w)], "a worker outlived the killed build"
        again = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert again.returncode == 0, again.stderr
        assert "another articlekit build" not in again.stderr
        assert _temps(out) == []
    finally:
        for w in workers:
            if _running(w):
                os.kill(w, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_forked_process_does_not_keep_the_folder_locked(tmp_path):
    """A worker forked while the folder is locked holds no copy of the lock."""
    out = tmp_path / "out"
    out.mkdir()  # kept when the first build lets go of it, so both builds lock the same folder
    read, write = os.pipe()
    started, ready = os.pipe()
    with OutputFolder(out):
        pid = os.fork()
        if pid == 0:  # the child says it runs, waits until the parent has let go of the folder, then ends
            os.close(write)
            os.write(ready, b"1")
            os.read(read, 1)
            os._exit(0)
        os.read(started, 1)
    os.close(read)
    os.close(started)
    os.close(ready)
    try:
        with OutputFolder(out):  # the child still runs, and the folder can be taken
            pass
    finally:
        os.close(write)
        os.waitpid(pid, 0)


def test_stale_temporary_files_in_subfolders_are_removed(tmp_path):
    """A build killed while copying a picture into ``img/`` leaves a temporary file there; the next build removes it."""
    src = tmp_path / "src"
    (src / "img").mkdir(parents=True)
    text = KITCHEN.read_text(encoding="utf-8").replace("figure.png", "img/figure.png")
    (src / "article.md").write_text(text, encoding="utf-8")
    (src / "img" / "figure.png").write_bytes((KITCHEN.parent / "figure.png").read_bytes())
    out = tmp_path / "out"
    assert main(["build", str(src), "-t", "html", "-o", str(out), "-q"]) == 0
    assert (out / "img" / "figure.png").is_file()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = out / "img" / f"{output.TEMP_PREFIX}{dead.stdout.strip()}-abc.tmp"
    stale.write_bytes(b"partial")
    live = out / "img" / f"{output.TEMP_PREFIX}{os.getpid()}-def.tmp"
    live.write_bytes(b"being written")
    assert main(["build", str(src), "-t", "html", "-o", str(out), "-q"]) == 0
    assert not stale.exists() and live.exists()


def test_a_manifest_naming_folders_outside_does_not_lead_the_clean_up_out(tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside"
    (out / "img").mkdir(parents=True)
    outside.mkdir()
    (out / "linked").symlink_to(outside)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    name = f"{output.TEMP_PREFIX}{dead.stdout.strip()}-abc.tmp"
    for folder in (out / "img", outside):
        (folder / name).write_bytes(b"partial")
    files = {n: {"sha256": "0" * 64} for n in ("img/a.png", "../outside/a.png", "linked/a.png", str(outside / "a.png"))}
    (out / MANIFEST_NAME).write_text(json.dumps({"format": "articlekit-manifest", "version": 1, "files": files}))
    with OutputFolder(out):
        pass
    assert not (out / "img" / name).exists()
    assert (outside / name).exists()
