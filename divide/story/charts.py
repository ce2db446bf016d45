"""The slides' charts: Vega-Lite specifications of a visual spec (bars, lines, a map).

Streamlit draws them with its Vega bundle (about a sixth of plotly's, which the
presenter no longer loads): no tiles, no network. The data travel inline in the
specification. Names are plain text: Vega draws SVG text and its tooltip escapes
markup; the map's GeoJSON, whose names are escaped for Leaflet, is read back to
the text it stands for.
"""

from __future__ import annotations

from html import unescape

import numpy as np
from shapely.geometry import shape

from divide import maps
from divide.classify import NO_DATA
from divide.formatting import format_date, vega_number_locale
from divide.i18n import t
from divide.indicators import unit_label
from divide.registry import indicator
from divide.safe_text import visible

HIGHLIGHT = "#bd0026"
OTHER = "#6b7280"
INFRA_COLOUR = "#2166ac"
SKILLS_COLOUR = "#b35806"
INK = "#111827"
# Chart heights (axes and legend included) that leave the title, the key figure,
# the recommendation and the vintage on one 1280×720 screen (the smallest
# projector the presenter targets).
MAP_HEIGHT = 275
CHART_HEIGHT = 275
#: The app's font (Streamlit's "sans serif" theme font), for the charts' texts.
FONT_FAMILY = '"Source Sans", "Source Sans Pro", sans-serif'
# Room on the right of the bars for the value written after the longest one.
BAR_TEXT_ROOM = 80


def _spec(lang: str, height: int, **parts) -> dict:
    """A chart filling its column, ``height`` px tall, with large type."""
    return {
        "width": "container",
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "background": "#ffffff",
        **parts,
        "config": {
            "font": FONT_FAMILY,
            "locale": {"number": vega_number_locale(lang)},
            "view": {"stroke": None},
            "axis": {
                "labelFontSize": 18,
                "titleFontSize": 18,
                "titleFontWeight": "normal",
                "labelColor": INK,
                "titleColor": INK,
                "gridColor": "#e5e7eb",
                "labelLimit": 0,
            },
            "legend": {"labelFontSize": 16, "labelColor": INK, "labelLimit": 0},
        },
    }


def bar_figure(visual: dict, lang: str = "fr") -> dict:
    """Horizontal bars of a ``bar`` visual spec (grouped when bars have groups).

    The territory's bars are highlighted (in red, or outlined when grouped); each
    bar's text is written after it, a missing value's at zero.
    """
    bars = visual["bars"]
    groups = list(dict.fromkeys(visible(b["group"]) for b in bars if b.get("group")))
    colon = t("label_colon", lang)
    rows = []
    for b in bars:
        label, text, group = (visible(b.get(k)) for k in ("label", "text", "group"))
        rows.append(
            {
                "label": label,
                "value": b["value"],
                "at": b["value"] if b["value"] is not None else 0,
                "text": text,
                "group": group,
                "highlight": bool(b["highlight"]),
                # A bar is a territory or a rule: its tooltip names it as the axis does.
                "tip": f"{label} — {group}{colon}{text}"
                if group
                else f"{label}{colon}{text}",
            }
        )
    labels = list(dict.fromkeys(row["label"] for row in rows))
    longest = max((len(label) for label in labels), default=0)
    axis = visible(visual.get("axis", ""))
    x_scale = {"domain": list(visual["range"])} if visual.get("range") else {}
    encoding = {
        "y": {
            "field": "label",
            "type": "nominal",
            "sort": labels,
            "title": None,
            "axis": {"labelFontSize": 18 if longest <= 28 else 15},
        },
        "tooltip": {"field": "tip", "type": "nominal"},
    }
    if groups:
        encoding["yOffset"] = {"field": "group", "sort": groups}
        colour = {
            "field": "group",
            "type": "nominal",
            "sort": groups,
            "scale": {
                "domain": groups,
                "range": [INFRA_COLOUR, SKILLS_COLOUR, OTHER][: len(groups)],
            },
            "legend": {"orient": "bottom", "title": None, "direction": "horizontal"},
        }
    else:
        colour = {
            "condition": {"test": "datum.highlight", "value": HIGHLIGHT},
            "value": OTHER,
        }
    bar = {
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": axis or None,
                "scale": x_scale,
                "axis": {"titlePadding": 12},
            },
            "color": colour,
        },
    }
    if groups:  # the territory's bars outlined, the colours telling the axes
        bar["encoding"]["stroke"] = {
            "condition": {"test": "datum.highlight", "value": INK},
            "value": None,
        }
        bar["encoding"]["strokeWidth"] = {
            "condition": {"test": "datum.highlight", "value": 3},
            "value": 0,
        }
    text = {
        "mark": {
            "type": "text",
            "align": "left",
            "dx": 6,
            "fontSize": 18,
            "color": INK,
        },
        "encoding": {
            "x": {"field": "at", "type": "quantitative", "scale": x_scale},
            "text": {"field": "text"},
        },
    }
    height = 60 * len(bars) + 130 if not groups else 45 * len(bars) + 170
    return _spec(
        lang,
        min(max(height, 240), CHART_HEIGHT),
        padding={"left": 5, "top": 5, "bottom": 5, "right": BAR_TEXT_ROOM},
        data={"values": rows},
        encoding=encoding,
        layer=[bar, text],
    )


