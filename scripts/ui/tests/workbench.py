"""A browser on the workbench: Debian's headless Chromium driven by Selenium, with the helpers the
tests share (signing in, the HTTP status of a page, the visible strings of a page, crawling)."""

import html
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
URL = os.environ.get("RASTRO_UI_URL", "").rstrip("/")
DATABASE = os.environ.get("RASTRO_UI_DATABASE", "")
BINARY = os.environ.get("RASTRO_BIN", os.path.join(ROOT, ".build", "debug", "rastro"))
MESSAGES = os.environ.get("RASTRO_UI_MESSAGES", os.path.join(ROOT, "Sources", "RastroServer", "Web", "messages"))
# The analysis's reason sentences, which the workbench shows in the page's language.
REASONS = os.path.join(ROOT, "Sources", "RastroModel", "Resources", "reasons.json")
SCREENSHOTS = os.environ.get("RASTRO_UI_SCREENSHOTS", os.path.join(ROOT, "docs", "screenshots"))
CHROMIUM = os.environ.get("RASTRO_UI_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("RASTRO_UI_CHROMEDRIVER", "/usr/bin/chromedriver")

# The demo's accounts (rastro demo prints them).
PASSWORDS = {"ana": "demo-ana-2026", "admin": "demo-admin-2026", "tom": "demo-tom-2026"}
LANGUAGES = ("en", "es")
WAIT = 15

# Every visible text node outside translate="no", and the user-visible attributes, of the page.
VISIBLE_STRINGS_JS = r"""
const out = [];
const where = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.getAttribute('class') ? '.' + el.getAttribute('class').trim().split(/\s+/).join('.') : '');
const translatable = (el) => !el.closest('[translate="no"]');
const shown = (el) => {
  const box = el.closest('select') || el;
  return box.checkVisibility ? box.checkVisibility({visibilityProperty: true}) : true;
};
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!el || el.closest('script,style,noscript,template')) continue;
  const text = node.nodeValue.replace(/\s+/g, ' ').trim();
  if (text && translatable(el) && shown(el)) out.push([text, where(el)]);
}
for (const el of document.querySelectorAll('body [placeholder], body [aria-label], body [title], body [alt], body input[type=submit][value], body input[type=button][value]')) {
  if (!translatable(el)) continue;
  for (const name of ['placeholder', 'aria-label', 'title', 'alt', 'value']) {
    if (name === 'value' && !['submit', 'button'].includes(el.type)) continue;
    const value = (el.getAttribute(name) || '').trim();
    if (value) out.push([value, where(el) + '@' + name]);
  }
}
out.push([document.title, 'title']);
return out;
"""

# Headings, labels, buttons and links that show no text (a message the template did not find).
EMPTY_LABELS_JS = r"""
const out = [];
for (const el of document.querySelectorAll('h1, h2, h3, h4, dt, th, label, button, a[href], legend, summary, caption, option')) {
  const box = el.closest('select') || el;
  if (box.checkVisibility && !box.checkVisibility({visibilityProperty: true})) continue;
  if (el.textContent.trim() || el.getAttribute('aria-label') || el.querySelector('img[alt], svg[aria-label]')) continue;
  if (el.tagName === 'OPTION' && el.value === '') continue;
  out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.getAttribute('for') ? '[for=' + el.getAttribute('for') + ']' : '') +
           ' in ' + (el.parentElement.closest('[id]') || document.body).tagName.toLowerCase() + '#' + ((el.parentElement.closest('[id]') || {}).id || ''));
}
return out;
"""

# Separators the templates put between strings (outside any string), and the punctuation that ends one.
SEPARATOR = re.compile(r"\s+[·|—–/]\s+")
TRIM = " \t\n·|—–/:;,.()[]«»\"'"
LETTER = re.compile(r"[^\W\d_]")


class Catalog:
    """The message catalog of the repository: Sources/RastroServer/Web/messages/*.json, and the
    reasons' sentences (Sources/RastroModel/Resources/reasons.json)."""

    def __init__(self, directory=MESSAGES, reasons=REASONS):
        self.files = {}
        self.values = {language: {} for language in LANGUAGES}
        paths = [os.path.join(directory, name) for name in sorted(os.listdir(directory)) if name.endswith(".json")]
        for path in paths + [reasons]:
            with open(path, encoding="utf-8") as handle:
                self.files[os.path.basename(path)] = json.load(handle)
        for table in self.files.values():
            for language in LANGUAGES:
                self.values[language].update(table.get(language, {}))
        self.patterns = {language: self._patterns(table) for language, table in self.values.items()}

    @staticmethod
    def _patterns(table):
        exact, patterns = set(), []
        for value in table.values():
            if re.search(r"\{[^}]*\}|%[@sd]", value):
                # A message with placeholders: any text in place of each.
                parts = re.split(r"\{[^}]*\}|%[@sd]", value)
                patterns.append(re.compile(r"^" + r".+?".join(re.escape(normal(p)) for p in parts) + r"$"))
                # Scripts put each value in its own translate="no" element: the text between
                # the values is a message's own piece.
                exact.update(normal(p) for p in parts if normal(p))
            exact.add(normal(value))
        return exact, patterns

    def text(self, key, language):
        return self.values[language][key]

    def problems(self):
        """Keys missing in a language, defined twice, or empty, one line each."""
        out, origin = [], {}
        for name, table in self.files.items():
            keys = set().union(*(set(table.get(language, {})) for language in LANGUAGES))
            for language in LANGUAGES:
                for key in sorted(keys - set(table.get(language, {}))):
                    out.append("%s: %s: missing in %s" % (name, key, language))
                for key, value in table.get(language, {}).items():
                    if not value.strip():
                        out.append("%s: %s: empty in %s" % (name, key, language))
            for language in set(table) - set(LANGUAGES):
                out.append("%s: %s is not a language of the workbench" % (name, language))
            for key in table.get("en", {}):
                if key in origin:
                    out.append("%s: %s: already defined in %s" % (name, key, origin[key]))
                origin[key] = name
        return out

    def knows(self, text, language):
        exact, patterns = self.patterns[language]
        return text in exact or any(p.match(text) for p in patterns)


def normal(text):
    return re.sub(r"\s+", " ", text).strip(TRIM)


def strings(parts):
    """The strings a page shows: its text nodes split at separators, without data-free pieces
    (numbers and punctuation only)."""
    out = []
    for text, where in parts:
        for piece in SEPARATOR.split(text):
            piece = normal(piece)
            if piece and LETTER.search(piece):
                out.append((piece, where))
    return out


def driver(width=1280, height=800, language="en"):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--hide-scrollbars",
                     "--window-size=%d,%d" % (width, height), "--lang=" + language, "--no-first-run", "--disable-extensions"]:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    chrome = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    chrome.set_page_load_timeout(60)
    chrome.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    return chrome


