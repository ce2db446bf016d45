"""The index: components and weights, normalisation, composite, sub-scores, rank."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from divide.atlas import Atlas, check_level
from divide.errors import DivideError, unknown
from divide.indicators import value_column
from divide.registry import Indicator, indicator
from divide.territory import LEVELS

NORMALISATIONS = ("percentile", "minmax", "zscore")


INDEX_LEVELS = LEVELS


#: The default components: MedNum IFN's five drivers plus modelled illectronisme.
DEFAULT_COMPONENTS: dict[str, float] = {
    "thd30_share": 1.0,
    "dist_4g_km": 1.0,
    "age65_share": 1.0,
    "low_diploma_share": 1.0,
    "poverty_rate": 1.0,
    "illectronisme_est": 1.0,
}


#: Components that call for network deployment (fixed and mobile coverage).
INFRASTRUCTURE = (
    "thd30_share",
    "thd100_share",
    "gig_share",
    "bhd8_share",
    "premises_no_thd",
    "dist_4g_km",
    "sites_4g",
)


#: Components that call for mediation: skills, social factors, access to help.
#: Distances to mediation sites and France Services belong here: what they call
#: for is a mediation venue or a mobile service, not a network.
SKILLS = (
    "age65_share",
    "low_diploma_share",
    "poverty_rate",
    "median_income",
    "illectronisme_est",
    "alone_share",
    "people_at_risk",
    "people_at_risk_far",
    "dist_mediation_km",
    "dist_france_services_km",
    "mediation_sites",
    "mediation_sites_per_10k",
)


BALANCE_MARGIN = 10.0


_REQUIRED = ("level", "code")


def as_atlas(atlas_or_table: Atlas | pd.DataFrame) -> Atlas:
    """An :class:`Atlas`, or a table shaped like ``atlas.territories`` wrapped as one.

    The table needs ``level`` and ``code`` columns and the ``v_<indicator>``
    columns used; ``name`` and the parent columns (``epci``, ``departement``,
    ``region``) are used when present. The wrapper is a real ``Atlas`` whose
    ``territories`` is the table, so ``level()``, ``territory()`` and
    ``members()`` behave exactly as on the atlas (same errors).
    """
    if isinstance(atlas_or_table, Atlas):
        return atlas_or_table
    if not isinstance(atlas_or_table, pd.DataFrame):
        raise DivideError(
            "expected an Atlas or a table of territories (a pandas DataFrame), "
            f"got {type(atlas_or_table).__name__}"
        )
    table = atlas_or_table
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise DivideError(f"the territory table lacks the column(s) {missing}")
    table = table.copy()
    table["code"] = table["code"].astype(str)
    if "name" not in table.columns:
        table["name"] = table["code"]
    for parent in ("epci", "departement", "region"):
        if parent not in table.columns:
            table[parent] = pd.NA
    atlas = Atlas(Path("<table>"))
    atlas.__dict__["territories"] = table  # fills the cached property
    return atlas


def normalise_weights(
    components: Mapping[str, float] | None,
    extra: Mapping[str, Indicator] | None = None,
) -> dict[str, float]:
    """Check components and weights; return weights that sum to one.

    Parameters
    ----------
    components : mapping of str to float, optional
        Indicator id → weight (default :data:`DEFAULT_COMPONENTS`).

    Returns
    -------
    dict
        Same keys, weights divided by their sum.

    Raises
    ------
    DivideError
        Unknown indicator, indicator without direction, a weight that is not a
        finite number, a negative weight, or weights that are all zero.
    """
    if components is None:
        components = DEFAULT_COMPONENTS
    if not isinstance(components, Mapping) or not components:
        raise DivideError("give at least one component: {indicator id: weight}")
    weights = {}
    for ind_id, weight in components.items():
        ind = indicator(ind_id, extra)
        if ind.direction == "neutral":
            raise DivideError(
                f"'{ind_id}' has no direction (neither higher nor lower is worse): "
                "it cannot enter a fragility index"
            )
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise DivideError(f"the weight of '{ind_id}' must be a number: {weight!r}")
        weight = float(weight)
        if math.isnan(weight) or math.isinf(weight):
            raise DivideError(f"the weight of '{ind_id}' must be finite: {weight}")
        if weight < 0:
            raise DivideError(
                f"the weight of '{ind_id}' is negative ({weight:g}); weights are 0 "
                "or more (a component's direction comes from the registry)"
            )
        weights[ind_id] = weight
    total = sum(weights.values())
    if total <= 0:
        raise DivideError("all weights are zero: give at least one positive weight")
    return {ind_id: w / total for ind_id, w in weights.items()}


def badness(
    values: pd.Series, reference: pd.Series, direction: str, method: str
) -> pd.Series:
    """Normalise values to a 0–100 score where higher is worse.

    Parameters
    ----------
    values : Series
        The values to score (missing values stay missing).
    reference : Series
        The values that define the scale (missing ones are ignored).
    direction : str
        ``"higher_worse"`` or ``"lower_worse"`` (from the registry).
    method : str
        One of :data:`NORMALISATIONS` (see the module docstring).

    Returns
    -------
    Series
        Scores in [0, 100]; NaN where the value is missing or the reference has
        no value.
    """
    if method not in NORMALISATIONS:
        raise unknown("normalisation", method, NORMALISATIONS)
    sign = 1.0 if direction == "higher_worse" else -1.0
    x = sign * values.astype(float)
    ref = np.sort((sign * reference.astype(float)).dropna().to_numpy())
    out = pd.Series(np.nan, index=values.index, dtype=float)
    known = x.notna()
    if ref.size == 0 or not known.any():
        return out
    xs = x[known].to_numpy()
    if method == "percentile":
        below = np.searchsorted(ref, xs, side="left")
        below_equal = np.searchsorted(ref, xs, side="right")
        scores = 100.0 * (below + below_equal) / (2.0 * ref.size)
    elif method == "minmax":
        low, high = ref[0], ref[-1]
        if high == low:
            scores = np.full(xs.shape, 50.0)
        else:
            scores = 100.0 * (xs - low) / (high - low)
    else:
        std = ref.std()
        if std == 0:
            scores = np.full(xs.shape, 50.0)
        else:
            scores = 50.0 + 10.0 * (xs - ref.mean()) / std
    out[known] = np.clip(scores, 0.0, 100.0)
    return out


def _weighted(scores: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Weighted mean over the available columns, weights re-scaled per row."""
    if not weights:
        return pd.Series(np.nan, index=scores.index, dtype=float)
    cols = list(weights)
    w = pd.Series(weights, dtype=float)
    frame = scores[cols]
    available = frame.notna().mul(w, axis=1).sum(axis=1)
    total = frame.fillna(0.0).mul(w, axis=1).sum(axis=1)
    return (total / available.where(available > 0)).astype(float)


