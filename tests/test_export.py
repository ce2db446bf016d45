"""Exports (divide.export), the atlas' invariants, and the data & export page."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from divide import export
from divide.atlas import TYPE_COLUMNS
from divide.errors import DivideError
from divide.i18n import t
from divide.indicators import value_column
from divide.registry import indicator, indicators
from divide.spreadsheet import RISKY_START, neutralise_text, restore_text
from divide.territory import ALL_LEVELS

ROOT = Path(__file__).resolve().parents[1]
SHARES = [i for i, ind in indicators().items() if ind.unit == "share"]
COUNTS = ["population", "premises", "mediation_sites"]


@pytest.fixture(scope="session")
def communes(atlas) -> pd.DataFrame:
    return atlas.level("commune")


@pytest.fixture(scope="session")
def dep29(atlas) -> pd.DataFrame:
    return export.table(atlas, "commune", within="dep:29")


# ------------------------------------------------------------------ the table
def test_a_modelled_figure_is_exported_with_its_range(atlas):
    """The ends: Σ people at risk low/high over Σ people 15+, from the atlas rows."""
    rows = export.table(atlas, "departement", indicator_ids=["illectronisme_est"])
    assert list(rows.columns[-3:]) == [
        "illectronisme_est",
        "illectronisme_est_low",
        "illectronisme_est_high",
    ]
    deps = atlas.level("departement").set_index("code")
    creuse = rows.set_index("code").loc["23"]
    assert creuse["illectronisme_est_low"] == pytest.approx(
        deps.loc["23", "people_at_risk_low"] / deps.loc["23", "people_15p"]
    )
    files = export.csv_files(rows)
    notes = pd.read_csv(io.BytesIO(files[".dictionary.csv"]), dtype=str)
    high = notes.set_index("id").loc["illectronisme_est_high"]
    assert high["modelled"] == "True" and "high end of the range" in high["label_en"]
    assert high["numerator"] == "people_at_risk_high"
    head = pd.read_csv(io.BytesIO(files[".csv"]), dtype=str, nrows=1).columns
    assert {"illectronisme_est_low", "illectronisme_est_high"} <= set(head)
    measured = export.table(atlas, "departement", indicator_ids=["thd30_share"])
    assert list(measured.columns[-1:]) == ["thd30_share"]


def test_table_keeps_scope_rows_and_string_codes(dep29, communes):
    assert len(dep29) == (communes["departement"] == "29").sum() > 250
    assert list(dep29.columns[:8]) == [
        "code",
        "name",
        "epci",
        "epci_name",
        "departement",
        "departement_name",
        "region",
        "region_name",
    ]
    # Communes carry their types of territory (class ids), then the indicators,
    # each modelled one with a range followed by its two ends.
    assert list(dep29.columns[8:13]) == list(TYPE_COLUMNS)
    expected = []
    for ind_id, ind in indicators().items():
        expected += (
            [ind_id, f"{ind_id}_low", f"{ind_id}_high"] if ind.ranged else [ind_id]
        )
    assert list(dep29.columns[13:]) == expected
    assert pd.api.types.is_string_dtype(dep29["code"])
    assert "29019" in set(dep29["code"])
    assert dep29["code"].str.fullmatch(r"29\d{3}").all()


@pytest.mark.parametrize(
    ("level", "ids"),
    [
        (
            "commune",
            [
                "code",
                "name",
                "epci",
                "epci_name",
                "departement",
                "departement_name",
                "region",
                "region_name",
                *TYPE_COLUMNS,
            ],
        ),
        (
            "epci",
            [
                "code",
                "name",
                "departement",
                "departement_name",
                "region",
                "region_name",
            ],
        ),
        ("departement", ["code", "name", "region", "region_name"]),
        ("region", ["code", "name"]),
        ("france", ["code", "name"]),
    ],
)
def test_id_columns_are_those_the_level_has(atlas, level, ids):
    frame = export.table(atlas, level, indicator_ids=["population"])
    assert list(frame.columns) == [*ids, "population"]
    assert frame[ids].notna().all().all() or level == "commune"
    if level == "commune":  # every commune has a density class; few a massif
        assert frame["density"].notna().all() and frame["mountain"].isna().any()


@pytest.mark.parametrize(
    "within", ["dep:29", "departement:29", "29", " dep : 29 ", ("departement", "29")]
)
def test_within_forms_agree(atlas, dep29, within):
    frame = export.table(atlas, "commune", within=within)
    assert frame["code"].tolist() == dep29["code"].tolist()


def test_within_region_epci_and_corsica(atlas, communes):
    reg = export.table(atlas, "commune", within="reg:53", indicator_ids=[])
    assert len(reg) == (communes["region"] == "53").sum()
    brest = export.table(atlas, "commune", within="epci:242900314", indicator_ids=[])
    assert len(brest) == (communes["epci"] == "242900314").sum() > 5
    assert "29019" in set(brest["code"])
    corsica = export.table(atlas, "commune", within="dep:2a", indicator_ids=[])
    assert corsica["code"].str.startswith("2A").all() and len(corsica) > 100
    assert export.table(atlas, "commune", within="fr").shape[0] == len(communes)


def test_ambiguous_bare_code_asks_for_a_prefix(atlas):
    with pytest.raises(DivideError, match=r"dep:11 or reg:11"):
        export.table(atlas, "commune", within="11")


@pytest.mark.parametrize(
    ("within", "hint"),
    [("dep:299", "Did you mean: 29"), ("dpt:29", "dep"), ("99999", "dep:CODE")],
)
def test_bad_scopes_say_what_to_write(atlas, within, hint):
    with pytest.raises(DivideError, match=hint):
        export.table(atlas, "commune", within=within)


def test_scope_must_hold_the_level(atlas):
    with pytest.raises(DivideError, match="finer level"):
        export.table(atlas, "region", within="dep:29")
    with pytest.raises(DivideError, match="finer level"):
        export.table(atlas, "departement", within="epci:242900314")
    one = export.table(atlas, "departement", within="dep:29")
    assert one["code"].tolist() == ["29"]


def test_indicator_typo_names_the_close_match(atlas):
    with pytest.raises(DivideError, match="Did you mean: thd30_share"):
        export.table(atlas, "commune", indicator_ids=["thd30_shar"])


def test_empty_indicator_list_keeps_only_ids(atlas):
    frame = export.table(atlas, "departement", indicator_ids=[])
    assert list(frame.columns) == ["code", "name", "region", "region_name"]
    assert len(frame) == 101


def test_ranges_filter_in_registry_units(atlas, dep29):
    frame = export.table(
        atlas,
        "commune",
        within="dep:29",
        indicator_ids=["thd30_share", "population"],
        ranges={"thd30_share": (0.5, None), "population": (None, 5000)},
    )
    expected = dep29[(dep29["thd30_share"] >= 0.5) & (dep29["population"] <= 5000)]
    assert frame["code"].tolist() == expected["code"].tolist()
    assert 0 < len(frame) < len(dep29)


def test_ranges_drop_rows_without_a_value(atlas):
    everything = export.table(atlas, "commune", indicator_ids=["poverty_rate"])
    ranged = export.table(
        atlas,
        "commune",
        indicator_ids=["poverty_rate"],
        ranges={"poverty_rate": (0, 1)},
    )
    assert len(ranged) == everything["poverty_rate"].notna().sum() < len(everything)


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ({"thd30_shar": (0, 1)}, "Did you mean: thd30_share"),
        ({"gig_share": (0, 1)}, "not among the exported"),
        ({"thd30_share": (0.8, 0.2)}, "above high"),
    ],
)
def test_bad_ranges_are_explained(atlas, ranges, message):
    with pytest.raises(DivideError, match=message):
        export.table(atlas, "commune", indicator_ids=["thd30_share"], ranges=ranges)


# ------------------------------------------------------------------------ CSV
def test_csv_neutralises_formula_injection():
    risky = ["=SUM(A1:A9)", "+33 1 23", "-2+3", "@cmd", "\tx", "\rx"]
    safe = ["Saint-Malo", "L'Haÿ-les-Roses", "Île-de-Sein", "a=b"]
    frame = pd.DataFrame(
        {
            "code": ["01001", "2A004", "29019", "75056", "97101", "29155"] * 2,
            "name": risky + safe + [None, "=1"],
            "thd30_share": [-0.5, 0.1, np.nan, 0.3, 0.4, 0.5] * 2,
        }
    )
    files = export.csv_files(frame)
    back = pd.read_csv(io.BytesIO(files[".csv"]), dtype={"code": str, "name": str})
    for raw, written in zip(frame["name"], back["name"], strict=True):
        if isinstance(raw, str) and raw.startswith(export.RISKY_START):
            assert written == "'" + raw
        elif pd.isna(raw):
            assert pd.isna(written)
        else:
            assert written == raw
    assert back["code"].tolist() == frame["code"].tolist()
    assert back["thd30_share"].iloc[0] == -0.5  # numbers are never prefixed
    assert export.neutralise_formulas(frame)["name"].iloc[0] == "'=SUM(A1:A9)"


def test_csv_is_utf8_with_a_header_of_ids_and_a_dictionary(atlas):
    frame = export.table(
        atlas, "commune", within="dep:01", indicator_ids=["thd30_share", "population"]
    )
    files = export.csv_files(frame)
    text = files[".csv"].decode("utf-8")
    types = ",".join(TYPE_COLUMNS)
    assert (
        text.splitlines()[0]
        == "code,name,epci,epci_name,departement,departement_name,region,region_name,"
        f"{types},thd30_share,population"
    )
    assert "01001,Abergement-Clémenciat," in text  # leading zero and accent kept
    notes = pd.read_csv(io.BytesIO(files[".dictionary.csv"]))
    assert notes["id"].tolist() == [*TYPE_COLUMNS, "thd30_share", "population"]
    for column in ("label_fr", "label_en", "unit", "sources", "vintage", "licence"):
        assert notes[column].notna().all(), column
    assert notes.loc[5, "unit"] == "share (0-1)"
    # The types of territory are described with their source, vintage and values.
    density = notes.set_index("id").loc["density3"]
    assert density["unit"] == "class" and "COG 2026" in density["vintage"]
    assert (
        "INSEE" in density["sources"] and "rural = bourgs_ruraux" in density["note_en"]
    )


def test_zip_holds_data_and_dictionary(dep29):
    data = export.zip_csv(dep29, "divide_commune_dep29")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert names == [
            "divide_commune_dep29.csv",
            "divide_commune_dep29.dictionary.csv",
        ]
        back = pd.read_csv(archive.open(names[0]), dtype={"code": str, "epci": str})
    assert len(back) == len(dep29)
    assert back["code"].tolist() == dep29["code"].tolist()
    # Shares are exported to 4 decimals: within half a unit of the last one.
    assert np.allclose(
        back["thd30_share"], dep29["thd30_share"], rtol=0, atol=5e-5, equal_nan=True
    )


# -------------------------------------------------------- geographic formats
def _read(data: bytes, fmt: str, tmp_path: Path) -> gpd.GeoDataFrame:
    if fmt == "parquet":
        return gpd.read_parquet(io.BytesIO(data))
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(data)
    return gpd.read_file(path, layer="territories" if fmt == "gpkg" else None)


@pytest.mark.parametrize("fmt", export.GEO_FORMATS)
@pytest.mark.parametrize(
    ("level", "within"), [("commune", "dep:29"), ("departement", "reg:94")]
)
def test_geo_formats_round_trip(atlas, tmp_path, fmt, level, within):
    frame = export.table(
        atlas, level, within=within, indicator_ids=["thd30_share", "population"]
    )
    files = export.to_bytes(atlas, level, frame, fmt)
    assert list(files) == [f".{fmt}"]
    back = _read(files[f".{fmt}"], fmt, tmp_path)
    assert back.crs.to_epsg() == 4326
    assert len(back) == len(frame)
    assert back["code"].tolist() == frame["code"].tolist()
    assert all(isinstance(c, str) for c in back["code"])
    assert back.geometry.notna().all() and not back.geometry.is_empty.any()
    assert np.allclose(back["population"], frame["population"])
    assert np.allclose(
        back["thd30_share"], frame["thd30_share"], rtol=0, atol=5e-5, equal_nan=True
    )
    if level == "departement":
        assert sorted(back["code"]) == ["2A", "2B"]


def test_geo_formats_carry_the_dictionary(atlas, dep29, tmp_path):
    frame = dep29[["code", "name", "thd30_share"]]
    geojson = json.loads(
        export.to_bytes(atlas, "commune", frame, "geojson")[".geojson"]
    )
    assert geojson["metadata"]["dictionary"][0]["id"] == "thd30_share"
    path = tmp_path / "x.gpkg"
    path.write_bytes(export.to_bytes(atlas, "commune", frame, "gpkg")[".gpkg"])
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["dictionary", "territories"]
    notes = pyogrio.read_dataframe(path, layer="dictionary")
    assert notes["id"].tolist() == ["thd30_share"]
    parquet = export.to_bytes(atlas, "commune", frame, "parquet")[".parquet"]
    meta = pq.read_schema(io.BytesIO(parquet)).metadata
    assert b"geo" in meta
    assert json.loads(meta[b"divide"])["dictionary"][0]["id"] == "thd30_share"


def test_france_level_has_one_polygon(atlas):
    frame = export.table(atlas, "france", indicator_ids=["population"])
    gdf = export.with_geometry(atlas, "france", frame, simplified=True)
    assert len(gdf) == 1 and gdf.geometry.iloc[0].area > 10


def test_simplified_outlines_are_lighter(atlas, dep29):
    full = export.to_bytes(atlas, "commune", dep29, "geojson")[".geojson"]
    light = export.to_bytes(atlas, "commune", dep29, "geojson", simplified=True)
    assert len(light[".geojson"]) < len(full)


def test_unknown_format_is_refused(atlas, dep29):
    with pytest.raises(DivideError, match="Valid: csv, geojson, gpkg, parquet"):
        export.to_bytes(atlas, "commune", dep29, "xlsx")


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_size_estimate_is_within_a_factor_of_two(atlas, dep29, fmt):
    real = len(export.payload(atlas, "commune", dep29, fmt))
    guess = export.estimate_size(atlas, "commune", dep29, fmt)
    assert real / 2 < guess < real * 2


def test_whole_france_communes_are_flagged_large(atlas):
    frame = export.table(atlas, "commune")
    assert export.estimate_size(atlas, "commune", frame, "geojson") > 25e6
    assert export.human_size(45_300_000) == "45.3 MB"
    assert export.human_size(45_300_000, "fr") == "45,3 Mo"


def test_write_names_files_and_checks_the_folder(atlas, dep29, tmp_path):
    written = export.write(atlas, "commune", dep29, "csv", tmp_path)
    assert [p.name for p in written] == [
        "divide_commune.csv",
        "divide_commune.dictionary.csv",
    ]
    written = export.write(atlas, "commune", dep29, "parquet", tmp_path / "brest")
    assert [p.name for p in written] == ["brest.parquet"]
    with pytest.raises(DivideError, match="folder not found"):
        export.write(atlas, "commune", dep29, "csv", tmp_path / "no" / "x.csv")


# ------------------------------------------------- dictionary, sources, quality
def test_dictionary_describes_every_indicator():
    notes = export.dictionary()
    assert notes["id"].tolist() == list(indicators())
    for row in notes.itertuples():
        ind = indicator(row.id)
        assert row.numerator == ind.numerator
        assert row.denominator == (ind.denominator or "")
        assert row.direction in ("higher_worse", "lower_worse", "neutral")
        assert row.sources and row.licence and row.label_fr and row.label_en
        assert row.vintage or row.id == "people_at_risk_far"
        assert row.modelled == ind.modelled
    modelled = notes.set_index("id").loc["illectronisme_est"]
    assert "modelled" in modelled["label_en"] and "modélisé" in modelled["label_fr"]
    assert notes["label_fr"].str.count("modélisé").max() == 1  # never doubled


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_translated_views(atlas, lang):
    view = export.dictionary_view(lang)
    assert len(view) == len(indicators())
    assert ("Libellé" in view.columns) == (lang == "fr")
    text = export.sources_markdown(lang)
    assert "[official page](https://www.data.gouv.fr" in text or lang == "fr"
    assert text.count("\n") == len(export.sources_table()) + 1
    quality = export.quality_view(atlas.quality, lang)
    assert len(quality) == len(atlas.quality["sources"])
    arcep = quality[quality.iloc[:, 0] == "arcep_fixed_2019"].iloc[0].tolist()
    read = "35\u202f359" if lang == "fr" else "35,359"
    rate = "99,99\u00a0%" if lang == "fr" else "99.99%"
    assert arcep[:2] == ["arcep_fixed_2019", read] and rate in arcep
    lines = export.unmatched_lines(atlas.quality, lang)
    assert any(line.startswith("**arcep_fixed_2019** (2)") for line in lines)


def test_sources_table_lists_each_source_once():
    table = export.sources_table()
    used = {s for ind in indicators().values() for s in ind.sources}
    used |= {"ot_density", "ot_rurality", "ot_centrality", "ot_mountain"}
    assert sorted(table["id"]) == sorted(used)
    assert (
        table.loc[table["id"] == "arcep_fixed_2019", "url"]
        .str.startswith("https")
        .all()
    )
    assert export.sources_table(["thd30_share"])["id"].tolist() == ["arcep_fixed_2019"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_dictionary_and_sources_show_the_date_built(lang):
    """An atlas built from a newer ARCEP quarter shows that date, not 2019's."""
    dates = {"arcep_fixed_2019": "2025-06-30"}
    view = export.dictionary_view(lang, ["thd30_share", "median_income"], dates=dates)
    vintages = view.iloc[:, list(view.columns).index(t("export_col_vintage", lang))]
    assert "2025-06-30" in vintages.iloc[0] and "2019" not in vintages.iloc[0]
    assert "2025-06-30" not in vintages.iloc[1]  # other sources keep theirs
    table = export.sources_table(["thd30_share"], lang, dates).set_index("id")
    assert table.loc["arcep_fixed_2019", "vintage"] == "2025-06-30"
    assert "2025-06-30" in export.sources_markdown(lang, dates)
    assert "2025-06-30" not in export.sources_markdown(lang)


