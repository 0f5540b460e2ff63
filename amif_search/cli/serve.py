"""``serve``: the search page and the JSON API over HTTP, with waitress."""

from __future__ import annotations

import signal
import sys

import click

from ..i18n import N_, _
from .helptext import TranslatedCommand
from .shared import index_option, progress_bar

__all__ = ["serve", "CHANNEL_TIMEOUT"]

# Seconds a connection may stay silent (a slow client, an idle keep-alive) before it is closed.
CHANNEL_TIMEOUT = 10


def _interrupt(signum, frame):
    """SIGTERM (a service manager stopping us) stops the server as Ctrl-C does."""
    raise KeyboardInterrupt


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


@click.command(cls=TranslatedCommand, short_help=N_("Kör söksidan och JSON-API:t."),
               help=N_("Kör söksidan och JSON-API:t (/api/...) tills Ctrl-C trycks."))
@click.option("--host", default="127.0.0.1", show_default=True,
              help=N_("Adressen att lyssna på (0.0.0.0 för alla gränssnitt)."))
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help=N_("Porten att lyssna på (0: valfri ledig port)."))
@click.option("--threads", type=click.IntRange(1, 256), default=8, show_default=True,
              help=N_("Antalet förfrågningar som besvaras samtidigt."))
@click.option("--cors", "cors_origin", metavar="ORIGIN", default=None,
              help=N_("Tillåt skript från detta ursprung (https://example.org eller *) att anropa API:t; "
                      "standard: ingen åtkomst från andra ursprung."))
@click.option("--timeout", "request_timeout", type=click.FloatRange(0.1, 600), default=1.5, show_default=True,
              help=N_("Svara 503 på en förfrågan som inte besvarats inom så här många sekunder."))
@click.option("--connection-limit", type=click.IntRange(1, 10000), default=1000, show_default=True,
              help=N_("Högst så här många samtidiga anslutningar."))
@index_option
def serve(host, port, threads, cors_origin, request_timeout, connection_limit, index_dir):
    import logging  # noqa: PLC0415

    import waitress  # noqa: PLC0415

    from ..collection import open_collection  # noqa: PLC0415
    from ..web import create_app  # noqa: PLC0415

    # Tracebacks of requests that failed go to stderr, never to the client.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # One line per request, in the Common Log Format, on stderr.
    access = logging.getLogger("amif_search.web.access")
    access.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.propagate = False
    collection = open_collection(index_dir, progress=progress_bar(_("Bygger index")))
    try:
        try:
            app = create_app(collection, cors_origin=cors_origin, request_timeout=request_timeout, workers=threads)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--cors'") from None
        try:
            # Slow or idle connections are dropped after CHANNEL_TIMEOUT s and cost no worker
            # thread meanwhile (waitress reads requests asynchronously); poll(), not select(),
            # so that more than 1024 descriptors work.
            server = waitress.create_server(app, host=host, port=port, threads=threads, ident="amif-search",
                                            connection_limit=connection_limit, channel_timeout=CHANNEL_TIMEOUT,
                                            cleanup_interval=2, asyncore_use_poll=True, backlog=1024)
        except OSError as exc:
            raise click.ClickException(_("kan inte lyssna på {host}:{port}: {reason}").format(
                host=host, port=port, reason=exc.strerror or exc)) from None
        click.echo(_("Söksidan finns på {url} (Ctrl-C avslutar)").format(
            url=_url(str(server.effective_host), int(server.effective_port))))
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.run()  # returns after Ctrl-C, once the worker threads have stopped
        except KeyboardInterrupt:  # pragma: no cover - waitress catches it itself
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.close()
        click.echo(_("Servern har stoppats"))
    finally:
        collection.close()
    return 0