def _reference_scope(table: pd.DataFrame, level: str, reference: str) -> pd.Series:
    """Boolean mask of the territories whose distribution sets the scale."""
    if reference == "france":
        return pd.Series(True, index=table.index)
    if level == "region":
        raise DivideError(
            "région scores need reference='france': one région alone cannot set a scale"
        )
    reference = str(reference).strip()
    mask = table["region"].astype("string") == reference
    if not mask.fillna(False).any():
        valid = sorted({str(r) for r in table["region"].dropna()})
        raise unknown("reference (région code, or 'france')", reference, valid)
    mask = mask.fillna(False).astype(bool)
    if mask.sum() < 2:
        raise DivideError(
            f"région {reference} holds fewer than 2 territories at level '{level}': "
            "use reference='france'"
        )
    return mask


def compute_index(
    atlas_or_table: Atlas | pd.DataFrame,
    level: str,
    components: Mapping[str, float] | None = None,
    normalisation: str = "percentile",
    reference: str = "france",
    *,
    balance_margin: float = BALANCE_MARGIN,
) -> pd.DataFrame:
    """The fragility index of every territory of a level.

    Parameters
    ----------
    atlas_or_table : Atlas or DataFrame
        The atlas, or a table shaped like ``atlas.territories`` (see
        :func:`as_atlas`).
    level : str
        ``commune``, ``epci``, ``departement`` or ``region``.
    components : mapping of str to float, optional
        Indicator id → weight (default :data:`DEFAULT_COMPONENTS`); weights are
        divided by their sum.
    normalisation : str
        ``percentile`` (default), ``minmax`` or ``zscore``.
    reference : str
        ``"france"`` or a région code: the territories of ``level`` whose
        distribution sets the scale. Territories outside it are scored too.
    balance_margin : float
        Points between the two sub-scores under which ``calls_for`` is "both".

    Returns
    -------
    DataFrame
        Indexed by code, one row per territory of the level: ``name``, and per
        component ``c``: ``value_<c>`` (raw), ``score_<c>`` (0–100, higher is
        worse), ``weight_<c>`` (normalised nominal weight); then ``score``,
        ``infrastructure_score``, ``skills_score``, ``calls_for``, ``rank`` (1 =
        most fragile), ``components_used``, ``components_missing``,
        ``used_weight`` and ``in_reference``. ``attrs`` records the method.

    Raises
    ------
    DivideError
        Unknown level, normalisation or région, bad weights.
    """
    atlas = as_atlas(atlas_or_table)
    check_level(level)
    if level not in INDEX_LEVELS:
        raise DivideError(
            f"the index compares territories of one level: pick one of "
            f"{', '.join(INDEX_LEVELS)} (not '{level}')"
        )
    if normalisation not in NORMALISATIONS:
        raise unknown("normalisation", normalisation, NORMALISATIONS)
    margin = float(balance_margin)
    if math.isnan(margin) or margin < 0:
        raise DivideError("balance_margin must be 0 or more")
    weights = normalise_weights(components, atlas.uploaded)
    table = atlas.level(level)
    if table.empty:
        raise DivideError(f"no territory at level '{level}' in this table")
    for ind_id in weights:
        if value_column(ind_id) not in table.columns:
            raise DivideError(
                f"the territory table has no column '{value_column(ind_id)}'"
            )
    scope = _reference_scope(table, level, reference)

    out = pd.DataFrame(index=table.index.astype(str))
    out.index.name = "code"
    out["name"] = table["name"].astype("string").to_numpy()
    for parent in ("departement", "region"):
        if parent in table.columns and level not in (parent, "region"):
            out[parent] = table[parent].astype("string").to_numpy()
    scores = pd.DataFrame(index=out.index)
    for ind_id, weight in weights.items():
        values = table[value_column(ind_id)].astype(float)
        values.index = out.index
        direction = atlas.indicator(ind_id).direction
        out[f"value_{ind_id}"] = values
        scores[ind_id] = badness(
            values, values[scope.to_numpy()], direction, normalisation
        )
        out[f"score_{ind_id}"] = scores[ind_id]
        out[f"weight_{ind_id}"] = weight

    out["score"] = _weighted(scores, weights)
    infra = {c: w for c, w in weights.items() if c in INFRASTRUCTURE}
    skills = {c: w for c, w in weights.items() if c in SKILLS}
    out["infrastructure_score"] = _weighted(scores, infra)
    out["skills_score"] = _weighted(scores, skills)
    out["calls_for"] = calls_for(
        out["infrastructure_score"], out["skills_score"], margin
    )
    out["rank"] = (
        out["score"].rank(ascending=False, method="min", na_option="keep")
    ).astype("Int64")
    present = scores.notna()
    out["components_used"] = present.sum(axis=1).astype(int)
    missing = pd.Series("", index=out.index, dtype=object)
    for ind_id in weights:
        gap = ~present[ind_id]
        missing[gap] = missing[gap] + ";" + ind_id
    out["components_missing"] = missing.str.lstrip(";").astype("string")
    out["used_weight"] = present.mul(pd.Series(weights), axis=1).sum(axis=1)
    out["in_reference"] = scope.to_numpy()
    out.attrs = {
        "level": level,
        "components": dict(weights),
        "normalisation": normalisation,
        "reference": reference,
        "balance_margin": margin,
        "infrastructure": sorted(infra),
        "skills": sorted(skills),
    }
    return out


