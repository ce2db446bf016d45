"""Dated series: the barometer reader, the atlas's long table, the progress page.

Figures are recomputed from the raw barometer file with plain pandas.
"""

from __future__ import annotations

import shutil

import geopandas as gpd
import pandas as pd
import pytest
from apptest import vega_charts
from streamlit.testing.v1 import AppTest

from divide import series as dated
from divide import story
from divide.build.geography import Reference
from divide.build.readers import broadband
from divide.build.readers.barometer import read_barometer
from divide.build.sources import ARCEP_STATISTICS, arcep_series
from divide.errors import DivideError, SourceError
from divide.i18n import t

BAROMETER = (
    "etalab_barometre-services-publics-territoires-detail-departemental_2023-01.csv"
)


@pytest.fixture(scope="module")
def raw_barometer(raw_dir):
    return pd.read_csv(raw_dir / "broadband" / BAROMETER, dtype=str)


def test_reader_keeps_codes_and_converts_units(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(
        "mesure,indicateur,id_indicateur,code_departement,libelle_departement,date,"
        "valeur,unite\n"
        "m,i,taux-deploiement-fibre,1,Ain,2019-12-31,36.0,%\n"
        "m,i,taux-deploiement-fibre,2A,Corse-du-Sud,2019-12-31,12.0,%\n"
        "m,i,nb-labellisations-france-services,971,Guadeloupe,2020-01-31,3.0,n\n"
        "m,i,nb-logement-accompagnement,01,Ain,2020-01-31,353.0,logements\n",
        encoding="utf-8",
    )
    table = read_barometer(path)
    assert table["departement"].tolist() == ["971", "01", "2A"]
    assert table["value"].tolist() == [3.0, 0.36, 0.12]


def test_reader_refuses_a_bad_date(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(
        "id_indicateur,code_departement,date,valeur\n"
        "taux-deploiement-fibre,01,31/12/2019,36\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="line 2: date is not YYYY-MM-DD"):
        read_barometer(path)


@pytest.mark.realdata
def test_fibre_series_equals_the_raw_file(atlas, raw_barometer):
    raw = raw_barometer[raw_barometer["id_indicateur"] == "taux-deploiement-fibre"]
    lozere = raw[raw["code_departement"] == "48"].set_index("date")["valeur"]
    got = dated.values(atlas, "ftth_share", "departement")
    got = got[got["code"] == "48"].set_index("date")["value"]
    assert list(got.index) == list(lozere.index)
    assert (got * 100).round(6).tolist() == lozere.astype(float).tolist()
    assert got.iloc[0] == pytest.approx(0.04) and got.iloc[-1] == pytest.approx(0.75)


@pytest.mark.realdata
def test_region_fibre_is_weighted_by_2019_premises(atlas, raw_barometer, raw_arcep):
    raw = raw_barometer[
        (raw_barometer["id_indicateur"] == "taux-deploiement-fibre")
        & (raw_barometer["date"] == "2022-09-30")
    ]
    arcep = raw_arcep
    premises = arcep.groupby("code_dep")["nbr"].sum()
    deps = atlas.level("departement")
    occitanie = deps[deps["region"] == "76"].index
    share = raw.set_index("code_departement")["valeur"].astype(float) / 100
    weights = deps.loc[occitanie, "v_premises"]
    expected = (share[occitanie] * weights).sum() / weights.sum()
    # The atlas's premises are the harmonised ones: within 0.1 point of ARCEP's raw
    # département totals.
    raw_weights = premises.reindex(occitanie)
    raw_expected = (share[occitanie] * raw_weights).sum() / raw_weights.sum()
    got = dated.at_date(atlas, "ftth_share", "region", "2022-09-30")["76"]
    assert got == pytest.approx(expected, abs=1e-6)
    assert got == pytest.approx(raw_expected, abs=1e-3)


@pytest.mark.realdata
def test_france_services_growth(atlas, raw_barometer, raw_dir):
    raw = raw_barometer[
        raw_barometer["id_indicateur"] == "nb-labellisations-france-services"
    ]
    by_date = raw.assign(v=raw["valeur"].astype(float)).groupby("date")["v"].sum()
    got = dated.values(atlas, "france_services", "france").set_index("date")["value"]
    assert got["2020-01-31"] == by_date["2020-01-31"] == 460
    assert got["2022-12-31"] == by_date["2022-12-31"] == 2549
    official = pd.read_csv(
        raw_dir / "mediation" / "anct_france_services_liste-fs-20240801.csv", dtype=str
    )
    in_departements = official["insee_dep"].isin(atlas.level("departement").index)
    assert got["2024-08-01"] == in_departements.sum()
    per_100k = dated.values(atlas, "france_services_per_100k", "france")
    population = atlas.territory("france", None)["v_population"]
    assert per_100k["value"].iloc[-1] == pytest.approx(
        in_departements.sum() / population * 100_000
    )


def test_bad_requests_are_clear(atlas):
    with pytest.raises(DivideError, match="exists at departement, region, france"):
        dated.values(atlas, "ftth_share", "commune")
    with pytest.raises(DivideError, match="has no value on 1999-01-01"):
        dated.at_date(atlas, "ftth_share", "departement", "1999-01-01")
    with pytest.raises(DivideError, match="unknown series"):
        dated.values(atlas, "fibre", "region")


def test_long_export_has_a_date_column(atlas):
    table = dated.long_table(atlas, ["ftth_share"], "departement", ["23", "48"])
    assert set(table["code"]) == {"23", "48"}
    assert table.groupby("code")["date"].nunique().tolist() == [20, 20]
    assert (table["as_of"] == "2022-09-30").all()


@pytest.mark.parametrize(
    ("lang", "title", "series_label"),
    [
        ("fr", "Évolution dans le temps", "France Services labellisées"),
        ("en", "Progress over time", "France Services labelled"),
    ],
)
def test_progress_page_in_both_languages(lang, title, series_label):
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params.update(
        {
            "lang": lang,
            "level": "departement",
            "code": "23",
            "series": "france_services",
        }
    )
    at.switch_page("pages/progress.py")
    at.run()
    assert not at.exception
    assert at.title[0].value == title
    box = at.selectbox(key="progress_series")
    assert box.value == "france_services"
    assert series_label in box.format_func(box.value)
    slider = at.select_slider(key="progress_date")
    assert slider.value == "2024-08-01"
    slider.set_value("2021-06-30").run()
    assert not at.exception
    assert at.query_params["date"] == "2021-06-30"
    assert [b.key for b in at.get("download_button")] == ["progress_download"]


@pytest.mark.realdata
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_progress_slide_tells_the_fibre_series(atlas, raw_barometer, lang):
    slide = story.slides(atlas, "departement", "23", lang)[-1]
    assert slide.id == "progress" and slide.number == 7
    raw = raw_barometer[
        (raw_barometer["id_indicateur"] == "taux-deploiement-fibre")
        & (raw_barometer["code_departement"] == "23")
    ].sort_values("date")
    assert slide.figure.value == pytest.approx(float(raw["valeur"].iloc[-1]) / 100)
    assert [line["highlight"] for line in slide.visual["lines"]] == [True, False, False]
    assert slide.visual["lines"][0]["values"] == raw["valeur"].astype(float).tolist()
    assert "2022" in slide.figure.source and "3" in slide.figure.source
    names = [name for name, _ in slide.figure.comparison]
    assert names[-1] == "France" and "Nouvelle-Aquitaine" in names[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_progress_slide_renders(lang):
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params.update({"lang": lang, "level": "departement", "code": "48"})
    at.query_params["slide"] = "7"
    at.switch_page("pages/presenter.py")
    at.run()
    assert not at.exception
    assert at.title[0].value == t("story_title_progress", lang)
    ((spec, data),) = vega_charts(at)
    assert spec["mark"]["type"] == "line"
    assert data["highlight"].any() and data["line"].nunique() == 3


def test_cli_writes_the_long_table(tmp_path, capsys):
    from divide.cli import main

    out = tmp_path / "fibre.csv"
    assert (
        main(["series", "--ids", "ftth_share", "--codes", "23,48", "-o", str(out)]) == 0
    )
    table = pd.read_csv(out, dtype={"code": str})
    assert set(table["code"]) == {"23", "48"} and len(table) == 40
    assert list(table.columns[:6]) == [
        "series",
        "level",
        "code",
        "name",
        "date",
        "value",
    ]
    assert main(["series", "--ids", "fibre"]) == 2
    assert "unknown series 'fibre'" in capsys.readouterr().err
    assert main(["series", "-o", "/dev/full"]) == 2


# ------------------------------------------------- ARCEP quarterly statistics layout
def test_arcep_statistics_vintages_are_read_as_dated_points(fixtures, tmp_path):
    raw = tmp_path / "raw"
    (raw / ARCEP_STATISTICS).parent.mkdir(parents=True)
    shutil.copytree(fixtures / "arcep_statistiques", raw / ARCEP_STATISTICS)
    found = broadband.statistics_vintages(raw / ARCEP_STATISTICS)
    assert [date for date, _ in found] == ["2020-12-31", "2024-09-30"]
    old = broadband.read_arcep_best_technology(
        found[0][1] / "commune_meilleure_techno_thd.csv"
    )
    new = broadband.read_arcep_best_technology(
        found[1][1] / "commune_meilleure_techno_thd.csv"
    )
    assert old["code"].tolist() == ["01001", "2A004", "01015"]
    assert old["4gf"].tolist() == [20, 0, 10] and new["4gf"].tolist() == [10, 0, 10]

    codes = ["01001", "01015", "2A004"]
    communes = pd.DataFrame(
        {
            "code": codes,
            "epci": ["e1", "e1", "e2"],
            "departement": ["01", "01", "2A"],
            "region": ["84", "84", "94"],
            "premises": [390.0, 290.0, 49000.0],
            "premises_thd30": [100.0, 50.0, 20000.0],
        }
    ).set_index("code", drop=False)
    ref = Reference(gpd.GeoDataFrame({"code": codes}), {}, {})
    table, details = arcep_series(raw, ref, communes, communes)
    assert details == []
    thd = table[(table["series"] == "thd30_share") & (table["level"] == "france")]
    assert thd["date"].tolist() == ["2019-09-30", "2020-12-31", "2024-09-30"]
    # Cumulative classes: ≥ 30 Mbit/s is elig_thd30 itself (it includes faster).
    expected = (200 + 30000 + 100) / (400 + 50000 + 300)
    got = thd.set_index("date").loc["2020-12-31"]
    assert got["numerator"] / got["denominator"] == pytest.approx(expected)
    fibre = table[
        (table["series"] == "ftth_eligible_share") & (table["level"] == "departement")
    ]
    ain = fibre[(fibre["code"] == "01") & (fibre["date"] == "2024-09-30")].iloc[0]
    assert ain["numerator"] / ain["denominator"] == pytest.approx(
        (360 + 230) / (410 + 310)
    )


def test_arcep_quarter_folders_are_named_yyyy_tn():
    assert broadband.quarter_end("2021_T1") == "2021-03-31"
    with pytest.raises(SourceError, match="YYYY_Tn"):
        broadband.quarter_end("2021-Q1")


def test_both_fixed_4g_columns_are_refused(tmp_path):
    path = tmp_path / "commune_meilleure_techno_thd.csv"
    path.write_text(
        "code_insee;nbr;type;elig_ftth;elig_4fg;elig_4gf\n01001;10;all;5;1;1\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="elig_4fg and elig_4gf"):
        broadband.read_arcep_best_technology(path)


# ------------------------------------ the snapshot takes the newest ARCEP vintage
#: The 2019 beta layout: a disclaimer line, then exclusive classes summing to nbr.
BETA_2019 = (
    "Version beta : les données sont présentées en l'état\n"
    "code_insee;nom_com;code_dep;code_reg;nbr;type;inel_hd;elig_hd05;elig_hd3;"
    "elig_hd8;elig_thd30;elig_thd100;elig_thd1g;date\n"
    "01001;L'Abergement-Clémenciat;01;84;390;logloc;0;10;30;250;60;30;10;2019-09-30\n"
    "2A004;Ajaccio;2A;94;49000;logloc;0;0;1000;28000;10000;6000;4000;2019-09-30\n"
    "01015;Arboys en Bugey;01;84;290;logloc;10;20;60;150;30;15;5;2019-09-30\n"
)


def test_the_snapshot_takes_the_newest_arcep_quarter(fixtures, tmp_path):
    from divide import export
    from divide.atlas import Atlas
    from divide.build.atlas import write_provenance
    from divide.build.sources import fixed_broadband, fixed_vintage
    from divide.indicators import as_of_short, as_of_text, compute
    from divide.registry import indicator, source

    raw = tmp_path / "raw"
    beta = raw / source("arcep_fixed_2019").file
    beta.parent.mkdir(parents=True)
    beta.write_text(BETA_2019, encoding="utf-8")
    codes = ["01001", "01015", "2A004"]
    ref = Reference(gpd.GeoDataFrame({"code": codes}), {}, {})
    ind = indicator("thd30_share")
    day = pd.Timestamp("2025-06-01").date()

    def built(date: str) -> Atlas:
        out = tmp_path / f"atlas_{date}"
        out.mkdir()
        write_provenance(out, {"arcep_fixed_2019": date})
        return Atlas(out)

    # Without a quarter: the 2019 file, its values and its date.
    assert fixed_vintage(raw) == ("2019-09-30", beta)
    table, report = fixed_broadband(raw, ref)
    assert report.rows_read == 3 and report.unmatched == 0
    old = pd.read_csv(beta, sep=";", skiprows=1, dtype={"code_insee": str})
    old = old.set_index("code_insee")
    expected = (old["elig_thd30"] + old["elig_thd100"] + old["elig_thd1g"]) / old["nbr"]
    got = compute(table, ["thd30_share"])["thd30_share"]
    assert got.loc[codes].tolist() == pytest.approx(expected.loc[codes].tolist())
    atlas = built("2019-09-30")
    assert atlas.as_of["arcep_fixed_2019"] == "2019-09-30"
    text = as_of_text(ind, "en", day, dates=atlas.as_of)
    badge = t("stale_badge", "en", years=3)
    assert text.startswith(f"Data as of 30 Sep 2019 · {badge}")
    assert (
        export.dictionary(["thd30_share"], dates=atlas.as_of)["as_of"][0]
        == "2019-09-30"
    )
    assert ind.vintage("en", atlas.as_of) == "ARCEP 2019-09-30"

    # Two quarters present: the newest one makes the snapshot.
    (raw / ARCEP_STATISTICS).parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(fixtures / "arcep_statistiques", raw / ARCEP_STATISTICS)
    newest = raw / ARCEP_STATISTICS / "2024_T3" / "commune" / "commune_debit.csv"
    assert fixed_vintage(raw) == ("2024-09-30", newest)
    table, report = fixed_broadband(raw, ref)
    assert report.rows_read == 3 and report.unmatched == 0
    new = pd.read_csv(newest, sep=";", dtype={"code_insee": str})
    new = new.set_index("code_insee")
    # Cumulative classes: ≥ 30 Mbit/s is elig_thd30 itself.
    expected = new["elig_thd30"] / new["nbr"]
    got = compute(table, ["thd30_share"])["thd30_share"]
    assert got.loc[codes].tolist() == pytest.approx(expected.loc[codes].tolist())
    assert table.loc[codes, "premises"].tolist() == new.loc[codes, "nbr"].tolist()
    atlas = built("2024-09-30")
    assert atlas.as_of["arcep_fixed_2019"] == "2024-09-30"
    # Every indicator says which date its value is for (provenance.json).
    record = atlas.provenance["indicators"]["thd30_share"]
    assert (record["as_of"], record["vintage"]) == ("2024-09-30", "ARCEP 2024-09-30")
    assert atlas.provenance["indicators"]["poverty_rate"]["as_of"] == "2021-12-31"
    assert as_of_text(ind, "en", day, dates=atlas.as_of) == "Data as of 30 Sep 2024"
    assert as_of_text(ind, "fr", day, dates=atlas.as_of) == "Données au 30 sept. 2024"
    assert as_of_short(ind, "en", day, dates=atlas.as_of) == "30 Sep 2024"
    later = pd.Timestamp("2028-01-01").date()  # the badge follows the built date
    assert t("stale_badge", "en", years=3) in as_of_short(
        ind, "en", later, dates=atlas.as_of
    )
    assert (
        export.dictionary(["thd30_share"], dates=atlas.as_of)["as_of"][0]
        == "2024-09-30"
    )
    assert "as of 2024-09-30" in export.vintage_text("thd30_share", dates=atlas.as_of)
    # The vintage beside the date says the quarter too, not the 2019 file.
    assert ind.vintage("en", atlas.as_of) == "ARCEP 2024-09-30"
    assert source("arcep_fixed_2019").vintage_text("fr", atlas.as_of) == "2024-09-30"
    assert story.source_text(ind.sources, "en", dates=atlas.as_of).startswith(
        "Source: ARCEP (vintage 2024-09-30) — Data as of 30 Sep 2024"
    )

    # The series keeps the 2019 file as its first point (read again, not the
    # snapshot, which is now the newest quarter).
    communes = pd.DataFrame(
        {
            "code": codes,
            "epci": ["e1", "e1", "e2"],
            "departement": ["01", "01", "2A"],
            "region": ["84", "84", "94"],
        }
    ).set_index("code", drop=False)
    snapshot = communes.join(table)
    series, _ = arcep_series(raw, ref, communes, snapshot, "2024-09-30")
    thd = series[(series["series"] == "thd30_share") & (series["level"] == "france")]
    assert thd["date"].tolist() == ["2019-09-30", "2020-12-31", "2024-09-30"]
    first = thd.iloc[0]
    total_2019 = old["elig_thd30"] + old["elig_thd100"] + old["elig_thd1g"]
    assert first["numerator"] / first["denominator"] == pytest.approx(
        total_2019.sum() / old["nbr"].sum()
    )
    last = thd.iloc[-1]
    assert last["numerator"] / last["denominator"] == pytest.approx(
        new["elig_thd30"].sum() / new["nbr"].sum()
    )
