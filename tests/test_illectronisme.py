"""Tests of the modelled illectronisme estimate (divide.illectronisme)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from divide import illectronisme as il
from divide.errors import DivideError

# Published figures (Insee Première n°1953 for 2021; Insee Références 2019 for
# 2017), as fractions, in the shape of divide.readers.illectronisme's output.
ROWS = [
    ("2021", "ensemble", "15 ans ou plus", 0.154),
    ("2021", "age", "15-24 ans", 0.02),
    ("2021", "age", "60-74 ans", 0.24),
    ("2021", "age", "75 ans ou plus", 0.62),
    ("2021", "diplome", "au mieux certificat d'études primaires", 0.42),
    ("2021", "diplome", "bac+3 ou plus", 0.03),
    ("2017", "ensemble", "15 ans ou plus", 0.19),
    ("2017", "age", "60-74 ans", 0.35),
    ("2017", "age", "75 ans ou plus", 0.71),
    ("2017", "diplome", "sans diplôme ou CEP", 0.49),
    ("2017", "diplome", "diplômés du supérieur", 0.03),
    ("2019", "ensemble", "15 ans ou plus", 0.17),
]


def make_rates(rows=ROWS) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "survey_year": y,
                "dimension": d,
                "category": c,
                "indicator": "illectronisme",
                "rate": r,
                "qualifier": None,
            }
            for y, d, c, r in rows
        ]
    )


@pytest.fixture(scope="module")
def rates() -> pd.DataFrame:
    return make_rates()


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    """A synthetic 'France': 3,000 communes in 30 départements, plus Mayotte."""
    rng = np.random.default_rng(42)
    n = 3000
    deps = [f"{i:02d}" for i in range(1, 31)]
    dep = rng.choice(deps, n)
    rank = pd.Series(dep).groupby(dep).cumcount() + 1
    codes = [f"{d}{i:03d}" for d, i in zip(dep, rank, strict=True)]
    frame = pd.DataFrame(
        {
            "code": codes,
            "population": rng.lognormal(6.5, 1.3, n).round(),
            "age65_share": rng.beta(5, 15, n),
            "low_diploma_share": rng.beta(10, 10, n),
            "poverty_rate": np.where(
                rng.random(n) < 0.1, rng.uniform(0, 0.3, n), np.nan
            ),
        }
    )
    mayotte = pd.DataFrame(
        {
            "code": ["97601", "97602"],
            "population": [5000.0, 14000.0],
            "age65_share": [0.05, 0.04],
            "low_diploma_share": [0.8, 0.75],
            "poverty_rate": [np.nan, np.nan],
        }
    )
    return pd.concat([frame, mayotte], ignore_index=True)


# ---------------------------------------------------------------- stratum rates


def test_stratum_rates_by_hand(rates):
    sr = il.stratum_rates(rates, "2021")
    f75 = 0.095 / 0.207
    s65 = 0.207 / 0.823
    assert sr.age_65p == pytest.approx((1 - f75) * 0.24 + f75 * 0.62)
    assert sr.age_65p == pytest.approx(0.4144, abs=1e-4)
    assert sr.age_15_64 == pytest.approx((0.154 - s65 * sr.age_65p) / (1 - s65))
    assert sr.age_15_64 == pytest.approx(0.0665, abs=1e-4)
    assert sr.other_diploma == pytest.approx(0.03)
    assert sr.low_diploma == pytest.approx((0.154 - 0.516 * 0.03) / 0.484)
    # the strata average back to the national rate
    assert s65 * sr.age_65p + (1 - s65) * sr.age_15_64 == pytest.approx(0.154)
    low = il.LOW_DIPLOMA_NATIONAL
    assert low * sr.low_diploma + (1 - low) * sr.other_diploma == pytest.approx(0.154)
    cells = sr.cells()
    odds = (sr.age_65p / (1 - sr.age_65p)) * (sr.low_diploma / (1 - sr.low_diploma))
    odds /= 0.154 / 0.846
    assert cells[1, 1] == pytest.approx(odds / (1 + odds))
    assert cells[1, 1] == pytest.approx(0.609, abs=1e-3)
    assert cells[0, 0] == pytest.approx(0.012, abs=1e-3)
    assert (np.diff(cells, axis=0) > 0).all() and (np.diff(cells, axis=1) > 0).all()


def test_percent_column_accepted(rates):
    raw = rates.drop(columns="rate").assign(value_pct=rates["rate"] * 100)
    assert il.stratum_rates(raw, 2021) == il.stratum_rates(rates, "2021")


def test_year_without_breakdowns_is_refused(rates):
    with pytest.raises(DivideError, match=r"2019 lacks .*60-74.*2017, 2021"):
        il.stratum_rates(rates, "2019")


def test_unknown_year_lists_valid_ones(rates):
    with pytest.raises(DivideError, match=r"unknown survey year '2020'.*2021"):
        il.stratum_rates(rates, "2020")


def test_rates_in_percent_are_refused(rates):
    with pytest.raises(DivideError, match="fractions"):
        il.stratum_rates(rates.assign(rate=rates["rate"] * 100))


def test_rates_missing_columns():
    with pytest.raises(DivideError, match="lacks column"):
        il.stratum_rates(pd.DataFrame({"survey_year": ["2021"]}))


def test_conflicting_duplicate_figures(rates):
    extra = make_rates([("2021", "age", "60-74 ans", 0.30)])
    with pytest.raises(DivideError, match="different values"):
        il.stratum_rates(pd.concat([rates, extra]), "2021")


# ---------------------------------------------------------------- calibration


def test_calibration_reproduces_national_rate(national, rates):
    est = il.estimate(national, rates)
    field = est["illectronisme_in_survey_field"]
    total = est.loc[field, "people_at_risk"].sum() / est.loc[field, "people_15p"].sum()
    assert total == pytest.approx(0.154, abs=1e-12)
    report = il.calibration_report(national, rates)
    assert report["rate_after"] == pytest.approx(0.154, abs=1e-12)
    assert report["target"] == 0.154
    assert report["factor"] == pytest.approx(0.154 / report["rate_before"])
    assert report["communes"] == 3000
    assert report["communes_outside_field"] == 2
    assert set(report["variant_factors"]) == {"2021 age only", "2017 structure"}
    json.dumps(report)  # plain types only


def test_mayotte_is_outside_the_field(national, rates):
    est = il.estimate(national, rates)
    may = est["code"].str.startswith("976")
    assert not est.loc[may, "illectronisme_in_survey_field"].any()
    assert est.loc[~may, "illectronisme_in_survey_field"].all()
    assert est.loc[may, "illectronisme_est"].notna().all()


def test_hand_computed_case(rates):
    # Two communes make the whole country; cells from the published 2021 figures.
    communes = pd.DataFrame(
        {
            "code": ["01001", "01002"],
            "population": [1000.0, 3000.0],
            "population_15p": [800.0, 2500.0],
            "age65_share": [0.2, 0.5],
            "low_diploma_share": [0.4, 0.7],
        }
    )

    def odds(p):
        return p / (1 - p)

    p65 = 0.541063 * 0.24 + 0.458937 * 0.62  # 0.414396
    p1564 = (0.154 - 0.251519 * p65) / 0.748481  # 0.066497
    plow = (0.154 - 0.516 * 0.03) / 0.484  # 0.286198
    nat = odds(0.154)
    cell = {}
    for a, pa in ((0, p1564), (1, p65)):
        for d, pd_ in ((0, 0.03), (1, plow)):
            o = odds(pa) * odds(pd_) / nat
            cell[a, d] = o / (1 + o)

    def raw(s, low):
        return (
            (1 - s) * (1 - low) * cell[0, 0]
            + (1 - s) * low * cell[0, 1]
            + s * (1 - low) * cell[1, 0]
            + s * low * cell[1, 1]
        )

    m1, m2 = raw(0.2, 0.4), raw(0.5, 0.7)
    k = 0.154 / ((800 * m1 + 2500 * m2) / 3300)
    est = il.estimate(communes, make_rates(ROWS[:6]))
    assert est["illectronisme_est"].tolist() == pytest.approx(
        [k * m1, k * m2], rel=1e-5
    )
    assert est["people_at_risk"].tolist() == pytest.approx(
        [800 * k * m1, 2500 * k * m2], rel=1e-5
    )
    assert est["people_15p"].tolist() == [800.0, 2500.0]
    report = il.calibration_report(communes, make_rates(ROWS[:6]))
    assert report["factor"] == pytest.approx(k, rel=1e-5)


def test_people_15p_default_share(rates):
    communes = pd.DataFrame(
        {
            "code": ["01001"],
            "population": [1000.0],
            "age65_share": [0.25],
            "low_diploma_share": [0.5],
        }
    )
    est = il.estimate(communes, rates)
    assert est["people_15p"].iloc[0] == pytest.approx(823.0)
    assert est["illectronisme_est"].iloc[0] == pytest.approx(0.154)


# ---------------------------------------------------------------- properties


def test_monotone_in_age_and_diploma(national, rates):
    grid = np.linspace(0.0, 1.0, 11)
    by_age = pd.DataFrame(
        {
            "code": [f"99{i:03d}" for i in range(11)],
            "population": 1000.0,
            "age65_share": grid,
            "low_diploma_share": 0.5,
        }
    )
    by_dip = by_age.assign(age65_share=0.25, low_diploma_share=grid)
    for frame in (by_age, by_dip):
        est = il.estimate(frame, rates, calibrate_on=national)["illectronisme_est"]
        assert (np.diff(est.to_numpy()) > 0).all()


def test_bounds_and_range(national, rates):
    est = il.estimate(national, rates)
    pop = national["population"]
    assert (est["people_at_risk"] <= est["people_15p"] + 1e-9).all()
    assert (est["people_15p"] <= pop + 1e-9).all()
    assert (est["illectronisme_low"] <= est["illectronisme_est"] + 1e-12).all()
    assert (est["illectronisme_est"] <= est["illectronisme_high"] + 1e-12).all()
    assert est[["illectronisme_low", "illectronisme_high"]].stack().between(0, 1).all()
    assert (est["illectronisme_high"] - est["illectronisme_low"]).max() > 0.01
    assert est.index.equals(national.index)


def test_range_without_other_years(national, rates):
    only_2021 = make_rates(ROWS[:6])
    est = il.estimate(national, only_2021)
    assert (est["illectronisme_low"] <= est["illectronisme_est"] + 1e-12).all()
    report = il.calibration_report(national, only_2021)
    assert list(report["variant_factors"]) == ["2021 age only"]


def test_poverty_rate_is_not_used(national, rates):
    with_pov = il.estimate(national, rates)
    without = il.estimate(national.drop(columns="poverty_rate"), rates)
    pd.testing.assert_frame_equal(with_pov, without)


def test_imputation_with_departement_mean(rates):
    communes = pd.DataFrame(
        {
            "code": ["01001", "01002", "01003", "02001", "02002", "03001"],
            "population": [1000.0, 3000.0, 500.0, 2000.0, 800.0, 100.0],
            "age65_share": [0.2, 0.3, np.nan, 0.25, np.nan, np.nan],
            "low_diploma_share": [0.4, 0.6, 0.5, 0.45, np.nan, 0.5],
        }
    )
    est = il.estimate(communes, rates).set_index("code")
    assert est["illectronisme_imputed"].tolist() == [
        False,
        False,
        True,
        False,
        True,
        True,
    ]
    assert est.loc["01003", "illectronisme_imputed_inputs"] == "age65_share"
    assert (
        est.loc["02002", "illectronisme_imputed_inputs"]
        == "age65_share;low_diploma_share"
    )
    # 01003 takes dep 01's weighted mean (0.2*1000 + 0.3*3000) / 4000 = 0.275
    twin = communes.copy()
    twin.loc[2, "age65_share"] = 0.275
    # dep 02 has one known age (0.25) and diploma (0.45); dep 03 none: national
    twin.loc[4, ["age65_share", "low_diploma_share"]] = [0.25, 0.45]
    nat_age = (0.2 * 1000 + 0.3 * 3000 + 0.25 * 2000) / 6000
    twin.loc[5, "age65_share"] = nat_age
    ref = il.estimate(twin, rates).set_index("code")
    assert est["illectronisme_est"].to_numpy() == pytest.approx(
        ref["illectronisme_est"].to_numpy()
    )
    # the range of an imputed commune is wider than its twin's
    width = est["illectronisme_high"] - est["illectronisme_low"]
    ref_width = ref["illectronisme_high"] - ref["illectronisme_low"]
    assert width["01003"] > ref_width["01003"]


def test_share_missing_everywhere(rates):
    communes = pd.DataFrame(
        {
            "code": ["01001"],
            "population": [10.0],
            "age65_share": [np.nan],
            "low_diploma_share": [0.3],
        }
    )
    with pytest.raises(DivideError, match="age65_share is missing for every"):
        il.estimate(communes, rates)


def test_subset_with_national_calibration(national, rates):
    full = il.estimate(national, rates)
    subset = national[national["code"].str.startswith("05")]
    part = il.estimate(subset, rates, calibrate_on=national)
    pd.testing.assert_frame_equal(part, full.loc[subset.index])


def test_aggregate_sums_people(national, rates):
    est = il.estimate(national, rates)
    dep = est["code"].str[:2]
    agg = il.aggregate(est, dep)
    d01 = est[dep == "01"]
    expected = d01["people_at_risk"].sum() / d01["people_15p"].sum()
    assert agg.loc["01", "illectronisme_est"] == pytest.approx(expected)
    assert agg.loc["01", "illectronisme_est"] != pytest.approx(
        d01["illectronisme_est"].mean(), abs=1e-6
    )
    assert agg["people_at_risk"].sum() == pytest.approx(est["people_at_risk"].sum())
    assert (agg["illectronisme_low"] <= agg["illectronisme_est"] + 1e-12).all()
    assert (agg["illectronisme_est"] <= agg["illectronisme_high"] + 1e-12).all()


# ---------------------------------------------------------------- bad input


def base_frame():
    return pd.DataFrame(
        {
            "code": ["01001", "01002"],
            "population": [100.0, 200.0],
            "age65_share": [0.2, 0.3],
            "low_diploma_share": [0.4, 0.5],
        }
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="age65_share"), "lacks column.*age65_share"),
        (lambda f: f.assign(age65_share=[20.0, 30.0]), "divide by 100"),
        (lambda f: f.assign(low_diploma_share=[-0.1, 0.2]), "negative"),
        (lambda f: f.assign(code=[1001, 1002]), "dtype=str"),
        (lambda f: f.assign(code=["01001", "01001"]), "more than once"),
        (lambda f: f.assign(population=[np.nan, 1.0]), "population is missing"),
        (lambda f: f.assign(population_15p=[150.0, 1.0]), "larger than population"),
        (lambda f: f.assign(age65_share=["x", 0.2]), "not a number"),
        (lambda f: f.iloc[0:0], "empty"),
    ],
)
def test_bad_commune_input(rates, change, message):
    with pytest.raises(DivideError, match=message):
        il.estimate(change(base_frame()), rates)


def test_not_a_frame(rates):
    with pytest.raises(DivideError, match="table"):
        il.estimate([1, 2], rates)


def test_calibration_needs_the_field(rates):
    mayotte_only = base_frame().assign(code=["97601", "97602"])
    with pytest.raises(DivideError, match="calibrate_on"):
        il.estimate(mayotte_only, rates)


# ---------------------------------------------------------------- method text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_method_summary_quotes_the_model(rates, lang):
    text = il.method_summary(lang)
    assert text.startswith("# ")
    sr = il.stratum_rates(rates, "2021")
    cells = sr.cells()

    def pct(x, digits=1):
        s = f"{100 * x:.{digits}f} %"
        return s.replace(".", ",") if lang == "fr" else s

    for value in (
        sr.national,
        sr.age_65p,
        sr.age_15_64,
        sr.low_diploma,
        *cells.ravel(),
    ):
        assert pct(value) in text, pct(value)
    assert pct(il.SHARE_15P) in text
    assert pct(il.LOW_DIPLOMA_NATIONAL) in text
    assert ("modelled" if lang == "en" else "modélisé") in text
    assert "Mayotte" in text


def test_method_summary_unknown_language():
    with pytest.raises(DivideError, match="unknown language 'de'"):
        il.method_summary("de")


# ---------------------------------------------------------------- real data

FIGURES = "insee_tic_menages_illectronisme_published_figures.csv"
CENSUS = "DERIVED_batch8_data_scol_menage_demandeurEmplois_RP2017.csv"


@pytest.mark.realdata
def test_real_published_figures(raw_dir):
    path = raw_dir / "illectronisme" / FIGURES
    try:
        from divide.readers.illectronisme import read_illectronisme_rates

        rates = read_illectronisme_rates(path)
    except ImportError:
        rates = pd.read_csv(path, dtype=str)
    sr = il.stratum_rates(rates, "2021")
    assert sr.national == pytest.approx(0.154)
    assert sr.published["age_75p"] == pytest.approx(0.62)
    assert sr.published["diploma_lowest"] > sr.low_diploma
    assert il.stratum_rates(rates, "2017").national == pytest.approx(0.19)
    with pytest.raises(DivideError, match="2017, 2021"):
        il.stratum_rates(rates, "2019")


@pytest.mark.realdata
def test_real_communes(raw_dir):
    census = pd.read_csv(
        raw_dir / "sociodemo" / CENSUS,
        dtype={"CODE_INSEE": str},
    )
    census = census.dropna(subset=["TX_NSCOL15P", "TX_65ETPLUS"], how="all")
    census = census.drop_duplicates("CODE_INSEE")
    with open(
        raw_dir / "population" / "etalab_decoupage-administratif_6.0.0_communes.json",
        encoding="utf-8",
    ) as fh:
        cog = pd.DataFrame(json.load(fh))
    cog = cog[cog["type"] == "commune-actuelle"][["code", "population"]]
    merged = cog.merge(census, left_on="code", right_on="CODE_INSEE", how="left")
    communes = pd.DataFrame(
        {
            "code": merged["code"],
            "population": merged["population"].fillna(0.0),
            "age65_share": merged["TX_65ETPLUS"] / 100,
            "low_diploma_share": merged["TX_NSCOL15P"] / 100,
        }
    )
    rates = pd.read_csv(raw_dir / "illectronisme" / FIGURES, dtype=str)
    est = il.estimate(communes, rates)
    report = il.calibration_report(communes, rates)
    assert report["rate_after"] == pytest.approx(0.154, abs=1e-12)
    assert 0.8 < report["factor"] < 1.3
    assert est["illectronisme_est"].between(0, 1).all()
    code = est["code"]
    dep = il.aggregate(
        est, code.str[:2].where(~code.str.startswith("97"), code.str[:3])
    )
    # an old, rural département is above a young, highly qualified one
    assert dep.loc["23", "illectronisme_est"] > dep.loc["92", "illectronisme_est"]
    assert not math.isnan(dep.loc["974", "illectronisme_est"])
