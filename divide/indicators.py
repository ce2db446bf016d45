"""Aggregation and formatting of indicators, derived from the registry.

A rate at any level is ``scale × Σ numerator / Σ denominator`` over the communes of
the territory, never a mean of the communes' rates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from divide.formatting import (  # noqa: F401  (re-exported: the formatting API)
    counted,
    format_count,
    format_date,
    format_km,
    format_share,
)
from divide.i18n import t
from divide.registry import (
    RANGE_ENDS,
    Indicator,
    as_of,
    base_columns,
    indicators,
    source,
)

LEVEL_KEYS = {"epci": "epci", "departement": "departement", "region": "region"}
#: Above commune level, an aggregate is the territory's value only when the
#: communes where the source has a value hold at least this share of the
#: territory's population; below it the value is withheld (and said why).
COVERAGE_MIN = 0.8
#: The prefix of an indicator's value column in the atlas's territories.
VALUE_PREFIX = "v_"


def value_column(ind_id: str) -> str:
    """The column of an indicator's values in :attr:`divide.atlas.Atlas.territories`.

    ``v_<id>``, derived on load by :func:`divide.atlas.derived_values`.
    """
    return f"{VALUE_PREFIX}{ind_id}"


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


def coverage(territories: pd.DataFrame, ids: list[str] | None = None) -> pd.DataFrame:
    """Share of each territory's population where the source has a value.

    A commune is covered by an indicator when the base column that says the
    source knows it (the denominator of a rate, the numerator of a count) is
    not missing. A territory's coverage is the population of its covered
    communes over its whole population (France: all communes).

    Parameters
    ----------
    territories : DataFrame
        The atlas's stacked table (``level``, ``code``, parents, base columns).
    ids : list of str, optional
        Indicators (all by default).

    Returns
    -------
    DataFrame
        One column per indicator, aligned on ``territories``' index, in [0, 1]
        (NaN for a territory without population).
    """
    ids = ids or list(indicators())
    communes = territories[territories["level"] == "commune"]
    out = pd.DataFrame(np.nan, index=territories.index, columns=ids)
    out.loc[communes.index] = _known(communes, ids).astype(float)
    for level, key in (*LEVEL_KEYS.items(), ("france", None)):
        rows = territories["level"] == level
        if not rows.any():
            continue
        group = communes[key] if key else pd.Series("FR", index=communes.index)
        share = coverage_by(communes.assign(_group=group), "_group", ids)
        codes = territories.loc[rows, "code"].to_numpy()
        out.loc[rows] = share.reindex(codes).to_numpy()
    return out


def coverage_by(communes: pd.DataFrame, key: str, ids: list[str]) -> pd.DataFrame:
    """Coverage (see :func:`coverage`) of groups of communes: by parent, by type.

    Returns one row per value of ``key`` (communes where it is missing left
    out), one column per indicator: the population of the group's communes
    where the source has a value over the group's population.
    """
    weight = communes["population"].astype(float).fillna(0.0)
    covered = _known(communes, ids).mul(weight, axis=0)
    group = communes[key]
    total = weight.groupby(group).sum()
    return covered.groupby(group).sum().div(total.where(total > 0), axis=0)


def _known(communes: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """Per commune and indicator, whether the source has a value there."""
    registry = indicators()
    return pd.DataFrame(
        {
            i: communes[registry[i].denominator or registry[i].numerator].notna()
            for i in ids
        },
        index=communes.index,
    )


#: A figure describing a state older than this (years) gets a badge.
STALE_YEARS = 3


def is_stale(iso: str, today: dt.date | None = None) -> bool:
    """True when ``iso`` is more than :data:`STALE_YEARS` years before today."""
    if not iso:
        return False
    today = today or dt.date.today()
    day = dt.date.fromisoformat(iso)
    return (today - day).days > STALE_YEARS * 365.25


def as_of_text(
    ind: Indicator,
    lang: str = "en",
    today: dt.date | None = None,
    *,
    dates: Mapping[str, str] | None = None,
) -> str:
    """The "data as of" line of a figure, the stale badge and how to refresh.

    ``dates`` (source id → date) is the atlas's :attr:`~divide.atlas.Atlas.as_of`:
    the date each source was built with (the newest ARCEP vintage found), which
    wins over the registry's. Returns "" when the indicator has no dated source.
    """
    return records_as_of_text(ind.source_records(), lang, today, dates=dates)


def sources_as_of_text(
    source_ids,
    lang: str = "en",
    today: dt.date | None = None,
    *,
    refresh: bool = True,
    dates: Mapping[str, str] | None = None,
) -> str:
    """The "data as of" line of a figure built from these registry sources."""
    records = [source(s) for s in source_ids]
    return records_as_of_text(records, lang, today, refresh=refresh, dates=dates)


def records_as_of_text(
    records,
    lang: str = "en",
    today: dt.date | None = None,
    *,
    refresh: bool = True,
    dates: Mapping[str, str] | None = None,
) -> str:
    """The "data as of" line of a figure built from these :class:`Source` records."""
    arcep = any(s.producer == "ARCEP" for s in records)
    iso = as_of(records, dates)
    return date_text(iso, lang, arcep=arcep, today=today, refresh=refresh)


def date_text(
    iso: str,
    lang: str = "en",
    *,
    arcep: bool = False,
    today: dt.date | None = None,
    refresh: bool = True,
) -> str:
    """The "data as of" line of a date, with the stale badge and how to refresh.

    ``arcep`` adds that a newer ARCEP file can be uploaded; "" without a date.
    ``refresh=False`` leaves out how to refresh (a slide shown to a room).
    """
    if not iso:
        return ""
    text = t("as_of", lang, date=format_date(iso, lang))
    if is_stale(iso, today):
        text += " · " + t("stale_badge", lang, years=STALE_YEARS)
        if not refresh:
            return text
        text += " " + t("stale_refresh", lang)
        if arcep:
            text += " " + t("stale_refresh_arcep", lang)
    return text


def as_of_short(
    ind: Indicator,
    lang: str = "en",
    today: dt.date | None = None,
    *,
    dates: Mapping[str, str] | None = None,
) -> str:
    """The compact form for a card: "30 sept. 2019 · ⚠ plus de 3 ans".

    ``dates``: as for :func:`as_of_text`.
    """
    iso = ind.as_of(dates)
    if not iso:
        return ""
    text = format_date(iso, lang)
    if is_stale(iso, today):
        text += " · " + t("stale_badge", lang, years=STALE_YEARS)
    return text


def withheld_reason(row: pd.Series, ind: Indicator, lang: str = "en") -> str | None:
    """Why a territory's value is not shown, or None when it is shown.

    Parameters
    ----------
    row : Series
        A row of :attr:`divide.atlas.Atlas.territories` (with ``cov_<id>``).
    ind : Indicator
    lang : str
    """
    if row.get("level") == "commune":
        return None
    share = row.get(f"cov_{ind.id}")
    if share is None or pd.isna(share) or share >= COVERAGE_MIN:
        return None
    return t(
        "withheld_coverage",
        lang,
        share=format_share(share, lang),
        minimum=format_share(COVERAGE_MIN, lang),
    )


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


#: Rates per so many people → decimals shown.
PER_PEOPLE = {"per100k": 1, "per1k": 1, "per10k": 2}


def format_value(
    value: float, ind: Indicator, lang: str = "en", *, suffix: bool = True
) -> str:
    """Human-readable value with its unit; "no data" for missing values.

    ``suffix=False`` drops the long "per 10,000 people" where a label says it.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("no_data", lang)
    unit = ind.unit
    if unit == "share":
        return format_share(value, lang, 1)
    if unit == "km":
        return format_km(value, lang, 1)
    if unit == "EUR":
        return f"{format_count(value, lang)}\u00a0€"
    if unit == "index":
        return format_count(value, lang, 1)
    if unit in PER_PEOPLE:
        shown = format_count(value, lang, PER_PEOPLE[unit])
        return f"{shown} {t(f'unit_word_{unit}', lang)}" if suffix else shown
    return format_count(value, lang)


