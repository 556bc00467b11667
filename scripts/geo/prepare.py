#!/usr/bin/env python3
"""Makes the workbench's offline basemap, Sources/RastroServer/Web/geo/, from shared/data/geo.

Standard library only. Coordinates are rounded to 3 decimals (about 110 m, finer than the 1:10m
sources' detail at the map's zoom levels); a vertex equal to the one before it after rounding is
dropped, and a ring left with fewer than 4 vertices is dropped (islands smaller than the
rounding). The ports and crossings CSV and the cities CSV (population >= 100,000) become GeoJSON
points. Run: scripts/geo/prepare.py [SOURCE_DIR] [OUT_DIR]
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(ROOT), "shared", "data", "geo")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "Sources", "RastroServer", "Web", "geo")
DIGITS = 3


def ring(points):
    out = []
    for lon, lat in points:
        point = [round(lon, DIGITS), round(lat, DIGITS)]
        if not out or out[-1] != point:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def polygon(rings):
    kept = [r for r in (ring(r) for r in rings) if r]
    # Without its exterior ring a polygon is gone, holes and all.
    return kept if kept and ring(rings[0]) else None


def geometry(geo):
    if geo["type"] == "Polygon":
        rings = polygon(geo["coordinates"])
        return {"type": "Polygon", "coordinates": rings} if rings else None
    if geo["type"] == "MultiPolygon":
        parts = [p for p in (polygon(p) for p in geo["coordinates"]) if p]
        return {"type": "MultiPolygon", "coordinates": parts} if parts else None
    raise ValueError("unexpected geometry " + geo["type"])


def write(name, features):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False, separators=(",", ":"))
        out.write("\n")
    print(f"{name}: {len(features)} features, {os.path.getsize(path) // 1024} KiB")


def polygons(name, keep):
    with open(os.path.join(SOURCE, name), encoding="utf-8") as source:
        data = json.load(source)
    features = []
    for feature in data["features"]:
        geo = geometry(feature["geometry"])
        if geo:
            features.append({"type": "Feature", "properties": {k: feature["properties"].get(k) for k in keep}, "geometry": geo})
    write(name, features)


def point(lat, lon, properties):
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "Point", "coordinates": [round(float(lon), 4), round(float(lat), 4)]}}


def main():
    os.makedirs(OUT, exist_ok=True)
    polygons("mexico_states.geojson", ["name", "iso_3166_2"])
    polygons("neighbours.geojson", ["name", "adm0_a3", "level", "iso_3166_2"])
    with open(os.path.join(SOURCE, "mexico_ports_crossings.csv"), encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    write("ports.geojson", [point(r["lat"], r["lon"], {"name": r["name"], "kind": r["kind"], "main": r["main"] == "1",
                                                       "state": r["state_code"], "locode": r["unlocode"], "iata": r["iata"],
                                                       "counterpart": r["counterpart"]}) for r in rows])
    with open(os.path.join(SOURCE, "mexico_cities.csv"), encoding="utf-8") as source:
        rows = [r for r in csv.DictReader(source) if int(r["population"]) >= 100_000]
    write("cities.geojson", [point(r["lat"], r["lon"], {"name": r["name"], "state": r["state_code"],
                                                        "population": int(r["population"])}) for r in rows])


if __name__ == "__main__":
    main()
