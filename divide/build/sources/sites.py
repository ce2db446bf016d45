"""Sources of places: 4G sites, mediation places, posts, use, operators; distances."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from divide.build.geography import Reference, place_points
from divide.build.harmonise import map_codes
from divide.build.readers import (
    cohesion,
    mediation,
    mediation_use,
    mobile,
)
from divide.build.sources.statistics import raw_path
from divide.distance import nearest_distance_km
from divide.registry import DEFAULT_RADIUS_KM, RANGE_ENDS


def mobile_sites(raw: Path, communes: gpd.GeoDataFrame) -> tuple[pd.DataFrame, dict]:
    """4G antenna sites per commune and distance to the nearest one."""
    frames = [mobile.read_mobile_sites_mainland(raw_path(raw, "arcep_mobile_sites"))]
    dropped = dict(frames[0].attrs.get("dropped", {}))
    for path in sorted(
        (raw / "mobile").glob("arcep_monreseaumobile_sites_*_2020_T2.csv")
    ):
        frames.append(mobile.read_mobile_sites_overseas(path))
    dropped_rows = [row for frame in frames for row in frame.attrs["dropped_rows"]]
    sites = pd.concat(frames, ignore_index=True)
    sites_4g = sites[sites["has_4g"]].copy()
    sites_4g["commune"] = place_points(sites_4g, communes)
    counts = sites_4g.groupby("commune").size()

    points = communes[["code", "lon", "lat", "departement"]].rename(
        columns={"departement": "dep"}
    )
    distance = nearest_distance_km(points, sites_4g[["lon", "lat"]])
    distance.index = points["code"].to_numpy()
    population = communes.set_index("code")["population"]
    table = pd.DataFrame(index=pd.Index(communes["code"], name="code"))
    table["sites_4g"] = counts.reindex(table.index).fillna(0)
    table["dist_4g_x_pop"] = distance * population
    table["pop_dist_4g"] = population.where(distance.notna())
    outside = sites_4g["commune"].isna()
    details = [{"source": "arcep_mobile_sites", **row} for row in dropped_rows]
    details += [
        {
            "source": "arcep_mobile_sites",
            "record": f"{row.operator} {row.lon:.5f},{row.lat:.5f}",
            "reason": "4G site outside every commune polygon (at sea or on a "
            "border): counted in no commune, used for distances",
        }
        for row in sites_4g[outside].itertuples()
    ]
    report = {
        "details": details,
        "source": "arcep_mobile_sites",
        "rows_read": int(len(sites) + sum(dropped.values())),
        "dropped": dropped,
        "sites_4g": len(sites_4g),
        "sites_4g_outside_any_commune": int(sites_4g["commune"].isna().sum()),
        "note": "territories without a 4G site file (none of 977/978 are in COG) "
        "keep no distance",
    }
    return table, report


def mediation_sites(
    raw: Path, ref: Reference, communes: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, dict]:
    """Unified mediation sites, each placed in today's commune."""
    sites, report = mediation.read_all_sites(raw)
    report.pop("seconds", None)  # the atlas must rebuild to the same bytes
    current, how = map_codes(sites["commune_code"], ref)
    placed = place_points(sites, communes)
    # A commune code in the file wins; points place the rest; an Aidants Connect
    # structure with neither, its postcode and commune name (La Poste).
    sites["commune"] = current.fillna(placed)
    by_postcode, _ = map_codes(sites["site_id"].map(aidants_by_postcode(raw)), ref)
    by_postcode = by_postcode.where(sites["commune"].isna())
    sites["commune"] = sites["commune"].fillna(by_postcode)
    report["placed_by_code"] = int(current.notna().sum())
    report["placed_by_point"] = int((current.isna() & placed.notna()).sum())
    report["placed_by_postcode_and_name"] = int(by_postcode.notna().sum())
    report["details"] += [
        {
            "source": str(site_id).split(":")[0],
            "record": str(site_id),
            "reason": "no commune code nor coordinates: placed by postcode and "
            "commune name (La Poste), drawn at the commune's centre",
            "commune": code,
        }
        for site_id, code in zip(
            sites.loc[by_postcode.notna(), "site_id"],
            by_postcode.dropna(),
            strict=True,
        )
    ]
    report["code_via_merged_commune"] = int((how == "merged").sum())
    lost = sites["commune"].isna()
    report["not_placed"] = int(lost.sum())
    report["not_placed_ids"] = sorted(sites.loc[lost, "site_id"].astype(str))[:200]
    report["details"] += [
        {
            "source": str(site_id).split(":")[0],
            "record": str(site_id),
            "reason": "not placed: no current commune code and no point inside a "
            "commune",
        }
        for site_id in sites.loc[lost, "site_id"]
    ]
    dep = communes.set_index("code")["departement"]
    sites["departement"] = sites["commune"].map(dep)
    # A site without coordinates stands at its commune's representative point.
    point = communes.set_index("code")[["lon", "lat"]]
    no_xy = sites["lon"].isna() | sites["lat"].isna()
    sites["located_by"] = np.where(no_xy, "commune point", "coordinates")
    report["at_commune_point"] = int((no_xy & ~lost).sum())
    for axis in ("lon", "lat"):
        fallback = sites.loc[no_xy, "commune"].map(point[axis]).to_numpy(dtype=float)
        sites[axis] = sites[axis].astype(float)
        sites.loc[no_xy, axis] = fallback
    return sites[~lost].reset_index(drop=True), report