def _range_columns(ind: Indicator) -> list[str]:
    """The base columns of a ranged indicator's low and high numerators."""
    return [f"{ind.numerator}{end}" for end in RANGE_ENDS]


def value_range(
    table: pd.DataFrame, ind: Indicator
) -> tuple[pd.Series, pd.Series] | None:
    """The low and high ends of a MODELLED indicator, row by row, or None.

    A ``ranged`` indicator's numerator has ``_low`` and ``_high`` base columns
    (the people in illectronisme at the ends of the model's range): each end is
    computed like the value, over the same denominator. None for an indicator
    without a range, or a table without those columns.
    """
    ends = _range_columns(ind)
    if not ind.ranged or any(c not in table.columns for c in ends):
        return None
    # On arrays: a one-row table (a territory's figure) is the common case, and
    # pandas' per-operation overhead was most of its cost.
    low, high = (table[c].to_numpy(dtype=float) for c in ends)
    if not ind.is_count:
        den = table[ind.denominator].to_numpy(dtype=float)
        den = np.where(den > 0, den, np.nan)
        low, high = ind.scale * low / den, ind.scale * high / den
    return pd.Series(low, index=table.index), pd.Series(high, index=table.index)


def range_text(row: pd.Series | Mapping, ind: Indicator, lang: str = "en") -> str:
    """The "plausible range 13.0 % – 18.3 %" of a modelled value, or ""."""
    if not ind.ranged:  # most figures: no frame built for nothing
        return ""
    # A one-row frame of the columns the range needs, not of the whole row.
    needed = _range_columns(ind) + ([] if ind.is_count else [ind.denominator])
    ends = value_range(pd.DataFrame([{c: row[c] for c in needed if c in row}]), ind)
    if ends is None:
        return ""
    low, high = (float(end.iloc[0]) for end in ends)
    if math.isnan(low) or math.isnan(high):
        return ""
    return t(
        "story_range",
        lang,
        low=format_value(low, ind, lang),
        high=format_value(high, ind, lang),
    )


