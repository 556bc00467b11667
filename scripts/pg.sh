#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1 for tests and benchmarks.
#   scripts/pg.sh start DIR [PORT]   installs PostgreSQL from Debian's packages if missing, creates
#                                    and starts a cluster in DIR, prints its URL (postgres://…)
#   scripts/pg.sh stop DIR           stops it and removes DIR
# PostgreSQL refuses to run as root, so as root the cluster runs as the user `rastro-pg`.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?cluster directory}; port=${3:-54329}

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$found" ] && [ -x "$found/initdb" ] && { echo "$found"; return; }
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return; }
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u rastro-pg -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if ! bin=$(find_bin); then
    echo "pg.sh: installing PostgreSQL from Debian's packages" >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    else sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2; fi
    bin=$(find_bin)
  fi
  if [ "$(id -u)" = 0 ] && ! id rastro-pg >/dev/null 2>&1; then useradd --system --no-create-home rastro-pg; fi
  rm -rf "$dir"; mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown rastro-pg "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U rastro --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w \
    -o "-h 127.0.0.1 -p $port -k $dir/data -c fsync=on -c max_connections=100" start >/dev/null
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U rastro rastro
  echo "postgres://rastro@127.0.0.1:$port/rastro"
  ;;
stop)
  if bin=$(find_bin) && [ -d "$dir/data" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
