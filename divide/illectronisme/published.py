"""The published national rates the MODELLED illectronisme is fitted to.

:func:`margins` reads the rates INSEE published from the TIC households survey
(by age, diploma and standard of living) into the model's breakdowns.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from divide.errors import DivideError, unknown

#: Breakdown -> its categories, in the order of the cell axes.
BREAKDOWNS = {
    "age": ("15-24", "25-64", "65-74", "75+"),
    "diploma": ("above CAP/BEP", "at most CAP/BEP"),
    "income": ("bottom 40 %", "middle 40 %", "top 20 %"),
}


#: (dimension, accepted published categories) -> (breakdown, model category).
#: The model category is approximated by the published one (see the model card).
_PUBLISHED = {
    ("age", "15-24 ans"): ("age", "15-24"),
    ("age", "60-74 ans"): ("age", "65-74"),
    ("age", "75 ans ou plus"): ("age", "75+"),
    ("age", "75 ans et plus"): ("age", "75+"),
    ("diplome", "bac+3 ou plus"): ("diploma", "above CAP/BEP"),
    ("diplome", "diplomes du superieur"): ("diploma", "above CAP/BEP"),
    ("niveau_de_vie", "40 % des menages les moins aises"): ("income", "bottom 40 %"),
    ("niveau_de_vie", "20 % des menages les plus aises"): ("income", "top 20 %"),
}


def _norm(text: object) -> str:
    """Lower-case, accent-free, single-spaced text with plain hyphens."""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    return " ".join(s.split())


def _year(value: object) -> str:
    try:
        return str(int(float(value)))
    except (TypeError, ValueError):
        return str(value).strip()


def margins(rates: pd.DataFrame, survey_year: str = "2021") -> dict:
    """Return the published figures the model fits, for one survey year.

    Returns
    -------
    dict
        ``national`` (a fraction) and, per breakdown, ``{model category: rate}``
        for the categories INSEE publishes (fractions).
    """
    if not isinstance(rates, pd.DataFrame):
        raise DivideError(
            "rates must be a table (DataFrame) of published illectronisme figures "
            "with columns survey_year, dimension, category, indicator, rate"
        )
    df = rates.copy()
    if "rate" not in df.columns and "value_pct" in df.columns:
        df["rate"] = pd.to_numeric(df["value_pct"], errors="coerce") / 100.0
    missing = [
        c
        for c in ("survey_year", "dimension", "category", "indicator", "rate")
        if c not in df.columns
    ]
    if missing:
        raise DivideError(
            f"the rates table lacks column(s) {', '.join(missing)}; expected the "
            "output of divide.build.readers.illectronisme (survey_year, dimension, "
            f"category, indicator, rate). Found: {', '.join(map(str, df.columns))}"
        )
    df["rate"] = pd.to_numeric(df["rate"], errors="coerce")
    if (df["rate"] > 1).any():
        raise DivideError(
            "rates above 1 in the 'rate' column: rates must be fractions "
            "(15.4 % is 0.154); divide percentages by 100"
        )
    df = df[df["rate"].notna() & (df["indicator"].map(_norm) == "illectronisme")]
    years = df["survey_year"].map(_year)
    year = _year(survey_year)
    if year not in set(years):
        raise unknown("survey year", year, sorted(set(years)) or ["(none)"])
    df = df[years == year]
    out: dict = {"national": None, **{b: {} for b in BREAKDOWNS}}
    for dim, cat, rate in zip(
        df["dimension"].map(_norm), df["category"].map(_norm), df["rate"], strict=True
    ):
        if dim == "ensemble" and cat == "15 ans ou plus":
            out["national"] = float(rate)
        elif (dim, cat) in _PUBLISHED:
            b, k = _PUBLISHED[(dim, cat)]
            out[b][k] = float(rate)
    if out["national"] is None:
        raise DivideError(
            f"survey year {year} lacks the published national illectronisme rate "
            "(ensemble / 15 ans ou plus): the model is fitted to it"
        )
    if not any(out[b] for b in BREAKDOWNS):
        raise DivideError(
            f"survey year {year} has no published breakdown the model can match "
            "(age, diploma or standard of living)"
        )
    return out
