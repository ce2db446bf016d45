"""JSON and GeoJSON uploads: records as rows, values as text, points and their CRS."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
from pyproj import Transformer

from divide.errors import SourceError
from divide.uploads.common import (
    MAX_ROWS,
    quoted,
    safe_text,
)


def json_rows(text: str, file: str) -> tuple[list[dict], list[int], str, dict]:
    """Records of a JSON array or GeoJSON, with their number and geometry."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            file, f"invalid JSON at character {exc.colno}: {exc.msg}", row=exc.lineno
        ) from None
    except (RecursionError, ValueError, MemoryError) as exc:
        raise SourceError(
            file, f"cannot read this JSON ({safe_text(exc, 80)})"
        ) from None
    info: dict[str, Any] = {}
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise SourceError(file, "a FeatureCollection without a 'features' list")
        info["crs"] = data.get("crs")
        word = "feature"
    elif isinstance(data, dict) and data.get("type") == "Feature":
        features, word = [data], "feature"
    elif isinstance(data, list):
        features, word = data, "record"
    else:
        found = (
            "an object with keys " + ", ".join(safe_text(k, 30) for k in list(data)[:8])
            if isinstance(data, dict)
            else f"a {type(data).__name__}"
        )
        raise SourceError(
            file,
            "expected a GeoJSON FeatureCollection or a JSON array of objects, found "
            + found,
        )
    if len(features) > MAX_ROWS:
        raise SourceError(file, f"{len(features):,} records; the limit is {MAX_ROWS:,}")
    records = []
    for i, item in enumerate(features):
        if not isinstance(item, dict):
            raise SourceError(
                file,
                f"{word} {i + 1} is a {type(item).__name__}, not an object",
            )
        if word == "feature":
            props = item.get("properties")
            record = dict(props) if isinstance(props, dict) else {}
            record["__geometry__"] = item.get("geometry")
        else:
            record = dict(item)
        records.append(record)
    return records, list(range(1, len(records) + 1)), word, info


_SURROGATES = re.compile("[\ud800-\udfff]")


def json_text(value: object) -> str | None:
    """A JSON value as text: lists ``;``-joined, objects as JSON.

    Lone surrogates (invalid Unicode that JSON escapes can produce) become U+FFFD.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        items = [json_text(v) for v in value if v is not None]
        joined = ";".join(i for i in items if i)
        return joined or None
    if isinstance(value, dict):
        return _SURROGATES.sub("\ufffd", json.dumps(value, ensure_ascii=False)[:10_000])
    return str(value)


def geojson_point(
    geometry: object,
) -> tuple[tuple[float, float] | None, tuple[str, dict] | None]:
    """A GeoJSON point's (lon, lat), or the problem that keeps it out."""
    if geometry is None:
        return None, None
    if not isinstance(geometry, dict):
        return None, ("prob_not_geojson", {})
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "MultiPoint" and isinstance(coords, list) and coords:
        coords = coords[0]
    elif kind != "Point":
        return None, ("prob_not_point", {"kind": quoted(kind, 30)})
    if isinstance(coords, list) and len(coords) >= 2:
        try:
            lon, lat = (
                float(c)
                if isinstance(c, int | float) and not isinstance(c, bool)
                else math.nan
                for c in coords[:2]
            )
        except OverflowError:  # a JSON integer too large for a float
            lon = lat = math.nan
        if math.isfinite(lon) and math.isfinite(lat):
            return (lon, lat), None
    return None, ("prob_no_lonlat", {})


def geojson_crs(crs: object, file: str) -> int:
    """The EPSG code a GeoJSON's ``crs`` names (4326 when none); others refused."""
    if not isinstance(crs, dict):
        return 4326
    name = (
        str((crs.get("properties") or {}).get("name", ""))
        if isinstance(crs.get("properties"), dict)
        else ""
    )
    if re.search(r"EPSG:+2154\b", name):
        return 2154
    if not name or re.search(r"CRS84|EPSG:+4326\b", name):
        return 4326
    raise SourceError(
        file,
        f"coordinates are in {safe_text(name, 60)}: export the layer in WGS84 "
        "(EPSG:4326)",
    )


def from_lambert93(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lambert-93 metres to WGS84 longitude, latitude."""
    transformer = Transformer.from_crs(2154, 4326, always_xy=True)
    lon, lat = transformer.transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, float), np.asarray(lat, float)
