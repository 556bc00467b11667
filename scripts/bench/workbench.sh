#!/usr/bin/env bash
# Issue 8's page speed: every workbench page's server time on the simulator's large world, logged
# in, on loopback. A copy of the analyzed large world (the one scripts/bench/analysis.sh makes, or
# made here) gets a US member and three users; `rastro serve` (release build) answers each page
# under wrk (4 connections, DURATION seconds each) for the Mexican analyst, the US liaison and the
# admin. Prints per page the median and p95 in ms and the ratio of p95 to the 100 ms target.
#
#   scripts/bench/workbench.sh   # DURATION=10 BENCH_DIR=/tmp/rastro-bench-analysis SCRATCH=<repo>/.build-bench
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/rastro-bench-analysis}
SCRATCH=${SCRATCH:-$REPO/.build-bench}
DURATION=${DURATION:-10}
SEED=${SEED:-7}
command -v wrk >/dev/null || { echo "workbench.sh: needs wrk (Debian's wrk package)" >&2; exit 2; }
mkdir -p "$BENCH_DIR"
if [[ -z ${RASTRO:-} ]]; then
  (cd "$REPO" && swift build -c release --product rastro --scratch-path "$SCRATCH" >&2)
  RASTRO=$SCRATCH/release/rastro
fi

world=$BENCH_DIR/world-$SEED-large db=$BENCH_DIR/world-$SEED-large.db
if [[ ! -f $db.loaded ]]; then
  rm -rf "$world" "$db" "$db"-*
  "$RASTRO" simulate --seed "$SEED" --scale large --out "$world" >/dev/null
  "$RASTRO" init --database "sqlite:$db" --organization MX-FUSION --country MX >/dev/null
  "$RASTRO" ingest --database "sqlite:$db" "$world" >/dev/null 2>&1
  touch "$db.loaded"
fi
work=$BENCH_DIR/workbench
rm -rf "$work" && mkdir -p "$work"
for suffix in "" -wal -audit -audit-wal; do   # the database and its audit log (PATH-audit)
  if [[ -f $db$suffix ]]; then cp "$db$suffix" "$work/node.db$suffix"; fi
done
export RASTRO_DATABASE="sqlite:$work/node.db"
# Analyzed once (analysis.sh analyzes the same store); a fresh world is analyzed here.
if [[ $(sqlite3 "$work/node.db" "SELECT COUNT(*) FROM analysis_runs") == 0 ]]; then "$RASTRO" analyze >/dev/null 2>&1; fi
"$RASTRO" org add US-DEA --country US --name "DEA liaison office" >/dev/null
for who in "ana analyst MX-FUSION" "tom liaison US-DEA" "root admin MX-FUSION"; do
  set -- $who
  echo "bench-$1-password" | "$RASTRO" user add "$1" --org "$3" --role "$2" --password-stdin >/dev/null
done
sqlite3 "$work/node.db" "SELECT 'consignments', COUNT(*) FROM consignments; SELECT 'track_points', COUNT(*) FROM track_points;" | tr '|' ' '

port=$((20000 + RANDOM % 20000))
"$RASTRO" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
# Measured once the server has warmed its caches (census, search index, each organization's view
# of the last analysis), as it does after every start; how long that took is printed.
started=$(date +%s.%N)
for _ in $(seq 1 3000); do curl -sf "http://127.0.0.1:$port/healthz" | grep -q '"ready"' && break; sleep 0.2; done
echo "warm after start: $(echo "$(date +%s.%N) - $started" | bc) s"
base=http://127.0.0.1:$port

login() { # user → session cookie
  local jar=$work/$1.jar
  curl -s -c "$jar" -b "$jar" "$base/login" -o "$work/login.html"
  local token; token=$(grep -o 'name="_csrf" value="[^"]*"' "$work/login.html" | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null -X POST "$base/login" --data-urlencode "_csrf=$token" \
    --data-urlencode "user=$1" --data-urlencode "password=bench-$1-password" -d next=/
  echo "rastro_session=$(awk '$6 == "rastro_session" { print $7 }' "$jar")"
}

measure() { # label cookie path
  local line
  line=$(RASTRO_COOKIE=$2 wrk -t1 -c4 -d"${DURATION}s" -s "$REPO/scripts/bench/workbench_wrk.lua" "$base$3" | grep '^RESULT')
  set -- "$1" $line
  awk -v label="$1" -v n="$3" -v p50="$4" -v p95="$5" -v bad="$6" \
    'BEGIN { printf "%-34s %7d req  median %7.1f ms  p95 %7.1f ms  p95/target %.2f  errors %d\n", label, n, p50, p95, p95 / 100, bad }'
}

ana=$(login ana) tom=$(login tom) root=$(login root)
top=$(curl -s -b "$ana" "$base/alerts?kind=consignments&sort=score" | grep -o 'href="/consignments/[^"#]*"' | head -1 | sed 's/href="//;s/"$//')
entity=$(curl -s -b "$ana" "$base/alerts?kind=entities&sort=score" | grep -o 'href="/entities/[^"#]*"' | head -1 | sed 's/href="//;s/"$//')
released=$(sqlite3 "$work/node.db" "SELECT record_id FROM consignments WHERE is_current = 1 LIMIT 1")
# A lead for the lead pages: made from the top alert and sent to the liaison.
token=$(curl -s -b "$ana" "$base$top" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
lead=$(curl -s -b "$ana" -o /dev/null -w '%{redirect_url}' -X POST "$base/leads" --data-urlencode "_csrf=$token" \
  -d subject_kind=consignments -d "subject_id=${top#/consignments/}" -d title=bench -d tlp=amber | sed 's|.*/leads/|/leads/|')
curl -s -b "$ana" -o /dev/null -X POST "$base$lead/send" --data-urlencode "_csrf=$token" -d recipient=US-DEA -d tlp=amber

echo "== workbench pages, large world, ${DURATION}s each under 4 connections (rastro $(basename "$(dirname "$RASTRO")") build)"
measure "analyst: overview" "$ana" /
measure "analyst: alerts" "$ana" /alerts
measure "analyst: alerts by score, page 2" "$ana" "/alerts?sort=score&page=2"
measure "analyst: alerts CSV" "$ana" /alerts.csv
measure "analyst: consignment" "$ana" "$top"
measure "analyst: record" "$ana" "/records/consignments/$released"
[[ -n $entity ]] && measure "analyst: party" "$ana" "$entity"
measure "analyst: search (accents, typo)" "$ana" "/search?q=quimca"
measure "analyst: map" "$ana" /map
measure "analyst: leads" "$ana" /leads
measure "analyst: lead" "$ana" "$lead"
measure "liaison: overview" "$tom" /
measure "liaison: alerts" "$tom" /alerts
measure "liaison: lead" "$tom" "$lead"
measure "admin: audit log" "$root" /audit
