"""The WSGI application: routes, errors as JSON, cross-origin and security headers.

    from amif_search.web import create_app
    app = create_app("index/")                   # any WSGI server can mount it
    from waitress import serve; serve(app, port=8080)

A plain WSGI callable, no framework. The API lives under ``/api/v1/``; the paths without
``v1`` answer the same, for the clients written before it. Every API answer that is not a
success is JSON ``{"error": {"status": ..., "message": ...}}``, its message in the client's
language (``ui=``, else ``Accept-Language``, else Swedish); an exception the application did
not expect is logged with its traceback and answered with a 500 that says nothing more.

Answers of the API (they depend only on the index and the language) carry an ``ETag`` and
``Cache-Control: no-cache``: a client may keep them and ask again with ``If-None-Match``,
and gets a 304 while the index is unchanged. Each request is logged to the logger
``amif_search.web.access`` in the Common Log Format.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import parse_qsl

from ..collection import Collection, open_collection
from ..errors import AmifSearchError, IndexLockedError, IndexNotFoundError, IndexStateError, NotFoundError, \
    QueryError
from ..i18n import _, speaking
from ..i18n.languages import interface_languages
from ..query import MAX_QUERY_LENGTH
from . import api
from .deadline import Deadline, DeadlineExceeded
from .http import HttpError, Request, Response, error_response, json_response
from .openapi import openapi_document
from .page import PAGE_SIZE, PageContext, SearchView, choose_language, render_not_found, render_page, \
    render_project_page, search_state

__all__ = ["SearchApp", "create_app", "DEFAULT_MAX_QUERY_LENGTH", "ALLOWED_METHODS"]

log = logging.getLogger(__name__)
access_log = logging.getLogger(__name__.rpartition(".")[0] + ".access")

DEFAULT_MAX_QUERY_LENGTH = 500
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
_ALLOW = ", ".join(ALLOWED_METHODS)
_STATIC = Path(__file__).resolve().parent / "static"
_STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_ORIGIN = re.compile(r"\A(?:\*|https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?)\Z")

PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
API_POLICY = "default-src 'none'; frame-ancestors 'none'"

StartResponse = Callable[..., object]


def create_app(collection_or_index_dir: Collection | str | Path | None = None, *, cors_origin: str | None = None,
               max_query_length: int = DEFAULT_MAX_QUERY_LENGTH, request_timeout: float | None = None,
               workers: int = 8) -> "SearchApp":
    """A WSGI application over an open :class:`Collection`, or over the index in a folder
    (opened, and built when missing, as :func:`open_collection` does).

    ``cors_origin`` (``https://example.org`` or ``*``) allows scripts of that origin to call
    the API; without it no cross-origin header is sent. ``max_query_length`` bounds the
    query (at most the query language's own limit). ``request_timeout`` (seconds) answers a
    request that takes longer with 503, computed on ``workers`` threads (see
    :mod:`amif_search.web.deadline`).
    """
    if cors_origin is not None and not _ORIGIN.match(cors_origin):
        raise ValueError(f"not an origin (scheme://host[:port] or *): {cors_origin!r}")
    if not 1 <= max_query_length <= MAX_QUERY_LENGTH:
        raise ValueError(f"max_query_length must be from 1 to {MAX_QUERY_LENGTH}, not {max_query_length}")
    if isinstance(collection_or_index_dir, Collection):
        collection = collection_or_index_dir
    else:
        collection = open_collection(collection_or_index_dir)
    app = SearchApp(collection, cors_origin=cors_origin, max_query_length=max_query_length)
    if request_timeout is not None:
        app.deadline = Deadline(request_timeout, workers)
    return app


class SearchApp:
    """The application; one instance serves many threads (it keeps no state per request)."""

    deadline: Deadline | None = None

    def __init__(self, collection: Collection, *, cors_origin: str | None, max_query_length: int) -> None:
        self.collection = collection
        self.cors_origin = cors_origin
        self.settings = api.ApiSettings(max_query_length)
        self.page_context = PageContext.of(collection.projects(), max_query_length)
        self.openapi = openapi_document(max_query_length=max_query_length,
                                        languages=collection.glossary.all_languages())
        self.static = {path.name: path.read_bytes() for path in _STATIC.iterdir()
                       if path.suffix in _STATIC_TYPES}
        # The API's paths: /api/v1/..., and the same without v1 for older clients.
        self.routes: list[tuple[re.Pattern, str]] = [
            (re.compile(r"/\Z"), "page"),
            (re.compile(r"/projects/(?P<project_id>[^/]+)\Z"), "project_page"),
            (re.compile(r"/static/(?P<name>[A-Za-z0-9_-]+\.(?:js|css))\Z"), "static"),
            (re.compile(r"/favicon\.ico\Z"), "favicon"),
            (re.compile(r"/api(?:/v1)?/search\Z"), "search"),
            (re.compile(r"/api(?:/v1)?/projects\Z"), "projects"),
            (re.compile(r"/api(?:/v1)?/projects/(?P<project_id>[^/]+)\Z"), "project"),
            (re.compile(r"/api(?:/v1)?/glossary\Z"), "glossary"),
            (re.compile(r"/api(?:/v1)?/openapi\.json\Z"), "openapi"),
        ]

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = str(environ.get("PATH_INFO", ""))
        lang = request_language(environ)

        def answer() -> Response:
            # In the thread that computes it (a worker's, under a deadline), in the client's language.
            with speaking(lang):
                return self.respond(environ)

        with speaking(lang):
            try:
                if self.deadline is None:
                    response = answer()
                else:
                    response = self.deadline.run(answer)
            except DeadlineExceeded:
                response = error_response(503, _("inget svar inom {seconds} s; försök igen, eller med en enklare "
                                                 "fråga").format(seconds=f"{self.deadline.seconds:g}"))  # type: ignore[union-attr]
                response.headers.append(("Retry-After", "1"))
            except Exception:  # the last line of defence: logged here, never shown to the client
                log.exception("internal error answering %s %s", method, path)
                response = error_response(500, _("internt fel"))
        if not any(name == "Content-Language" for name, _value in response.headers):
            response.headers.append(("Content-Language", lang))
        self._add_headers(response, path)
        _not_modified(response, environ)
        start_response(response.status_line, response.header_list())
        _log_access(environ, response)
        return [b""] if method == "HEAD" or response.status == 304 else [response.body]

    def respond(self, environ: dict) -> Response:
        """The response to one request, errors included (raises only on a bug)."""
        try:
            request = Request.from_environ(environ)
            return self._dispatch(request)
        except HttpError as exc:
            response = error_response(exc.status, exc.message)
            response.headers += exc.headers
            return response
        except NotFoundError as exc:
            return error_response(404, exc.message)
        except QueryError as exc:
            return error_response(400, exc.message)
        except (IndexStateError, IndexNotFoundError, IndexLockedError):
            # The details name files of the server: they go to the log only.
            log.exception("the index cannot be used")
            return error_response(503, _("indexet kan inte användas just nu"))
        except AmifSearchError:
            log.exception("error of the library")
            return error_response(500, _("internt fel"))

    def _dispatch(self, request: Request) -> Response:
        for pattern, name in self.routes:
            match = pattern.match(request.path)
            if match is None:
                continue
            if request.method == "OPTIONS":
                return self._options(request)
            if request.method not in ("GET", "HEAD"):
                raise HttpError(405, _("metoden {method} är inte tillåten här (tillåtna: {allowed})").format(
                    method=request.method, allowed=_ALLOW), [("Allow", _ALLOW)])
            return getattr(self, f"_{name}")(request, **match.groupdict())
        raise HttpError(404, _("ingen sådan sökväg: {path}").format(path=request.path))

    # -- the routes ----------------------------------------------------------------------

    def _page(self, request: Request) -> Response:
        lang = choose_language(request.params.get("ui"), request.accept_language)
        wanted = (*search_state(), "offset")
        params = {k: v for k, v in request.params.items() if k in wanted}
        view, status = None, 200
        if params.get("q", "").strip():
            try:
                view = SearchView(result=api.search_result(self.collection, params, self.settings, PAGE_SIZE))
            except (HttpError, QueryError) as exc:
                view, status = SearchView(error=exc.message), 400
        html = render_page(lang, request.params, self.page_context, request.script_name, view)
        return Response(status, html.encode("utf-8"), "text/html; charset=utf-8",
                        [("Content-Language", lang), ("Vary", "Accept-Language"), ("Cache-Control", "no-cache")])

    def _project_page(self, request: Request, project_id: str) -> Response:
        lang = choose_language(request.params.get("ui"), request.accept_language)
        headers = [("Content-Language", lang), ("Vary", "Accept-Language"), ("Cache-Control", "no-cache")]
        try:
            project = self.collection.get(project_id)
        except NotFoundError as exc:
            html = render_not_found(lang, exc.message, request.script_name)
            return Response(404, html.encode("utf-8"), "text/html; charset=utf-8", headers)
        html = render_project_page(lang, project, self.collection.concepts_in(project), request.script_name,
                                   request.params.get("q", "")[:self.settings.max_query_length])
        return Response(200, html.encode("utf-8"), "text/html; charset=utf-8", headers)

    def _static(self, request: Request, name: str) -> Response:
        body = self.static.get(name)
        if body is None:
            raise HttpError(404, _("ingen sådan sökväg: {path}").format(path=request.path))
        return Response(200, body, _STATIC_TYPES[Path(name).suffix], [("Cache-Control", "no-cache")])

    def _favicon(self, request: Request) -> Response:
        # Browsers ask for it; there is none, and a 404 would be an error in every console.
        return Response(204, b"", "image/x-icon", [("Cache-Control", "max-age=86400")])

    def _search(self, request: Request) -> Response:
        return json_response(api.search(self.collection, request.params, self.settings))

    def _projects(self, request: Request) -> Response:
        return json_response(api.projects(self.collection, request.params, self.settings))

    def _project(self, request: Request, project_id: str) -> Response:
        return json_response(api.project(self.collection, project_id, request.params, self.settings))

    def _glossary(self, request: Request) -> Response:
        return json_response(api.glossary(self.collection, request.params, self.settings))

    def _openapi(self, request: Request) -> Response:
        # The paths are relative to where the application is mounted.
        return json_response({**self.openapi, "servers": [{"url": request.script_name or "/"}]})

    def _options(self, request: Request) -> Response:
        headers = [("Allow", _ALLOW)]
        if self.cors_origin and request.path.startswith("/api/"):
            headers += [("Access-Control-Allow-Methods", _ALLOW),
                        ("Access-Control-Allow-Headers", "Accept, Accept-Language, Content-Type"),
                        ("Access-Control-Max-Age", "600")]
        return Response(204, b"", "text/plain; charset=utf-8", headers)

    # -- headers on every response -----------------------------------------------------

    def _add_headers(self, response: Response, path: str) -> None:
        if response.status == 200 and path.startswith("/api/"):
            # The same body for as long as the index and the language stay the same.
            response.headers += [("Cache-Control", "no-cache"), ("Vary", "Accept-Language"),
                                 ("ETag", '"' + hashlib.sha256(response.body).hexdigest()[:32] + '"')]
        headers = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]
        if response.content_type.startswith("text/html"):
            headers += [("Content-Security-Policy", PAGE_POLICY), ("X-Frame-Options", "DENY")]
        else:
            headers.append(("Content-Security-Policy", API_POLICY))
        if self.cors_origin and path.startswith("/api/"):
            headers += [("Access-Control-Allow-Origin", self.cors_origin), ("Vary", "Origin")]
        response.headers += headers


def request_language(environ: dict) -> str:
    """The language of the answer: ``ui=`` when it names one, else Accept-Language, else Swedish."""
    try:
        params = dict(parse_qsl(str(environ.get("QUERY_STRING", ""))[:8192], max_num_fields=64))
    except ValueError:
        params = {}
    explicit = params.get("ui")
    return choose_language(explicit if explicit in interface_languages() else None,
                           str(environ.get("HTTP_ACCEPT_LANGUAGE", "")))


def _not_modified(response: Response, environ: dict) -> None:
    """Turn a 200 into a 304 when the client already has this ETag."""
    etag = next((value for name, value in response.headers if name == "ETag"), None)
    asked = str(environ.get("HTTP_IF_NONE_MATCH", ""))
    if response.status == 200 and etag and asked:
        tags = [tag.strip().removeprefix("W/") for tag in asked.split(",")]
        if "*" in tags or etag in tags:
            response.status, response.body = 304, b""


def _log_access(environ: dict, response: Response) -> None:
    """One line per request in the Common Log Format (host ident user [time] "request" status bytes)."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    target = str(environ.get("PATH_INFO", ""))
    if environ.get("QUERY_STRING"):
        target += "?" + str(environ["QUERY_STRING"])
    line = f'{environ.get("REQUEST_METHOD", "GET")} {target} {environ.get("SERVER_PROTOCOL", "HTTP/1.1")}'
    # A quote or a control character in the request would break the line's format.
    line = "".join(c if c.isprintable() and c not in '"\\' else f"\\x{ord(c):02x}" for c in line)
    size = "-" if response.status == 304 or environ.get("REQUEST_METHOD") == "HEAD" else str(len(response.body))
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S %z", time.localtime())
    access_log.info('%s - - [%s] "%s" %d %s', environ.get("REMOTE_ADDR") or "-", stamp, line, response.status, size)