def _by_postcode(raw: Path, rows: pd.DataFrame) -> pd.Series:
    """Commune code of each row from its postcode and commune name (La Poste).

    ``rows`` has ``postcode`` and ``city`` (Aidants Connect structures without a
    commune code); NA where La Poste's table does not tell.
    """
    postcodes = mediation_use.read_postcodes(raw_path(raw, "laposte_postcodes"))
    return mediation_use.commune_by_postcode(rows["postcode"], rows["city"], postcodes)


def aidants_by_postcode(raw: Path) -> pd.Series:
    """Active Aidants Connect structures without a commune code, placed by postcode.

    Returns the commune code found from the postcode and the commune name in La
    Poste's table (as :func:`mediation_supply` counts them), indexed by
    ``site_id``; structures it cannot place are left out.
    """
    folder = Path(raw) / "mediation"
    aidants = mediation.active_aidants(
        mediation.read_aidants_connect(folder / mediation.FILES["aidants_connect_2024"])
    )
    no_code = aidants[aidants["commune_code"].isna()]
    found = _by_postcode(raw, no_code)
    return pd.Series(found.to_numpy(), index=no_code["site_id"].to_numpy()).dropna()


def mediation_supply(
    raw: Path, ref: Reference
) -> tuple[pd.DataFrame, dict, list[dict]]:
    """Conseiller numérique posts and structures, active Aidants Connect structures.

    Counted per commune straight from each source file (not after the merge of
    places): ``cnfs_posts`` (posts validated by the COSELEC, 2023-04-05),
    ``cnfs_structures`` and ``aidants_connect_sites`` (active structures only,
    2024-02-12). Codes are mapped onto today's communes (an arrondissement into its
    commune); an Aidants Connect structure without a code is placed by its
    postcode and commune name in La Poste's table.
    """
    folder = raw / "mediation"
    cnfs = mediation.read_cnfs_structures_2023(
        folder / mediation.FILES["cnfs_structures_2023"]
    )
    every = mediation.read_aidants_connect(
        folder / mediation.FILES["aidants_connect_2024"]
    )
    aidants = mediation.active_aidants(every)
    # Rows without a commune code: by postcode and commune name (La Poste).
    no_code = aidants["commune_code"].isna()
    by_postcode = _by_postcode(raw, aidants[no_code])
    aidants.loc[no_code, "commune_code"] = by_postcode
    placed_by_postcode = int(by_postcode.notna().sum())
    reports: dict = {}
    details: list[dict] = []
    tables = []
    for source_id, df, columns in (
        (
            "cnfs_structures_2023",
            cnfs.assign(cnfs_structures=1.0),
            {"posts": "cnfs_posts", "cnfs_structures": "cnfs_structures"},
        ),
        (
            "aidants_connect_2024",
            aidants.assign(aidants_connect_sites=1.0),
            {"aidants_connect_sites": "aidants_connect_sites"},
        ),
    ):
        table, reports[source_id], lost = _counted_per_commune(
            source_id, df, columns, ref
        )
        tables.append(table)
        details += lost
    reports["cnfs_structures_2023"]["posts"] = float(cnfs["posts"].sum())
    reports["aidants_connect_2024"].update(
        placed_by_postcode_and_name=placed_by_postcode,
        inactive_not_counted=int((~every["active"]).sum()),
        active=int(every["active"].sum()),
        france_services_label=int(every["kinds"].str.contains("france_services").sum()),
    )
    details += [
        {"source": "aidants_connect_2024", **row}
        for row in aidants.attrs["dropped_rows"]
        if row["reason"] == mediation.INACTIVE
    ]
    out = pd.DataFrame(index=pd.Index(sorted(ref.codes), name="code"))
    for table in tables:
        out = out.join(table)
    return out.fillna(0.0), reports, details


