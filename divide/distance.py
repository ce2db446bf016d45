"""Supply against need: distances to mediation sites, coverage, site placement.

Distances are computed in metres in a metric projection chosen per territory
(Lambert-93 for mainland France and Corsica, the local UTM projection overseas)
and a point is only ever matched with sites of its own territory: a commune of La
Réunion never finds its nearest site in mainland France.

Points and sites are tables with ``lon`` and ``lat`` in degrees (WGS84) and,
when known, ``dep`` (département code: ``"01"``, ``"2A"``, ``"971"``). Without a
département, the territory comes from the coordinates.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy import sparse
from scipy.spatial import cKDTree

from divide.errors import DivideError, suggest
from divide.territory import PLACES, place_of_departement

__all__ = [
    "Coverage",
    "PlacementResult",
    "greedy_placement",
    "nearest_distance_km",
    "nearest_sites",
    "people_within",
    "territory_of",
    "to_metric",
    "underserved",
]


@cache
def _transformer(epsg: int) -> Transformer:
    return Transformer.from_crs(4326, epsg, always_xy=True)


def territory_of(
    lon: Iterable[float], lat: Iterable[float], dep: Iterable[object] | None = None
) -> np.ndarray:
    """Return the territory key of each point (``""`` when outside them all).

    Parameters
    ----------
    lon, lat : array-like
        Coordinates in degrees (WGS84).
    dep : array-like of str, optional
        Département codes. A known code decides (``"01"``–``"95"``, ``"2A"``,
        ``"2B"`` → ``"metro"``; ``"971"``… → that territory); a missing or
        unknown one falls back to the lon/lat boxes of :data:`PLACES`.

    Returns
    -------
    numpy.ndarray of str
        Keys of :data:`PLACES`, or ``""``.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.full(lon.shape, "", dtype=object)
    if isinstance(dep, str):
        dep = [dep] * lon.size
    if dep is not None:
        codes, uniques = pd.factorize(pd.Series(np.asarray(dep, dtype=object)))
        if len(codes) != len(lon):
            raise DivideError("dep must have one value per point")
        keys = np.array([place_of_departement(u) for u in uniques] + [""])
        out[:] = keys[codes]  # code -1 (missing) takes the trailing ""
    todo = out == ""
    for key, terr in PLACES.items():
        x0, y0, x1, y1 = terr.box
        inside = todo & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        out[inside] = key
        todo &= ~inside
    out[~(np.isfinite(lon) & np.isfinite(lat))] = ""
    return out.astype(str)


