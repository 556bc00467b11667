-- 0009: the workbench's map reads positions and legs inside a bounding box, a spread-out sample
-- when the box holds more than a screen can show. The sample is a record's content hash modulo
-- 1024 (-1023 … 1023, about evenly filled): reading a few of those values inside the box is a
-- few index seeks with a latitude range each, wherever the box is and however big.
-- The track point index covers the read (the marking columns and content_hash are in it), so
-- that a sample of 10,000 positions never touches the table. Append-only: never edit once shipped.

CREATE INDEX track_points_map ON track_points ((content_hash % 1024), lat, lon, is_current, tlp, originator, releasable_to, content_hash);

CREATE INDEX legs_map_origin ON legs ((content_hash % 1024), origin_lat, origin_lon);

CREATE INDEX legs_map_destination ON legs ((content_hash % 1024), destination_lat, destination_lon);
