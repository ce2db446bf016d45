"""The access page's parts: cards, tables, downloads, the placement form, the map."""

from __future__ import annotations

from dataclasses import dataclass

import folium
import pandas as pd
import streamlit as st

from divide import export, maps, supply
from divide.atlas import Atlas
from divide.errors import DivideError
from divide.i18n import t
from divide.registry import indicator
from divide.safe_text import file_name
from frontend import cache, components, session, state


@dataclass(frozen=True)
class Analysis:
    """What the page analyses: the session's atlas, a scope, a radius, kinds."""

    atlas: Atlas
    scope: tuple[str, str] | None
    radius: float
    kinds: tuple[str, ...]

    def run(self, name: str, *args):
        """One of :data:`frontend.cache.SUPPLY` on the atlas (cached)."""
        return cache.supply_result(session.uploads_key(), self.atlas, name, *args)


def cards(items) -> None:
    """Metrics side by side, each with its note."""
    for col, (label, value, note) in zip(st.columns(len(items)), items, strict=True):
        col.metric(label, value)
        col.caption(note)


def table(frame: pd.DataFrame, columns: str, lg: str) -> None:
    """A supply table with its columns named in ``lg``."""
    st.dataframe(supply.display(frame, columns, lg), hide_index=True, width="stretch")


def downloads(frame: pd.DataFrame, stem: str, key: str, meta: dict, lg: str) -> None:
    """CSV and GeoJSON buttons for a table (the GeoJSON carries ``meta``)."""
    risk = components.source_caption(indicator("people_at_risk"))
    meta = {**meta, "note": t("modelled_note", lg), "source": risk}
    files = {"csv": export.csv_bytes(frame), "geojson": supply.to_geojson(frame, meta)}
    for col, (ext, data) in zip(st.columns(2), files.items(), strict=True):
        label, name = t(f"access_export_{ext}", lg), file_name(stem, ext)
        col.download_button(label, data, name, key=f"{key}_{ext}", on_click="ignore")


def placement(job: Analysis, lg: str):
    """The placement form and its result: (placement or None, its arguments, k)."""
    ss = st.session_state
    points = job.run("scope_points", job.scope)
    names = dict(zip(points["code"], points["name"], strict=True))
    ss["access_exclude"] = [c for c in ss.get("access_exclude", []) if c in names]
    cols = st.columns([1, 1, 3])
    # K from the URL or a stricter host rule may leave the range: bring it back.
    before = (tuple(ss["access_exclude"]), float(ss.get("access_min_pop", 0)))
    hosts_max = job.run("host_count", job.scope, *before)
    top = max(hosts_max, 1)
    asked = ss.get("access_k", 5)
    if not 1 <= asked <= top:
        ss["access_k"] = min(max(int(asked), 1), top)
        st.info(t("access_k_clamped", lg, asked=asked, high=top, k=ss["access_k"]))
    k = cols[0].number_input(
        t("access_k", lg), min_value=1, max_value=top, step=1, key="access_k"
    )
    min_pop = cols[1].number_input(
        t("access_min_pop", lg), min_value=0, step=100, key="access_min_pop"
    )
    exclude = cols[2].multiselect(
        t("access_exclude", lg),
        sorted(names, key=lambda c: (names[c], c)),
        key="access_exclude",
        format_func=lambda c: f"{names[c]} ({c})",
        placeholder=t("choose_options", lg),
    )
    state.keep(k=str(k))
    args = (job.scope, job.radius, int(k), job.kinds, tuple(exclude), float(min_pop))
    if hosts_max == 0:
        st.info(t("access_no_host", lg))
        return None, args, int(k)
    try:
        return job.run("placement", *args), args, int(k)
    except DivideError as exc:
        components.fail(exc)
        return None, args, int(k)


def access_map(job: Analysis, selected, under, placed, what: tuple, lg: str):
    """The scope's communes coloured by a chosen layer, with sites and hosts.

    Returns the indicator drawn (for the page's footnote).
    """
    st.subheader(t("access_map", lg))
    layer = st.radio(
        t("access_layer", lg),
        ("illectronisme_est", "dist_mediation_km"),
        key="access_layer",
        horizontal=True,
        format_func=lambda i: supply.indicator_label(i, lg),
    )
    points = job.run("scope_points", job.scope)

    def extra(fmap) -> None:
        if job.kinds:
            kind_labels = {k_: t(f"kind_{k_}", lg) for k_ in supply.KINDS}
            sites = job.atlas.sites_in(job.scope, list(job.kinds))
            maps.add_sites(fmap, sites, kind_labels, t("access_layer_sites", lg), lg)
        maps.add_circles(fmap, under.head(1000), t("access_layer_underserved", lg))
        if placed is not None:
            name = t("access_layer_hosts", lg)
            maps.add_numbered(fmap, placed.hosts, name, radius_km=job.radius)
        maps.add_place_labels(fmap, points, t("map_places", lg))
        folium.LayerControl(collapsed=True, position="bottomleft").add_to(fmap)

    side = components.map_block(
        session.collection("commune", job.scope, layer, lang=lg),
        indicator(layer),
        key="access_map",
        bounds=cache.scope_bounds(job.scope),
        selected=selected,
        height=560,
        layers=extra,
        what=(session.uploads_key(), job.radius, job.kinds, *what),
        widths=(4, 1),
    )
    side.caption(t("access_map_hint", lg))
    return indicator(layer)
