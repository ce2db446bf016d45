"""Tests of supply against need (divide.distance): distances, coverage, placement."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from divide import distance as ac
from divide.errors import DivideError

TO_LONLAT = {
    epsg: Transformer.from_crs(epsg, 4326, always_xy=True)
    for epsg in (2154, 2975, 5490)
}


def from_metric(xs, ys, *, epsg=2154, dep="45", **columns) -> pd.DataFrame:
    """Points given in metres (a projected CRS), returned as lon/lat rows."""
    lon, lat = TO_LONLAT[epsg].transform(np.asarray(xs, float), np.asarray(ys, float))
    frame = pd.DataFrame({"lon": lon, "lat": lat})
    if dep is not None:
        frame["dep"] = dep
    for name, values in columns.items():
        frame[name] = values
    return frame


X0, Y0 = 650_000.0, 6_700_000.0  # Lambert-93, around Orléans


# ---------------------------------------------------------------- projection


def test_lambert93_round_trip_under_a_millimetre():
    xs = X0 + np.arange(0, 200_001, 10_000)
    pts = from_metric(xs, np.full(xs.size, Y0))
    x, y = ac.to_metric(pts["lon"], pts["lat"], pts["dep"])
    assert np.abs(x - xs).max() < 1e-3
    assert np.abs(y - Y0).max() < 1e-3


def test_crs_per_territory():
    lon = [2.35, 9.15, -61.55, -61.0, -52.33, 55.45, 45.17, -56.18]
    lat = [48.85, 41.93, 16.25, 14.6, 4.93, -21.0, -12.78, 46.78]
    dep = ["75", "2A", "971", "972", "973", "974", "976", "975"]
    x, y = ac.to_metric(lon, lat, dep)
    for i, epsg in enumerate((2154, 2154, 5490, 5490, 2972, 2975, 4471, 4467)):
        tx, ty = Transformer.from_crs(4326, epsg, always_xy=True).transform(
            lon[i], lat[i]
        )
        assert x[i] == pytest.approx(tx, abs=1e-6)
        assert y[i] == pytest.approx(ty, abs=1e-6)


def test_territory_from_boxes_when_no_departement():
    lon = [2.35, 55.45, -61.55, -61.0, -62.83, -63.05, 0.0, np.nan]
    lat = [48.85, -21.0, 16.25, 14.6, 17.9, 18.07, 0.0, 45.0]
    terr = ac.territory_of(lon, lat)
    assert terr.tolist() == ["metro", "974", "971", "972", "977", "978", "", ""]
    # a known département wins over the boxes; an unknown one falls back to them
    assert ac.territory_of([2.35, 2.35], [48.85, 48.85], ["974", "99"]).tolist() == [
        "974",
        "metro",
    ]
    x, _ = ac.to_metric([0.0], [0.0])
    assert np.isnan(x[0])


# ---------------------------------------------------------------- distances


def test_nearest_distances_on_a_line():
    # points every 7 km along a line; sites at 0 km and 100 km
    offsets = np.arange(0, 101, 7) * 1000.0
    points = from_metric(X0 + offsets, np.full(offsets.size, Y0))
    sites = from_metric([X0, X0 + 100_000.0], [Y0, Y0], dep=None)
    got = ac.nearest_distance_km(points, sites).to_numpy()
    expected = np.minimum(offsets, 100_000.0 - offsets) / 1000.0
    assert np.abs(got - expected).max() * 1000 < 1.0  # under 1 m
    nearest = ac.nearest_sites(points, sites)
    assert nearest["site"].tolist() == [0 if o < 50_000 else 1 for o in offsets]


def test_diagonal_distance():
    points = from_metric([X0 + 3000.0], [Y0 + 4000.0])
    sites = from_metric([X0], [Y0])
    assert ac.nearest_distance_km(points, sites).iloc[0] == pytest.approx(5.0, abs=1e-3)


def test_territories_never_mix():
    reunion = from_metric([340_000.0], [7_660_000.0], epsg=2975, dep="974")
    mainland_site = from_metric([X0], [Y0], dep=None)
    assert np.isnan(ac.nearest_distance_km(reunion, mainland_site).iloc[0])
    reunion_site = from_metric([343_000.0], [7_664_000.0], epsg=2975, dep=None)
    both = pd.concat([mainland_site, reunion_site], ignore_index=True)
    got = ac.nearest_distance_km(reunion, both).iloc[0]
    assert got == pytest.approx(5.0, abs=1e-3)
    # Martinique commune, site only in Guadeloupe: no match
    martinique = pd.DataFrame({"lon": [-61.0], "lat": [14.6], "dep": ["972"]})
    guadeloupe = pd.DataFrame({"lon": [-61.55], "lat": [16.25]})
    assert np.isnan(ac.nearest_distance_km(martinique, guadeloupe).iloc[0])


def test_kinds_filter():
    points = from_metric([X0], [Y0])
    sites = from_metric(
        [X0 + 1000.0, X0 + 5000.0, X0 + 9000.0],
        [Y0, Y0, Y0],
        kinds=["bibliotheque", "france_services;cnfs", "CNFS"],
    )
    assert ac.nearest_distance_km(points, sites).iloc[0] == pytest.approx(1.0, abs=1e-3)
    near = ac.nearest_distance_km(points, sites, kinds="cnfs").iloc[0]
    assert near == pytest.approx(5.0, abs=1e-3)
    near = ac.nearest_distance_km(points, sites, kinds=["france_services"]).iloc[0]
    assert near == pytest.approx(5.0, abs=1e-3)
    with pytest.raises(
        DivideError,
        match=r"no site in sites has the kind\(s\) cnf\. Did you mean: cnfs",
    ):
        ac.nearest_distance_km(points, sites, kinds="cnf")
    with pytest.raises(DivideError, match="no 'kinds' column"):
        ac.nearest_distance_km(points, sites.drop(columns="kinds"), kinds="cnfs")


def test_index_is_kept():
    points = from_metric([X0, X0 + 2000.0], [Y0, Y0]).set_axis(["a", "b"])
    sites = from_metric([X0], [Y0])
    out = ac.nearest_distance_km(points, sites)
    assert out.index.tolist() == ["a", "b"]


# ---------------------------------------------------------------- coverage


def line_communes():
    offsets = np.array([0.0, 4.0, 9.0, 15.0, 30.0]) * 1000
    return from_metric(
        X0 + offsets,
        np.full(offsets.size, Y0),
        code=["45001", "45002", "45003", "45004", "45005"],
        people_at_risk=[100.0, 50.0, 20.0, 10.0, 300.0],
    )


def test_people_within():
    communes = line_communes()
    site = from_metric([X0], [Y0])
    cov = ac.people_within(communes, site, 10)
    assert cov.covered.tolist() == [True, True, True, False, False]
    assert cov.people_covered == pytest.approx(170.0)
    assert cov.people_total == pytest.approx(480.0)
    assert cov.share == pytest.approx(170 / 480)
    # the commune at 9 km, on either side of the radius
    assert ac.people_within(communes, site, 9.001).covered.iloc[2]
    assert not ac.people_within(communes, site, 8.999).covered.iloc[2]


def test_underserved_ranked_by_need():
    communes = line_communes()
    reunion = from_metric(
        [340_000.0],
        [7_660_000.0],
        epsg=2975,
        dep="974",
        code=["97411"],
        people_at_risk=[40.0],
    )
    points = pd.concat([communes, reunion], ignore_index=True)
    site = from_metric([X0], [Y0])
    out = ac.underserved(points, site, 10)
    assert out["code"].tolist() == ["45005", "97411", "45004"]
    assert out["distance_km"].iloc[0] == pytest.approx(30.0, abs=1e-3)
    assert np.isnan(out["distance_km"].iloc[1])
    out = ac.underserved(points, site, 10, min_need=20)
    assert out["code"].tolist() == ["45005", "97411"]


# ---------------------------------------------------------------- placement


R = 2.5  # km: only a cluster's centre reaches all five of its communes


def clusters():
    """Three clusters 100 km apart, 5 communes each, needs 100 / 60 / 30 each."""
    xs, codes, need = [], [], []
    for c, per in enumerate((100.0, 60.0, 30.0)):
        for j in range(5):
            xs.append(X0 + c * 100_000.0 + j * 1000.0)
            codes.append(f"45{c}{j:02d}")
            need.append(per)
    return from_metric(
        xs, np.full(len(xs), Y0), code=codes, people_at_risk=need, population=1000.0
    )


def brute_force_best(demand, candidates, sites, radius_km, k):
    best = 0.0
    for combo in itertools.combinations(candidates.index, k):
        chosen = candidates.loc[list(combo)]
        allsites = pd.concat([sites, chosen[["lon", "lat", "dep"]]], ignore_index=True)
        best = max(best, ac.people_within(demand, allsites, radius_km).people_covered)
    return best


def test_greedy_is_optimal_on_clusters():
    demand = clusters()
    result = ac.greedy_placement(demand, demand, None, R, 2)
    assert result.table["code"].tolist() == ["45002", "45102"]  # cluster centres
    assert result.table["marginal_gain"].tolist() == [500.0, 300.0]
    assert result.table["rank"].tolist() == [1, 2]
    assert result.table["cumulative_covered"].tolist() == [500.0, 800.0]
    assert result.covered_before == 0.0
    assert result.covered_after == 800.0
    assert result.total_demand == 950.0
    assert result.share_after == pytest.approx(800 / 950)
    assert not result.stopped_early
    best = brute_force_best(demand, demand, pd.DataFrame(), R, 2)
    assert result.covered_after == pytest.approx(best)
    assert result.covered_by.iloc[:5].tolist() == ["45002"] * 5
    assert result.covered_by.iloc[10:].isna().all()


def test_existing_sites_count_first():
    demand = clusters()
    existing = from_metric(
        [X0 + 2000.0, X0 + 202_000.0], [Y0, Y0], kinds=["cnfs", "bibliotheque"]
    )
    result = ac.greedy_placement(demand, demand, existing, R, 1)
    assert result.covered_before == 500.0 + 150.0
    assert result.table["code"].tolist() == ["45102"]
    assert result.covered_after == 950.0
    # counting only the cnfs site, cluster 3 is not served before
    result = ac.greedy_placement(demand, demand, existing, R, 1, kinds="cnfs")
    assert result.covered_before == 500.0
    assert result.covered_after == 800.0


def test_marginal_gains_decrease():
    rng = np.random.default_rng(7)
    n = 400
    xs = X0 + rng.uniform(0, 80_000, n)
    ys = Y0 + rng.uniform(0, 80_000, n)
    demand = from_metric(
        xs,
        ys,
        code=[f"45{i:03d}" for i in range(n)],
        people_at_risk=rng.lognormal(3, 1, n),
        population=rng.lognormal(6, 1, n),
    )
    sites = from_metric(xs[:5], ys[:5])
    result = ac.greedy_placement(demand, demand, sites, 6, 15)
    gains = result.table["marginal_gain"].to_numpy()
    assert (np.diff(gains) <= 1e-9).all()
    assert result.covered_after == pytest.approx(result.covered_before + gains.sum())
    assert result.table["cumulative_covered"].iloc[-1] == pytest.approx(
        result.covered_after
    )
    # the reported coverage matches a direct count with the chosen hosts added
    chosen = demand.set_index("code").loc[result.table["code"]]
    allsites = pd.concat([sites, chosen[["lon", "lat", "dep"]]], ignore_index=True)
    direct = ac.people_within(demand, allsites, 6)
    assert direct.people_covered == pytest.approx(result.covered_after)
    assert (direct.covered == result.covered_by.notna()).all()


def test_ties_go_to_the_smallest_code():
    demand = from_metric(
        [X0, X0], [Y0, Y0], code=["45009", "45003"], people_at_risk=[10.0, 10.0]
    )
    result = ac.greedy_placement(demand, demand, None, 1, 1)
    assert result.table["code"].tolist() == ["45003"]


def test_min_population_and_exclude():
    demand = clusters()
    demand.loc[demand["code"] == "45002", "population"] = 10.0
    result = ac.greedy_placement(
        demand, demand, None, R, 1, min_population=100, exclude=["45001"]
    )
    # the centre (too small) and 45001 (excluded) are barred; 45003 reaches 4 of 5
    assert result.table["code"].tolist() == ["45003"]
    assert result.eligible_candidates == 13


def test_stops_when_nothing_left_to_cover():
    demand = clusters()
    result = ac.greedy_placement(demand, demand, None, R, 5)
    assert len(result.table) == 3
    assert result.stopped_early
    assert result.covered_after == result.total_demand


def test_overseas_demand_needs_overseas_hosts():
    mainland = clusters()
    reunion = from_metric(
        [340_000.0],
        [7_660_000.0],
        epsg=2975,
        dep="974",
        code=["97411"],
        people_at_risk=[1000.0],
        population=1000.0,
    )
    demand = pd.concat([mainland, reunion], ignore_index=True)
    result = ac.greedy_placement(mainland, demand, None, R, 1)
    assert result.table["code"].tolist() == ["45002"]
    result = ac.greedy_placement(demand, demand, None, R, 1)
    assert result.table["code"].tolist() == ["97411"]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("radius", [0, -5, float("nan"), "5", None, True])
def test_bad_radius(radius):
    demand = clusters()
    with pytest.raises(DivideError, match="radius must be a positive"):
        ac.greedy_placement(demand, demand, None, radius, 1)
    with pytest.raises(DivideError, match="radius must be a positive"):
        ac.people_within(demand, demand, radius)
    with pytest.raises(DivideError, match="radius must be a positive"):
        ac.underserved(demand, demand, radius)


@pytest.mark.parametrize("k", [0, -1, 1.5, True, "3"])
def test_bad_k(k):
    demand = clusters()
    with pytest.raises(DivideError, match="k must be a whole number"):
        ac.greedy_placement(demand, demand, None, 5, k)


def test_k_above_eligible():
    demand = clusters()
    with pytest.raises(DivideError, match=r"only 15 candidate\(s\) are eligible"):
        ac.greedy_placement(demand, demand, None, 5, 16)
    with pytest.raises(DivideError, match=r"only 0 candidate\(s\) are eligible"):
        ac.greedy_placement(demand, demand, None, 5, 1, min_population=10**6)


def test_empty_scope():
    demand = clusters()
    with pytest.raises(DivideError, match="scope is empty"):
        ac.greedy_placement(demand, demand.iloc[0:0], None, 5, 1)


@pytest.mark.parametrize(
    ("which", "drop", "message"),
    [
        ("demand", "people_at_risk", "lacks the column 'people_at_risk'"),
        ("demand", "lat", "lacks column.*lat"),
        ("candidates", "code", "'code' column"),
        ("candidates", "lon", "lack column.*lon"),
        ("candidates", "population", "'population' column"),
    ],
)
def test_missing_columns_in_placement(which, drop, message):
    demand = clusters()
    frames = {"demand": demand, "candidates": demand.copy()}
    frames[which] = frames[which].drop(columns=drop)
    with pytest.raises(DivideError, match=message):
        ac.greedy_placement(
            frames["candidates"], frames["demand"], None, 5, 1, min_population=1
        )


def test_missing_columns_elsewhere():
    communes = line_communes()
    with pytest.raises(DivideError, match=r"lacks column.*lon"):
        ac.nearest_distance_km(communes.drop(columns="lon"), communes)
    with pytest.raises(DivideError, match=r"sites lacks column.*lat"):
        ac.nearest_distance_km(communes, communes.drop(columns="lat"))
    with pytest.raises(DivideError, match="'people'"):
        ac.people_within(communes, communes, 5, weight="people")
    with pytest.raises(DivideError, match="table"):
        ac.nearest_distance_km([1, 2], communes)


def test_duplicate_candidates():
    demand = clusters()
    doubled = pd.concat([demand, demand.iloc[:1]], ignore_index=True)
    with pytest.raises(DivideError, match="more than once"):
        ac.greedy_placement(doubled, demand, None, 5, 1)
