"""The map page's view: which level and area are drawn, its frame, its layers.

The page reads the controls; this module turns them into what is drawn (the
level shown, the area it covers, the bounds, the sites and place labels over
the choropleth, the circles of a count) and takes a click on the map.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import pandas as pd
import streamlit as st

from divide import compare, maps
from divide.atlas import Atlas
from divide.build.readers.mediation import KINDS
from divide.i18n import t
from divide.indicators import value_column
from divide.registry import Indicator
from divide.uploads import UploadedIndicator
from frontend import cache, components, national, state

LEVELS = ("region", "departement", "epci", "commune", national.LEVEL)
KEY = "map_folium"
_DRAWN = "_map_drawn_level"


def open_level(atlas: Atlas, current: tuple[str, str]) -> tuple[str, tuple | None]:
    """The level and area a territory opens at; a new territory resets the level.

    A new territory opens at its own scale: its communes (EPCIs for a région).
    """
    ss = st.session_state
    view_level, view_scope = compare.view_of(atlas, *current)
    if "map_level" in ss and ss.get("map_view_for") != current:
        ss["map_level"] = view_level
    ss["map_view_for"] = current
    return view_level, view_scope


def shown(
    atlas: Atlas,
    current: tuple[str, str],
    level: str,
    opened: tuple[str, tuple | None],
    uploaded: UploadedIndicator | None,
    lg: str,
) -> tuple[str, tuple | None]:
    """The level drawn and the area it covers (None: the whole frame).

    ``opened`` is :func:`open_level`'s answer. An upload has values at its own
    level and above only; communes are drawn within a département at most.
    """
    drawn_level = "commune" if level == national.LEVEL else level
    if uploaded is not None and drawn_level not in uploaded.levels:
        level = next(lvl for lvl in reversed(LEVELS) if lvl in uploaded.levels)
        names = ", ".join(t(f"level_{lvl}", lg) for lvl in uploaded.levels)
        st.info(t("upload_level_shown", lg, levels=names))
    view_level, view_scope = opened
    if level == "commune" and current[0] == "france":
        st.info(t("commune_scope", lg))
        return "departement", None
    if level == "commune" and current[0] == "commune":
        return level, ("departement", atlas.territory(*current)["departement"])
    if level == "commune":
        return level, current
    if level == view_level and view_scope is not None:
        return level, view_scope
    return level, None


def bounds(level: str, scope, selected: str | None, where: dict, frame: str):
    """The map's bounds: the row clicked in the table, the area, or the frame."""
    if scope is not None and selected:
        shapes = cache.geometry(level)
        return maps.bounds_of(tuple(shapes[shapes["code"] == selected].total_bounds))
    if scope is not None:
        return cache.scope_bounds(scope, tuple(where.items()))
    return maps.bounds_of(frame)


def remember_drawn(level: str) -> None:
    """Note the level drawn, for :func:`on_click` (run before the next script)."""
    st.session_state[_DRAWN] = level


def on_click() -> None:
    """A click on the map makes the territory clicked the current one."""
    # A callback runs before the script, while the sidebar's widgets can change.
    ss = st.session_state
    drawing = (ss.get(KEY) or {}).get("last_active_drawing")
    code = ((drawing or {}).get("properties") or {}).get("code")
    drawn = ss.get(_DRAWN)
    if code and drawn and (drawn, code) != state.territory():
        state.choose(drawn, code)


def layers(
    scope, where: dict, sites: pd.DataFrame | None, n_places: int, lg: str
) -> Callable[[folium.Map], None]:
    """What goes over the choropleth: the largest places' names, the sites."""
    places = cache.main_places(scope, tuple(where.items()), n_places)

    def add(fmap: folium.Map) -> None:
        maps.draw_place_labels(fmap, places, t("map_places", lg))
        if sites is not None:
            kind_labels = {k_: t(f"kind_{k_}", lg) for k_ in KINDS}
            maps.add_sites(fmap, sites, kind_labels, t("show_sites", lg), lg)

    return add


def canvas_level(
    atlas: Atlas, level: str, scope, ind: Indicator, basemap: bool, sites
) -> tuple[str | None, bool]:
    """Whether a view goes to the canvas map: (its level or None, folium by need).

    Views of :data:`frontend.components.CANVAS_MIN` territories or more of a
    level with a shapes file go to the canvas, which needs the values only (no
    outlines), unless they need folium: a count's circles or a base map (the
    second item is then True: the page says why it is slower), or the sites.
    """
    if level not in cache.SHAPES_PREFIX:
        return None, False
    if len(atlas.members(level, scope)) < components.CANVAS_MIN:
        return None, False
    if maps.is_count(ind) or basemap:
        return None, True
    return (None if sites is not None else level), False


def count_points(
    atlas: Atlas, ind: Indicator, level: str, scope
) -> pd.DataFrame | None:
    """A count's circles, at the members' centres (None for a rate)."""
    if not maps.is_count(ind):
        return None
    members = atlas.members(level, scope)
    return members[["code", "name", "lat", "lon"]].assign(
        value=members[value_column(ind.id)].to_numpy()
    )
