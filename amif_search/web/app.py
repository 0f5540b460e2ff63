"""The WSGI application: routes, errors as JSON, cross-origin and security headers.

    from amif_search.web import create_app
    app = create_app("index/")                   # any WSGI server can mount it
    from waitress import serve; serve(app, port=8080)

A plain WSGI callable, no framework. Every answer that is not a success is JSON
``{"error": {"status": ..., "message": ...}}``; an exception the application did not
expect is logged with its traceback and answered with a 500 that says nothing more.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Callable, Iterable

from ..catalogue import Catalogue, open_catalogue
from ..errors import AmifSearchError, IndexLockedError, IndexNotFoundError, IndexStateError, NotFoundError, \
    QueryError
from ..query import MAX_QUERY_LENGTH
from . import api
from .deadline import Deadline, DeadlineExceeded
from .http import HttpError, Request, Response, error_response, json_response
from .openapi import openapi_document
from .page import PageContext, choose_language, render_page

__all__ = ["SearchApp", "create_app", "DEFAULT_MAX_QUERY_LENGTH", "ALLOWED_METHODS"]

log = logging.getLogger(__name__)

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


def create_app(catalogue_or_index_dir: Catalogue | str | Path | None = None, *, cors_origin: str | None = None,
               max_query_length: int = DEFAULT_MAX_QUERY_LENGTH, request_timeout: float | None = None,
               workers: int = 8) -> "SearchApp":
    """A WSGI application over an open :class:`Catalogue`, or over the index in a folder
    (opened, and built when missing, as :func:`open_catalogue` does).

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
    if isinstance(catalogue_or_index_dir, Catalogue):
        catalogue = catalogue_or_index_dir
    else:
        catalogue = open_catalogue(catalogue_or_index_dir)
    app = SearchApp(catalogue, cors_origin=cors_origin, max_query_length=max_query_length)
    if request_timeout is not None:
        app.deadline = Deadline(request_timeout, workers)
    return app


class SearchApp:
    """The application; one instance serves many threads (it keeps no state per request)."""

    deadline: Deadline | None = None

    def __init__(self, catalogue: Catalogue, *, cors_origin: str | None, max_query_length: int) -> None:
        self.catalogue = catalogue
        self.cors_origin = cors_origin
        self.settings = api.ApiSettings(max_query_length)
        self.page_context = PageContext.of(catalogue.projects(), max_query_length)
        self.openapi = openapi_document(max_query_length=max_query_length,
                                        languages=catalogue.glossary.all_languages())
        self.static = {path.name: path.read_bytes() for path in _STATIC.iterdir()
                       if path.suffix in _STATIC_TYPES}
        self.routes: list[tuple[re.Pattern, str]] = [
            (re.compile(r"/\Z"), "page"),
            (re.compile(r"/static/(?P<name>[A-Za-z0-9_-]+\.(?:js|css))\Z"), "static"),
            (re.compile(r"/favicon\.ico\Z"), "favicon"),
            (re.compile(r"/api/search\Z"), "search"),
            (re.compile(r"/api/projects\Z"), "projects"),
            (re.compile(r"/api/projects/(?P<project_id>[^/]+)\Z"), "project"),
            (re.compile(r"/api/glossary\Z"), "glossary"),
            (re.compile(r"/api/openapi\.json\Z"), "openapi"),
        ]

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = str(environ.get("PATH_INFO", ""))
        try:
            if self.deadline is None:
                response = self.respond(environ)
            else:
                response = self.deadline.run(lambda: self.respond(environ))
        except DeadlineExceeded:
            response = error_response(503, f"no answer within {self.deadline.seconds:g} s; "  # type: ignore[union-attr]
                                           "try again, or a simpler query")
            response.headers.append(("Retry-After", "1"))
        except Exception:  # the last line of defence: logged here, never shown to the client
            log.exception("internal error answering %s %s", method, path)
            response = error_response(500, "internal error")
        self._add_headers(response, path)
        start_response(response.status_line, response.header_list())
        return [b""] if method == "HEAD" else [response.body]

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
            return error_response(503, "the index cannot be used right now")
        except AmifSearchError:
            log.exception("error of the library")
            return error_response(500, "internal error")

    def _dispatch(self, request: Request) -> Response:
        for pattern, name in self.routes:
            match = pattern.match(request.path)
            if match is None:
                continue
            if request.method == "OPTIONS":
                return self._options(request)
            if request.method not in ("GET", "HEAD"):
                raise HttpError(405, f"the method {request.method} is not allowed here (allowed: {_ALLOW})",
                                [("Allow", _ALLOW)])
            return getattr(self, f"_{name}")(request, **match.groupdict())
        raise HttpError(404, f"no such path: {request.path}")

    # -- the routes ----------------------------------------------------------------------

    def _page(self, request: Request) -> Response:
        lang = choose_language(request.params.get("ui"), request.accept_language)
        html = render_page(lang, request.params, self.page_context, request.script_name)
        return Response(200, html.encode("utf-8"), "text/html; charset=utf-8",
                        [("Content-Language", lang), ("Vary", "Accept-Language"), ("Cache-Control", "no-cache")])

    def _static(self, request: Request, name: str) -> Response:
        body = self.static.get(name)
        if body is None:
            raise HttpError(404, f"no such path: {request.path}")
        return Response(200, body, _STATIC_TYPES[Path(name).suffix], [("Cache-Control", "no-cache")])

    def _favicon(self, request: Request) -> Response:
        # Browsers ask for it; there is none, and a 404 would be an error in every console.
        return Response(204, b"", "image/x-icon", [("Cache-Control", "max-age=86400")])

    def _search(self, request: Request) -> Response:
        return json_response(api.search(self.catalogue, request.params, self.settings))

    def _projects(self, request: Request) -> Response:
        return json_response(api.projects(self.catalogue, request.params, self.settings))

    def _project(self, request: Request, project_id: str) -> Response:
        return json_response(api.project(self.catalogue, project_id, request.params, self.settings))

    def _glossary(self, request: Request) -> Response:
        return json_response(api.glossary(self.catalogue, request.params, self.settings))

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
        headers = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]
        if response.content_type.startswith("text/html"):
            headers += [("Content-Security-Policy", PAGE_POLICY), ("X-Frame-Options", "DENY")]
        else:
            headers.append(("Content-Security-Policy", API_POLICY))
        if self.cors_origin and path.startswith("/api/"):
            headers += [("Access-Control-Allow-Origin", self.cors_origin), ("Vary", "Origin")]
        response.headers += headers
