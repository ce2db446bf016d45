"""Tests of the open fragility index (divide.fragility)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from divide import fragility
from divide.errors import DivideError
from divide.indicators import value_column

COMPONENTS = list(fragility.DEFAULT_COMPONENTS)


def table(n: int = 10, seed: int = 1) -> pd.DataFrame:
    """France, two régions and n départements (half in each région)."""
    rng = np.random.default_rng(seed)
    rows = [{"level": "france", "code": "FR", "name": "France"}]
    rows += [
        {"level": "region", "code": code, "name": f"Région {code}"}
        for code in ("R1", "R2")
    ]
    for i in range(n):
        rows.append(
            {
                "level": "departement",
                "code": f"D{i}",
                "name": f"Dép {i}",
                "region": "R1" if i < n // 2 else "R2",
            }
        )
    frame = pd.DataFrame(rows)
    count = len(frame)
    frame["v_thd30_share"] = rng.uniform(0.1, 0.95, count)
    frame["v_dist_4g_km"] = rng.uniform(0.2, 4.0, count)
    frame["v_age65_share"] = rng.uniform(0.15, 0.35, count)
    frame["v_low_diploma_share"] = rng.uniform(0.3, 0.6, count)
    frame["v_poverty_rate"] = rng.uniform(0.08, 0.3, count)
    frame["v_illectronisme_est"] = rng.uniform(0.08, 0.25, count)
    frame["v_ifn_mednum"] = rng.uniform(80, 120, count)
    frame["v_population"] = 1000.0
    return frame


# ------------------------------------------------------------------ weights


def test_weights_are_normalised_to_sum_to_one():
    weights = fragility.normalise_weights({"thd30_share": 2, "age65_share": 6})
    assert weights == {"thd30_share": 0.25, "age65_share": 0.75}
    assert sum(fragility.normalise_weights(None).values()) == pytest.approx(1.0)
    index = fragility.compute_index(
        table(), "departement", {"thd30_share": 3, "poverty_rate": 1, "dist_4g_km": 0}
    )
    weight_cols = [c for c in index.columns if c.startswith("weight_")]
    assert index[weight_cols].sum(axis=1).to_numpy() == pytest.approx(1.0)
    assert index.attrs["components"]["thd30_share"] == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("components", "message"),
    [
        ({"thd30_share": -1, "age65_share": 2}, "negative"),
        ({"thd30_share": 0, "age65_share": 0}, "all weights are zero"),
        ({"thd30_share": float("nan")}, "finite"),
        ({"thd30_share": float("inf")}, "finite"),
        ({"thd30_share": "1"}, "must be a number"),
        ({"thd30_share": True}, "must be a number"),
        ({"thd30_shar": 1}, "Did you mean: thd30_share"),
        ({"population": 1}, "no direction"),
        ({}, "at least one component"),
    ],
)
def test_bad_weights_raise(components, message):
    with pytest.raises(DivideError, match=message):
        fragility.normalise_weights(components)
    with pytest.raises(DivideError, match=message):
        fragility.compute_index(table(), "departement", components)


def test_bad_arguments_raise():
    frame = table()
    with pytest.raises(DivideError, match="normalisation"):
        fragility.compute_index(frame, "departement", normalisation="rank")
    with pytest.raises(DivideError, match="level"):
        fragility.compute_index(frame, "canton")
    with pytest.raises(DivideError, match="one of commune"):
        fragility.compute_index(frame, "france")
    with pytest.raises(DivideError, match="R3"):
        fragility.compute_index(frame, "departement", reference="R3")
    with pytest.raises(DivideError, match="reference='france'"):
        fragility.compute_index(frame, "region", reference="R1")
    with pytest.raises(DivideError, match="v_alone_share"):
        fragility.compute_index(frame, "departement", {"alone_share": 1})
    with pytest.raises(DivideError, match="lacks the column"):
        fragility.compute_index(frame.drop(columns="level"), "departement")
    with pytest.raises(DivideError, match="DataFrame"):
        fragility.compute_index([1, 2], "departement")


# ------------------------------------------------------------------ normalisation


@pytest.mark.parametrize("method", fragility.NORMALISATIONS)
@pytest.mark.parametrize("reference", ["france", "R1"])
def test_every_normalisation_is_within_0_100(method, reference):
    index = fragility.compute_index(
        table(40), "departement", normalisation=method, reference=reference
    )
    scores = index[[f"score_{c}" for c in COMPONENTS]].to_numpy()
    for column in (scores, index[["score", "infrastructure_score", "skills_score"]]):
        values = np.asarray(column, dtype=float)
        assert np.nanmin(values) >= 0
        assert np.nanmax(values) <= 100
    assert index["score"].notna().all()


def test_scores_are_oriented_higher_is_worse():
    frame = table()
    index = fragility.compute_index(frame, "departement")
    thd = index.sort_values("value_thd30_share")
    # lower coverage (lower_worse) → higher badness
    assert thd["score_thd30_share"].is_monotonic_decreasing
    dist = index.sort_values("value_dist_4g_km")
    assert dist["score_dist_4g_km"].is_monotonic_increasing


def test_percentile_minmax_zscore_formulas():
    values = pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd"))
    pct = fragility.badness(values, values, "higher_worse", "percentile")
    assert pct.tolist() == [12.5, 37.5, 62.5, 87.5]
    low = fragility.badness(values, values, "lower_worse", "percentile")
    assert low.tolist() == [87.5, 62.5, 37.5, 12.5]
    mm = fragility.badness(values, values, "higher_worse", "minmax")
    assert mm.tolist() == pytest.approx([0, 100 / 3, 200 / 3, 100])
    z = fragility.badness(values, values, "higher_worse", "zscore")
    expected = 50 + 10 * (values - values.mean()) / values.std(ddof=0)
    assert z.tolist() == pytest.approx(expected.tolist())
    # outside the reference range: clipped to the scale
    out = fragility.badness(
        pd.Series([0.0, 10.0, 1e9]), values, "higher_worse", "minmax"
    )
    assert out.tolist() == [0, 100, 100]
    far = fragility.badness(pd.Series([1e9]), values, "higher_worse", "zscore")
    assert far.tolist() == [100]
    # a constant reference puts everyone in the middle
    flat = pd.Series([2.0, 2.0])
    assert fragility.badness(flat, flat, "higher_worse", "minmax").tolist() == [50, 50]
    assert fragility.badness(flat, flat, "higher_worse", "zscore").tolist() == [50, 50]


# ------------------------------------------------------------------ monotonicity


@pytest.mark.parametrize("method", fragility.NORMALISATIONS)
@pytest.mark.parametrize("component", COMPONENTS)
def test_making_a_territory_worse_never_lowers_its_score(method, component):
    frame = table(12, seed=3)
    before = fragility.compute_index(frame, "departement", normalisation=method)
    sign = -1 if component == "thd30_share" else 1
    worse = frame.copy()
    target = worse["code"] == "D4"
    for step in (0.01, 0.1, 1.0):
        worse.loc[target, value_column(component)] += sign * step
        after = fragility.compute_index(worse, "departement", normalisation=method)
        assert (
            after.at["D4", f"score_{component}"]
            >= before.at["D4", f"score_{component}"] - 1e-9
        )
        assert after.at["D4", "score"] >= before.at["D4", "score"] - 1e-9
        before = after


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.floats(0, 1, allow_nan=False), min_size=3, max_size=12, unique=True
    ),
    position=st.integers(0, 11),
    delta=st.floats(0.0, 5.0, allow_nan=False),
    method=st.sampled_from(fragility.NORMALISATIONS),
)
def test_monotonicity_property(values, position, delta, method):
    position %= len(values)
    series = pd.Series(values, index=[f"t{i}" for i in range(len(values))])
    worse = series.copy()
    worse.iloc[position] += delta
    before = fragility.badness(series, series, "higher_worse", method)
    after = fragility.badness(worse, worse, "higher_worse", method)
    assert after.iloc[position] >= before.iloc[position] - 1e-9
    assert 0 <= after.min() and after.max() <= 100


# ------------------------------------------------------------------ reference


def test_reference_region_scores_everyone_on_the_region_scale():
    frame = table(10)
    index = fragility.compute_index(frame, "departement", reference="R1")
    inside = index[index["in_reference"]]
    assert sorted(inside.index) == ["D0", "D1", "D2", "D3", "D4"]
    # outside the scope still gets a score, on the R1 scale
    assert index.loc[~index["in_reference"], "score"].notna().all()
    # within R1 the percentile scores are exactly (2k - 1) / 2n for ranks k
    scores = sorted(inside["score_age65_share"])
    assert scores == pytest.approx([10, 30, 50, 70, 90])
    # a value above every R1 value gets 100, below every one gets 0
    r1 = frame[frame["region"] == "R1"]["v_age65_share"]
    outside = index[~index["in_reference"]]
    top = outside["value_age65_share"] > r1.max()
    bottom = outside["value_age65_share"] < r1.min()
    assert (outside.loc[top, "score_age65_share"] == 100).all()
    assert (outside.loc[bottom, "score_age65_share"] == 0).all()


def test_reference_region_on_the_real_atlas(atlas):
    index = fragility.compute_index(atlas, "departement", reference="75")
    inside = index[index["in_reference"]]
    assert len(inside) == 12  # Nouvelle-Aquitaine's départements
    assert set(inside["region"]) == {"75"}
    assert index["score"].between(0, 100).all()
    assert "23" in inside.index


# ------------------------------------------------------------------ missing values


def test_missing_component_is_reweighted_and_flagged():
    frame = table()
    frame.loc[frame["code"] == "D2", "v_poverty_rate"] = np.nan
    index = fragility.compute_index(frame, "departement")
    row = index.loc["D2"]
    others = [c for c in COMPONENTS if c != "poverty_rate"]
    assert row["score"] == pytest.approx(np.mean([row[f"score_{c}"] for c in others]))
    assert row["components_used"] == 5
    assert row["components_missing"] == "poverty_rate"
    assert row["used_weight"] == pytest.approx(5 / 6)
    assert index.loc["D1", "components_missing"] == ""
    assert index.loc["D1", "used_weight"] == pytest.approx(1.0)


def test_territory_without_any_component_has_no_score():
    frame = table()
    frame.loc[frame["code"] == "D3", [value_column(c) for c in COMPONENTS]] = np.nan
    index = fragility.compute_index(frame, "departement")
    assert np.isnan(index.loc["D3", "score"])
    assert pd.isna(index.loc["D3", "rank"])
    assert pd.isna(index.loc["D3", "calls_for"])
    assert index.loc["D3", "components_used"] == 0


# ------------------------------------------------------------------ sub-scores, rank


def test_sub_scores_and_calls_for():
    frame = table(10)
    infra_bad = frame["code"] == "D0"
    frame.loc[infra_bad, ["v_thd30_share", "v_dist_4g_km"]] = [0.0, 50.0]
    frame.loc[infra_bad, ["v_age65_share", "v_low_diploma_share"]] = [0.0, 0.0]
    frame.loc[infra_bad, ["v_poverty_rate", "v_illectronisme_est"]] = [0.0, 0.0]
    skills_bad = frame["code"] == "D1"
    frame.loc[skills_bad, ["v_thd30_share", "v_dist_4g_km"]] = [1.0, 0.0]
    frame.loc[skills_bad, ["v_age65_share", "v_low_diploma_share"]] = [0.9, 0.9]
    frame.loc[skills_bad, ["v_poverty_rate", "v_illectronisme_est"]] = [0.9, 0.9]
    index = fragility.compute_index(frame, "departement")
    assert index.loc["D0", "calls_for"] == "deployment"
    assert index.loc["D1", "calls_for"] == "mediation"
    assert index.loc["D0", "infrastructure_score"] == pytest.approx(
        np.mean(
            [index.loc["D0", "score_thd30_share"], index.loc["D0", "score_dist_4g_km"]]
        )
    )
    wide = fragility.compute_index(frame, "departement", balance_margin=100)
    assert set(wide["calls_for"]) == {"both"}
    only_infra = fragility.compute_index(frame, "departement", {"thd30_share": 1})
    assert set(only_infra["calls_for"]) == {"deployment"}
    assert only_infra["skills_score"].isna().all()
    assert index.attrs["infrastructure"] == ["dist_4g_km", "thd30_share"]


def test_groups_do_not_overlap():
    assert not set(fragility.INFRASTRUCTURE) & set(fragility.SKILLS)


def test_rank_one_is_the_most_fragile():
    index = fragility.compute_index(table(20), "departement")
    top = index.sort_values("rank").iloc[0]
    assert top["rank"] == 1
    assert top["score"] == index["score"].max()
    assert index["rank"].max() == 20


def test_contributions_sum_to_the_score():
    frame = table()
    frame.loc[frame["code"] == "D2", "v_poverty_rate"] = np.nan
    index = fragility.compute_index(
        frame, "departement", {**fragility.DEFAULT_COMPONENTS, "thd30_share": 3}
    )
    for code in ("D1", "D2"):
        parts = fragility.contributions(index.loc[code])
        assert list(parts.index) == COMPONENTS
        assert parts["contribution"].sum() == pytest.approx(index.loc[code, "score"])
        assert parts["weight"].sum() == pytest.approx(1.0)
        assert parts["share"].sum() == pytest.approx(1.0)
    parts = fragility.contributions(index.loc["D2"])
    assert parts.loc["poverty_rate", "weight"] == 0
    assert parts.loc["thd30_share", "weight"] == pytest.approx(3 / 7)
    with pytest.raises(DivideError, match="compute_index"):
        fragility.contributions(pd.Series({"score": 1.0}))


def test_rank_change():
    frame = table(10)
    before = fragility.compute_index(frame, "departement", {"thd30_share": 1})
    after = fragility.compute_index(frame, "departement", {"age65_share": 1})
    moves = fragility.rank_change(before, after)
    assert len(moves) == 10
    row = moves.iloc[0]
    assert row["rank_change"] == row["rank_before"] - row["rank_after"]
    assert moves["rank_change"].abs().is_monotonic_decreasing
    assert moves["rank_change"].sum() == 0
    same = fragility.rank_change(before, before)
    assert (same["rank_change"] == 0).all()
    with pytest.raises(DivideError, match="compute_index"):
        fragility.rank_change(pd.DataFrame({"x": [1]}), before)


def test_correlation_with_ifn_on_a_table():
    frame = table(30)
    frame["v_ifn_mednum"] = 100 + frame["v_age65_share"] * 100
    index = fragility.compute_index(frame, "departement", {"age65_share": 1})
    result = fragility.correlation_with_ifn(index, frame, "departement")
    assert result["rho"] == pytest.approx(1.0)
    assert result["n"] == 30
    frame["v_ifn_mednum"] = np.nan
    with pytest.raises(DivideError, match="too few"):
        fragility.correlation_with_ifn(index, frame, "departement")


# ------------------------------------------------------------------ real atlas


@pytest.mark.parametrize("level", fragility.INDEX_LEVELS)
def test_same_method_at_every_level_of_the_atlas(atlas, level):
    index = fragility.compute_index(atlas, level)
    assert len(index) == len(atlas.level(level))
    assert index["score"].dropna().between(0, 100).all()
    assert index["score"].notna().mean() > 0.99
    assert set(index["calls_for"].dropna()) <= {"deployment", "mediation", "both"}
    assert index.index.dtype == object or str(index.index.dtype).startswith("str")


def test_real_atlas_creuse_is_among_the_most_fragile(atlas):
    index = fragility.compute_index(atlas, "departement")
    assert index.loc["23", "rank"] <= 5
    assert index.loc["75", "rank"] >= 90
    # Paris has THD almost everywhere: its infrastructure score is low
    communes = fragility.compute_index(atlas, "commune")
    assert communes.loc["75056", "infrastructure_score"] < 20


def test_real_atlas_correlation_with_ifn(atlas):
    index = fragility.compute_index(atlas, "commune")
    result = fragility.correlation_with_ifn(index, atlas, "commune")
    assert result["n"] > 30_000
    assert result["rho"] > 0
