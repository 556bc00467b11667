#!/usr/bin/env bash
# Issue 7's figures: Rastro's TAXII 2.1 server against medallion (the OASIS reference server,
# memory backend), on the same STIX objects, driven by the same clients on loopback:
#   - a full paginated pull (rastro-taxii-bench pull: one connection, pages of 1000 with `next`);
#   - wrk, 100-object pages from random points (`added_after`), the same with `match[type]`, and
#     the first page; 1, 10 and 50 connections.
# medallion is compared at 2,000 objects (it re-sorts and re-filters the whole collection on every
# page); Rastro alone at 100,000 and 1,000,000, to show a page costs the same whatever the size.
# The objects are a simulated world's STIX export (`rastro export stix`), repeated with fresh ids
# where a collection needs more. Prints one line per run and the ratios; medians over ROUNDS.
#
#   scripts/bench/taxii.sh   # SIZES="100000 1000000" DURATION=10 ROUNDS=3 BENCH_DIR=/tmp/rastro-bench-taxii RASTRO_BIN=
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rastro-bench-taxii}
SCRATCH=${SCRATCH:-$REPO/.build-bench}
SIZES=${SIZES:-"100000 1000000"}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-"1 10 50"}
# medallion answers a 100-object page of 2,000 objects in seconds: a longer run, so that some finish.
MEDALLION_DURATION=${MEDALLION_DURATION:-60}
MEDALLION_MODES=${MEDALLION_MODES:-"after type first"}
SEED=${SEED:-11}
USER_NAME=bench
PASSWORD=bench-password-0123
mkdir -p "$BENCH_DIR"
command -v wrk >/dev/null || { echo "taxii.sh: installing wrk" >&2; apt-get install -y wrk >/dev/null; }
(cd "$REPO" && swift build -c release --product rastro --scratch-path "$SCRATCH" >&2 \
  && swift build -c release --product rastro-taxii-bench --scratch-path "$SCRATCH" >&2)
# RASTRO_BIN: another build of rastro to serve with (an A/B against an older commit; give each its
# own BENCH_DIR, since a store made by a newer rastro may not open in an older one).
RASTRO=${RASTRO_BIN:-$SCRATCH/release/rastro}
BENCH=$SCRATCH/release/rastro-taxii-bench
VENV=$("$REPO/scripts/interop/venv.sh")
AUTH="Basic $(printf '%s:%s' "$USER_NAME" "$PASSWORD" | base64 -w0)"

# The STIX objects: a medium world, exported as STIX once.
BUNDLE=$BENCH_DIR/world-$SEED.stix.json
if [[ ! -f $BUNDLE ]]; then
  rm -rf "$BENCH_DIR/world-$SEED" "$BENCH_DIR/world-$SEED.db"*
  "$RASTRO" simulate --seed "$SEED" --scale medium --out "$BENCH_DIR/world-$SEED" >/dev/null
  "$RASTRO" init --database "sqlite:$BENCH_DIR/world-$SEED.db" --organization MX-FUSION --country MX >/dev/null
  "$RASTRO" ingest --database "sqlite:$BENCH_DIR/world-$SEED.db" "$BENCH_DIR/world-$SEED" >/dev/null 2>&1
  "$RASTRO" export stix --database "sqlite:$BENCH_DIR/world-$SEED.db" --output "$BUNDLE.tmp" >/dev/null
  mv "$BUNDLE.tmp" "$BUNDLE"
fi
echo "objects: $(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['objects']))" "$BUNDLE") in $BUNDLE"

