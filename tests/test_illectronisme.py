"""Tests of the modelled illectronisme estimate (divide.illectronisme)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from divide import illectronisme as il
from divide.errors import DivideError
from divide.illectronisme import estimates, raking, structure

BREAKDOWNS = tuple(il.BREAKDOWNS)

# Published figures of 2021 (Insee Première n°1953), as fractions, in the shape
# of divide.build.readers.illectronisme's output.
ROWS = [
    ("2021", "ensemble", "15 ans ou plus", 0.154),
    ("2021", "age", "15-24 ans", 0.02),
    ("2021", "age", "60-74 ans", 0.24),
    ("2021", "age", "75 ans ou plus", 0.62),
    ("2021", "diplome", "bac+3 ou plus", 0.03),
    ("2021", "niveau_de_vie", "40 % des ménages les moins aisés", 0.20),
    ("2021", "niveau_de_vie", "20 % des ménages les plus aisés", 0.03),
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
            }
            for y, d, c, r in rows
        ]
    )


@pytest.fixture(scope="module")
def rates() -> pd.DataFrame:
    return make_rates()


def synthetic_france(n=2000, seed=7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    deps = [f"{i:02d}" for i in range(1, 21)]
    return pd.DataFrame(
        {
            "code": [
                f"{deps[i % 20]}{i % 1000:03d}"
                if i < 1000
                else f"{deps[i % 20]}{i % 1000:03d}".replace(
                    deps[i % 20], f"{21 + i % 20:02d}", 1
                )
                for i in range(n)
            ],
            "population": rng.integers(100, 20000, n).astype(float),
            "age65_share": rng.uniform(0.12, 0.40, n),
            "young_share": rng.uniform(0.08, 0.20, n),
            "low_diploma_share": rng.uniform(0.30, 0.65, n),
            "median_income": np.exp(rng.normal(np.log(22000), 0.15, n)),
        }
    )


def prepared_inputs(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """The model's checked inputs of ``frame``, gaps filled from ``reference``."""
    return structure._impute(
        structure._prepare(frame, "frame"), structure._prepare(reference, "reference")
    )


@pytest.fixture(scope="module")
def france() -> pd.DataFrame:
    return synthetic_france()


# ---------------------------------------------------------------- the method


def test_recovers_known_rates_on_a_synthetic_population():
    """Cell rates built from a known logistic model are recovered by raking."""
    rng = np.random.default_rng(3)
    joint = rng.uniform(0.5, 2.0, (4, 2, 3))
    a, b, c, d = (
        -2.0,
        np.array([-1.5, 0.0, 1.0, 2.2]),
        np.array([0, 1.1]),
        np.array([0.6, 0, -1.2]),
    )
    true = expit(a + b[:, None, None] + c[None, :, None] + d[None, None, :])
    w = joint / joint.sum()
    published = {"national": float(np.sum(w * true))}
    for name, axis in (("age", 0), ("diploma", 1), ("income", 2)):
        axes = tuple(x for x in range(3) if x != axis)
        r = (joint * true).sum(axis=axes) / joint.sum(axis=axes)
        published[name] = dict(zip(il.BREAKDOWNS[name], r.tolist(), strict=True))
    fitted = il.fit(joint, published, tol=1e-12, max_iter=2000)
    np.testing.assert_allclose(fitted.cells, true, atol=1e-6)


def test_margins_read_from_the_rates(rates):
    m = il.margins(rates)
    assert m["national"] == 0.154
    assert m["age"] == {"15-24": 0.02, "65-74": 0.24, "75+": 0.62}
    assert m["income"] == {"bottom 40 %": 0.20, "top 20 %": 0.03}
    with pytest.raises(DivideError, match="no published breakdown"):
        il.margins(rates, "2019")
    with pytest.raises(DivideError, match="unknown survey year"):
        il.margins(rates, "2030")
    with pytest.raises(DivideError, match="fractions"):
        il.margins(rates.assign(rate=rates["rate"] * 100))


def test_national_rate_is_the_published_one(france, rates):
    est = il.estimate(france, rates)
    national = (est["people_at_risk"].sum()) / est["people_15p"].sum()
    assert national == pytest.approx(0.154, abs=1e-6)
    assert (est["illectronisme_low"] <= est["illectronisme_est"]).all()
    assert (est["illectronisme_est"] <= est["illectronisme_high"]).all()


