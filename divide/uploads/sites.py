"""An uploaded layer of sites: each placed in today's commune."""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from divide.build.geography import place_points
from divide.build.readers._checks import in_france
from divide.build.readers.mediation import read_lieux_mediation
from divide.errors import SourceError
from divide.territory import normalise_codes
from divide.uploads.codes import code_matcher
from divide.uploads.common import (
    MAX_NAME,
    MAX_SUGGESTED,
    SITE_COLUMNS,
    SOURCE_ID,
    fold_header,
    quoted,
    safe_text,
)
from divide.uploads.report import Problem, Report, Term, flag_rows
from divide.uploads.tables import as_bytes, from_lambert93, parse_numbers, read_upload

# ---------------------------------------------------------------------- sites

_ALIASES = {
    role: tuple(words.split())
    for role, words in {
        "name": "nom name nom_structure nom_du_lieu nom_lieu lib_fs libelle libelle1 "
        "raison_sociale structure lieu titre title denomination enseigne site",
        "lat": "latitude lat y lat_wgs84 wgs84_lat coord_y y_wgs84 _geojson_lat",
        "lon": "longitude lon lng long x lon_wgs84 lng_wgs84 wgs84_lon coord_x "
        "x_wgs84 _geojson_lon",
        "latlon": "coordonnees coordonnees_gps coordonnees_finales geo_point_2d "
        "geopoint geo_point coordinates latlon lat_lon position",
        "code": "code_insee insee insee_com codgeo code_commune code_commune_insee "
        "depcom com citycode cog code_geo",
        "postcode": "code_postal cp postcode codepostal postal_code zip zipcode "
        "code_postal_bis",
        "address": "adresse address adresse_postale voie rue localisation",
        "complement": "complement_adresse complement",
        "services": "services service",
        "id": "id identifiant site_id id_fs uid code_bib bfc_id",
        "kind": "kind type typologie categorie category nature type_lieu",
        "labels": "labels_nationaux labels label",
        "source": "source",
        "date": "date_maj date mise_a_jour updated date_mise_a_jour",
    }.items()
}
_LATLON = re.compile(
    r"^\s*\[?\s*([+-]?\d+(?:\.\d+)?)\s*[,; ]\s*([+-]?\d+(?:\.\d+)?)\s*\]?\s*$"
)
_COMMUNE_CODE = re.compile(r"\d{5}|2[AB]\d{3}")
_LIBRARY = re.compile(r"biblio|mediath|library|\bbib\b")


@dataclass
class UserSites:
    """An uploaded site layer, placed in today's communes.

    Attributes
    ----------
    file : str
        The file's name (plain text).
    sites : pandas.DataFrame
        One row per usable site with :data:`SITE_COLUMNS` (those of
        ``atlas.sites``): ``source`` is ``"user_upload"``, ``commune`` today's
        commune, ``located_by`` ``"coordinates"`` or ``"commune point"`` (a site
        without coordinates stands at its commune's representative point).
    report : Report
        What was read, placed and left out.
    sha256 : str
        Checksum of the file.
    """

    file: str
    sites: pd.DataFrame
    report: Report
    sha256: str

    def with_atlas(self, atlas) -> pd.DataFrame:
        """The atlas's mediation sites followed by these ones (one table)."""
        return pd.concat([atlas.sites[SITE_COLUMNS], self.sites], ignore_index=True)


def _find(frame: pd.DataFrame, role: str) -> str | None:
    folded: dict[str, str] = {}
    for column in frame.columns:
        folded.setdefault(fold_header(column), column)
    return next((folded[a] for a in _ALIASES[role] if a in folded), None)


