"""The processed atlas: load it for the app and the CLI (written by `divide.build`).

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd

from divide import safe_text
from divide.errors import DivideError, unknown
from divide.indicators import (
    COVERAGE_MIN,
    VALUE_PREFIX,
    compute,
    coverage,
    value_column,
)
from divide.registry import (
    Indicator,
    base_columns,
    catalogue,
    check_extra,
    indicator,
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
        if "posts" not in sites.columns:  # an atlas built before posts were kept
            sites["posts"] = np.nan
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
    def as_of(self) -> dict[str, str]:
        """Source id → the date the atlas's values from that source are for.

        Written by the build (``provenance.json``): the newest ARCEP vintage it
        found, the registry's ``as_of`` for the others. Pass it as ``dates`` to
        :func:`divide.indicators.as_of_text` and the like. An atlas built before
        the dates were written gives {} (the registry's dates then apply).
        """
        return {
            key: record["as_of"]
            for key, record in self.provenance.get("sources", {}).items()
            if record.get("as_of")
        }

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
        for name in ("quality", "provenance", "as_of", "illectronisme_rates"):
            if name in self.__dict__:
                view.__dict__[name] = self.__dict__[name]
        table = self.territories
        columns = {}
        for ind_id, per_level in (values or {}).items():
            column = pd.Series(np.nan, index=table.index, dtype=float)
            for level, series in per_level.items():
                rows = table["level"] == level
                column[rows] = table.loc[rows, "code"].map(series).astype(float)
            columns[value_column(ind_id)] = column
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
        """Territories of one level, indexed by code.

        Each level is cut from :attr:`territories` once (20 ms for the
        communes, asked for several times a run) and handed out as a shallow
        copy: with pandas' copy-on-write, what a caller changes in it stays
        its own. A new ``territories`` table (a view's) starts a new cache.
        """
        check_level(level)
        table = self.territories
        cut = self.__dict__.get("_levels")
        if cut is None or cut[0] is not table:
            cut = self.__dict__["_levels"] = (table, {})
        part = cut[1].get(level)
        if part is None:
            part = cut[1][level] = table[table["level"] == level].set_index(
                "code", drop=False
            )
        return part.copy(deep=False)

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
    return pd.concat(
        [values.add_prefix(VALUE_PREFIX), covered.add_prefix("cov_")], axis=1
    )


def check_level(level: str, *, allow_france: bool = True) -> None:
    """Raise a clear error for an unknown level."""
    valid = LEVELS if allow_france else LEVELS[:-1]
    if level not in valid:
        raise unknown("level", level, valid)
