"""The analyst's export: typed thresholds, names beside codes, rounding, vintages.

Figures are recomputed from the raw ARCEP file (state on 2019-09-30) with plain
pandas; the 2019 communes are carried to today's (COG 2026) through the atlas's
committed table of merged communes (``data/atlas/code_map.csv``).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from divide import export
from divide.atlas import Atlas
from divide.cli import main
from divide.errors import DivideError

BRETAGNE = ["22", "29", "35", "56"]
CODE_MAP = Path(__file__).resolve().parents[1] / "data" / "atlas" / "code_map.csv"


@pytest.fixture(scope="module")
def atlas():
    return Atlas.load()


@pytest.fixture(scope="module")
def bretagne_raw(raw_arcep) -> pd.DataFrame:
    """Bretagne communes (COG 2026) with premises and premises at ≥ 30 Mbit/s."""
    merged = pd.read_csv(CODE_MAP, dtype=str)
    raw = raw_arcep.copy()
    renamed = dict(zip(merged.old, merged.current, strict=True))
    raw["current"] = raw["code_insee"].map(renamed)
    raw["current"] = raw["current"].fillna(raw["code_insee"])
    raw["thd"] = raw["elig_thd30"] + raw["elig_thd100"] + raw["elig_thd1g"]
    sums = raw.groupby("current")[["thd", "nbr"]].sum()
    sums = sums[sums.index.str[:2].isin(BRETAGNE)]
    sums["share"] = sums["thd"] / sums["nbr"]
    return sums


def _below_half(atlas):
    rule = export.parse_threshold("thd30_share<50%")
    return export.table(
        atlas,
        "commune",
        within="reg:53",
        indicator_ids=["thd30_share"],
        thresholds=[rule],
    )


def test_bretagne_communes_below_half_thd_match_the_raw_file(atlas, bretagne_raw):
    frame = _below_half(atlas)
    expected = set(bretagne_raw.index[bretagne_raw["share"] < 0.5])
    assert set(frame["code"]) == expected
    assert len(frame) == len(expected)
    # ≥ on the same value keeps exactly the others (no row with a value lost).
    above = export.table(
        atlas,
        "commune",
        within="reg:53",
        indicator_ids=["thd30_share"],
        thresholds=[export.parse_threshold("thd30_share>=0.5")],
    )
    assert set(above["code"]) == set(bretagne_raw.index[bretagne_raw["share"] >= 0.5])


def test_threshold_syntax_shares_as_fractions_or_percent():
    assert export.parse_threshold("thd30_share<0.5") == export.Threshold(
        "thd30_share", "<", 0.5
    )
    assert export.parse_threshold(" thd30_share <= 50 % ") == export.Threshold(
        "thd30_share", "<=", 0.5
    )
    assert export.parse_threshold("population>=1000").op == ">="
    assert export.parse_threshold("density3=rural") is None  # a type filter
    types, rules = export.split_where(["density3=rural", "population>2000"])
    assert types == ["density3=rural"] and rules[0].value == 2000


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("thd30_shar<0.5", "Did you mean: thd30_share"),
        ("thd30_share<half", "is not a number"),
        ("population<10%", "only for shares"),
        ("thd30_share<", "is not a number"),
    ],
)
def test_bad_thresholds_say_what_to_fix(item, message):
    with pytest.raises(DivideError, match=message):
        export.parse_threshold(item)


def test_names_sit_beside_their_codes(atlas, raw_arcep):
    frame = _below_half(atlas)
    columns = list(frame.columns)
    for parent in export.PARENTS:
        assert columns.index(f"{parent}_name") == columns.index(parent) + 1
    assert set(frame["region_name"]) == {"Bretagne"}
    finistere = frame[frame["departement"] == "29"]
    assert set(finistere["departement_name"]) == {"Finistère"}
    # Island communes outside any EPCI (Île-de-Sein...) have neither.
    assert (frame["epci_name"].notna() == frame["epci"].notna()).all()
    assert frame["epci"].notna().sum() > 900


def test_csv_values_rounded_per_unit_and_documented(atlas, bretagne_raw):
    frame = export.table(
        atlas,
        "commune",
        within="reg:53",
        indicator_ids=["thd30_share", "population", "dist_4g_km"],
    )
    files = export.csv_files(frame)
    back = pd.read_csv(io.BytesIO(files[".csv"]), dtype={"code": str})
    # Shares to 4 decimals of the 0-1 value, recomputed from the raw file.
    raw_share = bretagne_raw["share"].round(4)
    merged = back.set_index("code")["thd30_share"].reindex(raw_share.index)
    assert (merged - raw_share).abs().max() < 1e-9
    text = files[".csv"].decode("utf-8")
    for line in text.splitlines()[1:50]:
        share = line.split(",")[-3]
        assert share == "" or len(share.partition(".")[2]) <= 4
    assert pd.api.types.is_integer_dtype(back["population"])
    km = back["dist_4g_km"].dropna()
    assert ((km * 10).round(6) % 1 == 0).all()
    notes = pd.read_csv(io.BytesIO(files[".dictionary.csv"]))
    precision = dict(zip(notes["id"], notes["precision"], strict=True))
    assert precision["thd30_share"] == "4 decimals (0.01 point)"
    assert precision["population"] == "integer"
    assert precision["dist_4g_km"] == "1 decimal"  # one, not "1 decimals"
    assert export.precision_text("per10k") == "2 decimals"


def test_vintage_column_in_the_csv_itself(atlas):
    frame = _below_half(atlas)
    files = export.csv_files(frame, vintages=True)
    back = pd.read_csv(io.BytesIO(files[".csv"]), dtype=str)
    columns = list(back.columns)
    assert columns[columns.index("thd30_share") + 1] == "thd30_share_source"
    source = set(back["thd30_share_source"])
    assert len(source) == 1
    (text,) = source
    assert "ARCEP" in text and "2019" in text
    plain = pd.read_csv(io.BytesIO(export.csv_files(frame)[".csv"]), dtype=str)
    assert "thd30_share_source" not in plain.columns


def test_formula_like_names_stay_neutralised(atlas):
    frame = _below_half(atlas).head(2).copy()
    frame.loc[0, "epci_name"] = "=HYPERLINK(1)"
    text = export.csv_files(frame, vintages=True)[".csv"].decode("utf-8")
    assert "'=HYPERLINK(1)" in text


def test_preview_reads_in_the_language(atlas):
    frame = _below_half(atlas).head(5)
    fr = export.preview_frame(frame, "fr")
    en = export.preview_frame(frame, "en")
    label_fr = export.indicator_label("thd30_share", "fr", unit=True)
    label_en = export.indicator_label("thd30_share", "en", unit=True)
    first = frame["thd30_share"].iloc[0]
    shown_fr = f"{100 * first:.1f}".replace(".", ",")
    assert fr[label_fr].iloc[0] == f"{shown_fr}\u00a0%"
    assert en[label_en].iloc[0] == f"{100 * first:.1f}%"
    assert "Nom (Département)" in fr.columns or "Nom (département)" in fr.columns


def test_cli_typed_threshold_names_and_vintages(tmp_path, bretagne_raw, capsys):
    out = tmp_path / "bzh.csv"
    code = main(
        [
            "export",
            "--level",
            "commune",
            "--within",
            "reg:53",
            "--indicators",
            "population",
            "--where",
            "thd30_share<0.5",
            "--vintages",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    back = pd.read_csv(out, dtype={"code": str})
    expected = set(bretagne_raw.index[bretagne_raw["share"] < 0.5])
    assert set(back["code"]) == expected
    assert "thd30_share" in back.columns  # the filtered indicator is exported
    assert {"departement_name", "thd30_share_source"} <= set(back.columns)
    assert f"{len(expected)} rows" in capsys.readouterr().out


def test_cli_bad_threshold_is_a_message(tmp_path, capsys):
    code = main(
        [
            "export",
            "--level",
            "commune",
            "--where",
            "thd30_share<lots",
            "-o",
            str(tmp_path / "x.csv"),
        ]
    )
    assert code != 0
    err = capsys.readouterr().err
    assert "is not a number" in err and "Traceback" not in err


def test_zip_of_the_app_holds_the_vintage_column(atlas):
    frame = _below_half(atlas).head(3)
    blob = export.payload(atlas, "commune", frame, "csv", name="bzh", vintages=True)
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        data = archive.read("bzh.csv").decode("utf-8")
    assert "thd30_share_source" in data.splitlines()[0]
