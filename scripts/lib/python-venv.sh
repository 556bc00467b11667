#!/usr/bin/env bash
# Creates (or reuses) a Python venv at VENV, installs REQUIREMENTS into it when they changed since
# the last install (their SHA-256 is kept in the venv), and prints the venv's path.
#   scripts/lib/python-venv.sh VENV REQUIREMENTS      (PYTHON picks the interpreter; default python3)
set -euo pipefail
venv=$1
requirements=$2
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