def value_with_range(
    value: float, row: pd.Series | Mapping | None, ind: Indicator, lang: str = "en"
) -> str:
    """A value with its unit, then, for a modelled one, the range of ``row``.

    "17.9 % (plausible range 15.5 % – 20.7 %)"; the value alone when it is
    measured, missing, or ``row`` (the territory's atlas row) is None.
    """
    text = format_value(value, ind, lang)
    ends = "" if row is None else range_text(row, ind, lang)
    return f"{text} ({ends})" if ends and not is_missing(value) else text


def value_and_range(
    value: float, low: float, high: float, ind: Indicator, lang: str = "en"
) -> str:
    """A value and the ends of its range, for a map: "17.9 % (15.5 % – 20.7 %)".

    The value alone when it or an end is missing.
    """
    text = format_value(value, ind, lang)
    if is_missing(value) or is_missing(low) or is_missing(high):
        return text
    return f"{text} ({range_pair(low, high, ind, lang)})"


def range_pair(low: float, high: float, ind: Indicator, lang: str = "en") -> str:
    """The two ends of a range, each with its unit: "15.5 % – 20.7 %"."""
    return t(
        "range_between",
        lang,
        low=format_value(low, ind, lang),
        high=format_value(high, ind, lang),
    )


def unit_label(ind: Indicator, lang: str = "en") -> str:
    """The unit as shown in legends."""
    return t(f"unit_word_{ind.unit}", lang)


def display_values(values: pd.Series, ind: Indicator) -> pd.Series:
    """Values in the unit shown to people (shares as percentages)."""
    return values * 100 if ind.unit == "share" else values


def percentile_rank(values: pd.Series) -> pd.Series:
    """Percentile (0–100) of each value among the non-missing ones."""
    return values.rank(pct=True) * 100


def is_missing(value) -> bool:
    """True for None or NaN."""
    return value is None or (isinstance(value, float) and np.isnan(value))