# The Rastro node: a partner user and one collection per size.
DB=$BENCH_DIR/node.db
ALL_SIZES="2000 $SIZES"
# The store is made again when the sizes or the schema change (the last migration's name): a
# migration such as 0015 would otherwise run on a store made by an older rastro, whose file keeps
# the page size it was made with.
LOADED="$ALL_SIZES $(ls "$REPO/Sources/RastroStore/Migrations" | tail -1)"
if [[ ! -f $DB.loaded || "$(cat "$DB.loaded")" != "$LOADED" ]]; then
  rm -f "$DB" "$DB"-* "$DB.key"
  "$RASTRO" init --database "sqlite:$DB" --organization MX-FUSION --country MX >/dev/null
  "$RASTRO" org add US-DEA --database "sqlite:$DB" --country US --name "DEA" >/dev/null
  printf '%s\n' "$PASSWORD" | "$RASTRO" user add "$USER_NAME" --database "sqlite:$DB" --org US-DEA --role liaison --password-stdin >/dev/null
  for size in $ALL_SIZES; do
    "$RASTRO" collection add "c$size" --database "sqlite:$DB" --for US-DEA >/dev/null
    "$BENCH" load "sqlite:$DB" "c$size" "$BUNDLE" "$size"
  done
  echo "$LOADED" > "$DB.loaded"
fi

# The server's own memory: RssAnon, not VmRSS, which also counts the pages of the SQLite file that
# its read connections map (the kernel's page cache of the file, shared).
rss_kb() { awk '/RssAnon/ {print $2}' "/proc/$1/status"; }
# page_range COLLECTION [TYPE]: where the wrk script draws `added_after` from so that every page is a
# full 100 objects (of TYPE, when given): from just before the first object to the 101st-last.
# Drawn from the whole collection instead, a type that ends early in it (the simulator writes
# each kind in turn) gave empty pages, which cost next to nothing and flattered the figure.
page_range() {
  local where="collection_id = '$1' AND is_latest = 1${2:+ AND object_type = '$2'}"
  sqlite3 "$DB" "SELECT (SELECT MIN(added_us) - 1 FROM taxii_objects WHERE $where) || ' ' ||
    COALESCE((SELECT added_us FROM taxii_objects WHERE $where ORDER BY added_us DESC LIMIT 1 OFFSET 100),
             (SELECT MIN(added_us) FROM taxii_objects WHERE $where))"
}
a_type() { sqlite3 "$DB" "SELECT object_type FROM taxii_objects WHERE collection_id = '$1' GROUP BY object_type ORDER BY COUNT(*) DESC LIMIT 1 OFFSET 1"; }

# run NAME PATH MODE MIN MAX TYPE PID: wrk at each connection count; prints and records "NAME mode c rps p99".
RESULTS=$BENCH_DIR/results.txt
: > "$RESULTS"
run_wrk() {
  local name=$1 path=$2 mode=$3 min=$4 max=$5 type=$6 pid=$7 base=$8 duration=${9:-$DURATION}
  for c in $CONNECTIONS; do
    local before after line
    before=$(rss_kb "$pid")
    line=$(TAXII_PATH=$path TAXII_MODE=$mode TAXII_MIN_US=$min TAXII_MAX_US=$max TAXII_TYPE=$type TAXII_AUTH=$AUTH \
      wrk -t "$(( c < 2 ? 1 : 2 ))" -c "$c" -d "${duration}s" --timeout 30s -s "$REPO/scripts/bench/taxii_wrk.lua" "$base" | grep '^WRK')
    after=$(rss_kb "$pid")
    echo "$name $mode c=$c ${line#WRK } rss_kb=$before->$after" | tee -a "$RESULTS"
  done
}

