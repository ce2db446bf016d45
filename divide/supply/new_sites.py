"""Where new sites would reach the most people at risk: hosts, placement, stops."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from divide import distance
from divide.atlas import Atlas
from divide.errors import DivideError
from divide.formatting import plural_text
from divide.i18n import t
from divide.supply.inputs import (
    Scope,
    check_kinds,
    check_number,
    check_radius,
    check_scope,
    scope_points,
    sites_for,
)


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
    scope = check_scope(atlas, scope)
    if scope is None:
        return 0
    min_pop = check_number(min_population, "the minimum population of a host")
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
    scope = check_scope(atlas, scope)
    if scope is None:
        raise DivideError(
            "site placement needs a région, a département or an EPCI: choose one "
            "(France as a whole is too broad a scope to plan sites)"
        )
    radius = check_radius(radius_km)
    min_pop = check_number(min_population, "the minimum population of a host")
    wanted = check_kinds(kinds)
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
