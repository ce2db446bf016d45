"""Turn each source into additive per-commune base columns for the atlas build.

One function per source: read (via the registry's reader), harmonise codes onto
today's communes, derive the numerators and denominators the indicator registry
names. Each returns its columns and its match report.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from divide import illectronisme
from divide.build.geography import Reference, place_points
from divide.build.harmonise import MatchReport, harmonise, harmonise_classes, map_codes
from divide.build.readers import (
    barometer,
    broadband,
    census,
    cohesion,
    filosofi,
    ifn,
    ifn2023,
    ircom,
    mediation,
    mediation_use,
    mobile,
)
from divide.build.readers import illectronisme as illectronisme_reader
from divide.build.readers import typology as typology_reader
from divide.distance import nearest_distance_km
from divide.registry import DEFAULT_RADIUS_KM, source
from divide.territory import ALL_LEVELS
from divide.territory_types import SOURCES as GRID_SOURCES
from divide.territory_types import commune_types, grid_report

SURVEY_YEAR = "2021"


def _path(raw: Path, source_id: str) -> Path:
    return raw / source(source_id).file


def fixed_broadband(raw: Path, ref: Reference) -> tuple[pd.DataFrame, MatchReport]:
    """Premises by best available download class (ARCEP), of the newest vintage.

    The newest quarter of ARCEP's statistics under :data:`ARCEP_STATISTICS`
    when there is one, else the 2019 commune file (see :func:`fixed_vintage`).
    """
    _, path = fixed_vintage(raw)
    df = broadband.read_arcep_fixed(path)
    return _premises_by_class(df, ref, "arcep_fixed_2019")


def fixed_vintage(raw: Path) -> tuple[str, Path]:
    """The date and file of the fixed-broadband snapshot ``divide build`` takes.

    The newest ``<YYYY_Tn>/commune/commune_debit.csv`` under
    :data:`ARCEP_STATISTICS` when one is there, else the 2019 commune file
    (``arcep_fixed_2019`` of the registry, dated by its ``as_of``).
    """
    quarters = broadband.statistics_vintages(Path(raw) / ARCEP_STATISTICS)
    if quarters:
        date, folder = quarters[-1]
        return date, folder / "commune_debit.csv"
    return source("arcep_fixed_2019").as_of, _path(raw, "arcep_fixed_2019")


def _premises_by_class(
    df: pd.DataFrame, ref: Reference, source_id: str
) -> tuple[pd.DataFrame, MatchReport]:
    derived = broadband.base_columns(df)
    return harmonise(derived, ref, source_id, counts=list(broadband.BASE_COLUMNS))


def poverty(raw: Path, ref: Reference) -> tuple[pd.DataFrame, MatchReport]:
    """Poverty rate and median living standard as person-weighted sums (Filosofi)."""
    df = filosofi.read_filosofi(_path(raw, "insee_filosofi_2021"))
    rate_known = df["poverty_rate"].notna()
    median_known = df["median_income"].notna()
    derived = pd.DataFrame(
        {
            "code": df["code"],
            "poor_persons": (df["poverty_rate"] * df["persons"]).where(rate_known),
            "poverty_persons": df["persons"].where(rate_known),
            "median_x_persons": (df["median_income"] * df["persons"]).where(
                median_known
            ),
            "median_persons": df["persons"].where(median_known),
        }
    )
    counts = [c for c in derived.columns if c != "code"]
    return harmonise(derived, ref, "insee_filosofi_2021", counts=counts)


def income_inputs(raw: Path, ref: Reference) -> tuple[pd.DataFrame, MatchReport]:
    """The model's income inputs beside the median: Filosofi D9/D1, IRCOM 2018.

    ``income_d9_d1`` (Filosofi 2021, larger communes only) and
    ``ircom_low_income_share`` (IRCOM 2018, share of tax households at most
    12,000 €), per current commune; the report is IRCOM's.
    """
    df = filosofi.read_filosofi(_path(raw, "insee_filosofi_2021"))
    d9d1 = df.loc[df["d9_d1"].notna(), ["code", "d9_d1"]]
    table, _ = harmonise(d9d1, ref, "insee_filosofi_2021", ratios=["d9_d1"])
    low = ircom.read_ircom_low_income(_path(raw, "ircom_2018"))
    shares, report = harmonise(
        low, ref, "ircom_2018", ratios=["ircom_low_income_share"]
    )
    out = table.rename(columns={"d9_d1": "income_d9_d1"}).join(shares, how="outer")
    return out, report


def census_shares(raw: Path, ref: Reference) -> tuple[pd.DataFrame, MatchReport]:
    """Diploma, age and household shares (census ratios), per current commune."""
    df = census.read_census_ratios(_path(raw, "census_ratios_2017"))
    shares = ["low_diploma_share", "age65_share", "alone_share", "young_share"]
    return harmonise(df, ref, "census_ratios_2017", ratios=shares)


def mednum_ifn(raw: Path, ref: Reference) -> tuple[pd.DataFrame, MatchReport]:
    """MedNum's IFN, IRIS aggregated to communes by population."""
    iris = ifn.read_ifn_iris(_path(raw, "mednum_ifn"))
    per_commune = ifn.ifn_by_commune(iris)
    return harmonise(
        per_commune, ref, "mednum_ifn", counts=["ifn_weighted", "ifn_population"]
    )


