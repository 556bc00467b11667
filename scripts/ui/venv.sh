#!/usr/bin/env bash
# Creates (or reuses) the Python venv of the workbench's browser tests (Selenium and pytest) at
# .venv-ui/ in the repository, installs scripts/ui/requirements.txt into it when they changed, and
# prints the venv's path. Use it as: venv=$(scripts/ui/venv.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/.venv-ui"
requirements="$root/scripts/ui/requirements.txt"
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" >&2
fi
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  echo "$want" > "$stamp"
fi
echo "$venv"
