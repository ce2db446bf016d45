"""The story of one territory: its slides, built in the order of the outline."""

from __future__ import annotations

from divide.atlas import Atlas
from divide.errors import check_lang
from divide.i18n import t
from divide.knowledge import Knowledge, knowledge
from divide.profile import parents
from divide.story.advice import Advisor
from divide.story.facts import Rows
from divide.story.measures import (
    broadband_slide,
    illectronisme_slide,
    mediation_slide,
    mobile_slide,
    progress_slide,
)
from divide.story.outline import SLIDES, Slide
from divide.story.verdicts import actions_slide, fragility_slide

_BUILDERS = {
    "broadband": broadband_slide,
    "progress": progress_slide,
    "mobile": mobile_slide,
    "illectronisme": illectronisme_slide,
    "mediation": mediation_slide,
    "fragility": fragility_slide,
    "actions": actions_slide,
}


def slides(
    atlas: Atlas,
    level: str,
    code: str | None,
    lang: str = "fr",
    *,
    kb: Knowledge | None = None,
) -> list[Slide]:
    """The presenter story of one territory.

    Parameters
    ----------
    atlas : Atlas
        The atlas.
    level : str
        ``france``, ``region``, ``departement``, ``epci`` or ``commune``.
    code : str or None
        The territory's code (ignored for France).
    lang : {"fr", "en"}
        Language of every text.
    kb : Knowledge, optional
        Another knowledge base (default: the package's).

    Returns
    -------
    list of Slide
        Seven slides, in the order of :data:`SLIDES`.

    Raises
    ------
    DivideError
        Unknown language, level or code (with close matches).
    """
    check_lang(lang)
    row = atlas.territory(level, code)
    code = "FR" if level == "france" else str(row["code"])
    name = str(row["name"])
    base = kb or knowledge()
    ctx = {
        "atlas": atlas,
        "level": level,
        "code": code,
        "name": name,
        "lang": lang,
        "chain": parents(atlas, level, code),
        "row": Rows(atlas),
        "advisor": Advisor(atlas, level, code, name, lang, base),
    }
    territory = name if level == "france" else f"{name} — {t('level_' + level, lang)}"
    out = []
    for number, slide_id in enumerate(SLIDES, start=1):
        built = _BUILDERS[slide_id](ctx)
        figure, visual, advice = built[:3]
        more = built[3] if len(built) > 3 else ()
        out.append(
            Slide(
                id=slide_id,
                number=number,
                title=t(f"story_title_{slide_id}", lang),
                territory=territory,
                figure=figure,
                visual=visual,
                advice=advice,
                more=more,
            )
        )
    return out
