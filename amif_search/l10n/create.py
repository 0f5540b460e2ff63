"""Starting a catalog for a new language from a template (``catalog init``)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import polib

from ..errors import CatalogError, Problem
from ..i18n import _
from ..i18n.languages import SWEDISH, language
from .layout import POEDIT_HEADERS, UI_DOMAIN, bug_address
from .plurals import parse_plural_forms, plural_forms_for, plural_forms_problem
from .pofile import read_po_path, write_po_path

__all__ = ["init_catalog", "init_path"]

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?(?:@[a-z]+)?$")


def _plural_forms(lang: str, plural_forms: str | None) -> str:
    value = plural_forms or plural_forms_for(lang)
    if value is None:
        raise CatalogError(_("inga pluralformer är kända för {lang}; ange dem med --plural-forms (se "
                             "https://www.gnu.org/software/gettext/manual/html_node/Plural-forms.html)")
                           .format(lang=repr(lang)))
    problem = plural_forms_problem(value, lang)
    if problem:
        raise CatalogError(problem)
    return value


def init_catalog(template: polib.POFile, lang: str, plural_forms: str | None = None,
                 translator: str | None = None, now: datetime | None = None,
                 domain: str = "amif_search") -> polib.POFile:
    """A new, untranslated catalog for ``lang`` with every message of ``template``."""
    if not _LANGUAGE_CODE.match(lang):
        raise CatalogError(_("{lang} är ingen språkkod som fi, sv, pt_BR eller sr@latin").format(lang=repr(lang)))
    forms = _plural_forms(lang, plural_forms)
    nplurals = parse_plural_forms(forms)[0]
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    catalog = polib.POFile(encoding="utf-8")
    name = language(lang).english_name
    guide = "locales/GLOSSARY.md" if domain == "glossary" else "locales/README.md"
    what = "the amif-search glossary" if domain == "glossary" else "amif-search"
    catalog.header = (f"{name} translation of {what}. The msgids are Swedish, the source language.\n"
                      f"Translators edit msgstr only; see {guide}.")
    meta = template.metadata
    catalog.metadata = {
        "Project-Id-Version": meta.get("Project-Id-Version") or "amif-search",
        "Report-Msgid-Bugs-To": meta.get("Report-Msgid-Bugs-To") or bug_address(),
        "POT-Creation-Date": meta.get("POT-Creation-Date", moment),
        "PO-Revision-Date": moment,
        "Last-Translator": translator or "amif-search translators",
        "Language-Team": f"{name} (amif-search translators)",
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": forms,
        "X-Source-Language": meta.get("X-Source-Language", SWEDISH),
    }
    if domain == UI_DOMAIN:
        catalog.metadata.update(POEDIT_HEADERS)
    for wanted in template:
        if wanted.obsolete:
            continue
        catalog.append(polib.POEntry(
            msgctxt=wanted.msgctxt,
            msgid=wanted.msgid,
            msgid_plural=wanted.msgid_plural,
            msgstr="",
            msgstr_plural={i: "" for i in range(nplurals)} if wanted.msgid_plural else {},
            occurrences=list(wanted.occurrences),
            comment=wanted.comment,
            flags=[f for f in wanted.flags if f != "fuzzy"],
        ))
    return catalog


def init_path(pot_path: Path, po_path: Path, lang: str, plural_forms: str | None = None,
              translator: str | None = None) -> polib.POFile:
    """Write a new catalog for ``lang`` at ``po_path``; CatalogError if one is already there."""
    if po_path.exists():
        message = _("katalogen finns redan; använd 'amif-search catalog update' för att få den i takt med mallen")
        raise CatalogError(f"{po_path}: {message}", [Problem(str(po_path), None, message)])
    catalog = init_catalog(read_po_path(pot_path, template=True), lang, plural_forms, translator,
                           domain=pot_path.stem)
    write_po_path(catalog, po_path)
    return catalog
