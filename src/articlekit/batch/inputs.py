"""An article's input files sent as bytes, for workers that cannot see the client's disk.

On a Dask cluster (``--scheduler``) a worker runs on another machine, in
another working directory: it cannot open ``sources/article.md``.  So the
client reads what an article is made from and sends it with the job
(:class:`Bundle`): the source, the pictures it names, the ``articlekit.toml``
beside it with the styles folder that config names, and the ``--styles``
folder.  The worker writes them into a private temporary folder laid out as on
the client, builds from there and names the client's paths again in what it
returns (:func:`unpacked`).  It needs articlekit installed, nothing else.

Which pictures a source names is found without parsing it: every word, quoted
string, ``<…>`` or ``(…)`` group and value after a colon that names a file
inside the source's folder (by the same rule the reader applies, symbolic links
resolved) is sent.  A few files too many cost bytes, never a wrong output; a
picture named in a way no scan finds is reported by the worker as missing.

The same caps hold as for a local build: a source over ``max_bytes`` is refused
on the client with the reader's message, and a picture or config over its cap
is sent as its size only (a sparse file on the worker), so that the reader's
own size check refuses it with the usual message.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..errors import ArticlekitError
from ..read.config import CONFIG_NAME, MAX_CONFIG_BYTES, load_config
from ..read.safety import MAX_RESOURCE_BYTES, AccessDenied, Policy, resolve_resource
from ..styles import default_styles_dir

#: A styles folder sent to the workers may hold at most this many files …
MAX_STYLE_FILES = 200
#: … of at most this many bytes together.
MAX_STYLE_BYTES = 64 * 1024 * 1024

#: A file's content, or only its size when it is over its cap.
Content = bytes | int

_SOURCE_SUFFIXES = (".md", ".markdown")
#: Groups that may hold a file name with spaces; each searched on its own, as they may nest.
_GROUPS = tuple(re.compile(p, re.M) for p in (r"<([^<>\n]+)>", r"\(([^()\n]+)\)", r'"([^"\n]+)"', r"'([^'\n]+)'",
                                             r":[ \t]*([^\n#]+?)[ \t]*$"))
_WORDS = re.compile(r"""[^\s()<>\[\]{}"'`|,;=*]+""")


@dataclass(frozen=True)
class Folder:
    """A folder as the client names it (``sources``) and where it really is, and some of its files."""

    given: str
    real: str
    #: Files by path relative to the folder (posix), with their content or size.
    files: tuple[tuple[str, Content], ...] = ()


@dataclass(frozen=True)
class Bundle:
    """Everything one article is made from, as bytes."""

    #: The source's file name and content (the bytes that are parsed and hashed).
    name: str
    source: bytes
    #: The source's folder: its config, the config's styles folder, the pictures.
    folder: Folder
    #: The ``--styles`` folder, if any.
    styles: Folder | None
    #: The client's shipped styles folder, for the manifest's record of which style was used.
    default_styles: str


def _capped(path: Path, cap: int) -> Content:
    """``path``'s bytes, or its size when it is over ``cap`` (the worker refuses it with the usual message)."""
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > cap:
            return size
        data = f.read(cap + 1)
    return len(data) if len(data) > cap else data


def tree(folder: Path) -> Folder:
    """Every regular file below ``folder`` (a styles folder), within :data:`MAX_STYLE_FILES` and bytes.

    Symbolic links are not followed: a styles folder sends only what is in it.
    """
    files: list[tuple[str, Content]] = []
    total = 0
    root = folder.resolve()
    for top, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(top) / name
            if path.is_symlink() or not path.is_file():
                continue
            if len(files) >= MAX_STYLE_FILES:
                raise ArticlekitError(f"{folder}: more than {MAX_STYLE_FILES} files to send to the cluster's workers")
            content = _capped(path, MAX_RESOURCE_BYTES)
            total += len(content) if isinstance(content, bytes) else 0
            if total > MAX_STYLE_BYTES:
                raise ArticlekitError(f"{folder}: more than {MAX_STYLE_BYTES // 1048576} MB to send to the "
                                      "cluster's workers")
            files.append((path.relative_to(root).as_posix(), content))
    return Folder(str(folder), str(root), tuple(files))


def folder_files(folder: Path) -> dict[str, Content]:
    """The files of a source folder that every source in it uses: the config and the styles folder it names."""
    found: dict[str, Content] = {}
    config = folder / CONFIG_NAME
    if config.is_file():
        found[CONFIG_NAME] = _capped(config, MAX_CONFIG_BYTES)
        try:
            styles = load_config(folder).styles_dir
        except ArticlekitError:
            styles = None  # the worker reads the same config and reports it
        if styles is not None and styles.is_dir():
            base = styles.relative_to(folder.resolve())
            for rel, content in tree(styles).files:
                found[(PurePosixPath(base.as_posix()) / rel).as_posix()] = content
    return found


