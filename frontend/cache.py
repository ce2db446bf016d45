"""The app's only home for ``st.cache_*``: library calls, cached.

``st.cache_resource`` holds the read-only atlas, geometries and what a folium map
sends to the browser, shared by every session; ``st.cache_data`` holds derived
frames. A result that depends on a session's uploads takes the session's
uploads key (:func:`frontend.session.uploads_key`) as an argument and the
session's atlas view as an unhashed ``_atlas``: sessions with the same uploads
(or none) share results, and a session never gets another's.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import pandas as pd
import streamlit as st

from divide import (
    classify,
    export,
    fragility,
    maps,
    national_map,
    recommend,
    sheet,
    story,
    supply,
    typology,
)
from divide import series as dated
from divide.atlas import Atlas
from divide.indicators import value_column, value_range
from divide.recommend import recommend_json
from divide.registry import Indicator, indicator
from divide.search import search_index
from frontend import folium_map
from frontend.national_map import FOLDER as NATIONAL_MAP_FOLDER


# ------------------------------------------------------------------- the atlas
@st.cache_resource(show_spinner=False)
def atlas() -> Atlas:
    """The embedded atlas, loaded once per server and shared by every session."""
    loaded = Atlas.load()
    loaded.territories  # noqa: B018 - read the table now, once
    return loaded


@st.cache_resource(show_spinner=False)
def geometry(level: str):
    """Display polygons of a level (read-only, shared)."""
    return atlas().geometry(level)


@st.cache_resource(show_spinner=False)
def territory_search_index():
    """The index the sidebar's search box looks names and codes up in."""
    return search_index(atlas().territories)


@st.cache_resource(show_spinner=False, max_entries=6)
def restricted_atlas(where: tuple) -> Atlas:
    """The shared atlas limited to communes of some types (read-only, shared).

    Each view holds its own territory table (~20 MB): a few are kept.
    """
    return typology.restrict(atlas(), dict(where))


def _shared_view(where: tuple) -> Atlas:
    return restricted_atlas(where) if where else atlas()


# ------------------------------------------------------------------ map views
@st.cache_data(show_spinner=False, max_entries=256)
def main_places(scope: tuple[str, str] | None, where: tuple, n: int) -> pd.DataFrame:
    """The places named on a map view (:func:`divide.maps.main_places`).

    Uploads change no commune's name, place or population: the shared atlas
    answers for every session. France is drawn framed on the mainland.
    """
    places = _shared_view(where).members("commune", scope)
    if scope is None:
        places = maps.within(places, maps.FRAMES["mainland"])
    return maps.main_places(places[["name", "lon", "lat", "population"]], n)


@st.cache_data(show_spinner=False, max_entries=64)
def atlas_collection(
    level, scope, ind_id, method, k, lang, only_known, where=(), outlines=True
):
    """A map view of an atlas indicator (see :func:`view_collection`)."""
    source = _shared_view(where)
    return view_collection(
        source, level, scope, indicator(ind_id), method, k, lang, only_known, outlines
    )


