"""Each commune's structure: inputs checked, gaps filled, people 15+, cell shares.

The inputs of the MODELLED illectronisme (census age and diploma ratios,
Filosofi income, IRCOM fallback) become each commune's shares of the model's
cells (:func:`commune_cells`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit, ndtr

from divide.errors import DivideError

# National population structure (France, 1 January 2021, INSEE population
# estimates, rounded): 17.7 % of people are under 15, 20.7 % are 65 or older,
# 9.5 % are 75 or older.
SHARE_15P = 0.823
"""Share of people aged 15+ in the total population (France, 2021): the anchor
of the people-15+ approximation (see :func:`_people_15p`)."""


SHARE_75P_OF_65P = 0.095 / 0.207
"""Share of people aged 75+ among people aged 65+ (France, 2021): about 45.9 %;
the census ratios do not split the 65+, so every commune takes this share."""


INCOME_SIGMA = float(np.log(3.3558) / (2 * 1.2815516))
"""Within-commune dispersion of log standard of living: from D9/D1 = 3.3558,
the geometric mean of ``RD21`` (D9/D1) over the 5,345 rows of Filosofi 2021
where it is published (the parent rows of Paris, Lyon and Marseille left out,
their arrondissements kept), weighted by people (``NBPERSMENFISC21``)."""


OUTSIDE_SURVEY = ("975", "976", "977", "978", "98")  # Mayotte and the COM


INPUTS = ("age65_share", "low_diploma_share")


OPTIONAL = ("young_share", "median_income", "income_d9_d1", "ircom_low_income_share")


Z90 = 1.2815516
"""The 90th percentile of the standard normal: ln(D9/D1) = 2 × Z90 × σ."""


IRCOM_MIN_COMMUNES = 10
"""Fewest communes with both a Filosofi median and an IRCOM share needed to fit
the IRCOM → median relation on their own zone (overseas, or mainland); below
that, the relation is fitted on every such commune."""


#: Age score of each band on the logit scale of "at most CAP/BEP": the band's
#: middle age, centred on 45 and divided by 25 (15–24 → −1, 75+ → 1.48).
AGE_SCORE = np.array([-1.0, 0.0, 1.0, 1.48])


#: Income score of each class on the log-odds scale (bottom 40 % → 1, top 20 % → −1).
INCOME_SCORE = np.array([1.0, 0.0, -1.0])


@dataclass(frozen=True)
class Association:
    """Assumed within-commune links between the inputs (0 = independent).

    The staged census crosses nothing, so the central model takes age, diploma
    and income as independent within a commune. :func:`sensitivity` measures
    what a link would change: ``age_diploma`` is the slope of the logit of
    "at most CAP/BEP" on AGE_SCORE (older people less graduated);
    ``diploma_income`` the log-odds ratio, per step of INCOME_SCORE, of being
    poorer when at most CAP/BEP rather than above. Each commune keeps its own
    one-way shares of age, diploma and income.
    """

    age_diploma: float = 0.0
    diploma_income: float = 0.0


INDEPENDENT = Association()


def _dep_of(code: pd.Series) -> pd.Series:
    """Département of each commune code: 3 characters overseas (97x), else 2."""
    overseas = code.str.startswith("97").fillna(False).to_numpy(dtype=bool)
    return pd.Series(
        np.where(overseas, code.str[:3], code.str[:2]), index=code.index, dtype=object
    )


def _number(communes: pd.DataFrame, col: str, code: pd.Series, what: str) -> pd.Series:
    values = pd.to_numeric(communes[col], errors="coerce").astype(float)
    text_bad = values.isna() & communes[col].notna()
    if text_bad.any():
        raise DivideError(
            f"{what}: {col} is not a number for commune {code[text_bad].iloc[0]}"
            f" ('{communes[col][text_bad].iloc[0]}')"
        )
    return values


def _prepare(communes: pd.DataFrame, what: str) -> pd.DataFrame:
    """Validate the commune inputs and return a tidy numeric frame.

    In steps: the table and its columns, the codes (and départements), the
    population, the fractions (age, diploma), the income inputs, people 15+.
    """
    _check_table(communes, what)
    out = pd.DataFrame(index=communes.index)
    code = _codes(communes, what)
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
    for col in (*INPUTS, "young_share"):
        out[col] = _fraction(communes, col, code, what)
    out = out.join(_income_inputs(communes, code, what))
    given = _optional(communes, "population_15p", code, what)
    wrong = given.notna() & ((given < 0) | (given > pop + 1e-9))
    if wrong.any():
        raise DivideError(
            f"{what}: population_15p is negative or larger than population "
            f"for commune {code[wrong].iloc[0]}"
        )
    out["population_15p"] = given
    out["in_field"] = ~out["code"].str.startswith(OUTSIDE_SURVEY)
    return out


def _check_table(communes: pd.DataFrame, what: str) -> None:
    """A non-empty table with the needed columns, or a message naming them."""
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
            "a fraction); optional: young_share (15-24 among people 15+), "
            "median_income (euros per consumption unit), population_15p, dep"
        )


def _codes(communes: pd.DataFrame, what: str) -> pd.Series:
    """Five-character commune codes, each once."""
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
    return code


def _optional(
    communes: pd.DataFrame, col: str, code: pd.Series, what: str
) -> pd.Series:
    """A numeric column, all missing when the table has none."""
    if col in communes.columns:
        return _number(communes, col, code, what)
    return pd.Series(np.nan, index=communes.index)


def _fraction(
    communes: pd.DataFrame, col: str, code: pd.Series, what: str
) -> pd.Series:
    """A share between 0 and 1 (a hint when it looks like a percentage)."""
    values = _optional(communes, col, code, what)
    if (values > 1).any():
        hint = (
            " They look like percentages: divide by 100." if values.max() <= 100 else ""
        )
        raise DivideError(
            f"{what}: {col} must be a fraction between 0 and 1; commune "
            f"{code[values > 1].iloc[0]} has {values.max():g}.{hint}"
        )
    if (values < 0).any():
        raise DivideError(
            f"{what}: {col} is negative for commune {code[values < 0].iloc[0]}"
        )
    return values


def _income_inputs(communes: pd.DataFrame, code: pd.Series, what: str) -> pd.DataFrame:
    """``median_income``, ``sigma`` (from Filosofi's D9/D1) and the IRCOM share."""
    income = _optional(communes, "median_income", code, what)
    if (income <= 0).any():
        raise DivideError(
            f"{what}: median_income must be a positive amount in euros; commune "
            f"{code[income <= 0].iloc[0]} has {income[income <= 0].iloc[0]:g}"
        )
    ratio = _optional(communes, "income_d9_d1", code, what)
    if (ratio < 1).any():
        raise DivideError(
            f"{what}: income_d9_d1 (Filosofi D9/D1) must be at least 1; commune "
            f"{code[ratio < 1].iloc[0]} has {ratio[ratio < 1].iloc[0]:g}"
        )
    ircom = _optional(communes, "ircom_low_income_share", code, what)
    outside = (ircom < 0) | (ircom > 1)
    if outside.any():
        raise DivideError(
            f"{what}: ircom_low_income_share must be a fraction between 0 and 1; "
            f"commune {code[outside].iloc[0]} has {ircom[outside].iloc[0]:g}"
        )
    return pd.DataFrame(
        {"median_income": income, "sigma": np.log(ratio) / (2 * Z90), "ircom": ircom},
        index=communes.index,
    )


def _zone(dep: pd.Series) -> pd.Series:
    """``overseas`` for the DROM (97x), ``mainland`` otherwise."""
    return pd.Series(
        np.where(dep.astype(str).str.startswith("97"), "overseas", "mainland"),
        index=dep.index,
        dtype=object,
    )


def _ircom_relation(reference: pd.DataFrame) -> dict:
    """The IRCOM → Filosofi median relation, fitted per zone.

    ``log(median) = a + b × share`` where ``share`` is the IRCOM 2018 share of
    tax households with a reference income of at most 12,000 €, fitted by least
    squares weighted by population on the communes that have both, separately
    overseas and on the mainland (both fitted on every such commune when a zone
    has fewer than IRCOM_MIN_COMMUNES). Returns ``{zone: (a, b, n, rmse)}``.
    """
    both = reference[reference["median_income"].notna() & reference["ircom"].notna()]
    out: dict = {}
    if len(both) < 2:
        return out

    def line(rows: pd.DataFrame) -> tuple:
        w = rows["population"].clip(lower=0).to_numpy() + 1e-9
        x, y = rows["ircom"].to_numpy(), np.log(rows["median_income"].to_numpy())
        b, a = np.polyfit(x, y, 1, w=np.sqrt(w))
        rmse = float(np.sqrt(np.average((y - a - b * x) ** 2, weights=w)))
        return float(a), float(b), len(rows), rmse

    everyone = line(both)
    zones = _zone(both["dep"])
    for zone in ("mainland", "overseas"):
        rows = both[zones == zone]
        out[zone] = line(rows) if len(rows) >= IRCOM_MIN_COMMUNES else everyone
    return out


def _fill_from_ircom(frame: pd.DataFrame, relation: dict) -> pd.Series:
    """Rows whose median income comes from IRCOM (filled in place): a mask."""
    use = frame["median_income"].isna() & frame["ircom"].notna()
    if not relation or not use.any():
        return pd.Series(False, index=frame.index)
    zones = _zone(frame.loc[use, "dep"])
    a = zones.map(lambda z: relation[z][0]).to_numpy(dtype=float)
    b = zones.map(lambda z: relation[z][1]).to_numpy(dtype=float)
    frame.loc[use, "median_income"] = np.exp(a + b * frame.loc[use, "ircom"].to_numpy())
    return use


def _means(known: pd.DataFrame, values: pd.Series) -> tuple:
    """Population-weighted means of ``values`` by département, by zone, overall."""
    w = known["population"].where(known["population"] > 0, 0.0)
    if w.sum() <= 0:
        w = pd.Series(1.0, index=known.index)
    frame = pd.DataFrame(
        {"w": w, "wx": w * values, "dep": known["dep"], "zone": _zone(known["dep"])}
    )
    by_dep = frame.groupby("dep")[["w", "wx"]].sum()
    by_zone = frame.groupby("zone")[["w", "wx"]].sum()
    return (
        (by_dep["wx"] / by_dep["w"]).where(by_dep["w"] > 0),
        (by_zone["wx"] / by_zone["w"]).where(by_zone["w"] > 0),
        float(np.average(values, weights=w)),
    )


def _impute(target: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Fill missing inputs; flag them.

    The median income first: where Filosofi has none and IRCOM 2018 gives the
    share of low-income tax households, the median is predicted from it (see
    :func:`_ircom_relation`), flagged ``median_income_ircom``. Then every input
    still missing takes the population-weighted mean of its département, else of
    its zone (the DROM together, or the mainland), else of all communes, flagged
    with the input's name (the median income as a mean of log income). The
    within-commune income dispersion (``income_d9_d1``, published by Filosofi
    for the larger communes) falls back the same way, unflagged, and finally to
    INCOME_SIGMA.
    """
    out = target.copy()
    reference = reference.copy()
    out["imputed_inputs"] = ""
    relation = _ircom_relation(reference)
    _fill_from_ircom(reference, relation)
    from_ircom = _fill_from_ircom(out, relation)
    out.loc[from_ircom, "imputed_inputs"] = "median_income_ircom"
    for col in (*INPUTS, "young_share", "median_income", "sigma"):
        known = reference[reference[col].notna()]
        miss = out[col].isna()
        if known.empty:
            if col in INPUTS:
                raise DivideError(
                    f"{col} is missing for every commune: the model needs it. Give "
                    "at least some communes a value (missing ones take their "
                    "département's mean)"
                )
            if col == "sigma":
                out.loc[miss, col] = INCOME_SIGMA
            continue
        values = np.log(known[col]) if col == "median_income" else known[col]
        dep_mean, zone_mean, national = _means(known, values)
        filled = (
            out.loc[miss, "dep"]
            .map(dep_mean)
            .fillna(_zone(out.loc[miss, "dep"]).map(zone_mean))
            .fillna(national)
            .to_numpy(dtype=float)
        )
        out.loc[miss, col] = np.exp(filled) if col == "median_income" else filled
        if col == "sigma":
            continue
        out.loc[miss, "imputed_inputs"] = np.where(
            out.loc[miss, "imputed_inputs"] == "",
            col,
            out.loc[miss, "imputed_inputs"] + ";" + col,
        )
    out["imputed"] = out["imputed_inputs"] != ""
    out["people_15p"] = _people_15p(out, reference)
    out.attrs["ircom_relation"] = relation
    return out


def _people_15p(prepared: pd.DataFrame, reference: pd.DataFrame) -> pd.Series:
    """People aged 15+: given, else approximated from the commune's own youth.

    The census ratios give no count of people 15+. The approximation holds the
    number of children under 15 per person aged 15–24 at its national value
    (so that France keeps SHARE_15P): ``n15 = population / (1 + ρ × young)``
    with ``ρ = ((1 - SHARE_15P) / SHARE_15P) / young_national``. A commune with
    many young adults (Guyane, Mayotte) thus counts more children.
    """
    young = prepared["young_share"]
    if young.isna().all():
        approx = prepared["population"] * SHARE_15P
    else:
        ref = reference[reference["young_share"].notna()]
        w = ref["population"]
        y_nat = float(np.average(ref["young_share"], weights=w)) if w.sum() > 0 else 0.0
        rho = ((1 - SHARE_15P) / SHARE_15P) / y_nat if y_nat > 0 else 0.0
        approx = prepared["population"] / (1 + rho * young.fillna(y_nat))
    return prepared["population_15p"].fillna(approx)


def _income_cuts(reference: pd.DataFrame) -> tuple[float, float]:
    """National 40th and 80th percentiles of the people-weighted income mixture.

    Each commune is a log-normal of its own median and dispersion (``sigma``);
    the cuts are the percentiles of their mixture weighted by population.
    """
    med = reference["median_income"].to_numpy(dtype=float)
    sig = _sigma(reference)
    w = reference["population"].to_numpy(dtype=float)
    ok = np.isfinite(med) & (w > 0)
    if not ok.any():
        return float("nan"), float("nan")
    # communes grouped on a 0.1 % grid of log income and dispersion: same cuts,
    # far fewer terms
    pairs = np.column_stack([np.round(np.log(med[ok]), 3), np.round(sig[ok], 3)])
    grid, inverse = np.unique(pairs, axis=0, return_inverse=True)
    lm, sg = grid[:, 0], grid[:, 1]
    w = np.bincount(inverse.ravel(), weights=w[ok]) / w[ok].sum()

    def quantile(q: float) -> float:
        lo, hi = lm.min() - 6 * sg.max(), lm.max() + 6 * sg.max()
        for _ in range(60):
            mid = (lo + hi) / 2
            if np.dot(w, ndtr((mid - lm) / sg)) < q:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    return quantile(0.40), quantile(0.80)


def _sigma(prepared: pd.DataFrame) -> np.ndarray:
    """Each commune's dispersion of log income (INCOME_SIGMA where unknown)."""
    if "sigma" not in prepared:
        return np.full(len(prepared), INCOME_SIGMA)
    sig = prepared["sigma"].to_numpy(dtype=float)
    return np.where(np.isfinite(sig) & (sig > 0), sig, INCOME_SIGMA)


def commune_cells(
    prepared: pd.DataFrame,
    cuts: tuple[float, float],
    association: Association = INDEPENDENT,
) -> np.ndarray:
    """Cell shares of each commune, shape ``(communes, 4, 2, 3)``.

    Age: 15–24 = ``young_share`` (national mean if unknown), 65–74 and 75+ split
    ``age65_share`` with SHARE_75P_OF_65P, 25–64 the rest. Diploma:
    ``low_diploma_share``. Income: a log-normal around the commune's median,
    of the commune's own dispersion (Filosofi D9/D1; département, zone or
    INCOME_SIGMA where not published), cut at the national 40th and 80th
    percentiles. The three are taken as independent within a commune (the
    staged census ratios cross nothing), unless ``association`` says otherwise
    (:func:`associate`; used by :func:`sensitivity` only).
    """
    s65 = prepared["age65_share"].to_numpy()
    young = prepared["young_share"].to_numpy()
    young = np.minimum(np.nan_to_num(young, nan=0.0), 1 - s65)
    age = np.column_stack(
        [young, 1 - young - s65, s65 * (1 - SHARE_75P_OF_65P), s65 * SHARE_75P_OF_65P]
    )
    low = prepared["low_diploma_share"].to_numpy()
    dip = np.column_stack([1 - low, low])
    lm = np.log(prepared["median_income"].to_numpy(dtype=float))
    sig = _sigma(prepared)
    if np.isfinite(cuts[0]):
        b40 = ndtr((cuts[0] - lm) / sig)
        b80 = ndtr((cuts[1] - lm) / sig)
        b40 = np.where(np.isfinite(lm), b40, 0.4)
        b80 = np.where(np.isfinite(lm), b80, 0.8)
    else:
        b40, b80 = np.full(len(lm), 0.4), np.full(len(lm), 0.8)
    inc = np.column_stack([b40, b80 - b40, 1 - b80])
    if association == INDEPENDENT:
        return np.einsum("ia,id,ik->iadk", age, dip, inc)
    return associate(age, low, inc, association)


def associate(
    age: np.ndarray, low: np.ndarray, inc: np.ndarray, association: Association
) -> np.ndarray:
    """Cell shares with assumed links, each commune's one-way shares kept.

    Diploma given age: ``logit P(at most CAP/BEP | age) = λ + age_diploma ×
    AGE_SCORE``, λ solved per commune (Newton) so that the commune's share of
    "at most CAP/BEP" is kept. Income given diploma: the commune's income shares
    tilted by ``exp(± diploma_income × INCOME_SCORE / 2)`` (poorer when at most
    CAP/BEP), then raked (iterative proportional fitting) back to the commune's
    income shares. Shapes: ``age`` (communes, 4), ``low`` (communes,), ``inc``
    (communes, 3); returns (communes, 4, 2, 3).
    """
    eps = 1e-9
    lam = logit(np.clip(low, eps, 1 - eps))
    for _ in range(60):
        p = expit(lam[:, None] + association.age_diploma * AGE_SCORE)
        gap = (age * p).sum(axis=1) - low
        slope = (age * p * (1 - p)).sum(axis=1)
        lam = lam - gap / np.maximum(slope, eps)
        if np.abs(gap).max() < 1e-12:
            break
    p = expit(lam[:, None] + association.age_diploma * AGE_SCORE)
    age_dip = np.stack([age * (1 - p), age * p], axis=2)
    dip = age_dip.sum(axis=1)
    tilt = np.exp(association.diploma_income * INCOME_SCORE / 2)
    given = np.stack([inc / tilt, inc * tilt], axis=1)  # (communes, diploma, income)
    for _ in range(100):
        given = given / np.maximum(given.sum(axis=2, keepdims=True), eps)
        marginal = (dip[:, :, None] * given).sum(axis=1)
        given = given * (inc / np.maximum(marginal, eps))[:, None, :]
    given = given / np.maximum(given.sum(axis=2, keepdims=True), eps)
    return np.einsum("iad,idk->iadk", age_dip, given)
