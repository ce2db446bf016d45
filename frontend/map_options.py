"""The map page's folded options: classes, frame, base map, mediation sites."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from divide import maps
from divide.build.readers.mediation import KINDS, MEDIATION_KINDS
from divide.classify import METHODS
from divide.i18n import t


@dataclass(frozen=True)
class Options:
    """What the map page's options say (their defaults where not asked)."""

    method: str
    k: int
    frame: str
    basemap: bool
    show_sites: bool
    kinds: list[str]


def options(lg: str, *, framed: bool, national: bool) -> Options:
    """Draw the options, folded (on a phone the map comes first).

    ``framed`` says the view has its own scope (no frame to choose);
    ``national`` the national commune map (classes only).
    """
    with st.expander(t("map_options", lg), key="map_options"):
        cells = st.columns(3)
        method = cells[0].selectbox(
            t("classes", lg), METHODS, key="map_method", format_func=lambda v: t(v, lg)
        )
        k = int(cells[1].number_input(t("n_classes", lg), 3, 7, 5, key="map_k"))
        frame, basemap, show_sites = "mainland", False, False
        if not framed and not national:
            frame = cells[2].selectbox(
                t("frame", lg),
                tuple(maps.FRAMES),
                key="map_frame",
                format_func=lambda f: t(f"frame_{f}", lg),
            )
        if not national:
            basemap = st.checkbox(t("basemap", lg), key="map_basemap")
            show_sites = st.checkbox(t("show_sites", lg), key="map_sites")
        # The kinds are asked only once sites are shown (a greyed-out control
        # would be unreadable text: it fails the contrast check).
        kinds = list(MEDIATION_KINDS)
        if show_sites:
            kinds = st.multiselect(
                t("site_kinds", lg),
                KINDS,
                default=list(MEDIATION_KINDS),
                key="map_site_kinds",
                format_func=lambda v: t(f"kind_{v}", lg),
                placeholder=t("choose_options", lg),
            )
    return Options(method, k, frame, basemap, show_sites, kinds)
