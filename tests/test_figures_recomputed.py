"""Each audited figure recomputed from the raw files with plain pandas, never with the
project's own functions, and compared with what the atlas, the CLI and the pages say.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from divide import plausibility, supply
from divide.cli import main
from divide.export import dictionary
from divide.indicators import value_column
from divide.profile import territory_json
from divide.registry import indicators

pytestmark = pytest.mark.realdata
EARTH_KM = 6371.0088


@pytest.fixture(scope="module")
def etalab(raw_dir):
    path = raw_dir / "population" / "etalab_decoupage-administratif_6.0.0_communes.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    table = pd.DataFrame(r for r in records if r["type"] == "commune-actuelle")
    return table[table["zone"].isin(["metro", "drom"])]


@pytest.fixture(scope="module")
def official_fs(raw_dir):
    path = raw_dir / "mediation" / "anct_france_services_liste-fs-20240801.csv"
    return pd.read_csv(path, dtype=str)


def _haversine_km(lat, lon, lats, lons):
    p1, p2 = np.radians(lat), np.radians(lats)
    dlat, dlon = p2 - p1, np.radians(lons - lon)
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(h))


# ---------------------------------------------------------------- 1. population
def test_population_is_the_current_legal_population(atlas, etalab):
    communes = atlas.level("commune")
    assert atlas.territory("france", None)["v_population"] == etalab["population"].sum()
    assert etalab["population"].sum() == 68_350_798
    finistere = etalab.loc[etalab["departement"] == "29", "population"].sum()
    assert atlas.territory("departement", "29")["v_population"] == finistere == 933_455
    brest = etalab.set_index("code").loc["29019", "population"]
    assert communes.loc["29019", "v_population"] == brest == 142_346
    mayotte = etalab.loc[etalab["departement"] == "976", "population"].sum()
    assert atlas.territory("departement", "976")["v_population"] == mayotte > 0


def test_population_states_its_vintage(atlas):
    shown = territory_json(atlas, "france", None)["indicators"]["population"]
    assert "2023" in shown["vintage"] and "Mayotte 2017" in shown["vintage"]
    assert "COG" not in shown["vintage"]
    for ind in indicators().values():
        assert "cog_2026" not in ind.sources, ind.id  # population weights say 2023


# ------------------------------------------------------------- 2. France Services
def test_distance_to_france_services_uses_the_official_list(atlas, official_fs):
    lats = official_fs["latitude"].astype(float).to_numpy()
    lons = official_fs["longitude"].astype(float).to_numpy()
    communes = atlas.level("commune")
    mainland = communes[communes["departement"].str.len() == 2].dropna(
        subset=["lon", "lat"]
    )
    villars_colmars = communes.loc[["04240"]]
    sample = pd.concat([mainland.sample(200, random_state=3), villars_colmars])
    for row in sample.itertuples():
        expected = _haversine_km(row.lat, row.lon, lats, lons).min()
        got = row.v_dist_france_services_km
        assert abs(got - expected) <= max(0.5, 0.05 * expected), row.code
    assert communes.loc["04240", "v_dist_france_services_km"] == pytest.approx(
        21.6, abs=0.1
    )


def test_only_the_official_list_makes_a_france_services(atlas, official_fs):
    sites = atlas.sites
    fs = sites[sites["kinds"].str.split(";").map(lambda ks: "france_services" in ks)]
    # Every place of the official list, except those outside today's communes
    # (Saint-Martin, an overseas collectivity), listed as not placed.
    details = atlas.quality_details()
    unplaced = details["record"].str.startswith("france_services_2024") & details[
        "reason"
    ].str.startswith("not placed")
    assert len(fs) + unplaced.sum() == len(official_fs) == 2845
    assert set(fs["site_id"].str.split(":").str[1]) <= set(official_fs["id_fs"])
    assert fs["sources"].str.contains("france_services_2024").all()
    claimed = sites[sites["claims"].fillna("").str.contains("france_services")]
    assert len(claimed) > 1000  # the 2021–2022 records that carry the tag
    assert not claimed["kinds"].str.contains("france_services").any()


# ------------------------------------------------------------------ 3. libraries
def test_no_library_counts_as_mediation_without_a_mediation_source(atlas, raw_dir):
    sites = atlas.sites
    only_list = sites["sources"] == "libraries_culture"
    assert (sites.loc[only_list, "kind"] == "public_library").all()
    counted = sites[sites["kind"].isin(supply.MEDIATION_KINDS)]
    assert not (counted["sources"] == "libraries_culture").any()
    france = atlas.territory("france", None)
    assert france["v_mediation_sites"] == len(counted[counted["commune"].notna()])
    assert france["v_public_libraries"] == only_list.sum()
    libraries = pd.read_csv(
        raw_dir / "mediation" / "culture_adresses-des-bibliotheques-publiques.csv",
        sep=";",
        dtype=str,
    )
    assert only_list.sum() > 0.9 * len(libraries)  # most are on the list alone


def test_finistere_is_not_covered_by_libraries_alone(atlas):
    scope = ("departement", "29")
    default = supply.access_summary(atlas, scope, 10.0)
    with_libraries = supply.access_summary(atlas, scope, 10.0, supply.KINDS)
    assert default.underserved_communes > 0
    assert with_libraries.underserved_communes < default.underserved_communes


# ---------------------------------------------------- 4. aggregates on partial data
def test_france_poverty_rate_is_withheld_on_partial_coverage(atlas, raw_dir, etalab):
    filosofi = pd.read_csv(
        raw_dir / "poverty" / "insee_filosofi_2021_cc_filosofi_2021_COM.csv",
        sep=";",
        dtype=str,
    )
    published = set(filosofi.loc[filosofi["TP6021"].ne("s"), "CODGEO"])
    share = (
        etalab.loc[etalab["code"].isin(published), "population"].sum()
        / etalab["population"].sum()
    )
    france = atlas.territory("france", None)
    assert share < 0.8
    assert france["cov_poverty_rate"] == pytest.approx(share, abs=0.02)
    assert np.isnan(france["v_poverty_rate"])
    shown = territory_json(atlas, "france", None)["indicators"]["poverty_rate"]
    assert shown["value"] is None and "80" in shown["withheld"]
    assert shown["value_over_covered_communes"] == pytest.approx(0.173, abs=0.002)


def test_well_covered_aggregates_are_shown(atlas):
    france = atlas.territory("france", None)
    for ind_id in ("thd30_share", "median_income", "illectronisme_est"):
        assert france[f"cov_{ind_id}"] >= 0.95 and not np.isnan(
            france[value_column(ind_id)]
        )


# ------------------------------------------------------------ 5–6. registry texts
def test_every_label_and_note_is_read_whole():
    for ind in indicators().values():
        assert set(ind.label) == {"fr", "en"}, ind.id
        assert not ind.note or set(ind.note) == {"fr", "en"}, ind.id
    assert "pas une mesure de couverture" in indicators()["sites_4g"].note["fr"]
    assert "not a coverage measure" in indicators()["sites_4g"].note["en"]


def test_the_registry_refuses_a_text_cut_by_the_parser():
    from divide.errors import DivideError
    from divide.registry import _texts

    cut = {"fr": "Des sites", "pas une mesure.": None, "en": "Sites"}
    with pytest.raises(DivideError, match="quote texts"):
        _texts("sites_4g", "note", cut, required=False)


def test_labels_say_what_the_figures_are():
    reg = indicators()
    assert "any technology" in reg["bhd8_share"].label["en"]
    assert "satellite" in reg["bhd8_share"].note["en"]
    assert "bêta" in reg["thd30_share"].note["fr"]
    for ind_id in ("sites_4g", "dist_4g_km"):
        assert "not coverage" in reg[ind_id].label["en"]
        assert "pas la couverture" in reg[ind_id].label["fr"]
    table = dictionary(list(reg))
    assert not table["label_fr"].str.contains(r"modélisé.*modélisé").any()
    assert not table["label_en"].str.contains(r"modelled.*modelled").any()


# ------------------------------------------------------------- 7. plausibility
def test_overseas_anomalies_are_flagged(atlas, raw_arcep, etalab):
    arcep = raw_arcep
    gua = arcep[arcep["code_dep"] == "971"]
    per_inhabitant = (
        gua["nbr"].sum()
        / etalab.loc[etalab["departement"] == "971", "population"].sum()
    )
    assert per_inhabitant > 1.0
    assert gua["inel_hd"].sum() / gua["nbr"].sum() == pytest.approx(0.41, abs=0.01)
    found = plausibility.flags(atlas.territories)
    deps = found[found["level"] == "departement"]
    assert set(deps["code"]) == {"971", "973", "976"}
    assert set(deps.loc[deps["code"] == "971", "rule"]) == {
        "premises_per_inhabitant",
        "ineligible_share",
    }
    basse_terre = atlas.level("commune").loc["97105"]
    notes = plausibility.flags_for(atlas.territories, basse_terre, "en")
    assert notes and "Guadeloupe" in notes[0]
    assert atlas.quality["plausibility"]  # in the quality report too


# -------------------------------------------------------------- 8. quality details
def test_quality_details_list_every_row(atlas, raw_arcep, etalab, tmp_path, capsys):
    details = atlas.quality_details()
    arcep = raw_arcep
    current = set(etalab["code"])
    old = {c for codes in etalab["anciensCodes"].dropna() for c in codes}
    unknown = sorted(set(arcep["code_insee"]) - current - old)
    listed = details[details["source"] == "arcep_fixed_2019"]
    assert set(unknown) <= set(listed["record"])
    recreated = {"14666", "15031", "15035", "15047", "15171", "85165", "85212"}
    absent = listed[listed["reason"].str.startswith("absent")]
    assert recreated == set(absent["record"]) == recreated & current
    mobile = details[details["source"] == "arcep_mobile_sites"]
    outside = atlas.quality["sources"]["arcep_mobile_sites"]
    assert (
        mobile["reason"].str.startswith("4G site outside").sum()
        == outside["sites_4g_outside_any_commune"]
    )
    unplaced = details[details["reason"].str.startswith("not placed")]
    assert len(unplaced) == atlas.quality["sources"]["mediation_sites"]["not_placed"]
    assert main(["quality", "--details", "-o", str(tmp_path / "q.csv")]) == 0
    written = pd.read_csv(tmp_path / "q.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(written, details)
    assert main(["quality", "--details", "-o", "/dev/full"]) == 2
    assert "cannot write" in capsys.readouterr().err


# --------------------------------------------------------------- 9. portable floats
def test_floats_written_to_json_are_rounded(atlas):
    from divide.build.atlas import JSON_DIGITS, portable_floats

    assert portable_floats({"a": [1.1282662130198666]}) == {"a": [1.128266213]}
    assert portable_floats(1.1282662130198666) == portable_floats(1.1282662130198867)
    text = (atlas.path / "quality.json").read_text(encoding="utf-8")
    digits = [len(m.replace(".", "").lstrip("0")) for m in _floats(text)]
    assert max(digits) <= JSON_DIGITS


def _floats(text: str) -> list[str]:
    import re

    return re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", text)
