"""An open, explainable digital fragility index, the same method at every level.

The index answers "how fragile is this territory, and why?" with every step
visible:

1. **Components.** The user picks indicators from the registry and a weight for
   each (default: the five drivers of MedNum's IFN — very-high-speed coverage,
   distance to 4G, share aged 65+, share with little or no diploma, poverty rate —
   plus our modelled illectronisme estimate, equal weights). Weights are divided by
   their sum, so they always sum to one. A component must have a direction in the
   registry: it is oriented so that **a higher score is always worse** (for
   ``thd30_share``, lower coverage gives a higher score, which is the same as using
   ``1 − thd30_share``).
2. **Normalisation** to a 0–100 "badness" score, against the distribution of the
   territories of the same level inside a **reference** scope (all of France, or
   one région). A territory outside the scope is scored on the same scale:

   ``percentile``
       the mid-distribution function: 100 × (#below + #below-or-equal) / (2 n),
       n reference values (oriented). A value below every reference value gets
       0, above every one 100; ties share the same score.
   ``minmax``
       100 × (x − min) / (max − min), clipped to [0, 100] (50 when all equal).
   ``zscore``
       the T-score 50 + 10 z, with z = (x − mean) / std (population std) of the
       reference, clipped to [0, 100]; so ±5 std span the scale (50 when the std
       is 0).
3. **Composite score**: the weighted mean of the component scores. A missing
   component (e.g. the poverty rate, published for ~4,400 communes only) is left
   out and the remaining weights are scaled back to one; ``components_used``,
   ``components_missing`` and ``used_weight`` (the share of the nominal weight
   that was available) flag it. A territory with no component gets no score.
4. **Sub-scores**, computed the same way over two groups (after the Purdue
   Digital Divide Index, which splits infrastructure from socio-economic
   factors):

   - ``infrastructure_score`` — networks: :data:`INFRASTRUCTURE`;
   - ``skills_score`` — skills, social factors and access to help:
     :data:`SKILLS`.

   ``calls_for`` compares them: "deployment" when the infrastructure sub-score
   exceeds the skills one by more than ``balance_margin`` points (10 by default),
   "mediation" in the opposite case, "both" when they are within the margin (or
   "deployment"/"mediation" when only one sub-score exists). It tells which kind of
   action dominates the gap, not how large the gap is: read it with ``score``.
5. **Rank**: 1 is the most fragile territory of the level (ties share a rank).

Unlike MedNum's IFN (1–10 scale, normalisation not published), every
intermediate number is in the output table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from divide.atlas import Atlas, check_level
from divide.errors import DivideError, unknown
from divide.formatting import format_count, format_decimal, plotly_separators
from divide.i18n import both, t
from divide.indicators import format_value, value_column
from divide.registry import Indicator, catalogue, indicator
from divide.safe_text import html
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


def _components(row: pd.Series) -> list[str]:
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
    comps = _components(index_row)
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


def correlation_with_ifn(
    index_df: pd.DataFrame,
    atlas: Atlas | pd.DataFrame,
    level: str,
    column: str = "v_ifn_mednum",
) -> dict:
    """Spearman correlation between the index and MedNum's IFN at a level.

    Computed on the territories where both exist. MedNum's IFN is relative to a
    regional reference (100 = the région), while this index may be national, so
    expect a positive but imperfect agreement.

    Parameters
    ----------
    index_df : DataFrame
        An output of :func:`compute_index`.
    atlas : Atlas or DataFrame
        Where ``v_ifn_mednum`` comes from.
    level : str
        The level of ``index_df``.

    Returns
    -------
    dict
        ``rho``, ``pvalue``, ``n`` (territories used) and ``level``.
    """
    from scipy.stats import spearmanr  # heavy (scipy.stats): only for this check

    if "score" not in index_df.columns:
        raise DivideError("index_df is not an output of compute_index()")
    pairs = _ifn_pairs(index_df, atlas, level, column)
    if len(pairs) < 3:
        raise DivideError(
            f"only {len(pairs)} territories have both the index and the IFN: "
            "too few for a correlation"
        )
    result = spearmanr(pairs["score"], pairs["ifn"])
    return {
        "rho": float(result.statistic),
        "pvalue": float(result.pvalue),
        "n": len(pairs),
        "level": level,
    }


def _ifn_pairs(
    index_df: pd.DataFrame, atlas: Atlas | pd.DataFrame, level: str, column: str
) -> pd.DataFrame:
    """The index score and a MedNum column, on the territories with both."""
    table = as_atlas(atlas).level(level)
    if column not in table.columns:
        raise DivideError(
            f"the territory table has no column '{column}': rebuild the atlas"
        )
    ifn = table[column].astype(float)
    ifn.index = ifn.index.astype(str)
    return pd.concat(
        [
            index_df["score"].astype(float).rename("score"),
            ifn.rename("ifn"),
            index_df["name"].rename("name") if "name" in index_df else None,
        ],
        axis=1,
        join="inner",
    ).dropna(subset=["score", "ifn"])


def ifn_disagreements(
    index_df: pd.DataFrame,
    atlas: Atlas | pd.DataFrame,
    level: str,
    column: str = "v_ifn2023_total",
    n: int = 10,
) -> pd.DataFrame:
    """Territories where the index and a MedNum index disagree most, by rank.

    Both are turned into percentile ranks (0-100) on the territories where both
    exist; the gap is the index's rank minus MedNum's. Returns the ``n`` largest
    absolute gaps: ``code``, ``name``, ``score``, ``ifn``, ``rank_index``,
    ``rank_ifn``, ``gap``.
    """
    pairs = _ifn_pairs(index_df, atlas, level, column)
    pairs["rank_index"] = 100 * pairs["score"].rank(pct=True)
    pairs["rank_ifn"] = 100 * pairs["ifn"].rank(pct=True)
    pairs["gap"] = pairs["rank_index"] - pairs["rank_ifn"]
    order = pairs["gap"].abs().sort_values(ascending=False, kind="stable").index
    out = pairs.loc[order[: max(int(n), 0)]].copy()
    out.insert(0, "code", out.index.astype(str))
    return out.reset_index(drop=True)


def ifn_scatter(
    index_df: pd.DataFrame,
    atlas: Atlas | pd.DataFrame,
    level: str,
    lang: str,
    column: str = "v_ifn2023_total",
):
    """Scatter of the index (x) against a MedNum index (y), names escaped."""
    pairs = _ifn_pairs(index_df, atlas, level, column)
    names = [html(str(v)) for v in pairs.get("name", pairs.index)]
    fig = go.Figure(
        go.Scattergl(
            x=pairs["score"],
            y=pairs["ifn"],
            mode="markers",
            marker={"size": 4, "opacity": 0.5},
            text=names,
            hovertemplate="%{text}<br>%{x:.1f} / %{y:.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title=html(t("frag_score", lang)),
        yaxis_title=html(t("frag_ifn2023_axis", lang)),
        height=420,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


# ------------------------------------------------------------ for the app page

#: The index score as an indicator, for map classes, legends and formatting.
SCORE = Indicator(
    id="fragility_score",
    label=both("frag_score_label"),
    unit="index",
    direction="higher_worse",
    numerator="score",
    sources=(),
)
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


def component_table(
    index_df: pd.DataFrame, code: str, extra: Mapping[str, Indicator] | None = None
) -> pd.DataFrame:
    """One territory's components: raw value, percentile, score and contribution.

    Parameters
    ----------
    index_df : DataFrame
        An output of :func:`compute_index`.
    code : str
        A territory of the index.

    Returns
    -------
    DataFrame
        Indexed by component: ``value`` (raw, as stored), ``percentile`` (the
        mid-distribution percentile among the reference territories, oriented so
        that 100 is the most fragile, whatever the normalisation), and the
        columns of :func:`contributions` (``weight``, ``score``,
        ``contribution``, ``share``).
    """
    code = str(code)
    if code not in index_df.index:
        raise unknown("territory code", code, index_df.index)
    row = index_df.loc[code]
    out = contributions(row)
    reference = index_df[index_df["in_reference"].astype(bool)]
    values, percentiles = [], []
    for ind_id in out.index:
        value = row[f"value_{ind_id}"]
        values.append(float(value))
        pct = badness(
            pd.Series([value], dtype=float),
            reference[f"value_{ind_id}"],
            indicator(ind_id, extra).direction,
            "percentile",
        )
        percentiles.append(float(pct.iloc[0]))
    out.insert(0, "value", values)
    out.insert(1, "percentile", percentiles)
    return out


def contribution_figure(
    table: pd.DataFrame, labels: Mapping[str, str], lang: str, *, total: str
):
    """A horizontal waterfall of each component's contribution to the score.

    Parameters
    ----------
    table : DataFrame
        :func:`contributions` or :func:`component_table` of one territory.
    labels : mapping
        Component id → label (HTML-escaped here: plotly labels are HTML).
    lang : {"fr", "en"}
        Language of numbers.
    total : str
        Label of the last bar (the score).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    names = [html(str(labels.get(c, c))) for c in table.index]
    values = [float(v) for v in table["contribution"]]
    score = float(sum(values))

    def text(x: float) -> str:
        return format_count(x, lang, 1)

    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            measure=["relative"] * len(values) + ["total"],
            y=[*names, html(total)],
            x=[*values, score],
            text=[text(v) for v in values] + [text(score)],
            textposition="outside",
            cliponaxis=False,
            connector={"line": {"color": "#bbbbbb"}},
            increasing={"marker": {"color": "#f03b20"}},
            totals={"marker": {"color": "#67000d"}},
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(240, 34 * (len(values) + 1) + 80),
        margin={"l": 10, "r": 50, "t": 10, "b": 30},
        xaxis={"range": [0, max(100.0, score * 1.1)], "title": "0–100"},
        yaxis={"autorange": "reversed", "type": "category"},
        separators=plotly_separators(lang),
        showlegend=False,
    )
    return fig


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


