#!/usr/bin/env bash
# Ingest benchmark (issue 2): on ONE generated contract-v1 track_points.csv, compares
#   rastro ingest → SQLite      vs  sqlite3 .import (WAL, synchronous=NORMAL) into an equivalent table
#   rastro ingest → PostgreSQL  vs  psql \copy into an equivalent table
# reporting the median wall time of RUNS runs, rows/s, peak RSS (/usr/bin/time %M) and the ratio
# rastro rows/s ÷ peer rows/s; then checks that rastro's memory stays flat as the file grows
# (SQLite ingest of ROWS/5 rows vs ROWS rows).
#
#   scripts/bench/ingest.sh
#
# Environment:
#   ROWS=5000000        rows in the file (2,500 points per vehicle)
#   RUNS=3              timed runs per side (the median is reported)
#   BENCH_DIR=/tmp/rastro-bench   work folder: the CSVs, databases, logs, ingest-results.txt
#   SKIP_PG=1           skip the PostgreSQL half
#   PG_PORT=54340       port of the throw-away PostgreSQL cluster (scripts/pg.sh)
#   SCRATCH=<repo>/.build-bench   swift build --scratch-path (kept apart from the default .build)
#   KEEP_DBS=1          keep the last run's databases in BENCH_DIR
#   PEER_INDEX=auto     the peer's secondary index: auto = when rastro's own track_points table
#                       has a secondary index (read from the store rastro creates), the same kind
#                       of index over the peer's columns: the map's one-degree cell, lat, lon
#                       (rastro's also leads with a hash bucket for sampling and carries the
#                       marking); map (always that), source (an index on (source)), or no
#   PEER_WITHOUT_ROWID=auto   the SQLite peer table WITHOUT ROWID: auto = as rastro's track_points
#                       table is, yes, or no. When the peer is WITHOUT ROWID, an extra row
#                       "SQLite, rowid peer" times a plain rowid table too (PEER_ROWID_TOO=0 skips it).
#   PEER_PAGE_SIZE=auto the SQLite peer file's page size: auto = as rastro's store file (8192 for
#                       a store made since 0ce8839), or a number (4096 is SQLite's default)
#   FLOOR=1             also time the engine's floor (RUNS times each): SQLite alone storing the rows
#                       rastro's load stored, with one INSERT … SELECT from a copy of them (no parsing,
#                       validation or binding at all), and the cheapest C client (scripts/bench/
#                       floor_client.c: the rows already in memory, bound into a 64-row prepared
#                       INSERT), in rastro's own table and in a narrow track-point table, with and
#                       without the map's index; plus sqlite3 .import into a peer without a secondary
#                       index. Reports the best ratio such a client could reach against the peer
#                       (peer s ÷ floor s), beside the target 1.5. Needs a C compiler (cc).
#
# Every timed run uses a fresh database: the SQLite files are deleted (with -wal/-shm and the audit file), PostgreSQL
# gets a new schema per run (dropped afterwards). Only `rastro ingest` is timed, not `rastro init`;
# on the peer side only the `.import` / `\copy` call is timed, not the CREATE TABLE.
set -euo pipefail

ROWS=${ROWS:-5000000}
RUNS=${RUNS:-3}
BENCH_DIR=${BENCH_DIR:-/tmp/rastro-bench}
SKIP_PG=${SKIP_PG:-0}
PG_PORT=${PG_PORT:-54340}
KEEP_DBS=${KEEP_DBS:-0}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRATCH=${SCRATCH:-$REPO/.build-bench}
BUILT_RASTRO=$SCRATCH/release/rastro
PEER_INDEX=${PEER_INDEX:-auto}
PEER_WITHOUT_ROWID=${PEER_WITHOUT_ROWID:-auto}
PEER_PAGE_SIZE=${PEER_PAGE_SIZE:-auto}
PEER_ROWID_TOO=${PEER_ROWID_TOO:-1}
FLOOR=${FLOOR:-0}
GEN=$REPO/scripts/bench/gen_track_points.py
HEADER='vehicle_id,recorded_at,lat,lon,source,speed_kmh'

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'ingest.sh: FAILED: %s\n' "$*" >&2; exit 1; }

[[ $ROWS =~ ^[0-9]+$ ]] && (( ROWS >= 5 )) || die "ROWS must be an integer ≥ 5 (got '$ROWS')"
[[ $RUNS =~ ^[0-9]+$ ]] && (( RUNS >= 1 )) || die "RUNS must be an integer ≥ 1 (got '$RUNS')"
SMALL_ROWS=$(( ROWS / 5 ))

