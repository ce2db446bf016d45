"""Choropleth maps with folium, built from pre-computed GeoJSON (no streamlit here).

The GeoJSON of a view is built once (and cached by the app); the folium map is
rebuilt on each run, which is cheap. Every name, label and value goes through
:func:`divide.safe_text.html` before it reaches Leaflet: tooltips and popups are
HTML, and folium writes tooltips into JavaScript template literals.
"""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import pandas as pd
import shapely
from folium.plugins import FastMarkerCluster
from jinja2 import Template

from divide import assets, classify
from divide.formatting import counted, format_count
from divide.i18n import t
from divide.indicators import display_values, format_value, unit_label, value_and_range
from divide.registry import Indicator
from divide.safe_text import html

FRAMES = {
    "mainland": (-5.3, 41.3, 9.7, 51.2),
    "971": (-61.9, 15.8, -61.0, 16.55),
    "972": (-61.25, 14.38, -60.8, 14.9),
    "973": (-54.7, 2.1, -51.6, 5.8),
    "974": (55.2, -21.4, 55.85, -20.85),
    "976": (44.95, -13.05, 45.32, -12.6),
}
KIND_COLOURS = {
    "france_services": "#1b9e77",
    "conseiller_numerique": "#7570b3",
    "aidants_connect": "#e7298a",
    "library": "#d95f02",
    "other": "#666666",
    "public_library": "#a6761d",
}


