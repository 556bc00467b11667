-- 0002: entity resolution's results, the analysts' decisions, and the runs that produced them.
-- A profile is one distinct set of party attributes (identical mentions share it), named by a
-- fingerprint of those attributes; a component is a connected part of the graph of strong
-- candidate pairs (match probability at or above the clustering threshold) and confirms, named by
-- a digest of everything its clustering depends on besides its pairs (members, mentions and their
-- markings, decisions, model). A later run clusters again only the components that new profiles
-- join, whose digest changed, or whose blocks new or vanished profiles pushed across the size limit
-- (a profile's attributes are kept so that its blocks are known after it is gone).
-- Append-only: never edit once shipped.

CREATE TABLE er_runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    mode TEXT NOT NULL,
    mentions BIGINT NOT NULL,
    profiles BIGINT NOT NULL,
    entities BIGINT NOT NULL,
    components BIGINT NOT NULL,
    recomputed BIGINT NOT NULL,
    next_entity BIGINT NOT NULL,
    model TEXT NOT NULL
);

CREATE TABLE er_profiles (
    fingerprint TEXT PRIMARY KEY,
    entity_id TEXT NOT NULL,
    component TEXT NOT NULL,
    attributes TEXT NOT NULL,
    -- The profile's mentions, one KIND<tab>ID<tab>ROLE per line.
    mentions TEXT NOT NULL
);
CREATE INDEX er_profiles_entity ON er_profiles (entity_id);

-- Each component's strong pairs, so that a later run need not compare two unchanged profiles
-- again: one text per component (see the resolver for its encoding).
CREATE TABLE er_components (
    component TEXT PRIMARY KEY,
    pairs TEXT NOT NULL
);

CREATE TABLE er_entities (
    entity_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    mentions BIGINT NOT NULL,
    profiles BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    releasable_to TEXT NOT NULL,
    originator TEXT NOT NULL
);

-- The pairs that joined an entity's members (a spanning tree): what `rastro entity ID --explain` shows.
CREATE TABLE er_links (
    left_fingerprint TEXT NOT NULL,
    right_fingerprint TEXT NOT NULL,
    probability DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (left_fingerprint, right_fingerprint)
);

-- Phones, addresses and representatives shared by different entities: links, not merges.
CREATE TABLE er_associations (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (kind, value, entity_id)
);
CREATE INDEX er_associations_entity ON er_associations (entity_id);

-- An analyst's decision on two mentions: confirm (one party) or split (different parties). Kept
-- for ever; a revoked decision records who revoked it and when.
CREATE TABLE er_decisions (
    decision_id BIGINT PRIMARY KEY,
    action TEXT NOT NULL,
    left_kind TEXT NOT NULL,
    left_id TEXT NOT NULL,
    left_role TEXT NOT NULL,
    right_kind TEXT NOT NULL,
    right_id TEXT NOT NULL,
    right_role TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL,
    made_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
