"""Issue 8, step 3: every string a page shows comes from the catalog of the page's language, and
switching the language changes them."""

import pytest

from conftest import pending
import pages
import workbench


def test_catalog_has_every_key_in_both_languages(catalog):
    problems = catalog.problems()
    assert not problems, "\n".join(problems)
    assert set(catalog.values["en"]) == set(catalog.values["es"])


def look(page, store, request, browsers, fresh):
    name, user, _, _ = page
    browser = browsers(user) if user else fresh()
    path = pages.path(page, store, request)
    browser.open(path)
    assert browser.status() == (404 if name == "error" else 200), "%s: HTTP %d" % (path, browser.status())
    assert browser.path == path.split("?")[0], "%s: at %s instead" % (path, browser.path)
    if name in pages.DRAWN:
        browser.wait_for(pages.DRAWN[name])
    return browser, path


@pytest.mark.parametrize("page", [pytest.param(p, id=p[0], marks=pending(*p[2])) for p in pages.PAGES])
def test_every_visible_string_is_in_the_page_language(page, store, catalog, browsers, fresh, request):
    browser, path = look(page, store, request, browsers, fresh)
    shown = {}
    for language in ("en", "es", "en"):
        # An error page's language link goes to the overview (it repeats nothing of the request).
        browser.set_language(language, same_page=page[0] != "error")
        if page[0] in pages.DRAWN:
            browser.wait_for(pages.DRAWN[page[0]])
        assert browser.find("#switch-language").get_attribute("hreflang") != language
        empty = browser.empty_labels()
        assert not empty, "%s in %s: elements without text:\n%s" % (path, language, "\n".join(empty))
        strings = browser.visible_strings()
        assert strings, "%s: no visible string" % path
        unknown = sorted({"%r (%s)" % (text, where) for text, where in strings if not catalog.knows(text, language)})
        assert not unknown, "%s in %s: not in the %s catalog:\n%s" % (path, language, language, "\n".join(unknown))
        shown[language] = {text for text, _ in strings}
    assert shown["en"] != shown["es"], "%s: the same strings in English and Spanish" % path
    # A string the English page shows that is not Spanish too (like "Rastro") is gone in Spanish.
    english_only = {s for s in shown["en"] if not catalog.knows(s, "es")}
    assert english_only and not english_only & shown["es"], "%s: English left on the Spanish page: %s" % (
        path, sorted(english_only & shown["es"]))
