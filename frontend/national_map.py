"""The canvas map as a Streamlit component (no pandas work here).

It draws the national commune map, and every large choropleth of the map page
(a région's communes, the EPCI of France: see
:func:`frontend.components.map_block`).

``components.declare_component`` serves every file of ``national_map_files/``
over HTTP with ``Cache-Control: public`` (and gzip): the page ``index.html``,
and the shapes files written there by :func:`divide.national_map.write_shapes`
(their names are their content's hash, so a browser fetches each once). Each
view sends only the values (see :func:`divide.national_map.view_values` and
:func:`~divide.national_map.collection_values`); the page joins them to the
shapes by position and draws on a Leaflet canvas.

The page speaks Streamlit's component protocol by hand (``postMessage``: ready,
render, set value, set height): no build step, no npm package at run time.
"""

from __future__ import annotations

from pathlib import Path

import streamlit.components.v1 as components

FOLDER = Path(__file__).with_name("national_map_files")
_component = components.declare_component("divide_national_map", path=str(FOLDER))


def draw(
    *,
    shapes: str,
    values: dict,
    labels: dict[str, str],
    selected: str | None,
    bounds: list[list[float]],
    leaflet: tuple[str, str],
    height: int,
    key: str,
    on_change=None,
    focus: bool = True,
) -> dict | None:
    """Draw the map; returns ``{"code": ..., "n": clicks}`` once a territory is clicked.

    The value also holds ``last_active_drawing`` (``{"properties": {"code":
    ...}}``), as streamlit-folium returns it: a click callback written for a
    folium map reads it alike. ``on_change`` runs (before the rerun) when a
    territory is clicked; the value is then in ``st.session_state[key]``.
    ``labels`` (tooltip headings) must already be escaped for HTML; ``leaflet``
    is the URLs of Leaflet's script and style sheet. ``focus`` zooms onto the
    selected territory when the map is first drawn (else the map shows
    ``bounds``, fitted again whenever they change).
    """
    return _component(
        shapes=shapes,
        values=values,
        labels=labels,
        selected=selected,
        bounds=bounds,
        leaflet_js=leaflet[0],
        leaflet_css=leaflet[1],
        height=height,
        focus=focus,
        key=key,
        default=None,
        on_change=on_change,
    )
