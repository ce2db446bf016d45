"""Dated series: the long table of dated values, ARCEP quarterly files, level sums."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from divide.build.geography import Reference
from divide.build.harmonise import MatchReport, harmonise
from divide.build.readers import (
    barometer,
    broadband,
    mediation,
)
from divide.build.sources.statistics import (
    ARCEP_STATISTICS,
    premises_by_class,
    raw_path,
)
from divide.registry import source
from divide.territory import ALL_LEVELS

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
    values = barometer.read_barometer(raw_path(raw, "barometre_2023"))
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
    elif raw_path(raw, "arcep_fixed_2019").is_file():
        first, _ = premises_by_class(
            broadband.read_arcep_fixed(raw_path(raw, "arcep_fixed_2019")),
            ref,
            "arcep_fixed_2019",
        )
        rows.append(_points("thd30_share", first, first_date, "premises_thd30"))
    details: list[dict] = []
    for date, folder in broadband.statistics_vintages(raw / ARCEP_STATISTICS):
        debit = broadband.read_arcep_fixed(folder / "commune_debit.csv")
        table, report = premises_by_class(debit, ref, f"arcep_statistics_{date}")
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
