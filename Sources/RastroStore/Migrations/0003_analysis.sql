-- 0003: analysis runs. Each run keeps what it found as JSON: a summary, the contract-v1 findings,
-- the alerts (what crossed thresholds, with reasons) and the detail behind them. Append-only:
-- never edit once shipped.

CREATE TABLE analysis_runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    summary TEXT NOT NULL,
    findings TEXT NOT NULL,
    alerts TEXT NOT NULL,
    detail TEXT NOT NULL
);
