"""An analysis's inputs, checked: the scope, the communes as points, the sites.

The communes carry their need (MODELLED); the sites are those that count.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from divide.atlas import Atlas
from divide.build.readers.mediation import KINDS, MEDIATION_KINDS
from divide.errors import DivideError, unknown

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


def check_scope(atlas: Atlas, scope: Scope) -> Scope:
    """The scope, checked: None, or a known (level, code) of :data:`SCOPE_LEVELS`."""
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


def check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """None = the mediation kinds (:data:`MEDIATION_KINDS`); empty = none counts."""
    if kinds is None:
        return MEDIATION_KINDS
    items = [kinds] if isinstance(kinds, str) else list(kinds)
    for kind in items:
        if kind not in KINDS:
            raise unknown("site kind", kind, KINDS)
    return tuple(k for k in KINDS if k in items)


def check_number(value: object, what: str, *, minimum: float = 0.0) -> float:
    """A finite number of at least ``minimum``, else a DivideError naming ``what``."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or value < minimum:
        raise DivideError(f"{what} must be a number ≥ {minimum:g}, got {value!r}")
    return float(value)


def check_radius(radius_km: object) -> float:
    """A positive, finite radius in km, else a DivideError."""
    ok = isinstance(radius_km, numbers.Real) and not isinstance(radius_km, bool)
    if not ok or not np.isfinite(radius_km) or radius_km <= 0:
        raise DivideError(
            f"the radius must be a positive number of kilometres (e.g. 10), got "
            f"{radius_km!r}"
        )
    return float(radius_km)


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
    scope = check_scope(atlas, scope)
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
    wanted = check_kinds(kinds)
    sites = atlas.sites.copy()
    sites["kinds"] = sites["kinds"].fillna(sites["kind"]).astype(str)
    sites["dep"] = sites["departement"].astype(object)
    sets = sites["kinds"].str.split(";")
    return sites[sets.map(lambda ks: not set(wanted).isdisjoint(ks)).astype(bool)]