mkdir -p "$BENCH_DIR" "$BENCH_DIR/small" "$BENCH_DIR/logs"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
CSV=$BENCH_DIR/track_points.csv
SMALL_CSV=$BENCH_DIR/small/track_points.csv
RESULTS=$BENCH_DIR/ingest-results.txt
PG_DIR=$BENCH_DIR/pg
PG_URL=
PG_STARTED=0

# A store is two files with their WALs: the database and its audit log (PATH-audit, migration 0014).
sqlite_rm() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal" "$1-audit" "$1-audit-wal" "$1-audit-shm"; }
cleanup() {
  local rc=$?
  if (( PG_STARTED )); then
    log "stopping the PostgreSQL cluster in $PG_DIR"
    "$REPO/scripts/pg.sh" stop "$PG_DIR" || true
  fi
  if [[ $KEEP_DBS != 1 ]]; then
    for db in "$BENCH_DIR"/rastro.db "$BENCH_DIR"/peer.db "$BENCH_DIR"/small/rastro.db "$BENCH_DIR"/floor.db "$BENCH_DIR"/floor-src.db; do sqlite_rm "$db"; done
  fi
  rm -f "$BENCH_DIR"/time.* "$BENCH_DIR"/rastro "$BENCH_DIR"/floor_client
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools -------------------------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time (Debian package 'time')"
  if [[ $(id -u) == 0 ]]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; fi
fi
command -v sqlite3 >/dev/null || die "sqlite3 is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

log "building rastro (release) in $SCRATCH"
(cd "$REPO" && swift build -c release --product rastro --scratch-path "$SCRATCH" >&2) || die "swift build failed"
[[ -x $BUILT_RASTRO ]] || die "no rastro binary at $BUILT_RASTRO"
# Time a private copy, so that a rebuild of the scratch folder during the benchmark cannot swap it.
RASTRO=$BENCH_DIR/rastro
cp "$BUILT_RASTRO" "$RASTRO"
REV=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$REPO" status --porcelain --untracked-files=no -- Sources Package.swift 2>/dev/null) ]]; then
  REV="$REV + uncommitted changes in Sources"
fi
RASTRO_PRAGMAS=$(grep -ho 'PRAGMA [A-Za-z_]*=[^";]*' "$REPO/Sources/RastroStore/SQLite/SQLiteDatabase.swift" | paste -sd, - | sed 's/,/, /g' || true)
log "rastro binary: $BUILT_RASTRO (built from $REV), copied to $RASTRO"
[[ $PEER_INDEX =~ ^(auto|map|yes|source|no)$ ]] || die "PEER_INDEX must be auto, map, source or no"
[[ $PEER_WITHOUT_ROWID =~ ^(auto|yes|no)$ ]] || die "PEER_WITHOUT_ROWID must be auto, yes or no"
[[ $PEER_PAGE_SIZE =~ ^(auto|512|1024|2048|4096|8192|16384|32768|65536)$ ]] || die "PEER_PAGE_SIZE must be auto or a power of two from 512 to 65536"

# ---- the files ---------------------------------------------------------------------------------
ensure_csv() { # ensure_csv PATH ROWS: (re)generates PATH unless it has the header and ROWS data rows
  local path=$1 rows=$2
  if [[ -f $path ]] && [[ $(head -1 "$path") == "$HEADER" ]] && (( $(wc -l < "$path") - 1 == rows )); then
    log "reusing $path ($rows rows)"
    return
  fi
  log "generating $path ($rows rows)"
  python3 "$GEN" "$rows" > "$path.tmp" || die "generating $path failed"
  mv "$path.tmp" "$path"
  (( $(wc -l < "$path") - 1 == rows )) || die "$path does not have $rows rows"
}
ensure_csv "$CSV" "$ROWS"
ensure_csv "$SMALL_CSV" "$SMALL_ROWS"

# ---- helpers -----------------------------------------------------------------------------------
# timed LOG CMD… : runs CMD (stdin from $T_STDIN or /dev/null, output to LOG) under /usr/bin/time;
# sets T_SEC (wall seconds) and T_KB (peak RSS, KiB); fails loudly on a non-zero exit.
timed() {
  local out=$1; shift
  local tf rc=0
  tf=$(mktemp "$BENCH_DIR/time.XXXXXX")
  sync
  local before=$CONTENDED
  busy_check
  /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" < "${T_STDIN:-/dev/null}" > "$out" 2>&1 || rc=$?
  busy_check
  (( CONTENDED > before )) && CONTENDED=$(( before + 1 ))
  if (( rc != 0 )); then
    echo "---- $out" >&2; tail -n 40 "$out" >&2
    die "exit code $rc from: $*"
  fi
  read -r T_SEC T_KB T_USR T_SYS < <(tail -n 1 "$tf")
  echo "time: ${T_SEC}s wall, ${T_USR}s user, ${T_SYS}s sys, ${T_KB} KiB peak RSS" >> "$out"
  rm -f "$tf"
  [[ $T_SEC =~ ^[0-9.]+$ && $T_KB =~ ^[0-9]+$ ]] || die "cannot read /usr/bin/time output for: $*"
}

# busy_check: notes other heavy work (compilers, profilers, other rastro/sqlite3/psql, busy processes) running now;
# the machine has few cores, so such work skews the timings. Counted in CONTENDED, shown in the results.
# postgres processes are not looked at: the benchmark's own server is busy by design.
CONTENDED=0
busy_check() {
  local others
  others=$(ps -eo pid=,pcpu=,comm= | awk -v me=$$ '$1 != me && $3 !~ /^(ps|awk|bash|postgres)$/ &&
    ($3 ~ /^(swift-frontend|swift-build|swiftc|clang|ld|rastro|sqlite3|psql|valgrind|perf|python3?)/ || $3 ~ /grind/ || $2 >= 30) {
      printf "%s(%s) ", $3, $1 }')
  if [[ -n $others ]]; then
    CONTENDED=$(( CONTENDED + 1 ))
    log "  WARNING: other work running during this timed run: $others(load $(cut -d' ' -f1-3 /proc/loadavg))"
  fi
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maxof() { printf '%s\n' "$@" | sort -g | tail -n 1; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

expect_count() { # expect_count WHAT ACTUAL
  [[ $2 == "$ROWS" ]] || die "$1: expected $ROWS rows, found '$2'"
}


# The peer's table: the file's columns, PRIMARY KEY (vehicle_id, recorded_at) standing in for
# rastro's (record_id, version), an index on (source) standing in for rastro's marking index when
# rastro's table has one (PEER_INDEX), WITHOUT ROWID when rastro's SQLite table is (PEER_WITHOUT_ROWID).
peer_ddl() { # peer_ddl SCHEMA_PREFIX ("" for SQLite, "peer_r1." for PostgreSQL) INDEX(map|source|0) [WITHOUT_ROWID(1|0)]
  local tail=";"
  if [[ ${3:-0} == 1 ]]; then tail=" WITHOUT ROWID;"; fi
  cat <<SQL
CREATE TABLE ${1}track_points (
    vehicle_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    source TEXT,
    speed_kmh DOUBLE PRECISION,
    PRIMARY KEY (vehicle_id, recorded_at)
)$tail
SQL
  case $2 in
    map) # the map's one-degree cell (as rastro's 0011 computes it in each dialect), then the position
      if [[ -n $1 ]]; then
        echo "CREATE INDEX track_points_cell ON ${1}track_points ((floor(lat + 90)::integer * 1000 + floor(lon + 180)::integer), lat, lon);"
      else
        echo "CREATE INDEX track_points_cell ON track_points ((CAST(lat + 90 AS INTEGER) * 1000 + CAST(lon + 180 AS INTEGER)), lat, lon);"
      fi ;;
    source) echo "CREATE INDEX track_points_source ON ${1}track_points (source);" ;;
  esac
}
peer_index_for() { # peer_index_for SECONDARY_INDEX_COUNT_IN_RASTRO → map|source|0
  case $PEER_INDEX in map|yes) echo map ;; source) echo source ;; no) echo 0 ;; *) if (( $1 > 0 )); then echo map; else echo 0; fi ;; esac
}
peer_shape() { # peer_shape WITH_INDEX [WITHOUT_ROWID]
  local wr=""
  if [[ ${2:-0} == 1 ]]; then wr=" WITHOUT ROWID"; fi
  case $1 in
    map) echo "PRIMARY KEY (vehicle_id, recorded_at)$wr; INDEX (one-degree cell, lat, lon)" ;;
    source) echo "PRIMARY KEY (vehicle_id, recorded_at)$wr; INDEX (source)" ;;
    *) echo "PRIMARY KEY (vehicle_id, recorded_at)$wr; no other index" ;;
  esac
}

