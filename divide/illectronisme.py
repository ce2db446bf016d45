"""Modelled illectronisme per commune: a post-stratified, calibrated ESTIMATE.

INSEE publishes no illectronisme rate below the national level. This module turns
the national rates published from the TIC households survey (by age and by
diploma) into a *modelled estimate* for each commune, from the commune's age and
diploma structure. Every figure it returns is a modelled estimate, not a
measurement; :func:`method_summary` gives the method in French or English.

The model, for one survey year (2021 by default, Insee Première n°1953):

1. Two binary strata. Age: 65+ vs 15–64. Diploma: at most CAP/BEP ("low") vs
   above. Their rates come from the published breakdowns and the national
   population structure (:func:`stratum_rates`):

   - ``p_65+ = (1 - f75) * r(60–74) + f75 * r(75+)`` where ``f75`` is the share
     of people aged 75+ among people aged 65+ (the 65–74 rate is taken equal to
     the published 60–74 rate);
   - ``p_15–64`` so that the two age strata average back to the national rate;
   - ``p_above`` = the published rate of people with bac+3 or more, applied to
     everyone above CAP/BEP;
   - ``p_low`` so that the two diploma strata average back to the national rate.

2. The four cells (age × diploma) combine both effects under an independence
   assumption on the odds: ``odds(a, d) = odds(p_a) * odds(p_d) / odds(p_nat)``.

3. A commune's raw rate mixes the cells with its own shares, taken as
   independent: ``m = Σ share(a) * share(d) * rate(a, d)``.

4. One calibration factor ``k = target / (Σ n15 * m / Σ n15)`` over the communes
   of the survey's field (France without Mayotte) makes the national total
   reproduce the published national rate exactly; the estimate is ``k * m``.

A plausible range comes from re-running steps 1–4 with other structures (each
other survey year with the complete set of published rates, and an age-only
model), each recalibrated to the same national target; for a commune whose age
or diploma share was imputed, also from that share set to the 10th and 90th
percentiles of its département.

Aggregate upward with :func:`aggregate` (sums of people), never by averaging
the communes' rates.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from divide.errors import DivideError, unknown

__all__ = [
    "LOW_DIPLOMA_NATIONAL",
    "SHARE_15P",
    "SHARE_65P_OF_15P",
    "SHARE_75P_OF_65P",
    "StratumRates",
    "aggregate",
    "calibration_report",
    "estimate",
    "method_summary",
    "stratum_rates",
]

# National population structure (France, 1 January 2021, INSEE population
# estimates, rounded): 17.7 % of people are under 15, 20.7 % are 65 or older,
# 9.5 % are 75 or older. Used only to turn published rates into stratum rates
# and, when no ``population_15p`` is given, to count people aged 15+.
SHARE_15P = 0.823
"""Share of people aged 15+ in the total population (France, 2021)."""
SHARE_65P_OF_15P = 0.207 / 0.823
"""Share of people aged 65+ among people aged 15+ (France, 2021): about 25.2 %."""
SHARE_75P_OF_65P = 0.095 / 0.207
"""Share of people aged 75+ among people aged 65+ (France, 2021): about 45.9 %."""
# Census RP 2017, non-students aged 15+ with at most CAP/BEP over all people aged
# 15+ (the definition of the ``low_diploma_share`` input), national mean weighted
# by legal population, computed from the staged file
# DERIVED_batch8_data_scol_menage_demandeurEmplois_RP2017.csv (column TX_NSCOL15P).
LOW_DIPLOMA_NATIONAL = 0.484
"""Share of people aged 15+ with at most CAP/BEP (census 2017): 48.4 %."""

INPUTS = ("age65_share", "low_diploma_share")
OUTSIDE_SURVEY = ("975", "976", "977", "978", "98")  # Mayotte and the COM
LANGS = ("en", "fr")


def _norm(text: object) -> str:
    """Lower-case, accent-free, single-spaced text with plain hyphens."""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    return " ".join(s.split())


# (dimension, accepted categories) of each published figure the model reads.
_FIGURES = {
    "national": ("ensemble", {"15 ans ou plus"}),
    "age_60_74": ("age", {"60-74 ans"}),
    "age_75p": ("age", {"75 ans ou plus", "75 ans et plus"}),
    "diploma_high": ("diplome", {"bac+3 ou plus", "diplomes du superieur"}),
    "diploma_lowest": (
        "diplome",
        {"au mieux certificat d'etudes primaires", "sans diplome ou cep"},
    ),
}
_FIGURE_LABELS = {
    "national": "ensemble / 15 ans ou plus",
    "age_60_74": "age / 60-74 ans",
    "age_75p": "age / 75 ans ou plus",
    "diploma_high": "diplome / bac+3 ou plus (or diplômés du supérieur)",
    "diploma_lowest": "diplome / au mieux CEP (or sans diplôme ou CEP)",
}


@dataclass(frozen=True)
class StratumRates:
    """Stratum and cell rates of the modelled illectronisme estimate for one year.

    All rates are fractions of people aged 15+. They are model inputs derived
    from published national figures, not published figures themselves (except
    ``national`` and the entries of ``published``).

    Attributes
    ----------
    survey_year : str
        The TIC survey year the published figures come from.
    national : float
        Published national rate, people aged 15+.
    age_65p, age_15_64 : float
        Rates of the two age strata.
    low_diploma, other_diploma : float
        Rates of the two diploma strata (at most CAP/BEP; above).
    published : dict
        The published figures used (fractions), by key.
    """

    survey_year: str
    national: float
    age_65p: float
    age_15_64: float
    low_diploma: float
    other_diploma: float
    published: dict = field(default_factory=dict)

    def cells(self, *, age_only: bool = False) -> np.ndarray:
        """Return the 2×2 cell rates of the MODELLED estimate, before calibration.

        Indexed ``[age (0: 15–64, 1: 65+), diploma (0: above CAP/BEP, 1: at
        most CAP/BEP)]``.

        Cells combine the age and diploma effects as independent odds ratios
        around the national odds. With ``age_only`` the diploma effect is
        dropped (the variant used for the plausible range).
        """
        nat = _odds(self.national)
        age = np.array([_odds(self.age_15_64), _odds(self.age_65p)])
        dip = np.array([_odds(self.other_diploma), _odds(self.low_diploma)])
        if age_only:
            dip = np.array([nat, nat])
        odds = age[:, None] * dip[None, :] / nat
        return odds / (1.0 + odds)


def _odds(p: float) -> float:
    return p / (1.0 - p)


def _published_table(rates: pd.DataFrame) -> pd.DataFrame:
    """Normalise a table of published rates to year/key/rate rows."""
    if not isinstance(rates, pd.DataFrame):
        raise DivideError(
            "rates must be a table (DataFrame) of published illectronisme figures "
            "with columns survey_year, dimension, category, indicator, rate"
        )
    df = rates.copy()
    if "rate" not in df.columns and "value_pct" in df.columns:
        df["rate"] = pd.to_numeric(df["value_pct"], errors="coerce") / 100.0
    missing = [
        c
        for c in ("survey_year", "dimension", "category", "indicator", "rate")
        if c not in df.columns
    ]
    if missing:
        raise DivideError(
            f"the rates table lacks column(s) {', '.join(missing)}; expected the "
            "output of divide.readers.illectronisme (survey_year, dimension, "
            f"category, indicator, rate). Found: {', '.join(map(str, df.columns))}"
        )
    df["rate"] = pd.to_numeric(df["rate"], errors="coerce")
    if (df["rate"] > 1).any():
        raise DivideError(
            "rates above 1 in the 'rate' column: rates must be fractions "
            "(15.4 % is 0.154); divide percentages by 100"
        )
    df = df[df["rate"].notna() & (df["indicator"].map(_norm) == "illectronisme")]
    year = df["survey_year"].map(_year)
    dim = df["dimension"].map(_norm)
    cat = df["category"].map(_norm)
    rows = []
    for key, (dimension, categories) in _FIGURES.items():
        hit = (dim == dimension) & cat.isin(categories)
        for y, r in zip(year[hit], df.loc[hit, "rate"], strict=True):
            rows.append((y, key, float(r)))
    return pd.DataFrame(rows, columns=["survey_year", "key", "rate"])


def _year(value: object) -> str:
    try:
        return str(int(float(value)))
    except (TypeError, ValueError):
        return str(value).strip()


def _figures_for(table: pd.DataFrame, year: str) -> dict[str, float]:
    """Return the published figures of one year; raise if one is missing."""
    sub = table[table["survey_year"] == year]
    figures: dict[str, float] = {}
    for key, group in sub.groupby("key"):
        values = group["rate"].unique()
        if len(values) > 1:
            raise DivideError(
                f"the rates table gives {len(values)} different values for "
                f"{_FIGURE_LABELS[key]} in {year}: keep one row per figure"
            )
        figures[key] = float(values[0])
    return figures


def _complete_years(table: pd.DataFrame) -> list[str]:
    needed = {"national", "age_60_74", "age_75p", "diploma_high"}
    years = []
    for y in sorted(table["survey_year"].unique()):
        if needed <= set(_figures_for(table, y)):
            years.append(y)
    return years


def stratum_rates(rates: pd.DataFrame, survey_year: str = "2021") -> StratumRates:
    """Derive the stratum rates of the modelled illectronisme estimate.

    The published national breakdowns are by age band and by diploma; the model
    needs rates for two binary strata. This is the MODELLED part of the method:

    - ``age_65p = (1 - f75) * r(60–74) + f75 * r(75+)``, with
      ``f75 = SHARE_75P_OF_65P`` (the 65–74 rate is taken equal to the 60–74
      rate, which slightly understates it);
    - ``age_15_64 = (r_nat - s65 * age_65p) / (1 - s65)``, with
      ``s65 = SHARE_65P_OF_15P``, so that the age strata average to ``r_nat``;
    - ``other_diploma = r(bac+3 or more)``: everyone above CAP/BEP (students
      included) takes the rate published for the most qualified;
    - ``low_diploma = (r_nat - (1 - L) * other_diploma) / L``, with
      ``L = LOW_DIPLOMA_NATIONAL``.

    Parameters
    ----------
    rates : pandas.DataFrame
        Published figures: ``survey_year``, ``dimension``, ``category``,
        ``indicator`` and ``rate`` (a fraction; a ``value_pct`` column in
        percent is accepted instead).
    survey_year : str
        Year of the TIC survey to use.

    Returns
    -------
    StratumRates
        The derived rates, with the published figures they come from.

    Raises
    ------
    DivideError
        A needed figure is missing for that year, or the figures are
        inconsistent (a derived rate outside (0, 1) or in the wrong order).
    """
    table = _published_table(rates)
    year = _year(survey_year)
    available = sorted(table["survey_year"].unique())
    if year not in available:
        raise unknown("survey year", year, available or ["(none)"])
    fig = _figures_for(table, year)
    needed = ("national", "age_60_74", "age_75p", "diploma_high")
    lacking = [k for k in needed if k not in fig]
    if lacking:
        complete = _complete_years(table)
        raise DivideError(
            f"survey year {year} lacks the published illectronisme rate(s) "
            f"{'; '.join(_FIGURE_LABELS[k] for k in lacking)}. Years with every "
            f"figure the model needs: {', '.join(complete) or 'none'}"
        )
    nat = fig["national"]
    s65, f75, low = SHARE_65P_OF_15P, SHARE_75P_OF_65P, LOW_DIPLOMA_NATIONAL
    age_65p = (1 - f75) * fig["age_60_74"] + f75 * fig["age_75p"]
    age_15_64 = (nat - s65 * age_65p) / (1 - s65)
    other = fig["diploma_high"]
    low_dip = (nat - (1 - low) * other) / low
    ok = 0 < age_15_64 < age_65p < 1 and 0 < other < low_dip < 1
    if not ok:
        raise DivideError(
            f"the published figures of {year} give inconsistent stratum rates "
            f"(15–64: {age_15_64:.3f}, 65+: {age_65p:.3f}, above CAP/BEP: "
            f"{other:.3f}, at most CAP/BEP: {low_dip:.3f}); check that rates are "
            "fractions and that the national, age and diploma rows are right"
        )
    return StratumRates(
        survey_year=year,
        national=nat,
        age_65p=age_65p,
        age_15_64=age_15_64,
        low_diploma=low_dip,
        other_diploma=other,
        published=fig,
    )


# --------------------------------------------------------------------------
# Communes: validation, people aged 15+, imputation
# --------------------------------------------------------------------------


def _dep_of(code: pd.Series) -> pd.Series:
    """Département of each commune code: 3 characters overseas (97x), else 2."""
    overseas = code.str.startswith("97").fillna(False).to_numpy(dtype=bool)
    return pd.Series(
        np.where(overseas, code.str[:3], code.str[:2]), index=code.index, dtype=object
    )


def _prepare(communes: pd.DataFrame, what: str) -> pd.DataFrame:
    """Validate the commune inputs and return a tidy numeric frame."""
    if not isinstance(communes, pd.DataFrame):
        raise DivideError(f"{what} must be a table (DataFrame) of communes")
    if communes.empty:
        raise DivideError(f"{what} is empty: give at least one commune")
    needed = ("code", "population", *INPUTS)
    missing = [c for c in needed if c not in communes.columns]
    if missing:
        raise DivideError(
            f"{what} lacks column(s) {', '.join(missing)}. Needed: code, "
            "population (total), age65_share (65+ among people aged 15+, a "
            "fraction), low_diploma_share (at most CAP/BEP among people aged 15+, "
            "a fraction); optional: population_15p, dep"
        )
    out = pd.DataFrame(index=communes.index)
    code = communes["code"].astype("string").str.strip()
    bad = code.isna() | (code.str.len() != 5)
    if bad.any():
        example = communes["code"][bad].iloc[0]
        raise DivideError(
            f"{what}: commune code '{example}' is not a 5-character INSEE code; "
            "read codes as text (dtype=str) so that '01001' keeps its leading zero"
        )
    dup = code.duplicated()
    if dup.any():
        raise DivideError(
            f"{what}: commune code '{code[dup].iloc[0]}' appears more than once; "
            "keep one row per commune (people would be counted twice)"
        )
    out["code"] = code.astype(object)
    if "dep" in communes.columns:
        dep = communes["dep"].astype("string").str.strip().str.upper()
        out["dep"] = dep.fillna(_dep_of(code)).astype(object)
    else:
        out["dep"] = _dep_of(code).astype(object)
    pop = pd.to_numeric(communes["population"], errors="coerce").astype(float)
    if pop.isna().any() or (pop < 0).any():
        example = code[pop.isna() | (pop < 0)].iloc[0]
        raise DivideError(
            f"{what}: population is missing or negative for commune {example}; "
            "give every commune its total population (a count ≥ 0)"
        )
    out["population"] = pop
    n15 = pop * SHARE_15P
    if "population_15p" in communes.columns:
        given = pd.to_numeric(communes["population_15p"], errors="coerce")
        given = given.astype(float)
        wrong = given.notna() & ((given < 0) | (given > pop + 1e-9))
        if wrong.any():
            raise DivideError(
                f"{what}: population_15p is negative or larger than population "
                f"for commune {code[wrong].iloc[0]}"
            )
        n15 = given.fillna(n15)
    out["people_15p"] = n15
    for col in INPUTS:
        values = pd.to_numeric(communes[col], errors="coerce").astype(float)
        text_bad = values.isna() & communes[col].notna()
        if text_bad.any():
            raise DivideError(
                f"{what}: {col} is not a number for commune {code[text_bad].iloc[0]}"
                f" ('{communes[col][text_bad].iloc[0]}')"
            )
        if (values > 1).any():
            hint = (
                " They look like percentages: divide by 100."
                if values.max() <= 100
                else ""
            )
            raise DivideError(
                f"{what}: {col} must be a fraction between 0 and 1; commune "
                f"{code[values > 1].iloc[0]} has {values.max():g}.{hint}"
            )
        if (values < 0).any():
            raise DivideError(
                f"{what}: {col} is negative for commune {code[values < 0].iloc[0]}"
            )
        out[col] = values
    out["in_field"] = ~out["code"].str.startswith(OUTSIDE_SURVEY)
    return out


def _impute(target: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Fill missing shares with the département (else national) weighted mean.

    Also stores, per missing value, the 10th and 90th percentiles of the
    same reference group, used to widen the plausible range.
    """
    out = target.copy()
    out["imputed_inputs"] = ""
    for col in INPUTS:
        known = reference[reference[col].notna()]
        if known.empty:
            raise DivideError(
                f"{col} is missing for every commune: the model needs it. Give at "
                "least some communes a value (missing ones take their "
                "département's mean)"
            )
        w = known["people_15p"].where(known["people_15p"] > 0, 0.0)
        if w.sum() <= 0:
            w = pd.Series(1.0, index=known.index)
        national = float(np.average(known[col], weights=w))
        grouped = known.assign(_w=w, _wx=w * known[col]).groupby("dep")
        sums = grouped[["_w", "_wx"]].sum()
        dep_mean = (sums["_wx"] / sums["_w"]).where(sums["_w"] > 0)
        dep_mean = dep_mean.fillna(grouped[col].mean())
        q10 = grouped[col].quantile(0.10)
        q90 = grouped[col].quantile(0.90)
        nat_q10, nat_q90 = known[col].quantile([0.10, 0.90])
        miss = out[col].isna()
        deps = out.loc[miss, "dep"]
        out.loc[miss, col] = deps.map(dep_mean).fillna(national).to_numpy()
        out[f"{col}_q10"] = out[col]
        out[f"{col}_q90"] = out[col]
        out.loc[miss, f"{col}_q10"] = deps.map(q10).fillna(nat_q10).to_numpy()
        out.loc[miss, f"{col}_q90"] = deps.map(q90).fillna(nat_q90).to_numpy()
        out.loc[miss, "imputed_inputs"] = np.where(
            out.loc[miss, "imputed_inputs"] == "",
            col,
            out.loc[miss, "imputed_inputs"] + ";" + col,
        )
    out["imputed"] = out["imputed_inputs"] != ""
    return out


