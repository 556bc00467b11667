"""Writes a medallion (OASIS TAXII 2.1 reference server) memory-backend data file and config
holding the first COUNT objects of a STIX bundle in one collection, with a manifest whose
date_added values are distinct and 1 ms apart. Prints the date_added range in microseconds and
the number of objects written; with TYPE, a second line with two ranges to draw `added_after`
from so that a 100-object page follows: any object's (from just before the first to the
101st-last) and the same for the objects of that type.

medallion 3.0.0 takes an object's `version` property for its version timestamp when it has one,
so it fails (HTTP 500 on every page) on an extension-definition, whose `version` is "1.0.0":
those are left out, and said so on standard error.

Usage: medallion_data.py BUNDLE COUNT OUT_DIR PORT COLLECTION_ID USER PASSWORD [TYPE]
"""
import json
import os
import sys
from datetime import datetime, timedelta, timezone


def main():
    bundle_path, count, out_dir, port, collection_id, user, password = sys.argv[1:8]
    stix_type = sys.argv[8] if len(sys.argv) > 8 else None
    count = int(count)
    with open(bundle_path, encoding="utf-8") as f:
        objects = json.load(f)["objects"]
    left_out = [o["id"] for o in objects if o.get("type") == "extension-definition"]
    objects = [o for o in objects if o.get("type") != "extension-definition"][:count]
    if left_out:
        print(f"medallion_data.py: left out {len(left_out)} extension-definition object(s) medallion cannot serve",
              file=sys.stderr)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    manifest = []
    for index, obj in enumerate(objects):
        added = start + timedelta(milliseconds=index)
        manifest.append({
            "id": obj["id"],
            "date_added": added.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "version": obj.get("modified") or obj.get("created") or added.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "media_type": "application/stix+json;version=2.1",
        })
    root = f"http://127.0.0.1:{port}/api1/"
    data = {
        "/discovery": {"title": "medallion", "description": "bench", "default": root, "api_roots": [root]},
        "api1": {
            "information": {"title": "api1", "description": "bench", "versions": ["application/taxii+json;version=2.1"],
                            "max_content_length": 104857600},
            "status": [],
            "collections": [{
                "id": collection_id, "title": "bench", "description": "bench", "can_read": True, "can_write": True,
                "media_types": ["application/stix+json;version=2.1"], "objects": objects, "manifest": manifest,
            }],
        },
    }
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "data.json"), "w", encoding="utf-8") as f:
        json.dump(data, f)
    config = {
        "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                    "filename": os.path.join(out_dir, "data.json")},
        "users": {user: password},
        "taxii": {"max_page_size": 1000},
    }
    with open(os.path.join(out_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f)
    first = int(start.timestamp() * 1_000_000)

    def page_range(indexes):
        # added_after from just before the first to the 101st-last: 100 objects after it at least.
        if not indexes:
            return first - 1, first - 1
        return first + indexes[0] * 1000 - 1, first + indexes[max(0, len(indexes) - 101)] * 1000

    print(first, first + (len(objects) - 1) * 1000, len(objects))
    if stix_type:
        every = page_range(list(range(len(objects))))
        typed = page_range([i for i, o in enumerate(objects) if o.get("type") == stix_type])
        print(*every, *typed)


if __name__ == "__main__":
    main()
