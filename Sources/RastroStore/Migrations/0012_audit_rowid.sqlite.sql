-- 0012 (SQLite only): the audit log keyed by SQLite's rowid. 0005 declared `seq BIGINT PRIMARY
-- KEY`, which SQLite keeps as a second b-tree beside the table's rowid b-tree, so that every entry
-- wrote two pages to the WAL and each read's audit commit cost about a third more
-- (docs/benchmarks.md, issue 6). Declared `INTEGER PRIMARY KEY`, `seq` is the rowid. Every entry
-- is copied unchanged (sequence number, time, content, previous hash and hash), so the chain and
-- its signed checkpoints verify as before. On PostgreSQL (a heap and its primary key's index either
-- way) nothing runs. Append-only: never edit once shipped.

CREATE TABLE audit_log_keyed (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    org_id TEXT NOT NULL,
    action TEXT NOT NULL,
    objects TEXT NOT NULL,
    detail TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

INSERT INTO audit_log_keyed (seq, at, actor, org_id, action, objects, detail, previous_hash, hash)
SELECT seq, at, actor, org_id, action, objects, detail, previous_hash, hash FROM audit_log ORDER BY seq;

DROP TABLE audit_log;

ALTER TABLE audit_log_keyed RENAME TO audit_log;