def _mix(cells: np.ndarray, s65: np.ndarray, low: np.ndarray) -> np.ndarray:
    """Raw (uncalibrated) commune rate: cells weighted by independent shares."""
    return (
        (1 - s65) * (1 - low) * cells[0, 0]
        + (1 - s65) * low * cells[0, 1]
        + s65 * (1 - low) * cells[1, 0]
        + s65 * low * cells[1, 1]
    )


def _national_raw(prepared: pd.DataFrame, cells: np.ndarray) -> tuple[float, float]:
    """Population-weighted raw rate over the survey field, and its people 15+."""
    field_ = prepared[prepared["in_field"]]
    people = float(field_["people_15p"].sum())
    if people <= 0:
        raise DivideError(
            "no people aged 15+ in the survey's field (France without Mayotte) to "
            "calibrate on: pass the national set of communes (calibrate_on=...)"
        )
    raw = _mix(
        cells, field_["age65_share"].to_numpy(), field_["low_diploma_share"].to_numpy()
    )
    return float(np.dot(raw, field_["people_15p"].to_numpy()) / people), people


def _factor(prepared: pd.DataFrame, cells: np.ndarray, target: float) -> float:
    raw, _ = _national_raw(prepared, cells)
    factor = target / raw
    top = factor * float(cells.max())
    if top > 1:
        raise DivideError(
            f"calibration would need a factor of {factor:.2f}, which pushes some "
            "estimates above 100 %: the communes given do not look like the whole "
            "of France. Pass the national set of communes as calibrate_on"
        )
    return factor


