"""Every per-commune base column, from every source, in the order the build runs."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from divide import illectronisme
from divide.build.geography import Reference
from divide.build.readers import illectronisme as illectronisme_reader
from divide.build.readers import mediation
from divide.build.sources.sites import (
    access_columns,
    mediation_activity,
    mediation_sites,
    mediation_supply,
    mobile_sites,
)
from divide.build.sources.statistics import (
    SURVEY_YEAR,
    census_shares,
    fixed_broadband,
    fixed_vintage,
    income_inputs,
    mednum_ifn,
    mednum_ifn2023,
    poverty,
    raw_path,
    territory_types,
)


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
    base, shares = _statistics(base, raw, ref, quality, step)
    base, sites = _site_columns(base, raw, ref, communes, quality, step)
    base, rates = _modelled_illectronisme(base, shares, raw, ref, quality, step)
    step("access to mediation")
    risk = base[["people_at_risk", "people_at_risk_low", "people_at_risk_high"]]
    base = base.join(access_columns(communes, sites, risk))
    return base, sites, quality, rates


def _statistics(
    base: pd.DataFrame, raw: Path, ref: Reference, quality: dict, step
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Broadband, Filosofi, the IFNs, the types and census ratios joined to ``base``.

    Their reports go into ``quality``; returns the base and the census shares
    (inputs of the model).
    """
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
    return base, shares


def _site_columns(
    base: pd.DataFrame,
    raw: Path,
    ref: Reference,
    communes: gpd.GeoDataFrame,
    quality: dict,
    step,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """4G sites, mediation places, posts and use joined to ``base``; the sites table.

    Their reports go into ``quality``.
    """
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
    return base, sites


def _modelled_illectronisme(
    base: pd.DataFrame,
    shares: pd.DataFrame,
    raw: Path,
    ref: Reference,
    quality: dict,
    step,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """People likely in illectronisme (MODELLED) joined to ``base``; the rates.

    The model's calibration and its income inputs' report go into ``quality``.
    """
    step("modelled illectronisme")
    rates = illectronisme_reader.read_illectronisme_rates(
        raw_path(raw, "insee_illectronisme")
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
    return base, rates
