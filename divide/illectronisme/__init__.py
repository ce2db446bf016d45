"""Modelled illectronisme per commune: a raked logistic model, an ESTIMATE.

INSEE publishes no illectronisme rate below the national level. This module
turns the national rates published from the TIC households survey (2021, Insee
Première n°1953) by age, by diploma and by standard of living into a *modelled
estimate* for each commune, from the commune's own structure. Every figure it
returns is modelled, not measured; :func:`method_summary` gives the method and
``docs/MODEL.md`` is the model card.

The model (one survey year, 2021 by default):

1. Each person aged 15+ belongs to a cell ``(age, diploma, income)``: age in
   4 bands (15–24, 25–64, 65–74, 75+), diploma in 2 (above CAP/BEP, at most
   CAP/BEP), standard of living in 3 (national bottom 40 %, middle 40 %, top
   20 %). A commune's cell shares are the products of its own shares
   (:func:`commune_cells`): census ratios for age and diploma, a log-normal
   around its Filosofi median, of its own Filosofi D9/D1, for income (where
   Filosofi has no median: predicted from IRCOM 2018, else the département's,
   zone's or national mean, flagged).
2. ``logit p(cell) = a + b_age + c_diploma + d_income`` (one term per published
   breakdown). The terms are fitted by raking (iterative proportional fitting
   on the logit scale) so that the national joint population — the sum over the
   communes of the survey field of their people 15+ times their cell shares —
   reproduces every published one-way margin and the national rate jointly
   (:func:`fit`). A category the survey does not publish takes the rate that
   closes its breakdown on the national rate. A published figure that only
   bounds its model category (bac+3 for "above CAP/BEP", AT_LEAST) is raised
   from its published value to the lowest one at which all margins are met.
3. A commune's rate is ``Σ share(cell) × p(cell)``; no later calibration factor.
4. The range: each breakdown in turn is left out, the model refitted on the
   others, and the published rates of the left-out breakdown predicted
   (:func:`leave_one_out`). The largest error, on the logit scale, is the
   half-width of every commune's range (also never narrower than the spread of
   the leave-one-out variants' estimates for that commune).

Aggregate upward with :func:`aggregate` (sums of people), never by averaging
the communes' rates.
"""

from __future__ import annotations

from divide.illectronisme.estimates import (
    aggregate,
    calibration_report,
    estimate,
    group_range,
    sensitivity,
)
from divide.illectronisme.published import BREAKDOWNS, margins
from divide.illectronisme.raking import (
    AT_LEAST,
    FIT_TOL,
    LOGIT_BOUND,
    Fit,
    fit,
    leave_one_out,
)
from divide.illectronisme.reference import DROM, LANGS, method_summary, reference_table
from divide.illectronisme.structure import (
    AGE_SCORE,
    INCOME_SCORE,
    INCOME_SIGMA,
    INDEPENDENT,
    INPUTS,
    OPTIONAL,
    OUTSIDE_SURVEY,
    SHARE_15P,
    SHARE_75P_OF_65P,
    Association,
    associate,
    commune_cells,
)

__all__ = [
    "AGE_SCORE",
    "AT_LEAST",
    "BREAKDOWNS",
    "DROM",
    "FIT_TOL",
    "INCOME_SCORE",
    "INCOME_SIGMA",
    "INDEPENDENT",
    "INPUTS",
    "LANGS",
    "LOGIT_BOUND",
    "OPTIONAL",
    "OUTSIDE_SURVEY",
    "SHARE_15P",
    "SHARE_75P_OF_65P",
    "Association",
    "Fit",
    "aggregate",
    "associate",
    "calibration_report",
    "commune_cells",
    "estimate",
    "fit",
    "group_range",
    "leave_one_out",
    "margins",
    "method_summary",
    "reference_table",
    "sensitivity",
]