def load_sites(content: bytes, name: str, atlas) -> UserSites:
    """Read a user's layer of sites and place each one in today's commune.

    Parameters
    ----------
    content : bytes
        CSV or ``.xlsx`` with a name column and coordinates (columns named
        lat/latitude/y and lon/lng/longitude/x, WGS84 degrees or Lambert-93
        metres, or one "lat, lon" column), a commune code column or a postcode
        column; or GeoJSON points; or the LaMednum "lieux de médiation
        numérique" schema (JSON array or CSV), read with
        :func:`divide.build.readers.mediation.read_lieux_mediation`.
    name : str
        The file's name.
    atlas : divide.atlas.Atlas
        The atlas (communes, their polygons and the code map).

    Returns
    -------
    UserSites
        The unified table and the report. Coordinates outside France, unknown
        commune codes (with close matches) and missing names are listed; a site
        is placed by its commune code, else its coordinates (point in polygon),
        else its postcode when only one commune has it.

    Raises
    ------
    SourceError
        Unreadable file, limits broken, no name column, no location column.
    """
    file = safe_text(name, 120) or "upload"
    content = as_bytes(content, file)
    raw = read_upload(content, file, allow_json=True)
    frame, lines = raw.frame, raw.lines
    report = raw.start_report(file, "sites")
    report.rows_read = len(frame) + sum(1 for p in raw.bad_rows if p.kind == "bad row")
    if frame.empty:
        raise SourceError(file, "no data rows below the header")
    col = _site_columns(frame, raw.row_word == "feature", file, report)

    rejected = {p.row: p for p in raw.bad_rows if p.kind == "not a point"}
    lat, lon, rejected_rows = _site_coordinates(frame, col, lines, report, rejected)
    if rejected:
        geometry = pd.Series(lines, index=frame.index).isin(list(rejected))
        rejected_rows |= geometry
    # Plain text: one line, no control or bidirectional-override characters,
    # at most MAX_NAME characters.
    names = frame[col["name"]].map(lambda v: safe_text(v, MAX_NAME) or pd.NA)
    names = names.astype("string")
    matcher = code_matcher(atlas, "commune")
    codes = _codes(frame, col["code"])
    current, _ = matcher.current(codes)
    postcodes = _codes(frame, col["postcode"])
    postcodes = postcodes.where(postcodes.str.fullmatch(r"\d{5}").fillna(False))
    where = _Where(codes, current, postcodes, lat.notna() & lon.notna())
    keep = _flag_rows(
        report, frame, col, lines, names, where, matcher, rejected, rejected_rows
    )
    records = _lieux_records(frame, col, lines, names, where, lat, lon, keep)
    digest = hashlib.sha256(content).hexdigest()
    if not records:
        sites = pd.DataFrame({c: pd.Series(dtype="string") for c in SITE_COLUMNS})
        sites["lat"] = sites["lat"].astype(float)
        sites["lon"] = sites["lon"].astype(float)
        return UserSites(file, sites, report, digest)

    unified = _unify(records, file)
    position = {int(lines[i]): i for i in np.flatnonzero(keep)}
    index = np.array([position[v] for v in unified["_line"]], dtype=int)
    # The reader cleans names (newlines, runs of spaces, stray commas): a name
    # made only of those is no name.
    for line in sorted(set(position) - set(unified["_line"].tolist())):
        report.add(
            Problem.said(
                "no name", ("prob_empty_name", {}), row=line, column=col["name"]
            )
        )

    placed = _place(unified, index, current, atlas, report, lines)
    sites = placed[placed["commune"].notna()].reset_index(drop=True)
    if col["id"]:
        original = frame[col["id"]].iloc[index[placed["commune"].notna().to_numpy()]]
        sites["site_id"] = _site_ids(original, sites["_line"])
    sites = sites.drop(columns="_line")
    report.rows_joined = len(sites)
    report.usable_rows = len(sites)
    by = sites["located_by"].value_counts()
    report.details["placed"] = (
        "report_placed_value",
        {
            "coordinates": int(by.get("coordinates", 0)),
            "point": int(by.get("commune point", 0)),
        },
    )
    return UserSites(file, sites[SITE_COLUMNS], report, digest)


@dataclass(frozen=True)
class _Where:
    """What locates each row: its commune code (and today's), postcode, point."""

    codes: pd.Series
    current: pd.Series
    postcodes: pd.Series
    has_coords: pd.Series