def test_markdown_table_links_and_escapes():
    frame = pd.DataFrame({"title": ["a|b"], "url": ["https://x.fr"]})
    text = export.markdown_table(frame, {"title": "Titre"}, {"url": "lien"})
    assert text.splitlines() == [
        "| Titre | url |",
        "|---|---|",
        "| a\\|b | [lien](https://x.fr) |",
    ]


def test_quality_table_reads_every_source(atlas):
    quality = atlas.quality
    table = export.quality_table(quality).set_index("source")
    assert sorted(table.index) == sorted(quality["sources"])
    arcep = quality["sources"]["arcep_fixed_2019"]
    assert table.loc["arcep_fixed_2019", "rows_read"] == arcep["rows_read"]
    assert table.loc["arcep_fixed_2019", "unmatched"] == len(arcep["unmatched_codes"])
    mediation = quality["sources"]["mediation_sites"]
    assert table.loc["mediation_sites", "rows_read"] == sum(
        mediation["rows_read"].values()
    )
    assert table.loc["mediation_sites", "unmatched"] == mediation["not_placed"]
    assert "absorbed" not in table.loc["mediation_sites", "notes"]
    missing = export.unmatched(quality)
    assert missing["arcep_fixed_2019"] == arcep["unmatched_codes"]


def test_scope_options_follow_the_sidebar(atlas):
    assert export.scope_options(atlas, "commune", ("france", "FR")) == ["france"]
    assert export.scope_options(atlas, "commune", ("commune", "29019")) == [
        "france",
        "dep:29",
    ]
    assert export.scope_options(atlas, "region", ("departement", "29")) == ["france"]
    assert export.scope_options(atlas, "commune", ("epci", "242900314"))[-1] == (
        "epci:242900314"
    )
    assert export.scope_label(atlas, "dep:29", "en") == "Finistère (Département 29)"
    note = export.scope_note("commune", ("commune", "29019"), ["france", "x"], "en")
    assert "its département" in note
    note = export.scope_note("region", ("departement", "29"), ["france"], "en")
    assert "régions" in note
    assert export.scope_note("commune", ("france", "FR"), ["france"], "en") is None


