"""The figures and tables of the access page in a language, and GeoJSON of points."""

from __future__ import annotations

import json

import pandas as pd

from divide.atlas import Atlas
from divide.errors import unknown
from divide.formatting import plural_text
from divide.i18n import t
from divide.indicators import format_date, format_value, value_column
from divide.registry import indicator
from divide.supply.new_sites import Placement
from divide.supply.reach import AccessSummary


def to_geojson(frame: pd.DataFrame, metadata: dict | None = None) -> bytes:
    """A table with ``lon``/``lat`` as a GeoJSON of points (EPSG:4326).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``lon`` and ``lat``; other columns become properties.
    metadata : dict, optional
        Stored under the collection's ``metadata`` (sources, radius, method).

    Returns
    -------
    bytes
        UTF-8 GeoJSON; rows without coordinates get a null geometry.
    """
    props = frame.drop(columns=["lon", "lat"])
    records = json.loads(props.to_json(orient="records", force_ascii=False))
    features = []
    for record, lon, lat in zip(records, frame["lon"], frame["lat"], strict=True):
        point = None
        if pd.notna(lon) and pd.notna(lat):
            point = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        features.append({"type": "Feature", "geometry": point, "properties": record})
    payload = {"type": "FeatureCollection", "features": features}
    if metadata:
        payload["metadata"] = metadata
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


PEOPLE_COLUMNS = (
    "population",
    "people_15p",
    "people_at_risk",
    "marginal_gain",
    "cumulative_covered",
    "people_at_risk_within",
    "people_at_risk_underserved",
    "people_at_risk_per_site",
)


VIEWS = {
    "kinds": "kind sites mean_distance_km people_at_risk_within share_within",
    "underserved": "rank name code epci_name departement population "
    "people_at_risk range distance_km",
    "epci": "name code communes people_at_risk sites people_at_risk_per_site "
    "share_within mean_distance_km underserved_communes people_at_risk_underserved",
    "hosts": "rank name code population people_at_risk marginal_gain "
    "cumulative_covered communes_reached",
}
"""Columns shown for each table of the page, in order (see :func:`display`)."""


def indicator_label(ind_id: str, lang: str) -> str:
    """An indicator's name in ``lang``, with "(modelled)" when it is."""
    ind = indicator(ind_id)
    text = ind.name(lang)
    if ind.modelled and t("modelled", lang) not in text.lower():
        text += f" ({t('modelled', lang)})"
    return text


def _fmt(value: float, ind_id: str, lang: str) -> str:
    return format_value(value, indicator(ind_id), lang)


def summary_cards(summary: AccessSummary, lang: str) -> list[tuple[str, str, str]]:
    """Headline figures as (label, value, note) texts, modelled ones labelled.

    Parameters
    ----------
    summary : AccessSummary
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    list of (str, str, str)
        People at risk and their rate (with plausible ranges), people at risk
        within the radius (with their share), counted sites (with the mean
        distance).
    """
    colon = " : " if lang == "fr" else ": "

    def span(low: float, high: float, ind_id: str) -> str:
        return t(
            "access_range",
            lang,
            low=_fmt(low, ind_id, lang),
            high=_fmt(high, ind_id, lang),
        )

    return [
        (
            indicator_label("people_at_risk", lang),
            _fmt(summary.people_at_risk, "people_at_risk", lang),
            span(summary.people_at_risk_low, summary.people_at_risk_high, "population"),
        ),
        (
            indicator_label("illectronisme_est", lang),
            _fmt(summary.illectronisme_est, "illectronisme_est", lang),
            span(
                summary.illectronisme_low,
                summary.illectronisme_high,
                "illectronisme_est",
            ),
        ),
        (
            t("access_within", lang, r=f"{summary.radius_km:g}"),
            _fmt(summary.people_at_risk_within, "people_at_risk", lang),
            _fmt(summary.share_within, "illectronisme_est", lang),
        ),
        (
            t("access_sites", lang),
            _fmt(summary.sites, "mediation_sites", lang),
            t("access_mean_distance", lang)
            + colon
            + _fmt(summary.mean_distance_km, "dist_mediation_km", lang),
        ),
    ]


