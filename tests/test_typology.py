"""Types of territory: the grids' reader, the atlas's commune attributes, filters by
type, indicators by type (Σ numerator / Σ denominator per class), and one figure
recomputed from the raw files with plain pandas."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_cli import run
from test_foundation import tiny_reference

from divide import export, territory_types, typology
from divide.atlas import TYPE_COLUMNS, Atlas
from divide.build.harmonise import harmonise_classes
from divide.build.readers.typology import CLASSES, read_grid
from divide.errors import DivideError, SourceError
from divide.i18n import STRINGS, t
from divide.indicators import compute, value_column
from divide.registry import indicators, source

DENSITY_COUNTS = {
    "grands_centres_urbains": 699,
    "centres_urbains_intermediaires": 637,
    "ceintures_urbaines": 1996,
    "petites_villes": 947,
    "bourgs_ruraux": 5072,
    "rural_disperse": 18288,
    "rural_tres_disperse": 7236,
}
RURAL_LABELS = {
    "Bourgs ruraux",
    "Rural à habitat dispersé",
    "Rural à habitat très dispersé",
}
ARCEP = "broadband/arcep_maconnexioninternet_commune-debit-beta_2019-09-30.csv"


@pytest.fixture(scope="module")
def grids(fixtures) -> Path:
    return fixtures / "typology"


# ---------------------------------------------------------------- the reader
def test_reader_handles_bom_codes_and_labels(grids):
    assert (grids / "ot_grille_densite_sample.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    df = read_grid(grids / "ot_grille_densite_sample.csv")
    assert df.attrs["grid"] == "density"
    assert list(df.columns) == ["code", "name", "label", "class"]
    assert df["code"].tolist()[:2] == ["01001", "01002"]  # strings, zeros kept
    assert "2A004" in set(df["code"]) and pd.api.types.is_string_dtype(df["code"])
    row = df.set_index("code").loc["2A004"]
    assert row["name"] == "Ajaccio" and row["class"] == "grands_centres_urbains"
    assert df.set_index("code").loc["97601", "class"] == "bourgs_ruraux"  # Mayotte


def test_reader_strips_the_leading_space_of_rurality_labels(grids):
    raw = (grids / "ot_grille_ruralite_sample.csv").read_text(encoding="utf-8-sig")
    assert ", Les ruralités résidentielles mixtes" in raw
    df = read_grid(grids / "ot_grille_ruralite_sample.csv").set_index("code")
    assert df.loc["01001", "label"] == "Les ruralités résidentielles mixtes"
    assert df.loc["01001", "class"] == "residentielles_mixtes"
    assert df.loc["29019", "class"] == "hors_champ"
    # "Boundaries changed since the typology": no class, counted, not dropped.
    assert pd.isna(df.loc["02054", "class"])
    changed = "Commune dont le périmètre a changé depuis la réalisation de la typologie"
    assert df.attrs["no_class_labels"] == {changed: 1}


def test_reader_centrality_undefined_and_massifs(grids):
    centrality = read_grid(grids / "ot_grille_centralite_sample.csv").set_index("code")
    assert centrality.attrs["grid"] == "centrality"
    assert centrality["class"].isna().sum() == 2  # 97101, 97601: " - undefined"
    assert centrality.loc["75056", "class"] == "centre_majeur"
    mountain = read_grid(grids / "ot_grille_montagne_sample.csv").set_index("code")
    assert mountain["class"].to_dict() == {
        "01002": "jura",
        "2A004": "corse",
        "65001": "pyrenees",
        "73001": "alpes",
        "97101": "guadeloupe",
    }


def test_reader_reads_bytes_without_bom(grids):
    text = (grids / "ot_grille_densite_sample.csv").read_text(encoding="utf-8-sig")
    df = read_grid(text.encode("utf-8"), name="densite.csv")
    assert len(df) == 10 and df["code"].iloc[0] == "01001"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.replace("Bourgs ruraux", "Bourgs"), "not a class of the density"),
        (lambda s: s.replace("29019,", "29O19,"), "'29O19' is not a 5-character"),
        (lambda s: s.replace("29019,", "01001,"), "appears more than once"),
        (lambda s: s.replace("niveau_densite", "niveau"), "no class column"),
        (lambda s: s.replace("Bourgs ruraux", ""), "not a class of the density"),
    ],
)
def test_reader_errors_name_the_line_and_what_to_fix(grids, tmp_path, change, message):
    text = (grids / "ot_grille_densite_sample.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "ot_grille_densite.csv"
    bad.write_text("\ufeff" + change(text), encoding="utf-8")
    with pytest.raises(SourceError, match=message) as info:
        read_grid(bad)
    assert "ot_grille_densite.csv" in str(info.value)


def test_unknown_label_lists_the_known_ones(grids, tmp_path):
    text = (grids / "ot_grille_densite_sample.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "g.csv"
    bad.write_text(text.replace("Bourgs ruraux", "Villages"), encoding="utf-8")
    with pytest.raises(SourceError) as info:
        read_grid(bad)
    assert "line 11" in str(info.value)  # Acoua, the last line
    assert "Known classes: Grands centres urbains;" in str(info.value)


def test_empty_file_is_an_error(tmp_path):
    empty = tmp_path / "e.csv"
    empty.write_text("\ufeffinsee_com,lib_com,niveau_densite\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no data rows"):
        read_grid(empty)


def test_every_source_is_declared_with_producer_vintage_licence_url():
    for grid in TYPE_COLUMNS:
        record = source(territory_types.SOURCES[grid])
        assert record.producer and record.vintage and record.licence
        assert record.url.startswith("https://")
        assert record.load_reader() is read_grid
    assert "INSEE" in source("ot_density").producer
    assert "Observatoire des territoires" in source("ot_rurality").producer


@pytest.mark.realdata
def test_real_density_grid_counts(raw_dir):
    df = read_grid(raw_dir / source("ot_density").file)
    assert len(df) == 34875 and df["code"].is_unique
    assert df["class"].value_counts().to_dict() == DENSITY_COUNTS
    density3 = df["class"].map(territory_types.DENSITY3).value_counts().to_dict()
    assert density3 == {"dense": 699 + 637, "intermediate": 1996 + 947, "rural": 30596}
    assert (df["code"] == "2A004").any() and (df["code"] == "01001").any()


@pytest.mark.realdata
def test_real_other_grids(raw_dir):
    rurality = read_grid(raw_dir / source("ot_rurality").file)
    assert len(rurality) == 34875 and rurality["class"].isna().sum() == 74
    centrality = read_grid(raw_dir / source("ot_centrality").file)
    assert centrality["class"].isna().sum() == 129
    assert set(centrality.loc[centrality["class"].isna(), "code"].str[:2]) == {"97"}
    mountain = read_grid(raw_dir / source("ot_mountain").file)
    assert len(mountain) == 8594 and mountain["class"].notna().all()
    assert mountain["class"].value_counts()["massif_central"] == 3935


# -------------------------------------------------- harmonising and the build
def test_harmonise_classes_keeps_todays_code_and_reports_the_rest():
    frame = pd.DataFrame(
        {
            "code": ["01999", "01004", "01001", "12345"],
            "class": ["rural", "dense", "rural", "dense"],
        }
    )
    table, report = harmonise_classes(frame, tiny_reference(), "t", ["class"])
    # 01999 was folded into 01004: the row with today's code wins.
    assert table["class"].to_dict() == {"01001": "rural", "01004": "dense"}
    assert (report.matched, report.merged, report.unmatched) == (2, 1, 1)
    assert report.unmatched_codes == ["12345"]


def test_commune_types_derive_density3_and_keep_gaps():
    codes = pd.Index(["01001", "01004", "97601"])
    grids = {
        "density": pd.Series({"01001": "bourgs_ruraux", "01004": "petites_villes"}),
        "rurality": pd.Series({"01001": "hors_champ"}),
        "centrality": pd.Series(dtype="string"),
        "mountain": pd.Series({"01004": "jura"}),
    }
    types = territory_types.commune_types(grids, codes)
    assert list(types.columns) == list(TYPE_COLUMNS)
    assert types.loc["01001", "density3"] == "rural"
    assert types.loc["01004", "density3"] == "intermediate"
    assert types.loc["97601"].isna().all()  # absent from every file: no class
    report = territory_types.grid_report(types["density"], "density", {})
    assert report["no_class"] == 1 and report["no_class_codes"] == ["97601"]


def test_atlas_communes_carry_their_types(atlas):
    communes = atlas.level("commune")
    for column in TYPE_COLUMNS:
        assert pd.api.types.is_string_dtype(communes[column]), column
        known = set(communes[column].dropna())
        assert known <= set(typology.classes(column)), column
    counts = communes["density"].value_counts().to_dict()
    assert counts == DENSITY_COUNTS
    assert communes.loc["29019", "density3"] == "dense"
    assert communes.loc["2A004", "mountain"] == "corse"
    assert communes["mountain"].notna().sum() == 8594
    above = atlas.territories[atlas.territories["level"] != "commune"]
    assert above[list(TYPE_COLUMNS)].isna().all().all()


def test_quality_report_has_each_grid(atlas):
    sources = atlas.quality["sources"]
    for grid in ("density", "rurality", "centrality", "mountain"):
        report = sources[territory_types.SOURCES[grid]]
        used = report["matched"] + report["merged"] + report["unmatched"]
        assert used == report["rows_read"]
        assert sum(report["classes"].values()) + report["no_class"] == 34875
    assert sources["ot_density"]["classes_density3"]["rural"] == 30596
    assert sources["ot_centrality"]["no_class"] == 129
    table = export.quality_table(atlas.quality).set_index("source")
    assert table.loc["ot_density", "rows_read"] == 34875
    assert table.loc["ot_mountain", "matched"] == 8594
    gaps = export.unmatched(atlas.quality)
    assert len(gaps["ot_centrality:no_class"]) == 129
    assert "ot_mountain:no_class" not in gaps  # not a gap: not a mountain commune
    lines = export.unmatched_lines(atlas.quality, "fr")
    assert any(
        line.startswith("**ot_centrality — Sans classe** (129)") for line in lines
    )


# ------------------------------------------------------------------ filters
def test_parse_where_accepts_the_documented_forms():
    where = typology.parse_where(
        ["density3=rural", "density=petites_villes,bourgs_ruraux", "mountain=any"]
    )
    assert where == {
        "density": ("petites_villes", "bourgs_ruraux"),  # grid order
        "density3": ("rural",),
        "mountain": ("any",),
    }
    assert typology.parse_where(["density3=rural", "density3=dense"]) == {
        "density3": ("dense", "rural")
    }
    assert typology.parse_where(None) == {}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            "density3=rurale",
            r"unknown value 'rurale' for density3\. Did you mean: rural",
        ),
        ("density3=rurale", "Allowed: dense, intermediate, rural, none, any"),
        ("densite=rural", "unknown --where key 'densite'.*Did you mean: density"),
        ("density3", "write KEY=VALUE"),
        ("=rural", "write KEY=VALUE"),
        ("mountain=", "write KEY=VALUE"),
    ],
)
def test_parse_where_errors_name_the_allowed_values(item, message):
    with pytest.raises(DivideError, match=message):
        typology.parse_where([item])


def test_commune_mask_none_and_any():
    communes = pd.DataFrame(
        {
            "mountain": pd.array(["jura", None, "alpes"], dtype="string"),
            "density3": pd.array(["rural", "rural", "dense"], dtype="string"),
        }
    )
    mask = typology.commune_mask
    assert mask(communes, {"mountain": ["any"]}).tolist() == [True, False, True]
    assert mask(communes, {"mountain": ["none"]}).tolist() == [False, True, False]
    assert mask(communes, {"mountain": ["jura", "none"]}).tolist() == [
        True,
        True,
        False,
    ]
    both = {"mountain": ["any"], "density3": ["rural"]}
    assert mask(communes, both).tolist() == [True, False, False]
    assert mask(communes, {}).all()


def test_restrict_recomputes_every_level_over_the_kept_communes(atlas):
    view = typology.restrict(atlas, {"density3": ["rural"]})
    communes = atlas.level("commune")
    rural = communes[communes["density3"] == "rural"]
    assert set(view.level("commune")["code"]) == set(rural["code"])
    # France: Σ numerator / Σ denominator over the rural communes.
    france = view.territory("france", None)
    share = rural["premises_thd30"].sum() / rural["premises"].sum()
    assert france["v_thd30_share"] == pytest.approx(share, rel=1e-12)
    assert france["population"] == pytest.approx(rural["population"].sum())
    # A département: its rural communes only.
    dep = rural[rural["departement"] == "29"]
    value = view.territory("departement", "29")["v_dist_4g_km"]
    expected = dep["dist_4g_x_pop"].sum() / dep["pop_dist_4g"].sum()
    assert value == pytest.approx(expected, rel=1e-12)
    # Paris has no rural commune: left out of the levels, still found by name.
    assert "75" not in view.level("departement").index
    assert not view.contains("departement", "75")
    assert view.territory("departement", "75")["name"] == "Paris"
    assert view.territory("commune", "29019")["name"] == "Brest"  # a dense commune
    assert set(view.sites["commune"]) <= set(rural["code"])
    assert typology.restrict(atlas, {}) is atlas
    assert typology.restrict(atlas, {"density3": []}) is atlas


def test_restrict_empties_uploads_above_commune_level(atlas):
    values = {
        "mine": {
            "commune": pd.Series({"01001": 1.0}),
            "departement": pd.Series({"01": 2.0}),
        }
    }
    view = typology.restrict(atlas.with_additions(values), {"density3": ["rural"]})
    assert view.territory("commune", "01001")["v_mine"] == 1.0
    assert math.isnan(view.territory("departement", "01")["v_mine"])


def test_export_where_filters_rows_and_recomputes_values(atlas):
    where = {"density3": ["rural"]}
    deps = export.table(
        atlas, "departement", indicator_ids=["thd30_share"], where=where
    )
    assert len(deps) == 97 and "75" not in set(deps["code"])
    view = typology.restrict(atlas, where)
    assert deps.set_index("code")["thd30_share"].equals(
        view.level("departement")["v_thd30_share"].rename("thd30_share")
    )
    communes = export.table(
        atlas, "commune", within="dep:29", indicator_ids=[], where=where
    )
    assert (communes["density3"] == "rural").all() and len(communes) == 243


def test_cli_export_where(capsys, tmp_path):
    target = tmp_path / "rural.csv"
    where = "--where density=bourgs_ruraux --where mountain=none"
    argv = f"export --level commune --within dep:29 --indicators thd30_share {where}"
    code, _, err = run(capsys, *argv.split(), "-o", str(target))
    assert code == 0 and not err
    frame = pd.read_csv(target, dtype=str)
    assert set(frame["density"]) == {"bourgs_ruraux"} and frame["mountain"].isna().all()
    assert frame["code"].str.fullmatch(r"29\d{3}").all()
    code, _, err = run(
        capsys, *"export --level region --where mountain=jur -o x".split()
    )
    assert code == 2 and "unknown value 'jur' for mountain" in err
    assert "Allowed: vosges, jura, alpes" in err and len(err.splitlines()) == 1
    code, _, err = run(capsys, *"export --level region --where altitude=1 -o x".split())
    assert (
        code == 2 and "Valid: centrality, density, density3, mountain, rurality" in err
    )


# ------------------------------------------------------------ by type
def test_by_type_totals_and_invariants(atlas):
    frame = typology.by_type(atlas, ("departement", "29"))
    assert list(frame["area_code"].unique()) == ["29", "FR"]
    for code, part in frame.groupby("area_code"):
        part = part.set_index("class")
        assert list(part.index) == ["dense", "intermediate", "rural", "all"]
        classes = part.drop(index="all")
        # Totals preserved: the classes add up to the whole territory.
        for column in ("communes", "population", "premises", "premises_no_thd"):
            assert classes[column].sum() == pytest.approx(part.loc["all", column])
        # The whole territory's rates and coverages are the atlas's own (withheld
        # where the atlas withholds them).
        row = atlas.territory("france" if code == "FR" else "departement", code)
        for ind_id in typology.DEFAULT_IDS:
            assert part.loc["all", ind_id] == pytest.approx(
                row[value_column(ind_id)], rel=1e-6, nan_ok=True
            )
            assert part.loc["all", f"cov_{ind_id}"] == pytest.approx(
                row[f"cov_{ind_id}"], rel=1e-9
            )
        shares = part.loc[:, [c for c in typology.DEFAULT_IDS if c.endswith("_share")]]
        assert ((shares >= 0) & (shares <= 1)).all().all()
        assert classes["population_share"].sum() == pytest.approx(1.0)
    france = frame[frame["area_code"] == "FR"].set_index("class")
    assert france.loc["rural", "communes"] == 30596


def test_by_type_is_a_ratio_of_sums_never_a_mean_of_rates(atlas):
    frame = typology.by_type(atlas, None, ["thd30_share"]).set_index("class")
    communes = atlas.level("commune")
    rural = communes[communes["density3"] == "rural"]
    ratio = rural["premises_thd30"].sum() / rural["premises"].sum()
    mean = (
        rural["premises_thd30"] / rural["premises"].where(rural["premises"] > 0)
    ).mean()
    assert frame.loc["rural", "thd30_share"] == pytest.approx(ratio, rel=1e-12)
    assert abs(frame.loc["rural", "thd30_share"] - mean) > 0.01


def test_by_type_keeps_communes_without_a_class(atlas):
    # Centralities: the 129 overseas communes are "undefined", a group of their own.
    frame = typology.by_type(atlas, None, ["thd30_share"], "centrality").set_index(
        "class"
    )
    assert frame.loc["none", "communes"] == 129
    assert frame.drop(index="all")["communes"].sum() == 34875
    # Communes missing from a grid (as Mayotte was said to be) are never dropped.
    table = atlas.territories.copy()
    mayotte = (table["level"] == "commune") & (table["departement"] == "976")
    table.loc[mayotte, "density3"] = pd.NA
    view = Atlas(atlas.path)
    view.__dict__["territories"] = table
    frame = typology.by_type(view, ("departement", "976"), ["thd30_share"])
    part = frame[frame["area_code"] == "976"].set_index("class")
    assert part.loc["none", "communes"] == 17
    assert part.loc["none", "population"] == part.loc["all", "population"] > 0
    assert part.loc["rural", "communes"] == 0 and part.loc["rural", "population"] == 0
    assert math.isnan(part.loc["rural", "thd30_share"])
    france = frame[frame["area_code"] == "FR"].set_index("class")
    assert france.loc["none", "communes"] == 17
    assert france.drop(index="all")["population"].sum() == pytest.approx(
        france.loc["all", "population"]
    )


def test_by_type_other_grids_and_errors(atlas):
    frame = typology.by_type(atlas, ("region", "84"), ["thd30_share"], "mountain")
    part = frame[frame["area_code"] == "84"].set_index("class")
    assert part.loc["alpes", "communes"] > 0 and part.loc["none", "communes"] > 0
    with pytest.raises(DivideError, match="unknown type of territory 'densite'"):
        typology.by_type(atlas, None, grid="densite")
    with pytest.raises(DivideError, match="unknown indicator"):
        typology.by_type(atlas, None, ["thd30"])


def test_by_type_view_speaks_one_language(atlas):
    frame = typology.by_type(atlas, ("departement", "29"))
    fr = typology.by_type_view(frame, "density3", "fr")
    assert list(fr.columns)[:2] == [
        "Finistère — Urbain dense",
        "Finistère — Urbain intermédiaire",
    ]
    assert "France — Ensemble" in fr.columns
    assert fr.loc["Communes", "France — Rural"] == "30\u202f596"
    cell = fr.loc[indicators()["thd30_share"].name("fr"), "France — Rural"]
    assert cell.endswith("\u00a0%") and "," in cell
    en = typology.by_type_view(frame, "density3", "en")
    assert "France — Dense urban" in en.columns
    assert en.loc["Communes", "France — Rural"] == "30,596"
    # No English in the French table and no French in the English one.
    fr_text = " ".join([*fr.columns, *fr.index, *fr.to_numpy().ravel()])
    en_text = " ".join([*en.columns, *en.index, *en.to_numpy().ravel()])
    for key, (fr_word, en_word) in STRINGS.items():
        if key.startswith("type_") and fr_word != en_word:
            assert en_word not in fr_text, key
            assert fr_word not in en_text, key
    assert "no data" not in fr_text and "pas de données" not in en_text


def test_by_type_view_leaves_out_classes_absent_from_the_area(atlas):
    frame = typology.by_type(atlas, ("departement", "75"))
    view = typology.by_type_view(frame, "density3", "en")
    assert "Paris — Dense urban" in view.columns
    assert "Paris — Rural" not in view.columns and "France — Rural" in view.columns


def test_by_type_figure(atlas):
    frame = typology.by_type(atlas, ("departement", "29"), ["thd30_share"])
    spec = typology.by_type_figure(frame, "thd30_share", "density3", "fr", title="THD")
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Finistère", "France"]
    # Classes in the grid's order, a long name on two lines.
    assert spec["encoding"]["x"]["sort"] == [
        "Urbain dense",
        "Urbain\nintermédiaire",
        "Rural",
        "Ensemble",
    ]
    rows = {(r["area"], r["class_name"]): r for r in spec["data"]["values"]}
    rural = rows[("Finistère", "Rural")]
    assert rural["value"] == pytest.approx(100 * frame.loc[2, "thd30_share"])
    assert rural["text"].replace("\u00a0", " ").endswith(" %")
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["layer"][0]["encoding"]["y"]["title"].startswith("THD (")
    # Plain text: Vega draws SVG text and escapes its tooltips, nothing to decode.
    assert "&" not in json.dumps(spec)


def test_describe_lists_values_with_source_and_vintage():
    record = territory_types.describe("density3")
    assert record["label_fr"] == t("type_grid_density3", "fr")
    assert "COG 2026" in record["vintage"]
    assert (
        "rural = bourgs_ruraux + rural_disperse + rural_tres_disperse"
        in record["note_en"]
    )
    assert "dense = Urbain dense" in record["note_fr"]
    for grid in TYPE_COLUMNS:
        for value in typology.classes(grid):
            assert f"type_{grid}_{value}" in STRINGS
    assert set(CLASSES) == set(TYPE_COLUMNS) - {"density3"}


# ------------------------------------- a figure recomputed from the raw files
@pytest.mark.realdata
def test_rural_thd30_share_recomputed_from_the_raw_files(raw_dir, atlas):
    """The share of premises with ≥ 30 Mbit/s in rural communes, by plain pandas.

    Raw side: the ARCEP 2019 file and the density grid, joined on the codes both
    hold (ARCEP's ~490 pre-2026 codes have no class in the 2026 grid).
    """
    grid = pd.read_csv(
        raw_dir / "typology/ot_grille_densite.csv", dtype=str, encoding="utf-8-sig"
    )
    arcep = pd.read_csv(raw_dir / ARCEP, skiprows=1, sep=";", dtype={"code_insee": str})
    rural_codes = set(
        grid.loc[grid["niveau_densite"].str.strip().isin(RURAL_LABELS), "insee_com"]
    )
    both = arcep[arcep["code_insee"].isin(set(grid["insee_com"]))]
    rural = both[both["code_insee"].isin(rural_codes)]
    thd = rural["elig_thd30"] + rural["elig_thd100"] + rural["elig_thd1g"]
    expected = thd.sum() / rural["nbr"].sum()

    # The library over the same communes: those in both files whose premises the
    # atlas did not add old codes to (its premises equal ARCEP's own line).
    communes = atlas.level("commune")
    nbr = rural.set_index("code_insee")["nbr"].astype(float)
    same = nbr.index[communes.loc[nbr.index, "premises"].to_numpy() == nbr.to_numpy()]
    table = atlas.territories
    keep = (table["level"] != "commune") | table["code"].isin(set(same))
    subset = Atlas(atlas.path)
    subset.__dict__["territories"] = table[keep]
    exact = typology.by_type(subset, None, ["thd30_share"]).set_index("class")
    rural_same = rural[rural["code_insee"].isin(set(same))]
    thd_same = (
        rural_same["elig_thd30"] + rural_same["elig_thd100"] + rural_same["elig_thd1g"]
    )
    assert exact.loc["rural", "thd30_share"] == pytest.approx(
        thd_same.sum() / rural_same["nbr"].sum(), rel=1e-12
    )
    assert len(same) > 0.97 * len(rural)

    # Over all rural communes, the library's value differs from the raw one only
    # by the premises of the old codes folded into today's communes: at most their
    # share of the rural premises.
    value = typology.by_type(atlas, None, ["thd30_share"]).set_index("class")
    old = arcep.loc[~arcep["code_insee"].isin(set(grid["insee_com"])), "nbr"].sum()
    tolerance = old / rural["nbr"].sum()
    assert 400 < (~arcep["code_insee"].isin(set(grid["insee_com"]))).sum() < 520
    assert tolerance < 0.05
    assert value.loc["rural", "thd30_share"] == pytest.approx(expected, abs=tolerance)
    assert 0.30 < expected < 0.36  # a third of rural premises, in 2019


def test_shares_by_density3_read_as_a_planner_would(atlas):
    france = typology.by_type(atlas, None, ["thd30_share"]).set_index("class")
    shares = france["thd30_share"]
    assert shares["dense"] > shares["all"] > shares["intermediate"] > shares["rural"]
    assert np.isclose(
        france.loc["all", "thd30_share"],
        atlas.territory("france", None)["v_thd30_share"],
    )
    assert compute(atlas.level("france"), ["thd30_share"]).iloc[0, 0] == pytest.approx(
        shares["all"]
    )


def test_by_type_withholds_classes_the_source_barely_covers(atlas):
    # INSEE publishes poverty for the larger communes: it covers most of the
    # dense communes' population, a small part of the rural communes'.
    frame = typology.by_type(atlas, None, ["poverty_rate"]).set_index("class")
    assert frame.loc["dense", "cov_poverty_rate"] > 0.95
    assert frame.loc["dense", "poverty_rate"] == pytest.approx(0.194, abs=0.01)
    assert frame.loc["rural", "cov_poverty_rate"] < 0.5
    assert math.isnan(frame.loc["rural", "poverty_rate"])
    view = typology.by_type_view(frame.reset_index(), "density3", "en")
    cell = view.loc[indicators()["poverty_rate"].name("en"), "France — Rural"]
    assert cell.startswith("withheld (") and cell.endswith("covered)")
    fr = typology.by_type_view(frame.reset_index(), "density3", "fr")
    assert fr.loc[indicators()["poverty_rate"].name("fr"), "France — Rural"].startswith(
        "non montré ("
    )


def test_restrict_recomputes_coverage_too(atlas):
    view = typology.restrict(atlas, {"density3": ["dense"]})
    france = view.territory("france", None)
    by = typology.by_type(atlas, None, ["poverty_rate"]).set_index("class")
    assert france["cov_poverty_rate"] == pytest.approx(
        by.loc["dense", "cov_poverty_rate"]
    )
    assert france["v_poverty_rate"] == pytest.approx(by.loc["dense", "poverty_rate"])
    rural = typology.restrict(atlas, {"density3": ["rural"]}).territory("france", None)
    assert math.isnan(rural["v_poverty_rate"]) and rural["cov_poverty_rate"] < 0.5


def test_quality_details_list_communes_without_a_class(atlas):
    details = atlas.quality_details()
    own = details[details["source"].str.startswith("ot_")]
    no_class = own[own["reason"].str.startswith("no class")]
    assert (no_class["source"] == "ot_centrality").sum() == 129
    assert (no_class["source"] == "ot_rurality").sum() == 74
    assert "'- undefined'" in no_class.iloc[0]["reason"] or "'Commune" in " ".join(
        no_class["reason"]
    )
    # A commune missing from the massif file is not a mountain commune: no gap.
    assert not (own["source"] == "ot_mountain").any()
