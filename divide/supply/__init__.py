"""Supply against need, on the atlas: who is likely in illectronisme, how far sites are.

Glue between :class:`divide.atlas.Atlas` and :mod:`divide.distance`. Every figure
about people in illectronisme is a MODELLED estimate (see
:func:`divide.illectronisme.method_summary`); distances are straight lines from
each commune's representative point to the nearest mediation site of the same
territory (mainland, or one overseas département), wherever that site is: a
commune near a border may be served from the next département.

A scope is ``None`` (all of France) or a ``(level, code)`` pair with level
``"region"``, ``"departement"`` or ``"epci"``.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from divide import distance
from divide.atlas import Atlas
from divide.build.readers.mediation import KINDS, MEDIATION_KINDS
from divide.errors import DivideError, unknown
from divide.formatting import plural_text
from divide.i18n import t
from divide.indicators import format_date, format_value, value_column
from divide.registry import indicator

SCOPE_LEVELS = ("region", "departement", "epci")
COUNT_COLUMNS = [
    "population",
    "people_15p",
    "people_at_risk",
    "people_at_risk_low",
    "people_at_risk_high",
]
POINT_COLUMNS = ["code", "name", "epci", "departement", "region", "lon", "lat"]

Scope = tuple[str, str] | None


# ------------------------------------------------------------------ arguments
def analysis_scope(atlas: Atlas, level: str, code: str | None) -> Scope:
    """Turn the territory chosen in the app into a scope for this analysis.

    Parameters
    ----------
    atlas : Atlas
    level : str
        ``france``, ``region``, ``departement``, ``epci`` or ``commune``.
    code : str or None
        The territory's code (ignored for France).

    Returns
    -------
    tuple of (str, str) or None
        ``None`` for France; a commune is widened to its EPCI (its département
        when it belongs to none), since access is a matter of neighbours.
    """
    if level == "france":
        return None
    row = atlas.territory(level, code)
    if level == "commune":
        if pd.notna(row["epci"]):
            return ("epci", str(row["epci"]))
        return ("departement", str(row["departement"]))
    return (level, str(row["code"]))


def _check_scope(atlas: Atlas, scope: Scope) -> Scope:
    if scope is None:
        return None
    if not isinstance(scope, tuple) or len(scope) != 2:
        raise DivideError(
            f"scope must be None (France) or a (level, code) pair, got {scope!r}"
        )
    level, code = scope
    if level == "france":
        return None
    if level not in SCOPE_LEVELS:
        raise unknown("scope level", level, SCOPE_LEVELS)
    atlas.territory(level, code)
    return (level, str(code).strip())


def _check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """None = the mediation kinds (:data:`MEDIATION_KINDS`); empty = none counts."""
    if kinds is None:
        return MEDIATION_KINDS
    items = [kinds] if isinstance(kinds, str) else list(kinds)
    for kind in items:
        if kind not in KINDS:
            raise unknown("site kind", kind, KINDS)
    return tuple(k for k in KINDS if k in items)


def _check_number(value: object, what: str, *, minimum: float = 0.0) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or value < minimum:
        raise DivideError(f"{what} must be a number ≥ {minimum:g}, got {value!r}")
    return float(value)


def _check_radius(radius_km: object) -> float:
    ok = isinstance(radius_km, numbers.Real) and not isinstance(radius_km, bool)
    if not ok or not np.isfinite(radius_km) or radius_km <= 0:
        raise DivideError(
            f"the radius must be a positive number of kilometres (e.g. 10), got "
            f"{radius_km!r}"
        )
    return float(radius_km)


# ----------------------------------------------------------------- the tables
def scope_points(atlas: Atlas, scope: Scope) -> pd.DataFrame:
    """Communes of a scope as points, with their need (MODELLED).

    Parameters
    ----------
    atlas : Atlas
    scope : tuple of (str, str) or None
        ``(level, code)`` with level region, departement or epci; None = France.

    Returns
    -------
    pandas.DataFrame
        One row per commune (default index): ``code``, ``name``, ``epci``,
        ``departement``, ``region``, ``dep`` (= departement, for
        :mod:`divide.distance`), ``lon``, ``lat`` (representative point),
        ``population``, ``people_15p``, ``people_at_risk`` and its plausible
        range ``people_at_risk_low``/``_high``; ``illectronisme_est``
        (``people_at_risk / people_15p``), ``illectronisme_low`` and
        ``illectronisme_high`` (the range as rates); ``located`` (has a
        representative point).
    """
    scope = _check_scope(atlas, scope)
    rows = atlas.members("commune", scope)
    if rows.empty:
        raise DivideError(f"no commune in the scope {scope}: choose another territory")
    out = rows[POINT_COLUMNS + COUNT_COLUMNS].reset_index(drop=True)
    for column in ("code", "name", "epci", "departement", "region"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    out["dep"] = out["departement"]
    for column in COUNT_COLUMNS:
        out[column] = out[column].astype(float)
    n15 = out["people_15p"].where(out["people_15p"] > 0)
    for end in ("est", "low", "high"):
        numerator = "people_at_risk" + ("" if end == "est" else f"_{end}")
        out[f"illectronisme_{end}"] = out[numerator] / n15
    out["located"] = out["lon"].notna() & out["lat"].notna()
    return out


def sites_for(atlas: Atlas, kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """All mediation sites of France that count, with ``dep`` and ``kinds``.

    Parameters
    ----------
    atlas : Atlas
    kinds : iterable of str, optional
        Kinds that count (see :data:`KINDS`); None = :data:`MEDIATION_KINDS`
        (public libraries without a mediation listing are left out); empty =
        none.

    Returns
    -------
    pandas.DataFrame
        Sites (all columns of ``atlas.sites``) plus ``dep``; ``kinds`` is the
        ";"-joined list of the site's kinds.
    """
    wanted = _check_kinds(kinds)
    sites = atlas.sites.copy()
    sites["kinds"] = sites["kinds"].fillna(sites["kind"]).astype(str)
    sites["dep"] = sites["departement"].astype(object)
    sets = sites["kinds"].str.split(";")
    return sites[sets.map(lambda ks: not set(wanted).isdisjoint(ks)).astype(bool)]


def kind_distances(atlas: Atlas) -> pd.DataFrame:
    """Distance from every commune to its nearest site of each kind (km).

    Computed once per atlas object with :func:`divide.distance.nearest_distance_km`
    (same territory only). The nearest site among several kinds is the minimum
    of these columns, since a site of several kinds appears under each.

    Returns
    -------
    pandas.DataFrame
        Indexed by commune code: ``dist_<kind>_km`` for each of :data:`KINDS`
        (NaN when the territory has no such site or the commune no point).
    """
    cached = atlas.__dict__.get("_supply_distances")
    if cached is not None:
        return cached
    com = atlas.level("commune")
    points = pd.DataFrame(
        {
            "lon": com["lon"].to_numpy(dtype=float),
            "lat": com["lat"].to_numpy(dtype=float),
            "dep": com["departement"].astype(object).to_numpy(),
        }
    )
    sites = sites_for(atlas, KINDS)
    out = pd.DataFrame(index=pd.Index(com["code"].astype(str), name="code"))
    for kind in KINDS:
        chosen = sites[sites["kinds"].str.split(";").map(lambda ks, k=kind: k in ks)]
        dist = distance.nearest_distance_km(points, chosen[["lon", "lat", "dep"]])
        out[f"dist_{kind}_km"] = dist.to_numpy()
    atlas.__dict__["_supply_distances"] = out
    return out


def commune_access(
    atlas: Atlas,
    scope: Scope,
    radius_km: float,
    kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per commune: distance to the nearest site, overall and per kind.

    Parameters
    ----------
    atlas : Atlas
    scope : tuple of (str, str) or None
    radius_km : float
        Reach of a site, in km (> 0).
    kinds : iterable of str, optional
        Kinds that count as coverage; None = :data:`MEDIATION_KINDS`, empty =
        none.

    Returns
    -------
    pandas.DataFrame
        :func:`scope_points` plus ``dist_<kind>_km`` for each kind of
        :data:`KINDS`, ``distance_km`` (nearest counted site; NaN when none in
        the territory or the commune has no point), ``covered`` (a counted site
        within the radius) and ``underserved`` (located and not covered).
    """
    radius = _check_radius(radius_km)
    wanted = _check_kinds(kinds)
    points = scope_points(atlas, scope)
    dist = kind_distances(atlas).reindex(points["code"])
    for kind in KINDS:
        points[f"dist_{kind}_km"] = dist[f"dist_{kind}_km"].to_numpy()
    counted = [f"dist_{k}_km" for k in wanted]
    points["distance_km"] = points[counted].min(axis=1) if counted else np.nan
    points["covered"] = (points["distance_km"] <= radius).fillna(False).astype(bool)
    points["underserved"] = points["located"] & ~points["covered"]
    return points