def placement_cards(placed: Placement, lang: str) -> list[tuple[str, str, str]]:
    """Before/after coverage of a placement as (label, value, note) texts.

    Parameters
    ----------
    placed : Placement
    lang : str

    Returns
    -------
    list of (str, str, str)
        People at risk reached today, then with the chosen hosts (MODELLED).
    """
    res = placed.result
    gain = _fmt(res.covered_after - res.covered_before, "people_at_risk", lang)
    return [
        (
            t("access_before", lang),
            _fmt(res.covered_before, "people_at_risk", lang),
            _fmt(res.share_before, "illectronisme_est", lang),
        ),
        (
            plural_text("access_after", lang, len(placed.hosts)),
            _fmt(res.covered_after, "people_at_risk", lang),
            f"+{gain} → {_fmt(res.share_after, 'illectronisme_est', lang)}",
        ),
    ]


def display(frame: pd.DataFrame, columns: str | list[str], lang: str) -> pd.DataFrame:
    """A table ready to show: rounded, kinds and headers translated.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of one of this module's table functions.
    columns : str or list of str
        Columns to keep, in order, or the name of a :data:`VIEWS` entry;
        ``"range"`` builds the modelled rate with its plausible range from
        ``illectronisme_est``/``_low``/``_high``.
    lang : str

    Returns
    -------
    pandas.DataFrame
        People as whole numbers, ``share_within`` in %, km to 0.1; headers
        from the ``access_col_<column>`` strings.
    """
    if isinstance(columns, str):
        if columns not in VIEWS:
            raise unknown("table view", columns, VIEWS)
        columns = VIEWS[columns].split()
    out = frame.copy()
    if "range" in columns:
        out["range"] = [
            f"{_fmt(e, 'illectronisme_est', lang)} "
            f"({_fmt(lo, 'illectronisme_est', lang)} – "
            f"{_fmt(hi, 'illectronisme_est', lang)})"
            for e, lo, hi in zip(
                out["illectronisme_est"],
                out["illectronisme_low"],
                out["illectronisme_high"],
                strict=True,
            )
        ]
    out = out[columns]
    for col in columns:
        if col in PEOPLE_COLUMNS:
            out[col] = out[col].round(0)
        elif col == "share_within":
            out[col] = (100 * out[col]).round(1)
        elif col.endswith("_km"):
            out[col] = out[col].round(1)
    if "kind" in out.columns:
        out["kind"] = [
            t("access_kind_any" if k == "any" else f"kind_{k}", lang)
            for k in out["kind"]
        ]
    return out.rename(columns=lambda c: t(f"access_col_{c}", lang))


#: The use of mediation next to its supply and the modelled need, in that order.
USE_SUPPLY_NEED = (
    ("people_accompanied_per_1k", "use"),
    ("mediation_sites_per_10k", "supply"),
    ("cnfs_posts_per_100k", "supply"),
    ("aidants_connect_sites", "supply"),
    ("illectronisme_est", "need"),
)


def use_supply_need(
    atlas: Atlas, level: str, code: str | None, lang: str = "en"
) -> pd.DataFrame:
    """People accompanied (use) next to supply and modelled need, for a territory.

    Returns
    -------
    DataFrame
        One row per indicator of :data:`USE_SUPPLY_NEED`, with the columns
        (translated) measure, nature (use / supply / need, modelled), value (with
        its unit; withheld values read "no data") and the date of its data.
    """
    row = atlas.territory(level, code)
    rows = []
    for ind_id, nature in USE_SUPPLY_NEED:
        ind = indicator(ind_id)
        value = row.get(value_column(ind_id))
        as_of = ind.as_of(atlas.as_of)
        rows.append(
            {
                t("use_col_measure", lang): ind.name(lang),
                t("use_col_kind", lang): t(f"use_kind_{nature}", lang),
                t("use_col_value", lang): format_value(
                    None if value is None or pd.isna(value) else float(value), ind, lang
                ),
                t("use_col_as_of", lang): format_date(as_of, lang) if as_of else "",
            }
        )
    return pd.DataFrame(rows)
