#!/usr/bin/env python3
"""Fits the risk model's weights on simulated worlds (issue 5): logistic regression of "diverted"
on each rule's strength, from the stored detail of `rastro analyze` runs and the worlds' truth.

    scripts/analysis/calibrate.py --probe PROBE.json        # every rule at weight 1
    rastro analyze --database sqlite:STORE.db --rules PROBE.json   # for each training world
    scripts/analysis/calibrate.py OUT.json STORE.db TRUTH.json [STORE.db TRUTH.json ...]

A rule's strength is read back from its stored contribution ÷ its weight, so the training runs must
use the probe (a rule at weight 0 does not fire at all). Writes a RiskConfig (the current one with the fitted intercept and weights) to OUT.json, for
`rastro analyze --rules OUT.json`; prints the fit and each weight. Standard library only: Newton's
method with a small L2 penalty (the rules are few, the worlds small)."""
import json, math, re, sqlite3, sys


def load(store, truth_path):
    row = sqlite3.connect(store).execute(
        "SELECT detail FROM analysis_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1").fetchone()
    detail = json.loads(row[0])
    truth = json.load(open(truth_path))
    diverted = {d["consignment_id"] for d in truth["diverted_consignments"]}
    weights = detail["config"]["weights"]
    rows = []
    for assessment in detail["consignments"]:
        strengths = {}
        for reason in assessment["reasons"]:
            weight = weights.get(reason["rule"], 0)
            if weight:
                strengths[reason["rule"]] = strengths.get(reason["rule"], 0) + reason["contribution"] / weight
        rows.append((strengths, 1 if assessment["id"] in diverted else 0))
    return detail["config"], rows


def fit(rows, rules, penalty=1.0, iterations=50):
    n = len(rules) + 1
    beta = [0.0] * n
    X = [[1.0] + [s.get(r, 0.0) for r in rules] for s, _ in rows]
    y = [label for _, label in rows]
    for _ in range(iterations):
        grad = [0.0] * n
        hess = [[0.0] * n for _ in range(n)]
        for xi, yi in zip(X, y):
            z = sum(b * x for b, x in zip(beta, xi))
            p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            w = p * (1 - p)
            for j in range(n):
                grad[j] += (yi - p) * xi[j]
                for k in range(n):
                    hess[j][k] += w * xi[j] * xi[k]
        for j in range(1, n):
            grad[j] -= penalty * beta[j]
            hess[j][j] += penalty
        step = solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return beta


def solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def auc(scores, labels):
    pairs = sorted(zip(scores, labels))
    rank, positives, total = 0.0, sum(labels), len(labels)
    i = 0
    while i < total:
        j = i
        while j < total and pairs[j][0] == pairs[i][0]:
            j += 1
        average = (i + j + 1) / 2
        rank += average * sum(l for _, l in pairs[i:j])
        i = j
    negatives = total - positives
    return (rank - positives * (positives + 1) / 2) / (positives * negatives) if positives and negatives else float("nan")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        # A configuration that lets every rule fire with weight 1, so that each rule's strength can be
        # read back from the stored reasons: analyze the training worlds with it first.
        from pathlib import Path
        source = (Path(__file__).resolve().parents[2] / "Sources/RastroAnalysis/Risk/RiskModel.swift").read_text()
        start = source.index("public var weights: [String: Double] = [")
        names = re.findall(r'"([a-z_]+)":', source[start:source.index("\n    ]", start)])
        json.dump({"version": "probe", "intercept": -4.0, "weights": {name: 1.0 for name in names}}, open(sys.argv[2], "w"), indent=2,
                  sort_keys=True)
        print(f"{len(names)} rules at weight 1 in {sys.argv[2]}")
        return
    if len(sys.argv) < 4 or len(sys.argv) % 2:
        sys.exit(__doc__)
    out, pairs = sys.argv[1], sys.argv[2:]
    config, rows = None, []
    for store, truth in zip(pairs[0::2], pairs[1::2]):
        config, more = load(store, truth)
        rows += more
    rules = sorted(config["weights"])
    beta = fit(rows, rules)
    scores = [sum(b * x for b, x in zip(beta, [1.0] + [s.get(r, 0.0) for r in rules])) for s, _ in rows]
    print(f"{len(rows)} consignments, {sum(l for _, l in rows)} diverted; training AUC {auc(scores, [l for _, l in rows]):.3f}")
    config["intercept"] = round(beta[0], 3)
    for rule, weight in zip(rules, beta[1:]):
        fired = sum(1 for s, _ in rows if s.get(rule, 0) > 0)
        print(f"  {rule:32s} {weight:+.3f}  (fires on {fired}){'  → 0: a red flag never lowers a risk' if weight < 0 else ''}")
        config["weights"][rule] = max(0.0, round(weight, 3))
    config["version"] = config["version"].split("+")[0] + "+fitted"
    json.dump(config, open(out, "w"), indent=2, sort_keys=True)


main()
