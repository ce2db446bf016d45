"""The newer mediation sources (issue 14): conseiller numérique host structures of
2023-04-05, Aidants Connect structures of 2024-02-12, people accompanied by postcode
(2023-07), the cohésion numérique operators (2024).

Reader tests on the committed fixtures (tests/data/sites/mediation,
tests/data/mediation_use; see their README) and on the real files; figure tests that
recompute the atlas's numbers from the raw files with plain pandas.
"""

from __future__ import annotations

import json

import folium
import pandas as pd
import pytest

from divide.build.readers import mediation as med
from divide.build.readers.cohesion import read_cohesion_operators
from divide.build.readers.mediation_use import (
    AGE_BANDS,
    MALFORMED,
    read_conum_activity,
    read_postcodes,
)
from divide.errors import SourceError
from divide.i18n import t
from divide.recommend import cohesion_offers, recommend_json

CNFS = "anct_cnfs_structures_2023-04-05.csv"
AIDANTS = "aidants-connect_structures_2024-02-12.csv"
CRA = "anct_conum_cra_par_code_postal_2023-07-17.csv"
POSTCODES = "laposte_hexasmal_codes_postaux_gps.csv"
OPERATORS = "anct_cohesion_numerique_operateurs_departement_2024.geojson"
FIXED_RULES = {"thd_below_region", "thd_bottom_quintile"}


@pytest.fixture(scope="module")
def sites_dir(fixtures):
    return fixtures / "sites" / "mediation"


@pytest.fixture(scope="module")
def use_dir(fixtures):
    return fixtures / "mediation_use"


# ------------------------------------------------------------------ fixtures


def test_cnfs_2023_fixture(sites_dir):
    path = sites_dir / CNFS
    df = med.read_cnfs_structures_2023(path)
    plain = pd.read_csv(path, sep=";", dtype=str)
    assert df.attrs["rows_read"] == len(plain) == len(df)
    posts = pd.to_numeric(plain["Nombre de conseillers validés par le COSELEC"])
    assert df["posts"].sum() == posts.sum()
    # Codes stay text; a code that lost its leading zero gets it back.
    assert df["commune_code"].str.fullmatch(r"[0-9][0-9AB]\d{3}").all()
    short = plain["Code commune INSEE"].str.len() == 4
    assert short.any()
    assert set(df.loc[short.to_numpy(), "commune_code"]) == set(
        plain.loc[short, "Code commune INSEE"].str.zfill(5)
    )
    # The name column is a name, never taken as the code.
    assert not df["commune_code"].isin(plain["Commune INSEE"]).any()
    assert set(df["kind"]) == {"conseiller_numerique"}
    fs = plain["France services"].str.lower().eq("oui").to_numpy()
    assert df.loc[fs, "kinds"].str.contains("france_services").all()
    assert df["siret"].str.fullmatch(r"\d{14}").all()
    assert df["lat"].isna().all()  # no coordinates in the file


def test_cnfs_2023_bom_and_missing_column(sites_dir, tmp_path):
    data = (sites_dir / CNFS).read_bytes()
    bom = tmp_path / CNFS
    bom.write_bytes(b"\xef\xbb\xbf" + data)
    plain = med.read_cnfs_structures_2023(sites_dir / CNFS)
    pd.testing.assert_frame_equal(med.read_cnfs_structures_2023(bom), plain)
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data.replace(b"Nombre de conseillers", b"Nb de conseillers", 1))
    with pytest.raises(SourceError, match="Nombre de conseillers"):
        med.read_cnfs_structures_2023(cut)


def test_aidants_connect_fixture(sites_dir):
    path = sites_dir / AIDANTS
    df = med.read_aidants_connect(path)
    plain = pd.read_csv(path, dtype=str)
    assert df.attrs["rows_read"] == len(plain)
    # Siret written as a float comes back as 14 digits of text.
    siret = plain["Siret"].dropna().str.replace(r"\.0$", "", regex=True).str.zfill(14)
    assert set(siret) <= set(df["siret"].dropna())
    assert df["active"].sum() == (plain["Is Active"] == "true").sum()
    assert (plain["Is Active"] == "false").sum() == 2
    assert set(df["kind"]) == {"aidants_connect"}
    active = med.active_aidants(df)
    assert len(active) == len(df) - 2 and active["active"].all()
    assert active.attrs["dropped"][med.INACTIVE] == 2
    gone = {r["record"] for r in active.attrs["dropped_rows"]}
    assert gone == set(df.loc[~df["active"], "site_id"])
    users = pd.to_numeric(plain["Question 110 → Nombre D'usagers Uniques"])
    assert df["users"].sum() == users.sum()


