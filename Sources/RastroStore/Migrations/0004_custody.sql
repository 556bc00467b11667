-- 0004: the custody traces of the last analysis run, one row per consignment and one per transfer
-- that carried part of its lot, so that `rastro trace` reads a trace instead of rebuilding the
-- custody graph. Replaced whole by each run, in the run's transaction. Append-only: never edit
-- once shipped.

CREATE TABLE custody_traces (
    consignment_id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    importer TEXT NOT NULL,
    chemical TEXT NOT NULL,
    arrival_date TEXT NOT NULL,
    imported_kg DOUBLE PRECISION NOT NULL,
    unaccounted_kg DOUBLE PRECISION NOT NULL,
    holdings TEXT NOT NULL
);

CREATE TABLE custody_steps (
    consignment_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    transfer_id TEXT NOT NULL,
    date TEXT NOT NULL,
    from_entity TEXT NOT NULL,
    to_entity TEXT NOT NULL,
    quantity_kg DOUBLE PRECISION NOT NULL,
    transfer_kg DOUBLE PRECISION NOT NULL,
    allocation TEXT NOT NULL,
    depth INTEGER NOT NULL,
    PRIMARY KEY (consignment_id, seq)
);

-- A trace shows the trips that carried the lot: legs by their transfer or consignment.
CREATE INDEX legs_transfer ON legs (transfer_id);

CREATE INDEX legs_consignment ON legs (consignment_id);
