#!/usr/bin/env bash
# Creates (or reuses) the Python venv of the interoperability tools (the OASIS STIX validator,
# the stix2 library, the TAXII 2.1 client and the medallion server) at .venv-interop/ in the
# repository, installs scripts/interop/requirements.txt into it when they changed, and prints the
# venv's path. Use it as: export RASTRO_INTEROP_VENV=$(scripts/interop/venv.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exec "$root/scripts/lib/python-venv.sh" "$root/.venv-interop" "$root/scripts/interop/requirements.txt"
