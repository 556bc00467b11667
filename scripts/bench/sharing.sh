#!/usr/bin/env bash
# Issue 6's figure: the read-path cost of the sharing policy (viewer predicate in the SQL,
# personal-field redaction) and of auditing each read, against the same reads written as plain
# SQL without any policy, on the simulator's large world. Prints medians and ratios, of wall time
# and of the process's CPU time (steadier on a machine shared with other work). The statistics are
# timed twice: from the marking census (what `rastro stats` does once the census is fresh; the
# benchmark builds it first, as the first count after a load does) and by scan (a stale census).
#
#   scripts/bench/sharing.sh   # SEED=7 LOOKUPS=2000 ROUNDS=5 BENCH_DIR=/tmp/rastro-bench-analysis SCRATCH=<repo>/.build-bench
#
# The large world is simulated and loaded once into BENCH_DIR (shared with scripts/bench/analysis.sh);
# the benchmark reads a copy of it, so its audit entries do not pile up in the kept store.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rastro-bench-analysis}
SCRATCH=${SCRATCH:-$REPO/.build-bench}
SEED=${SEED:-7}
LOOKUPS=${LOOKUPS:-2000}
ROUNDS=${ROUNDS:-5}
mkdir -p "$BENCH_DIR"
(cd "$REPO" && swift build -c release --product rastro --scratch-path "$SCRATCH" >&2 \
  && swift build -c release --product rastro-read-bench --scratch-path "$SCRATCH" >&2)
RASTRO=$SCRATCH/release/rastro

DB=$BENCH_DIR/world-$SEED-large.db
if [[ ! -f $DB.loaded ]]; then
  rm -rf "$BENCH_DIR/world-$SEED-large" "$DB" "$DB"-*
  "$RASTRO" simulate --seed "$SEED" --scale large --out "$BENCH_DIR/world-$SEED-large" >/dev/null
  "$RASTRO" init --database "sqlite:$DB" --organization MX-FUSION --country MX >/dev/null
  "$RASTRO" ingest --database "sqlite:$DB" "$BENCH_DIR/world-$SEED-large" >/dev/null 2>&1
  touch "$DB.loaded"
fi
COPY=$BENCH_DIR/sharing-bench.db
rm -rf "$COPY" "$COPY"-*
# The database and its audit log (PATH-audit), each with its WAL, and the read journals'
# folder (PATH-audit.journals: empty unless a process ended without folding its own).
for suffix in "" -wal -audit -audit-wal; do
  if [[ -f $DB$suffix ]]; then cp "$DB$suffix" "$COPY$suffix"; fi
done
if [[ -d $DB-audit.journals ]]; then cp -r "$DB-audit.journals" "$COPY-audit.journals"; fi

echo "== the node's own analysts (every row passes the policy: the same rows both ways)"
"$SCRATCH/release/rastro-read-bench" "sqlite:$COPY" --lookups "$LOOKUPS" --rounds "$ROUNDS"
echo
echo "== a US liaison (most rows filtered out by the policy)"
"$SCRATCH/release/rastro-read-bench" "sqlite:$COPY" --lookups "$LOOKUPS" --rounds "$ROUNDS" --as US-DEA:US
rm -rf "$COPY" "$COPY"-*
