"""The WSGI application: the JSON API, its errors, CORS, the page's HTML, OpenAPI; and ``serve``.

Most tests call the application directly as a WSGI server would; one starts waitress in a
thread and one runs ``amif-search serve`` for a real round trip over HTTP.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes
from wsgiref.headers import Headers
from wsgiref.util import setup_testing_defaults

import pytest

from amif_search.errors import AmifSearchError, IndexStateError
from amif_search.web import create_app
from amif_search.web.app import SearchApp
from amif_search.web.page import SCRIPT_LABELS

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "https://intranet.example.org"
LANU = {"lanu-2019", "lanu-2022"}


@dataclass
class Reply:
    status: int
    headers: Headers
    body: bytes

    def json(self):
        assert self.headers["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def call(app, target: str, method: str = "GET", headers: dict[str, str] | None = None,
         script_name: str = "") -> Reply:
    """Answer one request as a WSGI server would; ``target`` is the path and query as sent
    (below ``script_name``, where a server mounted the application)."""
    path, _sep, query = target.partition("?")
    environ: dict = {}
    setup_testing_defaults(environ)
    # PATH_INFO is decoded, as latin-1 text of its bytes; QUERY_STRING stays percent-encoded.
    environ.update(REQUEST_METHOD=method, PATH_INFO=unquote_to_bytes(path).decode("latin-1"), QUERY_STRING=query,
                   SCRIPT_NAME=script_name)
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    started: dict = {}

    def start_response(status, header_list, exc_info=None):
        started["status"], started["headers"] = status, header_list

    body = b"".join(app(environ, start_response))
    status = int(started["status"].split()[0])
    reply = Reply(status, Headers(started["headers"]), body)
    if method != "HEAD" and status != 304:
        assert int(reply.headers["Content-Length"]) == len(body)
    return reply


@pytest.fixture(scope="module")
def app(collection):
    return create_app(collection)


@pytest.fixture(scope="module")
def cors_app(collection):
    return create_app(collection, cors_origin=ORIGIN)


def q(text: str) -> str:
    return quote(text, safe="")


# -- the JSON API ------------------------------------------------------------------------


def test_search_tortyr_returns_both_lanu_projects_first(app):
    reply = call(app, "/api/search?q=tortyr")
    assert reply.status == 200
    data = reply.json()
    assert {hit["id"] for hit in data["hits"][:2]} == LANU
    assert data["query"] == "tortyr"


@pytest.mark.parametrize("target, query, options", [
    ("/api/search?q=" + q("trauma barn"), "trauma barn", {}),
    ("/api/search?q=kvotflyktingar&year=2022&limit=3&offset=1", "kvotflyktingar",
     {"year": 2022, "limit": 3, "offset": 1}),
    ("/api/search?q=kvotflyktingar&objective=6.1", "kvotflyktingar", {"objective": "6.1"}),
    ("/api/search?q=familj&implementer=" + q("Diakonissanstalt"), "familj", {"implementer": "Diakonissanstalt"}),
    ("/api/search?q=lapset&lang=fi", "lapset", {"lang": "fi"}),
    ("/api/search?q=traumatiserde", "traumatiserde", {}),
], ids=["words", "year-limit-offset", "objective", "implementer", "query-language", "correction"])
def test_search_answers_what_the_library_answers(app, collection, target, query, options):
    reply = call(app, target)
    assert reply.status == 200
    assert reply.json() == collection.search(query, **options).to_json(facets=False)


def test_projects_lists_every_project_and_filters(app, collection):
    everything = call(app, "/api/projects").json()
    assert everything["total"] == len(everything["projects"]) == 12
    assert everything["projects"] == [p.to_json() for p in collection.projects()]
    filtered = call(app, "/api/projects?year=2022&objective=6.2").json()
    expected = collection.projects(year=2022, objective="6.2")
    assert 0 < filtered["total"] < 12
    assert [p["id"] for p in filtered["projects"]] == [p.id for p in expected]


def test_one_project_has_its_glossary_concepts(app):
    data = call(app, "/api/projects/lanu-2022").json()
    assert data["id"] == "lanu-2022"
    assert data["implementer"] == "Stiftelsen Diakonissanstalten i Helsingfors sr"
    concepts = {c["id"]: c for c in data["concepts"]}
    assert concepts["tortyr"]["sv"] == "tortyr"
    assert concepts["barn-och-unga"]["terms"]["fi"]


@pytest.mark.parametrize("project_id", ["lanu-2022", "tuuli-2019"])
def test_one_project_is_the_same_object_as_show_json_prints(app, built_index, capsys, project_id):
    from amif_search.cli import main

    assert main(["show", project_id, "--json", "--index", str(built_index)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == call(app, f"/api/projects/{project_id}").json()
    assert isinstance(printed["notes"], list) and printed["concepts"]


def test_glossary_lookup(app):
    data = call(app, "/api/glossary?q=lapset&lang=fi").json()
    # The concept the word names, then its neighbours in the thesaurus.
    assert [m["how"] for m in data["matches"]][:2] == ["inflected", "related"]
    assert {m["how"] for m in data["matches"][1:]} == {"related"} and data["total"] == len(data["matches"])
    assert (data["matches"][0]["term"], data["matches"][0]["concept"]["id"]) == ("lapsi", "barn")
    assert call(app, "/api/glossary?q=" + q("mental health")).json()["total"] >= 1


def test_head_has_the_headers_of_get_and_no_body(app):
    get, head = call(app, "/api/search?q=tortyr"), call(app, "/api/search?q=tortyr", "HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


# -- errors ------------------------------------------------------------------------------

ERRORS = [
    ("/api/search?q=" + "a" * 501, "GET", 400, "the query is too long (501 characters; at most 500)"),
    ("/api/search?q=tortyr&limit=ten", "GET", 400, "limit must be a whole number from 1 to 100, not 'ten'"),
    ("/api/search?q=tortyr&limit=0", "GET", 400, "limit must be a whole number from 1 to 100"),
    ("/api/search?q=tortyr&limit=1000", "GET", 400, "limit must be a whole number from 1 to 100"),
    ("/api/search?q=tortyr&offset=-1", "GET", 400, "offset must be a whole number"),
    ("/api/search?q=tortyr&year=twenty", "GET", 400, "year must be a year such as 2022, not 'twenty'"),
    ("/api/search?q=tortyr&year=1066", "GET", 400, "year must be a whole number from 1900 to 2200"),
    ("/api/search?q=tortyr&objective=six", "GET", 400, "objective must be an objective code such as 6.2"),
    ("/api/search?q=tortyr&lang=xx", "GET", 400, "lang must be one of sv, en, fi, not 'xx'"),
    ("/api/search?q=tortyr&colour=red", "GET", 400, "unknown parameter 'colour'"),
    ("/api/search?q=tortyr&q=barn", "GET", 400, "the parameter 'q' is given more than once"),
    ("/api/search", "GET", 400, "the parameter 'q' is required"),
    ("/api/search?q=%FF", "GET", 400, "the query string is not valid UTF-8"),
    ("/api/search?q=" + "a" * 9000, "GET", 414, "the query string is too long"),
    ("/api/projects?q=barn", "GET", 400, "unknown parameter 'q'"),
    ("/api/glossary", "GET", 400, "the parameter 'q' is required"),
    ("/api/nothing", "GET", 404, "no such path: /api/nothing"),
    ("/static/../app.py", "GET", 404, "no such path"),
    ("/api/search?q=tortyr", "POST", 405, "the method POST is not allowed here"),
    ("/api/projects/lanu-2022", "DELETE", 405, "the method DELETE is not allowed here"),
    ("/", "PUT", 405, "the method PUT is not allowed here"),
]


@pytest.mark.parametrize("target, method, status, message", ERRORS, ids=[
    "query-too-long", "limit-not-a-number", "limit-zero", "limit-too-big", "offset-negative", "year-not-a-year",
    "year-out-of-range", "objective-malformed", "unknown-query-language", "unknown-parameter",
    "repeated-parameter", "missing-query", "not-utf8", "query-string-too-long",
    "projects-unknown-parameter", "glossary-missing-word", "unknown-path", "path-traversal",
    "post", "delete", "put-page"])
def test_errors_are_json_with_status_and_message(app, target, method, status, message):
    reply = call(app, target, method, {"Accept-Language": "en-GB,en;q=0.9"})
    assert reply.status == status
    error = reply.json()["error"]
    assert error["status"] == status
    assert message in error["message"]
    assert "Traceback" not in reply.text


@pytest.mark.parametrize("target, status, cause", [
    ("/api/search?q=%20", 400, lambda c: c.search(" ")),
    ("/api/search?q=" + q("år:nästa"), 400, lambda c: c.search("år:nästa")),
    ("/api/search?q=" + q("barn " * 70), 400, lambda c: c.search("barn " * 70)),
    ("/api/projects/no-such-project", 404, lambda c: c.get("no-such-project")),
], ids=["empty-query", "bad-field-value", "too-many-words", "unknown-id"])
def test_library_errors_keep_their_message(app, collection, target, status, cause):
    with pytest.raises(AmifSearchError) as caught:
        cause(collection)
    reply = call(app, target)
    assert reply.status == status
    assert reply.json() == {"error": {"status": status, "message": caught.value.message}}


@pytest.mark.parametrize("query", ["t.ex. barn", "och/eller tortyr", "www.lanu.fi"],
                         ids=["abbreviation", "slash", "address"])
def test_punctuated_words_are_searched(app, query):
    assert call(app, "/api/search?q=" + q(query)).status == 200


def test_wrong_method_lists_the_allowed_ones(app):
    reply = call(app, "/api/search?q=tortyr", "POST")
    assert reply.headers["Allow"] == "GET, HEAD, OPTIONS"


class _Failing:
    """A collection whose search fails the way a bug or a damaged index would."""

    def __init__(self, collection, error: Exception) -> None:
        self._collection, self._error = collection, error

    def __getattr__(self, name):
        return getattr(self._collection, name)

    def search(self, *args, **kwargs):
        raise self._error


@pytest.mark.parametrize("error, status, message", [
    (RuntimeError("secret /srv/index/gen-1 exploded"), 500, "internal error"),
    (IndexStateError("/srv/secret/index: the Whoosh index cannot be opened"), 503,
     "the index cannot be used right now"),
], ids=["bug", "damaged-index"])
def test_unexpected_errors_are_logged_not_shown(collection, caplog, error, status, message):
    app = SearchApp(_Failing(collection, error), cors_origin=None, max_query_length=500)
    with caplog.at_level(logging.ERROR, logger="amif_search.web"):
        reply = call(app, "/api/search?q=tortyr&ui=en")
    assert reply.status == status
    assert reply.json() == {"error": {"status": status, "message": message}}
    assert "secret" not in reply.text
    assert any(record.exc_info and "secret" in str(record.exc_info[1]) for record in caplog.records)


# -- cross-origin and security headers ---------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "OPTIONS"], ids=str.lower)
def test_cors_is_off_by_default(app, method):
    reply = call(app, "/api/search?q=tortyr", method, {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
    assert not [name for name, _value in reply.headers.items() if name.lower().startswith("access-control-")]


@pytest.mark.parametrize("target, status", [
    ("/api/search?q=tortyr", 200), ("/api/projects/nothing-here", 404), ("/api/search?q=tortyr&x=1", 400),
], ids=["success", "not-found", "bad-request"])
def test_cors_allows_the_configured_origin(cors_app, target, status):
    reply = call(cors_app, target, headers={"Origin": ORIGIN})
    assert reply.status == status
    assert reply.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in reply.headers.get_all("Vary")


def test_cors_preflight(cors_app):
    reply = call(cors_app, "/api/search", "OPTIONS", {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
    assert reply.status == 204 and reply.body == b""
    assert reply.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert reply.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_cors_is_for_the_api_only(cors_app):
    assert call(cors_app, "/").headers["Access-Control-Allow-Origin"] is None


@pytest.mark.parametrize("origin", ["intranet.example.org", "https://x.org/path", "javascript:alert(1)", ""],
                         ids=["no-scheme", "with-path", "script", "empty"])
def test_create_app_refuses_what_is_not_an_origin(collection, origin):
    with pytest.raises(ValueError, match="not an origin"):
        create_app(collection, cors_origin=origin)


def test_page_has_security_headers(app):
    reply = call(app, "/")
    policy = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert call(app, "/api/search?q=tortyr").headers["X-Content-Type-Options"] == "nosniff"


# -- the page ----------------------------------------------------------------------------


def _config(reply: Reply) -> dict:
    block = re.search(r'<script type="application/json" id="page-config">(.*?)</script>', reply.text, re.DOTALL)
    return json.loads(block.group(1))


@pytest.mark.parametrize("target, accept, lang", [
    ("/", "", "sv"),
    ("/?ui=fi", "", "fi"),
    ("/?ui=en", "fi", "en"),
    ("/", "fi-FI,fi;q=0.9,en;q=0.8", "fi"),
    ("/", "de-DE, en;q=0.5, fi;q=0.4", "en"),
    ("/", "en;q=0, fi;q=0.1", "fi"),
    ("/?ui=de", "xx, *;q=0.5", "sv"),
], ids=["default", "ui-fi", "ui-beats-header", "header-fi", "first-supported", "q-zero-skipped", "unsupported"])
def test_page_language_from_ui_then_accept_language(app, target, accept, lang):
    reply = call(app, target, headers={"Accept-Language": accept} if accept else None)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert f'<html lang="{lang}">' in reply.text
    assert reply.headers["Content-Language"] == lang
    assert _config(reply)["lang"] == lang


@pytest.mark.parametrize("lang, implementer, objective", [
    ("sv", "Projektgenomförare", "Nationellt mål"),
    ("fi", "Hankkeen toteuttaja", "Kansallinen tavoite"),
], ids=["sv", "fi"])
def test_page_labels_come_from_gettext(app, lang, implementer, objective):
    reply = call(app, f"/?ui={lang}")
    assert _config(reply)["labels"]["implementer"] == implementer
    assert f'<label for="objective">{objective}</label>' in reply.text
    assert set(SCRIPT_LABELS) == set(_config(reply)["labels"])


def test_page_escapes_what_it_echoes(app):
    attack = '"><script>alert(1)</script>'
    reply = call(app, "/?q=" + q(attack) + "&year=" + q('"><b>'))
    assert "<script>alert(1)" not in reply.text
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in reply.text
    assert "<b>" not in reply.text
    assert reply.text.count("<script") == 2  # the page's own script and its JSON data block


def test_page_offers_the_collections_objectives_and_years(app):
    text = call(app, "/?ui=fi&objective=6.2").text
    assert '<option value="6.2" selected>6.2 Kiintiöpakolaisten kotoutumisen edistäminen</option>' in text
    assert re.findall(r'<option value="(\d{4})"', text) == ["2019", "2020", "2021", "2022"]


def test_mounted_below_a_path_the_page_links_below_it(app):
    page = call(app, "/", script_name="/tools/amif")
    assert '<script src="/tools/amif/static/search.js" defer>' in page.text
    assert '<form id="search-form" role="search" action="/tools/amif/"' in page.text
    assert _config(page)["base"] == "/tools/amif"
    assert _config(call(app, "/"))["base"] == ""
    assert call(app, "/api/openapi.json", script_name="/tools/amif").json()["servers"] == [{"url": "/tools/amif"}]


@pytest.mark.parametrize("name, content_type", [
    ("search.js", "text/javascript; charset=utf-8"), ("search.css", "text/css; charset=utf-8"),
], ids=["js", "css"])
def test_static_files(app, name, content_type):
    reply = call(app, f"/static/{name}")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == content_type
    assert reply.body == (ROOT / "amif_search" / "web" / "static" / name).read_bytes()


def test_script_never_writes_html():
    script = (ROOT / "amif_search" / "web" / "static" / "search.js").read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert forbidden not in script


# -- OpenAPI -----------------------------------------------------------------------------


def _validator(document: dict, schema_name: str):
    """Validate with jsonschema when it is installed, else with the small checker below."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    try:
        import jsonschema
    except ImportError:
        return lambda instance: _check(instance, schema, schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return validator.validate


def _check(value, schema: dict, root: dict, where: str = "$") -> None:
    """The part of JSON Schema that the description uses; raises AssertionError naming the place."""
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return _check(value, target, root, where)
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        python = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
                  "integer": int, "number": (int, float)}
        assert any(isinstance(value, python[k]) and not (k in ("integer", "number") and isinstance(value, bool))
                   for k in kinds), f"{where}: {value!r} is not {kinds}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if "pattern" in schema and isinstance(value, str):
        assert re.search(schema["pattern"], value), f"{where}: {value!r} does not match {schema['pattern']}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        assert value >= schema.get("minimum", value) and value <= schema.get("maximum", value), where
    if isinstance(value, list):
        assert schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)), where
        for n, item in enumerate(value):
            _check(item, schema.get("items", {}), root, f"{where}[{n}]")
    if isinstance(value, dict):
        missing = set(schema.get("required", ())) - set(value)
        assert not missing, f"{where}: missing {sorted(missing)}"
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                _check(item, properties[key], root, f"{where}.{key}")
            else:
                assert extra is not False, f"{where}: unexpected key {key!r}"
                if isinstance(extra, dict):
                    _check(item, extra, root, f"{where}.{key}")