def references(text: str) -> set[str]:
    """Every string of ``text`` that might name a file: words, and groups that may hold spaces."""
    found = set(_WORDS.findall(text))
    for group in (g.strip() for pattern in _GROUPS for g in pattern.findall(text)):
        found.add(group)
        found.add(group.split(' "', 1)[0].split(" '", 1)[0].strip())  # a link's title after its address
    for ref in list(found):
        found.add(re.sub(r"\\(.)", r"\1", ref))  # Markdown escapes: a\_b.png
        found.add(html.unescape(ref))  # entities in raw HTML: a&amp;b.png
    return {r for r in found if r and ("." in r or "/" in r)}


def _first_name(ref: str) -> str | None:
    """The first part of the path ``ref`` names (``img`` of ``img/a%20b.png``), if it is a path."""
    try:
        parts = PurePosixPath(unquote(urlsplit(ref).path)).parts
    except ValueError:
        return None
    return parts[0] if parts else None


def pictures(source: Path, text: str, names: frozenset[str] | None = None) -> dict[str, Content]:
    """The files inside ``source``'s folder that its text may name, by path relative to the folder.

    ``names`` lists the folder (read here if not given): a string whose path does
    not start with one of them is passed over without asking the file system.
    """
    policy = Policy(source.parent)
    root = source.parent.resolve()
    if names is None:
        names = listing(source.parent)
    found: dict[str, Content] = {}
    for ref in sorted(references(text)):
        if _first_name(ref) not in names:
            continue
        try:
            target = resolve_resource(ref, policy)
        except AccessDenied:
            continue
        if not isinstance(target, Path) or target.suffix.lower() in _SOURCE_SUFFIXES:
            continue
        rel = target.relative_to(root).as_posix()
        if rel not in found:
            try:
                found[rel] = _capped(target, MAX_RESOURCE_BYTES)
            except OSError:
                continue  # gone since: the worker reports it missing, as a local build would
    return found


def listing(folder: Path) -> frozenset[str]:
    """The names in ``folder`` (none if it cannot be listed)."""
    try:
        return frozenset(os.listdir(folder))
    except OSError:
        return frozenset()


def bundle(source: Path, data: bytes, shared: dict[str, Content], styles: Folder | None,
           names: frozenset[str] | None = None) -> Bundle:
    """What the worker needs to build ``source``, whose content is ``data``.

    ``shared`` holds the files of the source's folder that do not depend on the
    source (:func:`folder_files`) and ``names`` its listing, both read once per folder.
    """
    files = dict(shared)
    files.update(pictures(source, data.decode("utf-8", "replace"), names))
    folder = Folder(str(source.parent), str(source.parent.resolve()), tuple(sorted(files.items())))
    return Bundle(source.name, data, folder, styles, str(default_styles_dir().resolve()))


def _write(root: Path, files: tuple[tuple[str, Content], ...]) -> None:
    for rel, content in files:
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
            continue  # never written outside the worker's folder, whatever was sent
        path = root.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            if isinstance(content, bytes):
                f.write(content)
            else:
                f.truncate(content)  # only its size travelled: a sparse file the size check refuses


@dataclass(frozen=True)
class Unpacked:
    """A bundle written out on the worker: where the source and styles are, and how to name them back."""

    source: Path
    styles: Path | None
    #: (worker's path, client's path) prefixes, longest first, to name the client's files in messages.
    renames: tuple[tuple[str, str], ...]

    def rename(self, text: str) -> str:
        """``text`` with the worker's paths replaced by the client's."""
        for mine, theirs in self.renames:
            text = text.replace(mine, theirs)
        return text


def _renames(mine: Path, theirs: Folder) -> list[tuple[str, str]]:
    """Name ``theirs`` as the client gave it wherever the worker's copy ``mine`` is named."""
    given = str(Path(theirs.given))
    return [(f"{mine}/", "" if given == "." else f"{given}/"), (str(mine), given)]


@contextmanager
def unpacked(bundle: Bundle) -> Iterator[Unpacked]:
    """Write ``bundle`` into a temporary folder (removed afterwards), laid out as on the client."""
    with tempfile.TemporaryDirectory(prefix="articlekit-inputs-") as tmp:
        root = Path(tmp).resolve()
        src = root / "sources" / (Path(bundle.folder.real).name or "sources")
        src.mkdir(parents=True)
        _write(src, bundle.folder.files)
        (src / bundle.name).write_bytes(bundle.source)
        renames = _renames(src, bundle.folder)
        styles = None
        if bundle.styles is not None:
            styles = root / "styles"
            styles.mkdir()
            _write(styles, bundle.styles.files)
            renames += _renames(styles, bundle.styles)
        renames.append((str(default_styles_dir().resolve()), bundle.default_styles))
        yield Unpacked(src / bundle.name, styles, tuple(renames))


__all__ = ["Bundle", "Folder", "Unpacked", "bundle", "folder_files", "listing", "pictures", "references", "tree",
           "unpacked"]