def feature_collection(
    shapes: gpd.GeoDataFrame,
    values: pd.DataFrame,
    ind: Indicator,
    edges: list[float],
    colours: list[str],
    lang: str,
    *,
    outlines: bool = True,
) -> dict:
    """GeoJSON of a view with escaped name, code, value text and fill colour.

    Parameters
    ----------
    shapes : GeoDataFrame
        ``code`` and ``geometry`` (display-simplified).
    values : DataFrame
        ``code``, ``name``, ``value`` for the territories to draw; ``low`` and
        ``high`` for a modelled value with a range (shown in the tooltip).
    outlines : bool
        False: every ``geometry`` is None (the features drawn are the same), for
        a map that has the outlines already (the canvas map's shapes file);
        writing them is most of the cost of a large view.
    """
    merged = shapes.merge(values, on="code", how="inner")
    merged = merged[merged.geometry.notna() & ~merged.geometry.is_empty]
    classes = classify.assign(merged["value"], edges)
    ranged = {"low", "high"} <= set(merged.columns)
    # GEOS writes the GeoJSON (twice as fast as shapely's __geo_interface__).
    written = (
        shapely.to_geojson(merged.geometry.to_numpy())
        if outlines
        else [None] * len(merged)
    )
    features = []
    for row, cls, outline in zip(
        merged.itertuples(index=False), classes, written, strict=True
    ):
        features.append(
            {
                "type": "Feature",
                "geometry": None if outline is None else json.loads(outline),
                "properties": {
                    "code": html(str(row.code)),
                    "name": html(str(row.name)),
                    "value": html(
                        value_and_range(row.value, row.low, row.high, ind, lang)
                        if ranged
                        else format_value(row.value, ind, lang)
                    ),
                    "fill": classify.NO_DATA if cls < 0 else colours[cls],
                    "nodata": bool(cls < 0),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def bounds_of(frame: str | tuple[float, float, float, float]) -> list[list[float]]:
    """Leaflet bounds [[south, west], [north, east]] of a named frame or a box."""
    x0, y0, x1, y1 = FRAMES[frame] if isinstance(frame, str) else frame
    return [[y0, x0], [y1, x1]]


def base_map(bounds: list[list[float]], *, basemap: bool = False) -> folium.Map:
    """A Leaflet map on a plain background (tiles only when asked, online)."""
    fmap = folium.Map(
        tiles=None, control_scale=True, prefer_canvas=True, zoom_snap=0.25
    )
    # Without a tile layer folium passes no zoom limit to Leaflet, and the site
    # clusters refuse to draw ("Map has no maxZoom specified").
    fmap.options["max_zoom"] = 18
    fmap.default_js = [("leaflet", assets.url("leaflet.js"))]
    fmap.default_css = [("leaflet_css", assets.url("leaflet.css"))]
    if basemap:
        folium.TileLayer(
            "OpenStreetMap", attr="© OpenStreetMap contributors", name="OSM"
        ).add_to(fmap)
    fmap.fit_bounds(bounds)
    return fmap


def add_choropleth(
    fmap: folium.Map,
    collection: dict,
    labels: dict[str, str],
    *,
    selected: str | None,
    plain: bool = False,
) -> None:
    """Draw the territories filled by class, with a tooltip and a selected outline.

    The labels are plain text (an uploaded indicator's name can hold anything);
    they are HTML-escaped here, as folium writes them into the page as HTML.
    ``plain`` fills every territory alike (under proportional circles).
    """

    def style(feature):
        props = feature["properties"]
        chosen = selected is not None and props["code"] == selected
        return {
            "fillColor": PLAIN_FILL if plain else props["fill"],
            "fillOpacity": 0.85,
            "color": "#000000"
            if chosen
            else ("#8c8c8c" if props["nodata"] else "#ffffff"),
            "weight": 3 if chosen else 0.6,
            "dashArray": "3 3" if props["nodata"] else None,
        }

    folium.GeoJson(
        collection,
        name=html(labels["layer"]),
        style_function=style,
        highlight_function=lambda _: {"weight": 2.5, "color": "#222222"},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "code", "value"],
            aliases=[html(labels[k]) for k in ("name", "code", "value")],
            sticky=True,
            # A long name wraps instead of pushing the value out of the map.
            style="white-space: normal; max-width: 24em;",
        ),
    ).add_to(fmap)


# The callback builds each marker in the browser from a row of escaped texts
# (see add_sites): the popup and the tooltip are HTML strings made of them only.
SITE_CALLBACK = """
function (row) {
    var marker = L.circleMarker(new L.LatLng(row[0], row[1]),
        {radius: 6, color: '#ffffff', weight: 1, fillColor: row[2], fillOpacity: 0.95});
    marker.bindPopup('<b>' + row[3] + '</b><div>' + row[4] + '</div>'
        + (row[5] ? '<div>' + row[5] + '</div>' : ''));
    marker.bindTooltip(row[3]);
    return marker;
}
"""


# Clusters as white discs with a dark ring and dark figures: readable on every
# fill of the yellow-to-red and blue palettes (Leaflet.markercluster's default
# yellow and green discs vanish on a yellow fill), and unlike the dark blue
# numbered discs of suggested hosts (add_numbered).
CLUSTER_ICON = """
function (cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 30 : (n < 100 ? 36 : 42);
    return L.divIcon({
        html: '<div style="background:#fff;color:#111;border:3px solid #333;'
            + 'border-radius:50%;width:' + size + 'px;height:' + size + 'px;'
            + 'box-sizing:border-box;display:flex;align-items:center;'
            + 'justify-content:center;font:bold 12px sans-serif;'
            + 'box-shadow:0 0 0 1px #fff">' + n + '</div>',
        className: 'divide-cluster',
        iconSize: L.point(size, size)
    });
}
"""


def add_sites(
    fmap: folium.Map,
    sites: pd.DataFrame,
    kind_labels: dict[str, str],
    name: str,
    lang: str = "en",
) -> None:
    """Mediation sites as clustered circle markers, coloured by kind.

    Each marker has the site's name as tooltip and its name and kind as popup,
    then, in ``lang``, its conseiller numérique posts and whether it stands at
    its commune's centre (:func:`site_note`); all HTML-escaped here (Leaflet
    inserts them as HTML).
    """
    rows = [
        [
            round(float(s.lat), 5),
            round(float(s.lon), 5),
            KIND_COLOURS.get(s.kind, "#666666"),
            html(s.name),
            html(kind_labels.get(s.kind, s.kind)),
            html(site_note(s, lang)),
        ]
        for s in sites.itertuples(index=False)
        if pd.notna(s.lat) and pd.notna(s.lon)
    ]
    cluster = FastMarkerCluster(
        rows,
        callback=SITE_CALLBACK,
        name=html(name),
        icon_create_function=CLUSTER_ICON,
    )
    cluster.default_js = [("markercluster", assets.url("leaflet.markercluster.js"))]
    cluster.default_css = [
        ("markercluster_css", assets.url("MarkerCluster.css")),
        ("markercluster_default_css", assets.url("MarkerCluster.Default.css")),
    ]
    cluster.add_to(fmap)


def site_note(site, lang: str = "en") -> str:
    """A site's conseiller numérique posts and "placed at the commune's centre".

    ``site`` is a row of :attr:`divide.atlas.Atlas.sites` (a named tuple or a
    Series); "" when neither applies (or the columns are absent).
    """
    parts = []
    posts = getattr(site, "posts", None)
    if posts is not None and pd.notna(posts) and float(posts) > 0:
        parts.append(counted(float(posts), "cnfs_post", lang))
    if getattr(site, "located_by", None) == "commune point":
        parts.append(t("site_at_commune_point", lang))
    return " · ".join(parts)


def payload_size(collection: dict) -> int:
    """Bytes of a GeoJSON as sent to the browser."""
    return len(json.dumps(collection, separators=(",", ":")))


def edge_text(x: float, ind: Indicator, lang: str) -> str:
    """A class edge in display units, as legends show it: "12.3", "1,250"."""
    shown = float(display_values(pd.Series([x]), ind).iloc[0])
    digits = (
        0 if abs(shown) >= 100 or ind.unit in ("people", "premises", "sites") else 1
    )
    return format_count(shown, lang, digits)


def legend_html(
    edges: list[float],
    colours: list[str],
    ind: Indicator,
    lang: str,
    *,
    title: str,
    no_data: str,
) -> str:
    """An accessible HTML legend: a swatch per class with its range, then no data."""
    unit = unit_label(ind, lang)
    items = []
    for i, colour in enumerate(colours[: max(len(edges) - 1, 1)]):
        low = edges[i] if edges else float("nan")
        high = edges[i + 1] if len(edges) > i + 1 else low
        text = f"{edge_text(low, ind, lang)} – {edge_text(high, ind, lang)}"
        items.append(
            f'<li><span class="swatch" style="background:{colour}"></span>'
            f"{html(text)}</li>"
        )
    items.append(
        f'<li><span class="swatch nodata" style="background:{NO_DATA_FILL}"></span>'
        f"{html(no_data)}</li>"
    )
    style = (
        "<style>.divide-legend ul{list-style:none;padding:0;margin:0}"
        ".divide-legend li{display:flex;align-items:center;gap:.5em;margin:.15em 0}"
        ".divide-legend .swatch{display:inline-block;width:1.6em;height:1em;"
        "border:1px solid #fff;outline:1px solid #bbb}"
        ".divide-legend .nodata{outline:1px dashed #666}</style>"
    )
    return (
        f'{style}<div class="divide-legend" aria-label="{html(title)}">'
        f"<b>{html(title)}</b> ({html(unit)})"
        f"<ul>{''.join(items)}</ul></div>"
    )


NO_DATA_FILL = classify.NO_DATA


def add_circles(
    fmap: folium.Map,
    points: pd.DataFrame,
    name: str,
    *,
    colour: str = "#b2182b",
    radius_px: float = 7,
    label: str = "name",
) -> None:
    """Points (``lon``, ``lat`` and a ``label`` column) as hollow circle markers.

    They form one layer; the label becomes the tooltip, HTML-escaped (Leaflet
    tooltips are HTML).
    """
    group = folium.FeatureGroup(name=html(name))
    for row in points.itertuples(index=False):
        if pd.isna(row.lon) or pd.isna(row.lat):
            continue
        folium.CircleMarker(
            [float(row.lat), float(row.lon)],
            radius=radius_px,
            color=colour,
            weight=2,
            fill=True,
            fill_opacity=0.25,
            tooltip=html(getattr(row, label)),
        ).add_to(group)
    group.add_to(fmap)


def add_numbered(
    fmap: folium.Map,
    points: pd.DataFrame,
    name: str,
    *,
    radius_km: float | None = None,
    colour: str = "#08306b",
    label: str = "name",
) -> None:
    """Numbered markers (``rank``, ``lon``, ``lat``, a ``label`` column) and reach.

    Each point gets a disc with its rank and, when ``radius_km`` is given, a
    circle of that radius (metres on the ground). Labels are HTML-escaped.
    """
    group = folium.FeatureGroup(name=html(name))
    for row in points.itertuples(index=False):
        if pd.isna(row.lon) or pd.isna(row.lat):
            continue
        where = [float(row.lat), float(row.lon)]
        if radius_km:
            folium.Circle(
                where,
                radius=float(radius_km) * 1000.0,
                color=colour,
                weight=1.5,
                fill=True,
                fill_opacity=0.08,
            ).add_to(group)
        badge = (
            f'<div style="background:{colour};color:#fff;border:2px solid #fff;'
            "border-radius:50%;width:24px;height:24px;line-height:20px;"
            'text-align:center;font:bold 13px sans-serif">'
            f"{int(row.rank)}</div>"
        )
        folium.Marker(
            where,
            icon=folium.DivIcon(html=badge, icon_size=(24, 24), icon_anchor=(12, 12)),
            tooltip=html(f"{int(row.rank)}. {getattr(row, label)}"),
            z_index_offset=1000,  # above clustered site markers
        ).add_to(group)
    group.add_to(fmap)


def within(
    places: pd.DataFrame, box: tuple[float, float, float, float]
) -> pd.DataFrame:
    """The places (``lon``, ``lat``) inside a (west, south, east, north) box."""
    west, south, east, north = box
    return places[
        places["lon"].between(west, east) & places["lat"].between(south, north)
    ]


def main_places(places: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """The ``n`` most populous located places of a view that do not crowd.

    ``places`` has ``name``, ``lon``, ``lat`` and ``population`` (e.g. the
    communes of the atlas in the view); most populous first, ties by name; a
    place closer to a bigger kept one than a tenth of the view's extent (half
    of it north-south, where labels are short) is skipped.
    """
    located = places[places["lon"].notna() & places["lat"].notna()]
    ranked = located.sort_values(
        ["population", "name"], ascending=[False, True], kind="stable"
    )
    if ranked.empty:
        return ranked
    # Labels must not overlap: skip a place too close to a bigger one kept
    # (closer than a tenth of the view's extent).
    extent = max(
        float(ranked["lon"].max() - ranked["lon"].min()),
        float(ranked["lat"].max() - ranked["lat"].min()),
    )
    gap = extent / 10
    # Plain floats: a national view may scan all ~35,000 communes before it
    # finds n far enough apart (a Series lookup per pair took seconds).
    lons, lats = ranked["lon"].tolist(), ranked["lat"].tolist()
    kept: list[int] = []
    for i, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        if len(kept) >= n:
            break
        near = any(
            abs(lon - lons[j]) < gap and abs(lat - lats[j]) < gap / 2 for j in kept
        )
        if not near:
            kept.append(i)
    return ranked.iloc[kept]


class _PlaceLabels(folium.MacroElement):
    """Text labels built in the browser from one list of ``[lat, lon, html]``.

    One element for all labels: a folium Marker per label compiled ~4 Jinja
    templates each time a map was built (~0.1 s for a view's 12 labels).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this.rows|tojson }}.forEach(function (row) {
    L.marker([row[0], row[1]], {
        icon: L.divIcon({html: '<div class="divide-place" style="'
            + {{ this.style|tojson }} + '">' + row[2] + '</div>',
            iconSize: [0, 0], iconAnchor: [0, 0], className: 'divide-place-icon'}),
        interactive: false,
        zIndexOffset: 500  // above site clusters, below suggested hosts
    }).addTo({{ this._parent.get_name() }});
});
{% endmacro %}
"""
    )

    def __init__(self, rows: list[list]):
        super().__init__()
        self._name = "PlaceLabels"
        self.rows = rows
        self.style = (
            "font:600 12px sans-serif;color:#111;white-space:nowrap;"
            "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;"
            "transform:translate(-50%,12px);pointer-events:none"
        )


def add_place_labels(
    fmap: folium.Map, places: pd.DataFrame, name: str, n: int = 8
) -> None:
    """Names of the main places of a view, always shown (offline, from the atlas).

    The :func:`main_places` are drawn by :func:`draw_place_labels`.
    """
    draw_place_labels(fmap, main_places(places, n), name)


def draw_place_labels(fmap: folium.Map, places: pd.DataFrame, name: str) -> None:
    """Places' names (``name``, ``lat``, ``lon``) as text labels in their own layer.

    Labels are Leaflet DivIcons, built in the browser; names are HTML-escaped
    (a DivIcon is HTML).
    """
    group = folium.FeatureGroup(name=html(name))
    rows = [
        [float(row.lat), float(row.lon), html(row.name)]
        for row in places.itertuples(index=False)
    ]
    _PlaceLabels(rows).add_to(group)
    group.add_to(fmap)


def score_layer(
    shapes: gpd.GeoDataFrame,
    values: pd.DataFrame,
    ind: Indicator,
    lang: str,
    k: int = 5,
) -> tuple[dict, list[float], list[str]]:
    """GeoJSON, quantile class edges and colours for a computed score.

    Parameters
    ----------
    shapes : GeoDataFrame
        ``code`` and ``geometry`` of the level drawn.
    values : DataFrame
        ``code``, ``name`` and ``value`` (missing values are drawn as no data).
    ind : Indicator
        Formats values and sets the palette's direction (e.g. the fragility
        score, which is not in the registry).
    lang : {"fr", "en"}
        Language of the value texts.
    k : int
        Number of quantile classes.

    Returns
    -------
    tuple
        ``(collection, edges, colours)`` as used by :func:`add_choropleth` and
        :func:`legend_html`.
    """
    edges = classify.breaks(values["value"], k, "quantiles")
    colours = classify.palette(max(len(edges) - 1, 1), ind.direction)
    shapes = shapes[shapes["code"].isin(values["code"])]
    return feature_collection(shapes, values, ind, edges, colours, lang), edges, colours


def bounds_around(shapes: gpd.GeoDataFrame, codes) -> list[list[float]]:
    """Leaflet bounds of the shapes whose ``code`` is in ``codes``."""
    chosen = shapes[shapes["code"].isin(list(codes))]
    if chosen.empty:
        return bounds_of("mainland")
    return bounds_of(tuple(chosen.total_bounds))


#: Units of counts: a choropleth of a count shows where people live, not need,
#: so counts are drawn as circles whose area is proportional to the value.
COUNT_UNITS = ("people", "premises", "sites")
CIRCLE_FILL = "#b2182b"
PLAIN_FILL = "#e8e8e8"
MAX_CIRCLE_PX = 26.0


def is_count(ind: Indicator) -> bool:
    """True for an indicator drawn as proportional circles (a count, not a ratio)."""
    return ind.unit in COUNT_UNITS and not ind.denominator


def circle_radii(values: pd.Series, largest: float, max_px: float = MAX_CIRCLE_PX):
    """Radii in pixels whose areas are proportional to ``values``.

    ``largest`` gets ``max_px``; zero, negative and missing values get 0.
    """
    scaled = values.astype(float).clip(lower=0).fillna(0) / largest if largest else 0
    return max_px * (scaled**0.5)


def add_proportional_circles(
    fmap: folium.Map,
    points: pd.DataFrame,
    ind: Indicator,
    lang: str,
    *,
    name: str,
    labels: dict[str, str],
) -> None:
    """A circle per territory, its area proportional to the count ``value``.

    Parameters
    ----------
    points : DataFrame
        ``code``, ``name``, ``lat``, ``lon`` and ``value``.
    labels : dict
        Plain-text tooltip labels for ``name`` and ``value`` (escaped here).

    The largest circles are drawn first, so that small ones stay on top and can
    be hovered; the tooltip gives the name and the formatted value.
    """
    shown = points.dropna(subset=["lat", "lon", "value"])
    shown = shown[shown["value"] > 0].sort_values("value", ascending=False)
    radii = circle_radii(shown["value"], float(shown["value"].max() or 0))
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(float(row.lon), 4), round(float(row.lat), 4)],
            },
            "properties": {
                "name": html(str(row.name)),
                "value": html(format_value(row.value, ind, lang)),
                "radius": round(float(r), 1),
            },
        }
        for row, r in zip(shown.itertuples(index=False), radii, strict=True)
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=html(name),
        marker=folium.CircleMarker(),
        style_function=lambda f: {
            "radius": f["properties"]["radius"],
            "fill": True,
            "color": "#ffffff",
            "weight": 1,
            "fillColor": CIRCLE_FILL,
            "fillOpacity": 0.7,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "value"],
            aliases=[html(labels["name"]), html(labels["value"])],
            sticky=True,
        ),
    ).add_to(fmap)


def circles_legend_html(
    values: pd.Series, ind: Indicator, lang: str, *, title: str
) -> str:
    """Legend of proportional circles: three reference sizes with their values."""
    largest = float(values.max()) if values.notna().any() else 0.0
    items = []
    for share in (1.0, 0.25, 0.05):
        value = largest * share
        radius = float(circle_radii(pd.Series([value]), largest).iloc[0])
        if radius <= 0:
            continue
        side = 2 * radius
        items.append(
            f'<li><span class="slot"><span class="circle" style="width:{side:.0f}px;'
            f'height:{side:.0f}px"></span></span>'
            f"{html(format_value(value, ind, lang))}</li>"
        )
    style = (
        "<style>.divide-legend ul{list-style:none;padding:0;margin:0}"
        ".divide-legend li{display:flex;align-items:center;gap:.6em;margin:.2em 0}"
        f".divide-legend .slot{{display:inline-flex;justify-content:center;"
        f"flex:none;width:{2 * MAX_CIRCLE_PX:.0f}px}}"
        f".divide-legend .circle{{display:inline-block;border-radius:50%;"
        f"opacity:.7;background:{CIRCLE_FILL}}}</style>"
    )
    return (
        f'{style}<div class="divide-legend" aria-label="{html(title)}">'
        f"<b>{html(title)}</b> ({html(unit_label(ind, lang))})"
        f"<ul>{''.join(items)}</ul></div>"
    )