def test_younger_more_graduated_richer_is_lower(france, rates):
    base = france.iloc[:1].copy()
    base["code"] = "01999"
    base[["age65_share", "young_share", "low_diploma_share", "median_income"]] = [
        0.25,
        0.12,
        0.48,
        22000.0,
    ]
    variants = {
        "younger": base.assign(code="02999", age65_share=0.15),
        "graduated": base.assign(code="03999", low_diploma_share=0.35),
        "richer": base.assign(code="04999", median_income=30000.0),
    }
    subset = pd.concat([base, *variants.values()], ignore_index=True)
    est = il.estimate(subset, rates, calibrate_on=france).set_index("code")
    ref = est.loc["01999", "illectronisme_est"]
    for code in ("02999", "03999", "04999"):
        assert est.loc[code, "illectronisme_est"] < ref, code


def test_people_15p_follow_the_communes_youth(france, rates):
    young = france.iloc[:2].assign(
        code=["97301", "05001"], young_share=[0.25, 0.10], population=[1000.0, 1000.0]
    )
    est = il.estimate(young, rates, calibrate_on=france).set_index("code")
    assert est.loc["97301", "people_15p"] < est.loc["05001", "people_15p"]
    given = young.assign(population_15p=[600.0, 900.0])
    est = il.estimate(given, rates, calibrate_on=france)
    assert est["people_15p"].tolist() == [600.0, 900.0]


def test_income_fallback_is_flagged(france, rates):
    secret = france.copy()
    secret.loc[:9, "median_income"] = np.nan
    est = il.estimate(secret, rates)
    flagged = est["illectronisme_imputed_inputs"].str.contains("median_income")
    assert flagged.sum() == 10 and flagged[:10].all()


def test_income_from_ircom_where_filosofi_has_none(rates):
    """The IRCOM → median relation is fitted per zone and its fill flagged."""
    france = synthetic_france()
    rng = np.random.default_rng(11)
    share = rng.uniform(0.2, 0.6, len(france))
    france["ircom_low_income_share"] = share
    # overseas communes whose log median follows a known line of the IRCOM share
    dom = pd.DataFrame(
        {
            "code": [f"97{2 + i % 2}{i:02d}" for i in range(30)],
            "population": 5000.0,
            "age65_share": 0.2,
            "young_share": 0.14,
            "low_diploma_share": 0.6,
            "ircom_low_income_share": np.linspace(0.35, 0.6, 30),
        }
    )
    dom["median_income"] = np.exp(10.6 - 1.7 * dom["ircom_low_income_share"])
    hidden = dom.index < 5
    truth = dom.loc[hidden, "median_income"].to_numpy()
    dom.loc[hidden, "median_income"] = np.nan
    everything = pd.concat([france, dom], ignore_index=True)
    prepared = prepared_inputs(everything, everything)
    got = prepared.loc[len(france) + np.flatnonzero(hidden), "median_income"]
    np.testing.assert_allclose(got.to_numpy(), truth, rtol=1e-6)
    flags = prepared.loc[len(france) + np.flatnonzero(hidden), "imputed_inputs"]
    assert (flags == "median_income_ircom").all()
    a, b, n, _ = prepared.attrs["ircom_relation"]["overseas"]
    assert (a, b, n) == (pytest.approx(10.6), pytest.approx(-1.7), 25)
    # a commune with neither takes its département's mean of log income
    none = everything.assign(ircom_low_income_share=np.nan)
    none.loc[len(france), "median_income"] = np.nan
    est = il.estimate(none, rates)
    assert est.loc[len(france), "illectronisme_imputed_inputs"] == "median_income"


def test_own_income_dispersion(france, rates):
    """A wider income spread moves people out of the middle band, both ways."""
    base = france.iloc[:2].assign(
        code=["01998", "01999"], median_income=27000.0, income_d9_d1=[2.5, 4.5]
    )
    prepared = prepared_inputs(base, france)
    cuts = structure._income_cuts(prepared_inputs(france, france))
    income = il.commune_cells(prepared, cuts).sum(axis=(1, 2))
    assert income[1, 1] < income[0, 1]
    assert income[1, 0] > income[0, 0] and income[1, 2] > income[0, 2]
    from statistics import NormalDist

    sigma = np.log(4.5) / (2 * NormalDist().inv_cdf(0.9))
    low = NormalDist(np.log(27000.0), sigma).cdf(cuts[0])
    assert income[1, 0] == pytest.approx(low, rel=1e-5)
    with pytest.raises(DivideError, match="at least 1"):
        il.estimate(france.assign(income_d9_d1=0.5), rates)


