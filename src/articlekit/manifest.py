"""The output folder: what articlekit wrote there, so it never overwrites anything else.

A build records every file it writes in ``.articlekit-manifest.json`` inside the
output folder, with the SHA-256 of its content.  Before replacing a file it
checks that the file is one it wrote and that nobody changed it since; an
unknown file, or one edited by hand, is refused with a clear message unless the
user passes ``--force``.  articlekit never deletes files in the output folder
(except its own stale temporary files), and a build that writes nothing
removes the folder it created, so a failed build leaves no empty folder.

Anything written into the folder, whether an output format or a copied image,
goes through :meth:`OutputFolder.write`::

    with OutputFolder(Path("dist")) as folder:
        folder.write(folder.path / "article.html", data, source=src)
        folder.write(folder.path / "images" / "figure.png", png, source=src)

The manifest entry is updated *before* the file is renamed into place and keeps
the previous hash too, so an interruption between the two leaves a folder the
next build still recognises.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any

from .errors import OutputError
from .output import TEMP_PREFIX, atomic_write, critical, remove_stale_temps

MANIFEST_NAME = ".articlekit-manifest.json"
_FORMAT = "articlekit-manifest"
_VERSION = 1

#: The descriptors holding an output folder's lock in this process.
_LOCKS: set[int] = set()


def _drop_inherited_locks() -> None:
    """In a forked child (a worker), close the copies of the folder locks it inherited.

    ``flock`` belongs to the open file, which a fork shares: a worker outliving a
    killed build would otherwise keep the folder locked.  Closing the child's
    copy does not release the parent's lock; only the last copy's close does.
    """
    for fd in _LOCKS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _LOCKS.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Entry:
    """What the manifest knows about one file it wrote."""

    sha256: str
    previous: str | None = None
    source: str | None = None
    #: What the file was made from (input files' SHA-256, a digest of version and options),
    #: so that an incremental build can tell whether it is up to date.
    made_from: dict[str, Any] | None = None

    def matches(self, digest: str) -> bool:
        return digest in (self.sha256, self.previous)


@dataclass
class OutputFolder:
    """An output folder opened for writing: created, locked, its manifest loaded.

    ``force`` allows overwriting files articlekit did not write (or that were
    changed since); it never allows writing outside the folder.
    """

    path: Path
    force: bool = False
    entries: dict[str, Entry] = field(default_factory=dict)
    #: Files written by this build, by name, with the source each came from.
    written: dict[str, Path | None] = field(default_factory=dict)
    _lock_fd: int | None = None
    #: Folders :meth:`open` made (the output folder and missing parents), innermost first.
    _created: list[Path] = field(default_factory=list)

    # -- opening -------------------------------------------------------------

    def open(self) -> OutputFolder:
        self._created = [p for p in (self.path, *self.path.parents) if not p.exists() and not p.is_symlink()]
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise OutputError(f"{self.path}: output path exists and is not a folder") from None
        except OSError as e:
            raise OutputError(f"{self.path}: cannot create output folder: {e.strerror or e}") from None
        if not self.path.is_dir():
            raise OutputError(f"{self.path}: output path exists and is not a folder")
        self._lock()
        try:
            self._probe()
            remove_stale_temps(self.path)
            self.entries = self._load()
            for sub in self._subfolders():
                remove_stale_temps(sub)
        except BaseException:
            self.close()
            raise
        return self

    def _lock(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError as e:
            raise OutputError(f"{self.path}: cannot open output folder: {e.strerror or e}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(f"{self.path}: another articlekit build is writing to this folder") from None
        except OSError:
            pass  # a file system without locks: carry on unlocked
        self._lock_fd = fd
        _LOCKS.add(fd)

    def _probe(self) -> None:
        """Fail early, once, when the folder cannot be written (read-only, /proc, …)."""
        try:
            fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=self.path)
        except OSError as e:
            raise OutputError(f"{self.path}: output folder cannot be written: {e.strerror or e}") from None
        os.close(fd)
        os.unlink(tmp)

    def _subfolders(self) -> list[Path]:
        """The folders below this one that hold files the manifest records (``img/``, …).

        A build killed while writing a picture leaves its temporary file there; the
        manifest, saved before any file is put in place, names the folder.  A name
        that leads out of the folder or through a symbolic link is passed over.
        """
        root = self.path.resolve()
        found: list[Path] = []
        for parent in sorted({PurePosixPath(name).parent for name in self.entries} - {PurePosixPath(".")}):
            folder = self.path / parent
            try:
                if ".." in parent.parts or parent.is_absolute() or folder.resolve() != root / parent:
                    continue
            except (OSError, RuntimeError):
                continue
            found.append(folder)
        return found

    def _load(self) -> dict[str, Entry]:
        mpath = self.path / MANIFEST_NAME
        if not mpath.exists() and not mpath.is_symlink():
            return {}
        try:
            if mpath.is_symlink() or not mpath.is_file():
                raise ValueError("not a regular file")
            data = json.loads(mpath.read_text(encoding="utf-8"))
            if not (isinstance(data, dict) and data.get("format") == _FORMAT and isinstance(data.get("files"), dict)):
                raise ValueError("not an articlekit manifest")
            entries = {}
            for name, e in data["files"].items():
                if not (isinstance(e, dict) and isinstance(e.get("sha256"), str)):
                    raise ValueError(f"bad entry for {name!r}")
                made_from = e.get("made_from")
                entries[name] = Entry(e["sha256"], e.get("previous"), e.get("source"),
                                      made_from if isinstance(made_from, dict) else None)
            return entries
        except (OSError, ValueError, UnicodeDecodeError) as e:
            if self.force:
                return {}
            raise OutputError(
                f"{mpath}: cannot read articlekit's record of this folder ({e}); "
                "remove it, or pass --force to start a new one"
            ) from None

    def close(self) -> None:
        """Release the folder; remove the folders :meth:`open` created if nothing was written into them."""
        if not self.written:
            self._remove_created()
        if self._lock_fd is not None:
            _LOCKS.discard(self._lock_fd)
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None

    def _remove_created(self) -> None:
        """A failed build leaves no empty output folder behind, and never removes anything else.

        Only folders this build created are removed, innermost first, and only
        while empty: ``rmdir`` refuses a folder that holds anything, whoever put
        it there, so a folder that existed before or gained a file stays.
        """
        if self._created and self._created[0] == self.path:
            # A manifest saved for a file whose write then failed: a record of nothing.
            with contextlib.suppress(OSError):
                (self.path / MANIFEST_NAME).unlink()
        for folder in self._created:
            try:
                folder.rmdir()
            except OSError:
                break
        self._created = []

    def __enter__(self) -> OutputFolder:
        return self.open()

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # -- writing -------------------------------------------------------------

    def name_of(self, target: Path) -> str:
        """``target``'s name inside the folder (``images/a.png``); refuses paths outside it."""
        root = self.path.resolve()
        try:
            rel = target.parent.resolve().relative_to(root) / target.name
        except ValueError:
            raise OutputError(f"{target}: outside the output folder {self.path}") from None
        name = rel.as_posix()
        if name in (MANIFEST_NAME, ".") or target.name.startswith(TEMP_PREFIX) or target.name in ("", "..", "."):
            raise OutputError(f"{target}: a name articlekit reserves for itself")
        return name

    def check(self, target: Path, source: Path | None = None) -> None:
        """Refuse (:class:`OutputError`) to write ``target`` if that could lose someone's file."""
        name = self.name_of(target)
        if name in self.written and self.written[name] != source:
            raise OutputError(
                f"{target}: {self.written[name]} and {source} would both write this file; rename one of them"
            )
        if not target.exists() and not target.is_symlink():
            return
        if target.is_dir() and not target.is_symlink():
            raise OutputError(f"{target}: a folder is in the way of this output")
        if self.force:
            return
        entry = self.entries.get(name)
        if entry is None or target.is_symlink() or not target.is_file():
            raise OutputError(
                f"{target}: exists and was not written by articlekit; move it away or pass --force to overwrite it"
            )
        if not entry.matches(sha256_file(target)):
            raise OutputError(
                f"{target}: was changed since articlekit wrote it; move it away or pass --force to overwrite it"
            )

    def write(self, target: Path, data: bytes, *, source: Path | None = None,
              made_from: dict[str, Any] | None = None) -> Path:
        """Write ``data`` to ``target`` (inside the folder) atomically and record it in the manifest."""
        [(_, error)] = self.write_many([(target, data, made_from)], source=source)
        if error is not None:
            raise error
        return target

    def write_many(self, files: list[tuple[Path, bytes, dict[str, Any] | None]], *,
                   source: Path | None = None) -> list[tuple[Path, OutputError | None]]:
        """Write several files of one article, recording them all with one save of the manifest.

        Each file is checked first; a refused one gets its :class:`OutputError` in
        the result and the others are still written.  The manifest is saved once,
        before any file is renamed into place (a batch of hundreds of articles
        would otherwise rewrite it for every file).
        """
        results: list[tuple[Path, OutputError | None]] = []
        ready: list[tuple[Path, str, bytes]] = []
        for target, data, made_from in files:
            try:
                self.check(target, source)
                name = self.name_of(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                self.name_of(target)  # a sub-folder created just now must still be inside
                old = self.entries.get(name)
                previous = None
                if old is not None and target.is_file() and not target.is_symlink():
                    digest = sha256_file(target)
                    previous = digest if old.matches(digest) else None
            except OutputError as e:
                results.append((target, e))
                continue
            except OSError as e:
                results.append((target, OutputError(f"{target}: cannot write: {e.strerror or e}")))
                continue
            entry = Entry(hashlib.sha256(data).hexdigest(), previous, self._source_name(source), made_from)
            ready.append((target, name, data))
            self.entries[name] = entry
            results.append((target, None))
        if not ready:
            return results
        errors: dict[Path, OutputError] = {}
        with critical():
            try:
                self._save()
            except OSError as e:
                raise OutputError(f"{self.path / MANIFEST_NAME}: cannot write: {e.strerror or e}") from None
            for target, name, data in ready:
                try:
                    atomic_write(target, data)
                except OSError as e:
                    errors[target] = OutputError(f"{target}: cannot write: {e.strerror or e}")
                    continue
                self.written[name] = source
        return [(t, errors.get(t, e)) for t, e in results]

    def _source_name(self, source: Path | None) -> str | None:
        if source is None:
            return None
        try:
            return os.path.relpath(source.resolve(), self.path.resolve())
        except ValueError:
            return str(source)

    def _save(self) -> None:
        files: dict[str, Any] = {
            name: {k: v for k, v in vars(e).items() if v is not None} for name, e in sorted(self.entries.items())
        }
        data = {"format": _FORMAT, "version": _VERSION, "files": files}
        atomic_write(self.path / MANIFEST_NAME, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())
