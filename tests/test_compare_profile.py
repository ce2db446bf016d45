"""Compare and profile: peers, rankings, percentiles, the HTML sheet, the two pages."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from divide import compare, sheet
from divide.atlas import Atlas
from divide.errors import DivideError
from divide.i18n import t
from divide.registry import indicators
from divide.safe_text import html as escape

ROOT = Path(__file__).resolve().parents[1]
BREST = "29019"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def brest_peers(atlas) -> pd.DataFrame:
    return compare.peers(atlas, "commune", BREST, "parent")


# ------------------------------------------------------------------- peers
def test_peers_of_a_commune_are_the_communes_of_its_departement(atlas, brest_peers):
    communes = atlas.level("commune")
    expected = set(communes.loc[communes["departement"] == "29", "code"])
    assert set(brest_peers["code"]) == expected
    assert brest_peers["target"].sum() == 1
    assert brest_peers.loc[brest_peers["target"], "code"].item() == BREST
    national = compare.peers(atlas, "commune", BREST, "national")
    assert len(national) == len(communes)


def test_peers_of_other_levels(atlas):
    dep = compare.peers(atlas, "departement", "29", "parent")
    deps = atlas.level("departement")
    assert set(dep["code"]) == set(deps.loc[deps["region"] == "53", "code"])
    epci = compare.peers(atlas, "epci", "242900314", "parent")
    assert (epci["departement"] == "29").all() and epci["target"].sum() == 1
    # A région has no parent: its peers are all régions, whatever the scope.
    assert compare.scopes_for("region") == ("national",)
    regions = compare.peers(atlas, "region", "53", "parent")
    assert len(regions) == len(atlas.level("region"))
    # France ranks régions with no territory singled out.
    france = compare.peers(atlas, "region", None, "national")
    assert not france["target"].any()


def test_peers_errors_say_what_to_do(atlas):
    with pytest.raises(DivideError, match="pick a région"):
        compare.peers(atlas, "france", "FR", "national")
    with pytest.raises(DivideError, match="peer scope"):
        compare.peers(atlas, "commune", BREST, "planet")
    with pytest.raises(DivideError, match="commune code"):
        compare.peers(atlas, "commune", "99999", "parent")
    with pytest.raises(DivideError, match="compare nationally"):
        compare.peers(atlas, "commune", None, "parent")


def test_atlas_members_accepts_a_commune_scope(atlas):
    rows = atlas.members("commune", ("commune", BREST))
    assert list(rows["code"]) == [BREST]
    sites = atlas.sites_in(("commune", BREST))
    assert len(sites) > 0 and (sites["commune"] == BREST).all()


# ----------------------------------------------------------------- ranking
def _check_ranked(ranked: pd.DataFrame, worst_first_descending: bool) -> None:
    valued = ranked[ranked["rank"].notna()]
    missing = ranked[ranked["rank"].isna()]
    # Missing values come last, with no rank.
    assert list(ranked.index[len(valued) :]) == list(missing.index)
    assert missing["value"].isna().all() and valued["value"].notna().all()
    assert valued["rank"].iloc[0] == 1
    values = valued["value"].to_numpy()
    steps = np.diff(values)
    assert (steps <= 0).all() if worst_first_descending else (steps >= 0).all()
    assert (np.diff(valued["rank"].to_numpy(dtype=float)) >= 0).all()


def test_rank_one_is_the_worst_for_higher_worse(brest_peers):
    assert indicators()["dist_4g_km"].direction == "higher_worse"
    ranked = compare.ranking(brest_peers, "dist_4g_km")
    _check_ranked(ranked, worst_first_descending=True)
    assert ranked["value"].iloc[0] == brest_peers["v_dist_4g_km"].max()


def test_rank_one_is_the_worst_for_lower_worse(brest_peers):
    assert indicators()["thd30_share"].direction == "lower_worse"
    ranked = compare.ranking(brest_peers, "thd30_share")
    _check_ranked(ranked, worst_first_descending=False)
    assert ranked["value"].iloc[0] == brest_peers["v_thd30_share"].min()
    # Finistère has islands with no fixed-broadband row: they come last.
    assert ranked["rank"].isna().any()
    assert ranked["rank"].isna().to_numpy()[-ranked["rank"].isna().sum() :].all()


def test_ties_share_a_rank_and_missing_is_last():
    frame = pd.DataFrame(
        {
            "code": ["a", "b", "c", "d", "e"],
            "name": ["A", "B", "C", "D", "E"],
            "v_dist_4g_km": [1.0, 2.0, 2.0, np.nan, 3.0],
            "v_thd30_share": [0.5, np.nan, 0.1, 0.1, 0.9],
            "target": [False, True, False, False, False],
        }
    )
    high = compare.ranking(frame, "dist_4g_km")
    assert list(high["code"]) == ["e", "b", "c", "a", "d"]
    assert high["rank"].tolist()[:4] == [1, 2, 2, 4] and pd.isna(high["rank"].iloc[4])
    low = compare.ranking(frame, "thd30_share")
    assert list(low["code"]) == ["c", "d", "a", "e", "b"]
    assert low["rank"].tolist()[:4] == [1, 1, 3, 4]
    ranks = compare.target_ranks(frame, ["dist_4g_km", "thd30_share"])
    assert ranks.loc["dist_4g_km", "rank"] == 2
    assert pd.isna(ranks.loc["thd30_share", "rank"])
    assert ranks.loc["thd30_share", "ranked"] == 4


def test_ranking_table_marks_the_territory(brest_peers):
    ids = ["thd30_share", "dist_4g_km"]
    table = compare.ranking_table(brest_peers, ids, "thd30_share", "fr")
    assert len(table) == len(brest_peers)
    row = table[table["target"]]
    assert row.iloc[0, 0] == compare.MARKER and row["code"].item() == BREST
    assert table["rank"].iloc[-1] == "—"
    assert "pas de données" in set(table[indicators()["thd30_share"].name("fr")])


def test_bar_selection_keeps_the_worst_and_the_territory(atlas):
    frame = compare.peers(atlas, "commune", BREST, "national")
    ranked = compare.ranking(frame, "thd30_share")
    bars = compare.bar_selection(ranked)
    assert len(bars) == compare.BAR_WORST + 1
    assert bars["target"].iloc[-1] and bars["code"].iloc[-1] == BREST
    assert bars["rank"].notna().all()
    small = compare.bar_selection(
        compare.ranking(compare.peers(atlas, "region", None, "national"), "thd30_share")
    )
    assert len(small) == len(atlas.level("region"))


def test_percentile(atlas):
    p = compare.percentile(atlas, "commune", BREST, "population")
    values = atlas.level("commune")["v_population"].dropna()
    below = (values <= values.loc[BREST]).sum()
    assert p == pytest.approx(100 * below / len(values))
    assert 99 < p < 100  # Brest is among the largest communes, not the largest
    assert compare.percentile(atlas, "france", None, "population") is None
    assert compare.percentile_text(0.01) == "1" and compare.percentile_text(None) == "—"
    all_p = compare.percentiles(atlas, "departement", "29")
    assert ((all_p.dropna() > 0) & (all_p.dropna() <= 100)).all()


def test_charts_escape_names(brest_peers):
    frame = brest_peers.copy()
    frame.loc[frame["target"], "name"] = HOSTILE
    ranked = compare.ranking(frame, "thd30_share")
    bar = compare.bar_figure(
        ranked[ranked["rank"].notna()], "thd30_share", "en", title="x"
    )
    scatter = compare.scatter_figure(
        frame,
        "thd30_share",
        "age65_share",
        "en",
        x_title="x",
        y_title="y",
        peers_name="peers",
        population_label="population",
    )
    for fig in (bar, scatter):
        text = fig.to_json()
        assert HOSTILE not in text
        assert escape(HOSTILE) in text
    # Shares are drawn in %.
    assert max(scatter.data[0].x) > 1


# ------------------------------------------------------------------- sheet
def test_sheet_has_the_name_every_indicator_and_no_external_resource(atlas):
    doc = sheet.territory_sheet(atlas, "commune", BREST, "en")
    assert doc.startswith("<!DOCTYPE html>") and '<html lang="en">' in doc
    assert "Brest" in doc and "Finistère" in doc
    for ind in indicators().values():
        assert escape(sheet.indicator_label(ind, "en")) in doc, ind.id
    lowered = doc.lower()
    assert "<script" not in lowered
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", lowered)
    assert "<link" not in lowered and "@import" not in lowered and "url(" not in lowered
    assert "@page" in doc and "A4" in doc
    # Modelled values are marked.
    assert 'class="modelled"' in doc and t("modelled_note", "en") in doc
    # Every site of the commune is listed.
    for name in atlas.sites_in(("commune", BREST))["name"]:
        assert escape(str(name)) in doc


def test_sheet_escapes_a_hostile_site_name(atlas):
    fresh = Atlas.load(atlas.path)
    sites = atlas.sites.copy()
    first = sites.index[sites["commune"] == BREST][0]
    sites.loc[first, "name"] = HOSTILE
    sites.loc[first, "address"] = '"><script>alert(2)</script>'
    fresh.__dict__["sites"] = sites  # the cached property, replaced
    doc = sheet.territory_sheet(fresh, "commune", BREST, "fr")
    assert HOSTILE not in doc and "<script" not in doc.lower()
    assert escape(HOSTILE) in doc


def test_sheet_in_french_and_english_differ(atlas):
    fr = sheet.territory_sheet(atlas, "commune", BREST, "fr")
    en = sheet.territory_sheet(atlas, "commune", BREST, "en")
    assert fr != en
    assert escape(t("sheet_title", "fr", name="Brest")) in fr
    assert escape(t("sheet_title", "en", name="Brest")) in en
    assert "pas de données" not in en


@pytest.mark.parametrize(
    ("level", "code"),
    [("france", None), ("region", "53"), ("departement", "29"), ("epci", "242900314")],
)
def test_sheet_and_profile_table_at_every_level(atlas, level, code):
    doc = sheet.territory_sheet(atlas, level, code, "fr")
    assert "<script" not in doc.lower()
    table = sheet.profile_table(atlas, level, code, "en")
    assert len(table) == len(indicators())
    assert "France" in table.columns
    assert ("National percentile" in table.columns) == (level != "france")
    if level == "france":
        assert t("sheet_too_many_sites", "fr", n=sheet.SHEET_MAX_SITES)[
            :20
        ] in html.unescape(doc)


def test_sheet_rejects_an_unknown_language(atlas):
    with pytest.raises(DivideError, match="'fr' or 'en'"):
        sheet.territory_sheet(atlas, "commune", BREST, "de")


def test_sites_table_labels_kinds(atlas):
    sites = atlas.sites_in(("commune", BREST))
    table = sheet.sites_table(atlas, sites, "fr")
    assert len(table) == len(sites)
    assert list(table.columns) == ["Nom", "Type", "Adresse", "Source"]
    labels = {t(f"kind_{k}", "fr") for k in sheet.KINDS}
    for text in table["Type"]:
        # A host structure's posts follow its kinds ("… · 6 postes de …").
        kinds, _, posts = text.partition(" · ")
        assert set(kinds.split(" + ")) <= labels
        assert not posts or posts.endswith("de conseiller numérique")


def test_mini_map_draws_outline_and_sites(atlas):
    shapes = atlas.geometry("commune")
    fmap = sheet.mini_map(
        shapes[shapes["code"] == BREST], atlas.sites_in(("commune", BREST)), "en"
    )
    page = fmap.get_root().render()
    assert '"maxZoom": 18' in page
    assert "geo_json" in page and "fast_marker_cluster" in page


# ----------------------------------------------------------------- the app
def _app(lang: str, level: str, code: str | None, page: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["level"] = level
    if code:
        at.query_params["code"] = code
    if page:  # open the page directly (the language comes from the URL)
        at.switch_page(page)
    at.run()
    return at


TERRITORIES = [("france", None), ("commune", BREST)]


@pytest.mark.parametrize("page", ["pages/compare.py", "pages/profile.py"])
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("level", "code"), TERRITORIES)
def test_pages_run_after_navigation(page, lang, level, code):
    at = _app(lang, level, code)
    assert not at.exception
    at.switch_page(page)
    at.run()
    assert not at.exception


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("level", "code"),
    [*TERRITORIES, ("epci", "242900314"), ("departement", "29"), ("region", "53")],
)
def test_pages_speak_the_language_of_the_url(lang, level, code):
    at = _app(lang, level, code, "pages/compare.py")
    assert not at.exception
    assert at.title[0].value == t("compare_title", lang)
    if level == "france":
        assert t("pick_territory_first", lang) in [i.value for i in at.info]
    at.switch_page("pages/profile.py")
    at.run()
    assert not at.exception


def test_compare_interactions():
    at = _app("en", "commune", BREST, "pages/compare.py")
    assert at.radio(key="compare_peers").value == "parent"
    assert at.multiselect(key="compare_indicators").value == [
        "thd30_share",
        "dist_4g_km",
        "illectronisme_est",
        "mediation_sites_per_10k",
    ]
    at.radio(key="compare_peers").set_value("national").run()
    assert not at.exception
    assert at.query_params["peers"] in ("national", ["national"])
    at.selectbox(key="compare_x").select("poverty_rate").run()
    assert not at.exception
    assert at.selectbox(key="compare_x").value == "poverty_rate"
    at.selectbox(key="compare_indicator").select("dist_4g_km").run()
    assert not at.exception
    at.multiselect(key="compare_indicators").set_value([]).run()
    assert not at.exception
    assert t("cmp_choose_indicator", "en") in [i.value for i in at.info]


def test_profile_shows_a_download_button():
    at = _app("en", "commune", BREST, "pages/profile.py")
    assert not at.exception
    buttons = at.get("download_button")
    assert [b.key for b in buttons] == ["profile_download"]
    assert at.title[0].value == t("profile_title", "en")
