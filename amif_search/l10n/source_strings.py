"""Messages that the code translates but that no ``_()`` call in it spells out.

The source page's objective titles reach the screen through ``_(project.objective.title)``
(``amif_search/cli/render.py``); listing them here puts them in the template, so that
translators see them. Nothing imports this module at run time.
"""

from __future__ import annotations

__all__ = ["OBJECTIVE_TITLES"]


def N_(message: str) -> str:
    """The extractor's marker (a local copy, so that this package never imports i18n)."""
    return message


OBJECTIVE_TITLES = (
    # Translators: the title of the fund's specific objective 6, as on the source page.
    N_("Säkerställande av att placeringen av kvotflyktingar i kommunerna fungerar"),
    # Translators: national objective 6.1, as on the source page.
    N_("Effektivisering av placering i kommunerna och säkerställande av tillgången till placering i kommunerna"),
    # Translators: national objective 6.2, as on the source page.
    N_("Främjande av integreringen av kvotflyktingar"),
)