def test_a_lower_bound_is_raised_only_as_far_as_needed(france, rates, monkeypatch):
    """bac+3's 3 % bounds the class above CAP/BEP from below: raised if need be."""
    m = estimates._build(france, rates, "2021", None)
    central = m.central
    published = il.margins(rates)
    fitted = {b: raking._margin_rates(m.joint, central.cells, b) for b in BREAKDOWNS}
    for b, cats in published.items():
        if b == "national":
            continue
        for k, v in cats.items():
            if (b, k) in il.AT_LEAST:
                assert fitted[b][k] >= v - 1e-9
            else:
                assert fitted[b][k] == pytest.approx(v, abs=il.FIT_TOL)
    # independent age, diploma and income within communes: 3 % cannot be met
    value = central.extra["raised"]["diploma: above CAP/BEP"]
    assert value > 0.03
    below = {**published, "diploma": {"above CAP/BEP": value - 0.002}}
    with monkeypatch.context() as patch:
        patch.setattr(raking, "AT_LEAST", ())  # no raising: the plain misfit
        assert il.fit(m.joint, below).extra["misfit"] > il.FIT_TOL
    # without the age breakdown the published 3 % can be met: left as it is
    no_age = il.fit(m.joint, published, breakdowns=("diploma", "income"))
    assert no_age.extra["raised"] == {}
    assert raking._margin_rates(m.joint, no_age.cells, "diploma")[
        "above CAP/BEP"
    ] == pytest.approx(0.03, abs=il.FIT_TOL)


def test_leave_one_out_is_computed(france, rates):
    report = il.calibration_report(france, rates)
    loo = pd.DataFrame(report["leave_one_out"])
    assert set(loo["breakdown"]) == {"age", "diploma", "income"}
    published = il.margins(rates)
    for row in loo.itertuples():
        assert row.published == published[row.breakdown][row.category]
        assert row.error_points == pytest.approx(
            100 * (row.predicted - row.published), abs=1e-3
        )
    assert report["loo_covered"] is True
    print(loo)


def test_assumed_links_keep_each_communes_own_shares(france):
    """An association moves people between cells, never between communes' margins."""
    prepared = prepared_inputs(france, france)
    cuts = structure._income_cuts(prepared)
    alone = il.commune_cells(prepared, cuts)
    linked = il.commune_cells(prepared, cuts, il.Association(1.5, 1.0))
    for axes in ((2, 3), (1, 3), (1, 2)):  # age, diploma, income shares
        np.testing.assert_allclose(
            linked.sum(axis=axes), alone.sum(axis=axes), atol=1e-9
        )
    assert not np.allclose(linked, alone)
    # older people less graduated: more of the 75+ at most CAP/BEP than the 15-24
    low_given_age = linked[:, :, 1, :].sum(axis=2) / linked.sum(axis=(2, 3))
    assert (low_given_age[:, 3] > low_given_age[:, 0]).all()
    # at most CAP/BEP poorer: a larger bottom-40 % share than above CAP/BEP
    bottom_given_dip = linked[:, :, :, 0].sum(axis=1) / linked.sum(axis=(1, 3))
    assert (bottom_given_dip[:, 1] > bottom_given_dip[:, 0]).all()
    np.testing.assert_array_equal(
        il.commune_cells(prepared, cuts, il.Association()), alone
    )


def test_sensitivity_reports_the_error_of_each_link(france, rates):
    groups = pd.Series(np.where(france.index % 2, "odd", "even"), index=france.index)
    links = [il.Association(), il.Association(1.0, 0.0)]
    table = il.sensitivity(france, rates, links, groups)
    assert table["age_diploma"].tolist() == [0.0, 1.0]
    central = il.calibration_report(france, rates)["leave_one_out"]
    errors = np.array([r["error_logit"] for r in central])
    assert table.loc[0, "loo_rms_logit"] == pytest.approx(np.sqrt(np.mean(errors**2)))
    est = il.estimate(france, rates)
    even = est[groups == "even"]
    assert table.loc[0, "even"] == pytest.approx(
        100 * even["people_at_risk"].sum() / even["people_15p"].sum()
    )
    halves = pd.Series(np.where(france.index < 1000, "first", "second"), france.index)
    both = il.sensitivity(
        france, rates, links, pd.DataFrame({"parity": groups, "half": halves})
    )
    assert both["even"].tolist() == table["even"].tolist()
    assert {"odd", "first", "second"} <= set(both.columns)
    print(table)


def test_outside_field_and_errors(france, rates):
    est = il.estimate(
        france.iloc[:3].assign(code=["97601", "97602", "01001"]),
        rates,
        calibrate_on=france,
    )
    assert est["illectronisme_in_survey_field"].tolist() == [False, False, True]
    with pytest.raises(DivideError, match="5-character"):
        il.estimate(france.assign(code="1001"), rates)
    with pytest.raises(DivideError, match="percentages"):
        il.estimate(france.assign(age65_share=25.0), rates)
    with pytest.raises(DivideError, match="median_income must be a positive"):
        il.estimate(france.assign(median_income=-1.0), rates)
    with pytest.raises(DivideError, match="calibrate_on"):
        il.estimate(france.iloc[:2].assign(code=["97601", "97602"]), rates)