def calls_for(
    infrastructure: pd.Series, skills: pd.Series, margin: float = BALANCE_MARGIN
) -> pd.Series:
    """Say "deployment", "mediation" or "both" from the balance of the sub-scores.

    Parameters
    ----------
    infrastructure, skills : Series
        The two sub-scores (0–100).
    margin : float
        Within this many points of each other, the answer is "both".

    Returns
    -------
    Series of str
        Missing (``<NA>``) when both sub-scores are missing; when one is missing,
        the action of the other.
    """
    diff = infrastructure - skills
    out = pd.Series(pd.NA, index=infrastructure.index, dtype="string")
    out[diff.abs() <= margin] = "both"
    out[diff > margin] = "deployment"
    out[diff < -margin] = "mediation"
    out[diff.isna() & infrastructure.notna()] = "deployment"
    out[diff.isna() & skills.notna()] = "mediation"
    return out


def weight_components(row: pd.Series) -> list[str]:
    """The components of an index row (its ``weight_<id>`` columns)."""
    return [str(c)[len("weight_") :] for c in row.index if str(c).startswith("weight_")]


def contributions(index_row: pd.Series) -> pd.DataFrame:
    """Each component's weighted contribution to a territory's score.

    Parameters
    ----------
    index_row : Series
        One row of :func:`compute_index`.

    Returns
    -------
    DataFrame
        Indexed by component id, in the index's order: ``weight`` (the weight
        actually used, re-scaled over the available components), ``score``,
        ``contribution`` (weight × score; they sum to the row's ``score``) and
        ``share`` of the total. Missing components get weight 0 and NaN score.
    """
    comps = weight_components(index_row)
    if not comps:
        raise DivideError(
            "this row has no weight_<component> columns: pass a row of compute_index()"
        )
    nominal = pd.Series({c: float(index_row[f"weight_{c}"]) for c in comps})
    score = pd.Series({c: float(index_row[f"score_{c}"]) for c in comps})
    available = nominal.where(score.notna(), 0.0)
    total = available.sum()
    weight = available / total if total > 0 else available
    contribution = (weight * score).where(score.notna(), 0.0)
    whole = contribution.sum()
    share = contribution / whole if whole > 0 else contribution * 0.0
    frame = pd.DataFrame(
        {
            "weight": weight,
            "score": score,
            "contribution": contribution,
            "share": share,
        }
    )
    frame.index.name = "component"
    return frame


