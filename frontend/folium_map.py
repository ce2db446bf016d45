"""A folium map drawn through streamlit-folium's component, its rendering reusable.

``st_folium`` renders the map to HTML on every run, which costs seconds for a
commune choropleth. Its public API cannot take a rendering made earlier, so the
two functions here reproduce what ``streamlit_folium.st_folium`` does before it
calls its component, and call the component with a rendering kept in
:func:`frontend.cache.rendered_map`. They use streamlit-folium's private helpers
(``_get_html``, ``_get_header``, ``_get_map_string``, ``_component_func``):
written for streamlit-folium 0.27 (pinned ``>=0.27,<0.28`` in pyproject.toml);
this module is the only place that touches them.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import folium.elements
import streamlit as st
import streamlit_folium as stf


def component_args(fmap: folium.Map) -> dict:
    """What ``st_folium`` computes for ``fmap`` minus the per-run parts."""
    fmap.get_root().render()
    fmap.render()
    css, js = [], []

    def walk(element):
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    south_west, north_east = fmap.get_bounds()
    return {
        "script": stf._get_map_string(fmap),
        "header": stf._get_header(fmap),
        "html": stf._get_html(fmap),
        "id": stf.get_full_id(fmap),
        "css_links": list(dict.fromkeys(css)),
        "js_links": list(dict.fromkeys(js)),
        "bounds": {
            "_southWest": {"lat": south_west[0], "lng": south_west[1]},
            "_northEast": {"lat": north_east[0], "lng": north_east[1]},
        },
        "zoom": fmap.options.get("zoom"),
    }


def show(
    args: dict,
    *,
    key: str,
    height: int,
    returned_objects: tuple[str, ...] = (),
    on_change: Callable[[], None] | None = None,
) -> dict:
    """Call streamlit-folium's component with a kept rendering, like ``st_folium``.

    Returns the component's value (the ``returned_objects`` the user changed);
    ``on_change`` runs before the rerun a change causes, with the value in
    ``st.session_state[key]``.
    """
    hash_key = stf.generate_js_hash(args["script"], key, False)
    defaults = {"last_active_drawing": None, "bounds": args["bounds"]}
    defaults["zoom"] = args["zoom"]
    defaults = {k: v for k, v in defaults.items() if k in returned_objects}

    def changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return stf._component_func(
        script=args["script"],
        header=args["header"],
        html=args["html"],
        id=args["id"],
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default=defaults,
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=args["css_links"],
        js_links=args["js_links"],
        on_change=changed,
        wrap_longitude=False,
    )
