"""Gettext catalogs: the translator's tools, in Babel's split.

- :mod:`.pofile`: reading (checked, with line numbers) and writing .po/.pot files;
- :mod:`.syntax`: the check of PO syntax that runs before polib;
- :mod:`.extract`: the template of the UI's messages, from the source code;
- :mod:`.merge`: a template merged into a catalog, as ``msgmerge --previous`` does;
- :mod:`.check`: counts and problems per catalog;
- :mod:`.compile`: .mo files;
- :mod:`.create`: a catalog for a new language;
- :mod:`.plurals`: the Plural-Forms of each language;
- :mod:`.layout`: where templates and catalogs live;
- :mod:`.source_strings`: messages the code translates without spelling them out.

Importing this package is cheap; polib loads with the modules that need it.
"""

from __future__ import annotations

from importlib import import_module

__all__ = [
    "read_po", "read_po_path", "format_po", "write_po_path",
    "merge_catalog", "update_catalog", "check_locales", "compile_path", "init_path",
]

_LAZY = {
    "read_po": "pofile", "read_po_path": "pofile", "format_po": "pofile", "write_po_path": "pofile",
    "merge_catalog": "merge", "update_catalog": "merge", "check_locales": "check",
    "compile_path": "compile", "init_path": "create",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