def test_size_warning_names_the_largest_format():
    sizes = {"csv": 3e6, "geojson": 44e6, "gpkg": 36e6, "parquet": 19e6}
    assert "44.0 MB as GEOJSON" in export.size_warning(sizes, "en")
    assert "44,0 Mo en GEOJSON" in export.size_warning(sizes, "fr")
    assert export.size_warning({**sizes, "geojson": 1e6, "gpkg": 1e6}, "en") is None


# ---------------------------------------------------------------- invariants
@pytest.mark.parametrize("ind_id", COUNTS)
def test_national_totals_equal_the_sum_over_communes(atlas, communes, ind_id):
    national = atlas.territory("france", None)[value_column(ind_id)]
    assert national == pytest.approx(
        communes[value_column(ind_id)].sum(), rel=1e-9, abs=1
    )
    for level in ("departement", "region"):
        total = atlas.level(level)[value_column(ind_id)].sum()
        assert total == pytest.approx(national, rel=1e-9, abs=1), level


@pytest.mark.parametrize("ind_id", ["thd30_share", "poverty_rate"])
@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("departement", "29"),
        ("departement", "2A"),
        ("departement", "75"),
        ("departement", "971"),
        ("region", "53"),
        ("epci", "242900314"),
        ("france", "FR"),
    ],
)
def test_rates_are_sums_of_numerators_over_denominators(
    atlas, communes, ind_id, level, code
):
    ind = indicator(ind_id)
    rows = communes if level == "france" else communes[communes[level] == code]
    num, den = rows[ind.numerator].sum(), rows[ind.denominator].sum()
    expected = num / den if den > 0 else np.nan  # no published commune: no rate
    # Withheld when the published communes hold under 80 % of the population.
    covered = rows.loc[rows[ind.denominator].notna(), "population"].sum()
    if covered < 0.8 * rows["population"].sum():
        expected = np.nan
    value = atlas.territory(level, code)[value_column(ind_id)]
    assert value == pytest.approx(expected, rel=1e-6, nan_ok=True)
    exported = export.table(atlas, level, indicator_ids=[ind_id]).set_index("code")
    assert exported.loc[code, ind_id] == pytest.approx(expected, rel=1e-6, nan_ok=True)


