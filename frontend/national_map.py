"""The national commune map as a Streamlit component (no pandas work here).

``components.declare_component`` serves every file of ``national_map_files/``
over HTTP with ``Cache-Control: public`` (and gzip): the page ``index.html``,
and the shapes file written there by :func:`divide.national_map.write_shapes`
(its name is its content's hash, so a browser fetches it once). Each view
sends only the values (see :func:`divide.national_map.view_values`); the page
joins them to the shapes by position and draws on a Leaflet canvas.

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
) -> dict | None:
    """Draw the map; returns ``{"code": ..., "n": clicks}`` once a commune is clicked.

    ``on_change`` runs (before the rerun) when a commune is clicked; the value
    is then in ``st.session_state[key]``. ``labels`` (tooltip headings) must
    already be escaped for HTML; ``leaflet`` is the URLs of Leaflet's script
    and style sheet.
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
        key=key,
        default=None,
        on_change=on_change,
    )