@dataclass(frozen=True)
class AccessSummary:
    """Headline figures of supply against need in a scope.

    People in illectronisme are a MODELLED estimate; ``illectronisme_low`` and
    ``illectronisme_high`` bound its plausible range.
    """

    communes: int
    population: float
    people_15p: float
    people_at_risk: float
    illectronisme_est: float
    illectronisme_low: float
    illectronisme_high: float
    sites: int
    radius_km: float
    people_at_risk_within: float
    mean_distance_km: float
    underserved_communes: int
    underserved_people: float
    unlocated_communes: int

    @property
    def share_within(self) -> float:
        """Share of the people at risk with a counted site within the radius."""
        return (
            self.people_at_risk_within / self.people_at_risk
            if self.people_at_risk
            else np.nan
        )

    @property
    def people_at_risk_low(self) -> float:
        """Low end of the plausible range of people at risk."""
        return self.illectronisme_low * self.people_15p

    @property
    def people_at_risk_high(self) -> float:
        """High end of the plausible range of people at risk."""
        return self.illectronisme_high * self.people_15p


def _weighted_distance(dist: pd.Series, weight: pd.Series) -> float:
    ok = dist.notna()
    total = float(weight[ok].sum())
    return float((dist[ok] * weight[ok]).sum() / total) if total > 0 else np.nan