def mednum_ifn2023(raw: Path, ref: Reference) -> tuple[pd.DataFrame, MatchReport]:
    """MedNum's IFN 2023 total score (0-10) per current commune, and its report.

    Scores are intensive: communes merged since 2023 take the plain mean of
    their former communes' scores (noted by harmonise). The empty rows of the
    file are counted as read and listed in the report's details.
    """
    scores, empty = ifn2023.read_ifn2023(_path(raw, "mednum_ifn2023"))
    table, report = harmonise(
        scores[["code", "ifn2023_total"]],
        ref,
        "mednum_ifn2023",
        ratios=["ifn2023_total"],
    )
    report.rows_read += len(empty)
    report.details += [
        {
            "source": "mednum_ifn2023",
            "record": code,
            "reason": "empty row (no score)",
            "commune": None,
        }
        for code in empty
    ]
    return table, report


def territory_types(raw: Path, ref: Reference) -> tuple[pd.DataFrame, dict, list[dict]]:
    """The communes' types (density, rurality, centrality, massif) and reports.

    Returns
    -------
    table : DataFrame
        Indexed by today's commune code: the attributes of
        :data:`divide.territory_types.GRIDS` (strings, missing where no class).
    reports : dict
        Source id → rows read / matched / unmatched (listed), counts per class and
        the communes left without a class (listed, except for the massifs).
    details : list of dict
        The rows that were not a plain match, and every commune without a class
        (with the file's label, or absent from the file). A commune missing from
        the massif file is not a gap (it is not a mountain commune): not listed.
    """
    codes = pd.Index(sorted(ref.codes), name="code")
    grids, reports, details = {}, {}, []
    for grid in ("density", "rurality", "centrality", "mountain"):
        source_id = GRID_SOURCES[grid]
        frame = typology_reader.read_grid(_path(raw, source_id))
        table, report = harmonise_classes(frame, ref, source_id, ["class"])
        grids[grid] = table["class"]
        reports[source_id] = report.to_dict() | grid_report(
            table["class"].reindex(codes), grid, frame.attrs["no_class_labels"]
        )
        details += [
            row
            for row in report.details
            if grid != "mountain" or not row["reason"].startswith("absent:")
        ]
        labels = frame.set_index("code")["label"]
        details += [
            {
                "source": source_id,
                "record": code,
                "reason": f"no class: the file's label is '{labels[code]}'",
                "commune": code,
            }
            for code in sorted(frame.loc[frame["class"].isna(), "code"])
        ]
    types = commune_types(grids, codes)
    reports["ot_density"]["classes_density3"] = grid_report(
        types["density3"], "density3", {}
    )["classes"]
    return types, reports, details


