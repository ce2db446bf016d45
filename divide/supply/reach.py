"""How far sites are from people: distances, reach, underserved communes, summaries.

Per commune and kind of site, per scope and per EPCI (or département).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from divide import distance
from divide.atlas import Atlas
from divide.build.readers.mediation import KINDS, MEDIATION_KINDS
from divide.errors import unknown
from divide.supply.inputs import (
    Scope,
    check_kinds,
    check_number,
    check_radius,
    check_scope,
    scope_points,
    sites_for,
)


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
    radius = check_radius(radius_km)
    wanted = check_kinds(kinds)
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
    wanted = check_kinds(kinds)
    in_scope = atlas.sites_in(check_scope(atlas, scope), wanted)
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
    scope = check_scope(atlas, scope)
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
    need = check_number(min_need, "the minimum number of people at risk")
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