def test_rates_are_not_means_of_commune_rates(atlas, communes):
    rows = communes[communes["departement"] == "29"]
    weighted = atlas.territory("departement", "29")["v_thd30_share"]
    assert abs(rows["v_thd30_share"].mean() - weighted) > 0.01


@pytest.mark.parametrize("level", ALL_LEVELS)
def test_counts_by_class_fit_in_premises(atlas, level):
    rows = atlas.level(level).dropna(subset=["premises"])
    tol = 0.01
    assert (rows["premises_no_thd"] <= rows["premises"] + tol).all()
    for column in (
        "premises_bhd8",
        "premises_thd30",
        "premises_thd100",
        "premises_gig",
    ):
        assert (rows[column] <= rows["premises"] + tol).all(), column
    assert (rows["premises_thd30"] <= rows["premises_bhd8"] + tol).all()
    assert (rows["premises_thd100"] <= rows["premises_thd30"] + tol).all()
    assert (rows["premises_gig"] <= rows["premises_thd100"] + tol).all()
    sums = rows["premises_no_thd"] + rows["premises_thd30"]
    assert np.allclose(sums, rows["premises"], atol=0.05)


@pytest.mark.parametrize("level", ALL_LEVELS)
def test_shares_are_between_zero_and_one(atlas, level):
    frame = export.table(atlas, level, indicator_ids=SHARES)
    values = frame[SHARES].to_numpy(dtype=float)
    values = values[~np.isnan(values)]
    assert values.size and values.min() >= 0 and values.max() <= 1


