"""Commune estimates, their range, the fit's report, sensitivity, aggregates.

Every figure returned is a MODELLED estimate, not a measurement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from divide.errors import DivideError
from divide.illectronisme.published import BREAKDOWNS, _year, margins
from divide.illectronisme.raking import (
    _AXIS,
    Fit,
    _margin_rates,
    fit,
    leave_one_out,
)
from divide.illectronisme.structure import (
    INDEPENDENT,
    Association,
    _impute,
    _income_cuts,
    _prepare,
    commune_cells,
)


@dataclass
class _Model:
    target: pd.DataFrame
    reference: pd.DataFrame
    cuts: tuple
    joint: np.ndarray
    central: Fit
    loo: list
    variants: dict
    association: Association = INDEPENDENT


def _build(
    communes, rates, survey_year, calibrate_on, association=INDEPENDENT
) -> _Model:
    published = margins(rates, survey_year)
    if calibrate_on is None:
        prepared = _prepare(communes, "communes")
        target = reference = _impute(prepared, prepared)
    else:
        ref_raw = _prepare(calibrate_on, "calibrate_on")
        reference = _impute(ref_raw, ref_raw)
        target = _impute(_prepare(communes, "communes"), ref_raw)
    field_ = reference[reference["in_field"]]
    if field_["people_15p"].sum() <= 0:
        raise DivideError(
            "no people aged 15+ in the survey's field (France without Mayotte) to "
            "fit on: pass the national set of communes (calibrate_on=...)"
        )
    cuts = _income_cuts(field_)
    joint = np.einsum(
        "i,iadk->adk",
        field_["people_15p"].to_numpy(),
        commune_cells(field_, cuts, association),
    )
    central = fit(joint, published, survey_year=_year(survey_year))
    variants = {
        b: fit(joint, published, breakdowns=tuple(x for x in BREAKDOWNS if x != b))
        for b in central.breakdowns
    }
    loo = leave_one_out(joint, published, _year(survey_year), fits=variants)
    return _Model(target, reference, cuts, joint, central, loo, variants, association)


def _range(est: np.ndarray, variants: list) -> tuple[np.ndarray, np.ndarray]:
    """The range: ``est`` ± the largest leave-one-breakdown-out gap, in logit.

    For each commune, the half-width is the largest distance (logit scale)
    between the full model and the model refitted without one breakdown; the
    range is symmetric around the estimate on that scale. Applied to the
    population of a published category, the model without that category's
    breakdown gives exactly its leave-one-out prediction, so the range of that
    population spans the leave-one-out error.
    """
    eps = 1e-9
    lg = logit(np.clip(est, eps, 1 - eps))
    if not variants:
        return est.copy(), est.copy()
    gaps = np.vstack([np.abs(lg - logit(np.clip(v, eps, 1 - eps))) for v in variants])
    half = gaps.max(axis=0)
    return expit(lg - half), expit(lg + half)


def group_range(fitted: Fit, variants: dict, weights: np.ndarray) -> tuple:
    """Estimate and range of a group of cells (weights shaped like the cells)."""
    w = np.asarray(weights, dtype=float)
    est = np.array([np.sum(w * fitted.cells) / w.sum()])
    runs = [np.array([np.sum(w * v.cells) / w.sum()]) for v in variants.values()]
    low, high = _range(est, runs)
    return float(est[0]), float(low[0]), float(high[0])


def estimate(
    communes: pd.DataFrame,
    rates: pd.DataFrame,
    survey_year: str = "2021",
    *,
    calibrate_on: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Estimate illectronisme per commune: a MODELLED estimate, not a measurement.

    Parameters
    ----------
    communes : pandas.DataFrame
        One row per commune: ``code`` (5-character INSEE code), ``population``
        (total), ``age65_share`` (65+ among people 15+), ``low_diploma_share``
        (at most CAP/BEP among people 15+). Optional: ``young_share`` (15–24
        among people 15+), ``median_income`` (Filosofi median standard of
        living, euros), ``population_15p``, ``dep``. A missing value takes its
        département's mean (else the national one) and the commune is flagged.
    rates : pandas.DataFrame
        Published national figures (see :func:`margins`).
    survey_year : str
        Survey year; default ``"2021"`` (Insee Première n°1953, 15.4 %).
    calibrate_on : pandas.DataFrame, optional
        The national set of communes to fit on, when ``communes`` is a subset.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``communes``: ``code``; ``illectronisme_est`` (modelled
        share of people 15+), ``illectronisme_low``/``illectronisme_high``
        (range); ``people_15p``; ``people_at_risk``; ``illectronisme_imputed``
        and ``illectronisme_imputed_inputs`` (";"-joined; ``median_income`` =
        the Filosofi fallback); ``illectronisme_in_survey_field``.
    """
    m = _build(communes, rates, survey_year, calibrate_on)
    cells = commune_cells(m.target, m.cuts, m.association)
    est = np.einsum("iadk,adk->i", cells, m.central.cells)
    runs = [est] + [
        np.einsum("iadk,adk->i", cells, v.cells) for v in m.variants.values()
    ]
    low, high = _range(est, runs[1:])
    n15 = m.target["people_15p"].to_numpy()
    return pd.DataFrame(
        {
            "code": m.target["code"],
            "illectronisme_est": est,
            "illectronisme_low": low,
            "illectronisme_high": high,
            "people_15p": n15,
            "people_at_risk": est * n15,
            "illectronisme_imputed": m.target["imputed"].astype(bool),
            "illectronisme_imputed_inputs": m.target["imputed_inputs"],
            "illectronisme_in_survey_field": m.target["in_field"].astype(bool),
        },
        index=communes.index,
    )