def access_summary(
    atlas: Atlas, scope: Scope, radius_km: float, kinds: Iterable[str] | None = None
) -> AccessSummary:
    """Headline figures: people at risk (MODELLED, with range), reach, distance.

    Parameters
    ----------
    atlas, scope, radius_km, kinds
        As for :func:`commune_access`.

    Returns
    -------
    AccessSummary
        Rates are rebuilt from sums of people, never averaged;
        ``mean_distance_km`` is weighted by people at risk; ``sites`` counts the
        counted sites located in the scope.
    """
    table = commune_access(atlas, scope, radius_km, kinds)
    risk = table["people_at_risk"]
    n15 = float(table["people_15p"].sum())
    wanted = _check_kinds(kinds)
    in_scope = atlas.sites_in(_check_scope(atlas, scope), wanted)
    at_risk = float(risk.sum())
    low, high = (float(table[f"people_at_risk_{end}"].sum()) for end in ("low", "high"))
    return AccessSummary(
        communes=len(table),
        population=float(table["population"].sum()),
        people_15p=n15,
        people_at_risk=at_risk,
        illectronisme_est=at_risk / n15 if n15 else np.nan,
        illectronisme_low=low / n15 if n15 else np.nan,
        illectronisme_high=high / n15 if n15 else np.nan,
        sites=len(in_scope),
        radius_km=float(radius_km),
        people_at_risk_within=float(risk[table["covered"]].sum()),
        mean_distance_km=_weighted_distance(table["distance_km"], risk),
        underserved_communes=int(table["underserved"].sum()),
        underserved_people=float(risk[table["underserved"]].sum()),
        unlocated_communes=int((~table["located"]).sum()),
    )