def _counted_per_commune(
    source_id: str, df: pd.DataFrame, columns: dict[str, str], ref: Reference
) -> tuple[pd.DataFrame, dict, list[dict]]:
    """One file's rows summed per current commune: the table, its report, details.

    ``columns`` maps the file's columns to the base columns they are summed into.
    """
    # Each row is a place: an arrondissement's row is counted in its
    # commune even when the commune has rows of its own (not a breakdown).
    current, how = map_codes(df["commune_code"], ref)
    counted = df.assign(code=current)[current.notna()]
    table = (
        counted.rename(columns=columns).groupby("code")[list(columns.values())].sum()
    )
    lost = df["commune_code"].notna() & current.isna()
    report = {
        "source": source_id,
        "rows_read": int(df.attrs["rows_read"]),
        "dropped": dict(df.attrs["dropped"]),
        "matched": int((how == "direct").sum()),
        "merged": int((how == "merged").sum()),
        "arrondissements": int((how == "arrondissement").sum()),
        "no_commune_code": int(df["commune_code"].isna().sum()),
        "unmatched": int(lost.sum()),
        "unmatched_codes": sorted(df.loc[lost, "commune_code"].astype(str)),
        "counted": int(current.notna().sum()),
    }
    details = [
        {
            "source": source_id,
            "record": f"{site} ({code})",
            "reason": "commune code not in COG 2026 nor a former code: not counted",
            "commune": code,
        }
        for site, code in zip(
            df.loc[lost, "site_id"], df.loc[lost, "commune_code"], strict=True
        )
    ]
    details += [
        {
            "source": source_id,
            "record": r,
            "reason": "no commune code, postcode and name not found: not counted",
        }
        for r in df.loc[df["commune_code"].isna(), "site_id"].astype(str)
    ]
    return table, report, details


def mediation_activity(
    raw: Path, ref: Reference, population: pd.Series
) -> tuple[pd.DataFrame, dict, list[dict]]:
    """People accompanied by conseillers numériques, placed on today's communes.

    Each postcode's people are split among the communes La Poste lists for it
    (codes harmonised onto today's communes) in proportion to their population
    (equally when none of them has a known population). Malformed postcodes and
    postcodes La Poste does not know are not placed; both are reported.
    """
    activity = mediation_use.read_conum_activity(raw_path(raw, "conum_activity_2023"))
    postcodes = mediation_use.read_postcodes(raw_path(raw, "laposte_postcodes"))
    current, _ = map_codes(postcodes["commune_code"], ref)
    links = postcodes.assign(code=current.to_numpy()).dropna(subset=["code"])
    links = links.drop_duplicates(["postcode", "code"])
    links["weight"] = links["code"].map(population).fillna(0.0).to_numpy(dtype=float)
    total = links.groupby("postcode")["weight"].transform("sum")
    count = links.groupby("postcode")["code"].transform("size")
    links["share"] = np.where(
        total > 0, links["weight"] / total.where(total > 0, 1), 1.0 / count
    )
    placed = activity.merge(links[["postcode", "code", "share"]], on="postcode")
    placed["people_accompanied"] = placed["people"] * placed["share"]
    per_commune = placed.groupby("code")["people_accompanied"].sum()
    out = pd.DataFrame(index=pd.Index(sorted(ref.codes), name="code"))
    out["people_accompanied"] = per_commune.reindex(out.index).fillna(0.0)
    unknown = sorted(set(activity["postcode"]) - set(links["postcode"]))
    split = links.groupby("postcode").size()
    details = [
        {"source": "conum_activity_2023", **row} for row in activity.attrs["malformed"]
    ] + [
        {
            "source": "conum_activity_2023",
            "record": code,
            "reason": "postcode not in La Poste's table (or only on communes that "
            "no longer exist): not placed",
        }
        for code in unknown
    ]
    lost = activity[activity["postcode"].isin(unknown)]["people"].sum()
    report = {
        "source": "conum_activity_2023",
        "rows_read": int(activity.attrs["rows_read"]),
        "malformed_postcodes": len(activity.attrs["malformed"]),
        "matched": int(activity["postcode"].isin(links["postcode"]).sum()),
        "unmatched": len(unknown),
        "unmatched_codes": unknown[:200],
        "postcodes_split_by_population": int(
            activity["postcode"].isin(split[split > 1].index).sum()
        ),
        "people": float(activity["people"].sum()),
        "people_not_placed": float(lost + activity.attrs["malformed_people"]),
        "people_placed": float(placed["people_accompanied"].sum()),
    }
    return out, report, details


