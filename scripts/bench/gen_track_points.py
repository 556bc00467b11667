#!/usr/bin/env python3
"""Writes a contract-v1 track_points CSV with ROWS rows to stdout (deterministic).

    gen_track_points.py ROWS [POINTS_PER_VEHICLE]

Vehicles TRK-00001, TRK-00002 … each report POINTS_PER_VEHICLE (default 2,500) points, one every
60 s from a start time on 2026-03-02 (whole minutes), wandering inside Mexico (lat 14..32,
lon -117..-86, 5 decimals); source `gps`, about 2 % `checkpoint`; speed_kmh 0..110, 1 decimal.
Rows are grouped by vehicle, each vehicle's points in time order. (vehicle_id, recorded_at) is unique.
"""
import random
import sys
import time

HEADER = "vehicle_id,recorded_at,lat,lon,source,speed_kmh\n"
BASE = 1772409600  # 2026-03-02T00:00:00Z


def main() -> None:
    rows = int(sys.argv[1])
    per_vehicle = int(sys.argv[2]) if len(sys.argv) > 2 else 2500
    rnd = random.Random(20260302)
    uniform, rand = rnd.uniform, rnd.random
    gmtime, strftime = time.gmtime, time.strftime
    out = sys.stdout
    out.write(HEADER)
    written = 0
    vehicle = 0
    while written < rows:
        vehicle += 1
        vid = "TRK-%05d" % vehicle
        t = BASE + rnd.randrange(0, 24 * 60) * 60
        lat = uniform(14.5, 31.5)
        lon = uniform(-116.5, -86.5)
        n = min(per_vehicle, rows - written)
        lines = []
        append = lines.append
        for _ in range(n):
            lat = min(32.0, max(14.0, lat + uniform(-0.01, 0.01)))
            lon = min(-86.0, max(-117.0, lon + uniform(-0.01, 0.01)))
            source = "checkpoint" if rand() < 0.02 else "gps"
            append("%s,%s,%.5f,%.5f,%s,%.1f\n" % (vid, strftime("%Y-%m-%dT%H:%M:%SZ", gmtime(t)), lat, lon, source,
                                                   uniform(0.0, 110.0)))
            t += 60
        out.write("".join(lines))
        written += n


if __name__ == "__main__":
    main()