def kind_summary(atlas: Atlas, scope: Scope, radius_km: float) -> pd.DataFrame:
    """Access per kind of site: sites in scope, distance and reach.

    Parameters
    ----------
    atlas, scope, radius_km
        As for :func:`commune_access`.

    Returns
    -------
    pandas.DataFrame
        One row per kind of :data:`KINDS`, then ``"any"`` (any kind of
        :data:`MEDIATION_KINDS`, the default supply): ``kind``, ``sites``
        (located in the scope), ``mean_distance_km`` (weighted by people at
        risk), ``people_at_risk_within`` and ``share_within`` (MODELLED).
    """
    table = commune_access(atlas, scope, radius_km, None)
    risk = table["people_at_risk"]
    scope = _check_scope(atlas, scope)
    rows = []
    for kind, column in [(k, f"dist_{k}_km") for k in KINDS] + [("any", "distance_km")]:
        dist = table[column]
        within = float(risk[dist <= radius_km].sum())
        rows.append(
            {
                "kind": kind,
                "sites": len(
                    atlas.sites_in(scope, MEDIATION_KINDS if kind == "any" else [kind])
                ),
                "mean_distance_km": _weighted_distance(dist, risk),
                "people_at_risk_within": within,
                "share_within": within / risk.sum() if risk.sum() else np.nan,
            }
        )
    return pd.DataFrame(rows)


def underserved_table(
    atlas: Atlas,
    scope: Scope,
    radius_km: float,
    kinds: Iterable[str] | None = None,
    min_need: float = 0.0,
) -> pd.DataFrame:
    """Communes with no counted site within the radius, ranked by need.

    Parameters
    ----------
    atlas, scope, radius_km, kinds
        As for :func:`commune_access`.
    min_need : float
        Keep communes with at least this many people at risk (MODELLED).

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``code``, ``name``, ``epci``, ``epci_name``, ``departement``,
        ``population``, ``people_15p``, ``people_at_risk``,
        ``illectronisme_est``, ``illectronisme_low``, ``illectronisme_high``,
        ``distance_km`` (NaN when the territory has no counted site), ``lon``,
        ``lat``. Communes without a representative point are left out (they
        cannot be assessed; :class:`AccessSummary` counts them).
    """
    need = _check_number(min_need, "the minimum number of people at risk")
    table = commune_access(atlas, scope, radius_km, kinds)
    out = table[table["underserved"] & (table["people_at_risk"] >= need)]
    out = out.sort_values(
        ["people_at_risk", "code"], ascending=[False, True], kind="stable"
    )
    names = atlas.level("epci")["name"]
    out = out.assign(epci_name=out["epci"].map(names).astype(object))
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    columns = [
        "rank",
        "code",
        "name",
        "epci",
        "epci_name",
        "departement",
        "population",
        "people_15p",
        "people_at_risk",
        "illectronisme_est",
        "illectronisme_low",
        "illectronisme_high",
        "distance_km",
        "lon",
        "lat",
    ]
    return out[columns].reset_index(drop=True)


