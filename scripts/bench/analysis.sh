#!/usr/bin/env bash
# Issue 5's figures in one run: `rastro analyze` on the large world (time and peak memory, first
# run with its resolution and a second run), `rastro trace` lookups against a recursive SQL query
# written by hand for the same answer (p50/p99 and the ratio, both answers checked equal), and the
# quality of the analysis (`rastro evaluate`) on realistic medium worlds whose seeds were not used
# to fit the risk model (1001, 2002 and 3003 were).
#
#   scripts/bench/analysis.sh   # LARGE_SEED=7 SEEDS="4004 5005" LOOKUPS=2000 BENCH_DIR=/tmp/rastro-bench-analysis SCRATCH=<repo>/.build-bench
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rastro-bench-analysis}
SCRATCH=${SCRATCH:-$REPO/.build-bench}
LARGE_SEED=${LARGE_SEED:-7}
SEEDS=${SEEDS:-"4004 5005"}
LOOKUPS=${LOOKUPS:-2000}
mkdir -p "$BENCH_DIR"
(cd "$REPO" && swift build -c release --product rastro --scratch-path "$SCRATCH" >&2)
RASTRO=$SCRATCH/release/rastro

# A world loaded into its own store (kept between runs of the script).
store() { # seed scale → database path
  local seed=$1 scale=$2 dir=$BENCH_DIR/world-$1-$2 db=$BENCH_DIR/world-$1-$2.db
  if [[ ! -f $db.loaded ]]; then
    rm -rf "$dir" "$db" "$db"-*
    "$RASTRO" simulate --seed "$seed" --scale "$scale" --out "$dir" >/dev/null
    "$RASTRO" init --database "sqlite:$db" --organization MX-FUSION --country MX >/dev/null
    "$RASTRO" ingest --database "sqlite:$db" "$dir" >/dev/null 2>&1
    touch "$db.loaded"
  fi
  echo "$db"
}

timed() { # command… → "SECONDS MIB"
  /usr/bin/time -f "%e %M" -o "$BENCH_DIR/time.txt" "$@" >"$BENCH_DIR/last.json" 2>/dev/null
  awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$BENCH_DIR/time.txt"
}

echo "== rastro analyze, large world (seed $LARGE_SEED)"
DB=$(store "$LARGE_SEED" large)
read -r seconds mib < <(timed "$RASTRO" analyze --database "sqlite:$DB" --json)
echo "first run (resolves every party first): $seconds s, $mib MiB peak"
read -r seconds mib < <(timed "$RASTRO" analyze --database "sqlite:$DB" --json)
echo "second run: $seconds s, $mib MiB peak"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["seconds"]; print("  stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(s.items())))' "$BENCH_DIR/last.json"

echo "== rastro trace, $LOOKUPS lookups on the large world, against a recursive SQL query"
"$RASTRO" trace-benchmark --database "sqlite:$DB" --lookups "$LOOKUPS"

echo "== quality on the large world"
"$RASTRO" evaluate --database "sqlite:$DB" --truth "$BENCH_DIR/world-$LARGE_SEED-large/truth.json" | grep -E "ROC AUC|precision@k|hit@2L|precision@L"

for seed in $SEEDS; do
  echo "== quality on the medium world of seed $seed (not used for fitting)"
  DB=$(store "$seed" medium)
  read -r seconds mib < <(timed "$RASTRO" analyze --database "sqlite:$DB" --json)
  echo "analyze: $seconds s, $mib MiB peak"
  "$RASTRO" evaluate --database "sqlite:$DB" --truth "$BENCH_DIR/world-$seed-medium/truth.json" | grep -E "ROC AUC|precision@k|hit@2L|precision@L"
done
