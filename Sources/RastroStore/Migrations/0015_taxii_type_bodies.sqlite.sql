-- 0015 (SQLite only): `match[type]` pages read from one index, bodies included. The table is kept
-- in date_added order (its primary key), so a page filtered by type used to read its rows from
-- `taxii_objects_type` and then descend the table's b-tree once per row for the body: about 410 µs
-- of a page's CPU against 175 µs for a page along the key (docs/benchmarks.md, federation). This
-- index holds, in type order, every column such a page returns, so SQLite reads the page as one
-- range of one b-tree. The price is storage: the collections' bodies are kept twice (the table and
-- this index), and publishing writes each body twice. On PostgreSQL nothing runs: a b-tree entry
-- there is limited to about a third of a page, too small for a STIX object, and large bodies are
-- stored out of line (TOAST) anyway. Append-only: never edit once shipped.

CREATE INDEX taxii_objects_type_bodies ON taxii_objects (collection_id, object_type, is_latest, added_us, object_id, version,
                                                         spec_version, body);

DROP INDEX taxii_objects_type;
