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

Modules: :mod:`~divide.fragility.method` (the steps above:
:func:`compute_index`, :func:`contributions`, :func:`rank_change`),
:mod:`~divide.fragility.benchmarks` (against the IFN),
:mod:`~divide.fragility.settings` (what the page may choose) and
:mod:`~divide.fragility.views` (tables, figures and texts in a language).
"""

from __future__ import annotations

from divide.fragility.benchmarks import (
    correlation_with_ifn,
    ifn_disagreements,
    ifn_scatter,
    ifn_text,
)
from divide.fragility.method import (
    BALANCE_MARGIN,
    DEFAULT_COMPONENTS,
    INDEX_LEVELS,
    INFRASTRUCTURE,
    NORMALISATIONS,
    SKILLS,
    as_atlas,
    badness,
    calls_for,
    compute_index,
    contributions,
    normalise_weights,
    rank_change,
)
from divide.fragility.settings import (
    NOT_COMPONENTS,
    candidates,
    display_scope,
    reference_for,
    region_of,
    same_weights,
    within,
)
from divide.fragility.views import (
    SCORE,
    calls_for_text,
    component_table,
    component_view,
    contribution_figure,
    index_view,
    map_values,
    movers_view,
    summary,
)

__all__ = [
    "BALANCE_MARGIN",
    "DEFAULT_COMPONENTS",
    "INDEX_LEVELS",
    "INFRASTRUCTURE",
    "NORMALISATIONS",
    "NOT_COMPONENTS",
    "SCORE",
    "SKILLS",
    "as_atlas",
    "badness",
    "calls_for",
    "calls_for_text",
    "candidates",
    "component_table",
    "component_view",
    "compute_index",
    "contribution_figure",
    "contributions",
    "correlation_with_ifn",
    "display_scope",
    "ifn_disagreements",
    "ifn_scatter",
    "ifn_text",
    "index_view",
    "map_values",
    "movers_view",
    "normalise_weights",
    "rank_change",
    "reference_for",
    "region_of",
    "same_weights",
    "summary",
    "within",
]
