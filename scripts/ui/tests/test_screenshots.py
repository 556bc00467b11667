"""Issue 8, step 5: screenshots of the workbench's pages in both languages, for the README and
docs (docs/screenshots/PAGE-LANG.png at 1280x800, and one page at a tablet's 820x1180)."""

import os
import struct

import pytest

from conftest import pending
import pages
import workbench

SHOTS = ["overview", "alerts", "consignment", "lead", "map", "party", "search", "audit", "login"]


def png_size(path):
    with open(path, "rb") as handle:
        head = handle.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path + " is not a PNG"
    return struct.unpack(">II", head[16:24])


def shoot(browser, page, path, language, name):
    browser.open(path)
    assert browser.status() == 200, "%s: HTTP %d" % (path, browser.status())
    browser.set_language(language)
    assert browser.path == path.split("?")[0], "%s: at %s instead" % (path, browser.path)
    assert not browser.find_all("main .error[role=alert]") or page[0] == "login", "%s: an error page" % path
    if page[0] in pages.DRAWN:
        browser.wait_for(pages.DRAWN[page[0]])
    browser.driver.execute_script("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    os.makedirs(workbench.SCREENSHOTS, exist_ok=True)
    target = os.path.join(workbench.SCREENSHOTS, name + ".png")
    assert browser.driver.save_screenshot(target)
    return target


BY_NAME = {p[0]: p for p in pages.PAGES}


@pytest.mark.parametrize("language", workbench.LANGUAGES)
@pytest.mark.parametrize("page", [pytest.param(BY_NAME[n], id=n, marks=pending(*BY_NAME[n][2]))
                                  for n in SHOTS])
def test_screenshot(page, language, store, browsers, fresh, request):
    browser = browsers(page[1]) if page[1] else fresh()
    target = shoot(browser, page, pages.path(page, store, request), language, "%s-%s" % (page[0], language))
    assert png_size(target) == (1280, 800)


def test_screenshot_at_tablet_size(store, fresh, request):
    browser = fresh(user="ana", width=820, height=1180)
    target = shoot(browser, BY_NAME["overview"], "/", "es", "overview-es-tablet")
    assert png_size(target) == (820, 1180)
