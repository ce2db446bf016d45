"""The page's settings: candidate components, reference, area drawn, ranking in it."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from divide.atlas import Atlas
from divide.fragility.method import normalise_weights
from divide.registry import Indicator, catalogue

#: Registry indicators not offered as components: the bounds of the modelled
#: illectronisme range (the estimate itself is offered) and MedNum's IFN (2019/20
#: and 2023), the benchmarks the index is compared with.
NOT_COMPONENTS = (
    "illectronisme_low",
    "illectronisme_high",
    "ifn_mednum",
    "ifn2023_total",
)


def candidates(extra: Mapping[str, Indicator] | None = None) -> list[str]:
    """Indicators that can enter the index, in registry order.

    Returns
    -------
    list of str
        Every indicator with a direction, except :data:`NOT_COMPONENTS`,
        then those of ``extra`` (a session's uploads).
    """
    return [
        ind_id
        for ind_id, ind in catalogue(extra).items()
        if ind.direction != "neutral" and ind_id not in NOT_COMPONENTS
    ]


def reference_for(
    level: str, choice: str, region: str | None, atlas: Atlas | None = None
) -> str:
    """The ``reference`` argument of :func:`compute_index` for a page setting.

    Parameters
    ----------
    level : str
        The index level.
    choice : str
        ``"france"`` or ``"region"`` (the chosen territory's région).
    region : str or None
        That région's code (None when no territory is chosen).
    atlas : Atlas, optional
        When given, a région with fewer than two territories of ``level`` (an
        overseas région at département level) falls back to France.

    Returns
    -------
    str
        ``"france"`` when asked, at région level (one région cannot set a scale),
        without a région or with too few territories in it; else the région code.
    """
    if choice != "region" or level == "region" or not region:
        return "france"
    if atlas is not None:
        regions = atlas.level(level)["region"].astype("string")
        if int((regions == str(region)).sum()) < 2:
            return "france"
    return str(region)


def within(index_df: pd.DataFrame, codes=None) -> pd.DataFrame:
    """Some rows of an index, ranked among themselves (1 = most fragile).

    Parameters
    ----------
    index_df : DataFrame
        An output of :func:`compute_index`.
    codes : iterable of str, optional
        The territories to keep (all when None: the frame is returned as is).

    Returns
    -------
    DataFrame
        Same columns and ``attrs``; ``rank`` recomputed over the rows kept.
    """
    if codes is None:
        return index_df
    keep = index_df.index.isin(pd.Index([str(c) for c in codes]))
    out = index_df.loc[keep].copy()
    out["rank"] = (
        out["score"].rank(ascending=False, method="min", na_option="keep")
    ).astype("Int64")
    out.attrs = dict(index_df.attrs)
    return out


def same_weights(
    a: Mapping[str, float],
    b: Mapping[str, float],
    extra: Mapping[str, Indicator] | None = None,
) -> bool:
    """True when two settings give the same index (same components, same ratios)."""
    if set(a) != set(b):
        return False
    wa, wb = normalise_weights(a, extra), normalise_weights(b, extra)
    return all(math.isclose(wa[c], wb[c], abs_tol=1e-12) for c in wa)


def region_of(atlas: Atlas, level: str, code: str | None) -> str | None:
    """The région of a territory: its own code for a région, None for France."""
    if level == "france":
        return None
    if level == "region":
        return str(atlas.territory(level, code)["code"])
    region = atlas.territory(level, code)["region"]
    return None if pd.isna(region) else str(region)


def display_scope(
    atlas: Atlas, level: str, t_level: str, t_code: str | None
) -> tuple[str, tuple[str, str] | None]:
    """Where a level is drawn, as on the map page.

    Communes are drawn within the chosen territory (a commune's département);
    other levels nationally. Without a chosen territory, communes fall back to
    départements.

    Returns
    -------
    tuple
        ``(level, scope)``: the level drawn and ``(scope_level, code)`` or None.
    """
    if level != "commune":
        return level, None
    if t_level == "france":
        return "departement", None
    if t_level == "commune":
        return level, ("departement", atlas.territory("commune", t_code)["departement"])
    return level, (t_level, t_code)
