#!/usr/bin/env python3
"""Independent checks of a simulated world, for scripts/bench/simulate.sh (standard library only).

  sim_check.py hardness WORLD          single-field 5-fold cross-validated AUC for each declared
                                       consignment field (how well one field alone ranks the
                                       diverted consignments; 0.5 = chance, 1 = gives it away)
  sim_check.py findings WORLD KIND OUT write findings built from the truth (KIND=perfect) or random
                                       ones (KIND=random, seed 1) for `rastro evaluate`
  sim_check.py auc WORLD FINDINGS      the consignment AUC computed here, to compare with rastro's
"""
import csv, json, math, random, sys
from collections import defaultdict

csv.field_size_limit(1 << 24)


def auc(scores, labels):
    """Mann-Whitney AUC with mid-ranks for ties."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and scores[order[j]] == scores[order[i]]:
            j += 1
        for k in range(i, j):
            ranks[order[k]] = (i + j + 1) / 2
        i = j
    positives = sum(labels)
    negatives = len(labels) - positives
    total = sum(r for r, y in zip(ranks, labels) if y)
    return (total - positives * (positives + 1) / 2) / (positives * negatives)


def load(world):
    truth = json.load(open(f"{world}/truth.json"))
    diverted = {d["consignment_id"] for d in truth["diverted_consignments"]}
    rows = list(csv.DictReader(open(f"{world}/consignments.csv", encoding="utf-8")))
    return truth, diverted, rows


def hardness(world):
    truth, diverted, rows = load(world)
    labels = [1 if r["consignment_id"] in diverted else 0 for r in rows]
    base = sum(labels) / len(labels)
    fields = {
        "chemical": lambda r: (r["chemical_cas"], r["chemical_name"]),
        "port_locode": lambda r: r["port_locode"],
        "exporter_country": lambda r: r["exporter_country"],
        "origin_port_locode": lambda r: r["origin_port_locode"],
        "hs_code": lambda r: r["hs_code"],
        "declared_use": lambda r: r["declared_use"],
        "pen_reference given": lambda r: bool(r["pen_reference"]),
        "importer_tax_id given": lambda r: bool(r["importer_tax_id"]),
        "quantity (0.1 log10 bins)": lambda r: round(math.log10(max(float(r["quantity_kg"]), 0.1)), 1),
        "arrival month": lambda r: r["arrival_date"][:7],
        "importer_name": lambda r: r["importer_name"],
    }
    print(f"{world}: {sum(labels)} diverted of {len(labels)} consignments")
    print(f"{'field':28s} cv-AUC")
    for name, key in fields.items():
        values = [key(r) for r in rows]
        scores = [0.0] * len(rows)
        for fold in range(5):
            counts = defaultdict(lambda: [0, 0])
            for i, v in enumerate(values):
                if i % 5 != fold:
                    counts[v][0] += labels[i]
                    counts[v][1] += 1
            for i, v in enumerate(values):
                if i % 5 == fold:
                    p, n = counts.get(v, (0, 0))
                    scores[i] = (p + base * 5) / (n + 5)
        print(f"{name:28s} {auc(scores, labels):.3f}")


def findings(world, kind, out):
    truth, diverted, rows = load(world)
    rng = random.Random(1)
    clusters = defaultdict(list)
    for m in truth["mentions"]:
        clusters[m["entity_id"]].append({"kind": m["kind"], "id": m["id"], "role": m["role"]})
    if kind == "perfect":
        result = {
            "consignments": [{"consignment_id": c, "risk": 1.0 if c in diverted else 0.0, "flags": []} for c in truth["consignment_ids"]],
            "entities": [{"entity_id": e, "mentions": ms} for e, ms in sorted(clusters.items())],
            "areas": [{"lat": l["lat"], "lon": l["lon"], "radius_km": 1.0, "score": 1.0, "evidence": []} for l in truth["labs"]],
        }
    else:
        mentions = [{"kind": m["kind"], "id": m["id"], "role": m["role"]} for m in truth["mentions"]]
        groups = defaultdict(list)
        for m in mentions:
            groups[rng.randrange(max(1, len(clusters)))].append(m)
        result = {
            "consignments": [{"consignment_id": c, "risk": rng.random(), "flags": []} for c in truth["consignment_ids"]],
            "entities": [{"entity_id": f"R{k}", "mentions": ms} for k, ms in sorted(groups.items())],
            "areas": [{"lat": rng.uniform(15, 32), "lon": rng.uniform(-117, -87), "score": 0.5} for _ in truth["labs"]],
        }
    json.dump(result, open(out, "w"))


def check_auc(world, path):
    truth, diverted, rows = load(world)
    risks = {c["consignment_id"]: c["risk"] for c in json.load(open(path))["consignments"]}
    ids = truth["consignment_ids"]
    print(f"{auc([risks.get(c, 0.0) for c in ids], [1 if c in diverted else 0 for c in ids]):.6f}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "hardness" and len(sys.argv) == 3:
        hardness(sys.argv[2])
    elif command == "findings" and len(sys.argv) == 5:
        findings(sys.argv[2], sys.argv[3], sys.argv[4])
    elif command == "auc" and len(sys.argv) == 4:
        check_auc(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