# sqlite_peer_run RUN WITHOUT_ROWID LOGNAME → T_SEC T_KB: sqlite3 .import into a fresh peer.db
sqlite_peer_run() {
  local r=$1 wr=$2 name=$3
  sqlite_rm "$P_DB"
  { echo "PRAGMA page_size=$S_PEER_PAGE;"; echo 'PRAGMA journal_mode=WAL;'; peer_ddl "" "$S_PEER_IDX" "$wr"; } | sqlite3 -bail "$P_DB" > /dev/null || die "creating $P_DB failed"
  printf 'PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n.import --csv --skip 1 %s track_points\n' "$CSV" > "$BENCH_DIR/peer-import.sql"
  log "SQLite run $r/$RUNS: sqlite3 .import ($(peer_shape "$S_PEER_IDX" "$wr"))"
  T_STDIN=$BENCH_DIR/peer-import.sql timed "$BENCH_DIR/logs/$name-$r.log" sqlite3 -bail "$P_DB"
  if grep -qiE 'error|failed' "$BENCH_DIR/logs/$name-$r.log"; then
    tail -n 20 "$BENCH_DIR/logs/$name-$r.log" >&2; die "sqlite3 .import reported errors"
  fi
  expect_count "sqlite3 .import run $r" "$(sqlite3 "$P_DB" 'SELECT count(*) FROM track_points')"
  log "  sqlite3: ${T_SEC}s, $(mib "$T_KB") MiB peak"
  sqlite_rm "$P_DB"
}

