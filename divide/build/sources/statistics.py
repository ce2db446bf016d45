"""Statistics as per-commune base columns: broadband, income, census, IFN, types."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from divide.build.geography import Reference
from divide.build.harmonise import MatchReport, harmonise, harmonise_classes
from divide.build.readers import (
    broadband,
    census,
    filosofi,
    ifn,
    ifn2023,
    ircom,
)
from divide.build.readers import typology as typology_reader
from divide.registry import source
from divide.territory_types import SOURCES as GRID_SOURCES
from divide.territory_types import commune_types, grid_report

SURVEY_YEAR = "2021"


def raw_path(raw: Path, source_id: str) -> Path:
    """The raw file of a source (its registry entry's ``file`` under ``raw``)."""
    return raw / source(source_id).file


def fixed_broadband(raw: Path, ref: Reference) -> tuple[pd.DataFrame, MatchReport]:
    """Premises by best available download class (ARCEP), of the newest vintage.

    The newest quarter of ARCEP's statistics under :data:`ARCEP_STATISTICS`
    when there is one, else the 2019 commune file (see :func:`fixed_vintage`).
    """
    _, path = fixed_vintage(raw)
    df = broadband.read_arcep_fixed(path)
    return premises_by_class(df, ref, "arcep_fixed_2019")


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
    return source("arcep_fixed_2019").as_of, raw_path(raw, "arcep_fixed_2019")


def premises_by_class(
    df: pd.DataFrame, ref: Reference, source_id: str
) -> tuple[pd.DataFrame, MatchReport]:
    """ARCEP premises per download class, harmonised onto today's communes."""
    derived = broadband.base_columns(df)
    return harmonise(derived, ref, source_id, counts=list(broadband.BASE_COLUMNS))


def poverty(raw: Path, ref: Reference) -> tuple[pd.DataFrame, MatchReport]:
    """Poverty rate and median living standard as person-weighted sums (Filosofi)."""
    df = filosofi.read_filosofi(raw_path(raw, "insee_filosofi_2021"))
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
    df = filosofi.read_filosofi(raw_path(raw, "insee_filosofi_2021"))
    d9d1 = df.loc[df["d9_d1"].notna(), ["code", "d9_d1"]]
    table, _ = harmonise(d9d1, ref, "insee_filosofi_2021", ratios=["d9_d1"])
    low = ircom.read_ircom_low_income(raw_path(raw, "ircom_2018"))
    shares, report = harmonise(
        low, ref, "ircom_2018", ratios=["ircom_low_income_share"]
    )
    out = table.rename(columns={"d9_d1": "income_d9_d1"}).join(shares, how="outer")
    return out, report


def census_shares(raw: Path, ref: Reference) -> tuple[pd.DataFrame, MatchReport]:
    """Diploma, age and household shares (census ratios), per current commune."""
    df = census.read_census_ratios(raw_path(raw, "census_ratios_2017"))
    shares = ["low_diploma_share", "age65_share", "alone_share", "young_share"]
    return harmonise(df, ref, "census_ratios_2017", ratios=shares)


def mednum_ifn(raw: Path, ref: Reference) -> tuple[pd.DataFrame, MatchReport]:
    """MedNum's IFN, IRIS aggregated to communes by population."""
    iris = ifn.read_ifn_iris(raw_path(raw, "mednum_ifn"))
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
    scores, empty = ifn2023.read_ifn2023(raw_path(raw, "mednum_ifn2023"))
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
        frame = typology_reader.read_grid(raw_path(raw, source_id))
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


#: Where ``divide build`` looks for ARCEP's quarterly statistics, under the raw
#: folder: ``<YYYY_Tn>/commune/commune_debit.csv`` (and, when present,
#: ``commune_meilleure_techno_thd.csv``), as ``divide download`` lays them out.
ARCEP_STATISTICS = Path("broadband") / "arcep_statistiques"
