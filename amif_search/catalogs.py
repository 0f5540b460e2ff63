"""Loading compiled translations for the interface (placeholder until catalogs exist)."""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path


def load_translations(domain: str, lang: str, locales_dir: Path | None = None) -> _gettext.NullTranslations:
    """Translations for ``domain`` in ``lang``; Swedish (the source) needs none."""
    return _gettext.NullTranslations()
