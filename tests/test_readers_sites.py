"""Readers of point data: mobile antenna sites and digital-mediation places."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pandas as pd
import pytest

from divide.build.readers import mediation as med
from divide.build.readers._checks import in_france
from divide.build.readers.mediation import (
    COLUMNS,
    FILES,
    KINDS,
    deduplicate_sites,
    normalise_name,
    read_all_sites,
    read_bfc_hub,
    read_cnfs_structures,
    read_france_services,
    read_libraries,
    read_lieux_mediation,
)
from divide.build.readers.mobile import (
    read_mobile_sites_mainland,
    read_mobile_sites_overseas,
)
from divide.errors import SourceError

MAINLAND = "arcep_2018_01_Sites_mobiles_2G_3G_4G_France_metropolitaine_L93.csv"
MOBILE_COLUMNS = [
    "operator",
    "operator_name",
    "lon",
    "lat",
    "has_2g",
    "has_3g",
    "has_4g",
    "territory",
    "vintage",
]
OVERSEAS_ROWS = {
    "GUA": 513,
    "GUY": 266,
    "MAR": 484,
    "MAY": 149,
    "REU": 1029,
    "STB": 22,
    "STM": 41,
}
ROWS_READ = {
    "france_services_2024": 2845,
    "cnfs_permanences_2022": 4930,
    "data_inclusion_2023": 3811,
    "cnfs_structures_2023": 2889,
    "aidants_connect_2024": 5227,
    "libraries_culture": 15779,
    "mednum_bfc": 697,
}


@pytest.fixture(scope="module")
def sites_dir(fixtures):
    return fixtures / "sites"


@pytest.fixture(scope="module")
def mediation_dir(sites_dir):
    return sites_dir / "mediation"


def _copy(src, dst, edit=None, encoding="utf-8"):
    """Write a (possibly edited) copy of a fixture; return its path."""
    text = src.read_text(encoding="utf-8")
    if edit is not None:
        text = edit(text)
    dst.write_bytes(text.encode(encoding))
    return dst


def _check_table(df):
    settled = ["claims", "claimed_by"] if "claims" in df.columns else []
    joined = ["posts"] if "posts" in df.columns else []  # after the merge of places
    assert list(df.columns) == COLUMNS + settled + joined
    assert df["site_id"].is_unique
    assert set(df["kind"]) <= set(KINDS)
    for kinds in df["kinds"]:
        assert set(kinds.split(";")) <= set(KINDS)
    for column in ("postcode", "commune_code"):
        codes = df[column].dropna()
        assert all(isinstance(c, str) and len(c) == 5 for c in codes), column
    known = df["lat"].notna()
    assert (df["lat"].isna() == df["lon"].isna()).all()
    assert in_france(df.loc[known, "lon"], df.loc[known, "lat"]).all()
    located = df["lat"].notna() | df["postcode"].notna() | df["commune_code"].notna()
    assert located.all()


# ------------------------------------------------------------------------- mobile


def test_mainland_sites_fixture(sites_dir):
    df = read_mobile_sites_mainland(sites_dir / "mobile" / MAINLAND)
    assert list(df.columns) == MOBILE_COLUMNS
    assert len(df) == 20  # 21 rows, one with "#N/A" coordinates
    assert df.attrs["dropped"] == {"no coordinates": 1}
    first = df.iloc[0]
    assert first["operator"] == "20801" and first["operator_name"] == "Orange"
    # Lambert-93 (102980, 6847973) is near Ouessant, Finistère.
    assert first["lon"] == pytest.approx(-5.08886, abs=1e-4)
    assert first["lat"] == pytest.approx(48.45658, abs=1e-4)
    assert df["operator_name"].isin(["Orange", "SFR", "Free", "Bouygues Telecom"]).all()
    assert [str(df[c].dtype) for c in ("has_2g", "has_3g", "has_4g")] == ["bool"] * 3
    assert set(df["territory"]) == {"mainland"} and set(df["vintage"]) == {"2018-01"}
    assert isinstance(df["operator"].iloc[0], str)


def test_overseas_sites_fixture(sites_dir):
    reu = read_mobile_sites_overseas(
        sites_dir / "mobile" / "arcep_monreseaumobile_sites_REU_2020_T2.csv"
    )
    assert list(reu.columns) == MOBILE_COLUMNS
    assert len(reu) == 12 and reu.attrs["dropped"] == {"no coordinates": 0}
    assert set(reu["territory"]) == {"REU"} and set(reu["vintage"]) == {"2020-Q2"}
    assert set(reu["operator_name"]) == {"Orange", "Free", "Zeop", "SFR Réunion"}
    zeop = reu[reu["operator"] == "64704"]
    assert not zeop["has_2g"].any() and zeop["has_4g"].all()
    stm = read_mobile_sites_overseas(
        sites_dir / "mobile" / "arcep_monreseaumobile_sites_STM_2020_T2.csv"
    )
    assert "Dauphin Telecom" in set(stm["operator_name"])
    assert stm["lat"].between(18.0, 18.2).all()


def test_overseas_territory_from_argument(sites_dir, tmp_path):
    src = sites_dir / "mobile" / "arcep_monreseaumobile_sites_STM_2020_T2.csv"
    path = _copy(src, tmp_path / "sites.csv")
    with pytest.raises(SourceError, match="territory"):
        read_mobile_sites_overseas(path)
    df = read_mobile_sites_overseas(path, territory="STM", vintage="2020-Q2")
    assert set(df["territory"]) == {"STM"}
    with pytest.raises(SourceError, match="unknown territory 'XYZ'"):
        read_mobile_sites_overseas(path, territory="XYZ", vintage="2020-Q2")


@pytest.mark.parametrize(
    ("edit", "line", "column", "message"),
    [
        (lambda t: t.replace("102980", "1O2980", 1), 2, "x", "not a number"),
        (lambda t: t.replace("102980;6847973", "2.35;48.85", 1), 2, "x, y", "outside"),
        (lambda t: t.replace(";1;1;0\n", ";2;1;0\n", 1), 2, "2G", "0/1"),
        (lambda t: t.replace(";1;1;0\n", ";;1;0\n", 1), 2, "2G", "empty cell"),
        (lambda t: t.replace("20801;", "Orange;", 1), 2, "Operateur", "MCC-MNC"),
    ],
)
def test_mainland_bad_cells(sites_dir, tmp_path, edit, line, column, message):
    path = _copy(sites_dir / "mobile" / MAINLAND, tmp_path / MAINLAND, edit)
    with pytest.raises(SourceError, match=message) as info:
        read_mobile_sites_mainland(path)
    assert info.value.file == MAINLAND
    assert info.value.row == line and info.value.column == column


def test_overseas_point_outside_territory(sites_dir, tmp_path):
    name = "arcep_monreseaumobile_sites_REU_2020_T2.csv"

    def swap(text):  # latitude and longitude exchanged on the third data line
        lines = text.split("\n")
        op, x, y, *flags = lines[3].split(";")
        lines[3] = ";".join([op, y, x, *flags])
        return "\n".join(lines)

    path = _copy(sites_dir / "mobile" / name, tmp_path / name, swap)
    with pytest.raises(SourceError, match="outside territory REU") as info:
        read_mobile_sites_overseas(path)
    assert info.value.row == 4 and info.value.column == "X, Y"


def test_mobile_structural_errors(sites_dir, tmp_path):
    src = sites_dir / "mobile" / MAINLAND
    comma = _copy(src, tmp_path / MAINLAND, lambda t: t.replace(";", ","))
    # "," is a valid separator: the file reads the same.
    assert len(read_mobile_sites_mainland(comma)) == 20
    tabs = tmp_path / "arcep_2018_01_tabs.csv"
    tabs.write_text(src.read_text().replace(";", " "))
    with pytest.raises(SourceError, match="separator") as info:
        read_mobile_sites_mainland(tabs)
    assert info.value.file == tabs.name
    missing = tmp_path / "arcep_2018_01_missing.csv"
    missing.write_text(src.read_text().replace("4G", "LTE"))
    with pytest.raises(SourceError, match=r"missing column.*4G"):
        read_mobile_sites_mainland(missing)
    garbage = tmp_path / "arcep_2018_01_garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(SourceError, match="binary"):
        read_mobile_sites_mainland(garbage)
    undated = tmp_path / "sites.csv"
    undated.write_text(src.read_text())
    with pytest.raises(SourceError, match="vintage"):
        read_mobile_sites_mainland(undated)
    assert set(read_mobile_sites_mainland(undated, vintage="2018-01")["vintage"]) == {
        "2018-01"
    }


# -------------------------------------------------------------- mediation readers


def test_france_services_fixture(mediation_dir):
    df = read_france_services(mediation_dir / FILES["france_services_2024"])
    _check_table(df)
    assert len(df) == 28 and df.attrs["rows_read"] == 28 and df.attrs["dropped"] == {}
    assert set(df["kind"]) == {"france_services"}
    assert set(df["source"]) == {"france_services_2024"}
    assert set(df["date"]) == {"2024-08-01"}
    assert df["commune_code"].notna().all() and df["lat"].notna().all()
    row = df.set_index("site_id").loc["france_services_2024:2632"]
    assert row["address"] == "27 Avenue Robert Schuman"  # quoted "\n\n\n" stripped
    assert row["commune_code"] == "59410" and row["postcode"] == "59370"


def test_cnfs_permanences_fixture(mediation_dir):
    df = read_lieux_mediation(
        mediation_dir / FILES["cnfs_permanences_2022"], "cnfs_permanences_2022"
    )
    _check_table(df)
    assert len(df) == 19 and df.attrs["dropped"] == {}
    assert set(df["kind"]) == {"conseiller_numerique"}
    assert df["site_id"].str.startswith("cnfs_permanences_2022:").all()
    assert df["commune_code"].isna().all()  # the file has no INSEE code
    assert df["lat"].isna().sum() == 2  # kept: they have a postcode
    both = df[df["kinds"] == "france_services;conseiller_numerique"]
    assert len(both) >= 1  # labels "CNFS;France Services"
    assert df["services"].notna().all() and df["date"].str.match(r"2022-").all()


def test_data_inclusion_fixture(mediation_dir):
    df = read_lieux_mediation(
        mediation_dir / FILES["data_inclusion_2023"], "data_inclusion_2023"
    )
    _check_table(df)
    assert len(df) == 17
    ids = set(df["site_id"])
    # id 1003 is used by two unrelated records (Hinaura and siao).
    assert {"data_inclusion_2023:1003@Hinaura", "data_inclusion_2023:1003@siao"} <= ids
    assert df["commune_code"].isna().sum() == 2  # no code_insee, postcode kept
    by_id = df.set_index("site_id")
    cnfs = by_id.loc["data_inclusion_2023:62b01f558255a806e299dedd"]
    assert cnfs["kind"] == "conseiller_numerique"  # record source conseiller-numerique
    assert by_id.loc["data_inclusion_2023:1003@Hinaura", "kind"] == "other"


def test_lieux_csv_and_minimal_records(mediation_dir, tmp_path):
    src = mediation_dir / FILES["data_inclusion_2023"]
    records = json.loads(src.read_text(encoding="utf-8"))
    path = tmp_path / "mes_lieux.csv"
    pd.DataFrame(records).to_csv(path, sep=";", index=False)
    from_csv = read_lieux_mediation(path, "mine")
    from_json = read_lieux_mediation(src, "mine")
    pd.testing.assert_frame_equal(from_csv, from_json)

    minimal = tmp_path / "minimal.json"
    minimal.write_text(
        json.dumps(
            [
                {"nom": "Espace numérique", "code_postal": "1000"},
                {"nom": "Tiers-lieu", "latitude": 45.2, "longitude": 5.7},
                {"nom": "Nulle part"},
                {"nom": "", "code_postal": "38000"},
                {
                    "nom": "Au large",
                    "code_postal": "38000",
                    "latitude": 0,
                    "longitude": 0,
                },
                {"nom": "Inversé", "latitude": 5.72, "longitude": 45.18},
            ]
        )
    )
    df = read_lieux_mediation(minimal, "mine")
    _check_table(df)
    assert df["name"].tolist() == [
        "Espace numérique",
        "Tiers-lieu",
        "Au large",
        "Inversé",
    ]
    assert df["postcode"].iloc[0] == "01000"  # leading zero restored
    assert df["site_id"].tolist()[:2] == ["mine:1", "mine:2"]  # record numbers
    assert df.attrs["dropped"] == {
        "coordinates outside France": 1,
        "no name": 1,
        "no coordinates, commune code or postcode": 1,
    }
    assert df.attrs["fixed"] == {"coordinates swapped": 1}
    swapped = df.iloc[3]
    assert (swapped["lat"], swapped["lon"]) == (45.18, 5.72)
    assert np.isnan(df.iloc[2]["lat"])  # kept for its postcode, coordinates dropped


def test_lieux_structural_errors(mediation_dir, tmp_path):
    def write(name, content):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    with pytest.raises(SourceError, match="invalid JSON") as info:
        read_lieux_mediation(write("bad.json", '[\n{"nom": "A",\n "x" 1}\n]'), "s")
    assert info.value.file == "bad.json" and info.value.row == 3
    with pytest.raises(SourceError, match=r"array of objects.*found an object"):
        read_lieux_mediation(write("obj.json", '{"nom": "A"}'), "s")
    with pytest.raises(SourceError, match="record 2 is a str"):
        read_lieux_mediation(write("mixed.json", '[{"nom": "A"}, "B"]'), "s")
    with pytest.raises(SourceError, match="binary"):
        read_lieux_mediation(write("garbage.json", b"\x00\x01\x02" * 100), "s")
    with pytest.raises(SourceError, match="invalid JSON"):
        read_lieux_mediation(write("noise.json", b"\xff\xfe[{]]" * 50), "s")
    with pytest.raises(SourceError, match=r"missing key.*nom"):
        read_lieux_mediation(
            write("nonom.json", '[{"name": "A", "code_postal": "1"}]'), "s"
        )
    with pytest.raises(SourceError, match="needs at least one way to locate"):
        read_lieux_mediation(write("noloc.json", '[{"nom": "A", "adresse": "x"}]'), "s")
    text = '[\n {"nom": "A", "latitude": 45.1, "longitude": 5.7},\n'
    text += ' {"nom": "B", "latitude": "45,2", "longitude": 5.7},\n'
    text += ' {"nom": "C", "latitude": "quarante", "longitude": 5.7}\n]'
    with pytest.raises(SourceError, match=r"record 3.*not a number") as info:
        read_lieux_mediation(write("nan.json", text), "s")
    assert info.value.row == 4 and info.value.column == "latitude"
    with pytest.raises(SourceError, match="not found"):
        read_lieux_mediation(tmp_path / "absent.json", "s")


def test_cnfs_structures_fixture(mediation_dir):
    # The 2021-06 list, superseded by the 2023-04-05 one (its reader is kept).
    df = read_cnfs_structures(mediation_dir / "anct_cnfs_structures_2021-06.json")
    _check_table(df)
    # Two placeholder records (name "0", dummy geocode at Nas) are dropped.
    assert df.attrs["rows_read"] == 13 and df.attrs["dropped"] == {"no name": 2}
    assert len(df) == 11 and "0" not in set(df["name"])
    by_id = df.set_index("site_id")
    noirmoutier = by_id.loc["cnfs_structures_2021:1396"]  # integer latitude 47
    assert noirmoutier["lat"] == 47.0 and noirmoutier["commune_code"] == "85163"
    assert by_id.loc["cnfs_structures_2021:209", "kinds"] == (
        "france_services;conseiller_numerique"
    )
    assert set(df["kind"]) == {"conseiller_numerique"}
    assert df["date"].str.fullmatch(r"2021-\d\d-\d\d").all()


def test_libraries_fixture_and_latin1(mediation_dir, tmp_path):
    src = mediation_dir / FILES["libraries_culture"]
    df = read_libraries(src)
    _check_table(df)
    assert len(df) == 17 and set(df["kind"]) == {"library"}
    assert df["lat"].isna().sum() == 2  # no coordinates, kept for the INSEE code
    by_id = df.set_index("site_id")
    assert by_id.loc["libraries_culture:8724", "lat"] == pytest.approx(49.609493)
    assert by_id.loc["libraries_culture:8724", "lon"] == pytest.approx(2.705751)

    latin1 = _copy(src, tmp_path / "latin1.csv", encoding="latin-1")
    pd.testing.assert_frame_equal(read_libraries(latin1), df)

    floats = _copy(
        src, tmp_path / "floats.csv", lambda t: t.replace(";60093;", ";1001.0;")
    )
    assert read_libraries(floats)["commune_code"].iloc[0] == "01001"

    bad = _copy(
        src, tmp_path / "bad.csv", lambda t: t.replace("49.609493,2.705751", "49.6")
    )
    with pytest.raises(SourceError, match="latitude,longitude") as info:
        read_libraries(bad)
    assert info.value.row == 2 and info.value.column == "coordonnees_finales"
    word = _copy(src, tmp_path / "word.csv", lambda t: t.replace("49.609493,", "nord,"))
    with pytest.raises(SourceError, match="not a number") as info:
        read_libraries(word)
    assert info.value.row == 2 and info.value.column == "coordonnees_finales"
    nocol = _copy(src, tmp_path / "nocol.csv", lambda t: t.replace("INSEE", "CODE_COM"))
    with pytest.raises(SourceError, match=r"missing column.*INSEE"):
        read_libraries(nocol)
    colon = _copy(src, tmp_path / "colon.csv", lambda t: t.replace(";", ":"))
    with pytest.raises(SourceError, match="separator") as info:
        read_libraries(colon)
    assert info.value.file == "colon.csv"


def test_bfc_fixture(mediation_dir):
    df = read_bfc_hub(mediation_dir / FILES["mednum_bfc"])
    _check_table(df)
    assert len(df) == 16 and df["commune_code"].isna().all()
    by_id = df.set_index("site_id")
    assert by_id.loc["mednum_bfc:mednumBFC_TL_76", "kind"] == "france_services"  # MFS
    assert by_id.loc["mednum_bfc:mednumBFC_TL_101", "kind"] == "other"  # MSAP only
    assert by_id.loc["mednum_bfc:mednumBFC_TL_1", "date"] == "2021-03-02"
    assert by_id.loc["mednum_bfc:mednumBFC_TL_96", "date"] == "2022-12"  # no date


# -------------------------------------------------------------------- deduplication


def _site(site_id, name, source, lat=np.nan, lon=np.nan, kind="other", **extra):
    row = dict.fromkeys(COLUMNS, pd.NA)
    row.update(
        site_id=f"{source}:{site_id}",
        name=name,
        kind=kind,
        kinds=kind,
        lat=lat,
        lon=lon,
        source=source,
        sources=source,
        date="2022-01-01",
    )
    row.update(extra)
    return row


def _frame(rows):
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    return df


NORTH_40M = 40 / 111_195  # degrees of latitude in 40 m


def test_normalise_name():
    assert normalise_name("Médiathèque de l'Île-d'Yeu") == ("mediatheque", "ile", "yeu")
    assert normalise_name("MSAP de Semur") == normalise_name("France Services Semur")
    assert normalise_name("  ") == () and normalise_name(pd.NA) == ()


def test_dedup_merges_same_place_not_neighbours():
    lat, lon = 43.6760, 4.1350
    rows = [
        # Same place, 40 m apart, names written differently: merged.
        _site(
            "12",
            "France services de Lunel",
            "france_services_2024",
            lat,
            lon,
            kind="france_services",
            commune_code="34145",
            postcode="34400",
        ),
        _site(
            "abc",
            "Espace France Services - LUNEL",
            "cnfs_permanences_2022",
            lat + NORTH_40M,
            lon,
            kind="conseiller_numerique",
            postcode="34400",
            services="Prendre en main un ordinateur",
        ),
        # Two different places 40 m apart: not merged.
        _site(
            "7",
            "Médiathèque Pierre Sabatier",
            "libraries_culture",
            lat + 0.01,
            lon,
            kind="library",
            commune_code="34145",
        ),
        _site(
            "x1",
            "Centre social Arc-en-ciel",
            "data_inclusion_2023",
            lat + 0.01 + NORTH_40M,
            lon,
            commune_code="34145",
        ),
        # Same source, same spot, same name: a file's rows are never merged.
        _site(
            "8",
            "Bibliothèque municipale",
            "libraries_culture",
            45.0,
            5.0,
            kind="library",
        ),
        _site(
            "9",
            "Bibliothèque municipale",
            "libraries_culture",
            45.0,
            5.0,
            kind="library",
        ),
    ]
    df, report = deduplicate_sites(_frame(rows))
    assert report["rows_in"] == 6 and report["rows_out"] == 5
    assert report["merged"] == {"france_services_2024 + cnfs_permanences_2022": 1}
    assert report["absorbed"] == {
        "france_services_2024:12": ["cnfs_permanences_2022:abc"]
    }
    kept = df.set_index("site_id").loc["france_services_2024:12"]
    assert kept["kind"] == "france_services"
    assert kept["kinds"] == "france_services;conseiller_numerique"
    assert kept["sources"] == "france_services_2024;cnfs_permanences_2022"
    assert kept["services"] == "Prendre en main un ordinateur"  # filled from the other
    assert kept["lat"] == lat  # the kept row's own coordinates
    assert {"libraries_culture:7", "data_inclusion_2023:x1"} <= set(df["site_id"])
    assert df["site_id"].is_monotonic_increasing


def test_dedup_same_name_and_commune_without_coordinates():
    rows = [
        _site("1", "CCAS de Mende", "data_inclusion_2023", commune_code="48095"),
        _site(
            "2",
            "Centre communal d'action sociale Mende",
            "cnfs_structures_2023",
            44.5180,
            3.5000,
            kind="conseiller_numerique",
            commune_code="48095",
        ),
        # Same name and commune, but both located 5 km apart: two places.
        _site(
            "3", "Point numérique", "data_inclusion_2023", 44.50, 3.50, postcode="48000"
        ),
        _site("4", "Point numérique", "mednum_bfc", 44.545, 3.50, postcode="48000"),
    ]
    df, report = deduplicate_sites(_frame(rows))
    assert report["rows_out"] == 3
    assert report["merged_by_rule"]["same name and commune/postcode"] == 1
    kept = df.set_index("site_id").loc["data_inclusion_2023:1"]
    assert kept["lat"] == 44.5180  # coordinates filled from the structure
    assert kept["kind"] == "conseiller_numerique"  # "other" gives way
    assert kept["kinds"] == "conseiller_numerique"


def test_dedup_is_deterministic_and_idempotent(sites_dir):
    sites, _ = read_all_sites(sites_dir)
    frames = [
        reader(sites_dir / "mediation" / FILES[source])
        for source, reader in med.READERS.items()
    ]
    rows = pd.concat(frames, ignore_index=True)
    shuffled = rows.sample(frac=1, random_state=7)
    again, dedup = deduplicate_sites(shuffled)
    settled = med.settle_kinds(again)
    # Posts are joined after the merge of places: the same whatever the order.
    settled["posts"] = med.posts_per_site(settled, frames, dedup["absorbed"])
    pd.testing.assert_frame_equal(settled, sites)
    twice, report = deduplicate_sites(sites[COLUMNS])
    assert report["rows_out"] == report["rows_in"]
    # Settled twice: the claims were already moved out of the kinds.
    pd.testing.assert_frame_equal(med.settle_kinds(twice)[COLUMNS], sites[COLUMNS])


def test_read_all_sites_fixtures(sites_dir):
    sites, report = read_all_sites(sites_dir)
    _check_table(sites)
    assert report["rows_read"] == {
        "france_services_2024": 28,
        "cnfs_permanences_2022": 19,
        "data_inclusion_2023": 17,
        "cnfs_structures_2023": 44,
        "aidants_connect_2024": 14,
        "libraries_culture": 17,
        "mednum_bfc": 16,
    }
    assert report["dropped"]["aidants_connect_2024"] == {med.INACTIVE: 2}
    dedup = report["dedup"]
    assert dedup["rows_in"] == sum(report["rows_kept"].values())
    assert dedup["rows_out"] == len(sites) < dedup["rows_in"]
    assert sum(dedup["merged"].values()) == dedup["rows_in"] - dedup["rows_out"]
    absorbed = dedup["absorbed"]
    # A Dijon library listed by the Ministry and by the BFC hub.
    assert absorbed["libraries_culture:5464"] == ["mednum_bfc:mednumBFC_TL_33"]
    # The same permanence in the CnFS file and the data·inclusion extract.
    assert (
        "data_inclusion_2023:62b01f558255a806e299dedd"
        in (absorbed["cnfs_permanences_2022:62b01f558255a806e299dedd"])
    )
    assert sum(report["sites_by_kind"].values()) == len(sites)


def test_read_all_sites_missing_file(tmp_path):
    (tmp_path / "mediation").mkdir()
    with pytest.raises(SourceError, match="not found"):
        read_all_sites(tmp_path)


# -------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_real_mobile(raw_dir):
    df = read_mobile_sites_mainland(raw_dir / "mobile" / MAINLAND)
    assert len(df) == 77_148 - 1 and df.attrs["dropped"] == {"no coordinates": 1}
    assert in_france(df["lon"], df["lat"]).all()
    assert set(df["operator_name"]) == {"Orange", "SFR", "Free", "Bouygues Telecom"}
    for territory, rows in OVERSEAS_ROWS.items():
        path = (
            raw_dir / "mobile" / f"arcep_monreseaumobile_sites_{territory}_2020_T2.csv"
        )
        sites = read_mobile_sites_overseas(path)
        assert len(sites) == rows and set(sites["territory"]) == {territory}
        assert in_france(sites["lon"], sites["lat"]).all()
        assert not sites["operator_name"].str.fullmatch(r"\d+").any()


@pytest.fixture(scope="module")
def real_sites(raw_dir):
    start = time.perf_counter()
    sites, report = read_all_sites(raw_dir)
    report["measured_seconds"] = time.perf_counter() - start
    return sites, report


@pytest.mark.realdata
def test_real_mediation_counts(real_sites):
    _, report = real_sites
    assert report["rows_read"] == ROWS_READ
    for source, dropped in report["dropped"].items():
        rows_dropped = sum(
            n
            for reason, n in dropped.items()
            if reason in (med.NO_NAME, med.NO_PLACE, med.INACTIVE)
        )
        assert report["rows_kept"][source] + rows_dropped == ROWS_READ[source]
    print(
        "\nmediation report:",
        json.dumps({k: v for k, v in report.items() if k != "dedup"}, indent=1),
    )
    print(
        "dedup:",
        json.dumps(
            {k: v for k, v in report["dedup"].items() if k != "absorbed"}, indent=1
        ),
    )


@pytest.mark.realdata
def test_real_mediation_table(real_sites):
    sites, report = real_sites
    _check_table(sites)
    dedup = report["dedup"]
    assert dedup["rows_out"] < dedup["rows_in"]
    assert dedup["rows_out"] == len(sites)
    assert sites["site_id"].is_monotonic_increasing
    assert (sites["kind"] == "france_services").sum() >= 2845
    assert sites["commune_code"].dropna().map(type).eq(str).all()
    assert sites["commune_code"].dropna().str.fullmatch(r"\d{5}|2[AB]\d{3}").all()
    assert report["measured_seconds"] < 60
    for absorbed in dedup["absorbed"].values():
        sources = [re.sub(r":.*", "", a) for a in absorbed]
        assert len(sources) == len(set(sources))  # at most one row per source
