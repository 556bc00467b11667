-- 0008: how many records and versions each kind holds per marking (originator, TLP level,
-- releasable-to), so that a viewer's counts are a sum over a few hundred rows instead of a scan of
-- millions (the workbench's overview). Derived from the record tables; rebuilt when a load has
-- finished since (the stamp). Append-only: never edit once shipped.

CREATE TABLE marking_census (
    kind TEXT NOT NULL,
    originator TEXT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    records BIGINT NOT NULL,
    versions BIGINT NOT NULL,
    PRIMARY KEY (kind, originator, tlp, releasable_to)
);

CREATE TABLE marking_census_stamp (
    id INTEGER PRIMARY KEY,
    stamp TEXT NOT NULL
);