@pytest.fixture(scope="module")
def openapi(app):
    reply = call(app, "/api/openapi.json")
    assert reply.status == 200
    return reply.json()


@pytest.mark.parametrize("target, schema", [
    ("/api/search?q=" + q("trauma barn"), "SearchResult"),
    ("/api/search?q=lapset", "SearchResult"),
    ("/api/search?q=traumatiserde&limit=1", "SearchResult"),
    ("/api/search?q=" + q("barn ("), "SearchResult"),
    ("/api/projects", "ProjectList"),
    ("/api/projects/lanu-2022", "ProjectDetail"),
    ("/api/glossary?q=lapset", "GlossaryResult"),
    ("/api/search?q=tortyr&limit=x", "Error"),
    ("/api/projects/nothing", "Error"),
], ids=["search", "expansion", "correction", "warning", "projects", "project", "glossary", "error-400",
        "error-404"])
def test_responses_match_the_openapi_schemas(app, openapi, target, schema):
    data = call(app, target).json()
    _validator(openapi, schema)(data)


@pytest.mark.parametrize("schema, broken", [
    ("Hit", {"id": "x"}),
    ("Error", {"error": {"status": 404, "message": "gone", "trace": "..."}}),
    ("SearchResult", {"query": 1}),
], ids=["missing-keys", "extra-key", "wrong-type"])
@pytest.mark.parametrize("checker", ["installed", "fallback"])
def test_openapi_validation_can_fail(openapi, schema, broken, checker):
    if checker == "installed":
        validate = _validator(openapi, schema)
    else:
        validate = lambda instance: _check(instance, {"$ref": f"#/components/schemas/{schema}"}, openapi)  # noqa: E731
    with pytest.raises(Exception) as caught:
        validate(broken)
    assert type(caught.value).__name__ in ("ValidationError", "AssertionError")


