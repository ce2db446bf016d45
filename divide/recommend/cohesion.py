"""The operators of the « cohésion numérique » subsidy in a territory."""

from __future__ import annotations

import pandas as pd

from divide.atlas import Atlas, check_level
from divide.i18n import t

#: The initiative whose eligible operators depend on the département.
COHESION_INITIATIVE = "cohesion_numerique"


def cohesion_offers(atlas: Atlas, level: str, code: str | None) -> pd.DataFrame:
    """Operators eligible to the « cohésion numérique » subsidy in a territory.

    The operators of the territory's département (of every département of an EPCI
    or a région; none for France, where they vary by département): one row per
    operator, with its ``technologies`` (``" / "``-joined), ``site`` and the
    ``departements`` it serves there. Source: ANCT, 2024 (``cohesion_operators_2024``).
    """
    check_level(level)
    if level == "france" or code is None:
        deps: list[str] = []
    elif level == "departement":
        deps = [str(code)]
    else:
        row = atlas.territory(level, code)
        if level == "commune":
            deps = [str(row["departement"])]
        else:
            members = atlas.members("commune", (level, str(row["code"])))
            deps = sorted(members["departement"].dropna().astype(str).unique())
    table = atlas.cohesion_operators
    table = table[table["departement"].isin(deps)]
    columns = ["operator", "technologies", "site", "departements"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    grouped = table.groupby("operator", sort=True)
    return pd.DataFrame(
        {
            "technologies": grouped["technology"].agg(
                lambda s: " / ".join(sorted({x for x in s if x}))
            ),
            "site": grouped["site"].first(),
            "departements": grouped["departement"].agg(
                lambda s: ", ".join(sorted(set(s)))
            ),
        }
    ).reset_index()[columns]


def offers(atlas: Atlas, level: str, code: str | None, init_id: str, lang: str):
    """The operators of the cohésion numérique initiative, with a sentence."""
    if init_id != COHESION_INITIATIVE:
        return {}
    offers = cohesion_offers(atlas, level, code)
    if offers.empty:
        return {"operators": []}
    names = ", ".join(
        f"{o.operator} ({o.technologies})" if o.technologies else o.operator
        for o in offers.itertuples()
    )
    return {
        "operators": offers.to_dict("records"),
        "operators_text": t("cohesion_initiative", lang, date="2024", operators=names),
    }
