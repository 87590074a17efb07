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
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT$1"
}
