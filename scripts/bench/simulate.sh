#!/usr/bin/env bash
# Simulator benchmark (issue 3): generation time of each scale against the issue's budget
# (large in under 60 s on this machine), the world's size against its targets, how hard the
# realistic world is (single-field cross-validated AUC on the consignments, from an independent
# Python script), and `rastro evaluate` on findings built from the truth and on random ones, with
# its AUC cross-checked against the script's.
#
#   scripts/bench/simulate.sh
#
# Environment: RUNS=3 (timed runs of the large world; the median is reported),
# BENCH_DIR=/tmp/rastro-bench-sim, SEED=7, SCRATCH=<repo>/.build-bench.
set -euo pipefail

RUNS=${RUNS:-3}
SEED=${SEED:-7}
BENCH_DIR=${BENCH_DIR:-/tmp/rastro-bench-sim}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRATCH=${SCRATCH:-$REPO/.build-bench}
CHECK=$REPO/scripts/bench/sim_check.py
BUDGET=60

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'simulate.sh: FAILED: %s\n' "$*" >&2; exit 1; }
[[ $RUNS =~ ^[0-9]+$ ]] && (( RUNS >= 1 )) || die "RUNS must be a positive integer"
command -v python3 >/dev/null || die "python3 is not installed"
[[ -x /usr/bin/time ]] || die "GNU time is missing (Debian package 'time')"

mkdir -p "$BENCH_DIR"
log "building rastro (release) in $SCRATCH"
(cd "$REPO" && swift build -c release --product rastro --scratch-path "$SCRATCH" >&2) || die "swift build failed"
RASTRO=$BENCH_DIR/rastro
cp "$SCRATCH/release/rastro" "$RASTRO"
REV=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
RESULTS=$BENCH_DIR/simulate-results.txt

timed() { # timed OUT CMD… → T_SEC, T_KB; the command's output in OUT.log
  local out=$1; shift
  local tf; tf=$(mktemp "$BENCH_DIR/time.XXXXXX")
  /usr/bin/time -f '%e %M' -o "$tf" "$@" > "$out.log" 2>&1 || { tail -20 "$out.log" >&2; die "exit code from: $*"; }
  read -r T_SEC T_KB < "$tf"; rm -f "$tf"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

{
  echo "rastro simulate, seed $SEED, difficulty realistic (rastro $REV, $(nproc) cores, $(date -u +%FT%TZ))"
  printf '%-7s %9s %9s %8s %12s %10s %14s %12s\n' scale seconds "peak MiB" consign. transfers legs "track points" "diverted"
} > "$RESULTS"
for scale in small medium large; do
  runs=1; [[ $scale == large ]] && runs=$RUNS
  secs=()
  for ((run = 1; run <= runs; run++)); do
    rm -rf "$BENCH_DIR/$scale"
    log "$scale, run $run/$runs"
    timed "$BENCH_DIR/sim-$scale" "$RASTRO" simulate --seed "$SEED" --scale "$scale" --out "$BENCH_DIR/$scale" --json
    secs+=("$T_SEC"); kb=$T_KB
  done
  rows() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['files'].get(sys.argv[2], 0))" "$BENCH_DIR/sim-$scale.log" "$1"; }
  diverted=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['diverted'])" "$BENCH_DIR/sim-$scale.log")
  printf '%-7s %9s %9s %8s %12s %10s %14s %12s\n' "$scale" "$(median "${secs[@]}")" $((kb / 1024)) "$(rows consignments.csv)" \
    "$(rows transfers.csv)" "$(rows legs.csv)" "$(rows track_points.csv)" "$diverted" >> "$RESULTS"
  [[ $scale == large ]] && echo "large runs (s): ${secs[*]}; budget ${BUDGET} s → ratio budget ÷ median = $(python3 -c "print(f'{$BUDGET / $(median "${secs[@]}"):.2f}')")×" >> "$RESULTS"
done

echo >> "$RESULTS"
python3 "$CHECK" hardness "$BENCH_DIR/large" >> "$RESULTS"

echo >> "$RESULTS"
for kind in perfect random; do
  python3 "$CHECK" findings "$BENCH_DIR/large" "$kind" "$BENCH_DIR/findings-$kind.json"
  timed "$BENCH_DIR/eval-$kind" "$RASTRO" evaluate --truth "$BENCH_DIR/large/truth.json" --findings "$BENCH_DIR/findings-$kind.json" --json
  ours=$(python3 -c "import json,sys; print(f\"{json.load(open(sys.argv[1]))['consignments']['auc']:.6f}\")" "$BENCH_DIR/eval-$kind.log")
  theirs=$(python3 "$CHECK" auc "$BENCH_DIR/large" "$BENCH_DIR/findings-$kind.json")
  echo "evaluate large, $kind findings: ${T_SEC} s, $((T_KB / 1024)) MiB; AUC rastro $ours, independent script $theirs" >> "$RESULTS"
  [[ $ours == "$theirs" ]] || die "the AUCs differ: rastro $ours, script $theirs"
  python3 - "$BENCH_DIR/eval-$kind.log" >> "$RESULTS" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
c, n, a = e["consignments"], e["entities"], e["areas"]
f = lambda v: "n/a" if v is None else f"{v:.3f}"
print(f"  consignments: AUC {f(c['auc'])}, precision@k {f(c['precision_at_k'])} (k={c['k']}), recall@0.5 {f(c['recall_at_0_5'])}")
print(f"  entities: precision {f(n['precision'])}, recall {f(n['recall'])}, F1 {f(n['f1'])} over {n['mentions']} mentions")
print(f"  areas: hit@1 {f(a['hit_at_1'])}, hit@10 {f(a['hit_at_10'])}, hit@2L {f(a['hit_at_2l'])}, precision@L {f(a['precision_at_l'])} (L={a['labs']})")
PY
done
cat "$RESULTS"
log "results written to $RESULTS"
