"""``catalog extract|update|init|compile|check``: the translator's commands.

Their output is English, as GNU gettext's tools speak it: the people who run them
translate into many languages and cannot be assumed to read Swedish, and a message
about a broken catalog cannot come from that catalog.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import CatalogError
from ..resources import locales_dir

__all__ = ["catalog"]

_PACKAGE = Path(__file__).resolve().parent.parent


def _shown(path: Path) -> Path:
    """``path`` relative to the working folder when it is inside it, for short FILE:LINE output."""
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:  # another drive on Windows
        return path
    return path if relative.parts[:1] == ("..",) else relative


def _locales(value: str | None) -> Path:
    return _shown(Path(value) if value else locales_dir())


def _domains(locales: Path, domain: str | None) -> list[str]:
    from ..l10n.layout import domains  # noqa: PLC0415

    if domain:
        return [domain]
    found = domains(locales)
    if not found:
        raise CatalogError(f"no templates (*.pot) in {locales}; run 'amif-search catalog extract' first")
    return found


def _template(locales: Path, domain: str) -> Path:
    from ..l10n.layout import template_path  # noqa: PLC0415

    path = template_path(locales, domain)
    if not path.is_file():
        raise CatalogError(f"no template {path}" + (" (run 'amif-search catalog extract')" if domain == "amif_search"
                                                    else ""))
    return path


locales_option = click.option(
    "--locales", "locales", type=click.Path(file_okay=False), default=None, metavar="DIR",
    help="The catalogs folder (default: the package's locales/).")
domain_option = click.option(
    "--domain", default=None, metavar="NAME",
    help="Only this domain: amif_search (the interface) or glossary (default: every template in DIR).")


class _InOrder(click.Group):
    """Lists the commands in workflow order, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=_InOrder)
def catalog():
    """Maintain the gettext catalogs: extract, update, init, compile, check."""


@catalog.command()
@locales_option
@click.option("--domain", default="amif_search", show_default=True, metavar="NAME",
              help="The domain to extract; only amif_search is extracted from code.")
@click.option("--source", "source", type=click.Path(file_okay=False, exists=True), default=None, metavar="DIR",
              help="The package folder to read (default: this package).")
def extract(locales, domain, source):
    """Regenerate locales/amif_search.pot from the strings marked in the code.

    The template is left untouched when no message changed.
    """
    from ..l10n.extract import extract as run_extract  # noqa: PLC0415
    from ..l10n.layout import UI_DOMAIN, template_path  # noqa: PLC0415

    if domain != UI_DOMAIN:
        raise CatalogError(f"only the {UI_DOMAIN} domain is extracted from code; {domain}.pot is maintained by hand")
    directory = _locales(locales)
    package = Path(source) if source else _PACKAGE
    result = run_extract(package, template_path(directory, domain))
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    state = "written" if result.changed else "unchanged"
    click.echo(f"{_shown(result.path)}: {result.messages} messages ({state})")
    return 0


@catalog.command()
@locales_option
@domain_option
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language; repeat for several.")
def update(locales, domain, languages):
    """Merge each template into its language catalogs, as 'msgmerge --previous' does.

    Translations, translator comments and flags stay; a changed message becomes fuzzy
    with its old text in '#|' lines; removed messages become obsolete '#~' entries.
    """
    from ..l10n.layout import catalog_path, languages as find_languages  # noqa: PLC0415
    from ..l10n.merge import update_catalog  # noqa: PLC0415

    directory = _locales(locales)
    for name in _domains(directory, domain):
        pot = _template(directory, name)
        for lang in languages or find_languages(directory, name):
            po = catalog_path(directory, lang, name)
            if not po.is_file():
                raise CatalogError(f"no catalog {po}; create it with 'amif-search catalog init {lang}'")
            result = update_catalog(po, pot)
            state = "updated" if result.changed else "unchanged"
            click.echo(f"{po}: {result.kept} kept, {result.fuzzy} fuzzy, {result.new} new, "
                       f"{result.obsolete} obsolete ({state})")
    return 0


@catalog.command()
@click.argument("lang")
@locales_option
@domain_option
@click.option("--plural-forms", default=None, metavar="VALUE",
              help="The Plural-Forms header, for a language amif-search does not know yet.")
@click.option("--translator", default=None, metavar="'NAME <EMAIL>'", help="The Last-Translator header.")
def init(lang, locales, domain, plural_forms, translator):
    """Start the catalogs of a new language LANG (fi, ar, pt_BR ...) from the templates."""
    from ..l10n.create import init_path  # noqa: PLC0415
    from ..l10n.layout import catalog_path  # noqa: PLC0415

    directory = _locales(locales)
    for name in _domains(directory, domain):
        pot = _template(directory, name)
        po = catalog_path(directory, lang, name)
        created = init_path(pot, po, lang, plural_forms, translator)
        click.echo(f"{po}: {len(created)} messages to translate (Plural-Forms: {created.metadata['Plural-Forms']})")
    return 0


@catalog.command(name="compile")
@locales_option
@domain_option
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language; repeat for several.")
def compile_command(locales, domain, languages):
    """Compile the catalogs into .mo files next to them (fuzzy entries are left out).

    Not needed to run amif-search: it compiles a changed catalog on first use.
    """
    from ..l10n.compile import compile_path  # noqa: PLC0415
    from ..l10n.layout import catalog_path, languages as find_languages, mo_path  # noqa: PLC0415

    directory = _locales(locales)
    for name in _domains(directory, domain):
        for lang in languages or find_languages(directory, name):
            result = compile_path(catalog_path(directory, lang, name), mo_path(directory, lang, name))
            state = "written" if result.changed else "unchanged"
            click.echo(f"{result.path}: {result.messages} messages ({state})")
    return 0


@catalog.command()
@locales_option
@domain_option
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language; repeat for several.")
@click.option("--strict", is_flag=True, help="Exit with 1 on any problem, not only on catalogs that cannot be read.")
def check(locales, domain, languages, strict):
    """Show how far each catalog is translated, and every problem as FILE:LINE: message.

    Exits with 1 when a catalog cannot be read, and with --strict on any problem (for CI).
    """
    from ..l10n.check import check_locales  # noqa: PLC0415

    directory = _locales(locales)
    report = check_locales(directory, _domains(directory, domain), list(languages) or None)
    for stats in report.stats:
        click.echo(f"{stats.domain} {stats.lang}: {stats.translated} translated, {stats.fuzzy} fuzzy, "
                   f"{stats.untranslated} untranslated, {stats.obsolete} obsolete ({stats.percent:.0f}%)")
    for problem in report.problems:
        click.echo(str(problem))
    if report.problems:
        click.echo(f"{len(report.problems)} problem(s)", err=True)
    if report.unreadable or (strict and report.problems):
        return 1
    return 0
