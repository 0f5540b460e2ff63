"""``catalog extract|update|init|compile|check``: the translator's commands.

Their output follows the interface language like every command's (``--lang en`` for
English). A message about a broken catalog still reaches the user: a catalog that cannot
be read falls back to the Swedish texts (see :mod:`amif_search.i18n`).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import CatalogError
from ..i18n import N_, _, ngettext
from ..resources import find_checkout
from .shared import CommandsInOrder

__all__ = ["catalog"]

_PACKAGE = Path(__file__).resolve().parent.parent


def _shown(path: Path) -> Path:
    """``path`` relative to the working folder when it is inside it, for short FILE:LINE output."""
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:  # another drive on Windows
        return path
    return path if relative.parts[:1] == ("..",) else relative


def checkout_locales(value: str | None) -> Path:
    """The catalogs to work on: --locales, else those of the checkout around the current folder
    (or the one amif-search runs from). The copy inside an installed package is never edited."""
    if value:
        return _shown(Path(value))
    root = find_checkout()
    if root is None:
        raise CatalogError(_("{folder} ligger inte i en utcheckning av amif-search, och ett installerat pakets "
                             "kataloger ändras inte; kör kommandot i utcheckningen eller ange --locales DIR")
                           .format(folder=Path.cwd()))
    return _shown(root / "locales")


def _package(value: str | None, locales: Path) -> Path:
    """The package folder whose code is extracted: --package, else the checkout's own."""
    if value:
        return Path(value)
    root = locales.resolve().parent
    return root / "amif_search" if (root / "amif_search").is_dir() else _PACKAGE


def _domains(locales: Path, domain: str | None) -> list[str]:
    from ..l10n.layout import domains  # noqa: PLC0415

    if domain:
        return [domain]
    found = domains(locales)
    if not found:
        raise CatalogError(_("inga mallar (*.pot) i {folder}; kör först 'amif-search catalog extract'")
                           .format(folder=locales))
    return found


def _catalogs(locales: Path, domain: str | None, languages: tuple[str, ...]):
    """(domain, language) of each catalog to work on: in the domain given (else every domain
    with a template), for the languages given (else every language with a catalog of it)."""
    from ..l10n.layout import languages as find_languages  # noqa: PLC0415

    for name in _domains(locales, domain):
        for lang in languages or find_languages(locales, name):
            yield name, lang


def _template(locales: Path, domain: str) -> Path:
    from ..l10n.layout import template_path  # noqa: PLC0415

    path = template_path(locales, domain)
    if not path.is_file():
        if domain == "amif_search":
            raise CatalogError(_("mallen {path} finns inte (kör 'amif-search catalog extract')").format(path=path))
        raise CatalogError(_("mallen {path} finns inte").format(path=path))
    return path


locales_option = click.option(
    "--locales", "locales", type=click.Path(file_okay=False), default=None, metavar="DIR",
    help=N_("Katalogmappen (standard: locales/ i den utcheckning av amif-search som den aktuella mappen ligger i)."))
domain_option = click.option(
    "--domain", default=None, metavar="NAME",
    help=N_("Bara denna domän: amif_search (gränssnittet) eller glossary (standard: alla mallar i DIR)."))
languages_option = click.option(
    "--lang", "languages", multiple=True, metavar="LANG", help=N_("Bara detta språk; upprepa för flera."))


def catalogs_options(f):
    """--locales, --domain and --lang: the catalogs a command works on (see :func:`_catalogs`)."""
    return locales_option(domain_option(languages_option(f)))


@click.group(cls=CommandsInOrder, short_help=N_("Underhåll gettext-katalogerna."),
             help=N_("Underhåll gettext-katalogerna: extract, update, init, compile, check."))
def catalog():
    pass


@catalog.command(short_help=N_("Generera mallen ur koden."),
                 help=N_("Generera locales/amif_search.pot på nytt ur de texter som är märkta i koden.\n"
                         "\n"
                         "Mallen lämnas orörd när inget meddelande har ändrats."))
@locales_option
@click.option("--domain", default="amif_search", show_default=True, metavar="NAME",
              help=N_("Domänen som extraheras; bara amif_search extraheras ur koden."))
@click.option("--package", "package", type=click.Path(file_okay=False, exists=True), default=None, metavar="DIR",
              help=N_("Paketmappen som läses (standard: amif_search/ bredvid katalogmappen)."))
# The name of the previous release, kept for one release: "source" is a page the projects come from.
@click.option("--source", "old_package", type=click.Path(file_okay=False, exists=True), default=None, hidden=True)
def extract(locales, domain, package, old_package):
    from ..l10n.extract import extract as run_extract  # noqa: PLC0415
    from ..l10n.layout import UI_DOMAIN, template_path  # noqa: PLC0415

    if domain != UI_DOMAIN:
        raise CatalogError(_("bara domänen {ui} extraheras ur koden; {domain}.pot underhålls för hand")
                           .format(ui=UI_DOMAIN, domain=domain))
    if old_package is not None:
        click.echo(_("varning: {warning}").format(warning=_("--source heter nu --package; det gamla namnet tas bort "
                                                            "i nästa version")), err=True)
    directory = checkout_locales(locales)
    result = run_extract(_package(package or old_package, directory), template_path(directory, domain))
    for warning in result.warnings:
        click.echo(_("varning: {warning}").format(warning=warning), err=True)
    state = _("skriven") if result.changed else _("oförändrad")
    click.echo(ngettext("{path}: {count} meddelande ({state})", "{path}: {count} meddelanden ({state})",
                        result.messages).format(path=_shown(result.path), count=result.messages, state=state))
    return 0