def epci_summary(
    atlas: Atlas,
    scope: Scope,
    radius_km: float,
    kinds: Iterable[str] | None = None,
    by: str = "epci",
) -> pd.DataFrame:
    """Supply against need per EPCI (or département) of a scope.

    Parameters
    ----------
    atlas, scope, radius_km, kinds
        As for :func:`commune_access`.
    by : str
        ``"epci"`` or ``"departement"``. Only the scope's communes count, so an
        EPCI straddling the scope's border is cut to its part inside.

    Returns
    -------
    pandas.DataFrame
        One row per territory, ranked by people at risk in underserved
        communes: ``code``, ``name``, ``communes``, ``population``,
        ``people_at_risk`` (MODELLED), ``sites`` (counted sites in its communes),
        ``people_at_risk_per_site`` (NaN without a site),
        ``people_at_risk_within``, ``share_within``, ``mean_distance_km``
        (weighted by people at risk), ``underserved_communes``,
        ``people_at_risk_underserved``.
    """
    if by not in ("epci", "departement"):
        raise unknown("grouping level", by, ("epci", "departement"))
    table = commune_access(atlas, scope, radius_km, kinds)
    key = table[by].fillna("none")
    risk = table["people_at_risk"]
    counted = sites_for(atlas, kinds)
    site_key = counted["commune"].map(dict(zip(table["code"], key, strict=True)))
    frame = pd.DataFrame(
        {
            "communes": 1,
            "population": table["population"],
            "people_at_risk": risk,
            "people_at_risk_within": risk.where(table["covered"], 0.0),
            "_dist_x_risk": (table["distance_km"] * risk).fillna(0.0),
            "_risk_dist": risk.where(table["distance_km"].notna(), 0.0),
            "underserved_communes": table["underserved"].astype(int),
            "people_at_risk_underserved": risk.where(table["underserved"], 0.0),
        }
    )
    sums = frame.groupby(key.to_numpy()).sum()
    sums["sites"] = site_key.value_counts().reindex(sums.index).fillna(0).astype(int)
    sums["people_at_risk_per_site"] = sums["people_at_risk"] / sums["sites"].where(
        sums["sites"] > 0
    )
    sums["share_within"] = sums["people_at_risk_within"] / sums["people_at_risk"].where(
        sums["people_at_risk"] > 0
    )
    sums["mean_distance_km"] = sums.pop("_dist_x_risk") / sums.pop("_risk_dist").where(
        lambda s: s > 0
    )
    names = atlas.level(by)["name"].astype(object)
    sums["name"] = [names.get(code, "—") for code in sums.index]
    sums["code"] = sums.index
    sums = sums.sort_values(
        ["people_at_risk_underserved", "people_at_risk", "code"],
        ascending=[False, False, True],
        kind="stable",
    )
    return sums[
        [
            "code",
            "name",
            "communes",
            "population",
            "people_at_risk",
            "sites",
            "people_at_risk_per_site",
            "people_at_risk_within",
            "share_within",
            "mean_distance_km",
            "underserved_communes",
            "people_at_risk_underserved",
        ]
    ].reset_index(drop=True)


# ------------------------------------------------------------------ placement
@dataclass(frozen=True)
class Placement:
    """Suggested host communes for new sites, and the coverage they bring.

    Attributes
    ----------
    result : divide.distance.PlacementResult
        The raw greedy result (coverage before/after, stop flag...).
    hosts : pandas.DataFrame
        Chosen hosts in the order chosen: ``rank``, ``code``, ``name``,
        ``epci``, ``departement``, ``population``, ``people_at_risk`` (its own,
        MODELLED), ``marginal_gain``, ``cumulative_covered``,
        ``communes_reached``, ``lon``, ``lat``.
    scope : tuple of (str, str)
        The scope searched.
    """

    result: distance.PlacementResult
    hosts: pd.DataFrame
    scope: tuple[str, str]
    #: Located communes with people at risk and no counted site within the
    #: radius, before and after the chosen hosts (why placement stops early).
    left_before: int = 0
    left_after: int = 0


def host_count(
    atlas: Atlas,
    scope: Scope,
    exclude: Iterable[str] = (),
    min_population: float = 0,
) -> int:
    """Communes of a scope that may host a site: the largest K :func:`placement` takes.

    Parameters
    ----------
    atlas : Atlas
    scope : tuple of (str, str) or None
        A région, département or EPCI; None (France) gives 0.
    exclude : iterable of str
        Commune codes that may not host a site.
    min_population : float
        A host needs at least this population.

    Returns
    -------
    int
        Located communes of the scope, not excluded, with at least
        ``min_population`` inhabitants.
    """
    scope = _check_scope(atlas, scope)
    if scope is None:
        return 0
    min_pop = _check_number(min_population, "the minimum population of a host")
    excluded = [exclude] if isinstance(exclude, str) else [str(c) for c in exclude]
    return distance.eligible_count(scope_points(atlas, scope), min_pop, excluded)


