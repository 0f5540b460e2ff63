"""Where the catalogs are: ``<locales>/<domain>.pot`` and ``<locales>/<lang>/LC_MESSAGES/<domain>.po``."""

from __future__ import annotations

from pathlib import Path

from ..i18n.languages import UI_DOMAIN

__all__ = ["UI_DOMAIN", "GLOSSARY_DOMAIN", "DOMAINS", "template_path", "catalog_path", "mo_path",
           "domains", "languages", "bug_address", "POEDIT_HEADERS"]

# The interface's domain is declared with the languages, which are those that have its catalog.
# The glossary's template is written by a terminologist, not extracted from code.
GLOSSARY_DOMAIN = "glossary"
DOMAINS = (UI_DOMAIN, GLOSSARY_DOMAIN)


# What Poedit needs to show a message's source and to update the catalog from the code: the
# checkout's root seen from <locales>/<lang>/LC_MESSAGES/, the package folder under it, and
# the marking functions of amif_search.i18n (as xgettext keywords).
POEDIT_HEADERS = {
    "X-Poedit-Basepath": "../../..",
    "X-Poedit-SearchPath-0": "amif_search",
    "X-Poedit-KeywordsList": "_;N_;N_plural:1,2;ngettext:1,2;pgettext:1c,2;npgettext:1c,2,3",
    "X-Poedit-SourceCharset": "UTF-8",
}


def bug_address() -> str:
    """Where translators report a wrong msgid: the 'Issues' address of ``[project.urls]`` in
    pyproject.toml, empty while the project names none (as xgettext leaves the header
    without --msgid-bugs-address). Read from the checkout whose catalogs the tools edit, so
    that an address just added counts without reinstalling; else from the installed metadata."""
    from importlib import metadata  # noqa: PLC0415

    from ..resources import find_checkout  # noqa: PLC0415

    root = find_checkout()
    if root is not None:
        try:
            import tomllib  # noqa: PLC0415  (Python 3.11+; 3.10 reads the metadata)

            project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
            return str(project.get("project", {}).get("urls", {}).get("Issues", ""))
        except (ImportError, OSError, ValueError):
            pass
    try:
        urls = metadata.metadata("amif-search").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for item in urls:
        label, _sep, url = item.partition(",")
        if label.strip().lower() == "issues":
            return url.strip()
    return ""


def template_path(locales: Path, domain: str) -> Path:
    """The template (.pot) of ``domain``."""
    return locales / f"{domain}.pot"


def catalog_path(locales: Path, lang: str, domain: str) -> Path:
    """The catalog (.po) of ``domain`` in ``lang``."""
    return locales / lang / "LC_MESSAGES" / f"{domain}.po"


def mo_path(locales: Path, lang: str, domain: str) -> Path:
    """The compiled catalog (.mo) of ``domain`` in ``lang``."""
    return locales / lang / "LC_MESSAGES" / f"{domain}.mo"


def domains(locales: Path) -> list[str]:
    """The domains that have a template in ``locales``, the known ones first."""
    found = sorted(p.stem for p in locales.glob("*.pot") if p.is_file())
    return [d for d in DOMAINS if d in found] + [d for d in found if d not in DOMAINS]


def languages(locales: Path, domain: str) -> list[str]:
    """The languages that have a catalog of ``domain``, in name order."""
    if not locales.is_dir():
        return []
    return sorted(p.name for p in locales.iterdir() if catalog_path(locales, p.name, domain).is_file())
