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

import unicodedata
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd
from scipy.special import expit, logit, ndtr

from divide.build.readers.typology import CLASSES as DENSITY_CLASSES
from divide.errors import DivideError, unknown
from divide.i18n import t

__all__ = [
    "BREAKDOWNS",
    "INCOME_SIGMA",
    "INDEPENDENT",
    "SHARE_15P",
    "SHARE_75P_OF_65P",
    "Association",
    "Fit",
    "aggregate",
    "calibration_report",
    "commune_cells",
    "estimate",
    "fit",
    "leave_one_out",
    "margins",
    "method_summary",
    "sensitivity",
]

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
OUTSIDE_SURVEY = ("975", "976", "977", "978", "98")  # Mayotte and the COM
LANGS = ("en", "fr")

#: Breakdown -> its categories, in the order of the cell axes.
BREAKDOWNS = {
    "age": ("15-24", "25-64", "65-74", "75+"),
    "diploma": ("above CAP/BEP", "at most CAP/BEP"),
    "income": ("bottom 40 %", "middle 40 %", "top 20 %"),
}
#: (dimension, accepted published categories) -> (breakdown, model category).
#: The model category is approximated by the published one (see the model card).
_PUBLISHED = {
    ("age", "15-24 ans"): ("age", "15-24"),
    ("age", "60-74 ans"): ("age", "65-74"),
    ("age", "75 ans ou plus"): ("age", "75+"),
    ("age", "75 ans et plus"): ("age", "75+"),
    ("diplome", "bac+3 ou plus"): ("diploma", "above CAP/BEP"),
    ("diplome", "diplomes du superieur"): ("diploma", "above CAP/BEP"),
    ("niveau_de_vie", "40 % des menages les moins aises"): ("income", "bottom 40 %"),
    ("niveau_de_vie", "20 % des menages les plus aises"): ("income", "top 20 %"),
}
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


def _norm(text: object) -> str:
    """Lower-case, accent-free, single-spaced text with plain hyphens."""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    return " ".join(s.split())


def _year(value: object) -> str:
    try:
        return str(int(float(value)))
    except (TypeError, ValueError):
        return str(value).strip()


def margins(rates: pd.DataFrame, survey_year: str = "2021") -> dict:
    """Return the published figures the model fits, for one survey year.

    Returns
    -------
    dict
        ``national`` (a fraction) and, per breakdown, ``{model category: rate}``
        for the categories INSEE publishes (fractions).
    """
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
            "output of divide.build.readers.illectronisme (survey_year, dimension, "
            f"category, indicator, rate). Found: {', '.join(map(str, df.columns))}"
        )
    df["rate"] = pd.to_numeric(df["rate"], errors="coerce")
    if (df["rate"] > 1).any():
        raise DivideError(
            "rates above 1 in the 'rate' column: rates must be fractions "
            "(15.4 % is 0.154); divide percentages by 100"
        )
    df = df[df["rate"].notna() & (df["indicator"].map(_norm) == "illectronisme")]
    years = df["survey_year"].map(_year)
    year = _year(survey_year)
    if year not in set(years):
        raise unknown("survey year", year, sorted(set(years)) or ["(none)"])
    df = df[years == year]
    out: dict = {"national": None, **{b: {} for b in BREAKDOWNS}}
    for dim, cat, rate in zip(
        df["dimension"].map(_norm), df["category"].map(_norm), df["rate"], strict=True
    ):
        if dim == "ensemble" and cat == "15 ans ou plus":
            out["national"] = float(rate)
        elif (dim, cat) in _PUBLISHED:
            b, k = _PUBLISHED[(dim, cat)]
            out[b][k] = float(rate)
    if out["national"] is None:
        raise DivideError(
            f"survey year {year} lacks the published national illectronisme rate "
            "(ensemble / 15 ans ou plus): the model is fitted to it"
        )
    if not any(out[b] for b in BREAKDOWNS):
        raise DivideError(
            f"survey year {year} has no published breakdown the model can match "
            "(age, diploma or standard of living)"
        )
    return out


