# Sourced by scripts/run and scripts/test: make .venv hold exactly the locked versions.
# uv.lock pins every package; `uv sync --frozen` installs from it without resolving, so
# two fresh clones get the same versions. uv itself is bootstrapped into .tools/ (pinned).
# A sync that changes nothing takes a fraction of a second, so it runs every time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
extras="${1:-}"
python="${PYTHON:-python3}"
uv_version="0.13.9"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "access-agent needs Python 3.11 or newer (found: $("$python" --version 2>&1))" >&2
  exit 1
fi
uv="$root/.tools/bin/uv"
if [ ! -x "$uv" ] || [ "$("$uv" --version | cut -d' ' -f2)" != "$uv_version" ]; then
  echo "Bootstrapping uv $uv_version into .tools ..." >&2
  "$python" -m venv "$root/.tools"
  "$root/.tools/bin/python" -m pip install -q --disable-pip-version-check "uv==$uv_version"
fi
export UV_PROJECT_ENVIRONMENT="$venv"
# --inexact: `run` after `test` keeps the dev tools rather than removing them.
"$uv" sync -q --frozen --inexact --python "$python" ${extras:+--extra "$extras"}
