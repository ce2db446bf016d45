"""The fit: logistic terms raked to the published margins, and leave-one-out.

Every rate here is a MODELLED estimate's parameter, fitted to national
figures (:func:`fit`); :func:`leave_one_out` measures what each published
breakdown adds beyond the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit, logit

from divide.errors import DivideError
from divide.illectronisme.published import BREAKDOWNS

LOGIT_BOUND = 5.0
"""Cell logits are kept within ±5 (rates 0.7 %–99.3 %): with age, diploma and
income independent within each commune, the three published breakdowns cannot
all be met exactly, and unbounded raking would drive some cells to 0 or 1. The
misfit left is reported (``fitted_margins`` of :func:`calibration_report`)."""


FIT_TOL = 5e-5
"""A fit meets the published margins when none is off by more than 0.005 point."""


AT_LEAST = (("diploma", "above CAP/BEP"),)
"""Published figures that are only a lower bound of their model category: the
census splits diploma at CAP/BEP, and INSEE's 3 % is the rate of its most
graduated part (bac+3 or more); students and bac/bac+2 holders, in the same
class, are more often in illectronisme. See :func:`fit`."""


@dataclass(frozen=True)
class Fit:
    """The fitted MODELLED illectronisme: cell rates and the margins they meet.

    Attributes
    ----------
    survey_year : str
    national : float
        Published national rate (fraction), reproduced by the fit.
    breakdowns : tuple
        The breakdowns the fit uses.
    targets : dict
        Per breakdown, ``{category: rate}`` fitted, published or (for
        unpublished categories) closing the breakdown on the national rate.
    published : dict
        The published figures used (output of :func:`margins`).
    cells : numpy.ndarray
        Rates of the 4 × 2 × 3 cells (fractions).
    iterations : int
    """

    survey_year: str
    national: float
    breakdowns: tuple
    targets: dict
    published: dict
    cells: np.ndarray
    iterations: int = 0
    extra: dict = field(default_factory=dict)


_AXIS = {"age": 0, "diploma": 1, "income": 2}


def _shares(joint: np.ndarray, breakdown: str) -> np.ndarray:
    axes = tuple(a for a in range(3) if a != _AXIS[breakdown])
    return joint.sum(axis=axes) / joint.sum()


def _targets(joint: np.ndarray, published: dict, used: tuple, nat: float) -> dict:
    """Per breakdown, the rate of each category: published, or closing on ``nat``."""
    targets: dict = {}
    for b in used:
        share = _shares(joint, b)
        pub = published[b]
        rest = [k for k in BREAKDOWNS[b] if k not in pub]
        t = np.array([pub.get(k, np.nan) for k in BREAKDOWNS[b]])
        idx = [BREAKDOWNS[b].index(k) for k in rest]
        known = ~np.isnan(t)
        if not rest:
            targets[b] = dict(zip(BREAKDOWNS[b], t.tolist(), strict=True))
            continue
        residual = (nat - np.dot(share[known], t[known])) / max(share[idx].sum(), 1e-12)
        if not 0 < residual < 1:
            raise DivideError(
                f"the published {b} rates cannot average to the national "
                f"{nat:.1%} on this population (the unpublished categories would "
                f"need {residual:.1%}); check the rates and the communes given"
            )
        t[idx] = residual
        targets[b] = dict(zip(BREAKDOWNS[b], t.tolist(), strict=True))
    return targets


def _rake(
    joint: np.ndarray, targets: dict, used: tuple, nat: float, tol: float, max_iter: int
) -> tuple[np.ndarray, int]:
    """Raking on the logit scale (one Newton solve per category and sweep)."""
    eta = np.full(joint.shape, logit(nat))
    it = 0
    previous = np.inf
    for it in range(1, max_iter + 1):  # noqa: B007 (it is reported)
        worst = 0.0
        for b in used:
            ax = _AXIS[b]
            for j, k in enumerate(BREAKDOWNS[b]):
                sl = [slice(None)] * 3
                sl[ax] = j
                w = joint[tuple(sl)]
                if w.sum() <= 0:
                    continue
                target = targets[b][k]
                e = eta[tuple(sl)]
                worst = max(worst, abs(np.sum(w * expit(e)) / w.sum() - target))
                for _ in range(20):
                    p = expit(e)
                    g = np.sum(w * p) / w.sum() - target
                    d = np.sum(w * p * (1 - p)) / w.sum()
                    if abs(g) < tol * 0.1 or d <= 0:
                        break
                    e = np.clip(e - g / d, -LOGIT_BOUND, LOGIT_BOUND)
                eta[tuple(sl)] = e
        if not used:
            break
        if worst < tol or abs(previous - worst) < tol:
            break  # met, or stalled against the bounds (see LOGIT_BOUND)
        previous = worst
    return eta, it


def _misfit(joint: np.ndarray, cells: np.ndarray, targets: dict, used: tuple) -> float:
    """Largest gap (fraction) between a fitted margin and its target."""
    gaps = [
        abs(_margin_rates(joint, cells, b)[k] - v)
        for b in used
        for k, v in targets[b].items()
    ]
    return max(gaps, default=0.0)


def fit(
    joint: np.ndarray,
    published: dict,
    *,
    breakdowns: tuple = tuple(BREAKDOWNS),
    survey_year: str = "2021",
    tol: float = 1e-10,
    max_iter: int = 300,
) -> Fit:
    """Fit the logistic terms by raking to the published margins, jointly.

    A published figure that is only a bound for its model category (AT_LEAST)
    is first taken at its published value; if the margins cannot then all be
    met (misfit above FIT_TOL), it is raised, by bisection, to the lowest value
    at which they can (``extra["raised"]`` records it).

    Parameters
    ----------
    joint : numpy.ndarray
        National joint population of people 15+, shape ``(4, 2, 3)``.
    published : dict
        Output of :func:`margins`.
    breakdowns : tuple
        The breakdowns to use (others get no term).
    """
    joint = np.asarray(joint, dtype=float)
    total = joint.sum()
    nat = published["national"]
    used = tuple(b for b in breakdowns if published.get(b))

    def attempt(pub: dict) -> tuple:
        targets = _targets(joint, pub, used, nat)
        eta, it = _rake(joint, targets, used, nat, tol, max_iter)
        return targets, eta, it, _misfit(joint, expit(eta), targets, used)

    targets, eta, it, misfit = attempt(published)
    raised: dict = {}
    for b, k in AT_LEAST:
        if misfit <= FIT_TOL or b not in used or k not in published[b]:
            continue
        lo, hi = published[b][k], nat
        best = None
        for _ in range(30):
            mid = (lo + hi) / 2
            trial = {**published, b: {**published[b], k: mid}}
            result = attempt(trial)
            if result[3] <= FIT_TOL:
                hi, best = mid, result
            else:
                lo = mid
            if hi - lo < 1e-5:
                break
        if best is not None:
            targets, eta, it, misfit = best
            raised[f"{b}: {k}"] = hi
    cells = expit(eta)
    if not used:
        cells = np.full(joint.shape, nat)
    rate = float(np.sum(joint * cells) / total)
    return Fit(
        survey_year=str(survey_year),
        national=nat,
        breakdowns=used,
        targets=targets,
        published=published,
        cells=cells,
        iterations=it,
        extra={"fitted_national": rate, "misfit": misfit, "raised": raised},
    )


def _margin_rates(joint: np.ndarray, cells: np.ndarray, breakdown: str) -> dict:
    ax = _AXIS[breakdown]
    axes = tuple(a for a in range(3) if a != ax)
    num = (joint * cells).sum(axis=axes)
    den = joint.sum(axis=axes)
    return dict(zip(BREAKDOWNS[breakdown], (num / den).tolist(), strict=True))


def leave_one_out(
    joint: np.ndarray,
    published: dict,
    survey_year: str = "2021",
    *,
    fits: dict | None = None,
) -> list:
    """Leave each published breakdown out, refit, predict its published rates.

    Returns
    -------
    list of dict
        One row per published figure of each left-out breakdown: ``breakdown``,
        ``category``, ``published``, ``predicted`` (fractions), ``error_points``
        (predicted − published, percentage points) and ``error_logit``.
    """
    rows = []
    for b in BREAKDOWNS:
        if not published.get(b):
            continue
        others = tuple(x for x in BREAKDOWNS if x != b)
        model = (fits or {}).get(b) or fit(
            joint, published, breakdowns=others, survey_year=survey_year
        )
        pred = _margin_rates(joint, model.cells, b)
        for k, pub in published[b].items():
            rows.append(
                {
                    "breakdown": b,
                    "category": k,
                    "published": pub,
                    "predicted": pred[k],
                    "error_points": 100 * (pred[k] - pub),
                    "error_logit": float(logit(pred[k]) - logit(pub)),
                }
            )
    return rows
