"""Types of territory: commune attributes, filters by type, indicators by type.

Every commune carries five attributes, built from the Observatoire des
territoires' grids (:mod:`divide.build.readers.typology`):

=============  ==============================================================
``density``    INSEE's communal density grid, 7 levels
``density3``   the same grouped in 3, as INSEE does: ``dense`` = large and
               intermediate urban centres; ``intermediate`` = urban belts and
               small towns; ``rural`` = rural towns and rural with dispersed or
               very dispersed housing
``rurality``   ANCT's typology of rural areas (urban and overseas communes are
               ``hors_champ``)
``centrality`` ANCT / Inrae centralities of facilities and services
``mountain``   the massif of a mountain commune (missing elsewhere)
=============  ==============================================================

A commune without a class (none of the grid's labels, or absent from the file)
is never dropped: it falls in the group :data:`NONE` ("no class"; "not a mountain
commune" for the massifs).

Two uses:

* :func:`by_type` gives, for a territory and for France, each indicator by class,
  computed as Σ numerator / Σ denominator over the communes of the class with the
  registry's aggregation (never a mean of rates), with population and premises;
* :func:`restrict` limits an atlas to the communes of some types. Above commune
  level, each territory's values are then recomputed over its communes of those
  types only (the rural part of a département), and a territory with none of
  them is left out.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from divide.atlas import Atlas, derived_values
from divide.compare import PEER_COLOUR, TARGET_COLOUR
from divide.errors import DivideError, suggest, unknown
from divide.formatting import vega_number_locale
from divide.i18n import t
from divide.indicators import (
    COVERAGE_MIN,
    VALUE_PREFIX,
    aggregate,
    aggregate_by,
    compute,
    coverage_by,
    display_values,
    format_count,
    format_share,
    format_value,
    range_pair,
    unit_label,
    value_and_range,
    value_range,
)
from divide.registry import base_columns, indicator, indicators
from divide.territory import PARENT_LEVELS
from divide.territory_types import (
    ALL,
    ANY,
    GRIDS,
    NONE,
    check_grid,
    class_label,
    classes,
    grid_label,
)

#: Indicators of the "by type of territory" table by default.
DEFAULT_IDS = (
    "thd30_share",
    "thd100_share",
    "premises_no_thd",
    "dist_4g_km",
    "mediation_sites_per_10k",
    "dist_mediation_km",
    "illectronisme_est",
    "poverty_rate",
    "age65_share",
    "low_diploma_share",
)


# ----------------------------------------------------------------- filters
def allowed_values(grid: str) -> tuple[str, ...]:
    """Values a filter on ``grid`` accepts: its classes, ``none`` and ``any``."""
    return (*classes(grid), NONE, ANY)


def check_where(where: Mapping[str, Iterable[str]] | None) -> dict[str, tuple]:
    """Checked filters by type: grid → class ids, in grid order.

    An empty selection for a grid is no filter on it.

    Raises
    ------
    DivideError
        For an unknown grid or value, naming the allowed ones.
    """
    out = {}
    for grid, values in (where or {}).items():
        check_grid(grid)
        if isinstance(values, str):
            values = [values]
        wanted = {str(v).strip() for v in values if str(v).strip()}
        allowed = allowed_values(grid)
        for value in sorted(wanted):
            if value not in allowed:
                raise DivideError(
                    f"unknown value '{value}' for {grid}.{suggest(value, allowed)} "
                    f"Allowed: {', '.join(allowed)}"
                )
        if wanted:
            out[grid] = tuple(v for v in allowed if v in wanted)
    return {grid: out[grid] for grid in GRIDS if grid in out}


def parse_where(items: Iterable[str] | None) -> dict[str, tuple]:
    """Parse ``KEY=VALUE[,VALUE...]`` filters, as ``divide export --where`` takes.

    ``density3=rural``, ``density=bourgs_ruraux,petites_villes``,
    ``mountain=any``. Values of one key are alternatives (any of them); several
    keys must all hold. A key given twice adds its values.

    Raises
    ------
    DivideError
        For a malformed item, an unknown key or value, naming the allowed ones.
    """
    where: dict[str, list[str]] = {}
    for item in items or ():
        key, equals, text = str(item).partition("=")
        key = key.strip()
        if not equals or not key or not text.strip():
            raise DivideError(
                f"--where '{item}': write KEY=VALUE, e.g. density3=rural; keys: "
                f"{', '.join(GRIDS)}"
            )
        if key not in GRIDS:
            raise unknown("--where key", key, GRIDS)
        where.setdefault(key, []).extend(text.split(","))
    return check_where(where)


def commune_mask(
    communes: pd.DataFrame, where: Mapping[str, Iterable[str]]
) -> pd.Series:
    """True for the communes that pass every filter by type."""
    keep = pd.Series(True, index=communes.index)
    for grid, values in check_where(where).items():
        column = communes[grid].astype("string")
        hit = column.isin([v for v in values if v not in (NONE, ANY)])
        if NONE in values:
            hit |= column.isna()
        if ANY in values:
            hit |= column.notna()
        keep &= hit.fillna(False).astype(bool)
    return keep


def where_text(where: Mapping[str, Iterable[str]], lang: str) -> str:
    """Filters as a line to read: "Density: Rural · Mountain massif: Jura, Alps"."""
    colon = "\u00a0: " if lang == "fr" else ": "
    parts = []
    for grid, values in check_where(where).items():
        names = [
            t("type_any", lang) if v == ANY else class_label(grid, v, lang)
            for v in values
        ]
        parts.append(grid_label(grid, lang) + colon + ", ".join(names))
    return " · ".join(parts)


@dataclass
class RestrictedAtlas(Atlas):
    """An atlas limited to the communes of some types (see :func:`restrict`).

    A territory left out (a commune of another type, a département with none
    of the chosen types) can still be looked up by :meth:`territory`, with its
    own, unrestricted values; it is not among :meth:`level` or :meth:`members`.
    """

    full: Atlas | None = None
    where: dict | None = None

    def territory(self, level: str, code: str | None) -> pd.Series:
        """One territory's row, inside the filter or not."""
        try:
            return super().territory(level, code)
        except DivideError:
            if self.full is None:
                raise
            return self.full.territory(level, code)

    def contains(self, level: str, code: str | None) -> bool:
        """Whether a territory is inside the filter."""
        table = self.level(level)
        return not table.empty if level == "france" else code in table.index


