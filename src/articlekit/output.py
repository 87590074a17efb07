"""Writing output files atomically: a temporary file in the same folder, then a rename.

A reader of the output folder sees either the old file or the complete new one,
never a partial file.  An interrupted write leaves no temporary file behind:
SIGINT and SIGTERM that arrive while a file is being written and renamed are
held back until the rename is done (:func:`critical`), and any other failure
removes the temporary file.  Only SIGKILL or a power cut can leave one; its name
carries the writing process's id, so the next build removes it
(:func:`remove_stale_temps`).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

#: Prefix of temporary files, so a crashed run's leftovers are recognisable.
TEMP_PREFIX = ".articlekit-"
_TEMP_NAME = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-.*\.tmp$")
#: Signals held back while a file is being put in place.
DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM for the duration of the block, then deliver them.

    Python runs signal handlers between bytecodes, so an interrupt could otherwise
    land between writing a temporary file and renaming it (or removing it).  The
    held-back signal is re-delivered to the handler that was installed before,
    once the block is done.  Outside the main thread (where handlers cannot be
    changed) the block runs unprotected.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        pending.append(signum)

    previous = {s: h for s in DEFERRED_SIGNALS if (h := signal.getsignal(s)) is not None}
    for s in previous:
        signal.signal(s, hold)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for signum in dict.fromkeys(pending):
            handler = previous[signum]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system can sync a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (same-folder temporary file, fsync, rename)."""
    with critical():
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(path.parent)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove temporary files left in ``folder`` by articlekit processes that no longer run."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP_NAME.match(entry.name)
        if m and not _alive(int(m.group(1))) and entry.is_file() and not entry.is_symlink():
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed
