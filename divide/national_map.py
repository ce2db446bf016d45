"""National shapes files written once as static files, and per-view values apart.

Every commune of France drawn at once would be ~35,000 polygons and ~10 MB of
GeoJSON per view through folium (25-60 s). Here the outlines of a whole level
(every commune, every EPCI of France) are written once as a compact JSON file
that the browser fetches and caches (the app serves it from its map
component's folder), and a view sends only, per territory, its class and the
index of its value text: the browser joins them by position and draws on a
Leaflet canvas. A view of part of a level (the communes of a région) reuses
the level's file and names the positions it draws (:func:`collection_values`).

The shapes file (``communes-<hash>.json``, ``epci-<hash>.json``; format
``divide-shapes/1``)::

    {"format": "divide-shapes/1", "q": 2000,
     "codes": ["01001", ...], "names": ["L&#39;Abergement-Cl...", ...],
     "shapes": [[[[x0, y0, dx1, dy1, ...], <hole>...], <polygon>...], ...]}

``codes`` are sorted; ``names`` are escaped with :func:`divide.safe_text.html`
(the browser inserts them as HTML); a ring is a flat list of integers: the
first vertex as ``round(lon * q), round(lat * q)``, then the difference to the
previous vertex, the closing vertex left out. With ``q = 2000`` the grid is
1/2000 of a degree (≈ 55 m north-south, ≈ 38 m east-west in mainland France),
below a pixel until zoom 11 and about 3 pixels at zoom 13: enough to find a
commune, and the file stays under 1.5 MB compressed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from divide import classify
from divide.indicators import format_value, value_and_range
from divide.registry import Indicator
from divide.safe_text import html

FORMAT = "divide-shapes/1"
Q = 2000


def _ring(coords, q: int) -> list[int]:
    points = np.rint(np.asarray(coords)[:-1, :2] * q).astype(np.int64)
    if len(points):  # consecutive duplicates after rounding say nothing
        keep = np.ones(len(points), dtype=bool)
        keep[1:] = (np.diff(points, axis=0) != 0).any(axis=1)
        points = points[keep]
    if len(points) < 3:
        return []
    return np.vstack([points[:1], np.diff(points, axis=0)]).ravel().tolist()


def _shape(geometry, q: int) -> list:
    if geometry is None or geometry.is_empty:
        return []
    parts = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    out = []
    for polygon in parts:
        rings = [_ring(polygon.exterior.coords, q)]
        if not rings[0]:
            continue
        rings += [r for r in (_ring(i.coords, q) for i in polygon.interiors) if r]
        out.append(rings)
    return out


def shapes_document(
    shapes: gpd.GeoDataFrame, names: pd.Series, q: int = Q
) -> tuple[bytes, list[str]]:
    """The shapes file's bytes and its codes (sorted), from display polygons.

    Parameters
    ----------
    shapes : GeoDataFrame
        ``code`` and ``geometry`` of the communes (longitude, latitude).
    names : Series
        Commune names indexed by code (a code without one is named by its code).
    """
    ordered = shapes.sort_values("code", kind="stable")
    codes = [str(c) for c in ordered["code"]]
    document = {
        "format": FORMAT,
        "q": q,
        "codes": codes,
        "names": [html(str(names.get(c, c))) for c in codes],
        "shapes": [_shape(g, q) for g in ordered.geometry],
    }
    return json.dumps(document, separators=(",", ":")).encode(), codes


def file_name(
    shapes: gpd.GeoDataFrame, names: pd.Series, prefix: str = "communes"
) -> str:
    """The file's name: a hash of what the file is written from.

    A browser may cache the file for good, and a server that finds it on disk
    need not write it again (seconds for the communes). The hash covers the
    format, ``q``, the codes, the names and the outlines (WKB): the same inputs
    give the same bytes (bump :data:`FORMAT` when the way of writing changes).
    """
    ordered = shapes.sort_values("code", kind="stable")
    digest = hashlib.sha256(f"{FORMAT}|{Q}".encode())
    for code in ordered["code"]:
        digest.update(f"|{code}={names.get(code, code)}".encode())
    for wkb in shapely.to_wkb(ordered.geometry.values):
        digest.update(wkb or b"-")
    return f"{prefix}-{digest.hexdigest()[:16]}.json"


def write_shapes(
    shapes: gpd.GeoDataFrame, names: pd.Series, folder: Path, prefix: str = "communes"
) -> tuple[str, list[str]]:
    """Write the shapes file into ``folder`` unless it is there; (name, codes).

    ``prefix`` names the level (``communes``, ``epci``). Older shapes files of
    the same level in the folder (another atlas) are removed.
    """
    name = file_name(shapes, names, prefix)
    codes = [str(c) for c in shapes.sort_values("code", kind="stable")["code"]]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        document, _ = shapes_document(shapes, names)  # the same codes
        partial = target.with_suffix(".part")
        partial.write_bytes(document)
        partial.replace(target)
    for old in folder.glob(f"{prefix}-*.json"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return name, codes


def view_values(
    codes: list[str],
    values: pd.Series,
    ind: Indicator,
    edges: list[float],
    colours: list[str],
    lang: str,
    ends: tuple[pd.Series, pd.Series] | None = None,
) -> dict:
    """What a view sends: per commune (in ``codes`` order) a class and a text.

    ``values`` is indexed by commune code; ``ends`` (low, high), indexed the
    same way, is a modelled value's range, shown after it. Returns ``fills``
    (a colour per class, then the no-data colour last), ``cls`` (the class of
    each commune, ``len(fills) - 1`` for no data), ``texts`` (each distinct
    value text once, escaped with :func:`divide.safe_text.html`) and ``text``
    (the index of each commune's text in ``texts``).
    """
    aligned = values.reindex(codes).astype(float)
    classes = classify.assign(aligned.reset_index(drop=True), edges).to_numpy()
    no_data = len(colours)
    cls = np.where(classes < 0, no_data, classes).astype(int).tolist()
    if ends is None:
        shown = [format_value(v, ind, lang) for v in aligned.to_numpy()]
    else:
        low, high = (end.reindex(codes).astype(float).to_numpy() for end in ends)
        shown = [
            value_and_range(v, lo, hi, ind, lang)
            for v, lo, hi in zip(aligned.to_numpy(), low, high, strict=True)
        ]
    texts = list(dict.fromkeys(shown))
    where = {text: i for i, text in enumerate(texts)}
    return {
        "fills": [*colours, classify.NO_DATA],
        "cls": cls,
        "texts": [html(x) for x in texts],
        "text": [where[x] for x in shown],
    }


def collection_values(codes: list[str], collection: dict, colours: list[str]) -> dict:
    """What a view of part of a level sends: the territories of a map view's GeoJSON.

    Parameters
    ----------
    codes : list of str
        The codes of the level's shapes file, in its order.
    collection : dict
        A map view of :func:`divide.maps.feature_collection` (escaped ``code``,
        ``value`` text and ``fill`` of each territory it draws).
    colours : list of str
        The view's class colours, in class order.

    Returns
    -------
    dict
        As :func:`view_values` (``fills``, ``cls``, ``texts``, ``text``), for
        the view's territories only, and ``index``: each one's position in
        ``codes``; the browser draws those alone. A territory of the view that
        the file lacks raises ``ValueError``.
    """
    position = {code: i for i, code in enumerate(codes)}
    klass = {}
    for i, colour in enumerate(colours):
        klass.setdefault(colour, i)
    no_data = len(colours)
    index, cls, shown = [], [], []
    for feature in collection["features"]:
        props = feature["properties"]
        code = props["code"]
        if code not in position:
            raise ValueError(
                f"territory {code} of the view is not in the shapes file: "
                "rewrite the shapes file from the same atlas"
            )
        index.append(position[code])
        cls.append(no_data if props["nodata"] else klass[props["fill"]])
        shown.append(props["value"])  # already escaped by feature_collection
    texts = list(dict.fromkeys(shown))
    where = {text: i for i, text in enumerate(texts)}
    return {
        "fills": [*colours, classify.NO_DATA],
        "index": index,
        "cls": cls,
        "texts": texts,
        "text": [where[x] for x in shown],
    }