def test_openapi_describes_every_route_and_parameter(app, openapi):
    from amif_search.web import api

    assert openapi["openapi"].startswith("3.1")
    old = {"/api/search", "/api/projects", "/api/projects/{id}", "/api/glossary", "/api/openapi.json"}
    assert set(openapi["paths"]) == old | {path.replace("/api/", "/api/v1/") for path in old}
    assert all(openapi["paths"][path]["get"]["deprecated"] for path in old)
    for path, names in [("/api/search", api.search_parameters()), ("/api/projects", api.projects_parameters()),
                        ("/api/glossary", api.GLOSSARY_PARAMETERS)]:
        assert tuple(p["name"] for p in openapi["paths"][path]["get"]["parameters"]) == names
        for parameter in openapi["paths"][path]["get"]["parameters"]:
            # Every documented parameter is accepted, not refused as unknown.
            value = {"q": "barn", "lang": "fi", "objective": "6.2", "year": "2022", "implementer": "Institutet",
                     "start_year": "2021", "end_year": "2022", "limit": "5", "offset": "1", "sort": "-start",
                     "facets": "1", "ui": "fi"}[parameter["name"]]
            extra = "" if parameter["name"] == "q" or path == "/api/projects" else "q=barn&"
            assert call(app, f"{path}?{extra}{parameter['name']}={value}").status == 200, parameter["name"]
    search_q = next(p for p in openapi["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "q")
    assert search_q["schema"]["maxLength"] == 500


# -- layering ----------------------------------------------------------------------------


def test_web_layer_imports_no_click_and_no_server():
    code = "import sys, amif_search.web; print(sorted(m for m in ('click', 'waitress') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


# -- over real HTTP ----------------------------------------------------------------------


def test_waitress_round_trip(app):
    waitress = pytest.importorskip("waitress", reason="waitress serves the application")
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    stop = threading.Event()

    def serve():
        # The loop in short turns, and the socket closed by the loop's own thread: closing it
        # from another thread while the loop sits in select() fails there with EBADF.
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.effective_port}"
        with urllib.request.urlopen(f"{url}/api/search?q=tortyr", timeout=10) as response:
            assert response.headers["Content-Type"] == "application/json; charset=utf-8"
            data = json.load(response)
        assert {hit["id"] for hit in data["hits"][:2]} == LANU
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"{url}/api/projects/nothing", timeout=10)
        assert caught.value.code == 404
        assert json.load(caught.value)["error"]["status"] == 404
    finally:
        stop.set()
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()