def line_figure(visual: dict, lang: str = "fr") -> dict:
    """Lines of a ``line`` visual spec: the territory highlighted, the others grey."""
    greys = iter(("#6b7280", "#9ca3af", "#d1d5db"))
    names, colours, rows = [], [], []
    for line in visual["lines"]:
        name = visible(line["label"])
        names.append(name)
        colours.append(HIGHLIGHT if line["highlight"] else next(greys, OTHER))
        rows += [
            {
                "date": date,
                "when": format_date(date, lang),
                "value": value,
                "line": name,
                "highlight": bool(line["highlight"]),
            }
            for date, value in zip(line["dates"], line["values"], strict=True)
        ]
    axis = visible(visual.get("axis", ""))
    return _spec(
        lang,
        CHART_HEIGHT,
        data={"values": rows},
        mark={"type": "line", "point": {"size": 60}},
        encoding={
            "x": {
                "field": "date",
                "type": "temporal",
                "title": None,
                # Years are written the same in both languages.
                "axis": {"format": "%Y", "tickCount": {"interval": "year", "step": 1}},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": axis or None,
                "scale": {"zero": True},
            },
            "color": {
                "field": "line",
                "type": "nominal",
                "sort": names,
                "scale": {"domain": names, "range": colours},
                "legend": {"orient": "top", "title": None, "direction": "horizontal"},
            },
            "strokeWidth": {
                "condition": {"test": "datum.highlight", "value": 5},
                "value": 3,
            },
            "tooltip": [
                {"field": "line", "title": t("territory", lang)},
                {"field": "when", "title": t("date", lang)},
                {"field": "value", "type": "quantitative", "title": t("value", lang)},
            ],
        },
    )


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


def _inside(feature: dict, box: tuple[float, float, float, float]) -> bool:
    """True when a feature's outline meets the box (lon/lat)."""
    x0, y0, x1, y1 = shape(feature["geometry"]).bounds
    return x0 <= box[2] and x1 >= box[0] and y0 <= box[3] and y1 >= box[1]


def map_figure(
    collection: dict,
    edges: list[float],
    colours: list[str],
    visual: dict,
    lang: str = "fr",
    *,
    no_data: str = "",
) -> dict:
    """A choropleth (Vega-Lite geoshapes, Mercator, no tiles) of a ``choropleth`` spec.

    The map is fitted to the visual's frame (the features it meets) or to the
    whole collection; the highlighted territory is outlined in black.

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
    label_of = dict(zip(palette, labels, strict=True))
    frame = visual.get("frame")
    features = [f for f in collection["features"] if f.get("geometry")]
    if frame:
        features = [f for f in features if _inside(f, maps.FRAMES[frame])]
    shown = [
        {
            "type": "Feature",
            "geometry": f["geometry"],
            "properties": {
                "code": unescape(f["properties"]["code"]),
                "name": unescape(f["properties"]["name"]),
                "value": unescape(f["properties"]["value"]),
                "class": label_of.get(f["properties"]["fill"], labels[-1]),
            },
        }
        for f in features
    ]
    layers: list[dict] = [
        {
            "mark": {
                "type": "geoshape",
                "stroke": "#ffffff",
                "strokeWidth": 0.4,
                "fillOpacity": 0.9,
            },
            "encoding": {
                "color": {
                    "field": "properties.class",
                    "type": "nominal",
                    "scale": {"domain": labels, "range": palette},
                    "legend": {
                        "title": None,
                        "orient": "right",
                        "symbolType": "square",
                        "symbolSize": 300,
                    },
                },
                "tooltip": [
                    {"field": "properties.name", "title": t("territory", lang)},
                    {"field": "properties.value", "title": t("value", lang)},
                ],
            },
        }
    ]
    highlight = visual.get("highlight")
    if highlight and any(f["properties"]["code"] == highlight for f in shown):
        layers.append(
            {
                "transform": [
                    {"filter": {"field": "properties.code", "equal": highlight}}
                ],
                "mark": {
                    "type": "geoshape",
                    "filled": False,
                    "stroke": "#000000",
                    "strokeWidth": 4,
                },
            }
        )
    return _spec(
        lang,
        MAP_HEIGHT,
        data={
            "values": {"type": "FeatureCollection", "features": shown},
            "format": {"type": "json", "property": "features"},
        },
        projection={"type": "mercator"},
        layer=layers,
    )
