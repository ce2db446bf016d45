"""Export files: CSV (and zip), GeoJSON, GeoPackage, Parquet; their sizes."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import shapely

from divide.atlas import Atlas, check_level
from divide.errors import DivideError, unknown
from divide.export.dictionary import dictionary, rounded, with_vintages
from divide.export.rows import described_columns, indicator_columns
from divide.formatting import format_count
from divide.registry import Indicator
from divide.spreadsheet import RISKY_START

FORMATS = ("csv", "geojson", "gpkg", "parquet")


GEO_FORMATS = ("geojson", "gpkg", "parquet")


# Rough bytes per polygon vertex, per table cell and per described indicator,
# measured on the 2026 atlas; only used to show sizes before a download.
BYTES_PER_VERTEX = {"csv": 0, "geojson": 19, "gpkg": 22, "parquet": 13}


# Zipped CSV: 0.4 (départements) to 2.0 (EPCI) bytes per cell, 1.2 for all communes.
BYTES_PER_CELL = {"csv": 1.2, "geojson": 22, "gpkg": 12, "parquet": 5}


BYTES_PER_INDICATOR = {"csv": 300, "geojson": 700, "gpkg": 800, "parquet": 800}


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells starting with = + - @ tab or CR with an apostrophe.

    Spreadsheets would otherwise run such cells as formulas (CSV injection).
    Numbers are left alone.
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            text = out[column].astype("string")
            risky = text.str.startswith(RISKY_START).fillna(False)
            out[column] = text.where(~risky, "'" + text)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV (no index), with formula-like text neutralised."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8")


def csv_files(
    frame: pd.DataFrame,
    *,
    vintages: bool = False,
    extra: Mapping[str, Indicator] | None = None,
    dates: Mapping[str, str] | None = None,
) -> dict[str, bytes]:
    """The data CSV and its dictionary CSV (UTF-8, formulas neutralised).

    Values are rounded per unit (:func:`rounded`); ``vintages`` adds a
    ``<id>_source`` column beside each indicator, so the CSV still says where
    and when its figures come from once parted from its dictionary. ``dates``:
    the atlas's :attr:`~divide.atlas.Atlas.as_of` (see :func:`dictionary`).

    Lines end with CRLF as RFC 4180 asks: with a bare LF, pandas (like Python's
    csv module) leaves a field holding a carriage return unquoted, and readers
    that split on CR would break the row.
    """
    ids = described_columns(frame)
    options = {"index": False, "lineterminator": "\r\n"}
    data = rounded(frame, extra)
    if vintages:
        data = with_vintages(data, extra, dates)
    data = neutralise_formulas(data).to_csv(float_format="%.12g", **options)
    notes = neutralise_formulas(dictionary(ids, extra, dates)).to_csv(**options)
    return {".csv": data.encode("utf-8"), ".dictionary.csv": notes.encode("utf-8")}


def zip_csv(
    frame: pd.DataFrame,
    name: str = "divide_export",
    *,
    vintages: bool = False,
    extra: Mapping[str, Indicator] | None = None,
    dates: Mapping[str, str] | None = None,
) -> bytes:
    """A zip holding ``name.csv`` and ``name.dictionary.csv``.

    One download keeps the data and the description of its columns (labels,
    units, sources, vintages, licences) together.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files = csv_files(frame, vintages=vintages, extra=extra, dates=dates)
        for suffix, payload in files.items():
            archive.writestr(f"{name}{suffix}", payload)
    return buffer.getvalue()


def _shapes(atlas: Atlas, level: str, simplified: bool) -> gpd.GeoDataFrame:
    if level == "france":
        regions = atlas.geometry("region", display=simplified)
        return regions.dissolve().assign(code="FR")[["code", "geometry"]]
    return atlas.geometry(level, display=simplified)[["code", "geometry"]]


def with_geometry(
    atlas: Atlas, level: str, frame: pd.DataFrame, *, simplified: bool = False
) -> gpd.GeoDataFrame:
    """Attach polygons in EPSG:4326 (France: the union of régions).

    Parameters
    ----------
    simplified : bool
        Use the lighter polygons drawn on the maps instead of full resolution.
    """
    shapes = _shapes(atlas, level, simplified)
    if shapes.crs is not None and shapes.crs.to_epsg() != 4326:
        shapes = shapes.to_crs(4326)
    merged = frame.merge(shapes, on="code", how="left")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")


