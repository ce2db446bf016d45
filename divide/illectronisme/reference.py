"""The MODELLED rate next to the national one and independent indices; the method.

:func:`reference_table` (density classes, the DROM) and :func:`method_summary`
(the method panel's text).
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from divide.build.readers.typology import CLASSES as DENSITY_CLASSES
from divide.errors import DivideError, unknown
from divide.i18n import t
from divide.illectronisme.structure import OUTSIDE_SURVEY

LANGS = ("en", "fr")


#: The overseas départements shown next to the national rate.
DROM = ("971", "972", "973", "974", "976")


def reference_table(communes: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """The MODELLED rate next to the national one, by density class and DROM.

    Parameters
    ----------
    communes : pandas.DataFrame
        The atlas's commune rows (``Atlas.level("commune")``): ``code``,
        ``density``, ``people_15p``, ``people_at_risk``, ``people_at_risk_low``,
        ``people_at_risk_high`` and MedNum's IFN 2019/20 (``ifn_weighted``,
        ``ifn_population``).
    lang : str
        ``"fr"`` or ``"en"`` (labels of the rows and columns).

    Returns
    -------
    pandas.DataFrame
        One row per group (France without Mayotte, mainland, each DROM, each
        density class): modelled rate, low and high (percent of people 15+),
        people 15+, and MedNum's IFN 2019/20 weighted by population (its own
        index, not a rate) and MedNum's IFN 2023 total score (0-10, weighted by
        population) as independent references.
    """
    lang = str(lang).strip().lower()
    if lang not in LANGS:
        raise unknown("language", lang, LANGS)
    needed = ("code", "density", "people_15p", "people_at_risk")
    missing = [c for c in needed if c not in communes.columns]
    if missing:
        raise DivideError(
            f"reference_table needs the atlas's commune rows; missing column(s) "
            f"{', '.join(missing)}: rebuild the atlas (divide build)"
        )
    code = communes["code"].astype(str)
    groups: list[tuple[str, pd.Series]] = [
        (t("il_ref_france", lang), ~code.str.startswith(OUTSIDE_SURVEY)),
        (t("il_ref_mainland", lang), ~code.str.startswith("97")),
    ]
    names = {
        "971": "Guadeloupe",
        "972": "Martinique",
        "973": "Guyane",
        "974": "La Réunion",
        "976": "Mayotte",
    }
    groups += [(names[d], code.str.startswith(d)) for d in DROM]
    for value in dict.fromkeys(v for v in DENSITY_CLASSES["density"].values() if v):
        label = t(f"type_density_{value}", lang)
        groups.append((label, communes["density"] == value))
    rows = []
    for label, mask in groups:
        sub = communes[mask.to_numpy()]
        n15 = sub["people_15p"].sum()
        ifn_pop = sub["ifn_population"].sum() if "ifn_population" in sub else 0.0
        rows.append(
            {
                t("il_ref_group", lang): label,
                t("il_ref_rate", lang): 100 * sub["people_at_risk"].sum() / n15
                if n15
                else np.nan,
                t("il_ref_low", lang): 100 * sub["people_at_risk_low"].sum() / n15
                if n15
                else np.nan,
                t("il_ref_high", lang): 100 * sub["people_at_risk_high"].sum() / n15
                if n15
                else np.nan,
                t("il_ref_people", lang): round(float(n15)),
                t("il_ref_ifn", lang): sub["ifn_weighted"].sum() / ifn_pop
                if ifn_pop
                else np.nan,
                t("il_ref_ifn2023", lang): (
                    sub["ifn2023_x_pop"].sum() / sub["pop_ifn2023"].sum()
                    if "pop_ifn2023" in sub and sub["pop_ifn2023"].sum() > 0
                    else np.nan
                ),
            }
        )
    return pd.DataFrame(rows)


def method_summary(lang: str = "fr") -> str:
    """Return the method of the MODELLED illectronisme estimate, as markdown.

    Parameters
    ----------
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        The content of ``divide/texts/illectronisme_method_{lang}.md``: inputs,
        formula, calibration and survey year, assumptions, what is not modelled.
    """
    lang = str(lang).strip().lower()
    if lang not in LANGS:
        raise unknown("language", lang, LANGS)
    path = resources.files("divide") / "texts" / f"illectronisme_method_{lang}.md"
    return path.read_text(encoding="utf-8")
