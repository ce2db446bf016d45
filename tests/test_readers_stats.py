"""Readers of the statistical sources: ARCEP fixed broadband, Filosofi, census, IFN
and the published illectronisme rates.

Fixtures are in tests/data/stats (see its README); bad inputs are written to
tmp_path from them. Tests marked ``realdata`` read ../shared/data/raw and skip when
it is absent.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from divide.errors import DivideError, SourceError
from divide.readers.broadband import CLASSES, read_arcep_fixed
from divide.readers.census import read_census_ratios
from divide.readers.filosofi import read_filosofi
from divide.readers.ifn import ifn_by_commune, read_ifn_iris
from divide.readers.illectronisme import rates_for, read_illectronisme_rates

ARCEP_2019 = "arcep_commune-debit-beta_2019-09-30_sample.csv"
ARCEP_NOW = "arcep_commune_debit_statistiques_crafted.csv"
FILOSOFI = "filosofi_2021_COM_sample.csv"
CENSUS = "census_RP2017_sample.csv"
IFN = "ifn_iris_wide_sample.parquet"
ILLECTRONISME = "illectronisme_published_figures_sample.csv"


@pytest.fixture(scope="module")
def stats(fixtures: Path) -> Path:
    return fixtures / "stats"


def where(line: int, column: str) -> str:
    """Regex matching the location part of a SourceError message."""
    return rf"line {line}, column '{re.escape(column)}'"


# --------------------------------------------------------------------------- #
# Bad input, the same checks for every text reader
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Spec:
    reader: Callable[..., pd.DataFrame]
    fixture: str
    sep: str
    header_line: int  # 1-based line of the header in the fixture
    key: str  # the column whose duplicates are refused
    number: str  # a numeric column
    code: str  # output column identifying a row, to compare frames


SPECS = {
    "arcep": Spec(
        read_arcep_fixed, ARCEP_2019, ";", 2, "code_insee", "elig_thd30", "code"
    ),
    "filosofi": Spec(read_filosofi, FILOSOFI, ";", 1, "CODGEO", "MED21", "code"),
    "census": Spec(
        read_census_ratios, CENSUS, ",", 1, "CODE_INSEE", "TX_65ETPLUS", "code"
    ),
    "illectronisme": Spec(
        read_illectronisme_rates,
        ILLECTRONISME,
        ",",
        1,
        "indicator",
        "value_pct",
        "rate",
    ),
}


def split(spec: Spec, stats: Path) -> tuple[list[str], list[list[str]]]:
    """Lines before the header, then header + data rows parsed as CSV."""
    lines = (stats / spec.fixture).read_text(encoding="utf-8").splitlines()
    before = lines[: spec.header_line - 1]
    rows = list(csv.reader(lines[spec.header_line - 1 :], delimiter=spec.sep))
    return before, rows


def join(before: list[str], rows: list[list[str]], sep: str) -> str:
    buf = io.StringIO()
    buf.writelines(line + "\n" for line in before)
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("which", SPECS)
def test_rewritten_fixture_reads_like_the_original(which, stats, tmp_path):
    spec = SPECS[which]
    before, rows = split(spec, stats)
    path = write(tmp_path, "copy.csv", join(before, rows, spec.sep))
    pd.testing.assert_frame_equal(spec.reader(path), spec.reader(stats / spec.fixture))


@pytest.mark.parametrize("which", SPECS)
def test_latin1_file_reads_like_utf8(which, stats, tmp_path):
    spec = SPECS[which]
    text = (stats / spec.fixture).read_text(encoding="utf-8").replace("’", "'")
    utf8 = spec.reader(write(tmp_path, "utf8.csv", text))
    latin1 = spec.reader(write(tmp_path, "latin1.csv", text.encode("latin-1")))
    pd.testing.assert_frame_equal(latin1, utf8)
    if which in ("arcep", "census", "illectronisme"):
        assert re.search(r"[^\x00-\x7f]", text), "the fixture should hold accents"


@pytest.mark.parametrize("which", SPECS)
def test_wrong_separator(which, stats, tmp_path):
    spec = SPECS[which]
    before, rows = split(spec, stats)
    path = write(tmp_path, "colons.csv", join(before, rows, ":"))
    # Either a single column ("the separator is probably not ';'") or, when decimal
    # commas fool the sniffer, rows that do not parse as a ','-separated table.
    with pytest.raises(SourceError, match=r"^colons\.csv: .*separat"):
        spec.reader(path)


@pytest.mark.parametrize("which", SPECS)
def test_missing_column(which, stats, tmp_path):
    spec = SPECS[which]
    before, rows = split(spec, stats)
    rows[0] = [c + "_renamed" if c == spec.number else c for c in rows[0]]
    path = write(tmp_path, "renamed.csv", join(before, rows, spec.sep))
    with pytest.raises(SourceError) as err:
        spec.reader(path)
    assert str(err.value).startswith("renamed.csv, ")
    assert spec.number in str(err.value)
    assert "missing column" in str(err.value)
    assert err.value.column == spec.number
    assert err.value.row == spec.header_line


@pytest.mark.parametrize("which", SPECS)
def test_non_numeric_value_names_line_and_column(which, stats, tmp_path):
    spec = SPECS[which]
    before, rows = split(spec, stats)
    col = rows[0].index(spec.number)
    rows[3][col] = "abc"  # third data row
    path = write(tmp_path, "text.csv", join(before, rows, spec.sep))
    line = spec.header_line + 3
    with pytest.raises(SourceError, match=rf"^text\.csv, {where(line, spec.number)}"):
        spec.reader(path)


@pytest.mark.parametrize("which", SPECS)
def test_duplicated_code_names_line_and_column(which, stats, tmp_path):
    spec = SPECS[which]
    before, rows = split(spec, stats)
    rows.append(list(rows[1]))  # the first data row again, at the end
    path = write(tmp_path, "dup.csv", join(before, rows, spec.sep))
    line = spec.header_line + len(rows) - 1
    with pytest.raises(SourceError, match=rf"^dup\.csv, {where(line, spec.key)}"):
        spec.reader(path)


@pytest.mark.parametrize("which", SPECS)
@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_file(which, content, tmp_path):
    path = write(tmp_path, "empty.csv", content)
    with pytest.raises(SourceError, match=r"^empty\.csv: the file is empty"):
        SPECS[which].reader(path)


@pytest.mark.parametrize("which", SPECS)
def test_header_without_rows(which, stats, tmp_path):
    spec = SPECS[which]
    before, rows = split(spec, stats)
    path = write(tmp_path, "header.csv", join(before, rows[:1], spec.sep))
    with pytest.raises(SourceError, match=r"^header\.csv, line \d: no data rows"):
        spec.reader(path)


@pytest.mark.parametrize("which", SPECS)
def test_binary_garbage(which, tmp_path):
    path = write(tmp_path, "garbage.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    with pytest.raises(SourceError, match=r"^garbage\.csv: .*binary"):
        SPECS[which].reader(path)


@pytest.mark.parametrize("which", SPECS)
def test_missing_file(which, tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        SPECS[which].reader(tmp_path / "nowhere.csv")


@pytest.mark.parametrize("which", SPECS)
def test_bytes_input_is_named(which, stats):
    spec = SPECS[which]
    from_bytes = spec.reader((stats / spec.fixture).read_bytes(), name="upload.csv")
    pd.testing.assert_frame_equal(from_bytes, spec.reader(stats / spec.fixture))
    with pytest.raises(SourceError, match=r"^upload\.csv: the file is empty"):
        spec.reader(b"", name="upload.csv")


# --------------------------------------------------------------------------- #
# ARCEP fixed broadband
# --------------------------------------------------------------------------- #


def assert_arcep_invariants(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["code", "premises", *CLASSES, "date"]
    assert df["code"].map(type).eq(str).all()
    assert df["code"].str.fullmatch(r"[0-9][0-9AB][0-9]{3}").all()
    assert df["code"].is_unique
    counts = df[["premises", *CLASSES]]
    assert all(pd.api.types.is_float_dtype(t) for t in counts.dtypes)
    assert (counts >= 0).all().all()
    np.testing.assert_allclose(df[list(CLASSES)].sum(axis=1), df["premises"])


def test_arcep_2019_sample(stats):
    df = read_arcep_fixed(stats / ARCEP_2019)
    assert len(df) == 26
    assert_arcep_invariants(df)
    assert df.attrs == {"arcep_variant": "beta_2019", "arcep_cumulative": False}
    assert set(df["date"]) == {"2019-09-30"}
    row = df.set_index("code").loc["01001"]
    assert row["premises"] == 379
    assert row[list(CLASSES)].tolist() == [0, 0, 0, 373, 6, 0, 0]
    guadeloupe = df.set_index("code").loc["97101"]
    assert guadeloupe["inel"] == 29774 and guadeloupe["hd8"] == 19596
    assert {"2A004", "2B033", "75056", "97701", "97801"} <= set(df["code"])
    assert "75101" not in set(df["code"])  # Paris is one row here
    empty = df[df["premises"] == 0]
    assert sorted(empty["code"]) == ["26123", "26372", "97701"]
    assert (empty[list(CLASSES)] == 0).all().all()


def test_arcep_without_disclaimer_line(stats, tmp_path):
    text = (stats / ARCEP_2019).read_text(encoding="utf-8")
    path = write(tmp_path, "no_disclaimer.csv", text.split("\n", 1)[1])
    pd.testing.assert_frame_equal(
        read_arcep_fixed(path), read_arcep_fixed(stats / ARCEP_2019)
    )


def test_arcep_current_format_cumulative_classes(stats):
    current = read_arcep_fixed(stats / ARCEP_NOW)
    assert current.attrs == {"arcep_variant": "statistiques", "arcep_cumulative": True}
    assert_arcep_invariants(current)
    assert len(current) == 10  # the log and loc rows of 01001 are left out
    beta = read_arcep_fixed(stats / ARCEP_2019).set_index("code")
    expected = beta.loc[current["code"]].reset_index()
    pd.testing.assert_frame_equal(current, expected, check_like=False)


def test_arcep_documented_cd_columns(stats, tmp_path):
    text = (stats / ARCEP_2019).read_text(encoding="utf-8")
    for i, old in enumerate(
        ["elig_hd05", "elig_hd3", "elig_hd8", "elig_thd30", "elig_thd100", "elig_thd1g"]
    ):
        text = text.replace(f";{old};", f";elig_cd_{i + 1};", 1)
    text = text.replace("logloc", "all")
    df = read_arcep_fixed(write(tmp_path, "commune_debit.csv", text))
    assert df.attrs["arcep_variant"] == "statistiques_cd"
    pd.testing.assert_frame_equal(df, read_arcep_fixed(stats / ARCEP_2019))


def test_arcep_classes_exceeding_total(stats, tmp_path):
    spec = SPECS["arcep"]
    before, rows = split(spec, stats)
    col = rows[0].index("nbr")
    rows[5][col] = str(int(rows[5][col]) - 3)  # classes now exceed nbr by 3
    path = write(tmp_path, "over.csv", join(before, rows, ";"))
    with pytest.raises(SourceError, match=rf"^over\.csv, {where(7, 'nbr')}: .*exceed"):
        read_arcep_fixed(path)


def test_arcep_classes_short_of_total(stats, tmp_path):
    spec = SPECS["arcep"]
    before, rows = split(spec, stats)
    col = rows[0].index("nbr")
    rows[4][col] = str(int(rows[4][col]) + 10)
    path = write(tmp_path, "short.csv", join(before, rows, ";"))
    with pytest.raises(SourceError, match=rf"{where(6, 'nbr')}: .*fall short"):
        read_arcep_fixed(path)


def test_arcep_broken_cumulative_row(stats, tmp_path):
    lines = (stats / ARCEP_NOW).read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines, delimiter=";"))
    col = rows[0].index("elig_thd1g")
    assert rows[2][0] == "69191"
    rows[2][col] = "3000"  # more premises at >= 1 Gbit/s than at >= 100 Mbit/s
    path = write(tmp_path, "cumul.csv", join([], rows, ";"))
    with pytest.raises(SourceError, match=rf"{where(3, 'nbr')}: the cumulative"):
        read_arcep_fixed(path)


def test_arcep_negative_count(stats, tmp_path):
    spec = SPECS["arcep"]
    before, rows = split(spec, stats)
    rows[2][rows[0].index("inel_hd")] = "-1"
    path = write(tmp_path, "neg.csv", join(before, rows, ";"))
    with pytest.raises(
        SourceError, match=rf"{where(4, 'inel_hd')}: value -1(\.0)? is below"
    ):
        read_arcep_fixed(path)


def test_arcep_bad_code(stats, tmp_path):
    spec = SPECS["arcep"]
    before, rows = split(spec, stats)
    rows[6][0] = "Total"
    path = write(tmp_path, "code.csv", join(before, rows, ";"))
    with pytest.raises(SourceError, match=rf"{where(8, 'code_insee')}: 'TOTAL' is not"):
        read_arcep_fixed(path)


def test_arcep_lost_leading_zero_is_restored(stats, tmp_path):
    text = (stats / ARCEP_2019).read_text(encoding="utf-8")
    text = text.replace("\n01001;", "\n1001;").replace("\n01004;", "\n1004.0;")
    df = read_arcep_fixed(write(tmp_path, "zeros.csv", text))
    assert {"01001", "01004"} <= set(df["code"])


def test_arcep_only_split_types(stats, tmp_path):
    text = (stats / ARCEP_NOW).read_text(encoding="utf-8").replace(";all;", ";log;")
    text = text.replace(";loc;", ";log;")
    with pytest.raises(SourceError, match=r"column 'type': no row of type all"):
        read_arcep_fixed(write(tmp_path, "log.csv", text))


# --------------------------------------------------------------------------- #
# Filosofi
# --------------------------------------------------------------------------- #


def test_filosofi_sample(stats):
    df = read_filosofi(stats / FILOSOFI)
    assert list(df.columns) == [
        "code",
        "households",
        "persons",
        "median_income",
        "poverty_rate",
        "d9_d1",
        "vintage",
    ]
    assert len(df) == 22
    assert df["code"].map(type).eq(str).all() and df["code"].str.len().eq(5).all()
    assert set(df["vintage"]) == {"2021"}
    by = df.set_index("code")
    # 01001: counts published, everything else secret ("s") -> NaN, never 0
    assert by.loc["01001", "households"] == 346
    assert by.loc["01001", "persons"] == 895
    assert by.loc["01001", "median_income"] == 25820
    assert np.isnan(by.loc["01001", "poverty_rate"])
    # "nd" (not available) rows are all NaN
    assert by.loc[["09304", "29083"]].drop(columns="vintage").isna().all().all()
    # decimal comma and percent -> fraction
    assert by.loc["13055", "poverty_rate"] == pytest.approx(0.26)
    assert by.loc["2A004", "poverty_rate"] == pytest.approx(0.16)
    # D9/D1 (RD21): as published, secret -> NaN
    assert by.loc["13055", "d9_d1"] == pytest.approx(4.1)
    assert np.isnan(by.loc["01001", "d9_d1"])
    # Paris, Lyon, Marseille: the commune and its arrondissements are all kept
    assert {"75056", "75101", "75120", "69123", "69381", "13055", "13201"} <= set(
        df["code"]
    )
    assert df["poverty_rate"].dropna().between(0, 1).all()


def test_filosofi_other_vintage_from_header(stats, tmp_path):
    lines = (stats / FILOSOFI).read_text(encoding="utf-8").split("\n", 1)
    header = re.sub(r"21(?=;|$)", "20", lines[0])
    df = read_filosofi(
        write(tmp_path, "cc_filosofi_2020_COM.csv", header + "\n" + lines[1])
    )
    assert set(df["vintage"]) == {"2020"}
    pd.testing.assert_frame_equal(
        df.drop(columns="vintage"),
        read_filosofi(stats / FILOSOFI).drop(columns="vintage"),
    )


def test_filosofi_without_vintage_columns(tmp_path):
    path = write(tmp_path, "novintage.csv", "CODGEO;NBMENFISC;MED\n01001;346;25820\n")
    with pytest.raises(SourceError, match=r"line 1, column 'NBMENFISCyy'.*found: none"):
        read_filosofi(path)


def test_filosofi_poverty_rate_above_100(stats, tmp_path):
    spec = SPECS["filosofi"]
    before, rows = split(spec, stats)
    rows[4][rows[0].index("TP6021")] = "120,5"
    path = write(tmp_path, "tp60.csv", join(before, rows, ";"))
    with pytest.raises(
        SourceError, match=rf"{where(5, 'TP6021')}: value 120\.5 is above"
    ):
        read_filosofi(path)


# --------------------------------------------------------------------------- #
# Census ratios (RP 2017)
# --------------------------------------------------------------------------- #


def test_census_sample(stats):
    df = read_census_ratios(stats / CENSUS)
    assert list(df.columns) == [
        "code",
        "low_diploma_share",
        "age65_share",
        "alone_share",
        "young_share",
    ]
    # 21 lines: 6 codes doubled by an all-empty line, 2 codes with only an empty line
    assert len(df) == 21 - 6 - 2
    assert df["code"].is_unique and df["code"].map(type).eq(str).all()
    assert not {"14666", "55039"} & set(df["code"])
    by = df.set_index("code")
    assert by.loc["01001", "age65_share"] == pytest.approx(0.23779235836731218)
    assert by.loc["01001", "low_diploma_share"] == pytest.approx(0.5215428065470523)
    assert by.loc["01001", "alone_share"] == pytest.approx(0.22823613621413884)
    assert np.isnan(by.loc["26030", "alone_share"])  # missing stays NaN
    assert by.loc["26030", "age65_share"] > 0
    values = df[["low_diploma_share", "age65_share", "alone_share"]]
    assert ((values >= 0) & (values <= 1) | values.isna()).all().all()
    assert {"01004", "75101", "97411", "2A004", "2B033", "97101"} <= set(df["code"])


def test_census_duplicate_with_values(stats, tmp_path):
    spec = SPECS["census"]
    before, rows = split(spec, stats)
    assert rows[4][1] == "01004" and rows[4][4] == ""  # the empty duplicate
    rows[4][4:9] = rows[3][4:9]  # now filled: a real conflict
    path = write(tmp_path, "dup.csv", join(before, rows, ","))
    with pytest.raises(SourceError, match=rf"{where(5, 'CODE_INSEE')}: code '01004'"):
        read_census_ratios(path)


# --------------------------------------------------------------------------- #
# IFN (parquet)
# --------------------------------------------------------------------------- #


def test_ifn_sample(stats):
    df = read_ifn_iris(stats / IFN)
    assert list(df.columns) == [
        "code_iris",
        "code",
        "population",
        "ifn_score",
        "access_score",
        "skills_score",
    ]
    assert len(df) == 29
    assert df["code_iris"].str.len().eq(9).all()
    assert (df["code"] == df["code_iris"].str[:5]).all()
    assert df["code"].map(type).eq(str).all()
    assert {"01001", "2A004", "75101", "97209"} <= set(df["code"])
    by = df.set_index("code_iris")
    assert by.loc["010010000", "population"] == 767
    assert by.loc["010010000", "ifn_score"] == 78
    raw = pd.read_parquet(stats / IFN)
    assert by["access_score"].tolist() == raw["GLOBAL ACCES"].tolist()
    assert by["skills_score"].tolist() == raw["GLOBAL COMPETENCES"].tolist()


def test_ifn_by_commune_weights_by_population(stats):
    iris = read_ifn_iris(stats / IFN)
    communes = ifn_by_commune(iris).set_index("code")
    assert list(communes.columns) == ["ifn_population", "ifn_weighted"]
    assert len(communes) == iris["code"].nunique()
    paris1 = iris[iris["code"] == "75101"]
    expected = (paris1["ifn_score"] * paris1["population"]).sum() / paris1[
        "population"
    ].sum()
    row = communes.loc["75101"]
    assert row["ifn_weighted"] / row["ifn_population"] == pytest.approx(expected)
    assert communes.loc["01001", "ifn_weighted"] / communes.loc[
        "01001", "ifn_population"
    ] == pytest.approx(78)
    # IRIS with no population weigh nothing: 05023's two IRIS give 0 / 0
    assert communes.loc["05023", "ifn_population"] == 0
    # sum / sum stays exact at any level
    assert communes["ifn_population"].sum() == pytest.approx(iris["population"].sum())


def test_ifn_by_commune_skips_iris_without_score():
    iris = pd.DataFrame(
        {
            "code": ["01001", "01001", "01002"],
            "population": [100.0, 300.0, 50.0],
            "ifn_score": [80.0, np.nan, np.nan],
        }
    )
    out = ifn_by_commune(iris).set_index("code")
    assert out.loc["01001"].tolist() == [100.0, 8000.0]
    assert out.loc["01002"].isna().all()  # no scored IRIS: NaN, not 0
    with pytest.raises(DivideError, match="missing: ifn_score"):
        ifn_by_commune(iris.drop(columns="ifn_score"))


def test_ifn_lost_leading_zero_and_stray_spaces(stats, tmp_path):
    raw = pd.read_parquet(stats / IFN)
    raw = raw[~raw["code_iris"].str.startswith(("2A", "2B"))].copy()
    raw["code_iris"] = raw["code_iris"].astype("int64")  # 010010000 -> 10010000
    raw.columns = [f" {c} " for c in raw.columns]
    path = tmp_path / "ints.parquet"
    raw.to_parquet(path, index=False)
    df = read_ifn_iris(path)
    assert "010010000" in set(df["code_iris"]) and "01001" in set(df["code"])


def test_ifn_not_parquet(stats, tmp_path):
    path = write(tmp_path, "ifn.parquet", (stats / FILOSOFI).read_bytes())
    with pytest.raises(SourceError, match=r"^ifn\.parquet: cannot read as a parquet"):
        read_ifn_iris(path)


@pytest.mark.parametrize(
    "content", [b"", b"\x00\x01\x02garbage\xff" * 100, b"PAR1\x00\x00PAR1"]
)
def test_ifn_empty_or_garbage(content, tmp_path):
    path = write(tmp_path, "bad.parquet", content)
    with pytest.raises(SourceError, match=r"^bad\.parquet: cannot read as a parquet"):
        read_ifn_iris(path)


def test_ifn_missing_column(stats, tmp_path):
    raw = pd.read_parquet(stats / IFN).drop(columns="SCORE GLOBAL ")
    raw.to_parquet(tmp_path / "cols.parquet", index=False)
    with pytest.raises(SourceError, match=r"column 'SCORE GLOBAL'.*missing column"):
        read_ifn_iris(tmp_path / "cols.parquet")


def test_ifn_non_numeric_population(stats, tmp_path):
    raw = pd.read_parquet(stats / IFN)
    raw["Population"] = raw["Population"].astype(str)
    raw.loc[4, "Population"] = "n/a"
    raw.to_parquet(tmp_path / "text.parquet", index=False)
    with pytest.raises(SourceError, match=rf"{where(5, 'Population')}: 'n/a' is not"):
        read_ifn_iris(tmp_path / "text.parquet")


def test_ifn_duplicated_iris(stats, tmp_path):
    raw = pd.read_parquet(stats / IFN)
    raw = pd.concat([raw, raw.iloc[[3]]], ignore_index=True)
    raw.to_parquet(tmp_path / "dup.parquet", index=False)
    with pytest.raises(SourceError, match=rf"{where(len(raw), 'code_iris')}"):
        read_ifn_iris(tmp_path / "dup.parquet")


def test_ifn_empty_table(stats, tmp_path):
    pd.read_parquet(stats / IFN).iloc[:0].to_parquet(tmp_path / "none.parquet")
    with pytest.raises(SourceError, match="no rows"):
        read_ifn_iris(tmp_path / "none.parquet")


# --------------------------------------------------------------------------- #
# Illectronisme
# --------------------------------------------------------------------------- #


def test_illectronisme_sample(stats):
    df = read_illectronisme_rates(stats / ILLECTRONISME)
    assert list(df.columns) == [
        "survey_year",
        "publication",
        "source_url",
        "source_kind",
        "dimension",
        "category",
        "indicator",
        "rate",
        "qualifier",
        "population_scope",
        "note",
    ]
    assert len(df) == 35
    assert set(df["survey_year"]) == {"2017", "2019", "2021", "unknown"}
    assert df["rate"].dropna().between(0, 1).all()
    risks = df[df["dimension"] == "risque_relatif"]
    assert len(risks) == 3 and risks["rate"].isna().all()
    assert set(risks["qualifier"]) == {"x7", "x6.6", "x3.2"}


def test_rates_for_2021_headline(stats):
    df = read_illectronisme_rates(stats / ILLECTRONISME)
    rates = rates_for(df, 2021)
    assert rates == {
        "ensemble": {"15 ans ou plus": pytest.approx(0.154)},
        "age": {
            "15-24 ans": pytest.approx(0.02),
            "25-39 ans": pytest.approx(0.04),
            "60-74 ans": pytest.approx(0.24),
            "75 ans ou plus": pytest.approx(0.62),
        },
        "diplome": {
            "au mieux certificat d'études primaires": pytest.approx(0.42),
            "bac+3 ou plus": pytest.approx(0.03),
        },
        "niveau_de_vie": {
            "40 % des ménages les moins aisés": pytest.approx(0.20),
            "20 % des ménages les plus aisés": pytest.approx(0.03),
        },
    }


def test_rates_for_other_years_and_options(stats):
    df = read_illectronisme_rates(stats / ILLECTRONISME)
    assert rates_for(df, "2019") == {"ensemble": {"15 ans ou plus": 0.17}}
    y2017 = rates_for(df, 2017)
    assert y2017["age"]["moins de 45 ans"] == pytest.approx(0.05)  # an upper bound
    strict = rates_for(df, 2017, exclude_qualifiers=("lt",))
    assert "moins de 45 ans" not in strict["age"]
    pcs = rates_for(df, 2021, dimensions=("pcs",))
    assert pcs["pcs"]["cadres"] == pytest.approx(0.02)
    other = rates_for(df, 2021, "pas d'usage d'Internet au cours des 3 derniers mois")
    assert other == {"ensemble": {"15 ans ou plus": pytest.approx(0.139)}}


def test_rates_for_unknown_year_or_indicator(stats):
    df = read_illectronisme_rates(stats / ILLECTRONISME)
    with pytest.raises(DivideError, match=r"unknown survey year '2020'.*2021"):
        rates_for(df, 2020)
    with pytest.raises(DivideError, match=r"Did you mean: illectronisme"):
        rates_for(df, 2021, "illectronism")


def test_illectronisme_percent_above_100(stats, tmp_path):
    spec = SPECS["illectronisme"]
    before, rows = split(spec, stats)
    rows[2][rows[0].index("value_pct")] = "154"
    path = write(tmp_path, "pct.csv", join(before, rows, ","))
    with pytest.raises(
        SourceError, match=rf"{where(3, 'value_pct')}: value 154(\.0)? is above"
    ):
        read_illectronisme_rates(path)


# --------------------------------------------------------------------------- #
# The real files
# --------------------------------------------------------------------------- #


@pytest.mark.realdata
def test_real_arcep_2019(raw_dir):
    df = read_arcep_fixed(
        raw_dir
        / "broadband"
        / "arcep_maconnexioninternet_commune-debit-beta_2019-09-30.csv"
    )
    assert len(df) == 35_359
    assert_arcep_invariants(df)
    assert df["premises"].sum() == 42_270_879
    assert (df["premises"] == 0).sum() == 433
    assert set(df["date"]) == {"2019-09-30"}
    totals = df[list(CLASSES)].sum()
    assert totals["thd1g"] == 17_786_007 and totals["inel"] == 294_917
    assert {"01001", "2A004", "75056", "97101"} <= set(df["code"])


@pytest.mark.realdata
def test_real_filosofi_2021(raw_dir):
    df = read_filosofi(
        raw_dir / "poverty" / "insee_filosofi_2021_cc_filosofi_2021_COM.csv"
    )
    assert len(df) == 34_909
    assert df["code"].is_unique and df["code"].str.len().eq(5).all()
    assert df["poverty_rate"].notna().sum() == 4_397
    # PROVENANCE counts 31,316 MED21 cells that are not "s"; 12 of them are "nd"
    assert df["median_income"].notna().sum() == 31_316 - 12
    assert df["poverty_rate"].dropna().between(0, 1).all()
    assert df["median_income"].dropna().between(5_000, 100_000).all()
    known = df[["households", "persons"]].dropna()
    assert len(known) == 31_304 and (known["persons"] >= known["households"]).all()
    assert {"75056", "75101", "13055", "13201", "69123", "69381"} <= set(df["code"])
    assert not df["code"].str.startswith(("971", "973", "976")).any()  # not published


@pytest.mark.realdata
def test_real_census_ratios(raw_dir):
    path = (
        raw_dir
        / "sociodemo"
        / "DERIVED_batch8_data_scol_menage_demandeurEmplois_RP2017.csv"
    )
    df = read_census_ratios(path)
    assert len(df) == 36_101 - 1_115  # the all-empty lines are dropped
    assert df["code"].is_unique and df["code"].str.len().eq(5).all()
    shares = df[["low_diploma_share", "age65_share", "alone_share"]]
    assert ((shares >= 0) & (shares <= 1) | shares.isna()).all().all()
    assert shares.notna().sum().to_dict() == {
        "low_diploma_share": 34_986,
        "age65_share": 34_986,
        "alone_share": 34_979,
    }


@pytest.mark.realdata
def test_real_ifn(raw_dir):
    iris = read_ifn_iris(
        raw_dir / "ifn" / "ifn_mednum_tableau_extract_iris_wide.parquet"
    )
    assert len(iris) == 49_427
    assert iris["code_iris"].is_unique and iris["code_iris"].str.len().eq(9).all()
    assert iris["population"].sum() == pytest.approx(65.69e6, abs=0.01e6)
    assert iris["ifn_score"].notna().all()
    communes = ifn_by_commune(iris)
    assert len(communes) == 35_328
    assert communes["ifn_population"].sum() == pytest.approx(iris["population"].sum())
    index = communes["ifn_weighted"] / communes["ifn_population"]
    populated = communes["ifn_population"] > 0
    assert (
        index[populated].between(iris["ifn_score"].min(), iris["ifn_score"].max()).all()
    )
    national = communes["ifn_weighted"].sum() / communes["ifn_population"].sum()
    assert 80 < national < 100


@pytest.mark.realdata
def test_real_illectronisme(raw_dir):
    df = read_illectronisme_rates(
        raw_dir
        / "illectronisme"
        / "insee_tic_menages_illectronisme_published_figures.csv"
    )
    assert len(df) == 53
    assert df["rate"].dropna().between(0, 1).all()
    assert df["rate"].isna().sum() == 3
    headline = {
        y: rates_for(df, y)["ensemble"]["15 ans ou plus"] for y in (2017, 2019, 2021)
    }
    assert headline == pytest.approx({2017: 0.19, 2019: 0.17, 2021: 0.154})
    assert set(rates_for(df, 2021)) == {"ensemble", "age", "diplome", "niveau_de_vie"}


# --------------------------------------------------------------------------- #
# IRCOM 2018 (derived share of low-income tax households)
# --------------------------------------------------------------------------- #


def test_ircom_sample(stats, tmp_path):
    from divide.readers.ircom import read_ircom_low_income

    df = read_ircom_low_income(stats / "ircom2018_sample.csv")
    assert list(df.columns) == ["code", "ircom_low_income_share"]
    by = df.set_index("code")["ircom_low_income_share"]
    # the empty share (01001) is NaN, never 0; the others are fractions
    assert np.isnan(by["01001"]) and len(by) == 7
    assert by["97302"] == pytest.approx(0.51705383178794925)
    assert by["2A004"] == pytest.approx(0.27441333370187127)
    bad = write(tmp_path, "bad.csv", "CODE_INSEE,LIBCOM,TX_POVERTY\n01004,A,140\n")
    with pytest.raises(SourceError, match="TX_POVERTY"):
        read_ircom_low_income(bad)