def restrict(atlas: Atlas, where: Mapping[str, Iterable[str]] | None) -> Atlas:
    """The atlas limited to the communes of some types.

    Parameters
    ----------
    atlas : Atlas
        The atlas (or a session's view of it, with uploads).
    where : mapping
        Grid → class ids (see :func:`check_where`); empty: no restriction.

    Returns
    -------
    Atlas
        ``atlas`` itself without a filter; else a :class:`RestrictedAtlas` whose
        communes are those of the types asked for, and whose EPCI, départements,
        régions and France hold the sums of their kept communes' base columns,
        with every registry indicator and its coverage recomputed from them (a
        value whose coverage is below the threshold withheld, as in the atlas).
        A territory with no kept commune is left out. Values that cannot be
        recomputed from communes (an uploaded indicator above commune level)
        become missing. Mediation sites are those of the kept communes.
    """
    where = check_where(where)
    if not where:
        return atlas
    table = atlas.territories
    communes = table[table["level"] == "commune"]
    kept = communes[commune_mask(communes, where)]
    base = [c for c in base_columns() if c in table.columns]
    frames = [kept]
    for level in (*PARENT_LEVELS, "france"):
        rows = table[table["level"] == level]
        sums = aggregate(kept.set_index("code", drop=False), level)
        if level == "france" and kept.empty:
            sums = sums.iloc[0:0]
        rows = rows[rows["code"].isin(sums.index)].copy()
        rows[base] = sums.reindex(rows["code"])[base].to_numpy()
        frames.append(rows)
    stacked = pd.concat(frames).reset_index(drop=True)
    # Values and coverage from the kept communes' sums, the registry's way.
    derived = derived_values(stacked)
    stacked[derived.columns] = derived
    stacked = stacked.copy()  # defragmented: pages add columns to views of it
    # Other values (uploads) are known at commune level only.
    others = [
        c for c in stacked.columns if c.startswith(VALUE_PREFIX) and c not in derived
    ]
    stacked.loc[stacked["level"] != "commune", others] = np.nan
    view = RestrictedAtlas(atlas.path, uploaded=atlas.uploaded, full=atlas, where=where)
    for name in ("quality", "provenance", "illectronisme_rates"):
        if name in atlas.__dict__:
            view.__dict__[name] = atlas.__dict__[name]
    view.__dict__["territories"] = stacked
    sites = atlas.sites
    view.__dict__["sites"] = sites[sites["commune"].isin(kept["code"])]
    return view


