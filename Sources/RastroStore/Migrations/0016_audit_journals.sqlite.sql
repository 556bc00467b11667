-- 0016 (SQLite only): the read journals (AuditJournal, docs/sharing.md "Audit"). A read's audit
-- entry is written to its process's journal file in PATH-audit.journals/ before the data is
-- returned, and joins the chain in batches. Each journal is registered here before its first
-- record, with how many of its bytes are already in the chain. When the last of them is in, the
-- row is marked closed, the file removed, and the row deleted by a later fold. A journal whose file
-- is missing while its row is open was deleted before its reads joined the chain, which
-- `rastro audit verify` reports. On PostgreSQL nothing runs: reads
-- are committed to the chain one transaction each. Append-only: never edit once shipped.

CREATE TABLE IF NOT EXISTS audit.audit_journals (
    name TEXT PRIMARY KEY,
    folded INTEGER NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0,
    opened_at TEXT NOT NULL
);
