"""Drives a Rastro TAXII 2.1 server with the OASIS reference client (taxii2-client).

Usage: taxii_client_check.py DISCOVERY_URL USER PASSWORD READ_COLLECTION WRITE_COLLECTION EXPECTED_COUNT

Checks discovery, API roots, collections, a paginated pull (as_pages) that must return
EXPECTED_COUNT distinct objects, the match[type], match[id] and added_after filters, the
manifest, an object by id and its versions, and add-objects with its status resource. Prints
one line per check and exits 1 at the first failure.
"""
import sys
import uuid

from taxii2client.v21 import Server, as_pages


def check(condition, what):
    if not condition:
        print(f"FAIL {what}")
        sys.exit(1)
    print(f"ok   {what}")


def main():
    discovery, user, password, read_id, write_id, expected = sys.argv[1:7]
    expected = int(expected)
    server = Server(discovery, user=user, password=password)
    check(server.title.startswith("Rastro node"), f"discovery: {server.title}")
    roots = server.api_roots
    check(len(roots) == 1, "one API root")
    root = roots[0]
    check("application/taxii+json;version=2.1" in root.versions, "API root speaks TAXII 2.1")
    collections = {c.id: c for c in root.collections}
    check(read_id in collections and write_id in collections, f"collections listed: {sorted(collections)}")
    source = collections[read_id]
    check(source.can_read, "the released collection can be read")

    ids = []
    pages = 0
    for envelope in as_pages(source.get_objects, per_request=100):
        pages += 1
        ids += [o["id"] for o in envelope.get("objects", [])]
    check(len(ids) == expected and len(set(ids)) == expected, f"paginated pull: {len(ids)} objects in {pages} pages")
    check(pages == (expected + 99) // 100, "pages of 100")

    types = sorted({i.split("--")[0] for i in ids})
    some_type = types[0]
    typed = []
    for envelope in as_pages(source.get_objects, per_request=100, type=some_type):
        typed += envelope.get("objects", [])
    check(typed and all(o["type"] == some_type for o in typed)
          and len(typed) == sum(1 for i in ids if i.startswith(some_type + "--")), f"match[type]={some_type}: {len(typed)}")

    one = source.get_objects(id=ids[0])
    check([o["id"] for o in one["objects"]] == [ids[0]], "match[id]")

    first_page = source.get_objects(limit=10)
    manifest = source.get_manifest(limit=10)
    check(len(manifest["objects"]) == 10 and manifest.get("more") is True, "manifest page")
    cut = manifest["objects"][-1]["date_added"]
    after = []
    for envelope in as_pages(source.get_objects, per_request=500, added_after=cut):
        after += [o["id"] for o in envelope.get("objects", [])]
    check(len(after) == expected - 10 and not set(after) & {o["id"] for o in first_page["objects"]},
          f"added_after: {len(after)} objects")

    by_id = source.get_object(ids[0])
    check(by_id["objects"][0]["id"] == ids[0], "object by id")
    versions = source.object_versions(ids[0])
    check(len(versions["versions"]) >= 1, "object versions")

    target = collections[write_id]
    check(target.can_write, "the partner's collection can be written")
    note_id = "note--" + str(uuid.uuid4())
    envelope = {"objects": [{
        "type": "note", "spec_version": "2.1", "id": note_id,
        "created": "2026-11-26T00:00:00.000Z", "modified": "2026-11-26T00:00:00.000Z",
        "content": "interop check from taxii2-client", "object_refs": [ids[0]],
    }]}
    status = target.add_objects(envelope, wait_for_completion=True, poll_interval=1, timeout=30)
    check(status.status == "complete" and status.total_count == 1, f"add-objects status: {status.status}")
    check(status.success_count + status.failure_count == 1,
          f"status counts: {status.success_count} success, {status.failure_count} failure")
    again = root.status(status.id) if hasattr(root, "status") else None
    if again is not None:
        check(again.id == status.id, "status resource by id")
    print("taxii2-client interop: all checks passed")


if __name__ == "__main__":
    main()