def test_serve_command_serves_until_interrupted(built_index):
    process = subprocess.Popen(
        [sys.executable, "-m", "amif_search", "--lang", "sv", "serve", "--port", "0", "--threads", "2",
         "--index", str(built_index)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", first)
        assert url, (first, process.stderr.read() if process.poll() is not None else "")
        with urllib.request.urlopen(url.group(0) + "api/search?q=tortyr", timeout=10) as response:
            data = json.load(response)
        assert {hit["id"] for hit in data["hits"][:2]} == LANU
        with urllib.request.urlopen(url.group(0), timeout=10) as response:
            assert "<form" in response.read().decode("utf-8")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert out.strip() == "Servern har stoppats"
    assert "Traceback" not in err


@pytest.mark.parametrize("arguments, message", [
    (["--cors", "intranet.example.org"], "not an origin"),
    (["--port", "70000"], "70000"),
], ids=["bad-origin", "bad-port"])
def test_serve_refuses_bad_options(built_index, capsys, arguments, message):
    from amif_search.cli import main

    assert main(["serve", "--index", str(built_index), *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


# -- totals, facets, sorting and paging ----------------------------------------------------


def test_search_totals_and_facets_match_the_command_line(app, collection):
    data = call(app, "/api/search?q=trauma+barn&facets=1&limit=1").json()
    assert data["total"] == 3 and data["eu_support_total"] == "2091076.95" and len(data["hits"]) == 1
    assert data["facets"] == collection.search("trauma barn").to_json()["facets"]
    assert "facets" not in call(app, "/api/search?q=trauma+barn").json()


def test_projects_are_paged_sorted_and_summed(app):
    page = call(app, "/api/projects?limit=5&offset=5&sort=-support&facets=1").json()
    assert page["total"] == 12 and page["offset"] == 5 and page["limit"] == 5 and len(page["projects"]) == 5
    support = [float(p["eu_support"]) for p in page["projects"]]
    assert support == sorted(support, reverse=True)
    assert sum(v["count"] for v in page["facets"]["start_year"]) == 12
    past = call(app, "/api/projects?offset=50").json()
    assert past["projects"] == [] and past["total"] == 12


def test_a_bad_sort_is_refused_with_the_known_ones(app):
    reply = call(app, "/api/search?q=barn&sort=title")
    assert reply.status == 400 and "relevance, start, end, support" in reply.json()["error"]["message"]


# -- version, language of errors, caching, the request log -------------------------------


@pytest.mark.parametrize("old", ["/api/search?q=tortyr", "/api/projects?limit=3", "/api/projects/lanu-2022",
                                 "/api/glossary?q=lapset", "/api/openapi.json"])
def test_the_unversioned_paths_answer_as_v1(app, old):
    new = old.replace("/api/", "/api/v1/")
    assert call(app, new).body == call(app, old).body and call(app, new).status == 200


@pytest.mark.parametrize("headers, target, message", [
    ({}, "/api/v1/search?q=tortyr&limit=0", "limit måste vara ett heltal från 1 till 100, inte '0'"),
    ({"Accept-Language": "fi-FI,fi;q=0.9"}, "/api/v1/search?q=tortyr&limit=0",
     "limit on oltava kokonaisluku väliltä 1–100, ei '0'"),
    ({"Accept-Language": "fi"}, "/api/v1/search?q=tortyr&limit=0&ui=en",
     "limit must be a whole number from 1 to 100, not '0'"),
    ({"Accept-Language": "en"}, "/api/v1/projects/nope-2000", "no project has the ID nope-2000"),
    ({"Accept-Language": "fi"}, "/api/v1/search?q=" + "%20", "haku on tyhjä"),
    ({"Accept-Language": "en"}, "/api/v1/nothing", "no such path: /api/v1/nothing"),
], ids=["default-swedish", "accept-finnish", "ui-beats-header", "library-error-english", "query-error-finnish",
        "unknown-path-english"])
def test_errors_speak_the_clients_language(app, headers, target, message):
    reply = call(app, target, headers=headers)
    assert reply.json()["error"]["message"] == message
    assert reply.headers["Content-Language"] == {"limit må": "sv", "limit on": "fi"}.get(message[:8], reply.headers[
        "Content-Language"])


def test_index_answers_carry_an_etag_and_revalidate(app):
    first = call(app, "/api/v1/search?q=tortyr")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and first.headers["Cache-Control"] == "no-cache"
    again = call(app, "/api/v1/search?q=tortyr", headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    assert call(app, "/api/v1/search?q=barn", headers={"If-None-Match": etag}).status == 200
    assert "ETag" not in call(app, "/api/v1/search?q=tortyr&limit=0").headers


def test_requests_are_logged_in_the_common_log_format(app, caplog):
    with caplog.at_level(logging.INFO, logger="amif_search.web.access"):
        call(app, "/api/v1/search?q=tortyr", headers={}, script_name="")
    line = [r.getMessage() for r in caplog.records if r.name == "amif_search.web.access"][-1]
    assert re.fullmatch(r'\S+ - - \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] '
                        r'"GET /api/v1/search\?q=tortyr HTTP/1\.[01]" 200 \d+', line), line
