"""Tests of the modelled illectronisme estimate (divide.illectronisme)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from divide import illectronisme as il
from divide.errors import DivideError

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
