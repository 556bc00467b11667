-- 0005: sharing inside the node. Its member organizations (agencies, not the contract's
-- companies), their users and API tokens; leads sent between organizations and their history;
-- each organization's state of an alert; the hash-chained audit log and its signed checkpoints.
-- Append-only: never edit once shipped.

CREATE TABLE members (
    org_id TEXT PRIMARY KEY,
    country TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A store initialized before this migration: its own organization becomes its first member.
INSERT INTO members (org_id, country, name, created_at)
SELECT o.value, c.value, o.value, '' FROM node_settings o JOIN node_settings c ON c.key = 'country' WHERE o.key = 'organization';

CREATE TABLE users (
    user_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE api_tokens (
    token_id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);

CREATE TABLE leads (
    lead_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    origin_org TEXT NOT NULL,
    recipient_org TEXT,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    score DOUBLE PRECISION,
    reasons TEXT NOT NULL,
    evidence TEXT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    outcome_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX leads_recipient ON leads (recipient_org);
CREATE INDEX leads_origin ON leads (origin_org);

CREATE TABLE lead_events (
    lead_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    org_id TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    private INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (lead_id, seq)
);

CREATE TABLE alert_states (
    subject TEXT NOT NULL,
    org_id TEXT NOT NULL,
    state TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (subject, org_id)
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    org_id TEXT NOT NULL,
    action TEXT NOT NULL,
    objects TEXT NOT NULL,
    detail TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_checkpoints (
    seq BIGINT PRIMARY KEY,
    hash TEXT NOT NULL,
    at TEXT NOT NULL,
    node_org TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);
