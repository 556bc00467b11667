"""Fixtures of the browser tests: the demo server (started by scripts/ui/run), its store, the
catalog, browsers signed in as the demo's accounts, and the lead the Mexican analyst sends."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import workbench  # noqa: E402
from access import Store  # noqa: E402

# Pages of the workbench that have not landed yet. A test that needs one is expected to fail
# (strictly: once the page works the test passes, pytest reports XPASS as a failure, and the page
# must be taken off this list). Take a page off as soon as it lands.
PENDING: dict[str, str] = {}


def pending(*pages):
    """Marks a test that needs `pages` as expected to fail while any of them is pending."""
    waiting = [PENDING[page] for page in pages if page in PENDING]
    return pytest.mark.xfail(bool(waiting), reason="; ".join(waiting), strict=True)


def pytest_configure(config):
    if not workbench.URL or not workbench.DATABASE:
        raise pytest.UsageError("run the browser tests with scripts/ui/run (RASTRO_UI_URL and RASTRO_UI_DATABASE are not set)")


@pytest.fixture(scope="session")
def store():
    return Store(workbench.DATABASE)


@pytest.fixture(scope="session")
def catalog():
    return workbench.Catalog()


@pytest.fixture(scope="session")
def browsers():
    """Browsers by user, signed in once and shared by the tests that only read."""
    opened = {}

    def get(user):
        if user not in opened:
            opened[user] = workbench.Browser(user=user)
        return opened[user]

    yield get
    for browser in opened.values():
        browser.close()


@pytest.fixture
def fresh():
    """A new browser, signed out, closed after the test."""
    opened = []

    def make(**arguments):
        browser = workbench.Browser(**arguments)
        opened.append(browser)
        return browser

    yield make
    for browser in opened:
        browser.close()


def status(browser):
    """A lead page's status: its value and the text shown."""
    element = browser.find("#lead-status")
    return element.get_attribute("data-status"), element.text.strip()


def fentanyl_alert(store):
    """The top-scoring consignment alert for a fentanyl precursor: such consignments are the only
    ones the demo releases to US-DEA, so a lead about one carries evidence that reaches it."""
    alerts = [a for a in store.alerts() if a["kind"] == "consignments"
              and any(r["rule"] == "fentanyl_precursor" for r in a["reasons"])]
    assert alerts, "the demo's analysis raised no alert on a fentanyl precursor"
    return max(alerts, key=lambda a: a["risk"])


@pytest.fixture(scope="session")
def sent_lead(store, catalog):
    """Issue 8, step 1, run once: ana opens the top fentanyl-precursor alert, sees the route and
    the reasons, makes a lead of it and sends it to US-DEA. Returns what the other tests need."""
    alert = fentanyl_alert(store)
    ana = workbench.Browser(user="ana")
    try:
        ana.set_language("en")
        ana.open("/alerts")
        ana.select("#f-rule", "fentanyl_precursor")
        ana.select("#f-sort", "score")
        ana.submit(ana.find("form.filters button[type=submit]"))
        top = ana.wait_for("#alerts-table a.alert-link")[0]
        assert top.text == alert["id"], "top fentanyl alert by score: shown %s, the store's %s" % (top.text, alert["id"])
        assert top.get_attribute("href").endswith("/consignments/" + alert["id"])
        ana.submit(top)
        assert ana.path == "/consignments/" + alert["id"] and ana.status() == 200

        # Every reason of the alert, each with evidence links into the records.
        reasons = ana.find_all("#reasons li")
        assert len(reasons) == len(alert["reasons"]), "reasons shown %d, alert's %d" % (len(reasons), len(alert["reasons"]))
        evidence = {e["kind"] + "/" + e["id"] for r in alert["reasons"] for e in r["evidence"]}
        links = {a.text.strip() for a in ana.find_all("#reasons li a.evidence-link")}
        assert links == evidence, "evidence links %s, the alert's evidence %s" % (sorted(links), sorted(evidence))
        # The custody trace, when the analysis traced the lot: its steps, timeline and remainder.
        traced = store.query("SELECT COUNT(*) AS n FROM custody_traces WHERE consignment_id = ?", alert["id"])[0]["n"]
        steps = store.query("SELECT COUNT(*) AS n FROM custody_steps WHERE consignment_id = ?", alert["id"])[0]["n"]
        assert bool(ana.find_all("#timeline")) == bool(traced) and bool(ana.find_all("#remainder")) == bool(traced)
        assert len(ana.find_all("#trace tbody tr")) == steps

        title = "Test lead " + alert["id"]
        ana.type("#lead-title", title)
        ana.type("#lead-summary", "Browser test: fentanyl precursor import by an unregistered importer.")
        ana.select("#lead-tlp", "amber")
        ana.submit(ana.find("#lead-create"))
        assert ana.path.startswith("/leads/"), "lead create went to " + ana.path
        lead_id = ana.path[len("/leads/"):]
        row = store.lead(lead_id)
        assert row and row["status"] == "draft" and row["origin_org"] == "MX-FUSION" and row["subject_id"] == alert["id"]
        assert row["title"] == title

        ana.select("#lead-recipient", "US-DEA")
        ana.submit(ana.find("#lead-send"))
        assert ana.path == "/leads/" + lead_id
        assert status(ana) == ("sent", catalog.text("lead.status.sent", "en"))
        row = store.lead(lead_id)
        assert row["status"] == "sent" and row["recipient_org"] == "US-DEA"

        ana.open("/leads")
        assert lead_id in [a.text.strip() for a in ana.find_all("#leads-outbox a.lead-link")]
        return {"id": lead_id, "consignment": alert["id"], "title": title, "alert": alert}
    finally:
        ana.close()
