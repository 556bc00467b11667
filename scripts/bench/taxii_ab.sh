#!/usr/bin/env bash
# A/B of the TAXII server's page rate: two builds of rastro, alternating, each on its own node made
# by scripts/bench/taxii.sh (SIZES=100000, with RASTRO_BIN and BENCH_DIR per build), wrk "after"
# mode (100-object pages from random points of the 100,000-object collection), 10 s per run.
#
#   OLD_BIN=/tmp/rastro-old OLD_DIR=/tmp/rastro-bench-taxii-old NEW_BIN=.build-bench/release/rastro \
#   NEW_DIR=/tmp/rastro-bench-taxii ROUNDS=3 scripts/bench/taxii_ab.sh
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AUTH="Basic $(printf '%s:%s' bench bench-password-0123 | base64 -w0)"
run() { # BIN DIR C
  local bin=$1 dir=$2 c=$3
  "$bin" serve --database "sqlite:$dir/node.db" --listen 127.0.0.1:0 > "$dir/ab.out" 2>/dev/null &
  local pid=$!
  for _ in $(seq 1 100); do grep -q discovery "$dir/ab.out" && break; sleep 0.1; done
  local url; url=$(sed -n 's/.*discovery at \(http[^ ]*\)taxii2\//\1/p' "$dir/ab.out")
  for _ in $(seq 1 600); do curl -s "${url}healthz" | grep -q '"ready"' && break; sleep 0.1; done
  curl -s -o /dev/null -u "bench:bench-password-0123" "${url}taxii2/"
  read -r min max <<< "$(sqlite3 "$dir/node.db" "SELECT (SELECT MIN(added_us) - 1 FROM taxii_objects WHERE collection_id = 'c100000' AND is_latest = 1) || ' ' || (SELECT added_us FROM taxii_objects WHERE collection_id = 'c100000' AND is_latest = 1 ORDER BY added_us DESC LIMIT 1 OFFSET 100)")"
  TAXII_PATH=/api1/collections/c100000/objects/ TAXII_MODE=after TAXII_MIN_US=$min TAXII_MAX_US=$max TAXII_TYPE=x TAXII_AUTH=$AUTH \
    wrk -t "$(( c < 2 ? 1 : 2 ))" -c "$c" -d 10s --timeout 30s -s "$REPO/scripts/bench/taxii_wrk.lua" "$url" | grep '^WRK'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for round in $(seq 1 "${ROUNDS:-3}"); do
  for c in 1 10; do
    echo "round $round c=$c old $(run "$OLD_BIN" "$OLD_DIR" "$c")"
    echo "round $round c=$c new $(run "$NEW_BIN" "$NEW_DIR" "$c")"
  done
done