# ----------------------------------------------------------- by type of territory
def by_type(
    atlas: Atlas,
    scope: tuple[str, str] | None,
    indicator_ids: Iterable[str] | None = None,
    grid: str = "density3",
) -> pd.DataFrame:
    """Each indicator by type of territory, for a territory and for France.

    Parameters
    ----------
    atlas : Atlas
    scope : (level, code) or None
        The chosen territory (``("departement", "29")``); None or France: France
        only.
    indicator_ids : iterable of str, optional
        Registry indicators (default :data:`DEFAULT_IDS`).
    grid : str
        The attribute that defines the classes (default ``density3``).

    Returns
    -------
    DataFrame
        One row per area (the territory first, then France) and class, in the
        grid's order, then :data:`NONE` (communes without a class, when there
        are any) and :data:`ALL` (the whole area): ``area_level``,
        ``area_code``, ``area_name``, ``class``, ``communes``, ``population``,
        ``premises``, ``population_share`` (of the area's population), then one
        column per indicator, then its coverage ``cov_<id>`` (share of the
        class's population where the source has a value) and, for a modelled
        indicator with a range, ``low_<id>`` and ``high_<id>``. A rate is scale ×
        Σ numerator / Σ denominator over the class's communes (the registry's
        aggregation); a count is the sum. As in the atlas, a value whose
        coverage is below :data:`divide.indicators.COVERAGE_MIN` is withheld
        (NaN).

    Raises
    ------
    DivideError
        Unknown grid, territory or indicator, or an indicator that is not the
        registry's (an upload has no numerator and denominator per commune).
    """
    check_grid(grid)
    ids = list(DEFAULT_IDS if indicator_ids is None else indicator_ids)
    for ind_id in ids:
        atlas.indicator(ind_id)
        if ind_id not in indicators():
            raise DivideError(
                f"'{ind_id}' cannot be shown by type of territory: only the atlas's "
                "own indicators have per-commune numerators and denominators"
            )
    communes = atlas.level("commune")
    areas = []
    if scope is not None and scope[0] != "france":
        row = atlas.territory(*scope)
        members = atlas.members("commune", scope)
        areas.append((scope[0], str(row["code"]), str(row["name"]), members))
    areas.append(("france", "FR", "France", communes))
    order = [*classes(grid), NONE, ALL]
    frames = []
    for level, code, name, part in areas:
        part = part.assign(_type=part[grid].astype("string").fillna(NONE))
        sums = aggregate_by(part, "_type")
        sums.loc[ALL] = aggregate(part, "france").iloc[0]
        count = part["_type"].value_counts()
        count[ALL] = len(part)
        present = [c for c in order if c in sums.index or c in classes(grid)]
        sums = sums.reindex(present)
        shown = list(dict.fromkeys(["population", "premises", *ids]))
        values = compute(sums, shown)
        # An empty class holds no people and no premises (its rates stay missing).
        empty = ~values.index.isin(count.index)
        counts_ = [c for c in values.columns if indicator(c).is_count]
        values.loc[empty, counts_] = 0.0
        # As in the atlas: a class's value is withheld when the communes where the
        # source has one hold less than COVERAGE_MIN of the class's population.
        cover = coverage_by(part, "_type", shown)
        cover.loc[ALL] = coverage_by(part.assign(_all=ALL), "_all", shown).iloc[0]
        cover = cover.reindex(present)
        values = values.where(cover.isna() | (cover >= COVERAGE_MIN))
        frame = pd.DataFrame(
            {
                "area_level": level,
                "area_code": code,
                "area_name": name,
                "class": present,
                "communes": count.reindex(present).fillna(0).astype(int).to_numpy(),
            }
        )
        frame["population"] = values["population"].to_numpy()
        frame["premises"] = values["premises"].to_numpy()
        total = values.loc[ALL, "population"]
        frame["population_share"] = (values["population"] / total).to_numpy()
        for ind_id in ids:
            frame[ind_id] = values[ind_id].to_numpy()
        for ind_id in ids:
            frame[f"cov_{ind_id}"] = cover[ind_id].to_numpy()
        for ind_id in ids:  # a modelled value's range, withheld with it
            ends = value_range(sums, indicator(ind_id))
            if ends is not None:
                kept = values[ind_id].notna().to_numpy()
                frame[f"low_{ind_id}"] = np.where(kept, ends[0].to_numpy(), np.nan)
                frame[f"high_{ind_id}"] = np.where(kept, ends[1].to_numpy(), np.nan)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def by_type_view(
    frame: pd.DataFrame, grid: str, lang: str, labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A :func:`by_type` table to read: one row per figure, one column per class.

    Columns are "area — class" (classes without a commune in the area left
    out); rows are communes, population, share of the population, premises,
    then each indicator, formatted in ``lang`` by the project's
    number formatter. ``labels`` gives indicator labels (the registry's names
    by default).
    """
    frame = frame[frame["communes"] > 0]  # a class absent from the area
    fixed = ("population", "premises")
    ids = [c for c in frame.columns if c in indicators() and c not in fixed]
    labels = dict(labels or {})
    rows = {
        t("type_communes", lang): [format_count(n, lang) for n in frame["communes"]],
        labels.get("population", indicator("population").name(lang)): [
            format_value(v, indicator("population"), lang) for v in frame["population"]
        ],
        t("type_population_share", lang): [
            format_share(v, lang, 1) for v in frame["population_share"]
        ],
        labels.get("premises", indicator("premises").name(lang)): [
            format_value(v, indicator("premises"), lang) for v in frame["premises"]
        ],
    }
    for ind_id in ids:
        ind = indicator(ind_id)
        # The label already names the unit "per 10,000 people".
        shown = [
            t("type_withheld", lang, share=format_share(c, lang))
            if pd.isna(v) and pd.notna(c) and c < COVERAGE_MIN
            else format_value(v, ind, lang, suffix=False)
            for v, c in zip(frame[ind_id], frame[f"cov_{ind_id}"], strict=True)
        ]
        if f"low_{ind_id}" in frame:  # a modelled value: its range beside it
            shown = [
                f"{text} ({range_pair(lo, hi, ind, lang)})" if pd.notna(lo) else text
                for text, lo, hi in zip(
                    shown, frame[f"low_{ind_id}"], frame[f"high_{ind_id}"], strict=True
                )
            ]
        rows[labels.get(ind_id, ind.name(lang))] = shown
    columns = [
        f"{area} — {class_label(grid, c, lang)}"
        for area, c in zip(frame["area_name"], frame["class"], strict=True)
    ]
    return pd.DataFrame(rows, index=columns).T


def by_type_figure(
    frame: pd.DataFrame, ind_id: str, grid: str, lang: str, *, title: str
) -> dict:
    """Bars of one indicator by class, the territory beside France.

    A Vega-Lite specification (data inline): Streamlit draws it with a bundle
    about a sixth of plotly's, in SVG that screen readers can read.

    Parameters
    ----------
    frame : DataFrame
        Output of :func:`by_type` holding ``ind_id``.
    ind_id : str
        The indicator drawn.
    grid : str
        The grid of the classes.
    lang : {"fr", "en"}
        Language of labels and numbers.
    title : str
        Axis title (the indicator's label; the unit is appended).
    """
    ind = indicator(ind_id)
    frame = frame[frame["communes"] > 0]
    areas = list(dict.fromkeys(frame["area_name"]))
    ranged = f"low_{ind_id}" in frame
    # Classes in the grid's order, whichever area has them; long names on lines.
    present = set(frame["class"])
    order = [c for c in (*classes(grid), NONE, ALL) if c in present]
    names = {c: class_label(grid, c, lang) for c in order}
    lines = {c: "\n".join(textwrap.wrap(name, 16)) for c, name in names.items()}
    shown = display_values(frame[ind_id], ind).astype(float)
    texts = [format_value(v, ind, lang) for v in frame[ind_id]]
    data = pd.DataFrame(
        {
            "area": frame["area_name"],
            "class": frame["class"].map(lines),
            "class_name": frame["class"].map(names),
            "value": shown,
            "text": texts,
            "hover": texts,
            "top": shown,
        }
    )
    if ranged:
        low, high = frame[f"low_{ind_id}"], frame[f"high_{ind_id}"]
        data["low"] = display_values(low, ind).astype(float)
        data["high"] = display_values(high, ind).astype(float)
        data["hover"] = [
            value_and_range(v, lo, hi, ind, lang)
            for v, lo, hi in zip(frame[ind_id], low, high, strict=True)
        ]
        data["top"] = data[["value", "high"]].max(axis=1)  # the label above the bar
    rows = data.astype(object).where(data.notna(), None).to_dict("records")
    france = set(frame.loc[frame["area_level"] == "france", "area_name"])
    colours = [
        PEER_COLOUR if len(areas) > 1 and area in france else TARGET_COLOUR
        for area in areas
    ]
    y_title = f"{title} ({unit_label(ind, lang)})"
    layers: list[dict] = [
        {"mark": {"type": "bar"}, "encoding": {"y": _y("value", y_title)}},
        {
            "mark": {"type": "text", "baseline": "bottom", "dy": -3, "fontSize": 11},
            "encoding": {
                "y": _y("top", y_title),
                "text": {"field": "text"},
                "color": {"value": "#31333f"},  # dark on white, whatever the bar
            },
        },
    ]
    if ranged:  # a modelled value: its range as error bars
        layers.insert(
            1,
            {
                "mark": {"type": "rule"},
                "encoding": {
                    "y": _y("low", y_title),
                    "y2": {"field": "high"},
                    # Grey over any bar: in the bar's colour, its lower part hid.
                    "color": {"value": "#555555"},
                },
            },
        )
    return {
        "data": {"values": rows},
        "height": 360,
        "encoding": {
            "x": {
                "field": "class",
                "type": "nominal",
                "sort": [lines[c] for c in order],
                "title": None,
                "axis": {
                    "labelAngle": 0,
                    "labelExpr": "split(datum.label, '\\n')",
                    "labelLimit": 0,
                },
            },
            "xOffset": {"field": "area", "sort": areas},
            "color": {
                "field": "area",
                "type": "nominal",
                "sort": areas,
                "scale": {"domain": areas, "range": colours},
                "legend": {"orient": "top", "title": None, "labelLimit": 0},
            },
            "tooltip": [
                {"field": "area", "title": t("type_chart_area", lang)},
                {"field": "class_name", "title": t("type_chart_class", lang)},
                # A short key: the tooltip cuts long ones; the axis names it.
                {"field": "hover", "title": t("value", lang)},
            ],
        },
        "layer": layers,
        "config": {"locale": {"number": vega_number_locale(lang)}},
    }


def _y(field: str, title: str) -> dict:
    return {"field": field, "type": "quantitative", "title": title}