def _variants(
    rates: pd.DataFrame, central: StratumRates
) -> list[tuple[str, np.ndarray]]:
    """Alternative cell tables for the plausible range (labelled)."""
    table = _published_table(rates)
    out = [(f"{central.survey_year} age only", central.cells(age_only=True))]
    for year in _complete_years(table):
        if year == central.survey_year:
            continue
        try:
            alt = stratum_rates(rates, year)
        except DivideError:
            continue
        out.append((f"{year} structure", alt.cells()))
    return out


def _setup(
    communes: pd.DataFrame,
    rates: pd.DataFrame,
    survey_year: str,
    calibrate_on: pd.DataFrame | None,
) -> tuple[StratumRates, pd.DataFrame, pd.DataFrame]:
    central = stratum_rates(rates, survey_year)
    if calibrate_on is None:
        prepared = _prepare(communes, "communes")
        target = reference = _impute(prepared, prepared)
    else:
        ref_raw = _prepare(calibrate_on, "calibrate_on")
        reference = _impute(ref_raw, ref_raw)
        target = _impute(_prepare(communes, "communes"), ref_raw)
    return central, target, reference


def estimate(
    communes: pd.DataFrame,
    rates: pd.DataFrame,
    survey_year: str = "2021",
    *,
    calibrate_on: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Estimate illectronisme per commune: a MODELLED estimate, not a measurement.

    Post-stratification of the national rates published by INSEE (TIC households
    survey, one year) on each commune's age and diploma structure, calibrated so
    that the national total reproduces the published national rate exactly. It
    rests on two assumptions: age and diploma predict illectronisme well, and
    their national relation with it holds locally. Income, household
    composition and local specifics are not modelled. See
    :func:`method_summary` for the full method.

    Parameters
    ----------
    communes : pandas.DataFrame
        One row per commune: ``code`` (5-character INSEE code), ``population``
        (total), ``age65_share`` (share of people 65+ among people 15+, a
        fraction), ``low_diploma_share`` (share of people 15+ with at most
        CAP/BEP, a fraction). Optional: ``population_15p`` (people aged 15+;
        otherwise ``population * SHARE_15P``), ``dep`` (département code;
        otherwise taken from ``code``). A ``poverty_rate`` column is accepted and
        deliberately NOT used: it is published for too few communes (see the
        method notes). A missing share takes its département's mean (weighted by
        people 15+), else the national mean, and the commune is flagged.
    rates : pandas.DataFrame
        Published national figures (see :func:`stratum_rates`).
    survey_year : str
        Survey year whose figures drive the model; default ``"2021"`` (Insee
        Première n°1953, 15.4 % of people aged 15+).
    calibrate_on : pandas.DataFrame, optional
        The national set of communes to calibrate on (same columns). Defaults to
        ``communes``, which must then cover France: pass the national set here
        when estimating a subset.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``communes``: ``code``; ``illectronisme_est`` (modelled
        share of people 15+), ``illectronisme_low`` and ``illectronisme_high``
        (plausible range); ``people_15p``; ``people_at_risk``
        (``illectronisme_est * people_15p``); ``illectronisme_imputed`` (bool)
        and ``illectronisme_imputed_inputs`` (which shares were imputed, ";"-
        joined); ``illectronisme_in_survey_field`` (False for Mayotte and the
        overseas collectivities, whose estimate is an extrapolation).

    Raises
    ------
    DivideError
        Missing columns, shares outside [0, 1], bad codes or populations,
        missing published figures.
    """
    central, target, reference = _setup(communes, rates, survey_year, calibrate_on)
    cells = central.cells()
    k = _factor(reference, cells, central.national)
    s65 = target["age65_share"].to_numpy()
    low = target["low_diploma_share"].to_numpy()
    est = k * _mix(cells, s65, low)
    runs = [est]
    for _, alt in _variants(rates, central):
        runs.append(_factor(reference, alt, central.national) * _mix(alt, s65, low))
    for a, b in (("q10", "q10"), ("q90", "q90"), ("q10", "q90"), ("q90", "q10")):
        runs.append(
            k
            * _mix(
                cells,
                target[f"age65_share_{a}"].to_numpy(),
                target[f"low_diploma_share_{b}"].to_numpy(),
            )
        )
    stack = np.vstack(runs)
    n15 = target["people_15p"].to_numpy()
    return pd.DataFrame(
        {
            "code": target["code"],
            "illectronisme_est": est,
            "illectronisme_low": stack.min(axis=0),
            "illectronisme_high": stack.max(axis=0),
            "people_15p": n15,
            "people_at_risk": est * n15,
            "illectronisme_imputed": target["imputed"].astype(bool),
            "illectronisme_imputed_inputs": target["imputed_inputs"],
            "illectronisme_in_survey_field": target["in_field"].astype(bool),
        },
        index=communes.index,
    )


def calibration_report(
    communes: pd.DataFrame,
    rates: pd.DataFrame,
    survey_year: str = "2021",
    *,
    calibrate_on: pd.DataFrame | None = None,
) -> dict:
    """Report the calibration of the MODELLED illectronisme estimate.

    Parameters
    ----------
    communes, rates, survey_year, calibrate_on
        As for :func:`estimate`. Calibration uses ``calibrate_on`` when given,
        else ``communes``.

    Returns
    -------
    dict
        ``survey_year``; ``target`` (published national rate); ``rate_before``
        (national rate of the uncalibrated model, weighted by people 15+);
        ``factor`` (the single calibration factor); ``rate_after`` (national
        rate of the estimate, equal to ``target``); ``people_15p`` and
        ``communes`` used (survey field); ``communes_outside_field``;
        ``communes_imputed``; ``stratum_rates`` and ``cell_rates`` (fractions);
        ``variant_factors`` (factor of each sensitivity variant).
    """
    central, _, reference = _setup(communes, rates, survey_year, calibrate_on)
    cells = central.cells()
    before, people = _national_raw(reference, cells)
    factor = _factor(reference, cells, central.national)
    field_ = reference[reference["in_field"]]
    after = float(
        np.dot(
            factor
            * _mix(
                cells,
                field_["age65_share"].to_numpy(),
                field_["low_diploma_share"].to_numpy(),
            ),
            field_["people_15p"].to_numpy(),
        )
        / people
    )
    return {
        "survey_year": central.survey_year,
        "target": central.national,
        "rate_before": before,
        "factor": factor,
        "rate_after": after,
        "people_15p": people,
        "communes": len(field_),
        "communes_outside_field": int((~reference["in_field"]).sum()),
        "communes_imputed": int(reference["imputed"].sum()),
        "stratum_rates": {
            "15-64": central.age_15_64,
            "65+": central.age_65p,
            "above CAP/BEP": central.other_diploma,
            "at most CAP/BEP": central.low_diploma,
        },
        "cell_rates": {
            "15-64, above CAP/BEP": float(cells[0, 0]),
            "15-64, at most CAP/BEP": float(cells[0, 1]),
            "65+, above CAP/BEP": float(cells[1, 0]),
            "65+, at most CAP/BEP": float(cells[1, 1]),
        },
        "variant_factors": {
            label: _factor(reference, alt, central.national)
            for label, alt in _variants(rates, central)
        },
    }


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


def method_summary(lang: str = "fr") -> str:
    """Return the method of the MODELLED illectronisme estimate, as markdown.

    Parameters
    ----------
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        The content of ``divide/texts/illectronisme_method_{lang}.md``: inputs,
        formula, calibration and survey year, assumptions, what is not modelled.
    """
    lang = str(lang).strip().lower()
    if lang not in LANGS:
        raise unknown("language", lang, LANGS)
    path = resources.files("divide") / "texts" / f"illectronisme_method_{lang}.md"
    return path.read_text(encoding="utf-8")