class Browser:
    """One person's browser on the workbench."""

    def __init__(self, base=URL, user=None, width=1280, height=800):
        self.base = base
        self.user = user
        self.loaded = []
        self.driver = driver(width, height)
        if user:
            self.sign_in(user)

    def close(self):
        self.driver.quit()

    # Navigation

    def open(self, path):
        self.forget()
        self.driver.get(self.base + path)
        self.ready()
        return self

    def ready(self):
        WebDriverWait(self.driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def submit(self, element):
        """Clicks a submit button and waits for the next page."""
        self.forget()
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        self.left(page)

    def left(self, page):
        """Waits until the document whose root element is `page` has been replaced, then for the
        next one to load. While the old document is being torn down, chromedriver may answer a
        question about its element with "Node with given id does not belong to the document"
        rather than a stale-element error; that too means the page has gone."""
        def gone(driver):
            try:
                page.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                if "does not belong to the document" in str(error) or "No node with given id" in str(error):
                    return True
                raise
        WebDriverWait(self.driver, WAIT).until(gone)
        self.ready()

    def forget(self):
        self.driver.get_log("performance")
        self.loaded = []

    def statuses(self):
        """The HTTP statuses of the documents loaded since the last navigation, as (path, status)
        in order, redirects included (Chrome's performance log)."""
        out = self.loaded
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.requestWillBeSent" and params.get("redirectResponse") and params.get("type") == "Document":
                response = params["redirectResponse"]
                out.append((urllib.parse.urlsplit(response["url"]).path, response["status"]))
            elif message["method"] == "Network.responseReceived" and params.get("type") == "Document":
                response = params["response"]
                out.append((urllib.parse.urlsplit(response["url"]).path, response["status"]))
        return out

    def status(self):
        """The status of the page now shown."""
        statuses = self.statuses()
        assert statuses, "no document was loaded"
        return statuses[-1][1]

    @property
    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    @property
    def query(self):
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.driver.current_url).query)

    @property
    def source(self):
        return self.driver.page_source

    @property
    def language(self):
        return self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def find_all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def wait_for(self, selector, count=1, timeout=WAIT):
        """Waits until `count` elements match; returns them."""
        try:
            WebDriverWait(self.driver, timeout).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, selector)) >= count)
        except TimeoutException:
            raise AssertionError("%s: fewer than %d of %s after %d s" % (self.path, count, selector, timeout)) from None
        return self.find_all(selector)

    def select(self, selector, value):
        Select(self.find(selector)).select_by_value(value)

    def type(self, selector, text):
        field = self.find(selector)
        field.clear()
        field.send_keys(text)

    # Sessions

    def sign_in(self, user, password=None):
        self.open("/login")
        self.type("#user", user)
        self.type("#password", PASSWORDS[user] if password is None else password)
        self.submit(self.find("#login-submit"))
        return self

    def cookie(self, name):
        found = [c for c in self.driver.get_cookies() if c["name"] == name]
        return found[0]["value"] if found else None

    def set_language(self, language, same_page=True):
        """Switches to `language` with the page's language link when the page is in the other one,
        and checks that the link came back to the same page (an error page's goes to the overview)."""
        if self.language != language:
            before = self.driver.current_url
            link = self.find("#switch-language")
            assert link.get_attribute("hreflang") == language
            self.submit(link)
            if same_page:
                assert self.driver.current_url == before, "the language link went to %s from %s" % (self.driver.current_url, before)
            else:
                self.open(urllib.parse.urlsplit(before)._replace(scheme="", netloc="").geturl())
        assert self.language == language
        return self

    def empty_labels(self):
        return self.driver.execute_script(EMPTY_LABELS_JS)

    def visible_strings(self):
        return strings(self.driver.execute_script(VISIBLE_STRINGS_JS))

    # Plain HTTP with this browser's cookies (downloads, data the page's scripts fetched)

    def fetch(self, url):
        cookies = "; ".join("%s=%s" % (c["name"], c["value"]) for c in self.driver.get_cookies())
        request = urllib.request.Request(urllib.parse.urljoin(self.base + "/", url), headers={"Cookie": cookies})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def fetched_resources(self):
        """What the page's scripts asked this server for (fetch, XHR), beyond static files."""
        entries = self.driver.execute_script(
            "return performance.getEntriesByType('resource').filter(e => ['fetch', 'xmlhttprequest'].includes(e.initiatorType)).map(e => e.name)")
        return [url for url in entries if same_origin(self.base, url) and not asset(url)]

    def links(self):
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href]')).filter(a => typeof a.href === 'string')"
            ".map(a => [a.href, a.hasAttribute('download')])")


