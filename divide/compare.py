"""Compare a territory with its peers: peer sets, rankings, percentiles and charts.

A territory's peers are the territories of the same level, either within its
parent (a commune or an EPCI within its département, a département within its
région, a région among all régions) or nationally. Rankings put the *worst*
situation first, following each indicator's direction in the registry; missing
values come last. Charts are plotly figures; every name that reaches them is
HTML-escaped, since plotly renders labels and hover boxes as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from divide.atlas import Atlas
from divide.errors import DivideError, unknown
from divide.formatting import counted, plotly_separators
from divide.i18n import t
from divide.indicators import (
    display_values,
    format_value,
    unit_label,
    value_and_range,
    value_column,
    value_range,
)
from divide.registry import Indicator, indicator, indicators
from divide.safe_text import html
from divide.territory import LEVELS

#: Indicators shown by default on the Compare page.
DEFAULT_IDS = (
    "thd30_share",
    "dist_4g_km",
    "illectronisme_est",
    "mediation_sites_per_10k",
)
#: The parent whose members are a territory's peers (None: all of France).
PARENT = {
    "commune": "departement",
    "epci": "departement",
    "departement": "region",
    "region": None,
}
SCOPES = ("parent", "national")
BAR_LIMIT = 60
BAR_WORST = 30
PEER_COLOUR = "#6b8fb3"
TARGET_COLOUR = "#d7301f"
MARKER = "▶"


def _check(level: str, scope: str) -> None:
    if level not in LEVELS:
        raise DivideError(
            f"'{level}' has no peers to compare with: pick a région, département, "
            "EPCI or commune."
        )
    if scope not in SCOPES:
        raise unknown("peer scope", scope, SCOPES)


def scopes_for(level: str) -> tuple[str, ...]:
    """Peer scopes that make sense for a level (a région has no parent)."""
    _check(level, "national")
    return SCOPES if PARENT[level] else ("national",)


def peer_scope(
    atlas: Atlas, level: str, code: str | None, scope: str = "parent"
) -> tuple[str, str] | None:
    """The (level, code) whose members are the peers, or None for all of France.

    Parameters
    ----------
    atlas : Atlas
        The atlas.
    level : str
        Level of the territory: ``commune``, ``epci``, ``departement``, ``region``.
    code : str or None
        Code of the territory (may be None only for a national scope).
    scope : {"parent", "national"}
        Same parent (commune/EPCI → département, département → région; a
        région's parent scope is national) or all of France.

    Returns
    -------
    tuple of (str, str) or None
    """
    _check(level, scope)
    parent = PARENT[level]
    if scope == "national" or parent is None:
        if code is not None:
            atlas.territory(level, code)
        return None
    if code is None:
        raise DivideError(
            f"a {level} code is needed to find its {parent}: pick a territory, "
            "or compare nationally."
        )
    row = atlas.territory(level, code)
    parent_code = row.get(parent)
    if not isinstance(parent_code, str) or not parent_code:
        raise DivideError(
            f"{level} {code} has no {parent} in the atlas: compare it nationally "
            "instead."
        )
    return parent, parent_code


def scope_label(
    atlas: Atlas, level: str, code: str | None, scope: str, lang: str
) -> str:
    """How a peer scope reads: "communes — Finistère", "communes — all of France"."""
    plural = t(f"levels_plural_{level}", lang)
    within = peer_scope(atlas, level, code, scope)
    if within is None:
        return t("cmp_peers_all", lang, plural=plural)
    parent = atlas.territory(*within)["name"]
    return t("cmp_peers_in", lang, plural=plural, parent=parent)


def peers(
    atlas: Atlas, level: str, code: str | None, scope: str = "parent"
) -> pd.DataFrame:
    """The territory and its peers, one row each, with a ``target`` flag.

    Parameters
    ----------
    atlas : Atlas
        The atlas.
    level : str
        ``commune``, ``epci``, ``departement`` or ``region``.
    code : str or None
        The territory's code; None (national scope only) ranks a whole level
        with no territory singled out.
    scope : {"parent", "national"}
        See :func:`peer_scope`.

    Returns
    -------
    DataFrame
        Rows of ``Atlas.territories`` for the peers (``code``, ``name``, parents,
        ``v_<indicator>`` columns...), plus a boolean ``target`` column; a plain
        integer index.
    """
    within = peer_scope(atlas, level, code, scope)
    frame = atlas.members(level, within).reset_index(drop=True)
    frame["target"] = frame["code"] == code if code is not None else False
    return frame


def ranking(
    frame: pd.DataFrame, ind_id: str, extra: Mapping[str, Indicator] | None = None
) -> pd.DataFrame:
    """Rank peers on one indicator, rank 1 being the worst situation.

    "Worst" follows the registry: the highest value for a ``higher_worse``
    indicator, the lowest for a ``lower_worse`` one; a ``neutral`` indicator
    (population, premises) ranks the highest value first. Ties share the best
    rank of their group (1, 2, 2, 4); territories with no value get no rank and
    come last.

    Parameters
    ----------
    frame : DataFrame
        Output of :func:`peers` (needs ``code``, ``name``, ``v_<ind_id>``).
    ind_id : str
        Indicator id.

    Returns
    -------
    DataFrame
        ``rank`` (nullable integer, missing when there is no value), ``code``,
        ``name``, ``value``, ``target``, ``population``, sorted by rank then name.
    """
    ind = indicator(ind_id, extra)
    column = value_column(ind_id)
    if column not in frame.columns:
        raise DivideError(f"the peer table has no values for '{ind_id}'")
    values = frame[column].astype(float)
    worst_high = ind.direction != "lower_worse"
    ranks = values.rank(method="min", ascending=not worst_high, na_option="keep")
    out = pd.DataFrame(
        {
            "rank": ranks.astype("Int64"),
            "code": frame["code"].astype(str),
            "name": frame["name"].astype(str),
            "value": values,
            "target": frame["target"]
            if "target" in frame.columns
            else np.zeros(len(frame), dtype=bool),
            "population": frame["v_population"].astype(float)
            if "v_population" in frame.columns
            else np.nan,
        }
    )
    out["_missing"] = out["rank"].isna()
    out = out.sort_values(["_missing", "rank", "name", "code"], kind="stable")
    return out.drop(columns="_missing").reset_index(drop=True)


def target_ranks(
    frame: pd.DataFrame, ids: list[str], extra: Mapping[str, Indicator] | None = None
) -> pd.DataFrame:
    """The singled-out territory's value and rank on each indicator.

    Returns
    -------
    DataFrame
        Indexed by indicator id: ``value``, ``rank`` (nullable), ``ranked`` (peers
        with a value) and ``peers`` (all peers). Empty when no row is a target.
    """
    rows = {}
    for ind_id in ids:
        ranked = ranking(frame, ind_id, extra)
        hit = ranked[ranked["target"]]
        if hit.empty:
            continue
        rows[ind_id] = {
            "value": hit["value"].iloc[0],
            "rank": hit["rank"].iloc[0],
            "ranked": int(ranked["rank"].notna().sum()),
            "peers": len(ranked),
        }
    columns = ["value", "rank", "ranked", "peers"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def rank_text(ranks: pd.DataFrame, ind_id: str, lang: str) -> str:
    """Text like "Rank 12 of 27" for one row of :func:`target_ranks`."""
    row = ranks.loc[ind_id]
    if pd.isna(row["rank"]):
        return t("cmp_no_rank", lang)
    return t("cmp_rank_of", lang, rank=int(row["rank"]), n=int(row["ranked"]))


def bar_notes(
    ranked: pd.DataFrame, bars: pd.DataFrame, label: str, lang: str
) -> tuple[str, str]:
    """Heading of the bar chart and its note (highlight, territories not drawn).

    Parameters
    ----------
    ranked : DataFrame
        The full ranking (:func:`ranking`).
    bars : DataFrame
        The rows drawn (:func:`bar_selection`).
    label : str
        The indicator's label.
    lang : {"fr", "en"}
        Language.
    """
    valued = int(ranked["rank"].notna().sum())
    if len(bars) == valued:
        heading = t("cmp_bar_all", lang, indicator=label, n=valued)
    else:
        heading = t("cmp_bar_worst", lang, indicator=label, k=BAR_WORST, n=valued)
    notes = [t("cmp_highlight_note", lang)] if ranked["target"].any() else []
    if valued < len(ranked):
        notes.append(
            t(
                "cmp_missing_not_drawn",
                lang,
                count=counted(len(ranked) - valued, "territory", lang),
            )
        )
    return heading, " ".join(notes)


def ranking_table(
    frame: pd.DataFrame,
    ids: list[str],
    rank_by: str,
    lang: str = "en",
    labels: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    extra: Mapping[str, Indicator] | None = None,
) -> pd.DataFrame:
    """The ranking as a table of display strings, sorted on ``rank_by``.

    Parameters
    ----------
    frame : DataFrame
        Output of :func:`peers`.
    ids : list of str
        Indicators to show as columns (formatted with their unit).
    rank_by : str
        Indicator that sets the order and the ``rank`` column.
    lang : {"fr", "en"}
        Language of the numbers and of "no data".
    labels : dict, optional
        Column header per indicator id (default: the registry label).
    headers : dict, optional
        Headers for ``marker``, ``rank``, ``name``, ``code``.
    extra : mapping, optional
        Indicators of one's own by id (a session's uploads,
        :attr:`divide.atlas.Atlas.uploaded`), besides the registry's.

    Returns
    -------
    DataFrame
        Columns: marker (``▶`` on the territory's row), rank ("—" when missing),
        name, code, one column per indicator; plus a boolean ``target`` column
        for styling (drop it before display if not needed).
    """
    labels = labels or {i: indicator(i, extra).name(lang) for i in ids}
    head = {"marker": "", "rank": "rank", "name": "name", "code": "code"}
    head.update(headers or {})
    ranked = ranking(frame, rank_by, extra)
    order = frame.set_index("code").loc[ranked["code"]]
    table = pd.DataFrame(
        {
            head["marker"]: np.where(ranked["target"], MARKER, ""),
            head["rank"]: ["—" if pd.isna(r) else str(int(r)) for r in ranked["rank"]],
            head["name"]: ranked["name"].to_numpy(),
            head["code"]: ranked["code"].to_numpy(),
        }
    )
    for ind_id in ids:
        ind = indicator(ind_id, extra)
        values = order[value_column(ind_id)].astype(float)
        ends = value_range(order, ind)
        if ends is None:
            shown = [format_value(v, ind, lang) for v in values]
        else:  # a modelled value, with its range
            shown = [
                value_and_range(v, lo, hi, ind, lang)
                for v, lo, hi in zip(values, *ends, strict=True)
            ]
        table[labels[ind_id]] = shown
    table["target"] = ranked["target"].to_numpy(dtype=bool)
    return table


def percentiles(
    atlas: Atlas, level: str, code: str | None, ids: list[str] | None = None
) -> pd.Series:
    """Percentile of a territory among all territories of its level, per indicator.

    The percentile is the share (0–100) of territories of the level, nationally,
    whose value is lower than or equal to this one (ties share their average
    rank); territories without a value are left out. 100 is the highest value,
    whatever the indicator's direction.

    Returns
    -------
    Series
        Indexed by indicator id; NaN when the territory has no value, and for
        France (a level with a single territory).
    """
    ids = list(ids or indicators())
    row = atlas.territory(level, code)
    if level == "france":
        return pd.Series(np.nan, index=ids, dtype=float)
    table = atlas.level(level)
    out = {}
    for ind_id in ids:
        values = table[value_column(ind_id)].astype(float)
        value = float(row[value_column(ind_id)])
        if math.isnan(value):
            out[ind_id] = np.nan
            continue
        pct = values.rank(pct=True, method="average")
        out[ind_id] = float(pct.loc[str(row["code"])] * 100)
    return pd.Series(out, dtype=float)


def percentile(atlas: Atlas, level: str, code: str | None, ind_id: str) -> float | None:
    """Percentile (0–100) of one indicator among same-level territories nationally.

    See :func:`percentiles`. Returns None when the value is missing or the
    level is ``france``.
    """
    atlas.indicator(ind_id)
    value = percentiles(atlas, level, code, [ind_id]).iloc[0]
    return None if math.isnan(value) else float(value)


def percentile_text(value: float | None) -> str:
    """A percentile as shown: a whole number from 1 to 100, "—" when missing."""
    if value is None or math.isnan(value):
        return "—"
    return str(min(100, max(1, round(value))))


def bar_selection(
    ranked: pd.DataFrame, limit: int = BAR_LIMIT, worst: int = BAR_WORST
) -> pd.DataFrame:
    """Rows of a ranking to draw as bars.

    All ranked rows when there are at most ``limit``; otherwise the ``worst``
    first ones plus the territory's row. Rows with no value are left out.
    """
    valued = ranked[ranked["rank"].notna()]
    if len(valued) <= limit:
        return valued
    head = valued.head(worst)
    extra = valued[valued["target"] & ~valued.index.isin(head.index)]
    return pd.concat([head, extra])


def _axis_title(title: str, ind: Indicator, lang: str) -> str:
    return html(f"{title} ({unit_label(ind, lang)})")


def _separators(lang: str) -> str:
    return plotly_separators(lang)


def bar_figure(
    ranked: pd.DataFrame,
    ind_id: str,
    lang: str,
    *,
    title: str,
    extra: Mapping[str, Indicator] | None = None,
) -> go.Figure:
    """Horizontal bars of a ranking, worst at the top, the territory highlighted.

    Parameters
    ----------
    ranked : DataFrame
        Rows of :func:`ranking` to draw (usually :func:`bar_selection`).
    ind_id : str
        The indicator ranked.
    lang : {"fr", "en"}
        Language of numbers.
    title : str
        Axis title (the indicator's label; the unit is appended).
    """
    ind = indicator(ind_id, extra)
    shown = display_values(ranked["value"], ind)
    names = [
        html(f"{MARKER} {n} ({c})" if tgt else f"{n} ({c})")
        for n, c, tgt in zip(
            ranked["name"], ranked["code"], ranked["target"], strict=True
        )
    ]
    custom = np.column_stack(
        [
            [html(n) for n in ranked["name"]],
            [str(int(r)) for r in ranked["rank"]],
            [html(format_value(v, ind, lang)) for v in ranked["value"]],
        ]
    )
    fig = go.Figure(
        go.Bar(
            x=shown,
            y=names,
            orientation="h",
            marker_color=[
                TARGET_COLOUR if tgt else PEER_COLOUR for tgt in ranked["target"]
            ],
            text=custom[:, 2] if len(custom) else None,
            textposition="outside",
            cliponaxis=False,
            customdata=custom,
            hovertemplate="<b>%{customdata[0]}</b><br>#%{customdata[1]}"
            " · %{customdata[2]}<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(260, 22 * len(ranked) + 110),
        margin={"l": 10, "r": 70, "t": 10, "b": 40},
        xaxis_title=_axis_title(title, ind, lang),
        yaxis={"autorange": "reversed", "type": "category"},
        separators=_separators(lang),
        showlegend=False,
    )
    return fig


def scatter_figure(
    frame: pd.DataFrame,
    x_id: str,
    y_id: str,
    lang: str,
    *,
    x_title: str,
    y_title: str,
    peers_name: str,
    population_label: str,
    extra: Mapping[str, Indicator] | None = None,
) -> go.Figure:
    """Scatter of two indicators over the peers, point size by population.

    Parameters
    ----------
    frame : DataFrame
        Output of :func:`peers`.
    x_id, y_id : str
        Indicators on the horizontal and vertical axes.
    lang : {"fr", "en"}
        Language of numbers.
    x_title, y_title : str
        Axis titles (labels; units appended).
    peers_name : str
        Legend entry of the peers.
    population_label : str
        Hover label of the population.
    """
    x_ind, y_ind = indicator(x_id, extra), indicator(y_id, extra)
    pop_ind = indicator("population")
    data = frame[frame[value_column(x_id)].notna() & frame[value_column(y_id)].notna()]
    pop = data["v_population"].astype(float).fillna(0).clip(lower=0)
    top = math.sqrt(pop.max()) if len(pop) and pop.max() > 0 else 1.0
    size = 5 + 25 * np.sqrt(pop.to_numpy()) / top
    custom = (
        np.column_stack(
            [
                [html(str(n)) for n in data["name"]],
                [html(format_value(v, x_ind, lang)) for v in data[value_column(x_id)]],
                [html(format_value(v, y_ind, lang)) for v in data[value_column(y_id)]],
                [html(format_value(v, pop_ind, lang)) for v in data["v_population"]],
            ]
        )
        if len(data)
        else np.empty((0, 4))
    )
    hover = (
        "<b>%{customdata[0]}</b><br>"
        + html(x_title)
        + " : %{customdata[1]}<br>"
        + html(y_title)
        + " : %{customdata[2]}<br>"
        + html(population_label)
        + " : %{customdata[3]}<extra></extra>"
    )
    if lang == "en":
        hover = hover.replace(" : ", ": ")
    trace = go.Scattergl if len(data) > 3000 else go.Scatter
    fig = go.Figure()
    for is_target in (False, True):
        part = (data["target"] == is_target).to_numpy()
        if not part.any():
            continue
        name = (
            html(f"{MARKER} {data['name'][part].iloc[0]}")
            if is_target
            else html(peers_name)
        )
        fig.add_trace(
            trace(
                x=display_values(data[value_column(x_id)][part], x_ind),
                y=display_values(data[value_column(y_id)][part], y_ind),
                mode="markers",
                name=name,
                marker={
                    "size": size[part],
                    "color": TARGET_COLOUR if is_target else PEER_COLOUR,
                    "opacity": 1.0 if is_target else 0.55,
                    "line": {"width": 2 if is_target else 0.5, "color": "#222222"},
                },
                customdata=custom[part],
                hovertemplate=hover,
            )
        )
    fig.update_layout(
        height=480,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis_title=_axis_title(x_title, x_ind, lang),
        yaxis_title=_axis_title(y_title, y_ind, lang),
        separators=_separators(lang),
        legend={"orientation": "h", "y": 1.08},
    )
    return fig


# --------------------------------------------------------------- the view
#: The level a territory is seen at: its members, one level down (a région
#: by its EPCIs, a département or an EPCI by its communes; a commune among the
#: communes of its département; France by its départements).
VIEW_LEVEL = {
    "france": "departement",
    "region": "epci",
    "departement": "commune",
    "epci": "commune",
    "commune": "commune",
}


def view_of(atlas: Atlas, level: str, code: str | None) -> tuple[str, tuple | None]:
    """The map level and scope that show a territory at the right scale.

    Returns
    -------
    tuple
        ``(level shown, scope)``: scope is a ``(level, code)`` pair for
        :meth:`divide.atlas.Atlas.members`, None for France.
    """
    if level not in VIEW_LEVEL:
        raise unknown("level", level, tuple(VIEW_LEVEL))
    if level == "france":
        return "departement", None
    row = atlas.territory(level, code)
    if level == "commune":
        return "commune", ("departement", str(row["departement"]))
    return VIEW_LEVEL[level], (level, str(row["code"]))


RANK_BY = ("count", "rate")


def implied_count(table: pd.DataFrame, ind: Indicator) -> pd.Series | None:
    """The count a rate implies, from the atlas's base columns (None if none).

    For a ``lower_worse`` share (premises with ≥ 30 Mbit/s), what lacks it:
    denominator × (1 − share), e.g. premises lacking ≥ 30 Mbit/s; for a
    ``higher_worse`` share (illectronisme), what has it: its numerator, e.g.
    people at risk. None for other units (km, per 10k...).
    """
    if ind.unit != "share" or not ind.denominator or ind.denominator not in table:
        return None
    den = table[ind.denominator].astype(float)
    share = table[value_column(ind.id)].astype(float)
    if ind.direction == "lower_worse":
        return den * (1.0 - share)
    if ind.direction == "higher_worse":
        return den * share
    return None


def ranked_rows(
    atlas: Atlas,
    level: str,
    within: tuple | None,
    ind_id: str,
    by: str = "count",
) -> pd.DataFrame:
    """The territories of a view ranked worst first, by the count or by the rate.

    Parameters
    ----------
    atlas : Atlas
    level : str
        Level of the rows (communes of a département...).
    within : tuple or None
        Scope, as for :meth:`divide.atlas.Atlas.members`.
    ind_id : str
        The indicator; its direction says which end is worst.
    by : {"count", "rate"}
        Rank by the count the rate implies (:func:`implied_count`; falls back
        to the rate when there is none) or by the rate. Ties are broken by the
        other key, then by name; missing values come last.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``code``, ``name``, ``value`` (the rate, as stored: shares
        0-1), ``count`` (NaN when the indicator implies none), ``low`` and
        ``high`` for a MODELLED indicator with a range (:func:`value_range`),
        and ``lon``, ``lat`` when the level has points.
    """
    if by not in RANK_BY:
        raise unknown("ranking key", by, RANK_BY)
    ind = atlas.indicator(ind_id)
    table = atlas.members(level, within)
    out = pd.DataFrame(
        {
            "code": table["code"].astype(str).to_numpy(),
            "name": table["name"].astype(str).to_numpy(),
            "value": table[value_column(ind.id)].astype(float).to_numpy(),
        }
    )
    count = implied_count(table, ind)
    out["count"] = np.nan if count is None else count.to_numpy()
    ends = value_range(table, ind)
    if ends is not None:
        out["low"], out["high"] = (end.to_numpy() for end in ends)
    for column in ("lon", "lat"):
        if column in table.columns:
            out[column] = table[column].astype(float).to_numpy()
    # Worst first: a lower_worse rate ascending, anything else descending.
    rate_key = out["value"] if ind.direction == "lower_worse" else -out["value"]
    count_key = -out["count"]
    if count is None:
        keys = [rate_key]
    else:
        keys = [count_key, rate_key] if by == "count" else [rate_key, count_key]
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    frame["name"] = out["name"]
    order = frame.sort_values(
        list(frame.columns), na_position="last", kind="stable"
    ).index
    out = out.loc[order].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out