def placement(
    atlas: Atlas,
    scope: Scope,
    radius_km: float,
    k: int,
    kinds: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    min_population: float = 0,
) -> Placement:
    """Suggest K host communes of a scope that reach the most people at risk.

    Greedy maximum coverage (:func:`divide.distance.greedy_placement`): within
    (1 − 1/e) ≈ 63 % of the best possible coverage, usually much closer. A
    decision aid: needs are MODELLED, distances are straight lines.

    Parameters
    ----------
    atlas : Atlas
    scope : tuple of (str, str)
        A région, département or EPCI (France as a whole is refused).
    radius_km : float
        Reach of a site in km (> 0).
    k : int
        Number of hosts to choose (1 to the number of eligible communes).
    kinds : iterable of str, optional
        Existing kinds counted as coverage; None = :data:`MEDIATION_KINDS`,
        empty = none.
    exclude : iterable of str
        Commune codes that may not host a site (must be in the scope).
    min_population : float
        A host needs at least this population.

    Returns
    -------
    Placement

    Raises
    ------
    DivideError
        No scope or France, radius ≤ 0, k < 1 or above the eligible
        communes, unknown excluded codes, negative minimum population.
    """
    scope = _check_scope(atlas, scope)
    if scope is None:
        raise DivideError(
            "site placement needs a région, a département or an EPCI: choose one "
            "(France as a whole is too broad a scope to plan sites)"
        )
    radius = _check_radius(radius_km)
    min_pop = _check_number(min_population, "the minimum population of a host")
    wanted = _check_kinds(kinds)
    points = scope_points(atlas, scope)
    excluded = [exclude] if isinstance(exclude, str) else [str(c) for c in exclude]
    outside = sorted(set(excluded) - set(points["code"]))
    if outside:
        raise DivideError(
            f"excluded commune(s) {', '.join(outside)} are not in the scope "
            f"{scope[0]} {scope[1]}: pick communes of the scope"
        )
    existing = None if wanted == () else sites_for(atlas, wanted)
    result = distance.greedy_placement(
        points,
        points,
        None if existing is None else existing[["lon", "lat", "dep", "kinds"]],
        radius,
        k,
        min_population=min_pop,
        exclude=excluded,
        need_col="people_at_risk",
    )
    info = points.set_index("code")
    hosts = result.table.join(
        info[["name", "epci", "departement", "population", "people_at_risk"]],
        on="code",
    ).join(info[["lon", "lat"]], on="code")
    columns = [
        "rank",
        "code",
        "name",
        "epci",
        "departement",
        "population",
        "people_at_risk",
        "marginal_gain",
        "cumulative_covered",
        "communes_reached",
        "lon",
        "lat",
    ]
    need = points["people_at_risk"].fillna(0.0) > 0
    open_need = need & points["located"]
    covered_by = result.covered_by.reindex(points.index)
    left_before = int((open_need & (covered_by != "existing")).sum())
    left_after = int((open_need & covered_by.isna()).sum())
    return Placement(
        result=result,
        hosts=hosts[columns],
        scope=scope,
        left_before=left_before,
        left_after=left_after,
    )


def stop_reason(placed: Placement, lang: str) -> str:
    """Why a placement chose fewer hosts than asked, in words (plurals right).

    Empty when it chose as many as asked. Greedy placement stops when no
    eligible host reaches anyone more: either every commune with people at risk
    now has a site within the radius, or the ones left cannot be reached from an
    eligible host (minimum population, exclusions).
    """
    n, k = len(placed.hosts), placed.result.k
    if n >= k:
        return ""
    r = f"{placed.result.radius_km:g}"
    if n == 0:
        return t("access_all_covered", lang, r=r)
    head = plural_text("access_stop_hosts", lang, n, k=k)
    if placed.left_after == 0:
        tail = plural_text("access_stop_left", lang, placed.left_before, r=r)
    else:
        tail = plural_text("access_stop_unreachable", lang, placed.left_after, r=r)
    return f"{head} {tail}"