def mobile_sites(raw: Path, communes: gpd.GeoDataFrame) -> tuple[pd.DataFrame, dict]:
    """4G antenna sites per commune and distance to the nearest one."""
    frames = [mobile.read_mobile_sites_mainland(_path(raw, "arcep_mobile_sites"))]
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
    postcodes = mediation_use.read_postcodes(_path(raw, "laposte_postcodes"))
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
        # Each row is a place: an arrondissement's row is counted in its
        # commune even when the commune has rows of its own (not a breakdown).
        current, how = map_codes(df["commune_code"], ref)
        counted = df.assign(code=current)[current.notna()]
        table = (
            counted.rename(columns=columns)
            .groupby("code")[list(columns.values())]
            .sum()
        )
        tables.append(table)
        lost = df["commune_code"].notna() & current.isna()
        reports[source_id] = {
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
        details += [
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


def mediation_activity(
    raw: Path, ref: Reference, population: pd.Series
) -> tuple[pd.DataFrame, dict, list[dict]]:
    """People accompanied by conseillers numériques, placed on today's communes.

    Each postcode's people are split among the communes La Poste lists for it
    (codes harmonised onto today's communes) in proportion to their population
    (equally when none of them has a known population). Malformed postcodes and
    postcodes La Poste does not know are not placed; both are reported.
    """
    activity = mediation_use.read_conum_activity(_path(raw, "conum_activity_2023"))
    postcodes = mediation_use.read_postcodes(_path(raw, "laposte_postcodes"))
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
    table = cohesion.read_cohesion_operators(_path(raw, "cohesion_operators_2024"))
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
    communes: gpd.GeoDataFrame, sites: pd.DataFrame, people_at_risk: pd.Series
) -> pd.DataFrame:
    """Distances to mediation and people at risk beyond the default radius."""
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
    risk = people_at_risk.reindex(table.index).to_numpy()
    table["people_at_risk_far"] = np.where(far, risk, 0.0)
    table.loc[np.isnan(risk) | ~located, "people_at_risk_far"] = np.nan
    return table


def commune_base(
    communes: gpd.GeoDataFrame, ref: Reference, raw: Path, step
) -> tuple[pd.DataFrame, pd.DataFrame, dict, pd.DataFrame]:
    """All per-commune base columns, the sites table, the quality report, the rates.

    The report's ``details`` (popped by :func:`divide.build.atlas.build`) lists every
    row that was not a plain match: ``source``, ``record``, ``reason``,
    ``commune``.
    """
    raw = Path(raw)
    quality: dict = {"sources": {}, "details": []}
    # The date the snapshot's premises columns are for (popped by the build).
    quality["as_of"] = {"arcep_fixed_2019": fixed_vintage(raw)[0]}
    base = pd.DataFrame(index=pd.Index(communes["code"], name="code"))
    base["population"] = communes.set_index("code")["population"]

    for name, loader in (
        ("fixed broadband", fixed_broadband),
        ("Filosofi", poverty),
        ("MedNum IFN", mednum_ifn),
        ("MedNum IFN 2023", mednum_ifn2023),
    ):
        step(name)
        table, report = loader(raw, ref)
        base = base.join(table)
        quality["sources"][report.source] = report.to_dict()
        quality["details"] += report.details

    total = base.pop("ifn2023_total")
    base["ifn2023_x_pop"] = total * base["population"]
    base["pop_ifn2023"] = base["population"].where(total.notna())

    step("types of territory")
    types, reports, details = territory_types(raw, ref)
    base = base.join(types)
    quality["sources"].update(reports)
    quality["details"] += details

    step("census ratios")
    shares, report = census_shares(raw, ref)
    quality["sources"][report.source] = report.to_dict()
    quality["details"] += report.details
    pop_known = base["population"].where(shares["low_diploma_share"].notna())
    base["pop_census"] = pop_known.reindex(base.index)
    for share, column in (
        ("low_diploma_share", "low_diploma_x_pop"),
        ("age65_share", "age65_x_pop"),
        ("alone_share", "alone_x_pop"),
    ):
        base[column] = (shares[share] * base["population"]).reindex(base.index)

    step("mobile antenna sites")
    table, report = mobile_sites(raw, communes)
    quality["details"] += report.pop("details")
    base = base.join(table)
    quality["sources"]["arcep_mobile_sites"] = report

    step("mediation sites")
    sites, report = mediation_sites(raw, ref, communes)
    quality["details"] += report.pop("details")
    counted = sites["kind"].isin(mediation.MEDIATION_KINDS)
    for column, rows in (("mediation_sites", counted), ("public_libraries", ~counted)):
        base[column] = (
            sites[rows].groupby("commune").size().reindex(base.index).fillna(0)
        )
    quality["sources"]["mediation_sites"] = report

    step("conseiller posts, Aidants Connect, people accompanied")
    table, reports, details = mediation_supply(raw, ref)
    base = base.join(table)
    quality["sources"].update(reports)
    quality["details"] += details
    table, report, details = mediation_activity(raw, ref, base["population"])
    base = base.join(table)
    quality["sources"]["conum_activity_2023"] = report
    quality["details"] += details

    step("modelled illectronisme")
    rates = illectronisme_reader.read_illectronisme_rates(
        _path(raw, "insee_illectronisme")
    )
    inputs = shares.reindex(base.index)
    inputs["code"] = base.index
    inputs["population"] = base["population"]
    inputs["median_income"] = base["median_x_persons"] / base["median_persons"]
    income, report = income_inputs(raw, ref)
    quality["sources"][report.source] = report.to_dict()
    quality["details"] += report.details
    inputs = inputs.join(income.reindex(base.index))
    model = illectronisme.estimate(inputs.reset_index(drop=True), rates, SURVEY_YEAR)
    model.index = base.index
    base["people_at_risk"] = model["people_at_risk"]
    base["people_15p"] = model["people_15p"]
    base["people_at_risk_low"] = model["illectronisme_low"] * model["people_15p"]
    base["people_at_risk_high"] = model["illectronisme_high"] * model["people_15p"]
    quality["illectronisme_model"] = illectronisme.calibration_report(
        inputs.reset_index(drop=True), rates, SURVEY_YEAR
    )

    step("access to mediation")
    base = base.join(access_columns(communes, sites, base["people_at_risk"]))
    return base, sites, quality, rates


SERIES_LEVELS = ("region", "france")


def dated_series(
    raw: Path,
    territories: pd.DataFrame,
    sites: pd.DataFrame,
    arcep: pd.DataFrame,
) -> tuple[pd.DataFrame, dict, list[dict]]:
    """The atlas's long table of dated values, with its report and its details.

    Département values come from the results barometer (fibre deployment, France
    Services labelled per month), plus the official France Services list of
    2024-08-01 as the latest point of that series; ``arcep`` (from
    :func:`arcep_series`) is added as it is. Régions and France sum the
    départements' numerators and denominators: France Services are counted;
    fibre shares are weighted by each département's 2019 ARCEP premises (no
    premises are published at each date).

    Returns
    -------
    table : DataFrame
        ``series``, ``level``, ``code``, ``date``, ``numerator``,
        ``denominator`` (NaN for counts), sorted.
    report : dict
        Rows read, matched, unmatched per series.
    details : list of dict
        The unmatched rows, for ``quality_details.csv``.
    """
    values = barometer.read_barometer(_path(raw, "barometre_2023"))
    deps = territories[territories["level"] == "departement"].set_index("code")
    known = values["departement"].isin(deps.index)
    report = {
        "source": "barometre_2023",
        "rows_read": len(values),
        "matched": int(known.sum()),
        "unmatched": int((~known).sum()),
        "last_date": {
            s: str(part["date"].max()) for s, part in values.groupby("series")
        },
    }
    details = [
        {
            "source": "barometre_2023",
            "record": f"{r.series} {r.departement} {r.date}",
            "reason": "unmatched: not a current département",
        }
        for r in values[~known].itertuples()
    ]
    values = values[known]
    fibre = values[values["series"] == "ftth_share"]
    weight = fibre["departement"].map(deps["premises"]).astype(float)
    parts = [
        fibre.assign(numerator=fibre["value"] * weight, denominator=weight),
        values[values["series"] == "france_services"].assign(
            numerator=lambda f: f["value"], denominator=np.nan
        ),
    ]
    official = sites[
        sites["kinds"].str.split(";").map(lambda ks: "france_services" in ks)
    ]
    latest = official.groupby("departement").size().reindex(deps.index, fill_value=0)
    parts.append(
        pd.DataFrame(
            {
                "series": "france_services",
                "departement": latest.index,
                "date": mediation.OFFICIAL_FRANCE_SERVICES_DATE,
                "numerator": latest.to_numpy(dtype=float),
                "denominator": np.nan,
            }
        )
    )
    dep_rows = pd.concat(parts, ignore_index=True)[
        ["series", "departement", "date", "numerator", "denominator"]
    ]
    frames = [
        dep_rows.rename(columns={"departement": "code"}).assign(level="departement")
    ]
    dep_rows["region"] = dep_rows["departement"].map(deps["region"])
    dep_rows["france"] = "FR"
    for level in SERIES_LEVELS:
        sums = dep_rows.groupby(["series", level, "date"], as_index=False)[
            ["numerator", "denominator"]
        ].sum(min_count=1)
        frames.append(sums.rename(columns={level: "code"}).assign(level=level))
    frames.append(arcep)
    table = pd.concat(frames, ignore_index=True)
    table = table[["series", "level", "code", "date", "numerator", "denominator"]]
    table[["numerator", "denominator"]] = table[["numerator", "denominator"]].round(2)
    order = ["series", "level", "code", "date"]
    return table.sort_values(order, ignore_index=True), report, details


#: Where ``divide build`` looks for ARCEP's quarterly statistics, under the raw
#: folder: ``<YYYY_Tn>/commune/commune_debit.csv`` (and, when present,
#: ``commune_meilleure_techno_thd.csv``), as ``divide download`` lays them out.
ARCEP_STATISTICS = Path("broadband") / "arcep_statistiques"


def arcep_series(
    raw: Path,
    ref: Reference,
    communes: pd.DataFrame,
    snapshot: pd.DataFrame,
    snapshot_date: str | None = None,
) -> tuple[pd.DataFrame, list[dict]]:
    """Fixed-broadband shares at every date ARCEP files exist for.

    The 2019 commune file is the first point of ``thd30_share``: ``snapshot``
    (the atlas's premises columns) when ``snapshot_date`` is the 2019 file's
    (the default), else the file read again (the snapshot then being the newest
    quarter, see :func:`fixed_vintage`). Each quarterly statistics folder found
    under :data:`ARCEP_STATISTICS` adds a point, and its best-technology file a
    point of ``ftth_eligible_share``. Codes are harmonised onto today's
    communes; levels above sum numerators and denominators.

    Returns
    -------
    table : DataFrame
        Rows of the atlas's series table (``series``, ``level``, ``code``,
        ``date``, ``numerator``, ``denominator``).
    details : list of dict
        Unmatched rows of each file, for the quality details.
    """
    first_date = source("arcep_fixed_2019").as_of
    rows = []
    if snapshot_date in (None, first_date):
        rows.append(_points("thd30_share", snapshot, first_date, "premises_thd30"))
    elif _path(raw, "arcep_fixed_2019").is_file():
        first, _ = _premises_by_class(
            broadband.read_arcep_fixed(_path(raw, "arcep_fixed_2019")),
            ref,
            "arcep_fixed_2019",
        )
        rows.append(_points("thd30_share", first, first_date, "premises_thd30"))
    details: list[dict] = []
    for date, folder in broadband.statistics_vintages(raw / ARCEP_STATISTICS):
        debit = broadband.read_arcep_fixed(folder / "commune_debit.csv")
        table, report = _premises_by_class(debit, ref, f"arcep_statistics_{date}")
        details += _not_absent(report)
        rows.append(_points("thd30_share", table, date, "premises_thd30"))
        best = folder / "commune_meilleure_techno_thd.csv"
        if best.is_file():
            techno = broadband.read_arcep_best_technology(best)
            table, report = harmonise(
                techno[["code", "premises", "ftth"]],
                ref,
                f"arcep_best_technology_{date}",
                counts=["premises", "ftth"],
            )
            details += _not_absent(report)
            rows.append(_points("ftth_eligible_share", table, date, "ftth"))
    return _up_the_levels(pd.concat(rows, ignore_index=True), communes), details


def _points(series_id: str, table: pd.DataFrame, date: str, numerator: str):
    """Series rows of one date: ``numerator`` over premises, per commune."""
    return pd.DataFrame(
        {
            "series": series_id,
            "code": table.index,
            "date": date,
            "numerator": table[numerator].to_numpy(),
            "denominator": table["premises"].to_numpy(),
        }
    )


def _not_absent(report: MatchReport) -> list[dict]:
    """A report's details, less the current communes the file has no row for."""
    return [r for r in report.details if not r["reason"].startswith("absent")]


def _up_the_levels(rows: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Commune rows of a series, and their sums at every level above."""
    parents = communes.set_index("code")[["epci", "departement", "region"]]
    rows = rows.join(parents, on="code")
    rows["france"] = "FR"
    frames = [rows.assign(level="commune")]
    for level in ALL_LEVELS[1:]:
        sums = rows.groupby(["series", level, "date"], as_index=False)[
            ["numerator", "denominator"]
        ].sum(min_count=1)
        frames.append(sums.rename(columns={level: "code"}).assign(level=level))
    out = pd.concat(frames, ignore_index=True)
    return out[["series", "level", "code", "date", "numerator", "denominator"]]
