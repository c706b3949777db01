# Sourced by scripts/run and scripts/test: make .venv with the project installed.
# Installs only when pyproject.toml changed since the last install, so reruns are instant.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
extras="${1:-}"
stamp="$venv/.installed${extras:+-$extras}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "access-agent needs Python 3.11 or newer (found: $("$python" --version 2>&1))" >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
  echo "Installing access-agent${extras:+ [$extras]} into .venv ..." >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check uv
  "$venv/bin/uv" pip install -q --python "$venv/bin/python" -e "$root${extras:+[$extras]}"
  touch "$stamp"
fi
