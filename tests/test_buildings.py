"""Building-level ARCEP data on DuckDB: layout, conversion, aggregation, SYNTHETIC data.

The agreement tests aggregate the same rows with plain pandas, written here, and
expect the DuckDB path to give exactly the same premises by class per commune.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely
from pyproj import Transformer

from divide.atlas import DEFAULT_ATLAS
from divide.build.buildings import aggregate as agg
from divide.build.buildings import engine, projection
from divide.build.buildings.convert import convert
from divide.build.buildings.layout import SYNTHETIC_MARKER
from divide.build.buildings.synth import synthesize
from divide.build.readers.broadband import CLASSES, base_columns
from divide.cli import main
from divide.errors import DivideError, SourceError

# ARCEP's class codes in order of speed, as the test's own pandas aggregation.
RANK = {"INEL": 0, "HD05": 1, "HD3": 2, "BHD8": 3, "THD30": 4, "THD100": 5}
RANK["THD1G"] = 6
DEPS = ["01", "2A", "29"]


@pytest.fixture(scope="session")
def con():
    return engine.connect(threads=1)


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory, con) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "pq"
    synthesize(DEPS, 6000, out, seed=7, con=con)
    return out


@pytest.fixture(scope="session")
def result(synthetic, con) -> agg.Aggregates:
    return agg.aggregate(synthetic, con=con)


def read_parquet(root: Path, table: str) -> pd.DataFrame:
    frames = []
    for folder in sorted((root / table).glob("dep=*")):
        for file in sorted(folder.glob("*.parquet")):
            frame = pq.read_table(file).to_pandas()
            frame["dep"] = folder.name.split("=", 1)[1]
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def pandas_classes(root: Path, excluded=("SAT",)) -> pd.DataFrame:
    """Premises by best class per commune, the plain pandas way."""
    buildings = read_parquet(root, "buildings")
    rows = read_parquet(root, "eligibility")
    rows = rows[~rows["code_techno"].isin(excluded)]
    rank = rows["classe_debit_descendant"].map(RANK)
    best = rank.groupby(rows["imb_id"]).max()
    buildings["best"] = buildings["imb_id"].map(best).fillna(0).astype(int)
    table = (
        buildings.pivot_table(
            index="imb_code_insee",
            columns="best",
            values="imb_nbr_logloc",
            aggfunc="sum",
            fill_value=0,
        )
        .reindex(columns=range(7), fill_value=0)
        .set_axis(list(CLASSES), axis=1)
    )
    table.insert(
        0, "premises", buildings.groupby("imb_code_insee")["imb_nbr_logloc"].sum()
    )
    return table.rename_axis("code").reset_index().astype({"code": str})


def write_csv(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


BASE_HEADER = "imb_id;imb_x;imb_y;imb_code;imb_code_insee;imb_nbr_logloc;imb_type\n"
ACTUEL_HEADER = (
    "imb_id;addr_code;imb_code;code_operateur;code_techno;classe_debit_montant;"
    "classe_debit_descendant;limitation;saturation\n"
)


def official(folder: Path, dep: str, buildings: str, rows: str) -> Path:
    write_csv(folder, f"base_imb_{dep}.csv", BASE_HEADER + buildings)
    write_csv(folder, f"actuel_{dep}.csv", ACTUEL_HEADER + rows)
    return folder


# ----------------------------------------------------------------- agreement
def test_duckdb_agrees_exactly_with_pandas(synthetic, result):
    expected = pandas_classes(synthetic).sort_values("code", ignore_index=True)
    got = result.communes[["code", "premises", *CLASSES]]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    # ... and with the atlas's own derivation of its base columns.
    derived = base_columns(expected)
    pd.testing.assert_frame_equal(
        result.communes[derived.columns], derived, check_dtype=False
    )


def test_agreement_holds_when_satellite_counts(synthetic, con, result):
    everything = ("CU", "COAX", "FO", "4GF", "THDR", "WMX", "HDR", "SAT")
    got = agg.aggregate(synthetic, technologies=everything, con=con).communes
    expected = pandas_classes(synthetic, excluded=()).sort_values("code")
    assert got["code"].tolist() == expected["code"].tolist()
    for name in ("premises", *CLASSES):
        assert got[name].tolist() == expected[name].tolist()
    # Satellite reaches nearly every building: few premises stay below 30 Mbit/s.
    assert got["premises_no_thd"].sum() < result.communes["premises_no_thd"].sum()


def test_classes_sum_to_premises_and_totals_are_kept(synthetic, result):
    c = result.communes
    assert (c[list(CLASSES)].sum(axis=1) == c["premises"]).all()
    buildings = read_parquet(synthetic, "buildings")
    assert c["premises"].sum() == buildings["imb_nbr_logloc"].sum()
    assert c["buildings"].sum() == len(buildings)
    assert result.report["total"]["eligibility_rows"] == len(
        read_parquet(synthetic, "eligibility")
    )


# ---------------------------------------------------------------------- grid
def test_grid_keeps_the_totals_and_names_its_communes(result):
    grid, communes = result.grid, result.communes
    assert grid["premises"].sum() == communes["premises"].sum()
    assert grid["premises_no_thd"].sum() == communes["premises_no_thd"].sum()
    assert (grid["premises_no_thd"] <= grid["premises"]).all()
    assert grid["cell"].is_unique
    assert grid["cell"].str.fullmatch(r"CRS\d{4}RES1000mN\d+E\d+").all()
    for one, many in zip(grid["commune"], grid["communes"], strict=True):
        assert one in many.split(",")
    assert set(grid["communes"].str.split(",").explode()) <= set(communes["code"])


def test_grid_cells_contain_their_buildings(synthetic, result):
    buildings = read_parquet(synthetic, "buildings").sample(300, random_state=1)
    to_lonlat = Transformer.from_crs(3857, 4326, always_xy=True)
    lon, lat = to_lonlat.transform(buildings["imb_x"], buildings["imb_y"])
    epsg = np.array([projection.epsg_of(d) for d in buildings["dep"]])
    for code in np.unique(epsg):
        sel = epsg == code
        x, y = Transformer.from_crs(4326, int(code), always_xy=True).transform(
            lon[sel], lat[sel]
        )
        cells = {
            f"CRS{code}RES1000mN{int(j) * 1000}E{int(i) * 1000}"
            for i, j in zip(np.floor(x / 1000), np.floor(y / 1000), strict=True)
        }
        assert cells <= set(result.grid["cell"])
    centre = result.grid.iloc[0]
    x, y = Transformer.from_crs(4326, int(centre["epsg"]), always_xy=True).transform(
        centre["lon"], centre["lat"]
    )
    assert abs(x - centre["x"] - 500) < 1 and abs(y - centre["y"] - 500) < 1


@pytest.mark.parametrize(
    ("dep", "lon", "lat"),
    [
        ("29", (-5.1, -3.4), (47.7, 48.7)),
        ("2A", (8.5, 9.5), (41.4, 42.3)),
        ("971", (-61.8, -61.0), (15.9, 16.5)),
        ("972", (-61.2, -60.8), (14.4, 14.9)),
        ("973", (-54.5, -51.6), (2.2, 5.8)),
        ("974", (55.2, 55.8), (-21.4, -20.9)),
        ("976", (45.0, 45.3), (-13.0, -12.6)),
    ],
)
def test_sql_projections_match_pyproj(con, dep, lon, lat):
    rng = np.random.default_rng(0)
    pts = pd.DataFrame(
        {"lon": rng.uniform(*lon, 50), "lat": rng.uniform(*lat, 50), "dep": dep}
    )
    pts["x"], pts["y"] = projection.lonlat_to_mercator(pts["lon"], pts["lat"])
    lon_sql, lat_sql = projection.mercator_to_lonlat_sql("x", "y")
    con.register("pts", pts)
    relation = (
        f"(SELECT {lon_sql} AS lon, {lat_sql} AS lat, "
        f"{projection.epsg_sql('dep')} AS epsg FROM pts)"
    )
    got = con.execute(projection.metric_sql(relation, "lon, lat, epsg")).df()
    con.unregister("pts")
    assert len(got) == 50
    code = projection.epsg_of(dep)
    assert (got["epsg"] == code).all()
    x, y = Transformer.from_crs(4326, code, always_xy=True).transform(
        got["lon"], got["lat"]
    )
    assert np.hypot(x - got["mx"], y - got["my"]).max() < 0.001  # metres
    np.testing.assert_allclose(got["lon"].sort_values(), pts["lon"].sort_values())


# ------------------------------------------------------------ codes, layout
def test_codes_stay_strings(synthetic, result):
    assert agg.list_departements(synthetic) == ["01", "29", "2A"]
    codes = result.communes["code"]
    assert codes.map(type).eq(str).all()
    assert codes.str.fullmatch(r"[0-9][0-9AB][0-9]{3}").all()
    assert codes.str.startswith("01").any() and codes.str.startswith("2A").any()
    assert set(result.report["departements"]) == {"01", "2A", "29"}


def test_csv_round_trip_gives_the_same_figures(tmp_path, con, synthetic, result):
    synthesize(DEPS, 6000, tmp_path / "csv", seed=7, fmt="csv", con=con)
    assert sorted(p.name for p in (tmp_path / "csv").glob("*.csv"))[0] == (
        "SYNTHETIC_actuel_01.csv"
    )
    manifest = convert(tmp_path / "csv", tmp_path / "pq", con=con)
    assert manifest["synthetic"]
    assert (tmp_path / "pq" / SYNTHETIC_MARKER).exists()
    names = [p.name for p in (tmp_path / "pq").rglob("*.parquet")]
    assert names and all(n.startswith("SYNTHETIC_") for n in names)
    again = agg.aggregate(tmp_path / "pq", con=con)
    pd.testing.assert_frame_equal(again.communes, result.communes)
    pd.testing.assert_frame_equal(again.grid, result.grid)


def test_official_layout_reads_codes_as_strings(tmp_path, con):
    src = official(
        tmp_path / "csv",
        "01",
        "1;545000.5;5800000.25;X1;1001;3;IM\n2;545100;5800100;;01004;1;PA\n",
        ";;;FRTE;FO;THD100;THD1G;;false\n".join(["1", "2"])
        + ";;;FRTE;CU;HD05;hd3;;false\n",
    )
    write_csv(src, "base_imb_2A.csv", BASE_HEADER + "3;1000000;5100000;;2A004;2;PA\n")
    write_csv(src, "actuel_2A.csv", ACTUEL_HEADER + "3;;;SFR0;4GF;HD3;BHD8;;\n")
    convert(src, tmp_path / "pq", con=con)
    got = agg.aggregate(tmp_path / "pq", con=con).communes.set_index("code")
    assert list(got.index) == ["01001", "01004", "2A004"]
    assert got.loc["01001", "thd1g"] == 3  # the leading zero restored
    assert got.loc["01004", "hd3"] == 1  # lower-case class accepted
    assert got.loc["2A004", "hd8"] == 2


def test_missing_column_is_named(tmp_path, con):
    header = BASE_HEADER.replace("imb_nbr_logloc", "nbr_locaux")
    write_csv(tmp_path / "csv", "base_imb_29.csv", header + "1;0;0;;29001;1;PA\n")
    with pytest.raises(SourceError) as info:
        convert(tmp_path / "csv", tmp_path / "pq", con=con)
    message = str(info.value)
    assert "base_imb_29.csv" in message and "imb_nbr_logloc" in message
    assert info.value.column == "imb_nbr_logloc"
    assert not (tmp_path / "pq" / "buildings").exists()


def test_malformed_row_gives_its_line(tmp_path, con):
    src = official(
        tmp_path / "csv",
        "29",
        "1;-480000;6140000;;29001;1;PA\n2;-480000;6140000;;29001;1;PA;extra\n",
        "1;;;FRTE;FO;THD100;THD1G;;false\n",
    )
    with pytest.raises(SourceError) as info:
        convert(src, tmp_path / "pq", con=con)
    assert info.value.row == 3
    assert "8 fields where the header has 7" in str(info.value)


@pytest.mark.parametrize(
    ("building", "row", "wanted"),
    [
        ("1;0;0;;290001;1;PA\n", "", "not a 5-character INSEE commune code: '290001'"),
        ("1;0;0;;29001;;PA\n", "", "imb_nbr_logloc is not a count"),
        ("x1;0;0;;29001;1;PA\n", "", "imb_id is not an integer: 'x1'"),
        ("1;abc;0;;29001;1;PA\n", "", "imb_x is not a number: 'abc'"),
        ("1;0;0;;29001;1;PA\n", "1;;;FRTE;FO;THD100;FAST;;\n", "'FAST' (imb_id 1)"),
        ("1;0;0;;29001;1;PA\n", "1;;;FRTE;5G;THD100;THD1G;;\n", "code_techno"),
    ],
)
def test_bad_values_are_named_with_their_building(tmp_path, con, building, row, wanted):
    src = official(tmp_path / "csv", "29", building, row)
    with pytest.raises(SourceError) as info:
        convert(src, tmp_path / "pq", con=con)
    assert wanted in str(info.value)


def test_a_building_given_twice_is_refused(tmp_path, con):
    src = official(tmp_path / "csv", "29", "1;0;0;;29001;1;PA\n1;0;0;;29002;1;PA\n", "")
    with pytest.raises(SourceError, match="imb_id 1 appears 2 times"):
        convert(src, tmp_path / "pq", con=con)


def test_empty_departement(tmp_path, con):
    src = official(
        tmp_path / "csv",
        "29",
        "1;-480000;6140000;;29001;4;IM\n",
        "1;;;FRTE;CU;HD05;BHD8;;false\n",
    )
    official(src, "22", "", "")  # header lines only
    manifest = convert(src, tmp_path / "pq", con=con)
    rows = {f["file"]: f["rows"] for f in manifest["files"]}
    assert rows["base_imb_22.csv"] == 0 and rows["actuel_22.csv"] == 0
    assert agg.list_departements(tmp_path / "pq") == ["29"]
    got = agg.aggregate(tmp_path / "pq", con=con)
    assert got.communes["hd8"].tolist() == [4]
    with pytest.raises(DivideError, match="'22'"):
        agg.aggregate(tmp_path / "pq", departements=["22"], con=con)
    only_empty = official(tmp_path / "empty", "22", "", "")
    convert(only_empty, tmp_path / "pq_empty", con=con)
    with pytest.raises(DivideError, match="no building data"):
        agg.aggregate(tmp_path / "pq_empty", con=con)


def test_buildings_without_eligibility_are_not_called_ineligible(tmp_path, con):
    src = write_csv(
        tmp_path / "csv", "base_imb_29.csv", BASE_HEADER + "1;0;0;;29001;1;PA\n"
    )
    convert(src.parent, tmp_path / "pq", con=con)
    with pytest.raises(DivideError, match="no eligibility data"):
        agg.aggregate(tmp_path / "pq", con=con)


def test_building_without_rows_is_ineligible(tmp_path, con):
    src = official(
        tmp_path / "csv",
        "29",
        "1;-480000;6140000;;29001;2;PA\n2;-480000;6140000;;29001;5;IM\n",
        "1;;;STAK;SAT;HD3;THD100;;\n",
    )
    convert(src, tmp_path / "pq", con=con)
    got = agg.aggregate(tmp_path / "pq", con=con).communes.iloc[0]
    assert got["inel"] == 7 and got["premises_no_thd"] == 7  # satellite not counted


def test_national_file_and_degrees(tmp_path, con):
    src = tmp_path / "csv"
    # Coordinates in degrees (the 2020 columns were named longitude / latitude).
    write_csv(
        src,
        "base_imb.csv",
        "imb_id;imb_longitude;imb_latitude;imb_code_insee;imb_nbr_logloc\n"
        "1;-4.48;48.39;29019;3\n2;9.2;41.6;2A004;1\n",
    )
    write_csv(
        src,
        "actuel.csv",
        "imb_id;code_techno;classe_debit_descendant\n1;FO;THD1G\n2;CU;HD3\n9;CU;HD3\n",
    )
    manifest = convert(src, tmp_path / "pq", con=con)
    national = next(f for f in manifest["files"] if f["file"] == "actuel.csv")
    assert national["rows"] == 2 and national["without_building"] == 1
    assert next(f for f in manifest["files"] if f["file"] == "base_imb.csv")[
        "coordinates"
    ].startswith("degrees")
    res = agg.aggregate(tmp_path / "pq", con=con)
    assert res.communes.set_index("code")["thd1g"].to_dict() == {"29019": 3, "2A004": 0}
    brest = res.grid[res.grid["commune"] == "29019"].iloc[0]
    assert abs(brest["lon"] + 4.48) < 0.01 and abs(brest["lat"] - 48.39) < 0.01


# ------------------------------------------------------------------ SYNTHETIC
def test_synthetic_is_labelled_and_deterministic(tmp_path, con, synthetic):
    marker = json.loads((synthetic / SYNTHETIC_MARKER).read_text())
    assert marker["synthetic"] and "SYNTHETIC" in marker["label"]
    files = list(synthetic.rglob("*.parquet"))
    assert files and all(f.name.startswith("SYNTHETIC_") for f in files)
    synthesize(DEPS, 6000, tmp_path / "again", seed=7, con=con)
    synthesize(DEPS, 6000, tmp_path / "other", seed=8, con=con)
    for table in ("buildings", "eligibility"):
        first = read_parquet(synthetic, table).sort_values(["imb_id"], kind="stable")
        again = read_parquet(tmp_path / "again", table).sort_values(
            ["imb_id"], kind="stable"
        )
        pd.testing.assert_frame_equal(
            first.reset_index(drop=True), again.reset_index(drop=True)
        )
    other = read_parquet(tmp_path / "other", "buildings")
    assert not other["imb_x"].equals(read_parquet(synthetic, "buildings")["imb_x"])


def test_synthetic_structure_is_realistic(synthetic):
    buildings = read_parquet(synthetic, "buildings")
    rows = read_parquet(synthetic, "eligibility")
    per = rows.groupby("imb_id").size()
    assert 6 < per.mean() < 15  # several rows per building
    assert rows["code_operateur"].nunique() >= 5
    assert rows["code_techno"].nunique() >= 5
    premises = buildings["imb_nbr_logloc"]
    assert premises.median() == 1 and premises.max() >= 10  # skewed
    # Buildings lie inside their commune's polygon.
    shapes = gpd.read_parquet(DEFAULT_ATLAS / "geo_commune.parquet").set_index("code")
    sample = buildings.sample(200, random_state=0)
    lon, lat = Transformer.from_crs(3857, 4326, always_xy=True).transform(
        sample["imb_x"], sample["imb_y"]
    )
    inside = [
        shapely.contains_xy(shapes.geometry[c], x, y) or shapes.geometry[c] is None
        for c, x, y in zip(sample["imb_code_insee"], lon, lat, strict=True)
    ]
    assert np.mean(inside) > 0.97


# ------------------------------------------------------------------------ CLI
def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_synth_convert_aggregate(tmp_path, capsys):
    code, out, err = run(
        capsys, "buildings", "synth", "--departements", "29", "--rows", "2000",
        "--out", str(tmp_path / "csv"), "--format", "csv", "--threads", "1",
    )  # fmt: skip
    assert code == 0, err
    assert all(line.startswith("SYNTHETIC") for line in out.splitlines())
    code, out, err = run(
        capsys, "buildings", "convert", "--csv", str(tmp_path / "csv"),
        "--out", str(tmp_path / "pq"), "--threads", "1",
    )  # fmt: skip
    assert code == 0, err
    assert all(line.startswith("SYNTHETIC") for line in out.splitlines())
    code, out, err = run(
        capsys, "buildings", "aggregate", "--parquet", str(tmp_path / "pq"),
        "-o", str(tmp_path / "agg"), "--format", "csv", "--threads", "1",
    )  # fmt: skip
    assert code == 0, err
    assert all(line.startswith("SYNTHETIC") for line in out.splitlines())
    names = sorted(p.name for p in (tmp_path / "agg").iterdir())
    assert names == [
        "SYNTHETIC_communes.csv",
        "SYNTHETIC_grid_1km.csv",
        "SYNTHETIC_report.json",
    ]
    table = pd.read_csv(
        tmp_path / "agg" / "SYNTHETIC_communes.csv", dtype={"code": str}
    )
    assert table["code"].str.startswith("29").all() and table["synthetic"].all()


@pytest.mark.parametrize(
    ("argv", "wanted"),
    [
        (["synth", "--departements", "99", "--rows", "10", "--out", "{tmp}/s"],
         "unknown département '99'"),
        (["synth", "--departements", "29", "--rows", "0", "--out", "{tmp}/s"],
         "--rows must be at least 1"),
        (["aggregate", "--parquet", "{tmp}/none", "-o", "{tmp}/o"], "no buildings/"),
        (["aggregate", "--parquet", "{pq}", "-o", "/proc/no/such"], "cannot write"),
        (["aggregate", "--parquet", "{pq}", "-o", "{tmp}/o", "--technologies", "5G"],
         "unknown technology '5G'"),
        (["convert", "--csv", "{tmp}", "--out", "{tmp}/o"], "no base_imb file"),
        (["convert", "--csv", "{tmp}/none", "--out", "{tmp}/o"], "no such file"),
    ],
)  # fmt: skip
def test_cli_errors_are_one_line_with_exit_code_2(
    tmp_path, capsys, synthetic, argv, wanted
):
    argv = [a.format(tmp=tmp_path, pq=synthetic) for a in argv]
    code, _out, err = run(capsys, "buildings", *argv)
    assert code == 2
    assert err.startswith("divide: error:") and len(err.strip().splitlines()) == 1
    assert wanted in err


def test_overwrite_replaces_only_what_divide_wrote(tmp_path, con):
    out = tmp_path / "syn"
    synthesize(["29"], 300, out, con=con)
    with pytest.raises(DivideError, match="not empty"):
        synthesize(["29"], 300, out, con=con)
    synthesize(["2A"], 300, out, overwrite=True, con=con)
    assert agg.list_departements(out) == ["2A"]
    foreign = tmp_path / "mine"
    write_csv(foreign, "notes.txt", "keep me")
    with pytest.raises(DivideError, match="did not write"):
        synthesize(["29"], 300, foreign, overwrite=True, con=con)
    assert (foreign / "notes.txt").read_text() == "keep me"
