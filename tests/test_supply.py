"""Tests of supply against need on the real atlas (divide.supply) and its page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import pytest
from apptest import open_page

from divide import distance, export, maps, supply
from divide.errors import DivideError
from divide.i18n import t

ACCESS = "pages/access.py"

ROOT = Path(__file__).resolve().parents[1]
CREUSE = ("departement", "23")


@pytest.fixture(scope="session")
def france(atlas) -> pd.DataFrame:
    return supply.scope_points(atlas, None)


@pytest.fixture(scope="session")
def creuse_k5(atlas) -> supply.Placement:
    return supply.placement(atlas, CREUSE, 5.0, 5)


# ------------------------------------------------------------------------ need


def test_people_at_risk_never_exceed_population(france):
    assert len(france) > 34_000
    assert (france["people_at_risk"] <= france["population"] + 1e-6).all()
    assert (france["people_at_risk"] <= france["people_15p"] + 1e-6).all()
    assert (france["people_15p"] <= france["population"] + 1e-6).all()
    rate = france["illectronisme_est"].dropna()
    assert rate.between(0, 1).all()
    ok = france["illectronisme_est"].notna()
    assert (france.loc[ok, "illectronisme_low"] <= rate + 1e-12).all()
    assert (france.loc[ok, "illectronisme_high"] >= rate - 1e-12).all()


def test_national_sum_matches_calibration(atlas, france):
    rate = france["people_at_risk"].sum() / france["people_15p"].sum()
    assert rate == pytest.approx(0.154, abs=5e-4)
    row = atlas.territory("france", None)
    assert rate == pytest.approx(row["v_illectronisme_est"], abs=1e-6)
    summary = supply.access_summary(atlas, None, 10.0)
    assert summary.illectronisme_est == pytest.approx(0.154, abs=5e-4)
    assert summary.illectronisme_low < 0.154 < summary.illectronisme_high
    assert summary.people_at_risk == pytest.approx(row["people_at_risk"], abs=50)


@pytest.mark.parametrize(
    "scope", [CREUSE, ("region", "53"), ("epci", "200067544")], ids=str
)
def test_scope_totals_match_atlas(atlas, scope):
    summary = supply.access_summary(atlas, scope, 10.0)
    row = atlas.territory(*scope)
    assert summary.people_at_risk == pytest.approx(row["people_at_risk"], abs=1.0)
    assert summary.population == pytest.approx(row["population"], abs=1.0)
    assert 0 <= summary.people_at_risk_within <= summary.people_at_risk
    assert summary.people_at_risk_low <= summary.people_at_risk
    assert summary.people_at_risk <= summary.people_at_risk_high
    for end in ("est", "low", "high"):
        assert getattr(summary, f"illectronisme_{end}") == pytest.approx(
            row[f"v_illectronisme_{end}"], abs=1e-5
        )


def test_analysis_scope(atlas):
    assert supply.analysis_scope(atlas, "france", "FR") is None
    assert supply.analysis_scope(atlas, "departement", "23") == CREUSE
    guéret = atlas.territory("commune", "23096")
    assert supply.analysis_scope(atlas, "commune", "23096") == (
        "epci",
        guéret["epci"],
    )


def test_commune_without_epci_takes_its_departement(atlas):
    row = atlas.territory("commune", "22016")
    assert pd.isna(row["epci"])
    assert supply.analysis_scope(atlas, "commune", "22016") == ("departement", "22")


def test_empty_scope_is_a_clear_error(atlas, monkeypatch):
    empty = atlas.level("commune").iloc[0:0]
    monkeypatch.setattr(atlas, "members", lambda level, within: empty)
    with pytest.raises(DivideError, match="no commune in the scope"):
        supply.scope_points(atlas, CREUSE)
    with pytest.raises(DivideError, match="no commune in the scope"):
        supply.placement(atlas, CREUSE, 5.0, 2)


# ---------------------------------------------------------------------- access


def test_distance_is_the_nearest_of_the_counted_kinds(atlas):
    table = supply.commune_access(atlas, CREUSE, 5.0, ["france_services", "library"])
    both = table[["dist_france_services_km", "dist_library_km"]].min(axis=1)
    np.testing.assert_allclose(table["distance_km"], both)
    sites = supply.sites_for(atlas, ["france_services", "library"])
    direct = distance.nearest_distance_km(table, sites[["lon", "lat", "dep"]])
    np.testing.assert_allclose(table["distance_km"], direct)
    assert (table["covered"] == (table["distance_km"] <= 5.0)).all()


@pytest.mark.parametrize(
    ("scope", "radius", "kinds"),
    [
        (CREUSE, 5.0, None),
        (CREUSE, 3.0, ["france_services"]),
        (("region", "24"), 8.0, ["conseiller_numerique"]),
        (None, 10.0, None),
    ],
)
def test_underserved_really_have_no_site_within_radius(atlas, scope, radius, kinds):
    listed = supply.underserved_table(atlas, scope, radius, kinds)
    sites = supply.sites_for(atlas, kinds)
    points = listed.assign(dep=listed["departement"])
    recheck = distance.nearest_distance_km(points, sites[["lon", "lat", "dep"]])
    assert ((recheck > radius) | recheck.isna()).all()
    np.testing.assert_allclose(listed["distance_km"], recheck)
    assert listed["people_at_risk"].is_monotonic_decreasing
    assert listed["rank"].tolist() == list(range(1, len(listed) + 1))
    # ... and every located commune left out has one.
    everyone = supply.scope_points(atlas, scope)
    rest = everyone[everyone["located"] & ~everyone["code"].isin(listed["code"])]
    rest = rest.assign(dep=rest["departement"])
    near = distance.nearest_distance_km(rest, sites[["lon", "lat", "dep"]])
    assert (near <= radius).all()


def test_underserved_min_need_and_national_consistency(atlas):
    listed = supply.underserved_table(atlas, None, 10.0)
    assert len(listed) > 0
    bigger = supply.underserved_table(atlas, None, 10.0, min_need=100)
    assert (bigger["people_at_risk"] >= 100).all()
    assert set(bigger["code"]) <= set(listed["code"])
    # The atlas stores people at risk beyond 10 km of any site (build step); it
    # also counts communes without a point, which we leave out of the list.
    summary = supply.access_summary(atlas, None, 10.0)
    points = supply.scope_points(atlas, None)
    unlocated = points.loc[~points["located"], "people_at_risk"].sum()
    far = atlas.territory("france", None)["people_at_risk_far"]
    # The atlas leaves communes without a point out of people_at_risk_far.
    assert unlocated > 0
    assert listed["people_at_risk"].sum() == pytest.approx(far, abs=1.0)
    assert summary.underserved_people == pytest.approx(listed["people_at_risk"].sum())
    assert summary.unlocated_communes == (~points["located"]).sum()


def test_no_kind_counted_means_every_located_commune_is_underserved(atlas):
    listed = supply.underserved_table(atlas, CREUSE, 5.0, [])
    assert len(listed) == len(atlas.members("commune", CREUSE))
    assert listed["distance_km"].isna().all()


def test_epci_summary_adds_up(atlas):
    table = supply.epci_summary(atlas, CREUSE, 5.0)
    summary = supply.access_summary(atlas, CREUSE, 5.0)
    assert table["people_at_risk"].sum() == pytest.approx(summary.people_at_risk)
    assert table["communes"].sum() == summary.communes
    assert table["sites"].sum() == len(atlas.sites_in(CREUSE, supply.MEDIATION_KINDS))
    with_sites = table[table["sites"] > 0]
    np.testing.assert_allclose(
        with_sites["people_at_risk_per_site"],
        with_sites["people_at_risk"] / with_sites["sites"],
    )
    assert table["people_at_risk_underserved"].is_monotonic_decreasing
    assert table["share_within"].between(0, 1).all()
    deps = supply.epci_summary(atlas, ("region", "75"), 10.0, by="departement")
    assert len(deps) == len(atlas.members("departement", ("region", "75")))


def test_kind_summary(atlas):
    table = supply.kind_summary(atlas, CREUSE, 5.0)
    assert table["kind"].tolist() == [*supply.KINDS, "any"]
    anyk = table.set_index("kind").loc["any"]
    counted = table[table["kind"].isin(supply.MEDIATION_KINDS)]
    assert (counted["people_at_risk_within"] <= anyk["people_at_risk_within"]).all()
    assert (counted["mean_distance_km"] >= anyk["mean_distance_km"] - 1e-9).all()
    # Public libraries from the national list alone are not in "any kind".
    sites = atlas.sites.loc[atlas.sites_in(CREUSE).index]
    assert anyk["sites"] == (sites["kind"] != "public_library").sum()


# ------------------------------------------------------------------- placement


def test_creuse_placement_invariants(atlas, creuse_k5):
    res, hosts = creuse_k5.result, creuse_k5.hosts
    assert len(hosts) == 5
    gains = hosts["marginal_gain"].to_numpy()
    assert (np.diff(gains) <= 1e-9).all()
    assert (gains > 0).all()
    assert res.covered_after >= res.covered_before
    assert res.covered_after - res.covered_before == pytest.approx(gains.sum())
    assert hosts["cumulative_covered"].iloc[-1] == pytest.approx(res.covered_after)
    assert (hosts["departement"] == "23").all()
    summary = supply.access_summary(atlas, CREUSE, 5.0)
    assert res.covered_before == pytest.approx(summary.people_at_risk_within)
    assert res.total_demand == pytest.approx(summary.people_at_risk)


def test_placement_respects_min_population_and_exclusions(atlas, creuse_k5):
    first = creuse_k5.hosts["code"].iloc[0]
    placed = supply.placement(
        atlas, CREUSE, 5.0, 5, exclude=[first], min_population=300
    )
    hosts = placed.hosts
    assert first not in set(hosts["code"])
    assert (hosts["population"] >= 300).all()
    members = set(atlas.members("commune", CREUSE)["code"])
    assert set(hosts["code"]) <= members
    assert (np.diff(hosts["marginal_gain"]) <= 1e-9).all()


def test_placement_with_no_existing_site_counted(atlas):
    placed = supply.placement(atlas, CREUSE, 5.0, 3, kinds=[])
    assert placed.result.covered_before == 0
    assert placed.result.covered_after > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"radius_km": 0}, "radius must be a positive number"),
        ({"radius_km": -5}, "radius must be a positive number"),
        ({"radius_km": float("nan")}, "radius must be a positive number"),
        ({"k": 0}, "k must be a whole number"),
        ({"k": 10_000}, "candidate(s) are eligible"),
        ({"k": 5, "min_population": 1e7}, "candidate(s) are eligible"),
        ({"scope": None}, "needs a région, a département or an EPCI"),
        ({"scope": ("france", "FR")}, "needs a région, a département or an EPCI"),
        ({"scope": ("commune", "23096")}, "unknown scope level"),
        ({"scope": ("departement", "99")}, "unknown departement code"),
        ({"kinds": ["mairie"]}, "unknown site kind"),
        ({"exclude": ["75056"]}, "not in the scope"),
        ({"min_population": -1}, "minimum population"),
    ],
)
def test_placement_bad_inputs_raise_clear_errors(atlas, kwargs, message):
    args = {"scope": CREUSE, "radius_km": 5.0, "k": 3} | kwargs
    with pytest.raises(DivideError, match=re.escape(message)):
        supply.placement(atlas, **args)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda a: supply.underserved_table(a, CREUSE, 0), "radius"),
        (lambda a: supply.underserved_table(a, CREUSE, 5, min_need=-1), "minimum"),
        (lambda a: supply.access_summary(a, CREUSE, -2), "radius"),
        (lambda a: supply.epci_summary(a, CREUSE, 5, by="region"), "grouping"),
        (lambda a: supply.scope_points(a, "23"), "scope must be"),
        (lambda a: supply.display(pd.DataFrame(), "nope", "en"), "table view"),
    ],
)
def test_other_bad_inputs(atlas, call, message):
    with pytest.raises(DivideError, match=message):
        call(atlas)


# ------------------------------------------------------- presentation, export


def test_cards_and_display_are_labelled_modelled(atlas, creuse_k5):
    summary = supply.access_summary(atlas, CREUSE, 5.0)
    for lang in ("fr", "en"):
        cards = supply.summary_cards(summary, lang)
        assert t("modelled", lang) in cards[0][0].lower()
        assert t("modelled", lang) in cards[1][0].lower()
        shown = supply.display(creuse_k5.hosts, "hosts", lang)
        assert t("access_col_marginal_gain", lang) in shown.columns
    cards = supply.placement_cards(creuse_k5, "en")
    assert cards[1][2].startswith("+")


def test_exports(atlas, creuse_k5):
    listed = supply.underserved_table(atlas, CREUSE, 5.0)
    payload = json.loads(supply.to_geojson(listed, {"radius_km": 5.0}))
    assert len(payload["features"]) == len(listed)
    first = payload["features"][0]
    assert first["geometry"]["coordinates"] == [listed["lon"][0], listed["lat"][0]]
    assert first["properties"]["code"] == listed["code"][0]
    assert payload["metadata"]["radius_km"] == 5.0
    risky = creuse_k5.hosts.assign(name="=HYPERLINK(1)")
    assert b"'=HYPERLINK" in export.csv_bytes(risky)


def test_map_helpers_escape_names():
    fmap = folium.Map()
    evil = '<img src=x onerror="alert(1)">'
    points = pd.DataFrame({"lon": [2.0], "lat": [46.0], "name": [evil], "rank": [1]})
    maps.add_circles(fmap, points, "underserved")
    maps.add_numbered(fmap, points, "hosts", radius_km=5)
    page = fmap.get_root().render()
    assert "<img src=x" not in page
    assert "&lt;img" in page


# ------------------------------------------------------------------- the page


@pytest.mark.parametrize(
    "params",
    [
        {"lang": "en", "level": "departement", "code": "23"},
        {"lang": "fr", "level": "departement", "code": "23"},
        {"lang": "en"},
        {"lang": "fr", "level": "commune", "code": "23096"},
        {"lang": "fr", "level": "region", "code": "24"},
    ],
    ids=lambda p: "-".join(p.values()),
)
def test_page_runs(atlas, params):
    at = open_page(ACCESS, **params)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    lang = at.session_state["_lang"]
    assert at.title[0].value == t("access_title", lang)
    assert len(at.metric) >= 4
    if "level" not in params:
        infos = [i.value for i in at.info]
        assert t("access_place_france", lang) in infos


def test_page_placement_via_widgets(atlas):
    at = open_page(ACCESS, **{"lang": "en", "level": "departement", "code": "23"})
    at.number_input(key="access_radius").set_value(5.0)
    at.number_input(key="access_k").set_value(3)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    lang = at.session_state["_lang"]
    header = t("access_col_marginal_gain", lang)
    hosts = [d.value for d in at.dataframe if header in d.value.columns]
    assert len(hosts) == 1 and len(hosts[0]) == 3
    assert at.query_params["radius"] == ["5"] or at.query_params["radius"] == "5"
    first = supply.placement(atlas, CREUSE, 5.0, 3).hosts["code"].iloc[0]
    at.multiselect(key="access_exclude").select(first)
    at.run()
    assert not at.exception
    hosts = [d.value for d in at.dataframe if header in d.value.columns]
    assert first not in set(hosts[0][t("access_col_code", lang)])


@pytest.mark.parametrize("radius", [0.0, -3.0])
def test_page_bad_radius_shows_an_error(atlas, radius):
    at = open_page(ACCESS, **{"lang": "en", "level": "departement", "code": "23"})
    at.number_input(key="access_radius").set_value(radius)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("radius" in e.value for e in at.error)


def test_page_k_above_a_shrunk_range_is_brought_back(atlas):
    at = open_page(ACCESS, **{"lang": "en", "level": "departement", "code": "23"})
    at.number_input(key="access_radius").set_value(5.0)
    at.number_input(key="access_k").set_value(200)
    at.run()
    assert at.number_input(key="access_k").value == 200
    at.number_input(key="access_min_pop").set_value(2000)  # far fewer hosts
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    top = supply.host_count(atlas, CREUSE, min_population=2000)
    assert 1 < top < 200
    assert at.number_input(key="access_k").value == top
    assert t("access_k_clamped", "en", asked=200, high=top, k=top) in [
        i.value for i in at.info
    ]


# Issue 12, item 6: k from the URL was not clamped, and the error was in English
# in the French interface.
@pytest.mark.parametrize(
    ("asked", "used"),
    [("1000000000000", "top"), ("99999999999999999999999", "top"), ("0", 1), ("-7", 1)],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_k_from_the_url_is_clamped_in_the_interface_language(atlas, asked, used, lang):
    at = open_page(
        ACCESS, **{"lang": lang, "level": "departement", "code": "23", "k": asked}
    )
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    top = supply.host_count(atlas, CREUSE)
    k = top if used == "top" else used
    assert at.number_input(key="access_k").value == k
    notice = t("access_k_clamped", lang, asked=int(asked), high=top, k=k)
    assert notice in [i.value for i in at.info]
    if lang == "fr":
        assert notice.startswith(f"K = {int(asked)} sort des valeurs possibles")
    query = at.query_params["k"]
    assert (query[0] if isinstance(query, list) else query) == str(k)
    # The placement ran with that K: hosts listed, or every commune covered.
    header = t("access_col_marginal_gain", lang)
    hosts = [d.value for d in at.dataframe if header in d.value.columns]
    covered = t("access_all_covered", lang, r="10")
    assert len(hosts) == 1 or covered in [x.value for x in at.success]
    if hosts:
        assert 1 <= len(hosts[0]) <= k


def test_k_within_the_range_is_left_alone(atlas):
    at = open_page(
        ACCESS, **{"lang": "fr", "level": "departement", "code": "23", "k": "4"}
    )
    assert not at.exception
    assert at.number_input(key="access_k").value == 4
    assert not any("K = " in i.value for i in at.info)


def test_no_possible_host_is_said_in_the_interface_language(atlas):
    at = open_page(ACCESS, **{"lang": "fr", "level": "departement", "code": "23"})
    at.number_input(key="access_min_pop").set_value(10_000_000)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert t("access_no_host", "fr") in [i.value for i in at.info]
    assert at.number_input(key="access_k").value == 1


def test_host_count_is_the_largest_k(atlas):
    top = supply.host_count(atlas, CREUSE)
    assert top > 100
    assert len(supply.placement(atlas, CREUSE, 5.0, top).hosts) <= top
    with pytest.raises(DivideError, match="eligible"):
        supply.placement(atlas, CREUSE, 5.0, top + 1)
    assert supply.host_count(atlas, None) == 0
    big = supply.host_count(atlas, CREUSE, min_population=5000)
    assert 0 < big < top