def test_aggregate_sums_people(france, rates):
    est = il.estimate(france, rates)
    dep = france["code"].str[:2]
    agg = il.aggregate(est, dep)
    one = est[dep == "01"]
    assert agg.loc["01", "illectronisme_est"] == pytest.approx(
        one["people_at_risk"].sum() / one["people_15p"].sum()
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_method_summary(lang):
    text = il.method_summary(lang)
    assert text.startswith("# ")
    assert ("modelled" if lang == "en" else "modélisé") in text
    for word in ("logit", "Filosofi", "Mayotte", "IFN"):
        assert word in text


def test_method_summary_unknown_language():
    with pytest.raises(DivideError, match="unknown language 'de'"):
        il.method_summary("de")


# ---------------------------------------------------------------- real data

FIGURES = "insee_tic_menages_illectronisme_published_figures.csv"
FILOSOFI = "insee_filosofi_2021_cc_filosofi_2021_COM.csv"


@pytest.mark.realdata
def test_income_sigma_from_the_raw_file(raw_dir):
    f = pd.read_csv(raw_dir / "poverty" / FILOSOFI, sep=";", dtype=str)
    rd = pd.to_numeric(f["RD21"].str.replace(",", "."), errors="coerce")
    people = pd.to_numeric(f["NBPERSMENFISC21"], errors="coerce")
    ok = rd.notna() & people.notna() & ~f["CODGEO"].isin(["75056", "69123", "13055"])
    ratio = np.exp(np.average(np.log(rd[ok]), weights=people[ok]))
    assert il.INCOME_SIGMA == pytest.approx(np.log(ratio) / (2 * 1.2815516), rel=1e-4)


@pytest.mark.realdata
def test_atlas_national_rate_is_the_published_one(raw_dir):
    raw = pd.read_csv(raw_dir / "illectronisme" / FIGURES, dtype=str)
    pick = raw[
        (raw.survey_year == "2021")
        & (raw.dimension == "ensemble")
        & (raw.category == "15 ans ou plus")
        & (raw.indicator == "illectronisme")
    ]
    published = float(pick["value_pct"].iloc[0]) / 100
    t = pd.read_parquet("data/atlas/territories.parquet")
    c = t[(t.level == "commune") & ~t.code.str.startswith(("975", "976", "977", "978"))]
    assert c.people_at_risk.sum() / c.people_15p.sum() == pytest.approx(
        published, abs=1e-6
    )


@pytest.mark.realdata
def test_atlas_fit_meets_the_published_margins(raw_dir):
    """Every 2021 figure the model uses is met; the bac+3 bound is at least met."""
    import json

    raw = pd.read_csv(raw_dir / "illectronisme" / FIGURES, dtype=str)
    raw = raw[(raw.survey_year == "2021") & (raw.indicator == "illectronisme")]
    pct = raw.set_index(["dimension", "category"])["value_pct"].astype(float) / 100
    quality = json.loads(Path("data/atlas/quality.json").read_text(encoding="utf-8"))
    fitted = quality["illectronisme_model"]["fitted_margins"]
    assert fitted["age"]["15-24"] == pytest.approx(pct["age", "15-24 ans"], abs=5e-5)
    assert fitted["age"]["75+"] == pytest.approx(pct["age", "75 ans ou plus"], abs=5e-5)
    assert fitted["income"]["top 20 %"] == pytest.approx(
        pct["niveau_de_vie", "20 % des ménages les plus aisés"], abs=5e-5
    )
    assert fitted["diploma"]["above CAP/BEP"] >= pct["diplome", "bac+3 ou plus"]
    print(quality["illectronisme_model"]["raised_to_fit"])


# ---------------------------------------------------------------- the panel


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_access_page_method_panel(lang):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from divide.atlas import Atlas
    from divide.i18n import t

    root = Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(root / "app.py"), default_timeout=90)
    at.query_params = {"lang": lang, "level": "departement", "code": "23"}
    at.run()
    at.switch_page("pages/access.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [e.label for e in at.expander]
    assert t("access_method", lang) in labels
    texts = " ".join(m.value for m in at.markdown)
    assert t("il_ref_title", lang) in texts
    assert t("il_ref_caption", lang) in [c.value for c in at.caption]
    frame = next(
        d.value for d in at.dataframe if t("il_ref_rate", lang) in d.value.columns
    )
    # the national row is recomputed here from the atlas's commune rows
    c = Atlas.load(root / "data" / "atlas").level("commune")
    c = c[~c["code"].str.startswith(("975", "976", "977", "978"))]
    expected = 100 * c["people_at_risk"].sum() / c["people_15p"].sum()
    assert frame[t("il_ref_rate", lang)].iloc[0] == pytest.approx(expected, abs=0.05)
    assert len(frame) == 2 + 5 + 7
