"""Issue 8: the pages work with the keyboard, have labels and sufficient contrast, and stay usable
at 1280x800 and on a tablet. Every page is audited with axe-core (Deque's accessibility engine,
from PyPI's axe-core-python) against WCAG 2.1 A and AA; the keyboard tests sign in and move
through the workbench without a mouse."""

import pytest
from axe_core_python.selenium import Axe
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from conftest import pending
import pages
import workbench

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Leaflet draws the map's tiles and markers itself (Debian's libjs-leaflet); axe's findings inside
# its panes are about the library's markup, not the workbench's. The map's own controls (layers,
# zoom, legend, status) are outside the panes and audited.
THIRD_PARTY = [".leaflet-map-pane"]


def audit(browser):
    """axe's violations of WCAG 2.1 A/AA on the page now shown, as readable lines."""
    context = {"exclude": [[selector] for selector in THIRD_PARTY]}
    result = Axe().run(browser.driver, context=context, options={"runOnly": {"type": "tag", "values": WCAG}})
    lines = []
    for violation in result["violations"]:
        for node in violation["nodes"][:5]:
            lines.append("%s (%s): %s at %s" % (violation["id"], violation["impact"], violation["help"], node["target"]))
    return lines


def open_drawn(browser, page, path):
    browser.open(path)
    assert browser.status() == 200, "%s: HTTP %d" % (path, browser.status())
    if page[0] in pages.DRAWN:
        browser.wait_for(pages.DRAWN[page[0]])


@pytest.mark.parametrize("language", workbench.LANGUAGES)
@pytest.mark.parametrize("page", [pytest.param(p, id=p[0], marks=pending(*p[2])) for p in pages.PAGES if p[0] != "error"])
def test_axe_finds_no_wcag_violation(page, language, store, browsers, fresh, request):
    browser = browsers(page[1]) if page[1] else fresh()
    path = pages.path(page, store, request)
    open_drawn(browser, page, path)
    browser.set_language(language)
    if page[0] in pages.DRAWN:
        browser.wait_for(pages.DRAWN[page[0]])
    problems = audit(browser)
    assert not problems, "%s (%s):\n" % (path, language) + "\n".join(problems)


@pytest.mark.parametrize("size", [(1280, 800), (820, 1180)], ids=["desktop", "tablet"])
def test_pages_fit_the_screen(size, store, fresh, request):
    """No page scrolls sideways at 1280x800 or at a tablet's 820x1180: wide tables scroll in their
    own box, and the navigation wraps."""
    browser = fresh(user="ana", width=size[0], height=size[1])
    wide = []
    for page in pages.PAGES:
        if page[1] != "ana":
            continue
        path = pages.path(page, store, request)
        open_drawn(browser, page, path)
        overflow = browser.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            wide.append("%s: %d px wider than the window" % (path, overflow))
    assert not wide, "\n".join(wide)


def focused(browser):
    return browser.driver.switch_to.active_element


def press(browser, *keys):
    """Presses keys as a person does: into whatever has the focus (Leaflet redraws its markers, so
    an element held from before may be gone)."""
    ActionChains(browser.driver).send_keys(*keys).perform()


def tab_to(browser, matches, limit=60):
    """Presses Tab until the focused element satisfies `matches`; returns it."""
    for _ in range(limit):
        try:
            element = focused(browser)
            if element.tag_name != "body" and matches(element):
                return element
        except (StaleElementReferenceException, WebDriverException):
            pass  # redrawn while it was looked at: the next Tab moves on from wherever focus is
        press(browser, Keys.TAB)
    raise AssertionError("%s: no element reached with Tab after %d presses" % (browser.path, limit))


def follow(browser, element):
    """Presses Enter on `element` and waits for the page it leads to."""
    page = browser.find("html")
    element.send_keys(Keys.ENTER)
    browser.left(page)


def focus_is_visible(browser, element):
    """The focused element draws a focus indicator: an outline or a box shadow."""
    style = browser.driver.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth, s.boxShadow];", element)
    return (style[0] != "none" and style[1] not in ("0px", "")) or style[2] not in ("none", "")


def test_sign_in_and_move_around_with_the_keyboard_only(fresh):
    browser = fresh()
    browser.open("/login")
    press(browser, Keys.TAB)
    user = tab_to(browser, lambda e: e.get_attribute("id") == "user")
    assert focus_is_visible(browser, user), "the user field shows no focus"
    user.send_keys("ana")
    user.send_keys(Keys.TAB)
    password = focused(browser)
    assert password.get_attribute("id") == "password", "Tab from the user field went to %s" % password.get_attribute("id")
    password.send_keys(workbench.PASSWORDS["ana"])
    follow(browser, password)
    assert browser.path == "/", "signing in with Enter went to %s" % browser.path

    # The first Tab on a page reaches the link that skips the navigation, and it works.
    press(browser, Keys.TAB)
    skip = focused(browser)
    assert skip.get_attribute("href") and skip.get_attribute("href").endswith("#main"), \
        "the first Tab reached %s, not the skip link" % skip.get_attribute("outerHTML")[:120]
    assert skip.is_displayed() and focus_is_visible(browser, skip)
    skip.send_keys(Keys.ENTER)
    assert browser.driver.execute_script("return document.activeElement.id || document.activeElement.closest('#main')?.id") == "main"

    # The navigation's alerts link, reached with Tab and followed with Enter.
    browser.open("/")
    press(browser, Keys.TAB)
    link = tab_to(browser, lambda e: (e.get_attribute("href") or "").endswith("/alerts"))
    assert focus_is_visible(browser, link), "the navigation link shows no focus"
    follow(browser, link)
    assert browser.path == "/alerts"

    # The first alert's link, then its page; every control on the way has a visible focus.
    row = tab_to(browser, lambda e: "/consignments/" in (e.get_attribute("href") or "")
                 or "/entities/" in (e.get_attribute("href") or ""), limit=120)
    assert focus_is_visible(browser, row), "the alert's link shows no focus"
    target = row.get_attribute("href")
    follow(browser, row)
    assert browser.driver.current_url.split("#")[0] == target.split("#")[0]
    unseen = []
    press(browser, Keys.TAB)
    for _ in range(40):
        try:
            element = focused(browser)
            if element.tag_name != "body" and element.is_displayed() and not focus_is_visible(browser, element):
                unseen.append(element.get_attribute("outerHTML")[:120])
        except (StaleElementReferenceException, WebDriverException):
            pass  # a marker redrawn while it was looked at
        press(browser, Keys.TAB)
    assert not unseen, "focus not visible on:\n" + "\n".join(unseen)


def test_the_language_switch_and_sign_out_work_from_the_keyboard(fresh):
    browser = fresh(user="ana")
    browser.open("/alerts")
    before = browser.language
    press(browser, Keys.TAB)
    switch = tab_to(browser, lambda e: e.get_attribute("id") == "switch-language")
    follow(browser, switch)
    assert browser.language != before and browser.path == "/alerts"
    press(browser, Keys.TAB)
    out = tab_to(browser, lambda e: e.get_attribute("id") == "logout")
    follow(browser, out)
    assert browser.path == "/login"
