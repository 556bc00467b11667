"""What an organization may see in the demo's SQLite store, computed here in Python from the access
rules (docs/sharing.md, RastroStore's AccessPolicy and Redactor), independently of the server, so
that the browser tests can check what the workbench shows against it.

A viewer (organization ORG of country CC) sees a record version when its TLP is clear or green;
amber and ';CC;' or ';ORG;' is in releasable_to; amber+strict and ';ORG;' is in releasable_to; or
ORG is the originator. Personal fields of a record it sees are withheld unless ORG is the
originator, the record names ORG in releasable_to, or the originator is of country CC.
"""

import json
import re
import sqlite3

KINDS = ["organizations", "consignments", "transfers", "legs", "track_points", "usage_reports", "observations", "incidents"]

# The columns that name a party (or its tax id), per kind. Incidents list several, split by ';'.
PARTY_COLUMNS = {
    "organizations": ["name", "tax_id", "representative"],
    "consignments": ["importer_name", "importer_tax_id", "exporter_name"],
    "transfers": ["from_name", "to_name", "from_tax_id", "to_tax_id"],
    "legs": ["carrier_name"],
    "track_points": [],
    "usage_reports": ["org_name", "org_tax_id"],
    "observations": [],
    "incidents": ["entity_names", "entity_tax_ids"],
}

# Redactor.personalFields.
PERSONAL_COLUMNS = {
    "organizations": ["representative", "phone", "email"],
    "incidents": ["entity_names", "entity_tax_ids", "description"],
    "observations": ["description"],
}

# Shorter names and ids than this are too likely to occur by chance to be a finding.
MIN_TOKEN = 6

# An id-like token (no space): matched as a whole run of these characters, or a part of one between
# the separators below (see Leaks.find), instead of a substring search per token.
ID_LIKE = re.compile(r"^[A-Za-z0-9@:.\-_+]+$")
RUN = re.compile(r"[A-Za-z0-9@:.\-_+]+")
SEPARATORS = re.compile(r"[@:.\-_+]")


class Viewer:
    def __init__(self, organization, country):
        self.organization = organization
        self.country = country

    def sees(self, tlp, releasable_to, originator):
        if originator == self.organization:
            return True
        releasable_to = releasable_to or ""
        org = ";" + self.organization.upper() + ";"
        if tlp in ("clear", "green"):
            return True
        if tlp == "amber":
            return ";" + self.country + ";" in releasable_to or org in releasable_to
        if tlp == "amber+strict":
            return org in releasable_to
        return False

    def withholds(self, releasable_to, originator, members):
        """Redactor.withholds: whether personal fields of a visible record are withheld."""
        if originator.upper() == self.organization.upper():
            return False
        if ";" + self.organization.upper() + ";" in (releasable_to or ""):
            return False
        country = members.get(originator.upper())
        if country is None:
            prefix = originator.upper().split("-", 1)[0]
            country = prefix if len(prefix) == 2 and len(originator) > 3 else None
        return country != self.country


class Store:
    """Read-only access to the demo's store."""

    def __init__(self, path):
        self.path = path

    def connect(self):
        connection = sqlite3.connect("file:%s?mode=ro" % self.path, uri=True, timeout=30)
        connection.row_factory = sqlite3.Row
        return connection

    def query(self, sql, *binds):
        with self.connect() as connection:
            return connection.execute(sql, binds).fetchall()

    def viewer(self, user):
        row = self.query("SELECT u.org_id, m.country FROM users u JOIN members m ON m.org_id = u.org_id WHERE u.user_id = ?", user)[0]
        return Viewer(row["org_id"], row["country"])

    def members(self):
        return {row["org_id"].upper(): row["country"] for row in self.query("SELECT org_id, country FROM members")}

    def current(self, kind):
        return self.query("SELECT * FROM %s WHERE is_current = 1" % kind)

    def counts(self, viewer=None):
        """Current records per kind, all of them or those `viewer` sees."""
        out = {}
        for kind in KINDS:
            rows = self.query("SELECT tlp, releasable_to, originator, COUNT(*) AS n FROM %s WHERE is_current = 1 GROUP BY 1, 2, 3" % kind)
            out[kind] = sum(row["n"] for row in rows if viewer is None or viewer.sees(row["tlp"], row["releasable_to"], row["originator"]))
        return out

    def visible(self, kind, record_id, viewer):
        rows = self.query("SELECT tlp, releasable_to, originator FROM %s WHERE record_id = ?" % kind, record_id)
        return any(viewer.sees(row["tlp"], row["releasable_to"], row["originator"]) for row in rows)

    def alerts(self):
        """The latest analysis run's alerts (as the node sees them: every reason)."""
        rows = self.query("SELECT alerts FROM analysis_runs ORDER BY finished_at DESC LIMIT 1")
        return json.loads(rows[0]["alerts"]) if rows else []

    def lead(self, lead_id):
        rows = self.query("SELECT * FROM leads WHERE lead_id = ?", lead_id)
        return dict(rows[0]) if rows else None

    def leaks(self, viewer):
        return Leaks(self, viewer)


class Leaks:
    """The tokens a viewer's pages must not contain: ids of the records it may not see, the party
    names and tax ids in them and the names of resolved parties it may not see, except those that
    also occur in what it does see; and the personal fields withheld from it."""

    def __init__(self, store, viewer):
        members = store.members()
        hidden, seen_values = set(), []
        for kind in KINDS:
            personal = PERSONAL_COLUMNS.get(kind, [])
            for row in store.current(kind):
                values = dict(row)
                if viewer.sees(row["tlp"], row["releasable_to"], row["originator"]):
                    withheld = viewer.withholds(row["releasable_to"], row["originator"], members)
                    for column, value in values.items():
                        if not isinstance(value, str):
                            continue
                        if withheld and column in personal:
                            hidden.update(split(value))
                        else:
                            seen_values.append(value)
                else:
                    hidden.add(row["record_id"])
                    for column in PARTY_COLUMNS[kind]:
                        hidden.update(split(values.get(column)))
        # Resolved parties: a name of one the viewer may not see is hidden, but not its id (a
        # consignment's trace names the parties it went through by entity id to every reader).
        for row in store.query("SELECT name, tlp, releasable_to, originator FROM er_entities"):
            if viewer.sees(row["tlp"], row["releasable_to"], row["originator"]):
                seen_values.append(row["name"])
            else:
                hidden.add(row["name"])
        seen = "\x00".join(seen_values)
        hidden = {token for token in hidden if len(token) >= MIN_TOKEN and token not in seen}
        self.ids = {token for token in hidden if ID_LIKE.match(token)}
        self.names = sorted(hidden - self.ids)

    def find(self, text):
        """The forbidden tokens in `text` (a page's source, or a download)."""
        found = set()
        for run in RUN.findall(text):
            if run in self.ids:
                found.add(run)
            cuts = [0] + [m.end() for m in SEPARATORS.finditer(run)] + [len(run) + 1]
            ends = [m.start() for m in SEPARATORS.finditer(run)] + [len(run)]
            for start in cuts[:-1]:
                for end in ends:
                    if end - start >= MIN_TOKEN and run[start:end] in self.ids:
                        found.add(run[start:end])
        found.update(name for name in self.names if name in text)
        return found


def split(value):
    if not value:
        return []
    return [part.strip() for part in value.split(";") if part.strip()]