def _codes(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return normalise_codes(frame[column], "commune")


def _site_columns(frame: pd.DataFrame, geojson: bool, file: str, report) -> dict:
    """The column of each role (name, coordinates, code...).

    A file with no name column, or no way to locate its sites, is refused.
    """
    col = {role: _find(frame, role) for role in _ALIASES}
    if geojson:  # the geometry gives the point
        col["lat"], col["lon"], col["latlon"] = "_geojson_lat", "_geojson_lon", None
    found = ", ".join(
        quoted(c, 40) for c in frame.columns if not c.startswith("_geojson")
    )
    if col["name"] is None:
        raise SourceError(
            file,
            "no column of site names (nom, name, libelle...). Columns found: " + found,
        )
    has_xy = col["lat"] is not None and col["lon"] is not None
    if not (has_xy or col["latlon"] or col["code"] or col["postcode"]):
        raise SourceError(
            file,
            "no way to locate the sites: add latitude and longitude columns, a "
            "commune code column (code_insee) or a postcode column (code_postal). "
            "Columns found: " + found,
        )
    used = {r: c for r, c in col.items() if c is not None and not c.startswith("_geo")}
    pairs = [(Term(f"role_{role}"), f" = {quoted(c, 40)}") for role, c in used.items()]
    listed = tuple(
        part for i, pair in enumerate(pairs) for part in (", " * bool(i), *pair)
    )
    report.details["columns used"] = ("report_listed", {"items": listed})
    return col


def _flag_rows(
    report, frame, col, lines, names, where: _Where, matcher, rejected, rejected_rows
) -> np.ndarray:
    """The rows kept: a name and somewhere to place it.

    Rows without a name, with an unknown code or with no location are reported.
    """
    no_name = names.isna()
    for i in flag_rows(report, no_name, "no name"):
        report.add(
            Problem.said(
                "no name", ("prob_no_name", {}), row=int(lines[i]), column=col["name"]
            )
        )
    codes, current = where.codes, where.current
    has_other = where.has_coords | where.postcodes.notna()
    unknown_code = ~no_name & codes.notna() & current.isna()
    hints = 0
    for other, severity in ((True, "cell"), (False, "row")):
        mask = unknown_code & (has_other if other else ~has_other)
        for i in flag_rows(report, mask, "unknown code", severity):
            hint = matcher.close(str(codes.iloc[i])) if hints < MAX_SUGGESTED else ()
            hints += 1
            unknown_part = {"level": "commune", "code": quoted(codes.iloc[i], 20)}
            report.add(
                Problem.said(
                    "unknown code",
                    ("prob_unknown_code", unknown_part),
                    *hint,
                    *((("prob_other_location", {}),) if other else ()),
                    row=int(lines[i]),
                    column=col["code"],
                    value=safe_text(frame[col["code"]].iloc[i], 40),
                    severity=severity,
                )
            )
    located = has_other | current.notna()
    nowhere = ~no_name & ~located & codes.isna()
    # Rows whose only location was rejected: that problem now drops the row.
    escalate = (nowhere & rejected_rows).to_numpy()
    unlisted = 0
    for line in lines[escalate]:
        problem = rejected.get(int(line))
        if problem is None:
            unlisted += 1
            continue
        problem.add_part("prob_dropped")
        report.set_severity(problem, "row")
    report.move("cell", "row", unlisted)
    for i in flag_rows(report, nowhere & ~rejected_rows, "no location"):
        report.add(
            Problem.said("no location", ("prob_no_location", {}), row=int(lines[i]))
        )
    return (~no_name & located).to_numpy()


def _lieux_records(frame, col, lines, names, where: _Where, lat, lon, keep):
    """The kept rows as JSON records of LaMednum's "lieux de médiation" schema.

    So one reader unifies uploads and open data alike.
    """

    def text(role: str) -> pd.Series:
        if col[role] is None:
            return pd.Series(pd.NA, index=frame.index, dtype="string")
        return frame[col[role]].astype("string")

    kind_text = text("kind")
    labels = text("labels")
    labels = labels.fillna(kind_text).where(
        kind_text.isna() | labels.isna(), labels + ";" + kind_text
    )
    folded_kind = kind_text.fillna("").map(lambda t: fold_header(t).replace("_", " "))
    typology = kind_text.where(~folded_kind.str.contains(_LIBRARY), "BIB")
    inputs = pd.DataFrame(
        {
            "id": pd.Series(lines, index=frame.index).astype(str),
            "nom": names,
            "adresse": text("address"),
            "complement_adresse": text("complement"),
            "code_postal": where.postcodes,
            "code_insee": where.codes.where(where.current.notna()),
            "latitude": lat.map(repr).where(lat.notna()),
            "longitude": lon.map(repr).where(lon.notna()),
            "services": text("services"),
            "labels_nationaux": labels,
            "typologie": typology,
            "source": text("source"),
            "date_maj": text("date"),
        }
    )[keep]
    columns = {
        key: [None if pd.isna(v) else str(v) for v in inputs[key].astype(object)]
        for key in inputs.columns
    }
    return [
        dict(zip(columns, values, strict=True))
        for values in zip(*columns.values(), strict=True)
    ]


def _unify(records: list[dict], file: str) -> pd.DataFrame:
    """The records read by the open-data reader; ``_line``: each one's file line."""
    with tempfile.TemporaryDirectory(prefix="divide_upload_") as tmp:
        path = Path(tmp) / "upload.json"
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        try:
            unified = read_lieux_mediation(path, SOURCE_ID)
        except SourceError as exc:
            raise SourceError(file, exc.detail) from None
    unified["_line"] = (
        unified["site_id"].str.split(":", n=1).str[1].astype(int).to_numpy()
    )
    return unified


def _site_ids(original: pd.Series, lines: pd.Series) -> pd.Series:
    text = original.astype("string").str.strip()
    text = text.fillna(lines.astype("string").set_axis(text.index))
    text = pd.Series(
        [safe_text(t, 80) for t in text], index=lines.index, dtype="string"
    )
    dup = text.duplicated(keep=False)
    if dup.any():
        rank = text.groupby(text).cumcount() + 1
        text = text.where(~dup, text + "#" + rank.astype("string"))
    return (SOURCE_ID + ":" + text).astype("string")


def _read_coordinates(
    frame: pd.DataFrame,
    col: dict,
    lines: np.ndarray,
    report: Report,
    rejected: dict[int, Problem],
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The numbers of the latitude and longitude columns (or of one "lat, lon").

    Cells that are not numbers are listed (and added to ``rejected``); the third
    result flags their rows.
    """
    bad = pd.Series(False, index=frame.index)
    lat = pd.Series(np.nan, index=frame.index)
    lon = pd.Series(np.nan, index=frame.index)
    names = ("lat", "lon")
    if col["lat"] and col["lon"]:
        for role, target in zip(names, (lat, lon), strict=True):
            values, invalid, _ = parse_numbers(frame[col[role]])
            target[:] = values.to_numpy()
            bad |= invalid
            for i in flag_rows(report, invalid, "not a number", "cell"):
                problem = Problem.said(
                    "not a number",
                    (
                        "prob_not_a_coordinate",
                        {"value": quoted(frame[col[role]].iloc[i], 40)},
                    ),
                    row=int(lines[i]),
                    column=col[role],
                    value=safe_text(frame[col[role]].iloc[i], 40),
                    severity="cell",
                )
                report.add(problem)
                rejected.setdefault(int(lines[i]), problem)
    elif col["latlon"]:
        text = frame[col["latlon"]].astype("string")
        parts = text.str.extract(_LATLON.pattern)
        lat[:] = pd.to_numeric(parts[0], errors="coerce").astype(float).to_numpy()
        lon[:] = pd.to_numeric(parts[1], errors="coerce").astype(float).to_numpy()
        unreadable = (text.notna() & parts[0].isna()).astype(bool)
        bad |= unreadable
        for i in flag_rows(report, unreadable, "not a number", "cell"):
            problem = Problem.said(
                "not a number",
                ("prob_not_a_pair", {"value": quoted(text.iloc[i], 40)}),
                row=int(lines[i]),
                column=col["latlon"],
                value=safe_text(text.iloc[i], 40),
                severity="cell",
            )
            report.add(problem)
            rejected.setdefault(int(lines[i]), problem)
    return lat, lon, bad


def _site_coordinates(
    frame: pd.DataFrame,
    col: dict,
    lines: np.ndarray,
    report: Report,
    rejected: dict[int, Problem],
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Latitude and longitude (WGS84), NaN where missing or rejected.

    Listed problems with a row's coordinates are added to ``rejected`` (by
    line), and the third result flags every row whose coordinates were
    rejected, so that the caller can say the row was left out when nothing else
    locates it.
    """
    lat, lon, bad = _read_coordinates(frame, col, lines, report, rejected)
    both = lat.notna() & lon.notna()
    lat[~both], lon[~both] = np.nan, np.nan
    # Lambert-93 metres (x in lon, y in lat) when most points look like them.
    metric = both & lon.between(50_000, 1_300_000) & lat.between(6_000_000, 7_200_000)
    if both.any() and metric.sum() > 0.5 * both.sum():
        x, y = from_lambert93(lon[metric].to_numpy(), lat[metric].to_numpy())
        lon[metric], lat[metric] = x, y
        report.notes.append(("note_lambert_points", {"n": int(metric.sum())}))
    inside = both & in_france(lon, lat)
    swapped = both & ~inside & in_france(lat, lon)
    if swapped.any():
        lat[swapped], lon[swapped] = lon[swapped].to_numpy(), lat[swapped].to_numpy()
        shown = ", ".join(str(int(v)) for v in lines[swapped.to_numpy()][:10])
        report.notes.append(
            (
                "note_swapped",
                {
                    "n": int(swapped.sum()),
                    "word": Term(f"word_{report.row_word}"),
                    "rows": shown,
                },
            )
        )
    outside = both & ~inside & ~swapped
    column = f"{col['lat'] or col['latlon']}, {col['lon'] or col['latlon']}"
    bad |= outside
    for i in flag_rows(report, outside, "outside France", "cell"):
        problem = Problem.said(
            "outside France",
            (
                "prob_outside_france",
                {"lat": f"{lat.iloc[i]:g}", "lon": f"{lon.iloc[i]:g}"},
            ),
            row=int(lines[i]),
            column=column.replace("_geojson_lat, _geojson_lon", "geometry"),
            severity="cell",
        )
        report.add(problem)
        rejected.setdefault(int(lines[i]), problem)
    lat[outside], lon[outside] = np.nan, np.nan
    return lat, lon, bad


def _place(
    unified: pd.DataFrame,
    index: np.ndarray,
    current: pd.Series,
    atlas,
    report: Report,
    lines: np.ndarray,
) -> pd.DataFrame:
    """Add ``commune``, ``departement``, ``located_by``; fill missing points."""
    communes = atlas.level("commune")
    commune = pd.Series(
        current.iloc[index].to_numpy(), index=unified.index, dtype="string"
    )
    todo = commune.isna() & unified["lat"].notna() & unified["lon"].notna()
    if todo.any():
        shapes = _commune_shapes(atlas)
        commune[todo] = place_points(unified[todo], shapes).to_numpy()
    by_postcode = _postcode_index(communes)
    unique = {p: codes[0] for p, codes in by_postcode.items() if len(codes) == 1}
    by_unique = unified["postcode"].astype(object).map(unique)
    commune = commune.fillna(by_unique.astype("string"))
    lost = commune.isna()
    for i in flag_rows(report, lost, "not placed"):
        line = int(unified["_line"].iloc[i])
        postcode = unified["postcode"].iloc[i]
        if not pd.isna(unified["lat"].iloc[i]):
            why = ("prob_not_placed_sea", {})
        elif not pd.isna(postcode):
            n = len(by_postcode.get(str(postcode), []))
            why = (
                ("prob_not_placed_shared", {"postcode": postcode, "n": n})
                if n > 1
                else ("prob_not_placed_unknown", {"postcode": postcode})
            )
        else:
            why = ("prob_not_placed_nothing", {})
        report.add(Problem.said("not placed", why, row=line))
    unified = unified.copy()
    unified["commune"] = commune.astype("string")
    unified["departement"] = commune.map(communes["departement"]).astype("string")
    no_xy = unified["lat"].isna() | unified["lon"].isna()
    unified["located_by"] = pd.array(
        np.where(no_xy, "commune point", "coordinates"), dtype="string"
    )
    for axis in ("lon", "lat"):
        fallback = commune[no_xy].map(communes[axis]).to_numpy(dtype=float)
        unified[axis] = unified[axis].astype(float)
        unified.loc[no_xy, axis] = fallback
    return unified


_SHAPES: dict[str, Any] = {}


def _commune_shapes(atlas):
    key = str(Path(atlas.path).resolve())
    if key not in _SHAPES:
        _SHAPES[key] = atlas.geometry("commune", display=False)
    return _SHAPES[key]


def _postcode_index(communes: pd.DataFrame) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for code, postcodes in zip(
        communes.index.astype(str), communes["postcodes"].fillna(""), strict=True
    ):
        for postcode in str(postcodes).split():
            index.setdefault(postcode, []).append(code)
    return index
