"""Diagnosis tied to action: the recommendations and initiatives a territory calls for.

The rules live in ``divide/knowledge/rules.yaml`` (see the comment at its top for
the condition types). This module evaluates them, for one territory
(:func:`evaluate`, :func:`recommend_json`) or for every territory of a level
(:func:`rule_status`, :func:`where_it_fires`). Both paths run the same vectorised
code, so the page that lists territories and the page of one territory can never
disagree.

Every rule ends in one of four states:

``fired``
    all its conditions hold;
``not_fired``
    at least one condition is false;
``no_data``
    no condition is false but one cannot be checked (missing value or missing
    reference): "not evaluated: no data";
``not_applicable``
    the rule is not meant for this level (e.g. mediation density, which is 0 in
    most small communes by construction).

A fired rule's **strength** is the mean, over its indicators, of the territory's
percentile among the territories of its level nationally, oriented so that 100
is the worst; :func:`where_it_fires` lists the strongest first.

Modules: :mod:`~divide.recommend.matching` (the rules matched: :func:`evaluate`,
:func:`rule_status`, :func:`where_it_fires`), :mod:`~divide.recommend.diagnosis`
(a territory's top need, first call, :func:`recommend_json`),
:mod:`~divide.recommend.cohesion` (:func:`cohesion_offers`) and
:mod:`~divide.recommend.browsing` (filters of the knowledge base, tables of where
a recommendation fires).
"""

from __future__ import annotations

from divide.recommend.browsing import (
    STRENGTH,
    browse,
    countries,
    fires_values,
    fires_view,
)
from divide.recommend.cohesion import (
    COHESION_INITIATIVE,
    cohesion_offers,
)
from divide.recommend.diagnosis import (
    NEED_INDICATORS,
    TopNeed,
    first_call,
    recommend_json,
    top_need,
)
from divide.recommend.matching import (
    PARENT,
    STATUSES,
    ConditionResult,
    Match,
    evaluate,
    rule_status,
    where_it_fires,
)

# The levels rules are matched at, as callers read them (``recommend.LEVELS``).
from divide.territory import LEVELS

__all__ = [
    "COHESION_INITIATIVE",
    "LEVELS",
    "NEED_INDICATORS",
    "PARENT",
    "STATUSES",
    "STRENGTH",
    "ConditionResult",
    "Match",
    "TopNeed",
    "browse",
    "cohesion_offers",
    "countries",
    "evaluate",
    "fires_values",
    "fires_view",
    "first_call",
    "recommend_json",
    "rule_status",
    "top_need",
    "where_it_fires",
]
