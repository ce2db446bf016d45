"""Exports: exactly the rows and indicators asked for, with their sources.

Formats: CSV (UTF-8, a header of ids, plus a dictionary file of labels, units,
sources and vintages), GeoJSON, GeoPackage and (Geo)Parquet.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from divide.atlas import Atlas
from divide.errors import DivideError, unknown
from divide.registry import indicator, indicators, source

FORMATS = ("csv", "geojson", "gpkg", "parquet")
ID_COLUMNS = ["code", "name", "epci", "departement", "region"]
RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def table(
    atlas: Atlas,
    level: str,
    *,
    within: str | tuple[str, str] | None = None,
    indicator_ids: list[str] | None = None,
    ranges: dict[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Rows of a level, limited to a scope, with the chosen indicators.

    Parameters
    ----------
    atlas : Atlas
    level : str
        commune, epci, departement, region or france.
    within : str or (level, code), optional
        A scope such as ``dep:29`` (see :meth:`Atlas.resolve_within`).
    indicator_ids : list of str, optional
        Indicators to include (all by default).
    ranges : dict, optional
        ``{indicator: (low, high)}`` filters on values, in registry units.

    Returns
    -------
    DataFrame
        Id columns then one column per indicator (shares as fractions 0–1).
    """
    ids = indicator_ids or list(indicators())
    for ind in ids:
        indicator(ind)
    scope = atlas.resolve_within(within) if isinstance(within, str) else within
    rows = atlas.members(level, scope)
    keep = [c for c in ID_COLUMNS if c in rows.columns]
    out = rows[keep].copy()
    for ind in ids:
        out[ind] = rows[f"v_{ind}"]
    for ind, (low, high) in (ranges or {}).items():
        if ind not in out.columns:
            raise unknown("filtered indicator", ind, ids)
        out = out[out[ind].between(low, high)]
    return out.reset_index(drop=True)


def dictionary(ids: list[str]) -> pd.DataFrame:
    """Labels, units, sources, vintages and licences of the exported columns."""
    rows = []
    for ind_id in ids:
        ind = indicator(ind_id)
        srcs = [source(s) for s in ind.sources]
        rows.append(
            {
                "id": ind.id,
                "label_fr": ind.label["fr"] + (" (modélisé)" if ind.modelled else ""),
                "label_en": ind.label["en"] + (" (modelled)" if ind.modelled else ""),
                "unit": "share (0-1)" if ind.unit == "share" else ind.unit,
                "modelled": ind.modelled,
                "sources": "; ".join(f"{s.producer}: {s.title}" for s in srcs),
                "vintage": ind.vintage(),
                "licence": "; ".join(sorted({s.licence for s in srcs})),
                "url": " ".join(s.url for s in srcs if s.url),
            }
        )
    return pd.DataFrame(rows)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells starting with = + - @ so spreadsheets do not run them."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            text = out[column].astype("string")
            risky = text.str.startswith(RISKY_START).fillna(False)
            out[column] = text.where(~risky, "'" + text)
    return out


def with_geometry(atlas: Atlas, level: str, frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Attach full-resolution polygons (France: the union of régions)."""
    if level == "france":
        shapes = atlas.geometry("region", display=False).dissolve().assign(code="FR")
    else:
        shapes = atlas.geometry(level, display=False)
    merged = frame.merge(shapes[["code", "geometry"]], on="code", how="left")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")


def to_bytes(
    atlas: Atlas, level: str, frame: pd.DataFrame, fmt: str
) -> dict[str, bytes]:
    """Serialise an export; returns ``{file suffix: bytes}`` (CSV adds a dictionary)."""
    if fmt not in FORMATS:
        raise unknown("format", fmt, FORMATS)
    ids = [c for c in frame.columns if c not in ID_COLUMNS]
    safe = neutralise_formulas(frame)
    if fmt == "csv":
        data = safe.to_csv(index=False).encode("utf-8")
        notes = neutralise_formulas(dictionary(ids)).to_csv(index=False)
        return {".csv": data, ".dictionary.csv": notes.encode("utf-8")}
    gdf = with_geometry(atlas, level, safe)
    if fmt == "geojson":
        payload = json.loads(gdf.to_json(drop_id=True))
        payload["metadata"] = {"dictionary": dictionary(ids).to_dict("records")}
        return {".geojson": json.dumps(payload, ensure_ascii=False).encode("utf-8")}
    if fmt == "parquet":
        buffer = io.BytesIO()
        gdf.to_parquet(buffer, index=False)
        return {".parquet": buffer.getvalue()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        gdf.to_file(path, layer="territories", driver="GPKG")
        dictionary(ids).astype(str).pipe(
            lambda d: gpd.GeoDataFrame(d, geometry=[None] * len(d))
        ).to_file(path, layer="dictionary", driver="GPKG")
        return {".gpkg": path.read_bytes()}


def write(
    atlas: Atlas, level: str, frame: pd.DataFrame, fmt: str, out: Path
) -> list[Path]:
    """Write an export next to ``out``; returns the files written."""
    out = Path(out)
    written = []
    for suffix, payload in to_bytes(atlas, level, frame, fmt).items():
        target = out if suffix == f".{fmt}" else out.with_suffix(suffix)
        if suffix == ".dictionary.csv":
            target = out.with_name(out.stem + ".dictionary.csv")
        target.write_bytes(payload)
        written.append(target)
    if not written:
        raise DivideError("nothing was written")
    return written