# --------------------------------------------------------------------- export
def to_geojson(frame: pd.DataFrame, metadata: dict | None = None) -> bytes:
    """A table with ``lon``/``lat`` as a GeoJSON of points (EPSG:4326).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``lon`` and ``lat``; other columns become properties.
    metadata : dict, optional
        Stored under the collection's ``metadata`` (sources, radius, method).

    Returns
    -------
    bytes
        UTF-8 GeoJSON; rows without coordinates get a null geometry.
    """
    props = frame.drop(columns=["lon", "lat"])
    records = json.loads(props.to_json(orient="records", force_ascii=False))
    features = []
    for record, lon, lat in zip(records, frame["lon"], frame["lat"], strict=True):
        point = None
        if pd.notna(lon) and pd.notna(lat):
            point = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        features.append({"type": "Feature", "geometry": point, "properties": record})
    payload = {"type": "FeatureCollection", "features": features}
    if metadata:
        payload["metadata"] = metadata
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------- presentation
PEOPLE_COLUMNS = (
    "population",
    "people_15p",
    "people_at_risk",
    "marginal_gain",
    "cumulative_covered",
    "people_at_risk_within",
    "people_at_risk_underserved",
    "people_at_risk_per_site",
)


VIEWS = {
    "kinds": "kind sites mean_distance_km people_at_risk_within share_within",
    "underserved": "rank name code epci_name departement population "
    "people_at_risk range distance_km",
    "epci": "name code communes people_at_risk sites people_at_risk_per_site "
    "share_within mean_distance_km underserved_communes people_at_risk_underserved",
    "hosts": "rank name code population people_at_risk marginal_gain "
    "cumulative_covered communes_reached",
}
"""Columns shown for each table of the page, in order (see :func:`display`)."""


def indicator_label(ind_id: str, lang: str) -> str:
    """An indicator's name in ``lang``, with "(modelled)" when it is."""
    ind = indicator(ind_id)
    text = ind.name(lang)
    if ind.modelled and t("modelled", lang) not in text.lower():
        text += f" ({t('modelled', lang)})"
    return text


def _fmt(value: float, ind_id: str, lang: str) -> str:
    return format_value(value, indicator(ind_id), lang)


def summary_cards(summary: AccessSummary, lang: str) -> list[tuple[str, str, str]]:
    """Headline figures as (label, value, note) texts, modelled ones labelled.

    Parameters
    ----------
    summary : AccessSummary
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    list of (str, str, str)
        People at risk and their rate (with plausible ranges), people at risk
        within the radius (with their share), counted sites (with the mean
        distance).
    """
    colon = " : " if lang == "fr" else ": "

    def span(low: float, high: float, ind_id: str) -> str:
        return t(
            "access_range",
            lang,
            low=_fmt(low, ind_id, lang),
            high=_fmt(high, ind_id, lang),
        )

    return [
        (
            indicator_label("people_at_risk", lang),
            _fmt(summary.people_at_risk, "people_at_risk", lang),
            span(summary.people_at_risk_low, summary.people_at_risk_high, "population"),
        ),
        (
            indicator_label("illectronisme_est", lang),
            _fmt(summary.illectronisme_est, "illectronisme_est", lang),
            span(
                summary.illectronisme_low,
                summary.illectronisme_high,
                "illectronisme_est",
            ),
        ),
        (
            t("access_within", lang, r=f"{summary.radius_km:g}"),
            _fmt(summary.people_at_risk_within, "people_at_risk", lang),
            _fmt(summary.share_within, "illectronisme_est", lang),
        ),
        (
            t("access_sites", lang),
            _fmt(summary.sites, "mediation_sites", lang),
            t("access_mean_distance", lang)
            + colon
            + _fmt(summary.mean_distance_km, "dist_mediation_km", lang),
        ),
    ]