def test_read_all_sites_has_the_new_sources(fixtures):
    sites, report = med.read_all_sites(fixtures / "sites")
    assert "cnfs_structures_2021" not in report["rows_read"]
    assert report["rows_read"]["cnfs_structures_2023"] == 44
    assert report["rows_read"]["aidants_connect_2024"] == 14
    assert report["dropped"]["aidants_connect_2024"][med.INACTIVE] == 2
    assert "aidants_connect" in set(sites["kinds"].str.split(";").explode())
    # France Services only from the official list: the structures' flags are claims.
    fs = sites["kinds"].str.contains("france_services")
    assert sites.loc[fs, "sources"].str.contains(med.OFFICIAL_FRANCE_SERVICES).all()
    assert "aidants_connect" in med.MEDIATION_KINDS


def test_conum_activity_fixture(use_dir):
    path = use_dir / CRA
    df = read_conum_activity(path)
    plain = pd.read_csv(path, dtype=str)
    good = plain["CodePostal"].str.fullmatch(r"\d{5}")
    assert df.attrs["rows_read"] == len(plain)
    assert len(df) == good.sum() and len(df.attrs["malformed"]) == (~good).sum()
    assert all(r["reason"] == MALFORMED for r in df.attrs["malformed"])
    assert any("' 0400'" in r["record"] for r in df.attrs["malformed"])
    assert "00400" not in set(df["postcode"])  # never zero-filled into a code
    ages = plain.loc[good, list(AGE_BANDS.values())].astype(float).sum(axis=1)
    assert df["people"].tolist() == ages.tolist()


def test_postcodes_and_operators_fixture(use_dir):
    codes = read_postcodes(use_dir / POSTCODES)
    assert codes["postcode"].str.fullmatch(r"\d{5}").all()
    assert codes["commune_code"].str.len().eq(5).all()
    operators = read_cohesion_operators(use_dir / OPERATORS)
    raw = json.loads((use_dir / OPERATORS).read_text(encoding="utf-8"))
    assert operators.attrs["rows_read"] == len(raw["features"])
    assert set(operators["departement"]) == {"29", "48", "23", "2A"}
    finistere = {
        f["properties"][f"opérateur{n}"]
        for f in raw["features"]
        if f["properties"]["insee_dep"] == "29"
        for n in range(1, 8)
        if f["properties"].get(f"opérateur{n}")
    }
    assert set(operators.loc[operators["departement"] == "29", "operator"]) == finistere


