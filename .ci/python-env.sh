#!/usr/bin/env bash
# A project-local Python environment with pinned PyPI packages: by default .venv with the peers
# the tests use (test/python/requirements.txt); `python-env.sh REQUIREMENTS VENV` builds another
# (nbgrader's, for the interop test). Rebuilt only when the requirements change. Prints the path of
# the environment's python on success.
set -euo pipefail
cd "$(dirname "$0")/.."
req=${1:-test/python/requirements.txt}
venv=${2:-.venv}
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  py=$(command -v python3.11 || command -v python3)
  echo "creating $venv with the pinned test peers ($req)" >&2
  "$py" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$req" >&2
  echo "$want" > "$stamp"
fi
echo "$PWD/$venv/bin/python"