# ------------------------------------------------------ tables for display


def calls_for_text(value, lang: str) -> str:
    """The action a territory calls for, as words in a language."""
    key = value if isinstance(value, str) and value else "none"
    return t(f"frag_calls_{key}", lang)


def component_view(
    table: pd.DataFrame,
    labels: Mapping[str, str],
    lang: str,
    extra: Mapping[str, Indicator] | None = None,
) -> pd.DataFrame:
    """:func:`component_table` with formatted values and headers in a language."""
    return pd.DataFrame(
        {
            t("frag_col_component", lang): [labels.get(c, c) for c in table.index],
            t("frag_col_value", lang): [
                format_value(v, indicator(c, extra), lang)
                for c, v in table["value"].items()
            ],
            t("frag_col_percentile", lang): table["percentile"].round(1).to_numpy(),
            t("frag_col_score", lang): table["score"].round(1).to_numpy(),
            t("frag_col_weight", lang): table["weight"].round(3).to_numpy(),
            t("frag_col_contribution", lang): table["contribution"].round(1).to_numpy(),
        }
    )


def movers_view(
    before: pd.DataFrame, after: pd.DataFrame, lang: str, n: int = 10
) -> pd.DataFrame:
    """The ``n`` biggest moves of :func:`rank_change`, headers in a language."""
    moves = rank_change(before, after).head(n).reset_index()
    heads = {
        "name": "name",
        "code": "code",
        "rank_before": "frag_col_rank_before",
        "rank_after": "frag_col_rank_after",
        "rank_change": "frag_col_rank_change",
        "score_before": "frag_col_score_before",
        "score_after": "frag_score",
    }
    moves = moves[list(heads)].round(1)
    moves.columns = [t(h, lang) for h in heads.values()]
    return moves


