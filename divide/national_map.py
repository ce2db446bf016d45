"""The national commune map: geometry written once as a static file, values apart.

Every commune of France drawn at once would be ~35,000 polygons and ~10 MB of
GeoJSON per view through folium (25-60 s). Here the outlines are written once
as a compact JSON file that the browser fetches and caches (the app serves it
from its map component's folder), and a view sends only, per commune, its class
and the index of its value text: the browser joins them by position and draws
on a Leaflet canvas.

The shapes file (``communes-<hash>.json``, format ``divide-shapes/1``)::

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

from divide import classify
from divide.indicators import format_value
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


def file_name(document: bytes) -> str:
    """The file's name: its content's hash, so a browser may cache it for good."""
    return f"communes-{hashlib.sha256(document).hexdigest()[:16]}.json"


def write_shapes(
    shapes: gpd.GeoDataFrame, names: pd.Series, folder: Path
) -> tuple[str, list[str]]:
    """Write the shapes file into ``folder`` unless it is there; (name, codes).

    Older shapes files in the folder (another atlas) are removed.
    """
    document, codes = shapes_document(shapes, names)
    name = file_name(document)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        partial = target.with_suffix(".part")
        partial.write_bytes(document)
        partial.replace(target)
    for old in folder.glob("communes-*.json"):
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
) -> dict:
    """What a view sends: per commune (in ``codes`` order) a class and a text.

    ``values`` is indexed by commune code. Returns ``fills`` (a colour per
    class, then the no-data colour last), ``cls`` (the class of each commune,
    ``len(fills) - 1`` for no data), ``texts`` (each distinct value text once,
    escaped with :func:`divide.safe_text.html`) and ``text`` (the index of each
    commune's text in ``texts``).
    """
    aligned = values.reindex(codes).astype(float)
    classes = classify.assign(aligned.reset_index(drop=True), edges).to_numpy()
    no_data = len(colours)
    cls = np.where(classes < 0, no_data, classes).astype(int).tolist()
    shown = [format_value(v, ind, lang) for v in aligned.to_numpy()]
    texts = list(dict.fromkeys(shown))
    where = {text: i for i, text in enumerate(texts)}
    return {
        "fills": [*colours, classify.NO_DATA],
        "cls": cls,
        "texts": [html(x) for x in texts],
        "text": [where[x] for x in shown],
    }
