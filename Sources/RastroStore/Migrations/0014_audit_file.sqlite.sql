-- 0014 (SQLite only): the audit log in a file of its own. Every audited read appends an entry,
-- and every commit to a file makes SQLite empty the other connections' page caches of that file:
-- with the log in the database file, a server's read connections lost their caches every few
-- requests (docs/benchmarks.md, federation). The log now lives in `PATH-audit`, attached to every
-- connection as schema `audit` (SQLiteDatabase). Before this file runs, the migrator copies the
-- log and its checkpoints there in a transaction of that file alone (Migrator.moveAuditLog): a
-- commit across two WAL files is atomic in each file, not across them, so the copy commits first
-- and the originals are dropped here, after it. A write's entry goes into `audit_outbox`, in the
-- write's own transaction, and joins the chain in the audit file right after (AuditChain). On
-- PostgreSQL nothing runs. Append-only: never edit once shipped.

CREATE TABLE audit_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    org_id TEXT NOT NULL,
    action TEXT NOT NULL,
    objects TEXT NOT NULL,
    detail TEXT NOT NULL
);

DROP TABLE main.audit_log;

DROP TABLE main.audit_checkpoints;
