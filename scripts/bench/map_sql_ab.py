"""A/B of the map's box reads, SQL only: migration 0009's indexes (hash value, then a latitude band)
against 0011's (hash value, one-degree cell, latitude), each read through the sampler as
Store+Map runs it, for random views of four sizes over Mexico; CPU time per view (process_time,
so that other work on the machine weighs less), medians and maxima of the same views.

    python3 scripts/bench/map_sql_ab.py COPY-OF-A-STORE.db [ROUNDS]

The store must be migrated to 0011 or 0012 (`rastro init` of a rastro before 0013, which replaced the
positions' index); 0009's indexes are made in it for the run
(about a minute on the large world) and dropped afterwards: give it a copy."""
import math
import random
import sqlite3
import statistics
import sys
import time

LIMIT = 200  # Store.mapCells: more cells than this, and the box is read without them
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA cache_size=-65536")
db.execute("CREATE INDEX IF NOT EXISTS tmp_old_tp ON track_points ((content_hash % 1024), lat, lon, is_current, tlp, originator, releasable_to, content_hash)")
db.execute("CREATE INDEX IF NOT EXISTS tmp_old_lo ON legs ((content_hash % 1024), origin_lat, origin_lon)")
db.execute("CREATE INDEX IF NOT EXISTS tmp_old_ld ON legs ((content_hash % 1024), destination_lat, destination_lon)")
B = [0] + [x for i in range(1, 1024) for x in (i, -i)]
pred = "(CASE tlp WHEN 'amber' THEN (instr(releasable_to, ?) > 0 OR instr(releasable_to, ?) > 0 OR originator = ?) WHEN 'clear' THEN TRUE WHEN 'green' THEN TRUE WHEN 'amber+strict' THEN (instr(releasable_to, ?) > 0 OR originator = ?) ELSE originator = ? END)"
pb = [";MX;", ";MX-FUSION;", "MX-FUSION", ";MX-FUSION;", "MX-FUSION", "MX-FUSION"]
def cells(box, la, lo):
    w, s, e, n = box
    cs = [a * 1000 + o for a in range(math.floor(s + 90), math.floor(n + 90) + 1) for o in range(math.floor(w + 180), math.floor(e + 180) + 1)]
    if len(cs) > LIMIT: return ""
    return f" AND (CAST({la} + 90 AS INTEGER) * 1000 + CAST({lo} + 180 AS INTEGER)) IN ({','.join(map(str, cs))})"
def sampled(limit, fetch):
    items, read, share, nxt = 0, 0, 0.0, 4
    while read < len(B) and items < limit:
        batch = B[read:read + nxt]
        items += fetch(",".join(map(str, batch)), 2 * limit + 1)
        share += sum((2.0 if b == 0 else 1.0) / 2048 for b in batch); read += len(batch)
        per = items / read
        nxt = max(1, math.ceil((limit - items) / per * 1.1)) if per > 0 else read * 8
    return items
def points(box, new):
    w, s, e, n = box
    def fetch(bl, cap):
        idx = "track_points_map_cell" if new else "tmp_old_tp"
        c = cells(box, "lat", "lon") if new else ""
        return len(db.execute(f"SELECT record_id, lat, lon FROM track_points INDEXED BY {idx} WHERE (content_hash % 1024) IN ({bl}){c} AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND is_current = 1 AND {pred} LIMIT {cap}", [s, n, w, e] + pb).fetchall())
    return sampled(10000, fetch)
def legs(box, new):
    w, s, e, n = box
    def fetch(bl, cap):
        if new:
            sql = f"""SELECT * FROM legs WHERE record_id IN (SELECT record_id FROM legs INDEXED BY legs_map_origin_cell WHERE (content_hash % 1024) IN ({bl}){cells(box,'origin_lat','origin_lon')} AND origin_lat BETWEEN ? AND ? AND origin_lon BETWEEN ? AND ? AND is_current = 1 AND {pred}
              UNION SELECT record_id FROM legs INDEXED BY legs_map_destination_cell WHERE (content_hash % 1024) IN ({bl}){cells(box,'destination_lat','destination_lon')} AND destination_lat BETWEEN ? AND ? AND destination_lon BETWEEN ? AND ? AND is_current = 1 AND {pred}) AND is_current = 1 LIMIT {cap}"""
        else:
            sql = f"""SELECT * FROM legs INDEXED BY tmp_old_lo WHERE (content_hash % 1024) IN ({bl}) AND origin_lat BETWEEN ? AND ? AND origin_lon BETWEEN ? AND ? AND is_current = 1 AND {pred}
              UNION SELECT * FROM legs INDEXED BY tmp_old_ld WHERE (content_hash % 1024) IN ({bl}) AND destination_lat BETWEEN ? AND ? AND destination_lon BETWEEN ? AND ? AND is_current = 1 AND {pred} LIMIT {cap}"""
        return len(db.execute(sql, [s, n, w, e] + pb + [s, n, w, e] + pb).fetchall())
    return sampled(2000, fetch)
random.seed(11)
sizes = {"country": (32, 19), "state": (4, 3), "city": (0.5, 0.4), "street": (0.06, 0.04)}
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
for name, (dw, dh) in sizes.items():
    boxes = []
    for _ in range(rounds):
        cx, cy = random.uniform(-112, -88), random.uniform(16, 30)
        boxes.append((cx - dw / 2, cy - dh / 2, cx + dw / 2, cy + dh / 2))
    res = {}
    for new in (False, True, False, True):
        ts = []
        for box in boxes:
            t = time.process_time(); points(box, new); legs(box, new); ts.append((time.process_time() - t) * 1000)
        res.setdefault(new, []).extend(ts)
    old, new = res[False], res[True]
    print(f"{name:8s} CPU ms per view: 0009 median {statistics.median(old):7.1f} max {max(old):7.1f} | 0011 median {statistics.median(new):7.1f} max {max(new):7.1f}")
for name in ("tmp_old_tp", "tmp_old_lo", "tmp_old_ld"):
    db.execute("DROP INDEX " + name)