# Rastro at every size.
for size in $ALL_SIZES; do
  PORT_FILE=$BENCH_DIR/serve.out
  "$RASTRO" serve --database "sqlite:$DB" --listen 127.0.0.1:0 > "$PORT_FILE" 2>"$BENCH_DIR/serve.err" &
  PID=$!
  for _ in $(seq 1 100); do grep -q discovery "$PORT_FILE" && break; sleep 0.1; done
  URL=$(sed -n 's/.*discovery at \(http[^ ]*\)taxii2\//\1/p' "$PORT_FILE")
  TYPE=$(a_type "c$size")
  read -r MIN MAX <<< "$(page_range "c$size")"
  read -r TMIN TMAX <<< "$(page_range "c$size" "$TYPE")"
  echo "== rastro, $size objects (pid $PID, $URL)"
  # The workbench warms up in the background when the server starts (the audit log's actions, the
  # map): the timed pull waits until /healthz says it is ready, or it would share the CPU with that.
  for _ in $(seq 1 600); do curl -s "${URL}healthz" | grep -q '"ready"' && break; sleep 0.1; done
  # One signed-in request first, for both servers: a node checks a password with bcrypt once (about
  # 0.4 s by design) and then keeps the result; timed, it would be most of a one-round pull.
  curl -s -o /dev/null -u "$USER_NAME:$PASSWORD" "${URL}taxii2/"
  "$BENCH" pull "${URL}api1/" "c$size" "$USER_NAME" "$PASSWORD" 1000 "$ROUNDS" | sed "s/^/rastro-$size /" | tee -a "$RESULTS"
  run_wrk "rastro-$size" "/api1/collections/c$size/objects/" after "$MIN" "$MAX" "$TYPE" "$PID" "$URL"
  run_wrk "rastro-$size" "/api1/collections/c$size/objects/" type "$TMIN" "$TMAX" "$TYPE" "$PID" "$URL"
  run_wrk "rastro-$size" "/api1/collections/c$size/objects/" first "$MIN" "$MAX" "$TYPE" "$PID" "$URL"
  kill "$PID"; wait "$PID" 2>/dev/null || true
done

# medallion at 2,000.
MPORT=$(( 20000 + RANDOM % 20000 ))
MDIR=$BENCH_DIR/medallion
TYPE=$(a_type c2000)
read -r MMIN MMAX MTMIN MTMAX <<< "$("$VENV/bin/python" "$REPO/scripts/bench/medallion_data.py" "$BUNDLE" 2000 "$MDIR" \
  "$MPORT" c2000 "$USER_NAME" "$PASSWORD" "$TYPE" | tail -1)"
"$VENV/bin/medallion" --host 127.0.0.1 --port "$MPORT" --log-level ERROR "$MDIR/config.json" > "$MDIR/log" 2>&1 &
MPID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$MPORT/taxii2/" && break; sleep 0.2; done
echo "== medallion, 2000 objects (pid $MPID)"
curl -s -o /dev/null -u "$USER_NAME:$PASSWORD" "http://127.0.0.1:$MPORT/taxii2/"
"$BENCH" pull "http://127.0.0.1:$MPORT/api1/" c2000 "$USER_NAME" "$PASSWORD" 1000 "$ROUNDS" | sed "s/^/medallion-2000 /" | tee -a "$RESULTS"
for mode in $MEDALLION_MODES; do
  if [[ $mode == type ]]; then low=$MTMIN high=$MTMAX; else low=$MMIN high=$MMAX; fi
  run_wrk medallion-2000 "/api1/collections/c2000/objects/" "$mode" "$low" "$high" "$TYPE" "$MPID" "http://127.0.0.1:$MPORT" \
    "$MEDALLION_DURATION"
done
kill -9 "$MPID"; wait "$MPID" 2>/dev/null || true   # medallion ignores SIGTERM

echo
echo "== ratios at 2,000 objects (rastro / medallion)"
python3 - "$RESULTS" <<'EOF'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    parts = line.split()
    name = parts[0]
    if "requests=0 " in line:
        continue
    if "median_objects_per_s=" in line:
        rows[(name, "pull")] = float(re.search(r"median_objects_per_s=(\S+)", line).group(1))
    elif "rps=" in line:
        rows[(name, parts[1] + " " + parts[2])] = float(re.search(r"rps=(\S+)", line).group(1))
for (name, what), value in sorted(rows.items()):
    if name != "rastro-2000":
        continue
    other = rows.get(("medallion-2000", what))
    if other:
        print(f"{what:12s} rastro {value:10.1f}  medallion {other:8.1f}  ratio {value / other:8.1f}x")
EOF
