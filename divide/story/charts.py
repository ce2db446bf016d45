"""The slides' charts: plotly bars, lines and a tile-free choropleth of a visual spec.

They need no network (map style ``white-bg``: no tiles); every name that reaches
plotly is HTML-escaped, since plotly renders labels and hover boxes as HTML.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from shapely.geometry import shape

from divide import maps
from divide.classify import NO_DATA
from divide.i18n import t
from divide.indicators import unit_label
from divide.registry import indicator
from divide.safe_text import html

HIGHLIGHT = "#bd0026"
OTHER = "#6b7280"
INFRA_COLOUR = "#2166ac"
SKILLS_COLOUR = "#b35806"
# Chart heights that leave the title, the key figure, the recommendation and the
# vintage on one 1280×720 screen (the smallest projector the presenter targets).
MAP_HEIGHT = 275
CHART_HEIGHT = 275
#: The app's font (Streamlit's "sans serif" theme font), for plotly's texts.
FONT_FAMILY = '"Source Sans", "Source Sans Pro", sans-serif'
# The map's narrowest usual width (a 1440 px page with the sidebar, less the
# legend: 387 px measured), for the initial zoom: wider screens show a margin.
MAP_WIDTH = 380


def _layout(fig: go.Figure, lang: str, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 90, "t": 10, "b": 10},
        font={"size": 18, "color": "#111827", "family": FONT_FAMILY},
        separators=", " if lang == "fr" else ".,",
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
    )
    return fig


def bar_figure(visual: dict, lang: str = "fr") -> go.Figure:
    """Horizontal bars of a ``bar`` visual spec (grouped when bars have groups).

    Labels and texts are HTML-escaped; the territory's bars are highlighted.
    """
    bars = visual["bars"]
    groups = list(dict.fromkeys(b["group"] for b in bars if b.get("group")))
    fig = go.Figure()
    if groups:
        colours = dict(zip(groups, (INFRA_COLOUR, SKILLS_COLOUR), strict=False))
        for group in groups:
            part = [b for b in bars if b["group"] == group]
            fig.add_trace(
                go.Bar(
                    x=[b["value"] for b in part],
                    y=[html(b["label"]) for b in part],
                    name=html(group),
                    orientation="h",
                    marker_color=colours.get(group, OTHER),
                    marker_line={
                        "color": "#111827",
                        "width": [3 if b["highlight"] else 0 for b in part],
                    },
                    text=[html(b["text"]) for b in part],
                    textposition="outside",
                    cliponaxis=False,
                    hovertemplate="%{y}: %{text}<extra>" + html(group) + "</extra>",
                )
            )
        fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.15})
    else:
        fig.add_trace(
            go.Bar(
                x=[b["value"] for b in bars],
                y=[html(b["label"]) for b in bars],
                orientation="h",
                marker_color=[HIGHLIGHT if b["highlight"] else OTHER for b in bars],
                text=[html(b["text"]) for b in bars],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra></extra>",
            )
        )
        fig.update_layout(showlegend=False)
    longest = max((len(b["label"]) for b in bars), default=0)
    fig.update_yaxes(
        autorange="reversed",
        type="category",
        automargin=True,
        tickfont={"size": 18 if longest <= 28 else 15},
    )
    fig.update_xaxes(
        title_text=html(visual.get("axis", "")),
        range=visual.get("range"),
        gridcolor="#e5e7eb",
        automargin=True,
        title_standoff=12,
    )
    height = 60 * len(bars) + 130 if not groups else 45 * len(bars) + 170
    return _layout(fig, lang, min(max(height, 240), CHART_HEIGHT))


def line_figure(visual: dict, lang: str = "fr") -> go.Figure:
    """Lines of a ``line`` visual spec: the territory highlighted, the others grey."""
    fig = go.Figure()
    greys = iter(("#6b7280", "#9ca3af", "#d1d5db"))
    for line in visual["lines"]:
        colour = HIGHLIGHT if line["highlight"] else next(greys, OTHER)
        fig.add_trace(
            go.Scatter(
                x=line["dates"],
                y=line["values"],
                name=html(line["label"]),
                mode="lines+markers",
                line={"color": colour, "width": 5 if line["highlight"] else 3},
                hovertemplate="%{x}: %{y}<extra>" + html(line["label"]) + "</extra>",
            )
        )
    fig.update_layout(
        legend={
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 0,
            "font": {"size": 16},
        }
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(
        title_text=html(visual.get("axis", "")),
        gridcolor="#e5e7eb",
        rangemode="tozero",
        automargin=True,
    )
    return _layout(fig, lang, CHART_HEIGHT)


def class_labels(edges: list[float], ind_id: str, lang: str) -> list[str]:
    """'low – high' text of each colour class, in display units."""
    ind = indicator(ind_id)
    unit = unit_label(ind, lang)
    ends = [maps.edge_text(x, ind, lang) for x in edges]
    return [
        f"{ends[i]} – {ends[i + 1]} {unit}".rstrip()
        for i in range(max(len(edges) - 1, 0))
    ]


def _bounds(collection: dict) -> tuple[float, float, float, float] | None:
    boxes = [
        shape(f["geometry"]).bounds for f in collection["features"] if f.get("geometry")
    ]
    if not boxes:
        return None
    arr = np.array(boxes)
    return (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())


def _view(bounds: tuple[float, float, float, float]) -> tuple[dict, float]:
    """Centre and zoom that fit a box in the map (Web Mercator)."""
    x0, y0, x1, y1 = bounds

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max((x1 - x0) / 360, 1e-6)
    dy = max((merc(y1) - merc(y0)) / (2 * math.pi), 1e-6)
    # MapLibre's world is 512 px wide at zoom 0; the plot is the figure less margins.
    zoom = min(math.log2(MAP_WIDTH / 512 / dx), math.log2((MAP_HEIGHT - 20) / 512 / dy))
    zoom -= 0.1
    mid = (merc(y0) + merc(y1)) / 2
    lat = math.degrees(2 * math.atan(math.exp(mid)) - math.pi / 2)
    return {"lon": (x0 + x1) / 2, "lat": lat}, max(min(zoom, 14.0), 1.0)


def map_figure(
    collection: dict,
    edges: list[float],
    colours: list[str],
    visual: dict,
    lang: str = "fr",
    *,
    no_data: str = "",
) -> go.Figure:
    """A plotly choropleth (MapLibre, no tiles) of a ``choropleth`` visual spec.

    Parameters
    ----------
    collection : dict
        GeoJSON from :func:`divide.maps.feature_collection` (escaped names and
        value texts, a ``fill`` colour per feature).
    edges, colours : list
        The class edges and colours of the collection.
    visual : dict
        The slide's visual spec (``highlight``, ``frame``, ``indicator``).
    lang : {"fr", "en"}
        Language of the class labels.
    no_data : str
        Label of the no-data class.
    """
    palette = list(colours[: max(len(edges) - 1, 1)])
    labels = class_labels(edges, visual["indicator"], lang)[: len(palette)]
    palette.append(NO_DATA)
    labels.append(no_data or t("no_data", lang))
    index = {colour: i for i, colour in enumerate(palette)}
    features = collection["features"]
    k = len(palette)
    scale = []
    for i, colour in enumerate(palette):
        scale += [[i / k, colour], [(i + 1) / k, colour]]
    fig = go.Figure(
        go.Choroplethmap(
            geojson=collection,
            featureidkey="properties.code",
            locations=[f["properties"]["code"] for f in features],
            z=[index.get(f["properties"]["fill"], k - 1) for f in features],
            zmin=-0.5,
            zmax=k - 0.5,
            colorscale=scale,
            marker={"line": {"width": 0.4, "color": "#ffffff"}, "opacity": 0.9},
            customdata=[
                [f["properties"]["name"], f["properties"]["value"]] for f in features
            ],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
            colorbar={
                "tickvals": list(range(k)),
                "ticktext": [html(x) for x in labels],
                "tickfont": {"size": 16},
                "thickness": 22,
                "len": 0.9,
                "outlinewidth": 0,
            },
        )
    )
    highlight = visual.get("highlight")
    chosen = [f for f in features if highlight and f["properties"]["code"] == highlight]
    if chosen:
        fig.add_trace(
            go.Choroplethmap(
                geojson={"type": "FeatureCollection", "features": chosen},
                featureidkey="properties.code",
                locations=[highlight],
                z=[0],
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker={"line": {"width": 4, "color": "#000000"}},
                hoverinfo="skip",
            )
        )
    frame = visual.get("frame")
    bounds = maps.FRAMES[frame] if frame else _bounds(collection)
    centre, zoom = _view(bounds or maps.FRAMES["mainland"])
    fig.update_layout(map={"style": "white-bg", "center": centre, "zoom": zoom})
    return _layout(fig, lang, MAP_HEIGHT)