def cohesion_operators(
    raw: Path, departements: pd.Series
) -> tuple[pd.DataFrame, dict, list[dict]]:
    """Operators eligible to the « cohésion numérique » subsidy, per département.

    ``departements`` holds today's département codes; a code of the file that is
    not one of them is reported (and kept out of the table).
    """
    table = cohesion.read_cohesion_operators(raw_path(raw, "cohesion_operators_2024"))
    known = table["departement"].isin(set(departements))
    unknown = sorted(set(table.loc[~known, "departement"]))
    details = [
        {
            "source": "cohesion_operators_2024",
            "record": code,
            "reason": "not a current département code: not used",
        }
        for code in unknown
    ]
    report = {
        "source": "cohesion_operators_2024",
        "rows_read": int(table.attrs["rows_read"]),
        "departements": int(table.attrs["departements"]),
        "matched": int(table.loc[known, "departement"].nunique()),
        "unmatched": len(unknown),
        "unmatched_codes": unknown,
        "operator_offers": int(known.sum()),
    }
    return table[known].reset_index(drop=True), report, details


def access_columns(
    communes: gpd.GeoDataFrame, sites: pd.DataFrame, people_at_risk: pd.DataFrame
) -> pd.DataFrame:
    """Distances to mediation and people at risk beyond the default radius.

    ``people_at_risk`` (indexed by commune code): ``people_at_risk`` and the
    ends of its range, ``people_at_risk_low`` and ``people_at_risk_high``; the
    people at risk far from a site get the same three columns.
    """
    points = communes[["code", "lon", "lat", "departement"]].rename(
        columns={"departement": "dep"}
    )
    site_points = sites.rename(columns={"departement": "dep"})
    any_site = nearest_distance_km(points, site_points, kinds=mediation.MEDIATION_KINDS)
    fs = nearest_distance_km(points, site_points, kinds=["france_services"])
    population = communes["population"].to_numpy()
    table = pd.DataFrame(index=pd.Index(communes["code"], name="code"))
    table["dist_med_x_pop"] = any_site.to_numpy() * population
    table["pop_dist_med"] = np.where(any_site.notna(), population, np.nan)
    table["dist_fs_x_pop"] = fs.to_numpy() * population
    table["pop_dist_fs"] = np.where(fs.notna(), population, np.nan)
    # No site in the commune's territory: far. No point for the commune: unknown.
    located = communes["lon"].notna().to_numpy()
    far = (any_site.to_numpy() > DEFAULT_RADIUS_KM) | any_site.isna().to_numpy()
    for end in ("", *RANGE_ENDS):
        risk = people_at_risk[f"people_at_risk{end}"].reindex(table.index).to_numpy()
        column = f"people_at_risk_far{end}"
        table[column] = np.where(far, risk, 0.0)
        table.loc[np.isnan(risk) | ~located, column] = np.nan
    return table
