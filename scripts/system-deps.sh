#!/usr/bin/env bash
# Installs the system packages Rastro builds against, from Debian's packages, when missing:
# libsqlite3-dev (the embedded store links the system SQLite) and sqlite3 (benchmarks); Leaflet,
# its marker clustering and d3, which the workbench serves from where Debian puts them
# (/usr/share/javascript).
set -euo pipefail
missing=()
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
[ -f /usr/share/javascript/leaflet/leaflet.js ] || missing+=(libjs-leaflet)
[ -f /usr/share/javascript/leaflet/leaflet.markercluster.js ] || missing+=(libjs-leaflet.markercluster)
[ -f /usr/share/javascript/d3/d3.min.js ] || missing+=(libjs-d3)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
else
  sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