def _category_ranges(m: _Model) -> list:
    """The range of each published category's population (fractions)."""
    out = []
    for r in m.loo:
        b, k = r["breakdown"], r["category"]
        w = np.zeros(m.joint.shape)
        sl = [slice(None)] * 3
        sl[_AXIS[b]] = BREAKDOWNS[b].index(k)
        w[tuple(sl)] = m.joint[tuple(sl)]
        est, low, high = group_range(m.central, m.variants, w)
        out.append(
            {"breakdown": b, "category": k, "estimate": est, "low": low, "high": high}
        )
    return out


def _loo_covered(m: _Model) -> bool:
    """Whether each published figure's range contains its leave-one-out prediction."""
    ok = True
    for r, g in zip(m.loo, _category_ranges(m), strict=True):
        ok &= bool(g["low"] - 1e-9 <= r["predicted"] <= g["high"] + 1e-9)
        ok &= bool(g["low"] - 1e-9 <= r["published"] <= g["high"] + 1e-9)
    return ok


def calibration_report(
    communes: pd.DataFrame,
    rates: pd.DataFrame,
    survey_year: str = "2021",
    *,
    calibrate_on: pd.DataFrame | None = None,
) -> dict:
    """Report the fit of the MODELLED illectronisme estimate (JSON-ready).

    Returns
    -------
    dict
        ``survey_year``; ``target`` (published national rate); ``rate_after``
        (national rate of the model over the survey field); ``people_15p`` and
        ``communes`` of the field; ``communes_outside_field``;
        ``communes_imputed`` and ``communes_income_fallback``; ``breakdowns``;
        ``targets`` (fitted margins); ``published``; ``cell_rates``;
        ``income_cuts`` (national 40th/80th percentiles, euros);
        ``leave_one_out`` (errors) and ``range_half_width_logit``.
    """
    m = _build(communes, rates, survey_year, calibrate_on)
    ref = m.reference
    field_ = ref[ref["in_field"]]
    cells = commune_cells(field_, m.cuts, m.association)
    n15 = field_["people_15p"].to_numpy()
    after = float(
        np.dot(np.einsum("iadk,adk->i", cells, m.central.cells), n15) / n15.sum()
    )
    names = {}
    for a, ka in enumerate(BREAKDOWNS["age"]):
        for d, kd in enumerate(BREAKDOWNS["diploma"]):
            for i, ki in enumerate(BREAKDOWNS["income"]):
                names[f"{ka}, {kd}, {ki}"] = round(float(m.central.cells[a, d, i]), 6)
    return {
        "survey_year": m.central.survey_year,
        "method": "logistic model, one term per breakdown, raked to published margins",
        "target": m.central.national,
        "rate_after": round(after, 10),
        "people_15p": float(n15.sum()),
        "communes": len(field_),
        "communes_outside_field": int((~ref["in_field"]).sum()),
        "communes_imputed": int(ref["imputed"].sum()),
        "communes_income_fallback": int(
            ref["imputed_inputs"].str.contains("median_income").sum()
        ),  # IRCOM-based ones included
        "breakdowns": list(m.central.breakdowns),
        "targets": {
            b: {k: round(v, 6) for k, v in t.items()}
            for b, t in m.central.targets.items()
        },
        "published": m.central.published,
        "cell_rates": names,
        "income_cuts": [round(float(np.exp(c)), 2) for c in m.cuts],
        "iterations": m.central.iterations,
        "leave_one_out": [
            {k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()}
            for r in m.loo
        ],
        "fitted_margins": {
            b: {
                k: round(v, 6)
                for k, v in _margin_rates(m.joint, m.central.cells, b).items()
            }
            for b in m.central.breakdowns
        },
        "loo_covered": _loo_covered(m),
        "category_ranges": [
            {k: (round(v, 6) if isinstance(v, float) else v) for k, v in g.items()}
            for g in _category_ranges(m)
        ],
        "raised_to_fit": {k: round(v, 6) for k, v in m.central.extra["raised"].items()},
        "misfit_points": round(100 * m.central.extra["misfit"], 6),
        "ircom_relation": {
            zone: {
                "intercept": round(a, 6),
                "slope": round(b, 6),
                "communes": n,
                "rmse_log": round(r, 6),
            }
            for zone, (a, b, n, r) in ref.attrs.get("ircom_relation", {}).items()
        },
        "communes_income_ircom": int(
            ref["imputed_inputs"].str.contains("median_income_ircom").sum()
        ),
    }


