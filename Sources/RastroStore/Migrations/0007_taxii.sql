-- 0007: federation over TAXII 2.1. The collections this node serves (each bound to one partner
-- organization and a sharing rule), the STIX objects published into them, the statuses of
-- add-objects requests, and the cursors of this node's pulls from partners' servers.
-- Append-only: never edit once shipped.

CREATE TABLE taxii_collections (
    collection_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    partner_org TEXT NOT NULL,
    rule TEXT NOT NULL,
    can_read INTEGER NOT NULL,
    can_write INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    published_at TEXT
);

-- One row per object version in a collection. added_us is the TAXII date_added in microseconds
-- since 1970, strictly increasing within a collection, so it is both the `added_after` filter and
-- the keyset of pagination: a page costs the same whatever the collection's size.
CREATE TABLE taxii_objects (
    collection_id TEXT NOT NULL,
    added_us BIGINT NOT NULL,
    object_id TEXT NOT NULL,
    version TEXT NOT NULL,
    object_type TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    is_latest INTEGER NOT NULL,
    is_first INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (collection_id, added_us)
) /*sqlite: WITHOUT ROWID*/;
CREATE UNIQUE INDEX taxii_objects_version ON taxii_objects (collection_id, object_id, version);
CREATE INDEX taxii_objects_latest ON taxii_objects (collection_id, is_latest, added_us);
CREATE INDEX taxii_objects_type ON taxii_objects (collection_id, object_type, is_latest, added_us);

CREATE TABLE taxii_statuses (
    status_id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    org_id TEXT NOT NULL,
    request_timestamp TEXT NOT NULL,
    status TEXT NOT NULL,
    total_count INTEGER NOT NULL,
    success_count INTEGER NOT NULL,
    failure_count INTEGER NOT NULL,
    pending_count INTEGER NOT NULL,
    details TEXT NOT NULL
);

-- Where a pull from a partner's collection got to: the date_added of the last object of the last
-- page loaded. A pull resumes just before it (the boundary page is loaded again, idempotently).
CREATE TABLE sync_cursors (
    remote TEXT NOT NULL,
    collection_id TEXT NOT NULL,
    added_last TEXT,
    objects_loaded BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (remote, collection_id)
);