def test_codes_are_strings_with_leading_zeros(atlas, communes):
    codes = set(communes["code"])
    assert {"01001", "2A004", "2B033", "97101"} <= codes
    assert all(isinstance(c, str) for c in communes["code"])
    deps = export.table(atlas, "departement", indicator_ids=[])
    assert {"01", "2A", "2B", "971"} <= set(deps["code"])
    assert deps["code"].str.len().between(2, 3).all()
    frame = export.table(atlas, "commune", within="dep:01", indicator_ids=[])
    assert frame["code"].str.fullmatch(r"01\d{3}").all()


# --------------------------------------------------------------- the page
def _page(params: dict[str, str]):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/export.py")
    at.run()
    if at.session_state["lang"] != params.get("lang", "fr"):
        # Until the sidebar's language box survives a page switch (see
        # test_app.py::test_language_survives_page_switch), choose it again.
        at.selectbox(key="lang").select(params["lang"]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _rows(at) -> int:
    return len(at.dataframe[0].value)


@pytest.mark.parametrize(
    ("params", "title", "rows"),
    [
        ({"lang": "en", "level": "departement", "code": "29"}, "Data & export", 277),
        ({"lang": "fr"}, "Données et export", 101),
        ({"lang": "fr", "level": "commune", "code": "29019"}, "Données et export", 277),
        ({"lang": "en", "level": "region", "code": "94"}, "Data & export", 360),
    ],
)
def test_page_renders_in_both_languages(params, title, rows):
    at = _page(params)
    assert at.title[0].value == title
    assert _rows(at) == rows
    keys = [b.key for b in at.get("download_button")]
    formats = [f"export_download_{fmt}" for fmt in export.FORMATS]
    assert keys == [*formats, "export_quality_details"]
    text = " ".join(m.value for m in at.markdown)
    assert "[" in text and "](https://" in text  # sources with links
    assert not at.error


def test_page_interactions_change_the_preview(atlas):
    at = _page({"lang": "en", "level": "departement", "code": "29"})
    assert at.selectbox(key="export_level").value == "commune"
    assert at.radio(key="export_scope").value == "dep:29"
    at.selectbox(key="export_level").select("epci").run()
    epcis = export.table(atlas, "epci", within="dep:29", indicator_ids=[])
    assert _rows(at) == len(epcis) > 5
    at.selectbox(key="export_level").select("commune").run()
    at.multiselect(key="export_indicators").set_value(
        ["thd30_share", "population"]
    ).run()
    headers = list(at.dataframe[0].value.columns)
    assert headers[:4] == ["Code", "Name", "EPCI", "EPCI name"]
    assert headers[-2:] == [
        export.indicator_label("thd30_share", "en", unit=True),
        export.indicator_label("population", "en", unit=True),
    ]
    assert _rows(at) == 277
    at.multiselect(key="export_filter_ids").set_value(["thd30_share"]).run()
    assert at.number_input(key="export_value_thd30_share").value is None
    assert _rows(at) == 277  # an empty box filters nothing
    at.selectbox(key="export_op_thd30_share").select(">=").run()
    at.number_input(key="export_value_thd30_share").set_value(50.0).run()
    expected = export.table(
        atlas, "commune", within="dep:29", indicator_ids=["thd30_share"]
    )
    assert _rows(at) == (expected["thd30_share"] >= 0.5).sum() < 277
    at.radio(key="export_scope").set_value("france").run()
    everywhere = export.table(atlas, "commune", indicator_ids=["thd30_share"])
    assert _rows(at) == (everywhere["thd30_share"] >= 0.5).sum()
    assert at.number_input(key="export_value_thd30_share").value == 50.0  # kept
    assert not at.warning
    at.multiselect(key="export_filter_ids").set_value([]).run()
    assert _rows(at) == len(everywhere)
    assert any("Large file" in w.value and " MB " in w.value for w in at.warning)
    assert not at.exception


def test_page_level_coarser_than_the_territory_falls_back_to_france():
    at = _page({"lang": "en", "level": "departement", "code": "29"})
    at.selectbox(key="export_level").select("region").run()
    assert at.radio(key="export_scope").options == ["All of France"]
    assert _rows(at) == 18
    assert not at.exception


@given(st.text(alphabet="=+-@'\t\r ab", max_size=6))
def test_neutralised_text_never_starts_a_formula_and_restores_exactly(text):
    safe = neutralise_text(text)
    assert not safe.startswith(RISKY_START)
    assert restore_text(safe) == text