def rank_change(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """How territories move between two versions of the index.

    Parameters
    ----------
    before, after : DataFrame
        Two outputs of :func:`compute_index` for the same level (e.g. two weight
        settings).

    Returns
    -------
    DataFrame
        For codes in both: ``name``, ``score_before``, ``score_after``,
        ``rank_before``, ``rank_after`` and ``rank_change`` = rank_before −
        rank_after (positive: more fragile, i.e. higher up the list, in
        ``after``), largest moves first.
    """
    for frame, label in ((before, "before"), (after, "after")):
        if not {"score", "rank"} <= set(frame.columns):
            raise DivideError(f"'{label}' is not an output of compute_index()")
    common = before.index.intersection(after.index)
    if common.empty:
        raise DivideError("the two indexes share no territory")
    out = pd.DataFrame(index=common)
    out["name"] = before.loc[common, "name"] if "name" in before else pd.NA
    out["score_before"] = before.loc[common, "score"]
    out["score_after"] = after.loc[common, "score"]
    out["rank_before"] = before.loc[common, "rank"].astype("Int64")
    out["rank_after"] = after.loc[common, "rank"].astype("Int64")
    out["rank_change"] = (out["rank_before"] - out["rank_after"]).astype("Int64")
    order = out["rank_change"].abs().astype("Float64").fillna(-1)
    return out.loc[order.sort_values(ascending=False, kind="stable").index]
