"""The little of HTTP that the web layer needs: a parsed request, a response, an HTTP error.

No framework: a request is read from the WSGI environ once, strictly (a query string that is
not UTF-8, or names a parameter twice, is a client error), and a response is a status, a
header list and the body bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl

from ..errors import AmifSearchError
from ..i18n import _

__all__ = ["HttpError", "Request", "Response", "json_response", "error_response", "MAX_QUERY_STRING"]

# A longer query string is refused before it is parsed (414 URI Too Long).
MAX_QUERY_STRING = 8192
# At most this many parameters in one query string.
MAX_PARAMETERS = 32


class HttpError(AmifSearchError):
    """A request the application answers with a 4xx status and a message."""

    def __init__(self, status: int, message: str, headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = list(headers or [])


@dataclass(frozen=True)
class Request:
    """One request: method, decoded path, single-valued query parameters and the headers we read."""

    method: str
    path: str
    params: dict[str, str]
    accept_language: str = ""
    origin: str = ""
    script_name: str = ""

    @classmethod
    def from_environ(cls, environ: dict) -> "Request":
        """Read a WSGI environ; raises :class:`HttpError` for a malformed request line."""
        method = environ.get("REQUEST_METHOD", "GET").upper()
        # WSGI hands the path over as latin-1 decoded bytes. SCRIPT_NAME is where the
        # application is mounted ("" at the root), PATH_INFO the rest.
        try:
            path = (environ.get("PATH_INFO", "") or "/").encode("latin-1").decode("utf-8")
            script_name = environ.get("SCRIPT_NAME", "").encode("latin-1").decode("utf-8").rstrip("/")
        except UnicodeError:
            raise HttpError(400, _("sökvägen är inte giltig UTF-8")) from None
        return cls(method, path, parse_query_string(environ.get("QUERY_STRING", "")),
                   environ.get("HTTP_ACCEPT_LANGUAGE", ""), environ.get("HTTP_ORIGIN", ""), script_name)


def parse_query_string(text: str) -> dict[str, str]:
    """``a=1&b=2`` as a dict; raises :class:`HttpError` when it is too long, not UTF-8 or repeats a name."""
    if len(text) > MAX_QUERY_STRING:
        raise HttpError(414, _("frågesträngen är för lång ({length} tecken; högst {limit})").format(
            length=len(text), limit=MAX_QUERY_STRING))
    try:
        # WSGI gives the query string as latin-1 text of the raw bytes, still percent-encoded.
        pairs = parse_qsl(text.encode("latin-1").decode("utf-8"), keep_blank_values=True,
                          encoding="utf-8", errors="strict", max_num_fields=MAX_PARAMETERS)
    except UnicodeError:
        raise HttpError(400, _("frågesträngen är inte giltig UTF-8")) from None
    except ValueError:
        raise HttpError(400, _("för många parametrar (högst {limit})").format(limit=MAX_PARAMETERS)) from None
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise HttpError(400, _("parametern '{name}' anges mer än en gång").format(name=name))
        params[name] = value
    return params


@dataclass
class Response:
    """A status, headers and the whole body."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status_line(self) -> str:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Unknown"
        return f"{self.status} {phrase}"

    def header_list(self) -> list[tuple[str, str]]:
        if self.status == 304:  # no body, and no length: a 304's length would be that of the 200
            return [header for header in self.headers if header[0] != "Content-Length"]
        headers = [("Content-Type", self.content_type), ("Content-Length", str(len(self.body)))]
        return headers + self.headers


def json_response(data, status: int = 200) -> Response:
    """``data`` as UTF-8 JSON (non-ASCII kept as is)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


def error_response(status: int, message: str) -> Response:
    """The one error shape: ``{"error": {"status": 404, "message": "..."}}``."""
    return json_response({"error": {"status": status, "message": message}}, status)
