"""Aggregation and formatting of indicators, derived from the registry.

A rate at any level is ``scale × Σ numerator / Σ denominator`` over the communes of
the territory, never a mean of the communes' rates.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from divide.registry import Indicator, base_columns, indicators

LEVEL_KEYS = {"epci": "epci", "departement": "departement", "region": "region"}


def compute(table: pd.DataFrame, ids: list[str] | None = None) -> pd.DataFrame:
    """Indicator values from additive base columns, row by row.

    Parameters
    ----------
    table : DataFrame
        Rows are territories; columns include the registry's base columns.
    ids : list of str, optional
        Indicators to compute (all by default).

    Returns
    -------
    DataFrame
        One column per indicator, NaN where the denominator is 0 or missing.
    """
    registry = indicators()
    out = {}
    for ind_id in ids or list(registry):
        ind = registry[ind_id]
        num = table[ind.numerator].astype(float)
        if ind.is_count:
            out[ind_id] = num
        else:
            den = table[ind.denominator].astype(float)
            out[ind_id] = ind.scale * num / den.where(den > 0)
    return pd.DataFrame(out, index=table.index)


def aggregate(communes: pd.DataFrame, level: str) -> pd.DataFrame:
    """Sum communes' base columns up to ``level`` (epci, departement, region, france).

    Missing values stay missing: a territory where every commune lacks a value gets
    NaN, not 0.
    """
    if level == "france":
        cols = [c for c in base_columns() if c in communes.columns]
        sums = communes[cols].sum(min_count=1).to_frame().T
        sums.index = pd.Index(["FR"], name="code")
        return sums
    return aggregate_by(communes, LEVEL_KEYS[level])


def aggregate_by(communes: pd.DataFrame, key: str) -> pd.DataFrame:
    """Sum communes' base columns by the values of one column (a parent, a type).

    Communes where ``key`` is missing are left out; missing values stay missing
    (a group where every commune lacks a value gets NaN, not 0). The index,
    named ``code``, holds the values of ``key``.
    """
    cols = [c for c in base_columns() if c in communes.columns]
    sums = communes[communes[key].notna()].groupby(key)[cols].sum(min_count=1)
    sums.index.name = "code"
    return sums


def format_value(
    value: float, ind: Indicator, lang: str = "en", *, suffix: bool = True
) -> str:
    """Human-readable value with its unit; "no data" for missing values.

    ``suffix=False`` drops the long "per 10,000 people" where a label says it.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "pas de données" if lang == "fr" else "no data"
    unit = ind.unit
    if unit == "share":
        return format_share(value, lang)
    if unit == "km":
        return f"{format_number(value, lang, 1)}\u00a0km"
    if unit == "EUR":
        return f"{format_number(value, lang)}\u00a0€"
    if unit == "index":
        return format_number(value, lang, 1)
    if unit == "per10k":
        words = "pour 10 000 hab." if lang == "fr" else "per 10,000 people"
        shown = format_number(value, lang, 2)
        return f"{shown} {words}" if suffix else shown
    return format_number(value, lang)


def format_number(value: float, lang: str = "en", digits: int = 0) -> str:
    """A number with the language's separators: ``12 345,6`` or ``12,345.6``."""
    sep = "\u202f" if lang == "fr" else ","
    dec = "," if lang == "fr" else "."
    text = f"{value:,.{digits}f}".replace(",", "_").replace(".", dec)
    return text.replace("_", sep)


def format_share(value: float, lang: str = "en") -> str:
    """A fraction as a percentage with one decimal: ``42,5 %`` or ``42.5 %``."""
    if is_missing(value):
        return "pas de données" if lang == "fr" else "no data"
    return f"{format_number(100 * value, lang, 1)}\u00a0%"


def unit_label(ind: Indicator, lang: str = "en") -> str:
    """The unit as shown in legends."""
    labels = {
        "people": ("personnes", "people"),
        "premises": ("locaux", "premises"),
        "sites": ("sites", "sites"),
        "share": ("%", "%"),
        "km": ("km", "km"),
        "index": ("indice", "index"),
        "EUR": ("€", "€"),
        "per10k": ("pour 10 000 hab.", "per 10,000 people"),
    }
    fr, en = labels[ind.unit]
    return fr if lang == "fr" else en


def display_values(values: pd.Series, ind: Indicator) -> pd.Series:
    """Values in the unit shown to people (shares as percentages)."""
    return values * 100 if ind.unit == "share" else values


def percentile_rank(values: pd.Series) -> pd.Series:
    """Percentile (0–100) of each value among the non-missing ones."""
    return values.rank(pct=True) * 100


def is_missing(value) -> bool:
    """True for None or NaN."""
    return value is None or (isinstance(value, float) and np.isnan(value))