def placement_cards(placed: Placement, lang: str) -> list[tuple[str, str, str]]:
    """Before/after coverage of a placement as (label, value, note) texts.

    Parameters
    ----------
    placed : Placement
    lang : str

    Returns
    -------
    list of (str, str, str)
        People at risk reached today, then with the chosen hosts (MODELLED).
    """
    res = placed.result
    gain = _fmt(res.covered_after - res.covered_before, "people_at_risk", lang)
    return [
        (
            t("access_before", lang),
            _fmt(res.covered_before, "people_at_risk", lang),
            _fmt(res.share_before, "illectronisme_est", lang),
        ),
        (
            plural_text("access_after", lang, len(placed.hosts)),
            _fmt(res.covered_after, "people_at_risk", lang),
            f"+{gain} → {_fmt(res.share_after, 'illectronisme_est', lang)}",
        ),
    ]


def display(frame: pd.DataFrame, columns: str | list[str], lang: str) -> pd.DataFrame:
    """A table ready to show: rounded, kinds and headers translated.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of one of this module's table functions.
    columns : str or list of str
        Columns to keep, in order, or the name of a :data:`VIEWS` entry;
        ``"range"`` builds the modelled rate with its plausible range from
        ``illectronisme_est``/``_low``/``_high``.
    lang : str

    Returns
    -------
    pandas.DataFrame
        People as whole numbers, ``share_within`` in %, km to 0.1; headers
        from the ``access_col_<column>`` strings.
    """
    if isinstance(columns, str):
        if columns not in VIEWS:
            raise unknown("table view", columns, VIEWS)
        columns = VIEWS[columns].split()
    out = frame.copy()
    if "range" in columns:
        out["range"] = [
            f"{_fmt(e, 'illectronisme_est', lang)} "
            f"({_fmt(lo, 'illectronisme_est', lang)} – "
            f"{_fmt(hi, 'illectronisme_est', lang)})"
            for e, lo, hi in zip(
                out["illectronisme_est"],
                out["illectronisme_low"],
                out["illectronisme_high"],
                strict=True,
            )
        ]
    out = out[columns]
    for col in columns:
        if col in PEOPLE_COLUMNS:
            out[col] = out[col].round(0)
        elif col == "share_within":
            out[col] = (100 * out[col]).round(1)
        elif col.endswith("_km"):
            out[col] = out[col].round(1)
    if "kind" in out.columns:
        out["kind"] = [
            t("access_kind_any" if k == "any" else f"kind_{k}", lang)
            for k in out["kind"]
        ]
    return out.rename(columns=lambda c: t(f"access_col_{c}", lang))


#: The use of mediation next to its supply and the modelled need, in that order.
USE_SUPPLY_NEED = (
    ("people_accompanied_per_1k", "use"),
    ("mediation_sites_per_10k", "supply"),
    ("cnfs_posts_per_100k", "supply"),
    ("aidants_connect_sites", "supply"),
    ("illectronisme_est", "need"),
)


def use_supply_need(
    atlas: Atlas, level: str, code: str | None, lang: str = "en"
) -> pd.DataFrame:
    """People accompanied (use) next to supply and modelled need, for a territory.

    Returns
    -------
    DataFrame
        One row per indicator of :data:`USE_SUPPLY_NEED`, with the columns
        (translated) measure, nature (use / supply / need, modelled), value (with
        its unit; withheld values read "no data") and the date of its data.
    """
    row = atlas.territory(level, code)
    rows = []
    for ind_id, nature in USE_SUPPLY_NEED:
        ind = indicator(ind_id)
        value = row.get(value_column(ind_id))
        as_of = ind.as_of(atlas.as_of)
        rows.append(
            {
                t("use_col_measure", lang): ind.name(lang),
                t("use_col_kind", lang): t(f"use_kind_{nature}", lang),
                t("use_col_value", lang): format_value(
                    None if value is None or pd.isna(value) else float(value), ind, lang
                ),
                t("use_col_as_of", lang): format_date(as_of, lang) if as_of else "",
            }
        )
    return pd.DataFrame(rows)
