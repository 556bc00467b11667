-- 0011: two lookups the workbench makes often.
-- The transfers of a consignment (by the lot they name), read for every consignment's route:
-- without an index each read scans every transfer.
-- The map's samples of positions and legs in a bounding box (0009) seek, per hash value, a
-- latitude band that spans the whole map's width, and read every row in it, most of them outside
-- a narrow box. A position's one-degree cell (latitude + 90 and longitude + 180, rounded down, as
-- latitude cell × 1000 + longitude cell) after the hash value makes each seek cover only the box's
-- cells. The expression is written per dialect (each must read exactly as the queries write it).
-- The legs' indexes also carry the marking, so that the viewer's rule is checked in the index and
-- only the legs shown are read whole.
-- Append-only: never edit once shipped.

CREATE INDEX transfers_consignment ON transfers (consignment_id);

DROP INDEX track_points_map;

CREATE INDEX track_points_map_cell ON track_points ((content_hash % 1024),
    /*sqlite: (CAST(lat + 90 AS INTEGER) * 1000 + CAST(lon + 180 AS INTEGER))*/
    /*postgres: (floor(lat + 90)::integer * 1000 + floor(lon + 180)::integer)*/,
    lat, lon, is_current, tlp, originator, releasable_to, content_hash);

DROP INDEX legs_map_origin;

DROP INDEX legs_map_destination;

CREATE INDEX legs_map_origin_cell ON legs ((content_hash % 1024),
    /*sqlite: (CAST(origin_lat + 90 AS INTEGER) * 1000 + CAST(origin_lon + 180 AS INTEGER))*/
    /*postgres: (floor(origin_lat + 90)::integer * 1000 + floor(origin_lon + 180)::integer)*/,
    origin_lat, origin_lon, is_current, tlp, originator, releasable_to);

CREATE INDEX legs_map_destination_cell ON legs ((content_hash % 1024),
    /*sqlite: (CAST(destination_lat + 90 AS INTEGER) * 1000 + CAST(destination_lon + 180 AS INTEGER))*/
    /*postgres: (floor(destination_lat + 90)::integer * 1000 + floor(destination_lon + 180)::integer)*/,
    destination_lat, destination_lon, is_current, tlp, originator, releasable_to);