# ---- SQLite ------------------------------------------------------------------------------------
R_DB=$BENCH_DIR/rastro.db
P_DB=$BENCH_DIR/peer.db
declare -a S_RT S_RK S_PT S_PK S_XT S_XK
for (( r = 1; r <= RUNS; r++ )); do
  # rastro
  sqlite_rm "$R_DB"
  "$RASTRO" init --database "sqlite:$R_DB" > "$BENCH_DIR/logs/sqlite-rastro-init-$r.log" 2>&1 \
    || { cat "$BENCH_DIR/logs/sqlite-rastro-init-$r.log" >&2; die "rastro init --database sqlite:$R_DB failed"; }
  if (( r == 1 )); then
    # What rastro's table really looks like (read from the store it just created).
    S_COLS=$(sqlite3 "$R_DB" "SELECT group_concat(name, ', ') FROM pragma_table_info('track_points')")
    S_PKCOLS=$(sqlite3 "$R_DB" "SELECT group_concat(name, ', ') FROM (SELECT name FROM pragma_table_info('track_points') WHERE pk > 0 ORDER BY pk)")
    S_IDX=$(sqlite3 "$R_DB" "SELECT group_concat(il.name || ' (' || (SELECT group_concat(name, ', ') FROM pragma_index_info(il.name)) || ')', '; ') FROM pragma_index_list('track_points') il WHERE il.origin = 'c'")
    S_IDX_N=$(sqlite3 "$R_DB" "SELECT count(*) FROM pragma_index_list('track_points') WHERE origin = 'c'")
    S_PEER_IDX=$(peer_index_for "$S_IDX_N")
    S_WR=0
    sqlite3 "$R_DB" "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'track_points'" | grep -qi 'WITHOUT ROWID' && S_WR=1
    case $PEER_WITHOUT_ROWID in yes) S_PEER_WR=1 ;; no) S_PEER_WR=0 ;; *) S_PEER_WR=$S_WR ;; esac
    S_PAGE=$(sqlite3 "$R_DB" "PRAGMA page_size")
    S_PEER_PAGE=$PEER_PAGE_SIZE; [[ $S_PEER_PAGE == auto ]] && S_PEER_PAGE=$S_PAGE
    S_EXTRA=0
    if (( S_PEER_WR )) && [[ $PEER_ROWID_TOO == 1 ]]; then S_EXTRA=1; fi
    [[ -n $S_COLS ]] || die "rastro init created no track_points table in $R_DB"
    log "rastro's SQLite track_points: PRIMARY KEY ($S_PKCOLS)$( (( S_WR )) && echo " WITHOUT ROWID"); secondary indexes: ${S_IDX:-none}; pages of $S_PAGE bytes → peer: $(peer_shape "$S_PEER_IDX" "$S_PEER_WR"); pages of $S_PEER_PAGE bytes"
  fi
  log "SQLite run $r/$RUNS: rastro ingest"
  pushd "$BENCH_DIR" >/dev/null
  timed "$BENCH_DIR/logs/sqlite-rastro-$r.log" "$RASTRO" ingest "$CSV" --database "sqlite:$R_DB"
  popd >/dev/null
  expect_count "rastro SQLite run $r" "$(sqlite3 "$R_DB" 'SELECT count(*) FROM track_points')"
  S_RT+=("$T_SEC"); S_RK+=("$T_KB")
  log "  rastro: ${T_SEC}s, $(mib "$T_KB") MiB peak"
  if [[ $FLOOR == 1 ]] && (( r == RUNS )); then
    # The floor's source: the very rows this load stored, in the file's order (not timed).
    sqlite_rm "$BENCH_DIR/floor-src.db"
    sqlite3 -bail "$BENCH_DIR/floor-src.db" "PRAGMA page_size=$S_PAGE; ATTACH '$R_DB' AS r;
      CREATE TABLE tp AS SELECT * FROM r.track_points ORDER BY file_id, line;" || die "copying rastro's rows for the floor failed"
    F_TABLE=$(sqlite3 "$R_DB" "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'track_points'")
    F_INDEXES=$(sqlite3 "$R_DB" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'track_points' AND sql IS NOT NULL ORDER BY name")
  fi
  sqlite_rm "$R_DB"

  # peer: sqlite3 .import (table shaped like rastro's), and optionally a plain rowid table too
  sqlite_peer_run "$r" "$S_PEER_WR" sqlite-peer
  S_PT+=("$T_SEC"); S_PK+=("$T_KB")
  if (( S_EXTRA )); then
    sqlite_peer_run "$r" 0 sqlite-peer-rowid
    S_XT+=("$T_SEC"); S_XK+=("$T_KB")
  fi
done

# ---- the engine's floor (FLOOR=1) ---------------------------------------------------------------
# floor_run NAME CLIENT(sql|c) JOURNAL CACHE_KIB SYNC DDL SELECT POST → T_SEC: a fresh floor.db with
# rastro's page size and the table made (not timed), then, timed, one transaction that stores the
# rows SELECT gives from the copy of rastro's rows, runs POST (index builds), commits and closes
# (the close's checkpoint included). sql: one sqlite3 call, INSERT … SELECT. c: floor_client, the
# rows read into memory first (not timed: it reports its own clock). The sort of an index build
# gets one helper thread, as rastro's load gives it.
F_DB=$BENCH_DIR/floor.db
F_CLIENT=$BENCH_DIR/floor_client
floor_run() {
  local name=$1 client=$2 journal=$3 cache=$4 sync=$5 ddl=$6 select=$7 post=$8
  local pragmas="PRAGMA journal_mode=$journal; PRAGMA synchronous=$sync; PRAGMA cache_size=-$cache; PRAGMA threads=1;"
  sqlite_rm "$F_DB"
  sqlite3 -bail "$F_DB" "PRAGMA page_size=$S_PAGE; PRAGMA journal_mode=$journal; $ddl" > /dev/null || die "floor: creating the table for '$name' failed"
  sync
  if [[ $client == c ]]; then
    local out before=$CONTENDED
    busy_check
    out=$("$F_CLIENT" "$BENCH_DIR/floor-src.db" "$select FROM tp ORDER BY rowid" "$F_DB" track_points "$pragmas" "$post") \
      || die "floor_client failed for '$name'"
    busy_check
    (( CONTENDED > before )) && CONTENDED=$(( before + 1 ))
    T_SEC=${out%% *}
  else
    printf '%s\nATTACH %s AS s;\nBEGIN;\nINSERT INTO track_points %s FROM s.tp ORDER BY rowid;\n%s\nCOMMIT;\n' \
      "$pragmas" "'$BENCH_DIR/floor-src.db'" "$select" "$post" > "$BENCH_DIR/floor.sql"
    T_STDIN=$BENCH_DIR/floor.sql timed "$BENCH_DIR/logs/floor.log" sqlite3 -bail "$F_DB"
  fi
  expect_count "floor '$name'" "$(sqlite3 "$F_DB" 'SELECT count(*) FROM track_points')"
  sqlite_rm "$F_DB"
}
declare -a F_NAMES F_TIMES F_PEERS
declare -a S_NT
if [[ $FLOOR == 1 ]]; then
  # A narrow track point: the id split into its vehicle and an integer time (no record_id text),
  # the marking as one integer naming (tlp, releasable_to, originator), no attributes column.
  NARROW="CREATE TABLE track_points (vehicle_id TEXT NOT NULL, recorded_at INTEGER NOT NULL, version INTEGER NOT NULL,
    is_current INTEGER NOT NULL, content_hash INTEGER NOT NULL, marking INTEGER NOT NULL, file_id INTEGER NOT NULL,
    line INTEGER NOT NULL, lat REAL, lon REAL, source TEXT, speed_kmh REAL,
    PRIMARY KEY (vehicle_id, recorded_at, version)) WITHOUT ROWID;"
  NARROW_SELECT="SELECT vehicle_id, unixepoch(recorded_at), version, is_current, content_hash, 1,
    file_id, line, lat, lon, source, speed_kmh"
  # The map's index of the same kind as rastro's: cell, bucket, position, then what a viewer's filter reads.
  NARROW_INDEX="CREATE INDEX track_points_map ON track_points ((CAST(lat + 90 AS INTEGER) * 1000 + CAST(lon + 180 AS INTEGER)),
    (content_hash & 1023), lat, lon, is_current, marking, content_hash);"
  FULL_SELECT="SELECT *"
  command -v cc > /dev/null || die "FLOOR=1 needs a C compiler (cc)"
  cc -O2 -o "$F_CLIENT" "$REPO/scripts/bench/floor_client.c" -lsqlite3 || die "building floor_client failed"
  floor_shape() { # floor_shape LABEL CLIENT JOURNAL CACHE_KIB SYNC DDL SELECT POST PEER(index|none)
    local label=$1 times=()
    for (( r = 1; r <= RUNS; r++ )); do
      log "floor run $r/$RUNS: $label"
      floor_run "$label" "$2" "$3" "$4" "$5" "$6" "$7" "$8"
      times+=("$T_SEC")
      log "  ${T_SEC}s"
    done
    F_NAMES+=("$label"); F_TIMES+=("$(median "${times[@]}")"); F_PEERS+=("$9")
  }
  floor_shape "SQL: rastro's row, its map index" sql WAL 65536 NORMAL "$F_TABLE" "$FULL_SELECT" "$F_INDEXES" index
  floor_shape "C client: rastro's row, its map index" c WAL 65536 NORMAL "$F_TABLE" "$FULL_SELECT" "$F_INDEXES" index
  floor_shape "SQL: narrow row, map index" sql WAL 65536 NORMAL "$NARROW" "$NARROW_SELECT" "$NARROW_INDEX" index
  floor_shape "C client: narrow row, map index" c WAL 65536 NORMAL "$NARROW" "$NARROW_SELECT" "$NARROW_INDEX" index
  floor_shape "SQL: narrow, map index, rollback journal, 512 MiB cache" sql DELETE 524288 NORMAL "$NARROW" "$NARROW_SELECT" "$NARROW_INDEX" index
  floor_shape "SQL: narrow, map index, no journal/fsync, 512 MiB (unsafe)" sql OFF 524288 OFF "$NARROW" "$NARROW_SELECT" "$NARROW_INDEX" index
  floor_shape "SQL: rastro's row, no secondary index" sql WAL 65536 NORMAL "$F_TABLE" "$FULL_SELECT" "" none
  floor_shape "C client: rastro's row, no secondary index" c WAL 65536 NORMAL "$F_TABLE" "$FULL_SELECT" "" none
  floor_shape "SQL: narrow row, no secondary index" sql WAL 65536 NORMAL "$NARROW" "$NARROW_SELECT" "" none
  floor_shape "C client: narrow row, no secondary index" c WAL 65536 NORMAL "$NARROW" "$NARROW_SELECT" "" none
  # The peer without a secondary index, for the last two rows.
  SAVED_IDX=$S_PEER_IDX
  S_PEER_IDX=0
  for (( r = 1; r <= RUNS; r++ )); do
    sqlite_peer_run "$r" "$S_PEER_WR" sqlite-peer-noindex
    S_NT+=("$T_SEC")
  done
  S_PEER_IDX=$SAVED_IDX
  sqlite_rm "$BENCH_DIR/floor-src.db"
