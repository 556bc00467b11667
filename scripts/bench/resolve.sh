#!/usr/bin/env bash
# Stored entity resolution at scale (issue 4): the whole `rastro resolve` (read the mentions from
# the store, resolve, write entities) on about a million party mentions, from simulated large
# worlds loaded side by side; then an incremental run after a small world's worth of new data,
# against a full run on the same data; and pairwise F1 against the truth of one large world.
#
#   scripts/bench/resolve.sh     # WORLDS=3 RUNS=3 BENCH_DIR=/tmp/rastro-bench-resolve SCRATCH=<repo>/.build-bench
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rastro-bench-resolve}
SCRATCH=${SCRATCH:-$REPO/.build-bench}
WORLDS=${WORLDS:-3}
RUNS=${RUNS:-3}
mkdir -p "$BENCH_DIR"
(cd "$REPO" && swift build -c release --product rastro --scratch-path "$SCRATCH" >&2)
RASTRO=$SCRATCH/release/rastro
PARTY_FILES="organizations.csv consignments.csv transfers.csv usage_reports.csv incidents.csv"

world() { # seed scale → folder with the party files only
  local seed=$1 scale=$2 dir=$BENCH_DIR/world-$1-$2
  if [[ ! -f $dir/truth.json ]]; then
    rm -rf "$dir" "$dir.full"
    "$RASTRO" simulate --seed "$seed" --scale "$scale" --out "$dir.full" >/dev/null
    mkdir -p "$dir"
    for file in $PARTY_FILES truth.json; do mv "$dir.full/$file" "$dir/"; done
    rm -rf "$dir.full"
  fi
  echo "$dir"
}

# seconds and peak MiB of one command: "SECONDS MIB"
timed() {
  local out=$BENCH_DIR/time.txt
  /usr/bin/time -f "%e %M" -o "$out" "$@" >"$BENCH_DIR/last.json"
  awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# 1. About a million mentions: WORLDS large worlds in one store.
DB=$BENCH_DIR/million.db
rm -f "$DB" "$DB"-*
"$RASTRO" init --database "sqlite:$DB" --organization MX-FUSION --country MX >/dev/null
for index in $(seq 1 "$WORLDS"); do
  dir=$(world $((100 + index)) large)
  "$RASTRO" ingest --database "sqlite:$DB" --skip-invalid --rejects "$BENCH_DIR/rejects.ndjson" "$dir"/*.csv >/dev/null 2>&1
done
FULL=()
for run in $(seq 1 "$RUNS"); do
  flag=""
  [[ $run -gt 1 ]] && flag="--reestimate"
  read -r seconds mib < <(timed "$RASTRO" resolve --database "sqlite:$DB" $flag --json)
  FULL+=("$seconds")
  python3 - "$BENCH_DIR/last.json" "$seconds" "$mib" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["seconds"]
print(f"full run: {r['mentions']} mentions ({r['distinctMentions']} distinct), {r['candidatePairs']} candidate pairs, "
      f"{r['entities']} entities; {sys.argv[2]} s, {sys.argv[3]} MiB peak; "
      + ", ".join(f"{k} {v:.1f}" for k, v in sorted(s.items())))
PY
done
FULL_MEDIAN=$(printf '%s\n' "${FULL[@]}" | median)

# 2. New data: a small world's party files, then an incremental run, then a full one on the same data.
"$RASTRO" ingest --database "sqlite:$DB" --skip-invalid --rejects "$BENCH_DIR/rejects.ndjson" "$(world 999 small)"/*.csv >/dev/null 2>&1
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
sqlite3 "$DB-audit" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$DB" "$BENCH_DIR/before-incremental.db"
cp "$DB-audit" "$BENCH_DIR/before-incremental.db-audit"   # the audit log's own file (migration 0014)
INCREMENTAL=()
for run in $(seq 1 "$RUNS"); do
  cp "$BENCH_DIR/before-incremental.db" "$DB"; cp "$BENCH_DIR/before-incremental.db-audit" "$DB-audit"
  rm -f "$DB"-wal "$DB"-shm "$DB"-audit-wal "$DB"-audit-shm
  read -r seconds mib < <(timed "$RASTRO" resolve --database "sqlite:$DB" --json)
  INCREMENTAL+=("$seconds")
  python3 - "$BENCH_DIR/last.json" "$seconds" "$mib" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"incremental run ({r['mode']}): {r['mentions']} mentions, {r['compared']} of {r['candidatePairs']} pairs compared, "
      f"{r['recomputed']} of {r['components']} groups clustered; {sys.argv[2]} s, {sys.argv[3]} MiB peak")
PY
done
INCREMENTAL_MEDIAN=$(printf '%s\n' "${INCREMENTAL[@]}" | median)
read -r AFTER _ < <(timed "$RASTRO" resolve --database "sqlite:$DB" --reestimate --json)
read -r NOTHING _ < <(timed "$RASTRO" resolve --database "sqlite:$DB" --json)

# 3. Quality at large scale, through the same commands.
DB1=$BENCH_DIR/one.db
rm -f "$DB1" "$DB1"-*
"$RASTRO" init --database "sqlite:$DB1" --organization MX-FUSION --country MX >/dev/null
ONE=$(world 101 large)
"$RASTRO" ingest --database "sqlite:$DB1" --skip-invalid --rejects "$BENCH_DIR/rejects.ndjson" "$ONE"/*.csv >/dev/null 2>&1
read -r ONE_SECONDS _ < <(timed "$RASTRO" resolve --database "sqlite:$DB1" --findings-out "$BENCH_DIR/one-findings.json" --json)
F1=$("$RASTRO" evaluate --truth "$ONE/truth.json" --findings "$BENCH_DIR/one-findings.json" --json \
  | python3 -c "import json,sys; e=json.load(sys.stdin)['entities']; print(f\"precision {e['precision']:.4f} recall {e['recall']:.4f} F1 {e['f1']:.4f}\")")

echo
echo "== rastro resolve at scale ($(git -C "$REPO" rev-parse --short HEAD), $(nproc) cores; medians of $RUNS) =="
echo "full run, $WORLDS large worlds:          ${FULL_MEDIAN} s   (target < 60 s for 1M mentions)"
echo "incremental after a small world:       ${INCREMENTAL_MEDIAN} s"
echo "full run on the same data:             ${AFTER} s   → incremental is $(awk -v a="$AFTER" -v b="$INCREMENTAL_MEDIAN" 'BEGIN { printf "%.1f", a / b }')× faster"
echo "run with nothing new:                  ${NOTHING} s"
echo "one large world (seed 101):            ${ONE_SECONDS} s, pairwise $F1"
