"""The map page's "communes, all of France" view (see divide.national_map)."""

from __future__ import annotations

import streamlit as st

from divide import assets, maps
from divide.i18n import t
from divide.registry import Indicator
from frontend import cache, components, national_map, session, state

LEVEL = "commune_fr"
KEY = "map_national"


def _on_click() -> None:
    # A callback runs before the script, while the sidebar's widgets can change.
    code = (st.session_state.get(KEY) or {}).get("code")
    if code and state.territory() != ("commune", code):
        state.choose("commune", code)
        # The click picks a commune without leaving the national view.
        st.session_state["map_view_for"] = ("commune", code)


def render(ind: Indicator, method: str, k: int, lg: str, where: dict) -> None:
    """Every commune of France, coloured by ``ind``; a click selects a commune.

    The page cites ``ind``'s source in its footnote.
    """
    values, edges, colours = session.national_values(ind, method, k, lg, where)
    shapes, _ = cache.national_shapes()
    level, code = state.territory()
    heads = components.choropleth_labels(ind)
    labels = components.canvas_labels(heads)
    map_col, legend_col = st.columns([4, 1])
    with map_col:
        national_map.draw(
            shapes=shapes,
            values=values,
            labels=labels,
            selected=code if level == "commune" else None,
            bounds=maps.bounds_of("mainland"),
            leaflet=(assets.url("leaflet.js"), assets.url("leaflet.css")),
            height=620,
            key=KEY,
            on_change=_on_click,
        )
    with legend_col:
        st.markdown(
            maps.legend_html(
                edges,
                colours,
                ind,
                lg,
                title=components.label(ind),
                no_data=t("no_data", lg),
            ),
            unsafe_allow_html=True,
        )
        st.caption(t("click_hint", lg))
    st.caption(t("national_map_note", lg))
