"""A slide's facts: a territory's figures against its parents, sources, visual specs."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from divide.atlas import Atlas
from divide.formatting import format_count
from divide.i18n import t
from divide.indicators import (
    display_values,
    format_value,
    sources_as_of_text,
    unit_label,
    value_column,
)
from divide.registry import indicator, source
from divide.story.outline import MAP_VIEW

#: Above this many sources, a slide names their producers only.
COMPACT_SOURCES = 4


def missing(value) -> bool:
    """True for None, NA or NaN."""
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and math.isnan(value))
    )


def as_float(value) -> float | None:
    """A float, or None where the value is missing."""
    return None if missing(value) else float(value)


def about(value: float, lang: str) -> str:
    """A modelled count rounded to three significant digits ("≈ 8 460 000")."""
    if value == 0:
        return "0"
    if value >= 1000:
        digits = math.floor(math.log10(value)) - 2
        value = round(value, -digits)
    return f"≈\u00a0{format_count(value, lang)}"


def source_text(
    source_ids,
    lang: str,
    *,
    modelled: bool = False,
    dates: Mapping[str, str] | None = None,
) -> str:
    """'Source: producer (vintage …); …' for a figure, with the modelled note.

    ``dates``: the atlas's :attr:`~divide.atlas.Atlas.as_of` (the date each
    source was built with), for the "data as of" part.
    """
    parts = []
    ids = list(dict.fromkeys(source_ids))
    for sid in ids:
        if sid == "divide_model":
            parts.append(t("story_model_source", lang))
            continue
        src = source(sid)
        producer, vintage = src.text("producer", lang), src.vintage_text(lang, dates)
        parts.append(f"{producer} ({t('vintage', lang)} {vintage})")
    colon = "\u00a0:" if lang == "fr" else ":"
    if len(ids) > COMPACT_SOURCES:
        # Many sources (the summary slides): their producers, the oldest date
        # below, and where each vintage is listed — one line a room can read.
        producers = dict.fromkeys(
            t("story_model_short", lang)
            if sid == "divide_model"
            else source(sid).producer.split(" (")[0]
            for sid in ids
        )
        parts = [t("story_sources_compact", lang, producers=", ".join(producers))]
    text = f"{t('source', lang)}{colon} " + "; ".join(parts)
    if modelled:
        text += f" — {t('modelled_note', lang)}"
    # For a room: the date and its age, not the operator's refresh steps.
    dated = sources_as_of_text(
        list(dict.fromkeys(source_ids)), lang, refresh=False, dates=dates
    )
    return f"{text} — {dated}" if dated else text


def place_name(level: str, name: str, lang: str) -> str:
    """Name and level ("Brest (commune)"), the bare name for France."""
    if level == "france":
        return name
    return f"{name} ({t('level_' + level, lang)})"


class Rows:
    """The rows of a territory and its parents, read once."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self._rows: dict[tuple[str, str], pd.Series] = {}

    def __call__(self, level: str, code: str) -> pd.Series:
        """The row of one territory."""
        if (level, code) not in self._rows:
            self._rows[level, code] = self.atlas.territory(level, code)
        return self._rows[level, code]


def indicator_figure(
    ctx: dict, ind_id: str
) -> tuple[float | None, str, tuple[tuple[str, str], ...]]:
    """The territory's value, its text and its parents' values."""
    atlas, chain, lang = ctx["atlas"], ctx["chain"], ctx["lang"]
    ind = indicator(ind_id)
    values = [
        (lvl, name, as_float(ctx["row"](lvl, c)[value_column(ind_id)]))
        for lvl, c, name in chain
    ]
    value = values[0][2]
    text = format_value(math.nan if value is None else value, ind, lang)
    if chain[0][0] == "france":
        comparison = extremes(atlas, ind_id, lang)
    else:
        comparison = tuple(
            (
                place_name(lvl, name, lang),
                format_value(math.nan if v is None else v, ind, lang),
            )
            for lvl, name, v in values[1:]
        )
    return value, text, comparison


def extremes(atlas: Atlas, ind_id: str, lang: str) -> tuple[tuple[str, str], ...]:
    """For France: the worst and best département on an indicator."""
    ind = indicator(ind_id)
    table = atlas.level("departement")
    values = table[value_column(ind_id)].astype(float).dropna()
    if values.empty:
        return ()
    worst_first = ind.direction != "lower_worse"
    ordered = values.sort_values(ascending=not worst_first, kind="stable")
    worst, best = ordered.index[0], ordered.index[-1]
    return (
        (
            t("story_worst", lang, name=table.at[worst, "name"]),
            format_value(float(values[worst]), ind, lang),
        ),
        (
            t("story_best", lang, name=table.at[best, "name"]),
            format_value(float(values[best]), ind, lang),
        ),
    )


def bars_against_parents(ctx: dict, ind_id: str) -> dict:
    """Bars of an indicator: the territory, then its parents."""
    lang = ctx["lang"]
    ind = indicator(ind_id)
    bars = []
    for i, (lvl, c, name) in enumerate(ctx["chain"]):
        value = as_float(ctx["row"](lvl, c)[value_column(ind_id)])
        bars.append(
            {
                "label": place_name(lvl, name, lang),
                "value": None
                if value is None
                else float(display_values(pd.Series([value]), ind).iloc[0]),
                "text": format_value(math.nan if value is None else value, ind, lang),
                "highlight": i == 0,
                "group": None,
            }
        )
    return {
        "kind": "bar",
        "title": ind.name(lang),
        # The slide's title names the measure: the axis gives its unit.
        "axis": unit_label(ind, lang),
        "bars": bars,
        "range": None,
    }


def choropleth(atlas: Atlas, level: str, code: str, ind_id: str, lang: str) -> dict:
    """The choropleth spec around a territory (:data:`MAP_VIEW`)."""
    shapes_level, scope_level = MAP_VIEW[level]
    if scope_level is None:
        scope = None
    elif level == "commune":
        scope = (scope_level, str(atlas.territory("commune", code)["departement"]))
    else:
        scope = (scope_level, code)
    name = (
        t("story_map_france", lang)
        if scope is None
        else t(
            "story_map_scope",
            lang,
            levels=t(f"levels_plural_{shapes_level}", lang),
            name=atlas.territory(*scope)["name"],
        )
    )
    return {
        "kind": "choropleth",
        "indicator": ind_id,
        "level": shapes_level,
        "scope": scope,
        "highlight": code if level == "commune" else None,
        "frame": "mainland" if scope is None else None,
        "title": f"{indicator(ind_id).name(lang)} — {name}",
    }
