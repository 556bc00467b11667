"""Issue 8, step 4: sign-in refusals, ended sessions and forged forms."""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time

import pytest

from conftest import fentanyl_alert
import workbench

FORGED = "0" * 64


def test_a_wrong_password_is_refused_without_a_session(fresh, catalog):
    browser = fresh()
    browser.open("/login").set_language("en")
    browser.sign_in("ana", password="not-the-password")
    assert browser.status() == 401
    assert browser.path == "/login"
    assert browser.find("#login-error").text.strip() == catalog.text("login.failed", "en")
    assert browser.cookie("rastro_session") is None
    browser.open("/alerts")
    assert browser.path == "/login" and browser.query.get("next") == ["/alerts"]


def test_an_unknown_session_cookie_goes_to_sign_in(fresh, catalog):
    browser = fresh()
    browser.open("/login").set_language("en")
    browser.driver.add_cookie({"name": "rastro_session", "value": FORGED, "path": "/"})
    browser.open("/alerts?sort=score")
    assert browser.path == "/login"
    assert browser.query.get("next") == ["/alerts?sort=score"] and browser.query.get("expired") == ["1"]
    assert catalog.text("login.expired", "en") in browser.find("main").text
    assert browser.cookie("rastro_session") in (None, "")


def test_a_forged_csrf_token_on_sign_out_is_refused(fresh, catalog):
    browser = fresh(user="ana")
    browser.set_language("en")
    browser.open("/alerts")
    session = browser.cookie("rastro_session")
    browser.driver.execute_script("document.getElementById('logout').form.elements['_csrf'].value = arguments[0]", FORGED)
    browser.submit(browser.find("#logout"))
    assert browser.status() == 403
    assert catalog.text("error.csrf", "en") in browser.find("main").text
    # Still signed in: the forged sign-out did nothing.
    browser.open("/alerts")
    assert browser.path == "/alerts" and browser.cookie("rastro_session") == session
    # The real form signs out.
    browser.submit(browser.find("#logout"))
    assert browser.path == "/login"
    browser.open("/alerts")
    assert browser.path == "/login"


def test_a_forged_csrf_token_on_sign_in_is_refused(fresh, catalog):
    browser = fresh()
    browser.open("/login").set_language("en")
    browser.type("#user", "ana")
    browser.type("#password", workbench.PASSWORDS["ana"])
    browser.driver.execute_script("document.getElementById('login-form').elements['_csrf'].value = arguments[0]", FORGED)
    browser.submit(browser.find("#login-submit"))
    assert browser.status() == 403
    assert catalog.text("error.csrf", "en") in browser.find("main").text
    assert browser.cookie("rastro_session") is None


def test_a_forged_csrf_token_on_lead_create_is_refused(fresh, store, catalog):
    before = store.query("SELECT COUNT(*) AS n FROM leads")[0]["n"]
    browser = fresh(user="ana")
    browser.set_language("en")
    browser.open("/consignments/" + fentanyl_alert(store)["id"])
    browser.type("#lead-title", "Forged")
    browser.driver.execute_script("document.getElementById('lead-create-form').elements['_csrf'].value = arguments[0]", FORGED)
    browser.submit(browser.find("#lead-create"))
    assert browser.status() == 403
    assert catalog.text("error.csrf", "en") in browser.find("main").text
    assert store.query("SELECT COUNT(*) AS n FROM leads")[0]["n"] == before


@pytest.fixture
def short_sessions():
    """`rastro serve` on a copy of the demo's store, with sessions that end after 2 idle seconds
    (RASTRO_WORKBENCH_IDLE_SECONDS) and a sign-in lockout of its own."""
    folder = tempfile.mkdtemp(prefix="rastro-ui-idle.")
    copy = os.path.join(folder, "demo.db")
    # The database and its audit log, which SQLite keeps in a file of its own beside it
    # (`PATH-audit`): the server refuses a store without its log.
    for suffix in ("", "-audit"):
        source = sqlite3.connect("file:%s%s?mode=ro" % (workbench.DATABASE, suffix), uri=True)
        target = sqlite3.connect(copy + suffix)
        source.backup(target)
        source.close()
        target.close()
    if os.path.exists(workbench.DATABASE + ".key"):
        shutil.copy(workbench.DATABASE + ".key", copy + ".key")
    environment = dict(os.environ, RASTRO_WORKBENCH_IDLE_SECONDS="2")
    environment.pop("RASTRO_DATABASE", None)
    server = subprocess.Popen([workbench.BINARY, "serve", "--database", "sqlite:" + copy, "--listen", "127.0.0.1:0"],
                              cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        assert found, "rastro serve printed %r" % line
        yield found.group(1)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def test_an_idle_session_ends(short_sessions, fresh, catalog):
    browser = fresh(base=short_sessions, user="ana")
    browser.set_language("en")
    browser.open("/alerts")
    assert browser.path == "/alerts"
    time.sleep(3)
    browser.open("/alerts")
    assert browser.path == "/login" and browser.query.get("expired") == ["1"]
    assert catalog.text("login.expired", "en") in browser.find("main").text


def test_five_failures_lock_the_user(short_sessions, fresh, catalog):
    browser = fresh(base=short_sessions)
    browser.open("/login").set_language("en")
    statuses = []
    for _ in range(5):
        browser.sign_in("ana", password="wrong")
        statuses.append(browser.status())
    assert statuses == [401, 401, 401, 401, 429]
    assert browser.find("#login-error").text.strip() == catalog.text("login.locked", "en")
    # Locked: even the right password is refused now.
    browser.sign_in("ana")
    assert browser.status() == 429 and browser.cookie("rastro_session") is None
