# Shared by scripts/build-sample and scripts/test: a project virtualenv with articlekit installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ARTICLEKIT_VENV:-$ROOT/.venv}"

find_python() {
  for py in python3.11 python3.12 python3.13 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$py"; return 0
    fi
  done
  echo "articlekit needs Python 3.11 or newer" >&2; return 1
}

ensure_venv() {  # ensure_venv EXTRAS  — create the venv (once) and install articlekit with EXTRAS
  if [ ! -x "$VENV/bin/python" ]; then
    "$(find_python)" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
  fi
  # An editable install follows the source by itself: install again only when the project's
  # requirements (pyproject.toml) or the extras change, so a second run needs no network.
  local stamp="$VENV/.articlekit-installed"
  local want
  want="$1 $(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
  if ! grep -qxF "$want" "$stamp" 2>/dev/null; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT$1"
    echo "$want" >> "$stamp"
  fi
}
