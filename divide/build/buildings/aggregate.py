"""Building-level eligibility → the atlas's commune columns and a fine grid, in SQL.

Input: the Parquet written by :func:`divide.build.buildings.convert.convert` (or by
the SYNTHETIC generator), partitioned by département::

    ROOT/buildings/dep=29/*.parquet      imb_id, imb_x, imb_y, imb_code_insee,
                                         imb_nbr_logloc
    ROOT/eligibility/dep=29/*.parquet    imb_id, code_techno,
                                         classe_debit_descendant, ...

For each département, one embedded DuckDB query takes each building's **best**
download class over its eligibility rows (every operator, every counted
technology; a building with no counted row is ineligible, ``inel``), then:

* per commune: premises (``imb_nbr_logloc`` summed) by best class — the seven
  classes of :data:`divide.build.readers.broadband.CLASSES` — and the atlas's base
  columns (:func:`divide.build.readers.broadband.base_columns`), exactly what
  ``fixed_broadband`` makes of ARCEP's commune file;
* per grid cell (squares of ``cell_size`` metres in the territory's metric CRS,
  see :mod:`divide.build.buildings.projection`) and commune: buildings, premises, and
  premises without ≥ 30 Mbit/s.

A building belongs to one département, so départements are processed one at a
time (memory bounded by the largest one); cells straddling a border are summed
across départements at the end.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from divide.build.buildings import engine
from divide.build.buildings.layout import (
    CLASS_CODES,
    DEFAULT_TECHNOLOGIES,
    PARTITION,
    SYNTHETIC_MARKER,
    TECHNOLOGIES,
    THD30_RANK,
    class_rank_sql,
)
from divide.build.buildings.projection import (
    epsg_of,
    mercator_to_lonlat_sql,
    metric_sql,
    metric_to_lonlat,
)
from divide.build.readers.broadband import CLASSES, base_columns
from divide.errors import DivideError, unknown

GRID_COLUMNS = [
    "cell",
    "epsg",
    "x",
    "y",
    "lon",
    "lat",
    "commune",
    "communes",
    "buildings",
    "premises",
    "premises_no_thd",
]


@dataclass
class Aggregates:
    """What :func:`aggregate` returns.

    Attributes
    ----------
    communes : pandas.DataFrame
        One row per commune code found in the buildings: ``code`` (str),
        ``buildings``, ``premises``, the seven classes, the atlas's base columns,
        ``synthetic``.
    grid : pandas.DataFrame
        One row per cell holding buildings with coordinates (see
        :data:`GRID_COLUMNS`): ``cell`` id (``CRS2154RES1000mN6840000E145000``,
        the lower-left corner, INSEE's naming), ``epsg``, ``x`` / ``y`` of the
        lower-left corner, ``lon`` / ``lat`` of the centre, ``commune`` holding
        most of its premises, ``communes`` (all, comma-separated), counts.
    report : dict
        Per département and in total: buildings, eligibility rows, rows of
        buildings missing from ``base_imb``, buildings without coordinates,
        seconds; the technologies counted; ``synthetic``.
    """

    communes: pd.DataFrame
    grid: pd.DataFrame
    report: dict = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        """Whether the input was SYNTHETIC data."""
        return bool(self.report.get("synthetic"))


def list_departements(root: str | Path) -> list[str]:
    """Département codes present in a Parquet data set (as strings)."""
    base = Path(root) / "buildings"
    prefix = f"{PARTITION}="
    if not base.is_dir():
        raise DivideError(
            f"{root}: no buildings/ folder; give the folder written by "
            "`divide buildings convert` or `divide buildings synth`"
        )
    return sorted(
        p.name[len(prefix) :]
        for p in base.iterdir()
        if p.is_dir() and p.name.startswith(prefix) and any(p.glob("*.parquet"))
    )


def _glob(root: Path, table: str, dep: str) -> str:
    return str(root / table / f"{PARTITION}={dep}" / "*.parquet").replace("'", "''")


def _check_technologies(technologies: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(str(t).upper() for t in technologies)
    for tech in chosen:
        if tech not in TECHNOLOGIES:
            raise unknown("technology", tech, TECHNOLOGIES)
    if not chosen:
        raise DivideError("count at least one technology")
    return chosen


def aggregate(
    root: str | Path,
    *,
    departements: Iterable[str] | None = None,
    technologies: Iterable[str] = DEFAULT_TECHNOLOGIES,
    cell_size: int = 1000,
    con=None,
    progress: Callable[[str, dict], None] | None = None,
) -> Aggregates:
    """Premises by best class per commune, and a grid of premises below 30 Mbit/s.

    Parameters
    ----------
    root : str or Path
        Folder with ``buildings/dep=*/`` and ``eligibility/dep=*/`` Parquet.
    departements : iterable of str, optional
        Départements to process (default: all present).
    technologies : iterable of str
        ARCEP technology codes counted for a building's best class (default:
        all but satellite, :data:`~divide.build.buildings.layout.DEFAULT_TECHNOLOGIES`).
    cell_size : int
        Side of a grid cell in metres.
    con : duckdb.DuckDBPyConnection, optional
        Connection (threads, memory limit:
        :func:`~divide.build.buildings.engine.connect`).
    progress : callable, optional
        Called as ``progress(dep, figures)`` after each département.

    Returns
    -------
    Aggregates

    Raises
    ------
    DivideError
        No data, an unknown département or technology, a département with
        buildings but no eligibility data.
    SourceError
        A class code outside ARCEP's list in the Parquet data.
    """
    root = Path(root)
    present = list_departements(root)
    if not present:
        raise DivideError(f"{root}: no building data (buildings/dep=*/ is empty)")
    if departements is None:
        chosen = present
    else:
        chosen = [str(d).strip().upper() for d in departements]
        for dep in chosen:
            if dep not in present:
                raise unknown("département in this data set", dep, present)
    techs = _check_technologies(technologies)
    if int(cell_size) <= 0:
        raise DivideError(
            f"cell size must be a positive number of metres, not {cell_size}"
        )
    con = con or engine.connect()
    synthetic = (root / SYNTHETIC_MARKER).exists()
    communes, cells, per_dep = [], [], {}
    for dep in chosen:
        started = time.perf_counter()
        figures, frame, part = _one_departement(con, root, dep, techs, int(cell_size))
        figures["seconds"] = round(time.perf_counter() - started, 3)
        per_dep[dep] = figures
        communes.append(frame)
        cells.append(part)
        if progress:
            progress(dep, figures)
    classes = pd.concat(communes, ignore_index=True)
    table = base_columns(classes)
    table.insert(1, "buildings", classes["buildings"])
    for name in CLASSES:
        table[name] = classes[name]
    table["synthetic"] = synthetic
    grid = _combine_cells(pd.concat(cells, ignore_index=True), int(cell_size))
    grid["synthetic"] = synthetic
    totals = {
        k: sum(f[k] for f in per_dep.values())
        for k in ("buildings", "eligibility_rows", "rows_without_building",
                  "buildings_without_coordinates", "seconds")
    }  # fmt: skip
    report = {
        "synthetic": synthetic,
        "technologies": list(techs),
        "cell_size_m": int(cell_size),
        "departements": per_dep,
        "total": totals,
    }
    return Aggregates(table.sort_values("code", ignore_index=True), grid, report)


def _one_departement(con, root: Path, dep: str, techs, size: int):
    buildings = _glob(root, "buildings", dep)
    if not any((root / "eligibility" / f"{PARTITION}={dep}").glob("*.parquet")):
        raise DivideError(
            f"département {dep} has buildings but no eligibility data "
            f"(eligibility/{PARTITION}={dep}/ is missing): convert its actuel file "
            "too; without it every building would count as ineligible"
        )
    eligibility = _glob(root, "eligibility", dep)
    file = f"{PARTITION}={dep}"
    counted = ", ".join(f"'{t}'" for t in techs)
    engine.run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE best AS
        SELECT imb_id, max({class_rank_sql("classe_debit_descendant")}) AS best
        FROM read_parquet('{eligibility}')
        WHERE code_techno IN ({counted})
        GROUP BY imb_id
        """,
        file,
    )
    engine.run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE b AS
        SELECT b.imb_id, CAST(b.imb_code_insee AS VARCHAR) AS code,
               b.imb_nbr_logloc AS premises, b.imb_x, b.imb_y,
               coalesce(best.best, 0) AS best
        FROM read_parquet('{buildings}') b LEFT JOIN best USING (imb_id)
        """,
        file,
    )
    rows = engine.run(
        con, f"SELECT count(*) FROM read_parquet('{eligibility}')", file
    ).fetchone()[0]
    orphans = engine.run(
        con,
        "SELECT count(*) FROM best ANTI JOIN b USING (imb_id)",
        file,
    ).fetchone()[0]
    sums = ", ".join(
        f"CAST(coalesce(sum(premises) FILTER (WHERE best = {rank}), 0) AS BIGINT) "
        f"AS {name}"
        for rank, name in enumerate(CLASS_CODES.values())
    )
    communes = engine.run(
        con,
        f"SELECT code, count(*) AS buildings, "
        f"CAST(coalesce(sum(premises), 0) AS BIGINT) AS premises, "
        f"{sums} FROM b GROUP BY code",
        file,
    ).df()
    lon, lat = mercator_to_lonlat_sql("imb_x", "imb_y")
    located = (
        f"(SELECT code, premises, best, {lon} AS lon, {lat} AS lat, "
        f"{epsg_of(dep)} AS epsg FROM b WHERE imb_x IS NOT NULL AND imb_y IS NOT NULL)"
    )
    cells = engine.run(
        con,
        f"""
        SELECT epsg, CAST(floor(mx / {size}) AS BIGINT) AS i,
               CAST(floor(my / {size}) AS BIGINT) AS j, code,
               count(*) AS buildings,
               CAST(coalesce(sum(premises), 0) AS BIGINT) AS premises,
               CAST(coalesce(sum(premises) FILTER (WHERE best < {THD30_RANK}), 0)
                 AS BIGINT) AS premises_no_thd
        FROM ({metric_sql(located, "code, premises, best, epsg")})
        GROUP BY ALL
        """,
        file,
    ).df()
    figures = {
        "buildings": int(communes["buildings"].sum()),
        "eligibility_rows": int(rows),
        "rows_without_building": int(orphans),
        "buildings_without_coordinates": int(
            communes["buildings"].sum() - cells["buildings"].sum()
        ),
    }
    return figures, communes, cells


def _combine_cells(parts: pd.DataFrame, size: int) -> pd.DataFrame:
    """Sum the (cell, commune) parts of every département into one row per cell."""
    if parts.empty:
        return pd.DataFrame(columns=GRID_COLUMNS)
    keys = ["epsg", "i", "j"]
    by_commune = parts.groupby([*keys, "code"], as_index=False)[
        ["buildings", "premises", "premises_no_thd"]
    ].sum()
    ordered = by_commune.sort_values(
        [*keys, "premises", "code"], ascending=[True, True, True, False, True]
    )
    cells = ordered.groupby(keys, sort=True).agg(
        commune=("code", "first"),
        communes=("code", lambda s: ",".join(sorted(s))),
        buildings=("buildings", "sum"),
        premises=("premises", "sum"),
        premises_no_thd=("premises_no_thd", "sum"),
    )
    cells = cells.reset_index()
    cells["x"] = cells["i"] * size
    cells["y"] = cells["j"] * size
    cells["cell"] = [
        f"CRS{e}RES{size}mN{y}E{x}"
        for e, x, y in zip(cells["epsg"], cells["x"], cells["y"], strict=True)
    ]
    lon, lat = metric_to_lonlat(
        cells["epsg"].to_numpy(), cells["x"] + size / 2, cells["y"] + size / 2
    )
    cells["lon"], cells["lat"] = np.round(lon, 6), np.round(lat, 6)
    return cells[GRID_COLUMNS].reset_index(drop=True)


def write(result: Aggregates, out: str | Path, fmt: str = "parquet") -> list[Path]:
    """Write the communes table, the grid and the report into a folder.

    File names start with ``SYNTHETIC_`` when the input was synthetic.

    Parameters
    ----------
    result : Aggregates
    out : str or Path
        Folder (created if needed).
    fmt : {"parquet", "csv"}

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    DivideError
        Unknown format, or a folder that cannot be written.
    """
    if fmt not in ("parquet", "csv"):
        raise unknown("format", fmt, ("parquet", "csv"))
    out = engine.output_folder(out, overwrite=None, what="aggregates")
    prefix = "SYNTHETIC_" if result.synthetic else ""
    size = result.report.get("cell_size_m", 1000)
    grid_name = f"grid_{size // 1000}km" if size % 1000 == 0 else f"grid_{size}m"
    paths = [
        out / f"{prefix}communes.{fmt}",
        out / f"{prefix}{grid_name}.{fmt}",
        out / f"{prefix}report.json",
    ]
    try:
        for frame, path in zip((result.communes, result.grid), paths, strict=False):
            if fmt == "csv":
                frame.to_csv(path, index=False)
            else:
                frame.to_parquet(path, index=False)
        paths[2].write_text(json.dumps(result.report, indent=1))
    except OSError as exc:
        raise DivideError(
            f"cannot write to {out}: {exc.strerror or exc}; choose a folder you "
            "can write to"
        ) from None
    return paths
