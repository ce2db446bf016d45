"""Dated series: a territory's values over time, a level's values at a date.

The atlas's ``series.parquet`` holds one row per series, territory and date
(see :mod:`divide.registry` ``series.yaml``). A series "per 100,000 inhabitants"
is derived here from its count series and the territories' population.
"""

from __future__ import annotations

import pandas as pd

from divide.atlas import Atlas
from divide.errors import DivideError
from divide.i18n import t
from divide.indicators import date_text
from divide.profile import parents
from divide.registry import Indicator, Series, series, series_registry

PER_POPULATION = 100_000


def as_indicator(entry: Series) -> Indicator:
    """The series seen as an indicator, for formatting, maps and legends."""
    return Indicator(
        id=entry.id,
        label=entry.label,
        unit=entry.unit,
        direction=entry.direction,
        numerator="",
        sources=entry.sources,
        note=entry.note,
    )


def values(atlas: Atlas, series_id: str, level: str) -> pd.DataFrame:
    """Every dated value of a series at one level.

    Returns
    -------
    DataFrame
        ``code``, ``date`` (ISO str), ``value``, sorted by code and date.
    """
    entry = series(series_id)
    if level not in entry.levels:
        raise DivideError(
            f"the series '{series_id}' exists at {', '.join(entry.levels)} level, "
            f"not {level}"
        )
    base = entry.per_population or series_id
    table = atlas.series
    rows = table[(table["series"] == base) & (table["level"] == level)]
    out = rows[["code", "date", "value"]].copy()
    if entry.per_population:
        population = atlas.level(level)["v_population"]
        out["value"] = out["value"] / out["code"].map(population) * PER_POPULATION
    return out.sort_values(["code", "date"], ignore_index=True)


def dates(atlas: Atlas, series_id: str) -> list[str]:
    """The dates a series has values for, oldest first."""
    entry = series(series_id)
    base = entry.per_population or series_id
    return sorted(atlas.series.loc[atlas.series["series"] == base, "date"].unique())


def at_date(atlas: Atlas, series_id: str, level: str, date: str) -> pd.Series:
    """Values of a level at one date, indexed by territory code."""
    known = dates(atlas, series_id)
    if date not in known:
        raise DivideError(
            f"the series '{series_id}' has no value on {date}: pick one of "
            f"{known[0]} … {known[-1]}"
        )
    table = values(atlas, series_id, level)
    part = table[table["date"] == date]
    return part.set_index("code")["value"]


def lines(
    atlas: Atlas, series_id: str, level: str, code: str | None, lang: str = "en"
) -> pd.DataFrame:
    """A territory's series next to its région's and France's.

    A commune or an EPCI is shown through its département (the series exist from
    département level up).

    Returns
    -------
    DataFrame
        Long: ``date``, ``territory`` (a name with its level), ``level``,
        ``value``; the chosen territory first.
    """
    entry = series(series_id)
    chain = parents(atlas, level, code)
    wanted = [(lvl, c, name) for lvl, c, name in chain if lvl in entry.levels]
    frames = []
    for lvl, c, name in wanted:
        table = values(atlas, series_id, lvl)
        part = table[table["code"] == c].copy()
        label = name if lvl == "france" else f"{name} ({t('level_' + lvl, lang)})"
        frames.append(part.assign(territory=label, level=lvl))
    columns = ["date", "territory", "level", "value"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def long_table(
    atlas: Atlas,
    series_ids: list[str] | None = None,
    level: str = "departement",
    codes: list[str] | None = None,
) -> pd.DataFrame:
    """Dated values in long format, ready to export.

    Returns
    -------
    DataFrame
        ``series``, ``level``, ``code``, ``name``, ``date``, ``value``, ``unit``,
        ``sources``, ``as_of`` (the series' last date).
    """
    ids = series_ids or list(series_registry())
    names = atlas.level(level)["name"]
    frames = []
    for series_id in ids:
        entry = series(series_id)
        if level not in entry.levels:
            continue
        table = values(atlas, series_id, level)
        if codes is not None:
            table = table[table["code"].isin(codes)]
        frames.append(
            table.assign(
                series=series_id,
                level=level,
                name=table["code"].map(names),
                unit=entry.unit,
                sources="; ".join(s.producer for s in entry.source_records()),
                as_of=table["date"].max() if len(table) else "",
            )
        )
    columns = ["series", "level", "code", "name", "date", "value", "unit"]
    columns += ["sources", "as_of"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def as_of_line(atlas: Atlas, series_id: str, lang: str = "en") -> str:
    """The "data as of" line of a series: its last date, with the stale badge."""
    return date_text(dates(atlas, series_id)[-1], lang)