def index_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An index table, most fragile first, main columns, headers in a language."""
    heads = {
        "code": "code",
        "name": "name",
        "score": "frag_score",
        "rank": "rank",
        "infrastructure_score": "frag_col_infra",
        "skills_score": "frag_col_skills",
        "calls_for": "frag_calls_for",
        "components_used": "frag_col_used",
    }
    view = frame.sort_values(["rank", "name"], na_position="last").reset_index()
    view = view[list(heads)].round(1)
    view["calls_for"] = [calls_for_text(c, lang) for c in view["calls_for"]]
    view.columns = [t(h, lang) for h in heads.values()]
    return view


def ifn_text(result: Mapping, lang: str, plural: str) -> str:
    """The sentence giving :func:`correlation_with_ifn`'s rho, n and p."""
    rho, p = format_decimal(result["rho"], lang, 2), f"{result['pvalue']:.2g}"
    if result["pvalue"] < 1e-4:
        p = "< " + format_decimal(0.0001, lang, 4)
    elif lang == "fr":
        p = p.replace(".", ",")
    return t("frag_ifn_result", lang, rho=rho, n=result["n"], plural=plural, p=p)


def _integer(n: int, lang: str) -> str:
    return format_count(n, lang)


def summary(index_df: pd.DataFrame, code: str, lang: str) -> dict:
    """One territory's headline figures as texts, for cards.

    Returns
    -------
    dict
        ``cards``: (label, value) pairs for the score, the two sub-scores and
        what it calls for; ``rank``: "rank r of n <level plural>" or ""; ``calls``:
        what the call means; ``missing``: components without a value here.
    """
    row = index_df.loc[str(code)]
    level = index_df.attrs.get("level", "")
    calls = row["calls_for"] if pd.notna(row["calls_for"]) else "none"
    margin = f"{index_df.attrs.get('balance_margin', BALANCE_MARGIN):g}"
    rank = ""
    if pd.notna(row["rank"]):
        rank = t(
            "frag_rank",
            lang,
            rank=_integer(int(row["rank"]), lang),
            n=_integer(int(index_df["score"].notna().sum()), lang),
            plural=t(f"levels_plural_{level}", lang) if level else "",
        )
    comps = _components(row)
    return {
        "cards": [
            (t("frag_score", lang), format_value(row["score"], SCORE, lang)),
            (
                t("frag_infra", lang),
                format_value(row["infrastructure_score"], SCORE, lang),
            ),
            (t("frag_skills", lang), format_value(row["skills_score"], SCORE, lang)),
            (t("frag_calls_for", lang), calls_for_text(row["calls_for"], lang)),
        ],
        "rank": rank,
        "calls": t(f"frag_calls_help_{calls}", lang, margin=margin)
        + " "
        + t("frag_calls_note", lang),
        "missing": [c for c in comps if pd.isna(row[f"score_{c}"])],
    }


def region_of(atlas: Atlas, level: str, code: str | None) -> str | None:
    """The région of a territory: its own code for a région, None for France."""
    if level == "france":
        return None
    if level == "region":
        return str(atlas.territory(level, code)["code"])
    region = atlas.territory(level, code)["region"]
    return None if pd.isna(region) else str(region)


def map_values(index_df: pd.DataFrame) -> pd.DataFrame:
    """``code``, ``name`` and ``value`` (the score) of an index, for a map layer."""
    return pd.DataFrame(
        {
            "code": index_df.index.astype(str),
            "name": index_df["name"].astype(str).to_numpy(),
            "value": index_df["score"].astype(float).to_numpy(),
        }
    )


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