@catalog.command(short_help=N_("För in mallarna i språkens kataloger."),
                 help=N_("För in varje mall i dess språks kataloger, som 'msgmerge --previous' gör.\n"
                         "\n"
                         "Översättningar, översättarnas kommentarer och flaggor bevaras; ett ändrat meddelande "
                         "blir fuzzy med sin gamla text på '#|'-rader; borttagna meddelanden blir föråldrade "
                         "'#~'-poster."))
@catalogs_options
def update(locales, domain, languages):
    from ..l10n.layout import catalog_path  # noqa: PLC0415
    from ..l10n.merge import update_catalog  # noqa: PLC0415

    directory = checkout_locales(locales)
    for name, lang in _catalogs(directory, domain, languages):
        pot, po = _template(directory, name), catalog_path(directory, lang, name)
        if not po.is_file():
            raise CatalogError(_("katalogen {path} finns inte; skapa den med 'amif-search catalog init {lang}'")
                               .format(path=po, lang=lang))
        result = update_catalog(po, pot)
        state = _("uppdaterad") if result.changed else _("oförändrad")
        click.echo(_("{path}: bevarade {kept}, fuzzy {fuzzy}, nya {new}, föråldrade {obsolete} ({state})").format(
            path=po, kept=result.kept, fuzzy=result.fuzzy, new=result.new, obsolete=result.obsolete, state=state))
    return 0


@catalog.command(short_help=N_("Påbörja ett nytt språk."),
                 help=N_("Påbörja katalogerna för ett nytt språk LANG (fi, ar, pt_BR ...) utgående från mallarna."))
@click.argument("lang")
@locales_option
@domain_option
@click.option("--plural-forms", default=None, metavar="VALUE",
              help=N_("Plural-Forms-huvudet, för ett språk som amif-search ännu inte känner till."))
@click.option("--translator", default=None, metavar="'NAME <EMAIL>'", help=N_("Last-Translator-huvudet."))
def init(lang, locales, domain, plural_forms, translator):
    from ..l10n.create import init_path  # noqa: PLC0415
    from ..l10n.layout import catalog_path  # noqa: PLC0415

    directory = checkout_locales(locales)
    for name in _domains(directory, domain):
        pot = _template(directory, name)
        po = catalog_path(directory, lang, name)
        created = init_path(pot, po, lang, plural_forms, translator)
        click.echo(ngettext("{path}: {count} meddelande att översätta (Plural-Forms: {plural_forms})",
                            "{path}: {count} meddelanden att översätta (Plural-Forms: {plural_forms})",
                            len(created)).format(path=po, count=len(created),
                                                 plural_forms=created.metadata["Plural-Forms"]))
    return 0


@catalog.command(name="compile", short_help=N_("Kompilera katalogerna till .mo-filer."),
                 help=N_("Kompilera katalogerna till .mo-filer bredvid dem (fuzzy-poster lämnas bort).\n"
                         "\n"
                         "Behövs inte för att köra amif-search: programmet kompilerar en ändrad katalog när den "
                         "först används."))
@catalogs_options
def compile_command(locales, domain, languages):
    from ..l10n.compile import compile_path  # noqa: PLC0415
    from ..l10n.layout import catalog_path, mo_path  # noqa: PLC0415

    directory = checkout_locales(locales)
    for name, lang in _catalogs(directory, domain, languages):
        result = compile_path(catalog_path(directory, lang, name), mo_path(directory, lang, name))
        state = _("skriven") if result.changed else _("oförändrad")
        click.echo(ngettext("{path}: {count} meddelande ({state})", "{path}: {count} meddelanden ({state})",
                            result.messages).format(path=result.path, count=result.messages, state=state))
    return 0


@catalog.command(short_help=N_("Kontrollera katalogerna."),
                 help=N_("Visa hur långt varje katalog är översatt, och varje problem som FILE:LINE: message.\n"
                         "\n"
                         "Slutstatus 1 när en katalog inte kan läsas eller har ett fel som programmet inte kan "
                         "använda, och med --strict vid alla problem (för CI)."))
@catalogs_options
@click.option("--strict", is_flag=True,
              help=N_("Avsluta med 1 vid alla problem, inte bara när en katalog inte kan läsas."))
def check(locales, domain, languages, strict):
    from ..l10n.check import check_locales  # noqa: PLC0415

    directory = checkout_locales(locales)
    report = check_locales(directory, _domains(directory, domain), list(languages) or None)
    for stats in report.stats:
        click.echo(_("{domain} {lang}: översatta {translated}, fuzzy {fuzzy}, oöversatta {untranslated}, "
                     "föråldrade {obsolete} ({percent:.0f} %)").format(
            domain=stats.domain, lang=stats.lang, translated=stats.translated, fuzzy=stats.fuzzy,
            untranslated=stats.untranslated, obsolete=stats.obsolete, percent=stats.percent))
    for problem in report.problems:
        click.echo(str(problem))
    if report.problems:
        click.echo(ngettext("{count} problem", "{count} problem", len(report.problems))
                   .format(count=len(report.problems)), err=True)
    if report.unreadable or report.errors or (strict and report.problems):
        return 1
    return 0
