"""``index build`` and ``index info``."""

from __future__ import annotations

import time

import click

from ..i18n import N_, _, ngettext
from .helptext import TranslatedGroup
from .output import echo_json
from .shared import index_option, progress_bar

__all__ = ["index"]


@click.group(cls=TranslatedGroup, short_help=N_("Bygg och granska sökindexet."),
             help=N_("Bygg och granska sökindexet."))
def index():
    pass


def _writer_options(source_help: str):
    """--source, --quiet, --wait and --index, shared by build and update."""
    def decorate(f):
        f = index_option(f)
        f = click.option("--wait", type=click.FloatRange(0, 3600), default=30.0, show_default=True,
                         help=N_("Sekunder att vänta på att ett annat bygge av samma index blir klart."))(f)
        f = click.option("--quiet", "-q", is_flag=True, help=N_("Skriv inte ut något annat än fel."))(f)
        return click.option("--source", "sources", multiple=True, type=click.Path(), metavar="FILE",
                            help=source_help)(f)
    return decorate


def _write(write, label: str, sources, index_dir, quiet: bool, wait: float):
    """Run ``write`` (build_index or update_index) on the sources given (else its default ones)
    with a progress bar; its answer, and the seconds it took."""
    started = time.monotonic()
    answer = write(list(sources) or None, index_dir, progress=progress_bar(label, quiet), lock_timeout=wait)
    return answer, time.monotonic() - started


@index.command(short_help=N_("Bygg ett nytt index."),
               help=N_("Läs källorna och bygg ett nytt index (det gamla används tills det nya är klart)."))
@_writer_options(N_("En källsida (eller en mapp med .txt-sidor); upprepa för flera. Standard: sidorna som "
                    "följer med paketet."))
def build(sources, quiet, wait, index_dir):
    from ..collection import build_index  # noqa: PLC0415

    info, seconds = _write(build_index, _("Bygger index"), sources, index_dir, quiet, wait)
    if not quiet:
        # Two counts: each is its own plural message, put into the sentence whole.
        projects = ngettext("{count} projekt", "{count} projekt", info.project_count).format(
            count=info.project_count)
        sources = len(info.manifest.sources)
        from_sources = ngettext("från {count} källa", "från {count} källor", sources).format(count=sources)
        click.echo(_("{projects} {from_sources} indexerade i {path} ({seconds:.1f} s)").format(
            projects=projects, from_sources=from_sources, path=info.location, seconds=seconds))
    return 0


@index.command(short_help=N_("Indexera om bara tillagda, ändrade och borttagna projekt."),
               help=N_("Indexera om bara tillagda, ändrade och borttagna projekt."))
@_writer_options(N_("En källsida eller mapp; upprepa för flera. Standard: indexets källor."))
def update(sources, quiet, wait, index_dir):
    from ..collection import update_index  # noqa: PLC0415

    report, seconds = _write(update_index, _("Uppdaterar index"), sources, index_dir, quiet, wait)
    if not quiet:
        if report.rebuilt:
            click.echo(_("Indexet byggdes om ({reason}).").format(reason=report.reason))
        click.echo(_("{added} nya, {changed} ändrade, {removed} borttagna, {unchanged} oförändrade projekt "
                     "({seconds:.1f} s)").format(added=len(report.added), changed=len(report.changed),
                                                   removed=len(report.removed), unchanged=report.unchanged,
                                                   seconds=seconds))
    return 0


@index.command(short_help=N_("Visa uppgifter om indexet."),
               help=N_("Visa var indexet finns, vad det byggdes av och om källorna har ändrats."))
@click.option("--verify", is_flag=True, help=N_("Läs källorna på nytt och kontrollera att varje projekt finns i "
                                                "indexet och är aktuellt; slutstatus 1 om inte."))
@click.option("--json", "as_json", is_flag=True, help=N_("Skriv ut JSON."))
@index_option
def info(verify, as_json, index_dir):
    from ..collection import Collection  # noqa: PLC0415

    collection = Collection(index_dir, rehash=verify)  # --verify hashes every file, whatever the seal says
    details = collection.info()
    manifest = details.manifest
    checked = collection.verify() if verify else None
    if as_json:
        echo_json({
            "location": str(details.location),
            "generation": details.generation.name,
            "projects": details.project_count,
            "built_at": manifest.built_at,
            "package_version": manifest.package_version,
            "schema_version": manifest.schema_version,
            "analysis_version": manifest.analysis_version,
            "sources": [{"path": s.path, "sha256": s.sha256, "projects": s.projects,
                         "changed": s.path in details.stale_sources,
                         "missing": s.path in details.missing_sources} for s in manifest.sources],
            **({"verification": checked.to_json()} if checked else {}),
        })
        return 0 if checked is None or checked.ok else 1
    click.echo(_("Index:      {path}").format(path=details.location))
    click.echo(_("Projekt:    {count}").format(count=details.project_count))
    click.echo(_("Byggt:      {when}").format(when=manifest.built_at))
    click.echo(_("Version:    amif-search {package}, schema {schema}, analys {analysis}").format(
        package=manifest.package_version, schema=manifest.schema_version, analysis=manifest.analysis_version))
    for source in manifest.sources:
        state = ""
        if source.path in details.missing_sources:
            state = _(" (saknas)")
        elif source.path in details.stale_sources:
            state = _(" (ändrad sedan bygget)")
        click.echo(ngettext("Källa:      {path}: {count} projekt{state}", "Källa:      {path}: {count} projekt{state}",
                            source.projects).format(path=source.path, count=source.projects, state=state))
    if checked is None:
        return 0
    if checked.ok:
        click.echo(ngettext("Kontroll:   källornas {count} projekt finns i indexet, oförändrat",
                            "Kontroll:   alla {count} projekt i källorna finns i indexet, oförändrade",
                            checked.expected).format(count=checked.expected))
        return 0
    for label, ids in ((_("saknas i indexet"), checked.not_indexed), (_("ändrade sedan bygget"), checked.stale),
                       (_("finns bara i indexet"), checked.extra), (_("saknade källor"), checked.missing_sources),
                       (_("stämmer inte med manifestet"), checked.manifest_mismatch)):
        if ids:
            click.echo(_("Kontroll:   {label}: {ids}").format(label=label, ids=", ".join(ids)))
    return 1
