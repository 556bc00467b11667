#!/usr/bin/env bash
# Issue 8's figures: the map's JSON endpoints and the browser's drawing, on the large simulated
# world (seed 7: 5.1 M track points, 212 k legs), signed in as an analyst of the node.
#   - server: /map/data.json for four sizes of view (country, state, city, street), each panned
#     to random places, and /consignments/ID/route.geojson, one request at a time on one
#     keep-alive connection (scripts/bench/map_server.py); median and p95 of the wall time.
#   - browser: headless Chromium 1280×800 (Selenium, in a venv made here): the Map page's first
#     10,000 points (fetch, then markercluster's chunked loading), then pans and zooms until the
#     new view is drawn (scripts/bench/map_browser.py).
# The world is made once and kept in BENCH_DIR (simulate, init, ingest, analyze: tens of minutes);
# SOURCE_DB=path copies an existing store of that world instead. `rastro init` is run again on it,
# which applies new migrations (0008's map indexes) and keeps the data.
#
#   scripts/bench/map.sh   # BENCH_DIR=/tmp/rastro-bench-map ROUNDS=200 BUILD=release SOURCE_DB=
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rastro-bench-map}
ROUNDS=${ROUNDS:-200}
BUILD=${BUILD:-release}
PORT=${PORT:-18088}
USER_NAME=mapbench
PASSWORD=map-bench-password-0123
mkdir -p "$BENCH_DIR"
if [[ $BUILD == release ]]; then
  SCRATCH=${SCRATCH:-$REPO/.build-bench}
  (cd "$REPO" && swift build -c release --product rastro --scratch-path "$SCRATCH" >&2)
  RASTRO=$SCRATCH/release/rastro
else
  (cd "$REPO" && swift build --product rastro >&2)
  RASTRO=$REPO/.build/debug/rastro
fi
DB=$BENCH_DIR/world.db
URL=sqlite:$DB
if [[ ! -f $DB ]]; then
  if [[ -n ${SOURCE_DB:-} ]]; then
    echo "map.sh: copying $SOURCE_DB" >&2
    for suffix in "" -wal -audit -audit-wal; do   # the database and its audit log (PATH-audit)
      if [[ -f $SOURCE_DB$suffix ]]; then cp "$SOURCE_DB$suffix" "$DB$suffix"; fi
    done
  else
    WORLD=$BENCH_DIR/world
    [[ -f $WORLD/scenario.md ]] || "$RASTRO" simulate --seed 7 --scale large --out "$WORLD" >&2
    "$RASTRO" init --database "$URL" --organization MX-FUSION --country MX >&2
    "$RASTRO" ingest --database "$URL" "$WORLD" >&2
    "$RASTRO" analyze --database "$URL" >/dev/null
  fi
fi
ORG=$(sqlite3 "$DB" "SELECT value FROM node_settings WHERE key = 'organization'")
COUNTRY=$(sqlite3 "$DB" "SELECT value FROM node_settings WHERE key = 'country'")
echo "map.sh: migrating (the first time builds the map indexes)" >&2
/usr/bin/time -f "map.sh: init took %e s" "$RASTRO" init --database "$URL" --organization "$ORG" --country "$COUNTRY" >&2
printf '%s\n' "$PASSWORD" | "$RASTRO" user add "$USER_NAME" --database "$URL" --org "$ORG" --role analyst --name "Map bench" \
  --password-stdin >/dev/null 2>&1 || true

"$RASTRO" serve --database "$URL" --listen "127.0.0.1:$PORT" >"$BENCH_DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.3; done

RESULTS=$BENCH_DIR/map-results.txt
{
  echo "map benchmark $(date -u +%FT%TZ), $(nproc) cores, rastro $(git -C "$REPO" rev-parse --short HEAD) ($BUILD build)"
  python3 "$REPO/scripts/bench/map_server.py" --base "http://127.0.0.1:$PORT" --user "$USER_NAME" --password "$PASSWORD" --rounds "$ROUNDS"
} | tee "$RESULTS"

VENV=$BENCH_DIR/venv
[[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q -r "$REPO/scripts/bench/map_requirements.txt"
"$VENV/bin/python" "$REPO/scripts/bench/map_browser.py" --base "http://127.0.0.1:$PORT" --user "$USER_NAME" --password "$PASSWORD" \
  | tee -a "$RESULTS"
