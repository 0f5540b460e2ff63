"""The search page in a real browser: headless Chromium driven over the DevTools protocol.

No browser driver package: Chromium speaks the protocol over two pipes
(``--remote-debugging-pipe``: it reads commands from fd 3 and writes answers to fd 4,
each message JSON ended by a NUL byte), which the small client below uses.
Skipped only when Chromium is not installed (Debian's ``chromium`` package).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from amif_search.web import create_app
from tests.test_web_page import build_many

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-dev-shm-usage", "--remote-debugging-pipe"]
TIMEOUT = 15.0

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian package 'chromium')")


class BrowserError(Exception):
    """The browser answered a command with an error, or not in time."""


class Browser:
    """One headless Chromium and one page in it, driven over the DevTools pipe."""

    def __init__(self, binary: str, profile: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        # Out of the way of 3 and 4 first (and still closed on exec), then dup2'ed there by
        # posix_spawn itself: no Python code runs in the child of this threaded process.
        high_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD_CLOEXEC, 10)
        high_write = fcntl.fcntl(answers_write, fcntl.F_DUPFD_CLOEXEC, 10)
        log = str(profile.parent / "chromium.log")
        try:
            self.pid = os.posix_spawn(binary, [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                      os.environ, file_actions=[
                                          (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                                          (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT, 0o600),
                                          (os.POSIX_SPAWN_DUP2, 1, 2),
                                          (os.POSIX_SPAWN_DUP2, high_read, 3),
                                          (os.POSIX_SPAWN_DUP2, high_write, 4),
                                      ])
        finally:
            for fd in (commands_read, answers_write, high_read, high_write):
                os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=self.session)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._receive(deadline)
            if answer.get("id") != self._next_id:
                self.events.append(answer)
                continue
            if "error" in answer:
                raise BrowserError(f"{method}: {answer['error']}")
            return answer["result"]

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _w, _x = select.select([self._answers], [], [], max(left, 0))
            if not ready:
                raise BrowserError("no answer from the browser in time")
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                raise BrowserError("the browser closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    # -- the page ------------------------------------------------------------------------

    def page(self, method: str, params: dict | None = None) -> dict:
        return self.send(method, params, self.session)

    def evaluate(self, expression: str):
        result = self.page("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except BrowserError:  # the page is between two documents
                value = None
            if value:
                return value
            time.sleep(0.05)
        raise BrowserError(f"waited in vain for {what}; the page says: "
                           f"{self.evaluate('document.body && document.body.innerText')!r}")

    def open(self, url: str) -> None:
        self.page("Page.navigate", {"url": url})
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'", url)

    def press(self, key: str, code: int, text: str = "", modifiers: int = 0) -> None:
        common = {"key": key, "code": key, "windowsVirtualKeyCode": code, "modifiers": modifiers}
        self.page("Input.dispatchKeyEvent", {"type": "keyDown", "text": text, **common})
        self.page("Input.dispatchKeyEvent", {"type": "keyUp", **common})

    def type(self, text: str) -> None:
        self.page("Input.insertText", {"text": text})

    def problems(self) -> list[str]:
        """JavaScript exceptions and console errors (a Content-Security-Policy violation among them)."""
        found = []
        for event in self.events:
            if event.get("method") == "Runtime.exceptionThrown":
                found.append(str(event["params"]["exceptionDetails"].get("exception", {}).get("description")))
            elif event.get("method") == "Log.entryAdded" and event["params"]["entry"]["level"] == "error":
                found.append(event["params"]["entry"]["text"])
        return found

    def exit_code(self) -> int | None:
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        return None if pid == 0 else os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except BrowserError:
            pass
        deadline = time.monotonic() + 5
        while self.exit_code() is None:
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        os.close(self._commands)
        os.close(self._answers)


def _serve(collection):
    import waitress

    server = waitress.create_server(create_app(collection), host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    server.task_dispatcher.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def server_url(collection):
    yield from _serve(collection)


@pytest.fixture(scope="module")
def many_url(tmp_path_factory):
    """A server over the real page and 60 generated projects: searches with several pages of hits."""
    from amif_search.collection import open_collection

    opened = open_collection(build_many(tmp_path_factory.mktemp("many")), build=False)
    yield from _serve(opened)
    opened.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory, server_url, many_url):
    # After the servers, so that it closes its connections before they stop.
    opened = Browser(CHROMIUM, tmp_path_factory.mktemp("chromium") / "profile")
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def _fresh_events(browser):
    browser.events.clear()


RESULT_IDS = "Array.from(document.querySelectorAll('#results > li')).map(li => li.dataset.id)"
LOADED = ("document.querySelectorAll('#results > li').length > 0 && "
          "!document.getElementById('status').textContent.includes('…')")


def test_search_then_switch_to_finnish(browser, server_url):
    browser.open(f"{server_url}/?ui=sv")
    assert browser.evaluate("document.documentElement.lang") == "sv"

    # The search box is reached with the keyboard, after the language links.
    for _tab in range(10):
        browser.press("Tab", 9)
        if browser.evaluate("document.activeElement.id") == "q":
            break
    assert browser.evaluate("document.activeElement.id") == "q"
    browser.type("trauma barn")
    browser.press("Enter", 13, "\r")
    browser.wait_for(LOADED, "the hits of 'trauma barn'")

    ids = browser.evaluate(RESULT_IDS)
    assert set(ids[:2]) == {"lanu-2022", "lanu-2019"}
    status = browser.evaluate("document.getElementById('status').textContent")
    assert status == f"{len(ids)} träffar för trauma barn"
    assert browser.evaluate("document.getElementById('status').getAttribute('aria-live')") == "polite"
    marks = browser.evaluate("Array.from(document.querySelectorAll('#results > li:first-child mark'))"
                             ".map(m => m.textContent)")
    # unga is marked too: unge is another label of the concept barn.
    assert marks and all(mark.lower().startswith(("trauma", "barn", "ung")) for mark in marks), marks
    assert "Projektgenomförare" in browser.evaluate(
        "Array.from(document.querySelectorAll('#results dt')).map(dt => dt.textContent)")
    assert "q=trauma+barn" in browser.evaluate("location.search")

    # Switch to Finnish with the keyboard: the search is kept and the labels are Finnish.
    browser.evaluate("document.querySelector('a[data-ui=fi]').focus()")
    browser.press("Enter", 13, "\r")
    browser.wait_for("document.documentElement && document.documentElement.lang === 'fi'", "the Finnish page")
    browser.wait_for(LOADED, "the hits on the Finnish page")
    assert set(browser.evaluate(RESULT_IDS)[:2]) == {"lanu-2022", "lanu-2019"}
    assert browser.evaluate("document.getElementById('q').value") == "trauma barn"
    labels = browser.evaluate("Array.from(document.querySelectorAll('#results dt')).map(dt => dt.textContent)")
    assert "Hankkeen toteuttaja" in labels and "Projektgenomförare" not in labels
    assert browser.evaluate("document.querySelector('label[for=objective]').textContent") == "Kansallinen tavoite"
    assert browser.evaluate("document.querySelector('a[aria-current]').dataset.ui") == "fi"
    finnish_status = browser.evaluate("document.getElementById('status').textContent")
    assert finnish_status.startswith(f"{len(ids)} ") and "träffar" not in finnish_status
    assert browser.problems() == []


def test_data_is_shown_as_text_never_run(browser, server_url):
    browser.open(f"{server_url}/?ui=sv")
    # (Without '=': engine.py recurses without end on words joined by '=', '.', '/' ...; reported.)
    attack = "<img src onerror> tortyr"
    browser.evaluate("document.getElementById('q').focus()")
    browser.type(attack)
    browser.press("Enter", 13, "\r")
    browser.wait_for(LOADED, "the hits of the attack")
    assert browser.evaluate("document.getElementById('status').textContent").endswith(attack)
    assert browser.evaluate("document.querySelectorAll('main img').length") == 0
    assert browser.problems() == []


def test_an_error_is_announced(browser, server_url):
    browser.open(f"{server_url}/?ui=sv&year=1899")
    browser.evaluate("document.getElementById('year').append(new Option('1899', '1899', true, true))")
    browser.evaluate("document.getElementById('q').focus()")
    browser.type("tortyr")
    browser.press("Enter", 13, "\r")
    status = browser.wait_for("(s => s.startsWith('Sökningen misslyckades') && s)"
                              "(document.getElementById('status').textContent)", "the error message")
    assert "year måste vara ett heltal från 1900 till 2200" in status
    assert browser.evaluate("document.querySelectorAll('#results > li').length") == 0



# -- without JavaScript, on a phone, and for assistive technology --------------------------

HIT_LINKS = "Array.from(document.querySelectorAll('#results .hit-title a')).map(a => a.href)"
AXE_CORE = os.environ.get("AMIF_SEARCH_AXE_CORE") or next(
    (str(path) for path in (Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js",
                            Path("/usr/lib/node_modules/axe-core/axe.min.js")) if path.exists()), None)


@pytest.fixture
def no_script(browser):
    browser.page("Emulation.setScriptExecutionDisabled", {"value": True})
    yield browser
    browser.page("Emulation.setScriptExecutionDisabled", {"value": False})


@pytest.fixture
def phone(browser):
    browser.page("Emulation.setDeviceMetricsOverride",
                 {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    yield browser
    browser.page("Emulation.clearDeviceMetricsOverride")


def _wait_loaded(browser, url: str) -> None:
    browser.page("Page.navigate", {"url": url})
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            state = browser.page("Runtime.evaluate", {"expression": "document.readyState + ' ' + location.href",
                                                      "returnByValue": True})["result"].get("value", "")
        except BrowserError:
            state = ""
        if state == f"complete {url}":
            return
        time.sleep(0.05)
    raise BrowserError(f"{url} did not load")


def test_without_javascript_the_three_hits_lead_to_their_full_descriptions(no_script, server_url, collection):
    browser = no_script
    _wait_loaded(browser, f"{server_url}/?q=trauma+barn&ui=sv")
    assert browser.evaluate("document.getElementById('status').textContent") == "3 träffar för trauma barn"
    links = browser.evaluate(HIT_LINKS)
    assert [link.split("?")[0].rsplit("/", 1)[1] for link in links] == [
        "lanu-2019", "lanu-2022", "rehabilitering-krigstraumatiserade-2021"]
    for link in links:
        _wait_loaded(browser, link)
        project = collection.get(link.split("?")[0].rsplit("/", 1)[1])
        shown = browser.evaluate("document.querySelector('article.project').innerText")
        assert project.title in shown and " ".join(project.description.split()) in " ".join(shown.split())
    assert browser.problems() == []


# A search whose words are read as an implementer and a start year, and one with a correction.
NOTES = "/?q=diakonissanstalten+projects+that+started+in+2021"
CORRECTED = "/?q=tortir+barn"


@pytest.mark.parametrize("scripting", [True, False], ids=["script", "no-script"])
def test_the_page_says_how_the_query_was_read_with_and_without_the_script(browser, server_url, scripting):
    browser.page("Emulation.setScriptExecutionDisabled", {"value": not scripting})
    try:
        _wait_loaded(browser, f"{server_url}{NOTES}&ui=fi")
        notes = browser.evaluate("Array.from(document.querySelectorAll('#notes li')).map(li => li.innerText)")
        readings = browser.evaluate("Array.from(document.querySelectorAll('#notes code')).map(c => c.lang)")
    finally:
        browser.page("Emulation.setScriptExecutionDisabled", {"value": False})
    assert any(note.endswith("luettiin muotoon startår:2021") for note in notes), notes
    assert any("genomförare:" in note and "sen toteuttamat hankkeet tulevat ensin" in note for note in notes)
    assert readings == ["sv", "sv"]
    assert browser.problems() == []


@pytest.mark.parametrize("path", [
    *(f"{path}{'&' if '?' in path else '?'}ui={lang}" for lang in ("sv", "fi", "en")
      for path in ("/?q=trauma+barn", "/projects/lanu-2022", NOTES)),
    "/?q=flyktingar&ui=fi", f"{CORRECTED}&ui=en", "/?ui=sv"])
def test_nothing_overflows_a_390_pixel_phone(phone, server_url, path):
    _wait_loaded(phone, f"{server_url}{path}")
    assert phone.evaluate("window.innerWidth") == 390
    width = phone.evaluate("document.documentElement.scrollWidth")
    wide = phone.evaluate("Array.from(document.querySelectorAll('body *')).filter("
                          "e => e.getBoundingClientRect().right > 390.5).map(e => e.tagName + '#' + e.id)")
    assert width <= 390 and wide == [], wide


@pytest.mark.skipif(AXE_CORE is None, reason="needs axe-core (npm package 'axe-core'; .ci/run installs it)")
@pytest.mark.parametrize("lang", ["sv", "fi", "en"])
@pytest.mark.parametrize("path", ["/?q=trauma+barn", "/projects/lanu-2022", NOTES, CORRECTED],
                         ids=["search", "project", "read-as", "corrected"])
def test_axe_finds_no_accessibility_violation(browser, server_url, path, lang):
    separator = "&" if "?" in path else "?"
    _wait_loaded(browser, f"{server_url}{path}{separator}ui={lang}")
    found = _axe(browser)
    assert found["violations"] == [] and found["passes"] > 10


def _axe(browser) -> dict:
    """axe-core's WCAG 2.1 A and AA rules and its best practices, run on the page as it is now."""
    browser.evaluate(Path(AXE_CORE).read_text(encoding="utf-8"))
    run = ("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
           "'best-practice']}}).then(r => JSON.stringify({violations: r.violations.map(v => "
           "({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})), passes: r.passes.length}))")
    answer = browser.page("Runtime.evaluate", {"expression": run, "awaitPromise": True, "returnByValue": True})
    return json.loads(answer["result"]["value"])


