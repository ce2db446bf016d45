"""Registry, harmonisation, aggregation, search and colour classes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from divide import classify
from divide.build.geography import Reference
from divide.build.harmonise import harmonise
from divide.errors import DivideError
from divide.indicators import aggregate, compute, format_value
from divide.registry import base_columns, indicator, indicators, parse_indicator_list
from divide.search import normalise, search, search_index

REQUIRED_IDS = {
    "population", "premises", "premises_no_thd", "bhd8_share", "thd30_share",
    "thd100_share", "gig_share", "sites_4g", "dist_4g_km", "poverty_rate",
    "median_income", "low_diploma_share", "age65_share", "alone_share", "ifn_mednum",
    "mediation_sites", "mediation_sites_per_10k", "illectronisme_est",
    "people_at_risk", "dist_mediation_km", "dist_france_services_km",
    "people_at_risk_far",
}  # fmt: skip


def tiny_reference() -> Reference:
    communes = gpd.GeoDataFrame(
        {
            "code": ["01001", "01004", "75056"],
            "name": ["A", "B", "Paris"],
            "epci": ["E1", "E1", None],
            "departement": ["01", "01", "75"],
            "region": ["84", "84", "11"],
            "population": [100.0, 300.0, 2000.0],
        },
        geometry=[None, None, None],
        crs="EPSG:4326",
    )
    code_map = {"01999": "01004", "75101": "75056", "75102": "75056"}
    kinds = {"01999": "merged", "75101": "arrondissement", "75102": "arrondissement"}
    return Reference(communes, code_map, kinds)


def test_registry_has_every_required_id_with_both_languages():
    registry = indicators()
    assert REQUIRED_IDS <= set(registry)
    for ind in registry.values():
        assert ind.label["fr"] and ind.label["en"]
        assert ind.vintage()
    modelled = {i for i, ind in registry.items() if ind.modelled}
    assert {"illectronisme_est", "people_at_risk", "people_at_risk_far"} <= modelled


def test_unknown_indicator_suggests_close_match():
    with pytest.raises(DivideError, match="thd30_share"):
        indicator("thd30_shar")
    with pytest.raises(DivideError, match="unknown indicator"):
        parse_indicator_list("population,nope")


def test_harmonise_sums_merged_codes_and_reports_unmatched():
    frame = pd.DataFrame(
        {
            "code": ["01001", "01004", "01999", "12345"],
            "premises": [10.0, 20.0, 5.0, 7.0],
            "share": [0.5, 0.2, 0.4, 0.9],
            "weight": [1.0, 3.0, 1.0, 1.0],
        }
    )
    table, report = harmonise(
        frame,
        tiny_reference(),
        "t",
        counts=["premises"],
        ratios=["share"],
        weight="weight",
    )
    assert table.loc["01004", "premises"] == 25.0
    assert table.loc["01004", "share"] == pytest.approx((0.2 * 3 + 0.4) / 4)
    assert report.matched == 2 and report.merged == 1 and report.unmatched == 1
    assert report.unmatched_codes == ["12345"]
    assert report.match_rate == pytest.approx(0.75)
    # Totals preserved for everything that matched.
    assert table["premises"].sum() == 35.0


def test_plm_arrondissements_join_and_never_double_count():
    only_arrondissements = pd.DataFrame(
        {"code": ["75101", "75102"], "people": [10.0, 15.0]}
    )
    table, report = harmonise(
        only_arrondissements, tiny_reference(), "a", counts=["people"]
    )
    assert table.loc["75056", "people"] == 25.0
    assert report.arrondissements == 2

    both = pd.DataFrame(
        {"code": ["75056", "75101", "75102"], "people": [25.0, 10.0, 15.0]}
    )
    table, report = harmonise(both, tiny_reference(), "b", counts=["people"])
    assert table.loc["75056", "people"] == 25.0
    assert report.arrondissements_ignored == 2
    assert report.match_rate == 1.0


def test_missing_stays_missing_through_harmonise_and_aggregation():
    frame = pd.DataFrame({"code": ["01001", "01004"], "premises": [np.nan, np.nan]})
    table, _ = harmonise(frame, tiny_reference(), "m", counts=["premises"])
    assert table["premises"].isna().all()
    communes = pd.DataFrame(
        {
            "code": ["01001", "01004"],
            "epci": ["E1", "E1"],
            "departement": ["01", "01"],
            "region": ["84", "84"],
            "premises": [np.nan, np.nan],
            "premises_thd30": [np.nan, np.nan],
        }
    )
    sums = aggregate(communes, "departement")
    assert np.isnan(sums.loc["01", "premises"])


def test_rates_are_sum_over_sum_never_mean_of_rates():
    communes = pd.DataFrame(
        {
            "code": ["a", "b"],
            "epci": ["E", "E"],
            "departement": ["01", "01"],
            "region": ["84", "84"],
            "premises": [100.0, 900.0],
            "premises_thd30": [100.0, 0.0],
        }
    )
    for column in base_columns():
        if column not in communes:
            communes[column] = np.nan
    values = compute(aggregate(communes, "epci"), ["thd30_share"])
    assert values.loc["E", "thd30_share"] == pytest.approx(0.1)  # not (1 + 0) / 2


def test_format_value_units_and_no_data():
    share = indicator("thd30_share")
    assert format_value(0.5561, share, "en") == "55.6%"
    assert format_value(0.5561, share, "fr") == "55,6\u00a0%"
    assert format_value(float("nan"), share, "fr") == "pas de données"
    assert format_value(12345.0, indicator("population"), "en") == "12,345"


def test_classes_cover_values_and_palette_darkens_towards_worse():
    values = pd.Series([1, 2, 2, 3, 10, 11, 12, 50, 51, np.nan])
    for method in classify.METHODS:
        edges = classify.breaks(values, 4, method)
        assert edges[0] == 1 and edges[-1] == 51
        classes = classify.assign(values, edges)
        assert classes.iloc[-1] == -1
        assert classes.iloc[:-1].between(0, len(edges) - 2).all()
    natural = classify.breaks(
        pd.Series([1, 1.1, 1.2, 10, 10.1, 10.2, 50, 50.5]), 3, "natural_breaks"
    )
    assert natural[1] >= 10 and natural[2] >= 50
    worse_high = classify.palette(5, "higher_worse")
    assert classify.palette(5, "lower_worse") == worse_high[::-1]
    with pytest.raises(DivideError):
        classify.breaks(values, 4, "equal")


def test_search_ignores_accents_case_and_finds_codes_and_postcodes():
    territories = pd.DataFrame(
        {
            "level": ["commune", "commune", "epci", "departement"],
            "code": ["36044", "05036", "243600327", "36"],
            "name": [
                "Châteauroux",
                "Châteauroux-les-Alpes",
                "CA Châteauroux Métropole",
                "Indre",
            ],
            "postcodes": ["36000", "05380", "", ""],
            "population": [43741, 1100, 70000, 215000],
        }
    )
    index = search_index(territories)
    assert search(index, "chateauroux").iloc[0]["code"] == "36044"
    assert search(index, "CHÂTEAUROUX LES ALPES").iloc[0]["code"] == "05036"
    assert search(index, "36000").iloc[0]["code"] == "36044"
    assert search(index, "36").iloc[0]["code"] == "36"
    assert search(index, "").empty
    assert normalise("Saint-Étienne") == normalise("st etienne")