def view_collection(
    source, level, scope, ind, method, k, lang, only_known, outlines=True
):
    """GeoJSON, class edges and colours of ``ind`` over ``source``'s members.

    ``outlines=False``: features without geometry, for the canvas map.
    """
    rows = source.members(level, scope)
    values = rows[["code", "name"]].reset_index(drop=True)
    values["value"] = rows[value_column(ind.id)].to_numpy()
    ends = value_range(rows, ind)
    if ends is not None:  # a modelled value: its range in the tooltip
        values["low"], values["high"] = (end.to_numpy() for end in ends)
    if only_known:
        values = values[values["value"].notna()]
    edges = classify.breaks(values["value"], k, method)
    colours = classify.palette(max(len(edges) - 1, 1), ind.direction)
    shapes = geometry(level)
    shapes = shapes[shapes["code"].isin(values["code"])]
    return (
        maps.feature_collection(
            shapes, values, ind, edges, colours, lang, outlines=outlines
        ),
        edges,
        colours,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def series_collection(series_id: str, date: str, lang: str):
    """GeoJSON, class edges and colours of a dated series' département map."""
    entry = dated.series(series_id)
    ind = dated.as_indicator(entry)
    rows = atlas().level("departement")
    values = rows[["code", "name"]].reset_index(drop=True)
    at = dated.at_date(atlas(), series_id, "departement", date)
    values["value"] = values["code"].map(at).astype(float)
    # Classes over every date, so that colours mean the same when the date moves.
    every = dated.values(atlas(), series_id, "departement")["value"].astype(float)
    edges = classify.breaks(every, 5, "quantiles")
    colours = classify.palette(max(len(edges) - 1, 1), ind.direction)
    shapes = geometry("departement")
    return (
        maps.feature_collection(shapes, values, ind, edges, colours, lang),
        edges,
        colours,
    )


#: The levels drawn from a national shapes file, and each file's name prefix.
SHAPES_PREFIX = {"commune": "communes", "epci": "epci"}


@st.cache_resource(show_spinner=False)
def shapes_file(level: str) -> tuple[str, list[str]]:
    """A level's national shapes file, written once: (file name, codes)."""
    names = atlas().level(level)["name"]
    return national_map.write_shapes(
        geometry(level), names, NATIONAL_MAP_FOLDER, SHAPES_PREFIX[level]
    )


def national_shapes() -> tuple[str, list[str]]:
    """The national commune map's shapes file: (file name, codes)."""
    return shapes_file("commune")


@st.cache_data(show_spinner=False, max_entries=64)
def canvas_values(level: str, fingerprint: int, _collection: dict, colours: list):
    """A map view's values on its level's shapes file (``fingerprint`` names it)."""
    codes = shapes_file(level)[1]
    return national_map.collection_values(codes, _collection, colours)


@st.cache_data(show_spinner=False, max_entries=32)
def atlas_national_values(ind_id, method, k, lang, where=()):
    """The national map's values for an atlas indicator (see :func:`national`)."""
    return national(_shared_view(where), indicator(ind_id), method, k, lang)


def national(source: Atlas, ind: Indicator, method: str, k: int, lang: str):
    """Per-commune classes and value texts of the national map, edges, colours."""
    communes = source.level("commune")
    values = communes[value_column(ind.id)]
    edges = classify.breaks(values, k, method)
    colours = classify.palette(max(len(edges) - 1, 1), ind.direction)
    codes = national_shapes()[1]
    ends = value_range(communes, ind)
    shown = national_map.view_values(codes, values, ind, edges, colours, lang, ends)
    return shown, edges, colours


@st.cache_data(show_spinner=False, max_entries=256)
def scope_bounds(scope: tuple[str, str], where: tuple = ()) -> list[list[float]]:
    """Leaflet bounds of the communes of a scope (computed once per scope)."""
    codes = _shared_view(where).members("commune", tuple(scope))["code"]
    return maps.bounds_around(geometry("commune"), codes)


@st.cache_resource(show_spinner=False, max_entries=24)
def rendered_map(what: tuple, _build: Callable[[], folium.Map], _bounds) -> dict:
    """What streamlit-folium sends for a map, rendered once per ``what``.

    Shared by every session, read-only; 24 maps of at most ~3 MB each.
    """
    fmap = _build()
    # streamlit-folium walks every coordinate for the bounds it reports; they
    # are known (the map was fitted to them).
    fmap.get_bounds = lambda: _bounds
    return folium_map.component_args(fmap)


# ------------------------------------------------------------------ files
@st.cache_data(show_spinner=False, max_entries=32)
def csv_file(frame: pd.DataFrame) -> bytes:
    """A frame as formula-safe CSV bytes, cached by the frame's content.

    A download button given the same bytes on every run keeps the same file, so
    a rerun never removes the file a browser is still fetching.
    """
    return export.csv_bytes(frame)


@st.cache_data(show_spinner=False)
def quality_details_csv() -> bytes:
    """The rows behind the quality report, as CSV bytes (formula-safe)."""
    return export.csv_bytes(atlas().quality_details())


# ------------------------------------------------------------- page results
@st.cache_data(show_spinner=False)
def type_options() -> dict[str, list[str]]:
    """The classes each grid has in the atlas, then "none" if some commune has none."""
    communes = atlas().level("commune")
    out = {}
    for grid in typology.GRIDS:
        present = set(communes[grid].dropna())
        options = [c for c in typology.classes(grid) if c in present]
        if communes[grid].isna().any():
            options.append(typology.NONE)
        out[grid] = options
    return out


@st.cache_data(show_spinner=False, max_entries=256)
def diagnosis(level: str, code: str, lang: str) -> dict:
    """What applies to a territory (:func:`divide.recommend.recommend_json`)."""
    return recommend_json(atlas(), level, code, lang)


@st.cache_data(show_spinner=False, max_entries=64)
def profile(level: str, code: str, lang: str):
    """A territory's profile table, its sites, their table and its printable sheet.

    The sites' table is None when there are none.
    """
    source = atlas()
    sites = sheet.territory_sites(source, level, code)
    return (
        sheet.profile_table(source, level, code, lang),
        sites,
        None if sites.empty else sheet.sites_table(source, sites, lang),
        sheet.territory_sheet(source, level, code, lang),
    )


@st.cache_data(show_spinner=False, max_entries=64)
def by_type(scope: tuple[str, str] | None, grid: str) -> pd.DataFrame:
    """The main indicators by type of territory (:func:`divide.typology.by_type`)."""
    return typology.by_type(atlas(), scope, typology.DEFAULT_IDS, grid)


@st.cache_data(show_spinner=False, max_entries=32)
def slides(level: str, code: str, lang: str) -> list[story.Slide]:
    """The presenter's slides of a territory."""
    return story.slides(atlas(), level, code, lang)


@st.cache_data(show_spinner=False, max_entries=64)
def fires(rec_id: str, level: str) -> pd.DataFrame:
    """Where a recommendation's rules fire, at a level."""
    return recommend.where_it_fires(atlas(), rec_id, level)


@st.cache_data(show_spinner=False, max_entries=32)
def fires_layer(rec_id: str, lang: str):
    """The département map of where a recommendation fires, and how strongly."""
    values = recommend.fires_values(atlas(), rec_id, "departement")
    return maps.score_layer(geometry("departement"), values, recommend.STRENGTH, lang)


#: The divide.supply analyses the access page runs, by name.
SUPPLY = {
    "access_summary": supply.access_summary,
    "kind_summary": supply.kind_summary,
    "underserved_table": supply.underserved_table,
    "epci_summary": supply.epci_summary,
    "scope_points": supply.scope_points,
    "host_count": supply.host_count,
    "placement": supply.placement,
}


@st.cache_data(show_spinner=False, max_entries=64)
def supply_result(uploads: tuple, _atlas: Atlas, name: str, *args):
    """One of :data:`SUPPLY` on the session's atlas, cached per arguments."""
    return SUPPLY[name](_atlas, *args)


@st.cache_data(show_spinner=False, max_entries=24)
def fragility_index(uploads, _atlas: Atlas, level, weights, norm, ref, where=()):
    """The fragility index of a level over the session's (typed) atlas."""
    return fragility.compute_index(_atlas, level, dict(weights), norm, ref)


@st.cache_data(show_spinner=False, max_entries=24)
def fragility_layer(uploads, _index: pd.DataFrame, level, scope, key, lang):
    """The map layer of a fragility index within a scope (``key`` names the index)."""
    codes = None if scope is None else atlas().members("commune", scope).index
    values = fragility.map_values(fragility.within(_index, codes))
    return maps.score_layer(geometry(level), values, fragility.SCORE, lang)


@st.cache_data(show_spinner=False, max_entries=24)
def fragility_ifn(uploads, _index: pd.DataFrame, level, key) -> dict:
    """How an index agrees with the MedNum IFN (``key`` names the index)."""
    return fragility.correlation_with_ifn(_index, atlas(), level)