def sensitivity(
    communes: pd.DataFrame,
    rates: pd.DataFrame,
    associations: list[Association],
    groups: pd.Series | pd.DataFrame,
    survey_year: str = "2021",
) -> pd.DataFrame:
    """What assumed within-commune links would change: a MODELLED what-if.

    For each :class:`Association`, the model is refitted on the same published
    figures and communes, and reports its leave-one-breakdown-out errors and its
    rate for each group of communes (e.g. the DROM, the density classes).
    Independence (the central model) is ``Association()``.

    Parameters
    ----------
    communes : pandas.DataFrame
        As for :func:`estimate` (the national set of communes).
    rates : pandas.DataFrame
        Published national figures (see :func:`margins`).
    associations : list of Association
    groups : pandas.Series or DataFrame
        A group label per commune, aligned on ``communes``' index (a frame: one
        grouping per column, e.g. place and density class, all from the same
        refits); communes with no label count in no group.

    Returns
    -------
    pandas.DataFrame
        One row per association: ``age_diploma``, ``diploma_income``,
        ``loo_rms_logit`` (root mean square of the leave-one-out errors, logit),
        ``loo_max_points`` (largest absolute error, points), ``diploma_raised_to``
        (the "above CAP/BEP" rate the fit had to raise 3 % to, NaN if none),
        then the modelled rate (percent of people 15+) of each group.
    """
    groupings = groups.to_frame() if isinstance(groups, pd.Series) else groups
    groupings = groupings.reindex(communes.index)
    masks = {
        label: (groupings[column] == label).to_numpy()
        for column in groupings.columns
        for label in dict.fromkeys(groupings[column].dropna())
    }
    rows = []
    for association in associations:
        m = _build(communes, rates, survey_year, None, association)
        cells = commune_cells(m.target, m.cuts, association)
        est = np.einsum("iadk,adk->i", cells, m.central.cells)
        n15 = m.target["people_15p"].to_numpy()
        errors = np.array([r["error_logit"] for r in m.loo])
        points = np.array([abs(r["error_points"]) for r in m.loo])
        raised = m.central.extra["raised"]
        row = {
            "age_diploma": association.age_diploma,
            "diploma_income": association.diploma_income,
            "loo_rms_logit": float(np.sqrt(np.mean(errors**2))) if len(errors) else 0.0,
            "loo_max_points": float(points.max()) if len(points) else 0.0,
            "diploma_raised_to": next(iter(raised.values()), np.nan),
        }
        for label, mask in masks.items():
            people = n15[mask].sum()
            row[label] = (
                100 * float(np.dot(est[mask], n15[mask]) / people) if people else np.nan
            )
        rows.append(row)
    return pd.DataFrame(rows)


def aggregate(estimates: pd.DataFrame, by: pd.Series | str) -> pd.DataFrame:
    """Aggregate the MODELLED commune estimates to larger territories.

    Rates are rebuilt from sums of people (``people_at_risk / people_15p``),
    never by averaging the communes' rates; the range likewise sums
    ``illectronisme_low * people_15p`` and ``illectronisme_high * people_15p``.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Output of :func:`estimate`.
    by : pandas.Series or str
        Territory of each commune (aligned on ``estimates``' index), or the name
        of a column of ``estimates``.

    Returns
    -------
    pandas.DataFrame
        One row per territory: ``people_15p``, ``people_at_risk``,
        ``illectronisme_est``, ``illectronisme_low``, ``illectronisme_high``,
        ``communes`` and ``communes_imputed``.
    """
    needed = ("people_15p", "people_at_risk", "illectronisme_low")
    missing = [c for c in needed if c not in estimates.columns]
    if missing:
        raise DivideError(
            f"aggregate needs the output of illectronisme.estimate; missing column(s)"
            f" {', '.join(missing)}"
        )
    key = estimates[by] if isinstance(by, str) else by.reindex(estimates.index)
    if key.isna().any():
        raise DivideError(
            f"{int(key.isna().sum())} commune(s) have no territory to aggregate to"
        )
    n15 = estimates["people_15p"]
    frame = pd.DataFrame(
        {
            "people_15p": n15,
            "people_at_risk": estimates["people_at_risk"],
            "_low": estimates["illectronisme_low"] * n15,
            "_high": estimates["illectronisme_high"] * n15,
            "communes": 1,
            "communes_imputed": estimates["illectronisme_imputed"].astype(int),
        }
    )
    sums = frame.groupby(key.to_numpy()).sum()
    denom = sums["people_15p"].where(sums["people_15p"] > 0)
    sums["illectronisme_est"] = sums["people_at_risk"] / denom
    sums["illectronisme_low"] = sums.pop("_low") / denom
    sums["illectronisme_high"] = sums.pop("_high") / denom
    sums.index.name = by if isinstance(by, str) else (by.name or "territory")
    return sums[
        [
            "people_15p",
            "people_at_risk",
            "illectronisme_est",
            "illectronisme_low",
            "illectronisme_high",
            "communes",
            "communes_imputed",
        ]
    ]