fi

# ---- memory: ROWS/5 vs ROWS (SQLite) -----------------------------------------------------------
SMALL_DB=$BENCH_DIR/small/rastro.db
sqlite_rm "$SMALL_DB"
"$RASTRO" init --database "sqlite:$SMALL_DB" > "$BENCH_DIR/logs/memory-init.log" 2>&1 \
  || { cat "$BENCH_DIR/logs/memory-init.log" >&2; die "rastro init --database sqlite:$SMALL_DB failed"; }
log "memory: rastro ingest of $SMALL_ROWS rows (SQLite)"
pushd "$BENCH_DIR/small" >/dev/null
timed "$BENCH_DIR/logs/memory-small.log" "$RASTRO" ingest "$SMALL_CSV" --database "sqlite:$SMALL_DB"
popd >/dev/null
small_count=$(sqlite3 "$SMALL_DB" 'SELECT count(*) FROM track_points')
[[ $small_count == "$SMALL_ROWS" ]] || die "memory run: expected $SMALL_ROWS rows, found '$small_count'"
MEM_SMALL_KB=$T_KB
sqlite_rm "$SMALL_DB"
log "  ${T_SEC}s, $(mib "$T_KB") MiB peak"

# ---- PostgreSQL --------------------------------------------------------------------------------
declare -a P_RT P_RK P_PT P_PK
if [[ $SKIP_PG != 1 ]]; then
  log "starting a throw-away PostgreSQL cluster in $PG_DIR on port $PG_PORT"
  PG_STARTED=1
  PG_URL=$("$REPO/scripts/pg.sh" start "$PG_DIR" "$PG_PORT") || die "scripts/pg.sh start failed"
  PG_URL=$(tail -n 1 <<<"$PG_URL")
  command -v psql >/dev/null || die "psql is not installed"
  psql_q() { PGOPTIONS="-c client_min_messages=warning" psql "$PG_URL" -X -q -v ON_ERROR_STOP=1 -tA "$@"; }
  PG_SERVER_VERSION=$(psql_q -c 'SHOW server_version')
  for (( r = 1; r <= RUNS; r++ )); do
    rs=bench_r$r ps=peer_r$r
    psql_q -c "DROP SCHEMA IF EXISTS $rs CASCADE; DROP SCHEMA IF EXISTS $ps CASCADE" > /dev/null

    # rastro
    "$RASTRO" init --database "$PG_URL?schema=$rs" > "$BENCH_DIR/logs/pg-rastro-init-$r.log" 2>&1 \
      || { cat "$BENCH_DIR/logs/pg-rastro-init-$r.log" >&2; die "rastro init --database $PG_URL?schema=$rs failed"; }
    if (( r == 1 )); then
      P_IDX=$(psql_q -c "SELECT string_agg(indexname || ' (' || substring(indexdef from '\((.*)\)') || ')', '; ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = '$rs' AND tablename = 'track_points' AND indexname <> 'track_points_pkey'")
      P_IDX_N=$(psql_q -c "SELECT count(*) FROM pg_indexes WHERE schemaname = '$rs' AND tablename = 'track_points' AND indexname <> 'track_points_pkey'")
      P_PEER_IDX=$(peer_index_for "$P_IDX_N")
      log "rastro's PostgreSQL track_points secondary indexes: ${P_IDX:-none} → peer: $(peer_shape "$P_PEER_IDX")"
    fi
    psql_q -c 'CHECKPOINT' > /dev/null
    log "PostgreSQL run $r/$RUNS: rastro ingest"
    pushd "$BENCH_DIR" >/dev/null
    timed "$BENCH_DIR/logs/pg-rastro-$r.log" "$RASTRO" ingest "$CSV" --database "$PG_URL?schema=$rs"
    popd >/dev/null
    expect_count "rastro PostgreSQL run $r" "$(psql_q -c "SELECT count(*) FROM $rs.track_points")"
    P_RT+=("$T_SEC"); P_RK+=("$T_KB")
    log "  rastro: ${T_SEC}s, $(mib "$T_KB") MiB peak (client)"
    psql_q -c "DROP SCHEMA $rs CASCADE" > /dev/null

    # peer: psql \copy
    { echo "CREATE SCHEMA $ps;"; peer_ddl "$ps." "$P_PEER_IDX"; } | psql_q > /dev/null || die "creating $ps.track_points failed"
    psql_q -c 'CHECKPOINT' > /dev/null
    log "PostgreSQL run $r/$RUNS: psql \\copy"
    timed "$BENCH_DIR/logs/pg-peer-$r.log" psql "$PG_URL" -X -v ON_ERROR_STOP=1 \
      -c "\\copy $ps.track_points FROM '$CSV' WITH (FORMAT csv, HEADER true)"
    expect_count "psql \\copy run $r" "$(psql_q -c "SELECT count(*) FROM $ps.track_points")"
    P_PT+=("$T_SEC"); P_PK+=("$T_KB")
    log "  psql: ${T_SEC}s, $(mib "$T_KB") MiB peak (client)"
    psql_q -c "DROP SCHEMA $ps CASCADE" > /dev/null
  done