@pytest.mark.skipif(AXE_CORE is None, reason="needs axe-core (npm package 'axe-core'; .ci/run installs it)")
@pytest.mark.parametrize("more", [True, False], ids=["more-in-place", "second-page"])
def test_axe_finds_no_violation_on_a_page_of_many_hits_and_after_more_came(browser, many_url, more):
    # (axe runs as a script: the second page, as the server sends it, stands for the page without one.)
    _wait_loaded(browser, f"{many_url}/?q=trauma+barn&ui=fi" + ("" if more else "&offset=20"))
    if more:
        _follow(browser, "#more", "document.querySelectorAll('#results > li').length === 40")
    found = _axe(browser)
    assert found["violations"] == [] and found["passes"] > 10


# -- "more hits": with the script in place, without it a link to the next page --------------

# AMIF_SEARCH_SCREENSHOTS=DIR keeps a picture of each state these tests check, to look at.
SHOTS = os.environ.get("AMIF_SEARCH_SCREENSHOTS")
WIDTHS = {"phone": (390, 844, True), "desktop": (1280, 900, False)}
OVERFLOWING = ("Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > "
               "document.documentElement.clientWidth + 0.5).map(e => e.tagName + '#' + e.id)")


def _screenshot(browser, name: str) -> None:
    if SHOTS:
        shot = browser.page("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        (Path(SHOTS) / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser):
    width, height, mobile = WIDTHS[request.param]
    browser.page("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    browser.width_name = request.param
    yield browser
    browser.page("Emulation.clearDeviceMetricsOverride")


def _api_hits(url: str, query: str) -> list[dict]:
    with urllib.request.urlopen(f"{url}/api/v1/search?{query}&limit=100", timeout=TIMEOUT) as answer:
        return json.load(answer)["hits"]


def _follow(browser, selector: str, then: str) -> None:
    """Focus a link and press Enter, as a keyboard user does, then wait for ``then``."""
    assert browser.evaluate(f"(a => !!a && (a.focus(), document.activeElement === a))"
                            f"(document.querySelector({json.dumps(selector)}))"), selector
    browser.press("Enter", 13, "\r")
    browser.wait_for(then, then)


def _fits(browser) -> None:
    assert browser.evaluate("document.documentElement.scrollWidth") <= browser.evaluate("window.innerWidth")
    assert browser.evaluate(OVERFLOWING) == []


@pytest.mark.parametrize("query, lang", [("q=trauma+barn", "en"), ("q=barn&sort=-support", "fi")],
                         ids=["relevance-en", "support-fi"])
def test_more_hits_come_into_the_list_with_the_script(sized, many_url, query, lang):
    browser = sized
    expected = _api_hits(many_url, query)
    browser.open(f"{many_url}/?{query}&ui={lang}")
    browser.wait_for("document.readyState === 'complete'", "the page")
    more = {"en": "Show more results", "fi": "Näytä lisää osumia"}[lang]
    assert browser.evaluate("document.getElementById('more').textContent") == more
    _screenshot(browser, f"more-js-{browser.width_name}-{lang}-1")
    shown = 20
    while shown < len(expected):
        _follow(browser, "#more", f"document.querySelectorAll('#results > li').length > {shown}")
        before, shown = shown, browser.evaluate("document.querySelectorAll('#results > li').length")
        assert shown == min(before + 20, len(expected))
        # The keyboard goes on at the first new hit; the count says what is shown.
        assert browser.evaluate("document.activeElement.closest('li.hit').dataset.id") == expected[before]["id"]
        assert browser.evaluate("document.getElementById('showing').textContent").endswith(f"1–{shown}")
        _fits(browser)
        _screenshot(browser, f"more-js-{browser.width_name}-{lang}-{shown}")
    assert browser.evaluate(RESULT_IDS) == [hit["id"] for hit in expected]
    # The last page came: no control and no empty navigation are left.
    assert browser.evaluate("document.querySelector('.paging')") is None
    # What the script rendered is what the server renders: the partial mark, Swedish marked.
    partial = browser.evaluate("Array.from(document.querySelectorAll('#results > li')).filter("
                               "li => li.querySelector('.partial')).map(li => li.dataset.id)")
    if "sort" in query:
        assert partial == []
        support = [float(hit["eu_support"]) for hit in expected]
        assert support == sorted(support, reverse=True)
    else:
        assert partial == [hit["id"] for hit in expected if hit["matched_concepts"] < 2]
        assert set(partial) & {hit["id"] for hit in expected[20:]}
    assert browser.evaluate("Array.from(document.querySelectorAll('#results .hit-title, #results .snippet'))"
                            ".every(e => e.lang === 'sv')")
    # Amounts and dates the script wrote keep on one line, as the server's do.
    facts = browser.evaluate("Array.from(document.querySelectorAll('#results .facts dd')).slice(1)"
                             ".map(dd => dd.textContent)")
    assert facts and not any(" " in fact for fact in facts[::4] + facts[1::4]), facts
    assert browser.problems() == []


def test_without_the_script_the_next_page_link_pages_on_the_server(no_script, sized, many_url):
    browser = sized
    expected = [hit["id"] for hit in _api_hits(many_url, "q=trauma+barn")]
    _wait_loaded(browser, f"{many_url}/?q=trauma+barn&ui=fi")
    assert browser.evaluate("document.getElementById('more').textContent") == "Seuraava sivu"
    _screenshot(browser, f"more-nojs-{browser.width_name}-1")
    seen = browser.evaluate(RESULT_IDS)
    for offset in (20, 40):
        _follow(browser, "#more", f"location.search.includes('offset={offset}') && document.readyState === 'complete'")
        assert browser.evaluate("location.hash") == "#status"
        # The new page starts at its hits, not above the form.
        assert browser.evaluate("window.scrollY") > 0
        assert browser.evaluate("document.getElementById('results').start") == offset + 1
        page = browser.evaluate(RESULT_IDS)
        assert page == expected[offset:offset + 20]
        seen += page
        last = offset + len(page)
        assert browser.evaluate("document.getElementById('showing').textContent") == f"Näytetään {offset + 1}–{last}"
        assert browser.evaluate("document.querySelector('a[rel=prev]').textContent") == "Edellinen sivu"
        _fits(browser)
        _screenshot(browser, f"more-nojs-{browser.width_name}-{offset}")
    assert seen == expected
    assert browser.evaluate("document.getElementById('more')") is None
    _follow(browser, "a[rel=prev]", "location.search.includes('offset=20') && document.readyState === 'complete'")
    assert browser.evaluate(RESULT_IDS) == expected[20:40]
    assert browser.problems() == []