def same_origin(base, url):
    a, b = urllib.parse.urlsplit(base), urllib.parse.urlsplit(url)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def asset(url):
    path = urllib.parse.urlsplit(url).path
    return path.startswith(("/static/", "/vendor/", "/geo/"))


def readable(source):
    """A page's source as text to search: entities decoded, and once more with URLs decoded."""
    text = html.unescape(source)
    return text + "\n" + urllib.parse.unquote(text)


def crawl(browser, start="/", limit=300, skip=("/logout", "/language/")):
    """Opens every same-origin page reachable by links from `start` (breadth first, at most
    `limit`), skipping sign-out, language links and static files. Yields (url, text, page) for each page
    (its source after scripts ran), each download link and each resource the pages' scripts
    fetched; `text` is searchable (see readable). Pages come with page=True, while the browser
    shows them."""
    queue, seen = [browser.base + start], set()
    while queue and len(seen) < limit:
        url = urllib.parse.urldefrag(queue.pop(0))[0]
        if url in seen:
            continue
        seen.add(url)
        browser.driver.get(url)
        browser.ready()
        if not browser.find_all("body[data-lang]"):
            # Not a workbench page (a bare 404 of a route not there, which Chromium shows as its
            # own error page, with the address in it): what the server sent is what counts.
            yield url, readable(browser.fetch(url)[1]), False
            continue
        yield url, readable(browser.source), True
        for resource in browser.fetched_resources():
            if resource not in seen:
                seen.add(resource)
                yield resource, readable(browser.fetch(resource)[1]), False
        for href, download in browser.links():
            href = urllib.parse.urldefrag(href)[0]
            path = urllib.parse.urlsplit(href).path
            if not same_origin(browser.base, href) or asset(href) or path.startswith(skip) or href in seen:
                continue
            if download:
                seen.add(href)
                yield href, readable(browser.fetch(href)[1]), False
            elif href not in queue:
                queue.append(href)
