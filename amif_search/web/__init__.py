"""The web layer: a WSGI application with a JSON API and a search page.

    from amif_search.web import create_app
    app = create_app()          # the default index; mount it in any WSGI server

It sits on top of the library, beside the command line, and imports neither click nor
any server: ``amif-search serve`` runs it with waitress.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