# --------------------------------------------------------------------------
# Communes: validation, people 15+, cell shares
# --------------------------------------------------------------------------


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
            "a fraction); optional: young_share (15-24 among people 15+), "
            "median_income (euros per consumption unit), population_15p, dep"
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
    for col in (*INPUTS, "young_share"):
        values = (
            _number(communes, col, code, what)
            if col in communes.columns
            else pd.Series(np.nan, index=communes.index)
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
    income = (
        _number(communes, "median_income", code, what)
        if "median_income" in communes.columns
        else pd.Series(np.nan, index=communes.index)
    )
    if (income <= 0).any():
        raise DivideError(
            f"{what}: median_income must be a positive amount in euros; commune "
            f"{code[income <= 0].iloc[0]} has {income[income <= 0].iloc[0]:g}"
        )
    out["median_income"] = income
    ratio = (
        _number(communes, "income_d9_d1", code, what)
        if "income_d9_d1" in communes.columns
        else pd.Series(np.nan, index=communes.index)
    )
    if (ratio < 1).any():
        raise DivideError(
            f"{what}: income_d9_d1 (Filosofi D9/D1) must be at least 1; commune "
            f"{code[ratio < 1].iloc[0]} has {ratio[ratio < 1].iloc[0]:g}"
        )
    out["sigma"] = np.log(ratio) / (2 * Z90)
    ircom = (
        _number(communes, "ircom_low_income_share", code, what)
        if "ircom_low_income_share" in communes.columns
        else pd.Series(np.nan, index=communes.index)
    )
    if ((ircom < 0) | (ircom > 1)).any():
        raise DivideError(
            f"{what}: ircom_low_income_share must be a fraction between 0 and 1; "
            f"commune {code[(ircom < 0) | (ircom > 1)].iloc[0]} has "
            f"{ircom[(ircom < 0) | (ircom > 1)].iloc[0]:g}"
        )
    out["ircom"] = ircom
    given = (
        _number(communes, "population_15p", code, what)
        if "population_15p" in communes.columns
        else pd.Series(np.nan, index=communes.index)
    )
    wrong = given.notna() & ((given < 0) | (given > pop + 1e-9))
    if wrong.any():
        raise DivideError(
            f"{what}: population_15p is negative or larger than population "
            f"for commune {code[wrong].iloc[0]}"
        )
    out["population_15p"] = given
    out["in_field"] = ~out["code"].str.startswith(OUTSIDE_SURVEY)
    return out


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


# --------------------------------------------------------------------------
# The fit
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Estimates
# --------------------------------------------------------------------------


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
    groups: pd.Series,
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
    groups : pandas.Series
        A group label per commune, aligned on ``communes``' index; communes
        with no label count in no group.

    Returns
    -------
    pandas.DataFrame
        One row per association: ``age_diploma``, ``diploma_income``,
        ``loo_rms_logit`` (root mean square of the leave-one-out errors, logit),
        ``loo_max_points`` (largest absolute error, points), ``diploma_raised_to``
        (the "above CAP/BEP" rate the fit had to raise 3 % to, NaN if none),
        then the modelled rate (percent of people 15+) of each group.
    """
    labels = groups.reindex(communes.index)
    order = list(dict.fromkeys(labels.dropna()))
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
        for label in order:
            mask = (labels == label).to_numpy()
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


#: The overseas départements shown next to the national rate.
DROM = ("971", "972", "973", "974", "976")


def reference_table(communes: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """The MODELLED rate next to the national one, by density class and DROM.

    Parameters
    ----------
    communes : pandas.DataFrame
        The atlas's commune rows (``Atlas.level("commune")``): ``code``,
        ``density``, ``people_15p``, ``people_at_risk``, ``people_at_risk_low``,
        ``people_at_risk_high`` and MedNum's IFN 2019/20 (``ifn_weighted``,
        ``ifn_population``).
    lang : str
        ``"fr"`` or ``"en"`` (labels of the rows and columns).

    Returns
    -------
    pandas.DataFrame
        One row per group (France without Mayotte, mainland, each DROM, each
        density class): modelled rate, low and high (percent of people 15+),
        people 15+, and MedNum's IFN 2019/20 weighted by population (its own
        index, not a rate) and MedNum's IFN 2023 total score (0-10, weighted by
        population) as independent references.
    """
    lang = str(lang).strip().lower()
    if lang not in LANGS:
        raise unknown("language", lang, LANGS)
    needed = ("code", "density", "people_15p", "people_at_risk")
    missing = [c for c in needed if c not in communes.columns]
    if missing:
        raise DivideError(
            f"reference_table needs the atlas's commune rows; missing column(s) "
            f"{', '.join(missing)}: rebuild the atlas (divide build)"
        )
    code = communes["code"].astype(str)
    groups: list[tuple[str, pd.Series]] = [
        (t("il_ref_france", lang), ~code.str.startswith(OUTSIDE_SURVEY)),
        (t("il_ref_mainland", lang), ~code.str.startswith("97")),
    ]
    names = {
        "971": "Guadeloupe",
        "972": "Martinique",
        "973": "Guyane",
        "974": "La Réunion",
        "976": "Mayotte",
    }
    groups += [(names[d], code.str.startswith(d)) for d in DROM]
    for value in dict.fromkeys(v for v in DENSITY_CLASSES["density"].values() if v):
        label = t(f"type_density_{value}", lang)
        groups.append((label, communes["density"] == value))
    rows = []
    for label, mask in groups:
        sub = communes[mask.to_numpy()]
        n15 = sub["people_15p"].sum()
        ifn_pop = sub["ifn_population"].sum() if "ifn_population" in sub else 0.0
        rows.append(
            {
                t("il_ref_group", lang): label,
                t("il_ref_rate", lang): 100 * sub["people_at_risk"].sum() / n15
                if n15
                else np.nan,
                t("il_ref_low", lang): 100 * sub["people_at_risk_low"].sum() / n15
                if n15
                else np.nan,
                t("il_ref_high", lang): 100 * sub["people_at_risk_high"].sum() / n15
                if n15
                else np.nan,
                t("il_ref_people", lang): round(float(n15)),
                t("il_ref_ifn", lang): sub["ifn_weighted"].sum() / ifn_pop
                if ifn_pop
                else np.nan,
                t("il_ref_ifn2023", lang): (
                    sub["ifn2023_x_pop"].sum() / sub["pop_ifn2023"].sum()
                    if "pop_ifn2023" in sub and sub["pop_ifn2023"].sum() > 0
                    else np.nan
                ),
            }
        )
    return pd.DataFrame(rows)


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