def test_bad_operator_file(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    with pytest.raises(SourceError, match="FeatureCollection"):
        read_cohesion_operators(path)


# ------------------------------------------------------------------ real files


@pytest.mark.realdata
def test_real_files(raw_dir):
    cnfs = med.read_cnfs_structures_2023(raw_dir / "mediation" / CNFS)
    assert len(cnfs) == 2889 and cnfs["posts"].sum() == 3925
    aidants = med.read_aidants_connect(raw_dir / "mediation" / AIDANTS)
    assert len(aidants) == 5227 and aidants["active"].sum() == 5181
    assert aidants["kinds"].str.contains("france_services").sum() == 1049
    activity = read_conum_activity(raw_dir / "mediation" / CRA)
    assert activity.attrs["rows_read"] == 4812
    spaced = [r for r in activity.attrs["malformed"] if "' " in r["record"]]
    assert len(spaced) >= 5  # " 0400", " 2817", ...
    operators = read_cohesion_operators(raw_dir / "context" / OPERATORS)
    assert (
        operators.attrs["rows_read"] == 208 and operators.attrs["departements"] == 104
    )


# ------------------------------------------------------------- atlas figures


def _value(atlas, level, code, column):
    return float(atlas.territory(level, code)[column])


@pytest.mark.realdata
def test_posts_in_finistere(atlas, raw_dir):
    raw = pd.read_csv(raw_dir / "mediation" / CNFS, sep=";", dtype=str)
    code = raw["Code commune INSEE"].str.zfill(5)
    posts = pd.to_numeric(raw["Nombre de conseillers validés par le COSELEC"])
    expected = posts[code.str[:2] == "29"].sum()
    assert _value(atlas, "departement", "29", "v_cnfs_posts") == expected
    # Saint-Martin (978) is not in the atlas (COG 2026 communes of France only).
    in_atlas = ~code.str.startswith(("977", "978"))
    assert _value(atlas, "france", "FR", "v_cnfs_posts") == posts[in_atlas].sum()
    report = atlas.quality["sources"]["cnfs_structures_2023"]
    assert report["posts"] == posts.sum() and report["rows_read"] == len(raw)
    assert report["unmatched_codes"] == sorted(code[~in_atlas])


@pytest.mark.realdata
def test_active_aidants_in_pyrenees_atlantiques(atlas, raw_dir):
    raw = pd.read_csv(raw_dir / "mediation" / AIDANTS, dtype=str)
    active = raw["Is Active"] == "true"
    code = raw["City Insee Code"]
    # Without a code, the postcode's département (placed by postcode and name).
    in_64 = code.fillna(raw["Zip Code"]).str.startswith("64")
    assert (
        _value(atlas, "departement", "64", "v_aidants_connect_sites")
        == (active & in_64).sum()
    )
    report = atlas.quality["sources"]["aidants_connect_2024"]
    assert report["inactive_not_counted"] == (~active).sum()


@pytest.mark.realdata
def test_people_accompanied_split_by_population(atlas, raw_dir):
    cra = pd.read_csv(raw_dir / "mediation" / CRA, dtype=str)
    poste = pd.read_csv(raw_dir / "geo" / POSTCODES, sep=";", dtype=str)
    pairs = poste[["Code_postal", "Code_commune_INSEE"]].drop_duplicates()
    per_commune = pairs.groupby("Code_commune_INSEE").size()
    communes = atlas.level("commune")
    # A postcode over several current communes that have no other postcode.
    for postcode, group in pairs.groupby("Code_postal"):
        codes = list(group["Code_commune_INSEE"])
        if (
            len(codes) >= 2
            and postcode in set(cra["CodePostal"])
            and all(per_commune.get(c) == 1 for c in codes)
            and all(c in communes.index for c in codes)
        ):
            break
    row = cra[cra["CodePostal"] == postcode].iloc[0]
    people = sum(float(row[c]) for c in AGE_BANDS.values())
    population = communes.loc[codes, "population"].astype(float)
    for code in codes:
        expected = people * population[code] / population.sum()
        got = float(communes.loc[code, "people_accompanied"])
        assert got == pytest.approx(expected, abs=0.005)  # stored to cents
    report = atlas.quality["sources"]["conum_activity_2023"]
    assert report["rows_read"] == len(cra)
    bad = ~cra["CodePostal"].str.fullmatch(r"\d{5}")
    assert report["malformed_postcodes"] == bad.sum()
    details = atlas.quality_details()
    listed = details[details["source"] == "conum_activity_2023"]
    assert (listed["reason"] == MALFORMED).sum() == bad.sum()


@pytest.mark.realdata
def test_cohesion_operators_in_the_diagnosis(atlas, raw_dir):
    raw = json.loads((raw_dir / "context" / OPERATORS).read_text(encoding="utf-8"))
    lozere = {
        f["properties"][f"opérateur{n}"].strip()
        for f in raw["features"]
        if f["properties"]["insee_dep"] == "48"
        for n in range(1, 8)
        if f["properties"].get(f"opérateur{n}")
    }
    assert set(cohesion_offers(atlas, "departement", "48")["operator"]) == lozere
    # A commune gets its département's operators.
    assert set(cohesion_offers(atlas, "commune", "48095")["operator"]) == lozere
    assert cohesion_offers(atlas, "france", None).empty
    creuse = {
        f["properties"][f"opérateur{n}"].strip()
        for f in raw["features"]
        if f["properties"]["insee_dep"] == "23"
        for n in range(1, 8)
        if f["properties"].get(f"opérateur{n}")
    }
    for lang in ("fr", "en"):
        # Lozère: no fixed-network rule fires, so no cohésion numérique initiative.
        data = recommend_json(atlas, "departement", "48", lang)
        assert not {r["rule"] for r in data["fired"]} & FIXED_RULES
        assert "cohesion_numerique" not in {i["id"] for i in data["initiatives"]}
        # Creuse: among the fifth least covered, its operators are listed.
        data = recommend_json(atlas, "departement", "23", lang)
        assert {r["rule"] for r in data["fired"]} & FIXED_RULES
        init = {i["id"]: i for i in data["initiatives"]}["cohesion_numerique"]
        assert {o["operator"] for o in init["operators"]} == creuse
        assert all(name in init["operators_text"] for name in creuse)


@pytest.mark.realdata
def test_unmatched_rows_are_listed(atlas, raw_dir):
    details = atlas.quality_details()
    communes = set(atlas.level("commune").index)
    raw = pd.read_csv(raw_dir / "mediation" / CNFS, sep=";", dtype=str)
    code = raw["Code commune INSEE"].str.zfill(5)
    outside = code[~code.isin(communes)]
    # Codes of communes that merged are matched through the code map, not listed.
    retired = set(pd.read_csv(atlas.path / "code_map.csv", dtype=str)["old"])
    lost = outside[~outside.isin(retired)]
    listed = details[
        (details["source"] == "cnfs_structures_2023")
        & details["reason"].str.startswith("commune code not in COG 2026")
    ]
    assert sorted(listed["commune"]) == sorted(lost) and len(lost) > 0
    geo = json.loads((raw_dir / "context" / OPERATORS).read_text(encoding="utf-8"))
    deps = {f["properties"]["insee_dep"] for f in geo["features"]}
    known = set(atlas.level("departement").index)
    listed = details[details["source"] == "cohesion_operators_2024"]
    assert sorted(listed["record"]) == sorted(deps - known)


# ------------------------------------- posts on site rows, sites placed by postcode
def _cnfs_posts(path) -> pd.Series:
    """Posts per structure, by the structure's site id, with plain pandas."""
    raw = pd.read_csv(path, sep=";", dtype=str)
    siret = raw["SIRET"].str.replace(r"\.0+$", "", regex=True).str.zfill(14)
    posts = pd.to_numeric(raw["Nombre de conseillers validés par le COSELEC"])
    return pd.Series(posts.to_numpy(), index="cnfs_structures_2023:" + siret)


def test_posts_are_kept_on_site_rows(fixtures, sites_dir):
    sites, report = med.read_all_sites(fixtures / "sites")
    expected = _cnfs_posts(sites_dir / CNFS)
    # A structure merged into another source's row gives its posts to that row.
    owner = {
        gone: kept
        for kept, gones in report["dedup"]["absorbed"].items()
        for gone in gones
    }
    posts = sites.set_index("site_id")["posts"]
    for site_id, n in expected.items():
        assert posts[owner.get(site_id, site_id)] == n, site_id
    assert posts.sum() == expected.sum()
    assert (
        posts[~posts.index.isin([owner.get(s, s) for s in expected.index])].isna().all()
    )


@pytest.mark.realdata
def test_posts_on_the_atlas_site_rows(atlas, raw_dir):
    from divide import maps, sheet

    expected = _cnfs_posts(raw_dir / "mediation" / CNFS)
    sites = atlas.sites.set_index("site_id")
    own = sites.index[sites.index.isin(expected.index)]
    assert len(own) > 1000
    assert sites.loc[own, "posts"].tolist() == expected[own].tolist()
    # Every post of a structure that reached a site row is on one.
    assert sites["posts"].sum() <= expected.sum()
    assert sites["posts"].sum() > 0.95 * expected.sum()
    big = expected[own].idxmax()
    row = atlas.sites[atlas.sites["site_id"] == big]
    n = int(expected[big])
    assert f"{n} conseiller numérique posts" in maps.site_note(row.iloc[0], "en")
    assert f"{n} postes de conseiller numérique" in maps.site_note(row.iloc[0], "fr")
    table = sheet.sites_table(atlas, row, "fr")
    assert table.iloc[0, 1].endswith(f" · {n} postes de conseiller numérique")
    fmap = folium.Map()
    maps.add_sites(fmap, row, {}, "sites", "fr")
    # The popup rows are JSON in the page (é written \u00e9).
    note = json.dumps(maps.site_note(row.iloc[0], "fr"))
    assert note.startswith(f'"{n} postes') and note in fmap.get_root().render()


@pytest.mark.realdata
def test_aidants_placed_by_postcode_are_on_the_map(atlas, raw_dir):
    from divide import maps

    raw = pd.read_csv(raw_dir / "mediation" / AIDANTS, dtype=str)
    no_code = raw[(raw["Is Active"] == "true") & raw["City Insee Code"].isna()]
    ids = "aidants_connect_2024:" + no_code["ID"]
    sites = atlas.sites[atlas.sites["site_id"].isin(ids)]
    report = atlas.quality["sources"]["mediation_sites"]
    assert len(sites) == report["placed_by_postcode_and_name"] >= 150
    # At their commune's representative point, flagged as such.
    communes = atlas.level("commune")
    assert (sites["located_by"] == "commune point").all()
    assert sites["lon"].tolist() == communes.loc[sites["commune"], "lon"].tolist()
    assert sites["lat"].tolist() == communes.loc[sites["commune"], "lat"].tolist()
    # The commune is one of the row's postcode's communes.
    zips = no_code.set_index("aidants_connect_2024:" + no_code["ID"])["Zip Code"]
    for row in sites.itertuples():
        assert zips[row.site_id] in str(communes.loc[row.commune, "postcodes"])
    note = maps.site_note(sites.iloc[0], "fr")
    assert t("site_at_commune_point", "fr") in note
    assert "placed at the commune's centre" in maps.site_note(sites.iloc[0], "en")
    details = atlas.quality_details()
    listed = details[
        details["reason"].str.startswith("no commune code nor coordinates")
    ]
    assert sorted(listed["record"]) == sorted(sites["site_id"])
    # Not placed: only what neither the code, a point nor the postcode places.
    assert not set(report["not_placed_ids"]) & set(sites["site_id"])
    assert (
        report["at_commune_point"]
        == (atlas.sites["located_by"] == "commune point").sum()
    )