def to_metric(
    lon: Iterable[float], lat: Iterable[float], dep: Iterable[object] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat to metres in the metric CRS of each point's territory.

    Mainland France and Corsica: EPSG:2154 (Lambert-93); Guadeloupe, Martinique,
    Saint-Barthélemy and Saint-Martin: EPSG:5490 (UTM 20N); Guyane: EPSG:2972
    (UTM 22N); La Réunion: EPSG:2975 (UTM 40S); Mayotte: EPSG:4471 (UTM 38S);
    Saint-Pierre-et-Miquelon: EPSG:4467 (UTM 21N).

    Parameters
    ----------
    lon, lat : array-like
        Coordinates in degrees (WGS84).
    dep : array-like of str, optional
        Département code of each point; see :func:`territory_of`.

    Returns
    -------
    x, y : numpy.ndarray
        Metres in the territory's CRS; NaN for points outside every territory.
        Coordinates of two territories are not comparable with each other.
    """
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    if lon.shape != lat.shape:
        raise DivideError("lon and lat must have the same length")
    return _project(lon, lat, territory_of(lon, lat, dep))


def _project(
    lon: np.ndarray, lat: np.ndarray, terr: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    x = np.full(lon.shape, np.nan)
    y = np.full(lon.shape, np.nan)
    for key in np.unique(terr):
        if key == "":
            continue
        sel = terr == key
        x[sel], y[sel] = _transformer(PLACES[key].epsg).transform(lon[sel], lat[sel])
    return x, y


@dataclass
class _Located:
    terr: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def xy(self, sel: np.ndarray) -> np.ndarray:
        return np.column_stack([self.x[sel], self.y[sel]])


def _locate(frame: pd.DataFrame, what: str) -> _Located:
    if not isinstance(frame, pd.DataFrame):
        raise DivideError(f"{what} must be a table (DataFrame) with lon and lat")
    missing = [c for c in ("lon", "lat") if c not in frame.columns]
    if missing:
        raise DivideError(
            f"{what} lacks column(s) {', '.join(missing)}: give coordinates in "
            "degrees (WGS84) as 'lon' and 'lat' (and 'dep' when known)"
        )
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=float)
    dep = frame["dep"] if "dep" in frame.columns else None
    terr = territory_of(lon, lat, dep)
    x, y = _project(lon, lat, terr)
    terr = np.where(np.isfinite(x) & np.isfinite(y), terr, "")
    return _Located(terr, x, y)


def _check_radius(radius_km: object) -> float:
    ok = isinstance(radius_km, numbers.Real) and not isinstance(radius_km, bool)
    if not ok or not np.isfinite(radius_km) or radius_km <= 0:
        raise DivideError(
            f"radius must be a positive number of kilometres, got {radius_km!r}"
        )
    return float(radius_km)


def _wanted_kinds(kinds: str | Iterable[str] | None) -> set[str] | None:
    if kinds is None:
        return None
    items = kinds.split(";") if isinstance(kinds, str) else list(kinds)
    wanted = {str(k).strip().lower() for k in items if str(k).strip()}
    if not wanted:
        raise DivideError("kinds is empty: give at least one site kind, or None")
    return wanted


def _select_sites(
    sites: pd.DataFrame | None, kinds: str | Iterable[str] | None, what: str
) -> pd.DataFrame:
    """Sites whose ';'-joined ``kinds`` intersect the wanted kinds."""
    if sites is None:
        return pd.DataFrame({"lon": [], "lat": []})
    if not isinstance(sites, pd.DataFrame):
        raise DivideError(f"{what} must be a table (DataFrame) with lon and lat")
    wanted = _wanted_kinds(kinds)
    if wanted is None:
        return sites
    if "kinds" not in sites.columns:
        raise DivideError(
            f"{what} has no 'kinds' column, so they cannot be filtered by kind; "
            "drop the kinds filter or add a ';'-joined kinds column"
        )
    lists = sites["kinds"].fillna("").astype(str).str.lower().str.split(";")
    sets = lists.map(lambda ks: {k.strip() for k in ks if k.strip()})
    keep = sets.map(lambda ks: not ks.isdisjoint(wanted)).to_numpy(dtype=bool)
    if len(sites) and not keep.any():
        present = sorted(set().union(*sets)) or ["(none)"]
        hints = "".join(suggest(k, present) for k in sorted(wanted))
        raise DivideError(
            f"no site in {what} has the kind(s) {', '.join(sorted(wanted))}.{hints} "
            f"Kinds present: {', '.join(present)}"
        )
    return sites[keep]


def nearest_sites(
    points: pd.DataFrame,
    sites: pd.DataFrame,
    kinds: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Find each point's nearest site within its own territory.

    Parameters
    ----------
    points : pandas.DataFrame
        ``lon``, ``lat`` (degrees) and, when known, ``dep``.
    sites : pandas.DataFrame
        ``lon``, ``lat``, optional ``dep`` and ``kinds`` (";"-joined).
    kinds : str or iterable of str, optional
        Keep only sites with at least one of these kinds.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``points``: ``distance_km`` (NaN when the point's territory
        has no site, or the point cannot be located) and ``site`` (index label of
        the nearest site in ``sites``, or None).
    """
    chosen = _select_sites(sites, kinds, "sites")
    dist, where = _nearest(_locate(points, "points"), _locate(chosen, "sites"))
    labels = np.array(chosen.index, dtype=object)
    site = np.full(len(points), None, dtype=object)
    site[where >= 0] = labels[where[where >= 0]]
    return pd.DataFrame({"distance_km": dist, "site": site}, index=points.index)


def _nearest(pts: _Located, sts: _Located) -> tuple[np.ndarray, np.ndarray]:
    """Distance (km) to, and position of, each point's nearest site (same territory)."""
    dist = np.full(len(pts.terr), np.nan)
    where = np.full(len(pts.terr), -1, dtype=np.int64)
    for key in np.unique(pts.terr):
        if key == "":
            continue
        ssel = np.flatnonzero(sts.terr == key)
        if ssel.size == 0:
            continue
        psel = pts.terr == key
        d, i = cKDTree(sts.xy(ssel)).query(pts.xy(psel), k=1)
        dist[psel] = d / 1000.0
        where[psel] = ssel[i]
    return dist, where


def nearest_distance_km(
    points: pd.DataFrame,
    sites: pd.DataFrame,
    kinds: str | Iterable[str] | None = None,
) -> pd.Series:
    """Distance in km from each point to its nearest site of the same territory.

    Distances are straight lines in the territory's metric CRS (see
    :func:`to_metric`), computed with one k-d tree per territory.

    Parameters
    ----------
    points : pandas.DataFrame
        ``lon``, ``lat`` (degrees) and, when known, ``dep``.
    sites : pandas.DataFrame
        ``lon``, ``lat``, optional ``dep`` and ``kinds`` (";"-joined).
    kinds : str or iterable of str, optional
        Only count sites with at least one of these kinds.

    Returns
    -------
    pandas.Series
        ``distance_km``, indexed like ``points``; NaN where the point's territory
        has no (matching) site.
    """
    return nearest_sites(points, sites, kinds)["distance_km"]


@dataclass(frozen=True)
class Coverage:
    """People within reach of a site.

    Attributes
    ----------
    people_covered : float
        Sum of the weight over covered points.
    people_total : float
        Sum of the weight over all points.
    covered : pandas.Series
        Per point: a site lies within the radius (bool).
    distance_km : pandas.Series
        Per point: distance to the nearest site (NaN when none in territory).
    """

    people_covered: float
    people_total: float
    covered: pd.Series
    distance_km: pd.Series

    @property
    def share(self) -> float:
        """Covered share of the total weight (NaN when the total is 0)."""
        return self.people_covered / self.people_total if self.people_total else np.nan


def _weights(points: pd.DataFrame, column: str, what: str) -> pd.Series:
    if column not in points.columns:
        raise DivideError(
            f"{what} lacks the column '{column}' to count people; add it or name "
            "another column"
        )
    values = pd.to_numeric(points[column], errors="coerce").astype(float)
    if (values < 0).any():
        raise DivideError(f"{what}: '{column}' has negative values")
    return values.fillna(0.0)


def people_within(
    points: pd.DataFrame,
    sites: pd.DataFrame,
    radius_km: float,
    weight: str = "people_at_risk",
    kinds: str | Iterable[str] | None = None,
) -> Coverage:
    """Count the people living within ``radius_km`` of a site.

    Parameters
    ----------
    points : pandas.DataFrame
        ``lon``, ``lat``, optional ``dep``, and the ``weight`` column.
    sites : pandas.DataFrame
        ``lon``, ``lat``, optional ``dep`` and ``kinds``.
    radius_km : float
        Straight-line radius in km (> 0). A point at exactly that distance is
        covered.
    weight : str
        Column of ``points`` holding the people to count (NaN counts as 0).
    kinds : str or iterable of str, optional
        Only count sites with at least one of these kinds.

    Returns
    -------
    Coverage
        Totals and per-point ``covered`` / ``distance_km``.
    """
    radius = _check_radius(radius_km)
    w = _weights(points, weight, "points")
    dist = nearest_distance_km(points, sites, kinds)
    covered = (dist <= radius).fillna(False).astype(bool)
    covered.name = "covered"
    return Coverage(
        people_covered=float(w[covered].sum()),
        people_total=float(w.sum()),
        covered=covered,
        distance_km=dist,
    )


def underserved(
    points: pd.DataFrame,
    sites: pd.DataFrame,
    radius_km: float,
    need_col: str = "people_at_risk",
    min_need: float = 0.0,
    kinds: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """List the points with no site within ``radius_km``, ranked by need.

    Parameters
    ----------
    points : pandas.DataFrame
        ``lon``, ``lat``, optional ``dep`` and ``code``, and ``need_col``.
    sites : pandas.DataFrame
        ``lon``, ``lat``, optional ``dep`` and ``kinds``.
    radius_km : float
        Radius in km (> 0).
    need_col : str
        Column of ``points`` measuring need (e.g. people likely in
        illectronisme, a modelled estimate).
    min_need : float
        Keep only points whose need is at least this.
    kinds : str or iterable of str, optional
        Only count sites with at least one of these kinds.

    Returns
    -------
    pandas.DataFrame
        The uncovered points (all their columns) plus ``distance_km`` (NaN when
        their territory has no site), sorted by decreasing need, then code.
    """
    cov = people_within(points, sites, radius_km, weight=need_col, kinds=kinds)
    need = _weights(points, need_col, "points")
    keep = ~cov.covered & (need >= min_need)
    out = points[keep].copy()
    out["distance_km"] = cov.distance_km[keep]
    order = [need_col] + (["code"] if "code" in out.columns else [])
    out = out.assign(**{need_col: need[keep]})
    return out.sort_values(
        order, ascending=[False] + [True] * (len(order) - 1), kind="stable"
    )


@dataclass(frozen=True)
class PlacementResult:
    """Result of :func:`greedy_placement`: where to open sites first.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per chosen host, in the order chosen: ``rank``, ``code``,
        ``marginal_gain`` (people newly covered), ``cumulative_covered``,
        ``communes_reached`` (demand points newly covered).
    covered_before, covered_after : float
        People covered by existing sites alone, and with the chosen hosts.
    total_demand : float
        People in the scope (sum of the need column).
    radius_km : float
        Radius used.
    k : int
        Number of hosts asked for.
    eligible_candidates : int
        Candidates meeting the population threshold and not excluded.
    stopped_early : bool
        True when fewer than ``k`` hosts were chosen because no candidate could
        cover anyone more.
    covered_by : pandas.Series
        Per demand point: ``"existing"``, the code of the chosen host that first
        covered it, or None.
    unlocated_demand : float
        People in demand points without usable coordinates (never covered).
    """

    table: pd.DataFrame
    covered_before: float
    covered_after: float
    total_demand: float
    radius_km: float
    k: int
    eligible_candidates: int
    stopped_early: bool
    covered_by: pd.Series
    unlocated_demand: float

    @property
    def share_before(self) -> float:
        """Covered share of demand before placement."""
        return self.covered_before / self.total_demand if self.total_demand else np.nan

    @property
    def share_after(self) -> float:
        """Covered share of demand after placement."""
        return self.covered_after / self.total_demand if self.total_demand else np.nan


def greedy_placement(
    candidates: pd.DataFrame,
    demand: pd.DataFrame,
    existing_sites: pd.DataFrame | None,
    radius_km: float,
    k: int,
    *,
    min_population: float = 0,
    exclude: Iterable[str] = (),
    kinds: str | Iterable[str] | None = None,
    need_col: str = "people_at_risk",
) -> PlacementResult:
    """Suggest K host communes that cover the most people in need (greedy).

    Greedy maximum coverage: a demand point is covered when an existing site
    (of the counted kinds) or a chosen host lies within ``radius_km`` of it, in
    the same territory. At each step the candidate adding the most newly
    covered people is chosen (ties go to the smallest code, so the result is
    deterministic). Greedy is guaranteed to reach at least (1 − 1/e) ≈ 63 % of
    the best possible coverage with K hosts, and is often much closer. It is a
    decision aid: distances are straight lines, needs are modelled estimates,
    and the ground (transport, existing partners, premises) decides.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Possible hosts: ``code``, ``lon``, ``lat`` (the commune's representative
        point), optional ``dep``, and ``population`` when ``min_population`` > 0.
    demand : pandas.DataFrame
        Communes in scope: ``lon``, ``lat``, optional ``dep`` and ``code``, and
        ``need_col``.
    existing_sites : pandas.DataFrame or None
        Sites already open: ``lon``, ``lat``, optional ``dep`` and ``kinds``.
    radius_km : float
        Reach of a site in km (> 0).
    k : int
        Number of hosts to choose (≥ 1, at most the number of eligible
        candidates).
    min_population : float
        Candidates need at least this ``population``.
    exclude : iterable of str
        Candidate codes that may not host a site.
    kinds : str or iterable of str, optional
        Only count existing sites with at least one of these kinds.
    need_col : str
        Column of ``demand`` with the people to cover.

    Returns
    -------
    PlacementResult
        The ordered hosts and the coverage before and after.

    Raises
    ------
    DivideError
        Radius ≤ 0, k ≤ 0, k above the number of eligible candidates, empty
        scope, missing columns.
    """
    radius = _check_radius(radius_km)
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k <= 0:
        raise DivideError(f"k must be a whole number of sites ≥ 1, got {k!r}")
    k = int(k)
    if not isinstance(demand, pd.DataFrame) or demand.empty:
        raise DivideError(
            "the scope is empty: no commune to serve. Choose a territory with at "
            "least one commune"
        )
    if not isinstance(candidates, pd.DataFrame) or "code" not in candidates.columns:
        raise DivideError("candidates must be a table (DataFrame) with a 'code' column")
    need = _weights(demand, need_col, "demand").to_numpy()
    dem = _locate(demand, "demand")
    cand = _eligible(candidates, min_population, exclude)
    if k > len(cand):
        raise DivideError(
            f"k = {k} but only {len(cand)} candidate(s) are eligible (population ≥ "
            f"{min_population:g}, not excluded, with coordinates): lower k or "
            "min_population, or exclude fewer communes"
        )
    cloc = _locate(cand, "candidates")

    sites = _select_sites(existing_sites, kinds, "existing sites")
    located = dem.terr != ""
    covered_by = np.full(len(demand), None, dtype=object)
    if len(sites):
        dist, _ = _nearest(dem, _locate(sites, "existing sites"))
        covered_by[dist <= radius] = "existing"
    already = covered_by == "existing"
    remaining = np.where(already | ~located, 0.0, need)
    covered_before = float(need[already].sum())

    matrix = _reach_matrix(cloc, dem, remaining > 0, radius * 1000.0)
    codes = cand["code"].to_numpy(dtype=object)
    rows = []
    chosen = np.zeros(len(cand), dtype=bool)
    total = covered_before
    for rank in range(1, k + 1):
        gains = matrix @ remaining
        gains[chosen] = -1.0
        j = int(np.argmax(gains))
        if gains[j] <= 0:
            break
        reached = matrix.indices[matrix.indptr[j] : matrix.indptr[j + 1]]
        reached = reached[remaining[reached] > 0]
        gain = float(remaining[reached].sum())
        remaining[reached] = 0.0
        covered_by[reached] = codes[j]
        chosen[j] = True
        total += gain
        rows.append((rank, codes[j], gain, total, int(reached.size)))
    table = pd.DataFrame(
        rows,
        columns=[
            "rank",
            "code",
            "marginal_gain",
            "cumulative_covered",
            "communes_reached",
        ],
    )
    return PlacementResult(
        table=table,
        covered_before=covered_before,
        covered_after=total,
        total_demand=float(need.sum()),
        radius_km=radius,
        k=k,
        eligible_candidates=len(cand),
        stopped_early=len(rows) < k,
        covered_by=pd.Series(covered_by, index=demand.index, name="covered_by"),
        unlocated_demand=float(need[~located].sum()),
    )


def eligible_count(
    candidates: pd.DataFrame, min_population: float = 0, exclude: Iterable[str] = ()
) -> int:
    """How many candidates :func:`greedy_placement` may choose: the largest ``k``.

    Candidates with at least ``min_population`` inhabitants, not in ``exclude``,
    with coordinates in a known frame.
    """
    return len(_eligible(candidates, min_population, exclude))


def _eligible(
    candidates: pd.DataFrame, min_population: float, exclude: Iterable[str]
) -> pd.DataFrame:
    """Candidates meeting the threshold, not excluded, located; sorted by code."""
    missing = [c for c in ("code", "lon", "lat") if c not in candidates.columns]
    if missing:
        raise DivideError(f"candidates lack column(s) {', '.join(missing)}")
    keep = pd.Series(True, index=candidates.index)
    if min_population and min_population > 0:
        if "population" not in candidates.columns:
            raise DivideError(
                "candidates lack a 'population' column, needed for min_population"
            )
        pop = pd.to_numeric(candidates["population"], errors="coerce")
        keep &= (pop >= min_population).fillna(False)
    excluded = {exclude} if isinstance(exclude, str) else set(map(str, exclude))
    code = candidates["code"].astype(str)
    keep &= ~code.isin(excluded)
    lon = pd.to_numeric(candidates["lon"], errors="coerce")
    lat = pd.to_numeric(candidates["lat"], errors="coerce")
    keep &= lon.notna() & lat.notna()
    out = candidates[keep].assign(code=code[keep])
    dup = out["code"].duplicated()
    if dup.any():
        raise DivideError(
            f"candidate code '{out['code'][dup].iloc[0]}' appears more than once; "
            "give one representative point per commune"
        )
    out = out.sort_values("code", kind="stable")
    loc = _locate(out, "candidates")
    return out[loc.terr != ""]


def _reach_matrix(
    cand: _Located, dem: _Located, useful: np.ndarray, radius_m: float
) -> sparse.csr_matrix:
    """Sparse candidates × demand matrix: 1 where the demand point is in reach."""
    n_c, n_d = len(cand.terr), len(dem.terr)
    row_parts, col_parts = [], []
    for key in np.unique(cand.terr):
        if key == "":
            continue
        dsel = np.flatnonzero((dem.terr == key) & useful)
        if dsel.size == 0:
            continue
        csel = np.flatnonzero(cand.terr == key)
        tree = cKDTree(dem.xy(dsel))
        hits = tree.query_ball_point(cand.xy(csel), r=radius_m)
        lengths = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
        if lengths.sum() == 0:
            continue
        row_parts.append(np.repeat(csel, lengths))
        col_parts.append(
            dsel[np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])]
        )
    if row_parts:
        rows = np.concatenate(row_parts)
        cols = np.concatenate(col_parts)
    else:
        rows = cols = np.zeros(0, dtype=np.int64)
    matrix = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_c, n_d))
    matrix.sort_indices()
    return matrix
