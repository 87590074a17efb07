"""What besides articlekit decides an output's bytes: the versions of the libraries that make it.

The same source gave a different PDF once the system's ``libharfbuzz-subset0``
was installed (WeasyPrint subsets fonts with HarfBuzz when it finds the
subsetter, with fontTools otherwise).  The incremental build records
:func:`fingerprint` with each output and rebuilds when it changes, so an
output is never called up to date after such a change.  It names pandoc (every
format) and, for the PDF, WeasyPrint, pydyf, fontTools, HarfBuzz and whether its
subsetter is there, Pango, and the packaged fonts.
"""

from __future__ import annotations

import hashlib
import subprocess
from functools import lru_cache
from importlib import metadata

#: Python packages whose version may change any format's bytes.
_COMMON = ("pypandoc_binary", "pyyaml", "lxml", "nh3", "jinja2", "babel", "latex2mathml", "ziamath", "ziafont")
#: … and the PDF's.
_PDF = ("weasyprint", "pydyf", "fonttools", "pypdfium2", "pillow")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=1)
def _pandoc() -> str:
    from .read.pandoc import pandoc_path

    try:
        out = subprocess.run([pandoc_path(), "--version"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "-"
    return out.stdout.decode("utf-8", "replace").partition("\n")[0].strip() or "-"


def _native_pdf() -> list[str]:
    """HarfBuzz's and Pango's versions as loaded by WeasyPrint, and whether HarfBuzz's subsetter is there."""
    import cffi
    from weasyprint.text import ffi as native

    found = [f"harfbuzz-subset={native.harfbuzz_subset is not None}"]
    for lib, name in ((native.harfbuzz, "hb_version_string"), (native.pango, "pango_version_string")):
        try:
            if not hasattr(lib, name):
                native.ffi.cdef(f"const char *{name} (void);")
            found.append(f"{name}={native.ffi.string(getattr(lib, name)()).decode()}")
        except (AttributeError, cffi.CDefError, cffi.FFIError):
            found.append(f"{name}=-")
    return found


def describe(fmt: str) -> list[str]:
    """The versions that make ``fmt``'s bytes, one ``name=version`` a line."""
    names = [*_COMMON, *(_PDF if fmt == "pdf" else ())]
    if fmt == "pdf":
        names += sorted(d.metadata["Name"] for d in metadata.distributions()
                        if (d.metadata["Name"] or "").lower().startswith("fontpkg"))
    lines = [f"pandoc={_pandoc()}", *(f"{n}={_version(n)}" for n in dict.fromkeys(names))]
    if fmt == "pdf":
        lines += _native_pdf()
    return lines


@lru_cache(maxsize=8)
def fingerprint(fmt: str) -> str:
    """A digest of :func:`describe` (computed once per process and format)."""
    return hashlib.sha256("\n".join(describe(fmt)).encode()).hexdigest()[:32]


__all__ = ["describe", "fingerprint"]