fi

# ---- report ------------------------------------------------------------------------------------
row() { # row LABEL rastro_sec peer_sec rastro_kb peer_kb
  awk -v l="$1" -v rt="$2" -v pt="$3" -v rk="$4" -v pk="$5" -v n="$ROWS" 'BEGIN {
    printf "%-18s %10.2f %9.2f %15.0f %13.0f %7.2f %16.0f %14.0f\n", l, rt, pt, n / rt, n / pt, pt / rt, rk / 1024, pk / 1024 }'
}
{
  echo "ingest $ROWS track points, median of $RUNS ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores)"
  printf '%-18s %10s %9s %15s %13s %7s %16s %14s\n' target "rastro s" "peer s" "rastro rows/s" "peer rows/s" ratio "rastro peak MiB" "peer peak MiB"
  row SQLite "$(median "${S_RT[@]}")" "$(median "${S_PT[@]}")" "$(maxof "${S_RK[@]}")" "$(maxof "${S_PK[@]}")"
  if (( S_EXTRA )); then
    row "SQLite, rowid peer" "$(median "${S_RT[@]}")" "$(median "${S_XT[@]}")" "$(maxof "${S_RK[@]}")" "$(maxof "${S_XK[@]}")"
  fi
  if [[ $SKIP_PG != 1 ]]; then
    row PostgreSQL "$(median "${P_RT[@]}")" "$(median "${P_PT[@]}")" "$(maxof "${P_RK[@]}")" "$(maxof "${P_PK[@]}")"
  else
    echo "PostgreSQL         skipped (SKIP_PG=1)"
  fi
  if [[ $FLOOR == 1 ]]; then
    PEER_WITH=$(median "${S_PT[@]}") PEER_WITHOUT=$(median "${S_NT[@]}")
    echo "engine floor: SQLite storing the rows rastro's load stored, no parsing or validation; SQL: one INSERT … SELECT"
    echo "(no client at all); C client: the rows already in memory, bound into a 64-row prepared INSERT (scripts/bench/"
    echo "floor_client.c). Median of $RUNS; best = peer s ÷ floor s, the most such a client could reach (target 1.5):"
    printf '  %-62s %8s %8s %6s %12s\n' "table" "floor s" "peer s" "best" "1.5× needs"
    for (( i = 0; i < ${#F_NAMES[@]}; i++ )); do
      peer=$PEER_WITH; [[ ${F_PEERS[$i]} == none ]] && peer=$PEER_WITHOUT
      awk -v l="${F_NAMES[$i]}" -v f="${F_TIMES[$i]}" -v p="$peer" 'BEGIN { printf "  %-62s %8.2f %8.2f %6.2f %10.2f s\n", l, f, p, p / f, p / 1.5 }'
    done
    echo "  peer s: sqlite3 .import with its map index ($(peer_shape "$S_PEER_IDX" "$S_PEER_WR")) for rows with an index,"
    echo "  and into the same table with no secondary index for rows without (runs: ${S_NT[*]})."
  fi
  echo "memory: $SMALL_ROWS rows → $(mib "$MEM_SMALL_KB") MiB peak, $ROWS rows → $(mib "$(maxof "${S_RK[@]}")") MiB peak (rastro ingest, SQLite)"
  echo "runs (s): SQLite rastro ${S_RT[*]} | sqlite3 ${S_PT[*]}$( (( S_EXTRA )) && echo " | sqlite3 rowid ${S_XT[*]}")$([[ $SKIP_PG != 1 ]] && echo " | PostgreSQL rastro ${P_RT[*]} | psql ${P_PT[*]}")"
  echo "ratio = rastro rows/s ÷ peer rows/s; peak MiB = max RSS over the runs (/usr/bin/time %M) of the client"
  echo "process only (for PostgreSQL the server's memory is not included); targets: SQLite ≥ 1.5, PostgreSQL ≥ 0.85."
  echo "tables (as created): rastro track_points (SQLite) = $S_COLS;"
  echo "  PRIMARY KEY ($S_PKCOLS)$( (( S_WR )) && echo ", WITHOUT ROWID"); secondary indexes: ${S_IDX:-none}$([[ $SKIP_PG != 1 ]] && echo "; PostgreSQL: ${P_IDX:-none}")."
  echo "  rastro also validates and hashes every row, derives record_id = vehicle_id@recorded_at, stamps the"
  echo "  marking (tlp, releasable_to, originator) and provenance (file_id, line), and writes loads/load_files rows."
  echo "  peer track_points = vehicle_id, recorded_at, lat, lon, source, speed_kmh only; SQLite: $(peer_shape "$S_PEER_IDX" "$S_PEER_WR")$( (( S_EXTRA )) && echo " (rowid peer: $(peer_shape "$S_PEER_IDX" 0))")$([[ $SKIP_PG != 1 ]] && echo "; PostgreSQL: $(peer_shape "$P_PEER_IDX")");"
  echo "  no validation. sqlite3 .import: page_size=$S_PEER_PAGE, journal_mode=WAL, synchronous=NORMAL, otherwise defaults, one transaction"
  echo "  (rastro's connection: $RASTRO_PRAGMAS). psql \\copy: FORMAT csv, HEADER true, one transaction."
  echo "rastro built from $REV; timed runs with other heavy work seen running: $CONTENDED"
  echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1)$([[ $SKIP_PG != 1 ]] && echo ", PostgreSQL server $PG_SERVER_VERSION (scripts/pg.sh, fsync=on)")"
} | tee "$RESULTS"
log "results written to $RESULTS"
