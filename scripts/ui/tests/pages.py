"""The workbench's pages the language and screenshot tests visit: a name, who looks at it, the
page it needs to have landed, and how to find its path in the demo's data."""

from conftest import PENDING, fentanyl_alert


def consignment(store, request):
    return "/consignments/" + fentanyl_alert(store)["id"]


def party(store, request):
    entities = [a for a in store.alerts() if a["kind"] == "entities"]
    assert entities, "the demo's analysis raised no alert on a party"
    return "/entities/" + max(entities, key=lambda a: a["risk"])["id"]


def record(store, request):
    row = store.query("SELECT record_id FROM organizations WHERE is_current = 1 ORDER BY record_id LIMIT 1")[0]
    return "/records/organizations/" + row["record_id"]


def search(store, request):
    return "/search?q=" + "Reactivos"


def lead(store, request):
    return "/leads/" + request.getfixturevalue("sent_lead")["id"]


def missing(store, request):
    # A record that exists but that tom may not see: the error page, in his language.
    row = store.query("SELECT record_id FROM legs WHERE is_current = 1 ORDER BY record_id LIMIT 1")[0]
    return "/records/legs/" + row["record_id"]


# (name, user or None for signed out, pages that must have landed, path or function)
PAGES = [
    ("login", None, (), "/login"),
    ("overview", "ana", (), "/"),
    ("alerts", "ana", (), "/alerts"),
    ("record", "ana", (), record),
    ("error", "tom", (), missing),
    ("consignment", "ana", (), consignment),
    ("leads", "ana", (), "/leads"),
    ("lead", "ana", (), lead),
    ("map", "ana", ("map",), "/map"),
    ("party", "ana", ("party",), party),
    ("search", "ana", ("search",), search),
    ("audit", "admin", ("audit",), "/audit"),
]

# What a page waits for before it is looked at (scripts that draw it).
DRAWN = {
    "consignment": "#route-map path.leaflet-interactive",
    "map": "#map .leaflet-interactive",
}
if "route-map" in PENDING:
    del DRAWN["consignment"]


def path(page, store, request):
    where = page[3]
    return where if isinstance(where, str) else where(store, request)
