-- 0001: the node's settings, loads and one versioned table per kind of data contract v1.
-- Portable SQL: the same text runs on SQLite and PostgreSQL. A comment /*sqlite: …*/ holds a clause
-- that only SQLite gets (WITHOUT ROWID: the versions live in the primary key's b-tree, one b-tree
-- per table instead of two). Append-only: never edit once shipped.

CREATE TABLE node_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE loads (
    load_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    summary TEXT NOT NULL
);

CREATE TABLE load_files (
    file_id BIGINT PRIMARY KEY,
    load_id TEXT NOT NULL,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    format TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    inserted BIGINT NOT NULL,
    versioned BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    rejected BIGINT NOT NULL
);
CREATE INDEX load_files_load ON load_files (load_id);


CREATE TABLE organizations (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    content_hash BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    originator TEXT NOT NULL,
    file_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    attributes TEXT,
    org_id TEXT,
    name TEXT,
    country TEXT,
    tax_id TEXT,
    business_type TEXT,
    address TEXT,
    city TEXT,
    state TEXT,
    postal_code TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    registered_on TEXT,
    representative TEXT,
    phone TEXT,
    email TEXT,
    PRIMARY KEY (record_id, version)
) /*sqlite: WITHOUT ROWID*/;

CREATE TABLE consignments (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    content_hash BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    originator TEXT NOT NULL,
    file_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    attributes TEXT,
    consignment_id TEXT,
    arrival_date TEXT,
    port_locode TEXT,
    chemical_cas TEXT,
    chemical_name TEXT,
    quantity_kg DOUBLE PRECISION,
    importer_name TEXT,
    importer_tax_id TEXT,
    importer_address TEXT,
    exporter_name TEXT,
    exporter_country TEXT,
    origin_port_locode TEXT,
    hs_code TEXT,
    bill_of_lading TEXT,
    vessel_imo TEXT,
    container_id TEXT,
    declared_use TEXT,
    pen_reference TEXT,
    chemical_ref TEXT,
    PRIMARY KEY (record_id, version)
) /*sqlite: WITHOUT ROWID*/;

CREATE TABLE transfers (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    content_hash BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    originator TEXT NOT NULL,
    file_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    attributes TEXT,
    transfer_id TEXT,
    date TEXT,
    chemical_cas TEXT,
    chemical_name TEXT,
    quantity_kg DOUBLE PRECISION,
    from_name TEXT,
    to_name TEXT,
    from_tax_id TEXT,
    to_tax_id TEXT,
    to_address TEXT,
    consignment_id TEXT,
    document_ref TEXT,
    chemical_ref TEXT,
    PRIMARY KEY (record_id, version)
) /*sqlite: WITHOUT ROWID*/;

CREATE TABLE legs (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    content_hash BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    originator TEXT NOT NULL,
    file_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    attributes TEXT,
    leg_id TEXT,
    vehicle_id TEXT,
    departed_at TEXT,
    arrived_at TEXT,
    origin_lat DOUBLE PRECISION,
    origin_lon DOUBLE PRECISION,
    destination_lat DOUBLE PRECISION,
    destination_lon DOUBLE PRECISION,
    carrier_name TEXT,
    transfer_id TEXT,
    consignment_id TEXT,
    PRIMARY KEY (record_id, version)
) /*sqlite: WITHOUT ROWID*/;

CREATE TABLE track_points (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    content_hash BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    originator TEXT NOT NULL,
    file_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    attributes TEXT,
    vehicle_id TEXT,
    recorded_at TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    source TEXT,
    speed_kmh DOUBLE PRECISION,
    PRIMARY KEY (record_id, version)
) /*sqlite: WITHOUT ROWID*/;

CREATE TABLE usage_reports (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    content_hash BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    originator TEXT NOT NULL,
    file_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    attributes TEXT,
    report_id TEXT,
    org_tax_id TEXT,
    org_name TEXT,
    chemical_cas TEXT,
    chemical_name TEXT,
    period_start TEXT,
    period_end TEXT,
    received_kg DOUBLE PRECISION,
    consumed_kg DOUBLE PRECISION,
    stock_end_kg DOUBLE PRECISION,
    chemical_ref TEXT,
    PRIMARY KEY (record_id, version)
) /*sqlite: WITHOUT ROWID*/;

CREATE TABLE observations (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    content_hash BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    originator TEXT NOT NULL,
    file_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    attributes TEXT,
    observation_id TEXT,
    observed_at TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    kind TEXT,
    confidence DOUBLE PRECISION,
    source TEXT,
    description TEXT,
    vehicle_id TEXT,
    PRIMARY KEY (record_id, version)
) /*sqlite: WITHOUT ROWID*/;

CREATE TABLE incidents (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    content_hash BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    originator TEXT NOT NULL,
    file_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    attributes TEXT,
    incident_id TEXT,
    date TEXT,
    kind TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    country TEXT,
    chemical_cas TEXT,
    chemical_name TEXT,
    quantity_kg DOUBLE PRECISION,
    entity_names TEXT,
    entity_tax_ids TEXT,
    description TEXT,
    chemical_ref TEXT,
    PRIMARY KEY (record_id, version)
) /*sqlite: WITHOUT ROWID*/;
