-- 0013: the map's index of positions led by the one-degree cell, then a hash bucket.
-- 0011 led with the bucket (`content_hash % 1024`), so a box read each bucket's range of cells: a
-- seek per bucket and cell. A sparse view (a few thousand positions over twenty cells) needs every
-- bucket: twenty thousand seeks, about 100 ms. Led by the cell, a view reads each of its cells once,
-- the buckets below a bound (a spread sample, `content_hash & 1023`) as one range; a small view in a
-- dense cell still seeks bucket by bucket with the latitude (Store.trackPoints(in:) chooses).
-- The legs' indexes stay as 0011 made them (fewer rows; their empty cells are skipped).
-- Append-only: never edit once shipped.

DROP INDEX track_points_map_cell;

CREATE INDEX track_points_map_cell_first ON track_points (
    /*sqlite: (CAST(lat + 90 AS INTEGER) * 1000 + CAST(lon + 180 AS INTEGER))*/
    /*postgres: (floor(lat + 90)::integer * 1000 + floor(lon + 180)::integer)*/,
    (content_hash & 1023), lat, lon, is_current, tlp, originator, releasable_to, content_hash);