def _geojson(gdf: gpd.GeoDataFrame, notes: pd.DataFrame) -> bytes:
    # Built from vectorised pieces: gdf.to_json() is ~10× slower on 35,000 communes.
    geoms = shapely.to_geojson(gdf.geometry.to_numpy())
    props = pd.DataFrame(gdf.drop(columns="geometry")).to_json(
        orient="records", lines=True, force_ascii=False
    )
    features = ",\n".join(
        f'{{"type":"Feature","properties":{p},"geometry":{g or "null"}}}'
        for p, g in zip(props.splitlines(), geoms, strict=True)
    )
    meta = json.dumps(
        {"crs": "EPSG:4326", "dictionary": notes.to_dict("records")},
        ensure_ascii=False,
    )
    text = (
        f'{{"type":"FeatureCollection","metadata":{meta},\n"features":[\n'
        f"{features}\n]}}\n"
    )
    return text.encode("utf-8")


def _parquet(gdf: gpd.GeoDataFrame, notes: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    gdf.to_parquet(buffer, index=False)
    arrow = pq.read_table(io.BytesIO(buffer.getvalue()))
    meta = dict(arrow.schema.metadata or {})
    meta[b"divide"] = json.dumps(
        {"dictionary": notes.to_dict("records")}, ensure_ascii=False
    ).encode("utf-8")
    out = io.BytesIO()
    pq.write_table(arrow.replace_schema_metadata(meta), out, compression="zstd")
    return out.getvalue()


def _gpkg(gdf: gpd.GeoDataFrame, notes: pd.DataFrame) -> bytes:
    import pyogrio  # only for GeoPackage exports: kept off the app's start

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        pyogrio.write_dataframe(gdf, path, layer="territories", driver="GPKG")
        notes = notes.astype(str)
        pyogrio.write_dataframe(notes, path, layer="dictionary", driver="GPKG")
        return path.read_bytes()


def to_bytes(
    atlas: Atlas,
    level: str,
    frame: pd.DataFrame,
    fmt: str,
    *,
    simplified: bool = False,
    vintages: bool = False,
) -> dict[str, bytes]:
    """Serialise an export.

    Parameters
    ----------
    atlas : Atlas
    level : str
        Level of the rows of ``frame`` (to fetch their polygons).
    frame : DataFrame
        A table from :func:`table`.
    fmt : str
        csv, geojson, gpkg or parquet.
    simplified : bool
        Lighter map polygons instead of full-resolution ones (geographic formats).
    vintages : bool
        CSV: a ``<id>_source`` column beside each indicator.

    Returns
    -------
    dict
        ``{file suffix: bytes}``; CSV gives ``.csv`` and ``.dictionary.csv``.
        Values are rounded per unit (:data:`PRECISION`) in every format.
    """
    if fmt not in FORMATS:
        raise unknown("format", fmt, FORMATS)
    check_level(level)
    if fmt == "csv":
        return csv_files(
            frame, vintages=vintages, extra=atlas.uploaded, dates=atlas.as_of
        )
    notes = dictionary(described_columns(frame), atlas.uploaded, atlas.as_of)
    values = rounded(frame, atlas.uploaded)
    gdf = with_geometry(atlas, level, values, simplified=simplified)
    writer = {"geojson": _geojson, "parquet": _parquet, "gpkg": _gpkg}[fmt]
    return {f".{fmt}": writer(gdf, notes)}


DOWNLOADS = {
    "csv": ("zip", "application/zip"),
    "geojson": ("geojson", "application/geo+json"),
    "gpkg": ("gpkg", "application/geopackage+sqlite3"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
}


def payload(
    atlas: Atlas,
    level: str,
    frame: pd.DataFrame,
    fmt: str,
    *,
    name: str = "divide_export",
    simplified: bool = False,
    vintages: bool = False,
) -> bytes:
    """One downloadable file: a zip of data and dictionary for CSV, else the file.

    The file extension and MIME type are in ``DOWNLOADS[fmt]``.
    """
    if fmt == "csv":
        return zip_csv(
            frame, name, vintages=vintages, extra=atlas.uploaded, dates=atlas.as_of
        )
    return to_bytes(atlas, level, frame, fmt, simplified=simplified)[f".{fmt}"]


def write(
    atlas: Atlas,
    level: str,
    frame: pd.DataFrame,
    fmt: str,
    out: str | Path,
    *,
    simplified: bool = False,
    vintages: bool = False,
) -> list[Path]:
    """Write an export; returns the files written.

    ``out`` is the data file; a name without a suffix that does not exist yet
    gets ``.<fmt>``; an existing folder receives ``divide_<level>.<fmt>``. A CSV
    export also writes ``<stem>.dictionary.csv`` beside it. An existing path is
    never renamed. Files are written whole or not at all: each is written beside
    its target first, then moved into place.

    Raises
    ------
    DivideError
        The folder does not exist; ``out`` is a device, a pipe or anything but a
        regular file or a folder; a file cannot be written (no space left,
        permission denied, read-only disk...).
    """
    out = Path(out)
    if out.is_dir():
        out = out / f"divide_{level}.{fmt}"
    elif out.exists() and not out.is_file():
        raise DivideError(
            f"cannot write the export to {out}: it is not a regular file (a device, "
            "a pipe...). Give the path of a file to create, such as brest.csv"
        )
    elif not out.exists() and not out.suffix:
        out = out.with_suffix(f".{fmt}")
    if not out.parent.is_dir():
        raise DivideError(f"folder not found: {out.parent}")
    payloads = to_bytes(
        atlas, level, frame, fmt, simplified=simplified, vintages=vintages
    )
    targets = {
        suffix: out if suffix == f".{fmt}" else out.with_name(out.stem + suffix)
        for suffix in payloads
    }
    for target in targets.values():
        if target.exists() and not target.is_file():
            raise DivideError(
                f"cannot write the export to {target}: it is not a regular file"
            )
    parts: list[Path] = []
    target = out
    try:
        for suffix, target in targets.items():
            part = target.with_name(f".{target.name}.part")
            parts.append(part)
            part.write_bytes(payloads[suffix])
        for part, target in zip(parts, targets.values(), strict=True):
            part.replace(target)
    except OSError as exc:
        for part in parts:
            part.unlink(missing_ok=True)
        raise DivideError(
            f"cannot write the export to {target}: "
            f"{exc.strerror or type(exc).__name__}. Choose a folder you can write "
            "to, on a disk with space left"
        ) from None
    return list(targets.values())


@lru_cache(maxsize=16)
def _vertices(path: str, level: str, simplified: bool) -> pd.Series:
    """Polygon vertices per territory code (France: all régions' vertices)."""
    if level == "france":
        shapes = Atlas(Path(path)).geometry("region", display=simplified)
        total = shapely.get_num_coordinates(shapes.geometry.to_numpy()).sum()
        return pd.Series({"FR": total})
    shapes = Atlas(Path(path)).geometry(level, display=simplified)
    counts = shapely.get_num_coordinates(shapes.geometry.to_numpy())
    return pd.Series(counts, index=shapes["code"].to_numpy())


def estimate_size(
    atlas: Atlas,
    level: str,
    frame: pd.DataFrame,
    fmt: str,
    *,
    simplified: bool = False,
) -> int:
    """Approximate size in bytes of an export, without building it.

    Good to within a factor of two: enough to warn before a large download.
    """
    if fmt not in FORMATS:
        raise unknown("format", fmt, FORMATS)
    cells = len(frame) * (len(frame.columns) + 2)
    size = cells * BYTES_PER_CELL[fmt]  # CSV: zipped, about 40 % of the text
    size += BYTES_PER_INDICATOR[fmt] * len(indicator_columns(frame))
    if fmt in GEO_FORMATS and len(frame):
        vertices = _vertices(str(atlas.path), level, simplified)
        n = vertices.reindex(frame["code"].to_numpy()).fillna(0).sum()
        size += int(n) * BYTES_PER_VERTEX[fmt]
    return int(size) + 4096


def human_size(n_bytes: float, lang: str = "en") -> str:
    """``12.3 MB`` (``12,3 Mo`` in French)."""
    units = ("B", "kB", "MB", "GB") if lang != "fr" else ("o", "ko", "Mo", "Go")
    value = float(n_bytes)
    for unit in units:
        if value < 1000 or unit == units[-1]:
            text = format_count(value, lang, 0 if unit in ("B", "o") else 1)
            return f"{text} {unit}"
        value /= 1000
    return f"{value} {units[-1]}"  # pragma: no cover
