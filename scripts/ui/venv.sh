#!/usr/bin/env bash
# Creates (or reuses) the Python venv of the workbench's browser tests (Selenium and pytest) at
# .venv-ui/ in the repository, installs scripts/ui/requirements.txt into it when they changed, and
# prints the venv's path. Use it as: venv=$(scripts/ui/venv.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exec "$root/scripts/lib/python-venv.sh" "$root/.venv-ui" "$root/scripts/ui/requirements.txt"
